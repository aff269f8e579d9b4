--[[
corpus.cli -- the command-line tool (bin/corpus).

One argparse parser (Debian's lua-argparse); every subcommand is a
module lua/corpus/cli/<name>.lua listed in COMMANDS below.  A command
module returns

  { summary = "one line for `corpus --help`",
    description = "longer text for `corpus <name> --help`" (optional),
    setup = function(cmd, cli) ... end,  -- add arguments to cmd
    run = function(args, cli) ... end }  -- return an exit status

`cli` is this module: the shared options (cli.source, cli.where, ...),
source loading and output (cli.emit) live here so every command reads
and writes the same way.

Exit status (like grep and ripgrep): 0 something found / done, 1 nothing
matched, 2 usage error (unknown flag, bad value, query syntax error),
3 data or environment error (missing file, damaged index, bad JSON).
]]

local corpus = require "corpus"
local compat = require "corpus.compat"
local argparse = require "argparse"

local io_write, io_stderr = io.write, io.stderr
local fmt, rep, concat = string.format, string.rep, table.concat
local type, ipairs, pairs, tostring, tonumber = type, ipairs, pairs, tostring, tonumber
local math_type = compat.math_type

local M = {}

--- the subcommands, in the order `corpus --help` lists them
M.COMMANDS = {
  "index", "add", "delete", "check", "optimize", "stats", "doc",
  "count", "kwic", "search", "freq", "ngrams", "collocates",
  "collocations", "keyness", "dispersion", "lookup", "similar", "reuse",
  "quotes", "entities", "dates", "numbers", "report",
}

M.EXIT = {found = 0, none = 1, usage = 2, data = 3}

-- {======================================================================
-- Failing: commands call cli.usage_error / cli.data_error, which raise a
-- tagged error caught by main (so nothing in a command calls os.exit).
-- =======================================================================

local Fail = {}

function M.usage_error(msg) error(setmetatable({msg = msg, status = 2}, Fail), 0) end
function M.data_error(msg) error(setmetatable({msg = msg, status = 3}, Fail), 0) end

--- v, msg, code from the API -> v, or a failure with the right status
-- (ESYNTAX of a query and EINVAL are the user's arguments: usage)
function M.check(v, msg, code)
  if v == nil and msg ~= nil then
    if code == "ESYNTAX" and not tostring(msg):find("%.jsonl?:%d+:") then M.usage_error(msg) end
    if code == "EINVAL" then M.usage_error(msg) end
    M.data_error(msg)
  end
  return v
end

-- }======================================================================

-- {======================================================================
-- Shared options
-- =======================================================================

local function integer(min)
  return function(s)
    local n = compat.tointeger(tonumber(s))
    if not n then return nil, "a whole number expected, got '" .. s .. "'" end
    if min and n < min then return nil, ("%d or more expected, got %d"):format(min, n) end
    return n
  end
end
M.integer = integer

function M.source(cmd)
  cmd:argument("source", "An index directory, a JSON Lines file, a directory of .txt " ..
    "files, a text file, or - for JSON Lines on standard input.")
end

function M.where(cmd)
  cmd:option("--where", "Only documents matching this query (metadata filters: " ..
    "'year:>=2015', 'country:FRA').")
end

function M.layer(cmd)
  cmd:option("--layer", "Token layer: word, norm (default) or stem (or any layer " ..
    "the corpus has).")
end

function M.limit(cmd, default)
  cmd:option("--limit", "At most this many rows (0: all).",
    tostring(default)):convert(integer(0))
end

function M.format(cmd)
  cmd:option("--format", "Output: table (for people), tsv, csv, json or jsonl.", "table")
    :choices{"table", "tsv", "csv", "json", "jsonl"}
  cmd:option("-o --output", "Write the output to this file instead of standard output.")
end

function M.language(cmd)
  cmd:option("--language", "Stemmer language of an in-memory corpus (default english).")
end

function M.quiet(cmd)
  cmd:flag("-q --quiet", "No progress line while loading documents.")
end

function M.by(cmd, what)
  cmd:option("--by", what or "One result per group of documents with the same value of this " ..
    "metadata field (repeat or comma-separate for several fields).")
    :count("*")
end

--- the --by fields of args as the API takes them (nil when none)
function M.by_value(args)
  local list = {}
  for _, v in ipairs(args.by or {}) do
    for f in v:gmatch("[^,]+") do list[#list + 1] = f end
  end
  if #list == 0 then return nil end
  return list
end

--- the columns of grouped rows: the --by fields first
function M.by_cols(args, cols)
  local by = M.by_value(args)
  if not by then return cols end
  local out = {}
  for _, f in ipairs(by) do out[#out + 1] = f end
  for _, c in ipairs(cols) do out[#out + 1] = c end
  return out
end

--- Slurm options shared by the sharded commands (index --shards, freq
-- --slurm, ngrams --slurm): they go to corpus.shard as they are
function M.slurm(cmd)
  cmd:flag("--slurm", "Run the tasks as a Slurm job array (sbatch; SLURM_CONF as for " ..
    "any Slurm client) instead of local processes.")
  cmd:option("--partition", "Slurm partition of the job array.")
  cmd:option("--time", "Slurm time limit of each task (e.g. 30:00).")
  cmd:option("--mem", "Slurm memory of each task (e.g. 4G).")
  cmd:option("--retries", "Resubmit a failed task this many times.", "1"):convert(M.integer(0))
  cmd:option("--jobs", "Local processes at a time (without --slurm).", "2"):convert(M.integer(1))
end

--- declare the shared options named in list, in its order: each entry
-- names one of the declarers above ("where", "layer", "format", ...);
-- "limit=25" passes the default.  One line per command instead of one
-- call per option, so every command declares them the same way.
function M.options(cmd, list)
  for _, entry in ipairs(list) do
    local name, arg = entry:match("^(%w+)=(.*)$")
    name = name or entry
    local declare = M[name]
    if type(declare) ~= "function" then
      error("cli.options: no shared option '" .. name .. "'", 2)
    end
    if arg then declare(cmd, tonumber(arg) or arg) else declare(cmd) end
  end
end

--- the options table of corpus.shard from parsed Slurm flags
function M.slurm_value(args)
  if not args.slurm then
    for _, k in ipairs{"partition", "time", "mem"} do
      if args[k] then M.usage_error("--" .. k .. " needs --slurm") end
    end
  end
  return {slurm = args.slurm or nil, partition = args.partition, time = args.time,
          mem = args.mem, retries = args.retries, jobs = args.jobs}
end

--- the corpus.shard.analyse options common to the commands run with
-- --slurm: the Slurm flags, layer, limit; --stop and --by are refused
-- (a map/reduce counts whole shards) and the source must be sharded
function M.shard_analysis(args, what)
  if args.stop or (args.by and #args.by > 0) then
    M.usage_error("--slurm counts whole shards: --stop and --by are not supported with it")
  end
  if not M.exists(args.source .. "/SHARDS") then
    M.usage_error(args.source .. ": --slurm needs a sharded index (corpus index --shards)")
  end
  local o = M.slurm_value(args)
  o.what, o.layer = what, args.layer
  if args.limit and args.limit > 0 then o.limit = args.limit end
  return o
end

function M.stop(cmd)
  cmd:option("--stop", "Stop words to leave out: 'english' (the list in docs/STATS.md), " ..
    "a file (one word a line) or comma-separated words.")
end

--- the stop option of args as the API takes it
function M.stop_value(args)
  local s = args.stop
  if s == nil or s == "english" then return s end
  local f = io.open(s, "rb")
  if f then f:close() return s end
  local list = {}
  for w in s:gmatch("[^,]+") do list[#list + 1] = w end
  return list
end

-- }======================================================================

-- {======================================================================
-- Loading sources, with a progress line on a terminal
-- =======================================================================

local function is_dir(path) return corpus.core.listdir(path) ~= nil end

local function exists(path)
  local f = io.open(path, "rb")
  if f then f:close() return true end
  return false
end

M.exists = exists

local stderr_tty
local function stderr_is_tty()
  if stderr_tty == nil then
    local r = os.execute("test -t 2")   -- true (5.2+) or 0 (5.1) when it is
    stderr_tty = r == true or r == 0
  end
  return stderr_tty
end

local function clock() return os.time() end

-- a progress reporter over 'total' bytes of text, or a no-op
local function progress(args, total)
  if (args and args.quiet) or not stderr_is_tty() then
    return {step = function() end, done = function() end}
  end
  local t0 = clock()
  local p = {}
  function p.step(docs, bytes)
    local dt = clock() - t0
    local mb = bytes / 1e6
    local line = fmt("corpus: %d documents, %.1f MB", docs, mb)
    if dt >= 1 then
      local rate = mb / dt
      line = line .. fmt(", %.1f MB/s", rate)
      if total and total > bytes and rate > 0 then
        local eta = (total - bytes) / 1e6 / rate
        line = line .. fmt(", ETA %d:%02d", math.floor(eta / 60), math.floor(eta % 60))
      end
    end
    io_stderr:write("\r", line, "\27[K")
  end
  function p.done(docs, bytes)
    p.step(docs, bytes)
    io_stderr:write("\n")
  end
  return p
end

local BATCH = 500

-- add a list of documents in batches, with progress
local function add_docs(c, docs, args)
  local total = 0
  for _, d in ipairs(docs) do total = total + #d.text end
  local p = progress(args, total)
  local bytes = 0
  for i = 1, #docs, BATCH do
    local batch = {}
    for j = i, math.min(i + BATCH - 1, #docs) do
      batch[#batch + 1] = docs[j]
      bytes = bytes + #docs[j].text
    end
    M.check(c:add_docs(batch))
    p.step(i + #batch - 1, bytes)
  end
  p.done(#docs, bytes)
  return #docs
end

-- JSON Lines files through c:add_jsonl (parsed and tokenized in C on
-- worker threads), a file a call, with progress by file bytes
local function add_jsonl_files(c, files, args)
  local sizes, total = {}, 0
  for i, f in ipairs(files) do
    local h = io.open(f, "rb")
    sizes[i] = h and h:seek("end") or 0
    if h then h:close() end
    total = total + sizes[i]
  end
  local p = progress(args, total)
  local n, bytes = 0, 0
  for i, f in ipairs(files) do
    n = n + M.check(c:add_jsonl(f))
    bytes = bytes + sizes[i]
    p.step(n, bytes)
  end
  p.done(n, bytes)
  return n
end

--- add one input to c: "-" (JSON Lines on stdin), a .jsonl file, a
-- directory of .jsonl files (in name order) or else of .txt files, or
-- one text file; returns the number added
function M.add_input(c, path, args)
  if path == "-" then
    return add_docs(c, M.check(corpus.read_jsonl(io.stdin)), args)
  elseif is_dir(path) then
    -- a directory of JSON Lines files (as the shared corpora are), or of .txt
    local names = corpus.core.listdir(path) or {}
    local jsonl = {}
    for _, n in ipairs(names) do if n:match("%.jsonl$") then jsonl[#jsonl + 1] = n end end
    if #jsonl == 0 then return M.check(c:add_dir(path)) end
    for i, n in ipairs(jsonl) do jsonl[i] = path:gsub("/$", "") .. "/" .. n end
    return add_jsonl_files(c, jsonl, args)
  elseif path:match("%.jsonl$") then
    return add_jsonl_files(c, { path }, args)
  elseif path:match("%.conllu$") then   -- annotated input: layers and spans
    return M.check(c:add_conllu(path))
  elseif path:match("%.vrt$") then
    return M.check(c:add_vrt(path))
  end
  return (M.check(c:add_file(path)) and 1)
end

--- whether path is an index directory (a MANIFEST, or a sharded index's SHARDS)
function M.is_index(path)
  return path ~= "-" and is_dir(path)
     and (exists(path .. "/MANIFEST") or exists(path .. "/SHARDS"))
end

--- open a source: an index directory, or inputs read into memory
function M.open_source(args)
  local path = args.source
  if M.is_index(path) then
    return M.check(corpus.open(path))
  end
  if path ~= "-" and not is_dir(path) and not exists(path) then
    M.data_error(path .. ": No such file or directory")
  end
  local c = corpus.new{language = args.language}
  M.add_input(c, path, args)
  return c
end

-- }======================================================================

-- {======================================================================
-- Output
-- =======================================================================

local function ulen(s) return compat.utf8_len(s) or #s end

local function cell(v)
  if v == nil then return "" end
  if math_type(v) == "float" then return fmt("%.3f", v) end
  if type(v) == "table" then
    local t = {}
    for i, x in ipairs(v) do t[i] = tostring(x) end
    return concat(t, "|")
  end
  return (tostring(v):gsub("%s+", " "))
end

-- rows as aligned text: numbers right-aligned, text left-aligned
local function table_text(rows, cols)
  local width, numeric, cells = {}, {}, {}
  for j, k in ipairs(cols) do
    width[j] = ulen(k)
    numeric[j] = true
    for _, r in ipairs(rows) do
      if r[k] ~= nil and type(r[k]) ~= "number" then numeric[j] = false end
    end
  end
  for i, r in ipairs(rows) do
    local line = {}
    for j, k in ipairs(cols) do
      local s = cell(r[k])
      line[j] = s
      if ulen(s) > width[j] then width[j] = ulen(s) end
    end
    cells[i] = line
  end
  local out = {}
  local function put(line)
    local t = {}
    for j, s in ipairs(line) do
      local pad = rep(" ", width[j] - ulen(s))
      t[j] = numeric[j] and pad .. s or (j < #line and s .. pad or s)
    end
    out[#out + 1] = concat(t, "  ")
  end
  put(cols)
  for _, line in ipairs(cells) do put(line) end
  return concat(out, "\n") .. "\n"
end

M.table_text = table_text

--- write rows in args.format to args.output or stdout; returns the
-- exit status (1 when there are no rows).  cols: the columns, in order.
function M.emit(rows, cols, args, opts)
  opts = opts or {}
  local out = io.stdout
  if args.output then
    local f, msg = io.open(args.output, "wb")
    if not f then M.data_error(msg) end
    out = f
  end
  if args.format == "table" then
    out:write(opts.table and opts.table(rows) or table_text(rows, cols))
  else
    M.check(corpus.write(rows, out, {format = args.format, columns = cols}))
  end
  if out ~= io.stdout then out:close() end
  return #rows > 0 and 0 or 1
end

--- a command that lists one extractor's rows (dates, numbers): the
-- method name, its summary, the machine columns and the table line of
-- a row (text already on one line)
function M.extract_command(method, summary, cols, line)
  return {
    summary = summary,
    setup = function(cmd, cli)
      cli.source(cmd)
      cli.limit(cmd, 0)
      cli.format(cmd)
      cli.language(cmd)
      cli.quiet(cmd)
    end,
    run = function(args, cli)
      local c = cli.open_source(args)
      local rows = cli.check(c[method](c, nil, {limit = args.limit > 0 and args.limit or nil}))
      return cli.emit(rows, cols, args, {table = function(rs)
        local out = {}
        for i, r in ipairs(rs) do out[i] = line(r, (r.text:gsub("%s+", " "))) .. "\n" end
        return table.concat(out)
      end})
    end,
  }
end

--- the first n rows of rows (all when n is 0 or nil)
function M.head(rows, n)
  if not n or n == 0 or #rows <= n then return rows end
  local t = {}
  for i = 1, n do t[i] = rows[i] end
  return t
end

-- }======================================================================

-- {======================================================================
-- The parser
-- =======================================================================

local VERSION = "corpus " .. tostring(corpus.version)

local function build()
  local p = argparse("corpus", "Index and analyse text corpora: search, concordances, " ..
    "frequencies, collocations, keyness, dispersion.")
    :epilog("Run `corpus <command> --help` for a command's options; `man corpus` " ..
      "for exit status and examples.")
    :command_target("command")
    :help_max_width(80)
  p:flag("--version", "Print the version and exit.")
    :action(function() io_write(VERSION, "\n") os.exit(0) end)
  local mods = {}
  for _, name in ipairs(M.COMMANDS) do
    local m = require("corpus.cli." .. name)
    local cmd = p:command(name):summary(m.summary)
      :description(m.description or m.summary)
    m.setup(cmd, M)
    mods[name] = m
  end
  return p, mods
end

-- run the parsed command; returns the exit status
local function run(argv)
  local p, mods = build()
  local usage_err
  p.error = function(parser, msg)
    usage_err = parser:get_usage() .. "\n\ncorpus: " .. msg
    error(setmetatable({msg = usage_err, status = 2, raw = true}, Fail), 0)
  end
  local args = p:parse(argv)
  return mods[args.command].run(args, M)
end

--- main(argv) -> exit status (bin/corpus exits with it)
function M.main(argv)
  local ok, status = pcall(run, argv)
  if ok then return status or 0 end
  if getmetatable(status) == Fail then
    io_stderr:write(status.raw and "" or "corpus: ", status.msg, "\n")
    return status.status
  end
  -- a raised API error: a bad option value given by the user
  local msg = tostring(status):gsub("^[^:]*%.lua:%d+: ", "")
  io_stderr:write("corpus: ", msg, "\n")
  return 2
end

M.version = VERSION

return M
