-- c:reuse: text reuse between documents (docs/REUSE.md)
local corpus = require "corpus"
local pan = require "reuse_pan"

local SEEDS = "../shared/corpora/seeds"
local UN = "../shared/corpora/ungdc/docs-000.jsonl"
local REUTERS = "../shared/corpora/reuters21578/docs-000.jsonl"

local function exists(p)
  local f = io.open(p, "rb")
  if f then f:close() end
  return f ~= nil
end

local function words(s)
  local t = {}
  for w in s:gmatch("%w+") do t[#t + 1] = w:lower() end
  return t
end

describe("c:reuse on the seeds", function()
  if not exists(SEEDS .. "/000_5d011168273388d6.txt") then
    pending("needs ../shared/corpora/seeds")
    return
  end
  local c, rows, news, comm
  setup(function()
    c = corpus.new()
    c:add_dir(SEEDS)
    rows = c:reuse()
    news, comm = c:doc(1).text, c:doc(2).text
  end)
  teardown(function() c:close() end)

  it("finds the 24-word closing passage, slicing to the same words", function()
    local hit
    for _, r in ipairs(rows) do
      if r.a.text:find("reaffirmed its belief", 1, true) then hit = r end
    end
    assert.truthy(hit)
    assert.are.equal(24, hit.words)
    assert.are.equal(1, hit.identity)
    assert.are.equal(news:sub(hit.a.start, hit.a.stop), hit.a.text)
    assert.are.equal(comm:sub(hit.b.start, hit.b.stop), hit.b.text)
    local wa, wb = words(hit.a.text), words(hit.b.text)
    assert.are.same(wa, wb)
    assert.are.equal(24, #wa)
    assert.are.equal("the", wa[1])
    assert.are.equal("worldwide", wa[24])
    assert.are.equal("000_5d011168273388d6", hit.a.id)
    assert.are.equal("004_c6fd0727bfa2b943", hit.b.id)
  end)

  it("finds the West Africa passage as one edited pair", function()
    local found = {}
    for _, r in ipairs(rows) do
      if r.a.text:find("West Africa", 1, true) then found[#found + 1] = r end
    end
    assert.are.equal(1, #found)
    local r = found[1]
    assert.is_true(r.identity < 1)
    assert.truthy(r.a.text:find("East Africa", 1, true))
    assert.truthy(r.b.text:find("particularly in East Africa", 1, true))
    assert.truthy(r.a.text:find("^ISIS affiliates across West Africa"))
    assert.are.equal(news:sub(r.a.start, r.a.stop), r.a.text)
    assert.are.equal(comm:sub(r.b.start, r.b.stop), r.b.text)
  end)

  it("reports nothing shorter than min, on either side", function()
    for _, min in ipairs{8, 12, 20} do
      local rs = c:reuse{min = min}
      assert.is_true(#rs > 0)
      for _, r in ipairs(rs) do
        assert.is_true(#words(r.a.text) >= min)
        assert.is_true(#words(r.b.text) >= min)
      end
    end
    local rs = c:reuse{min = 25}
    for _, r in ipairs(rs) do assert.is_true(r.words >= 25) end
  end)

  it("orders rows by score and honours limit", function()
    for i = 2, #rows do assert.is_true(rows[i - 1].score >= rows[i].score) end
    local top = c:reuse{limit = 1}
    assert.are.equal(1, #top)
    assert.are.same(rows[1], top[1])
  end)

  it("finds the same closing passage against another corpus", function()
    local a, b = corpus.new(), corpus.new()
    a:add{id = "news", text = news}
    b:add{id = "communique", text = comm}
    local rs, info = a:reuse{against = b}
    assert.is_true(#rs >= 2)
    assert.are.equal(#rs, info.passages)
    for _, r in ipairs(rs) do
      assert.are.equal("news", r.a.id)
      assert.are.equal("communique", r.b.id)
      assert.are.equal(comm:sub(r.b.start, r.b.stop), r.b.text)
    end
    a:close(); b:close()
  end)
end)

describe("c:reuse options", function()
  local base = "The quick brown fox jumps over the lazy dog while the farmer " ..
               "sleeps soundly in the old barn near the river bank today. "
  local c
  before_each(function() c = corpus.new() end)
  after_each(function() c:close() end)

  it("finds nothing in an empty corpus or a corpus of one document", function()
    assert.are.same({}, (c:reuse()))
    c:add{text = base}
    assert.are.same({}, (c:reuse()))
  end)

  it("aligns identical documents whole", function()
    c:add{id = "x", text = base .. base:upper()}
    c:add{id = "y", text = base .. base:upper()}
    local rs = c:reuse()
    assert.are.equal(1, #rs)
    assert.are.equal(46, rs[1].words)
    assert.are.equal(1, rs[1].identity)
    assert.are.equal(1, rs[1].a.start)
    -- the last word ends the passage: the final period and space are no words
    assert.are.equal(#base * 2 - 2, rs[1].a.stop)
    assert.truthy(rs[1].b.text:find("RIVER BANK TODAY$"))
  end)

  it("tolerates substitutions, insertions and deletions", function()
    c:add{id = "x", text = "Intro words here. " .. base}
    c:add{id = "y", text = "Other start text. " .. base:gsub("lazy", "sleepy")
                           :gsub("farmer", "old farmer"):gsub(" soundly", "")}
    local rs = c:reuse()
    assert.are.equal(1, #rs)
    assert.is_true(rs[1].identity < 1 and rs[1].identity > 0.8)
    assert.truthy(rs[1].a.text:find("^The quick"))
    assert.truthy(rs[1].b.text:find("river bank today$"))
  end)

  it("matches stems with layer = 'stem' and not by default", function()
    c:add{id = "x", text = "the farmers planted apples and harvested the crops " ..
                           "in the northern valleys during cold winters"}
    c:add{id = "y", text = "the farmer plants apple and harvests the crop " ..
                           "in the northern valley during cold winter"}
    assert.are.same({}, (c:reuse()))
    local rs = c:reuse{layer = "stem"}
    assert.are.equal(1, #rs)
    assert.are.equal(15, rs[1].words)
  end)

  it("restricts pairs with source and target", function()
    c:add{id = "a", kind = "news", text = base}
    c:add{id = "b", kind = "wire", text = base}
    c:add{id = "c", kind = "wire", text = base}
    assert.are.equal(3, #c:reuse())
    local rs = c:reuse{source = {kind = "news"}}
    assert.are.equal(2, #rs)
    for _, r in ipairs(rs) do assert.are.equal("a", r.a.id) end
    rs = c:reuse{source = {kind = "news"}, target = {kind = "wire"}}
    assert.are.equal(2, #rs)
    rs = c:reuse{source = {kind = "wire"}, target = {kind = "wire"}}
    assert.are.equal(1, #rs)
    assert.are.equal("b", rs[1].a.id)
    local ok, msg, code = c:reuse{source = "kind:("}
    assert.is_nil(ok)
    assert.are.equal("ESYNTAX", code)
    assert.truthy(msg)
  end)

  it("groups the same text in several documents into a cluster", function()
    for i = 1, 4 do c:add{id = "d" .. i, text = "Preamble " .. i .. ". " .. base} end
    c:add{id = "other", text = "Nothing in common with the rest at all, really."}
    local cl = c:reuse{clusters = true}
    assert.are.equal(1, #cl)
    assert.are.equal(4, cl[1].size)
    assert.are.equal(0, cl[1].repeats)
    assert.are.equal(4, #cl[1].members)
    for i, m in ipairs(cl[1].members) do
      assert.are.equal("d" .. i, m.id)
      assert.truthy(m.text:find("^The quick"))
    end
  end)

  it("counts a passage repeated within one document as boilerplate", function()
    c:add{id = "twice", text = base .. " Middle part that differs entirely. " .. base}
    c:add{id = "once", text = base}
    local cl = c:reuse{clusters = true}
    assert.are.equal(1, #cl)
    assert.are.equal(2, cl[1].size)
    assert.are.equal(3, #cl[1].members)
    assert.are.equal(2, cl[1].repeats)
    assert.are.equal(2 / 3, cl[1].boilerplate)
  end)

  it("treats a word repeated 100,000 times as boilerplate, quickly", function()
    local rep = ("buffalo "):rep(100000)
    c:add{id = "x", text = rep}
    c:add{id = "y", text = rep}
    local t = os.clock()
    local rs, info = c:reuse()
    assert.are.same({}, rs)
    assert.is_true(info.boilerplate >= 1)
    assert.is_true(os.clock() - t < 5)
  end)

  it("returns nothing for min = 1e9, and raises for min = 0", function()
    c:add{text = base}
    c:add{text = base}
    assert.are.same({}, (c:reuse{min = 1000000000}))
    assert.has_error(function() c:reuse{min = 0} end,
      "bad option 'min' to 'reuse' (must be >= 1)")
    assert.are.equal(1, #c:reuse{min = 1})
  end)

  it("raises on unknown options and wrong types", function()
    assert.has_error(function() c:reuse{minimum = 3} end,
      "bad argument #1 to 'reuse' (unknown option 'minimum')")
    assert.has_error(function() c:reuse{layer = "lemmas"} end,
      "bad option 'layer' to 'reuse' (one of word, norm, stem expected)")
    assert.has_error(function() c:reuse{max_df = 1} end,
      "bad option 'max_df' to 'reuse' (must be >= 2)")
    assert.has_error(function() c:reuse{gap = -1} end,
      "bad option 'gap' to 'reuse' (must be in [0, 1e6])")
    assert.has_error(function() c:reuse{clusters = 1} end,
      "bad option 'clusters' to 'reuse' (boolean expected, got number)")
    assert.has_error(function() c:reuse{against = {}} end,
      "bad option 'against' to 'reuse' (corpus expected, got table)")
    assert.has_error(function() c:reuse("min") end,
      "bad argument #1 to 'reuse' (table expected, got string)")
  end)

  it("refuses an against corpus with another tokenizer mode", function()
    local s = corpus.new{mode = "strict"}
    s:add{text = base}
    c:add{text = base}
    assert.has_error(function() c:reuse{against = s} end)
    local ok, msg = pcall(c.reuse, c, {against = s})
    assert.is_false(ok)
    assert.truthy(msg:find("another tokenizer mode", 1, true))
    s:close()
    assert.has_error(function() c:reuse{against = s} end,
      "bad option 'against' to 'reuse' (attempt to use a closed corpus)")
  end)

  it("raises on a closed corpus", function()
    c:close()
    assert.has_error(function() c:reuse() end, "attempt to use a closed corpus")
    c = corpus.new()
  end)
end)

describe("PAN measures", function()
  local s = {susp_id = "s", src_id = "u", susp = {1, 100}, src = {1, 100}}
  it("give 1 for a perfect detection", function()
    local m = pan.measures({s}, {s})
    assert.are.same({precision = 1, recall = 1, granularity = 1, plagdet = 1}, m)
  end)
  it("count characters, granularity and other pairs", function()
    local half = {susp_id = "s", src_id = "u", susp = {1, 50}, src = {1, 50}}
    local rest = {susp_id = "s", src_id = "u", susp = {51, 100}, src = {51, 100}}
    local m = pan.measures({s}, {half})
    assert.are.equal(0.5, m.recall)
    assert.are.equal(1, m.precision)
    m = pan.measures({s}, {half, rest})
    assert.are.equal(1, m.recall)
    assert.are.equal(2, m.granularity)
    assert.are.equal(1 / (math.log(3) / math.log(2)), m.plagdet)
    m = pan.measures({s}, {{susp_id = "s", src_id = "x", susp = {1, 100}, src = {1, 100}}})
    assert.are.equal(0, m.recall)
    assert.are.equal(0, m.precision)
  end)
end)

describe("c:reuse on the spliced benchmark (small)", function()
  if not (exists(UN) and exists(REUTERS)) then
    pending("needs ../shared/corpora")
    return
  end
  local N = 60
  local un = pan.read_jsonl(UN, N, 300)
  local rt = pan.read_jsonl(REUTERS, N, 50)
  for _, case in ipairs{{0, 0.95}, {0.05, 0.95}, {0.10, 0.95}, {0.20, 0.85}} do
    local rate, goal = case[1], case[2]
    it(("reaches plagdet >= %.2f with %d%% of words edited"):format(goal, rate * 100), function()
      local b = pan.make{un = un, reuters = rt, n = N, rate = rate, seed = 12}
      local m = pan.run(corpus, b)
      assert.is_true(m.plagdet >= goal,
        ("plagdet %.3f (P %.3f R %.3f G %.3f)"):format(m.plagdet, m.precision,
                                                       m.recall, m.granularity))
      assert.is_true(m.granularity < 1.1)
    end)
  end
end)
