-- The external oracle: SQLite FTS5 over the same token streams.
--
-- 15,965 Reuters-21578 documents are indexed by corpus; their word tokens
-- (norm layer, punctuation dropped, exactly as corpus tokenized them)
-- are hex-encoded and fed to an FTS5 table (spec/oracle/fts5_oracle.c,
-- built here against the system libsqlite3), so both engines see the
-- same tokens.  For every query, the matching documents and the number
-- of hits per document must agree with FTS5's xInstCount, and the BM25
-- top 10 must agree with FTS5's bm25() (same formula, docs/QUERY.md).

local corpus = require "corpus"

-- FTS5 is fed our own tokens, so the oracle compares exact terms (no
-- compound parts, no diacritic variants: docs/QUERY.md)
local EXACT = {variants = false}

local CORPUS = "/work/shared/corpora/reuters21578/docs-000.jsonl"

local function hex (s)
  return (s:gsub(".", function (ch) return ("%02x"):format(ch:byte()) end))
end

-- query pairs: ours, and the FTS5 expression over hex tokens
local function T (w) return hex(w) end
local function PH (...) local t = {} for i, w in ipairs{...} do t[i] = hex(w) end
  return '"' .. table.concat(t, " ") .. '"' end
local function PRE (w) return hex(w) .. "*" end

local CASES = {
  -- terms
  {"oil", T"oil"}, {"dollar", T"dollar"}, {"wheat", T"wheat"},
  {"coffee", T"coffee"}, {"gold", T"gold"}, {"tonnes", T"tonnes"},
  {"profit", T"profit"}, {"Japan", T"japan"}, {"yen", T"yen"},
  -- AND (explicit and implicit)
  {"oil AND prices", T"oil" .. " AND " .. T"prices"},
  {"bank rate", T"bank" .. " AND " .. T"rate"},
  {"wheat AND export AND soviet", T"wheat" .. " AND " .. T"export" .. " AND " .. T"soviet"},
  -- OR
  {"coffee OR cocoa", T"coffee" .. " OR " .. T"cocoa"},
  {"gold OR silver OR platinum", T"gold" .. " OR " .. T"silver" .. " OR " .. T"platinum"},
  {"(oil OR gas) prices", "(" .. T"oil" .. " OR " .. T"gas" .. ") AND " .. T"prices"},
  -- NOT
  {"oil NOT opec", T"oil" .. " NOT " .. T"opec"},
  {"bank NOT rate", T"bank" .. " NOT " .. T"rate"},
  {"sugar NOT tonnes", T"sugar" .. " NOT " .. T"tonnes"},
  -- phrases
  {'"interest rates"', PH("interest", "rates")},
  {'"united states"', PH("united", "states")},
  {'"crude oil"', PH("crude", "oil")},
  {'"stock exchange"', PH("stock", "exchange")},
  {'"per share"', PH("per", "share")},
  {'"net loss"', PH("net", "loss")},
  {'"of the company"', PH("of", "the", "company")},
  {'"the united states"', PH("the", "united", "states")},
  {'"said it would"', PH("said", "it", "would")},
  -- prefix
  {"export*", PRE"export"}, {"acqui*", PRE"acqui"}, {"bank*", PRE"bank"},
  {"petrol*", PRE"petrol"},
  -- NEAR
  {"NEAR(oil prices, 5)", "NEAR(" .. T"oil" .. " " .. T"prices" .. ", 5)"},
  {"NEAR(interest rates, 2)", "NEAR(" .. T"interest" .. " " .. T"rates" .. ", 2)"},
  {'NEAR("crude oil" opec, 10)', "NEAR(" .. PH("crude", "oil") .. " " .. T"opec" .. ", 10)"},
  {"NEAR(gold silver, 0)", "NEAR(" .. T"gold" .. " " .. T"silver" .. ", 0)"},
  -- mixed
  {'"crude oil" NOT opec', PH("crude", "oil") .. " NOT " .. T"opec"},
  {'"interest rates" OR "money supply"', PH("interest", "rates") .. " OR " .. PH("money", "supply")},
}

-- queries whose BM25 top 10 is compared (the formula is the same for
-- terms, phrases and prefixes combined with AND / OR)
local RANKED = {
  ["oil"] = true, ["coffee"] = true, ["oil AND prices"] = true,
  ["bank rate"] = true, ["coffee OR cocoa"] = true,
  ['"interest rates"'] = true, ['"united states"'] = true,
  ["gold OR silver OR platinum"] = true, ["export*"] = true,
  ['"interest rates" OR "money supply"'] = true, ["(oil OR gas) prices"] = true,
}

local function search (c, q, opts)
  if c.search then return c:search(q, opts) end
  return c:_search(corpus.parse(q), opts)
end

describe("query engine against SQLite FTS5 (Reuters, 15,965 documents)", function ()
  local c, oracle

  setup(function ()
    c = corpus.new()
    assert(c:add_jsonl(CORPUS))
    local sh = require "sh"
    local dir = sh.tmpdir()
    assert(sh.execute("mkdir -p " .. dir))
    local exe = require("fts5_raw").exe()
    local df = assert(io.open(dir .. "/docs.txt", "w"))
    local n = c:stats().docs
    for d = 1, n do
      local out = {}
      for _, t in ipairs(c:tokens(d)) do
        if not t.punct then out[#out + 1] = hex(t.norm) end
      end
      df:write(table.concat(out, " "), "\n")
    end
    df:close()
    local qf = assert(io.open(dir .. "/queries.txt", "w"))
    for _, case in ipairs(CASES) do qf:write(case[2], "\n") end
    qf:close()
    local p = assert(io.popen(("%s %s/docs.txt %s/queries.txt"):format(exe, dir, dir)))
    oracle = {}
    local cur
    for line in p:lines() do
      local qn = line:match("^Q (%d+)$")
      if qn then cur = {counts = {}, top = {}}; oracle[tonumber(qn)] = cur
      elseif line:match("^E ") then error("FTS5: " .. line)
      elseif line:match("^R ") then
        local d, s = line:match("^R (%d+) (%S+)$")
        cur.top[#cur.top + 1] = {doc = tonumber(d), score = tonumber(s)}
      else
        local d, k = line:match("^(%d+) (%d+)$")
        cur.counts[tonumber(d)] = tonumber(k)
      end
    end
    p:close()
    os.execute("rm -rf " .. dir)
  end)

  it("has the corpus and one oracle answer per query", function ()
    assert.are.equal(15965, c:stats().docs)
    assert.are.equal(#CASES, #oracle)
    assert.is_true(#CASES >= 30)
  end)

  for i, case in ipairs(CASES) do
    it("agrees on the hits per document of " .. case[1], function ()
      local mine = {}
      for m in c:matches(case[1], EXACT) do mine[m.doc] = (mine[m.doc] or 0) + 1 end
      assert.is_true(next(oracle[i].counts) ~= nil, "the query should match something")
      assert.are.same(oracle[i].counts, mine)
      local total = 0
      for _, k in pairs(mine) do total = total + k end
      assert.are.equal(total, c:count(case[1], EXACT))
    end)
    if RANKED[case[1]] then
      it("agrees on the BM25 top 10 of " .. case[1], function ()
        local r = assert(search(c, case[1], {limit = 10, variants = false}))
        local top = oracle[i].top
        assert.are.equal(#top, #r.hits)
        for k, h in ipairs(r.hits) do
          assert.is_true(math.abs(h.score - top[k].score) <= 1e-9 * math.abs(top[k].score),
            ("rank %d: score %.12g vs FTS5 %.12g"):format(k, h.score, top[k].score))
          -- documents agree unless two scores tie
          local tie = (top[k - 1] and math.abs(top[k - 1].score - top[k].score) < 1e-9)
                   or (top[k + 1] and math.abs(top[k + 1].score - top[k].score) < 1e-9)
          if not tie then assert.are.equal(top[k].doc, h.doc) end
        end
      end)
    end
  end
end)

-- Compounds and accented words with {variants = true} (docs/QUERY.md
-- "Compounds and diacritics"): here FTS5 tokenizes the raw text itself, with
-- unicode61 remove_diacritics 2, and the number of matching documents
-- must agree within 1% for every word.  Phrases over compounds ("five
-- year" against five-year-old) are compared too and reported; they
-- agree within 5% (a phrase ending inside a compound is not matched,
-- docs/QUERY.md).  The other shared corpora: checks/35 (make check).
describe("compound and accented words against FTS5 unicode61 (Reuters)", function ()
  local oracle = require "fts5_raw"
  local rows, worst

  setup(function ()
    local c = corpus.new()
    assert(c:add_jsonl(CORPUS))
    rows = oracle.compare(c, {"ebola", "communique", "communiqué", '"al hol"'})
    c:close()
  end)

  it("asks about compound parts, compound phrases and accented words", function ()
    local words, phrases = 0, 0
    for _, r in ipairs(rows) do
      if r.q:sub(1, 1) == '"' then phrases = phrases + 1 else words = words + 1 end
    end
    assert.is_true(words >= 10, "words: " .. words)
    assert.is_true(phrases >= 8, "phrases: " .. phrases)
  end)

  it("agrees within 1% on the documents of every word", function ()
    worst = 1
    for _, r in ipairs(rows) do
      if r.q:sub(1, 1) ~= '"' then
        assert.is_true(r.ratio >= 0.99, ("%s: ours %d, FTS5 %d"):format(r.q, r.ours, r.fts5))
        worst = math.min(worst, r.ratio)
      end
    end
  end)

  it("agrees within 5% on the documents of every compound phrase", function ()
    for _, r in ipairs(rows) do
      if r.q:sub(1, 1) == '"' then
        assert.is_true(r.ratio >= 0.95, ("%s: ours %d, FTS5 %d"):format(r.q, r.ours, r.fts5))
      end
    end
  end)
end)
