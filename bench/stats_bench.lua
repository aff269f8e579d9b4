--[[
bench/stats_bench.lua -- statistics benchmark (issue 5): ours vs NLTK /
plain Python on the same tokens, in the same run.

  make && eval $(make -s env) && lua5.4 bench/stats_bench.lua

Loads the largest shared corpus (UNGDC, 5 JSONL files), writes the
project's own tokens (norm layer, punctuation removed, one sentence per
line) and each document's year to bench/out/, builds a dictionary of
300 entries (200 words, 60 globs, 40 two-word entries in 10 categories)
from the corpus's own frequency lists, times every task on our side
(best of REPEAT runs, CPU time of this process via os.clock) and runs
bench/stats_bench.py, which times the peer (NLTK where it has the
function, else collections.Counter) on token lists already in memory.
Prints a Markdown table with the ratios and checks that both sides found
the same top result.  Environment: CORPORA, REPEAT (default 3), NODE
(default "the"), YEAR (default 2001).
]]

local corpus = require "corpus"

local CORPORA = os.getenv("CORPORA") or "../shared/corpora"
local REPEAT = tonumber(os.getenv("REPEAT") or "3")
local NODE = os.getenv("NODE") or "the"
local YEAR = tonumber(os.getenv("YEAR") or "2001")
local WINDOW = 5
local OUT = "bench/out"
os.execute("mkdir -p " .. OUT)

local function best(fn)
  local t, r1, r2 = math.huge
  for _ = 1, REPEAT do
    collectgarbage()
    local t0 = os.clock()
    r1, r2 = fn()
    t = math.min(t, os.clock() - t0)
  end
  return t, r1, r2
end

local c = corpus.new()
local t0 = os.clock()
for i = 0, 4 do
  assert(c:add_jsonl(("%s/ungdc/docs-%03d.jsonl"):format(CORPORA, i)))
end
c:flush()
local st = c:stats()
io.stderr:write(("loaded %d docs, %d word tokens in %.1f s\n"):format(st.docs, st.words, os.clock() - t0))

-- the project's tokens for the peer
local tokfile, metafile = OUT .. "/stats_tokens.txt", OUT .. "/stats_years.txt"
do
  local f, m = assert(io.open(tokfile, "w")), assert(io.open(metafile, "w"))
  for d = 1, c:ndocs() do
    local toks = c:tokens(d)
    for _, s in ipairs(c:sentences(d)) do
      local line = {}
      for i = s.first, s.last do
        local t = toks[i]
        if not t.punct then line[#line + 1] = t.norm end
      end
      if #line > 0 then f:write(table.concat(line, "\t"), "\n") end
    end
    f:write("\f\n")
    local y = c:doc(d).year
    m:write(("%d"):format(math.floor(tonumber(y) or 0)), "\n")
  end
  f:close()
  m:close()
end

-- a dictionary of 300 entries from the corpus's own lists
local dictfile = OUT .. "/stats_dict.txt"
do
  local words = c:freq{limit = 500}
  local bigrams = c:ngrams(2, {limit = 300})
  local cats = {}
  for k = 1, 10 do cats[k] = {} end
  local n = 0
  local function add(e) n = n + 1; table.insert(cats[n % 10 + 1], e) end
  for i = 201, 400 do add(words[i].term) end
  for i = 401, 460 do
    local w = words[i].term
    add((w:sub(1, math.max(3, math.min(5, #w - 1))) .. "*"))
  end
  local k = 0
  for _, r in ipairs(bigrams) do
    if k < 40 and not r.ngram:find("[*?]") then k = k + 1; add(r.ngram) end
  end
  local f = assert(io.open(dictfile, "w"))
  for i = 1, 10 do
    f:write(("[cat%02d]\n"):format(i))
    for _, e in ipairs(cats[i]) do f:write(e, "\n") end
  end
  f:close()
  io.stderr:write(("dictionary: %d entries\n"):format(n))
end

local ours, res = {}, {}
ours.freq, res.freq = best(function() return c:freq() end)
ours.ngrams3, res.ngrams3 = best(function() return c:ngrams(3, {limit = 100}) end)
ours.ngrams3_all = best(function() return c:ngrams(3) end)
ours.collocations2, res.collocations2 = best(function()
  return c:collocations{window = 2, min = 5, limit = 100} end)
ours.collocates, res.collocates = best(function()
  return c:collocates(NODE, {window = WINDOW, limit = 20}) end)
ours.keyness, res.keyness = best(function()
  return c:keyness({year = YEAR}, nil, {limit = 50}) end)
local dict = assert(corpus.read_dictionary(dictfile))
ours.lookup, res.lookup = best(function() return c:lookup(dict) end)

-- the peer
local pyout = OUT .. "/stats_peer.json"
local cmd = ("/usr/bin/python3 bench/stats_bench.py %s %s %s %s %d %d %s"):format(
  tokfile, metafile, dictfile, NODE, YEAR, WINDOW, pyout)
io.stderr:write("peer: " .. cmd .. "\n")
assert(os.execute(cmd))
local peer = require("cjson").decode(assert(io.open(pyout)):read("a"))

-- same answers?
local checks = {
  freq = res.freq[1].term == peer.freq.top[1] and res.freq[1].count == peer.freq.top[2],
  ngrams3 = res.ngrams3[1].ngram == peer.ngrams3.top[1] and res.ngrams3[1].count == peer.ngrams3.top[2],
  collocations2 = res.collocations2[1].w1 == peer.collocations2.top[1]
                  and res.collocations2[1].w2 == peer.collocations2.top[2],
  collocates = res.collocates[1].term == peer.collocates.top,
  keyness = res.keyness[1].term == peer.keyness.top,
}
local same = true
for k, v in pairs(res.lookup.totals) do
  if peer.lookup.totals[k] ~= v then same = false end
end
checks.lookup = same

local rows = {
  {"frequency list (all types)", "freq", "nltk.FreqDist"},
  {"all 3-grams in sentences (top 100 returned)", "ngrams3", "FreqDist(nltk.util.ngrams)"},
  {"bigram collocations, LLR, min 5 (top 100)", "collocations2", "BigramCollocationFinder + likelihood_ratio"},
  {("collocates of %q, window ±%d, LLR (top 20)"):format(NODE, WINDOW), "collocates", "Counter over node windows (NLTK has none)"},
  {("keyness of %d vs the rest, G² (top 50)"):format(YEAR), "keyness", "two Counters + G²"},
  {"dictionary lookup, 300 entries, per document", "lookup", "dict + fnmatch regexes, per-type cache"},
}
print(("corpus: UNGDC, %d documents, %d word tokens; CPU seconds, ours best of %d, peer one run"):format(st.docs, st.words, REPEAT))
print()
print("| task | ours (s) | peer (s) | peer | ratio | same top result |")
print("|---|---:|---:|---|---:|---|")
for _, r in ipairs(rows) do
  local o, p = ours[r[2]], peer[r[2]].time
  print(("| %s | %.3f | %.2f | %s | %.0f× | %s |"):format(r[1], o, p, r[3], p / o,
    checks[r[2]] and "yes" or "NO"))
end
print()
print(("all 3-grams returned to Lua as a table (%d rows): %.2f s"):format(#c:ngrams(3), ours.ngrams3_all))

-- collocates latency over nodes of every frequency (ours only; best of
-- REPEAT, CPU seconds of this process)
print()
print("| node | matches | collocates, window ±5, LLR, top 20 (ms) |")
print("|---|---:|---:|")
for _, q in ipairs{"the", "of", "united", "nations", "peace", "terrorism",
                   "climate", '"united nations"', "develop*", "[stem=\"negoti\"]",
                   "NEAR(nuclear weapons, 3)"} do
  local t, rows, info = best(function() return c:collocates(q, {window = 5, limit = 20}) end)
  print(("| `%s` | %d | %.1f |"):format(q, info and info.nodes or 0, t * 1000))
end
