-- spec/50_stats_spec.lua -- corpus statistics (issue 5): frequency
-- lists, n-grams, collocates, window collocations and keyness on the
-- seed corpus, with hand-checked values and a brute-force Lua
-- recomputation from c:tokens / c:sentences.

local corpus = require "corpus"
-- log base 2; Lua 5.1 and LuaJIT's math.log take no base
local function log2(x) return math.log(x) / math.log(2) end

local SEEDS = "../shared/corpora/seeds"

local function near(a, b, rel)
  rel = rel or 1e-12
  return math.abs(a - b) <= rel * math.max(1, math.abs(b))
end

-- every document as {words = {norm...}, sents = {{norm...}...},
-- pos = {token index of each word}}: punctuation removed
local function token_view(c)
  local docs = {}
  for d = 1, c:ndocs() do
    local toks, sents = c:tokens(d), c:sentences(d)
    local words, pos, sw = {}, {}, {}
    for _, s in ipairs(sents) do
      local cur = {}
      for i = s.first, s.last do
        local t = toks[i]
        if not t.punct then
          words[#words + 1] = t.norm
          pos[#pos + 1] = i
          cur[#cur + 1] = t.norm
        end
      end
      sw[#sw + 1] = cur
    end
    docs[d] = {words = words, pos = pos, sents = sw, toks = toks}
  end
  return docs
end

local function as_map(rows, key)
  local m = {}
  for _, r in ipairs(rows) do m[r[key]] = r end
  return m
end

describe("statistics on the seed corpus", function()
  local c, view

  setup(function()
    c = corpus.new()
    c:add_dir(SEEDS)
    view = token_view(c)
  end)

  teardown(function() c:close() end)

  it("freq counts norm types of word tokens, with per-million rates and document frequency", function()
    local rows, info = c:freq()
    local st = c:stats()
    assert.are.equal(st.words, info.tokens)           -- punctuation skipped
    assert.are.equal(1506, info.tokens)
    assert.are.equal(2, info.docs)
    assert.are.same({term = "the", count = 114, docs = 2,
                     rate = 114 * 1e6 / 1506}, rows[1])
    local m = as_map(rows, "term")
    -- grep -ow Coalition: 4 in the article, 17 in the communique
    assert.are.equal(21, m.coalition.count)
    assert.are.equal(21, m.daesh.count)                -- 1 + 20
    assert.are.equal(34, m.isis.count)
    local sum = 0
    for _, r in ipairs(rows) do sum = sum + r.count end
    assert.are.equal(info.tokens, sum)
  end)

  it("freq agrees with a recount from c:tokens", function()
    local cnt, df = {}, {}
    for _, d in ipairs(view) do
      local seen = {}
      for _, w in ipairs(d.words) do
        cnt[w] = (cnt[w] or 0) + 1
        if not seen[w] then seen[w] = true; df[w] = (df[w] or 0) + 1 end
      end
    end
    local rows = c:freq()
    local n = 0
    for w in pairs(cnt) do n = n + 1 end
    assert.are.equal(n, #rows)
    for _, r in ipairs(rows) do
      assert.are.equal(cnt[r.term], r.count)
      assert.are.equal(df[r.term], r.docs)
    end
    -- sorted by count descending, then bytewise
    for i = 2, #rows do
      local a, b = rows[i - 1], rows[i]
      assert.is_true(a.count > b.count or (a.count == b.count and a.term < b.term))
    end
  end)

  it("freq honours min, limit, layer and punct", function()
    local rows = c:freq{min = 20}
    for _, r in ipairs(rows) do assert.is_true(r.count >= 20) end
    assert.are.same({"the", "and", "to", "of", "in", "isis", "coalition", "daesh",
                     "as", "ministers"},
                    (function() local t = {} for i, r in ipairs(rows) do t[i] = r.term end return t end)())
    assert.are.equal(3, #c:freq{limit = 3})
    local w = as_map(c:freq{layer = "word"}, "term")
    assert.are.equal(21, w.Coalition.count)
    assert.are.equal(4, w["Coalition's"].count)
    local s = as_map(c:freq{layer = "stem"}, "term")
    assert.is_not_nil(s.minist)
    local _, info = c:freq{punct = true}
    assert.are.equal(c:stats().tokens, info.tokens)
  end)

  it("ngrams stay inside sentences and agree with a recount", function()
    -- 1..4 are radix-sorted packed keys; 7 words of 10-bit ids do not
    -- fit in 64 bits and go through the hash table
    for _, n in ipairs{1, 2, 3, 4, 7} do
      local cnt, df = {}, {}
      for d, doc in ipairs(view) do
        for _, s in ipairs(doc.sents) do
          for i = 1, #s - n + 1 do
            local g = table.concat(s, " ", i, i + n - 1)
            cnt[g] = (cnt[g] or 0) + 1
            df[g] = df[g] or {}
            df[g][d] = true
          end
        end
      end
      local rows = c:ngrams(n)
      local k = 0
      for _ in pairs(cnt) do k = k + 1 end
      assert.are.equal(k, #rows)
      for _, r in ipairs(rows) do
        assert.are.equal(cnt[r.ngram], r.count)
        local nd = 0
        for _ in pairs(df[r.ngram]) do nd = nd + 1 end
        assert.are.equal(nd, r.docs)
      end
    end
    local m = as_map(c:ngrams(3), "ngram")
    assert.are.equal(7, m["coalition to defeat"].count)     -- 3 + 4
    assert.are.equal(3, m["foreign terrorist fighters"].count)
    assert.are.equal(2, m["foreign terrorist fighters"].docs)
  end)

  it("ngrams containing a node keep only n-grams covering a match", function()
    local nodes = {}
    for d, doc in ipairs(view) do
      for i, t in ipairs(doc.toks) do
        if t.norm == "fighters" then nodes[#nodes + 1] = {doc = d, start = i, stop = i} end
      end
    end
    local rows = c:ngrams(2, {containing = nodes})
    for _, r in ipairs(rows) do
      assert.is_truthy(r.ngram:find("fighters", 1, true))
    end
    local m = as_map(rows, "ngram")
    assert.are.equal(4, m["terrorist fighters"].count)   -- grep -oi: 4
    assert.is_nil(m["isis foreign"])            -- does not contain it
  end)

  it("collocates of a node agree with a window recount, for every measure", function()
    local nodes = {}
    for d, doc in ipairs(view) do
      for i, t in ipairs(doc.toks) do
        if t.norm == "isis" then nodes[#nodes + 1] = {doc = d, start = i, stop = i} end
      end
    end
    local L, R = 3, 2
    local rows, info = c:collocates(nodes, {left = L, right = R,
      measure = {"llr", "mi", "mi3", "t", "z", "dice", "logdice", "chi2"}})
    -- brute force: the region is every word within L words left or R
    -- words right of a node, minus the node words; each counted once
    local obs, freq, N, nn, R1 = {}, {}, 0, 0, 0
    for d, doc in ipairs(view) do
      local at, isnode, region = {}, {}, {}
      for k, p in ipairs(doc.pos) do at[p] = k end
      for _, w in ipairs(doc.words) do freq[w] = (freq[w] or 0) + 1; N = N + 1 end
      for _, m in ipairs(nodes) do
        if m.doc == d then isnode[at[m.start]] = true end
      end
      for _, m in ipairs(nodes) do
        if m.doc == d then
          local k = at[m.start]
          nn = nn + 1
          for j = math.max(1, k - L), math.min(#doc.words, k + R) do
            if not isnode[j] then region[j] = true end
          end
        end
      end
      for j in pairs(region) do
        local w = doc.words[j]
        obs[w] = (obs[w] or 0) + 1
        R1 = R1 + 1
      end
    end
    assert.are.equal(34, info.nodes)
    assert.are.equal(N, info.tokens)
    assert.are.equal(R1, info.region)
    local k = 0
    for _ in pairs(obs) do k = k + 1 end
    assert.are.equal(k, #rows)
    for _, r in ipairs(rows) do
      local O, C1 = obs[r.term], freq[r.term]
      assert.are.equal(O, r.obs)
      assert.are.equal(C1, r.freq)
      local E = R1 * C1 / N
      assert.is_true(near(r.exp, E))
      assert.is_true(near(r.mi, log2(O / E)))
      assert.is_true(near(r.mi3, log2(O ^ 3 / E)))
      assert.is_true(near(r.t, (O - E) / math.sqrt(O)))
      assert.is_true(near(r.z, (O - E) / math.sqrt(E)))
      assert.is_true(near(r.dice, 2 * O / (R1 + C1)))
      assert.is_true(near(r.logdice, 14 + log2(2 * O / (R1 + C1))))
      -- G2 and X2 from the full table
      local o = {O, R1 - O, C1 - O, N - R1 - C1 + O}
      local e = {R1 * C1 / N, R1 * (N - C1) / N, (N - R1) * C1 / N,
                 (N - R1) * (N - C1) / N}
      local g2, x2 = 0, 0
      for i = 1, 4 do
        if o[i] > 0 then g2 = g2 + 2 * o[i] * math.log(o[i] / e[i]) end
        x2 = x2 + (o[i] - e[i]) ^ 2 / e[i]
      end
      assert.is_true(near(r.llr, g2, 1e-9))
      assert.is_true(near(r.chi2, x2, 1e-9))
    end
    for i = 2, #rows do assert.is_true(rows[i - 1].llr >= rows[i].llr) end
    -- the classic collocate of "isis" in these texts
    assert.are.equal("daesh", rows[1].term)
  end)

  it("collocates: min and limit, and a window on one side only", function()
    local nodes = {}
    for d, doc in ipairs(view) do
      for i, t in ipairs(doc.toks) do
        if t.norm == "foreign" then nodes[#nodes + 1] = {doc = d, start = i, stop = i} end
      end
    end
    local rows = c:collocates(nodes, {left = 0, right = 1, measure = "mi"})
    local m = as_map(rows, "term")
    -- "foreign" is followed by terrorist (3), fighters (3), ministers (3),
    -- nationality (1), affairs (1)
    assert.are.equal(3, m.terrorist.obs)
    assert.are.equal(3, m.fighters.obs)
    local total = 0
    for _, r in ipairs(rows) do total = total + r.obs end
    assert.are.equal(11, total)
    assert.are.equal(2, #c:collocates(nodes, {left = 0, right = 1, min = 2, limit = 2}))
    assert.has_error(function() c:collocates(nodes, {left = 0, right = 0}) end)
    assert.has_error(function() c:collocates(nodes, {measure = "nope"}) end)
  end)

  it("collocations count ordered pairs within the window, per document", function()
    local rows, info = c:collocations{window = 3, measure = {"llr", "mi", "t"}}
    local cnt, f, N = {}, {}, 0
    for _, doc in ipairs(view) do
      local w = doc.words
      for i = 1, #w do
        f[w[i]] = (f[w[i]] or 0) + 1; N = N + 1
        for j = i + 1, math.min(#w, i + 2) do
          local k = w[i] .. " " .. w[j]
          cnt[k] = (cnt[k] or 0) + 1
        end
      end
    end
    assert.are.equal(N, info.tokens)
    local k = 0
    for _ in pairs(cnt) do k = k + 1 end
    assert.are.equal(k, #rows)
    for _, r in ipairs(rows) do
      assert.are.equal(cnt[r.w1 .. " " .. r.w2], r.obs)
      assert.are.equal(f[r.w1], r.f1)
      assert.are.equal(f[r.w2], r.f2)
      -- Church & Hanks: the pair count is divided by window - 1 = 2
      local o = r.obs / 2
      assert.is_true(near(r.mi, log2(o * N / (r.f1 * r.f2))))
      assert.is_true(near(r.t, (o - r.f1 * r.f2 / N) / math.sqrt(o)))
    end
  end)
end)

describe("dispersion, similarity, dtm and lookup on the seed corpus", function()
  local c
  setup(function()
    c = corpus.new()
    c:add_dir(SEEDS)
  end)
  teardown(function() c:close() end)

  it("dispersion of 'coalition': 4 in the article, 17 in the communique", function()
    -- exact terms (by default "coalition" also finds "Coalition's")
    assert.are.equal(26, c:dispersion("coalition").matches)
    local d = c:dispersion("coalition", {variants = false})
    assert.are.equal(21, d.matches)
    assert.are.equal(2, d.range)
    assert.are.same({4, 17}, {d.docs[1].count, d.docs[2].count})
    local s1, s2 = d.docs[1].tokens, d.docs[2].tokens
    assert.are.equal(1506, s1 + s2)
    local S = s1 + s2
    local dp = 0.5 * (math.abs(4 / 21 - s1 / S) + math.abs(17 / 21 - s2 / S))
    assert.is_true(near(d.DP, dp))
    assert.is_true(near(d.DPnorm, dp / (1 - math.min(s1, s2) / S)))
    -- two parts: D = 1 - |p1 - p2| / (p1 + p2)
    local p1, p2 = 4 / s1, 17 / s2
    assert.is_true(near(d.D, 1 - math.abs(p1 - p2) / (p1 + p2)))
    -- positions are token indexes: each one is the word "coalition"
    local toks = c:tokens(1)
    for _, p in ipairs(d.docs[1].positions) do
      assert.are.equal("coalition", toks[p].norm)
    end
  end)

  it("lookup counts the seed terms grep finds", function()
    local r = c:lookup({isis = {"isis", "daesh"}, fighters = {"foreign terrorist fighters", "fighters"}})
    -- isis 34 + daesh 21; fighters: 9 "fighters" tokens, the 3 inside
    -- "foreign terrorist fighters" counted once each as the longer entry
    assert.are.same({fighters = 9, isis = 55}, r.totals)
    -- the article: 12 ISIS + ISIS/Small + ISIS' + ... = 14 "isis", 1 daesh
    assert.are.same({isis = 15, fighters = 6}, r.docs[1].counts)
  end)

  it("the two seed documents are similar, and the dtm adds up", function()
    local s = c:similarity(1, 2)
    assert.is_true(s >= 0 and s <= 1)
    assert.are.equal(s, c:similar(1)[1].score)
    -- idf is 0 for terms in both documents, so only the others count
    local m = c:dtm()
    local total = 0
    for _, x in ipairs(m.x) do total = total + x end
    assert.are.equal(1506, total)
    assert.are.equal(527, #m.terms)
  end)
end)

describe("keyness", function()
  local c
  setup(function()
    c = corpus.new()
    c:add{id = "a1", text = "war war war peace talks", year = 1990}
    c:add{id = "a2", text = "war and peace", year = 1991}
    c:add{id = "b1", text = "peace peace trade and talks", year = 2000}
    c:add{id = "b2", text = "trade trade peace", year = 2001}
  end)
  teardown(function() c:close() end)

  -- G2, X2 of the 2x2 table [a, b; C-a, D-b]
  local function direct(a, b, C, D)
    local N = C + D
    local o = {a, b, C - a, D - b}
    local e = {C * (a + b) / N, D * (a + b) / N, C * (N - a - b) / N,
               D * (N - a - b) / N}
    local g2, x2 = 0, 0
    for i = 1, 4 do
      if o[i] > 0 then g2 = g2 + 2 * o[i] * math.log(o[i] / e[i]) end
      x2 = x2 + (o[i] - e[i]) ^ 2 / e[i]
    end
    local sign = (a / C >= b / D) and 1 or -1
    return sign * g2, sign * x2
  end

  it("compares a target filter with the rest of the corpus", function()
    local rows, info = c:keyness({year = {1990, 1999}})
    assert.are.equal(8, info.tokens_a)   -- war war war peace talks war and peace
    assert.are.equal(8, info.tokens_b)
    assert.are.equal("war", rows[1].term)
    local m = as_map(rows, "term")
    assert.are.same({4, 0}, {m.war.a, m.war.b})
    for _, r in ipairs(rows) do
      local g2, x2 = direct(r.a, r.b, 8, 8)
      assert.is_true(near(r.llr, g2, 1e-12))
      assert.is_true(near(r.chi2, x2, 1e-12))
      local ra = (r.a > 0 and r.a or 0.5) / 8
      local rb = (r.b > 0 and r.b or 0.5) / 8
      assert.is_true(near(r.logratio, log2(ra / rb)))
      assert.is_true(r.p > 0 and r.p <= 1)
    end
    -- war: 4 vs 0 in 8 + 8 tokens: G2 = 2*(4 ln 2 + 4 ln(8/6) + 8 ln(8/6))
    assert.is_true(near(m.war.llr, 2 * (4 * math.log(2) + 4 * math.log(4 / 6) + 8 * math.log(8 / 6))))
    assert.are.equal(math.huge, m.war.pdiff)
    assert.is_true(near(m.war.logratio, log2(4 / 0.5)))
    assert.is_true(m.trade.llr < 0)
    assert.are.equal("trade", rows[#rows].term)
  end)

  it("takes a second filter, another corpus, a measure and Bonferroni", function()
    local rows = c:keyness({year = 1990}, {year = 2000}, {measure = "logratio"})
    local m = as_map(rows, "term")
    assert.are.same({3, 0}, {m.war.a, m.war.b})
    assert.are.equal("war", rows[1].term)
    for i = 2, #rows do assert.is_true(rows[i - 1].logratio >= rows[i].logratio) end
    local other = corpus.new()
    other:add{text = "trade peace"}
    local r2, info = c:keyness({year = {1990, 1991}}, other)
    assert.are.equal(2, info.tokens_b)
    local m2 = as_map(r2, "term")
    assert.are.same({2, 1}, {m2.peace.a, m2.peace.b})
    other:add{id = "o2", text = "war war", year = 1990}
    local r3, info3 = c:keyness({year = {1990, 1991}}, {corpus = other, where = {year = 1990}})
    assert.are.equal(2, info3.tokens_b)
    assert.are.same({4, 2}, {as_map(r3, "term").war.a, as_map(r3, "term").war.b})
    local plain = as_map(c:keyness({year = 1990}), "term")
    local bonf, binfo = c:keyness({year = 1990}, nil, {bonferroni = true})
    for _, r in ipairs(bonf) do
      assert.is_true(near(r.p, math.min(1, plain[r.term].p * binfo.tests)))
    end
    other:close()
  end)
end)
