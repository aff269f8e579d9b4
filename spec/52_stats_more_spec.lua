-- spec/52_stats_more_spec.lua -- dispersion, similarity, the
-- document-term matrix, dictionary lookup, where filters and argument
-- errors (issue 5), on small corpora whose values are checked by hand
-- and on the seed corpus.

local corpus = require "corpus"

local function near(a, b, rel)
  rel = rel or 1e-12
  return math.abs(a - b) <= rel * math.max(1, math.abs(b))
end

local function tmpfile(text)
  local p = os.tmpname()
  local f = assert(io.open(p, "w"))
  f:write(text)
  f:close()
  return p
end

describe("dispersion", function()
  local c
  setup(function()
    c = corpus.new()
    c:add{id = "d1", text = "war and peace and war", year = 1}      -- 5 words, war x2
    c:add{id = "d2", text = "peace talks, peace deal.", year = 2}    -- 4 words
    c:add{id = "d3", text = "war war war", year = 3}                 -- 3 words
  end)
  teardown(function() c:close() end)

  it("counts matches per document with positions, range, D and DP", function()
    local d = c:dispersion("war")
    assert.are.equal(5, d.matches)
    assert.are.equal(2, d.range)
    assert.are.equal(3, d.parts)
    assert.are.same({doc = 1, id = "d1", tokens = 5, count = 2, positions = {1, 5}}, d.docs[1])
    assert.are.same({doc = 2, id = "d2", tokens = 4, count = 0, positions = {}}, d.docs[2])
    assert.are.same({doc = 3, id = "d3", tokens = 3, count = 3, positions = {1, 2, 3}}, d.docs[3])
    -- relative frequencies .4, 0, 1: mean 1.4/3
    local p = {0.4, 0, 1}
    local mean = 1.4 / 3
    local var = 0
    for _, x in ipairs(p) do var = var + (x - mean) ^ 2 end
    local sd = math.sqrt(var / 3)
    assert.is_true(near(d.D, 1 - (sd / mean) / math.sqrt(2)))
    -- DP: v = 2/5, 0, 3/5; s = 5/12, 4/12, 3/12
    local dp = 0.5 * (math.abs(2 / 5 - 5 / 12) + math.abs(0 - 4 / 12) + math.abs(3 / 5 - 3 / 12))
    assert.is_true(near(d.DP, dp))
    assert.is_true(near(d.DPnorm, dp / (1 - 3 / 12)))
  end)

  it("positions count punctuation tokens; sizes do not", function()
    local d = c:dispersion("peace")
    -- "peace talks , peace deal ." : peace at tokens 1 and 4
    assert.are.same({1, 4}, d.docs[2].positions)
    assert.are.equal(4, d.docs[2].tokens)
  end)

  it("honours where, and returns nil, msg, ESYNTAX for a bad query", function()
    local d = c:dispersion("war", {where = {year = {2, 3}}})
    assert.are.equal(2, d.parts)
    assert.are.equal(3, d.matches)
    local r, msg, code = c:dispersion("(war")
    assert.is_nil(r)
    assert.are.equal("ESYNTAX", code)
    assert.is_string(msg)
  end)
end)

describe("similarity and the document-term matrix", function()
  local c
  setup(function()
    c = corpus.new()
    c:add{id = "a", text = "apple banana apple"}
    c:add{id = "b", text = "apple cherry"}
    c:add{id = "c", text = "banana banana date"}
  end)
  teardown(function() c:close() end)

  -- idf = ln(3/df): apple 2 docs, banana 2, cherry 1, date 1
  local l2, l3 = math.log(3 / 2), math.log(3)
  local va = {apple = 2 * l2, banana = l2}
  local vb = {apple = l2, cherry = l3}
  local vc = {banana = 2 * l2, date = l3}
  local function cos(x, y)
    local dot, nx, ny = 0, 0, 0
    for k, v in pairs(x) do nx = nx + v * v; dot = dot + v * (y[k] or 0) end
    for _, v in pairs(y) do ny = ny + v * v end
    return dot / math.sqrt(nx * ny)
  end

  it("similarity is the cosine of tf-idf vectors", function()
    assert.is_true(near(c:similarity(1, 2), cos(va, vb)))
    assert.is_true(near(c:similarity("a", "c"), cos(va, vc)))
    assert.is_true(near(c:similarity(2, 3), 0))
    assert.is_true(near(c:similarity(1, 1), 1))
  end)

  it("similar ranks the other documents", function()
    local r = c:similar("a")
    assert.are.equal(2, #r)
    local ab, ac = cos(va, vb), cos(va, vc)
    local first = ac > ab and "c" or "b"
    assert.are.equal(first, r[1].id)
    assert.is_true(near(r[1].score, math.max(ab, ac)))
    assert.are.equal(1, #c:similar(1, {limit = 1}))
    -- not found is a plain nil (README, "Errors")
    assert.is_nil(c:similar(9))
    assert.is_nil(c:similar("nope"))
  end)

  it("dtm exports triplets with the term list", function()
    local m = c:dtm()
    assert.are.same({"apple", "banana", "cherry", "date"}, m.terms)
    assert.are.same({1, 2, 3}, m.docs)
    assert.are.same({"a", "b", "c"}, m.ids)
    local cell = {}
    for k = 1, #m.i do cell[m.i[k] .. ":" .. m.terms[m.j[k]]] = m.x[k] end
    assert.are.same({["1:apple"] = 2, ["1:banana"] = 1, ["2:apple"] = 1,
                     ["2:cherry"] = 1, ["3:banana"] = 2, ["3:date"] = 1}, cell)
    local m2 = c:dtm{min = 3}
    assert.are.same({"apple", "banana"}, m2.terms)
    assert.are.equal(4, #m2.x)
    assert.are.same({"banana"}, c:dtm{limit = 1, where = {id = "c"}}.terms)
  end)
end)

describe("dictionary lookup", function()
  local c
  setup(function()
    c = corpus.new()
    c:add{id = "n1", text = "Foreign fighters and foreign terrorist fighters joined ISIS. Terrorism grew."}
    c:add{id = "n2", text = "Trade talks. No terror here, only terrorists' fear of trade."}
  end)
  teardown(function() c:close() end)

  local dict = {
    terror = {"terror*", "isis", "foreign fighter*", "foreign terrorist fighter*"},
    trade = {"trade", "talks"},
    none = {"zebra"},
  }

  it("counts categories per document with globs and multi-word entries", function()
    local r = c:lookup(dict)
    assert.are.same({"none", "terror", "trade"}, r.categories)
    -- n1: "foreign fighters" (1), "foreign terrorist fighters" (1: the
    -- longest entry wins, "terrorist" inside it is not counted again),
    -- "isis" (1), "terrorism" (1) = 4; n2: terror, terrorists = 2
    assert.are.same({none = 0, terror = 4, trade = 0}, r.docs[1].counts)
    assert.are.same({none = 0, terror = 2, trade = 3}, r.docs[2].counts)
    assert.are.same({none = 0, terror = 6, trade = 3}, r.totals)
    assert.are.equal(10, r.docs[1].tokens)
    local hits = {}
    for _, e in ipairs(r.entries) do hits[e.entry] = e.count end
    assert.are.same({["terror*"] = 3, isis = 1, ["foreign fighter*"] = 1,
                     ["foreign terrorist fighter*"] = 1, trade = 2, talks = 1,
                     zebra = 0}, hits)
  end)

  it("is case-insensitive on the norm layer and exact on the word layer", function()
    local r = c:lookup({x = {"ISIS", "Foreign*"}})
    assert.are.equal(3, r.totals.x)
    local w = c:lookup({x = {"ISIS", "Foreign*"}}, {layer = "word"})
    assert.are.equal(2, w.totals.x)          -- ISIS, Foreign
  end)

  it("reads the documented file format", function()
    local p = tmpfile("# test\n[terror]\nterror*\nforeign fighter*\n\n[trade]\n  trade  \n")
    local d = assert(corpus.read_dictionary(p))
    assert.are.same({terror = {"terror*", "foreign fighter*"}, trade = {"trade"}}, d)
    local r = c:lookup(p)
    -- without the longer entry, "terrorist" in n1 counts: 3 + 2
    assert.are.same({terror = 5, trade = 2}, r.totals)
    os.remove(p)
    local bad = tmpfile("orphan\n[x]\ny\n")
    local none, msg, code = corpus.read_dictionary(bad)
    assert.is_nil(none)
    assert.are.equal("ESYNTAX", code)
    assert.is_truthy(msg:find(":1:"))
    os.remove(bad)
    local _, _, code2 = c:lookup("/nonexistent/dict.txt")
    assert.are.equal("ENOENT", code2)
  end)

  it("rejects malformed dictionaries", function()
    assert.has_error(function() c:lookup({}) end)
    assert.has_error(function() c:lookup({x = "terror"}) end)
    assert.has_error(function() c:lookup({x = {1}}) end)
    assert.has_error(function() c:lookup({x = {"  "}}) end)
  end)
end)

describe("where filters and arguments", function()
  local c
  setup(function()
    c = corpus.new()
    c:add{id = "a", text = "alpha beta", year = 1990, source = "x", date = "2021-03-01"}
    c:add{id = "b", text = "beta gamma", year = 1995, source = "y", date = "2021-07-15"}
    c:add{id = "c", text = "gamma delta", year = 2000, source = "x", date = "2022-01-02"}
  end)
  teardown(function() c:close() end)

  local function terms(rows)
    local t = {}
    for i, r in ipairs(rows) do t[i] = r.term end
    table.sort(t)
    return t
  end

  it("selects documents by metadata tables, ranges and queries", function()
    assert.are.same({"alpha", "beta", "delta", "gamma"}, terms(c:freq{where = {source = "x"}}))
    assert.are.same({"beta", "delta", "gamma"}, terms(c:freq{where = {year = {1991, 2000}}}))
    assert.are.same({"alpha", "beta", "gamma"}, terms(c:freq{where = {date = {"2021-01-01", "2021-12-31"}}}))
    assert.are.same({"alpha", "beta"}, terms(c:freq{where = {source = "x", year = 1990}}))
    assert.are.same({"beta", "gamma"}, terms(c:freq{where = "source:y"}))
    assert.are.same({"alpha", "beta", "gamma"}, terms(c:freq{where = "beta"}))
    assert.are.same({}, c:freq{where = {source = "z"}})
    local r, msg, code = c:freq{where = "(beta"}
    assert.is_nil(r)
    assert.are.equal("ESYNTAX", code)
  end)

  it("raises on misuse", function()
    assert.has_error(function() c:freq(5) end)
    assert.has_error(function() c:freq{layer = "lemma"} end)
    assert.has_error(function() c:freq{min = "x"} end)
    assert.has_error(function() c:freq{where = 5} end)
    assert.has_error(function() c:ngrams(0) end)
    assert.has_error(function() c:ngrams(17) end)
    assert.has_error(function() c:collocates(5) end)
    assert.has_error(function() c:keyness() end)
    assert.has_error(function() c:keyness({year = 1990}, nil, {measure = "x"}) end)
    local r, _, code = c:keyness({source = "z"})      -- empty target: data, not misuse
    assert.is_nil(r)
    assert.are.equal("EEMPTY", code)
    assert.has_error(function() c:freq{where = {year = {1, "x"}}} end)
  end)

  it("raises on a closed corpus", function()
    local d = corpus.new()
    d:add{text = "x y"}
    d:close()
    assert.has_error(function() d:freq() end, "attempt to use a closed corpus")
    assert.has_error(function() d:ngrams(2) end, "attempt to use a closed corpus")
    assert.has_error(function() d:collocates("x") end, "attempt to use a closed corpus")
  end)

  it("works on an empty corpus", function()
    local e = corpus.new()
    local rows, info = e:freq()
    assert.are.same({}, rows)
    assert.are.equal(0, info.tokens)
    assert.are.same({}, (e:ngrams(2)))
    assert.are.same({}, (e:collocates("x")))
    assert.are.same({}, (e:collocations{}))
    e:close()
  end)

  it("skips deleted documents", function()
    local dir = os.tmpname()
    os.remove(dir)
    local d = assert(corpus.create(dir))
    d:add{id = "k", text = "keep this"}
    d:add{id = "g", text = "gone gone"}
    d:commit()
    assert.is_true(d:delete("g"))
    assert.are.same({"keep", "this"}, terms(d:freq()))
    assert.are.equal(0, d:dispersion("gone").matches)
    assert.are.equal(1, d:dispersion("gone").parts)
    assert.are.same({}, (d:ngrams(2, {containing = "gone"})))
    assert.are.equal(1, #d:collocates("this"))
    d:close()
    os.execute("rm -rf '" .. dir .. "'")
  end)
end)

describe("several segments", function()
  -- the same documents sealed as one segment and as four: every
  -- statistic must be the same (lexicons are merged by string)
  local one, four
  setup(function()
    local texts = {}
    for _, name in ipairs(corpus.core.listdir("../shared/corpora/seeds")) do
      local f = assert(io.open("../shared/corpora/seeds/" .. name))
      local t = f:read("*a")
      f:close()
      -- split each seed in two halves at a paragraph break
      local cut = t:find("\n\n", math.floor(#t / 2)) or math.floor(#t / 2)
      texts[#texts + 1] = t:sub(1, cut)
      texts[#texts + 1] = t:sub(cut + 1)
    end
    one, four = corpus.new(), corpus.new()
    for i, t in ipairs(texts) do
      one:add{id = "d" .. i, text = t, part = i}
      four:add{id = "d" .. i, text = t, part = i}
      four:flush()
    end
    one:flush()
    assert.are.equal(1, one:stats().segments)
    assert.are.equal(4, four:stats().segments)
  end)
  teardown(function() one:close(); four:close() end)

  it("gives the same frequency lists, n-grams and collocations", function()
    assert.are.same(one:freq(), four:freq())
    assert.are.same(one:freq{layer = "stem"}, four:freq{layer = "stem"})
    assert.are.same(one:ngrams(3), four:ngrams(3))
    assert.are.same(one:ngrams(2, {containing = "isis"}), four:ngrams(2, {containing = "isis"}))
    assert.are.same(one:collocations{window = 3, measure = {"llr", "mi"}},
                    four:collocations{window = 3, measure = {"llr", "mi"}})
    assert.are.same(one:collocates("isis", {measure = {"llr", "logdice"}}),
                    four:collocates("isis", {measure = {"llr", "logdice"}}))
    assert.are.same(one:collocates('"foreign fighters"'), four:collocates('"foreign fighters"'))
  end)

  it("gives the same keyness, dispersion, similarity, dtm and lookup", function()
    assert.are.same(one:keyness({part = {1, 2}}), four:keyness({part = {1, 2}}))
    assert.are.same(one:dispersion("coalition"), four:dispersion("coalition"))
    assert.are.same(one:similar(1), four:similar(1))
    assert.are.same(one:dtm{min = 2}, four:dtm{min = 2})
    local dict = {t = {"terror*", "isis", "foreign fighter*"}, p = {"iraq", "syria"}}
    assert.are.same(one:lookup(dict), four:lookup(dict))
  end)
end)
