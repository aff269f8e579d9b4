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
-- kept.  The share is issue 11's measure: (build with them - build
-- without) / build with them, on wall time (what a user waits) and on
-- CPU time (os.clock: all threads, steadier on a shared machine).
local corpus = require "corpus"

local files = { ... }
assert(#files > 0, "usage: analyse_bench.lua FILE.jsonl...")
local runs = tonumber(os.getenv("BENCH_RUNS") or "1")

package.path = "bench/?.lua;" .. package.path
local now = require("clock").now   -- wall clock

local function build (analyse)
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
  return wall, cpu, st, spans
end

local ROWS = {
  {"build, analyse = false", false},
  {"entities", { "entities" }},
  {"quotes (needs entities)", { "quotes" }},
  {"dates", { "dates" }},
  {"numbers (needs dates)", { "numbers" }},
  {"all four (default)", true},
}
local walls, cpus, spans, st = {}, {}, {}, nil
for i = 1, #ROWS do walls[i], cpus[i] = {}, {} end
for r = 1, runs do
  for i, row in ipairs(ROWS) do
    local w, c, s, n = build(row[2])
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
          (aw - bw) / aw <= 0.25 and "met on wall time" or "MISSED on wall time"))
