-- spec/20_options_spec.lua -- strict options (issue 9, item 1): every
-- function that takes an options table rejects a key it does not know,
-- names it, suggests the closest valid name and lists the valid ones,
-- and raises at the caller's line (csrc/l_opts.c).

local corpus = require "corpus"

local THIS = debug.getinfo(1, "S").short_src

-- the error message of f(), which must raise
local function raised(f)
  local ok, msg = pcall(f)
  assert.is_false(ok, "expected an error")
  return msg
end

-- the message names this file and the line of the call
local function at_caller(msg, line)
  assert.equal(("%s:%d: "):format(THIS, line), msg:sub(1, #THIS + #tostring(line) + 3))
end

describe("options", function()
  local c
  setup(function()
    c = corpus.new()
    c:add{text = "The climate talks began. The climate is changing fast.", year = 2001}
    c:add{text = "Oil and gas prices rose. Gas is cheap.", year = 2002}
  end)
  teardown(function() c:close() end)

  it("rejects the typos of the issue with the name, a suggestion and the list", function()
    local m = raised(function() return c:dispersion("climate", {wher = "year:2001"}) end)
    assert.matches("unknown option 'wher' to 'dispersion' %(did you mean 'where'%?%); valid options: layer, max_matches, max_mem, max_work, parts, punct, timeout, variants, where", m)
    m = raised(function() return c:freq{stopwords = {"the"}, limit = 2} end)
    assert.matches("unknown option 'stopwords' to 'freq' %(did you mean 'stop'%?%); valid options: by, layer, limit, max_mem, max_work, min, punct, stop, timeout, where$", m)
    m = raised(function() return c:ngrams(2, {contains = "climate"}) end)
    assert.matches("unknown option 'contains' to 'ngrams' %(did you mean 'containing'%?%)", m)
    m = raised(function() for _ in c:kwic("climate", {widht = 2}) do end end)
    assert.matches("unknown option 'widht' to 'kwic' %(did you mean 'width'%?%)", m)
    m = raised(function() for _ in c:kwic("climate", {sort = "1L"}) do end end)
    assert.matches("unknown option 'sort' to 'kwic'", m)
    m = raised(function() for _ in c:kwic("climate", {chars = 40}) do end end)
    assert.matches("unknown option 'chars' to 'kwic'", m)
  end)

  -- (no tail calls below: a tail call leaves no frame to point at)
  it("raises at the caller's line", function()
    local line = debug.getinfo(1, "l").currentline + 1
    local m = raised(function() local r = c:freq{lmit = 2}; return r end)
    at_caller(m, line)
    line = debug.getinfo(1, "l").currentline + 1
    m = raised(function() local r = c:count("x", {dosc = true}); return r end)
    at_caller(m, line)
    line = debug.getinfo(1, "l").currentline + 1
    m = raised(function() local r = corpus.new{langauge = "english"}; return r end)
    at_caller(m, line)
    assert.matches("did you mean 'language'", m)
    line = debug.getinfo(1, "l").currentline + 1
    m = raised(function() local r = c:freq{limit = "2"}; return r end)
    at_caller(m, line)
    assert.matches("bad option 'limit' %(integer expected, got string%)", m)
    line = debug.getinfo(1, "l").currentline + 1
    m = raised(function() local r = c:collocates("climate", {measure = "lrr"}); return r end)
    at_caller(m, line)
    line = debug.getinfo(1, "l").currentline + 1
    m = raised(function() local r = c:kwic("climate", {width = -1}); for _ in r do end end)
    at_caller(m, line)
  end)

  -- one call per public function that takes options, each with a typo
  local calls = {
    {"new", function() return corpus.new{mdoe = "strict"} end, "mode"},
    {"create", function() return corpus.create("/nonexistent/x", {mdoe = "strict"}) end, "mode"},
    {"open", function() return corpus.open("/nonexistent/x", {wirte = true}) end, "write"},
    {"parse", function() return corpus.parse("x", {layr = "word"}) end, "layer"},
    {"count", function() return c:count("x", {doc = true}) end, "docs"},
    {"matches", function() return c:matches("x", {max_match = 1}) end, "max_matches"},
    {"kwic", function() return c:kwic("x", {widht = 1}) end, "width"},
    {"search", function() return c:search("x", {limt = 1}) end, "limit"},
    {"highlight", function() return c:highlight(1, "x", {befor = "<"}) end, "before"},
    {"freq", function() return c:freq{mni = 2} end, "min"},
    {"ngrams", function() return c:ngrams(2, {limi = 1}) end, "limit"},
    {"collocates", function() return c:collocates("climate", {windw = 2}) end, "window"},
    {"collocations", function() return c:collocations{windo = 2} end, "window"},
    {"keyness", function() return c:keyness("year:2001", nil, {measur = "llr"}) end, "measure"},
    {"dispersion", function() return c:dispersion("gas", {layr = "word"}) end, "layer"},
    {"similar", function() return c:similar(1, {limt = 1}) end, "limit"},
    {"similarity", function() return c:similarity(1, 2, {layr = "word"}) end, "layer"},
    {"dtm", function() return c:dtm{mni = 1} end, "min"},
    {"lookup", function() return c:lookup({a = {"gas"}}, {wher = "x"}) end, "where"},
    {"add_dir", function() return c:add_dir("/nonexistent", {patern = "*.txt"}) end, "pattern"},
  }
  for _, t in ipairs(calls) do
    it("checks the option keys of " .. t[1], function()
      local m = raised(t[2])
      assert.matches(("to '%s' %%(did you mean '%s'%%?%%); valid options: "):format(t[1], t[3]), m)
      assert.equal(THIS, m:match("^([^:]+):"))   -- raised() is the caller
    end)
  end

  it("still runs valid options and gives the same answers", function()
    assert.equal(2, c:count("climate"))
    assert.equal(1, c:count("climate", {docs = true}))
    local rows = c:freq{where = "year:2002", limit = 1}
    assert.equal("gas", rows[1].term)
    assert.equal(2, c:dispersion("climate", {where = "year:2001"}).matches)
  end)

  it("rejects non-string keys and non-table options", function()
    assert.matches("option names must be strings", raised(function() return c:freq{1} end))
    assert.matches("table of options expected, got string",
                   raised(function() return c:freq("limit") end))
  end)

  it("suggests enumerated values", function()
    assert.matches("unknown layer 'nrom' %(did you mean 'norm'%?%)",
                   raised(function() return c:freq{layer = "nrom"} end))
    assert.matches("unknown value 'strcit' %(did you mean 'strict'%?%)",
                   raised(function() return corpus.new{mode = "strcit"} end))
  end)

  it("exposes the closest-name helper", function()
    assert.equal("where", corpus.core.suggest("wher", {"layer", "where"}))
    assert.is_nil(corpus.core.suggest("zzzzzz", {"layer", "where"}))
  end)
end)
