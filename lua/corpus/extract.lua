--[[
corpus.extract -- quotations, names, dates and numbers (docs/EXTRACT.md).

The extractors are C (csrc/quote.c, entity.c, timex.c, number.c, run by
csrc/extract.c); this file shapes their rows.  On a text alone:

  corpus.quotes(text [, opts])    corpus.entities(text [, opts])
  corpus.dates(text [, opts])     corpus.numbers(text [, opts])

and on a corpus, over the stored text of each selected document (the
extractors run at call time: span sets at build time are not used yet):

  c:quotes([where] [, opts])   c:entities(...)   c:dates(...)   c:numbers(...)

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
  for k, v in pairs(opts) do
    local want = OPTS[k]
    if want == nil then
      raise(("bad argument #%d to '%s' (unknown option '%s')"):format(i, fname, tostring(k)))
    end
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
            for _, row in ipairs(extract(d.text, what, anchor, what)) do
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
