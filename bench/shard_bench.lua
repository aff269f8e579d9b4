-- bench/shard_bench.lua -- sharded builds: wall time of 1, 2 and 4
-- shards by local processes and by a Slurm job array, against one
-- index built in this process, on the same files in the same run.
--
--   lua5.4 bench/shard_bench.lua [DIR_OF_JSONL] [REPEAT]
--
-- With SLURM_CONF set (eval "$(sh tools/slurm-local.sh start)") the
-- Slurm rows run too; the overhead column is Slurm's time over the
-- local processes' for the same plan.
local corpus = require "corpus"
local shard = require "corpus.shard"

local dir = arg[1] or "../shared/corpora/ungdc"
local rep = tonumber(arg[2] or "3")
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

local function median(t)
  table.sort(t)
  return t[(#t + 1) // 2]
end

local function timed(fn)
  local ts = {}
  for _ = 1, rep do
    local out = ("%s/cp_shard_bench_%d"):format(TMP, math.random(1e9))
    local t0 = now()
    fn(out)
    ts[#ts + 1] = now() - t0
    os.execute("rm -rf '" .. out .. "'")
  end
  return median(ts)
end

local single = timed(function(out)
  local c = assert(corpus.create(out))
  for _, p in ipairs(inputs) do assert(c:add_jsonl(p)) end
  assert(c:commit())
  c:close()
end)

print(("# %s: %d files, %.1f MB; median of %d; wall seconds"):format(dir, #inputs, bytes / 1e6, rep))
print(("%-28s %8s %8s %10s"):format("build", "s", "MB/s", "vs single"))
print(("%-28s %8.2f %8.1f %10s"):format("one index (this process)", single, bytes / 1e6 / single, "1.00"))
local slurm = os.getenv("SLURM_CONF") ~= nil
for _, n in ipairs{ 1, 2, 4 } do
  local loc = timed(function(out)
    local c = assert(shard.build{ out = out, inputs = inputs, shards = n, jobs = 2 })
    c:close()
  end)
  print(("%-28s %8.2f %8.1f %10.2f"):format(("%d shards, local processes"):format(n), loc,
                                            bytes / 1e6 / loc, loc / single))
  if slurm then
    local sl = timed(function(out)
      local c = assert(shard.build{ out = out, inputs = inputs, shards = n, slurm = true, poll = 0.2 })
      c:close()
    end)
    print(("%-28s %8.2f %8.1f %10.2f   Slurm overhead %+.2f s"):format(
      ("%d shards, Slurm array"):format(n), sl, bytes / 1e6 / sl, sl / single, sl - loc))
  end
end
