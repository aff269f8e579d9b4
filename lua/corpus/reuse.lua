--[[
corpus.reuse -- c:reuse(opts): passages that documents share (text
reuse), over the C functions of csrc/l_reuse.c.  docs/REUSE.md tells
how they are found.  This file only checks options and turns the
`source` / `target` filters into document bitmaps.

Error policy (README, "Errors"): misuse raises (unknown option, wrong
type, min < 1, an `against` corpus with another tokenizer mode); a
filter with a query syntax error returns nil, message, "ESYNTAX".
]]

--- Text reuse: passages documents share (docs/REUSE.md).
-- @submodule corpus

local type, error, pairs, tostring = type, error, pairs, tostring
local raise = require("corpus.core").error   -- at the caller's line
local math_type = require("corpus.compat").math_type

-- option -> check(value) returning an error message or nil
local function integer_at_least(lo)
  return function(v)
    if math_type(v) ~= "integer" then
      return ("integer expected, got %s"):format(math_type(v) or type(v))
    end
    if v < lo then return ("must be >= %d"):format(lo) end
  end
end

local function cost(v)
  if type(v) ~= "number" then return "number expected, got " .. type(v) end
  if not (v >= 0 and v <= 1e6) then return "must be in [0, 1e6]" end
end

local function filter(v)
  local t = type(v)
  if t ~= "string" and t ~= "table" then
    return "where filter (string or table) expected, got " .. t
  end
end

local LAYERS = {word = true, norm = true, stem = true}

local OPTIONS = {
  min = integer_at_least(1),
  max_df = integer_at_least(2),
  limit = integer_at_least(0),
  mismatch = cost, gap = cost, gap_extend = cost,
  source = filter, target = filter,
  layer = function(v)
    if not LAYERS[v] then return "one of word, norm, stem expected" end
  end,
  against = function(v)
    if type(v) ~= "userdata" or v.isclosed == nil then
      return "corpus expected, got " .. type(v)
    end
    if v:isclosed() then return "attempt to use a closed corpus" end
  end,
  clusters = function(v)
    if type(v) ~= "boolean" then return "boolean expected, got " .. type(v) end
  end,
}

local function check_options(opts)
  if opts == nil then return {} end
  if type(opts) ~= "table" then
    raise("bad argument #1 to 'reuse' (table expected, got " .. type(opts) .. ")")
  end
  for k, v in pairs(opts) do
    local check = OPTIONS[k]
    if check == nil then
      raise(("bad argument #1 to 'reuse' (unknown option '%s')"):format(tostring(k)))
    end
    local msg = check(v)
    if msg then
      raise(("bad option '%s' to 'reuse' (%s)"):format(k, msg))
    end
  end
  return opts
end

return function(Corpus, selection)
  --- c:reuse{min =, source =, target =, against =, layer =, max_df =,
  -- limit =, mismatch =, gap =, gap_extend =, clusters =}
  -- -> rows {a = {doc, id, start, stop, text}, b = {...}, words, score,
  --    identity} best first, info {passages, seeds, pairs, boilerplate,
  --    work, ranges}
  -- With clusters = true: clusters {size, repeats, boilerplate,
  -- members = {{doc, id, start, stop, text [, other]}...}}, info.
  -- @tparam[opt] table opts (docs/REUSE.md)
  -- @treturn {table,...} rows (or clusters)
  -- @treturn table info
  -- @return nil, message, code for a bad filter or corpus
  -- @raise on an unknown option or a value out of range
  function Corpus:reuse(opts)
    if type(self) ~= "userdata" or self.isclosed == nil then
      raise("bad self to 'reuse' (corpus expected)")
    end
    if self:isclosed() then raise("attempt to use a closed corpus") end
    opts = check_options(opts)
    local other = opts.against
    if other == self then other = nil end
    local src, tgt, msg, code
    if opts.source ~= nil then
      src, msg, code = selection(self, opts.source, "reuse")
      if msg then return nil, msg, code end
    end
    if opts.target ~= nil then
      tgt, msg, code = selection(other or self, opts.target, "reuse")
      if msg then return nil, msg, code end
    end
    if opts.clusters then
      return self:_reuse_clusters(opts, src, tgt, other)
    end
    return self:_reuse(opts, src, tgt, other)
  end
end
