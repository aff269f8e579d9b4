-- spec/34_compounds_spec.lua -- words inside compounds and diacritics
-- (issue 9, item 3; docs/QUERY.md "Compounds and diacritics"): a norm
-- term finds the compounds it is a part of and its forms with other
-- diacritics, while the compound stays one token for frequency lists,
-- n-grams and KWIC; the exact form stays reachable.

local corpus = require "corpus"

local V = {variants = true}
local VD = {variants = true, docs = true}

local SEEDS = "../shared/corpora/seeds"

describe("compounds and diacritics", function()
  local c
  setup(function()
    c = corpus.new()
    c:add{id = "a", text = "The post-Ebola recovery. Ebola-affected areas need aid. Ebola is back."}
    c:add{id = "b", text = "Al-Hol camp, and the camp at Hol. A communiqué, then a communique; COMMUNIQUÉ."}
    c:add{id = "c", text = "Last year's results; the year-end figures. A three-year-old plan; last year end."}
  end)
  teardown(function() c:close() end)

  it("is on by default; variants = false gives the exact norm type", function()
    assert.equal(3, c:count("ebola"))
    assert.equal(1, c:count('"al hol"'))
    assert.equal(3, c:count("communique"))
    local X = {variants = false}
    assert.equal(1, c:count("ebola", X))
    assert.equal(0, c:count('"al hol"', X))
    assert.equal(1, c:count("communique", X))
    assert.equal('phrase "al hol" (norm)', corpus.explain('"al hol"', X))
    assert.has_error(function() c:count("ebola", {variants = "yes"}) end)
  end)

  it("finds the parts of hyphenated compounds", function()
    assert.equal(3, c:count("ebola", V))
    assert.equal(1, c:count("ebola", VD))
    assert.equal(2, c:count("hol", V))
    assert.equal(1, c:count('"al hol"', V))
    assert.equal(1, c:count("al-hol", V))          -- the compound itself only
    assert.equal(1, c:count("post-ebola", V))
    assert.equal(4, c:count("year", V))            -- year's, year-end, three-year-old, year
    -- a compound both arguments find is one hit, not two
    assert.equal(3, c:count("ebola OR post-ebola", V))
    assert.equal(3, c:count("ebola AND post-ebola", V))
    assert.equal(3, c:count("ebola OR post*", V))   -- post-Ebola once

    assert.equal(1, c:count('"three year"', V))    -- inside three-year-old
    assert.equal(2, c:count('"year end"', V))      -- year-end, year end; not year's end
    local m = {}
    for k in c:kwic("ebola", V) do m[#m + 1] = k.match end
    assert.are.same({"post-Ebola", "Ebola-affected", "Ebola"}, m)
  end)

  it("looks inside compounds for prefixes and globs too; variants = false keeps the lexicon", function()
    -- ebol* finds ebola and the compounds with a part starting so, as
    -- FTS5 finds their token ebola
    assert.equal(3, c:count("ebol*", V))
    assert.equal(2, c:count("ebol*", {variants = false}))  -- ebola, ebola-affected
    assert.equal(3, c:count("eb?la", V))
    assert.equal(1, c:count("eb?la", {variants = false}))
    assert.equal(2, c:count("ho*", V))             -- Al-Hol, Hol
    assert.equal(1, c:count("ho*", {variants = false}))
    assert.equal(3, c:count("communiq*", V))        -- diacritics ignored
    assert.equal(3, c:count("communiqué*", V))
    assert.equal(2, c:count("communiqué*", {variants = false}))  -- communiqué, COMMUNIQUÉ
    -- in a phrase, the last word may only start a compound
    assert.equal(1, c:count('"the post*"', V))     -- the post-Ebola
    assert.equal(0, c:count('"the ebol*"', V))     -- not the post-Ebola
    -- a regular expression stays on the lexicon as written
    assert.equal(2, c:count("/ebola.*/", V))       -- ebola, ebola-affected; not post-ebola
  end)

  it("keeps the compound one token for frequency lists and n-grams", function()
    local f = {}
    for _, r in ipairs(c:freq{}) do f[r.term] = r.count end
    assert.equal(1, f["post-ebola"])
    assert.equal(1, f["ebola-affected"])
    assert.equal(1, f["ebola"])
    assert.is_nil(f["post"])
    local g = {}
    for _, r in ipairs(c:ngrams(2)) do g[r.ngram] = r.count end
    assert.equal(1, g["the post-ebola"])
  end)

  it("ignores diacritics in a norm term; word: and regexes keep the exact form", function()
    assert.equal(3, c:count("communique", V))
    assert.equal(3, c:count("communiqué", V))
    assert.equal(1, c:count("word:communiqué", V))
    assert.equal(2, c:count("/communiqué/", V))     -- communiqué, COMMUNIQUÉ
    assert.equal(1, c:count("/communique/", V))
  end)

  it("shows the compound phrase in explain", function()
    assert.equal('phrase "al hol" (norm) or a compound of these words', corpus.explain('"al hol"', V))
    -- inside NEAR a phrase stays a phrase
    assert.equal(table.concat({"NEAR 10 words, any order",
      '  phrase "al hol" (norm)', '  term "camp" (norm)'}, "\n"),
      corpus.explain('NEAR("al hol" camp)', V))
  end)

  it("finds what docs/QUERY.md says on the seeds", function()
    local s = corpus.new()
    assert(s:add_dir(SEEDS))
    assert.equal(4, s:count('"al hol"', V))
    assert.equal(s:count("al-hol", V), s:count('"al hol"', V))
    assert.equal(s:count("communique", V), s:count("communiqué", V))
    -- every form of the word (counted over the norm lexicon as written),
    -- and the part of the URL state.gov/joint-communique-by-ministers-...
    assert.equal(3, s:count("/communiqu(e|é)/", V))
    assert.equal(4, s:count("communique", V))
    s:close()
  end)
end)
