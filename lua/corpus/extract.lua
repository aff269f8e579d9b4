--[[
corpus.extract -- quotations, names, dates and numbers (docs/EXTRACT.md).

The extractors are C (csrc/quote.c, entity.c, timex.c, number.c, run by
csrc/extract.c); this file shapes their rows.  On a text alone:

  corpus.quotes(text [, opts])    corpus.entities(text [, opts])
  corpus.dates(text [, opts])     corpus.numbers(text [, opts])

and on a corpus:

  c:quotes([where] [, opts])   c:entities(...)   c:dates(...)   c:numbers(...)

A corpus built with the analysers on (corpus.new / corpus.create option
`analyse`, default on; c:analysers()) has their results as span sets
(quote, speaker, cue, entity, date, number: csrc/analyse.h); the corpus
methods read them and give the rows the extractors give at call time.
Otherwise (an analyser off, an index built without it, or opts.anchor
given for dates) they run the extractors over each document's stored text.

`where` is a subcorpus filter as for the statistics (a query string, or
a table of metadata conditions; docs/STATS.md).  opts:
  anchor   ISO date the relative dates are read from ("2021-04-05"); on a
           corpus, default the document's `date` metadata field
  speaker  (quotes) keep quotes whose speaker is this name
  kind     keep rows of this kind ("direct", "person", "DATE", ...)
  limit    at most this many rows (corpus methods)
Rows carry byte offsets 1-based inclusive; corpus rows add doc (number)
and id (the document id).
]]

local type, error, pairs, ipairs = type, error, pairs, ipairs
local raise = require("corpus.core").error   -- at the caller's line
local core = require "corpus.core"
local query = require "corpus.query"
local math_type = require("corpus.compat").math_type
local floor = math.floor
local tonumber, tointeger, sort, concat = tonumber, require("corpus.compat").tointeger,
  table.sort, table.concat

-- a `where` filter -> document bitmap | nil (whole corpus) | nil, msg, code
local function selection(self, where, fname)
  if where == nil then return nil end
  if type(where) == "string" then
    local plan, msg, code = query.parse(where)
    if not plan then return nil, msg, code end
    return self:_select_plan(plan)
  elseif type(where) == "table" then
    return self:_select_meta(where)
  end
  raise(("bad argument #1 to '%s' (string or table expected, got %s)"):format(fname, type(where)))
end

local OPTS = { anchor = "string", speaker = "string", kind = "string", limit = "number" }

local function check_opts(opts, fname, i)
  if opts == nil then return {} end
  if type(opts) ~= "table" then
    raise(("bad argument #%d to '%s' (table expected, got %s)"):format(i, fname, type(opts)))
  end
  require("corpus.core").checkopts(opts, fname, i)   -- the names: csrc/l_opts.c
  for k, v in pairs(opts) do
    local want = OPTS[k]
    if type(v) ~= want then
      raise(("bad option '%s' to '%s' (%s expected, got %s)"):format(k, fname, want, type(v)))
    end
  end
  if opts.limit and (math_type(opts.limit) ~= "integer" or opts.limit < 0) then
    raise(("bad option 'limit' to '%s' (non-negative integer expected)"):format(fname))
  end
  return opts
end

local FIELD = { quotes = "q", entities = "e", dates = "d", numbers = "n" }

local function keep(row, opts)
  if opts.speaker and row.speaker ~= opts.speaker then return false end
  if opts.kind and (row.kind or row.type) ~= opts.kind then return false end
  return true
end

local function extract(text, what, anchor, fname)
  local ok, r = pcall(core.extract, text, FIELD[what], anchor)
  if not ok then raise(("bad argument to '%s' (%s)"):format(fname, r)) end
  return r[what]
end

-- {======================================================================
-- Rows from the stored span sets (csrc/analyse.h)
-- =======================================================================

local ANALYSER = { quotes = "quotes", entities = "entities", dates = "dates", numbers = "numbers" }

-- an entity's possessive ending is not part of it ("Iraq's": entity.c)
local function possessive(text, start, stop)
  local len = stop - start + 1
  local last = text:sub(stop, stop)
  if last ~= "s" and last ~= "S" then return 0 end
  if len > 2 and text:sub(stop - 1, stop - 1) == "'" then return 2 end
  if len > 4 and text:sub(stop - 3, stop - 1) == "\226\128\153" then return 4 end
  return 0
end

local stored = {}

function stored.entities(c, n, text)
  local out = {}
  for _, sp in ipairs(c:_doc_spans(n, "entity")) do
    -- the last token's bytes: the possessive is cut from it alone
    local stop = sp.stop - possessive(text, sp.last, sp.stop)
    out[#out + 1] = { text = text:sub(sp.start, stop), kind = sp.attrs.kind,
                      canonical = sp.attrs.canonical, start = sp.start, stop = stop }
  end
  return out
end

function stored.dates(c, n, text)
  local out = {}
  for _, sp in ipairs(c:_doc_spans(n, "date")) do
    out[#out + 1] = { text = text:sub(sp.start, sp.stop), type = sp.attrs.type,
                      value = sp.attrs.value, start = sp.start, stop = sp.stop }
  end
  return out
end

function stored.numbers(c, n, text)
  local out = {}
  for _, sp in ipairs(c:_doc_spans(n, "number")) do
    local v = tonumber(sp.attrs.value)
    if v and v == floor(v) and v < 9.0e15 then v = tointeger(v) or v end
    out[#out + 1] = { text = text:sub(sp.start, sp.stop), value = v, unit = sp.attrs.unit,
                      start = sp.start, stop = sp.stop }
  end
  return out
end

function stored.quotes(c, n, text)
  local byid, ids = {}, {}
  local function get(id)
    local q = byid[id]
    if not q then
      q = { parts = {} }
      byid[id] = q
      ids[#ids + 1] = tonumber(id)
    end
    return q
  end
  for _, sp in ipairs(c:_doc_spans(n, "quote")) do
    local a = sp.attrs
    local q = get(a.id)
    q.kind, q.speaker, q.cue, q.confidence = a.kind, a.speaker, a.cue, tonumber(a.confidence)
    q.parts[#q.parts + 1] = { start = sp.start, stop = sp.stop }
  end
  for _, sp in ipairs(c:_doc_spans(n, "speaker")) do
    local q = byid[sp.attrs.quote]
    if q then q.speaker_start, q.speaker_stop = sp.start, sp.stop end
  end
  for _, sp in ipairs(c:_doc_spans(n, "cue")) do
    local q = byid[sp.attrs.quote]
    if q then q.cue_start, q.cue_stop = sp.start, sp.stop end
  end
  sort(ids)
  local out = {}
  for i, id in ipairs(ids) do
    local q = byid[tostring(id)]
    sort(q.parts, function(x, y) return x.start < y.start end)
    local texts = {}
    for k, p in ipairs(q.parts) do texts[k] = text:sub(p.start, p.stop) end
    q.text = concat(texts, " ")
    out[i] = q
  end
  return out
end

-- }======================================================================

return function(Corpus, M)
  for what in pairs(FIELD) do
    --- corpus.<what>(text [, opts]) -> rows
    M[what] = function(text, opts)
      if type(text) ~= "string" then
        raise(("bad argument #1 to '%s' (string expected, got %s)"):format(what, type(text)))
      end
      opts = check_opts(opts, what, 2)
      local out = {}
      for _, row in ipairs(extract(text, what, opts.anchor, what)) do
        if keep(row, opts) then out[#out + 1] = row end
      end
      return out
    end

    --- c:<what>([where] [, opts]) -> rows | nil, msg, code
    Corpus[what] = function(self, where, opts)
      if type(where) == "table" and opts == nil then
        -- one table: options if its keys are options, else a filter
        local isopt = next(where) ~= nil
        for k in pairs(where) do if OPTS[k] == nil then isopt = false end end
        if isopt then where, opts = nil, where end
      end
      opts = check_opts(opts, what, 2)
      local sel, msg, code = selection(self, where, what)
      if where ~= nil and sel == nil then return nil, msg, code end
      local out, limit = {}, opts.limit or math.huge
      local use_stored = false
      if not (what == "dates" and opts.anchor) then
        for _, name in ipairs(self:analysers()) do
          if name == ANALYSER[what] then use_stored = true end
        end
      end
      local nd, nmsg, ncode = self:ndocs()
      if not nd then return nil, nmsg, ncode end
      for n = 1, nd do
        if #out >= limit then break end
        -- bit n-1 of the bitmap (arithmetic: Lua 5.1 has no bit operators)
        if sel == nil or floor((sel:byte(floor((n - 1) / 8) + 1) or 0) / 2 ^ ((n - 1) % 8)) % 2 == 1 then
          local d, dmsg, dcode = self:doc(n)
          if d == nil and dmsg then return nil, dmsg, dcode end
          if d then
            local anchor = opts.anchor
            if anchor == nil and type(d.date) == "string" and d.date:match("^%d%d%d%d") then
              anchor = d.date:match("^%d%d%d%d%-%d%d%-%d%d") or d.date:match("^%d%d%d%d%-%d%d")
                       or d.date:match("^%d%d%d%d")
            end
            local rows = use_stored and stored[what](self, n, d.text)
                         or extract(d.text, what, anchor, what)
            for _, row in ipairs(rows) do
              if keep(row, opts) then
                row.doc, row.id = n, d.id
                out[#out + 1] = row
                if #out >= limit then break end
              end
            end
          end
        end
      end
      return out
    end
  end
end
