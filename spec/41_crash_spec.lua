-- Crash safety: a child process adds and commits in a loop and is
-- killed with SIGKILL at random moments (at least 50 times, bounded in
-- time).  After each kill the index opens, passes check(), and holds
-- exactly the documents of the commits that returned (the one commit in
-- flight may be there or not).
local corpus = require "corpus"

local TMP = os.getenv("TMPDIR") or "/tmp"
local KILLS, TIME_LIMIT = 50, 50      -- at least 50 kills, at most ~50 s

local CHILD = [[
local corpus = require "corpus"
local dir, log = arg[1], arg[2]
local w = assert(corpus.open(dir, { write = true }))
local n = w:stats().docs
local f = assert(io.open(log, "a"))
math.randomseed(tonumber(arg[3]))
while true do
  for _ = 1, math.random(1, 4) do
    n = n + 1
    assert(w:add{ id = "d" .. n, text = ("Document %d is about the commission and oil prices (%d)."):format(n, n % 17) })
  end
  -- the log is written with write(2) (flush): it survives SIGKILL of
  -- this process, which is what is tested here
  f:write("P ", n, "\n"); f:flush()
  assert(w:commit())
  f:write("C ", n, "\n"); f:flush()
end
]]

local function read_log(path)
  local committed, pending = 0, 0
  local f = io.open(path, "r")
  if not f then return 0, 0 end
  for line in f:lines() do
    local k, n = line:match("^([PC]) (%d+)$")
    if k == "C" then committed = tonumber(n)
    elseif k == "P" then pending = tonumber(n) end
  end
  f:close()
  return committed, math.max(pending, committed)
end

local function slurp(path)
  local f = io.open(path, "r")
  if not f then return "" end
  local s = f:read("*a"); f:close()
  return s
end

describe("an index under SIGKILL", function()
  it("keeps exactly the committed documents through " .. KILLS .. "+ kills", function()
    local base = ("%s/cp_spec41_%d_%d"):format(TMP, os.time(), math.random(1e9))
    local dir, log, script, errf = base .. ".corpus", base .. ".log", base .. ".lua", base .. ".err"
    os.execute("rm -rf '" .. dir .. "'")
    assert(corpus.create(dir)):close()
    local f = assert(io.open(script, "w")); f:write(CHILD); f:close()
    local env = ("LUA_PATH=%q LUA_CPATH=%q "):format(package.path, package.cpath)
    local t0, kills, in_flight_seen, max_docs = os.time(), 0, 0, 0
    while kills < KILLS or (os.time() - t0 < 5) do
      if os.time() - t0 > TIME_LIMIT then break end
      local delay = math.random(30, 400) / 1000
      os.execute(("%s %s %s %s %s %d 2>%s & pid=$!; sleep %.3f; kill -9 $pid 2>/dev/null; wait $pid 2>/dev/null")
        :format(env, require("sh").LUA, script, dir, log, math.random(1e9), errf, delay))
      kills = kills + 1
      assert.are.equal("", slurp(errf))          -- the child never failed by itself
      local c, msg = corpus.open(dir)
      assert(c, msg)
      local rep, cmsg = c:check()
      assert(rep, cmsg)
      local committed, pending = read_log(log)
      -- an earlier child's in-flight commit that we already found on
      -- disk is committed too, though its "C" line was never written
      committed = math.max(committed, max_docs)
      pending = math.max(pending, committed)
      local docs = c:stats().docs
      assert.is_true(docs == committed or docs == pending,
        ("%d documents; committed %d, in flight up to %d"):format(docs, committed, pending))
      if docs ~= committed then in_flight_seen = in_flight_seen + 1 end
      for i = 1, docs do
        if not c:doc("d" .. i) then error("document d" .. i .. " of a returned commit is missing") end
      end
      assert.is_nil(c:doc("d" .. (docs + 1)))
      max_docs = docs
      c:close()
    end
    assert.is_true(kills >= KILLS, ("only %d kills in %d s"):format(kills, TIME_LIMIT))
    assert.is_true(max_docs > 0)
    os.execute("rm -rf '" .. dir .. "'")
    os.remove(log); os.remove(script); os.remove(errf)
  end)
end)
