-- spec/33_query_habits_spec.lua -- habits of other query languages
-- (issue 9, item 2; docs/QUERY.md "Habits"): each either means what it
-- means in FTS5 / Lucene / Xapian / CQP or is a syntax error that says
-- what to write instead.  corpus.parse and corpus.explain show a plan.

local corpus = require "corpus"

local REUTERS = "../shared/corpora/reuters21578/docs-001.jsonl"

local function perr(q)
  local plan, msg, code = corpus.parse(q)
  assert.is_nil(plan, q)
  assert.equal("ESYNTAX", code)
  return msg
end

describe("query habits", function()
  local c
  setup(function()
    c = corpus.new()
    assert(c:add_jsonl(REUTERS))
  end)
  teardown(function() c:close() end)

  it("-term excludes, as NOT term", function()
    assert.are.same(corpus.parse("oil NOT gas"), corpus.parse("oil -gas"))
    local oil, both = c:count("oil", {docs = true}), c:count("oil gas", {docs = true})
    assert.equal(oil - both, c:count("oil -gas", {docs = true}))
    assert.is_true(c:count("oil -gas") < c:count("oil gas") + c:count("oil"))
    assert.are.same(corpus.parse("oil NOT (gas OR coal)"), corpus.parse("oil -(gas OR coal)"))
  end)

  it("+term requires, which every term does already", function()
    assert.are.same(corpus.parse("oil gas"), corpus.parse("+oil +gas"))
    assert.equal(c:count("oil gas"), c:count("+oil gas"))
  end)

  it("a lone - or + is an error that says to join it", function()
    assert.matches("a lone '%-': write %-word with no space", perr("oil - gas"))
    assert.matches("a lone '%+'", perr("oil + gas"))
  end)

  it("bare NEAR and NEAR/n are NEAR(a b) and NEAR(a b, n)", function()
    assert.are.same(corpus.parse("NEAR(oil gas)"), corpus.parse("oil NEAR gas"))
    assert.are.same(corpus.parse("NEAR(oil gas, 5)"), corpus.parse("oil NEAR/5 gas"))
    assert.are.same(corpus.parse("NEAR(oil gas prices, 5)"), corpus.parse("oil NEAR/5 gas NEAR/5 prices"))
    assert.equal(c:count("NEAR(oil gas, 5)"), c:count("oil NEAR/5 gas"))
    assert.is_true(c:count("oil NEAR/5 gas") > 0)
    assert.matches("different distances: write NEAR%(a b c, N%)", perr("a NEAR/5 b NEAR/3 c"))
    assert.matches("a distance after 'NEAR/'", perr("a NEAR/ b"))
  end)

  it("| || & && between operands are OR and AND", function()
    local q1 = corpus.parse('[word="March"] OR [word="April"]')
    assert.are.same(q1, corpus.parse('[word="March"] | [word="April"]'))
    assert.are.same(q1, corpus.parse('[word="March"] || [word="April"]'))
    assert.equal(c:count('[word="March"]') + c:count('[word="April"]'),
                 c:count('[word="March"] | [word="April"]'))
    assert.are.same(corpus.parse("oil AND gas"), corpus.parse("oil & gas"))
    assert.are.same(corpus.parse("oil AND gas"), corpus.parse("oil && gas"))
  end)

  it("| or && inside a word is an error; & inside a word stays text", function()
    assert.matches("'|' inside a word: put spaces around the operator", perr("oil|gas"))
    assert.matches("'&&' inside a word", perr("oil&&gas"))
    assert.are.same({op = "term", layer = "norm", text = "AT&T", variants = true}, corpus.parse("AT&T"))
  end)

  it("AND NOT is NOT", function()
    assert.are.same(corpus.parse("oil NOT gas"), corpus.parse("oil AND NOT gas"))
    assert.equal(c:count("oil NOT gas"), c:count("oil AND NOT gas"))
  end)

  it("lowercase and/or/not between words are errors that say what to write", function()
    assert.matches("lowercase 'and' is not an operator: write AND for the operator, or \"and\" to search the word",
                   perr("oil and gas"))
    assert.matches("lowercase 'or'", perr("oil or gas"))
    assert.matches("lowercase 'not'", perr("not gas"))
    -- alone, or quoted, they are the words
    assert.are.same({op = "term", layer = "norm", text = "and", variants = true}, corpus.parse("and"))
    assert.is_table(corpus.parse('oil "and" gas'))
    assert.is_true(c:count("and") > 0)
  end)

  it("field:(words) is Lucene's field grouping: words in that field; field:word stays a whole-value filter", function()
    local d = function(q) return assert(c:count(q, {docs = true})) end
    local cocoa, prices = d("title:(cocoa)"), d("title:(prices)")
    assert.is_true(cocoa > 5 and prices > 5)
    -- all words (the default AND), either, a phrase, a prefix
    assert.equal(d("title:(cocoa) title:(prices)"), d("title:(cocoa prices)"))
    assert.equal(d("title:(cocoa AND prices)"), d("title:(cocoa prices)"))
    assert.equal(cocoa + d("title:(coffee)") - d("title:(cocoa coffee)"),
                 d("title:(cocoa OR coffee)"))
    assert.is_true(d('title:("oil prices")') <= d("title:(oil prices)"))
    assert.is_true(d('title:("oil prices")') > 0)
    assert.is_true(d("title:(coc*)") >= cocoa)
    -- with everything else, as a document-level condition
    assert.equal(d("title:(cocoa)") - d("title:(cocoa) NOT prices"),
                 d("title:(cocoa) AND prices"))
    assert.equal(d("prices") - d("prices title:(cocoa)"), d("prices NOT title:(cocoa)"))
    -- title:cocoa compares the whole title, and says so
    local r, msg, code = c:count("title:cocoa")
    assert.is_nil(r); assert.equal("ESYNTAX", code)
    assert.matches("matches whole values only", msg)
    assert.equal(table.concat({
      "words of field title",
      '  term "cocoa" (norm)'}, "\n"), corpus.explain("title:(cocoa)"))
  end)

  it("explain renders the plan one node a line", function()
    assert.equal(table.concat({
      "AND",
      '  term "oil" (norm)',
      "  NOT",
      '    term "gas" (norm)'}, "\n"), corpus.explain("oil -gas"))
    assert.equal(table.concat({
      "NEAR 5 words, any order",
      '  term "oil" (norm)',
      '  phrase "crude prices" (norm)'}, "\n"), corpus.explain('oil NEAR/5 "crude prices"'))
    assert.equal(table.concat({
      "OR",
      '  token pattern [word="March"]',
      '  token pattern [word="April"]'}, "\n"), corpus.explain('[word="March"] | [word="April"]'))
    assert.equal('metadata year >= "2015"', corpus.explain("year:>=2015"))
    local s, msg, code = corpus.explain("oil and gas")
    assert.is_nil(s); assert.equal("ESYNTAX", code); assert.matches("lowercase 'and'", msg)
  end)
end)
