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
-- nesting costs LPeg's backtrack stack about 7 entries a level; the
-- default 400 stops at ~55 levels, docs/QUERY.md promises about 200
if lpeg.setmaxstack then lpeg.setmaxstack(1600) end

local P, S, R, C, Cs, Ct, Cc, Cp, Cmt, Carg, V =
  lpeg.P, lpeg.S, lpeg.R, lpeg.C, lpeg.Cs, lpeg.Ct, lpeg.Cc, lpeg.Cp,
  lpeg.Cmt, lpeg.Carg, lpeg.V
local type, tonumber, tostring, error, pcall, ipairs =
  type, tonumber, tostring, error, pcall, ipairs
local concat, insert, sort = table.concat, table.insert, table.sort
local compat = require "corpus.compat"
local utf8len, mathtype = compat.utf8_len, compat.math_type

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

-- note a semantic error at position i (shown at column 'at' when
-- given); returns false (for Cmt)
local function semerr (st, i, msg, at)
  if not st.err or i > st.err.pos then st.err = {pos = i, at = at, msg = msg} end
  return false
end

-- the layers a query may name, for messages
local function layer_list (st)
  local t = {}
  for name in pairs(st.layers or {}) do t[#t + 1] = name end
  sort(t)
  if #t == 0 then return "expected word, norm or stem" end
  return "this corpus has: word, norm, stem, " .. concat(t, ", ")
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
                    phrase = true, seq = true, near = true, within = true,
                    spans = true, spanjoin = true}

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
  if v:find("[*?]") then
    return {op = "meta", field = field, cmp = "glob", value = v}
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
-- digits beyond an integer's range clamp to the largest integer, so the
-- range checks reject them with their own message
local int = C(digit^1) / function (d)
  return compat.tointeger(tonumber(d)) or 2^53
end
local name = (R("az", "AZ") + P"_") * (R("az", "AZ", "09") + S"_-.")^0
local eow = -termchar

local KW = (P"AND" + P"OR" + P"NOT") * eow
local NOT = P"NOT" * eow

-- {------------------------------------------------------------------
-- Habits of other query languages (docs/QUERY.md, "Habits"): each is
-- either taken with its usual meaning or refused with a message that
-- says what to write.
--   a | b, a || b      OR (CQP, C); a & b, a && b   AND
--   -a, +a             NOT a; a (Lucene, Xapian; terms are required)
--   a NEAR b, a NEAR/5 b   NEAR(a b), NEAR(a b, 5) (Xapian)
--   lowercase and/or/not between words: a syntax error (they are words
--   in every engine that has upper-case operators; write AND or "and")
local OR = (P"OR" * eow) + P"||" + P"|"
local AND = (P"AND" * eow) + P"&&" + P"&"
local NEAROP = P"NEAR" * (P"/" * T(int, "a distance after 'NEAR/'") + Cc(false))
               * -termchar * -(ws * P"(")
local MINUS = P"-" * #(1 - space - P"-")
local PLUS = P"+" * #(1 - space - P"+")
local LOWERKW = {["and"] = "AND", ["or"] = "OR", ["not"] = "NOT"}
-- }------------------------------------------------------------------

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
local term = build(C(-KW * -NEARKW * -(P"NEAR" * (P"/" + -termchar)) * -P"/"
    * -(P"<" * ws * R"az") * -S"|&" * termchar^1), function (st, pos, text)
  if not has_literal(text) then
    return nil, "a wildcard needs at least one other character"
  end
  if text:find("|", 1, true) or text:find("&&", 1, true) then
    return nil, ("'%s' inside a word: put spaces around the operator "
      .. "(a | b is a OR b) or quote the text (\"%s\")"):format(
      text:find("|", 1, true) and "|" or "&&", text)
  end
  if text == "-" or text == "+" then
    return nil, ("a lone '%s': write %sword with no space (%s)"):format(text, text,
      text == "-" and "-word excludes it, as NOT word" or "+word requires it; every term is required anyway")
  end
  if LOWERKW[text] then     -- refused unless it is the whole query
    st.lowerkw = st.lowerkw or {pos = pos, text = text}
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
  function (st, _, field, v)
    local kind, text = v[1], v[2]
    if M.LAYERS[field] or (st.layers and st.layers[field]) then
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
      return {op = "meta", field = field, cmp = "eq", value = text,
              nocase = st.nocase}
    end
    if kind == "re" then
      return nil, "metadata filters take a value, not a regular expression"
    end
    local node, msg = meta_node(field, text)
    if node then node.nocase = st.nocase end
    return node, msg
  end)

-- name:( ... ) -- words in a text field (Lucene's field grouping):
-- words, phrases, prefixes, globs and regular expressions, combined with
-- AND, OR, NOT and parentheses; csrc/fieldq.c runs it
local FIELD_WORDS = {term = true, prefix = true, glob = true, regex = true,
                     phrase = true, ["and"] = true, ["or"] = true,
                     ["not"] = true}

-- nil, or why node cannot stand inside field:( )
local function field_words_err (node, field)
  if not FIELD_WORDS[node.op] then
    return ("inside %s:( ) write words, \"phrases\", prefixes, globs, "
      .. "/regexes/ and AND, OR, NOT of them"):format(field)
  end
  if node.layer and not M.LAYERS[node.layer] then
    return ("a field's words have the layers word, norm and stem only, not '%s'")
      :format(node.layer)
  end
  if node.arg then
    local e = field_words_err(node.arg, field)
    if e then return e end
  end
  for _, a in ipairs(node.op ~= "phrase" and node.args or {}) do
    local e = field_words_err(a, field)
    if e then return e end
  end
end

local function field_group (st, _, field, node)
  if M.LAYERS[field] or (st.layers and st.layers[field]) then
    return nil, ("'%s' is a layer: a layer prefix takes one word or "
      .. "\"phrase\" (%s:x); ( ) after a field name searches its words")
      :format(field, field)
  end
  if field == "id" then
    return nil, "the document id is not a text field: write id:value"
  end
  local e = field_words_err(node, field)
  if e then return nil, e end
  return {op = "field", field = field, arg = node}
end

-- token conditions: layer="x", layer!="x", layer=/re/, & | ! ( )
local ctest = build(C(name) * ws * C(P"!=" + P"=") * ws *
  T(Ct(Cc"q" * qstring) + Ct(Cc"re" * regex),
    "a \"string\" or a /regex/ after '='"),
  function (st, _, layer, op, v)
    if not M.LAYERS[layer] and not (st.layers and st.layers[layer]) then
      return nil, ("unknown layer '%s' (%s)"):format(layer, layer_list(st))
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
    if hi < 1 then return nil, "repetition {n,m} needs m >= 1" end
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

-- a span set as a query (BlackLab CQL): <quote/>, <entity kind="person"/>
local setname = R"az" * (R("az", "09") + P"_")^0
local spanattr = Ct(C(setname) * ws * P"=" * ws *
  T(qstring, "a \"value\" after '='"))
local spanq = build(P"<" * ws * C(setname) * Ct((space^1 * spanattr)^0) * ws *
    T(P"/>", "'/>' closing the span set"),
  function (_, _, set, attrs)
    local t = {}
    for i, a in ipairs(attrs) do t[i] = {key = a[1], value = a[2]} end
    return {op = "spans", set = set, attrs = t}
  end)

local G = P{ "query",
  query = ws * V"orx" * ws * T(P(-1), "AND, OR, NOT, a term or the end"),
  orx = Ct(V"andx" * (ws * OR * ws * T(V"andx", WHAT))^0) /
        function (t) return list_node("or", t) end,
  andx = Ct(V"nearx" * (ws * (AND * ws)^-1 * V"nearx")^0) /
         function (t) return list_node("and", t) end,
  nearx = build(Ct(V"notx" * (ws * Ct(NEAROP) * ws *
      T(V"notx", "a term or phrase after NEAR"))^0), function (_, _, t)
    if #t == 1 then return t[1] end
    local args, dist = {t[1]}, nil
    for i = 2, #t, 2 do
      local d = t[i][1] or M.NEAR_DEFAULT
      if dist and d ~= dist then
        return nil, "NEAR chain with different distances: write NEAR(a b c, N)"
      end
      dist = d
      args[#args + 1] = t[i + 1]
    end
    if dist > 1000000 then return nil, "NEAR distance must be at most 1000000" end
    for _, a in ipairs(args) do
      if not POSITIONAL[a.op] then
        return nil, "NEAR takes terms, phrases and token patterns"
      end
    end
    return {op = "near", ordered = false, dist = dist, args = args}
  end),
  notx = Ct(V"unary" * (ws * NOT * ws * T(V"unary", WHAT))^0) / not_chain,
  unary = ((NOT * ws + MINUS) * T(V"unary", WHAT)) /
            function (a) return {op = "not", arg = a} end
        + PLUS * T(V"unary", WHAT)
        + V"postfix",
  -- A within s|p|doc (units), A within B, A containing B (any spans)
  postfix = build(V"primary" * (ws * C(P"within" + P"containing") * space^1 *
      (C(P"doc" + P"s" + P"p") * eow + V"primary"))^-1,
    function (_, _, node, kw, target)
      if not kw then return node end
      if not POSITIONAL[node.op] then
        return nil, ("'%s' applies to a term, phrase, NEAR, token pattern "
          .. "or span set"):format(kw)
      end
      if type(target) == "string" then
        if kw == "containing" then
          return {op = "spanjoin", how = kw, arg = node,
                  target = {op = "spans", set = target, attrs = {}}}
        end
        return {op = "within", unit = target, arg = node}
      end
      if not POSITIONAL[target.op] then
        return nil, ("'%s' needs a term, phrase, token pattern or span set "
          .. "after it"):format(kw)
      end
      return {op = "spanjoin", how = kw, arg = node, target = target}
    end),
  primary = P"(" * ws * T(V"orx", WHAT) * ws * T(P")", "')'")
          + V"near" + pattern + spanq + V"fgroup" + fielded + phrase + regexnode
          + term
          + expect(WHAT),
  nearg = pattern + fielded + phrase + regexnode + term,
  -- its error is noted at the end of the group (it is found only once
  -- the words parse) and shown at the field's name
  fgroup = Cmt(Carg(1) * Cp() * C(name) * P":" * P"(" * ws * T(V"orx", WHAT) *
      ws * T(P")", "')' closing the field's words"),
    function (_, i, st, pos, field, node)
      local n, msg = field_group(st, pos, field, node)
      if n == nil then return semerr(st, i, msg, pos) end
      return i, n
    end),
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
parse(q [, opts] [, layers]) -> plan | nil, message, "ESYNTAX"
  layers           set of the stored layers a query may name ({lemma =
                   true, ...}; the corpus methods pass their corpus's);
                   without it only word, norm and stem
  opts.layer       default layer of plain terms and phrases ("norm")
  opts.max_repeat  bound of + and * (and of {n,}) in token patterns
  opts.nocase      metadata filters compare strings case-insensitively
  opts.variants    false: exact terms; by default norm terms also find their forms with other diacritics
                   and the compounds they are part of (the root gets
                   variants = true; docs/QUERY.md "Compounds and diacritics")
]]
function M.parse (q, opts, layers)
  if type(q) ~= "string" then
    raise(("bad argument #1 to 'parse' (string expected, got %s)")
      :format(type(q)))
  end
  if layers ~= nil and type(layers) ~= "table" then
    raise(("bad argument #3 to 'parse' (table expected, got %s)")
      :format(type(layers)))
  end
  local layer, max_repeat = "norm", M.MAX_REPEAT
  if opts ~= nil then
    if type(opts) ~= "table" then
      raise(("bad argument #2 to 'parse' (table expected, got %s)")
        :format(type(opts)))
    end
    if opts.layer ~= nil then
      layer = opts.layer
      if not M.LAYERS[layer] and not (layers and layers[layer]) then
        raise(("bad argument #2 to 'parse' (unknown layer '%s'; %s)")
          :format(tostring(layer), layer_list{layers = layers}))
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
              max_repeat = max_repeat, layers = layers,
              nocase = opts and opts.nocase or nil}
  local ok, plan = pcall(lpeg.match, G, q, 1, st)
  if not ok then
    -- LPeg's own limits are the user's query being too big; anything
    -- else is a bug of this parser and must show as one
    local m = tostring(plan)
    if m:find("backtrack stack overflow", 1, true) then
      return syntax_error(q, 1, "query too complex (nested too deeply)")
    elseif m:find("too many", 1, true) then
      return syntax_error(q, 1, "query too complex (too many terms)")
    end
    error("query parser failed on this query: " .. m, 2)
  end
  if plan ~= nil then
    -- terms find their compounds and diacritic variants unless the
    -- caller asks for exact terms (variants = false)
    if opts and opts.variants ~= nil and type(opts.variants) ~= "boolean" then
      raise("bad argument #2 to 'parse' (variants must be true or false)")
    end
    if not (opts and opts.variants == false) then plan.variants = true end
    local kw = st.lowerkw
    if kw and not (plan.op == "term" and plan.text == kw.text) then
      return syntax_error(q, kw.pos, ("lowercase '%s' is not an operator: "
        .. "write %s for the operator, or \"%s\" to search the word")
        :format(kw.text, LOWERKW[kw.text], kw.text))
    end
    return plan
  end
  if st.err and st.err.pos >= st.pos then
    return syntax_error(q, st.err.at or st.err.pos, st.err.msg)
  end
  if st.pos == 0 then
    return syntax_error(q, 1, "expected " .. WHAT)
  end
  return syntax_error(q, st.pos, "expected " .. oneof(st.exp))
end


-- {==================================================================
-- explain: a plan as an indented tree a reader can check, one node a
-- line ("AND", "term oil (norm)", "NEAR 5 words, any order", ...)
-- ===================================================================

local CMP = {eq = "=", gt = ">", ge = ">=", lt = "<", le = "<=",
             glob = "matches"}

local function q_str (s) return '"' .. s .. '"' end

local render_cond
render_cond = function (c)
  local op = c.op
  if op == "any" then return "" end
  if op == "term" then return ("%s=%s"):format(c.layer, q_str(c.text)) end
  if op == "regex" then return ("%s=/%s/"):format(c.layer, c.text) end
  if op == "tnot" then
    local a = c.arg
    if a.op == "term" or a.op == "regex" then
      return render_cond(a):gsub("=", "!=", 1)
    end
    return "!(" .. render_cond(a) .. ")"
  end
  local parts = {}
  for i, k in ipairs(c.args or {}) do parts[i] = "(" .. render_cond(k) .. ")" end
  return concat(parts, c.op == "tand" and " & " or " | ")
end

local function render_item (it)
  local r = "[" .. render_cond(it.cond) .. "]"
  if it.min == 1 and it.max == 1 then return r end
  if it.min == it.max then return r .. "{" .. it.min .. "}" end
  return r .. "{" .. it.min .. "," .. it.max .. "}"
end

local function line_of (n, layer)
  local op = n.op
  local l = n.layer or layer
  if op == "term" then return ("term %s (%s)"):format(q_str(n.text), l) end
  if op == "prefix" then return ("prefix %s (%s)"):format(q_str(n.text .. "*"), l) end
  if op == "glob" then return ("glob %s (%s)"):format(q_str(n.text), l) end
  if op == "regex" then return ("regex /%s/ (%s)"):format(n.text, l) end
  if op == "phrase" then
    local w = {}
    for i, it in ipairs(n.items) do
      w[i] = it.op == "prefix" and it.text .. "*" or it.text
    end
    return ("phrase %s (%s)"):format(q_str(concat(w, " ")), l)
  end
  if op == "seq" then
    local w = {}
    for i, it in ipairs(n.items) do w[i] = render_item(it) end
    return "token pattern " .. concat(w, " ")
  end
  if op == "meta" then
    if n.cmp == "range" then
      return ("metadata %s in %s..%s"):format(n.field, n.lo, n.hi)
    end
    return ("metadata %s %s %s%s"):format(n.field, CMP[n.cmp] or n.cmp,
      q_str(tostring(n.value)), n.nocase and " (any case)" or "")
  end
  if op == "near" then
    return ("NEAR %d words, %s"):format(n.dist, n.ordered and "in order" or "any order")
  end
  if op == "within" then return "WITHIN " .. n.unit end
  if op == "field" then return ("words of field %s"):format(n.field) end
  if op == "and" or op == "or" or op == "not" then return op:upper() end
  return op       -- a node kind this renderer does not know (yet)
end

-- does a phrase also find the compounds holding its words, at the
-- document level (csrc/l_query.c with_compound: 2 to 4 plain words on
-- the norm layer)?
local function compound_of (n)
  if n.op ~= "phrase" or (n.layer or "norm") ~= "norm" or #n.items < 2
     or #n.items > 4 then return nil end
  local w = {}
  for i, it in ipairs(n.items) do
    if it.op ~= "term" then return nil end
    w[i] = it.text
  end
  return true
end

-- doc: the node stands at the document level (root, AND / OR / NOT)
local function render (n, depth, out, doc, v)
  local line = ("  "):rep(depth) .. line_of(n)
  local comp = v and doc and compound_of(n)
  if comp then line = line .. " or a compound of these words" end
  out[#out + 1] = line
  local kdoc = n.op == "and" or n.op == "or" or n.op == "not" or n.op == "field"
  if n.arg then render(n.arg, depth + 1, out, kdoc, v) end
  if n.op ~= "seq" and n.op ~= "phrase" then
    for _, k in ipairs(n.args or {}) do render(k, depth + 1, out, kdoc, v) end
  end
  return out
end

--[[
explain(q [, opts]) -> text | nil, message, "ESYNTAX": the plan of q as
an indented tree, one node a line:
  explain("oil -gas")  -->  AND
                              term "oil" (norm)
                              NOT
                                term "gas" (norm)
]]
function M.explain (q, opts)
  local plan, msg, code = M.parse(q, opts)
  if not plan then return nil, msg, code end
  return concat(render(plan, 0, {}, true, plan.variants), "\n")
end

-- }==================================================================

return M
