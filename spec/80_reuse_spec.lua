-- c:reuse: text reuse between documents (docs/REUSE.md)
local corpus = require "corpus"
local pan = require "reuse_pan"

local SEEDS = "../shared/corpora/seeds"
local UN = "../shared/corpora/ungdc/docs-000.jsonl"
local REUTERS = "../shared/corpora/reuters21578/docs-000.jsonl"

local sh = require "sh"
local exists = sh.exists

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

  it("stops with ELIMIT, quickly, when max_df lets repeated text seed", function()
    local rep = ("buffalo "):rep(100000)
    c:add{id = "x", text = rep}
    c:add{id = "y", text = rep}
    local t = os.clock()
    local rs, msg, code = c:reuse{max_df = 1000000}
    assert.is_nil(rs)
    assert.are.equal("ELIMIT", code)
    assert.truthy(msg:find("lower max_df", 1, true))
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
      "unknown option 'minimum' to 'reuse'; valid options: against, clusters, " ..
      "gap, gap_extend, keep, layer, limit, max_df, min, mismatch, source, target")
    assert.has_error(function() c:reuse{klusters = true} end,
      "unknown option 'klusters' to 'reuse' (did you mean 'clusters'?); valid " ..
      "options: against, clusters, gap, gap_extend, keep, layer, limit, max_df, " ..
      "min, mismatch, source, target")
    assert.has_error(function() c:reuse{layer = "Lemma!"} end,
      "bad option 'layer' to 'reuse' (word, norm, stem or the name of a " ..
      "stored layer expected)")
    assert.has_error(function() c:reuse{layer = "lemma"} end,
      "reuse: layer 'lemma' is not stored in this corpus")
    assert.has_error(function() c:reuse{keep = 1} end,
      "bad option 'keep' to 'reuse' (boolean expected, got number)")
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

describe("c:reuse{keep = true}", function()
  if not exists(SEEDS .. "/000_5d011168273388d6.txt") then
    pending("needs ../shared/corpora/seeds")
    return
  end
  local NEWS, COMM = "000_5d011168273388d6", "004_c6fd0727bfa2b943"

  it("stores the passages as span set reuse, with the other document", function()
    local c = corpus.new()
    c:add_dir(SEEDS)
    assert.are.equal(4, c:count('"reaffirmed"'))
    local ok, msg, code = c:count('"reaffirmed" within <reuse/>')
    assert.is_nil(ok); assert.are.equal("ESYNTAX", code); assert.truthy(msg)
    local rows, info = c:reuse{keep = true}
    assert.are.equal(2 * #rows, info.kept)
    -- once in the closing passage of each document
    assert.are.equal(2, c:count('"reaffirmed" within <reuse/>'))
    assert.are.equal(1, c:count('"reaffirmed" within <reuse other="' .. COMM .. '"/>'))
    assert.are.equal(1, c:count('"reaffirmed" within <reuse other="' .. NEWS .. '"/>'))
    -- the spans are the passages' tokens: the 24 words of the closing
    -- passage and its "/" (Daesh/ISIS) in each document, and the news
    -- article's opening quote (inside: punctuation does not break it)
    local top = rows[1]
    assert.are.equal(24, top.words)
    local cl = '<reuse cluster="1"/>'
    local _, info1 = c:reuse{keep = true, min = 24}
    assert.are.equal(2, info1.kept)
    assert.are.equal(25 + 26, c:count('[] within ' .. cl))
    c:reuse{keep = true}
    -- texts, ids and the other span sets are unchanged
    assert.are.equal(NEWS, c:doc(1).id)
    assert.are.same(rows, (c:reuse()))
    assert.is_true(c:count('[] within <s/>') == c:count('[]'))
    -- kept again: replaced, not added to
    local _, info2 = c:reuse{keep = true, min = 20}
    assert.are.equal(2, info2.kept)
    assert.are.equal(2, c:count('"reaffirmed" within <reuse cluster="1"/>'))
    assert.are.equal(2, c:count('"reaffirmed" within <reuse/>'))
    assert.are.equal(0, c:count('"Sahel" within <reuse/>'))
    c:close()
  end)

  it("keeps them across commit, reopen, merges, optimize and rollback", function()
    local dir = os.tmpname()
    os.remove(dir)
    local w = assert(corpus.create(dir))
    w:add_dir(SEEDS)
    assert(w:commit())
    w:reuse{keep = true}
    assert.are.equal(2, w:count('"reaffirmed" within <reuse/>'))
    assert(w:rollback())                  -- not committed: gone again
    assert.is_nil((w:count('"reaffirmed" within <reuse/>')))
    w:reuse{keep = true}
    assert(w:commit())
    w:close()
    local r = assert(corpus.open(dir, {verify = true}))
    assert.are.equal(2, r:count('"reaffirmed" within <reuse/>'))
    assert.has_error(function() r:reuse{keep = true} end,
      "reuse: keep = true needs a writable corpus (this one is a read-only " ..
      "snapshot: open it with write = true)")
    r:close()
    w = assert(corpus.open(dir, {write = true}))
    for i = 1, 12 do                      -- enough commits to merge segments
      w:add{id = "x" .. i, text = "Another text " .. i .. " that reaffirmed nothing."}
      assert(w:commit())
    end
    assert.are.equal(16, w:count('"reaffirmed"'))
    assert.are.equal(2, w:count('"reaffirmed" within <reuse/>'))
    assert(w:optimize())
    assert.are.equal(2, w:count('"reaffirmed" within <reuse/>'))
    w:close()
    r = assert(corpus.open(dir, {verify = true}))
    assert.are.equal(2, r:count('"reaffirmed" within <reuse/>'))
    assert.are.equal(14, r:ndocs())
    local rep = assert(r:check())           -- every checksum, recounted
    assert.is_true(rep.ok)
    assert.are.equal(1, rep.segments)
    r:close()
    os.execute("rm -rf '" .. dir .. "'")
  end)

  it("keeps only the sides in this corpus with against", function()
    local a, b = corpus.new(), corpus.new()
    local f = assert(io.open(SEEDS .. "/" .. NEWS .. ".txt", "rb"))
    a:add{id = "news", text = f:read("*a")}
    f:close()
    b:add_dir(SEEDS)
    local rows, info = a:reuse{against = b, keep = true}
    assert.is_true(#rows >= 2)
    assert.are.equal(#rows, info.kept)
    assert.are.equal(1, a:count('"reaffirmed" within <reuse other="' .. COMM .. '"/>'))
    assert.is_nil((b:count('"reaffirmed" within <reuse/>')))
    a:close(); b:close()
  end)
end)

describe("c:reuse over stored layers (CoNLL-U)", function()
  -- two sentences with the same lemmas and different forms
  local function conllu(id, rows)
    local t = {"# newdoc id = " .. id, "# sent_id = " .. id .. "-1"}
    for i, r in ipairs(rows) do
      t[#t + 1] = table.concat({i, r[1], r[2], "_", "_", "_", i == 1 and 0 or 1,
                                i == 1 and "root" or "dep", "_", "_"}, "\t")
    end
    return table.concat(t, "\n") .. "\n\n"
  end
  local function sent(forms, lemmas)
    local rows, k = {}, 0
    for w in forms:gmatch("%S+") do k = k + 1; rows[k] = {w} end
    k = 0
    for l in lemmas:gmatch("%S+") do k = k + 1; rows[k][2] = l end
    return rows
  end
  local LEM = "the minister reaffirm their belief that a comprehensive and collective effort be necessary ."
  local A = sent("The ministers reaffirmed their belief that a comprehensive and collective effort was necessary .", LEM)
  local B = sent("The minister reaffirms their beliefs that a comprehensive and collective efforts were necessary .", LEM)
  local c
  setup(function()
    c = corpus.new()
    assert.are.equal(2, c:add_conllu_text(conllu("a", A) .. conllu("b", B), "x"))
  end)
  teardown(function() c:close() end)

  it("finds nothing by word forms", function()
    assert.are.same({}, (c:reuse()))
  end)

  it("aligns the whole sentence by lemma, with spans on the forms", function()
    local rs = c:reuse{layer = "lemma"}
    assert.are.equal(1, #rs)
    assert.are.equal(13, rs[1].words)
    assert.are.equal(1, rs[1].identity)
    assert.are.equal("The ministers reaffirmed their belief that a comprehensive " ..
                     "and collective effort was necessary", rs[1].a.text)
    assert.are.equal("The minister reaffirms their beliefs that a comprehensive " ..
                     "and collective efforts were necessary", rs[1].b.text)
  end)

  it("aligns by stem up to the verb the stemmer does not join", function()
    local rs = c:reuse{layer = "stem"}
    assert.are.equal(1, #rs)
    assert.are.equal(11, rs[1].words)
    assert.truthy(rs[1].b.text:find("efforts$"))
  end)

  it("needs the layer in the against corpus too", function()
    local d = corpus.new()
    d:add{id = "plain", text = "The ministers reaffirmed their belief."}
    assert.has_error(function() c:reuse{layer = "lemma", against = d} end,
      "reuse: layer 'lemma' is not stored in the 'against' corpus")
    d:close()
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

describe("docs/REUSE.md", function()
  it("has a first example that runs and prints what its comments say", function()
    local f = assert(io.open("docs/REUSE.md", "rb"))
    local md = f:read("*a")
    f:close()
    local code = assert(md:match("```lua\n(.-)```"))
    local want = {}
    for line in code:gmatch("[^\n]+") do
      local w = line:match("%-%->%s*(.-)%s*$")
      if w then want[#want + 1] = w end
    end
    local got = {}
    local env = setmetatable({print = function(...)
      local t = {}
      for i = 1, select("#", ...) do t[i] = tostring((select(i, ...))) end
      got[#got + 1] = table.concat(t, " ")
    end}, {__index = _G})
    local chunk
    if setfenv then                      -- Lua 5.1, LuaJIT
      chunk = assert(loadstring(code, "REUSE.md"))
      setfenv(chunk, env)
    else
      chunk = assert(load(code, "REUSE.md", "t", env))
    end
    chunk()
    assert.are.same(want, got)
  end)
end)

describe("corpus reuse (command line)", function()
  if not exists(SEEDS .. "/000_5d011168273388d6.txt") then
    pending("needs ../shared/corpora/seeds")
    return
  end
  local function run(args)
    local _, out, code = sh.run(sh.LUA .. " bin/corpus reuse " .. args)
    return out, code
  end
  it("prints one TSV line per passage, with byte spans", function()
    local out, status = run(SEEDS .. " --min 20 --format tsv")
    assert.are.equal(0, status)
    local lines = {}
    for l in out:gmatch("[^\n]+") do lines[#lines + 1] = l end
    assert.are.equal(2, #lines)
    assert.truthy(lines[1]:find("^a_doc\ta_id\ta_start\ta_stop"))
    local f = {}
    for x in (lines[2] .. "\t"):gmatch("([^\t]*)\t") do f[#f + 1] = x end
    assert.are.same({"1", "000_5d011168273388d6", "2450", "2610", "2",
                     "004_c6fd0727bfa2b943", "6908", "7065", "24"},
                    {f[1], f[2], f[3], f[4], f[5], f[6], f[7], f[8], f[9]})
  end)
  it("writes JSON and takes a second source", function()
    local cjson = require "cjson"
    local out, status = run(SEEDS .. "/000_5d011168273388d6.txt " ..
                            SEEDS .. "/004_c6fd0727bfa2b943.txt --min 20 --format json")
    assert.are.equal(0, status)
    local rows = cjson.decode(out)
    assert.are.equal(1, #rows)
    assert.are.equal(24, rows[1].words)
  end)
  it("--keep stores the passages in an index for queries", function()
    local dir = sh.tmpdir()
    local ok, out = sh.run(sh.LUA .. " bin/corpus index " .. dir .. " " .. SEEDS)
    assert.is_true(ok, out)
    local _, before = sh.run(sh.LUA .. " bin/corpus count " .. dir .. " '[] within <reuse/>'")
    assert.truthy(before:find("unknown span set", 1, true), before)
    local status
    out, status = run(dir .. " --keep --min 20 --format tsv")
    assert.are.equal(0, status, out)
    local _, n = out:gsub("\n", "")
    assert.are.equal(2, n)             -- the header and the 24-word passage
    local _, count = sh.run(sh.LUA .. " bin/corpus count " .. dir ..
                            " '\"reaffirmed\" within <reuse/>'")
    assert.are.equal("2", count:match("%d+"))
    -- the 24-word passage on both sides: 25 and 26 tokens with the
    -- slash of Daesh/ISIS and the full stop, in the two documents
    local _, words = sh.run(sh.LUA .. " bin/corpus count " .. dir .. " '[] within <reuse/>'")
    assert.are.equal("51", words:match("%d+"))
    local _, docs = sh.run(sh.LUA .. " bin/corpus count --docs " .. dir .. " '[] within <reuse/>'")
    assert.are.equal("2", docs:match("%d+"))
    sh.rmtree(dir)
    out, status = run(SEEDS .. " --keep")   -- not an index: nothing to store in
    assert.are.equal(2, status)
    assert.truthy(out:find("--keep needs SOURCE to be an index directory", 1, true), out)
  end)
  it("refuses unknown flags and formats", function()
    local out, status = run(SEEDS .. " --minimum 3")
    assert.are.equal(2, status)
    assert.truthy(out:find("unknown option '--minimum'", 1, true))
    out, status = run(SEEDS .. " --format xml")
    assert.are.equal(2, status)
  end)
end)
