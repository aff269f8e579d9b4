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

-- misuse errors are raised at the caller's level: core.error puts the
-- position of the first stack frame outside the library in front, and
-- core.checkopts rejects option keys a function does not take, naming
-- the closest valid one (csrc/l_opts.c holds the table of names)
local raise, checkopts = core.error, core.checkopts

-- raise "bad argument #n to 'fname' (<t> expected, got <type>)" unless
-- v has type t (or is nil and optional)
local function argtype(v, t, n, fname, optional)
  if type(v) ~= t and not (optional and v == nil) then
    raise(("bad argument #%d to '%s' (%s expected, got %s)"):format(n, fname, t, type(v)))
  end
end

-- a file name: a string without NUL bytes (the OS would cut it there
-- and open another file)
local function argpath(v, n, fname)
  argtype(v, "string", n, fname, false)
  if v:find("\0", 1, true) then
    raise(("bad argument #%d to '%s' (path contains a NUL byte)"):format(n, fname))
  end
end

local function check_open(self, fname)
  if type(self) ~= "userdata" or self.isclosed == nil then
    raise(("bad self to '%s' (corpus expected)"):format(fname))
  end
  if self:isclosed() then raise("attempt to use a closed corpus") end
end

--- corpus.new([opts]) -> corpus.  opts.language picks the stemmer
-- ("english" by default; an unknown name raises and lists the known
-- ones); opts.mode is "corpus" (default) or "strict" tokenization;
-- opts.analyse the analysers run on every document added as text and
-- stored as span sets (true, the default: all; false: none; a list of
-- "entities", "quotes", "dates", "numbers"; docs/EXTRACT.md);
-- opts.fields a list of text metadata fields (`{"title"}`) whose tokens
-- are indexed as documents are added, so that BM25F (c:search with
-- fields) reads them instead of tokenizing each ranked document's value
-- (same scores; c:fields() marks them `indexed`; docs/QUERY.md).
-- @tparam[opt] table opts `{language = "english", mode = "corpus", analyse = true, fields = {}}`
-- @treturn Corpus an empty in-memory corpus
-- @raise on an unknown option, language or mode
function M.new(opts)
  checkopts(opts, "new", 1)
  local c, msg = core.new(opts)
  if not c then raise(msg) end
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
        raise("bad argument #1 to 'add' (document field names must be strings)")
      end
      meta = meta or {}
      meta[k] = v
    end
  end
  return meta
end

local function check_doc(d)
  if type(d) ~= "table" then
    raise(("bad argument #1 to 'add' (table expected, got %s)"):format(type(d)))
  end
  if type(d.text) ~= "string" then
    raise(("bad argument #1 to 'add' (field 'text' must be a string, got %s)"):format(type(d.text)))
  end
  if d.id ~= nil and type(d.id) ~= "string" then
    raise(("bad argument #1 to 'add' (field 'id' must be a string, got %s)"):format(type(d.id)))
  end
  if d.id == "" then
    raise("bad argument #1 to 'add' (field 'id' must not be empty)")
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
  check_doc(d)
  return self:add_docs{ { id = d.id, text = d.text, meta = doc_meta(d) } }
end

-- the code of a failed io.open from its errno (never from the text)
local errname = core.errname

local function read_file(path)
  local f, msg, errno = io_open(path, "rb")
  if not f then return nil, msg, errname(errno) end
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
    checkopts(opts, "add_vrt", 2)
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
  checkopts(opts, "add_dir", 2)
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

local RESERVED = {}
for _, k in ipairs(core.reserved_fields) do RESERVED[k] = true end
local math_tointeger = compat.tointeger

-- a JSON number: an integral value (2024) becomes a Lua integer, since
-- cjson decodes every number as a float
local function json_number(x)
  if type(x) == "number" and x == x and x >= -2^53 and x <= 2^53 then
    return math_tointeger(x) or x
  end
  return x
end

-- metadata of one JSON object; nil, message for unsupported values
local function json_meta(obj)
  local meta
  for k, v in pairs(obj) do
    if k ~= "id" and k ~= "text" and v ~= json.null then
      if RESERVED[k] then
        return nil, ("'%s' is a reserved name, not a metadata field (c:doc(n) uses it for the document)"):format(k)
      end
      local t = type(v)
      if t == "table" then
        for i, x in ipairs(v) do
          if type(x) ~= "string" and type(x) ~= "number" and type(x) ~= "boolean" then
            return nil, ("field '%s' item %d is not a string, number or boolean"):format(k, i)
          end
          v[i] = json_number(x)
        end
        if #v == 0 and next(v) ~= nil then
          return nil, ("field '%s' is an object (only strings, numbers, booleans and lists of them are kept)"):format(k)
        end
      end
      meta = meta or {}
      meta[k] = json_number(v)
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
  local f, msg, errno = io_open(src, "rb")
  if not f then return nil, msg, errname(errno) end
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
  checkopts(opts, "add_jsonl", 2)
  local offset, length, lineno = 0, nil, 0
  if opts then
    for _, k in ipairs{"offset", "length", "line"} do
      local v = opts[k]
      if v ~= nil and (math_type(v) ~= "integer" or v < 0) then
        raise(("bad option '%s' (integer >= 0 expected)"):format(k))
      end
    end
    offset, length = opts.offset or 0, opts.length
    lineno = (opts.line or 1) - 1
  end
  local f, msg, errno = io_open(path, "rb")
  if not f then return nil, msg, errname(errno) end
  -- parsed and tokenized on worker threads in C (jsonl.c); false when a
  -- line was rejected by its parsers: cjson reads the file below, so
  -- that the message (and what is accepted) stays cjson's
  local n, m0, c0 = self:_add_jsonl(path, offset, length, lineno)
  if n ~= false then f:close(); return n, m0, c0 end
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

-- call f on every node of a plan outside token patterns, in order
local function plan_walk(node, f)
  f(node)
  if node.arg then plan_walk(node.arg, f) end
  if node.op ~= "seq" and node.args then
    for _, a in ipairs(node.args) do plan_walk(a, f) end
  end
end

-- the metadata field names a plan filters on, in order of appearance
local function plan_fields(node, out)
  plan_walk(node, function(n)
    if n.op == "meta" or n.op == "field" then out[#out + 1] = n.field end
  end)
  return out
end

local function sorted_keys(t)
  local out = {}
  for k in pairs(t) do out[#out + 1] = k end
  table.sort(out)
  return out
end

--- c:_check_fields(names) -> true | nil, msg, "ESYNTAX" when a name is
-- neither a metadata field of some document nor a layer (a typo'd
-- prefix such as wrod: or a layer the corpus lacks, such as lemma:).
-- An empty corpus has no fields to check against and passes.
function Corpus:_check_fields(names)
  if #names == 0 then return true end
  local fields, msg, code = self:fields()
  if not fields then return nil, msg, code end
  if #fields == 0 and self:stats().docs == 0 then return true end
  local have = {}
  for _, f in ipairs(fields) do have[f.name] = true end
  have.id = true
  for l in pairs(self:_layer_set() or {}) do have[l] = true end
  for _, name in ipairs(names) do
    if not have[name] then
      local layers = sorted_keys(query.LAYERS)
      local fnames = sorted_keys(have)
      local all = {}
      for _, l in ipairs(layers) do all[#all + 1] = l end
      for _, f in ipairs(fnames) do all[#all + 1] = f end
      local best = core.suggest(name, all)
      local hint = ""
      if best then
        hint = query.LAYERS[best] and (" (did you mean the layer '%s:'?)"):format(best)
               or (" (did you mean the field '%s'?)"):format(best)
      end
      return nil, ("'%s:' is neither a layer nor a metadata field of any document%s; "
        .. "layers: %s; fields: %s"):format(name, hint, table.concat(layers, ", "),
        #fnames > 0 and table.concat(fnames, ", ") or "(none)"), "ESYNTAX"
    end
  end
  return true
end

-- the string equality filters of a plan (field:value, no glob)
local function plan_eqs(node, out)
  plan_walk(node, function(n)
    if n.op == "meta" and n.cmp == "eq" and type(n.value) == "string"
       and not n.value:find("[*?]") then
      out[#out + 1] = n
    end
  end)
  return out
end

--- c:_check_words(plan) -> true | nil, msg, "ESYNTAX": a filter
-- field:value compares the whole value, so title:cocoa does not match
-- the title "BAHIA COCOA REVIEW" (a search engine's habit would).  When
-- such a filter matches no document but the value is a word inside
-- the field of some, the query is refused with what to write instead,
-- rather than answering 0 (docs/QUERY.md "Metadata filters").
function Corpus:_check_words(plan)
  for _, n in ipairs(plan_eqs(plan, {})) do
    local exact = self:_count({op = "meta", field = n.field, cmp = "eq",
                               value = n.value, nocase = n.nocase}, {docs = true})
    if exact == 0 and not n.nocase then
      local other = self:_count({op = "meta", field = n.field, cmp = "eq",
                                 value = n.value, nocase = true}, {docs = true})
      if other and other > 0 then
        return nil, ("%s:%s matches no document, but %d documents have it in another "
          .. "case: add {nocase = true}"):format(n.field, n.value, other), "ESYNTAX"
      end
    end
    if exact == 0 then
      local pat = "*" .. n.value .. "*"
      local shown = n.value:find("[%s\"]") and ('"' .. pat .. '"') or pat
      local inside = self:_count({op = "meta", field = n.field, cmp = "glob",
                                  value = pat, nocase = true}, {docs = true})
      if inside and inside > 0 and self:_indexed_field(n.field) then
        local words = n.value:find("%s") and ('("' .. n.value .. '")')
                      or ("(" .. n.value .. ")")
        return nil, ("%s:%s matches whole values only, and no document has that value; "
          .. "%d documents have it inside their %s: write %s:%s to search the "
          .. "field's words, or %s:%s with {nocase = true} for a value containing it")
          :format(n.field, n.value, inside, n.field, n.field, words, n.field, shown),
          "ESYNTAX"
      end
      if inside and inside > 0 then
        return nil, ("%s:%s matches whole values only, and no document has that value; "
          .. "%d documents have it inside their %s: write %s:%s with {nocase = true} "
          .. "for a value containing it, or search the field's words with "
          .. "c:search(q, {fields = {%s = 1}})"):format(n.field, n.value, inside,
          n.field, n.field, shown, n.field), "ESYNTAX"
      end
    end
  end
  return true
end

-- is 'name' a field whose tokens the corpus indexes (corpus.new{fields
-- = ...}), in some segment?
function Corpus:_indexed_field(name)
  local fields = self:fields()
  for _, f in ipairs(fields or {}) do
    if f.name == name then return f.indexed ~= nil end
  end
  return false
end

-- parse q into a plan; nil, msg, code on a syntax error or a prefix
-- that is neither a layer nor a field of the corpus
local function plan_of(self, q, opts, fname)
  check_open(self, fname)
  argtype(q, "string", 1, fname, false)
  checkopts(opts, fname, 2)
  local layers = self:_layer_set() or {}   -- stored layers: lemma, upos, ...
  local plan, msg, code = query.parse(q, opts, layers)
  if not plan then return nil, msg, code end
  local ok
  ok, msg, code = self:_check_fields(plan_fields(plan, {}))
  if not ok then return nil, msg, code end
  ok, msg, code = self:_check_words(plan)
  if not ok then return nil, msg, code end
  return plan
end

Corpus._plan_fields = plan_fields     -- for stats.lua's where filters

--- corpus.parse(q [, {layer =, max_repeat =, nocase =}]) -> plan table
-- | nil, msg, "ESYNTAX".  The query language is docs/QUERY.md.
-- @function parse
-- @tparam string q
-- @tparam[opt] table opts `{layer = "norm", max_repeat =, nocase =}`
-- @treturn table the plan (plain data)
-- @return nil, message, "ESYNTAX"
-- @raise on a non-string query, an unknown option
function M.parse(q, opts)
  argtype(q, "string", 1, "parse")
  checkopts(opts, "parse", 2)
  return query.parse(q, opts)
end

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
  if not plan then raise(msg) end
  local it, s, ctl, cursor = self:_stream(plan, opts)
  if not it then raise(s) end
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
    raise("bad option 'width' (integer >= 0 expected)")
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
    raise(("bad argument #1 to 'highlight' (integer expected, got %s)"):format(type(doc)))
  end
  local plan, msg, code = plan_of(self, q, opts, "highlight")
  if not plan then return nil, msg, code end
  local meta
  meta, msg, code = self:meta(doc)
  if meta == nil then return nil, msg, code end    -- plain nil: no such document
  return self:_highlight(doc, plan, opts)
end

--- corpus.explain(q [, {layer =, max_repeat =}]) -> text | nil, msg,
-- "ESYNTAX": the plan of q as an indented tree, one node a line
function M.explain(q, opts)
  argtype(q, "string", 1, "explain")
  checkopts(opts, "explain", 2)
  return query.explain(q, opts)
end

-- }======================================================================

-- {======================================================================
-- On-disk indexes (csrc/index.h, docs/FORMAT.md; index engineer).
-- The C methods commit, rollback, optimize, refresh, check, generation,
-- delete and replace live in the same method table (csrc/l_index.c).
-- =======================================================================

local function index_args(fname, path, opts)
  argpath(path, 1, fname)
  checkopts(opts, fname, 2)
end

--- corpus.create(path [, {language =, mode =, analyse =, fields =}]) ->
-- writable corpus | nil, msg, code ("EEXIST" when something is at path,
-- "ELOCKED", ...).  An unknown language, mode, analyser or a bad field
-- list raises, as in corpus.new; the analysers and indexed fields chosen
-- are recorded in the index.
-- @tparam string path a directory that does not exist yet
-- @tparam[opt] table opts `{language =, mode =, analyse =, fields =}`
-- @treturn Corpus a writable on-disk corpus (commit makes additions durable)
-- @return nil, message, code
function M.create(path, opts)
  index_args("create", path, opts)
  local c, msg, code = core.create(path, opts)
  if not c and (code == "ELANG" or code == "EINVAL") then raise(msg) end
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
