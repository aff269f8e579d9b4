-- The suite runs on the interpreter `make test LUA=...` names (Lua 5.4
-- by default; lua5.1, lua5.2, lua5.3, luajit) against the checkout's own
-- build for that interpreter.
local LUA = os.getenv("LUA") or "lua5.4"

describe("environment", function()
  it("runs on the interpreter under test (" .. LUA .. ")", function()
    if LUA == "luajit" then
      assert.are.equal("Lua 5.1", _VERSION)
      assert.are.equal("table", type(jit))
    else
      assert.are.equal("Lua " .. LUA:match("^lua(%d%.%d)$"), _VERSION)
      assert.is_nil(rawget(_G, "jit"))
    end
  end)

  it("loads corpus and corpus.core from the checkout", function()
    local corpus = require "corpus"
    assert.are.equal("string", type(corpus.version))
    assert.are.equal(corpus.version, require("corpus.core").version)
    -- the first corpus/core.so on the path is the build for this
    -- interpreter (build/ for 5.4, build/<lua>/ for the others)
    local dir = LUA == "lua5.4" and "build" or "build/" .. LUA
    local first = package.cpath:match("^[^;]*")
    assert.are.equal(dir .. "/?.so", first:sub(-#dir - 5))
  end)

  it("lists the stemmer languages", function()
    local langs = require("corpus").languages()
    local set = {}
    for _, l in ipairs(langs) do set[l] = true end
    assert.is_true(set.english)
    assert.is_true(set.french)
  end)
end)
