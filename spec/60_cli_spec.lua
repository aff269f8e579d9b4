-- The command-line tool bin/corpus, run as a user would.
local corpus = require "corpus"
local compat = require "corpus.compat"
local cjson = require "cjson"
local cli = require "corpus.cli"

local SAMPLE = "examples/sample.jsonl"

local sh = require "sh"

-- run bin/corpus on the interpreter under test; returns stdout, exit
-- code, stderr (the exit status read the same way on every version)
local function run(args, stdin)
  local errf = os.tmpname()
  local cmd = sh.LUA .. " bin/corpus " .. args .. " 2>" .. errf
  if stdin then cmd = cmd .. " <" .. stdin end
  local p = io.popen("(" .. cmd .. "); echo \"#rc=$?\"")
  local all = p:read("*a")
  p:close()
  local out, code = all:match("^(.-)#rc=(%d+)\n?$")
  local f = io.open(errf, "rb")
  local err = f:read("*a")
  f:close()
  os.remove(errf)
  return out, tonumber(code), err
end

-- RFC 4180 reader: list of records (lists of fields); CRLF line ends
local function read_csv(s)
  local rows, row, field, i, n = {}, {}, {}, 1, #s
  local quoted = false
  while i <= n do
    local ch = s:sub(i, i)
    if quoted then
      if ch == '"' then
        if s:sub(i + 1, i + 1) == '"' then field[#field + 1] = '"' i = i + 1
        else quoted = false end
      else field[#field + 1] = ch end
    elseif ch == '"' then quoted = true
    elseif ch == "," then row[#row + 1] = table.concat(field) field = {}
    elseif ch == "\r" and s:sub(i + 1, i + 1) == "\n" then
      row[#row + 1] = table.concat(field) field = {}
      rows[#rows + 1] = row row = {}
      i = i + 1
    else field[#field + 1] = ch end
    i = i + 1
  end
  assert(#field == 0 and #row == 0, "CSV does not end with CRLF")
  return rows
end

local TSV_UNESC = {t = "\t", n = "\n", r = "\r", ["\\"] = "\\"}
local function read_tsv(s)
  local rows = {}
  for line in s:gmatch("([^\n]*)\n") do
    local row = {}
    for f in (line .. "\t"):gmatch("([^\t]*)\t") do
      row[#row + 1] = f:gsub("\\(.)", TSV_UNESC)
    end
    rows[#rows + 1] = row
  end
  return rows
end

-- records with a header line -> list of {col = value} (strings)
local function records(t)
  local out = {}
  for i = 2, #t do
    local r = {}
    for j, k in ipairs(t[1]) do r[k] = t[i][j] end
    out[#out + 1] = r
  end
  return out
end

local function api()
  local c = corpus.new()
  c:add_jsonl(SAMPLE)
  return c
end

describe("bin/corpus", function()
  it("prints statistics of a JSON Lines file", function()
    local out, code = run("stats " .. SAMPLE)
    assert.are.equal(0, code)
    local st = api():stats()
    assert.matches("docs%s+" .. st.docs .. "\n", out)
    assert.matches("tokens%s+" .. st.tokens .. "\n", out)
    assert.matches("sentences%s+" .. st.sentences .. "\n", out)
  end)

  it("counts and shows a concordance with the context --width asks for", function()
    local out, code = run("count " .. SAMPLE .. " '\"early warning system\"'")
    assert.are.equal(0, code)
    assert.are.equal("13\n", out)
    out = run("kwic " .. SAMPLE .. " nitrate --width 3")
    local lines = {}
    for l in out:gmatch("[^\n]+") do lines[#lines + 1] = l end
    assert.are.equal(6, #lines)
    assert.matches("^02_joint_communique%s+.*committed to reduce  nitrate  loads by 30$", lines[1])
    -- a width of 12 words is not cut at 40 characters
    out = run("kwic " .. SAMPLE .. " nitrate --width 12 --format json")
    local rows = cjson.decode(out)
    local k = api():kwic("nitrate", {width = 12})()
    assert.are.equal(k.left:gsub("%s+", " "), rows[1].left)
    assert.is_true(#rows[1].left > 40)
  end)

  it("says how many lines --limit left out", function()
    local out, code, err = run("kwic " .. SAMPLE .. " nitrate --limit 2")
    assert.are.equal(0, code)
    assert.are.equal(2, select(2, out:gsub("\n", "")))
    assert.matches("showing 2 of 6 lines", err)
  end)

  it("restricts counts and concordances with --where", function()
    local c = api()
    local want = 0   -- recount: matches in documents dated 2023-04-03
    for k in c:kwic("nitrate") do
      if c:doc(k.doc).date == "2023-04-03" then want = want + 1 end
    end
    assert.are.equal(2, want)
    assert.are.equal(want, c:count("nitrate", {where = "date:2023-04-03"}))
    local out, code = run("count " .. SAMPLE .. " nitrate --where date:2023-04-03")
    assert.are.equal(0, code)
    assert.are.equal(want .. "\n", out)
    out = run("kwic " .. SAMPLE .. " nitrate --where date:2023-04-03 --format jsonl")
    assert.are.equal(want, select(2, out:gsub("\n", "")))
    out = run("count " .. SAMPLE .. " nitrate --docs --where date:2023-04-03")
    assert.are.equal("2\n", out)
  end)

  it("builds an index, adds to it, deletes, checks and optimizes it", function()
    local dir = os.tmpname()
    os.remove(dir)
    local out, code = run(("index %s %s"):format(dir, SAMPLE))
    assert.are.equal(0, code, out)
    assert.matches("added 7 documents", out)
    out, code = run(("count %s nitrate"):format(dir))
    assert.are.equal(0, code)
    assert.are.equal("6\n", out)
    out = run(("doc %s 04_us_statement"):format(dir))
    assert.matches("nitrate pollution", out)
    -- add from standard input
    local extra = os.tmpname()
    local f = io.open(extra, "wb")
    f:write('{"id": "x1", "text": "More nitrate news."}\n')
    f:close()
    out, code = run(("add %s -"):format(dir), extra)
    assert.are.equal(0, code, out)
    out = run(("count %s nitrate"):format(dir))
    assert.are.equal("7\n", out)
    -- a duplicate id is a data error and commits nothing
    local _, code2, err = run(("add %s -"):format(dir), extra)
    assert.are.equal(3, code2)
    assert.matches("x1", err)
    os.remove(extra)
    out, code = run(("delete %s x1 04_us_statement"):format(dir))
    assert.are.equal(0, code, out)
    out = run(("count %s nitrate"):format(dir))
    assert.are.equal("5\n", out)
    _, code = run(("delete %s no-such-id"):format(dir))
    assert.are.equal(1, code)
    out, code = run(("check %s"):format(dir))
    assert.are.equal(0, code, out)
    out, code = run(("optimize %s"):format(dir))
    assert.are.equal(0, code, out)
    assert.matches("1 segment%(s%), 6 documents", out)
    os.execute(("rm -rf %q"):format(dir))
  end)

  -- issue 10, item 8: these printed a Lua traceback
  it("reports a bad regex and a negative --limit without a traceback", function()
    local _, code, err = run("kwic " .. SAMPLE .. " '/(/'")
    assert.are.equal(2, code)
    assert.matches("bad regular expression /%(/ at offset 1", err)
    assert.is_nil(err:find("traceback", 1, true))
    _, code, err = run("freq " .. SAMPLE .. " --limit=-5")
    assert.are.equal(2, code)
    assert.matches("0 or more expected, got %-5", err)
    assert.is_nil(err:find("traceback", 1, true))
  end)

  it("exits 1 when nothing matched, 2 on usage errors, 3 on data errors", function()
    local out, code, err = run("count " .. SAMPLE .. " zzzxq")
    assert.are.equal(1, code)
    assert.are.equal("0\n", out)
    _, code = run("kwic " .. SAMPLE .. " zzzxq")
    assert.are.equal(1, code)
    _, code, err = run("count " .. SAMPLE .. " '\"unclosed'")
    assert.are.equal(2, code)
    assert.matches("query syntax error at column 10", err)
    _, code, err = run("stats /nonexistent/file.jsonl")
    assert.are.equal(3, code)
    assert.matches("/nonexistent/file.jsonl", err)
    _, code, err = run("frobnicate x")
    assert.are.equal(2, code)
    assert.matches("unknown command 'frobnicate'", err)
    _, code, err = run("kwic " .. SAMPLE .. " nitrate --widht 3")
    assert.are.equal(2, code)
    assert.matches("unknown option '%-%-widht'", err)
    assert.matches("Usage: corpus kwic", err)
    _, code, err = run("freq " .. SAMPLE .. " --limit many")
    assert.are.equal(2, code)
    assert.matches("whole number", err)
    _, code, err = run("freq " .. SAMPLE .. " --format xml")
    assert.are.equal(2, code)
    local bad = os.tmpname() .. ".jsonl"
    local f = io.open(bad, "wb")
    f:write('{"id": "a", "text": "ok"}\n{bad json\n')
    f:close()
    _, code, err = run("count " .. bad .. " x")
    os.remove(bad)
    assert.are.equal(3, code)
    assert.matches("jsonl:2: malformed JSON", err)
  end)

  it("answers --help for every command and --version", function()
    -- the subcommands issue 13 asks for (written out, not read from
    -- cli.COMMANDS, so that a command dropped from the list fails here)
    local want = {"index", "add", "delete", "check", "optimize", "stats", "count", "kwic",
                  "search", "freq", "ngrams", "collocates", "collocations", "keyness",
                  "dispersion", "lookup", "similar", "quotes", "entities", "dates", "reuse",
                  "report"}
    local listed = {}
    for _, name in ipairs(cli.COMMANDS) do listed[name] = true end
    for _, name in ipairs(want) do
      assert.is_true(listed[name], name)
      local out, code = run(name .. " --help")
      assert.are.equal(0, code, name)
      assert.matches("^Usage: corpus " .. name, out)
    end
    for _, name in ipairs(cli.COMMANDS) do
      local out, code = run(name .. " --help")
      assert.are.equal(0, code, name)
      assert.matches("^Usage: corpus " .. name, out)
      assert.matches("%-h, %-%-help", out)
    end
    local out, code = run("--help")
    assert.are.equal(0, code)
    for _, name in ipairs(cli.COMMANDS) do assert.matches("\n   " .. name .. " ", out) end
    out, code = run("--version")
    assert.are.equal(0, code)
    assert.are.equal("corpus " .. corpus.version .. "\n", out)
  end)

  it("writes every --format so that it parses back to the API's values", function()
    local want = api():freq{limit = 5}
    local function check(rows)
      assert.are.equal(#want, #rows)
      for i, r in ipairs(want) do
        assert.are.equal(r.term, rows[i].term)
        assert.are.equal(r.count, tonumber(rows[i].count))
        assert.are.equal(r.rate, tonumber(rows[i].rate))
        assert.are.equal(r.docs, tonumber(rows[i].docs))
      end
    end
    local out, code = run("freq " .. SAMPLE .. " --limit 5 --format json")
    assert.are.equal(0, code)
    check(cjson.decode(out))
    out = run("freq " .. SAMPLE .. " --limit 5 --format jsonl")
    local rows = {}
    for line in out:gmatch("[^\n]+") do rows[#rows + 1] = cjson.decode(line) end
    check(rows)
    out = run("freq " .. SAMPLE .. " --limit 5 --format csv")
    check(records(read_csv(out)))
    out = run("freq " .. SAMPLE .. " --limit 5 --format tsv")
    check(records(read_tsv(out)))
    -- n-grams keep their spaces; quotes and commas survive CSV
    out = run("kwic " .. SAMPLE .. " nitrate --width 4 --format csv")
    local k = records(read_csv(out))
    local it = api():kwic("nitrate", {width = 4})
    for i = 1, 5 do
      local r = it()
      assert.are.equal(r.right:gsub("%s+", " "), k[i].right)
      assert.are.equal(r.id, k[i].id)
      assert.are.equal(r.start, tonumber(k[i].start))
    end
    assert.matches(',"target “too little, too",', out, 1, true)   -- a comma: quoted
    -- an empty result is an empty JSON array, and exit status 1
    out, code = run("freq " .. SAMPLE .. " --where zzzxq --format json")
    assert.are.equal(1, code)
    assert.are.equal("[]\n", out)
  end)

  it("writes to --output", function()
    local path = os.tmpname()
    local out, code = run("ngrams " .. SAMPLE .. " 2 --limit 3 --format csv -o " .. path)
    assert.are.equal(0, code)
    assert.are.equal("", out)
    local f = io.open(path, "rb")
    local rows = records(read_csv(f:read("*a")))
    f:close()
    os.remove(path)
    local want = api():ngrams(2, {limit = 3})
    assert.are.equal(want[1].ngram, rows[1].ngram)
    assert.are.equal(3, #rows)
  end)

  it("reads JSON Lines from standard input with -", function()
    local out, code = run("count - nitrate", SAMPLE)
    assert.are.equal(0, code)
    assert.are.equal("6\n", out)
    out = run("stats - --format json", SAMPLE)
    assert.are.equal(api():stats().tokens, cjson.decode(out)[1].tokens)
  end)

  it("runs every analysis command", function()
    local c = api()
    local out, code = run("collocates " .. SAMPLE .. " nitrate --window 3 --measure llr,mi --format json")
    assert.are.equal(0, code)
    local rows = cjson.decode(out)
    local want = c:collocates("nitrate", {window = 3, measure = {"llr", "mi"}, limit = 25})
    assert.are.equal(want[1].term, rows[1].term)
    assert.are.equal(want[1].mi, rows[1].mi)
    out = run("collocations " .. SAMPLE .. " --format json --limit 3")
    assert.are.equal(c:collocations{limit = 3}[1].w1, cjson.decode(out)[1].w1)
    out = run("keyness " .. SAMPLE .. " kind:news --format json --limit 3")
    assert.are.equal(c:keyness("kind:news", nil, {limit = 3})[1].term, cjson.decode(out)[1].term)
    out = run("dispersion " .. SAMPLE .. " nitrate --format json")
    local d = c:dispersion("nitrate")
    assert.are.equal(d.DP, cjson.decode(out)[1].DP)
    out = run("dispersion " .. SAMPLE .. " nitrate --docs --format json")
    assert.are.equal(7, #cjson.decode(out))
    out = run("similar " .. SAMPLE .. " 02_joint_communique --format json --limit 2")
    assert.are.equal(c:similar("02_joint_communique", {limit = 2})[1].id, cjson.decode(out)[1].id)
    out, code = run("search " .. SAMPLE .. " nitrate --format json --limit 2")
    assert.are.equal(0, code)
    assert.are.equal(c:search("nitrate", {limit = 2}).hits[1].id, cjson.decode(out)[1].id)
    local dict = os.tmpname()
    local f = io.open(dict, "wb")
    f:write("[water]\nnitrate*\nriver\n")
    f:close()
    out, code = run("lookup " .. SAMPLE .. " " .. dict .. " --format json")
    os.remove(dict)
    assert.are.equal(0, code)
    local e = c:lookup({water = {"nitrate*", "river"}}).entries
    assert.are.same(e, cjson.decode(out))
  end)

  it("sorts, samples and re-windows concordance lines", function()
    local c = api()
    local out, code = run("kwic " .. SAMPLE .. " nitrate --sort 1L,-date --width 2 --format json")
    assert.are.equal(0, code)
    local want = c:concordance("nitrate"):sort{"1L", "-date"}:rows{width = 2}
    local got = cjson.decode(out)
    for i, r in ipairs(want) do
      assert.are.equal(r.id, got[i].id)
      assert.are.equal(r.left:gsub("%s+", " "), got[i].left)
    end
    out = run("kwic " .. SAMPLE .. " nitrate --chars 30 --format json")
    for _, r in ipairs(cjson.decode(out)) do assert.are.equal(30, compat.utf8_len(r.left)) end
    out = run("kwic " .. SAMPLE .. " nitrate --context s --format json")
    assert.are.equal(c:concordance("nitrate"):rows{context = "s"}[5].right, cjson.decode(out)[5].right)
    out = run("kwic " .. SAMPLE .. " the --sample 4 --seed 9 --format json")
    assert.are.equal(4, #cjson.decode(out))
    assert.are.same(c:concordance("the"):sample(4, 9):rows()[1].start, cjson.decode(out)[1].start)
    local _, code2, err = run("kwic " .. SAMPLE .. " nitrate --sort yeer")
    assert.are.equal(2, code2)
    assert.matches("no document of the concordance has a field 'yeer'", err)
  end)

  it("groups with --by and leaves out --stop words", function()
    local c = api()
    local out, code = run("count " .. SAMPLE .. " nitrate --by kind --format csv")
    assert.are.equal(0, code)
    local rows = records(read_csv(out))
    local want = c:count("nitrate", {by = "kind"})
    assert.are.equal(#want, #rows)
    for i, r in ipairs(want) do
      assert.are.equal(r.kind, rows[i].kind)
      assert.are.equal(r.hits, tonumber(rows[i].hits))
      assert.are.equal(r.words, tonumber(rows[i].words))
    end
    out = run("freq " .. SAMPLE .. " --by kind --limit 2 --stop english --format json")
    local f = cjson.decode(out)
    local wf = c:freq{by = "kind", limit = 2, stop = "english"}
    assert.are.equal(#wf, #f)
    assert.are.equal(wf[1].term, f[1].term)
    assert.are.equal(wf[1].kind, f[1].kind)
    out = run("freq " .. SAMPLE .. " --stop the,of,and --limit 1 --format json")
    assert.are.equal(c:freq{limit = 4}[4].term, cjson.decode(out)[1].term)
    out = run("dispersion " .. SAMPLE .. " nitrate --parts kind --format json")
    assert.are.equal(c:dispersion("nitrate", {parts = "kind"}).DP, cjson.decode(out)[1].DP)
    _, code = run("count " .. SAMPLE .. " nitrate --by knid")
    assert.are.equal(2, code)
  end)

  it("shows a progress line on a terminal, and none otherwise or with --quiet", function()
    if not sh.execute("command -v script >/dev/null") then
      pending("needs script(1) (bsdutils) to make a pseudo-terminal")
      return
    end
    local dir = os.tmpname()
    os.remove(dir)
    local p = io.popen(("script -qec '%s bin/corpus index %s %s >/dev/null' /dev/null"):format(sh.LUA, dir, SAMPLE))
    local tty = p:read("*a")
    p:close()
    assert.matches("\rcorpus: 7 documents, 0%.0 MB", tty)
    os.execute(("rm -rf %q"):format(dir))
    p = io.popen(("script -qec '%s bin/corpus index --quiet %s %s >/dev/null' /dev/null"):format(sh.LUA, dir, SAMPLE))
    tty = p:read("*a")
    p:close()
    assert.are.equal("", tty)
    os.execute(("rm -rf %q"):format(dir))
    local _, code, err = run(("index %s %s"):format(dir, SAMPLE))
    assert.are.equal(0, code)
    assert.are.equal("", err)
    os.execute(("rm -rf %q"):format(dir))
  end)
end)
