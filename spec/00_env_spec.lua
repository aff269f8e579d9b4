-- The suite must run on Lua 5.4 against the checkout's own build.
describe("environment", function()
  it("runs on Lua 5.4", function()
    assert.are.equal("Lua 5.4", _VERSION)
  end)

  it("loads corpus and corpus.core from the checkout", function()
    local corpus = require "corpus"
    assert.are.equal("string", type(corpus.version))
    assert.are.equal(corpus.version, require("corpus.core").version)
    assert.is_truthy(package.searchpath("corpus.core", package.cpath))
  end)

  it("lists the stemmer languages", function()
    local langs = require("corpus").languages()
    local set = {}
    for _, l in ipairs(langs) do set[l] = true end
    assert.is_true(set.english)
    assert.is_true(set.french)
  end)
end)
