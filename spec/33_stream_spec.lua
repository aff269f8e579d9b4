-- Streaming iterators (csrc/cursor.h): c:matches and c:kwic produce
-- their rows a run of documents at a time.  The rows are exactly those
-- of the whole list, in order; a break frees the iteration (at once
-- through the closing value on 5.4, by the collector elsewhere).
local corpus = require "corpus"
local query = require "corpus.query"

-- 3000 short documents: many runs of the cursor, over three segments
local function big()
  local c = corpus.new()
  for s = 1, 3 do
    local docs = {}
    for i = 1, 1000 do
      docs[i] = {text = ("Document %d of batch %d: the cat and the dog. %s"):format(
        i, s, i % 7 == 0 and "A rare word here." or "Nothing else.")}
    end
    c:add_docs(docs)
    assert(c:count("the"))          -- a read seals the batch: one segment
  end
  return c
end

local function collect(it, s, ctl)
  local out = {}
  for m in it, s, ctl do out[#out + 1] = m end
  return out
end

describe("streaming matches", function()
  local c = big()

  it("gives the same rows, in the same order, as the whole match list", function()
    for _, q in ipairs{ "the", "rare", '"the cat"', "[norm=\"do.*\"]", "nothing", "absent" } do
      local list = assert(c:_matches(assert(query.parse(q)), nil))
      local rows = collect(c:matches(q))
      assert.are.equal(#list, #rows)
      assert.are.same(list, rows)
      assert.are.equal(c:count(q), #rows)
    end
  end)

  it("covers every document of every segment", function()
    local docs = {}
    for m in c:matches("cat") do docs[m.doc] = true end
    local n = 0
    for _ in pairs(docs) do n = n + 1 end
    assert.are.equal(3000, n)
  end)

  it("returns a closing value that frees the iteration, and close() is idempotent", function()
    local it, s, ctl, cursor = c:matches("the")
    assert.are.equal("corpus match cursor", tostring(cursor))
    assert.are.equal(1, it(s, ctl).doc)
    cursor:close()
    cursor:close()
    assert.are.equal("corpus match cursor (closed)", tostring(cursor))
    assert.is_nil(it(s, ctl))
  end)

  it("closes itself when the last row has been handed out", function()
    local it, s, ctl, cursor = c:matches("rare")
    local n = 0
    for _ in it, s, ctl do n = n + 1 end
    assert.are.equal(3 * 142, n)
    assert.are.equal("corpus match cursor (closed)", tostring(cursor))
  end)

  if _VERSION >= "Lua 5.4" then
    it("is freed by a break through the closing value (Lua 5.4)", function()
      local cursor = assert(load([[
        local c = ...
        local n = 0
        for m in c:matches("the") do n = n + 1; if n == 3 then break end end
        return select(4, c:matches("the")), n
      ]]))(c)
      assert.is_truthy(cursor)
      local closed = assert(load([[
        local c = ...
        local cur
        local it, s, ctl, closing = c:matches("the")
        cur = closing
        for _ in it, s, ctl, closing do break end
        return tostring(cur)
      ]]))(c)
      assert.are.equal("corpus match cursor (closed)", closed)
    end)
  end

  it("survives a break and a collection", function()
    for _ in c:matches("the") do break end
    for _ in c:kwic("the") do break end
    collectgarbage()
    collectgarbage()
    assert.are.equal(c:count("rare"), #collect(c:matches("rare")))
  end)

  it("reads the segments present when it started", function()
    local d = corpus.new()
    d:add{text = "one cat"}
    local it, s, ctl = d:matches("cat")
    d:add{text = "two cats? no: cat cat"}
    assert.are.equal(3, d:count("cat"))           -- seals a second segment
    local rows = collect(it, s, ctl)
    assert.are.equal(1, #rows)
    assert.are.equal(3, #collect(d:matches("cat")))
  end)

  it("raises once the corpus is closed", function()
    local d = corpus.new()
    d:add{text = "a a a"}
    local it, s, ctl = d:matches("a")
    assert.are.equal(1, it(s, ctl).start)
    d:close()
    assert.has_error(function() it(s, ctl) end, "attempt to use a closed corpus")
  end)

  it("applies max_matches when the iteration reaches it", function()
    local n = 0
    local ok, err = pcall(function()
      for _ in c:matches("the", {max_matches = 5000}) do n = n + 1 end
    end)
    assert.is_false(ok)
    assert.matches("more than 5000 matches", err)
    assert.is_true(n <= 5000)
    assert.are.equal(6000, c:count("the"))
  end)

  it("gives nothing on an empty corpus and raises on a syntax error", function()
    assert.are.same({}, collect(corpus.new():matches("x")))
    assert.has_error(function() c:matches("[") end)
  end)
end)

describe("streaming kwic", function()
  it("gives the rows of every match, with its closing value", function()
    local c = big()
    local it, s, ctl, cursor = c:kwic("rare", {width = 2})
    assert.are.equal("corpus match cursor", tostring(cursor))
    local rows = collect(it, s, ctl)
    assert.are.equal(c:count("rare"), #rows)
    -- "Document 7 of batch 1: the cat and the dog. A rare word here."
    assert.are.same({doc = 7, id = "7", left = "dog. A", match = "rare", right = "word here.",
                     start = 14, stop = 14}, rows[1])
  end)
end)
