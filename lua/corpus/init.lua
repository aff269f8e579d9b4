--- corpus: parse, index and analyse text corpora.
--
-- The corpus object is a userdata made by the C core (corpus.core); this
-- file adds the Lua-side methods to its method table, so every method,
-- C or Lua, is called the same way: c:count(q), c:kwic(q), ...
--
-- Error policy (README, "Errors"): misuse raises (wrong argument types,
-- a closed corpus); failures of data or environment return
-- nil, message, code with a stable code ("ENOENT", "ESYNTAX", "EEXIST",
-- "ECORRUPT", ...).  Query iterators (matches, kwic) raise the syntax
-- message instead, since a generic `for` cannot receive nil, message.
--
-- Runs on Lua 5.1, 5.2, 5.3, 5.4 and LuaJIT 2.1.
-- @module corpus

local core = require "corpus.core"

local error, type, tostring = error, type, tostring
local pairs, ipairs, next = pairs, ipairs, next
local compat = require "corpus.compat"
local io_open, math_type = io.open, compat.math_type


local M = {
  version = core.version,
  languages = core.languages,
  core = core,
}

--- "corpus 0.2.0": the module's name and version, as Lua's own _VERSION.
M._VERSION = "corpus " .. core.version

local Corpus = core.methods

-- raise "bad argument #n to 'fname' (<t> expected, got <type>)" unless
-- v has type t (or is nil and optional); level is the caller's caller
local function argtype(v, t, n, fname, optional, level)
  if type(v) ~= t and not (optional and v == nil) then
    error(("bad argument #%d to '%s' (%s expected, got %s)"):format(n, fname, t, type(v)),
          (level or 2) + 1)
  end
end

-- a file name: a string without NUL bytes (the OS would cut it there
-- and open another file)
local function argpath(v, n, fname, level)
  argtype(v, "string", n, fname, false, (level or 2) + 1)
  if v:find("\0", 1, true) then
    error(("bad argument #%d to '%s' (path contains a NUL byte)"):format(n, fname),
          (level or 2) + 1)
  end
end

local function check_open(self, fname)
  if type(self) ~= "userdata" or self.isclosed == nil then
    error(("bad self to '%s' (corpus expected)"):format(fname), 3)
  end
  if self:isclosed() then error("attempt to use a closed corpus", 3) end
end

--- corpus.new([opts]) -> corpus.  opts.language picks the stemmer
-- ("english" by default; an unknown name raises and lists the known
-- ones); opts.mode is "corpus" (default) or "strict" tokenization.
-- @tparam[opt] table opts `{language = "english", mode = "corpus"}`
-- @treturn Corpus an empty in-memory corpus
-- @raise on an unknown option, language or mode
function M.new(opts)
  argtype(opts, "table", 1, "new", true)
  local c, msg = core.new(opts)
  if not c then error(msg, 2) end
  return c
end

-- {======================================================================
-- Adding documents
-- =======================================================================

-- metadata of a document table: every field but id and text
local function doc_meta(d)
  local meta
  for k, v in pairs(d) do
    if k ~= "id" and k ~= "text" then
      if type(k) ~= "string" then
        error("document field names must be strings", 3)
      end
      meta = meta or {}
      meta[k] = v
    end
  end
  return meta
end

local function check_doc(d, level)
  if type(d) ~= "table" then
    error(("bad argument #1 to 'add' (table expected, got %s)"):format(type(d)), level)
  end
  if type(d.text) ~= "string" then
    error(("bad argument #1 to 'add' (field 'text' must be a string, got %s)"):format(type(d.text)), level)
  end
  if d.id ~= nil and type(d.id) ~= "string" then
    error(("bad argument #1 to 'add' (field 'id' must be a string, got %s)"):format(type(d.id)), level)
  end
  if d.id == "" then
    error("bad argument #1 to 'add' (field 'id' must not be empty)", level)
  end
end

--- c:add{ id =, text =, <metadata> } -> document number | nil, msg, code.
-- id defaults to the next unused sequence number ("1", "2", ...); a
-- duplicate id returns nil, msg, "EEXIST" and leaves the corpus unchanged.
-- @tparam table d `{id =, text =, <metadata field> = value, ...}`
-- @treturn int the document number
-- @return nil, message, code
-- @raise when d is not a table or text is not a string
function Corpus:add(d)
  check_open(self, "add")
  check_doc(d, 3)
  return self:add_docs{ { id = d.id, text = d.text, meta = doc_meta(d) } }
end

local function read_file(path)
  local f, msg = io_open(path, "rb")
  if not f then
    local code = msg and msg:find("No such file", 1, true) and "ENOENT" or "EIO"
    return nil, msg, code
  end
  local text, err = f:read("*a")
  f:close()
  if not text then return nil, path .. ": " .. tostring(err), "EIO" end
  return text
end

local function basename_noext(path)
  local base = path:match("([^/]*)$")
  return (base:gsub("%.[^.]*$", ""))
end

--- c:add_file(path [, meta]) -> document number | nil, msg, code.
-- The id is the file name without its extension.
-- @tparam string path
-- @tparam[opt] table meta metadata fields of the document
-- @treturn int the document number
-- @return nil, message, code ("ENOENT", "EIO", "EEXIST")
function Corpus:add_file(path, meta)
  check_open(self, "add_file")
  argpath(path, 1, "add_file")
  argtype(meta, "table", 2, "add_file", true)
  local text, msg, code = read_file(path)
  if not text then return nil, msg, code end
  return self:add_docs{ { id = basename_noext(path), text = text, meta = meta } }
end

--- c:add_conllu(path [, meta]) -> number of documents added | nil, msg,
-- code.  CoNLL-U (Universal Dependencies): one document per "# newdoc"
-- (the file name when there is none), layers lemma, upos, xpos, feats,
-- deprel, head, sentences as span set s (sent_id), paragraphs as p;
-- all or nothing (docs/FORMAT.md, csrc/conllu.h).
function Corpus:add_conllu(path, meta)
  check_open(self, "add_conllu")
  argtype(path, "string", 1, "add_conllu")
  argtype(meta, "table", 2, "add_conllu", true)
  local text, msg, code = read_file(path)
  if not text then return nil, msg, code end
  local n
  n, msg, code = self:add_conllu_text(text, basename_noext(path), meta)
  if not n then return nil, path .. ": " .. msg, code end
  return n
end

--- c:add_vrt(path [, {columns = {"word", "lemma", "pos"}, meta = {}}]) ->
-- number of documents added | nil, msg, code.  CWB vertical text: a
-- document per <text> (its attributes become metadata, id= its id),
-- every other tag pair a span of the span set of its name, token
-- columns named by `columns` (one of them "word"); all or nothing
-- (csrc/vrt.h).
function Corpus:add_vrt(path, opts)
  check_open(self, "add_vrt")
  argtype(path, "string", 1, "add_vrt")
  argtype(opts, "table", 2, "add_vrt", true)
  local columns, meta = { "word", "lemma", "pos" }, nil
  if opts then
    for k in pairs(opts) do
      if k ~= "columns" and k ~= "meta" then
        error(("bad argument #2 to 'add_vrt' (unknown option '%s')"):format(tostring(k)), 2)
      end
    end
    if opts.columns ~= nil then
      if type(opts.columns) ~= "table" or #opts.columns == 0 then
        error("bad argument #2 to 'add_vrt' (columns must be a list of names)", 2)
      end
      local word = false
      for i, name in ipairs(opts.columns) do
        if type(name) ~= "string" or not name:match("^[a-z][a-z0-9_]*$") then
          error(("bad argument #2 to 'add_vrt' (column %d: a name like "
            .. "'lemma' expected)"):format(i), 2)
        end
        word = word or name == "word"
      end
      if not word then
        error("bad argument #2 to 'add_vrt' (columns must name one 'word')", 2)
      end
      columns = opts.columns
    end
    if opts.meta ~= nil and type(opts.meta) ~= "table" then
      error("bad argument #2 to 'add_vrt' (meta must be a table)", 2)
    end
    meta = opts.meta
  end
  local text, msg, code = read_file(path)
  if not text then return nil, msg, code end
  local n
  n, msg, code = self:add_vrt_text(text, basename_noext(path), columns, meta)
  if not n then return nil, path .. ": " .. msg, code end
  return n
end

-- a shell-style glob ("*.txt", "doc-??.md") as an anchored Lua pattern
local function glob_pattern(glob)
  local p = glob:gsub("[%^%$%(%)%%%.%[%]%+%-]", "%%%0")
  p = p:gsub("%*", ".*"):gsub("%?", ".")
  return "^" .. p .. "$"
end

--- c:add_dir(path [, {pattern = "*.txt", meta = {}}]) -> number added |
-- nil, msg, code.  Files are added in file-name order, all or nothing.
-- @tparam string path directory
-- @tparam[opt] table opts `{pattern = "*.txt", meta = {}}`
-- @treturn int the number of documents added
-- @return nil, message, code
function Corpus:add_dir(path, opts)
  check_open(self, "add_dir")
  argpath(path, 1, "add_dir")
  argtype(opts, "table", 2, "add_dir", true)
  opts = opts or {}
  local pat = glob_pattern(opts.pattern or "*.txt")
  local names, msg, code = core.listdir(path)
  if not names then return nil, msg, code end
  local docs = {}
  for _, name in ipairs(names) do
    if name:find(pat) then
      local full = path:gsub("/$", "") .. "/" .. name
      local text, m, c = read_file(full)
      if not text then return nil, m, c end
      docs[#docs + 1] = { id = basename_noext(name), text = text, meta = opts.meta }
    end
  end
  local first, m, c = self:add_docs(docs)
  if not first then return nil, m, c end
  return #docs
end

local cjson = require "cjson.safe"
local json = cjson.new()
json.decode_invalid_numbers(false)

-- metadata of one JSON object; nil, message for unsupported values
local function json_meta(obj)
  local meta
  for k, v in pairs(obj) do
    if k ~= "id" and k ~= "text" and v ~= json.null then
      local t = type(v)
      if t == "table" then
        for i, x in ipairs(v) do
          if type(x) ~= "string" and type(x) ~= "number" and type(x) ~= "boolean" then
            return nil, ("field '%s' item %d is not a string, number or boolean"):format(k, i)
          end
        end
        if #v == 0 and next(v) ~= nil then
          return nil, ("field '%s' is an object (only strings, numbers, booleans and lists of them are kept)"):format(k)
        end
      end
      meta = meta or {}
      meta[k] = v
    end
  end
  return meta
end

-- the documents of the JSON Lines of the open file f, from its current
-- position to byte 'stop' (nil: the end), numbering lines after
-- 'lineno' and naming the file 'name' in messages
-- -> list | nil, msg, "ESYNTAX"
local function jsonl_docs(f, name, lineno, pos, stop)
  local docs = {}
  local at_start = pos == 0
  for line in f:lines() do
    if stop then   -- the line started at 'pos': past the range?
      if pos >= stop then break end
      pos = f:seek("cur")
    end
    lineno = lineno + 1
    if at_start then            -- a UTF-8 byte order mark opening the file
      at_start = false
      if line:sub(1, 3) == "\239\187\191" then line = line:sub(4) end
    end
    if line:find("%S") then
      local obj, err = json.decode(line)
      local bad
      if obj == nil then
        bad = "malformed JSON: " .. tostring(err)
      elseif type(obj) ~= "table" or (#obj > 0) then
        bad = "expected a JSON object"
      elseif type(obj.text) ~= "string" then
        bad = "field 'text' must be a string"
      else
        local id = obj.id
        if id == json.null then id = nil end
        if type(id) == "number" then
          -- JSON numbers arrive as doubles: only an integer below 2^53
          -- is certainly the one written (larger ones may have been
          -- rounded into another document's id)
          local n = compat.tointeger(id)
          if n and n > -2^53 and n < 2^53 then id = ("%d"):format(n)
          else
            bad = "field 'id' must be a string or an integer of magnitude below 2^53, got "
                  .. tostring(id)
          end
        elseif id ~= nil and (type(id) ~= "string" or id == "") then
          bad = "field 'id' must be a non-empty string"
        end
        if not bad then
          local meta, merr = json_meta(obj)
          if merr then bad = merr
          else docs[#docs + 1] = { id = id, text = obj.text, meta = meta } end
        end
      end
      if bad then
        return nil, ("%s:%d: %s"):format(name, lineno, bad), "ESYNTAX"
      end
    end
  end
  return docs
end

--- corpus.read_jsonl(path | file) -> list of {id =, text =, meta =} |
-- nil, msg, code: the documents c:add_jsonl would add.  A file handle
-- (io.stdin) is read to its end and left open.
function M.read_jsonl(src)
  if io.type(src) == "file" then
    return jsonl_docs(src, src == io.stdin and "<stdin>" or tostring(src), 0, 0, nil)
  end
  argtype(src, "string", 1, "read_jsonl")
  local f, msg = io_open(src, "rb")
  if not f then
    return nil, msg, (msg and msg:find("No such file", 1, true)) and "ENOENT" or "EIO"
  end
  local docs, m, code = jsonl_docs(f, src, 0, 0, nil)
  f:close()
  return docs, m, code
end

--- c:add_jsonl(path [, {offset =, length =, line =}]) -> number added |
-- nil, msg, code.
-- One JSON object per line with "text" and optional "id" (a string, or
-- an integer which becomes its decimal string) and metadata fields.
-- Blank lines are skipped.  A malformed line is reported with its line
-- number ("ESYNTAX") and nothing of the file is added.  offset/length
-- read only the lines in that byte range (it must start and end at line
-- boundaries), whose first line is number 'line' in messages: a sharded
-- build gives each task one range of a big file.  The file is parsed
-- and tokenized in C on worker threads (docs/SCALE.md, "Threads while
-- adding documents"); what is accepted and every message are those of
-- corpus.read_jsonl.
-- @tparam string path a JSON Lines file
-- @tparam[opt] table opts `{offset =, length =, line =}`
-- @treturn int the number of documents added
-- @return nil, message, code ("ENOENT", "ESYNTAX" with the line, "EEXIST")
function Corpus:add_jsonl(path, opts)
  check_open(self, "add_jsonl")
  argpath(path, 1, "add_jsonl")
  argtype(opts, "table", 2, "add_jsonl", true)
  local offset, length, lineno = 0, nil, 0
  if opts then
    for k in pairs(opts) do
      if k ~= "offset" and k ~= "length" and k ~= "line" then
        error(("bad argument #2 to 'add_jsonl' (unknown option '%s'; valid: "
               .. "offset, length, line)"):format(tostring(k)), 2)
      end
    end
    for _, k in ipairs{"offset", "length", "line"} do
      local v = opts[k]
      if v ~= nil and (math_type(v) ~= "integer" or v < 0) then
        error(("bad argument #2 to 'add_jsonl' (option '%s' must be a "
               .. "non-negative integer)"):format(k), 2)
      end
    end
    offset, length = opts.offset or 0, opts.length
    lineno = (opts.line or 1) - 1
  end
  -- parsed (jansson) and tokenized on worker threads in C; false when
  -- jansson rejected a line: cjson reads the file again below, so that
  -- the message (and what is accepted) stays cjson's
  local n, m0, c0 = self:_add_jsonl(path, offset, length, lineno)
  if n ~= false then return n, m0, c0 end
  local f, msg = io_open(path, "rb")
  if not f then
    return nil, msg, (msg and msg:find("No such file", 1, true)) and "ENOENT" or "EIO"
  end
  if offset > 0 then f:seek("set", offset) end
  local docs, m, code = jsonl_docs(f, path, lineno, offset, length and offset + length)
  f:close()
  if not docs then return nil, m, code end
  local first, m2, c = self:add_docs(docs)
  if not first then return nil, ("%s: %s"):format(path, m2), c end
  return #docs
end

--- for n, id in c:docs() do ... end: the live documents, by number.
-- Numbers are positions in the corpus's order of addition; a deleted
-- document leaves its number unused (c:doc(n) is nil) until a merge
-- renumbers what follows, so numbers are stable between two changes
-- only, and the largest can exceed c:stats().docs.
function Corpus:docs()
  check_open(self, "docs")
  local n, total = 0, self:ndocs()
  return function()
    if self:isclosed() then error("attempt to use a closed corpus", 2) end
    while n < total do
      n = n + 1
      local id = self:_docid(n)
      if id then return n, id end
    end
    return nil
  end
end

-- }======================================================================


-- {======================================================================
-- Queries
-- =======================================================================

local query = require "corpus.query"

-- parse q into a plan; nil, msg, code on a syntax error
local function plan_of(self, q, opts, fname)
  check_open(self, fname)
  argtype(q, "string", 1, fname, false, 3)
  argtype(opts, "table", 2, fname, true, 3)
  local layers = self:_layer_set()   -- stored layers: lemma, upos, ...
  if not layers then layers = {} end
  return query.parse(q, opts, layers)
end

--- corpus.parse(q [, opts]) -> plan table | nil, msg, "ESYNTAX"
-- The query language is docs/QUERY.md.
-- @function parse
-- @tparam string q
-- @tparam[opt] table opts `{layer = "norm", max_repeat =}`
-- @treturn table the plan (plain data)
-- @return nil, message, "ESYNTAX"
M.parse = query.parse

--- c:count(q [, opts]) -> number of matches | nil, msg, code
-- (opts.docs = true: the number of matching documents instead)
-- (opts.where: only documents passing the filter, as in the statistics;
-- opts.by: rows per metadata group, see corpus.group)
-- @tparam string q a query
-- @tparam[opt] table opts `{docs = false, where =, by =, max_matches =, max_expand =}`
-- @treturn int (a list of group rows with `by`)
-- @return nil, message, code ("ESYNTAX", "ELIMIT")
function Corpus:count(q, opts)
  local plan, msg, code = plan_of(self, q, opts, "count")
  if not plan then return nil, msg, code end
  if opts and opts.by ~= nil then return self:_count_by(plan, opts) end
  if opts and opts.where ~= nil then
    local sel
    sel, msg, code = self:_where(opts.where, "count")
    if msg then return nil, msg, code end
    local list, err, ecode = self:_matches(plan, opts)
    if not list then return nil, err, ecode end
    local n, seen = 0, {}
    for _, m in ipairs(list) do
      local d = m.doc - 1
      local byte = sel:byte(math.floor(d / 8) + 1) or 0
      if math.floor(byte / 2 ^ (d % 8)) % 2 == 1 then
        if opts.docs then
          if not seen[m.doc] then seen[m.doc] = true n = n + 1 end
        else
          n = n + 1
        end
      end
    end
    return n
  end
  return self:_count(plan, opts)
end

-- the streaming iterator of the matches of q (csrc/cursor.h): iterator,
-- nil, nil, closing value; raises on a syntax error (iterators)
local function match_stream(self, q, opts, fname)
  local plan, msg = plan_of(self, q, opts, fname)
  if not plan then error(msg, 3) end
  local it, s, ctl, cursor = self:_stream(plan, opts)
  if not it then error(s, 3) end
  return it, s, ctl, cursor
end

--- c:matches(q [, opts]) -> iterator of
-- {doc =, id =, start =, stop =, byte_start =, byte_stop =}: doc is the
-- document number, start/stop token indexes within the document and
-- byte_start/byte_stop byte offsets into its text (all 1-based,
-- inclusive: text:sub(m.byte_start, m.byte_stop) is the matched text).
-- Matches are produced a run of documents at a time: the first comes in
-- about the time of a count and memory stays bounded.  The fourth value
-- is a closing value: on Lua 5.4 a `break` frees the iteration at once;
-- elsewhere the garbage collector does (or cursor:close()).
-- @tparam string q a query
-- @tparam[opt] table opts `{max_matches =, max_expand =}`
-- @return iterator, nil, nil, closing value (a cursor with close())
-- @raise on a syntax error, on a work limit (when reached) and when
-- the corpus is closed during the iteration
function Corpus:matches(q, opts)
  return match_stream(self, q, opts, "matches")
end

--- c:kwic(q [, {width = 5, layer =}]) -> iterator of
-- {doc =, id =, left =, match =, right =, start =, stop =}: up to
-- `width` tokens of context each side, in the original spacing.
-- Streams as matches does (same closing value).
-- @tparam string q a query
-- @tparam[opt] table opts `{width = 5, max_matches =, max_expand =}`
-- @return iterator, nil, nil, closing value
-- @raise as @{Corpus:matches}; a width that is not a non-negative integer
function Corpus:kwic(q, opts)
  local width = opts and opts.width or 5
  if math_type(width) ~= "integer" or width < 0 then
    error("bad argument #2 to 'kwic' (width must be a non-negative integer)", 2)
  end
  local next_match, _, _, cursor = match_stream(self, q, opts, "kwic")
  return function()
    local m = next_match()
    if not m then return nil end
    local left, match, right, id = self:context(m.doc, m.start, m.stop, width)
    return { doc = m.doc, id = id, left = left, match = match, right = right,
             start = m.start, stop = m.stop }
  end, nil, nil, cursor
end

--- c:search(q [, opts]) -> {total =, hits = {{doc, id, score, meta,
-- snippet}, ...}} | nil, msg, code.  Ranked by BM25 (docs/QUERY.md);
-- opts: limit (10), offset (0), k1 (1.2), b (0.75), tokens (snippet
-- length, 24), before/after ("[" "]"), ellipsis ("..."), fields.
-- @tparam string q a query
-- @tparam[opt] table opts see above; fields = `{text = 1, title = 2}`
-- weights fields for BM25F
-- @treturn table `{total =, hits = {...}}`
-- @return nil, message, code
function Corpus:search(q, opts)
  local plan, msg, code = plan_of(self, q, opts, "search")
  if not plan then return nil, msg, code end
  return self:_search(plan, opts)
end

--- c:highlight(doc, q [, {before =, after =}]) -> the text of document
-- number `doc` with every match of q marked | nil, msg, code.
-- @tparam int doc document number
-- @tparam string q a query
-- @tparam[opt] table opts `{before = "[", after = "]"}`
-- @treturn string
-- @return nil, message, code
function Corpus:highlight(doc, q, opts)
  check_open(self, "highlight")
  if math_type(doc) ~= "integer" then
    error(("bad argument #1 to 'highlight' (integer expected, got %s)"):format(type(doc)), 2)
  end
  local plan, msg, code = plan_of(self, q, opts, "highlight")
  if not plan then return nil, msg, code end
  return self:_highlight(doc, plan, opts)
end

-- }======================================================================

-- {======================================================================
-- On-disk indexes (csrc/index.h, docs/FORMAT.md; index engineer).
-- The C methods commit, rollback, optimize, refresh, check, generation,
-- delete and replace live in the same method table (csrc/l_index.c).
-- =======================================================================

local function index_args(fname, path, opts)
  argpath(path, 1, fname, 3)
  argtype(opts, "table", 2, fname, true, 3)
end

--- corpus.create(path [, {language =, mode =}]) -> writable corpus |
-- nil, msg, code ("EEXIST" when something is at path, "ELOCKED", ...).
-- An unknown language or mode raises, as in corpus.new.
-- @tparam string path a directory that does not exist yet
-- @tparam[opt] table opts `{language =, mode =}`
-- @treturn Corpus a writable on-disk corpus (commit makes additions durable)
-- @return nil, message, code
function M.create(path, opts)
  index_args("create", path, opts)
  local c, msg, code = core.create(path, opts)
  if not c and (code == "ELANG" or code == "EINVAL") then error(msg, 2) end
  return c, msg, code
end

--- corpus.open(path [, {write = false, verify = false}]) -> corpus |
-- nil, msg, code ("ENOENT", "ECORRUPT", "EVERSION", "ELOCKED").
-- Read-only snapshot of the last commit unless write = true (which takes
-- the writer lock); verify = true checksums every segment file at open.
-- A sharded index (a directory with a SHARDS manifest: corpus.shard)
-- opens as one read-only corpus over all its shards.
-- @tparam string path an index directory
-- @tparam[opt] table opts `{write = false, verify = false}`
-- @treturn Corpus
-- @return nil, message, code
function M.open(path, opts)
  index_args("open", path, opts)
  if core.is_sharded(path) then
    if opts and opts.write then
      error("corpus.open: '" .. path .. "' is a sharded index, which is read-only "
            .. "(add or replace shards with corpus.build_sharded)", 2)
    end
    return core.open_shards(path)
  end
  return core.open(path, opts)
end

--- corpus.build_sharded{out =, inputs =, shards = N [, slurm = true,
-- ...]} -> corpus | nil, msg, code: a sharded index built by N local
-- processes or a Slurm job array (lua/corpus/shard.lua, docs/SCALE.md).
function M.build_sharded(opts)
  return require("corpus.shard").build(opts)
end

-- }======================================================================

local selection = require("corpus.stats")(Corpus, M)   -- freq, ngrams, ...
require("corpus.extract")(Corpus, M) -- quotes, entities, dates, numbers
require("corpus.reuse")(Corpus, selection)            -- c:reuse

require("corpus.conc")(Corpus, M)    -- c:concordance, sort, sample, rows
require("corpus.group")(Corpus, M)   -- `by` and `stop` on counts and statistics
M.write = require "corpus.write"     -- rows -> CSV, TSV, JSON, JSON Lines
require("corpus.report")(M)          -- corpus.report: one HTML file with plots

return M
