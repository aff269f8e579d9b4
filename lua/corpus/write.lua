--[[
corpus.write -- export result rows as CSV, TSV, JSON or JSON Lines.

  corpus.write(rows, dest [, {format =, columns =, info =}])
    -> true | nil, message, code

rows is a list of tables (the rows every statistic returns, concordance
rows, count-by rows ...).  dest is a file name or an open file handle
(io.stdout).  format is "csv", "tsv", "json" or "jsonl"; with a file
name it defaults to the name's extension.  columns is the list of
fields to write, in order; by default every field seen in the rows,
well-known ones first (group, doc, id, term, ...), the rest sorted.

  csv    RFC 4180: a header line, CRLF line ends, a field quoted when it
         holds a comma, a double quote, CR or LF (quotes doubled).
  tsv    a header line, LF line ends; tab, LF, CR and backslash inside a
         value are written \t \n \r \\ (so every line is one row).
  json   one array of objects (`[]` when there are no rows).
  jsonl  one object per line (nothing when there are no rows).

Numbers are written in the shortest form that reads back to the same
value; a table value (a list of positions, a repeated metadata field)
is written as JSON text in CSV and TSV, as JSON in JSON; an empty
table is an empty array.  info (the second result of a statistic), when
given with a file name, is written beside it as <name>.info.json.

The JSON writer is hand-written rather than cjson.encode because the
rows need a fixed key order (the columns) and empty lists must stay
arrays; scalars still go through cjson.
]]

local cjson = require "cjson"
local raise = require("corpus.core").error   -- at the caller's line
local compat = require "corpus.compat"

local type, pairs, ipairs, tostring = type, pairs, ipairs, tostring
local math_type, concat, sort = compat.math_type, table.concat, table.sort
local fmt = string.format

-- columns written first when present, in this order
local FIRST = {
  "group", "rank", "doc", "id", "term", "ngram", "w1", "w2", "category",
  "entry", "left", "match", "right", "start", "stop", "hits", "docs",
  "words", "per_million", "count", "rate", "obs", "exp", "freq", "f1", "f2",
  "a", "b", "rate_a", "rate_b", "score",
}
local FIRST_RANK = {}
for i, k in ipairs(FIRST) do FIRST_RANK[k] = i end

local FORMATS = {csv = true, tsv = true, json = true, jsonl = true}

-- the columns of rows: every string key seen, well-known ones first
local function columns_of(rows)
  local seen, cols = {}, {}
  for _, r in ipairs(rows) do
    for k in pairs(r) do
      if type(k) == "string" and not seen[k] then
        seen[k] = true
        cols[#cols + 1] = k
      end
    end
  end
  sort(cols, function(a, b)
    local ra, rb = FIRST_RANK[a], FIRST_RANK[b]
    if ra and rb then return ra < rb end
    if ra or rb then return ra ~= nil end
    return a < b
  end)
  return cols
end

-- a number in the shortest "%.Ng" that reads back to the same value
local function num(v)
  if math_type(v) == "integer" then return fmt("%d", v) end
  if v ~= v or v == math.huge or v == -math.huge then return nil end
  for p = 15, 17 do
    local s = fmt("%." .. p .. "g", v)
    if tonumber(s) == v then return s end
  end
  return fmt("%.17g", v)
end

local json_value

local function json_table(t)
  local n = #t
  local is_list = n > 0 or next(t) == nil
  if is_list then
    for k in pairs(t) do
      if math_type(k) ~= "integer" or k < 1 or k > n then is_list = false break end
    end
  end
  local out = {}
  if is_list then
    for i = 1, n do out[i] = json_value(t[i]) end
    return "[" .. concat(out, ",") .. "]"
  end
  local keys = {}
  for k in pairs(t) do keys[#keys + 1] = tostring(k) end
  sort(keys)
  for i, k in ipairs(keys) do
    local v = t[k]
    if v == nil then v = t[tonumber(k)] end
    out[i] = cjson.encode(k) .. ":" .. json_value(v)
  end
  return "{" .. concat(out, ",") .. "}"
end

function json_value(v)
  local t = type(v)
  if t == "number" then return num(v) or "null"
  elseif t == "string" then return cjson.encode(v)
  elseif t == "boolean" then return tostring(v)
  elseif t == "table" then return json_table(v)
  end
  return "null"
end

local function json_row(r, cols)
  local out = {}
  for i, k in ipairs(cols) do
    out[i] = cjson.encode(k) .. ":" .. json_value(r[k])
  end
  return "{" .. concat(out, ",") .. "}"
end

-- a value as the text of one CSV/TSV cell
local function cell(v)
  local t = type(v)
  if v == nil then return ""
  elseif t == "number" then return num(v) or tostring(v)
  elseif t == "table" then return json_table(v)
  end
  return tostring(v)
end

local function csv_field(s)
  if s:find('[,"\r\n]') then return '"' .. s:gsub('"', '""') .. '"' end
  return s
end

local TSV_ESC = {["\t"] = "\\t", ["\n"] = "\\n", ["\r"] = "\\r", ["\\"] = "\\\\"}
local function tsv_field(s)
  return (s:gsub("[\t\n\r\\]", TSV_ESC))
end

-- write rows to the open file f; true | nil, msg, "EIO"
local function emit(f, rows, cols, format)
  local put = function(s)
    local ok, err = f:write(s)
    if not ok then error({eio = err}) end
  end
  if format == "json" then
    put("[")
    for i, r in ipairs(rows) do
      put((i > 1 and ",\n" or "\n") .. json_row(r, cols))
    end
    put(#rows > 0 and "\n]\n" or "]\n")
  elseif format == "jsonl" then
    for _, r in ipairs(rows) do put(json_row(r, cols) .. "\n") end
  else
    local field, sep, eol = csv_field, ",", "\r\n"
    if format == "tsv" then field, sep, eol = tsv_field, "\t", "\n" end
    local line = {}
    for i, k in ipairs(cols) do line[i] = field(k) end
    put(concat(line, sep) .. eol)
    for _, r in ipairs(rows) do
      for i, k in ipairs(cols) do line[i] = field(cell(r[k])) end
      put(concat(line, sep) .. eol)
    end
  end
end

local function write(rows, dest, opts)
  if type(rows) ~= "table" then
    raise(("bad argument #1 to 'write' (table expected, got %s)"):format(type(rows)))
  end
  if opts ~= nil and type(opts) ~= "table" then
    raise(("bad argument #3 to 'write' (table expected, got %s)"):format(type(opts)))
  end
  require("corpus.core").checkopts(opts, "write", 3)   -- the names: csrc/l_opts.c
  opts = opts or {}
  local is_file = io.type(dest) == "file"
  if not is_file and type(dest) ~= "string" then
    raise(("bad argument #2 to 'write' (file name or file expected, got %s)"):format(type(dest)))
  end
  local format = opts.format
  if format == nil and not is_file then format = dest:match("%.(%w+)$") end
  if not FORMATS[format] then
    raise(("bad argument #3 to 'write' (format must be csv, tsv, json or jsonl, got %s)")
          :format(tostring(format)))
  end
  for i, r in ipairs(rows) do
    if type(r) ~= "table" then
      raise(("bad argument #1 to 'write' (row %d is a %s, not a table)"):format(i, type(r)))
    end
  end
  local cols = opts.columns
  if cols ~= nil and type(cols) ~= "table" then
    raise("bad argument #3 to 'write' (columns must be a list of names)")
  end
  cols = cols or columns_of(rows)
  local f, msg
  if is_file then f = dest
  else
    local errno
    f, msg, errno = io.open(dest, "wb")
    if not f then return nil, msg, require("corpus.core").errname(errno or 5) end
  end
  local ok, err = pcall(emit, f, rows, cols, format)
  if not is_file then f:close() end
  if not ok then
    if type(err) == "table" and err.eio then return nil, tostring(err.eio), "EIO" end
    error(err, 0)   -- rethrown as it was raised
  end
  if opts.info ~= nil and not is_file then
    local inf, imsg = io.open(dest .. ".info.json", "wb")
    if not inf then return nil, imsg, "EIO" end
    inf:write(json_value(opts.info), "\n")
    inf:close()
  end
  return true
end

return write
