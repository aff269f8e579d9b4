--[[
bench/ab_bench.lua -- one build against another, per query class, in
one process, so that both see the same load (on a shared machine the
spread between two runs of one build is larger than most differences
between builds).

  eval $(make -s env)
  lua5.4 bench/ab_bench.lua A/corpus/core.so B/corpus/core.so [REPEAT] FILES.jsonl...

Loads the two builds of corpus.core side by side (the module exports
only luaopen_corpus_core, so the copies do not clash; the Lua layer is
this checkout's for both), adds FILES to an in-memory corpus of each,
(or opens the index when the one argument after REPEAT is an index
directory), then runs every class of bench/query_bench.lua REPEAT times (default
15) after one warm-up, alternating A, B and B, A.  Prints each build's
CPU time of the build and the median CPU ms per class (a count of
documents plus a count of hits; search: top 10 with snippets), and B/A.
]]
local A, B, files, REP = arg[1], arg[2], {}, tonumber(arg[3] or "15")
for i = 4, #arg do files[#files + 1] = arg[i] end
local function load (so)
  for k in pairs(package.loaded) do
    if k == "corpus" or k:match("^corpus%.") then package.loaded[k] = nil end
  end
  package.preload["corpus.core"] = assert(package.loadlib(so, "luaopen_corpus_core"))
  local m = require "corpus"
  package.preload["corpus.core"] = nil
  return m
end
-- The binding keeps its metatables in the registry under names that
-- start with "corpus." (corpus.core.Corpus, ...).  A second copy of the
-- module would find the first copy's tables there and put its own
-- methods in them, so that both builds' corpora ran B's code (or
-- crashed where the two builds' structs differ).  B is therefore
-- loaded from a copy of its file whose "corpus." strings read
-- "corpuB." (same length): its own metatables, its own registry slots.
local function private_copy (so)
  local f = assert(io.open(so, "rb"))
  local bytes = f:read("*a")
  f:close()
  local path = os.tmpname() .. ".so"
  local n
  bytes, n = bytes:gsub("corpus%.", "corpuB.")
  assert(n > 0, "no registry names found in " .. so)
  f = assert(io.open(path, "wb"))
  f:write(bytes)
  f:close()
  return path
end
local Bcopy = private_copy(B)
local cm = {load(A), load(Bcopy)}
os.remove(Bcopy)
local cs, build = {}, {}
-- one argument naming an index directory: both builds open it (on
-- disk: the stream is read per block by phrases, bench/RESULTS.md)
local ondisk = #files == 1 and io.open(files[1] .. "/MANIFEST") ~= nil
for k = 1, 2 do
  local t0 = os.clock()
  if ondisk then cs[k] = assert(cm[k].open(files[1]))
  else
    cs[k] = cm[k].new()
    for _, f in ipairs(files) do assert(cs[k]:add_jsonl(f)) end
  end
  build[k] = os.clock() - t0
end
print(("build CPU s: A %.2f  B %.2f"):format(build[1], build[2]))
local Q = {
  {"rare term", "ebola"}, {"frequent term", "nations"},
  {"AND", "peace AND security"}, {"OR", "terrorism OR extremism"},
  {"phrase 2", '"united nations"'}, {"phrase 3", '"of the united"'},
  {"NEAR", "NEAR(climate change, 5)"}, {"prefix", "terror*"},
  {"gap", '[norm="peace"] []{0,3} [norm="security"]'},
  {"search", "climate change adaptation", true},
}
local function run (c, q)
  local t0 = os.clock()
  if q[3] then assert(c:search(q[2], {limit = 10}))
  else assert(c:count(q[2], {docs = true})); assert(c:count(q[2])) end
  return os.clock() - t0
end
local function med (t) table.sort(t); return t[math.floor(#t / 2) + 1] end
print("| class | A ms | B ms | B/A |")
print("|---|---:|---:|---:|")
for _, q in ipairs(Q) do
  local ta, tb = {}, {}
  run(cs[1], q); run(cs[2], q)   -- warm-up (decodes, caches)
  for i = 1, REP do
    if i % 2 == 1 then ta[#ta + 1] = run(cs[1], q); tb[#tb + 1] = run(cs[2], q)
    else tb[#tb + 1] = run(cs[2], q); ta[#ta + 1] = run(cs[1], q) end
  end
  local a, b = med(ta) * 1000, med(tb) * 1000
  print(("| %s | %.3f | %.3f | %.2f |"):format(q[1], a, b, b / a))
end
