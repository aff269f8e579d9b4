-- examples/embed/search.lua -- what c_host prints for its JSON Lines
-- part, from Lua: BM25 top-k search and the most similar documents.
-- tools/embed_check.sh diffs the two.
--
--   eval $(make -s env); lua5.4 examples/embed/search.lua [FILE.jsonl]
local corpus = require "corpus"
local file = arg[1] or "examples/sample.jsonl"

local c = corpus.new()
local n = assert(c:add_jsonl(file))
print(("%d documents from %s"):format(n, file))
local r = assert(c:search("nitrate OR dam OR sirens", {limit = 3}))
print(("search nitrate OR dam OR sirens: %d documents, best 3:"):format(r.total))
for _, h in ipairs(r.hits) do print(h.id, ("%.6f"):format(h.score)) end
print(("similar to %s:"):format(c:doc(1).id))
for _, h in ipairs(c:similar(1, {limit = 3})) do print(h.id, ("%.6f"):format(h.score)) end
