-- examples/demo.lua -- what the corpus module does, on the sample corpus
-- in examples/ (7 short press statements and news items written for the
-- project).  Run from the repository root:
--
--   make demo          (builds the module, sets LUA_PATH/LUA_CPATH)
--
-- Prints the corpus statistics, a concordance (KWIC) of a phrase and of a
-- word, and the most frequent words.

local corpus = require "corpus"

local SAMPLE = "examples/sample.jsonl"
local PHRASE = '"early warning system"'
local WORD = "nitrate"
local WIDTH = 6          -- KWIC context, in tokens
local LEFT_COLS = 40     -- display columns for the left context
local RIGHT_COLS = 40
local TOP = 15

-- display helpers ---------------------------------------------------------

-- one line: every run of white space (newlines included) becomes a space
local function oneline (s)
  return (s:gsub("%s+", " "))
end

-- length in characters: bytes that do not continue a UTF-8 sequence
-- (written with patterns, so the demo runs on Lua 5.1-5.4 and LuaJIT)
local function ulen (s)
  return #s - select(2, s:gsub("[\128-\191]", ""))
end

-- byte position where the n-th character starts, or nil
local function uoffset (s, n)
  local k = 0
  for pos in s:gmatch("()[^\128-\191]") do
    k = k + 1
    if k == n then return pos end
  end
  return nil
end

-- the last n characters of s
local function tail (s, n)
  local len = ulen(s)
  if len <= n then return s end
  return "…" .. s:sub(uoffset(s, len - n + 2) or 1)
end

-- the first n characters of s
local function head (s, n)
  if ulen(s) <= n then return s end
  return s:sub(1, (uoffset(s, n) or #s + 1) - 1) .. "…"
end

local function lpad (s, n) return string.rep(" ", n - ulen(s)) .. s end
local function rpad (s, n) return s .. string.rep(" ", n - ulen(s)) end

-- 1234567 -> "1,234,567"
local function group (n)
  local s = tostring(math.floor(n))
  return (s:reverse():gsub("(%d%d%d)", "%1,"):reverse():gsub("^,", ""))
end

local function section (title)
  print()
  print(title)
  print(string.rep("─", ulen(title)))
end

-- load ----------------------------------------------------------------------

local c = corpus.new()
local ok, err = c:add_jsonl(SAMPLE)
if not ok then
  io.stderr:write("demo: cannot load ", SAMPLE, ": ", tostring(err), "\n")
  os.exit(1)
end
local st = c:stats()

-- documents are numbered 1..docs in the Lua API; ask c:doc to be sure
local first = 1
if not pcall(function () return assert(c:doc(1)) end) then first = 0 end
local function docs ()
  local i = first - 1
  return function ()
    i = i + 1
    if i < first + st.docs then return i, c:doc(i) end
  end
end

-- statistics ----------------------------------------------------------------

print("corpus demo: the sample corpus in " .. SAMPLE)

section("Corpus statistics")
-- 'types' may be one number or one count per layer
local types = st.types
if type(types) == "table" then
  types = ("%s (word) / %s (norm) / %s (stem)"):format(
    group(types.word or types[1] or 0), group(types.norm or types[2] or 0),
    group(types.stem or types[3] or 0))
else
  types = group(types or 0)
end
local rows = {
  { "documents", group(st.docs) },
  { "tokens", group(st.tokens) .. "  (words and punctuation)" },
  { "words", group(st.words) },
  { "types", types },
  { "sentences", group(st.sentences) },
  { "paragraphs", group(st.paragraphs) },
  { "bytes of text", group(st.bytes) },
  { "invalid UTF-8", group(st.invalid_utf8 or 0) },
}
for _, r in ipairs(rows) do print("  " .. rpad(r[1], 15) .. r[2]) end

section("Documents")
for _, d in docs() do
  print(("  %s %s %s"):format(rpad(tostring(d.id), 22), rpad(d.date or "", 10),
    head(d.title or "", 44)))
end

-- concordance ---------------------------------------------------------------

local function kwic (q)
  local n = c:count(q)
  section(("Concordance of %s: %d matches (context %d tokens)"):format(q, n, WIDTH))
  local idw = 0
  for k in c:kwic(q, { width = WIDTH }) do idw = math.max(idw, ulen(k.id)) end
  for k in c:kwic(q, { width = WIDTH }) do
    print(("  %s  %s  %s  %s"):format(
      rpad(k.id, idw), lpad(tail(oneline(k.left), LEFT_COLS), LEFT_COLS),
      oneline(k.match), head(oneline(k.right), RIGHT_COLS)))
  end
end

kwic(PHRASE)
kwic(WORD)

-- frequency -----------------------------------------------------------------

-- words too common to say anything about these texts
local FUNCTION_WORDS = {}
for w in ([[the of and to a in for by at on that is it as was with from be
  will its their they we our he she his her this an are have has had not no
  but or were which what all would one who been said more than about after
  when where there them then so if only]]):gmatch("%S+") do
  FUNCTION_WORDS[w] = true
end

-- the norm-layer frequency list as { {word, count}, ... }, most frequent
-- first: from c:freq when the module has it, else counted from c:tokens
local function frequencies ()
  if c.freq then
    local list = {}
    for _, e in ipairs(c:freq{ layer = "norm" }) do
      if type(e) == "table" then
        local w = e.term or e.norm or e.word or e.type or e.key or e[1]
        local n = e.count or e.n or e.freq or e[2]
        list[#list + 1] = { w, n }
      end
    end
    return list
  end
  local count = {}
  for n in docs() do
    for _, t in ipairs(c:tokens(n)) do
      if not t.punct then count[t.norm] = (count[t.norm] or 0) + 1 end
    end
  end
  local list = {}
  for w, n in pairs(count) do list[#list + 1] = { w, n } end
  table.sort(list, function (a, b)
    if a[2] ~= b[2] then return a[2] > b[2] end
    return a[1] < b[1]
  end)
  return list
end

local all = frequencies()
local content = {}
for _, e in ipairs(all) do
  if not FUNCTION_WORDS[e[1]] then content[#content + 1] = e end
end

section(("The %d most frequent words (norm layer)"):format(TOP))
print(("  %4s  %s %6s     %s %6s"):format("rank", rpad("all words", 16),
  "count", rpad("without function words", 24), "count"))
for i = 1, TOP do
  local a, b = all[i], content[i]
  if not (a or b) then break end
  print(("  %4d  %s %6s     %s %6s"):format(i,
    rpad(a and a[1] or "", 16), a and a[2] or "",
    rpad(b and b[1] or "", 24), b and b[2] or ""))
end

if c.close then c:close() end
