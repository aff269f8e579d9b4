-- bench/index_bench.lua -- the on-disk index benchmark (issue 3).
--
--   lua5.4 bench/index_bench.lua [CORPUS_DIR]      (LUA_PATH/LUA_CPATH as
--                                                   `make env` prints)
--
-- Uses the largest *.jsonl corpus under ../shared/corpora (or CORPUS_DIR)
-- and measures:
--   1. build + commit time of an index of the first 2 files ("half") and
--      of all files ("full");
--   2. open time and resident memory right after corpus.open(), each in
--      a fresh process, at both sizes (both should stay flat);
--   3. index size on disk per layer (from the segment section table)
--      against the text size and against SQLite FTS5 on the same texts
--      (bench/index_fts5.py);
--   4. commit cost for small batches (1, 10, 100 documents) on the full
--      index, merges included.
-- Prints markdown tables; index directories go to bench/out/index/.
local corpus = require "corpus"

local OUT = os.getenv("OUT") or "bench/out/index"
local LUA = os.getenv("LUA") or "lua5.4"

local function sh(cmd)
  local p = assert(io.popen(cmd))
  local s = p:read("a")
  p:close()
  return s
end

package.path = "bench/?.lua;" .. package.path
local now = require("clock").now   -- wall clock

local function largest_corpus(root)
  local best, bestsize
  for d in sh("ls -d " .. root .. "/*/"):gmatch("[^\n]+") do
    local files = {}
    for f in sh("ls " .. d .. "*.jsonl 2>/dev/null"):gmatch("[^\n]+") do files[#files + 1] = f end
    if #files > 0 then
      local size = tonumber(sh("cat " .. d .. "*.jsonl | wc -c"))
      if not bestsize or size > bestsize then best, bestsize = files, size end
    end
  end
  return best, bestsize
end

local function du(dir) return tonumber(sh("du -sb '" .. dir .. "' | cut -f1")) end

local function build(dir, files)
  os.execute("rm -rf '" .. dir .. "'")
  local t0 = now()
  local w = assert(corpus.create(dir))
  for _, f in ipairs(files) do assert(w:add_jsonl(f)) end
  local t1 = now()
  assert(w:commit())
  local t2 = now()
  local st = w:stats()
  w:close()
  return { add = t1 - t0, commit = t2 - t1, docs = st.docs, tokens = st.tokens,
           text = st.bytes, disk = du(dir) }
end

-- open in a fresh process: CPU time of corpus.open and RSS right after
local OPEN_CHILD = [[
local corpus = require "corpus"
local function rss()
  local f = io.open("/proc/self/status")
  local t = {}
  for l in f:lines() do
    local k, v = l:match("^(%w+):%s+(%d+) kB")
    if k then t[k] = tonumber(v) end
  end
  f:close()
  return t
end
local r0 = rss()
local t0 = os.clock()
local c = assert(corpus.open(arg[1]))
local t1 = os.clock()
local r1 = rss()
local t2 = os.clock()
local st = c:stats()
local t3 = os.clock()
print(("%.6f %d %d %d %d %.6f %d"):format(t1 - t0, r1.VmRSS - r0.VmRSS, r1.VmRSS,
      (r1.RssFile or 0) - (r0.RssFile or 0), (r1.RssAnon or 0) - (r0.RssAnon or 0), t3 - t2, st.docs))
]]

local function open_cost(dir, script)
  local best
  for _ = 1, 3 do
    local line = sh(("%s %s '%s'"):format(LUA, script, dir))
    local t, drss, rss, dfile, danon, tstats, docs = line:match("(%S+) (%S+) (%S+) (%S+) (%S+) (%S+) (%S+)")
    assert(t, "open child failed: " .. line)
    local r = { t = tonumber(t), drss = tonumber(drss), rss = tonumber(rss), dfile = tonumber(dfile),
                danon = tonumber(danon), tstats = tonumber(tstats), docs = tonumber(docs) }
    if not best or r.t < best.t then best = r end
  end
  return best
end

-- section sizes of a segment file, grouped by what they serve
local GROUP = {
  [1] = "word", [2] = "word", [9] = "word", [10] = "word", [15] = "word", [18] = "word",
  [3] = "norm", [4] = "norm", [7] = "norm", [11] = "norm", [16] = "norm", [17] = "norm",
  [5] = "stem", [6] = "stem", [8] = "stem", [12] = "stem", [13] = "stem", [14] = "stem",
  [19] = "structure", [20] = "structure",
  [21] = "docs", [22] = "docs", [24] = "docs",
  [23] = "text",
  [25] = "word", [26] = "word",   -- SPANC, SPANX: compact token spans
}
local NAMES = { "WLEXO", "WLEXS", "NLEXO", "NLEXS", "SLEXO", "SLEXS", "WNORM", "NSTEM",
  "WFLAGS", "WFREQ", "NFREQ", "SFREQ", "SNORMO", "SNORM", "STREAM", "POSTO", "POST",
  "SPANS", "SENTS", "PARAS", "DOCS", "DOCSTR", "TEXT", "BYID", "SPANC", "SPANX" }

local function seg_sections(path, acc, per)
  local f = assert(io.open(path, "rb"))
  local hdr = f:read(80)
  local nsecs = string.unpack("<I4", hdr, 21)
  local tab = f:read(32 * nsecs)
  f:close()
  for i = 0, nsecs - 1 do
    local id, _, _, size = string.unpack("<I4I4I8I8", tab, 1 + 32 * i)
    local g = GROUP[id] or "other"
    acc[g] = (acc[g] or 0) + size
    per[id] = (per[id] or 0) + size
  end
  acc.header = (acc.header or 0) + 80 + 32 * nsecs + 8
end

local function main()
  local root = arg[1] or "../shared/corpora"
  local files, jsonl = largest_corpus(root)
  assert(files, "no *.jsonl corpus under " .. root)
  os.execute("mkdir -p '" .. OUT .. "'")
  print(("# corpus: %d files, %d bytes of JSONL (%s ...)"):format(#files, jsonl, files[1]))

  -- 1. builds
  local half = { files[1], files[2] }
  local B = {
    half = build(OUT .. "/half.corpus", half),
    full = build(OUT .. "/full.corpus", files),
  }
  print("\n### Build and commit\n")
  print("| index | docs | tokens | text MB | add s | commit s (write + fsync) | on disk MB |")
  print("|---|---|---|---|---|---|---|")
  for _, k in ipairs{ "half", "full" } do
    local b = B[k]
    print(("| %s | %d | %d | %.1f | %.2f | %.2f | %.1f |"):format(k, b.docs, b.tokens, b.text / 1e6,
      b.add, b.commit, b.disk / 1e6))
  end

  -- 2. open time and memory
  local script = OUT .. "/open_child.lua"
  local f = assert(io.open(script, "w")); f:write(OPEN_CHILD); f:close()
  print("\n### Open (fresh process, warm page cache, best of 3)\n")
  print("| index | on disk MB | open ms (CPU) | RSS after open MB | RSS added by open MB (file-backed / anon) | first stats() ms |")
  print("|---|---|---|---|---|---|")
  for _, k in ipairs{ "half", "full" } do
    local o = open_cost(OUT .. "/" .. k .. ".corpus", script)
    print(("| %s | %.1f | %.2f | %.1f | %.1f (%.1f / %.1f) | %.1f |"):format(k, B[k].disk / 1e6, o.t * 1e3,
      o.rss / 1024, o.drss / 1024, o.dfile / 1024, o.danon / 1024, o.tstats * 1e3))
  end

  -- 3. size per layer, and FTS5
  local acc, per = {}, {}
  for seg in sh("ls " .. OUT .. "/full.corpus/*.cps"):gmatch("[^\n]+") do seg_sections(seg, acc, per) end
  local text = B.full.text
  print("\n### Size on disk per layer (full index) against the text\n")
  print("| part | sections | MB | × text |")
  print("|---|---|---|---|")
  local order = { "text", "word", "norm", "stem", "structure", "docs", "header", "other" }
  local members = {}
  for id, g in pairs(GROUP) do members[g] = members[g] or {}; table.insert(members[g], NAMES[id]) end
  local total = 0
  for _, g in ipairs(order) do
    if acc[g] then
      table.sort(members[g] or {})
      total = total + acc[g]
      print(("| %s | %s | %.1f | %.2f |"):format(g, table.concat(members[g] or {}, " "), acc[g] / 1e6, acc[g] / text))
    end
  end
  print(("| **all sections** | | %.1f | %.2f |"):format(total / 1e6, total / text))
  print(("| files on disk (du) | | %.1f | %.2f |"):format(B.full.disk / 1e6, B.full.disk / text))
  print("\nlargest sections: ")
  local ids = {}
  for id in pairs(per) do ids[#ids + 1] = id end
  table.sort(ids, function(a, b) return per[a] > per[b] end)
  local parts = {}
  for i = 1, math.min(8, #ids) do parts[#parts + 1] = ("%s %.1f MB"):format(NAMES[ids[i]] or ids[i], per[ids[i]] / 1e6) end
  print(table.concat(parts, ", "))

  local fts = sh(("/usr/bin/python3 bench/index_fts5.py '%s' %s"):format(OUT, table.concat(files, " ")))
  print("\n### SQLite FTS5 on the same documents\n")
  print("| database | MB | × text |")
  print("|---|---|---|")
  for name, bytes in fts:gmatch("FTS (%S+) (%d+)") do
    print(("| %s | %.1f | %.2f |"):format(name, tonumber(bytes) / 1e6, tonumber(bytes) / text))
  end

  -- 4. commit cost of small batches
  print("\n### Commit cost for small batches (full index open for writing)\n")
  print("| batch (docs) | commits | ms per commit (add + commit, merges included) | segments after |")
  print("|---|---|---|---|")
  local w = assert(corpus.open(OUT .. "/full.corpus", { write = true }))
  local serial = 0
  for _, batch in ipairs{ 1, 10, 100 } do
    local n = 30
    local t0 = now()
    for _ = 1, n do
      for _ = 1, batch do
        serial = serial + 1
        assert(w:add{ id = "bench-" .. serial, text = ("Bench document %d: the General Assembly discussed international law, oil prices and the security council. "):rep(8):format(serial, serial, serial, serial, serial, serial, serial, serial) })
      end
      assert(w:commit())
    end
    local t1 = now()
    print(("| %d | %d | %.1f | %d |"):format(batch, n, (t1 - t0) / n * 1e3, w:stats().segments))
  end
  w:close()
end

main()
