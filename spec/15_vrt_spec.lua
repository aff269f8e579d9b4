-- VRT input (c:add_vrt): a VRT written here from UD English EWT dev
-- gives the counts the CoNLL-U file gives; structures become span sets
-- with attributes; bad input is an error with its line number and adds
-- nothing.
local corpus = require "corpus"

local FILE = "../shared/corpora/ud-ewt-dev/en_ewt-ud-dev.conllu"

local sh = require "sh"
local tmpfile = function(tag) return sh.tmppath("spec15_" .. tag, ".vrt") end
local have, write = sh.exists, sh.write

local function esc(s)
  return (s:gsub("&", "&amp;"):gsub("<", "&lt;"):gsub(">", "&gt;"):gsub('"', "&quot;"))
end

-- CoNLL-U -> VRT: <text id=> per document, <p> per paragraph, <s id=>
-- per sentence, word TAB lemma TAB upos per syntactic word
local function to_vrt(conllu)
  local out, open_p, open_s, open_text = {}, false, false, false
  local sid, newpar, newdoc, docid = nil, false, false, nil
  local function close_all()
    if open_s then out[#out + 1] = "</s>"; open_s = false end
    if open_p then out[#out + 1] = "</p>"; open_p = false end
    if open_text then out[#out + 1] = "</text>"; open_text = false end
  end
  for line in (conllu .. "\n"):gmatch("([^\n]*)\n") do
    local id = line:match("^# newdoc id = (.*)$")
    if id then newdoc, docid = true, id end
    if line:match("^# newpar") then newpar = true end
    local s = line:match("^# sent_id = (.*)$")
    if s then sid = s end
    if line == "" then
      if open_s then out[#out + 1] = "</s>"; open_s = false end
    elseif not line:match("^#") then
      local c = {}
      for f in (line .. "\t"):gmatch("([^\t]*)\t") do c[#c + 1] = f end
      if c[1]:match("^%d+$") then
        if not open_s then
          if newdoc then
            close_all()
            out[#out + 1] = ('<text id="%s" source="ewt">'):format(esc(docid))
            open_text, newdoc = true, false
          end
          if newpar then
            if open_p then out[#out + 1] = "</p>" end
            out[#out + 1] = "<p>"
            open_p, newpar = true, false
          end
          out[#out + 1] = ('<s id="%s">'):format(esc(sid))
          open_s = true
        end
        out[#out + 1] = table.concat({ esc(c[2]), esc(c[3]), c[4] }, "\t")
      end
    end
  end
  close_all()
  return table.concat(out, "\n") .. "\n"
end

describe("c:add_vrt", function()
  if not have(FILE) then
    pending("needs " .. FILE)
    return
  end
  local f = assert(io.open(FILE, "rb"))
  local conllu = f:read("*a")
  f:close()
  local u = corpus.new()
  assert(u:add_conllu(FILE))
  local path = tmpfile("ewt")
  write(path, to_vrt(conllu))
  local c = corpus.new()
  local n = assert(c:add_vrt(path, { columns = { "word", "lemma", "upos" } }))
  os.remove(path)

  it("gives the documents, sentences and tokens of the CoNLL-U file", function()
    assert.are.equal(318, n)
    local st, su = c:stats(), u:stats()
    assert.are.same({ su.docs, su.sentences, su.tokens }, { st.docs, st.sentences, st.tokens })
    assert.are.same({ 318, 2001, 25147 }, { st.docs, st.sentences, st.tokens })
  end)

  it("counts layer queries as the CoNLL-U import does", function()
    for _, q in ipairs{ '[lemma="be" & upos="AUX"]', '[upos="PROPN"]',
                        'lemma:go', '[upos="PROPN"] [upos="PROPN"]' } do
      assert.are.equal(u:count(q), c:count(q))
    end
    assert.are.equal(929, c:count('[lemma="be" & upos="AUX"]'))
  end)

  it("makes structures span sets with attributes, <text> attributes metadata", function()
    local spans = {}
    for _, s in ipairs(c:spans()) do spans[s.name] = s end
    assert.are.equal(2001, spans.s.count)
    assert.are.same({ "id" }, spans.s.keys)
    assert.are.equal(u:count("<p/>"), c:count("<p/>"))
    local d = c:doc(1)
    assert.are.equal("weblog-blogspot.com_nominations_20041117172713_ENG_20041117_172713", d.id)
    assert.are.equal("ewt", d.source)
    assert.are.equal(1, c:count('<s id="weblog-blogspot.com_nominations_20041117172713_ENG_20041117_172713-0001"/>'))
  end)

  it("slices every token's byte span to its word", function()
    for i = 1, 20 do
      local doc = c:doc(i)
      for _, t in ipairs(c:tokens(i)) do
        assert.are.equal(t.word, doc.text:sub(t.start, t.stop))
      end
    end
  end)
end)

describe("c:add_vrt rejects bad input with its line number", function()
  local GOOD = table.concat({
    '<text id="t1" year="2020">',
    '<chapter n="3">',
    "<s>",
    "It\tit\tPRON",
    "works\twork\tVERB",
    "</s>",
    "</chapter>",
    "</text>", "" }, "\n")

  local function try(text, opts)
    local p = tmpfile("bad")
    write(p, text)
    local c = corpus.new()
    local ok, msg, code = c:add_vrt(p, opts)
    os.remove(p)
    return c, ok, msg, code
  end

  it("reads the default columns word, lemma, pos and any structure", function()
    local c, ok = try(GOOD)
    assert.are.equal(1, ok)
    assert.are.equal(1, c:count('[pos="VERB"]'))
    assert.are.equal(2, c:count('[] within <chapter n="3"/>'))
    assert.are.equal(0, c:count('[] within <chapter n="4"/>'))
    assert.are.equal("2020", c:doc(1).year)
    assert.are.equal("It works", c:doc(1).text)
  end)

  it("skips comment lines, whatever they hold (fuzz seed v2 found them taken for tags)", function()
    local c, ok = try("<!-- made by hand -->\n" .. GOOD:gsub("<s>\n", "<s>\n<!-- <s> inside -->\n"))
    assert.are.equal(1, ok)
    assert.are.equal(2, c:stats().tokens)
    assert.are.equal("It works", c:doc(1).text)
  end)

  local CASES = {
    { "an unclosed tag", GOOD:gsub("</chapter>\n", ""), 7, "unclosed <chapter>" },
    { "crossed tags", GOOD:gsub("</s>\n</chapter>", "</chapter>\n</s>"), 6, "crosses <s>" },
    { "a column count that differs from columns", GOOD:gsub("works\twork\tVERB", "works\twork"), 5, "2 columns where 3" },
    { "a bad tag", GOOD:gsub("<s>", "<s x=1>"), 3, "bad tag" },
    { "a token outside <text>", "stray\tx\ty\n" .. GOOD, 1, "outside <text>" },
    { "invalid UTF-8", GOOD:gsub("works", "wo\255rks"), 5, "UTF%-8" },
    -- fuzz_vrt: an empty word made a token of no bytes (UB in the builder)
    { "an empty word", GOOD:gsub("works\t", "\t"), 5, "empty word" },
  }
  for _, case in ipairs(CASES) do
    it("gives a clear error for " .. case[1] .. ", adding nothing", function()
      local c, ok, msg, code = try(case[2])
      assert.is_nil(ok)
      assert.are.equal("ESYNTAX", code)
      assert.matches("line " .. case[3] .. ":", msg)
      assert.matches(case[4], msg)
      assert.are.equal(0, c:stats().docs)
    end)
  end

  it("adds nothing of a file whose later document is bad", function()
    local c, ok = try(GOOD .. GOOD:gsub("t1", "t2"):gsub("<s>\n", ""))
    assert.is_nil(ok)
    assert.are.equal(0, c:stats().docs)
  end)

  it("raises on misuse: bad columns, unknown options", function()
    local c = corpus.new()
    assert.has_error(function() c:add_vrt(42) end)
    assert.has_error(function() c:add_vrt("x.vrt", { colums = { "word" } }) end)
    local p = tmpfile("cols")
    write(p, GOOD)
    assert.has_error(function() c:add_vrt(p, { columns = { "lemma", "pos" } }) end)
    assert.has_error(function() c:add_vrt(p, { columns = "word" }) end)
    os.remove(p)
    local ok, _, code = c:add_vrt("/nonexistent/x.vrt")
    assert.is_nil(ok)
    assert.are.equal("ENOENT", code)
  end)
end)
