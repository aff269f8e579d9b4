-- Sharded indexes built by local processes: the plan, the SHARDS
-- manifest, one corpus over the shards with exactly the results of a
-- single index of the same inputs, map/reduce frequency lists,
-- n-grams, collocations, collocates, keyness and text reuse, reruns,
-- and damage.  The Slurm integration is checks/81_slurm_spec.lua.
local corpus = require "corpus"
local shard = require "corpus.shard"

local CORPORA = "../shared/corpora"
local REUTERS = CORPORA .. "/reuters21578/docs-001.jsonl"
local SEEDS = CORPORA .. "/seeds"

local sh = require "sh"
local tmpdir = function(tag) return sh.tmppath("spec80_" .. tag) end
local rmrf, slurp, spit = sh.rmtree, sh.read, sh.write

local QUERIES = { "ebola", "oil", "cocoa AND prices", "oil OR gas",
                  '"the company"', '"of the united"', "NEAR(oil prices, 5)",
                  "market*", '[norm="oil"] []{0,3} [norm="prices"]',
                  '"foreign terrorist fighters"', "Al-Hol" }

local function without_segments(st)
  st.segments = nil
  return st
end

describe("corpus.shard", function()

  describe("plan", function()
    it("cuts JSON Lines between lines, in order, covering every byte once", function()
      local shards = shard.plan({ REUTERS }, 4)
      assert.are.equal(4, #shards)
      local text = slurp(REUTERS)
      local pos, line = 0, 1
      for _, s in ipairs(shards) do
        for _, part in ipairs(s.parts) do
          assert.are.equal("jsonl", part.kind)
          assert.are.equal(pos, part.offset)
          assert.are.equal(line, part.line)
          -- each part starts at a line start and ends after a newline
          assert.is_true(part.offset == 0 or text:sub(part.offset, part.offset) == "\n")
          local chunk = text:sub(part.offset + 1, part.offset + part.length)
          assert.are.equal("\n", chunk:sub(-1))
          local _, nl = chunk:gsub("\n", "")
          pos, line = pos + part.length, line + nl
        end
      end
      assert.are.equal(#text, pos)
      -- balanced by bytes: no shard above twice the mean
      for _, s in ipairs(shards) do assert.is_true(s.bytes < 2 * #text / 4) end
    end)

    it("cuts JSON Lines parts every chunk bytes inside a shard as well", function()
      local shards = shard.plan({ REUTERS }, 2, 1000000)
      local text = slurp(REUTERS)
      local pos, parts = 0, 0
      for _, s in ipairs(shards) do
        for _, part in ipairs(s.parts) do
          parts = parts + 1
          assert.are.equal(pos, part.offset)
          -- at most one line past the chunk size
          assert.is_true(part.length < 1000000 + 20000)
          pos = pos + part.length
        end
      end
      assert.are.equal(#text, pos)
      assert.is_true(parts >= 7)
    end)

    it("keeps text files whole and gives an empty shard when there are more shards than files", function()
      local shards = shard.plan({ SEEDS }, 3)
      local files = 0
      for _, s in ipairs(shards) do
        for _, part in ipairs(s.parts) do
          assert.are.equal("file", part.kind)
          files = files + 1
        end
      end
      assert.are.equal(2, files)
    end)

    it("rejects a bad shard count", function()
      assert.has_error(function() shard.plan({ REUTERS }, 0) end,
                       "plan: shards must be an integer from 1 to 65536")
    end)
  end)

  describe("a build of three shards by local processes", function()
    local out, c, single
    setup(function()
      out = tmpdir("build")
      local err, code
      c, err, code = corpus.build_sharded{ out = out, inputs = { REUTERS, SEEDS }, shards = 3 }
      assert(c, tostring(err) .. " " .. tostring(code))
      single = corpus.new()
      assert(single:add_jsonl(REUTERS))
      assert(single:add_dir(SEEDS))
    end)
    teardown(function()
      if c then c:close() end
      rmrf(out)
    end)

    it("publishes three shards and opens as one read-only corpus", function()
      local list = c:shards()
      assert.are.equal(3, #list)
      local docs = 0
      for i, s in ipairs(list) do
        assert.are.equal(("s%04d"):format(i - 1), s.name)
        docs = docs + s.docs
      end
      assert.are.equal(single:stats().docs, docs)
      local ok, msg, code = c:add{ text = "x" }
      assert.is_nil(ok)
      assert.are.equal("EINVAL", code)
      assert.matches("read%-only", msg)
      assert.is_nil(single:shards())
    end)

    it("has the statistics of one index of the same inputs", function()
      assert.are.same(without_segments(single:stats()), without_segments(c:stats()))
    end)

    it("numbers documents and keeps ids and metadata as one index does", function()
      for _, n in ipairs{ 1, 2, 500, 1500, single:stats().docs } do
        assert.are.same(single:doc(n), c:doc(n))
      end
    end)

    it("counts every query and gives the same KWIC lines", function()
      for _, q in ipairs(QUERIES) do
        assert.are.equal(single:count(q), c:count(q), q)
        assert.are.equal(single:count(q, { docs = true }), c:count(q, { docs = true }), q)
      end
      local a, b = {}, {}
      for k in single:kwic("cocoa", { width = 5 }) do a[#a + 1] = k end
      for k in c:kwic("cocoa", { width = 5 }) do b[#b + 1] = k end
      assert.is_true(#a > 10)
      assert.are.same(a, b)
    end)

    it("ranks with global BM25 statistics: the same top 10, scores to 1e-12", function()
      for _, q in ipairs{ "oil prices", "cocoa", "bank rate" } do
        local a = assert(single:search(q, { limit = 10 })).hits
        local b = assert(c:search(q, { limit = 10 })).hits
        assert.are.equal(10, #a)
        assert.are.equal(#a, #b)
        for i = 1, #a do
          assert.are.equal(a[i].id, b[i].id)
          assert.is_true(math.abs(a[i].score - b[i].score) <= 1e-12)
        end
      end
    end)

    it("gives the same frequency lists, collocates and keyness", function()
      assert.are.same({ single:freq{ limit = 50 } }, { c:freq{ limit = 50 } })
      assert.are.same({ single:ngrams(2, { limit = 30 }) }, { c:ngrams(2, { limit = 30 }) })
      assert.are.same({ single:collocates("oil", { limit = 20 }) },
                      { c:collocates("oil", { limit = 20 }) })
      local ka = assert(single:keyness("cocoa", nil, { limit = 20 }))
      local kb = assert(c:keyness("cocoa", nil, { limit = 20 }))
      assert.are.same(ka, kb)
    end)

    it("sums per-shard counts (map/reduce) to the frequency list of the whole", function()
      local rows, info = assert(shard.analyse(out, { what = "freq", limit = 100 }))
      local want, winfo = single:freq{ limit = 100 }
      assert.are.same(want, rows)
      assert.are.equal(winfo.tokens, info.tokens)
      assert.are.equal(winfo.docs, info.docs)
      local grows = assert(shard.analyse(out, { what = "ngrams", n = 2, limit = 40, min = 3 }))
      assert.are.same((single:ngrams(2, { limit = 40, min = 3 })), grows)
    end)

    it("sums per-shard pair counts (map/reduce) to the collocations of the whole", function()
      local rows, info = assert(shard.analyse(out, { what = "collocations", limit = 30 }))
      assert.are.equal(30, #rows)
      assert.are.same({ single:collocations{ limit = 30 } }, { rows, info })
      -- a wider window, a threshold on the summed count, another measure,
      -- a where filter: still equal, to the bit
      local o = { limit = 25, window = 4, min = 3, measure = "mi", where = "oil" }
      local want = { single:collocations(o) }
      o.what = "collocations"
      assert.are.same(want, { assert(shard.analyse(out, o)) })
      assert.is_true(want[1][1].obs >= 3)
      -- each task has the memory budget of one call: a task past it fails
      local none, msg = shard.analyse(out, { what = "collocations", max_mem = 1000, retries = 0 })
      assert.is_nil(none)
      assert.matches("task 0 failed .*memory limit reached", msg)
    end)

    it("sums per-shard window counts (map/reduce) to the collocates of the whole", function()
      local rows, info = assert(shard.analyse(out, { what = "collocates", q = "oil", limit = 20 }))
      assert.are.same({ single:collocates("oil", { limit = 20 }) }, { rows, info })
      assert.is_true(info.nodes > 1000)
      local o = { limit = 15, left = 3, right = 1, measure = { "mi", "t" } }
      local want = { single:collocates('"crude oil"', o) }
      o.what, o.q = "collocates", '"crude oil"'
      assert.are.same(want, { assert(shard.analyse(out, o)) })
      assert.is_true(#want[1] == 15 and want[1][1].t ~= nil)
    end)

    it("sums per-shard frequency lists (map/reduce) to the keyness of the whole", function()
      local rows, info = assert(shard.analyse(out, { what = "keyness", target = "cocoa", limit = 20 }))
      assert.are.same({ single:keyness("cocoa", nil, { limit = 20 }) }, { rows, info })
      assert.are.equal("cocoa", rows[1].term)
      local want = { single:keyness("cocoa", "coffee", { limit = 20, measure = "logratio" }) }
      assert.are.same(want, { assert(shard.analyse(out, { what = "keyness", target = "cocoa",
                                                           reference = "coffee", limit = 20,
                                                           measure = "logratio" })) })
    end)

    it("finds the text reuse of every pair of documents across shards, as c:reuse on one index", function()
      local want = assert(single:reuse())
      local rows, info = assert(shard.analyse(out, { what = "reuse" }))
      assert.is_true(#want > 1000)
      assert.are.equal(#want, info.passages)
      -- the same rows in the same order: spans, texts, scores to the bit
      assert.are.same(want, rows)
      -- passages whose two sides are in different shards are among them
      local cross, first2 = 0, c:shards()[1].docs + 1
      for _, r in ipairs(rows) do
        if r.a.doc < first2 and r.b.doc >= first2 then cross = cross + 1 end
      end
      assert.is_true(cross > 0)
      -- options: longer passages, a lower max_df, a limit
      want = assert(single:reuse{ min = 12, max_df = 5, limit = 40 })
      assert.are.same(want, (assert(shard.analyse(out, { what = "reuse", min = 12, max_df = 5,
                                                         limit = 40 }))))
    end)

    it("refuses a damaged or foreign part in the reduce", function()
      assert(shard.analyse(out, { what = "collocations", limit = 1 }))
      local paths = {}
      for i = 0, 2 do paths[i + 1] = ("%s/jobs/map/%d.cnt"):format(out, i) end
      -- the reduce has one too
      local none, err, ecode = c:_collocations_sum(paths, { max_mem = 1000 })
      assert.is_nil(none)
      assert.are.equal("ELIMIT", ecode)
      assert.matches("max_mem", err)
      -- counted with the norm layer: the word layer's lexicon differs
      local rows, msg, code = c:_collocations_sum(paths, { layer = "word" })
      assert.is_nil(rows)
      assert.are.equal("ECORRUPT", code)
      assert.matches("counted on another index or layer", msg)
      -- the counts of another analysis
      rows, msg, code = c:_keyness_sum(paths, {})
      assert.is_nil(rows)
      assert.are.equal("ECORRUPT", code)
      -- a flipped byte
      local img = slurp(paths[2])
      spit(paths[2], img:sub(1, 99) .. string.char((img:byte(100) + 1) % 256) .. img:sub(101))
      rows, msg, code = c:_collocations_sum(paths, {})
      assert.is_nil(rows)
      assert.are.equal("ECORRUPT", code)
      assert.matches("1%.cnt: not a counts file, or damaged", msg)
      spit(paths[2], img)
      assert(c:_collocations_sum(paths, {}))
      os.remove(paths[3])
      rows, msg, code = c:_collocations_sum(paths, {})
      assert.is_nil(rows)
      assert.are.equal("ENOENT", code)
    end)

    it("rejects options an analysis does not take, unknown measures, missing arguments", function()
      local ok, err = pcall(shard.analyse, out, { what = "collocations", q = "oil" })
      assert.is_false(ok)
      assert.matches("80_shard_spec.lua:%d+: unknown option 'q' to 'analyse%(collocations%)'; "
                     .. "valid options: jobs, layer, limit, lua, max_mem, max_work, measure, "
                     .. "mem, min, partition, poll, punct, retries, slurm, time, timeout, what, "
                     .. "where, window", err)
      ok, err = pcall(shard.analyse, out, { what = "collocates", q = "oil", windw = 3 })
      assert.matches("did you mean 'window'%?", err)
      assert.has_error(function() shard.analyse(out, { what = "collocations", measure = "pmi" }) end,
                       "analyse: unknown measure 'pmi'")
      assert.has_error(function() shard.analyse(out, { what = "collocates" }) end,
                       "analyse: collocates needs q, the node query")
      assert.has_error(function() shard.analyse(out, { what = "keyness" }) end,
                       "analyse: keyness needs target, a where filter")
      assert.has_error(function() shard.analyse(out, { what = "reuse", where = "oil" }) end)
      assert.has_error(function() shard.analyse(out, { what = "similar" }) end)
      local rows, msg, code = shard.analyse(out, { what = "collocates", q = "oil AND" })
      assert.is_nil(rows)
      assert.are.equal("ESYNTAX", code)
    end)

    it("rebuilds nothing on a rerun, and only a missing shard after one is lost", function()
      local before = c:shards()
      c:close()
      c = assert(corpus.build_sharded{ out = out, inputs = { REUTERS, SEEDS }, shards = 3 })
      assert.are.same(before, c:shards())
      c:close()
      rmrf(out .. "/shards/s0001")
      assert.is_nil((corpus.open(out)))        -- named but missing: damage
      c = assert(corpus.build_sharded{ out = out, inputs = { REUTERS, SEEDS }, shards = 3 })
      assert.are.same(without_segments(single:stats()), without_segments(c:stats()))
    end)
  end)

  describe("changing the set", function()
    it("adds a shard, merges two by linking their segments, replaces one", function()
      local out = tmpdir("change")
      local c = assert(corpus.build_sharded{ out = out, inputs = { SEEDS }, shards = 2 })
      c:close()
      local single = corpus.new()
      assert(single:add_dir(SEEDS))
      assert(single:add_jsonl(REUTERS))
      local want = without_segments(single:stats())
      -- a new day's news
      c = assert(shard.add(out, { inputs = { REUTERS } }))
      local names = {}
      for i, s in ipairs(c:shards()) do names[i] = s.name end
      assert.are.same({ "s0000", "s0001", "s0002" }, names)
      assert.are.same(want, without_segments(c:stats()))
      assert.are.equal(single:count("oil"), c:count("oil"))
      c:close()
      -- merge: the segment files are hard links, not rewritten
      c = assert(shard.merge(out, { "s0000", "s0001" }))
      names = {}
      for i, s in ipairs(c:shards()) do names[i] = s.name end
      assert.are.same({ "s0003", "s0002" }, names)
      assert.are.same(want, without_segments(c:stats()))
      assert.are.same(single:doc(1), c:doc(1))
      assert.are.equal(single:count('"foreign terrorist fighters"'), c:count('"foreign terrorist fighters"'))
      c:close()
      assert.is_nil(corpus.core.listdir(out .. "/shards/s0000"))
      local w = assert(corpus.open(out .. "/shards/s0003"))
      assert.is_true(w:check().segments >= 1)
      w:close()
      -- replace: rebuilt under a new name, the old one removed
      c = assert(shard.replace(out, "s0002", { inputs = { REUTERS } }))
      names = {}
      for i, s in ipairs(c:shards()) do names[i] = s.name end
      assert.are.same({ "s0003", "s0004" }, names)
      assert.are.same(want, without_segments(c:stats()))
      c:close()
      assert.is_nil(corpus.core.listdir(out .. "/shards/s0002"))
      -- a replacement whose ids clash with another shard is not published
      local ok, msg, code = shard.replace(out, "s0004", { inputs = { SEEDS } })
      assert.is_nil(ok)
      assert.are.equal("EEXIST", code)
      assert.matches("is in shard", msg)
      assert.is_nil(corpus.core.listdir(out .. "/shards/s0005"))
      c = assert(corpus.open(out))
      assert.are.same(want, without_segments(c:stats()))
      c:close()
      rmrf(out)
    end)
  end)

  describe("the command line", function()
        it("builds shards with corpus index --shards and reads them as one source", function()
      local out = tmpdir("cli")
      local ok, text, rc = sh.run(("%s bin/corpus index %s %s %s --shards 2 --quiet")
                                   :format(sh.LUA, out, REUTERS, SEEDS))
      assert.is_true(ok, text)
      assert.are.equal(0, rc)
      assert.matches("2 shards; 5614 documents", text)
      local single = corpus.new()
      assert(single:add_jsonl(REUTERS))
      assert(single:add_dir(SEEDS))
      ok, text = sh.run(("%s bin/corpus count %s oil"):format(sh.LUA, out))
      assert.is_true(ok, text)
      assert.are.equal(tostring(single:count("oil")) .. "\n", text)
      ok, text = sh.run(("%s bin/corpus freq %s --limit 3 --format tsv"):format(sh.LUA, out))
      assert.is_true(ok, text)
      local want = single:freq{ limit = 3 }
      assert.matches("^term\tcount\trate\tdocs\n" .. want[1].term .. "\t" .. want[1].count .. "\t", text)
      -- Slurm flags without --shards, or a map/reduce of a plain source: usage errors
      ok, text, rc = sh.run(("%s bin/corpus index %s_x %s --slurm"):format(sh.LUA, out, REUTERS))
      assert.are.equal(2, rc)
      assert.matches("need %-%-shards", text)
      ok, text, rc = sh.run(("%s bin/corpus freq %s --slurm"):format(sh.LUA, SEEDS))
      assert.are.equal(2, rc)
      assert.matches("needs a sharded index", text)
      for _, cmd in ipairs{ "collocations %s --slurm", "collocates %s oil --slurm",
                            "keyness %s cocoa --slurm", "reuse %s --slurm" } do
        ok, text, rc = sh.run(("%s bin/corpus " .. cmd):format(sh.LUA, SEEDS))
        assert.are.equal(2, rc, cmd)
        assert.matches("needs a sharded index", text)
      end
      ok, text, rc = sh.run(("%s bin/corpus collocations %s --slurm --stop english"):format(sh.LUA, out))
      assert.are.equal(2, rc)
      assert.matches("%-%-stop and %-%-by are not supported", text)
      ok, text, rc = sh.run(("%s bin/corpus reuse %s %s --slurm"):format(sh.LUA, out, SEEDS))
      assert.are.equal(2, rc)
      assert.matches("OTHER and %-%-where are not supported", text)
      rmrf(out)
    end)
  end)

  describe("damage and bad input", function()
    local out
    before_each(function()
      out = tmpdir("bad")
      local c = assert(corpus.build_sharded{ out = out, inputs = { SEEDS }, shards = 2 })
      c:close()
    end)
    after_each(function() rmrf(out) end)

    it("refuses a SHARDS manifest with a flipped byte", function()
      local s = slurp(out .. "/SHARDS")
      spit(out .. "/SHARDS", s:gsub("shards 2", "shards 3", 1))
      local c, msg, code = corpus.open(out)
      assert.is_nil(c)
      assert.are.equal("ECORRUPT", code)
      assert.matches("SHARDS: checksum mismatch", msg)
    end)

    it("refuses a shard that changed after publishing", function()
      local w = assert(corpus.open(out .. "/shards/s0000", { write = true }))
      assert(w:add{ id = "late", text = "A late document." })
      assert(w:commit())
      w:close()
      local c, msg, code = corpus.open(out)
      assert.is_nil(c)
      assert.are.equal("ECORRUPT", code)
      assert.matches("publish the shards again", msg)
    end)

    it("refuses to publish ids that two shards share", function()
      local w = assert(corpus.open(out .. "/shards/s0001", { write = true }))
      local id = assert(corpus.open(out .. "/shards/s0000")):doc(1).id
      assert(w:add{ id = id, text = "The same id in another shard." })
      assert(w:commit())
      w:close()
      local ok, msg, code = corpus.core.publish_shards(out, { "s0000", "s0001" })
      assert.is_nil(ok)
      assert.are.equal("EEXIST", code)
      assert.matches("is in shard 's0000' and in shard 's0001'", msg)
    end)

    it("is opened read-only and says so", function()
      assert.has_error(function() corpus.open(out, { write = true }) end)
    end)

    it("reports a task's error with its log and publishes nothing", function()
      local bad = out .. "_in"
      os.execute("mkdir -p '" .. bad .. "'")
      spit(bad .. "/a.jsonl", '{"id": "1", "text": "fine"}\n{"id": 2, "text": \n')
      local c, msg, code = corpus.build_sharded{ out = bad .. "/out", inputs = { bad .. "/a.jsonl" },
                                                 shards = 1, retries = 0 }
      assert.is_nil(c)
      assert.are.equal("EIO", code)
      assert.matches("task 0 failed", msg)
      assert.matches("a.jsonl:2: malformed JSON", msg)
      assert.is_false(corpus.core.is_sharded(bad .. "/out"))
      rmrf(bad)
    end)

    it("rejects unknown options", function()
      assert.has_error(function()
        corpus.build_sharded{ out = out, inputs = { SEEDS }, shard = 2 }
      end)
    end)
  end)
end)
