--- corpus.shard: sharded builds and corpus-wide analyses, on local
-- processes or on a Slurm cluster (the engine; nothing here schedules or
-- talks over a network itself).
--
-- A sharded index is a directory (csrc/shard.h):
--
--   OUT/SHARDS          the published set (written last, atomically)
--   OUT/shards/sNNNN/   one ordinary index per shard
--   OUT/jobs/           plan.json, the job script, logs, task status
--
-- corpus.open(OUT) reads it as one corpus with exact global statistics.
--
-- A build plans N shards from the inputs by bytes, in input order (each
-- text file whole, JSON Lines split between lines), so the documents
-- keep the order and numbers a single index of the same inputs gives.
-- Each task builds its shard under a temporary name, commits and checks
-- it, then renames it into place; the driver publishes SHARDS only when
-- every shard is there and checks (cp_shards_publish).  A rerun with
-- the same plan builds only the missing shards.

local core = require "corpus.core"
local json = require "cjson"

local M = {}

local type, pairs, ipairs, tostring, error = type, pairs, ipairs, tostring, error
local io_open, os_execute, os_remove, os_getenv = io.open, os.execute, os.remove, os.getenv
local math_floor = math.floor

-- integers (5.1-safe: no math.type there); tointeger undoes cjson's floats
local function isint(v)
  return type(v) == "number" and v == math_floor(v) and v > -2^53 and v < 2^53
end
local function tointeger(v)
  if isint(v) then return math.tointeger and math.tointeger(v) or v end
  return nil
end
local fmt = string.format

local PLAN_VERSION = 1
local BLOCK = 1048576
-- a task adds and commits at most this many bytes of JSON Lines at a
-- time, so its memory is bounded whatever the shard's size
local CHUNK = 64 * 1048576

-- {======================================================================
-- Helpers
-- =======================================================================

local function shquote(s)
  return "'" .. tostring(s):gsub("'", "'\\''") .. "'"
end

-- run a shell command; true on exit status 0
local function run(cmd)
  local ok, how, code = os_execute(cmd)
  if type(ok) == "number" then return ok == 0 end   -- Lua 5.1
  return ok == true and how == "exit" and code == 0
end

local function read_all(path)
  local f = io_open(path, "rb")
  if not f then return nil end
  local s = f:read("*a")
  f:close()
  return s
end

local function write_atomic(path, text)
  local tmp = path .. ".tmp"
  local f, msg = io_open(tmp, "wb")
  if not f then return nil, msg end
  f:write(text)
  f:close()
  local ok, err = os.rename(tmp, path)
  if not ok then return nil, err end
  return true
end

local function isdir(path)
  return core.listdir(path) ~= nil
end

local function filesize(path)
  local f = io_open(path, "rb")
  if not f then return nil end
  local n = f:seek("end")
  f:close()
  return n
end

local function mkdirs(path)
  return run("mkdir -p " .. shquote(path))
end

-- the first lines of a task's log: its error message
local function head(path, n)
  local s = read_all(path)
  if not s or s == "" then return "(empty log)" end
  local t = {}
  for l in s:gmatch("[^\n]+") do
    t[#t + 1] = l
    if #t == n then break end
  end
  return table.concat(t, "\n")
end

local function shard_name(i) return fmt("s%04d", i) end

local BUILD_OPTS = {
  out = "string", inputs = "table", shards = "number", slurm = "boolean",
  partition = "string", time = "string", mem = "string", language = "string",
  mode = "string", retries = "number", jobs = "number", lua = "string",
  quiet = "boolean", poll = "number", analyse = "table|boolean",
  fields = "table",
}

local function check_opts(opts, valid, fname)
  if type(opts) ~= "table" then
    error(fmt("bad argument #1 to '%s' (table expected, got %s)", fname, type(opts)), 3)
  end
  -- the names are csrc/l_opts.c's (one table, one message); the types here
  require("corpus.core").checkopts(opts, fname, 1)
  for k, v in pairs(opts) do
    local want = valid[k]
    if not ("|" .. want .. "|"):find("|" .. type(v) .. "|", 1, true) then
      error(fmt("%s: option '%s' must be a %s, got %s", fname, k, want:gsub("|", " or "), type(v)), 3)
    end
  end
end

-- }======================================================================


-- {======================================================================
-- Planning
-- =======================================================================

-- the input files, in order: directories give their *.txt and *.jsonl
-- files in name order
local function expand(inputs)
  local files = {}
  for i, p in ipairs(inputs) do
    if type(p) ~= "string" then
      error(fmt("build_sharded: inputs[%d] must be a path string", i), 4)
    end
    local names = core.listdir(p)
    if names then
      table.sort(names)
      for _, n in ipairs(names) do
        if n:match("%.txt$") or n:match("%.jsonl$") then
          files[#files + 1] = p .. "/" .. n
        end
      end
    else
      files[#files + 1] = p
    end
  end
  return files
end

--[[
Cut the inputs into n byte-balanced runs.  A cut that falls inside a
JSON Lines file moves to the start of the next line (the line number is
counted on the way, for messages); one inside a text file moves to the
file's end.  Parts of JSON Lines are also cut every 'chunk' bytes (the
task commits after each).  Each shard gets a list of parts:
  {path =, kind = "jsonl", offset =, length =, line =} or
  {path =, kind = "file"}
]]
local function plan(files, n, chunk)
  chunk = chunk or CHUNK
  local sizes, total = {}, 0
  for i, p in ipairs(files) do
    local sz = filesize(p)
    if not sz then return nil, p .. ": cannot read", "ENOENT" end
    sizes[i] = sz
    total = total + sz
  end
  local shards = {}
  for i = 1, n do shards[i] = { name = shard_name(i - 1), parts = {}, bytes = 0 } end
  local cur, done = 1, 0          -- shard being filled, bytes before this file
  local function target(k) return math_floor(total * k / n) end
  for i, p in ipairs(files) do
    local sz = sizes[i]
    if not p:match("%.jsonl$") then
      local s = shards[cur]
      s.parts[#s.parts + 1] = { path = p, kind = "file" }
      s.bytes = s.bytes + sz
      done = done + sz
      while cur < n and done >= target(cur) do cur = cur + 1 end
    else
      -- walk the file by blocks; cut at line starts past each target
      local f = io_open(p, "rb")
      local start, line, pos, lines = 0, 1, 0, 0   -- part start, its line no.
      while true do
        local block = f:read(BLOCK)
        if not block then break end
        local bpos = 1
        while true do
          -- the next cut: the shard's byte target, or 'chunk' bytes into
          -- the part (bounding a task's memory); the first line start at
          -- or after it
          local t, ends = done + start + chunk, false
          if cur < n and target(cur) <= t then t, ends = target(cur), true end
          if done + pos + #block < t then break end
          local want = t - done - pos + 1
          if want < bpos then want = bpos end
          local nl = block:find("\n", want, true)
          if not nl then break end
          local _, cnt = block:sub(bpos, nl):gsub("\n", "")
          lines = lines + cnt
          bpos = nl + 1
          local cut = pos + nl          -- byte offset of the next line start
          local s = shards[cur]
          if cut > start then
            s.parts[#s.parts + 1] = { path = p, kind = "jsonl", offset = start,
                                      length = cut - start, line = line }
            s.bytes = s.bytes + (cut - start)
          end
          start, line = cut, lines + 1
          if ends then cur = cur + 1 end
        end
        local _, cnt = block:sub(bpos):gsub("\n", "")
        lines = lines + cnt
        pos = pos + #block
      end
      f:close()
      if pos > start then
        local s = shards[cur]
        s.parts[#s.parts + 1] = { path = p, kind = "jsonl", offset = start,
                                  length = pos - start, line = line }
        s.bytes = s.bytes + (pos - start)
      end
      done = done + sz
      while cur < n and done >= target(cur) do cur = cur + 1 end
    end
  end
  return shards
end

M.plan = function(inputs, n, chunk)
  if type(inputs) ~= "table" then error("plan: inputs must be a list of paths", 2) end
  if not isint(n) or n < 1 or n > 65536 then
    error("plan: shards must be an integer from 1 to 65536", 2)
  end
  return plan(expand(inputs), n, chunk)
end

-- }======================================================================


-- {======================================================================
-- One task: build one shard
-- =======================================================================

local function load_plan(out, name)
  local file = ("%s/jobs/%s.json"):format(out, name or "plan")
  local text = read_all(file)
  if not text then return nil, file .. ": no build plan", "ENOENT" end
  local ok, p = pcall(json.decode, text)
  if not ok or type(p) ~= "table" or p.version ~= PLAN_VERSION then
    return nil, file .. ": not a build plan of version " .. PLAN_VERSION, "ECORRUPT"
  end
  return p
end

--- corpus.shard.task(out, i) -> true | nil, msg, code.
-- Build shard i (0-based) of the plan out/jobs/<$CORPUS_PLAN or
-- "plan">.json: into out/shards/<name>.tmp-<job>-<random>, committed
-- and checked, then renamed to out/shards/<name>.  A shard already in
-- place is left as it is.
function M.task(out, i)
  local p, msg, code = load_plan(out, os_getenv("CORPUS_PLAN"))
  if not p then return nil, msg, code end
  local s = p.shards[i + 1]
  if not s then return nil, fmt("%s: no shard %d in the plan", out, i), "EINVAL" end
  local final = out .. "/shards/" .. s.name
  if isdir(final) and core.is_sharded(final) == false and filesize(final .. "/MANIFEST") then
    return true   -- built by an earlier run
  end
  local tag = os_getenv("SLURM_JOB_ID") or tostring(os.time())
  local tmp = fmt("%s.tmp-%s-%d", final, tag, math.random(1, 1073741824))
  local corpus = require "corpus"
  -- p.analyse: nil = every analyser, a list of names (empty: none)
  local analyse = p.analyse
  if analyse and #analyse == 0 then analyse = false end
  local c, err, ecode = corpus.create(tmp, { language = p.language, mode = p.mode,
                                             analyse = analyse, fields = p.fields })
  if not c then return nil, err, ecode end
  local pending = 0   -- bytes added since the last commit
  for _, part in ipairs(s.parts) do
    local ok, e, ec
    if part.kind == "jsonl" then
      -- (cjson gives every number as a float)
      ok, e, ec = c:add_jsonl(part.path, { offset = tointeger(part.offset),
                                           length = tointeger(part.length),
                                           line = tointeger(part.line) })
      pending = pending + part.length
    else
      ok, e, ec = c:add_file(part.path)
      pending = pending + (filesize(part.path) or 0)
    end
    -- commit in chunks: a task's memory stays bounded
    if ok and pending >= CHUNK then ok, e, ec = c:commit(); pending = 0 end
    if not ok then c:close(); run("rm -rf " .. shquote(tmp)); return nil, e, ec end
  end
  -- fault injection for the kill spec: a pause before the commit
  local pause = tonumber(os_getenv("CORPUS_SHARD_PAUSE") or "")
  if pause and pause > 0 then run("sleep " .. pause) end
  local ok, e, ec = c:commit()
  if ok then ok, e, ec = c:check() end
  c:close()
  if not ok then run("rm -rf " .. shquote(tmp)); return nil, e, ec end
  local renamed, rerr = os.rename(tmp, final)
  if not renamed then run("rm -rf " .. shquote(tmp)); return nil, rerr, "EIO" end
  return true
end

-- }======================================================================


-- {======================================================================
-- Running tasks: local processes or a Slurm job array
-- =======================================================================

-- the shell line that runs "require('corpus.shard').<fn>(out, i)" in a
-- fresh interpreter with this process's module paths
-- (the task number comes from $CORPUS_TASK)
local function task_cmd(lua, fn, out)
  local code = fmt("package.path=%q package.cpath=%q "
                   .. "local ok,m,c=require('corpus.shard').%s(%q,tonumber(os.getenv('CORPUS_TASK'))) "
                   .. "if not ok then io.stderr:write(tostring(m),' (',tostring(c),')\\n') os.exit(3) end",
                   package.path, package.cpath, fn, out)
  return shquote(lua) .. " -e " .. shquote(code)
end

local function interpreter(opts)
  if opts.lua then return opts.lua end
  local i, exe = -1, nil
  while arg and arg[i] do exe = arg[i]; i = i - 1 end
  return exe or "lua5.4"
end

local function slurm_conf_line()
  local c = os_getenv("SLURM_CONF")
  return c and ("export SLURM_CONF=" .. shquote(c) .. "\n") or ""
end

-- write the job-array script (kept in jobs/ to be read and rerun)
local function write_job(out, n, fn, lua, opts, name, planname)
  local lines = {
    "#!/bin/sh",
    fmt("#SBATCH --job-name=corpus-%s", name),
    fmt("#SBATCH --array=0-%d", n - 1),
    fmt("#SBATCH --output=%s/jobs/logs/%s-%%a.log", out, name),
    "#SBATCH --cpus-per-task=1",
  }
  if opts.partition then lines[#lines + 1] = "#SBATCH --partition=" .. opts.partition end
  if opts.time then lines[#lines + 1] = "#SBATCH --time=" .. opts.time end
  if opts.mem then lines[#lines + 1] = "#SBATCH --mem=" .. opts.mem end
  lines[#lines + 1] = "# one array task per shard; rerun with: sbatch " .. out .. "/jobs/" .. name .. ".sbatch"
  lines[#lines + 1] = "set -e"
  lines[#lines + 1] = "CORPUS_TASK=${SLURM_ARRAY_TASK_ID:-$1}; export CORPUS_TASK"
  if planname then lines[#lines + 1] = "CORPUS_PLAN=" .. planname .. "; export CORPUS_PLAN" end
  lines[#lines + 1] = task_cmd(lua, fn, out)
  local path = fmt("%s/jobs/%s.sbatch", out, name)
  local ok, err = write_atomic(path, table.concat(lines, "\n") .. "\n")
  if not ok then return nil, err end
  return path
end

-- run tasks 'idx' (0-based list) as local processes, at most 'jobs' at once
local function run_local(out, script, idx, jobs, name)
  local list = {}
  for _, i in ipairs(idx) do list[#list + 1] = tostring(i) end
  local cmd = fmt("printf '%%s\\n' %s | xargs -P %d -I{} sh -c %s",
                  table.concat(list, " "), jobs,
                  shquote(fmt("sh %s {} > %s/jobs/logs/%s-{}.log 2>&1", shquote(script), out, name)))
  run(cmd)
end

-- submit an array of tasks 'idx' and wait until none is queued or running
local function run_slurm(script, idx, poll)
  local list = {}
  for _, i in ipairs(idx) do list[#list + 1] = tostring(i) end
  local h = io.popen(slurm_conf_line() .. fmt("sbatch --parsable --array=%s %s 2>&1",
                     table.concat(list, ","), shquote(script)))
  local outp = h:read("*a")
  h:close()
  local job = outp:match("^(%d+)")
  if not job then return nil, "sbatch failed: " .. outp:gsub("%s+$", ""), "EIO" end
  while true do
    local q = io.popen(slurm_conf_line() .. "squeue -h -o %i -j " .. job .. " 2>/dev/null")
    local s = q:read("*a")
    q:close()
    if not s:find("%d") then break end
    run("sleep " .. poll)
  end
  return job
end

local function run_tasks(out, n, fn, opts, name, done, planname)
  local lua = interpreter(opts)
  local script, err = write_job(out, n, fn, lua, opts, name, planname)
  if not script then return nil, err, "EIO" end
  local tries = (opts.retries or 1) + 1
  local failed
  for _ = 1, tries do
    local todo = {}
    for i = 0, n - 1 do if not done(i) then todo[#todo + 1] = i end end
    if #todo == 0 then return true end
    if opts.slurm then
      local job, e, c = run_slurm(script, todo, opts.poll or 0.5)
      if not job then return nil, e, c end
    else
      run_local(out, script, todo, opts.jobs or 2, name)
    end
    failed = {}
    for _, i in ipairs(todo) do if not done(i) then failed[#failed + 1] = i end end
    if #failed == 0 then return true end
  end
  local msgs = {}
  for _, i in ipairs(failed) do
    local log = fmt("%s/jobs/logs/%s-%d.log", out, name, i)
    msgs[#msgs + 1] = fmt("task %d failed (log %s): %s", i, log, head(log, 2))
  end
  return nil, table.concat(msgs, "\n"), "EIO"
end

-- }======================================================================


-- {======================================================================
-- The driver
-- =======================================================================

--- corpus.build_sharded{out =, inputs = {...}, shards = N [, slurm =
-- true, partition =, time =, mem =, retries = 1, jobs = 2, language =,
-- mode =, lua =, poll = 0.5, analyse =, fields =]} -> corpus | nil,
-- msg, code.  analyse and fields as for corpus.create (every shard
-- indexes the same fields).
-- Plans, builds and publishes; returns the opened sharded corpus.  Run
-- again on the same out with the same inputs, it builds only what is
-- missing (a failed or cancelled task) and publishes.
function M.build(opts)
  check_opts(opts, BUILD_OPTS, "build_sharded")
  local out, inputs, n = opts.out, opts.inputs, opts.shards
  if not out or not inputs or not n then
    error("build_sharded: out, inputs and shards are required", 2)
  end
  if not isint(n) or n < 1 or n > 65536 then
    error("build_sharded: shards must be an integer from 1 to 65536", 2)
  end
  if opts.jobs and (not isint(opts.jobs) or opts.jobs < 1) then
    error("build_sharded: jobs must be a positive integer", 2)
  end
  if opts.retries and (not isint(opts.retries) or opts.retries < 0) then
    error("build_sharded: retries must be a non-negative integer", 2)
  end
  if opts.mode and opts.mode ~= "corpus" and opts.mode ~= "strict" then
    error("build_sharded: mode must be 'corpus' or 'strict'", 2)
  end
  if #inputs == 0 then error("build_sharded: no inputs", 2) end
  out = out:gsub("/+$", "")
  if not mkdirs(out .. "/jobs/logs") or not mkdirs(out .. "/shards") then
    return nil, out .. ": cannot create the index directory", "EIO"
  end
  local shards, msg, code = plan(expand(inputs), n)
  if not shards then return nil, msg, code end
  local p = { version = PLAN_VERSION, language = opts.language or "english",
              mode = opts.mode or "corpus", shards = shards }
  if opts.analyse == false then p.analyse = {}
  elseif type(opts.analyse) == "table" then p.analyse = opts.analyse end
  if opts.fields and #opts.fields > 0 then p.fields = opts.fields end
  local old = load_plan(out)
  local text = json.encode(p)
  if old and json.encode(old) ~= text then
    -- another plan's shards must not be reused under the same names
    for _, s in ipairs(old.shards) do run("rm -rf " .. shquote(out .. "/shards/" .. s.name)) end
  end
  local ok, err = write_atomic(out .. "/jobs/plan.json", text)
  if not ok then return nil, err, "EIO" end
  run("rm -rf " .. out .. "/shards/*.tmp-*")   -- leftovers of killed tasks
  local function built(i)
    return filesize(fmt("%s/shards/%s/MANIFEST", out, shards[i + 1].name)) ~= nil
  end
  ok, err, code = run_tasks(out, n, "task", opts, "build", built)
  if not ok then return nil, err, code end
  local names = {}
  for i, s in ipairs(shards) do names[i] = s.name end
  ok, err, code = core.publish_shards(out, names, false)
  if not ok then return nil, err, code end
  return require("corpus").open(out)
end

-- }======================================================================


-- {======================================================================
-- Changing the set: add, replace, merge
-- =======================================================================

local CHANGE_OPTS = {
  inputs = "table", slurm = "boolean", partition = "string", time = "string",
  mem = "string", retries = "number", lua = "string", poll = "number", jobs = "number",
}

-- the published names, and the next unused shard name
local function current(out)
  local c, msg, code = require("corpus").open(out)
  if not c then return nil, msg, code end
  local list = c:shards()
  c:close()
  if not list then return nil, out .. ": not a sharded index", "EINVAL" end
  local names, top = {}, -1
  for i, s in ipairs(list) do
    names[i] = s.name
    local k = tonumber(s.name:match("^s(%d+)$"))
    if k and k > top then top = k end
  end
  for _, n in ipairs(core.listdir(out .. "/shards") or {}) do
    local k = tonumber(n:match("^s(%d+)"))
    if k and k > top then top = k end
  end
  return names, shard_name(top + 1)
end

-- build one new shard from inputs under 'name'
local function build_one(out, name, opts)
  if type(opts.inputs) ~= "table" or #opts.inputs == 0 then
    error("shard: inputs (a non-empty list of paths) is required", 3)
  end
  local shards, msg, code = plan(expand(opts.inputs), 1)
  if not shards then return nil, msg, code end
  shards[1].name = name
  -- the new shard is analysed as the published ones (SHARDS says how)
  local text = read_all(out .. "/SHARDS") or ""
  local lang = text:match("\nlanguage (%S+)\n") or "english"
  local mode = text:match("\nmode 1\n") and "strict" or "corpus"
  local p = { version = PLAN_VERSION, language = lang, mode = mode, shards = shards }
  -- and with the analysers of its first shard (its MANIFEST's analyse line)
  local first = text:match("\nshard (%S+)")
  local man = first and read_all(out .. "/shards/" .. first .. "/MANIFEST")
  if man then
    local bits = tonumber(man:match("\nanalyse (%d+)\n") or "0")
    p.analyse = {}
    for i, nm in ipairs { "entities", "quotes", "dates", "numbers" } do
      if math.floor(bits / 2 ^ (i - 1)) % 2 == 1 then p.analyse[#p.analyse + 1] = nm end
    end
    -- and its indexed fields (the MANIFEST's fields line), which every
    -- shard of a corpus shares
    local fl = man:match("\nfields ([^\n]+)\n")
    if fl then
      p.fields = {}
      for nm in fl:gmatch("%S+") do p.fields[#p.fields + 1] = nm end
    end
  end
  local planname = "plan-" .. name
  local ok, err = write_atomic(("%s/jobs/%s.json"):format(out, planname), json.encode(p))
  if not ok then return nil, err, "EIO" end
  local function built() return filesize(("%s/shards/%s/MANIFEST"):format(out, name)) ~= nil end
  return run_tasks(out, 1, "task", opts, "add-" .. name, built, planname)
end

--- corpus.shard.add(out, {inputs = {...} [, slurm =, ...]}) -> corpus |
-- nil, msg, code.  A new shard (a new day's news) built from the inputs
-- and published after the others.
function M.add(out, opts)
  check_opts(opts, CHANGE_OPTS, "shard.add")
  local names, new, code = current(out)
  if not names then return nil, new, code end
  local ok, msg
  ok, msg, code = build_one(out, new, opts)
  if not ok then return nil, msg, code end
  names[#names + 1] = new
  ok, msg, code = core.publish_shards(out, names, false)
  if not ok then
    run("rm -rf " .. shquote(out .. "/shards/" .. new))   -- never published
    return nil, msg, code
  end
  return require("corpus").open(out)
end

--- corpus.shard.replace(out, name, {inputs = {...}, ...}) -> corpus |
-- nil, msg, code.  Shard 'name' rebuilt from the inputs under a new
-- name, published in its place; the old directory is removed after.
function M.replace(out, name, opts)
  check_opts(opts, CHANGE_OPTS, "shard.replace")
  local names, new, code = current(out)
  if not names then return nil, new, code end
  local at
  for i, n in ipairs(names) do if n == name then at = i end end
  if not at then return nil, ("%s: no published shard '%s'"):format(out, tostring(name)), "ENOENT" end
  local ok, msg
  ok, msg, code = build_one(out, new, opts)
  if not ok then return nil, msg, code end
  names[at] = new
  ok, msg, code = core.publish_shards(out, names, false)
  if not ok then
    run("rm -rf " .. shquote(out .. "/shards/" .. new))   -- never published
    return nil, msg, code
  end
  run("rm -rf " .. shquote(out .. "/shards/" .. name))
  return require("corpus").open(out)
end

--- corpus.shard.merge(out, {name, ...}) -> corpus | nil, msg, code.
-- The named shards become one (their segment files linked into a new
-- shard: nothing re-read), published where the first of them was.
function M.merge(out, which)
  if type(which) ~= "table" or #which < 2 then
    error("shard.merge: a list of at least two shard names expected", 2)
  end
  local names, new, code = current(out)
  if not names then return nil, new, code end
  local pos, gone = {}, {}
  for i, n in ipairs(names) do pos[n] = i end
  for _, n in ipairs(which) do
    if not pos[n] then return nil, ("%s: no published shard '%s'"):format(out, tostring(n)), "ENOENT" end
    gone[n] = true
  end
  local ok, msg
  ok, msg, code = core.merge_shards(out, which, new)
  if not ok then return nil, msg, code end
  local keep, placed = {}, false
  for _, n in ipairs(names) do
    if gone[n] then
      if not placed then keep[#keep + 1] = new; placed = true end
    else
      keep[#keep + 1] = n
    end
  end
  ok, msg, code = core.publish_shards(out, keep, false)
  if not ok then
    run("rm -rf " .. shquote(out .. "/shards/" .. new))
    return nil, msg, code
  end
  for n in pairs(gone) do run("rm -rf " .. shquote(out .. "/shards/" .. n)) end
  return require("corpus").open(out)
end

-- }======================================================================


-- {======================================================================
-- Corpus-wide analyses as map (one task per shard) and reduce
-- =======================================================================

-- documents first..last (1-based) of shard i (0-based) of a sharded
-- corpus: the shards' segments are appended in order, so each shard's
-- documents are one run of the global numbers
local function shard_range(c, i)
  local list = c:shards()
  local first = 1
  for k = 1, i do first = first + list[k].docs end
  return first, first + list[i + 1].docs - 1
end

-- the where filter 'w' of the whole corpus c, restricted to documents
-- first..last (invert: the range's documents NOT selected by w)
local function within(c, w, first, last, invert, fname)
  local sel, msg, code = c:_where(w, fname)
  if msg then return nil, msg, code end
  return c:_select_range(first, last, sel, invert and sel ~= nil)
end

-- write the rows of a reuse task: one JSON array a line, the scores as
-- %.17g strings (exact doubles whatever cjson's number precision)
local function save_reuse(path, rows)
  local f, err = io_open(path .. ".tmp", "wb")
  if not f then return nil, err, "EIO" end
  for _, r in ipairs(rows) do
    f:write(json.encode({ r.a, r.b, r.words, fmt("%.17g", r.score),
                          fmt("%.17g", r.identity) }), "\n")
  end
  f:close()
  local ok, rerr = os.rename(path .. ".tmp", path)
  if not ok then return nil, rerr, "EIO" end
  return true
end

local function side(t)
  return { doc = tointeger(t.doc), id = t.id, start = tointeger(t.start),
           stop = tointeger(t.stop), text = t.text }
end

-- the map step of the analyses counted on the whole sharded corpus with
-- shard i's documents selected: collocations, collocates, keyness, reuse
local function map_global(out, i, spec, path)
  local corpus = require "corpus"
  local c, msg, code = corpus.open(out)
  if not c then return nil, msg, code end
  local first, last = shard_range(c, i)
  local o = { layer = spec.layer, punct = spec.punct, window = tointeger(spec.window),
              left = tointeger(spec.left), right = tointeger(spec.right),
              max_work = tointeger(spec.max_work), max_mem = tointeger(spec.max_mem),
              timeout = spec.timeout }
  local ok, sel, rsel
  if spec.what == "keyness" then
    sel, msg, code = within(c, spec.target, first, last, false, "keyness")
    if sel and spec.reference ~= nil then
      rsel, msg, code = within(c, spec.reference, first, last, false, "keyness")
    elseif sel then
      rsel, msg, code = within(c, spec.target, first, last, true, "keyness")
    end
    if sel and rsel then ok, msg, code = c:_keyness_part(sel, rsel, o, path) end
  elseif spec.what == "reuse" then
    sel = c:_select_range(first, last)
    -- a sides from this shard, b sides anywhere: every document has a
    -- role, so shingle document frequencies (max_df) are the whole
    -- corpus's; pairs whose b side is in an earlier shard are that
    -- shard's task's (made there with the lower document as a)
    local rows
    rows, msg, code = c:reuse{ source = { _bits = sel }, min = tointeger(spec.min),
                               max_df = tointeger(spec.max_df), layer = spec.layer,
                               mismatch = spec.mismatch, gap = spec.gap,
                               gap_extend = spec.gap_extend }
    if rows then
      local keep = {}
      for _, r in ipairs(rows) do
        if r.b.doc >= first then keep[#keep + 1] = r end
      end
      ok, msg, code = save_reuse(path, keep)
    end
  else
    sel, msg, code = within(c, spec.where, first, last, false, spec.what)
    if sel and spec.what == "collocations" then
      ok, msg, code = c:_collocations_part(o, sel, path)
    elseif sel then
      local plan
      plan, msg, code = require("corpus.query").parse(spec.q)
      if plan then ok, msg, code = c:_collocates_part(plan, o, sel, path) end
    end
  end
  c:close()
  if not ok then return nil, msg, code end
  return true
end

local GLOBAL = { collocations = true, collocates = true, keyness = true, reuse = true }

local function part_path(out, i, what)
  return fmt("%s/jobs/map/%d.%s", out, i, GLOBAL[what] and (what == "reuse" and "jsonl" or "cnt")
                                          or "jsonl")
end

--- corpus.shard.map(out, i) -> true | nil, msg, code.
-- The map step of a sharded analysis (out/jobs/map.json says which):
-- the counts (or reuse rows) of shard i written to out/jobs/map/.
function M.map(out, i)
  local spec = json.decode(read_all(out .. "/jobs/map.json") or "null")
  if type(spec) ~= "table" then return nil, out .. "/jobs/map.json: no analysis", "ENOENT" end
  local path = part_path(out, i, spec.what)
  if GLOBAL[spec.what] then return map_global(out, i, spec, path) end
  local names = json.decode(read_all(out .. "/jobs/map-shards.json") or "null")
  local corpus = require "corpus"
  local c, msg, code = corpus.open(out .. "/shards/" .. names[i + 1])
  if not c then return nil, msg, code end
  local o = { layer = spec.layer, where = spec.where, punct = spec.punct,
              max_work = tointeger(spec.max_work), max_mem = tointeger(spec.max_mem),
              timeout = spec.timeout }
  local rows, info
  if spec.what == "freq" then rows, info = c:freq(o)
  else rows, info = c:ngrams(tointeger(spec.n), o) end
  if not rows then c:close(); return nil, info, "EIO" end
  local key = spec.what == "freq" and "term" or "ngram"
  local f = assert(io_open(path .. ".tmp", "wb"))
  f:write(json.encode({ info = info }), "\n")
  for _, r in ipairs(rows) do f:write(json.encode({ r[key], r.count, r.docs }), "\n") end
  f:close()
  c:close()
  return os.rename(path .. ".tmp", path)
end

-- sum the map outputs; rows sorted as c:freq sorts them
local function reduce(out, n, spec, limit, min)
  local counts, docs, info = {}, {}, { tokens = 0, docs = 0 }
  for i = 0, n - 1 do
    local f = assert(io_open(part_path(out, i, spec.what), "rb"))
    local first = true
    for line in f:lines() do
      local v = json.decode(line)
      if first then
        info.tokens = info.tokens + v.info.tokens
        info.docs = info.docs + v.info.docs
        first = false
      else
        local t = v[1]
        counts[t] = (counts[t] or 0) + v[2]
        docs[t] = (docs[t] or 0) + v[3]
      end
    end
    f:close()
  end
  local rows = {}
  local key = spec.what == "freq" and "term" or "ngram"
  -- the same arithmetic as csrc/l_stats.c, so rates are equal to the bit
  local permil = info.tokens > 0 and 1e6 / info.tokens or 0
  for t, cnt in pairs(counts) do
    if cnt >= (min or 1) then
      rows[#rows + 1] = { [key] = t, count = cnt, docs = docs[t], rate = cnt * permil }
    end
  end
  table.sort(rows, function(a, b)
    if a.count ~= b.count then return a.count > b.count end
    return a[key] < b[key]
  end)
  if limit then for i = #rows, limit + 1, -1 do rows[i] = nil end end
  info.types = #rows   -- as c:freq: the rows returned
  return rows, info
end

-- c:reuse's order: score descending, then a's document, b's document,
-- a's start, b's start (csrc/reuse.c, cmp_passage)
local function reuse_before(x, y)
  if x.score ~= y.score then return x.score > y.score end
  if x.a.doc ~= y.a.doc then return x.a.doc < y.a.doc end
  if x.b.doc ~= y.b.doc then return x.b.doc < y.b.doc end
  if x.a.start ~= y.a.start then return x.a.start < y.a.start end
  return x.b.start < y.b.start
end

local function reduce_reuse(out, n, limit)
  local rows = {}
  for i = 0, n - 1 do
    local path = part_path(out, i, "reuse")
    local f = io_open(path, "rb")
    if not f then return nil, path .. ": no reuse rows", "ENOENT" end
    for line in f:lines() do
      local v = json.decode(line)
      rows[#rows + 1] = { a = side(v[1]), b = side(v[2]), words = tointeger(v[3]),
                          score = tonumber(v[4]), identity = tonumber(v[5]) }
    end
    f:close()
  end
  table.sort(rows, reuse_before)
  if limit and limit > 0 then for i = #rows, limit + 1, -1 do rows[i] = nil end end
  return rows, { passages = #rows, tasks = n }
end

-- the reduce of the analyses whose parts are counts files: summed and
-- scored on the opened sharded corpus by the single-corpus code
local function reduce_counts(out, n, spec, opts)
  local c, msg, code = require("corpus").open(out)
  if not c then return nil, msg, code end
  local paths = {}
  for i = 0, n - 1 do paths[i + 1] = part_path(out, i, spec.what) end
  local o = { layer = spec.layer, punct = spec.punct, window = spec.window,
              left = spec.left, right = spec.right, min = opts.min, limit = opts.limit,
              measure = opts.measure, bonferroni = opts.bonferroni,
              max_work = opts.max_work, max_mem = opts.max_mem, timeout = opts.timeout }
  -- (what raises on one corpus raises here too, after the close)
  local ok, rows, info, ecode = pcall(c["_" .. spec.what .. "_sum"], c, paths, o)
  c:close()
  if not ok then error(rows, 0) end
  return rows, info, ecode
end

local ANALYSE_OPTS = {
  what = "string", n = "number", layer = "string", where = "string|table",
  punct = "boolean", min = "number", limit = "number", slurm = "boolean",
  partition = "string", time = "string", mem = "string", jobs = "number",
  retries = "number", lua = "string", poll = "number",
  window = "number", left = "number", right = "number", measure = "string|table",
  q = "string", target = "string|table", reference = "string|table",
  bonferroni = "boolean", max_df = "number", mismatch = "number", gap = "number",
  gap_extend = "number", max_work = "number", max_mem = "number", timeout = "number",
}

-- which options each analysis takes (besides the running ones)
local KIND_OPTS = {
  freq = { layer = 1, where = 1, punct = 1, min = 1, limit = 1, max_work = 1, max_mem = 1,
           timeout = 1 },
  ngrams = { n = 1, layer = 1, where = 1, punct = 1, min = 1, limit = 1, max_work = 1,
             max_mem = 1, timeout = 1 },
  collocations = { window = 1, measure = 1, min = 1, limit = 1, layer = 1, where = 1, punct = 1,
                   max_work = 1, max_mem = 1, timeout = 1 },
  collocates = { q = 1, window = 1, left = 1, right = 1, measure = 1, min = 1, limit = 1,
                 layer = 1, where = 1, punct = 1, max_work = 1, max_mem = 1, timeout = 1 },
  keyness = { target = 1, reference = 1, measure = 1, min = 1, limit = 1, bonferroni = 1,
              layer = 1, punct = 1, max_work = 1, max_mem = 1, timeout = 1 },
  reuse = { min = 1, max_df = 1, layer = 1, limit = 1, mismatch = 1, gap = 1, gap_extend = 1 },
}
-- the measures of csrc/assoc.c (cp_am_id) and of keyness
local AM_MEASURES = { obs = 1, exp = 1, mi = 1, mi3 = 1, t = 1, z = 1, llr = 1, chi2 = 1,
                      dice = 1, logdice = 1 }
local KEY_MEASURES = { llr = 1, chi2 = 1, logratio = 1, pdiff = 1 }

local function check_analyse(opts)
  if type(opts) ~= "table" then
    error(fmt("bad argument #2 to 'analyse' (table expected, got %s)", type(opts)), 3)
  end
  if not KIND_OPTS[opts.what] then
    error("analyse: what must be 'freq', 'ngrams', 'collocations', 'collocates', "
          .. "'keyness' or 'reuse'", 3)
  end
  -- the names through the one options table (csrc/l_opts.c), then types
  core.checkopts(opts, "analyse(" .. opts.what .. ")", 2)
  for k, v in pairs(opts) do
    local want = ANALYSE_OPTS[k]
    if want and not want:find(type(v), 1, true) then
      error(fmt("analyse: option '%s' must be a %s, got %s", k, (want:gsub("|", " or ")),
                type(v)), 3)
    end
  end
  if opts.what == "ngrams" and (not isint(opts.n) or opts.n < 1) then
    error("analyse: ngrams needs n, a positive integer", 3)
  end
  if opts.what == "collocates" and type(opts.q) ~= "string" then
    error("analyse: collocates needs q, the node query", 3)
  end
  if opts.what == "keyness" and opts.target == nil then
    error("analyse: keyness needs target, a where filter", 3)
  end
  local known = opts.what == "keyness" and KEY_MEASURES or AM_MEASURES
  local ms = type(opts.measure) == "table" and opts.measure or { opts.measure }
  for _, m in ipairs(ms) do
    if not known[m] then error(fmt("analyse: unknown measure '%s'", tostring(m)), 3) end
  end
  for _, k in ipairs{ "window", "left", "right", "min", "limit", "max_df", "max_work", "max_mem" } do
    if opts[k] ~= nil and (not isint(opts[k]) or opts[k] < 0) then
      error(fmt("analyse: option '%s' must be a non-negative integer", k), 3)
    end
  end
end

--- corpus.shard.analyse(out, {what = "freq" | "ngrams" | "collocations" |
-- "collocates" | "keyness" | "reuse", <the analysis's options>, slurm =,
-- ...}) -> rows, info | nil, msg, code.
-- One map task per shard (local processes, or a Slurm array with slurm
-- = true), then a reduce: freq and ngrams sum each shard's count table;
-- collocations, collocates and keyness count each shard's documents of
-- the whole corpus (global type ids), and the reduce sums the counts and
-- scores them once with the single-corpus code; reuse finds, per shard,
-- the passages whose a side is in it (every document in the shingle
-- statistics).  The rows equal the single corpus's c:freq, c:ngrams,
-- c:collocations, c:collocates(q, ...), c:keyness(target, reference,
-- ...) and c:reuse; so does info, except for reuse, whose info is
-- {passages =, tasks =} (seeds and work are per task).  max_work and
-- max_mem (collocations, collocates, keyness) bound each map task and
-- the reduce, as they bound one call on one corpus.  docs/SCALE.md,
-- "Analyses".
-- @function shard.analyse
-- @tparam string out a sharded index
-- @tparam table opts
-- @treturn {table,...} rows
-- @treturn table info
-- @return nil, message, code (a task that failed, with its log)
function M.analyse(out, opts)
  check_analyse(opts)
  local query = require "corpus.query"
  for _, k in ipairs{ "q", "where", "target", "reference" } do
    if type(opts[k]) == "string" then
      local plan, msg, code = query.parse(opts[k])
      if not plan then return nil, msg, code end
    end
  end
  local c, msg, code = require("corpus").open(out)
  if not c then return nil, msg, code end
  local list = c:shards()
  c:close()
  if not list then return nil, out .. ": not a sharded index", "EINVAL" end
  local names = {}
  for i, s in ipairs(list) do names[i] = s.name end
  local spec = { what = opts.what }
  for k in pairs(KIND_OPTS[opts.what]) do spec[k] = opts[k] end
  spec.limit = nil          -- the reduce limits
  if opts.what ~= "reuse" then spec.min = nil end   -- counts are summed first
  mkdirs(out .. "/jobs/map")
  run("rm -f " .. shquote(out) .. "/jobs/map/*.jsonl " .. shquote(out) .. "/jobs/map/*.cnt")
  assert(write_atomic(out .. "/jobs/map.json", json.encode(spec)))
  assert(write_atomic(out .. "/jobs/map-shards.json", json.encode(names)))
  local function mapped(i) return filesize(part_path(out, i, opts.what)) ~= nil end
  local ok, err, ecode = run_tasks(out, #names, "map", opts, "map", mapped)
  if not ok then return nil, err, ecode end
  if opts.what == "reuse" then return reduce_reuse(out, #names, opts.limit) end
  if GLOBAL[opts.what] then return reduce_counts(out, #names, spec, opts) end
  return reduce(out, #names, spec, opts.limit, opts.min)
end

-- }======================================================================

return M
