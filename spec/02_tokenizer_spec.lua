-- Tokenizer: UAX #29 conformance (strict mode), the corpus tailoring,
-- sentences and paragraphs, byte spans, bad input.  See docs/TOKENIZER.md.
local core = require "corpus.core"

local AUX = "/usr/share/unicode/auxiliary/"
local SEEDS = "/work/shared/corpora/seeds/"

local function readfile (path)
  local f = io.open(path, "rb")
  if not f then return nil end
  local s = f:read("*a")
  f:close()
  return s
end

-- token strings of s in the given mode
local function words (s, mode)
  local out = {}
  for i, t in ipairs(core.tokenize(s, mode)) do out[i] = s:sub(t.start, t.stop) end
  return out
end

-- tokens as "word" with a leading "§" for sentence and "¶" for paragraph starts
local function marked (s)
  local out = {}
  for i, t in ipairs(core.tokenize(s)) do
    out[i] = (t.pstart and "¶" or t.sstart and "§" or "") .. s:sub(t.start, t.stop)
  end
  return out
end

-- run a *BreakTest.txt file through fn; returns cases, passes, first failure
local function conformance (file, fn)
  local cases, pass, firstfail = 0, 0, nil
  for line in io.lines(AUX .. file) do
    line = line:gsub("#.*", "")
    if line:find("%x") then
      local text, want = {}, {}
      local off = 0
      for tok in line:gmatch("%S+") do
        if tok == "÷" then want[#want + 1] = off
        elseif tok ~= "×" then
          local ch = require("corpus.compat").utf8_char(tonumber(tok, 16))
          text[#text + 1] = ch
          off = off + #ch
        end
      end
      cases = cases + 1
      local got = fn(table.concat(text), "strict")
      local ok = #got == #want
      for i = 1, #want do ok = ok and got[i] == want[i] end
      if ok then pass = pass + 1 elseif not firstfail then firstfail = line end
    end
  end
  return cases, pass, firstfail
end

describe("tokenizer conformance (strict mode)", function()
  local have = io.open(AUX .. "WordBreakTest.txt") ~= nil

  it("passes every case of WordBreakTest.txt (Unicode 15.0: 1823 cases)", function()
    if not have then pending("unicode-data not installed") return end
    local cases, pass, fail = conformance("WordBreakTest.txt", core.wordbreaks)
    assert.are.equal(1823, cases)
    assert.are.equal(cases, pass, fail)
  end)

  it("passes every case of SentenceBreakTest.txt (Unicode 15.0: 502 cases)", function()
    if not have then pending("unicode-data not installed") return end
    local cases, pass, fail = conformance("SentenceBreakTest.txt", core.sentbreaks)
    assert.are.equal(502, cases)
    assert.are.equal(cases, pass, fail)
  end)

  it("gives 0-based boundaries including 0 and #s", function()
    assert.are.same({0, 5, 6, 11}, core.wordbreaks("Hello world", "strict"))
    assert.are.same({0, 8, 14}, core.sentbreaks("Hi you. Go on.", "strict"))
    assert.are.same({}, core.wordbreaks("", "strict"))
    assert.are.same({}, core.sentbreaks(""))
  end)

  it("keeps strict mode free of the corpus tailoring", function()
    assert.are.same({"Al", "-", "Hol", "U.S", "."}, words("Al-Hol U.S.", "strict"))
  end)
end)

describe("tokenizer corpus tailoring", function()
  it("keeps intra-word hyphens in the word", function()
    assert.are.same({"Al-Hol", "so-called", "Coalition-led", "2019-2020"},
      words("Al-Hol so-called Coalition-led 2019-2020"))
    assert.are.same({"non\226\128\144state", "e\226\128\145mail"},
      words("non\226\128\144state e\226\128\145mail"))
  end)

  it("splits at spaced hyphens, double hyphens and dashes", function()
    assert.are.same({"war", "-", "peace", "war", "--", "peace", "war", "—", "peace"},
      words("war - peace war--peace war—peace"))
    assert.are.same({"-", "5"}, words("-5"))
  end)

  it("keeps the period of abbreviations", function()
    assert.are.same({"U.S.", "U.K.", "e.g.", "i.e.", "Mr.", "Mrs.", "Dr.", "Prof.",
      "Gen.", "Inc.", "Ltd.", "Co.", "vs.", "etc.", "Jan.", "Sept.", "5"},
      words("U.S. U.K. e.g. i.e. Mr. Mrs. Dr. Prof. Gen. Inc. Ltd. Co. vs. etc. Jan. Sept. 5"))
  end)

  it("joins a hyphenated word to an abbreviation: U.S.-led", function()
    assert.are.same({"U.S.-led", "U.S.-based", "U.S.", "-", "x"},
      words("U.S.-led U.S.-based U.S. - x"))
  end)

  it("keeps the period of a single capital initial", function()
    assert.are.same({"Antony", "J.", "Blinken"}, words("Antony J. Blinken"))
  end)

  it("matches abbreviations case-sensitively", function()
    assert.are.same({"MR", ".", "mr", ".", "Etc", "."}, words("MR. mr. Etc."))
  end)

  it("treats No. as an abbreviation only before a number", function()
    assert.are.same({"No.", "5", "No.", "12", "No", ".", "We"},
      words("No. 5 No.12 No. We"))
  end)

  it("leaves a period run after an abbreviation as its own token", function()
    assert.are.same({"etc", "..."}, words("etc..."))
  end)

  it("treats ’ and ' alike inside words", function()
    assert.are.same({"ISIS’s"}, words("ISIS’s"))
    assert.are.same({"ISIS's"}, words("ISIS's"))
    assert.are.same({"don’t", "don't"}, words("don’t don't"))
  end)

  it("splits an apostrophe at the end of a word off as punctuation", function()
    assert.are.same({"countries", "’", "efforts", "countries", "'", "efforts"},
      words("countries’ efforts countries' efforts"))
    local t = core.tokenize("forces’")
    assert.is_true(t[2].punct)
  end)

  it("keeps numbers with separators whole", function()
    assert.are.same({"10,000", "2.5", "1,234.56", "3.5", "%"},
      words("10,000 2.5 1,234.56 3.5%"))
  end)

  it("splits at slashes", function()
    assert.are.same({"Daesh", "/", "ISIS"}, words("Daesh/ISIS"))
    local t = core.tokenize("Daesh/ISIS")
    assert.are.same({false, true, false}, {t[1].punct, t[2].punct, t[3].punct})
  end)

  it("makes each punctuation character a token, runs of . and - one token", function()
    assert.are.same({"wait", "...", "what", "?", "!", "(", "a", ")", "--"},
      words("wait... what?! (a) --"))
  end)

  it("flags tokens without a word character as punctuation", function()
    local t = core.tokenize("“Hi,” 42 € café ☺")
    local got = {}
    for i, x in ipairs(t) do got[i] = x.punct end
    assert.are.same({true, false, true, true, false, true, false, true}, got)
  end)

  it("makes curly quotes punctuation tokens", function()
    assert.are.same({"“", "are", "a", "growing", "issue", ".", "”"},
      words("“are a growing issue.”"))
  end)
end)

describe("tokenizer sentences and paragraphs", function()
  it("does not end a sentence after U.S., Mr. or Jan.", function()
    assert.are.same({"§U.S.", "Acting", "Special", "Envoy", "spoke", ".",
      "§Mr.", "Smith", "came", "Jan.", "5", ".", "§Then", "he", "left", "."},
      (function()
        local m = marked("U.S. Acting Special Envoy spoke. Mr. Smith came Jan. 5. Then he left.")
        m[1] = m[1]:gsub("^¶", "§")
        return m
      end)())
  end)

  it("ends sentences at ! and ? and after closing quotes", function()
    assert.are.same({"¶“", "Go", "!", "”", "§He", "ran", "?", "§Yes", "."},
      marked("“Go!” He ran? Yes."))
  end)

  it("starts paragraphs after blank lines (whitespace-only lines count)", function()
    assert.are.same({"¶a", "b", "c", "¶d", "¶e"}, marked("a b\nc\n \t \nd\n\n\ne"))
  end)

  it("makes every line a paragraph when there is no blank line", function()
    assert.are.same({"¶a", "b", "¶c", "¶d"}, marked("a b\nc\r\nd"))
  end)

  it("uses indentation in fixed-width wrapped text without blank lines", function()
    local s = "Showers continued in\nthe Bahia zone.\n    The dry period means\nthe crop will be late.\n    Arrivals rose."
    assert.are.same({"¶Showers", "continued", "in", "the", "Bahia", "zone", ".",
      "¶The", "dry", "period", "means", "the", "crop", "will", "be", "late", ".",
      "¶Arrivals", "rose", "."}, marked(s))
    -- a line longer than 120 bytes: not wrapped text, every line counts
    local long = ("x"):rep(130) .. "\n  y\nz"
    assert.are.same({"¶" .. ("x"):rep(130), "¶y", "¶z"}, marked(long))
  end)

  it("always starts a sentence at a paragraph start", function()
    for _, t in ipairs(core.tokenize("one\ntwo three\nfour")) do
      if t.pstart then assert.is_true(t.sstart) end
    end
    local t = core.tokenize("x\n\ny")
    assert.is_true(t[2].sstart and t[2].pstart)
  end)

  it("gives corpus-mode sentence breaks at sentence-initial tokens", function()
    assert.are.same({0, 9, 15}, core.sentbreaks("Mr. A b. Cc dd."))
  end)

  it("segments the seed press release as a linguist expects", function()
    local s = readfile(SEEDS .. "000_5d011168273388d6.txt")
    if not s then pending("seeds corpus not available") return end
    local toks = core.tokenize(s)
    local sents, cur = {}, nil
    for _, t in ipairs(toks) do
      if t.sstart then cur = {}; sents[#sents + 1] = cur end
      cur[#cur + 1] = s:sub(t.start, t.stop)
    end
    local joined = {}
    for i, w in ipairs(sents) do joined[i] = table.concat(w, " ") end
    local found
    for _, j in ipairs(joined) do
      if j:find("U.S. Acting Special Envoy", 1, true) then found = j end
    end
    assert.are.equal("At a press conference prior to the meeting , U.S. Acting Special "
      .. "Envoy for the Global Coalition to Defeat ISIS John Godfrey declared that the "
      .. "detention centers housing these ISIS foreign fighters “ are a growing issue . ”",
      found)
    assert.are.equal("The territorial defeat of ISIS’s so-called caliphate in 2019 was a "
      .. "major victory .", joined[1])
    -- no blank line in this file: each of its 9 lines is a paragraph
    local paras = 0
    for _, t in ipairs(toks) do if t.pstart then paras = paras + 1 end end
    assert.are.equal(9, paras)
  end)

  it("finds the paragraphs of the seed communique at its blank lines", function()
    local s = readfile(SEEDS .. "004_c6fd0727bfa2b943.txt")
    if not s then pending("seeds corpus not available") return end
    local firsts = {}
    for _, t in ipairs(core.tokenize(s)) do
      if t.pstart then firsts[#firsts + 1] = s:sub(t.start, t.stop) end
    end
    assert.are.same({"Joint", "state.gov", "The", "Begin", "At"},
      {firsts[1], firsts[2], firsts[3], firsts[4], firsts[5]})
    assert.are.equal("Text", firsts[#firsts])
  end)
end)

describe("tokenizer spans and bad input", function()
  it("gives 1-based inclusive spans that slice back to the tokens", function()
    local s = "  “Al-Hol,” he said — 10,000 fighters.\n\nU.S. views "
    local t = core.tokenize(s)
    local got = {}
    for i, x in ipairs(t) do got[i] = s:sub(x.start, x.stop) end
    assert.are.same({"“", "Al-Hol", ",", "”", "he", "said", "—", "10,000",
      "fighters", ".", "U.S.", "views"}, got)
    assert.are.equal(3, t[1].start)
    assert.are.equal(5, t[1].stop)   -- “ is 3 bytes
    assert.is_true(t[1].sstart and t[1].pstart and t[1].punct)
    assert.is_true(t[11].pstart)
  end)

  it("returns an empty list for empty and blank text", function()
    assert.are.same({}, core.tokenize(""))
    assert.are.same({}, core.tokenize(" \n\t\r\n "))
    assert.are.same({}, core.wordbreaks(""))
  end)

  it("segments invalid UTF-8 without crashing, bad bytes as punctuation", function()
    local s = "ab\255cd \226\128 x"
    local t = core.tokenize(s)
    local got = {}
    for i, x in ipairs(t) do got[i] = s:sub(x.start, x.stop) end
    assert.are.same({"ab", "\255", "cd", "\226", "\128", "x"}, got)
    assert.is_true(t[2].punct)
  end)

  it("repairs UTF-8 with maximal-subpart U+FFFD and counts", function()
    assert.are.same({"abc", 0}, {core.utf8_repair("abc")})
    assert.are.same({"a\239\191\189b", 1}, {core.utf8_repair("a\226\128b")})
    assert.are.same({"\239\191\189\239\191\189", 2}, {core.utf8_repair("\192\128")})
    assert.are.same({"\239\191\189\239\191\189\239\191\189", 3}, {core.utf8_repair("\237\160\128")})
    assert.are.same({"x\239\191\189\239\191\189\239\191\189\239\191\189", 4},
      {core.utf8_repair("x\244\144\128\128")})
    assert.are.same({"\0a\239\191\189\0", 1}, {core.utf8_repair("\0a\255\0")})
  end)

  it("treats NUL bytes as dropped control characters", function()
    local s = "a\0b \0\0 c"
    assert.are.same({"a", "b", "c"}, words(s))
  end)

  it("rejects an unknown mode and non-string text with clear errors", function()
    local ok, err = pcall(core.tokenize, "x", "fast")
    assert.is_false(ok)
    -- Lua 5.1 names no function in argument errors ("to '?'")
    local fname = _VERSION == "Lua 5.1" and "[^']*" or "[%w.]*tokenize"
    assert.matches("bad argument #2 to '" .. fname .. "' %(invalid option 'fast'%)", err)
    assert.has_error(function() core.wordbreaks({}) end)
    assert.has_error(function() core.sentbreaks("x", 3) end)
    assert.has_error(function() core.utf8_repair(nil) end)
  end)

  it("tokenizes a 50 MB single-line string with the right counts", function()
    local unit = "Alpha beta-gamma 1,234.5. "      -- 4 tokens, 1 sentence
    local reps = math.floor(50 * 1000 * 1000 / #unit)
    local s = unit:rep(reps)
    assert.is_true(#s >= 49 * 1000 * 1000)
    local ntok, nsent, npara, npunct = core.tokcount(s)
    assert.are.same({4 * reps, reps, 1, reps}, {ntok, nsent, npara, npunct})
    s = nil
    collectgarbage()
  end)
end)
