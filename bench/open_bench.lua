--[[
bench/open_bench.lua -- the cost of opening an on-disk index and
answering a first query, in a fresh process, at two index sizes.

  eval $(make -s env); lua5.4 bench/open_bench.lua [CORPORA_DIR] [RUNS]

Builds (once, cached in $BENCH_CACHE, default /tmp/corpus-open-bench)
two indexes of the *.jsonl documents of CORPORA_DIR (default the UN
debates): "1x" (every document once) and "4x" (every document four
times under new ids), each committed and optimized to one segment.
Then, RUNS times (default 5) per index and query, starts a new lua5.4
process that opens the index and counts the documents matching `ebola`
(or the matches of the phrase `"climate change"` and of
`NEAR(nuclear weapons, 5)`, whose punctuation rule once decoded the
whole token stream), and reports the median CPU time (os.clock, inside
the child: Lua start-up excluded) and wall time of open + first count.
QUERY=... runs that one query only (counting documents).  The page cache is warm
(the machine is shared: it is not dropped), so the figure is the work
the first read does, not disk latency.  Issue 8's goal: the 4x figure
within 1.5x of the 1x one.
]]
local corpus = require "corpus"
local cjson = require "cjson"

local CORPORA = arg[1] or "../shared/corpora/ungdc"
local RUNS = tonumber(arg[2] or "5")
local CACHE = os.getenv("BENCH_CACHE") or "/tmp/corpus-open-bench"
local LUA = os.getenv("LUA") or "lua5.4"
-- {query, count documents?}
local QUERIES = os.getenv("QUERY") and {{os.getenv("QUERY"), true}} or {
  {"ebola", true}, {'"climate change"', false}, {"NEAR(nuclear weapons, 5)", false},
}

local function files ()
  local t = {}
  local p = io.popen("ls " .. CORPORA .. "/*.jsonl")
  for f in p:lines() do t[#t + 1] = f end
  p:close()
  return t
end

local function build (dir, copies)
  if os.execute(("test -f %s/MANIFEST"):format(dir)) == true then return end
  os.execute(("mkdir -p %s && rm -rf %s"):format(CACHE, dir))
  local w = assert(corpus.create(dir))
  for k = 1, copies do
    for _, f in ipairs(files()) do
      if copies == 1 then assert(w:add_jsonl(f))
      else
        for line in io.lines(f) do
          if line:match("%S") then
            local d = cjson.decode(line)
            d.id = ("%d-%s"):format(k, tostring(d.id))
            assert(w:add(d))
          end
        end
      end
    end
    assert(w:commit())
  end
  assert(w:optimize())
  w:close()
end

local function du (dir)
  local p = io.popen(("du -sb %s"):format(dir))
  local n = tonumber(p:read("*l"):match("^(%d+)"))
  p:close()
  return n
end

local CHILD = [[
local corpus = require "corpus"
local t0, w0 = os.clock(), os.time()
local c = assert(corpus.open(arg[1]))
local n = assert(c:count(arg[2], {docs = arg[3] == "docs"}))
io.write(("%.6f %d\n"):format(os.clock() - t0, n))
]]

local function median (t)
  table.sort(t)
  return t[#t // 2 + 1]
end

package.path = "bench/?.lua;" .. package.path
local now = require("clock").now   -- wall clock

local script = os.tmpname()
local f = assert(io.open(script, "w")); f:write(CHILD); f:close()
for _, q in ipairs(QUERIES) do
local QUERY, DOCS = q[1], q[2]
local rows = {}
for _, s in ipairs({{"1x", 1}, {"4x", 4}}) do
  local dir = ("%s/%s.corpus"):format(CACHE, s[1])
  build(dir, s[2])
  local cpus, walls, n = {}, {}, nil
  for i = 1, RUNS do
    local a = now()
    local p = io.popen(("%s %s %s %q %s"):format(LUA, script, dir, QUERY,
                                                 DOCS and "docs" or "hits"))
    local out = p:read("*a")
    p:close()
    walls[i] = now() - a
    local cpu, cnt = out:match("^(%S+) (%d+)")
    assert(cpu, "child failed: " .. out)
    cpus[i], n = tonumber(cpu), tonumber(cnt)
  end
  rows[#rows + 1] = {name = s[1], bytes = du(dir), cpu = median(cpus), wall = median(walls), n = n}
end

print(("open + first count(%q%s) in a fresh process, median of %d"):format(QUERY,
  DOCS and ", {docs = true}" or "", RUNS))
print("| index | size on disk | " .. (DOCS and "documents matching" or "matches")
      .. " | CPU ms (in child) | wall ms (process, Lua start-up included) |")
print("|---|---|---|---|---|")
for _, r in ipairs(rows) do
  print(("| %s | %.1f MB | %d | %.1f | %.1f |"):format(r.name, r.bytes / 1e6, r.n, r.cpu * 1000, r.wall * 1000))
end
print(("4x / 1x: %.2fx CPU, %.2fx wall (goal <= 1.5x)"):format(rows[2].cpu / rows[1].cpu, rows[2].wall / rows[1].wall))
print()
end
os.remove(script)
