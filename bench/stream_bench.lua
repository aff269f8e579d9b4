--[[
bench/stream_bench.lua -- time to first row and peak memory of
c:matches("the") on the UN General Debate corpus, the streaming
iterator (csrc/cursor.c) against the whole match list the iterator used
to build first (c:_matches, kept: it is what matches() returned before).

  eval $(make -s env); sh bench/stream_bench.sh [CORPORA_DIR]

This script is one side per process, so that the peak RSS that
/usr/bin/time reports is that side's alone:

  lua5.4 bench/stream_bench.lua MODE INDEX_DIR [CORPORA_DIR]

MODE: build (make the on-disk index once), open (open it only: the
baseline of memory), count (c:count), list-first (whole list, then its
first row), stream-first (the first row of c:matches), list-all and
stream-all (every row).  Times are CPU milliseconds of this process
(os.clock), so other load on the machine does not count.
]]
local corpus = require "corpus"
local query = require "corpus.query"

local mode, dir, corpora = arg[1], arg[2], arg[3] or "../shared/corpora/ungdc"
local Q = "the"

local function clock() return os.clock() end

if mode == "build" then
  local c = assert(corpus.create(dir))
  for _, f in ipairs(assert(corpus.core.listdir(corpora))) do
    if f:match("%.jsonl$") then assert(c:add_jsonl(corpora .. "/" .. f)) end
  end
  assert(c:commit())
  assert(c:optimize())
  print(("built %s: %d documents"):format(dir, c:stats().docs))
  c:close()
  return
end

local c = assert(corpus.open(dir))
assert(c:count("zzzz"))                  -- map and verify before timing
local t0, n, first = clock(), 0, nil
if mode == "open" then
  n = 0
elseif mode == "count" then
  n = c:count(Q)
elseif mode == "list-first" or mode == "list-all" then
  local list = assert(c:_matches(assert(query.parse(Q)), nil))
  first = list[1]
  n = mode == "list-all" and #list or 1
elseif mode == "stream-first" then
  for m in c:matches(Q) do first = m; n = 1; break end
elseif mode == "stream-all" then
  for m in c:matches(Q) do first = first or m; n = n + 1 end
else
  error("unknown mode " .. tostring(mode))
end
local t = clock() - t0
print(("%s\t%d\t%.2f\t%s"):format(mode, n, t * 1000, first and (first.id .. ":" .. first.start) or "-"))
