-- Damaged indexes: for each file of a committed index, truncations at
-- several offsets and random byte flips.  Every case must end in a clear
-- error (nil, message naming the file, code) from open or from the
-- first use, or in a passing check(); never a crash, never a check()
-- that passes over damaged bytes.  Run it under `make asan` too.
local corpus = require "corpus"

local TMP = os.getenv("TMPDIR") or "/tmp"
local FLIPS = os.getenv("CORPUS_ASAN") and 40 or 100   -- per file

local sh = require "sh"
local slurp, spit = sh.read, sh.write

-- byte v with bit k (0 = lowest) flipped; arithmetic, so that the spec
-- parses on Lua 5.1/5.2 and LuaJIT, which have no bitwise operators
local function flip(v, k)
  local bit = 2 ^ k
  return math.floor(v / bit) % 2 == 1 and v - bit or v + bit
end

local function ls(dir)
  local t = {}
  local p = io.popen("ls '" .. dir .. "'")
  for l in p:lines() do t[#t + 1] = l end
  p:close()
  return t
end

local QUERIES = { "the", '"oil prices"', "commission OR council", "market*" }

-- use the corpus the way a user would; every call either succeeds or
-- fails cleanly (a raised error is caught and must carry a message)
local function exercise(c)
  local fails = {}
  local function try(f, ...)
    local ok, a, b = pcall(f, ...)
    if not ok then fails[#fails + 1] = tostring(a)
    elseif a == nil and b ~= nil then fails[#fails + 1] = tostring(b) end
  end
  try(c.stats, c)
  -- the first read verifies the mapped files: it may be the one to fail
  local ok, nd, nmsg = pcall(c.ndocs, c)
  if not ok or nd == nil then fails[#fails + 1] = tostring(nmsg or nd); nd = 0 end
  for n = 1, nd, 3 do
    try(c.doc, c, n)
    try(c.tokens, c, n)
    try(c.sentences, c, n)
  end
  if c._count then
    for _, q in ipairs(QUERIES) do
      try(c.count, c, q)
      try(function() for _ in c:kwic(q) do end end)
    end
  end
  for _, m in ipairs(fails) do assert.is_true(#m > 0) end
  return fails
end

-- open the damaged index: returns "open" / "check" (where the damage was
-- reported) or "clean" (check passed: the damage was in unused bytes)
local function judge(dir, fname)
  local c, msg, code = corpus.open(dir)
  if not c then
    assert.is_string(msg)
    assert.truthy(code == "ECORRUPT" or code == "EVERSION" or code == "ENOENT", code)
    assert.truthy(msg:find(fname, 1, true), "message names the file: " .. msg)
    return "open"
  end
  exercise(c)
  local rep, cmsg, ccode = c:check()
  c:close()
  if rep then return "clean" end
  assert.are.equal("ECORRUPT", ccode)
  assert.truthy(cmsg:find(fname, 1, true), "message names the file: " .. cmsg)
  return "check"
end

describe("a damaged index", function()
  local dir, files, pristine

  setup(function()
    dir = ("%s/cp_spec42_%d_%d"):format(TMP, os.time(), math.random(1e9))
    os.execute("rm -rf '" .. dir .. "'")
    local w = assert(corpus.create(dir))
    for b = 1, 3 do
      for i = 1, 6 do
        w:add{ id = ("b%d-%d"):format(b, i), source = "spec", num = i,
               text = ("Batch %d, document %d. The commission discussed oil prices and the council markets.\n\nSecond paragraph %d: naïve café “quotes” — done."):format(b, i, i) }
      end
      if b == 2 then w:delete("b1-3") end
      assert(w:commit())
    end
    w:close()
    files, pristine = {}, {}
    for _, f in ipairs(ls(dir)) do
      if f == "MANIFEST" or f:match("%.cps$") then
        files[#files + 1] = f
        pristine[f] = slurp(dir .. "/" .. f)
      end
    end
  end)

  teardown(function() os.execute("rm -rf '" .. dir .. "'") end)

  it("is intact before any damage", function()
    assert.are.equal(4, #files)            -- MANIFEST + 3 segments
    local c = assert(corpus.open(dir))
    assert(c:check())
    assert.are.equal(17, c:stats().docs)
    c:close()
  end)

  it("reports every truncation of every file", function()
    for _, f in ipairs(files) do
      local s = pristine[f]
      local cuts = { 0, 1, 7, 40, math.floor(#s / 4), math.floor(#s / 2), #s - 9, #s - 1 }
      for _, cut in ipairs(cuts) do
        if cut >= 0 and cut < #s then
          spit(dir .. "/" .. f, s:sub(1, cut))
          local where = judge(dir, f)
          assert.are_not.equal("clean", where, f .. " cut at " .. cut)
        end
      end
      spit(dir .. "/" .. f, s)
    end
  end)

  it("reports random byte flips in every file (or passes check over unused bytes)", function()
    local counts = { open = 0, check = 0, clean = 0 }
    for _, f in ipairs(files) do
      local s = pristine[f]
      for k = 1, FLIPS do
        -- half in the first 128 bytes (headers), half anywhere
        local pos = (k % 2 == 0) and math.random(1, math.min(128, #s)) or math.random(1, #s)
        local byte = string.char(flip(s:byte(pos), math.random(0, 7)))
        spit(dir .. "/" .. f, s:sub(1, pos - 1) .. byte .. s:sub(pos + 1))
        local where = judge(dir, f)
        counts[where] = counts[where] + 1
        -- every byte of our files is covered by a checksum
        assert.are_not.equal("clean", where, ("%s: flip at %d"):format(f, pos))
      end
      spit(dir .. "/" .. f, s)
    end
    assert.is_true(counts.open > 0 and counts.check > 0)
  end)

  it("gives EVERSION for a manifest or segment of another version", function()
    local m = pristine.MANIFEST
    spit(dir .. "/MANIFEST", (m:gsub("^corpus%-index 1", "corpus-index 2")))
    local c, msg, code = corpus.open(dir)
    assert.is_nil(c); assert.are.equal("EVERSION", code); assert.truthy(msg:find("version", 1, true))
    spit(dir .. "/MANIFEST", m)
    local seg = files[2]
    local s = pristine[seg]
    spit(dir .. "/" .. seg, s:sub(1, 8) .. string.char(9) .. s:sub(10))  -- version field
    c, msg, code = corpus.open(dir)
    assert.is_nil(c)
    assert.truthy(code == "EVERSION" or code == "ECORRUPT", code)
    assert.truthy(msg:find(seg, 1, true))
    spit(dir .. "/" .. seg, s)
  end)

  it("reports a manifest naming a missing segment", function()
    local seg = files[3]
    os.rename(dir .. "/" .. seg, dir .. "/" .. seg .. ".away")
    local c, msg, code = corpus.open(dir)
    assert.is_nil(c); assert.are.equal("ECORRUPT", code)
    assert.truthy(msg:find(seg, 1, true) and msg:find("missing", 1, true), msg)
    os.rename(dir .. "/" .. seg .. ".away", dir .. "/" .. seg)
    assert(assert(corpus.open(dir)):check())
  end)

  it("checks what a read needs when it first needs it (format 2.1)", function()
    local seg = files[2]
    local s = pristine[seg]
    local c0 = assert(corpus.open(dir))
    local want = assert(c0:count("commission", {docs = true}))
    c0:close()
    local off, size = sh.seg_section(s, 15)   -- STREAM
    assert.is_true(size > 8)
    local pos = off + math.floor(size / 2) + 1
    spit(dir .. "/" .. seg, s:sub(1, pos - 1) .. string.char(flip(s:byte(pos), 3)) .. s:sub(pos + 1))
    local c = assert(corpus.open(dir))        -- open hashes no data
    -- a term count reads the tables and postings, not the stream
    assert.are.equal(want, c:count("commission", {docs = true}))
    -- reading tokens needs the stream: the damage is reported, naming the file
    local ok, r, msg, code = pcall(c.tokens, c, 1)
    local m = ok and msg or r
    assert.is_true(not ok or r == nil)
    assert.truthy(tostring(m):find(seg, 1, true), tostring(m))
    if ok then assert.are.equal("ECORRUPT", code) end
    -- and every later read of that segment fails too
    local n2, m2, c2 = c:count('"oil prices"')
    assert.is_nil(n2); assert.are.equal("ECORRUPT", c2); assert.truthy(m2:find(seg, 1, true))
    local rep, cmsg, ccode = c:check()
    assert.is_nil(rep); assert.are.equal("ECORRUPT", ccode)
    assert.truthy(cmsg:find(seg, 1, true))
    c:close()
    spit(dir .. "/" .. seg, s)
  end)

  it("answers a first phrase or NEAR from the blocks it reads: right, or ECORRUPT naming the file", function()
    local seg = files[2]
    local s = pristine[seg]
    -- (a word-layer phrase tests the word at each candidate: it reads
    -- the stream blocks that hold them)
    local qs = {'"oil prices"', '"the commission"', "NEAR(oil prices, 5)",
                '"crude oil" NEAR/3 prices', 'word:"the council"', 'word:"The commission"'}
    local want = {}
    local c0 = assert(corpus.open(dir))
    for i, q in ipairs(qs) do want[i] = assert(c0:count(q)) end
    c0:close()
    local off, size = sh.seg_section(s, 15)   -- STREAM
    -- damage spread over the stream (a byte in every eighth of it), so
    -- that some blocks a phrase reads may be damaged, others not
    local parts, at = {}, 1
    assert.is_true(size > 64)
    for k = 1, 8 do
      local pos = off + math.floor(size * (2 * k - 1) / 16) + 1
      parts[#parts + 1] = s:sub(at, pos - 1) .. string.char(flip(s:byte(pos), 5))
      at = pos + 1
    end
    parts[#parts + 1] = s:sub(at)
    spit(dir .. "/" .. seg, table.concat(parts))
    local bad = 0
    for i, q in ipairs(qs) do
      local c = assert(corpus.open(dir))      -- a fresh reader each time
      local n, msg, code = c:count(q)
      if n == nil then
        bad = bad + 1
        assert.are.equal("ECORRUPT", code, msg)
        assert.truthy(msg:find(seg, 1, true), msg)
      else
        assert.are.equal(want[i], n, q)        -- never a wrong number
      end
      c:close()
    end
    assert.is_true(bad > 0, "no query read a damaged block")
    local c = assert(corpus.open(dir))
    local rep, _, ccode = c:check()
    assert.is_nil(rep); assert.are.equal("ECORRUPT", ccode)
    c:close()
    spit(dir .. "/" .. seg, s)
  end)

  it("verifies checksums at open when asked", function()
    local seg = files[2]
    local s = pristine[seg]
    local pos = #s - 20
    spit(dir .. "/" .. seg, s:sub(1, pos - 1) .. string.char(flip(s:byte(pos), 0)) .. s:sub(pos + 1))
    local c, msg, code = corpus.open(dir, { verify = true })
    assert.is_nil(c); assert.are.equal("ECORRUPT", code)
    assert.truthy(msg:find(seg, 1, true) and msg:find("checksum", 1, true), msg)
    spit(dir .. "/" .. seg, s)
    assert(corpus.open(dir, { verify = true })):close()
  end)
end)
