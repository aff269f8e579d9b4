-- The LuaRocks build: the rockspec lists every source, and `luarocks
-- make` into a fresh tree gives a module that loads and works.
local function run(cmd)
  local p = io.popen(cmd .. " 2>&1")
  local out = p:read("a")
  local ok, _, code = p:close()
  return ok, out, code
end

describe("rockspec", function()
  it("lists every C source and Lua module of the tree", function()
    local ok, out = run("lua5.4 tools/sync_rockspec.lua --check")
    assert.is_true(ok, out)
  end)

  it("builds with luarocks make and loads from the installed tree", function()
    if os.getenv("CORPUS_ASAN") then
      pending("the sanitizer run does not rebuild the rock")
      return
    end
    local tree = os.tmpname()
    os.remove(tree)
    local ok, out = run(("luarocks --lua-version=5.4 make rockspec/corpus-scm-1.rockspec " ..
      "--deps-mode=none --tree=%q"):format(tree))
    assert.is_true(ok, out)
    local script = [[
      package.path = TREE .. "/share/lua/5.4/?.lua;" .. TREE .. "/share/lua/5.4/?/init.lua;" .. package.path
      package.cpath = TREE .. "/lib/lua/5.4/?.so;" .. package.cpath
      local corpus = require "corpus"
      assert(package.searchpath("corpus.core", package.cpath):find(TREE, 1, true))
      local c = corpus.new()
      c:add{text = "Installed with LuaRocks, it counts words: words."}
      io.write(c:count("words"))
    ]]
    local file = tree .. ".lua"
    local f = assert(io.open(file, "wb"))
    f:write(("local TREE = %q\n"):format(tree), script)
    f:close()
    ok, out = run(("cd /tmp && env -u LUA_PATH -u LUA_CPATH lua5.4 %q"):format(file))
    os.remove(file)
    os.execute(("rm -rf %q"):format(tree))
    assert.is_true(ok, out)
    assert.are.equal("2", out)
  end)
end)
