-- spec/61_cli_strict_spec.lua -- the CLI cases of issue 9: a filter or
-- flag is applied or refused, never ignored (exit 0 with the whole
-- corpus was the bug).  Written against the behaviour, not one parser's
-- wording, so it holds for any bin/corpus.

local SEEDS = "../shared/corpora/seeds"
local REUTERS = "../shared/corpora/reuters21578/docs-001.jsonl"

local function run(args)
  local p = io.popen("lua5.4 bin/corpus " .. args .. " 2>&1; echo \"rc=$?\"")
  local out = p:read("*a")
  p:close()
  local rc = tonumber(out:match("rc=(%d+)%s*$"))
  return rc, out:gsub("rc=%d+%s*$", "")
end

describe("bin/corpus", function()
  it("refuses a --where filter on a field no document has (the seeds have no year)", function()
    local rc, out = run("freq " .. SEEDS .. " --where year:2001 --limit 3")
    assert.is_true(rc ~= 0, out)
    assert.matches("year", out)
  end)

  it("refuses an unknown flag with exit 2 and names it", function()
    local rc, out = run("freq " .. SEEDS .. " --wher year:2001")
    assert.equal(2, rc, out)
    assert.matches("wher", out)
  end)

  it("applies --where on a field the corpus has", function()
    local rc, all = run("count " .. REUTERS .. " cocoa")
    assert.equal(0, rc, all)
    local rc2, out = run("freq " .. REUTERS .. " --where 'date:1987-03-01..1987-03-31' --limit 1")
    assert.equal(0, rc2, out)
  end)

  it("boosts --fields title=2, or refuses the flag; never ignores it", function()
    local rc, plain = run("search " .. REUTERS .. " cocoa --limit 1")
    assert.equal(0, rc, plain)
    local rc2, boosted = run("search " .. REUTERS .. " cocoa --limit 1 --fields title=2")
    assert.equal(0, rc2, boosted)
    assert.are_not.equal(plain, boosted)      -- the scores change
    local rc3, bad = run("search " .. REUTERS .. " cocoa --fields title=x")
    assert.equal(2, rc3)
    assert.matches("%-%-fields: 'title=x'", bad)
  end)
end)
