-- checks/51_stats_oracle_spec.lua -- NLTK as an external oracle for the
-- statistics (issue 5).  The project's own tokens of the Reuters corpus
-- (docs-000.jsonl: about 2 million word tokens; norm layer, punctuation
-- removed, one sentence per line) are written to a temp file and
-- spec/oracle/nltk_colloc.py computes with NLTK (python3-nltk, no
-- downloaded data): the frequency list (FreqDist), the 2- and 3-grams
-- inside sentences (nltk.util.ngrams) and, per window, the top 500
-- pairs of PMI, likelihood ratio, Student's t, chi^2 and Dice
-- (BigramCollocationFinder.from_words per document, summed;
-- BigramAssocMeasures).
--
-- Conventions matched on purpose, documented in docs/STATS.md:
--  * a window never spans two documents (the oracle builds the finder
--    per document and sums word_fd / ngram_fd);
--  * c:collocations divides the pair count by window-1 before scoring,
--    as NLTK's score_ngram does (Church & Hanks 1990), so NLTK's scores
--    are compared as they are, for every window;
--  * chi^2 is NLTK's N*phi^2, which is Pearson's X^2 of the 2x2 table
--    (no continuity correction); "mi" is NLTK's pmi (log base 2).

local corpus = require "corpus"

local PY = "/usr/bin/python3"
local DATA = "../shared/corpora/reuters21578/docs-000.jsonl"
local ORACLE = "spec/oracle/nltk_colloc.py"
local TOP, MIN = 500, 3
local WINDOWS = {2, 3}
local MEASURES = {"mi", "llr", "t", "chi2", "dice"}

local function have_nltk()
  local ok = os.execute(PY .. " -c 'import nltk' 2>/dev/null")
  return ok == true or ok == 0
end

local function rel_ok(a, b, rel)
  return math.abs(a - b) <= rel * math.max(math.abs(a), math.abs(b), 1e-300)
end

describe("statistics against NLTK (external oracle)", function()
  if not have_nltk() then
    pending("python3-nltk is not installed")
    return
  end

  local c, ntokens
  local F, NG, S, T = {}, {[2] = {}, [3] = {}}, {}, {}

  setup(function()
    c = corpus.new()
    assert(c:add_jsonl(DATA))
    local tokfile, outfile = os.tmpname(), os.tmpname()
    local f = assert(io.open(tokfile, "w"))
    ntokens = 0
    for d = 1, c:ndocs() do
      local toks = c:tokens(d)
      for _, s in ipairs(c:sentences(d)) do
        local line = {}
        for i = s.first, s.last do
          local t = toks[i]
          if not t.punct then line[#line + 1] = t.norm end
        end
        ntokens = ntokens + #line
        if #line > 0 then f:write(table.concat(line, "\t"), "\n") end
      end
      f:write("\f\n")
    end
    f:close()
    local cmd = ("%s %s %s %s %d %d %s"):format(PY, ORACLE, tokfile, outfile,
      MIN, TOP, table.concat(WINDOWS, " "))
    local ok = os.execute(cmd)
    assert(ok == true or ok == 0, "oracle failed: " .. cmd)
    for line in io.lines(outfile) do
      local kind, a, b = line:match("^(%w+)\t([^\t]*)\t([^\t]*)")
      if kind == "F" then F[a] = tonumber(b)
      elseif kind == "N2" then NG[2][a] = tonumber(b)
      elseif kind == "N3" then NG[3][a] = tonumber(b)
      elseif kind == "T" then T[tonumber(a)] = tonumber(b)
      elseif kind == "S" then
        local w, m, rank, w1, w2, score, o, f1, f2 = line:match(
          "^S\t(%d+)\t(%w+)\t(%d+)\t([^\t]*)\t([^\t]*)\t([^\t]*)\t(%d+)\t(%d+)\t(%d+)$")
        w = tonumber(w)
        S[w] = S[w] or {}
        S[w][m] = S[w][m] or {}
        S[w][m][tonumber(rank)] = {w1 = w1, w2 = w2, score = tonumber(score),
          o = tonumber(o), f1 = tonumber(f1), f2 = tonumber(f2)}
      end
    end
    os.remove(tokfile)
    os.remove(outfile)
  end)

  teardown(function() if c then c:close() end end)

  it("runs on at least a million tokens", function()
    assert.is_true(ntokens >= 1000000)
    assert.are.equal(ntokens, c:stats().words)
  end)

  it("the frequency list equals NLTK's FreqDist exactly", function()
    local rows, info = c:freq()
    assert.are.equal(ntokens, info.tokens)
    local n = 0
    for _ in pairs(F) do n = n + 1 end
    assert.are.equal(n, #rows)
    local bad = 0
    for _, r in ipairs(rows) do
      if F[r.term] ~= r.count then bad = bad + 1 end
    end
    assert.are.equal(0, bad)
  end)

  for _, n in ipairs{2, 3} do
    it(("the %d-grams inside sentences equal nltk.util.ngrams counts exactly"):format(n), function()
      local rows = c:ngrams(n)
      local k = 0
      for _ in pairs(NG[n]) do k = k + 1 end
      assert.is_true(k > 100000)
      assert.are.equal(k, #rows)
      local bad = 0
      for _, r in ipairs(rows) do
        if NG[n][r.ngram] ~= r.count then bad = bad + 1 end
      end
      assert.are.equal(0, bad)
    end)
  end

  for _, w in ipairs(WINDOWS) do
    it(("window %d: the top %d pairs of every measure agree to 1e-9"):format(w, TOP), function()
      local all, info = c:collocations{window = w, min = MIN, measure = MEASURES}
      assert.are.equal(T[w], info.tokens)
      local by = {}
      for _, r in ipairs(all) do by[r.w1 .. "\t" .. r.w2] = r end
      for _, m in ipairs(MEASURES) do
        local list = S[w][m]
        assert.are.equal(TOP, #list)
        for rank, p in ipairs(list) do
          local r = by[p.w1 .. "\t" .. p.w2]
          assert(r, ("%s rank %d: pair %s %s missing"):format(m, rank, p.w1, p.w2))
          assert.are.same({p.o, p.f1, p.f2}, {r.obs, r.f1, r.f2})
          assert(rel_ok(r[m], p.score, 1e-9),
            ("%s rank %d (%s %s): %.17g vs NLTK %.17g"):format(m, rank, p.w1, p.w2, r[m], p.score))
        end
        -- our own ranking has the same score at every rank (ties may
        -- order differently only where scores are equal)
        local mine = c:collocations{window = w, min = MIN, measure = m, limit = TOP}
        assert.are.equal(TOP, #mine)
        for rank = 1, TOP do
          assert(rel_ok(mine[rank][m], list[rank].score, 1e-9),
            ("%s rank %d: %.17g vs NLTK %.17g"):format(m, rank, mine[rank][m], list[rank].score))
        end
      end
    end)
  end
end)
