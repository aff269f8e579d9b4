-- In-memory corpora merge small segments as they go (issue 10, item 7):
-- many single adds, each followed by a read, stay fast and leave few
-- segments; numbers, ids and counts are what they would be unmerged.
local corpus = require "corpus"

-- 5,000 adds here; checks/46_memmerge_long_spec.lua runs this file with
-- MEMMERGE_N = 20000 (make check)
local N = MEMMERGE_N or (os.getenv("CORPUS_ASAN") and 3000 or 5000)

describe("an in-memory corpus", function()
  it("keeps O(log n) segments over " .. N .. " single adds with reads", function()
    local c = corpus.new()
    for i = 1, N do
      assert(c:add{id = "d" .. i, text = "document " .. i .. " says hello."})
      assert.are.equal(i, c:count("hello"))
    end
    local st = c:stats()
    assert.are.equal(N, st.docs)
    assert.is_true(st.segments <= 8 * 6, "segments: " .. st.segments)
    for _, i in ipairs{1, 2, 7, 8, 9, 64, 65, 511, 512, N} do
      assert.are.equal("d" .. i, c:doc(i).id)
      assert.are.equal(i, c:doc("d" .. i).n)
    end
    assert.are.equal(1, c:count('"document ' .. N .. '"'))
    c:close()
  end)

  it("keeps document numbers when some documents are deleted", function()
    local c = corpus.new()
    local w = c
    for i = 1, 100 do w:add{id = "d" .. i, text = "x" .. i} ; w:count("x1") end
    local ok = pcall(w.delete, w, "d5")
    if ok then
      for i = 101, 300 do w:add{id = "d" .. i, text = "x" .. i} ; w:count("x1") end
      assert.is_nil(w:doc(5))
      assert.are.equal("d6", w:doc(6).id)
      assert.are.equal("d300", w:doc(300).id)
      assert.are.equal(299, w:stats().docs)
    end
    c:close()
  end)
end)
