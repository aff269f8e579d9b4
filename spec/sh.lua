-- spec/sh.lua -- running commands from specs the same way on Lua 5.1-5.4
-- and LuaJIT: before 5.2, os.execute returns a number and a popen'd
-- file's close() returns no exit status, so both are normalised here.
-- Also the file helpers every spec used to define for itself: read,
-- write, exists, fresh temporary paths, removing a tree.
local M = {}

--- the interpreter under test (tools/tap.sh exports LUA), for child
-- processes that must run on the same version as the spec
M.LUA = os.getenv("LUA") or "lua5.4"

--- the bytes of the file at path (raises when it cannot be read)
function M.read(path)
  local f = assert(io.open(path, "rb"))
  local s = f:read("*a")
  f:close()
  return s
end

--- whether a file can be opened for reading at path
function M.exists(path)
  local f = io.open(path, "rb")
  if f then f:close() return true end
  return false
end

--- write the bytes s to the file at path (raises when it cannot be written)
function M.write(path, s)
  local f = assert(io.open(path, "wb"))
  f:write(s)
  f:close()
end

--- run cmd in sh with stderr joined to stdout;
-- returns ok (exit status 0), output, exit status
function M.run(cmd)
  local p = assert(io.popen("(" .. cmd .. ") 2>&1; echo \"#rc=$?\""))
  local out = p:read("*a")
  p:close()
  local body, rc = out:match("^(.-)#rc=(%d+)\n?$")
  rc = tonumber(rc)
  return rc == 0, body, rc
end

--- os.execute(cmd) as a boolean: true when it exited with status 0
function M.execute(cmd)
  local r = os.execute(cmd)
  return r == true or r == 0
end

--- a fresh path for a directory the spec creates (nothing is there yet);
-- remove it with M.rmtree
function M.tmpdir()
  local dir = os.tmpname()
  os.remove(dir)
  return dir
end

--- a fresh path under $TMPDIR for a file or directory a spec creates,
-- named after tag (and ending in ext when given); nothing is there
local TMP = os.getenv("TMPDIR") or "/tmp"
function M.tmppath(tag, ext)
  local p = ("%s/cp_%s_%d_%d%s"):format(TMP, tag, os.time(), math.random(1e9), ext or "")
  os.execute("rm -rf '" .. p .. "'")
  return p
end

--- offset and size of section 'id' in the segment image s (its header's
-- section table, docs/FORMAT.md), or nil; little-endian integers read by
-- arithmetic, so that it runs on Lua 5.1
function M.seg_section(s, id)
  local function u32(i)
    local a, b, c, d = s:byte(i + 1, i + 4)
    return a + b * 256 + c * 65536 + d * 16777216
  end
  for k = 0, u32(20) - 1 do
    local e = 80 + 32 * k
    if u32(e) == id then
      return u32(e + 8) + u32(e + 12) * 2 ^ 32, u32(e + 16) + u32(e + 20) * 2 ^ 32
    end
  end
end

--- remove the directory tree at path
function M.rmtree(path)
  os.execute("rm -rf '" .. path:gsub("'", "'\\''") .. "'")
end

return M
