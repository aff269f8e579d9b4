-- Every value checked (issue 10, items 4, 5, 8, 9): only regular files
-- are opened, paths with NUL bytes are refused, JSON ids are strings or
-- integers that are certainly the ones written, a BOM is not "malformed
-- JSON", document numbers are walked with c:docs().
local corpus = require "corpus"

local TMP = os.getenv("TMPDIR") or "/tmp"

local sh = require "sh"
local tmpdir, spit = sh.tmpdir, sh.write

describe("index files", function()
  it("a FIFO as MANIFEST is an error at open, not a hang", function()
    local d = tmpdir()
    local w = assert(corpus.create(d))
    w:add{id = "a", text = "x"}
    assert(w:commit())
    w:close()
    os.remove(d .. "/MANIFEST")
    assert(os.execute("mkfifo '" .. d .. "/MANIFEST'"))
    local c, msg, code = corpus.open(d)
    assert.is_nil(c)
    assert.are.equal("ECORRUPT", code)
    assert.matches("not a regular file", msg)
    os.execute("rm -rf '" .. d .. "'")
  end)

  it("a FIFO as a segment file is an error, not a hang", function()
    local d = tmpdir()
    local w = assert(corpus.create(d))
    w:add{id = "a", text = "x"}
    assert(w:commit())
    w:close()
    local p = io.popen("ls '" .. d .. "'")
    local seg
    for l in p:lines() do if l:match("^seg%-") then seg = l end end
    p:close()
    os.remove(d .. "/" .. seg)
    assert(os.execute("mkfifo '" .. d .. "/" .. seg .. "'"))
    local c, msg = corpus.open(d)
    if c then           -- segments may be opened lazily: the first read
      local n, m2 = c:count("x")
      assert.is_nil(n)
      msg = m2
      c:close()
    end
    assert.matches("not a regular file", msg)
    os.execute("rm -rf '" .. d .. "'")
  end)

  it("a path with a NUL byte is refused, not cut", function()
    local d = tmpdir()
    assert.has_error(function() corpus.create(d .. "\0y") end,
                     "bad argument #1 to 'create' (path contains a NUL byte)")
    assert.is_nil(io.open(d, "rb"))
    assert.has_error(function() corpus.open(d .. "\0y") end)
    local c = corpus.new()
    assert.has_error(function() c:add_file("/etc/hostname\0x") end)
    assert.has_error(function() c:add_jsonl("/etc/hostname\0x") end)
    c:close()
  end)
end)

describe("JSON Lines ids", function()
  local path = TMP .. "/corpus-values-" .. tostring(os.time()) .. ".jsonl"
  after_each(function() os.remove(path) end)

  it("huge numeric ids are an error with the line number", function()
    for _, id in ipairs{"1e400", "9223372036854775808", "9007199254740993", "1.5"} do
      spit(path, '{"id": "a", "text": "x"}\n{"id": ' .. id .. ', "text": "y"}\n')
      local c = corpus.new()
      local n, msg, code = c:add_jsonl(path)
      assert.is_nil(n)
      assert.are.equal("ESYNTAX", code)
      assert.matches(":2: field 'id' must be a string or an integer", msg)
      assert.are.equal(0, c:stats().docs)
      c:close()
    end
  end)

  it("integer ids below 2^53 become their decimal string", function()
    spit(path, '{"id": 9007199254740991, "text": "x"}\n{"id": -3, "text": "y"}\n')
    local c = corpus.new()
    assert.are.equal(2, c:add_jsonl(path))
    assert.are.equal("9007199254740991", c:doc(1).id)
    assert.are.equal("-3", c:doc(2).id)
    c:close()
  end)

  it("a byte order mark on line 1 is skipped", function()
    spit(path, '\239\187\191{"id": "a", "text": "x"}\n')
    local c = corpus.new()
    assert.are.equal(1, c:add_jsonl(path))
    assert.are.equal("a", c:doc(1).id)
    c:close()
  end)

  it("a byte order mark in a dictionary file is skipped", function()
    spit(path, "\239\187\191[cat]\nword\n")
    local d = assert(corpus.read_dictionary(path))
    assert.are.same({cat = {"word"}}, d)
  end)
end)

describe("document numbers", function()
  it("c:docs() walks the live documents with their numbers", function()
    local d = tmpdir()
    local w = assert(corpus.create(d))
    for i = 1, 5 do w:add{id = "d" .. i, text = "x"} end
    assert(w:commit())
    w:delete("d3")
    local seen = {}
    for n, id in w:docs() do seen[#seen + 1] = {n, id} end
    assert.are.same({{1, "d1"}, {2, "d2"}, {4, "d4"}, {5, "d5"}}, seen)
    assert.is_nil(w:doc(3))
    assert.are.equal(4, w:stats().docs)
    for _ in w:docs() do break end
    collectgarbage()
    local it = w:docs()
    w:close()
    assert.has_error(function() it() end, "attempt to use a closed corpus")
    os.execute("rm -rf '" .. d .. "'")
  end)

  it("c:docs() on an empty corpus yields nothing", function()
    local c = corpus.new()
    for _ in c:docs() do error("not empty") end
    c:close()
  end)
end)

describe("query parser errors", function()
  local function msg(q)
    local p, m, code = corpus.parse(q)
    assert.is_nil(p)
    assert.are.equal("ESYNTAX", code)
    return m
  end

  it("say what is wrong instead of 'nested too deeply'", function()
    assert.matches("above the limit", msg('[]{0,99999999999999999999} [norm="a"]'))
    assert.matches("too many terms", msg(("a "):rep(33000)))
    assert.matches("above the limit", msg('[]{0,100001} [norm="a"]'))
    assert.matches("nested too deeply", msg(("("):rep(300) .. "a" .. (")"):rep(300)))
  end)

  it("accept nesting of 150 levels, as docs/QUERY.md promises", function()
    assert.is_table(corpus.parse(("("):rep(150) .. "a" .. (")"):rep(150)))
  end)
end)
