--[[
corpus.group -- `by` (results per metadata group) and `stop` (stop
words) for counts and statistics (docs/STATS.md, "Groups" and "Stop
words").

  c:count(q, {by = "year" | {"country", "year"}, where =})
    -> rows {group, <field> = value ..., hits, docs, ndocs, words,
             per_million}, one per group present in the (selected)
       documents, zero rows included, sorted by value
  c:freq{by = ..., limit = 20}, c:ngrams(n, {by = ...}),
  c:collocates(q, {by = ...}), c:keyness(target, ref, {by = ...})
    -> the rows of each group (limit per group) with the group's fields
  c:dispersion(q, {parts = "year"}) -> range, D, DP, DPnorm over the
       groups as parts, and groups = the count rows
  stop = {"the", ...} | "english" | "file.txt" in freq, ngrams,
  collocates, collocations and keyness: rows whose term (or any word of
  an n-gram or pair) is a stop word are left out; totals and rates still
  count every token.

Groups are built by the core (csrc/group.c): a document with a list in
the field is in one group per value; one without the field is in the
group whose value is missing (group = "", the field column nil).
]]

local raise = require("corpus.core").error   -- at the caller's line
local compat = require "corpus.compat"

local type, error, ipairs, pairs, tostring = type, error, ipairs, pairs, tostring
local math_type, fmt = compat.math_type, string.format
local concat = table.concat

local query = require "corpus.query"

local function argerr(fname, i, msg)
  raise(("bad argument #%d to '%s' (%s)"):format(i, fname, msg))
end

-- {======================================================================
-- Stop words
-- =======================================================================

local STOP_ENGLISH  -- loaded on first use

--- the set of stop words of a `stop` option | nil, msg, code
local function stop_set(stop, fname)
  local list
  if stop == "english" then
    STOP_ENGLISH = STOP_ENGLISH or require "corpus.stopwords"
    list = STOP_ENGLISH.english
  elseif type(stop) == "string" then
    local f, msg, errno = io.open(stop, "rb")
    if not f then return nil, msg, errno == 2 and "ENOENT" or "EIO" end
    list = {}
    for line in f:lines() do
      line = line:gsub("#.*", ""):gsub("^%s+", ""):gsub("%s+$", "")
      if line ~= "" then list[#list + 1] = line end
    end
    f:close()
  elseif type(stop) == "table" then
    list = stop
  else
    argerr(fname, 1, "option 'stop' must be a list, a file name or \"english\"")
  end
  local set, n = {}, 0
  for i, w in ipairs(list) do
    if type(w) ~= "string" then argerr(fname, 1, ("stop word %d is not a string"):format(i)) end
    set[w:lower()] = true
    n = n + 1
  end
  return set, n
end

local function is_stopped(set, s)
  for w in s:gmatch("%S+") do
    if set[w:lower()] then return true end
  end
  return false
end

-- call fetch(limit) asking for more rows until 'limit' rows survive the
-- stop words (or the result ends); keep(row) says which survive
local function fetch_kept(fetch, limit, keep, grow)
  local ask = (limit and limit > 0) and limit + grow or 0
  while true do
    local rows, info, code = fetch(ask)
    if not rows then return nil, info, code end
    local out = {}
    for _, r in ipairs(rows) do
      if keep(r) then
        out[#out + 1] = r
        if limit and limit > 0 and #out == limit then break end
      end
    end
    if ask == 0 or #rows < ask or (limit and limit > 0 and #out >= limit) then
      return out, info
    end
    ask = ask * 4
  end
end

-- }======================================================================

-- {======================================================================
-- Groups
-- =======================================================================

local function fields_of(by, fname)
  if type(by) == "string" then by = {by} end
  if type(by) ~= "table" or #by == 0 then
    argerr(fname, 2, "option 'by' must be a field name or a list of them")
  end
  for i, f in ipairs(by) do
    if type(f) ~= "string" or f == "" then
      argerr(fname, 2, ("'by' field %d must be a non-empty string"):format(i))
    end
  end
  return by
end

local function label(v)
  if v == false then return "" end
  if math_type(v) == "float" and v == math.floor(v) and v > -2^53 and v < 2^53 then
    return fmt("%d", v)
  end
  return tostring(v)
end

-- the group's fields into row r (numbers that are whole become integers)
local function put_group(r, fields, g)
  local labels = {}
  for i, f in ipairs(fields) do
    local v = g.values[i]
    if math_type(v) == "float" and v == math.floor(v) and v > -2^53 and v < 2^53 then
      v = compat.tointeger(v)
    end
    if v ~= false then r[f] = v end
    labels[i] = label(g.values[i])
  end
  if #fields == 1 then
    local v = r[fields[1]]
    r.group = v == nil and "" or v
  else
    r.group = concat(labels, " / ")
  end
  return r
end

-- a copy of opts without some keys
local function without(opts, ...)
  local drop, t = {}, {}
  for _, k in ipairs{...} do drop[k] = true end
  for k, v in pairs(opts) do if not drop[k] then t[k] = v end end
  return t
end

-- }======================================================================

return function(Corpus, module)
  local core = module.core

  -- the groups of the selection, with counts of plan when given
  local function groups(self, fields, where, fname, plan, opts)
    local sel, msg, code = self:_where(where, fname)
    if msg then return nil, msg, code end
    local gs
    gs, msg, code = self:_groups(fields, sel, plan, opts)
    if not gs and code == "EINVAL" then raise(msg) end   -- a typo'd field
    return gs, msg, code
  end

  --- count by groups (called by c:count when opts.by is given)
  function Corpus:_count_by(plan, opts)
    local fields = fields_of(opts.by, "count")
    local gs, msg, code = groups(self, fields, opts.where, "count", plan, opts)
    if not gs then return nil, msg, code end
    local rows = {}
    for i, g in ipairs(gs) do
      rows[i] = put_group({hits = g.hits, docs = g.hit_docs, ndocs = g.docs, words = g.words,
                           per_million = g.words > 0 and g.hits / g.words * 1e6 or 0},
                          fields, g)
    end
    return rows
  end

  -- wrap a statistic method so that it takes `by` and `stop`.
  -- call(self, args, opts, sel_where) runs the original with opts;
  -- words(row) is the text whose words stop words test
  local function wrap(name, optpos, words, grow_all)
    local orig = Corpus[name]
    Corpus[name] = function(self, ...)
      local args = {n = select("#", ...), ...}
      local opts = args[optpos]
      if type(opts) ~= "table" or (opts.by == nil and opts.stop == nil) then
        return orig(self, ...)
      end
      local set, nstop
      if opts.stop ~= nil then
        local msg, code
        set, msg, code = stop_set(opts.stop, name)
        if not set then return nil, msg, code end
        nstop = msg
        if opts.layer == "stem" then
          argerr(name, optpos, "stop words apply to the word and norm layers")
        end
      end
      local limit = opts.limit
      local function run_one(o)
        if not set then
          local a = {compat.unpack(args, 1, args.n)}
          a[optpos] = o
          return orig(self, compat.unpack(a, 1, args.n))
        end
        local grow = grow_all and (limit or 0) * 3 or nstop
        return fetch_kept(function(ask)
          local oo = without(o, "limit")
          oo.limit = ask
          local a = {compat.unpack(args, 1, args.n)}
          a[optpos] = oo
          return orig(self, compat.unpack(a, 1, args.n))
        end, limit, function(r) return not is_stopped(set, words(r)) end, grow)
      end
      local base = without(opts, "by", "stop")
      if opts.by == nil then return run_one(base) end
      local fields = fields_of(opts.by, name)
      local gs, msg, code = groups(self, fields, opts.where, name)
      if not gs then return nil, msg, code end
      local out = {}
      local bits_where = without(base, "where")
      for _, g in ipairs(gs) do
        local o = without(bits_where)
        o.where = {_bits = g.bits}
        local rows, m, c = run_one(o)
        if not rows then return nil, m, c end
        for _, r in ipairs(rows) do out[#out + 1] = put_group(r, fields, g) end
      end
      return out
    end
  end

  wrap("freq", 1, function(r) return r.term end)
  wrap("ngrams", 2, function(r) return r.ngram end, true)
  wrap("collocates", 2, function(r) return r.term end)
  wrap("collocations", 1, function(r) return r.w1 .. " " .. r.w2 end, true)

  -- keyness: `by` makes each group the target against the rest
  local keyness = Corpus.keyness
  function Corpus:keyness(target, reference, opts)
    if type(opts) == "table" and opts.by ~= nil then
      if target ~= nil then argerr("keyness", 1, "give a target or 'by', not both") end
      local fields = fields_of(opts.by, "keyness")
      local gs, msg, code = groups(self, fields, nil, "keyness")
      if not gs then return nil, msg, code end
      local out = {}
      local o = without(opts, "by")
      for _, g in ipairs(gs) do
        local rows, m, c = self:keyness({_bits = g.bits}, reference, o)
        if not rows then return nil, m, c end
        for _, r in ipairs(rows) do out[#out + 1] = put_group(r, fields, g) end
      end
      return out
    end
    if type(opts) == "table" and opts.stop ~= nil then
      local set, nstop, code = stop_set(opts.stop, "keyness")
      if not set then return nil, nstop, code end
      local o = without(opts, "stop")
      return fetch_kept(function(ask)
        local oo = without(o, "limit")
        oo.limit = ask
        return keyness(self, target, reference, oo)
      end, opts.limit, function(r) return not is_stopped(set, r.term) end, nstop)
    end
    return keyness(self, target, reference, opts)
  end

  -- dispersion over groups as parts
  local dispersion = Corpus.dispersion
  function Corpus:dispersion(q, opts)
    if type(opts) ~= "table" or opts.parts == nil then return dispersion(self, q, opts) end
    if type(q) ~= "string" then argerr("dispersion", 1, "string expected, got " .. type(q)) end
    core.checkopts(opts, "dispersion", 2)
    local plan, msg, code = query.parse(q, {layer = opts.layer, variants = opts.variants},
                                        self:_layer_set())
    if not plan then return nil, msg, code end
    local rows
    rows, msg, code = self:_count_by(plan, {by = opts.parts, where = opts.where,
                                            max_matches = opts.max_matches})
    if not rows then return nil, msg, code end
    local f, s, range, matches = {}, {}, 0, 0
    for i, r in ipairs(rows) do
      f[i], s[i] = r.hits, r.words
      if r.hits > 0 then range = range + 1 end
      matches = matches + r.hits
    end
    local D, DP, DPnorm = core.dispersion_measures(f, s)
    return {matches = matches, range = range, parts = #rows, D = D, DP = DP,
            DPnorm = DPnorm, groups = rows}
  end

  module.stop_words = function(name)
    if name ~= "english" then
      raise(("bad argument #1 to 'stop_words' (\"english\" expected, got %s)"):format(tostring(name)))
    end
    STOP_ENGLISH = STOP_ENGLISH or require "corpus.stopwords"
    local t = {}
    for i, w in ipairs(STOP_ENGLISH.english) do t[i] = w end
    return t
  end
end
