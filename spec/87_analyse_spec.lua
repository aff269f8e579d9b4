-- spec/87_analyse_spec.lua -- the analysers at add time (issue 11, item
-- 5): quotes, speakers, cues, names, dates and numbers stored as span
-- sets (csrc/analyse.c), queried with the span query language, counted
-- with c:freq{spans =, attr =}, and read back by c:quotes() & co. with
-- the rows the extractors give at call time.

local corpus = require "corpus"

local SEEDS = "../shared/corpora/seeds"
local ARTICLE = SEEDS .. "/000_5d011168273388d6.txt"
local COMMUNIQUE = SEEDS .. "/004_c6fd0727bfa2b943.txt"
local REUTERS = "../shared/corpora/reuters21578/docs-000.jsonl"
local TMP = os.getenv("TMPDIR") or "/tmp"

local read = require("sh").read   -- a file's bytes

local function tmpdir(tag)
  local p = ("%s/cp_spec87_%s_%d_%d"):format(TMP, tag, os.time(), math.random(1e9))
  os.execute("rm -rf '" .. p .. "'")
  return p
end

local function rmrf(p) os.execute("rm -rf '" .. p .. "'") end

local function seeds(opts)
  local c = corpus.new(opts)
  assert(c:add{ id = "article", text = read(ARTICLE), kind = "news", date = "2021-04-05" })
  assert(c:add{ id = "communique", text = read(COMMUNIQUE), kind = "communique",
                date = "2021-03-30" })
  return c
end

local function set_names(c)
  local t = {}
  for _, s in ipairs(c:spans()) do t[#t + 1] = s.name end
  table.sort(t)
  return t
end

local function span_count(c, name)
  for _, s in ipairs(c:spans()) do if s.name == name then return s.count end end
  return 0
end

-- the rows of one document (a string `where` is a query, not an id)
local function of(rows, id)
  local t = {}
  for _, r in ipairs(rows) do if r.id == id then t[#t + 1] = r end end
  return t
end

local WHAT = { "quotes", "entities", "dates", "numbers" }

describe("analysers at add time", function()
  it("run by default and store six span sets", function()
    local c = seeds()
    assert.are.same({ "entities", "quotes", "dates", "numbers" }, c:analysers())
    assert.are.same({ "cue", "date", "entity", "number", "p", "quote", "s", "speaker" },
                    set_names(c))
    assert.are.equal(#c:entities(), span_count(c, "entity"))
    assert.are.equal(#c:dates(), span_count(c, "date"))
    assert.are.equal(#c:numbers(), span_count(c, "number"))
  end)

  it("run on documents of add_dir as on those of add", function()
    local c = corpus.new()
    assert(c:add_dir(SEEDS))
    local one = seeds()
    assert.are.equal(span_count(one, "entity"), span_count(c, "entity"))
    assert.are.equal(span_count(one, "quote"), span_count(c, "quote"))
    assert.are.equal(c:count('<quote speaker="John Godfrey"/>'),
                     one:count('<quote speaker="John Godfrey"/>'))
  end)

  it("are off with analyse = false, and a list picks some", function()
    local off = seeds{ analyse = false }
    assert.are.same({}, off:analysers())
    assert.are.same({ "p", "s" }, set_names(off))
    local some = seeds{ analyse = { "dates", "quotes" } }
    assert.are.same({ "quotes", "dates" }, some:analysers())
    assert.are.same({ "cue", "date", "p", "quote", "s", "speaker" }, set_names(some))
    -- what is not stored is still found at call time
    assert.are.same(off:entities(), some:entities())
    assert.are.equal(36, #off:entities{ kind = "place" })
  end)

  it("know their sets when no document has a span of them", function()
    local c = corpus.new()
    assert(c:add{ text = "John Smith was happy about it all." })
    assert.are.equal(0, c:count("<quote/>"))
    assert.are.equal(0, c:count("happy within <quote/>"))
    assert.are.same({}, (c:freq{ spans = "number", attr = "unit" }))
    local some = corpus.new{ analyse = { "entities" } }
    assert(some:add{ text = "John Smith was happy." })
    local n, msg, code = some:count("<quote/>")
    assert.is_nil(n)
    assert.are.equal("ESYNTAX", code)
    assert.matches("unknown span set 'quote'", msg)
  end)

  it("refuses an unknown analyser and a wrong type", function()
    assert.has_error(function() corpus.new{ analyse = { "quotes", "names" } } end,
      "bad option 'analyse' to 'new' (unknown analyser 'names': entities, quotes, dates, numbers)")
    assert.has_error(function() corpus.new{ analyse = "quotes" } end)
    assert.has_error(function() corpus.create(tmpdir("bad"), { analyse = 1 }) end)
  end)

  it("give c:quotes/entities/dates/numbers the rows of the call-time path on the seeds", function()
    local on, off = seeds(), seeds{ analyse = false }
    for _, what in ipairs(WHAT) do
      local a, b = on[what](on), off[what](off)
      assert.is_true(#a > 0, what)
      assert.are.same(b, a)
    end
    -- the filters work on stored rows as on computed ones
    assert.are.same(off:quotes{ speaker = "John Godfrey" }, on:quotes{ speaker = "John Godfrey" })
    assert.are.same(off:entities({ kind = "news" }, { kind = "person" }),
                    on:entities({ kind = "news" }, { kind = "person" }))
    assert.is_true(#on:entities({ kind = "news" }, { kind = "person" }) > 0)
    -- an explicit anchor is a call-time question: the extractors run
    assert.are.same(off:dates{ anchor = "2019-01-01" }, on:dates{ anchor = "2019-01-01" })
  end)

  it("keeps a quote split by its attribution as one row of two parts", function()
    local c = seeds()
    local two
    for _, q in ipairs(of(c:quotes(), "article")) do
      if #q.parts == 2 then two = q end
    end
    assert.is_not_nil(two)
    assert.are.equal("John Godfrey", two.speaker)
    assert.are.equal("said", two.cue)
    assert.are.equal("direct", two.kind)
    -- one span per part, sharing the quote id; part="1" counts quotes
    assert.are.equal(#c:quotes(), c:count('<quote part="1"/>'))
    assert.are.equal(#c:quotes() + 1, c:count("<quote/>"))
    assert.are.equal(#c:quotes(), span_count(c, "speaker"))
  end)
end)

describe("queries over the analysers' span sets on the seeds", function()
  local c = seeds()

  it("finds words inside a speaker's quotes", function()
    -- both "repatriation" of the article are in Godfrey's quotes; of the
    -- 37 "ISIS" of the two texts (34 as words, 3 more as parts of
    -- compounds: terms find them by default) one is
    assert.are.equal(2, c:count("repatriation"))
    assert.are.equal(2, c:count('repatriation within <quote speaker="John Godfrey"/>'))
    assert.are.equal(37, c:count("ISIS"))
    assert.are.equal(1, c:count('ISIS within <quote speaker="John Godfrey"/>'))
    assert.are.equal(0, c:count('repatriation within <quote speaker="Coalition"/>'))
    local k = {}
    for row in c:kwic('repatriation within <quote speaker="John Godfrey"/>') do k[#k + 1] = row end
    assert.are.equal(2, #k)
    assert.are.equal(2, c:count('<quote speaker="John Godfrey"/> containing repatriation'))
  end)

  it("counts names by kind as c:entities() rows do", function()
    local kinds = {}
    for _, e in ipairs(c:entities()) do kinds[e.kind] = (kinds[e.kind] or 0) + 1 end
    assert.are.equal(36, kinds.place)
    for kind, n in pairs(kinds) do
      assert.are.equal(n, c:count(('<entity kind="%s"/>'):format(kind)), kind)
    end
    assert.are.equal(#c:quotes{ speaker = "John Godfrey" }, c:count('<speaker name="John Godfrey"/>'))
  end)

  it("counts quotes by document metadata", function()
    local rows = c:count('<quote part="1"/>', { by = "kind" })
    local got = {}
    for _, r in ipairs(rows) do got[r.group] = r.hits end
    assert.are.same({ news = #of(c:quotes(), "article"),
                      communique = #of(c:quotes(), "communique") }, got)
    assert.are.same({ news = 9, communique = 11 }, got)
  end)

  it("lists names with c:freq{spans = 'entity', attr = 'canonical'}", function()
    local rows, info = c:freq{ spans = "entity", attr = "canonical" }
    local want, docs = {}, {}
    for _, e in ipairs(c:entities()) do
      want[e.canonical] = (want[e.canonical] or 0) + 1
      docs[e.canonical] = docs[e.canonical] or {}
      docs[e.canonical][e.doc] = true
    end
    local n = 0
    for _, r in ipairs(rows) do
      n = n + 1
      assert.are.equal(want[r.term], r.count, r.term)
      local d = 0
      for _ in pairs(docs[r.term]) do d = d + 1 end
      assert.are.equal(d, r.docs, r.term)
    end
    local types = 0
    for _ in pairs(want) do types = types + 1 end
    assert.are.equal(types, n)
    assert.are.same({ term = "Global Coalition to Defeat Daesh/ISIS", count = 17, docs = 1 },
                    { term = rows[1].term, count = rows[1].count, docs = rows[1].docs })
    assert.are.equal(c:stats().tokens, info.tokens)
    -- who is quoted most: one speaker span per quote
    local sp = c:freq{ spans = "speaker", attr = "name", limit = 1 }
    assert.are.same({ "Ministers", 8 }, { sp[1].term, sp[1].count })
    local god = c:freq{ spans = "speaker", attr = "name", where = { kind = "news" } }
    assert.are.equal("John Godfrey", god[1].term)
    assert.are.equal(#of(c:quotes{ speaker = "John Godfrey" }, "article"), god[1].count)
  end)

  it("names the sets and attributes there are when one is unknown", function()
    assert.has_error(function() c:freq{ spans = "entities", attr = "canonical" } end)
    local ok, msg = pcall(c.freq, c, { spans = "entity", attr = "name" })
    assert.is_false(ok)
    assert.matches("span set 'entity' has no attribute 'name' %(its attributes: kind, canonical%)", msg)
    assert.has_error(function() c:freq{ spans = "entity" } end)
    assert.has_error(function() c:freq{ spans = "entity", attr = "kind", layer = "word" } end)
  end)
end)

describe("analysers of an on-disk index", function()
  it("are recorded, kept on reopen, on later adds and through merges", function()
    local dir = tmpdir("disk")
    local w = assert(corpus.create(dir, { analyse = { "quotes" } }))
    assert(w:add{ id = "article", text = read(ARTICLE), date = "2021-04-05" })
    assert(w:commit())
    w:close()
    local man = read(dir .. "/MANIFEST")
    assert.matches("\nanalyse 2\n", man)
    w = assert(corpus.open(dir, { write = true }))
    assert.are.same({ "quotes" }, w:analysers())
    assert(w:add{ id = "communique", text = read(COMMUNIQUE) })
    assert(w:commit())
    assert(w:optimize())
    w:close()
    local r = assert(corpus.open(dir))
    assert.are.same({ "quotes" }, r:analysers())
    assert.are.same({ "cue", "p", "quote", "s", "speaker" }, set_names(r))
    local mem = seeds{ analyse = false }
    assert.are.same(mem:quotes(), r:quotes())
    assert.are.equal(9, #of(r:quotes(), "article"))
    r:close()
    rmrf(dir)
  end)

  it("are all on in an index made without the option, none with false", function()
    local a, b = tmpdir("all"), tmpdir("none")
    local w = assert(corpus.create(a))
    assert.are.same({ "entities", "quotes", "dates", "numbers" }, w:analysers())
    w:close()
    w = assert(corpus.create(b, { analyse = false }))
    assert(w:add{ id = "x", text = read(ARTICLE) })
    assert(w:commit())
    w:close()
    assert.is_nil(read(b .. "/MANIFEST"):find("analyse", 1, true))
    local r = assert(corpus.open(b))
    assert.are.same({}, r:analysers())
    assert.are.equal(9, #r:quotes())   -- at call time
    r:close()
    rmrf(a); rmrf(b)
  end)
end)

describe("stored rows against call-time rows on Reuters", function()
  it("are identical for the first 1,500 articles", function()
    local docs = {}
    for line in io.lines(REUTERS) do
      docs[#docs + 1] = line
      if #docs == 1500 then break end
    end
    local path = os.tmpname()
    local f = assert(io.open(path, "wb"))
    f:write(table.concat(docs, "\n"), "\n")
    f:close()
    local on, off = corpus.new(), corpus.new{ analyse = false }
    assert.are.equal(1500, assert(on:add_jsonl(path)))
    assert.are.equal(1500, assert(off:add_jsonl(path)))
    os.remove(path)
    for _, what in ipairs(WHAT) do
      local a, b = on[what](on), off[what](off)
      assert.is_true(#a > 500, what .. " " .. #a)
      assert.are.same(b, a)
    end
  end)
end)
