-- The in-memory corpus: adding documents, documents, tokens, sentences,
-- paragraphs, statistics, queries (term and phrase), KWIC; bad input.
local corpus = require "corpus"

local SEEDS = "../shared/corpora/seeds"
local NEWS = "000_5d011168273388d6"      -- the news article (no blank lines)
local COMMUNIQUE = "004_c6fd0727bfa2b943" -- the communiqué (blank lines)

local function have_seeds()
  local f = io.open(SEEDS .. "/" .. NEWS .. ".txt", "rb")
  if f then f:close() return true end
  return false
end

local read = require("sh").read   -- a file's bytes

local function collect(iter)
  local t = {}
  for x in iter do t[#t + 1] = x end
  return t
end

describe("corpus.new", function()
  it("makes an empty corpus", function()
    local c = corpus.new()
    local st = c:stats()
    assert.are.equal(0, st.docs)
    assert.are.equal(0, st.tokens)
    assert.are.equal(0, st.types)
    assert.are.equal("english", c:language())
  end)

  it("takes a stemmer language and rejects an unknown one, listing the known", function()
    assert.are.equal("french", corpus.new{language = "french"}:language())
    local ok, err = pcall(corpus.new, {language = "klingon"})
    assert.is_false(ok)
    assert.matches("klingon", err)
    assert.matches("english", err)
    assert.matches("french", err)
  end)

  it("rejects an unknown tokenizer mode", function()
    assert.has_error(function() corpus.new{mode = "fancy"} end)
  end)
end)

describe("adding documents", function()
  it("numbers documents and assigns sequence ids", function()
    local c = corpus.new()
    assert.are.equal(1, c:add{text = "One."})
    assert.are.equal(2, c:add{text = "Two."})
    assert.are.equal(3, c:add{id = "x", text = "Three."})
    assert.are.equal("1", c:doc(1).id)
    assert.are.equal("2", c:doc(2).id)
    assert.are.equal("x", c:doc(3).id)
    assert.are.equal(3, c:doc("x").n)
  end)

  it("skips a sequence number that is already taken as an id", function()
    local c = corpus.new()
    c:add{id = "1", text = "taken"}
    c:add{text = "next"}
    assert.are.equal("2", c:doc(2).id)
  end)

  it("keeps metadata fields, lists as lists", function()
    local c = corpus.new()
    c:add{id = "a", text = "Hello world.", title = "Greeting", year = 2021,
          topics = {"grain", "wheat"}, draft = false}
    local d = c:doc("a")
    assert.are.same({n = 1, id = "a", text = "Hello world.", tokens = 3,
                     title = "Greeting", year = 2021,
                     topics = {"grain", "wheat"}, draft = false}, d)
  end)

  it("refuses a duplicate id and leaves the corpus unchanged", function()
    local c = corpus.new()
    c:add{id = "a", text = "first text"}
    local n, msg, code = c:add{id = "a", text = "second text"}
    assert.is_nil(n)
    assert.matches("duplicate document id 'a'", msg)
    assert.are.equal("EEXIST", code)
    assert.are.equal(1, c:stats().docs)
    assert.are.equal("first text", c:doc("a").text)
  end)

  it("raises on a non-string id and on missing text", function()
    local c = corpus.new()
    assert.has_error(function() c:add{id = 7, text = "x"} end,
      "bad argument #1 to 'add' (field 'id' must be a string, got number)")
    assert.has_error(function() c:add{id = "a"} end,
      "bad argument #1 to 'add' (field 'text' must be a string, got nil)")
    assert.has_error(function() c:add("text") end)
    assert.are.equal(0, c:stats().docs)
  end)

  it("adds an empty document", function()
    local c = corpus.new()
    assert.are.equal(1, c:add{id = "empty", text = ""})
    local st = c:stats()
    assert.are.equal(1, st.docs)
    assert.are.equal(0, st.tokens)
    assert.are.same({}, c:tokens("empty"))
    assert.are.same({}, c:sentences("empty"))
    assert.are.equal(0, c:count("anything"))
  end)

  it("replaces invalid UTF-8 with U+FFFD, counts it and keeps the document", function()
    local c = corpus.new()
    c:add{id = "bad", text = "caf\195 ok \255\254end"}
    local st = c:stats()
    assert.are.equal(3, st.invalid_utf8)   -- C3 (cut short), FF, FE
    local d = c:doc("bad")
    assert.are.equal("caf\239\191\189 ok \239\191\189\239\191\189end", d.text)
    assert.are.equal(1, c:count("ok"))
    for _, t in ipairs(c:tokens("bad")) do
      assert.are.equal(t.word, d.text:sub(t.start, t.stop))
    end
  end)

  it("keeps NUL bytes in the text", function()
    local c = corpus.new()
    c:add{id = "nul", text = "alpha\0beta gamma"}
    local d = c:doc("nul")
    assert.are.equal("alpha\0beta gamma", d.text)
    assert.are.equal(1, c:count("gamma"))
    assert.are.equal(1, c:count("beta"))
  end)

  it("indexes a 50 MB document on one line", function()
    local c = corpus.new()
    local unit = "the quick brown fox jumps over the lazy dog "   -- 9 words, 44 bytes
    local reps = math.ceil(50 * 1024 * 1024 / #unit)
    local text = unit:rep(reps)
    assert.are.equal(1, c:add{id = "big", text = text})
    local st = c:stats()
    assert.are.equal(9 * reps, st.words)
    assert.are.equal(#text, st.bytes)
    assert.are.equal(reps, c:count("fox"))
    assert.are.equal(reps, c:count('"lazy dog"'))
  end)
end)

describe("add_file, add_dir, add_jsonl", function()
  local tmp = os.tmpname()
  os.remove(tmp)
  local dir = tmp .. ".d"
  os.execute("mkdir -p " .. dir)

  local function write(path, s)
    local f = assert(io.open(path, "wb"))
    f:write(s)
    f:close()
  end

  it("add_file uses the file name less its extension as id", function()
    write(dir .. "/note.txt", "A short note.")
    local c = corpus.new()
    assert.are.equal(1, c:add_file(dir .. "/note.txt", {source = "test"}))
    assert.are.same({n = 1, id = "note", text = "A short note.", tokens = 4,
                     source = "test"}, c:doc(1))
  end)

  it("a missing file or directory returns nil, message, ENOENT", function()
    local c = corpus.new()
    local n, msg, code = c:add_file(dir .. "/nope.txt")
    assert.is_nil(n)
    assert.matches("nope.txt", msg)
    assert.are.equal("ENOENT", code)
    n, msg, code = c:add_dir(dir .. "/nodir")
    assert.is_nil(n)
    assert.matches("nodir", msg)
    assert.are.equal("ENOENT", code)
    n, msg, code = c:add_jsonl(dir .. "/nope.jsonl")
    assert.is_nil(n)
    assert.are.equal("ENOENT", code)
  end)

  it("add_dir adds the matching files in file-name order", function()
    local d2 = dir .. "/many"
    os.execute("mkdir -p " .. d2)
    write(d2 .. "/b.txt", "Bee.")
    write(d2 .. "/a.txt", "Ay.")
    write(d2 .. "/c.md", "Sea.")
    local c = corpus.new()
    assert.are.equal(2, c:add_dir(d2))
    assert.are.equal("a", c:doc(1).id)
    assert.are.equal("b", c:doc(2).id)
    local c2 = corpus.new()
    assert.are.equal(1, c2:add_dir(d2, {pattern = "*.md"}))
    assert.are.equal("c", c2:doc(1).id)
  end)

  it("add_jsonl reads ids, texts and metadata", function()
    write(dir .. "/ok.jsonl",
      '{"id": "r1", "text": "Wheat prices rose.", "topics": ["grain", "wheat"], "year": 1987}\n' ..
      '\n' ..
      '{"text": "No id here.", "title": null}\n' ..
      '{"id": 42, "text": "Numeric id."}\n')
    local c = corpus.new()
    assert.are.equal(3, c:add_jsonl(dir .. "/ok.jsonl"))
    assert.are.same({n = 1, id = "r1", text = "Wheat prices rose.", tokens = 4,
                     topics = {"grain", "wheat"}, year = 1987}, c:doc(1))
    assert.are.equal("1", c:doc(2).id)
    assert.are.equal("42", c:doc(3).id)
  end)

  it("a malformed JSON line is reported with its line number and nothing is added", function()
    write(dir .. "/bad.jsonl",
      '{"id": "a", "text": "fine"}\n' ..
      '{"id": "b", "text": "fine too"}\n' ..
      '{"id": "c", "text": "broken\n')
    local c = corpus.new()
    c:add{id = "z", text = "already here"}
    local n, msg, code = c:add_jsonl(dir .. "/bad.jsonl")
    assert.is_nil(n)
    assert.matches("bad.jsonl:3: malformed JSON", msg, 1, true)
    assert.are.equal("ESYNTAX", code)
    assert.are.equal(1, c:stats().docs)
    assert.is_nil(c:doc("a"))
  end)

  it("a line without text, or not an object, is an error with its line", function()
    write(dir .. "/notext.jsonl", '{"id": "a", "text": "x"}\n{"id": "b"}\n')
    local c = corpus.new()
    local n, msg, code = c:add_jsonl(dir .. "/notext.jsonl")
    assert.is_nil(n)
    assert.matches("notext.jsonl:2: field 'text' must be a string", msg, 1, true)
    assert.are.equal("ESYNTAX", code)
    write(dir .. "/array.jsonl", '[1, 2]\n')
    n, msg = c:add_jsonl(dir .. "/array.jsonl")
    assert.is_nil(n)
    assert.matches("array.jsonl:1: expected a JSON object", msg, 1, true)
    assert.are.equal(0, c:stats().docs)
  end)

  it("add_jsonl (parsed in C) reads every line as corpus.read_jsonl (cjson) does", function()
    -- each case: the same documents, metadata, count and message both ways
    local cases = {
      bom = '\239\187\191{"id": "a", "text": "Byte order mark."}\r\n\f\n \t\n' ..
            '{"text": "No id.", "n": 3, "f": -0.5e-3, "b": true, "l": [1, "x", false],' ..
            ' "e": [], "o": {}, "z": null, "big": 1e400}\n',
      escapes = '{"id": 3.0, "text": "caf\\u00e9 \\ud83d\\ude00 a\\\\ud83d tab\there",' ..
                ' "k\\u0000q": "v\\u0000w", "t": "x\\u0000y"}\n',
      dupkeys = '{"text": "first", "a": 1, "a": ["p", "q"], "text": "second", "b": {"z": 1}, "b": 2}\n',
      lonesurrogate = '{"text": "a \\ud83d b"}\n',
      vtab = '{"text": "x"}\v\n',
      leadingzero = '{"text": "x", "n": 01}\n',
      trailingdot = '{"text": "x", "n": 1.}\n',
      badutf8 = '{"id": "u", "text": "bad \255 byte"}\n',
      idfloat = '{"id": 1.5, "text": "x"}\n',
      idhuge = '{"id": 9007199254740992, "text": "x"}\n',
      nested = '{"text": "x", "l": [1, [2]]}\n',
      object = '{"text": "x", "o": {"k": 1}}\n',
      emptylist = '[]\n',
      scalar = '"text"\n',
      duplater = '{"id": "a", "text": "x"}\n{"id": "a", "text": "y"}\n{"text": broken\n',
      reserved = '{"text": "x", "tokens": 5}\n',
      reservednull = '{"text": "x", "meta": null, "year": 2024, "pi": 3.25, "big": 9007199254740993}\n',
    }
    local function dump(c)
      local out = {}
      for n = 1, c:ndocs() do
        local d = c:doc(n)
        local keys = {}
        for k in pairs(d) do keys[#keys + 1] = k end
        table.sort(keys)
        for _, k in ipairs(keys) do
          local v = d[k]
          if type(v) == "table" then v = table.concat(v, ",") end
          out[#out + 1] = k .. "=" .. tostring(v)
        end
      end
      return table.concat(out, ";")
    end
    for name, text in pairs(cases) do
      local path = dir .. "/case-" .. name .. ".jsonl"
      write(path, text)
      local c1, c2 = corpus.new(), corpus.new()
      local n1, m1, k1 = c1:add_jsonl(path)
      local docs, m2, k2 = corpus.read_jsonl(path)
      local n2
      if docs then
        n2, m2, k2 = c2:add_docs(docs)
        if n2 then n2 = #docs else m2 = path .. ": " .. m2 end
      end
      assert.are.same({name, n2, m2, k2, dump(c2)}, {name, n1, m1, k1, dump(c1)})
    end
  end)

  it("a duplicate id inside a JSON Lines file adds nothing", function()
    write(dir .. "/dup.jsonl", '{"id": "a", "text": "x"}\n{"id": "a", "text": "y"}\n')
    local c = corpus.new()
    local n, msg, code = c:add_jsonl(dir .. "/dup.jsonl")
    assert.is_nil(n)
    assert.matches("duplicate document id 'a'", msg)
    assert.are.equal("EEXIST", code)
    assert.are.equal(0, c:stats().docs)
  end)
end)

describe("tokens, sentences and paragraphs", function()
  local text = "Mr. Smith met U.S. officials in Al-Hol on Jan. 5. They said:\n" ..
               "“It’s 10,000 people.”\n\nDaesh/ISIS remains a threat."
  local c = corpus.new()
  c:add{id = "t", text = text}

  it("gives every token with its layers and byte span", function()
    local toks = c:tokens("t")
    local words = {}
    for _, t in ipairs(toks) do
      assert.are.equal(t.word, text:sub(t.start, t.stop))
      words[#words + 1] = t.word
    end
    assert.are.same({"Mr.", "Smith", "met", "U.S.", "officials", "in",
      "Al-Hol", "on", "Jan.", "5", ".", "They", "said", ":",
      "“", "It’s", "10,000", "people", ".", "”",
      "Daesh", "/", "ISIS", "remains", "a", "threat", "."}, words)
    assert.are.same({word = "It’s", norm = "it's", stem = "it", start = toks[16].start,
                     stop = toks[16].stop, punct = false}, toks[16])
    assert.is_true(toks[11].punct)
    assert.is_true(toks[22].punct)
    assert.is_false(toks[7].punct)
    assert.are.equal("al-hol", toks[7].norm)
  end)

  it("splits sentences, not after abbreviations", function()
    local s = c:sentences("t")
    assert.are.same({
      "Mr. Smith met U.S. officials in Al-Hol on Jan. 5.",
      "They said:\n“It’s 10,000 people.”",
      "Daesh/ISIS remains a threat.",
    }, {s[1].text, s[2].text, s[3].text})
    assert.are.equal(3, #s)
    assert.are.same({1, 11}, {s[1].first, s[1].last})
  end)

  it("separates paragraphs at blank lines", function()
    local p = c:paragraphs("t")
    assert.are.equal(2, #p)
    assert.are.equal("Daesh/ISIS remains a threat.", p[2].text)
  end)

  it("makes each line a paragraph when there is no blank line", function()
    local c2 = corpus.new()
    c2:add{id = "lines", text = "First line here.\nSecond line.\nThird."}
    local p = c2:paragraphs("lines")
    assert.are.same({"First line here.", "Second line.", "Third."},
                    {p[1].text, p[2].text, p[3].text})
  end)

  it("returns nil for a document that does not exist", function()
    assert.is_nil(c:doc(99))
    assert.is_nil(c:doc(0))
    assert.is_nil(c:doc("nope"))
    assert.is_nil(c:tokens(99))
  end)
end)

describe("queries", function()
  local c = corpus.new()
  c:add{id = "a", text = "Foreign fighters, and foreign terrorist fighters. FIGHTERS!"}
  c:add{id = "b", text = "The fighter fought; fighters fight."}

  it("counts a word on the norm layer by default", function()
    assert.are.equal(4, c:count("fighters"))
    assert.are.equal(1, c:count("FIGHTERS", {layer = "word"}))
    -- fighters x3, fighter, fighters; not fight or fought
    assert.are.equal(5, c:count("fighter", {layer = "stem"}))
  end)

  it("counts a phrase", function()
    assert.are.equal(1, c:count('"foreign terrorist fighters"'))
    assert.are.equal(2, c:count('"foreign fighters"') + c:count('"terrorist fighters"'))
  end)

  it("gives matches with document, token and byte positions", function()
    local ms = collect(c:matches('"terrorist fighters"'))
    assert.are.equal(1, #ms)
    local m = ms[1]
    assert.are.equal(1, m.doc)
    assert.are.equal("terrorist fighters", c:doc(1).text:sub(m.byte_start, m.byte_stop))
    assert.are.same({6, 7}, {m.start, m.stop})
  end)

  it("an empty query or an unclosed quote is a syntax error, not a crash", function()
    local n, msg, code = c:count("")
    assert.is_nil(n)
    assert.are.equal("ESYNTAX", code)
    assert.is_string(msg)
    n, msg, code = c:count('"foreign fighters')
    assert.is_nil(n)
    assert.are.equal("ESYNTAX", code)
    assert.has_error(function() for _ in c:kwic('"unclosed') do end end)
  end)
end)

describe("closing", function()
  it("makes every method raise, and close is idempotent", function()
    local c = corpus.new()
    c:add{text = "something"}
    c:close()
    c:close()
    assert.are.equal("corpus (closed)", tostring(c))
    for _, call in ipairs{
      function() c:stats() end, function() c:count("x") end,
      function() c:add{text = "y"} end, function() c:doc(1) end,
      function() c:tokens(1) end, function() c:kwic("x") end,
      function() c:add_jsonl("x") end, function() c:sentences(1) end,
    } do
      assert.has_error(call, "attempt to use a closed corpus")
    end
  end)

  -- `<close>` is Lua 5.4 syntax: compiled only where the interpreter has
  -- it, so the file still parses on 5.1-5.3 and LuaJIT
  if _VERSION >= "Lua 5.4" then
    it("closes at the end of a <close> scope", function()
      local ref = assert(load([[
        local corpus, ref = ...
        do
          local c <close> = corpus.new()
          ref = c
          c:add{text = "scoped"}
        end
        return ref
      ]]))(corpus)
      assert.is_true(ref:isclosed())
    end)
  end

  it("survives break out of an iterator and a collection", function()
    local c = corpus.new()
    c:add{text = "a a a a"}
    for _ in c:kwic("a") do break end
    c = nil
    collectgarbage()
    collectgarbage()
  end)
end)

describe("the seed corpus", function()
  if not have_seeds() then
    pending("../shared/corpora/seeds is not here")
    return
  end
  local c = corpus.new()
  local n = c:add_dir(SEEDS)

  it("has both documents, in file-name order", function()
    assert.are.equal(2, n)
    assert.are.equal(NEWS, c:doc(1).id)
    assert.are.equal(COMMUNIQUE, c:doc(2).id)
    assert.are.equal(read(SEEDS .. "/" .. NEWS .. ".txt"), c:doc(1).text)
  end)

  it("counts words and phrases a reader can check with grep", function()
    -- grep -io 'foreign terrorist fighters' *.txt | wc -l  --> 3
    assert.are.equal(3, c:count('"foreign terrorist fighters"'))
    -- grep -o 'Al-Hol' *.txt | wc -l  --> 4
    assert.are.equal(4, c:count("Al-Hol"))
    -- grep -o 'Daesh/ISIS' *.txt | wc -l --> 21: a phrase skips the "/";
    -- one of them is "Daesh/ISIS's", whose last token is isis's, not isis
    -- by default "isis" also finds the compound isis's, as grep does
    assert.are.equal(21, c:count('"daesh isis"'))
    assert.are.equal(20, c:count('"daesh isis"', {variants = false}))
    assert.are.equal(1, c:count('"daesh isis\'s"'))
    -- "Al" alone is only the "Al Asad" of the communiqué: Al-Hol is one
    -- token, whose part "al" a search finds unless variants = false
    assert.are.equal(1, c:count("Al", {variants = false}))
    assert.are.equal(5, c:count("Al"))
  end)

  it("shows Al-Hol in context, six words each side", function()
    local lines = {}
    for k in c:kwic("Al-Hol", {width = 6}) do
      lines[#lines + 1] = k.left .. " [" .. k.match .. "] " .. k.right
      assert.are.equal(NEWS, k.id)
    end
    assert.are.same({
      "family members of ISIS foreign fighters. [Al-Hol] is the largest of these humanitarian",
      "pointed to the recent killings of [Al-Hol] residents. “They reflect a persistent threat",
      "criminal affiliates to innocent civilians in [Al-Hol] ,” he said.\nIn response to the",
      "In response to the challenges at [Al-Hol] , between March 28 and April 2,",
    }, lines)
  end)

  it("keeps U.S. Acting Special Envoy inside one sentence", function()
    local found
    for _, s in ipairs(c:sentences(1)) do
      if s.text:find("U.S. Acting Special Envoy", 1, true) then found = s.text end
    end
    assert.are.equal("At a press conference prior to the meeting, U.S. Acting Special " ..
      "Envoy for the Global Coalition to Defeat ISIS John Godfrey declared that the " ..
      "detention centers housing these ISIS foreign fighters “are a growing issue.”", found)
  end)

  it("makes each line of the news article a paragraph, and blank lines split the communiqué", function()
    -- grep -c '' 000*.txt --> 9 lines, no blank line
    assert.are.equal(9, #c:paragraphs(1))
    -- awk 'BEGIN{RS=""} END{print NR}' 004*.txt --> 12
    assert.are.equal(12, #c:paragraphs(2))
  end)

  it("gives byte offsets that slice back to every token", function()
    for d = 1, 2 do
      local text = c:doc(d).text
      for _, t in ipairs(c:tokens(d)) do
        assert.are.equal(t.word, text:sub(t.start, t.stop))
      end
    end
    local toks = c:tokens(1)
    assert.are.same({"The", "territorial", "defeat", "of", "ISIS’s", "so-called"},
      {toks[1].word, toks[2].word, toks[3].word, toks[4].word, toks[5].word, toks[6].word})
    assert.are.same({word = "ISIS’s", norm = "isis's", stem = "isi", start = 27, stop = 34,
                     punct = false}, toks[5])
  end)
end)
