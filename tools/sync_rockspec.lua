-- tools/sync_rockspec.lua -- write the rockspecs from one template,
-- rockspec/corpus.rockspec.in: the development one (corpus-scm-1, source
-- is the checkout) and the release one (corpus-<version>-1, source is the
-- git tag v<version>; the version is CP_VERSION in csrc/cp.h).  Every
-- lua/corpus/*.lua becomes a module; docs/ (and man/ when it exists)
-- are installed beside the rock.  `lua5.4 tools/sync_rockspec.lua
-- --check` exits 1 when a rockspec is out of date (spec 05 runs that).
local core = require "corpus.core"

-- where releases are fetched from: the one place to change it
local REPO = "git+https://github.com/corpus-text/corpus.git"

local function slurp(path)
  local f = assert(io.open(path, "rb"))
  local s = f:read("*a")
  f:close()
  return s
end

local version = assert(slurp("csrc/cp.h"):match('#define CP_VERSION "([^"]+)"'),
                       "no CP_VERSION in csrc/cp.h")
local template = slurp("rockspec/corpus.rockspec.in")

-- every .lua file under lua/corpus (subdirectories too), as a module:
-- lua/corpus/init.lua is "corpus", lua/corpus/a/b.lua "corpus.a.b"
local mods = {}
local function scan(dir, prefix)
  local names = assert(core.listdir(dir))
  table.sort(names)
  for _, n in ipairs(names) do
    local path = dir .. "/" .. n
    if n:sub(-4) == ".lua" then
      local m = n:sub(1, -5)
      local name = m == "init" and prefix or prefix .. "." .. m
      mods[#mods + 1] = ('      ["%s"] = "%s",'):format(name, path)
    elseif n:sub(1, 1) ~= "." and core.listdir(path) then
      scan(path, prefix .. "." .. n)
    end
  end
end
scan("lua/corpus", "corpus")

-- installed beside the rock: the docs, and the man page once there is one
local copydirs = { '"docs"' }
if core.listdir("man") then copydirs[#copydirs + 1] = '"man"' end
copydirs = "{ " .. table.concat(copydirs, ", ") .. " }"

local function render(ver, source)
  local out = template
    :gsub("@VERSION@", ver)
    :gsub("@SOURCE@", source)
    :gsub("@COPYDIRS@", copydirs)
    :gsub("      %-%- MODULES\n", function() return table.concat(mods, "\n") .. "\n" end)
  return out
end

local outputs = {
  ["rockspec/corpus-scm-1.rockspec"] = render("scm-1", '{ url = "git+file://." }'),
  [("rockspec/corpus-%s-1.rockspec"):format(version)] =
    render(version .. "-1", ('{\n  url = "%s",\n  tag = "v%s",\n}'):format(REPO, version)),
}

local check = arg[1] == "--check"
local stale = false
for path, text in pairs(outputs) do
  local f = io.open(path, "rb")
  local old = f and f:read("*a")
  if f then f:close() end
  if old ~= text then
    if check then
      io.stderr:write(path .. " is out of date: run lua5.4 tools/sync_rockspec.lua\n")
      stale = true
    else
      f = assert(io.open(path, "wb"))
      f:write(text)
      f:close()
    end
  end
end
os.exit(stale and 1 or 0)
