--- corpus.cli: the command-line tool (bin/corpus).  Each command is a
-- few lines over the Lua API; the tool adds argument parsing and
-- aligned, plain-text output.  `corpus help` lists the commands.

local corpus = require "corpus"
local compat = require "corpus.compat"

local io_write, io_stderr = io.write, io.stderr
local fmt, rep = string.format, string.rep
local tonumber, ipairs, type = tonumber, ipairs, type

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
  search <source> <query>       ranked documents with snippets (--limit N)
  freq <source>                 frequency list (--limit N, --layer L, --min N)
  ngrams <source> <n>           n-grams (--limit N, --min N)
  collocates <source> <query>   collocates (--window N, --measure M, --limit N)
  doc <source> <n|id>           one document's text
  quotes <source>               quotations with speakers (--speaker NAME,
                                --kind direct|mixed|indirect, --limit N)
  entities <source>             names with counts (--kind person|org|place|other)
  dates <source>                dates with TIMEX3 values (--limit N)
  numbers <source>              numbers with values and units (--limit N)
  reuse <source> [<other>]      shared passages (--min N, --format tsv|json)

options: --language NAME  --layer word|norm|stem  --limit N  --width N
         --min N  --window N  --measure NAME
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
  local r = check(c:search(pos[2] or "", {limit = num(opt, "limit", 10)}))
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
                            min = num(opt, "min", nil)})
  print_rows(rows, {"term", "count", "rate", "docs"})
end

function commands.ngrams(pos, opt)
  local c = open_source(pos[1], opt)
  local n = tonumber(pos[2] or "")
  if not n then die("usage: corpus ngrams <source> <n>", 2) end
  local rows = check(c:ngrams(compat.tointeger(n), {limit = num(opt, "limit", 25),
                                                  min = num(opt, "min", nil)}))
  print_rows(rows, {"ngram", "count", "rate", "docs"})
end

function commands.collocates(pos, opt)
  local c = open_source(pos[1], opt)
  local measure = opt.measure or "llr"
  local rows = check(c:collocates(pos[2] or "", {window = num(opt, "window", 5),
    measure = measure, limit = num(opt, "limit", 25)}))
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
-- corpus reuse SOURCE [OTHER] [--min N] [--format tsv|json]: passages
-- shared by SOURCE's documents (or found in OTHER), one per line
-- (docs/REUSE.md).  lua/corpus/cli/reuse.lua is the same command for
-- the argparse-based tool.
function commands.reuse(pos, opt)
  local cols = {"a_doc", "a_id", "a_start", "a_stop", "b_doc", "b_id", "b_start",
                "b_stop", "words", "identity", "score", "a_text", "b_text"}
  if pos[1] == nil or pos[3] ~= nil then
    die("usage: corpus reuse <source> [<other>] [--min N] [--format tsv|json]", 2)
  end
  local format = opt.format or "tsv"
  if format ~= "tsv" and format ~= "json" then die("--format must be tsv or json", 2) end
  for k in pairs(opt) do
    if k ~= "min" and k ~= "format" and k ~= "limit" and k ~= "layer" and k ~= "language" then
      die("unknown option --" .. k .. " for reuse", 2)
    end
  end
  local c = open_source(pos[1], opt)
  local other = pos[2] and open_source(pos[2], opt) or nil
  local rows = check(c:reuse{min = num(opt, "min", nil), limit = num(opt, "limit", nil),
                             layer = opt.layer, against = other})
  local out = {}
  for i, r in ipairs(rows) do
    out[i] = {a_doc = r.a.doc, a_id = r.a.id, a_start = r.a.start, a_stop = r.a.stop,
              b_doc = r.b.doc, b_id = r.b.id, b_start = r.b.start, b_stop = r.b.stop,
              words = r.words, identity = r.identity, score = r.score,
              a_text = r.a.text, b_text = r.b.text}
  end
  if format == "json" then
    io_write(require("cjson").encode(out), "\n")
    return
  end
  io_write(table.concat(cols, "\t"), "\n")
  for _, r in ipairs(out) do
    local line = {}
    for j, k in ipairs(cols) do line[j] = (tostring(r[k]):gsub("[\t\r\n]+", " ")) end
    io_write(table.concat(line, "\t"), "\n")
  end
end

function commands.help()
  io_write(USAGE)
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
  f(pos, opt)
end

M.usage = USAGE

return M
