-- Index format 2: what a corpus holds by name (c:layers(), c:spans()),
-- the same through commits, deletes, merges and optimize on disk, and a
-- format-1 segment refused with EVERSION saying how to rebuild.
local corpus = require "corpus"

local sh = require "sh"
local tmpdir = function(tag) return sh.tmppath("spec13_" .. tag) end
local rmrf = sh.rmtree

local TEXTS = {
  "The commission met on Monday. It discussed oil prices.\n\nA second paragraph follows here.",
  "Foreign fighters crossed the border. Officials said so.",
  "One line only",
  "Markets rose. Markets fell. Markets rose again!\n\nThe end.",
}

local function docs(n, tag)
  local t = {}
  for i = 1, n do
    t[i] = { id = tag .. i, text = TEXTS[(i - 1) % #TEXTS + 1] .. " (" .. i .. ")" }
  end
  return t
end

describe("c:layers() and c:spans()", function()
  it("list word, norm, stem and the s and p span sets with their counts", function()
    local c = corpus.new()
    for _, d in ipairs(docs(4, "d")) do c:add(d) end
    local st = c:stats()
    local layers = c:layers()
    assert.are.same({ "word", "norm", "stem" },
      { layers[1].name, layers[2].name, layers[3].name })
    assert.are.same({ "word", "derived", "derived" },
      { layers[1].kind, layers[2].kind, layers[3].kind })
    for _, l in ipairs(layers) do assert.are.equal(st.tokens, l.tokens) end
    local spans = {}
    for _, s in ipairs(c:spans()) do spans[s.name] = s end
    assert.are.equal(st.sentences, spans.s.count)
    assert.are.equal(st.paragraphs, spans.p.count)
    assert.are.same({}, spans.s.keys)
  end)

  it("are empty lists of counts on an empty corpus", function()
    local c = corpus.new()
    local layers = c:layers()
    assert.are.equal(3, #layers)
    assert.are.equal(0, layers[1].tokens)
    assert.are.same({}, c:spans())
  end)

  it("raise on a closed corpus", function()
    local c = corpus.new()
    c:close()
    assert.has_error(function() c:layers() end)
    assert.has_error(function() c:spans() end)
  end)

  it("stay the same through commits, deletes, merges and optimize on disk", function()
    local dir = tmpdir("life")
    local w = assert(corpus.create(dir))
    local all = {}
    for round = 1, 12 do   -- 12 commits: the merge policy runs
      local batch = docs(5, "r" .. round .. "_")
      for _, d in ipairs(batch) do w:add(d) end
      for _, d in ipairs(batch) do all[#all + 1] = d end
      assert(w:commit())
    end
    -- delete a few and compare with a fresh in-memory corpus of the rest
    local gone = { r1_1 = true, r3_2 = true, r7_5 = true }
    for id in pairs(gone) do assert(w:delete(id)) end
    assert(w:commit())
    local live = {}
    for _, d in ipairs(all) do if not gone[d.id] then live[#live + 1] = d end end
    local m = corpus.new()
    for _, d in ipairs(live) do m:add(d) end
    local function norm_spans(c)
      local t = {}
      for _, s in ipairs(c:spans()) do t[s.name] = s.count end
      return t
    end
    assert.are.same(m:layers(), w:layers())
    assert.are.same(norm_spans(m), norm_spans(w))
    assert(w:optimize())
    assert.are.same(m:layers(), w:layers())
    assert.are.same(norm_spans(m), norm_spans(w))
    assert.are.same(m:stats().sentences, w:stats().sentences)
    w:close()
    local r = assert(corpus.open(dir))
    assert.are.same(m:layers(), r:layers())
    assert.are.same(norm_spans(m), norm_spans(r))
    assert(r:check())
    r:close()
    rmrf(dir)
  end)
end)

describe("format versions", function()
  it("refuses a format-1 segment with EVERSION saying how to rebuild", function()
    local dir = tmpdir("v1")
    local w = assert(corpus.create(dir))
    for _, d in ipairs(docs(2, "v")) do w:add(d) end
    assert(w:commit())
    w:close()
    local seg
    local p = io.popen("ls '" .. dir .. "'")
    for l in p:lines() do if l:match("%.cps$") then seg = dir .. "/" .. l end end
    p:close()
    local f = assert(io.open(seg, "r+b"))
    f:seek("set", 8)
    f:write(string.char(1, 0, 0, 0))   -- the version field
    f:close()
    local c, msg, code = corpus.open(dir)
    assert.is_nil(c)
    assert.are.equal("EVERSION", code)
    assert.matches("format 1", msg)
    assert.matches("rebuild", msg)
    rmrf(dir)
  end)
end)

describe("span sets in queries (BlackLab CQL)", function()
  local c
  setup(function()
    c = corpus.new()
    for _, d in ipairs(docs(8, "q")) do c:add(d) end
  end)

  -- sentences of the corpus (c:sentences per document), lowercased
  local function sentences()
    local t = {}
    for i = 1, c:ndocs() do
      for _, s in ipairs(c:sentences(i)) do t[#t + 1] = s.text:lower() end
    end
    return t
  end

  it("counts the spans of a set: <s/> and <p/>", function()
    local st = c:stats()
    assert.are.equal(st.sentences, c:count("<s/>"))
    assert.are.equal(st.paragraphs, c:count("<p/>"))
  end)

  it("keeps the spans of a set that contain a phrase", function()
    local want = 0
    for _, s in ipairs(sentences()) do
      if s:find("foreign fighters", 1, true) then want = want + 1 end
    end
    assert.is_true(want > 0)
    assert.are.equal(want, c:count('<s/> containing "foreign fighters"'))
    local want2 = 0
    for _, s in ipairs(sentences()) do
      if s:find("markets", 1, true) then want2 = want2 + 1 end
    end
    assert.are.equal(want2, c:count("<s/> containing markets"))
  end)

  it("restricts matches to spans: within <s/> equals within s", function()
    for _, q in ipairs{ '"fighters crossed"', "[norm=\"markets\"] [norm=\"rose\"]",
                        "markets" } do
      assert.are.equal(c:count(q .. " within s"), c:count(q .. " within <s/>"))
    end
    -- a phrase across a sentence boundary is not within one
    assert.are.equal(0, c:count('"rose markets" within <s/>'))
    assert.is_true(c:count('"rose markets"') > 0)
  end)

  it("gives KWIC of whole spans", function()
    local seen = {}
    for k in c:kwic('<s/> containing officials') do
      seen[#seen + 1] = k.match
    end
    assert.is_true(#seen > 0)
    for _, m in ipairs(seen) do assert.matches("^Officials said so%.$", m) end
  end)

  it("rejects an unknown span set, listing those present", function()
    -- (quote is known: the analysers store it, spec 87)
    local n, msg, code = c:count("<chapter/>")
    assert.is_nil(n)
    assert.are.equal("ESYNTAX", code)
    assert.matches("unknown span set 'chapter'", msg)
    assert.matches("s, p", msg)
    n, msg, code = c:count("<s")
    assert.is_nil(n)
    assert.are.equal("ESYNTAX", code)
  end)
end)
