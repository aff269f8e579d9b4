--[[
bench/query_bench.lua -- query latency per class on the largest shared
corpus, ours against SQLite FTS5, Xapian and Lucene in the same run.

  eval $(make -s env); lua5.4 bench/query_bench.lua [CORPORA_DIR] [REPEAT]

Ours: corpus.new() + add_jsonl of every *.jsonl, then each query REPEAT
times (after one warm-up run).  Counting classes run twice on our side:
c:count(q, {docs = true}) counts matching documents, the same thing the
peers count (FTS5 count(*), Xapian's exact match count), and the ratios
compare those; c:count(q) counts every hit (match), shown next to it.
The search class is c:search{limit = 10} with snippets on every side.
The peers run in bench/query_bench.py (indexes cached in $BENCH_CACHE,
default /tmp/corpus-query-bench); Lucene in bench/LuceneBench.java
through bench/lucene.sh (index cached there too; skipped with a message
when no JDK is installed).  Every side is timed in CPU time of
its own process (os.clock here, time.process_time there), so other load
on the machine does not count against either.  Printed: median and 95th
percentile (ms) per engine, and the peer/ours ratio of medians (> 1: we
are faster).  PEERS=none runs ours only (for before/after tables of
one build against another in the same session).
]]
local corpus = require "corpus"

local CORPORA = arg[1] or "../shared/corpora/ungdc"
local REPEAT = tonumber(arg[2] or "20")
local CACHE = os.getenv("BENCH_CACHE") or "/tmp/corpus-query-bench"

-- class, kind, ours, fts5, xapian, lucene (LuceneBench.java syntax:
-- classic QueryParser, near:N:/onear:N: for unordered/ordered SpanNear)
local Q = {
  {"rare term", "count", "ebola", "ebola", "ebola", "ebola"},
  {"frequent term", "count", "nations", "nations", "nations", "nations"},
  {"AND", "count", "peace AND security", "peace AND security", "peace AND security", "peace AND security"},
  {"OR", "count", "terrorism OR extremism", "terrorism OR extremism", "terrorism OR extremism", "terrorism OR extremism"},
  {"phrase 2 frequent", "count", '"united nations"', '"united nations"', '"united nations"', '"united nations"'},
  {"phrase 3 frequent", "count", '"of the united"', '"of the united"', '"of the united"', '"of the united"'},
  {"NEAR", "count", "NEAR(climate change, 5)", "NEAR(climate change, 5)", "climate NEAR/5 change", "near:5:climate change"},
  {"prefix", "count", "terror*", "terror*", "terror*", "terror*"},
  {"pattern with gap", "count", '[norm="peace"] []{0,3} [norm="security"]', "NEAR(peace security, 3)", "peace NEAR/3 security", "onear:3:peace security"},
  {"search top-10 + snippets", "search", "climate change adaptation", "climate change adaptation", "climate change adaptation", "climate change adaptation"},
}

local function clock () return os.clock() end

local function stats (ts)
  table.sort(ts)
  local med = ts[math.floor(#ts / 2) + 1]
  local p95 = ts[math.min(#ts, math.floor(0.95 * (#ts - 1) + 0.5) + 1)]
  return med * 1000, p95 * 1000
end

local c = corpus.new()
local t0 = clock()
local p = io.popen("ls " .. CORPORA .. "/*.jsonl")
for f in p:lines() do assert(c:add_jsonl(f)) end
p:close()
local st = c:stats()
io.stderr:write(("ours: %d docs, %d tokens indexed in %.1f s\n"):format(st.docs, st.tokens, clock() - t0))

local function time (run)
  local res = run()
  local ts = {}
  for i = 1, REPEAT do local a = clock(); run(); ts[i] = clock() - a end
  local med, p95 = stats(ts)
  return {med = med, p95 = p95, res = res}
end

local ours, hits = {}, {}
for _, q in ipairs(Q) do
  if q[2] == "count" then
    ours[q[1]] = time(function () return assert(c:count(q[3], {docs = true})) end)
    hits[q[1]] = time(function () return assert(c:count(q[3])) end)
  else
    ours[q[1]] = time(function () return #assert(c:search(q[3], {limit = 10})).hits end)
  end
end

local tsv = os.tmpname()
local f = assert(io.open(tsv, "w"))
for _, q in ipairs(Q) do f:write(table.concat({q[1], q[2], q[4], q[5]}, "\t"), "\n") end
f:close()
local peers = {}
local function read_peer (cmd)
  local py = assert(io.popen(cmd))
  for line in py:lines() do
    local cls, eng, med, p95, res = line:match("^(.-) (%a+%d?) (%S+) (%S+) (%S+)$")
    if cls then peers[cls .. "|" .. eng] = {med = tonumber(med), p95 = tonumber(p95), res = res} end
  end
  py:close()
end
local NOPEERS = os.getenv("PEERS") == "none"   -- ours only (before/after runs)
if not NOPEERS then
  read_peer(("/usr/bin/python3 bench/query_bench.py %s %s %d < %s"):format(CORPORA, CACHE, REPEAT, tsv))
end
os.remove(tsv)

-- Lucene: the same texts (extracted once by peers.py), an index built
-- once in the cache; skipped with lucene.sh's message without a JDK
local lq = os.tmpname()
f = assert(io.open(lq, "w"))
for _, q in ipairs(Q) do f:write(table.concat({q[1], q[2], q[6]}, "\t"), "\n") end
f:close()
local ldir, ldocs = CACHE .. "/lucene", CACHE .. "/lucene-docs"
if NOPEERS then
elseif os.execute(("grep -q '^RESULT' %s/build.txt 2> /dev/null"):format(ldocs)) ~= true then
  os.execute(("mkdir -p %s && /usr/bin/python3 bench/peers.py extract %s %s/*.jsonl && sh bench/lucene.sh build %s/docs.bin %s > %s/build.txt")
    :format(ldocs, ldocs, CORPORA, ldocs, ldir, ldocs))
end
if not NOPEERS then read_peer(("sh bench/lucene.sh query %s %d < %s"):format(ldir, REPEAT, lq)) end
os.remove(lq)

print(("corpus: %s (%d documents, %d tokens), %d runs per query"):format(CORPORA, st.docs, st.tokens, REPEAT))
print("| class | query (ours) | ours: documents, median / p95 ms | FTS5 median / p95 ms | Xapian median / p95 ms | Lucene median / p95 ms | FTS5/ours | Xapian/ours | Lucene/ours | ours: every hit, median / p95 ms |")
print("|---|---|---|---|---|---|---|---|---|---|")
for _, q in ipairs(Q) do
  local o = ours[q[1]]
  local fq, xq, lq2 = peers[q[1] .. "|fts5"], peers[q[1] .. "|xapian"], peers[q[1] .. "|lucene"]
  local function cell (r) return r and ("%.3f / %.3f"):format(r.med, r.p95) or "-" end
  local function ratio (r) return r and ("%.1f×"):format(r.med / math.max(o.med, 1e-6)) or "-" end
  print(("| %s | `%s` | %s | %s | %s | %s | %s | %s | %s | %s |"):format(q[1], q[3], cell(o), cell(fq), cell(xq),
    cell(lq2), ratio(fq), ratio(xq), ratio(lq2), hits[q[1]] and cell(hits[q[1]]) or "(search)"))
end
print()
print("results (documents matching, or hits returned for search; ours also every hit):")
for _, q in ipairs(Q) do
  local fq, xq, lq2 = peers[q[1] .. "|fts5"], peers[q[1] .. "|xapian"], peers[q[1] .. "|lucene"]
  print(("  %-26s ours %-8s fts5 %-8s xapian %-8s lucene %-8s ours hits %s"):format(q[1], tostring(ours[q[1]].res),
    fq and fq.res or "-", xq and xq.res or "-", lq2 and lq2.res or "-", hits[q[1]] and tostring(hits[q[1]].res) or "-"))
end

-- machine-readable lines for bench/query_spread.lua: class, engine,
-- median and p95 (ms), the result; "ours" counts documents, "hits" every hit
local function qline (cls, eng, r)
  if r then print(("QRESULT\t%s\t%s\t%.6f\t%.6f\t%s"):format(cls, eng, r.med, r.p95, tostring(r.res))) end
end
for _, q in ipairs(Q) do
  qline(q[1], "ours", ours[q[1]])
  qline(q[1], "hits", hits[q[1]])
  for _, eng in ipairs{"fts5", "xapian", "lucene"} do qline(q[1], eng, peers[q[1] .. "|" .. eng]) end
end
