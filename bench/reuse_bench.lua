-- bench/reuse_bench.lua -- text reuse (c:reuse, docs/REUSE.md).
--
--   lua5.4 bench/reuse_bench.lua pan [N]
--       the spliced benchmark (spec/reuse_pan.lua) with N cases per edit
--       rate (default 500): PAN precision, recall, granularity and
--       plagdet by character for 0, 5, 10 and 20% of words edited.
--   lua5.4 bench/reuse_bench.lua un [N]
--       every pair (of the first N speeches, default all) of the UN debates: the corpus build (c:add_docs of
--       1000 documents, then the seal), then c:reuse{limit = 1000} in the
--       same run (all passages are found and counted; the best 1000
--       become Lua rows).
--   lua5.4 bench/reuse_bench.lua reuters
--       Reuters-21578 against the UN debates: both builds, then
--       reuters:reuse{against = un, limit = 1000}.
--
-- Texts are read (lua-cjson) before the clocks start.  Prints wall and
-- CPU seconds (os.clock: user + system of this process) and the peak
-- resident memory (VmHWM) after each step; run each mode in its own
-- process.  Corpora are read from ../shared/corpora (CORPORA=dir to
-- change).

package.path = "spec/?.lua;" .. package.path
local corpus = require "corpus"
local cjson = require "cjson"
local pan = require "reuse_pan"

local DIR = os.getenv("CORPORA") or "../shared/corpora"

package.path = "bench/?.lua;" .. package.path
local now = require("clock").now   -- wall clock

local function hwm_mb()
  local f = io.open("/proc/self/status")
  if not f then return 0 end
  for line in f:lines() do
    local v = line:match("^VmHWM:%s*(%d+)")
    if v then f:close(); return tonumber(v) / 1024 end
  end
  f:close()
  return 0
end

local function load(sub)
  local docs, bytes = {}, 0
  for i = 0, 9 do
    local f = io.open(("%s/%s/docs-%03d.jsonl"):format(DIR, sub, i), "rb")
    if not f then break end
    for line in f:lines() do
      local r = cjson.decode(line)
      docs[#docs + 1] = {id = r.id, text = r.text}
      bytes = bytes + #r.text
    end
    f:close()
  end
  return docs, bytes
end

local function timed(label, fn)
  local w, c = now(), os.clock()
  local a, b = fn()
  w, c = now() - w, os.clock() - c
  print(("%-28s wall %7.2f s  CPU %7.2f s  peak %7.0f MB"):format(label, w, c, hwm_mb()))
  return a, b, w, c
end

local function build(docs, opts)
  local c = corpus.new(opts)
  for i = 1, #docs, 1000 do
    c:add_docs(table.move(docs, i, math.min(i + 999, #docs), 1, {}))
  end
  c:stats()                      -- seals the pending documents
  return c
end

local mode = arg[1] or "pan"

if mode == "pan" then
  local n = tonumber(arg[2] or 500)
  local un = pan.read_jsonl(DIR .. "/ungdc/docs-000.jsonl", n, 300)
  local rt = pan.read_jsonl(DIR .. "/reuters21578/docs-000.jsonl", n, 50)
  if #un < n or #rt < n then n = math.min(#un, #rt) end
  print(("spliced benchmark: %d cases per rate, passages of 10-200 words, seed 12"):format(n))
  print("rate  precision  recall  granularity  plagdet  (all-pairs precision)  rows  CPU s")
  for _, rate in ipairs{0, 0.05, 0.10, 0.20} do
    local b = pan.make{un = un, reuters = rt, n = n, rate = rate, seed = 12}
    local c0 = os.clock()
    local m, rows, _, all = pan.run(corpus, b)
    print(("%3d%%  %9.3f  %6.3f  %11.3f  %7.3f  %21.3f  %4d  %5.2f"):format(
      rate * 100, m.precision, m.recall, m.granularity, m.plagdet,
      all.precision, #rows, os.clock() - c0))
  end
elseif mode == "un" then
  local docs, bytes = load("ungdc")
  local n = tonumber(arg[2] or "")
  if n and n < #docs then
    for i = #docs, n + 1, -1 do bytes = bytes - #docs[i].text; docs[i] = nil end
  end
  print(("UN debates: %d speeches, %.1f MB"):format(#docs, bytes / 1e6))
  -- two yardsticks: the build without the analysers (the index alone)
  -- and the default build (analysers at add time); the goal is stated
  -- against each
  local _, _, bw0 = timed("build, analyse = false", function()
    return build(docs, {analyse = false})
  end)
  collectgarbage()
  local c, _, bw = timed("build (add_docs + seal)", function() return build(docs) end)
  docs = nil
  collectgarbage()
  local rows, info, rw = timed("reuse, all pairs", function() return c:reuse{limit = 1000} end)
  print(("passages %d (the best %d returned), document pairs with seeds %d, seeds %d, boilerplate shingles %d, work %d, ranges %d"):format(
    info.passages, #rows, info.pairs, info.seeds, info.boilerplate, info.work, info.ranges))
  print(("reuse / build wall time: %.2fx (default build), %.2fx (analyse = false); goal < 2x"):format(
    rw / bw, rw / bw0))
elseif mode == "reuters" then
  local ud = load("ungdc")
  local rd, rbytes = load("reuters21578")
  print(("Reuters-21578: %d articles, %.1f MB, against %d UN speeches"):format(#rd, rbytes / 1e6, #ud))
  local u = timed("build UN", function() return build(ud) end)
  local r = timed("build Reuters", function() return build(rd) end)
  ud, rd = nil, nil
  collectgarbage()
  local rows, info = timed("reuters:reuse{against = un}", function()
    return r:reuse{against = u, limit = 1000}
  end)
  print(("passages %d (the best %d returned), document pairs with seeds %d, seeds %d, boilerplate shingles %d"):format(
    info.passages, #rows, info.pairs, info.seeds, info.boilerplate))
  for i = 1, math.min(3, #rows) do
    local x = rows[i]
    print(("  %s ~ %s  %d words, identity %.2f: %s"):format(x.a.id, x.b.id, x.words,
      x.identity, x.a.text:sub(1, 80):gsub("%s+", " ")))
  end
else
  error("usage: lua5.4 bench/reuse_bench.lua pan [N] | un | reuters")
end
