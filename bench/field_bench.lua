--[[
bench/field_bench.lua -- word search in a text field (title:(...),
docs/QUERY.md "Words in a field"): the first query and the next ones,
with the field indexed (corpus.new{fields = {"title"}}: the FIELDS
postings) and without (the values tokenized once per segment).

  eval $(make -s env); lua5.4 bench/field_bench.lua [FILES.jsonl...]

Default: the Reuters-21578 documents.  Each corpus is sealed by a first
count("the"); the figures are CPU ms of c:_count(plan, {docs = true})
(the plan parsed before, so the Lua checks of names are not counted).
]]
local corpus = require "corpus"
local files = #arg > 0 and arg or {"../shared/corpora/reuters21578/docs-000.jsonl", "../shared/corpora/reuters21578/docs-001.jsonl"}
local function mk(fields)
  local c = corpus.new{fields = fields}
  for _, f in ipairs(files) do assert(c:add_jsonl(f)) end
  assert(c:count("the"))     -- seals the documents into segments
  return c
end
local function med(t) table.sort(t) return t[#t // 2 + 1] end
local Q = {"title:(cocoa)", 'title:("oil prices")', "title:(coc* OR gold)", "title:(oil) AND prices", "title:*cocoa*"}
print("| query | documents | first ms, indexed | first ms, values tokenized | next ms, indexed | next ms, values |")
print("|---|---:|---:|---:|---:|---:|")
for _, q in ipairs(Q) do
  local row = {}
  for _, k in ipairs{"indexed", "values"} do
    local c = mk(k == "indexed" and {"title"} or nil)
    local plan = assert(corpus.parse(q))
    local t0 = os.clock(); local n = assert(c:_count(plan, {docs = true})); row[k .. "1"] = (os.clock() - t0) * 1000
    local ts = {}
    for i = 1, 9 do local t = os.clock(); assert(c:_count(plan, {docs = true}) == n); ts[i] = (os.clock() - t) * 1000 end
    row[k .. "n"] = med(ts); row.n = n
    c:close()
  end
  print(("| `%s` | %d | %.1f | %.1f | %.2f | %.2f |"):format(q, row.n, row.indexed1, row.values1, row.indexedn, row.valuesn))
end
