-- bench/shard_bench.lua -- sharded builds: wall time of 1, 2 and 4
-- shards by local processes and by a Slurm job array, against one
-- index built in this process, on the same files in the same run; then
-- the corpus-wide analyses as map/reduce over 4 shards (collocations,
-- keyness) and 3 shards of REUSE_INPUT (text reuse, all pairs), against
-- the same analysis on the opened corpus in this process.
--
--   lua5.4 bench/shard_bench.lua [DIR_OF_JSONL] [REPEAT] [REUSE_INPUT]
--
-- With SLURM_CONF set (eval "$(sh tools/slurm-local.sh start)") the
-- Slurm rows run too; the overhead column is Slurm's time over the
-- local processes' for the same plan.  Each row gives the median, the
-- fastest and the slowest of REPEAT runs, and the 1-minute load average
-- before the row (the machine may be shared).
local corpus = require "corpus"
local shard = require "corpus.shard"

local dir = arg[1] or "../shared/corpora/ungdc"
local rep = tonumber(arg[2] or "3")
local reuse_input = arg[3] or "../shared/corpora/reuters21578/docs-001.jsonl"
local TMP = os.getenv("TMPDIR") or "/tmp"

local inputs, bytes = {}, 0
for _, n in ipairs(corpus.core.listdir(dir)) do
  if n:match("%.jsonl$") then inputs[#inputs + 1] = dir .. "/" .. n end
end
table.sort(inputs)
for _, p in ipairs(inputs) do
  local f = assert(io.open(p, "rb"))
  bytes = bytes + f:seek("end")
  f:close()
end

local function now()
  local p = io.popen("date +%s.%N")
  local t = tonumber(p:read("*a"))
  p:close()
  return t
end

local function load()
  local f = io.open("/proc/loadavg", "rb")
  if not f then return 0 end
  local l = tonumber(f:read("*a"):match("^(%S+)"))
  f:close()
  return l or 0
end

-- median, min, max of 'rep' runs of fn(out) (out: a fresh directory,
-- removed after each run unless keep); the load average before them
local function timed(fn, keep)
  local ts, ld = {}, load()
  for _ = 1, rep do
    local out = keep or ("%s/cp_shard_bench_%d"):format(TMP, math.random(1e9))
    local t0 = now()
    fn(out)
    ts[#ts + 1] = now() - t0
    if not keep then os.execute("rm -rf '" .. out .. "'") end
  end
  table.sort(ts)
  return { med = ts[math.floor((#ts + 1) / 2)], min = ts[1], max = ts[#ts], load = ld }
end

local function row(name, t, base, extra)
  print(("%-30s %7.2f %7.2f %7.2f %8.2f %6.1f%s"):format(name, t.med, t.min, t.max,
        t.med / base, t.load, extra or ""))
end

local single = timed(function(out)
  local c = assert(corpus.create(out))
  for _, p in ipairs(inputs) do assert(c:add_jsonl(p)) end
  assert(c:commit())
  c:close()
end)

print(("# %s: %d files, %.1f MB; %d runs a row; wall seconds"):format(dir, #inputs, bytes / 1e6, rep))
print(("%-30s %7s %7s %7s %8s %6s"):format("build", "median", "min", "max", "vs one", "load"))
row("one index (this process)", single, single.med, ("   %.1f MB/s"):format(bytes / 1e6 / single.med))
local slurm = os.getenv("SLURM_CONF") ~= nil
for _, n in ipairs{ 1, 2, 4 } do
  local loc = timed(function(out)
    local c = assert(shard.build{ out = out, inputs = inputs, shards = n, jobs = 2 })
    c:close()
  end)
  row(("%d shards, local processes"):format(n), loc, single.med)
  if slurm then
    local sl = timed(function(out)
      local c = assert(shard.build{ out = out, inputs = inputs, shards = n, slurm = true, poll = 0.2 })
      c:close()
    end)
    row(("%d shards, Slurm array"):format(n), sl, single.med,
        ("   Slurm overhead %+.2f s"):format(sl.med - loc.med))
  end
end

-- analyses: the same on the opened sharded corpus in this process
-- (one machine), as local map tasks, as a Slurm array
local function analyses(title, ins, n, cases)
  local out = ("%s/cp_shard_bench_an_%d"):format(TMP, math.random(1e9))
  local c = assert(shard.build{ out = out, inputs = ins, shards = n, jobs = 2 })
  print(("# %s, %d shards"):format(title, n))
  print(("%-30s %7s %7s %7s %8s %6s"):format("analysis", "median", "min", "max", "vs one", "load"))
  for _, case in ipairs(cases) do
    local name, fn, o = case[1], case[2], case[3]
    local one = timed(function() assert(fn(c)) end, out)
    row(name .. ", one process", one, one.med)
    o.jobs = 2
    local loc = timed(function() assert(shard.analyse(out, o)) end, out)
    row(name .. ", local tasks", loc, one.med)
    if slurm then
      o.jobs, o.slurm, o.poll = nil, true, 0.2
      local sl = timed(function() assert(shard.analyse(out, o)) end, out)
      row(name .. ", Slurm array", sl, one.med, ("   Slurm overhead %+.2f s"):format(sl.med - loc.med))
      o.slurm, o.poll = nil, nil
    end
  end
  c:close()
  os.execute("rm -rf '" .. out .. "'")
end

analyses(dir, inputs, 4, {
  { "collocations", function(c) return c:collocations{ limit = 100 } end,
    { what = "collocations", limit = 100 } },
  { "keyness", function(c) return c:keyness("year:>=2010", nil, { limit = 100 }) end,
    { what = "keyness", target = "year:>=2010", limit = 100 } },
})
analyses(reuse_input, { reuse_input }, 3, {
  { "reuse, all pairs", function(c) return c:reuse() end, { what = "reuse" } },
})
