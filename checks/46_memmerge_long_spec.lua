-- checks/46_memmerge_long_spec.lua -- spec/46_memmerge_spec.lua over
-- 20,000 single adds, each followed by a read (make check): the bound on
-- segments must hold four times further than make test takes it.  The
-- spec runs in this file's environment, where busted's describe and it
-- are, with MEMMERGE_N set.
MEMMERGE_N = 20000
local path = "spec/46_memmerge_spec.lua"
local chunk
if setfenv then   -- Lua 5.1, LuaJIT
  chunk = assert(loadfile(path))
  setfenv(chunk, getfenv(1))
else
  chunk = assert(loadfile(path, "t", _ENV))
end
chunk()
