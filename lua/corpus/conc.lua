--[[
corpus.conc -- concordances (csrc/conc.h): the hits of a query held as
positions, re-sorted and re-windowed without searching again.

  local k = c:concordance(q [, {layer =, where =, max_matches =}])
  #k                                   number of hits
  k:sort{"1L", "2L"}                   sort in place (returns k)
  k:sample(n [, seed])                 a new concordance of n random hits
  k:rows([{width = 5} | {left =, right =} | {chars = 50} |
          {context = "s" | "p"}, offset =, limit =])

Sort keys (CQP / AntConc conventions):
  "match"        the matched tokens
  "1L", "2L" ... the first, second ... word left of the match
  "1R", "2R" ... right of the match ("left" = "1L", "right" = "1R")
  any other name a metadata field of the document ("year", "country")
  "-" before a key sorts it descending ("-year"); ":layer" after a token
  key compares that layer ("1L:stem"; default word).  A table key
  {"1R", layer =, desc =, reverse = true (a tergo: by suffix),
  exact = true (case and diacritics count)} says the same at length.
Words are counted without punctuation, as in the windows.  Comparison
is case- and diacritic-insensitive unless exact.  The sort is stable.

Rows: {doc, id, meta, left, match, right, start, stop, first, last}:
start/stop are the match's token indexes, first/last the window's
(1-based, inclusive, within the document).
]]

local raise = require("corpus.core").error   -- at the caller's line
local core = require "corpus.core"
local query = require "corpus.query"
local compat = require "corpus.compat"

local type, error, ipairs, pairs, tostring = type, error, ipairs, pairs, tostring
local math_type = compat.math_type

local KEY_OPTS = {layer = true, desc = true, reverse = true, exact = true}
local LAYERS = {word = true, norm = true, stem = true}

local function argerr(fname, i, msg, level)
  raise(("bad argument #%d to '%s' (%s)"):format(i, fname, msg))
end

-- one sort key (string or table) -> the table the core takes
local function parse_key(k, i)
  local spec = {}
  if type(k) == "table" then
    for name in pairs(k) do
      if name ~= 1 and not KEY_OPTS[name] then
        argerr("sort", 1, ("key %d: unknown option '%s'"):format(i, tostring(name)), 3)
      end
    end
    spec.desc, spec.reverse, spec.exact = k.desc and true, k.reverse and true, k.exact and true
    spec.layer = k.layer
    k = k[1]
  end
  if type(k) ~= "string" or k == "" then
    argerr("sort", 1, ("key %d must be a non-empty string"):format(i), 3)
  end
  if k:sub(1, 1) == "-" then spec.desc = true k = k:sub(2) end
  local base, layer = k:match("^([^:]+):(.+)$")
  if base then k = base spec.layer = layer end
  local n, side = k:match("^(%d+)([LR])$")
  if k == "left" then n, side = "1", "L" elseif k == "right" then n, side = "1", "R" end
  if n then
    spec.kind, spec.n = side == "L" and "left" or "right", compat.tointeger(tonumber(n))
    if spec.n < 1 then argerr("sort", 1, ("key %d: words count from 1L / 1R"):format(i), 3) end
  elseif k == "match" then
    spec.kind = "match"
  else
    if spec.layer then argerr("sort", 1, ("key %d: a metadata field has no layer"):format(i), 3) end
    spec.kind, spec.field = "meta", k
  end
  if spec.layer ~= nil and not LAYERS[spec.layer] then
    argerr("sort", 1, ("key %d: unknown layer '%s' (word, norm or stem)"):format(i, tostring(spec.layer)), 3)
  end
  return spec
end


local function count_opt(v, name)
  if v ~= nil and (math_type(v) ~= "integer" or v < 0) then
    argerr("rows", 1, ("'%s' must be a non-negative integer"):format(name), 3)
  end
  return v
end

return function(Corpus, module)
  local core = module.core
  local K = core.conc_methods

  --- c:concordance(q [, opts]) -> concordance | nil, msg, code
  function Corpus:concordance(q, opts)
    if type(self) ~= "userdata" or self.isclosed == nil then
      raise("bad self to 'concordance' (corpus expected)")
    end
    if self:isclosed() then raise("attempt to use a closed corpus") end
    if type(q) ~= "string" then argerr("concordance", 1, "string expected, got " .. type(q)) end
    if opts ~= nil and type(opts) ~= "table" then
      argerr("concordance", 2, "table expected, got " .. type(opts))
    end
    core.checkopts(opts, "concordance", 2)
    opts = opts or {}
    local plan, msg, code = query.parse(q, {layer = opts.layer}, self:_layer_set())
    if not plan then return nil, msg, code end
    local sel
    sel, msg, code = self:_where(opts.where, "concordance")
    if msg then return nil, msg, code end
    return self:_concordance(plan, opts, sel)
  end

  function K:sort(keys)
    if type(keys) == "string" then keys = {keys} end
    if type(keys) ~= "table" then argerr("sort", 1, "list of keys expected, got " .. type(keys)) end
    local specs = {}
    for i, k in ipairs(keys) do specs[i] = parse_key(k, i) end
    local ok, msg, code = self:_sort(specs)
    if not ok then
      if code == "EINVAL" then raise(msg) end   -- a key the corpus cannot have
      return nil, msg, code
    end
    return self
  end

  function K:sample(n, seed)
    if math_type(n) ~= "integer" or n < 0 then
      argerr("sample", 1, "non-negative integer expected")
    end
    if seed ~= nil and math_type(seed) ~= "integer" then
      argerr("sample", 2, "integer seed expected")
    end
    return self:_sample(n, seed or 0)
  end

  function K:rows(opts)
    if opts ~= nil and type(opts) ~= "table" then
      argerr("rows", 1, "table expected, got " .. type(opts))
    end
    core.checkopts(opts, "rows", 1)
    opts = opts or {}
    local width = count_opt(opts.width, "width")
    local left, right = count_opt(opts.left, "left"), count_opt(opts.right, "right")
    local chars = count_opt(opts.chars, "chars")
    local offset = count_opt(opts.offset, "offset") or 0
    local limit = count_opt(opts.limit, "limit")
    local unit, l, r
    local given = (width and 1 or 0) + ((left or right) and 1 or 0) + (opts.context and 1 or 0)
    if given > 1 then argerr("rows", 1, "give one of width, left/right and context") end
    if opts.context ~= nil then
      if opts.context ~= "s" and opts.context ~= "p" then
        argerr("rows", 1, "context must be \"s\" (sentence) or \"p\" (paragraph)")
      end
      if chars then argerr("rows", 1, "chars and context do not go together") end
      unit, l, r = opts.context, 0, 0
    elseif chars then
      if width then argerr("rows", 1, "give chars or width, not both") end
      unit = "chars"
      l, r = left or chars, right or chars
    else
      unit = "words"
      l, r = left or width or 5, right or width or 5
    end
    local last = limit and offset + limit or #self
    return self:_rows(unit, l, r, offset + 1, last)
  end
end
