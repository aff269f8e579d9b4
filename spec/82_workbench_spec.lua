-- The analyst's workbench: concordances that sort and re-window,
-- counts and statistics grouped by metadata, stop words, export.
local corpus = require "corpus"
local compat = require "corpus.compat"
local cjson = require "cjson"

local UN = "../shared/corpora/ungdc/docs-000.jsonl"

local function sample()
  local c = corpus.new()
  assert(c:add_jsonl("examples/sample.jsonl"))
  return c
end

local sh = require "sh"
local have = sh.exists

local un_corpus
local function un()
  if not un_corpus then
    un_corpus = corpus.new()
    assert(un_corpus:add_jsonl(UN))
  end
  return un_corpus
end

-- the words (not punctuation) of document d, lower-cased, per layer
local function words_of(c, d, layer)
  local out = {}
  for i, t in ipairs(c:tokens(d)) do
    if not t.punct then out[#out + 1] = {i = i, s = t[layer or "word"]:lower()} end
  end
  return out
end

-- the n-th word left (n < 0) or right (n > 0) of a row's match
local function nth(c, r, n, layer)
  local ws = words_of(c, r.doc, layer)
  if n < 0 then
    local k = 0
    for j = #ws, 1, -1 do
      if ws[j].i < r.start then k = k + 1 if k == -n then return ws[j].s end end
    end
  else
    local k = 0
    for j = 1, #ws do
      if ws[j].i > r.stop then k = k + 1 if k == n then return ws[j].s end end
    end
  end
  return ""
end

describe("c:concordance", function()
  it("holds every hit of the query and shows what c:kwic shows", function()
    local c = sample()
    local k = c:concordance('"early warning"')
    assert.are.equal(c:count('"early warning"'), #k)
    local rows = k:rows()
    local i = 0
    for kw in c:kwic('"early warning"') do
      i = i + 1
      assert.are.equal(kw.left, rows[i].left)
      assert.are.equal(kw.match, rows[i].match)
      assert.are.equal(kw.right, rows[i].right)
      assert.are.equal(kw.doc, rows[i].doc)
      assert.are.equal(kw.start, rows[i].start)
      assert.are.equal(c:doc(kw.doc).date, rows[i].meta.date)
    end
    assert.are.equal(#k, i)
  end)

  it("is empty for a query without hits and keeps a where filter", function()
    local c = sample()
    local k = c:concordance("zzzxq")
    assert.are.equal(0, #k)
    assert.are.same({}, k:rows())
    assert.are.same({}, k:sort{"1L"}:rows())
    k = c:concordance("nitrate", {where = "date:2023-04-03"})
    assert.are.equal(c:count("nitrate", {where = "date:2023-04-03"}), #k)
    for _, r in ipairs(k:rows()) do assert.are.equal("2023-04-03", r.meta.date) end
  end)

  it("sorts by each word left and right, and by the match", function()
    local c = sample()
    for _, key in ipairs{"1L", "2L", "3L", "1R", "2R"} do
      local n = tonumber(key:sub(1, -2)) * (key:sub(-1) == "L" and -1 or 1)
      local k = c:concordance("the"):sort{key}
      local rows = k:rows()
      assert.are.equal(c:count("the"), #rows)
      for i = 2, #rows do
        local a, b = nth(c, rows[i - 1], n), nth(c, rows[i], n)
        assert.is_true(a <= b, key .. ": " .. a .. " > " .. b)
        if a == b then   -- stable: ties keep document order
          assert.is_true(rows[i - 1].doc < rows[i].doc or
            (rows[i - 1].doc == rows[i].doc and rows[i - 1].start < rows[i].start))
        end
      end
    end
    local rows = c:concordance("sela OR river"):sort{"match"}:rows()
    for i = 2, #rows do assert.is_true(rows[i - 1].match:lower() <= rows[i].match:lower()) end
    assert.are.equal("river", rows[1].match:lower())
  end)

  it("sorts descending with -, on several keys, and on another layer", function()
    local c = sample()
    local rows = c:concordance("the"):sort{"-1R"}:rows()
    for i = 2, #rows do assert.is_true(nth(c, rows[i - 1], 1) >= nth(c, rows[i], 1)) end
    rows = c:concordance("the"):sort{"1R", "-2R"}:rows()
    for i = 2, #rows do
      local a1, b1 = nth(c, rows[i - 1], 1), nth(c, rows[i], 1)
      assert.is_true(a1 <= b1)
      if a1 == b1 then assert.is_true(nth(c, rows[i - 1], 2) >= nth(c, rows[i], 2)) end
    end
    rows = c:concordance("the"):sort{"1R:stem"}:rows()
    for i = 2, #rows do assert.is_true(nth(c, rows[i - 1], 1, "stem") <= nth(c, rows[i], 1, "stem")) end
  end)

  it("sorts by a metadata field, and a field no document has is an error", function()
    local c = sample()
    local rows = c:concordance("nitrate"):sort{"-date"}:rows()
    for i = 2, #rows do assert.is_true(rows[i - 1].meta.date >= rows[i].meta.date) end
    assert.are.equal("2023-09-15", rows[1].meta.date)
    local k = c:concordance("nitrate")
    assert.has_error(function() k:sort{"dat"} end, "no document of the concordance has a field 'dat'")
    assert.has_error(function() k:sort{"0L"} end)
    assert.has_error(function() k:sort{{"1L", layr = "word"}} end)
    assert.has_error(function() k:sort{"1L:lemma"} end)
  end)

  it("folds case and diacritics unless exact, and sorts by suffix with reverse", function()
    local c = corpus.new()
    c:add{id = "1", text = "x café a"}
    c:add{id = "2", text = "x cafe b"}
    c:add{id = "3", text = "x Cafe c"}
    c:add{id = "4", text = "x abc d"}
    local function order(keys)
      local t = {}
      for i, r in ipairs(c:concordance("x"):sort(keys):rows()) do t[i] = r.id end
      return table.concat(t, " ")
    end
    assert.are.equal("4 1 2 3", order{"1R"})              -- abc, then the three cafés tie
    assert.are.equal("3 4 2 1", order{{"1R", exact = true}})  -- Cafe < abc < cafe < café (bytes)
    c = corpus.new()
    c:add{id = "1", text = "x talks"}
    c:add{id = "2", text = "x jumped"}
    c:add{id = "3", text = "x walked"}
    assert.are.equal("2 1 3", order{"1R"})
    assert.are.equal("3 2 1", order{{"1R", reverse = true}})  -- deklaw < depmuj < sklat
  end)

  it("samples reproducibly, in the concordance's order", function()
    local c = sample()
    local k = c:concordance("the")
    local a, b = k:sample(10, 42):rows(), k:sample(10, 42):rows()
    assert.are.equal(10, #a)
    assert.are.same(a, b)
    local other = k:sample(10, 7):rows()
    assert.are_not.same(a, other)
    for i = 2, #a do
      assert.is_true(a[i - 1].doc < a[i].doc or (a[i - 1].doc == a[i].doc and a[i - 1].start < a[i].start))
    end
    assert.are.equal(#k, #k:sample(1000000, 1))
    assert.has_error(function() k:sample(-1) end)
  end)

  it("windows by words each side, by characters and by sentence", function()
    local c = sample()
    local k = c:concordance("nitrate")
    local function nwords(s)
      local n = 0
      for _, t in ipairs(corpus.core.tokenize(s)) do if not t.punct then n = n + 1 end end
      return n
    end
    for _, r in ipairs(k:rows{left = 3, right = 8}) do
      assert.are.equal(3, nwords(r.left))
      assert.are.equal(8, nwords(r.right))
      local toks = c:tokens(r.doc)
      assert.are.equal(r.left, c:doc(r.doc).text:sub(toks[r.first].start, toks[r.start - 1].stop))
    end
    for _, r in ipairs(k:rows{chars = 50}) do
      assert.are.equal(50, compat.utf8_len(r.left))
      assert.are.equal(50, compat.utf8_len(r.right))
      local text = c:doc(r.doc).text
      assert.is_truthy(text:find(r.left .. r.match .. r.right, 1, true))
    end
    for _, r in ipairs(k:rows{context = "s"}) do
      local found
      for _, s in ipairs(c:sentences(r.doc)) do
        if s.first <= r.start and r.stop <= s.last then found = s end
      end
      assert.is_truthy(found)
      assert.are.equal(found.first, r.first)
      assert.are.equal(found.last, r.last)
      local t = c:doc(r.doc).text
      local toks = c:tokens(r.doc)
      assert.are.equal(t:sub(found.start, toks[r.start].start - 1):gsub("%s+$", ""), r.left)
    end
    local p = k:rows{context = "p", offset = 1, limit = 2}
    assert.are.equal(2, #p)
    assert.are.equal(k:rows()[2].id, p[1].id)
    assert.has_error(function() k:rows{widht = 3} end)
    assert.has_error(function() k:rows{width = 3, context = "s"} end)
    assert.has_error(function() k:rows{context = "sentence"} end)
  end)

  it("keeps its corpus alive and refuses a closed one", function()
    local c = sample()
    local k = c:concordance("nitrate")
    c = nil
    collectgarbage()
    assert.are.equal(6, #k:rows())
    local c2 = sample()
    local k2 = c2:concordance("nitrate")
    c2:close()
    assert.has_error(function() k2:rows() end, "attempt to use a closed corpus")
    k2:close()
    k2:close()
    assert.has_error(function() return #k2 end, "attempt to use a closed concordance")
  end)

  it("sorts 100,000 UN debate hits by left context", function()
    if not have(UN) then pending("needs " .. UN) return end
    local k = un():concordance("the"):sample(100000, 1)
    assert.are.equal(100000, #k)
    k:sort{"1L", "2L"}
    local rows = k:rows{width = 2, limit = 2000}
    for i = 2, #rows do
      local a = rows[i - 1].left:lower():match("(%w+)[^%w]*$") or ""
      local b = rows[i].left:lower():match("(%w+)[^%w]*$") or ""
      if a:match("^%a+$") and b:match("^%a+$") then assert.is_true(a <= b, a .. " > " .. b) end
    end
  end)
end)

describe("grouping by metadata", function()
  it("counts by a field: every group, the sum is the total, each equals a where count", function()
    local c = sample()
    local rows = c:count("nitrate", {by = "kind"})
    local sum, kinds = 0, {}
    for d = 1, 7 do kinds[c:doc(d).kind] = true end
    local n = 0
    for _ in pairs(kinds) do n = n + 1 end
    assert.are.equal(n, #rows)   -- zero groups included
    for _, r in ipairs(rows) do
      sum = sum + r.hits
      assert.are.equal(r.kind, r.group)
      assert.are.equal(c:count("nitrate", {where = {kind = r.kind}}), r.hits)
      assert.are.equal(c:count("nitrate", {where = {kind = r.kind}, docs = true}), r.docs)
      assert.are.equal(r.hits / r.words * 1e6, r.per_million)
    end
    assert.are.equal(c:count("nitrate"), sum)
  end)

  it("counts by year on the UN debates, zero years included", function()
    if not have(UN) then pending("needs " .. UN) return end
    local c = un()
    local rows = c:count('"climate change"', {by = "year"})
    local sum, words = 0, 0
    for i, r in ipairs(rows) do
      sum = sum + r.hits
      words = words + r.words
      assert.are.equal(compat.math_type(r.year), "integer")
      if i > 1 then assert.is_true(rows[i - 1].year < r.year) end
      assert.are.equal(c:count('"climate change"', {where = "year:" .. r.year}), r.hits)
    end
    assert.are.equal(c:count('"climate change"'), sum)
    assert.are.equal(c:stats().words, words)
    local zero = 0
    for _, r in ipairs(rows) do if r.hits == 0 then zero = zero + 1 end end
    assert.is_true(zero >= 0)
    assert.has_error(function() c:count("x", {by = "yaer"}) end, "no document has a field 'yaer'")
  end)

  it("groups by several fields", function()
    local c = corpus.new()
    c:add{text = "tax tax", country = "A", year = 2001}
    c:add{text = "tax", country = "A", year = 2002}
    c:add{text = "none", country = "B", year = 2001}
    c:add{text = "tax", year = 2001}
    local rows = c:count("tax", {by = {"country", "year"}})
    assert.are.equal(4, #rows)
    assert.are.same({group = " / 2001", year = 2001, hits = 1, docs = 1, ndocs = 1, words = 1,
                     per_million = 1e6}, rows[1])
    assert.are.equal("A / 2001", rows[2].group)
    assert.are.equal(2, rows[2].hits)
    assert.are.equal("B / 2001", rows[4].group)
    assert.are.equal(0, rows[4].hits)
  end)

  it("gives the frequency list of each group", function()
    local c = sample()
    local rows = c:freq{by = "kind", limit = 3}
    local per = {}
    for _, r in ipairs(rows) do
      per[r.kind] = per[r.kind] or {}
      table.insert(per[r.kind], r)
    end
    for kind, list in pairs(per) do
      local want = c:freq{where = {kind = kind}, limit = 3}
      assert.are.equal(#want, #list)
      for i, w in ipairs(want) do
        assert.are.equal(w.term, list[i].term)
        assert.are.equal(w.count, list[i].count)
      end
    end
  end)

  it("groups lookup, collocations and similar: sums are the totals, each group its where call", function()
    local c = sample()
    local kinds, nk = {}, 0
    for d = 1, 7 do
      local k = c:doc(d).kind
      if not kinds[k] then kinds[k] = true; nk = nk + 1 end
    end
    local dict = {water = {"water", "river*"}, flood = {"flood*"}, none = {"zzzz"}}
    local all = c:lookup(dict)
    local rows = c:lookup(dict, {by = "kind"})
    assert.are.equal(nk * 3, #rows)          -- every group and category, zeros included
    local sum, docs, tokens = {water = 0, flood = 0, none = 0}, 0, 0
    for _, r in ipairs(rows) do
      assert.are.equal(r.kind, r.group)
      local want = c:lookup(dict, {where = {kind = r.kind}})
      assert.are.equal(want.totals[r.category] or 0, r.count)
      assert.are.equal(#want.docs, r.docs)
      sum[r.category] = sum[r.category] + r.count
      if r.category == "water" then docs = docs + r.docs; tokens = tokens + r.tokens end
      if r.category == "none" then assert.are.equal(0, r.count) end
    end
    assert.are.equal(all.totals.water, sum.water)
    assert.are.equal(all.totals.flood, sum.flood)
    assert.is_true(sum.water > 0 and sum.flood > 0)
    assert.are.equal(7, docs)
    local alltok = 0
    for _, d in ipairs(all.docs) do alltok = alltok + d.tokens end
    assert.are.equal(alltok, tokens)

    -- collocations: a pair's count over the groups is its count in all
    local function pair(list, w1, w2)
      for _, r in ipairs(list) do if r.w1 == w1 and r.w2 == w2 then return r end end
    end
    local total = pair(c:collocations{}, "early", "warning").obs
    local got, seen = 0, {}
    rows = c:collocations{by = "kind"}
    for _, r in ipairs(rows) do
      if r.w1 == "early" and r.w2 == "warning" then got = got + r.obs end
      seen[r.kind] = true
    end
    assert.are.equal(total, got)
    for kind in pairs(kinds) do
      assert.is_true(seen[kind], kind)
      local want = c:collocations{where = {kind = kind}, limit = 5}
      local list = {}
      for _, r in ipairs(c:collocations{by = "kind", limit = 5}) do
        if r.kind == kind then list[#list + 1] = r end
      end
      assert.are.equal(#want, #list)
      for i, w in ipairs(want) do
        assert.are.same({w.w1, w.w2, w.obs, w.llr}, {list[i].w1, list[i].w2, list[i].obs, list[i].llr})
      end
    end

    -- similar: the best documents of each group, as the where call finds them
    rows = c:similar(1, {by = "kind", limit = 2})
    local n = 0
    for kind in pairs(kinds) do
      local want = c:similar(1, {where = {kind = kind}, limit = 2})
      local list = {}
      for _, r in ipairs(rows) do if r.kind == kind then list[#list + 1] = r end end
      assert.are.equal(#want, #list)
      for i, w in ipairs(want) do
        assert.are.same({w.doc, w.id, w.score}, {list[i].doc, list[i].id, list[i].score})
        assert.are.equal(kind, c:doc(list[i].doc).kind)
        assert.are_not.equal(1, list[i].doc)
      end
      n = n + #want
    end
    assert.are.equal(n, #rows)
    assert.is_true(n >= 4)
  end)

  it("takes groups as the parts of a dispersion", function()
    local c = sample()
    local d = c:dispersion("nitrate", {parts = "kind"})
    local rows = c:count("nitrate", {by = "kind"})
    assert.are.equal(#rows, d.parts)
    local F, S = 0, 0
    for _, r in ipairs(rows) do F = F + r.hits S = S + r.words end
    local dp, smin = 0, math.huge
    for _, r in ipairs(rows) do
      dp = dp + math.abs(r.hits / F - r.words / S)
      smin = math.min(smin, r.words / S)
    end
    assert.is_true(math.abs(d.DP - dp / 2) < 1e-12)
    assert.is_true(math.abs(d.DPnorm - dp / 2 / (1 - smin)) < 1e-12)
    assert.are.equal(6, d.matches)
  end)
end)

describe("stop words", function()
  it("leaves stop words out of a frequency list, the rest unchanged", function()
    local c = sample()
    local stop = {}
    for _, w in ipairs(corpus.stop_words("english")) do stop[w] = true end
    assert.is_true(stop.the and stop["of"] and not stop.water)
    local all = c:freq{limit = 0}
    local want = {}
    for _, r in ipairs(all) do
      if not stop[r.term] and #want < 20 then want[#want + 1] = r end
    end
    assert.are.same(want, c:freq{limit = 20, stop = "english"})
    assert.are.same(c:freq{limit = 5, stop = {"the", "of", "and"}}, (function()
      local t = {}
      for _, r in ipairs(all) do
        if r.term ~= "the" and r.term ~= "of" and r.term ~= "and" and #t < 5 then t[#t + 1] = r end
      end
      return t
    end)())
  end)

  it("reads a stop-word file and filters n-grams, collocates, collocations and keyness", function()
    local c = sample()
    local path = os.tmpname()
    local f = io.open(path, "wb")
    f:write("# function words\nthe\nof\nto\nand\nby\n")
    f:close()
    for _, r in ipairs(c:ngrams(2, {limit = 10, stop = path})) do
      for w in r.ngram:gmatch("%S+") do assert.is_falsy(({the = 1, of = 1, to = 1, ["and"] = 1, by = 1})[w]) end
    end
    assert.are.equal(10, #c:ngrams(2, {limit = 10, stop = path}))
    os.remove(path)
    for _, r in ipairs(c:collocates("nitrate", {stop = "english", limit = 10})) do
      assert.is_falsy(({the = 1, to = 1, by = 1})[r.term])
    end
    for _, r in ipairs(c:collocations{stop = "english", limit = 10}) do
      assert.is_falsy(({the = 1, of = 1})[r.w1])
      assert.is_falsy(({the = 1, of = 1})[r.w2])
    end
    local k = c:keyness("kind:news", nil, {stop = "english", limit = 10})
    assert.are.equal(10, #k)
    for _, r in ipairs(k) do assert.is_falsy(({the = 1, said = nil})[r.term]) end
    local missing = {c:freq{stop = "/nonexistent/stop.txt"}}
    assert.are.equal("ENOENT", missing[3])
    assert.has_error(function() c:freq{stop = 42} end)
  end)
end)

describe("corpus.write", function()
  local rows = {
    {term = "plain", count = 3, rate = 0.1, list = {1, 2}},
    {term = 'with "quotes", commas\nand a line', count = 0, rate = 1e-300, list = {}},
  }
  local function slurp(path)
    local f = io.open(path, "rb")
    local s = f:read("*a")
    f:close()
    os.remove(path)
    return s
  end

  it("writes RFC 4180 CSV", function()
    local path = os.tmpname() .. ".csv"
    assert.is_true(corpus.write(rows, path, {columns = {"term", "count", "rate", "list"}}))
    assert.are.equal('term,count,rate,list\r\nplain,3,0.1,"[1,2]"\r\n' ..
      '"with ""quotes"", commas\nand a line",0,1e-300,[]\r\n', slurp(path))
  end)

  it("writes TSV with escapes, one line per row", function()
    local path = os.tmpname()
    assert.is_true(corpus.write(rows, path, {format = "tsv", columns = {"term", "count"}}))
    assert.are.equal('term\tcount\nplain\t3\nwith "quotes", commas\\nand a line\t0\n', slurp(path))
  end)

  it("writes JSON and JSON Lines that cjson reads back, empty lists as arrays", function()
    local path = os.tmpname() .. ".json"
    assert.is_true(corpus.write(rows, path))
    local back = cjson.decode(slurp(path))
    assert.are.equal(rows[2].term, back[2].term)
    assert.are.equal(1e-300, back[2].rate)
    assert.are.same({1, 2}, back[1].list)
    path = os.tmpname() .. ".json"
    corpus.write(rows, path)
    assert.matches('"list":%[%]', slurp(path))
    path = os.tmpname()
    assert.is_true(corpus.write({}, path, {format = "json"}))
    assert.are.equal("[]\n", slurp(path))
    path = os.tmpname() .. ".jsonl"
    local c = sample()
    local freq = c:freq{limit = 5}
    assert.is_true(corpus.write(freq, path))
    local i = 0
    for line in slurp(path):gmatch("[^\n]+") do
      i = i + 1
      assert.are.same(freq[i], cjson.decode(line))
    end
    assert.are.equal(5, i)
  end)

  it("writes to an open file, a sidecar for info, and rejects misuse", function()
    local path = os.tmpname()
    local f = io.open(path, "wb")
    assert.is_true(corpus.write({{a = 1}}, f, {format = "csv"}))
    f:close()
    assert.are.equal("a\r\n1\r\n", slurp(path))
    path = os.tmpname() .. ".csv"
    local c = sample()
    local r, info = c:freq{limit = 2}
    assert.is_true(corpus.write(r, path, {info = info}))
    os.remove(path)
    assert.are.equal(info.tokens, cjson.decode(slurp(path .. ".info.json")).tokens)
    assert.has_error(function() corpus.write(rows, "x.xml") end)
    assert.has_error(function() corpus.write(rows, "x.csv", {fromat = "csv"}) end)
    assert.has_error(function() corpus.write("rows", "x.csv") end)
    local ok, msg, code = corpus.write(rows, "/nonexistent/dir/x.csv")
    assert.is_nil(ok)
    assert.are.equal("ENOENT", code)
    assert.matches("nonexistent", msg)
  end)
end)

describe("a concordance across refresh, commit and delete", function()
  local dir
  before_each(function()
    dir = os.tmpname()
    os.remove(dir)
  end)
  after_each(function()
    collectgarbage()
    os.execute("rm -rf '" .. dir .. "'")
  end)

  local function texts(k)
    local out = {}
    for i, r in ipairs(k:rows{width = 1}) do out[i] = r.id .. ":" .. r.left .. " [" .. r.match .. "] " .. r.right end
    return out
  end

  it("stays valid when new documents only are added, with the same rows", function()
    local w = assert(corpus.create(dir))
    w:add{id = "a", text = "The river rose. The river fell."}
    assert(w:commit())
    local r = assert(corpus.open(dir))
    local k = assert(r:concordance("river"))
    local before = texts(k)
    assert.are.same({"a:The [river] rose.", "a:The [river] fell."}, before)
    w:add{id = "b", text = "A river ran."}
    assert(w:commit())
    assert.is_true(r:refresh())
    assert.are.equal(3, r:count("river"))
    assert.are.equal(2, #k)                       -- the hits it was made with
    assert.are.same(before, texts(k))
    k:sort{"1R"}
    assert.are.same({"a:The [river] fell.", "a:The [river] rose."}, texts(k))
    -- an in-memory corpus that grows keeps its concordances too
    local m = corpus.new()
    m:add{id = "x", text = "one river"}
    local km = assert(m:concordance("river"))
    m:add{id = "y", text = "two rivers and a river"}
    assert.are.equal(2, m:count("river"))
    assert.are.same({"x:one [river] "}, texts(km))
    w:close(); r:close()
  end)

  it("raises a clear error, never wrong rows, once a refresh renumbered or deleted", function()
    local w = assert(corpus.create(dir))
    w:add{id = "a", text = "The river rose."}
    w:add{id = "b", text = "The river fell."}
    assert(w:commit())
    local r = assert(corpus.open(dir))
    local k = assert(r:concordance("river"))
    local sample = k:sample(1, 7)
    assert.are.equal(2, #k)
    assert.is_true(w:delete("a"))
    assert(w:commit())
    assert.is_true(r:refresh())
    local msg = "the corpus changed %(refresh, rollback, delete or merge%) since this concordance was made"
    for _, use in ipairs{
      function() return #k end,
      function() return k:rows{width = 2} end,
      function() return k:sort{"1L"} end,
      function() return k:sample(1) end,
      function() return #sample end,
    } do
      local ok, err = pcall(use)
      assert.is_false(ok)
      assert.matches(msg, err)
    end
    local k2 = assert(r:concordance("river"))   -- made again: right rows
    assert.are.same({"b:The [river] fell."}, texts(k2))
    -- a concordance of the writer, then a rollback of a delete
    local kw = assert(w:concordance("river"))
    assert.are.equal(1, #kw)
    w:delete("b")
    assert.has_error(function() return #kw end)
    w:close(); r:close()
  end)
end)
