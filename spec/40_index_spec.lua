-- The on-disk index: create, commit, reopen (identical to the in-memory
-- corpus of the same documents, on every shared corpus), incremental
-- add/delete/replace, merges and optimize, rollback, the writer lock,
-- refresh, two processes, cleanup and errors.
local corpus = require "corpus"

local CORPORA = "../shared/corpora"

local sh = require "sh"
local tmpdir = function(tag) return sh.tmppath("spec40_" .. tag) end
local rmrf, exists = sh.rmtree, sh.exists

local function ls(dir)
  local t = {}
  local p = io.popen("ls '" .. dir .. "'")
  for l in p:lines() do t[#t + 1] = l end
  p:close()
  return t
end

-- what a user compares: stats, plus per sampled document its doc() and
-- tokens(); counts and KWIC of some queries when the executor is there
local QUERIES = { "the", '"international law"', "market*", "oil OR cocoa",
                  "security", '"united nations"' }

local function queries_ready(c) return c._count ~= nil end

local function snapshot(c, sample)
  local st = c:stats()
  st.segments = nil   -- the only field allowed to differ
  local s = { stats = st, docs = {}, counts = {}, kwic = {} }
  local n = c:ndocs()
  local picks = {}
  if n > 0 then
    for i = 1, sample do picks[#picks + 1] = 1 + ((i - 1) * 7919) % n end
    picks[#picks + 1] = n
  end
  for _, k in ipairs(picks) do
    local d = c:doc(k)
    if d then
      d.n = nil   -- numbers shift when deleted documents are merged away
      s.docs[d.id] = { doc = d, tokens = c:tokens(d.id) }
    end
  end
  if queries_ready(c) then
    for _, q in ipairs(QUERIES) do
      s.counts[q] = c:count(q)
      local k = {}
      for x in c:kwic(q, { width = 3 }) do
        k[#k + 1] = x.id .. "|" .. x.left .. "|" .. x.match .. "|" .. x.right
        if #k >= 50 then break end
      end
      s.kwic[q] = k
    end
  end
  return s
end

-- the same document set via ids, for comparing a disk corpus after
-- deletions against a memory corpus built without them
local function by_id_snapshot(c, ids)
  local s = { stats = c:stats(), docs = {} }
  s.stats.segments = nil
  for _, id in ipairs(ids) do
    local d = c:doc(id)
    if d then d.n = nil; s.docs[id] = { doc = d, tokens = c:tokens(id) } end
  end
  if queries_ready(c) then
    s.counts = {}
    for _, q in ipairs(QUERIES) do s.counts[q] = c:count(q) end
  end
  return s
end

local function sources()
  local list = {}
  local seeds = {}
  for _, f in ipairs(ls(CORPORA .. "/seeds")) do
    if f:match("%.txt$") then seeds[#seeds + 1] = CORPORA .. "/seeds/" .. f end
  end
  list[#list + 1] = { name = "seeds", files = seeds, kind = "txt" }
  for _, name in ipairs{ "ungdc", "reuters21578" } do
    local files = {}
    for _, f in ipairs(ls(CORPORA .. "/" .. name)) do
      if f:match("%.jsonl$") then files[#files + 1] = CORPORA .. "/" .. name .. "/" .. f end
    end
    list[#list + 1] = { name = name, files = files, kind = "jsonl" }
  end
  return list
end

local function fill(c, src)
  for _, f in ipairs(src.files) do
    if src.kind == "txt" then assert(c:add_file(f))
    else assert(c:add_jsonl(f)) end
  end
end

describe("corpus.create / corpus.open", function()
  local dir
  before_each(function() dir = tmpdir("basic") end)
  after_each(function() collectgarbage(); rmrf(dir) end)

  it("creates an index that opens at once, empty", function()
    local w = assert(corpus.create(dir, { language = "english" }))
    assert.is_true(exists(dir .. "/MANIFEST"))
    local r = assert(corpus.open(dir))
    assert.are.equal(0, r:stats().docs)
    assert.are.equal(1, r:generation())
    w:close(); r:close()
  end)

  it("keeps the language and tokenizer mode", function()
    local w = assert(corpus.create(dir, { language = "french", mode = "strict" }))
    w:add{ id = "f", text = "Les chanteuses chantaient." }
    w:commit(); w:close()
    local r = assert(corpus.open(dir))
    assert.are.equal("french", r:language())
    local m = corpus.new{ language = "french", mode = "strict" }
    m:add{ id = "f", text = "Les chanteuses chantaient." }
    assert.are.same(m:tokens("f"), r:tokens("f"))
  end)

  it("makes added documents visible to readers only after commit", function()
    local w = assert(corpus.create(dir))
    w:add{ id = "a", text = "The cat sat on the mat." }
    local r = assert(corpus.open(dir))
    assert.are.equal(0, r:stats().docs)
    assert.are.equal(1, w:stats().docs)          -- the writer sees its own
    assert.are.equal(2, w:commit())
    assert.are.equal(0, r:stats().docs)          -- a snapshot
    assert.is_true(r:refresh())
    assert.are.equal(1, r:stats().docs)
    assert.is_false(r:refresh())                 -- nothing newer
    assert.are.equal("The cat sat on the mat.", r:doc("a").text)
  end)

  it("discards uncommitted additions on close and on rollback", function()
    local w = assert(corpus.create(dir))
    w:add{ id = "kept", text = "committed" }
    w:commit()
    w:add{ id = "lost", text = "never committed" }
    assert.is_true(w:rollback())
    assert.is_nil(w:doc("lost"))
    assert.are.equal(1, w:stats().docs)
    w:add{ id = "lost2", text = "never committed either" }
    w:close()
    local r = assert(corpus.open(dir))
    assert.are.equal(1, r:stats().docs)
    assert.is_nil(r:doc("lost2"))
    assert.are.equal("committed", r:doc("kept").text)
  end)

  it("allows one writer: a second gets ELOCKED naming the index, at once", function()
    local w = assert(corpus.create(dir))
    local t0 = os.time()
    local x, msg, code = corpus.open(dir, { write = true })
    assert.is_nil(x)
    assert.are.equal("ELOCKED", code)
    assert.truthy(msg:find(dir, 1, true))
    assert.is_true(os.time() - t0 <= 1)
    w:close()
    local w2 = assert(corpus.open(dir, { write = true }))   -- released
    w2:close()
  end)

  it("returns nil, message, code for failures of the world", function()
    local c, msg, code = corpus.open(dir .. "/nope")
    assert.is_nil(c); assert.are.equal("ENOENT", code); assert.truthy(msg:find("nope", 1, true))
    assert(corpus.create(dir)):close()
    c, msg, code = corpus.create(dir)
    assert.is_nil(c); assert.are.equal("EEXIST", code)
    local f = assert(io.open(dir .. "/MANIFEST", "ab")); f:write("x"); f:close()
    c, msg, code = corpus.open(dir)
    assert.is_nil(c); assert.are.equal("ECORRUPT", code); assert.truthy(msg:find("MANIFEST", 1, true))
  end)

  it("raises on misuse: bad arguments, writing a read-only snapshot, a closed corpus", function()
    assert.has_error(function() corpus.open(42) end)
    assert.has_error(function() corpus.create(dir, "english") end)
    assert.has_error(function() corpus.create(dir, { language = "klingon" }) end)
    local w = assert(corpus.create(dir))
    w:add{ id = "a", text = "x" }; w:commit()
    local r = assert(corpus.open(dir))
    assert.has_error(function() r:commit() end, "commit: index '" .. dir .. "' is open read-only (open it with write = true)")
    assert.has_error(function() r:delete("a") end)
    assert.has_error(function() r:optimize() end)
    assert.has_error(function() corpus.new():commit() end)
    r:close()
    r:close()                                      -- idempotent
    assert.has_error(function() r:stats() end, "attempt to use a closed corpus")
    assert.has_error(function() r:refresh() end, "attempt to use a closed corpus")
    assert.are.equal("corpus (closed)", tostring(r))
    w:close()
  end)

  it("checks an in-memory corpus too, and reports what it verified", function()
    local m = corpus.new()
    assert.is_nil(m:generation())
    m:add{ id = "a", text = "One two." }
    local rep = assert(m:check())
    assert.are.same({ ok = true, segments = 1, bytes = 0, docs = 1, deleted = 0, uncommitted = 0 }, rep)
    local w = assert(corpus.create(dir))
    w:add{ id = "a", text = "One two." }; w:add{ id = "b", text = "Three." }
    w:commit()
    w:delete("b")
    w:add{ id = "c", text = "Four." }
    rep = assert(w:check())
    assert.are.equal(2, rep.generation)
    assert.are.equal(dir, rep.path)
    assert.are.equal(1, rep.deleted)               -- uncommitted deletion, seen by the writer
    assert.are.equal(1, rep.uncommitted)           -- the segment of "c"
    assert.is_true(rep.bytes > 0)
    w:commit()
    rep = assert(assert(corpus.open(dir)):check())
    assert.are.same({ ok = true, path = dir, generation = 3, segments = 2, bytes = rep.bytes,
                      docs = 2, deleted = 1, uncommitted = 0 }, rep)
  end)

  it("releases the lock through <close> (Lua 5.4) or close(), and __gc", function()
    if _VERSION >= "Lua 5.4" then
      assert(load([[
        local corpus, dir = ...
        local w <close> = assert(corpus.create(dir))
        w:add{ id = "a", text = "x" }
        w:commit()
      ]]))(corpus, dir)
    else
      local w = assert(corpus.create(dir))
      w:add{ id = "a", text = "x" }
      w:commit()
      w:close()
    end
    local w2 = assert(corpus.open(dir, { write = true }))
    w2 = nil
    collectgarbage(); collectgarbage()
    local w3 = assert(corpus.open(dir, { write = true }))
    w3:close()
  end)
end)

describe("an index round trip", function()
  for _, src in ipairs(sources()) do
    it("equals the in-memory corpus of " .. src.name .. " (stats, docs, tokens, counts, KWIC)", function()
      assert.is_true(#src.files > 0)
      local dir = tmpdir(src.name)
      local m = corpus.new()
      fill(m, src)
      local want = snapshot(m, 25)
      m:close(); m = nil
      collectgarbage()
      local w = assert(corpus.create(dir))
      fill(w, src)
      assert(w:commit())
      w:close()
      local r = assert(corpus.open(dir))
      assert.are.same(want, snapshot(r, 25))
      local rep = assert(r:check())
      assert.is_true(rep.ok)
      assert.are.equal(want.stats.docs, rep.docs)
      r:close()
      collectgarbage()
      rmrf(dir)
    end)
  end
end)

describe("incremental updates", function()
  local dir
  local DOCS = {}
  for i = 1, 40 do
    DOCS[i] = { id = "d" .. i, text = ("Document %d speaks of international law and of %s. "):format(i, i % 3 == 0 and "oil markets" or "security")
                  .. ("The council met %d times; cocoa prices fell.\n\nA second paragraph, number %d."):format(i, i),
                topic = i % 2 == 0 and "even" or "odd" }
  end
  local function memory(ids)
    local m = corpus.new()
    for _, i in ipairs(ids) do assert(m:add(DOCS[i])) end
    return m
  end
  local function range(a, b) local t = {} for i = a, b do t[#t + 1] = i end return t end
  local function idlist(nums) local t = {} for _, i in ipairs(nums) do t[#t + 1] = "d" .. i end return t end

  before_each(function() dir = tmpdir("incr") end)
  after_each(function() collectgarbage(); rmrf(dir) end)

  it("adds to an existing index across reopenings", function()
    local w = assert(corpus.create(dir))
    for i = 1, 10 do w:add(DOCS[i]) end
    w:commit(); w:close()
    w = assert(corpus.open(dir, { write = true }))
    for i = 11, 20 do w:add(DOCS[i]) end
    w:commit(); w:close()
    local r = assert(corpus.open(dir))
    assert.are.same(by_id_snapshot(memory(range(1, 20)), idlist(range(1, 20))),
                    by_id_snapshot(r, idlist(range(1, 20))))
    assert.are.equal("even", r:doc("d2").topic)
  end)

  it("deletes: the document vanishes from every result and statistic after commit", function()
    local w = assert(corpus.create(dir))
    for i = 1, 10 do w:add(DOCS[i]) end
    w:commit()
    local r = assert(corpus.open(dir))
    assert.is_true(w:delete("d3"))
    assert.is_nil(w:delete("d3"))                  -- already gone
    assert.is_nil(w:delete("nope"))
    assert.are.equal(10, r:stats().docs)           -- not committed yet
    w:commit()
    assert.is_true(r:refresh())
    local keep = { 1, 2, 4, 5, 6, 7, 8, 9, 10 }
    assert.are.same(by_id_snapshot(memory(keep), idlist(range(1, 10))),
                    by_id_snapshot(r, idlist(range(1, 10))))
    assert.is_nil(r:doc("d3"))
    assert.are.equal(1, assert(r:check()).deleted)
    -- after reopening too
    w:close(); r:close()
    r = assert(corpus.open(dir))
    assert.are.same(by_id_snapshot(memory(keep), idlist(range(1, 10))),
                    by_id_snapshot(r, idlist(range(1, 10))))
  end)

  it("replaces a document (and a failed replace changes nothing)", function()
    local w = assert(corpus.create(dir))
    for i = 1, 5 do w:add(DOCS[i]) end
    w:commit()
    assert(w:replace{ id = "d2", text = DOCS[12].text, topic = "even" })
    w:commit()
    local r = assert(corpus.open(dir))
    assert.are.equal(DOCS[12].text, r:doc("d2").text)
    assert.are.equal(5, r:stats().docs)
    local m = corpus.new()
    for _, i in ipairs{ 1, 3, 4, 5 } do m:add(DOCS[i]) end
    m:add{ id = "d2", text = DOCS[12].text, topic = "even" }
    assert.are.same(by_id_snapshot(m, idlist(range(1, 5))), by_id_snapshot(r, idlist(range(1, 5))))
    -- a replace whose add raises leaves the old document in place
    assert.has_error(function() w:replace{ id = "d1", text = "x", bad = { {} } } end)
    assert.are.equal(DOCS[1].text, w:doc("d1").text)
    -- replacing an unknown id adds it
    assert(w:replace{ id = "new", text = "fresh" })
    assert.are.equal("fresh", w:doc("new").text)
  end)

  it("merges small segments by its policy and results stay identical", function()
    local w = assert(corpus.create(dir))
    for i = 1, 40 do
      w:add(DOCS[i])
      if i % 7 == 0 then w:delete("d" .. (i - 3)) end
      w:commit()
      assert.is_true(w:stats().segments < 8, "segments bounded by the merge policy")
    end
    local gone = {}
    for i = 7, 35, 7 do gone[i - 3] = true end
    local keep = {}
    for i = 1, 40 do if not gone[i] then keep[#keep + 1] = i end end
    local r = assert(corpus.open(dir))
    local want = by_id_snapshot(memory(keep), idlist(range(1, 40)))
    assert.are.same(want, by_id_snapshot(r, idlist(range(1, 40))))
    assert(r:check())
    -- old segment files are removed once no reader maps them
    r:close(); collectgarbage()
    w:add{ id = "one-more", text = "x" }; w:commit()
    local n = 0
    for _, f in ipairs(ls(dir)) do if f:match("%.cps$") then n = n + 1 end end
    assert.are.equal(w:stats().segments, n)
  end)

  it("optimizes into one segment with identical results", function()
    local w = assert(corpus.create(dir))
    for i = 1, 30 do
      w:add(DOCS[i])
      if i % 3 == 0 then w:commit() end
    end
    w:add{ id = "bad-utf8", text = "caf\233 and \255\254 bytes" }
    w:delete("d5"); w:delete("d17")
    w:commit()
    local before = by_id_snapshot(w, idlist(range(1, 30)))
    assert.are.equal(3, before.stats.invalid_utf8)   -- \xe9; \xff, \xfe
    assert(w:optimize())
    assert.are.equal(1, w:stats().segments)
    assert.are.same(before, by_id_snapshot(w, idlist(range(1, 30))))
    local r = assert(corpus.open(dir))
    assert.are.same(before, by_id_snapshot(r, idlist(range(1, 30))))
    assert.are.equal(0, assert(r:check()).deleted)
  end)

  it("keeps files a reader maps until the reader lets go", function()
    local w = assert(corpus.create(dir))
    for i = 1, 6 do w:add(DOCS[i]); w:commit() end   -- 6 segments, below a merge
    local r = assert(corpus.open(dir))
    assert.are.equal(6, r:stats().segments)
    local want = by_id_snapshot(r, idlist(range(1, 8)))
    assert(w:optimize())
    local files = 0
    for _, f in ipairs(ls(dir)) do if f:match("%.cps$") then files = files + 1 end end
    assert.are.equal(7, files)                      -- the reader's 6 + the merged one
    -- the reader's snapshot still works and still checks
    assert.are.same(want, by_id_snapshot(r, idlist(range(1, 8))))
    assert(r:check())
    assert.is_true(r:refresh())
    assert.are.equal(1, r:stats().segments)
    assert.are.same(want, by_id_snapshot(r, idlist(range(1, 8))))
  end)
end)

describe("two processes", function()
  it("a reader refreshing while a writer commits never sees a partial commit", function()
    local dir = tmpdir("two")
    local w = assert(corpus.create(dir))
    w:close()
    local script = dir .. ".writer.lua"
    local f = assert(io.open(script, "w"))
    f:write(([[
      local corpus = require "corpus"
      local w = assert(corpus.open(%q, { write = true }))
      for b = 1, 100 do
        for i = 1, 5 do
          w:add{ id = ("b%%d-%%d"):format(b, i), text = ("batch %%d doc %%d: the quick brown fox."):format(b, i) }
        end
        if b %% 10 == 0 then w:delete(("b%%d-1"):format(b - 5)) end
        assert(w:commit())
      end
      w:close()
    ]]):format(dir))
    f:close()
    local env = ("LUA_PATH=%q LUA_CPATH=%q "):format(package.path, package.cpath)
    local done = dir .. ".done"
    os.execute("(" .. env .. require("sh").LUA .. " " .. script .. " > " .. dir .. ".log 2>&1; touch " .. done .. ") &")
    local r = assert(corpus.open(dir))
    local seen, last = 0, 0
    local deadline = os.time() + 30
    while os.time() < deadline do
      local finished = exists(done)
      local ok, msg = r:refresh()
      assert(ok ~= nil, msg)
      local docs = r:stats().docs
      assert(r:check())
      -- commit b adds 5 documents, and every 10th deletes one: after
      -- commit b there are 5b - floor(b/10) live documents
      local batches
      for b = 0, 100 do if 5 * b - math.floor(b / 10) == docs then batches = b end end
      assert.truthy(batches, "a document count no commit produces: " .. docs)
      for b = 1, batches do
        for i = 1, 5 do
          local gone = i == 1 and b % 10 == 5 and b + 5 <= batches
          assert.are.equal(not gone, r:doc(("b%d-%d"):format(b, i)) ~= nil)
        end
      end
      assert.is_nil(r:doc(("b%d-2"):format(batches + 1)))
      assert.is_true(batches >= last)
      last = batches
      seen = seen + 1
      if finished then break end
    end
    r:refresh()
    assert.are.equal(500 - 10, r:stats().docs)
    assert.is_true(seen >= 2)
    r:close()
    rmrf(dir); os.remove(script); os.remove(done); os.remove(dir .. ".log")
  end)
end)
