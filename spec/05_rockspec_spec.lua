-- The LuaRocks build: both rockspecs are generated from one template and
-- pass `luarocks lint`; `luarocks make` into a fresh tree gives a module
-- exporting one symbol that loads with no LUA_PATH set, a CLI that runs
-- from the tree, the docs beside the rock, and `luarocks pack` of the
-- installed rock works.  Runs for the interpreter under test.
local sh = require "sh"
local run = sh.run

local LUA = sh.LUA
local LV = LUA == "luajit" and "5.1" or LUA:match("^lua(%d%.%d)$")

local slurp = sh.read

describe("rockspec", function()
  it("is generated from rockspec/corpus.rockspec.in (modules, version)", function()
    local ok, out = run(LUA .. " tools/sync_rockspec.lua --check")
    assert.is_true(ok, out)
    local version = slurp("csrc/cp.h"):match('#define CP_VERSION "([^"]+)"')
    local rel = slurp(("rockspec/corpus-%s-1.rockspec"):format(version))
    assert.matches('url = "git%+https://', rel)
    assert.matches(('tag = "v%s"'):format(version:gsub("%.", "%%.")), rel)
    assert.matches('"lua >= 5.1"', rel, 1, true)
    assert.matches('test = {\n  type = "busted"', rel, 1, true)
    -- one version everywhere a release names it (README "Releasing")
    assert.are.equal(version, slurp("include/corpus.h"):match('#define CORPUS_VERSION "([^"]+)"'))
    assert.are.equal(version, require("corpus")._VERSION:match("([%d%.]+)$"))
    assert.is_truthy(slurp("README.md"):find("git tag -a v" .. version, 1, true))
  end)

  it("passes luarocks lint (release and scm)", function()
    for _, f in ipairs{ "rockspec/corpus-scm-1.rockspec",
                        ("rockspec/corpus-%s-1.rockspec"):format(require("corpus").version) } do
      local ok, out = run("luarocks lint " .. f)
      assert.is_true(ok, f .. ": " .. out)
    end
  end)

  it("builds with luarocks make, packs, and runs from the tree with no LUA_PATH", function()
    if os.getenv("CORPUS_ASAN") then
      pending("the sanitizer run does not rebuild the rock")
      return
    end
    if LUA == "luajit" then
      pending("Debian's luarocks drives PUC Lua only; the 5.1 run builds the rock LuaJIT loads")
      return
    end
    local tree = os.tmpname()
    os.remove(tree)
    -- the rock's build copies core.so to the one path the rockspec
    -- installs from (build/rock/): runs for two interpreters at once
    -- (.ci/run's lanes) take turns, or one installs the other's module
    local ok, out = run(("mkdir -p build && flock build/.rock.lock " ..
      "luarocks --lua-version=%s make rockspec/corpus-scm-1.rockspec " ..
      "--deps-mode=none --tree=%q"):format(LV, tree))
    assert.is_true(ok, out)
    local so = ("%s/lib/lua/%s/corpus/core.so"):format(tree, LV)
    ok, out = run(("nm -D --defined-only %q | awk '$2 == \"T\" {print $3}'"):format(so))
    assert.is_true(ok, out)
    assert.are.equal("luaopen_corpus_core\n", out)
    local script = ([[
      package.path = TREE .. "/share/lua/%s/?.lua;" .. TREE .. "/share/lua/%s/?/init.lua;" .. package.path
      package.cpath = TREE .. "/lib/lua/%s/?.so;" .. package.cpath
      local corpus = require "corpus"
      local c = corpus.new()
      c:add{text = "Installed with LuaRocks, it counts words: words."}
      io.write(c:count("words"))
    ]]):format(LV, LV, LV)
    local file = tree .. ".lua"
    local f = assert(io.open(file, "wb"))
    f:write(("local TREE = %q\n"):format(tree), script)
    f:close()
    ok, out = run(("cd /tmp && env -u LUA_PATH -u LUA_CPATH %s %q"):format(LUA, file))
    os.remove(file)
    assert.is_true(ok, out)
    assert.are.equal("2", out)
    -- the CLI wrapper LuaRocks writes, from another directory
    local sample = os.getenv("PWD") .. "/examples/sample.jsonl"
    ok, out = run(("cd /tmp && env -u LUA_PATH -u LUA_CPATH %s/bin/corpus count %q nitrate")
      :format(tree, sample))
    assert.is_true(ok, out)
    assert.are.equal("6\n", out)
    -- docs are installed beside the rock
    ok, out = run(("ls %s/lib/luarocks/rocks-%s/corpus/scm-1/docs"):format(tree, LV))
    assert.is_true(ok, out)
    assert.matches("QUERY.md", out, 1, true)
    -- a binary rock of the installed tree
    local pdir = tree .. ".pack"
    ok, out = run(("mkdir -p %q && cd %q && luarocks --lua-version=%s pack corpus scm-1 --tree=%q && ls")
      :format(pdir, pdir, LV, tree))
    assert.is_true(ok, out)
    assert.matches("corpus%-scm%-1%.[%w_-]+%.rock", out)
    os.execute(("rm -rf %q %q"):format(tree, pdir))
  end)
end)
