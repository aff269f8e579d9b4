#!/usr/bin/env lua5.4
-- bench/analyse_bench.lua -- the cost of the analysers at add time: CPU
-- seconds of building an in-memory corpus (corpus.new + c:add_jsonl +
-- flush) of the given JSON Lines files with analyse = false, with each
-- analyser alone, and with all four (the default); the share of the build
-- each adds.
--
--   eval "$(make -s env)"; nice lua5.4 bench/analyse_bench.lua ../shared/corpora/ungdc/*.jsonl
--
-- CPU time (os.clock) because the machine is shared; BENCH_RUNS=n runs
-- each build n times and keeps the fastest (default 1).
local corpus = require "corpus"

local files = { ... }
assert(#files > 0, "usage: analyse_bench.lua FILE.jsonl...")
local runs = tonumber(os.getenv("BENCH_RUNS") or "1")

local function build(analyse)
  local best, st, spans = math.huge, nil, nil
  for _ = 1, runs do
    collectgarbage(); collectgarbage()
    local t0 = os.clock()
    local c = corpus.new{ analyse = analyse }
    for _, f in ipairs(files) do assert(c:add_jsonl(f)) end
    c:flush()
    local t = os.clock() - t0
    if t < best then best = t end
    st = c:stats()
    spans = 0
    for _, s in ipairs(c:spans()) do if s.name ~= "s" and s.name ~= "p" then spans = spans + s.count end end
    c:close()
  end
  return best, st, spans
end

local base, st = build(false)
local mb = 0
for _, f in ipairs(files) do local h = assert(io.open(f, "rb")); mb = mb + h:seek("end") / 1e6; h:close() end
print(("corpus: %d documents, %d tokens, %.1f MB of JSON Lines"):format(st.docs, st.tokens, mb))
print(("%-26s %7.2f s CPU"):format("build, analyse = false", base))
local function row(name, analyse)
  local t, _, spans = build(analyse)
  print(("%-26s %7.2f s CPU  +%5.2f s  %6.1f%% of the build  %8d spans"):format(
    name, t, t - base, 100 * (t - base) / base, spans))
end
row("entities", { "entities" })
row("quotes (needs entities)", { "quotes" })
row("dates", { "dates" })
row("numbers (needs dates)", { "numbers" })
row("all four (default)", true)
