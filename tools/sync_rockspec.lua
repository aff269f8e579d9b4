-- tools/sync_rockspec.lua -- rewrite the source lists of the rockspec from
-- the tree: every csrc/*.c into corpus.core, every lua/corpus/*.lua as a
-- module (lua/corpus/cli/*.lua as corpus.cli.*).
-- `lua5.4 tools/sync_rockspec.lua --check` exits 1 when the
-- rockspec is out of date (the spec runs that).
local core = require "corpus.core"
local path = "rockspec/corpus-scm-1.rockspec"
local f = assert(io.open(path, "rb"))
local text = f:read("a")
f:close()

local function list(dir, ext)
  local out = {}
  for _, name in ipairs(assert(core.listdir(dir))) do
    if name:sub(-#ext) == ext then out[#out + 1] = name end
  end
  return out
end

local src = {}
for _, n in ipairs(list("csrc", ".c")) do
  src[#src + 1] = ('        "csrc/%s",'):format(n)
end
local mods = {}
for _, n in ipairs(list("lua/corpus", ".lua")) do
  local m = n:gsub("%.lua$", "")
  local name = m == "init" and "corpus" or "corpus." .. m
  mods[#mods + 1] = ('    ["%s"] = "lua/corpus/%s",'):format(name, n)
end

for _, n in ipairs(list("lua/corpus/cli", ".lua")) do
  local m = n:gsub("%.lua$", "")
  mods[#mods + 1] = ('    ["corpus.cli.%s"] = "lua/corpus/cli/%s",'):format(m, n)
end

local new = text:gsub("(%-%- SOURCES BEGIN[^\n]*\n).-(        %-%- SOURCES END)",
  function(a, b) return a .. table.concat(src, "\n") .. "\n" .. b end)
new = new:gsub("(%-%- MODULES BEGIN[^\n]*\n).-(    %-%- MODULES END)",
  function(a, b) return a .. table.concat(mods, "\n") .. "\n" .. b end)

if arg[1] == "--check" then
  if new ~= text then
    io.stderr:write(path .. " is out of date: run lua5.4 tools/sync_rockspec.lua\n")
    os.exit(1)
  end
  os.exit(0)
end
f = assert(io.open(path, "wb"))
f:write(new)
f:close()
