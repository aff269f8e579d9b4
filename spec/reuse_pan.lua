--[[
reuse_pan -- a text-reuse benchmark made for the project, and the PAN
text-alignment measures (Potthast et al., "An Evaluation Framework for
Plagiarism Detection", COLING 2010).  Used by spec/80_reuse_spec.lua
(small) and bench/reuse_bench.lua (large).

make(opts) builds cases: a passage of 10-200 words cut from a UN debate
speech, with a share `rate` of its words edited (substituted by a word of
another text, a word inserted after it, or deleted; each kind equally
likely, at random places), spliced into a Reuters article between two
words.  Every case pairs one article with one speech, each used once.
The gold spans are byte ranges (1-based, inclusive) in both texts.

measures(cases, detections) -> {precision, recall, granularity,
plagdet}, by character, over (susp, src) document pairs.
]]

local cjson = require "cjson.safe"

local M = {}

-- the first n JSONL records of a file with a non-empty text
local function read_jsonl(path, n, minwords)
  local out = {}
  local f = assert(io.open(path, "rb"))
  for line in f:lines() do
    local r = cjson.decode(line)
    if r and type(r.text) == "string" then
      local _, nw = r.text:gsub("%S+", "")
      if nw >= (minwords or 0) then out[#out + 1] = r end
    end
    if #out >= n then break end
  end
  f:close()
  return out
end
M.read_jsonl = read_jsonl

-- words of a text with their byte ranges
local function words_of(text)
  local w, s, e = {}, {}, {}
  for b, word, a in text:gmatch("()(%S+)()") do
    w[#w + 1] = word; s[#s + 1] = b; e[#e + 1] = a - 1
  end
  return w, s, e
end

--[[
opts: un = list of records (speeches), reuters = list of records,
n = cases, rate = share of words edited, seed = RNG seed, minlen, maxlen
(words; default 10, 200).  -> {susp = {{id, text}...}, src = {...},
cases = {{susp_id, src_id, susp = {start, stop}, src = {start, stop}}...}}
]]
function M.make(opts)
  local rnd = math.random
  math.randomseed(opts.seed or 1)
  local minlen, maxlen = opts.minlen or 10, opts.maxlen or 200
  local vocab = {}
  for i = 1, math.min(#opts.reuters, 50) do
    for w in opts.reuters[i].text:gmatch("%a+") do vocab[#vocab + 1] = w end
  end
  local out = {susp = {}, src = {}, cases = {}}
  for i = 1, opts.n do
    local sp, ar = opts.un[i], opts.reuters[i]
    local w, s, e = words_of(sp.text)
    local len = rnd(minlen, maxlen)
    if len > #w then len = #w end
    local first = rnd(1, #w - len + 1)
    local last = first + len - 1
    local piece = {}
    for k = first, last do
      local word = w[k]
      if rnd() < opts.rate then
        local op = rnd(3)
        if op == 1 then
          piece[#piece + 1] = vocab[rnd(#vocab)]
        elseif op == 2 then
          piece[#piece + 1] = word
          piece[#piece + 1] = vocab[rnd(#vocab)]
        end                                    -- op 3: deleted
      else
        piece[#piece + 1] = word
      end
    end
    local passage = table.concat(piece, " ")
    local aw, as, ae = words_of(ar.text)
    local at = rnd(0, #aw)                     -- after word 'at'
    local cut = at == 0 and 0 or ae[at]
    local pre, post = ar.text:sub(1, cut), ar.text:sub(cut + 1)
    local text = pre .. (cut > 0 and " " or "") .. passage .. " " .. post
    local start = #pre + (cut > 0 and 2 or 1)
    local sid, uid = "susp-" .. i, "src-" .. i
    out.susp[i] = {id = sid, text = text}
    out.src[i] = {id = uid, text = sp.text}
    out.cases[i] = {susp_id = sid, src_id = uid,
                    susp = {start, start + #passage - 1},
                    src = {s[first], e[last]}}
    local _ = as
  end
  return out
end

-- length of the union of intervals {{a, b}...} (inclusive)
local function union_len(iv)
  table.sort(iv, function(x, y) return x[1] < y[1] end)
  local total, cs, ce = 0, nil, nil
  for _, v in ipairs(iv) do
    if cs == nil or v[1] > ce + 1 then
      if cs then total = total + ce - cs + 1 end
      cs, ce = v[1], v[2]
    elseif v[2] > ce then ce = v[2] end
  end
  if cs then total = total + ce - cs + 1 end
  return total
end

local function overlap(x, y)
  local a, b = math.max(x[1], y[1]), math.min(x[2], y[2])
  if a <= b then return {a, b} end
end

-- does detection r detect case s: same documents, overlapping in both
local function detects(r, s)
  return r.susp_id == s.susp_id and r.src_id == s.src_id
     and overlap(r.susp, s.susp) and overlap(r.src, s.src)
end

--[[
cases and detections are lists of {susp_id, src_id, susp = {a, b},
src = {a, b}}.  Character precision and recall, granularity and plagdet
= F1 / log2(1 + granularity).
]]
function M.measures(cases, dets)
  local rec, prec, gsum, ndet = 0, 0, 0, 0
  for _, s in ipairs(cases) do
    local is, ir, hits = {}, {}, 0
    for _, r in ipairs(dets) do
      if detects(r, s) then
        hits = hits + 1
        is[#is + 1] = overlap(r.susp, s.susp)
        ir[#ir + 1] = overlap(r.src, s.src)
      end
    end
    local size = (s.susp[2] - s.susp[1] + 1) + (s.src[2] - s.src[1] + 1)
    rec = rec + (union_len(is) + union_len(ir)) / size
    if hits > 0 then gsum = gsum + hits; ndet = ndet + 1 end
  end
  for _, r in ipairs(dets) do
    local is, ir = {}, {}
    for _, s in ipairs(cases) do
      if detects(r, s) then
        is[#is + 1] = overlap(r.susp, s.susp)
        ir[#ir + 1] = overlap(r.src, s.src)
      end
    end
    local size = (r.susp[2] - r.susp[1] + 1) + (r.src[2] - r.src[1] + 1)
    prec = prec + (union_len(is) + union_len(ir)) / size
  end
  local m = {}
  m.recall = #cases > 0 and rec / #cases or 0
  m.precision = #dets > 0 and prec / #dets or 0
  m.granularity = ndet > 0 and gsum / ndet or 1
  local f = (m.precision + m.recall) > 0
            and 2 * m.precision * m.recall / (m.precision + m.recall) or 0
  m.plagdet = f / (math.log(1 + m.granularity) / math.log(2))
  return m
end

--[[
Run c:reuse over a made benchmark: the suspicious texts in one corpus,
the sources in another (`against`).  As in PAN's text-alignment task,
the detections scored are those of the document pairs of the cases
(the speeches share formulas with each other: passages between a
suspicious text and another speech are real reuse, but no case);
'all' also scores every detection.  -> measures, rows, info, all
]]
function M.run(corpus, bench, opts)
  local susp, src = corpus.new(), corpus.new()
  for _, d in ipairs(bench.susp) do susp:add{id = d.id, text = d.text} end
  for _, d in ipairs(bench.src) do src:add{id = d.id, text = d.text} end
  local o = {against = src}
  for k, v in pairs(opts or {}) do o[k] = v end
  local rows, info = susp:reuse(o)
  local gold = {}
  for _, s in ipairs(bench.cases) do gold[s.susp_id .. "\0" .. s.src_id] = true end
  local dets, all = {}, {}
  for _, r in ipairs(rows) do
    local d = {susp_id = r.a.id, src_id = r.b.id,
               susp = {r.a.start, r.a.stop}, src = {r.b.start, r.b.stop}}
    all[#all + 1] = d
    if gold[d.susp_id .. "\0" .. d.src_id] then dets[#dets + 1] = d end
  end
  susp:close(); src:close()
  return M.measures(bench.cases, dets), rows, info, M.measures(bench.cases, all)
end

return M
