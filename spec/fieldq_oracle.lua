-- spec/fieldq_oracle.lua -- the oracle of word search in a field
-- (title:(...), issue 8, item 7), shared by spec/47_fields_spec.lua
-- (the quick cases) and checks/47_fieldq_oracle_spec.lua (the long
-- runs through merges, deletes and optimize, in make check).  It
-- recomputes in Lua which Reuters titles match each query from the
-- titles themselves (tokenized by core.tokenize, lower-cased: the
-- Reuters titles are ASCII, which spec 47 checks), with the rules of
-- docs/QUERY.md: a word is a whole token or a part of a hyphenated (or
-- dotted) compound; a phrase starts on a word, skips punctuation, takes
-- a compound ending with its first word and one starting with its last,
-- or a compound holding all its words in a row.
local core = require "corpus.core"
local json = require "cjson"
local assert = require "luassert"

local M = {}

M.REUTERS = "../shared/corpora/reuters21578/docs-001.jsonl"

-- the documents of M.REUTERS: id, text, title
function M.docs ()
  local docs = {}
  for line in io.lines(M.REUTERS) do
    local d = json.decode(line)
    docs[#docs + 1] = {id = d.id, text = d.text, title = d.title}
  end
  return docs
end

local toks_of = {}
function M.title_tokens (title)
  if toks_of[title or ""] then return toks_of[title or ""] end
  local out = {}
  for _, t in ipairs(core.tokenize(title or "")) do
    out[#out + 1] = {s = (title or ""):sub(t.start, t.stop):lower(), punct = t.punct}
  end
  toks_of[title or ""] = out
  return out
end

-- the runs of letters and digits of s when it has anything else
local function parts (s)
  if not s:find("[^%w]") then return {} end
  local p = {}
  for w in s:gmatch("%w+") do p[#p + 1] = w end
  return p
end

-- does token s match word w standing at edge ("any", "first", "mid", "last")?
local function word_match (s, w, edge, prefix)
  local function eq (a) return prefix and a:sub(1, #w) == w or a == w end
  if eq(s) then return true end
  if edge == "mid" then return false end
  local p = parts(s)
  for i, part in ipairs(p) do
    local first, last = i == 1, i == #p
    local ok = edge == "any" or (edge == "first" and last) or (edge == "last" and first)
    if ok and eq(part) then return true end
  end
  return false
end

-- does the title's token list hold the phrase of words ws?
local function phrase_match (toks, ws)
  for i, t in ipairs(toks) do
    if not t.punct and word_match(t.s, ws[1], "first") then
      local k, j = 2, i + 1
      while k <= #ws do
        while toks[j] and toks[j].punct do j = j + 1 end
        if not toks[j] or not word_match(toks[j].s, ws[k], k == #ws and "last" or "mid") then
          break
        end
        k, j = k + 1, j + 1
      end
      if k > #ws then return true end
    end
    local p = parts(t.s)           -- the words as one compound's parts
    if #ws <= 4 and #p >= 2 and #p <= 6 then
      for a = 1, #p - #ws + 1 do
        local all = true
        for b = 1, #ws do if p[a + b - 1] ~= ws[b] then all = false break end end
        if all then return true end
      end
    end
  end
  return false
end

-- the oracle's queries: query text and a test on a title's tokens
local function words_of (q)
  local ws = {}
  for _, t in ipairs(M.title_tokens(q)) do if not t.punct then ws[#ws + 1] = t.s end end
  return ws
end
function M.has (w) return function (toks)
  local ws = words_of(w)
  if #ws > 1 then return phrase_match(toks, ws) end
  for _, t in ipairs(toks) do
    if not t.punct and word_match(t.s, ws[1], "any") then return true end
  end
  return false
end end
function M.pre (w) return function (toks)
  for _, t in ipairs(toks) do
    if not t.punct and word_match(t.s, w, "any", true) then return true end
  end
  return false
end end
function M.phrase (q) return function (toks) return phrase_match(toks, words_of(q)) end end
local function AND (a, b) return function (t) return a(t) and b(t) end end
local function OR (a, b) return function (t) return a(t) or b(t) end end
local function NOT (a) return function (t) return not a(t) end end

M.FQ = {
  {"title:(cocoa)", M.has "cocoa"},
  {"title:(gold)", M.has "gold"},
  {"title:(oil prices)", AND(M.has "oil", M.has "prices")},
  {'title:("oil prices")', M.phrase "oil prices"},
  {'title:("crude oil" OR gasoline)', OR(M.phrase "crude oil", M.has "gasoline")},
  {"title:(cocoa OR coffee)", OR(M.has "cocoa", M.has "coffee")},
  {"title:(coc*)", M.pre "coc"},
  {"title:(oil NOT opec)", AND(M.has "oil", NOT(M.has "opec"))},
  {"title:(NOT (gold OR silver))", NOT(OR(M.has "gold", M.has "silver"))},
  {"title:(year)", M.has "year"},                -- FIVE-YEAR, ONE-YEAR
  {"title:(u.s.)", M.has "u.s."},
  {'title:("u.s. japan")', M.phrase "u.s. japan"},
  {'title:("first quarter")', M.phrase "first quarter"},
  {"title:(Bank*)", M.pre "bank"},
  {"title:(oil)", M.has "oil"},
}

-- the live documents of list the oracle matches for M.FQ[i]
function M.oracle (list, i)
  local n, ids = 0, {}
  for _, d in ipairs(list) do
    if M.FQ[i][2](M.title_tokens(d.title)) then n = n + 1; ids[d.id] = true end
  end
  return n, ids
end

-- c answers every M.FQ query as the oracle does over 'list'
function M.check_words (c, list)
  local nonzero = 0
  for i, fq in ipairs(M.FQ) do
    local want = M.oracle(list, i)
    assert.are.equal(want, c:count(fq[1], {docs = true}), fq[1])
    -- a field condition alone gives one match a document, as a filter
    assert.are.equal(want, c:count(fq[1]), fq[1])
    if want > 0 then nonzero = nonzero + 1 end
  end
  assert.is_true(nonzero >= #M.FQ - 3)
end


return M
