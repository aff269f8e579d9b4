-- In-memory merging (issue 10, item 7): N single adds, each followed by
-- a read (the issue's pattern), on an in-memory corpus.  The tiered
-- merges of tiers 0-2 run in the read that seals the pending document,
-- larger ones on a worker thread (corpus.c "In-memory merging"); this
-- prints what they cost: total wall and CPU time, the segments left,
-- and the distribution of the time of one add + read, whose tail is the
-- merges (a cascade at 8^k documents re-adds 8^k documents).  Build
-- with `make B=build-sync EXTRA=-DCP_BG_TIER=64` and run with
-- LUA_CPATH='build-sync/?.so;;' for every merge in the read.  Then freq
-- over the result.  Wall time (luasystem or luasocket; os.clock
-- without them) and CPU time: quiet machine figures need a quiet
-- machine.
--   lua5.4 bench/memmerge_bench.lua [N ...]     (default 20000 100000)
local corpus = require "corpus"
local cpu = os.clock
-- wall clock: a merge may run on a second thread, whose CPU os.clock
-- counts too
local wall = os.clock
do
  local ok, sys = pcall(require, "system")
  if ok and sys.monotime then wall = sys.monotime
  else
    local ok2, socket = pcall(require, "socket")
    if ok2 and socket.gettime then wall = socket.gettime end
  end
end

local sizes = {}
for i = 1, #arg do sizes[#sizes + 1] = assert(tonumber(arg[i]), "N") end
if #sizes == 0 then sizes = {20000, 100000} end

for _, N in ipairs(sizes) do
  local c = corpus.new()
  local lat = {}
  local t0, c0 = wall(), cpu()
  for i = 1, N do
    local t = wall()
    c:add{id = "d" .. i, text = "document number " .. i .. " says hello to the world."}
    c:count("hello")
    lat[i] = wall() - t
  end
  local total, ctotal = wall() - t0, cpu() - c0
  local st = c:stats()
  table.sort(lat)
  local function q(p) return lat[math.max(1, math.floor(p * N + 0.5))] * 1000 end
  local slow, slowsum = 0, 0
  for i = 1, N do if lat[i] > 0.001 then slow = slow + 1; slowsum = slowsum + lat[i] end end
  print(("N = %d: %.2f s wall, %.2f s CPU, %d segments; add + read (wall) p50 %.3f ms, p99 %.3f ms, p99.9 %.2f ms, max %.1f ms; %d calls over 1 ms took %.2f s in all"):format(
    N, total, ctotal, st.segments, q(0.5), q(0.99), q(0.999), lat[N] * 1000, slow, slowsum))
  local t = wall()
  c:freq{limit = 5}
  print(("  freq after them: %.1f ms"):format((wall() - t) * 1000))
  c:close()
end
