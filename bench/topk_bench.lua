-- bench/topk_bench.lua -- BM25 search pages and the similarity sort on
-- the UN debates (one file, about 1,800 speeches): the time of
-- c:search(q, {limit = k}) and c:similar(d, {limit = k}), median of 7
-- runs, CPU seconds.  The page is cut by one top-k selection
-- (csrc/topk.c) instead of sorting every matching document.
--
--   eval "$(make -s env)"; lua5.4 bench/topk_bench.lua [FILE.jsonl]
local corpus = require "corpus"
local file = arg[1] or "../shared/corpora/ungdc/docs-000.jsonl"

local c = corpus.new()
assert(c:add_jsonl(file))
local st = c:stats()
print(("%s: %d documents, %d words"):format(file, st.docs, st.words))

local function median(f)
  local t = {}
  f()                                   -- warm the caches
  for i = 1, 7 do
    local t0 = os.clock()
    f()
    t[i] = os.clock() - t0
  end
  table.sort(t)
  return t[4]
end

for _, q in ipairs{"the", "terrorism OR climate OR development", '"united nations"'} do
  for _, k in ipairs{10, 1000} do
    local r
    local s = median(function() r = assert(c:search(q, {limit = k})) end)
    print(("search %-40s limit %4d: %7.1f ms (%d matching documents)"):format(q, k, s * 1000, r.total))
  end
end
for _, k in ipairs{10, 1000} do
  local s = median(function() assert(c:similar(1, {limit = k})) end)
  print(("similar(1)                                      limit %4d: %7.1f ms"):format(k, s * 1000))
end
