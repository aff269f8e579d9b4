-- spec/12_metadata_spec.lua -- metadata round-trips (issue 9, item 4):
-- lists stay lists, integers integers, booleans booleans, in memory,
-- through an on-disk index and from JSON Lines; reserved names are
-- refused at add; c:meta(n), c:fields(); filters over list elements,
-- case-insensitive on request, with globs.

local corpus = require "corpus"
local math_type = require("corpus.compat").math_type

local TMP = os.getenv("TMPDIR") or "/tmp"

local function docs(c)
  c:add{id = "a", text = "Cocoa prices rose.", topics = {"cocoa"}, year = 2024,
        ratio = 0.5, reviewed = true, tags = {}}
  c:add{id = "b", text = "Grain and cocoa.", topics = {"grain", "Cocoa-Butter"},
        year = 1987, reviewed = false}
  c:add{id = "c", text = "Oil.", title = "Crude OIL"}
end

local EXPECT_A = {topics = {"cocoa"}, year = 2024, ratio = 0.5, reviewed = true, tags = {}}

describe("metadata", function()
  it("round-trips lists (even of one), integers, floats and booleans", function()
    local c = corpus.new()
    docs(c)
    local d = c:doc(1)
    assert.are.same({n = 1, id = "a", text = "Cocoa prices rose.", tokens = 4,
                     topics = {"cocoa"}, year = 2024, ratio = 0.5, reviewed = true,
                     tags = {}}, d)
    assert.equal("integer", math_type(d.year))
    assert.equal("float", math_type(d.ratio))
    assert.equal(1, #d.topics)
    assert.is_false(c:doc(2).reviewed)
  end)

  it("round-trips through an on-disk index", function()
    local dir = ("%s/cp_spec12_%d_%d"):format(TMP, os.time(), math.random(1e9))
    local w = assert(corpus.create(dir))
    docs(w)
    assert(w:commit())
    w:close()
    local c = assert(corpus.open(dir))
    assert.are.same(EXPECT_A, c:meta(1))
    assert.equal("integer", math_type(c:meta(2).year))
    c:close()
    os.execute("rm -rf '" .. dir .. "'")
  end)

  it("round-trips from JSON Lines: integral numbers become integers", function()
    local path = ("%s/cp_spec12_%d.jsonl"):format(TMP, math.random(1e9))
    local f = assert(io.open(path, "w"))
    f:write('{"id": "a", "text": "Cocoa.", "topics": ["cocoa"], "year": 2024, "ratio": 0.5, "ok": true, "none": []}\n')
    f:close()
    local c = corpus.new()
    assert.equal(1, c:add_jsonl(path))
    local m = c:meta(1)
    assert.are.same({topics = {"cocoa"}, year = 2024, ratio = 0.5, ok = true, none = {}}, m)
    assert.equal("integer", math_type(m.year))
    os.remove(path)
  end)

  it("refuses reserved names at add, from Lua and from JSON", function()
    local c = corpus.new()
    for _, k in ipairs{"n", "tokens", "meta"} do
      local ok, msg = pcall(c.add, c, {text = "x", [k] = 5})
      assert.is_false(ok)
      assert.matches(("'%s' is a reserved name, not a metadata field"):format(k), msg)
    end
    assert.equal(0, c:stats().docs)
    local path = ("%s/cp_spec12_%d.jsonl"):format(TMP, math.random(1e9))
    local f = assert(io.open(path, "w"))
    f:write('{"text": "ok"}\n{"text": "mine", "tokens": "mine"}\n')
    f:close()
    local n, msg, code = c:add_jsonl(path)
    assert.is_nil(n)
    assert.equal("ESYNTAX", code)
    assert.matches(":2: 'tokens' is a reserved name", msg)
    assert.equal(0, c:stats().docs)       -- nothing of the file is added
    os.remove(path)
  end)

  it("c:meta(n) gives the metadata without the text; nil when absent", function()
    local c = corpus.new()
    docs(c)
    assert.are.same({title = "Crude OIL"}, c:meta(3))
    assert.are.same({title = "Crude OIL"}, c:meta("c"))
    assert.is_nil(c:meta(4))
    assert.is_nil(c:meta("zz"))
  end)

  it("c:fields() lists fields with their types and counts", function()
    local c = corpus.new()
    docs(c)
    assert.are.same({
      {name = "ratio", type = "number", list = false, docs = 1, values = 1},
      {name = "reviewed", type = "boolean", list = false, docs = 2, values = 2},
      {name = "tags", type = "empty", list = true, docs = 1, values = 0},
      {name = "title", type = "string", list = false, docs = 1, values = 1},
      {name = "topics", type = "string", list = true, docs = 2, values = 3},
      {name = "year", type = "integer", list = false, docs = 2, values = 2},
    }, c:fields())
    assert.are.same({}, corpus.new():fields())
  end)

  it("filters match list elements, any case on request, and globs", function()
    local c = corpus.new()
    docs(c)
    assert.equal(1, c:count("topics:cocoa", {docs = true}))
    assert.equal(1, c:count("topics:grain", {docs = true}))
    -- no silent 0 for a value that is there in another case or inside
    -- a longer value: the error says what to write
    local n, msg, code = c:count("topics:Cocoa", {docs = true})
    assert.is_nil(n)
    assert.equal("ESYNTAX", code)
    assert.matches("in another case: add {nocase = true}", msg, 1, true)
    assert.equal(1, c:count("topics:Cocoa", {docs = true, nocase = true}))
    assert.equal(1, c:count("topics:coc*", {docs = true}))
    assert.equal(2, c:count("topics:coc*", {docs = true, nocase = true}))
    assert.equal(1, c:count('title:"crude oil"', {docs = true, nocase = true}))
    -- title:oil is not Lucene's word-in-field: the whole value is
    -- compared, and a value found only inside is refused with the fix
    local n, msg, code = c:count("title:oil")
    assert.is_nil(n)
    assert.equal("ESYNTAX", code)
    assert.matches('write title:*oil* with {nocase = true}', msg, 1, true)
    assert.equal(1, c:count("title:*oil*", {docs = true, nocase = true}))
    assert.equal(0, c:count("title:gold"))           -- not there at all: 0
    assert.equal(1, c:count("reviewed:true", {docs = true}))
    assert.equal(2, c:count("year:>1900", {docs = true}))
    assert.equal(1, c:count("id:b", {docs = true}))
    local rows = c:freq{where = {topics = "grain"}}
    assert.equal(3, #rows)    -- grain, and, cocoa
  end)

  it("a prefix that is neither a layer nor a field is an error, not 0", function()
    local c = corpus.new()
    docs(c)
    for q, hint in pairs{["wrod:US"] = "did you mean the layer 'word:'",
                         ["titel:oil"] = "did you mean the field 'title'",
                         ["lemma:negotiate"] = "layers: norm, stem, word; fields: id, ratio"} do
      local n, msg, code = c:count(q)
      assert.is_nil(n, q)
      assert.equal("ESYNTAX", code)
      assert.matches(hint, msg, 1, true)
    end
    local rows, msg, code = c:freq{where = {yeer = 2001}}
    assert.is_nil(rows)
    assert.equal("ESYNTAX", code)
    assert.matches("'yeer:' is neither a layer nor a metadata field", msg, 1, true)
    assert.equal(0, corpus.new():count("year:2001"))   -- nothing to check against
  end)
end)
