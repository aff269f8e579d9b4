-- bench/conc_bench.lua -- concordances and grouped counts on the UN
-- debates (bench/RESULTS.md, "Concordances and groups").
--
--   eval "$(make -s env)"; lua5.4 bench/conc_bench.lua [dir-of-jsonl]
--
-- Sides, in one run: sorting 100,000 and all (> 1,000,000) hits of
-- "the" by 1L,2L in the core (c:concordance + k:sort), against the way
-- it was done before (c:kwic rows sorted in Lua by the words split off
-- the left context string); re-windowing 100,000 sorted hits (k:rows at
-- 5 words, 50 characters, the sentence); and c:count(q, {by = "year"})
-- against the loop of one c:count(q, {where = "year:Y"}) per year.
-- CPU seconds (os.clock: the machine is shared), best of REPEAT runs.
local corpus = require "corpus"

local dir = arg[1] or "../shared/corpora/ungdc"
local REPEAT = tonumber(os.getenv("REPEAT") or "3")

local c = corpus.new()
for _, n in ipairs(assert(corpus.core.listdir(dir))) do
  if n:match("%.jsonl$") then assert(c:add_jsonl(dir .. "/" .. n)) end
end
local st = c:stats()
print(("corpus: %d documents, %d tokens"):format(st.docs, st.tokens))

local function best(f)
  local b = math.huge
  local r
  for _ = 1, REPEAT do
    collectgarbage()
    local t0 = os.clock()
    r = f()
    local t = os.clock() - t0
    if t < b then b = t end
  end
  return b, r
end

local rows = {}
local function row(side, n, t, note)
  rows[#rows + 1] = ("%-44s %10s %9.3f  %s"):format(side, n and tostring(n) or "", t, note or "")
end

local all = c:concordance("the")
local n100 = 100000
row("concordance of \"the\" (search, hits kept)", #all, (best(function() return c:concordance("the") end)))

local t = best(function() return all:sample(n100, 1):sort{"1L", "2L"} end)
row("sort 100k by 1L,2L (core)", n100, t, "sample + sort")
local sorted = all:sample(n100, 1):sort{"1L", "2L"}

-- the way before: kwic strings, split in Lua, table.sort
local lua_t = best(function()
  local s = all:sample(n100, 1)
  local lines = s:rows{width = 5}
  local keys = {}
  for i, r in ipairs(lines) do
    local w = {}
    for x in r.left:lower():gmatch("[%w']+") do w[#w + 1] = x end
    keys[i] = {(w[#w] or ""), (w[#w - 1] or ""), i}
  end
  table.sort(keys, function(a, b)
    if a[1] ~= b[1] then return a[1] < b[1] end
    if a[2] ~= b[2] then return a[2] < b[2] end
    return a[3] < b[3]
  end)
  return keys
end)
row("sort 100k by 1L,2L (Lua over kwic strings)", n100, lua_t, "rows at 5 words + split + table.sort")

t = best(function()
  local k = c:concordance("the")
  return k:sort{"1L", "2L"}
end)
row("sort all hits by 1L,2L (core)", #all, t, "search + sort")
t = best(function() return all:sort{"1L", "2L"} end)
row("re-sort all hits by 1L,2L (core)", #all, t, "already sorted")

row("re-window 100k: 5 words", n100, (best(function() return sorted:rows{width = 5} end)))
row("re-window 100k: 50 characters", n100, (best(function() return sorted:rows{chars = 50} end)))
row("re-window 100k: sentence", n100, (best(function() return sorted:rows{context = "s"} end)))
local big = all:sample(1000000, 2):sort{"1L", "2L"}
row("re-window 1M: 5 words", #big, (best(function() return big:rows{width = 5} end)))

for _, q in ipairs{"terrorism", '"climate change"'} do
  local tb, groups = best(function() return c:count(q, {by = "year"}) end)
  row(("count(%s, {by = \"year\"})"):format(q), #groups, tb, "one call")
  local tl = best(function()
    local out = {}
    for _, g in ipairs(groups) do out[#out + 1] = c:count(q, {where = "year:" .. g.year}) end
    return out
  end)
  row(("count(%s, {where = year:Y}) x %d"):format(q, #groups), #groups, tl,
      ("the loop; %.1fx the by call"):format(tl / tb))
end

print(("%-44s %10s %9s  %s"):format("side", "hits", "CPU s", "note"))
for _, r in ipairs(rows) do print(r) end
