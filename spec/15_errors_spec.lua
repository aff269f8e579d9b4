-- spec/15_errors_spec.lua -- one error rule (issue 9, item 5; README
-- "Errors"): misuse raises at the caller's line; failures of data or
-- environment return nil, msg, code (the code from errno or the core);
-- not found is a plain nil; the same damaged segment gives the same
-- ECORRUPT from every method.

local corpus = require "corpus"

local THIS = debug.getinfo(1, "S").short_src
local pack = table.pack or function(...) return {n = select("#", ...), ...} end
local TMP = os.getenv("TMPDIR") or "/tmp"

local function build(dir)
  os.execute("rm -rf '" .. dir .. "'")
  local w = assert(corpus.create(dir))
  for i = 1, 6 do
    assert(w:add{id = "d" .. i, year = 2000 + i % 2,
                 text = "Oil and gas prices rose in March. The council met on oil."})
  end
  assert(w:commit())
  w:close()
end

-- flip one byte in the middle of the segment file
local function damage(dir)
  local p = io.popen("ls '" .. dir .. "'")
  local seg
  for l in p:lines() do if l:match("%.cps$") then seg = l end end
  p:close()
  local f = assert(io.open(dir .. "/" .. seg, "r+b"))
  local size = f:seek("end")
  f:seek("set", math.floor(size / 2))
  local b = f:read(1)
  f:seek("set", math.floor(size / 2))
  f:write(string.char((b:byte() + 1) % 256))
  f:close()
end

-- the public methods: a call that works, a misuse, a not-found call
local METHODS = {
  {"stats", function(c) return c:stats() end, function(c) return c.stats(nil) end},
  {"ndocs", function(c) return c:ndocs() end, function(c) return c.ndocs({}) end},
  {"fields", function(c) return c:fields() end, function(c) return c.fields(1) end},
  {"doc", function(c) return c:doc(1) end, function(c) return c:doc({}) end, function(c) return c:doc(99) end},
  {"meta", function(c) return c:meta(1) end, function(c) return c:meta(1.5) end, function(c) return c:meta("nope") end},
  {"tokens", function(c) return c:tokens(1) end, function(c) return c:tokens(true) end, function(c) return c:tokens(99) end},
  {"sentences", function(c) return c:sentences(1) end, function(c) return c:sentences({}) end, function(c) return c:sentences(0) end},
  {"paragraphs", function(c) return c:paragraphs(1) end, function(c) return c:paragraphs({}) end, function(c) return c:paragraphs(99) end},
  {"find", function(c) return c:find("d1") end, function(c) return c:find({}) end, function(c) return c:find("nope") end},
  {"count", function(c) return c:count("oil") end, function(c) return c:count(1) end},
  {"search", function(c) return c:search("oil") end, function(c) return c:search("oil", {limt = 1}) end},
  {"highlight", function(c) return c:highlight(1, "oil") end, function(c) return c:highlight("1", "oil") end,
   function(c) return c:highlight(99, "oil") end},
  {"freq", function(c) return c:freq() end, function(c) return c:freq{lmit = 1} end},
  {"ngrams", function(c) return c:ngrams(2) end, function(c) return c:ngrams(0) end},
  {"collocates", function(c) return c:collocates("oil") end, function(c) return c:collocates(5) end},
  {"collocations", function(c) return c:collocations() end, function(c) return c:collocations{window = 1} end},
  {"keyness", function(c) return c:keyness("year:2001") end, function(c) return c:keyness() end},
  {"dispersion", function(c) return c:dispersion("oil") end, function(c) return c:dispersion({}, 5) end},
  {"similar", function(c) return c:similar(1) end, function(c) return c:similar({}) end, function(c) return c:similar(99) end},
  {"similarity", function(c) return c:similarity(1, 2) end, function(c) return c:similarity(1, {}) end,
   function(c) return c:similarity(1, 99) end},
  {"dtm", function(c) return c:dtm() end, function(c) return c:dtm{min = -1} end},
  {"lookup", function(c) return c:lookup({a = {"oil"}}) end, function(c) return c:lookup(5) end},
  {"check", function(c) return c:check() end, function(c) return c.check(nil) end},
  {"count by", function(c) return c:count("oil", {by = "year"}) end,
   function(c) return c:count("oil", {by = 5}) end},
  {"concordance", function(c) return c:concordance("oil") end,
   function(c) return c:concordance("oil", {sort = "1L"}) end},
  {"layers", function(c) return c:layers() end, function(c) return c.layers(5) end},
  {"spans", function(c) return c:spans() end, function(c) return c.spans(5) end},
  {"quotes", function(c) return c:quotes() end, function(c) return c:quotes(nil, {speeker = "x"}) end},
  {"entities", function(c) return c:entities() end, function(c) return c:entities(nil, {knd = "x"}) end},
  {"dates", function(c) return c:dates() end, function(c) return c:dates(nil, {anchr = "x"}) end},
  {"numbers", function(c) return c:numbers() end, function(c) return c:numbers(nil, {limt = 1}) end},
  {"reuse", function(c) return c:reuse{min = 4} end, function(c) return c:reuse{mn = 4} end},
}

describe("the error rule", function()
  local dir = ("%s/cp_spec15_%d_%d"):format(TMP, os.time(), math.random(1e9))
  local good = dir .. "-good"
  setup(function()
    build(good)
    build(dir)
    damage(dir)
  end)
  teardown(function()
    os.execute("rm -rf '" .. dir .. "' '" .. good .. "'")
  end)

  for _, m in ipairs(METHODS) do
    local name, call, misuse, notfound = m[1], m[2], m[3], m[4]

    it(name .. ": works on a sound index, raises on misuse at the caller", function()
      local c = assert(corpus.open(good))
      local r = pack(call(c))
      assert.is_not_nil(r[1], name .. ": " .. tostring(r[2]))
      local ok, msg = pcall(misuse, c)
      assert.is_false(ok, name .. " misuse must raise")
      assert.equal(THIS, msg:match("^([^:]+):"), msg)
      c:close()
      ok, msg = pcall(call, c)
      assert.is_false(ok)
      assert.matches("attempt to use a closed corpus", msg)
    end)

    it(name .. ": returns nil, msg, ECORRUPT on a damaged segment, the same message as stats", function()
      local c = assert(corpus.open(dir))
      local r = pack(pcall(call, c))
      assert.is_true(r[1], name .. " raised: " .. tostring(r[2]))
      assert.is_nil(r[2])
      assert.equal("ECORRUPT", r[4])
      local ref = corpus.open(dir)
      local _, smsg = ref:stats()
      ref:close()
      assert.equal(smsg, r[3])
      c:close()
    end)

    if notfound then
      it(name .. ": not found is a plain nil", function()
        local c = assert(corpus.open(good))
        local r = pack(notfound(c))
        assert.is_nil(r[1])
        assert.is_nil(r[2])
        c:close()
      end)
    end
  end

  it("codes come from errno, not from message text", function()
    local c = corpus.new()
    local n, msg, code = c:add_file("/nonexistent/x.txt")
    assert.is_nil(n); assert.equal("ENOENT", code); assert.is_string(msg)
    n, msg, code = c:add_jsonl("/nonexistent/x.jsonl")
    assert.equal("ENOENT", code)
    n, msg, code = c:add_dir("/nonexistent")
    assert.equal("ENOENT", code)
    n, msg, code = corpus.read_dictionary("/nonexistent/d.txt")
    assert.equal("ENOENT", code)
    assert.equal("ENOENT", corpus.core.errname(2))
    assert.equal("EIO", corpus.core.errname(5))
  end)

  it("keyness over an empty subcorpus is a data condition: nil, msg, EEMPTY", function()
    local c = corpus.new()
    c:add{text = "oil and gas", year = 2001}
    c:add{text = "more oil", year = 2002}
    local r, msg, code = c:keyness("year:1999")
    assert.is_nil(r); assert.equal("EEMPTY", code); assert.matches("empty", msg)
    r, msg, code = c:keyness("year:>2000")
    assert.is_nil(r); assert.equal("EEMPTY", code)
  end)

  it("writer methods on a read-only corpus raise; delete of an unknown id is a plain nil", function()
    local c = assert(corpus.open(good))
    local ok, msg = pcall(function() local r = c:commit(); return r end)
    assert.is_false(ok)
    assert.equal(THIS, msg:match("^([^:]+):"), msg)
    c:close()
    local w = assert(corpus.open(good, {write = true}))
    local r = pack(w:delete("nope"))
    assert.is_nil(r[1]); assert.is_nil(r[2])
    w:close()
  end)
end)
