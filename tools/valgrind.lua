-- tools/valgrind.lua -- a representative session for `make check-valgrind`:
-- build from examples/, every kind of query, the statistics, an on-disk
-- index (create, commit, delete, optimize, open, check).  Run under
-- valgrind, it must report no error.
local corpus = require "corpus"

local c = corpus.new()
assert(c:add_jsonl("examples/sample.jsonl"))
c:add{id = "extra", text = "A target here, and a target there. The end."}
for _, q in ipairs{"the", '"the coalition"', "coalition AND NOT forces",
                   "fight*", "/defen[cs]e/", "NEAR(coalition forces, 5)",
                   '[]* []* [norm="target"]', '[norm="the"] []{0,3} [norm="of"] within s',
                   "date:>=2015"} do
  assert(c:count(q))
  for _ in c:matches(q) do end
  c:search(q, {limit = 3})
end
local n, _, code = c:count("/(?:(?:.*)*)*q/")
assert(n or code == "ELIMIT")
c:freq{limit = 10}
c:ngrams(2, {limit = 10})
c:collocates("the", {window = 3})
c:collocations{window = 3, limit = 10}
c:dispersion("the")
c:highlight(1, "the")

local dir = os.tmpname()
os.remove(dir)
local w = assert(corpus.create(dir))
assert(w:add_jsonl("examples/sample.jsonl"))
assert(w:commit())
w:add{id = "x1", text = "one more"}
assert(w:commit())
w:delete("x1")
assert(w:optimize())
w:close()
local r = assert(corpus.open(dir))
assert(r:check())
assert(r:count("the"))
r:close()
os.execute("rm -rf '" .. dir .. "'")
c:close()
print("valgrind session: ok")
