--[[
corpus.query -- the query language: an LPeg grammar that turns a query
string into a plan table (docs/QUERY.md documents both).

  local query = require "corpus.query"
  local plan = query.parse('"foreign fighters" NEAR(isis syria, 5)')
  local plan, msg, code = query.parse('"unclosed')   --> nil, msg, "ESYNTAX"

The plan is plain data; csrc/l_query.c walks it and builds the C plan
(csrc/plan.h).  Nothing here touches a corpus, so this file can be used
(and fuzzed) without the C module.
]]

local lpeg = require "lpeg"

local P, S, R, C, Cs, Ct, Cc, Cp, Cmt, Carg, V =
  lpeg.P, lpeg.S, lpeg.R, lpeg.C, lpeg.Cs, lpeg.Ct, lpeg.Cc, lpeg.Cp,
  lpeg.Cmt, lpeg.Carg, lpeg.V
local type, tonumber, tostring, error, pcall, ipairs =
  type, tonumber, tostring, error, pcall, ipairs
local concat, insert = table.concat, table.insert
local utf8len, mathtype = utf8.len, math.type

local M = {}

-- misuse raises at the caller's level: the first stack frame outside
-- the library's Lua files (the rule of csrc/l_opts.c, which this file
-- cannot call: it runs without the C module)
local getinfo = debug.getinfo
local function raise (msg)
  local level = 2
  while true do
    local info = getinfo(level, "S")
    if not info or not (info.what == "C" or
        info.source:find("[/@]corpus/[%w_]+%.lua$")) then break end
    level = level + 1
  end
  error(msg, level)
end

M.LAYERS = {word = true, norm = true, stem = true}
M.NEAR_DEFAULT = 10      -- distance of NEAR(a b) without a number, as FTS5
M.MAX_REPEAT = 100       -- the bound of + and * in token patterns


-- {==================================================================
-- Error bookkeeping.  The match state (lpeg.Carg(1)) keeps the
-- farthest position where something was expected and the list of what
-- was expected there; a semantic check can leave a message instead.
-- ===================================================================

-- a pattern that always fails, noting that 'what' was expected here
local function expect (what)
  return Cmt(Carg(1), function (_, i, st)
    if i > st.pos then
      st.pos, st.exp, st.seen = i, {what}, {[what] = true}
    elseif i == st.pos and not st.seen[what] then
      st.seen[what] = true
      insert(st.exp, what)
    end
    return false
  end) * P(false)   -- P(false): lpeg must not see this as nullable
end

-- 'patt', or fail noting that 'what' was expected
local function T (patt, what)
  return patt + expect(what)
end

-- note a semantic error at position i; returns false (for Cmt)
local function semerr (st, i, msg)
  if not st.err or i > st.err.pos then st.err = {pos = i, msg = msg} end
  return false
end

local function oneof (list)
  if #list == 1 then return list[1] end
  return concat(list, ", ", 1, #list - 1) .. " or " .. list[#list]
end

local function syntax_error (q, pos, what)
  if pos > #q + 1 then pos = #q + 1 end
  local col = (utf8len(q, 1, pos - 1) or (pos - 1)) + 1
  local shown = q:gsub("[\r\n\t\f\v]", " ")
  return nil, ("query syntax error at column %d: %s\n  %s\n  %s^"):format(
    col, what, shown, (" "):rep(col - 1)), "ESYNTAX"
end

-- }==================================================================


-- {==================================================================
-- Node builders (used from match-time captures)
-- ===================================================================

local function has_literal (text)
  return text:find("[^*?]") ~= nil
end

-- a plain word: term, prefix (one trailing *) or glob (* and ? anywhere)
local function word_node (text, layer)
  local star, qm = text:find("*", 1, true), text:find("?", 1, true)
  if not star and not qm then
    return {op = "term", layer = layer, text = text}
  end
  if not qm and star == #text then
    return {op = "prefix", layer = layer, text = text:sub(1, -2)}
  end
  return {op = "glob", layer = layer, text = text}
end

-- the words of a quoted phrase; nil, msg if one is only wildcards
local function phrase_node (text, layer)
  local items = {}
  for w in text:gmatch("%S+") do
    if not has_literal(w) then
      return nil, "a wildcard needs at least one other character"
    end
    items[#items + 1] = word_node(w, layer)
  end
  if #items == 0 then return nil, "empty phrase" end
  if #items == 1 then return items[1] end
  for _, it in ipairs(items) do it.layer = nil end
  return {op = "phrase", layer = layer, items = items}
end

local function list_node (op, t)
  if #t == 1 then return t[1] end
  return {op = op, args = t}
end

-- a NOT b NOT c  ->  and(a, not b, not c)
local function not_chain (t)
  if #t == 1 then return t[1] end
  local args = {t[1]}
  for i = 2, #t do args[i] = {op = "not", arg = t[i]} end
  return {op = "and", args = args}
end

local POSITIONAL = {term = true, prefix = true, glob = true, regex = true,
                    phrase = true, seq = true, near = true, within = true}

-- metadata comparison from a bare value: >=x <=x >x <x a..b ..b a.. x
local function meta_node (field, v)
  local op, rest = v:match("^([<>]=?)(.*)$")
  if op then
    if rest == "" then return nil, "expected a value after '" .. op .. "'" end
    local cmp = ({[">"] = "gt", [">="] = "ge", ["<"] = "lt", ["<="] = "le"})[op]
    return {op = "meta", field = field, cmp = cmp, value = rest}
  end
  local lo, hi = v:match("^(.-)%.%.(.*)$")
  if lo then
    if lo == "" and hi == "" then return nil, "expected a value around '..'" end
    if lo == "" then return {op = "meta", field = field, cmp = "le", value = hi} end
    if hi == "" then return {op = "meta", field = field, cmp = "ge", value = lo} end
    return {op = "meta", field = field, cmp = "range", lo = lo, hi = hi}
  end
  return {op = "meta", field = field, cmp = "eq", value = v}
end

-- }==================================================================


-- {==================================================================
-- Grammar
-- ===================================================================

local space = S" \t\r\n\f\v"
local ws = space^0
local termchar = 1 - S" \t\r\n\f\v()\"[]{}:,"
local valuechar = 1 - S" \t\r\n\f\v()\"[]"
local digit = R"09"
local int = C(digit^1) / tonumber
local name = (R("az", "AZ") + P"_") * (R("az", "AZ", "09") + S"_-.")^0
local eow = -termchar

local KW = (P"AND" + P"OR" + P"NOT") * eow
local AND = P"AND" * eow
local OR = P"OR" * eow
local NOT = P"NOT" * eow

local WHAT = "a term, a \"phrase\", a /regex/, '(', NEAR(...) or a [token pattern]"

-- "..." with "" standing for one quote
local qstring = P'"' * Cs(((P'""' / '"') + (1 - P'"'))^0) *
  T(P'"', "'\"' closing the quoted string")

-- /.../ ; a backslash escapes the next character (PCRE2 sees it as is)
local regex = P"/" * C(((P"\\" * P(1)) + (1 - P"/"))^0) *
  T(P"/", "'/' closing the regular expression")

-- match-time builder: f(st, pos, captures...) -> node | nil, msg
local function build (patt, f)
  return Cmt(Carg(1) * Cp() * patt, function (_, i, st, pos, ...)
    local node, msg = f(st, pos, ...)
    if node == nil then return semerr(st, pos, msg) end
    return i, node
  end)
end

local NEARKW = (P"ONEAR" + P"NEAR") * ws * P"("
local term = build(C(-KW * -NEARKW * -P"/" * termchar^1), function (st, _, text)
  if not has_literal(text) then
    return nil, "a wildcard needs at least one other character"
  end
  return word_node(text, st.layer)
end)

local phrase = build(qstring, function (st, _, text)
  return phrase_node(text, st.layer)
end)

local regexnode = build(regex, function (st, _, text)
  if text == "" then return nil, "empty regular expression" end
  return {op = "regex", layer = st.layer, text = text}
end)

-- name:value -- a layer prefix (word:ISIS) or a metadata filter
local fvalue = Ct(Cc"q" * qstring) + Ct(Cc"re" * regex) +
               Ct(Cc"bare" * C(valuechar^1))
local fielded = build(C(name) * P":" * T(fvalue, "a value after ':'"),
  function (_, _, field, v)
    local kind, text = v[1], v[2]
    if M.LAYERS[field] then
      if kind == "q" then return phrase_node(text, field) end
      if kind == "re" then
        if text == "" then return nil, "empty regular expression" end
        return {op = "regex", layer = field, text = text}
      end
      if not has_literal(text) then
        return nil, "a wildcard needs at least one other character"
      end
      return word_node(text, field)
    end
    if kind == "q" then
      return {op = "meta", field = field, cmp = "eq", value = text}
    end
    if kind == "re" then
      return nil, "metadata filters take a value, not a regular expression"
    end
    return meta_node(field, text)
  end)

-- token conditions: layer="x", layer!="x", layer=/re/, & | ! ( )
local ctest = build(C(name) * ws * C(P"!=" + P"=") * ws *
  T(Ct(Cc"q" * qstring) + Ct(Cc"re" * regex),
    "a \"string\" or a /regex/ after '='"),
  function (_, _, layer, op, v)
    if not M.LAYERS[layer] then
      return nil, ("unknown layer '%s' (expected word, norm or stem)")
        :format(layer)
    end
    if v[2] == "" then
      return nil, v[1] == "q" and "empty string" or "empty regular expression"
    end
    local node = {op = v[1] == "q" and "term" or "regex", layer = layer,
                  text = v[2]}
    if op == "!=" then node = {op = "tnot", arg = node} end
    return node
  end)

local function fold (op)
  return function (t)
    if #t == 1 then return t[1] end
    return {op = op, args = t}
  end
end

local cond = P{ "cor",
  cor = Ct(V"cand" * (ws * P"|" * ws * T(V"cand", "a condition after '|'"))^0)
        / fold"tor",
  cand = Ct(V"cnot" * (ws * P"&" * ws * T(V"cnot", "a condition after '&'"))^0)
         / fold"tand",
  cnot = (P"!" * ws * T(V"cnot", "a condition after '!'")) /
           function (a) return {op = "tnot", arg = a} end
       + P"(" * ws * T(V"cor", "a condition") * ws *
           T(P")", "')' closing the condition")
       + ctest
       + expect("a condition like norm=\"word\"")
}

-- repetition: {n} {n,m} {,m} {n,} ? + *
local quant = build(
    P"{" * ws * T(Ct((int + Cc(false)) * ws * (P"," * Cc(true) * ws *
      (int + Cc(false)))^-1), "a number") * ws *
      T(P"}", "'}' closing the repetition")
  + C(S"?+*"),
  function (st, _, q)
    if type(q) == "string" then
      if q == "?" then return {0, 1} end
      if q == "+" then return {1, st.max_repeat} end
      return {0, st.max_repeat}
    end
    local lo, comma, hi = q[1], q[2], q[3]
    if not comma then
      if not lo then return nil, "expected a number in {}" end
      hi = lo
    end
    lo = lo or 0
    hi = hi or st.max_repeat
    if hi < lo then return nil, "repetition {n,m} needs n <= m" end
    if hi > st.max_repeat then
      return nil, ("repetition bound %d is above the limit %d")
        :format(hi, st.max_repeat)
    end
    return {lo, hi}
  end)

local item = Ct(P"[" * ws * (P"]" * Cc(false) +
    T(cond, "a condition") * ws * T(P"]", "']' closing the token condition")) *
    quant^-1) / function (t)
      local c, q = t[1], t[2]
      return {cond = c or {op = "any"}, min = q and q[1] or 1,
              max = q and q[2] or 1}
    end

local pattern = build(Ct(item * (ws * item)^0), function (_, _, items)
  local total = 0
  for _, it in ipairs(items) do total = total + it.min end
  if total == 0 then
    return nil, "a token pattern must match at least one token"
  end
  return {op = "seq", items = items}
end)

local G = P{ "query",
  query = ws * V"orx" * ws * T(P(-1), "AND, OR, NOT, a term or the end"),
  orx = Ct(V"andx" * (ws * OR * ws * T(V"andx", WHAT))^0) /
        function (t) return list_node("or", t) end,
  andx = Ct(V"notx" * (ws * (AND * ws)^-1 * V"notx")^0) /
         function (t) return list_node("and", t) end,
  notx = Ct(V"unary" * (ws * NOT * ws * T(V"unary", WHAT))^0) / not_chain,
  unary = (NOT * ws * T(V"unary", WHAT)) /
            function (a) return {op = "not", arg = a} end
        + V"postfix",
  postfix = build(V"primary" * (ws * P"within" * space^1 *
      C(P"doc" + P"s" + P"p") * eow)^-1,
    function (_, _, node, unit)
      if not unit then return node end
      if not POSITIONAL[node.op] then
        return nil, "'within' applies to a term, phrase, NEAR or token pattern"
      end
      return {op = "within", unit = unit, arg = node}
    end),
  primary = P"(" * ws * T(V"orx", WHAT) * ws * T(P")", "')'")
          + V"near" + pattern + fielded + phrase + regexnode + term
          + expect(WHAT),
  nearg = pattern + fielded + phrase + regexnode + term,
  near = build(C(P"ONEAR" + P"NEAR") * ws * P"(" * ws *
      T(Ct((V"nearg" * ws)^1), "a term or phrase inside NEAR(...)") *
      (P"," * ws * T(int, "a distance (a number)") * ws)^-1 *
      T(P")", "')' closing NEAR"),
    function (_, _, kw, args, dist)
      if #args < 2 then return nil, "NEAR needs at least two terms" end
      if dist and (mathtype(dist) ~= "integer" or dist > 1000000) then
        return nil, "NEAR distance must be at most 1000000"
      end
      for _, a in ipairs(args) do
        if not POSITIONAL[a.op] then
          return nil, "NEAR takes terms, phrases and token patterns"
        end
      end
      return {op = "near", ordered = (kw == "ONEAR"),
              dist = dist or M.NEAR_DEFAULT, args = args}
    end),
}

-- }==================================================================


--[[
parse(q [, opts]) -> plan | nil, message, "ESYNTAX"
  opts.layer       default layer of plain terms and phrases ("norm")
  opts.max_repeat  bound of + and * (and of {n,}) in token patterns
]]
function M.parse (q, opts)
  if type(q) ~= "string" then
    raise(("bad argument #1 to 'parse' (string expected, got %s)")
      :format(type(q)))
  end
  local layer, max_repeat = "norm", M.MAX_REPEAT
  if opts ~= nil then
    if type(opts) ~= "table" then
      raise(("bad argument #2 to 'parse' (table expected, got %s)")
        :format(type(opts)))
    end
    if opts.layer ~= nil then
      layer = opts.layer
      if not M.LAYERS[layer] then
        raise(("bad argument #2 to 'parse' (unknown layer '%s')")
          :format(tostring(layer)))
      end
    end
    if opts.max_repeat ~= nil then
      max_repeat = opts.max_repeat
      if mathtype(max_repeat) ~= "integer" or max_repeat < 1 then
        raise("bad argument #2 to 'parse' (max_repeat must be a positive integer)")
      end
    end
  end
  local st = {pos = 0, exp = {}, seen = {}, layer = layer,
              max_repeat = max_repeat}
  local ok, plan = pcall(lpeg.match, G, q, 1, st)
  if not ok then
    return syntax_error(q, 1, "query too complex (nested too deeply)")
  end
  if plan ~= nil then return plan end
  if st.err and st.err.pos >= st.pos then
    return syntax_error(q, st.err.pos, st.err.msg)
  end
  if st.pos == 0 then
    return syntax_error(q, 1, "expected " .. WHAT)
  end
  return syntax_error(q, st.pos, "expected " .. oneof(st.exp))
end

return M
