-- checks/47_fieldq_oracle_spec.lua -- word search in a field
-- (title:(...), issue 8, item 7) against the oracle of
-- spec/fieldq_oracle.lua, the long runs: every query of the oracle
-- through segments added and merged in memory, and through commits,
-- deletes, optimize, a reopen and the CLI on disk, with the field
-- indexed and not (then the values are tokenized).  The quick cases are
-- in spec/47_fields_spec.lua.
local corpus = require "corpus"
local sh = require "sh"
local fo = require "fieldq_oracle"

local docs = fo.docs()

describe("word search in fields (title:(...)), the long runs", function ()
  it("finds the oracle's documents in memory, indexed or not, as segments are added and merged", function ()
    local plain = corpus.new{analyse = false}
    local fx = corpus.new{analyse = false, fields = {"title"}}
    local added, prev = {}, 0
    for b = 1, 12 do
      local hi = b == 12 and #docs or b * 250
      for i = prev + 1, hi do
        assert(plain:add(docs[i])); assert(fx:add(docs[i]))
        added[#added + 1] = docs[i]
      end
      prev = hi
      if b == 1 or b % 5 == 0 or b == 12 then
        fo.check_words(fx, added)
        fo.check_words(plain, added)      -- no FIELDS: the values tokenized
      end
    end
    assert.is_true(fx:stats().segments < 12, "no merge happened")
    plain:close(); fx:close()
  end)

  it("finds them on disk through commits, deletes, optimize and a reopen", function ()
    local base = sh.tmppath("spec47w")
    local plain = assert(corpus.create(base .. "p", {analyse = false}))
    local fx = assert(corpus.create(base .. "f", {analyse = false, fields = {"title"}}))
    local third = math.floor(#docs / 3)
    for k = 1, 3 do
      for i = (k - 1) * third + 1, k == 3 and #docs or k * third do
        assert(plain:add(docs[i])); assert(fx:add(docs[i]))
      end
      assert(plain:commit()); assert(fx:commit())
    end
    fo.check_words(fx, docs)
    local kept = {}
    for i, d in ipairs(docs) do
      if i % 4 == 1 then assert(plain:delete(d.id)); assert(fx:delete(d.id))
      else kept[#kept + 1] = d end
    end
    assert(plain:commit()); assert(fx:commit())
    fo.check_words(fx, kept)
    fo.check_words(plain, kept)
    assert(fx:optimize()); assert(plain:optimize())
    fo.check_words(fx, kept)
    fo.check_words(plain, kept)
    fx:close()
    local ro = assert(corpus.open(base .. "f"))
    fo.check_words(ro, kept)
    ro:close()
    -- the CLI counts and searches the same way
    local out = sh.LUA .. " bin/corpus "
    local ok, txt = sh.run(out .. "count " .. base .. "f 'title:(cocoa OR coffee)'")
    assert.is_true(ok, txt)
    local idx = 0
    for i, fq in ipairs(fo.FQ) do if fq[1] == "title:(cocoa OR coffee)" then idx = i end end
    assert.are.equal(tostring((fo.oracle(kept, idx))), txt:match("%d+"))
    ok, txt = sh.run(out .. "search " .. base .. "f 'title:(\"oil prices\") opec'")
    assert.is_true(ok, txt)
    assert.truthy(txt:find("matching documents", 1, true), txt)
    plain:close()
    sh.rmtree(base .. "p"); sh.rmtree(base .. "f")
  end)

end)
