-- BM25F with and without the field index (issue 8, item 1: token
-- streams for fields).  Builds Reuters-21578 (both files) in memory twice,
-- without and with corpus.new{fields = {"title"}}, then times top-10
-- search{fields = {title = 2, text = 1}} over a fixed query list, the two
-- corpora alternated round by round (CPU time, os.clock), and checks that
-- both give the same hits and scores.  Also the build time of each and
-- the size of the FIELDS sections (an on-disk index of each).
--
--   lua5.4 bench/fields_bench.lua [CORPUS_DIR] [ROUNDS]
local corpus = require "corpus"

local DIR = arg[1] or "../shared/corpora/reuters21578"
local ROUNDS = tonumber(arg[2] or "5")
local FILES = {DIR .. "/docs-000.jsonl", DIR .. "/docs-001.jsonl"}
local TMP = os.getenv("TMPDIR") or "/tmp"

local QS = {
  "oil", "coffee", "gold", "bank", "dollar", "trade", "prices", "wheat",
  "japan", "opec", "shares", "profit", "loss", "strike", "sugar", "cocoa",
  '"crude oil"', '"oil prices"', '"interest rates"', '"trade deficit"',
  "oil prices", "bank rates", "gold mine", "coffee exports",
  "bank*", "/coffe+/", "stem:price", "oil AND opec", "trade OR tariffs",
  '[norm="oil"] []{0,2} [norm="prices"]',
}
local W = {title = 2, text = 1}

local function build (opts)
  local c = corpus.new(opts)
  local t0 = os.clock()
  for _, f in ipairs(FILES) do assert(c:add_jsonl(f)) end
  assert(c:count("the"))          -- seals the segment
  return c, os.clock() - t0
end

local function pass (c)
  local t0 = os.clock()
  for _, q in ipairs(QS) do assert(c:search(q, {limit = 10, fields = W})) end
  return os.clock() - t0
end

local function load ()
  local f = io.open("/proc/loadavg")
  local s = f and f:read("*l") or "?"
  if f then f:close() end
  return s
end

print("load before: " .. load())
local opts_a = {analyse = false}
local opts_b = {analyse = false, fields = {"title"}}
local a, ta = build(opts_a)
local b, tb = build(opts_b)
local a2, ta2 = build(opts_a)     -- a second build of each, alternated
local b2, tb2 = build(opts_b)
a2:close(); b2:close()
print(("build CPU s: without %.3f %.3f, with %.3f %.3f (+%.1f%%)"):format(
  ta, ta2, tb, tb2, 100 * ((tb + tb2) / (ta + ta2) - 1)))

-- the same answers
for _, q in ipairs(QS) do
  local ra = assert(a:search(q, {limit = 10, fields = W}))
  local rb = assert(b:search(q, {limit = 10, fields = W}))
  assert(ra.total == rb.total, q)
  for i, h in ipairs(ra.hits) do
    assert(h.id == rb.hits[i].id and math.abs(h.score - rb.hits[i].score) <= 1e-9, q)
  end
end

-- first pass of each (field lengths computed / read, caches filled) was
-- the check above; then alternated timed rounds
local sa, sb = {}, {}
for r = 1, ROUNDS do
  if r % 2 == 1 then sa[r] = pass(a); sb[r] = pass(b)
  else sb[r] = pass(b); sa[r] = pass(a) end
end
local function ms (v) return 1000 * v / #QS end
local ta_, tb_ = 0, 0
for r = 1, ROUNDS do
  print(("round %d: without %.3f ms/query, with %.3f ms/query"):format(r, ms(sa[r]), ms(sb[r])))
  ta_ = ta_ + sa[r]; tb_ = tb_ + sb[r]
end
table.sort(sa); table.sort(sb)
print(("median ms/query: without %.3f, with %.3f (with/without %.2f); mean %.3f / %.3f"):format(
  ms(sa[math.ceil(ROUNDS / 2)]), ms(sb[math.ceil(ROUNDS / 2)]),
  sb[math.ceil(ROUNDS / 2)] / sa[math.ceil(ROUNDS / 2)], ms(ta_ / ROUNDS), ms(tb_ / ROUNDS)))

-- the first BM25F query of a fresh corpus (no cached field lengths)
do
  local fa = build(opts_a)
  local fb = build(opts_b)
  local t0 = os.clock(); assert(fa:search("oil", {limit = 10, fields = W})); local fa_t = os.clock() - t0
  t0 = os.clock(); assert(fb:search("oil", {limit = 10, fields = W})); local fb_t = os.clock() - t0
  print(("first BM25F query ms: without %.1f, with %.1f"):format(1000 * fa_t, 1000 * fb_t))
  fa:close(); fb:close()
end

-- size: an on-disk index of each, one segment
local function disk (opts, tag)
  local dir = ("%s/fields_bench_%s_%d"):format(TMP, tag, os.time())
  os.execute("rm -rf '" .. dir .. "'")
  local c = assert(corpus.create(dir, opts))
  for _, f in ipairs(FILES) do assert(c:add_jsonl(f)) end
  assert(c:commit()); assert(c:optimize())
  c:close()
  local p = io.popen("du -sb '" .. dir .. "' | cut -f1")
  local n = tonumber(p:read("*l")); p:close()
  os.execute("rm -rf '" .. dir .. "'")
  return n
end
local za, zb = disk(opts_a, "a"), disk(opts_b, "b")
print(("index bytes: without %d, with %d (+%d, +%.2f%%)"):format(za, zb, zb - za,
  100 * (zb / za - 1)))
for _, f in ipairs(b:fields()) do
  if f.indexed then
    print(("field %s: %d types, %d tokens, %d words, %d documents"):format(
      f.name, f.indexed.types, f.indexed.tokens, f.indexed.words, f.indexed.docs))
  end
end
print("load after: " .. load())
