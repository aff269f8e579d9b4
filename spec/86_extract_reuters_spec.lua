-- spec/86_extract_reuters_spec.lua -- the extractors against 40 Reuters
-- articles labelled by hand (spec/data/reuters_quotes.lua; guidelines
-- in docs/EXTRACT.md).  The figures are in bench/RESULTS.md
-- (bench/extract_eval.lua prints them with every miss).  Goals of
-- issue 11: direct+mixed quote F1 >= 0.90, speaker accuracy >= 0.90,
-- date values >= 0.85; the asserts hold what the rules reach.

local ev = require "extract_eval"

describe("the extractors on the labelled Reuters set", function()
  local r = assert(ev.run("../shared/corpora/reuters21578"))

  it("labels 40 articles, dates in 20 of them", function()
    assert.are.equal(40, r.docs)
    assert.is_true(r.gold >= 160)
    assert.is_true(r.dates_gold >= 100)
  end)

  it("finds quotes in marks with F1 >= 0.95 (goal 0.90)", function()
    assert.is_true(r.precision >= 0.95, "precision " .. r.precision)
    assert.is_true(r.recall >= 0.95, "recall " .. r.recall)
    assert.is_true(r.f1 >= 0.95, "F1 " .. r.f1)
  end)

  it("names the speaker of >= 0.90 of the matched quotes (goal 0.90)", function()
    assert.is_true(r.speaker_acc >= 0.90, "speaker accuracy " .. r.speaker_acc)
  end)

  it("reads >= 0.88 of the date values right (goal 0.85)", function()
    assert.is_true(r.date_acc >= 0.88, "date value accuracy " .. r.date_acc)
    assert.is_true(r.date_precision >= 0.90, "date precision " .. r.date_precision)
  end)
end)
