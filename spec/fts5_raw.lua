--[[
spec/fts5_raw.lua -- compare document counts with SQLite FTS5
(`unicode61 remove_diacritics 2`, tokenizing the raw text itself) for
compound words and accented words (docs/QUERY.md "Compounds and
diacritics").  Used by spec/34_compounds_spec.lua (seeds, Reuters) and
checks/35_fts5_corpora_spec.lua (every shared corpus, make check).

  local oracle = require "fts5_raw"
  local rows, worst = oracle.compare(c, {extra queries...})
  -- rows: {{q =, ours =, fts5 =, ratio =}, ...}; worst: the lowest ratio
]]

local M = {}

local ROOT = debug.getinfo(1, "S").source:match("^@(.*)/spec/[^/]*$") or "."

local exe

--- the path of spec/oracle/fts5_oracle.c compiled (once per process):
-- the oracle of spec 31 (token streams) and of this module (--raw)
function M.exe()
  if exe then return exe end
  local sh = require "sh"
  local dir = sh.tmpdir()
  assert(sh.execute("mkdir -p " .. dir))
  exe = dir .. "/fts5_oracle"
  assert(sh.execute(("cc -O2 -o %s %s/spec/oracle/fts5_oracle.c -lsqlite3"):format(exe, ROOT)),
         "cannot build the FTS5 oracle (needs libsqlite3-dev)")
  return exe
end

-- the compound and accented words of corpus c worth asking about: parts
-- of its most widespread hyphenated types, the two-word compounds as
-- phrases, and its most widespread accented types, with and without
-- their diacritics
function M.queries(c, extra)
  local qs, seen = {}, {}
  local function add(q) if not seen[q] then seen[q] = true; qs[#qs + 1] = q end end
  for _, q in ipairs(extra or {}) do add(q) end
  local rows = c:freq{}
  table.sort(rows, function(a, b)
    if a.docs ~= b.docs then return a.docs > b.docs end
    return a.term < b.term
  end)
  local ncomp, nacc = 0, 0
  for _, r in ipairs(rows) do
    local t = r.term
    if ncomp < 12 and t:find("^%l+%-%l+$") then
      local a, b = t:match("^(%l+)%-(%l+)$")
      if #a >= 3 and #b >= 3 then
        ncomp = ncomp + 1
        add(b)
        add(('"%s %s"'):format(a, b))
      end
    elseif nacc < 8 and t:find("[\195][\128-\191]") and not t:find("[^%a\195\128-\191]") then
      nacc = nacc + 1
      add(t)
    end
  end
  return qs
end

-- the FTS5 expression of one of our queries: a word or a quoted phrase
local function fts5_expr(q)
  if q:sub(1, 1) == '"' then return q end
  return '"' .. q .. '"'
end

function M.compare(c, extra)
  local qs = M.queries(c, extra)
  local dir = os.tmpname(); os.remove(dir); assert(os.execute("mkdir -p " .. dir))
  local df = assert(io.open(dir .. "/docs.txt", "w"))
  for d = 1, c:ndocs() do
    local doc = c:doc(d)
    if doc then df:write((doc.text:gsub("[\r\n]", " ")), "\n") end
  end
  df:close()
  local qf = assert(io.open(dir .. "/queries.txt", "w"))
  for _, q in ipairs(qs) do qf:write(fts5_expr(q), "\n") end
  qf:close()
  local p = assert(io.popen(("%s --raw %s/docs.txt %s/queries.txt"):format(M.exe(), dir, dir)))
  local fts = {}
  for line in p:lines() do
    local n, k = line:match("^Q (%d+) (%d+)$")
    if n then fts[tonumber(n)] = tonumber(k)
    else error("FTS5: " .. line) end
  end
  p:close()
  os.execute("rm -rf '" .. dir .. "'")
  local out, worst = {}, 1
  for i, q in ipairs(qs) do
    local ours = assert(c:count(q, {docs = true, variants = true}))
    local f = fts[i]
    local ratio = (ours == f) and 1 or math.min(ours, f) / math.max(ours, f)
    out[#out + 1] = {q = q, ours = ours, fts5 = f, ratio = ratio}
    if ratio < worst then worst = ratio end
  end
  return out, worst
end

return M
