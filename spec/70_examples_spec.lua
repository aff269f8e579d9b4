-- The sample corpus in examples/ and the demo (`make demo`), with counts
-- a reader can check by hand (grep, in examples/sample/).
local corpus = require "corpus"

describe("the sample corpus", function()
  local c = corpus.new()
  local n = c:add_jsonl("examples/sample.jsonl")

  it("has the seven documents, the same from JSON Lines and from the .txt files", function()
    assert.are.equal(7, n)
    local d = corpus.new()
    assert.are.equal(7, d:add_dir("examples/sample"))
    assert.are.equal(c:stats().tokens, d:stats().tokens)
    for i = 1, 7 do assert.are.equal(c:doc(i).text, d:doc(i).text) end
  end)

  it("counts what grep counts, hyphenated words aside", function()
    -- grep -o -i 'early warning system' examples/sample/*.txt | wc -l --> 13
    assert.are.equal(13, c:count('"early warning system"'))
    -- grep -o -w -i the ... --> 161
    assert.are.equal(161, c:count("the"))
    -- grep -o 'U\.S\.' ... --> 10
    assert.are.equal(10, c:count("U.S."))
    -- grep -o -i nitrate ... --> 6, one of them inside "nitrate-laden"
    assert.are.equal(6, c:count("nitrate"))
    assert.are.equal(5, c:count("nitrate", {variants = false}))
    assert.are.equal(1, c:count("nitrate-laden"))
  end)
end)

describe("make demo's script", function()
  it("runs and prints statistics, concordances and a frequency list", function()
    local sh = require "sh"
    local ok, out = sh.run(sh.LUA .. " examples/demo.lua")
    assert.is_true(ok, out)
    assert.matches('Concordance of "early warning system": 13 matches', out, 1, true)
    assert.matches("Concordance of nitrate: 6 matches", out, 1, true)
    assert.matches("%s1%s+the%s+161", out)
  end)
end)
