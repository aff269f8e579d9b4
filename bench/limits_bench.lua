-- bench/limits_bench.lua -- issue 10's pathological inputs, CPU time:
-- the gap patterns and regexes on the UN corpus (the gap planner against
-- the general matcher, which is measured with a budget so it stops), the
-- big collocation windows, and 20,000 single adds each followed by a
-- read on an in-memory corpus.
--   LUA_PATH=... LUA_CPATH=... lua5.4 bench/limits_bench.lua [corpora dir]
local corpus = require "corpus"
local dir = (arg[1] or "../shared/corpora") .. "/ungdc/"
local clock = os.clock

local c = corpus.new()
for i = 0, 4 do assert(c:add_jsonl(("%sdocs-%03d.jsonl"):format(dir, i))) end
print(("UN corpus: %d docs, %d tokens"):format(c:stats().docs, c:stats().tokens))

local function run(label, f)
  local best, r1, r2, r3 = math.huge
  for _ = 1, 3 do
    local t = clock()
    r1, r2, r3 = f()
    best = math.min(best, clock() - t)
  end
  print(("| %s | %s | %.1f |"):format(label, tostring(r1 or r3), best * 1000))
end

print("| query | result | CPU ms (best of 3) |")
print("|---|---|---:|")
for _, q in ipairs{'[]* []* [norm="target"]', '[]* []* []* [norm="target"]',
                   '[]{0,20} []{0,20} []{0,20} [norm="cocoa"]',
                   '[norm="the"] []* []* [norm="of"]',
                   '/(?:(?:.*)*)*q/', '/(a|aa)*b/'} do
  run("`" .. q .. "`", function() return c:count(q) end)
end
for _, w in ipairs{2, 5, 10, 1000} do
  run("collocations{window = " .. w .. "}", function()
    local ok, r = pcall(c.collocations, c, {window = w, limit = 10})
    return ok and #r or nil, nil, not ok and "ELIMIT" or nil
  end)
end
c:close()

local t = clock()
local m = corpus.new()
for i = 1, 20000 do
  m:add{id = "d" .. i, text = "document number " .. i .. " says hello to the world."}
  m:count("hello")
end
print(("20,000 single adds + reads: %.2f s CPU, %d segments"):format(clock() - t, m:stats().segments))
t = clock()
m:freq{limit = 5}
print(("freq after them: %.1f ms CPU"):format((clock() - t) * 1000))
