-- examples/embed/analysis.lua -- the short analysis script lua_host
-- runs: the corpus module comes from the host (corpus.core linked in,
-- the Lua files from the installed tree), the seed files from arg[1].
local corpus = require "corpus"
local dir = arg[1] or "../shared/corpora/seeds"

local c = corpus.new()
local n = assert(c:add_dir(dir))
print(("%s: %d documents, %d words"):format(corpus._VERSION, n, c:stats().words))
print('"foreign terrorist fighters":', c:count('"foreign terrorist fighters"'))
print("documents with Al-Hol:", c:count("Al-Hol", {docs = true}))
for k in c:kwic("Al-Hol", { width = 6 }) do
  print(k.left, "[" .. k.match .. "]", k.right)
end
local rows = c:freq{limit = 3}
for _, r in ipairs(rows) do print(r.term, r.count) end
