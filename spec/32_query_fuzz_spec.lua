-- Fuzzing the query parser (and the executor behind it): thousands of
-- random and mutated queries, time-bounded.  Every one must parse into
-- a plan or give a clean ESYNTAX message with a column and a caret;
-- every plan must run on a corpus to a count or a clean error.

local corpus = require "corpus"
local query = require "corpus.query"

local SEEDS = {
  'fighters', '"foreign terrorist fighters"', 'isis OR daesh', 'iraq NOT syria',
  '(a OR b) c', 'detain*', 'def?nce', '/defen[cs]e/', 'NEAR(coalition forces, 5)',
  'ONEAR("a b" c, 2)', '[stem="defeat"] []{0,3} [norm="isis"]', '[word="ISIS"]',
  '[norm = /terror.*/ & !stem="terror"]', '[]+ [norm="x"]* within s',
  'word:ISIS', 'stem:defeat', 'source:state.gov', 'date:2021-01-01..2021-06-30',
  'year:>=2015 isis', 'NOT isis', 'isis within p', '"a ""quoted"" word"',
}
local PIECES = {
  "a", "isis", "Syria", "de*", "?", "*", '"', "(", ")", "[", "]", "{", "}", ",",
  ":", "/", "\\", "=", "!=", "&", "|", "!", " ", "  ", "AND", "OR", "NOT", "NEAR",
  "ONEAR", "within", "s", "p", "doc", "0", "3", "99999999999999999999", "..",
  ">=", "<", "word", "norm", "stem", "year", "über", "\0", "\255", "\n", "[]",
  '[norm="x"]', "{0,3}", "{2}", "+", "/.*/", "/(/",
}

local function random_query (rnd)
  local t = {}
  for i = 1, rnd(1, 12) do t[i] = PIECES[rnd(#PIECES)] end
  return table.concat(t, rnd(2) == 1 and " " or "")
end

local function mutate (rnd, q)
  local ops = rnd(4)
  local i = rnd(#q + 1)
  if ops == 1 then return q:sub(1, i - 1) .. q:sub(i + 1) end                -- delete
  if ops == 2 then return q:sub(1, i - 1) .. PIECES[rnd(#PIECES)] .. q:sub(i) end
  if ops == 3 then return q:sub(1, i - 1) .. string.char(rnd(0, 255)) .. q:sub(i) end
  return q:sub(1, i - 1)                                                     -- truncate
end

local function check_parse (q)
  local ok, plan, msg, code = pcall(query.parse, q)
  assert(ok, "parse raised on " .. ("%q"):format(q) .. ": " .. tostring(plan))
  if plan == nil then
    assert(code == "ESYNTAX", ("%q: code %s"):format(q, tostring(code)))
    assert(type(msg) == "string" and msg:match("^query syntax error at column %d+: .+\n  .*\n +%^$"),
           ("%q: bad message %q"):format(q, tostring(msg)))
  else
    assert(type(plan) == "table" and type(plan.op) == "string")
  end
  return plan
end

describe("query parser fuzzing", function ()
  local c
  setup(function ()
    c = corpus.new()
    for _, f in ipairs{"000_5d011168273388d6.txt", "004_c6fd0727bfa2b943.txt"} do
      local fh = assert(io.open("/work/shared/corpora/seeds/" .. f))
      c:add{id = f, text = fh:read("*a"), year = 2021, source = "x"}
      fh:close()
    end
  end)

  it("parses or cleanly rejects random and mutated queries, and runs the plans", function ()
    math.randomseed(20240601)
    local rnd = math.random
    local deadline = os.clock() + (os.getenv("CORPUS_FUZZ_SECONDS") and
                                   tonumber(os.getenv("CORPUS_FUZZ_SECONDS")) or 3)
    local n, parsed, run = 0, 0, 0
    while os.clock() < deadline or n < 5000 do
      local q
      if rnd(2) == 1 then q = random_query(rnd)
      else
        q = SEEDS[rnd(#SEEDS)]
        for _ = 1, rnd(1, 3) do q = mutate(rnd, q) end
      end
      local plan = check_parse(q)
      n = n + 1
      if plan then
        parsed = parsed + 1
        if parsed % 4 == 0 then
          local k, msg, code = c:count(q, {max_matches = 100000, max_expand = 2000})
          assert(require("corpus.compat").math_type(k) == "integer" or (k == nil and type(msg) == "string" and
                 (code == "ELIMIT" or code == "ESYNTAX")),
                 ("%q: %s %s"):format(q, tostring(msg), tostring(code)))
          if k then
            -- the counting paths agree with the match list
            local seen, nd, nm = {}, 0, 0
            for m in c:matches(q, {max_matches = 100000, max_expand = 2000}) do
              nm = nm + 1
              if not seen[m.doc] then seen[m.doc] = true; nd = nd + 1 end
            end
            assert(k == nm, ("%q: count %d, %d matches"):format(q, k, nm))
            local kd = c:count(q, {docs = true, max_expand = 2000})
            assert(kd == nd, ("%q: %s documents counted, %d matched"):format(q, tostring(kd), nd))
          end
          run = run + 1
        end
      end
    end
    assert.is_true(n >= 5000)
    assert.is_true(parsed > 500 and n - parsed > 500, ("parsed %d of %d"):format(parsed, n))
    assert.is_true(run > 100)
  end)
end)
