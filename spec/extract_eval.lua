--[[
spec/extract_eval.lua -- score the extractors against the hand-labelled
Reuters set (spec/data/reuters_quotes.lua; guidelines in docs/EXTRACT.md).
Used by spec/81_extract_reuters_spec.lua and bench/extract_eval.lua.

  local ev = require "extract_eval"
  local r = ev.run("../shared/corpora/reuters21578")   -- nil, msg if absent

Quote match: the gold and found quote start in the same sentence and
share at least half of the word tokens of the longer of the two (all
parts together).  Speaker accuracy: over matched quotes, the speaker
names equal after lower-casing and dropping a leading article.  Dates:
a gold date is right when a found date overlaps its text and has its
value; precision counts found dates overlapping no gold date.
]]

local corpus = require "corpus"
local cjson = require "cjson.safe"

local M = {}

local function load_docs(dir, want)
  local docs = {}
  for _, f in ipairs{ "docs-000.jsonl", "docs-001.jsonl" } do
    local fh = io.open(dir .. "/" .. f, "rb")
    if not fh then return nil, dir .. "/" .. f .. ": not found" end
    for line in fh:lines() do
      local id = line:match('^{"id": "([^"]+)"')
      if id and want[id] then docs[id] = cjson.decode(line) end
    end
    fh:close()
  end
  return docs
end

-- whitespace-insensitive plain search of s in text from init
local function find(text, s, init)
  local pat = s:gsub("[%^%$%(%)%%%.%[%]%*%+%-%?]", "%%%0"):gsub("%s+", "%%s+")
  return text:find(pat, init)
end

-- word-token index sets of byte spans; sentence index of a byte
local function token_view(text)
  local toks = corpus.core.tokenize(text)
  local sent, s = {}, 0
  for i, t in ipairs(toks) do
    if t.sstart then s = s + 1 end
    sent[i] = s
  end
  local function tokens_of(spans)
    local set, n, first = {}, 0, nil
    for _, sp in ipairs(spans) do
      for i, t in ipairs(toks) do
        if not t.punct and t.start >= sp[1] and t.stop <= sp[2] then
          if not set[i] then set[i] = true; n = n + 1 end
          first = first and math.min(first, i) or i
        end
      end
    end
    return set, n, first and sent[first] or -1
  end
  return tokens_of
end

local function norm(name)
  if not name then return nil end
  name = name:lower():gsub("^%s+", ""):gsub("%s+$", "")
  for _, a in ipairs{ "the ", "a ", "an ", "one " } do
    if name:sub(1, #a) == a then name = name:sub(#a + 1) end
  end
  return name
end

function M.run(dir)
  local gold = dofile((M.data or "spec/data/reuters_quotes.lua"))
  local want = {}
  for _, g in ipairs(gold) do want[g.id] = true end
  local docs, msg = load_docs(dir, want)
  if not docs then return nil, msg end
  local r = { docs = 0, gold = 0, found = 0, matched = 0, speaker_ok = 0,
              kind_ok = 0, dates_gold = 0, dates_found = 0, dates_ok = 0,
              dates_spurious = 0, misses = {}, wrong_speaker = {}, extra = {},
              wrong_dates = {} }
  for _, g in ipairs(gold) do
    local d = assert(docs[g.id], g.id .. " not in the corpus")
    local text = d.text
    r.docs = r.docs + 1
    local tokens_of = token_view(text)
    -- gold spans
    local cursor, G = 1, {}
    for qi, q in ipairs(g.quotes) do
      local spans, pos = {}, cursor
      for _, p in ipairs(q.parts) do
        local s1 = find(text, p[1], pos)
        assert(s1, ("%s quote %d: '%s' not found"):format(g.id, qi, p[1]))
        local _, e2 = find(text, p[2], s1)
        assert(e2, ("%s quote %d: '%s' not found"):format(g.id, qi, p[2]))
        spans[#spans + 1] = { s1, e2 }
        pos = e2 + 1
      end
      cursor = spans[1][1] + 1
      local set, n, sent = tokens_of(spans)
      G[#G + 1] = { q = q, set = set, n = n, sent = sent }
    end
    -- found quotes
    local F = {}
    for _, q in ipairs(corpus.quotes(text, { anchor = d.date })) do
      if q.kind ~= "indirect" then
        local spans = {}
        for _, p in ipairs(q.parts) do spans[#spans + 1] = { p.start, p.stop } end
        local set, n, sent = tokens_of(spans)
        F[#F + 1] = { q = q, set = set, n = n, sent = sent }
      end
    end
    r.gold, r.found = r.gold + #G, r.found + #F
    local used = {}
    for _, gq in ipairs(G) do
      local hit
      for fi, fq in ipairs(F) do
        if not used[fi] and fq.sent == gq.sent then
          local ov = 0
          for i in pairs(gq.set) do if fq.set[i] then ov = ov + 1 end end
          if ov > 0 and ov >= 0.5 * math.max(gq.n, fq.n) then hit = fi; break end
        end
      end
      if hit then
        used[hit] = true
        r.matched = r.matched + 1
        local fq = F[hit].q
        if norm(fq.speaker) == norm(gq.q.speaker) then r.speaker_ok = r.speaker_ok + 1
        else r.wrong_speaker[#r.wrong_speaker + 1] = ("%s: %s (found %s)"):format(g.id,
               gq.q.speaker, tostring(fq.speaker)) end
        if fq.kind == gq.q.kind then r.kind_ok = r.kind_ok + 1 end
      else
        r.misses[#r.misses + 1] = g.id .. ": " .. gq.q.parts[1][1]
      end
    end
    for fi, fq in ipairs(F) do
      if not used[fi] then r.extra[#r.extra + 1] = g.id .. ": " .. fq.q.text:sub(1, 40) end
    end
    -- dates
    if g.dates then
      local found = corpus.dates(text, { anchor = d.date })
      local dused, pos = {}, 1
      r.dates_gold = r.dates_gold + #g.dates
      r.dates_found = r.dates_found + #found
      for _, gd in ipairs(g.dates) do
        local s1, e1 = find(text, gd[1], pos)
        assert(s1, ("%s date '%s' not found"):format(g.id, gd[1]))
        pos = s1 + 1
        local ok, seen
        for fi, fd in ipairs(found) do
          if fd.start <= e1 and fd.stop >= s1 then
            dused[fi] = true
            seen = fd.value
            if fd.value == gd[2] then ok = true end
          end
        end
        if ok then r.dates_ok = r.dates_ok + 1
        else r.wrong_dates[#r.wrong_dates + 1] = ("%s: %s = %s (found %s)"):format(g.id,
               gd[1], gd[2], tostring(seen)) end
      end
      for fi, fd in ipairs(found) do
        if not dused[fi] then r.dates_spurious = r.dates_spurious + 1 end
      end
    end
  end
  r.precision = r.matched / math.max(r.found, 1)
  r.recall = r.matched / math.max(r.gold, 1)
  r.f1 = 2 * r.precision * r.recall / math.max(r.precision + r.recall, 1e-9)
  r.speaker_acc = r.speaker_ok / math.max(r.matched, 1)
  r.kind_acc = r.kind_ok / math.max(r.matched, 1)
  r.date_acc = r.dates_ok / math.max(r.dates_gold, 1)
  r.date_precision = (r.dates_found - r.dates_spurious) / math.max(r.dates_found, 1)
  return r
end

return M
