-- Token streams of metadata fields (issue 8, item 1, third bullet):
-- corpus.new / corpus.create{fields = {"title"}} indexes the tokens of
-- the title at build time, and BM25F (search{fields = ...}) reads them
-- instead of tokenizing the title of every ranked document.  The ranking
-- must be the same, hit for hit and score for score, as without the
-- index, through commits, deletes, merges and optimize, in memory and on
-- disk; c:fields() says what is indexed.
local corpus = require "corpus"
local json = require "cjson"
local core = require "corpus.core"
local sh = require "sh"
local fo = require "fieldq_oracle"   -- word search in a field: the oracle

local REUTERS = fo.REUTERS

local QS = {
  "coffee", "oil", "gold prices", '"crude oil"', '"oil prices"',
  "/coffe+/", "bank*", "stem:price", '[norm="oil"] []{0,2} [norm="prices"]',
  "oil AND prices", "oil NOT opec", "trade OR tariffs", "NEAR(oil prices, 5)",
  "word:U.S.", "ba?k",
}
local WEIGHTS = {
  {title = 2, text = 1}, {title = 10}, {title = 0.5, text = 2},
}

local docs = fo.docs()

-- the top 20 of every query and weighting: ids and scores
local function rankings (c)
  local out = {}
  for _, q in ipairs(QS) do
    for wi, w in ipairs(WEIGHTS) do
      local s = assert(c:search(q, {limit = 20, fields = w}))
      local top = {}
      for i, h in ipairs(s.hits) do top[i] = {id = h.id, score = h.score} end
      out[q .. " #" .. wi] = {total = s.total, top = top}
    end
  end
  return out
end

-- a and b give the same hits in the same order, scores within 1e-9
local function same (a, b)
  local n = 0
  for key, ra in pairs(a) do
    local rb = b[key]
    assert.are.equal(ra.total, rb.total, key)
    assert.are.equal(#ra.top, #rb.top, key)
    for i = 1, #ra.top do
      assert.are.equal(ra.top[i].id, rb.top[i].id, key .. " hit " .. i)
      assert.is_true(math.abs(ra.top[i].score - rb.top[i].score) <= 1e-9,
                     key .. " hit " .. i)
      n = n + 1
    end
  end
  assert.is_true(n > 40)   -- the queries do rank documents
end

-- what c:fields() should say of the title over the documents 'list':
-- tokens, words (not punctuation) and documents with a word
local function title_counts (list)
  local tokens, words, withw = 0, 0, 0
  for _, d in ipairs(list) do
    local w = 0
    for _, t in ipairs(core.tokenize(d.title or "")) do
      tokens = tokens + 1
      if not t.punct then w = w + 1 end
    end
    words = words + w
    if w > 0 then withw = withw + 1 end
  end
  return tokens, words, withw
end

local function title_row (c)
  for _, f in ipairs(c:fields()) do
    if f.name == "title" then return f end
  end
end

local function check_index (c, list)
  local row = title_row(c)
  local st = c:stats()
  assert.is_table(row.indexed)
  assert.are.equal(st.segments, row.indexed.of)
  assert.are.equal(st.segments, row.indexed.segments)   -- every one has it
  local tokens, words, withw = title_counts(list)
  assert.are.equal(tokens, row.indexed.tokens)
  assert.are.equal(words, row.indexed.words)
  assert.are.equal(withw, row.indexed.docs)
end

describe("indexed fields (corpus.new{fields = ...})", function ()
  it("rank in memory exactly as without the index, as segments are added and merged", function ()
    local plain = corpus.new{analyse = false}
    local fx = corpus.new{analyse = false, fields = {"title"}}
    assert.is_nil(title_row(fx))            -- empty: no field yet
    local added, merged = {}, false
    -- batches of 100 documents, each sealed by a read: every 8 of them
    -- are merged in the read that seals the 8th (corpus.c)
    local per, nb = 100, 25
    local prev = 0
    for b = 1, nb do
      local hi = b == nb and #docs or b * per
      for i = prev + 1, hi do
        assert(plain:add(docs[i]))
        assert(fx:add(docs[i]))
        added[#added + 1] = docs[i]
      end
      prev = hi
      assert.are.equal(hi, fx:count("the", {docs = true}) +
                           fx:count("NOT the", {docs = true}))
      local segs = fx:stats().segments
      if segs < b then merged = true end
      if b == 1 or b % 8 == 0 or b == nb then
        same(rankings(plain), rankings(fx))
        check_index(fx, added)
      end
    end
    assert.is_true(merged, "no merge happened")
    assert.is_nil(title_row(plain).indexed)
    plain:close()
    fx:close()
  end)

  it("rank on disk exactly as without the index through commits, deletes and optimize", function ()
    local base = sh.tmppath("spec47")
    local plain = assert(corpus.create(base .. "p", {analyse = false}))
    local fx = assert(corpus.create(base .. "f", {analyse = false, fields = {"title"}}))
    local third = math.floor(#docs / 3)
    local added = {}
    for k = 1, 3 do
      local hi = k == 3 and #docs or k * third
      for i = (k - 1) * third + 1, hi do
        assert(plain:add(docs[i]))
        assert(fx:add(docs[i]))
        added[#added + 1] = docs[i]
      end
      assert(plain:commit())
      assert(fx:commit())
    end
    same(rankings(plain), rankings(fx))
    check_index(fx, added)
    local kept = {}
    for i, d in ipairs(docs) do
      if i % 5 == 0 then
        assert(plain:delete(d.id)); assert(fx:delete(d.id))
      else kept[#kept + 1] = d end
    end
    assert(plain:commit()); assert(fx:commit())
    same(rankings(plain), rankings(fx))
    check_index(fx, kept)
    assert(plain:optimize()); assert(fx:optimize())
    assert.are.equal(1, fx:stats().segments)
    same(rankings(plain), rankings(fx))
    check_index(fx, kept)
    assert(fx:check())
    fx:close()
    -- the MANIFEST keeps the choice: reopened, the field is indexed still
    local ro = assert(corpus.open(base .. "f"))
    check_index(ro, kept)
    same(rankings(plain), rankings(ro))
    ro:close()
    local man = sh.read(base .. "f/MANIFEST")
    assert.truthy(man:find("\nfields title\n", 1, true))
    local w = assert(corpus.open(base .. "f", {write = true}))
    assert(w:add{id = "late", text = "Coffee again.", title = "Coffee, coffee"})
    assert(w:commit())
    check_index(w, (function ()
      local t = {}
      for i, d in ipairs(kept) do t[i] = d end
      t[#t + 1] = {title = "Coffee, coffee"}
      return t
    end)())
    local s = assert(w:search("coffee", {limit = 1, fields = {title = 50}}))
    assert.are.equal("late", s.hits[1].id)
    w:close()
    plain:close()
    sh.rmtree(base .. "p"); sh.rmtree(base .. "f")
  end)

  it("rank the same in a sharded index, whose shards (and a shard added later) keep the fields", function ()
    local out = sh.tmppath("spec47s")
    local plain = corpus.new{analyse = false}
    assert(plain:add_jsonl(REUTERS))
    local c = assert(corpus.build_sharded{out = out, inputs = {REUTERS}, shards = 2,
                                          analyse = false, fields = {"title"}})
    assert.are.equal(2, #c:shards())
    same(rankings(plain), rankings(c))
    check_index(c, docs)
    c:close()
    -- a new shard is built with the fields of the first
    local extra = out .. "-extra.jsonl"
    sh.write(extra, json.encode{id = "x1", text = "Coffee news.", title = "Coffee coffee"} .. "\n")
    c = assert(require("corpus.shard").add(out, {inputs = {extra}}))
    assert.are.equal(3, #c:shards())
    assert(plain:add{id = "x1", text = "Coffee news.", title = "Coffee coffee"})
    same(rankings(plain), rankings(c))
    local all = {}
    for i, d in ipairs(docs) do all[i] = d end
    all[#all + 1] = {title = "Coffee coffee"}
    check_index(c, all)
    c:close()
    plain:close()
    os.remove(extra)
    sh.rmtree(out)
  end)

  it("indexes several fields, each value apart (a phrase does not cross values)", function ()
    local plain = corpus.new{analyse = false}
    local fx = corpus.new{analyse = false, fields = {"title", "tags"}}
    local list = {
      {id = "a", text = "crude oil and gold", title = "Crude oil", tags = {"crude", "oil"}},
      {id = "b", text = "gold and crude oil", title = "Gold", tags = {"crude oil"}},
      {id = "c", text = "oil, crude", title = "", tags = {}},
      {id = "d", text = "gold gold", title = "\255bad utf-8 oil"},
    }
    for i = 1, 20 do list[#list + 1] = {id = "n" .. i, text = "nothing here " .. i} end
    for _, d in ipairs(list) do assert(plain:add(d)); assert(fx:add(d)) end
    for _, q in ipairs{'"crude oil"', "oil", "gold", "crude"} do
      local w = {title = 2, tags = 3, text = 1}
      local a = assert(plain:search(q, {fields = w}))
      local b = assert(fx:search(q, {fields = w}))
      assert.are.equal(a.total, b.total)
      assert.is_true(a.total > 0)
      for i, h in ipairs(a.hits) do
        assert.are.equal(h.id, b.hits[i].id)
        assert.is_true(math.abs(h.score - b.hits[i].score) <= 1e-12)
      end
    end
    -- "crude oil" is a phrase in b's tags, not across a's two values
    local r = assert(fx:search('"crude oil"', {fields = {tags = 10}}))
    assert.are.equal("b", r.hits[1].id)
    local names = {}
    for _, f in ipairs(fx:fields()) do
      if f.indexed then names[#names + 1] = f.name end
    end
    table.sort(names)
    assert.are.same({"tags", "title"}, names)
    plain:close(); fx:close()
  end)

  it("rejects a bad field list at the caller", function ()
    assert.has_error(function () corpus.new{fields = "title"} end)
    assert.has_error(function () corpus.new{fields = {"text"}} end)
    assert.has_error(function () corpus.new{fields = {"a b"}} end)
    assert.has_error(function () corpus.new{fields = {""}} end)
    assert.has_error(function () corpus.new{fields = {"title", "title"}} end)
    assert.has_error(function () corpus.new{fields = {1}} end)
    local many = {}
    for i = 1, 17 do many[i] = "f" .. i end
    assert.has_error(function () corpus.new{fields = many} end)
    assert.has_error(function () corpus.new{fields = {("x"):rep(65)}} end)
    local c = corpus.new{fields = {}}      -- none
    assert(c:add{id = "x", text = "t", title = "oil"})
    assert.is_nil(title_row(c).indexed)
    c:close()
  end)

  it("never scores from damaged field tokens", function ()
    local dir = sh.tmppath("spec47d")
    local w = assert(corpus.create(dir, {analyse = false, fields = {"title"}}))
    for i = 1, 300 do assert(w:add(docs[i])) end
    assert(w:commit())
    w:close()
    local p = io.popen("ls '" .. dir .. "'")
    local seg
    for l in p:lines() do if l:match("%.cps$") then seg = l end end
    p:close()
    local s = sh.read(dir .. "/" .. seg)
    local off, size = sh.seg_section(s, 31)   -- FIELDS
    assert.is_true(size > 1000)
    local pos = off + math.floor(size / 2) + 1
    local b = s:byte(pos)
    sh.write(dir .. "/" .. seg, s:sub(1, pos - 1) .. string.char(b < 128 and b + 128 or b - 128)
                                .. s:sub(pos + 1))
    local c = assert(corpus.open(dir))
    assert.is_true(c:count("oil") > 0)       -- the body is intact
    local r, msg, code = c:search("oil", {fields = {title = 2}})
    assert.is_nil(r)
    assert.are.equal("ECORRUPT", code)
    assert.truthy(msg:find(seg, 1, true), msg)
    local ok, cmsg, ccode = c:check()
    assert.is_nil(ok); assert.are.equal("ECORRUPT", ccode)
    assert.truthy(cmsg:find(seg, 1, true), cmsg)
    c:close()
    sh.rmtree(dir)
  end)
end)


-- {======================================================================
-- Word search in a field: title:(...) (issue 8, item 7), against the
-- oracle of spec/fieldq_oracle.lua.  The long runs (every query through
-- segments added and merged, commits, deletes, optimize, a reopen and the
-- CLI) are checks/47_fieldq_oracle_spec.lua, in make check.
-- =======================================================================

describe("word search in fields (title:(...))", function ()
  it("the Reuters titles are ASCII, and compounds and phrases are exercised", function ()
    local through_part, phrase_docs = 0, 0
    for _, d in ipairs(docs) do
      assert.is_nil((d.title or ""):find("[\128-\255]"), d.id)
      local toks = fo.title_tokens(d.title)
      local whole = false
      for _, t in ipairs(toks) do if t.s == "year" then whole = true end end
      if fo.has("year")(toks) and not whole then through_part = through_part + 1 end
      if fo.phrase("oil prices")(toks) then phrase_docs = phrase_docs + 1 end
    end
    assert.is_true(through_part > 10, "FIVE-YEAR and the like")
    assert.is_true(phrase_docs >= 5)
  end)

  it("finds the oracle's documents in 800 titles, indexed or not, in two segments", function ()
    local plain = corpus.new{analyse = false}
    local fx = corpus.new{analyse = false, fields = {"title"}}
    local added = {}
    for i = 1, 800 do
      assert(plain:add(docs[i])); assert(fx:add(docs[i]))
      added[#added + 1] = docs[i]
      if i == 400 then plain:flush(); fx:flush() end
    end
    assert.are.equal(2, fx:stats().segments)
    fo.check_words(fx, added)
    fo.check_words(plain, added)       -- no FIELDS: the values tokenized
    plain:close(); fx:close()
  end)

  it("combines with words of the text, other filters and NOT", function ()
    local fx = corpus.new{analyse = false, fields = {"title"}}
    local dates = {}
    for line in io.lines(REUTERS) do
      local d = json.decode(line)
      dates[d.id] = d.date
      assert(d.date, d.id)
    end
    for _, d in ipairs(docs) do
      assert(fx:add{id = d.id, text = d.text, title = d.title, date = dates[d.id]})
    end
    local oiltitle = select(2, fo.oracle(docs, #fo.FQ))      -- title:(oil)
    -- the documents whose body has 'prices', from the engine's own matches
    local prices, docid = {}, {}
    for m in fx:matches("prices") do prices[m.doc] = true end
    local nboth, nhits, nlate, nnot = 0, 0, 0, 0
    for i, d in ipairs(docs) do docid[i] = d.id end
    for m in fx:matches("prices") do
      if oiltitle[docid[m.doc]] then nhits = nhits + 1 end
    end
    for i, d in ipairs(docs) do
      if oiltitle[d.id] and prices[i] then nboth = nboth + 1 end
      if oiltitle[d.id] and dates[d.id] <= "1987-06-30" then nlate = nlate + 1 end
      if prices[i] and not oiltitle[d.id] then nnot = nnot + 1 end
    end
    assert.is_true(nboth > 3 and nlate > 3)
    assert.are.equal(nboth, fx:count("title:(oil) AND prices", {docs = true}))
    assert.are.equal(nboth, fx:count("prices title:(oil)", {docs = true}))
    -- the matches are the text's: the field only selects documents
    assert.are.equal(nhits, fx:count("title:(oil) prices"))
    assert.are.equal(nlate, fx:count("date:..1987-06-30 title:(oil)", {docs = true}))
    assert.are.equal(nnot, fx:count("prices NOT title:(oil)", {docs = true}))
    assert.are.equal(nboth + fx:count("title:(oil)", {docs = true}) - nboth,
                     fx:count("title:(oil) OR (prices title:(oil))", {docs = true}))
    -- the hits of kwic and search are the text's; a document matched
    -- only through the field gives one match over the document, as a
    -- metadata filter does
    local k = 0
    for m in fx:kwic("title:(oil) prices") do
      assert.are.equal("prices", m.match:lower()); k = k + 1
    end
    assert.are.equal(nhits, k)
    local s = assert(fx:search("title:(oil) prices", {limit = 5}))
    assert.are.equal(nboth, s.total)
    assert.truthy(s.hits[1].snippet:lower():find("[prices]", 1, true))
    s = assert(fx:search("title:(oil)", {limit = 3}))
    assert.are.equal(fx:count("title:(oil)", {docs = true}), s.total)
    fx:close()
  end)

  it("is shown by explain, and refuses what a field cannot hold", function ()
    assert.are.equal(table.concat({
      "AND",
      "  words of field title",
      "    OR",
      '      phrase "crude oil" (norm) or a compound of these words',
      '      prefix "gasol*" (norm)',
      '  term "prices" (norm)'}, "\n"),
      corpus.explain('title:("crude oil" OR gasol*) prices'))
    for q, msg in pairs{
      ["title:(NEAR(oil prices))"] = "inside title:( ) write words",
      ['title:([norm="oil"])'] = "inside title:( ) write words",
      ["title:(topics:gold)"] = "inside title:( ) write words",
      ["word:(oil)"] = "'word' is a layer",
      ["id:(x)"] = "not a text field",
      ["title:(oil"] = "')' closing the field's words",
      ["title:(oil and gas)"] = "lowercase 'and'",
    } do
      local p, m, code = corpus.parse(q)
      assert.is_nil(p, q)
      assert.are.equal("ESYNTAX", code)
      assert.matches(msg, m, 1, true)
    end
    local fx = corpus.new{analyse = false, fields = {"title"}}
    local plain = corpus.new{analyse = false}
    for i = 1, 800 do assert(fx:add(docs[i])); assert(plain:add(docs[i])) end
    -- an unknown field is the error of any unknown name
    local r, m, code = fx:count("titel:(oil)")
    assert.is_nil(r); assert.are.equal("ESYNTAX", code)
    assert.matches("'titel:' is neither a layer nor a metadata field", m, 1, true)
    -- title:oil compares whole values; on an indexed field its error
    -- names the word search
    r, m, code = fx:count("title:oil")
    assert.is_nil(r); assert.are.equal("ESYNTAX", code)
    assert.matches("write title:(oil) to search the field's words", m, 1, true)
    r, m = plain:count("title:oil")
    assert.is_nil(r)
    assert.is_nil(m:find("title:(oil)", 1, true))
    r, m = fx:count('title:"crude oil"')
    assert.is_nil(r)
    assert.matches('write title:("crude oil")', m, 1, true)
    fx:close(); plain:close()
  end)
end)

