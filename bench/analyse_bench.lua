#!/usr/bin/env lua5.4
-- bench/analyse_bench.lua -- the cost of the analysers at add time: wall
-- and CPU seconds of building an in-memory corpus (corpus.new +
-- c:add_jsonl + flush) of the given JSON Lines files with analyse =
-- false, with each analyser alone, and with all four (the default); the
-- share of the build each takes.
--
--   eval "$(make -s env)"; BENCH_RUNS=3 lua5.4 bench/analyse_bench.lua ../shared/corpora/ungdc/*.jsonl
--
-- BENCH_RUNS=n (default 1) runs n rounds; in each round every build runs
-- once, in turn, so all of them see the same load; the median of each is
-- kept.  Every build runs in a process of its own, as a user's build
-- does: builds in one process reuse the heap the one before faulted in
-- (and the kernel zeroed), which hid part of the analysers' cost (their
-- share read 18-24% in one process when it was 27-29% in fresh ones).  The share is issue 11's measure: (build with them - build
-- without) / build with them, on wall time (what a user waits) and on
-- CPU time (os.clock: all threads, steadier on a shared machine).
local corpus = require "corpus"

package.path = "bench/?.lua;" .. package.path
local now = require("clock").now   -- wall clock

-- a child: one build, "wall cpu docs tokens spans" on stdout
if arg[1] == "--one" then
  local what = arg[2]
  local analyse   -- "off", "all" or a list "entities,quotes"
  if what == "off" then analyse = false
  elseif what == "all" then analyse = true
  else
    analyse = {}
    for w in what:gmatch("[^,]+") do analyse[#analyse + 1] = w end
  end
  local files = table.move(arg, 3, #arg, 1, {})
  collectgarbage(); collectgarbage()
  local t0, c0 = now(), os.clock()
  local c = corpus.new{ analyse = analyse }
  for _, f in ipairs(files) do assert(c:add_jsonl(f)) end
  c:flush()
  local wall, cpu = now() - t0, os.clock() - c0
  local st = c:stats()
  local spans = 0
  for _, s in ipairs(c:spans()) do
    if s.name ~= "s" and s.name ~= "p" then spans = spans + s.count end
  end
  c:close()
  print(("%.6f %.6f %d %d %d"):format(wall, cpu, st.docs, st.tokens, spans))
  os.exit(0)
end

local files = { ... }
assert(#files > 0, "usage: analyse_bench.lua FILE.jsonl...")
local runs = tonumber(os.getenv("BENCH_RUNS") or "1")
local lua = os.getenv("LUA") or "lua5.4"

local function quote (s) return "'" .. s:gsub("'", "'\\''") .. "'" end

local function build (what)
  local cmd = { lua, "bench/analyse_bench.lua", "--one", what }
  for _, f in ipairs(files) do cmd[#cmd + 1] = quote(f) end
  local p = assert(io.popen(table.concat(cmd, " ")))
  local out = p:read("a")
  local ok = p:close()
  local w, c, d, t, n = out:match("^(%S+) (%S+) (%d+) (%d+) (%d+)")
  assert(ok and w, "analyse_bench: a build failed: " .. out)
  return tonumber(w), tonumber(c), { docs = tonumber(d), tokens = tonumber(t) },
         tonumber(n)
end

local ROWS = {
  {"build, analyse = false", "off"},
  {"entities", "entities"},
  {"quotes (needs entities)", "quotes"},
  {"dates", "dates"},
  {"numbers (needs dates)", "numbers"},
  {"all four (default)", "all"},
}
local walls, cpus, spans, st = {}, {}, {}, nil
for i = 1, #ROWS do walls[i], cpus[i] = {}, {} end
-- even rounds run the rows in reverse: a build's time depends on the
-- one before it (the kernel's free memory as the last process left it;
-- seen: 'off' 1.35 s after 'all', 1.20 s after 'off'), so each row
-- follows a light build as often as a heavy one
for r = 1, runs do
  for k = 1, #ROWS do
    local i = r % 2 == 1 and k or #ROWS + 1 - k
    local w, c, s, n = build(ROWS[i][2])
    walls[i][r], cpus[i][r], spans[i] = w, c, n
    st = s
  end
end
local function median (t)
  local s = table.move(t, 1, #t, 1, {})
  table.sort(s)
  local m = #s // 2
  return #s % 2 == 1 and s[m + 1] or (s[m] + s[m + 1]) / 2
end

local mb = 0
for _, f in ipairs(files) do
  local h = assert(io.open(f, "rb")); mb = mb + h:seek("end") / 1e6; h:close()
end
print(("corpus: %d documents, %d tokens, %.1f MB of JSON Lines; %d round(s), medians")
  :format(st.docs, st.tokens, mb, runs))
local bw, bc = median(walls[1]), median(cpus[1])
print(("%-26s %7.2f s wall %7.2f s CPU"):format(ROWS[1][1], bw, bc))
for i = 2, #ROWS do
  local w, c = median(walls[i]), median(cpus[i])
  print(("%-26s %7.2f s wall %7.2f s CPU  +%5.2f s wall +%5.2f s CPU  share %5.1f%% wall %5.1f%% CPU  %8d spans")
    :format(ROWS[i][1], w, c, w - bw, c - bc, 100 * (w - bw) / w,
            100 * (c - bc) / c, spans[i]))
end
local aw, ac = median(walls[#ROWS]), median(cpus[#ROWS])
print(("all four: share of the build %.1f%% wall, %.1f%% CPU (goal <= 25%%: %s)")
  :format(100 * (aw - bw) / aw, 100 * (ac - bc) / ac,
          ((aw - bw) / aw <= 0.25 and "met" or "MISSED") .. " on wall time, "
          .. ((ac - bc) / ac <= 0.25 and "met" or "MISSED") .. " on CPU time"))
