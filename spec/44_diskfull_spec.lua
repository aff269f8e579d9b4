-- Disk full during commit and optimize (issue 10, item 2).  The index
-- lives on a tmpfs of increasing sizes (as root; else each file is
-- capped with RLIMIT_FSIZE in a child process).  Whatever fails, the
-- status commit() / optimize() return is true to the disk: after every
-- failure a reader opens the index, check() passes and it holds exactly
-- the documents of the last successful commit.
local corpus = require "corpus"

local TMP = os.getenv("TMPDIR") or "/tmp"
-- the child runs on the interpreter running this spec
local LUA = os.getenv("LUA") or (jit and "luajit") or ("lua" .. _VERSION:match("%d+%.%d+"))

local function sh(cmd)
  local ok = os.execute(cmd .. " >/dev/null 2>&1")
  return ok == true or ok == 0
end

local function text(i)
  local w = {}
  for k = 1, 300 do w[k] = ("w%d_%d"):format(i % 37, k % 53) end
  return table.concat(w, " ") .. "."
end

-- the documents a reader of 'path' sees are exactly 'ids'
local function verify(path, ids, what)
  local c, msg = corpus.open(path)
  assert(c, what .. ": open failed: " .. tostring(msg))
  local ok, err = c:check()
  assert(ok, what .. ": check failed: " .. tostring(err))
  local n = 0
  for id in pairs(ids) do
    n = n + 1
    assert(c:doc(id), what .. ": committed document " .. id .. " is missing")
  end
  assert.are.equal(n, c:stats().docs, what .. ": document count")
  c:close()
end

local function copy(t)
  local r = {}
  for k, v in pairs(t) do r[k] = v end
  return r
end

-- one run of commits and an optimize in 'dir'; returns the number of
-- failures seen (each verified)
local function scenario(dir, label)
  local path = dir .. "/ix"
  local w = corpus.create(path)
  if not w then return 1 end          -- too small to create: nothing to check
  local committed, pending, failures, nextid = {}, {}, 0, 0
  local function failed(what)
    failures = failures + 1
    verify(path, committed, label .. " " .. what)
    w:rollback()
    pending = {}
  end
  for round = 1, 12 do
    for _ = 1, 2 do
      nextid = nextid + 1
      local id = "d" .. nextid
      if w:add{id = id, text = text(nextid)} then pending[id] = true end
    end
    local gen, warn = w:commit()
    if gen then
      for id in pairs(pending) do committed[id] = true end
      pending = {}
      if warn then verify(path, committed, label .. " commit " .. round .. " (" .. warn .. ")") end
    else
      failed("commit " .. round)
    end
  end
  w:delete("d1")
  local gen, warn = w:optimize()
  if gen then
    committed.d1 = nil
    if warn then failures = failures + 1 end
    verify(path, committed, label .. " optimize")
  else
    committed.d1 = committed.d1   -- the deletion is not committed
    failed("optimize")
  end
  w:close()
  verify(path, committed, label .. " end")
  return failures
end

local root = sh("test \"$(id -u)\" = 0") and not os.getenv("CORPUS_NO_TMPFS")
local mnt = TMP .. "/corpus-diskfull-" .. tostring(os.time()) .. "-" .. tostring(math.random(1e6))

describe("disk full", function()
  it("leaves the last commit intact and the status true, at every size", function()
    if not (root and sh("mkdir -p " .. mnt) and
            sh("mount -t tmpfs -o size=64k tmpfs " .. mnt)) then
      pending("tmpfs needs root: see the RLIMIT_FSIZE case")
      return
    end
    sh("umount " .. mnt)
    local failures, clean = 0, false
    for kb = 16, 1024, 24 do
      assert(sh(("mount -t tmpfs -o size=%dk tmpfs %s"):format(kb, mnt)))
      local ok, res = pcall(scenario, mnt, kb .. "k")
      sh("umount " .. mnt)
      assert(ok, res)
      failures = failures + res
      if res == 0 then clean = true break end
    end
    sh("rmdir " .. mnt)
    assert.is_true(failures > 0)     -- the small sizes did fail
    assert.is_true(clean)            -- and a large enough one did not
  end)

  it("behaves the same with each file capped by RLIMIT_FSIZE", function()
    -- a child process with SIGXFSZ ignored, so writes fail with EFBIG
    local dir = TMP .. "/corpus-fsize-" .. tostring(os.time()) .. "-" .. tostring(math.random(1e6))
    local script = dir .. ".lua"
    assert(sh("mkdir -p " .. dir))
    local f = assert(io.open(script, "w"))
    f:write(([[
package.path = %q
package.cpath = %q
local corpus = require "corpus"
local w = assert(corpus.create(%q))
for i = 1, 40 do assert(w:add{id = "d" .. i, text = (("x%%d y "):format(i)):rep(400)}) end
local g, msg = w:commit()
io.stdout:write(g and "ok" or ("fail " .. tostring(msg)))
]]):format(package.path, package.cpath, dir .. "/ix"))
    f:close()
    local p = io.popen(("sh -c \"trap '' XFSZ; ulimit -f 64; exec %s %s\" 2>&1"):format(LUA, script))
    local out = p:read("*a")
    p:close()
    os.remove(script)
    assert.matches("^fail", out)
    verify(dir .. "/ix", {}, "fsize")
    sh("rm -rf " .. dir)
  end)
end)
