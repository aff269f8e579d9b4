-- CoNLL-U input (c:add_conllu): documents, sentences and syntactic
-- words of UD English EWT dev equal a recount from the file; layer
-- queries equal a recount; every token's byte span slices to its form;
-- layers and span sets survive commits, deletes, merges and optimize;
-- bad input is an error with its line number and adds nothing.
local corpus = require "corpus"

local FILE = "../shared/corpora/ud-ewt-dev/en_ewt-ud-dev.conllu"

local sh = require "sh"
local tmpfile = function(tag) return sh.tmppath("spec14_" .. tag) end
local have, slurp, write = sh.exists, sh.read, sh.write

-- a recount from the file: documents, sentences, words, and per word
-- its columns; multiword token forms by the words they cover
local function recount(text)
  local r = { docs = 0, sents = 0, words = 0, be_aux = 0, propn = 0, go = 0,
              propn_runs = 0, forms = {}, surface = {} }
  local in_sent, prev_propn = false, false
  local mwt_form, mwt_end, id_in = nil, 0, 0
  for line in (text .. "\n"):gmatch("([^\n]*)\n") do
    if line:match("^# newdoc") then r.docs = r.docs + 1 end
    if line == "" then
      if in_sent then r.sents = r.sents + 1 end
      in_sent, prev_propn, id_in, mwt_end = false, false, 0, 0
    elseif not line:match("^#") then
      in_sent = true
      local c = {}
      for f in (line .. "\t"):gmatch("([^\t]*)\t") do c[#c + 1] = f end
      local a, b = c[1]:match("^(%d+)%-(%d+)$")
      if a then
        mwt_form, mwt_end = c[2], tonumber(b)
      elseif c[1]:match("^%d+$") then
        id_in = tonumber(c[1])
        r.words = r.words + 1
        r.forms[#r.forms + 1] = c[2]
        r.surface[#r.surface + 1] = (id_in <= mwt_end) and mwt_form or c[2]
        if c[3] == "be" and c[4] == "AUX" then r.be_aux = r.be_aux + 1 end
        if c[3] == "go" then r.go = r.go + 1 end
        local propn = c[4] == "PROPN"
        if propn then r.propn = r.propn + 1 end
        if propn and not prev_propn then r.propn_runs = r.propn_runs + 1 end
        prev_propn = propn
      end
    end
  end
  return r
end

local function load_ud()
  local c = corpus.new()
  assert(c:add_conllu(FILE))
  return c
end

describe("c:add_conllu on UD English EWT dev", function()
  if not have(FILE) then
    pending("needs " .. FILE)
    return
  end
  local text = slurp(FILE)
  local want = recount(text)
  local c = load_ud()

  it("has the documents, sentences and syntactic words the file says", function()
    assert.are.equal(318, want.docs)
    assert.are.equal(2001, want.sents)
    assert.are.equal(25147, want.words)
    local st = c:stats()
    assert.are.same({ 318, 2001, 25147 }, { st.docs, st.sentences, st.tokens })
    local spans = {}
    for _, s in ipairs(c:spans()) do spans[s.name] = s end
    assert.are.equal(2001, spans.s.count)
    assert.are.same({ "sent_id" }, spans.s.keys)
  end)

  it("lists the stored layers", function()
    local kinds = {}
    for _, l in ipairs(c:layers()) do kinds[l.name] = l.kind end
    assert.are.same({ word = "word", norm = "derived", stem = "derived",
      lemma = "stored", upos = "stored", xpos = "stored", feats = "stored",
      deprel = "stored", head = "stored" }, kinds)
  end)

  it("counts layer queries as a recount from the file does", function()
    assert.is_true(want.be_aux > 0 and want.propn > 0)
    assert.are.equal(want.be_aux, c:count('[lemma="be" & upos="AUX"]'))
    assert.are.equal(want.propn, c:count('[upos="PROPN"]'))
    assert.are.equal(want.propn, c:count('upos:PROPN'))
    -- maximal runs are not what + counts (every run of every length
    -- is a match), but every run start is one
    assert.is_true(c:count('[upos="PROPN"]+') >= want.propn)
  end)

  it("takes plain terms on the layer given to kwic and count", function()
    local k = 0
    for m in c:kwic("go", { layer = "lemma", width = 2 }) do
      k = k + 1
      assert.is_string(m.match)
    end
    assert.is_true(want.go > 0)
    assert.are.equal(want.go, k)
    assert.are.equal(want.go, c:count("lemma:go"))
    local n, msg, code = c:count('[lemmx="go"]')
    assert.is_nil(n)
    assert.are.equal("ESYNTAX", code)
    assert.matches("unknown layer 'lemmx' %(this corpus has: word, norm, stem, ", msg)
    assert.has_error(function() c:freq{ layer = "lemmx" } end)
  end)

  it("slices every token's byte span to its form", function()
    local k = 0
    for d = 1, c:ndocs() do
      local doc = c:doc(d)
      for _, t in ipairs(c:tokens(d)) do
        k = k + 1
        assert.are.equal(want.forms[k], t.word)
        local slice = doc.text:sub(t.start, t.stop)
        if slice ~= want.surface[k] then
          error(("token %d: span slices to %q, form %q"):format(k, slice,
            want.surface[k]))
        end
      end
    end
    assert.are.equal(want.words, k)
  end)

  it("keeps sent_id on the sentences", function()
    local n = c:count('<s sent_id="weblog-blogspot.com_nominations_20041117172713_ENG_20041117_172713-0001"/>')
    assert.are.equal(1, n)
  end)
end)

describe("layers and span sets through an index's life", function()
  if not have(FILE) then
    pending("needs " .. FILE)
    return
  end
  it("give the same queries and statistics after commits, deletes, merges and optimize", function()
    local text = slurp(FILE)
    -- split the file into 9 parts at document starts, one commit each
    local parts, cur, ndoc = {}, {}, 0
    for block in (text:gsub("\r", "")):gmatch("(.-\n)\n") do
      if block:match("^# newdoc") or block:match("\n# newdoc") then
        ndoc = ndoc + 1
        if ndoc > 1 and (ndoc - 1) % 36 == 0 then
          parts[#parts + 1] = table.concat(cur)
          cur = {}
        end
      end
      cur[#cur + 1] = block .. "\n"
    end
    parts[#parts + 1] = table.concat(cur)
    assert.is_true(#parts >= 9)
    local dir = tmpfile("ix")
    local w = assert(corpus.create(dir))
    local m = corpus.new()
    for i, p in ipairs(parts) do
      local f = tmpfile("part" .. i) .. ".conllu"
      write(f, p)
      assert(w:add_conllu(f))
      assert(m:add_conllu(f))
      os.remove(f)
      assert(w:commit())
    end
    local QUERIES = { '[lemma="be" & upos="AUX"]', '[upos="PROPN"]',
      '[upos="PROPN"]+', '[xpos=/NN.*/]', 'lemma:go', '<s/>',
      '<s/> containing [upos="PROPN"]', '[deprel="nsubj"] within <s/>' }
    local function snap(c)
      local t = { layers = c:layers(), counts = {}, spans = {} }
      for _, s in ipairs(c:spans()) do t.spans[s.name] = s.count end
      for _, q in ipairs(QUERIES) do t.counts[q] = assert(c:count(q)) end
      local st = c:stats()
      st.segments = nil
      t.stats = st
      t.freq = {}
      t.freq = c:freq{ layer = "lemma", limit = 20 }
      t.ngrams = c:ngrams(2, { layer = "upos", limit = 20 })
      return t
    end
    assert.are.same(snap(m), snap(w))
    -- delete two documents in both
    local d1, d2 = m:doc(3).id, m:doc(200).id
    assert(w:delete(d1)); assert(w:delete(d2)); assert(w:commit())
    -- replace one document by plain text: its tokens have no lemma
    local d3 = m:doc(100).id
    local lemmas = w:count('[lemma="be"]')
    assert(w:replace{ id = d3, text = "Plain text replaces it. Nothing more." })
    assert(w:commit())
    assert.is_true(w:count('[lemma="be"]') <= lemmas)
    assert.are.equal(1, w:count('"plain text replaces"'))
    local before = snap(w)
    assert(w:optimize())
    assert.are.same(before, snap(w))
    w:close()
    local r = assert(corpus.open(dir))
    assert.are.same(before, snap(r))
    assert(r:check())
    r:close()
    os.execute("rm -rf '" .. dir .. "'")
  end)
end)

describe("corpus index with a CoNLL-U file", function()
  if not have(FILE) then
    pending("needs " .. FILE)
    return
  end
  it("builds an index whose layers answer queries", function()
    local dir = tmpfile("cli")
    local p = io.popen("bin/corpus index " .. dir .. " " .. FILE .. " 2>&1")
    local out = p:read("*a")
    local ok = p:close()
    assert.is_true(ok, out)
    local c = assert(corpus.open(dir))
    assert.are.equal(318, c:stats().docs)
    assert.are.equal(929, c:count('[lemma="be" & upos="AUX"]'))
    c:close()
    os.execute("rm -rf '" .. dir .. "'")
  end)
end)

describe("c:add_conllu rejects bad input with its line number", function()
  local GOOD = table.concat({
    "# newdoc id = d1",
    "# sent_id = 1",
    "# text = It works.",
    "1\tIt\tit\tPRON\tPRP\t_\t2\tnsubj\t_\t_",
    "2\tworks\twork\tVERB\tVBZ\t_\t0\troot\t_\tSpaceAfter=No",
    "3\t.\t.\tPUNCT\t.\t_\t2\tpunct\t_\t_",
    "", ""}, "\n")

  local function try(text)
    local f = tmpfile("bad") .. ".conllu"
    write(f, text)
    local c = corpus.new()
    local ok, msg, code = c:add_conllu(f)
    os.remove(f)
    return c, ok, msg, code
  end

  it("accepts the good file", function()
    local c, ok = try(GOOD)
    assert.are.equal(1, ok)
    assert.are.equal(3, c:stats().tokens)
    assert.are.equal(1, c:count('[upos="VERB"]'))
  end)

  -- fuzz_conllu: a file whose only block holds no token word made the
  -- reader add an offset to a NULL token array (UB under make asan)
  it("reads a document without any token as an empty document", function()
    local c, ok = try("# newdoc id = empty\n# sent_id = 1\n\n")
    assert.are.equal(1, ok)
    assert.are.same({ 1, 0 }, { c:stats().docs, c:stats().tokens })
    assert.are.equal("empty", c:doc(1).id)
    assert.are.equal("", c:doc(1).text)
    local c2, ok2 = try("# newdoc id = empty\n\n" .. GOOD)
    assert.are.equal(2, ok2)
    assert.are.same({ 2, 3 }, { c2:stats().docs, c2:stats().tokens })
  end)

  local CASES = {
    { "a wrong column count", GOOD:gsub("\tVBZ\t", "\t", 1), 5, "10 TAB%-separated" },
    { "a non-integer HEAD", GOOD:gsub("\t2\tnsubj", "\tx\tnsubj", 1), 4, "HEAD" },
    { "an ID out of order", GOOD:gsub("\n3\t%.", "\n4\t.", 1), 6, "ID out of order" },
    { "a missing blank line at the end", GOOD:gsub("\n\n$", "\n"), 6, "missing blank line" },
    { "invalid UTF-8", GOOD:gsub("works%.", "works\255.", 1), 3, "UTF%-8" },
    -- fuzz_conllu: an empty FORM made a token of no bytes (UB: NULL + 0)
    { "an empty FORM", GOOD:gsub("\tworks\t", "\t\t", 1), 5, "empty column" },
    { "an empty LEMMA", GOOD:gsub("\tit\t", "\t\t", 1), 4, "empty column" },
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

  it("adds nothing of a file when a later document is bad", function()
    local two = GOOD .. GOOD:gsub("d1", "d2"):gsub("\t0\troot", "\t9\troot")
    local c, ok, msg = try(two)
    assert.is_nil(ok)
    assert.matches("HEAD", msg)
    assert.are.equal(0, c:stats().docs)
  end)

  it("returns ENOENT for a missing file and raises on misuse", function()
    local c = corpus.new()
    local ok, _, code = c:add_conllu("/nonexistent/x.conllu")
    assert.is_nil(ok)
    assert.are.equal("ENOENT", code)
    assert.has_error(function() c:add_conllu(42) end)
    assert.has_error(function() c:add_conllu("x", "meta") end)
  end)
end)
