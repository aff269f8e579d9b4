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
}

local function check_opts(opts, valid, fname)
  if type(opts) ~= "table" then
    error(fmt("bad argument #1 to '%s' (table expected, got %s)", fname, type(opts)), 3)
  end
  for k, v in pairs(opts) do
    local want = valid[k]
    if not want then
      local names = {}
      for n in pairs(valid) do names[#names + 1] = n end
      table.sort(names)
      error(fmt("%s: unknown option '%s' (valid: %s)", fname, tostring(k),
                table.concat(names, ", ")), 3)
    end
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
                                             analyse = analyse })
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
-- mode =, lua =, poll = 0.5]} -> corpus | nil, msg, code.
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

--- corpus.shard.map(out, i) -> true | nil, msg, code.
-- The map step of a sharded analysis (out/jobs/map.json says which):
-- counts of shard i written to out/jobs/map/<i>.jsonl.
function M.map(out, i)
  local spec = json.decode(read_all(out .. "/jobs/map.json") or "null")
  if type(spec) ~= "table" then return nil, out .. "/jobs/map.json: no analysis", "ENOENT" end
  local names = json.decode(read_all(out .. "/jobs/map-shards.json") or "null")
  local corpus = require "corpus"
  local c, msg, code = corpus.open(out .. "/shards/" .. names[i + 1])
  if not c then return nil, msg, code end
  local o = { layer = spec.layer, where = spec.where, punct = spec.punct }
  local rows, info
  if spec.what == "freq" then rows, info = c:freq(o)
  else rows, info = c:ngrams(tointeger(spec.n), o) end
  if not rows then c:close(); return nil, info, "EIO" end
  local key = spec.what == "freq" and "term" or "ngram"
  local path = fmt("%s/jobs/map/%d.jsonl", out, i)
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
    local f = assert(io_open(fmt("%s/jobs/map/%d.jsonl", out, i), "rb"))
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

--- corpus.shard.analyse(out, {what = "freq" | "ngrams", n =, layer =,
-- where =, punct =, min =, limit =, slurm =, ...}) -> rows, info |
-- nil, msg, code.  The counts of every shard (one task each: local
-- processes, or a Slurm array with slurm = true), summed.  Rows equal
-- c:freq / c:ngrams on the opened sharded corpus.
function M.analyse(out, opts)
  local valid = { what = "string", n = "number", layer = "string", where = "string",
                  punct = "boolean", min = "number", limit = "number", slurm = "boolean",
                  partition = "string", time = "string", mem = "string", jobs = "number",
                  retries = "number", lua = "string", poll = "number" }
  check_opts(opts, valid, "analyse")
  if opts.what ~= "freq" and opts.what ~= "ngrams" then
    error("analyse: what must be 'freq' or 'ngrams'", 2)
  end
  if opts.what == "ngrams" and (not isint(opts.n) or opts.n < 1) then
    error("analyse: ngrams needs n, a positive integer", 2)
  end
  local c, msg, code = require("corpus").open(out)
  if not c then return nil, msg, code end
  local list = c:shards()
  c:close()
  if not list then return nil, out .. ": not a sharded index", "EINVAL" end
  local names = {}
  for i, s in ipairs(list) do names[i] = s.name end
  local spec = { what = opts.what, n = opts.n, layer = opts.layer, where = opts.where,
                 punct = opts.punct }
  mkdirs(out .. "/jobs/map")
  run("rm -f " .. shquote(out) .. "/jobs/map/*.jsonl")
  assert(write_atomic(out .. "/jobs/map.json", json.encode(spec)))
  assert(write_atomic(out .. "/jobs/map-shards.json", json.encode(names)))
  local function mapped(i) return filesize(fmt("%s/jobs/map/%d.jsonl", out, i)) ~= nil end
  local ok, err, ecode = run_tasks(out, #names, "map", opts, "map", mapped)
  if not ok then return nil, err, ecode end
  return reduce(out, #names, spec, opts.limit, opts.min)
end

-- }======================================================================

return M
