-- bench/merge_bench.lua -- what optimize() costs: every live document of
-- an index's segments rewritten into one segment.  Format 2 copies
-- tokens, layers and spans (cp_segw_add_copy); format 1 fed the stored
-- text back through the tokenizer.  CPU time (os.clock) of one process,
-- so that other load on the machine counts less than wall time would.
--   usage: lua5.4 bench/merge_bench.lua [jsonl] [commits]
local corpus = require "corpus"
local path = arg[1] or "../shared/corpora/reuters21578/docs-000.jsonl"
local commits = tonumber(arg[2] or "12")
local dir = ("/tmp/cp_merge_bench_%d"):format(os.time())
os.execute("rm -rf " .. dir)
local docs = {}
for line in io.lines(path) do docs[#docs + 1] = line end
local w = assert(corpus.create(dir))
local per = math.ceil(#docs / commits)
local tmp = dir .. ".part.jsonl"
for i = 1, #docs, per do
  local f = assert(io.open(tmp, "wb"))
  f:write(table.concat(docs, "\n", i, math.min(#docs, i + per - 1)), "\n")
  f:close()
  assert(w:add_jsonl(tmp))
  assert(w:commit())
end
os.remove(tmp)
local st = w:stats()
local t0 = os.clock()
assert(w:optimize())
local t1 = os.clock()
print(("%s: %d documents, %d tokens, %d segments before optimize"):format(
  path, st.docs, st.tokens, st.segments))
print(("optimize: %.3f s CPU"):format(t1 - t0))
local du = io.popen("du -sb " .. dir .. " | cut -f1")
local size = tonumber(du:read("a"))
du:close()
print(("index after optimize: %d bytes (%.3f x the %d text bytes)"):format(
  size, size / st.bytes, st.bytes))
w:close()
os.execute("rm -rf " .. dir)
