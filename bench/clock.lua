-- bench/clock.lua -- the wall clock of the Lua benchmarks, which run
-- from the top of the tree (package.path gets "bench/?.lua").  Lua has
-- no wall clock of its own (os.clock is CPU time of every thread, which
-- the benchmarks also report): date +%s%N in a child, one fork a call,
-- about a millisecond, so time runs of seconds or loops, not one call.
local M = {}

-- seconds since the epoch, nanosecond resolution
function M.now ()
  local p = assert(io.popen("date +%s%N"))
  local ns = assert(tonumber(p:read("l")))
  p:close()
  return ns / 1e9
end

return M
