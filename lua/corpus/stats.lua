--[[
corpus.stats -- the statistics methods of a corpus (docs/STATS.md).

init.lua calls this module's function with the corpus method table; it
adds freq, ngrams, collocates, collocations, keyness (and the methods
below) on top of the C functions of csrc/l_stats.c.  This file only
shapes arguments: it turns `where` filters and node queries into the
document bitmaps and match lists the C side takes.

Error policy (README, "Errors"): misuse raises (wrong types, unknown
options); a query with a syntax error returns nil, message, "ESYNTAX".
]]

--- The statistics methods of a corpus (docs/STATS.md).  A `where`
-- option restricts any of them to documents: a metadata filter table,
-- a query string or a list of document numbers.
-- @submodule corpus

local type, error = type, error
local math_type = require("corpus.compat").math_type

local query = require "corpus.query"
local core = require "corpus.core"

-- misuse raises at the caller's level (csrc/l_opts.c): the position
-- is the first stack frame outside the library
local raise, checkopts = core.error, core.checkopts

local function argerr(fname, i, msg)
  raise(("bad argument #%d to '%s' (%s)"):format(i, fname, msg))
end

-- opts checked against the option names of fname; {} when absent
local function check_opts(opts, fname, i)
  checkopts(opts, fname, i)
  return opts or {}
end

local function check_self(self, fname)
  if type(self) ~= "userdata" or self.isclosed == nil then
    raise(("bad self to '%s' (corpus expected)"):format(fname))
  end
  if self:isclosed() then raise("attempt to use a closed corpus") end
end

-- init.lua's walk of a plan for metadata field names (set below)
local module_plan_fields

-- the plan table of query string q | nil, msg, "ESYNTAX"
local function plan_of(q, opts, layers)
  return query.parse(q, opts and opts.variants ~= nil and
                        {variants = opts.variants} or nil, layers)
end

--[[
A `where` filter -> document bitmap (string) or nil for the whole
corpus.  Accepted forms:
  nil                      the whole corpus
  "query"                  documents with a match of the query
                           (metadata filters: "year:1990", ranges ...)
  {field = value, ...}     documents whose metadata field equals value
  {field = {lo, hi}}       ... lies in [lo, hi] (numbers or strings)
Returns bits | nil, msg, code (query syntax errors).
]]
local function selection(self, where, fname)
  if where == nil then return nil end
  -- a bitmap made by the groups of corpus.group (`by`)
  if type(where) == "table" and type(where._bits) == "string" then return where._bits end
  if type(where) == "string" then
    local plan, msg, code = plan_of(where)
    if not plan then return nil, msg, code end
    local ok
    ok, msg, code = self:_check_fields(module_plan_fields(plan, {}))
    if not ok then return nil, msg, code end
    ok, msg, code = self:_check_words(plan)
    if not ok then return nil, msg, code end
    return self:_select_plan(plan)
  elseif type(where) == "table" then
    local names = {}
    for k in pairs(where) do
      if type(k) ~= "string" then
        raise(("bad option 'where' to '%s' (field names must be strings)"):format(fname))
      end
      names[#names + 1] = k
    end
    table.sort(names)
    local ok, msg, code = self:_check_fields(names)
    if not ok then return nil, msg, code end
    return self:_select_meta(where)
  end
  raise(("bad option 'where' to '%s' (string or table expected, got %s)")
        :format(fname, type(where)))
end

-- a node given as a query string -> its plan table (run by the C side);
-- a list of matches {doc =, start =, stop =} is passed through
local function nodes_of(self, q, fname, opts)
  if type(q) == "table" then return q end
  if type(q) ~= "string" then
    argerr(fname, 1, "string expected, got " .. type(q))
  end
  return plan_of(q, opts, self:_layer_set())
end

local M = {}

--- Read a dictionary file (for @{Corpus:lookup}).
-- @function read_dictionary
-- @tparam string path
-- @treturn table `{category = {entries...}}`
-- @return nil, message, code ("ENOENT", "ESYNTAX" with the line)

--[[
Read a dictionary file:
  # a comment
  [category]
  entry             one entry per line: token patterns separated by
  foreign fighter*  spaces, * any run of characters, ? one character
Blank lines are ignored; an entry before the first [category] is an
error.  Returns {category = {entries...}} | nil, msg, code.
]]
function M.read_dictionary(path)
  local f, err, errno = io.open(path, "r")
  if not f then return nil, err, core.errname(errno) end
  local dict, cat, n = {}, nil, 0
  for line in f:lines() do
    n = n + 1
    if n == 1 and line:sub(1, 3) == "\239\187\191" then line = line:sub(4) end  -- BOM
    line = line:gsub("^%s+", ""):gsub("%s+$", "")
    if line == "" or line:sub(1, 1) == "#" then
      -- skip
    elseif line:match("^%[.*%]$") then
      cat = line:sub(2, -2):gsub("^%s+", ""):gsub("%s+$", "")
      if cat == "" then
        f:close()
        return nil, ("%s:%d: empty category name"):format(path, n), "ESYNTAX"
      end
      dict[cat] = dict[cat] or {}
    elseif not cat then
      f:close()
      return nil, ("%s:%d: entry before the first [category]"):format(path, n), "ESYNTAX"
    else
      local t = dict[cat]
      t[#t + 1] = line
    end
  end
  f:close()
  return dict
end

-- a method c:name(q, opts) over the matches of a node query q and an
-- optional `where` filter, run by the C method _name
local function node_method(name)
  local cname = "_" .. name
  return function(self, q, opts)
    check_self(self, name)
    opts = check_opts(opts, name, 2)
    local nodes, msg, code = nodes_of(self, q, name, opts)
    if not nodes then return nil, msg, code end
    local sel
    sel, msg, code = selection(self, opts.where, name)
    if msg then return nil, msg, code end
    if opts.variants ~= nil then    -- read by the parser only
      local o = {}
      for k, v in pairs(opts) do if k ~= "variants" then o[k] = v end end
      opts = o
    end
    return self[cname](self, nodes, opts, sel)
  end
end

-- every statistic first seals pending documents (which verifies the
-- segments): a damaged one gives nil, msg, "ECORRUPT" here, the same as
-- from c:count or c:doc, before any argument is read
local STATS = {"freq", "ngrams", "collocates", "collocations", "keyness",
               "dispersion", "similar", "similarity", "dtm", "lookup"}

local function sealed(Corpus)
  for _, name in ipairs(STATS) do
    local f = Corpus[name]
    Corpus[name] = function(self, ...)
      check_self(self, name)
      local ok, msg, code = self:flush()
      if not ok then return nil, msg, code end
      return f(self, ...)
    end
  end
end

return function(Corpus, module)
  if module then module.read_dictionary = M.read_dictionary end
  module_plan_fields = Corpus._plan_fields

  -- c:_where(where, fname) -> document bitmap | nil (whole corpus) |
  -- nil, msg, code: the `where` filter as the statistics read it, for
  -- the other Lua modules (counts, concordances)
  function Corpus:_where(where, fname)
    return selection(self, where, fname)
  end

  --- c:freq{layer =, where =, min =, limit =, punct =}
  -- -> rows {term, count, rate (per million tokens), docs}, info
  -- @tparam[opt] table opts
  -- @treturn {table,...} rows
  -- @treturn table info
  -- @raise on an unknown option
  function Corpus:freq(opts)
    check_self(self, "freq")
    opts = check_opts(opts, "freq", 1)
    local sel, msg, code = selection(self, opts.where, "freq")
    if msg then return nil, msg, code end
    return self:_freq(opts, sel)
  end

  --- c:ngrams(n, {layer =, where =, min =, limit =, containing = q})
  -- -> rows {ngram, count, rate, docs}, info
  -- @tparam int n 1 or more
  -- @tparam[opt] table opts
  -- @treturn {table,...} rows
  -- @treturn table info
  -- @return nil, message, code for a bad `containing` query
  function Corpus:ngrams(n, opts)
    check_self(self, "ngrams")
    if math_type(n) ~= "integer" or n < 1 then
      argerr("ngrams", 1, "positive integer expected")
    end
    opts = check_opts(opts, "ngrams", 2)
    local sel, msg, code = selection(self, opts.where, "ngrams")
    if msg then return nil, msg, code end
    local must
    if opts.containing ~= nil then
      must, msg, code = nodes_of(self, opts.containing, "ngrams")
      if not must then return nil, msg, code end
    end
    return self:_ngrams(n, opts, sel, must)
  end

  --- c:collocates(q, {window = 5, left =, right =, measure = "llr" |
  -- {...}, min =, limit =, layer =, where =})
  -- -> rows {term, obs, exp, freq, <measure> = score ...}, info
  -- @function Corpus:collocates
  -- @tparam string q the node (a query)
  -- @tparam[opt] table opts
  -- @treturn {table,...} rows
  -- @treturn table info
  -- @return nil, message, code ("ESYNTAX")
  Corpus.collocates = node_method("collocates")

  --- c:collocations{window = 2, measure =, min =, limit =, layer =,
  -- where =} -> rows {w1, w2, obs, f1, f2, exp, <measure> ...}, info:
  -- every pair of words within the window (NLTK's
  -- BigramCollocationFinder.from_words, per document)
  -- @tparam[opt] table opts
  -- @treturn {table,...} rows
  -- @treturn table info
  function Corpus:collocations(opts)
    check_self(self, "collocations")
    opts = check_opts(opts, "collocations", 1)
    local sel, msg, code = selection(self, opts.where, "collocations")
    if msg then return nil, msg, code end
    return self:_collocations(opts, sel)
  end

  --- c:keyness(target, reference, {measure = "llr", min =, limit =,
  -- bonferroni =, layer =})
  -- target: a where filter; reference: nil (the rest of the corpus), a
  -- where filter, another corpus object (all of it), or {corpus = other,
  -- where = filter}.
  -- -> rows {term, a, b, rate_a, rate_b, llr, chi2, logratio, pdiff, p},
  --    info
  -- @param target a where filter
  -- @param[opt] reference filter, corpus or {corpus =, where =}; default:
  -- the rest of the corpus
  -- @tparam[opt] table opts `{layer =, min =, limit =, measure =}`
  -- @treturn {table,...} rows
  -- @treturn table info
  -- @return nil, message, code
  function Corpus:keyness(target, reference, opts)
    check_self(self, "keyness")
    opts = check_opts(opts, "keyness", 3)
    if target == nil then argerr("keyness", 1, "target filter expected") end
    local tsel, msg, code = selection(self, target, "keyness")
    if msg then return nil, msg, code end
    if reference == nil or reference == "rest" then
      return self:_keyness(tsel, nil, true, opts)
    elseif type(reference) == "userdata" then
      check_self(reference, "keyness")
      return self:_keyness(tsel, reference, nil, opts)
    elseif type(reference) == "table" and type(reference.corpus) == "userdata" then
      -- {corpus = other, where = filter}: a subcorpus of another corpus
      check_self(reference.corpus, "keyness")
      local rsel
      rsel, msg, code = selection(reference.corpus, reference.where, "keyness")
      if msg then return nil, msg, code end
      return self:_keyness(tsel, reference.corpus, rsel, opts)
    end
    local rsel
    rsel, msg, code = selection(self, reference, "keyness")
    if msg then return nil, msg, code end
    return self:_keyness(tsel, nil, rsel, opts)
  end


  -- a document given by number (1-based) or by external id; nil when
  -- there is no such document (not found is a plain nil)
  local function docnum(self, d, fname, i)
    if type(d) == "string" then return self:find(d) end
    if math_type(d) ~= "integer" then
      argerr(fname, i, "document number or id expected, got " .. type(d))
    end
    if self:meta(d) == nil then return nil end
    return d
  end

  --- c:dispersion(q, {where =, layer =}) -> {matches, range, parts, D,
  -- DP, DPnorm, docs = {{doc, id, tokens, count, positions}...}}
  -- (parts are the documents; sizes in word tokens)
  -- @function Corpus:dispersion
  -- @tparam string q the node (a query)
  -- @tparam[opt] table opts
  -- @treturn table
  -- @return nil, message, code ("ESYNTAX")
  Corpus.dispersion = node_method("dispersion")

  --- c:similar(doc, {limit =, layer =, where =}) -> rows {doc, id,
  -- score} (cosine of tf-idf vectors), most similar first
  -- @tparam int doc document number
  -- @tparam[opt] table opts
  -- @treturn {table,...} rows
  function Corpus:similar(doc, opts)
    check_self(self, "similar")
    opts = check_opts(opts, "similar", 2)
    local d = docnum(self, doc, "similar", 1)
    if d == nil then return nil end
    local sel, msg, code = selection(self, opts.where, "similar")
    if msg then return nil, msg, code end
    return self:_similar(d, opts, sel)
  end

  --- c:similarity(a, b [, {layer =}]) -> cosine of the tf-idf vectors
  -- @tparam int a document number
  -- @tparam int b document number
  -- @tparam[opt] table opts
  -- @treturn number in [0, 1]
  function Corpus:similarity(a, b, opts)
    check_self(self, "similarity")
    opts = check_opts(opts, "similarity", 3)
    local da, db = docnum(self, a, "similarity", 1), docnum(self, b, "similarity", 2)
    if da == nil or db == nil then return nil end
    return self:_similarity(da, db, opts, nil)
  end

  --- c:dtm{min =, limit =, layer =, where =} -> {i, j, x, terms, docs,
  -- ids}: the document-term matrix as triplets (1-based)
  -- @tparam[opt] table opts
  -- @treturn table
  function Corpus:dtm(opts)
    check_self(self, "dtm")
    opts = check_opts(opts, "dtm", 1)
    local sel, msg, code = selection(self, opts.where, "dtm")
    if msg then return nil, msg, code end
    return self:_dtm(opts, sel)
  end


  --- c:lookup(dict, {layer =, where =}) -> {categories, totals, docs =
  -- {{doc, id, tokens, counts = {cat = n}}...}, entries = {{category,
  -- entry, count}...}}.  dict: {category = {"word", "glob*", "multi word
  -- entry"}, ...} or the path of a dictionary file (docs/STATS.md).
  -- @tparam table|string dict
  -- @tparam[opt] table opts
  -- @treturn table
  -- @return nil, message, code (a dictionary file that cannot be read)
  function Corpus:lookup(dict, opts)
    check_self(self, "lookup")
    opts = check_opts(opts, "lookup", 2)
    if type(dict) == "string" then
      local d, msg, code = M.read_dictionary(dict)
      if not d then return nil, msg, code end
      dict = d
    elseif type(dict) ~= "table" then
      argerr("lookup", 1, "table or file name expected, got " .. type(dict))
    end
    local sel, msg, code = selection(self, opts.where, "lookup")
    if msg then return nil, msg, code end
    return self:_lookup(dict, opts, sel)
  end

  sealed(Corpus)


  -- the `where` reader, for the other method modules (corpus.reuse)
  return selection
end
