-- Integration: the UN debates built as 4 shards by a Slurm job array on
-- a one-node cluster this spec starts and stops (tools/slurm-local.sh),
-- compared with a single index of the same files; a task cancelled
-- mid-build leaves nothing visible and a rerun completes the index;
-- frequency lists, collocations, collocates, keyness and text reuse
-- as Slurm map/reduce.  Run by `make check`.
local corpus = require "corpus"

local CORPORA = "../shared/corpora"
local TMP = os.getenv("TMPDIR") or "/tmp"
local UN = {}
for i = 0, 4 do UN[#UN + 1] = ("%s/ungdc/docs-%03d.jsonl"):format(CORPORA, i) end

-- the query bench's classes (bench/query_bench.lua)
local QUERIES = { "ebola", "nations", "peace AND security", "terrorism OR extremism",
                  '"united nations"', '"of the united"', "NEAR(climate change, 5)",
                  "terror*", '[norm="peace"] []{0,3} [norm="security"]' }

local function sh(cmd)
  local p = io.popen(cmd .. " 2>&1")
  local s = p:read("*a")
  local ok = p:close()
  return s, ok
end

local function rmrf(p) os.execute("rm -rf '" .. p .. "'") end

local function exists(p)
  local f = io.open(p, "rb")
  if f then f:close() return true end
  return false
end

local function without_segments(st) st.segments = nil return st end

local conf
local function lua_child(code, bg, env)
  local script = os.tmpname()
  local f = assert(io.open(script, "wb"))
  f:write(code)
  f:close()
  local cmd = ("SLURM_CONF='%s' %s lua5.4 '%s'"):format(conf, env or "", script)
  if bg then return os.execute(cmd .. " > '" .. script .. ".log' 2>&1 &"), script end
  local out, ok = sh(cmd)
  os.remove(script)
  return out, ok
end

-- the prologue of a child that compares results: eq(a, b) is nil when
-- equal (NaN equal to NaN), else where they differ
local CHILD_HEAD = [[
local corpus = require "corpus"
local shard = require "corpus.shard"
local function eq(x, y, path)
  if type(x) ~= type(y) then return path .. ": " .. type(x) .. " vs " .. type(y) end
  if type(x) ~= "table" then
    if x ~= y and not (x ~= x and y ~= y) then
      return path .. ": " .. tostring(x) .. " vs " .. tostring(y)
    end
    return nil
  end
  for k, v in pairs(x) do
    local d = eq(v, y[k], path .. "." .. tostring(k))
    if d then return d end
  end
  for k in pairs(y) do if x[k] == nil then return path .. "." .. tostring(k) .. ": extra" end end
  return nil
end
]]

local BUILD = [[
local corpus = require "corpus"
local c, msg, code = corpus.build_sharded{ out = %q, inputs = %s, shards = 4,
                                           slurm = true, retries = %d }
local f = assert(io.open(%q, "wb"))
f:write(c and "ok" or ("failed: " .. tostring(msg) .. " " .. tostring(code)))
f:close()
]]

local function inputs_lua()
  local t = {}
  for _, p in ipairs(UN) do t[#t + 1] = ("%q"):format(p) end
  return "{" .. table.concat(t, ", ") .. "}"
end

describe("sharded builds on Slurm", function()
  local single, sdir
  local out   -- the 4-shard index, shared by the map/reduce tests
  setup(function()
    local out, ok = sh("sh tools/slurm-local.sh start")
    assert(ok, out)
    conf = out:match("SLURM_CONF=(%S+)")
    assert(conf, out)
    sdir = ("%s/cp_check81_single_%d"):format(TMP, math.random(1e9))
    single = assert(corpus.create(sdir))
    for _, p in ipairs(UN) do assert(single:add_jsonl(p)) end
    assert(single:commit())
  end)
  teardown(function()
    if single then single:close() end
    rmrf(sdir)
    if out then rmrf(out) end
    sh("sh tools/slurm-local.sh stop")
  end)

  it("runs on Lua 5.4", function() assert.are.equal("Lua 5.4", _VERSION) end)

  describe("4 shards by a job array", function()
    local c
    setup(function()
      out = ("%s/cp_check81_sharded_%d"):format(TMP, math.random(1e9))
      local done = out .. ".done"
      lua_child(BUILD:format(out, inputs_lua(), 1, done))
      local f = assert(io.open(done, "rb"))
      local status = f:read("*a")
      f:close()
      os.remove(done)
      assert.are.equal("ok", status)
      c = assert(corpus.open(out))
    end)
    teardown(function()
      if c then c:close() end
    end)

    it("keeps the job script and one log per task", function()
      assert.is_true(exists(out .. "/jobs/build.sbatch"))
      for i = 0, 3 do assert.is_true(exists(("%s/jobs/logs/build-%d.log"):format(out, i))) end
      assert.are.equal(4, #c:shards())
    end)

    it("equals the single index: stats, every bench query, KWIC", function()
      assert.are.same(without_segments(single:stats()), without_segments(c:stats()))
      for _, q in ipairs(QUERIES) do
        assert.are.equal(single:count(q), c:count(q), q)
        assert.are.equal(single:count(q, { docs = true }), c:count(q, { docs = true }), q)
      end
      local a, b = {}, {}
      for k in single:kwic('"climate change"', { width = 6 }) do a[#a + 1] = k end
      for k in c:kwic('"climate change"', { width = 6 }) do b[#b + 1] = k end
      assert.is_true(#a > 1000)
      assert.are.same(a, b)
    end)

    it("ranks BM25 top 10 with scores equal to 1e-12", function()
      for _, q in ipairs{ "climate change adaptation", "terrorism", "nuclear disarmament" } do
        local ra = assert(single:search(q, { limit = 10 })).hits
        local rb = assert(c:search(q, { limit = 10 })).hits
        assert.are.equal(10, #rb)
        for i = 1, 10 do
          assert.are.equal(ra[i].id, rb[i].id)
          assert.is_true(math.abs(ra[i].score - rb[i].score) <= 1e-12)
        end
      end
    end)

    it("gives the same frequency lists, collocates and keyness", function()
      assert.are.same({ single:freq{ limit = 200 } }, { c:freq{ limit = 200 } })
      assert.are.same({ single:collocates("terrorism", { limit = 30 }) },
                      { c:collocates("terrorism", { limit = 30 }) })
      assert.are.same({ single:keyness("year:>=2010", nil, { limit = 30 }) },
                      { c:keyness("year:>=2010", nil, { limit = 30 }) })
    end)

    it("computes the frequency list as a Slurm map/reduce equal to the whole's", function()
      local res = out .. ".freq"
      lua_child(([[
        local rows, info = require("corpus.shard").analyse(%q, { what = "freq", limit = 100, slurm = true })
        local f = assert(io.open(%q, "wb"))
        f:write(require("cjson").encode({ rows = rows, info = info }))
        f:close()
      ]]):format(out, res))
      local f = assert(io.open(res, "rb"))
      local got = require("cjson").decode(f:read("*a"))
      f:close()
      os.remove(res)
      local want = single:freq{ limit = 100 }
      assert.are.equal(100, #got.rows)
      for i = 1, 100 do
        assert.are.equal(want[i].term, got.rows[i].term)
        assert.are.equal(want[i].count, got.rows[i].count)
        assert.are.equal(want[i].docs, got.rows[i].docs)
      end
    end)
  end)

  describe("collocations, collocates and keyness as Slurm map/reduce", function()
    it("equal the single index's, rows and info to the bit", function()
      local res = os.tmpname()
      lua_child(CHILD_HEAD .. ([[
        local single = assert(corpus.open(%q))
        local out, res = %q, %q
        local cases = {
          { "collocations", function() return single:collocations{ limit = 50 } end,
            { what = "collocations", limit = 50 } },
          { "collocations window 3", function()
              return single:collocations{ limit = 30, window = 3, min = 5, measure = "t" } end,
            { what = "collocations", limit = 30, window = 3, min = 5, measure = "t" } },
          { "collocates", function() return single:collocates("terrorism", { limit = 30 }) end,
            { what = "collocates", q = "terrorism", limit = 30 } },
          { "keyness", function() return single:keyness("year:>=2010", nil, { limit = 30 }) end,
            { what = "keyness", target = "year:>=2010", limit = 30 } },
        }
        local f = assert(io.open(res, "wb"))
        for _, case in ipairs(cases) do
          local want = { case[2]() }
          case[3].slurm = true
          local got = { shard.analyse(out, case[3]) }
          if got[1] == nil then f:write(case[1], ": ", tostring(got[2]), "\n")
          else f:write(case[1], ": ", eq(want, got, "") or (#want[1] > 0 and "ok" or "empty"), "\n") end
        end
        f:close()
      ]]):format(sdir, out, res))
      local f = assert(io.open(res, "rb"))
      local text = f:read("*a")
      f:close()
      os.remove(res)
      assert.are.equal("collocations: ok\ncollocations window 3: ok\ncollocates: ok\n"
                       .. "keyness: ok\n", text)
      -- one job array per analysis, its script and logs kept
      assert.is_true(exists(out .. "/jobs/map.sbatch"))
      for i = 0, 3 do assert.is_true(exists(("%s/jobs/logs/map-%d.log"):format(out, i))) end
    end)
  end)

  describe("the command line", function()
    it("builds with corpus index --shards 4 --slurm; freq, collocations, keyness --slurm", function()
      local out = ("%s/cp_check81_cli_%d"):format(TMP, math.random(1e9))
      local inputs = table.concat(UN, " ")
      local text, ok = sh(("SLURM_CONF='%s' lua5.4 bin/corpus index %s %s --shards 4 --slurm --quiet")
                          :format(conf, out, inputs))
      assert(ok, text)
      assert.matches("4 shards; " .. single:stats().docs .. " documents", text)
      text, ok = sh(("SLURM_CONF='%s' lua5.4 bin/corpus freq %s --slurm --limit 20 --format json")
                    :format(conf, out))
      assert(ok, text)
      local got = require("cjson").decode(text)
      local want = single:freq{ limit = 20 }
      assert.are.equal(20, #got)
      for i = 1, 20 do
        assert.are.equal(want[i].term, got[i].term)
        assert.are.equal(want[i].count, got[i].count)
      end
      text, ok = sh(("SLURM_CONF='%s' lua5.4 bin/corpus collocations %s --slurm --limit 10 --format json")
                    :format(conf, out))
      assert(ok, text)
      got = require("cjson").decode(text)
      want = single:collocations{ limit = 10 }
      assert.are.equal(10, #got)
      for i = 1, 10 do
        assert.are.same({ want[i].w1, want[i].w2, want[i].obs }, { got[i].w1, got[i].w2, got[i].obs })
      end
      text, ok = sh(("SLURM_CONF='%s' lua5.4 bin/corpus keyness %s 'year:>=2010' --slurm --limit 10 "
                     .. "--format json"):format(conf, out))
      assert(ok, text)
      got = require("cjson").decode(text)
      want = single:keyness("year:>=2010", nil, { limit = 10 })
      assert.are.equal(10, #got)
      for i = 1, 10 do
        assert.are.same({ want[i].term, want[i].a, want[i].b }, { got[i].term, got[i].a, got[i].b })
      end
      rmrf(out)
    end)
  end)

  describe("text reuse with corpus reuse --slurm", function()
    it("finds the passages of every pair across 3 shards, as c:reuse on one index", function()
      local reuters = CORPORA .. "/reuters21578/docs-001.jsonl"
      local rout = ("%s/cp_check81_reuse_%d"):format(TMP, math.random(1e9))
      local text, ok = sh(("SLURM_CONF='%s' lua5.4 bin/corpus index %s %s --shards 3 --slurm --quiet")
                          :format(conf, rout, reuters))
      assert(ok, text)
      text, ok = sh(("SLURM_CONF='%s' lua5.4 bin/corpus reuse %s --slurm --format json")
                    :format(conf, rout))
      assert(ok, text)
      local got = require("cjson").decode(text)
      local one = corpus.new()
      assert(one:add_jsonl(reuters))
      local want = assert(one:reuse())
      assert.is_true(#want > 1000)
      assert.are.equal(#want, #got)
      for i, r in ipairs(want) do
        local g = got[i]
        assert.are.same({ r.a.doc, r.a.id, r.a.start, r.a.stop, r.b.doc, r.b.id, r.b.start,
                          r.b.stop, r.words, r.a.text, r.b.text },
                        { g.a_doc, g.a_id, g.a_start, g.a_stop, g.b_doc, g.b_id, g.b_start,
                          g.b_stop, g.words, g.a_text, g.b_text })
        assert.is_true(math.abs(r.score - g.score) <= 1e-9 * math.max(1, r.score))
        assert.is_true(math.abs(r.identity - g.identity) <= 1e-12)
      end
      assert.is_true(exists(rout .. "/jobs/logs/map-2.log"))
      rmrf(rout)
    end)
  end)

  describe("a task cancelled mid-build", function()
    it("leaves no visible index, and a rerun completes it", function()
      local out = ("%s/cp_check81_kill_%d"):format(TMP, math.random(1e9))
      local done = out .. ".done"
      os.remove(done)
      -- every task pauses before its commit: time to cancel task 1
      lua_child(BUILD:format(out, inputs_lua(), 0, done), true, "CORPUS_SHARD_PAUSE=15")
      local job
      for _ = 1, 240 do
        local s = sh(("SLURM_CONF='%s' squeue -h -n corpus-build -t R -o '%%i'"):format(conf))
        job = s:match("(%d+)_1%f[%D]")
        if job then break end
        os.execute("sleep 0.5")
      end
      assert(job, "task 1 never ran")
      sh(("SLURM_CONF='%s' scancel %s_1"):format(conf, job))
      for _ = 1, 400 do
        if exists(done) then break end
        os.execute("sleep 0.5")
      end
      local f = assert(io.open(done, "rb"))
      local status = f:read("*a")
      f:close()
      assert.matches("^failed: task 1 failed", status)
      assert.is_false(exists(out .. "/SHARDS"))
      local c, _, code = corpus.open(out)
      assert.is_nil(c)
      assert.are.equal("ENOENT", code)
      assert.is_false(exists(out .. "/shards/s0001/MANIFEST"))
      -- the rerun builds only shard 1 and publishes
      os.remove(done)
      lua_child(BUILD:format(out, inputs_lua(), 0, done))
      f = assert(io.open(done, "rb"))
      assert.are.equal("ok", f:read("*a"))
      f:close()
      c = assert(corpus.open(out))
      assert.are.same(without_segments(single:stats()), without_segments(c:stats()))
      c:close()
      rmrf(out)
      os.remove(done)
    end)
  end)
end)
