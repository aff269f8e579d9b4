-- examples/seeds.lua -- the snippet of issue 2, on the two seed documents
-- of the shared corpora (skipped when ../shared is not there):
--
--   eval $(make -s env); lua5.4 examples/seeds.lua [DIR]

local corpus = require "corpus"

local dir = arg[1] or "../shared/corpora/seeds"
local c = corpus.new()                      -- an in-memory corpus
local n, err = c:add_dir(dir)               -- every *.txt file becomes a document
if not n then
  print("seeds: " .. tostring(err) .. " (nothing to show)")
  return
end
print(("%d documents from %s"):format(n, dir))
print('"foreign terrorist fighters":', c:count('"foreign terrorist fighters"'))
for k in c:kwic("Al-Hol", { width = 6 }) do
  print(k.left, "[" .. k.match .. "]", k.right)
end
