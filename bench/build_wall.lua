--- bench/build_wall.lua -- one in-memory build of the UN debates' JSON
-- Lines (add_jsonl of every docs-*.jsonl, then the seal), with or
-- without the analysers, for timing under /usr/bin/time:
--
--   eval "$(make -s env)"
--   for m in off all off all; do
--     /usr/bin/time -f "$m %e s wall %U+%S s CPU %M KB" lua5.4 bench/build_wall.lua $m
--   done
--
-- arg[1]: "off" (analyse = false) or "all" (the default: all four);
-- arg[2]: the corpus directory (../shared/corpora/ungdc).
local corpus = require "corpus"
local mode = arg[1] or "all"
local dir = arg[2] or "../shared/corpora/ungdc"
if mode ~= "off" and mode ~= "all" then error("mode must be off or all", 0) end
local c = corpus.new(mode == "all" and {} or {analyse = false})
local n = 0
for i = 0, 99 do
  local path = ("%s/docs-%03d.jsonl"):format(dir, i)
  local f = io.open(path, "rb")
  if not f then break end
  f:close()
  assert(c:add_jsonl(path))
  n = n + 1
end
if n == 0 then error("no docs-NNN.jsonl under " .. dir, 0) end
local st = c:stats()
print(("%s: %d files, %d documents, %d tokens, %.2f s CPU in this process"):format(
  mode, n, st.docs, st.tokens, os.clock()))
