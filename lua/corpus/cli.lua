--- corpus.cli: the command-line tool (bin/corpus).  Each command is a
-- few lines over the Lua API; the tool adds argument parsing and
-- aligned, plain-text output.  `corpus help` lists the commands.

local corpus = require "corpus"
local compat = require "corpus.compat"

local io_write, io_stderr = io.write, io.stderr
local fmt, rep = string.format, string.rep
local tonumber, ipairs, pairs, type, next = tonumber, ipairs, pairs, type, next

local M = {}

local USAGE = [[
usage: corpus <command> [options] <source> [arguments]

<source> is an index directory (made by `corpus index`), a JSON Lines
file, a directory of .txt files, or a text file.

commands:
  index <dir> <input>...        build an on-disk index from inputs
                                (JSON Lines files, .txt directories, files)
  stats <source>                corpus statistics
  count <source> <query>        number of matches
  kwic <source> <query>         concordance (--width N, --limit N)
  search <source> <query>       ranked documents with snippets (--limit N,
                                --fields title=2,text=1)
  freq <source>                 frequency list (--limit N, --layer L, --min N,
                                --where FILTER)
  ngrams <source> <n>           n-grams (--limit N, --min N, --where FILTER)
  collocates <source> <query>   collocates (--window N, --measure M, --limit N,
                                --where FILTER)
  doc <source> <n|id>           one document's text
  quotes <source>               quotations with speakers (--speaker NAME,
                                --kind direct|mixed|indirect, --limit N)
  entities <source>             names with counts (--kind person|org|place|other)
  dates <source>                dates with TIMEX3 values (--limit N)
  numbers <source>              numbers with values and units (--limit N)

options: --language NAME  --layer word|norm|stem  --limit N  --width N
         --min N  --window N  --measure NAME  --where FILTER
         --fields NAME=W,...   (an option a command does not take: exit 2)
]]

local function die(msg, code)
  io_stderr:write("corpus: ", msg, "\n")
  os.exit(code or 1)
end

-- split argv into positional arguments and --options
local function parse_args(argv)
  local pos, opt = {}, {}
  local i = 1
  while i <= #argv do
    local a = argv[i]
    local name, val = a:match("^%-%-([%w_]+)=(.*)$")
    if name then
      opt[name] = val
    elseif a:match("^%-%-[%w_]+$") then
      name = a:sub(3)
      i = i + 1
      if argv[i] == nil then die("option --" .. name .. " needs a value", 2) end
      opt[name] = argv[i]
    else
      pos[#pos + 1] = a
    end
    i = i + 1
  end
  return pos, opt
end

local function num(opt, name, default)
  if opt[name] == nil then return default end
  local n = tonumber(opt[name])
  if not n or n ~= math.floor(n) then die("--" .. name .. " needs a whole number", 2) end
  return compat.tointeger(n)
end

local function is_dir(path)
  return corpus.core.listdir(path) ~= nil
end

local function exists(path)
  local f = io.open(path, "rb")
  if f then f:close() return true end
  return false
end

-- add one input (jsonl file, directory of .txt, plain file) to c
local function add_input(c, path)
  local n, msg
  if is_dir(path) then n, msg = c:add_dir(path)
  elseif path:match("%.jsonl$") then n, msg = c:add_jsonl(path)
  else n, msg = c:add_file(path) end
  if not n then die(msg) end
  return n
end

-- open a source: an index directory, or inputs read into memory
local function open_source(path, opt)
  if path == nil then die("missing <source>; see `corpus help`", 2) end
  if is_dir(path) and exists(path .. "/MANIFEST") then
    local c, msg = corpus.open(path)
    if not c then die(msg) end
    return c
  end
  local c = corpus.new{language = opt.language}
  add_input(c, path)
  return c
end

local function check(v, msg)
  if v == nil then die(msg) end
  return v
end

local commands = {}

function commands.index(pos, opt)
  local dir = pos[1]
  if not dir or #pos < 2 then die("usage: corpus index <dir> <input>...", 2) end
  local w, msg
  if exists(dir .. "/MANIFEST") then w, msg = corpus.open(dir, {write = true})
  else w, msg = corpus.create(dir, {language = opt.language}) end
  if not w then die(msg) end
  local total = 0
  for i = 2, #pos do total = total + add_input(w, pos[i]) end
  local ok, cmsg = w:commit()
  if not ok then die(cmsg) end
  local st = w:stats()
  w:close()
  io_write(fmt("%s: added %d documents; %d documents, %d tokens in all\n",
    dir, total, st.docs, st.tokens))
end

function commands.stats(pos, opt)
  local c = open_source(pos[1], opt)
  local st = check(c:stats())
  for _, k in ipairs{"docs", "tokens", "words", "punct", "types", "sentences",
                     "paragraphs", "bytes", "invalid_utf8", "segments"} do
    io_write(fmt("%-13s %d\n", k, st[k]))
  end
end

function commands.count(pos, opt)
  local c = open_source(pos[1], opt)
  local n, msg = c:count(pos[2] or "", {layer = opt.layer})
  io_write(check(n, msg), "\n")
end

-- the last `n` characters of s (UTF-8 aware)
local function tail(s, n)
  local len = compat.utf8_len(s) or #s
  if len <= n then return s end
  return s:sub(compat.utf8_offset(s, len - n + 1) or 1)
end

local function head(s, n)
  local len = compat.utf8_len(s) or #s
  if len <= n then return s end
  return s:sub(1, (compat.utf8_offset(s, n + 1) or (#s + 1)) - 1)
end

local function pad_left(s, n)
  return rep(" ", n - (compat.utf8_len(s) or #s)) .. s
end

function commands.kwic(pos, opt)
  local c = open_source(pos[1], opt)
  local q = pos[2] or ""
  local ok, msg = corpus.parse(q, {layer = opt.layer})
  if not ok then die(msg) end
  local limit = num(opt, "limit", 50)
  local shown = 0
  for k in c:kwic(q, {width = num(opt, "width", 6), layer = opt.layer}) do
    local left = tail(k.left:gsub("%s+", " "), 40)
    local right = head(k.right:gsub("%s+", " "), 40)
    io_write(fmt("%-20s %s  %s  %s\n", head(k.id, 20), pad_left(left, 40),
      k.match:gsub("%s+", " "), right))
    shown = shown + 1
    if shown >= limit then break end
  end
end

function commands.search(pos, opt)
  local c = open_source(pos[1], opt)
  local fields
  if opt.fields then        -- --fields title=2,text=1
    fields = {}
    for name, w in opt.fields:gmatch("([^,=]+)=([^,]+)") do
      fields[name] = tonumber(w) or die("--fields: weight of '" .. name .. "' must be a number", 2)
    end
    if next(fields) == nil then die("--fields needs name=weight[,name=weight...]", 2) end
  end
  local r = check(c:search(pos[2] or "", {limit = num(opt, "limit", 10), fields = fields}))
  for i, h in ipairs(r.hits) do
    io_write(fmt("%2d. %-24s %.6g\n    %s\n", i, h.id, h.score,
      (h.snippet or ""):gsub("%s+", " ")))
  end
  io_write(fmt("(%d matching documents)\n", r.total))
end

local function print_rows(rows, cols)
  local hdr = {"    #"}
  for _, col in ipairs(cols) do
    local v = rows[1] and rows[1][col]
    hdr[#hdr + 1] = type(v) == "number" and fmt(compat.math_type(v) == "float" and "%12s" or "%10s", col)
                    or fmt("%-24s", col)
  end
  io_write(table.concat(hdr, "  "), "\n")
  for i, r in ipairs(rows) do
    local out = {fmt("%5d", i)}
    for _, col in ipairs(cols) do
      local v = r[col]
      if compat.math_type(v) == "float" then out[#out + 1] = fmt("%12.3f", v)
      elseif type(v) == "number" then out[#out + 1] = fmt("%10d", v)
      else out[#out + 1] = fmt("%-24s", tostring(v)) end
    end
    io_write(table.concat(out, "  "), "\n")
  end
end

function commands.freq(pos, opt)
  local c = open_source(pos[1], opt)
  local rows = check(c:freq{limit = num(opt, "limit", 25), layer = opt.layer,
                            min = num(opt, "min", nil), where = opt.where})
  print_rows(rows, {"term", "count", "rate", "docs"})
end

function commands.ngrams(pos, opt)
  local c = open_source(pos[1], opt)
  local n = tonumber(pos[2] or "")
  if not n then die("usage: corpus ngrams <source> <n>", 2) end
  local rows = check(c:ngrams(compat.tointeger(n), {limit = num(opt, "limit", 25),
                                                    min = num(opt, "min", nil),
                                                    where = opt.where}))
  print_rows(rows, {"ngram", "count", "rate", "docs"})
end

function commands.collocates(pos, opt)
  local c = open_source(pos[1], opt)
  local measure = opt.measure or "llr"
  local rows = check(c:collocates(pos[2] or "", {window = num(opt, "window", 5),
    measure = measure, limit = num(opt, "limit", 25), where = opt.where}))
  print_rows(rows, {"term", "obs", "freq", measure})
end

function commands.doc(pos, opt)
  local c = open_source(pos[1], opt)
  local key = pos[2]
  if key == nil then die("usage: corpus doc <source> <n|id>", 2) end
  local d = c:doc(compat.tointeger(tonumber(key)) or key)
  if not d then die("no document " .. key) end
  io_write(d.text, "\n")
end

require("corpus.cli_extract")(commands, {
  open_source = open_source, die = die, check = check, num = num, head = head,
  print_rows = print_rows })

function commands.help()
  io_write(USAGE)
end

-- the flags each command of this file takes; any other is an error
-- (exit 2).  Commands added by other modules (cli_extract) check theirs.
local FLAGS = {
  index = {"language"}, stats = {"language"}, count = {"language", "layer"},
  kwic = {"language", "layer", "width", "limit"},
  search = {"language", "limit", "fields"},
  freq = {"language", "layer", "limit", "min", "where"},
  ngrams = {"language", "limit", "min", "where"},
  collocates = {"language", "window", "measure", "limit", "where"},
  doc = {"language"}, help = {},
}

local function check_flags(cmd, opt)
  local valid, set = FLAGS[cmd], {}
  if not valid then return end     -- commands of other modules check their own
  for _, k in ipairs(valid) do set[k] = true end
  for k in pairs(opt) do
    if not set[k] then
      local best = corpus.core.suggest(k, valid)
      local list = {}
      for i, v in ipairs(valid) do list[i] = "--" .. v end
      die(("unknown option --%s for '%s'%s; valid: %s"):format(k, cmd,
        best and (" (did you mean --" .. best .. "?)") or "",
        #list > 0 and table.concat(list, " ") or "(none)"), 2)
    end
  end
end

--- main(argv): run one command; exits non-zero on failure.
function M.main(argv)
  local cmd = argv[1]
  if cmd == nil or cmd == "-h" or cmd == "--help" then cmd = "help" end
  local f = commands[cmd]
  if not f then die("unknown command '" .. cmd .. "'; see `corpus help`", 2) end
  local rest = {}
  for i = 2, #argv do rest[#rest + 1] = argv[i] end
  local pos, opt = parse_args(rest)
  check_flags(cmd, opt)
  f(pos, opt)
end

M.usage = USAGE

return M
