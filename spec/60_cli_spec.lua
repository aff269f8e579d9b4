-- The command-line tool bin/corpus, run as a user would.
local sh = require "sh"
local function run(args)
  local _, out, code = sh.run(sh.LUA .. " bin/corpus " .. args)
  return out, code
end

describe("bin/corpus", function()
  it("prints statistics of a JSON Lines file", function()
    local out, code = run("stats examples/sample.jsonl")
    assert.are.equal(0, code)
    local c = require("corpus").new()
    c:add_jsonl("examples/sample.jsonl")
    local st = c:stats()
    assert.matches("docs%s+" .. st.docs .. "\n", out)
    assert.matches("tokens%s+" .. st.tokens .. "\n", out)
    assert.matches("sentences%s+" .. st.sentences .. "\n", out)
  end)

  it("counts and shows a concordance", function()
    local out, code = run("count examples/sample.jsonl '\"early warning system\"'")
    assert.are.equal(0, code)
    assert.are.equal("13\n", out)
    out = run("kwic examples/sample.jsonl nitrate --width 3")
    local lines = {}
    for l in out:gmatch("[^\n]+") do lines[#lines + 1] = l end
    assert.are.equal(5, #lines)
    assert.matches("^02_joint_communique%s+.*reduce  nitrate  loads by 30", lines[1])
  end)

  it("builds an index and queries it", function()
    local dir = os.tmpname()
    os.remove(dir)
    local out, code = run(("index %s examples/sample.jsonl"):format(dir))
    assert.are.equal(0, code, out)
    assert.matches("added 7 documents", out)
    out, code = run(("count %s nitrate"):format(dir))
    assert.are.equal(0, code)
    assert.are.equal("5\n", out)
    out = run(("doc %s 04_us_statement"):format(dir))
    assert.matches("nitrate pollution", out)
    os.execute(("rm -rf %q"):format(dir))
  end)

  it("reports a query syntax error and exits 1", function()
    local out, code = run("count examples/sample.jsonl '\"unclosed'")
    assert.are.equal(1, code)
    assert.matches("query syntax error at column 10", out)
  end)

  it("reports a missing source and an unknown command", function()
    local out, code = run("stats /nonexistent/file.jsonl")
    assert.are.equal(1, code)
    assert.matches("/nonexistent/file.jsonl", out)
    out, code = run("frobnicate x")
    assert.are.equal(2, code)
    assert.matches("unknown command 'frobnicate'", out)
  end)
end)
