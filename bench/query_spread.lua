-- bench/query_spread.lua -- the spread of several runs of
-- bench/query_bench.lua (bench/run.sh keeps each run's output in
-- bench/out/query.N.txt): per class and engine the median of the runs'
-- medians and their range, and the peer/ours ratio of those medians with
-- its range over the runs (the worst and best run for us).
--
--   lua5.4 bench/query_spread.lua bench/out/query.*.txt
local runs, order, seen = {}, {}, {}
for i, path in ipairs(arg) do
  local f = assert(io.open(path))
  runs[i] = {}
  for line in f:lines() do
    local cls, eng, med = line:match("^QRESULT\t([^\t]+)\t([^\t]+)\t([^\t]+)\t")
    if cls then
      runs[i][cls .. "|" .. eng] = tonumber(med)
      if not seen[cls] then seen[cls] = true; order[#order + 1] = cls end
    end
  end
  f:close()
end
if #runs == 0 then
  io.stderr:write("usage: lua5.4 bench/query_spread.lua RUN.txt...\n")
  os.exit(2)
end

local function median (t)
  table.sort(t)
  local n = #t
  if n == 0 then return nil end
  if n % 2 == 1 then return t[(n + 1) / 2] end
  return (t[n / 2] + t[n / 2 + 1]) / 2
end

-- the values of one class/engine over the runs
local function vals (cls, eng)
  local t = {}
  for _, r in ipairs(runs) do t[#t + 1] = r[cls .. "|" .. eng] end
  return t
end

local function cell (t)
  if #t == 0 then return "-" end
  local lo, hi = math.huge, -math.huge
  for _, v in ipairs(t) do lo = math.min(lo, v); hi = math.max(hi, v) end
  return ("%.3f (%.3f–%.3f)"):format(median({table.unpack(t)}), lo, hi)
end

-- peer/ours per run, then median and range
local function ratio (cls, eng)
  local t = {}
  for _, r in ipairs(runs) do
    local o, p = r[cls .. "|ours"], r[cls .. "|" .. eng]
    if o and p then t[#t + 1] = p / math.max(o, 1e-6) end
  end
  if #t == 0 then return "-" end
  local lo, hi = math.huge, -math.huge
  for _, v in ipairs(t) do lo = math.min(lo, v); hi = math.max(hi, v) end
  return ("%.1f× (%.1f–%.1f)"):format(median({table.unpack(t)}), lo, hi)
end

print(("query latency over %d runs: median of the runs' medians (min–max), ms CPU; ratios peer/ours (> 1: we are faster)"):format(#runs))
print("| class | ours (documents) | FTS5 | Xapian | Lucene | FTS5/ours | Xapian/ours | Lucene/ours | ours, every hit |")
print("|---|---|---|---|---|---|---|---|---|")
for _, cls in ipairs(order) do
  print(("| %s | %s | %s | %s | %s | %s | %s | %s | %s |"):format(cls,
    cell(vals(cls, "ours")), cell(vals(cls, "fts5")), cell(vals(cls, "xapian")),
    cell(vals(cls, "lucene")), ratio(cls, "fts5"), ratio(cls, "xapian"),
    ratio(cls, "lucene"), cell(vals(cls, "hits"))))
end
