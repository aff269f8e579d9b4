-- bench/build_bench.lua -- our side of the build benchmark.
--
--   lua5.4 bench/build_bench.lua build FILE.jsonl|DOCS.BIN...
--       texts loaded (lua-cjson) before the clock starts; timed:
--       corpus.new(), c:add{id =, text =} for every document, and the
--       seal of the pending documents into a segment (c:flush() if the
--       API has it, else the first query, which seals).  With BATCH=N
--       in the environment, N documents per call (c:add_docs) instead.  A *.bin file
--       (bench/peers.py extract) loads without JSON, which keeps JSON
--       decoding out of a profile (bench/profile.sh).
--   lua5.4 bench/build_bench.lua build-batch FILE.jsonl|DOCS.BIN...
--       the same with c:add_docs of BATCH documents per call (default
--       1000), the bulk path add_jsonl and add_dir take, on which the
--       builder tokenizes ahead on a second thread.
--   lua5.4 bench/build_bench.lua build-jsonl FILE.jsonl...
--       timed: corpus.new() and c:add_jsonl(file) for every file, then the
--       seal; JSON parsing is part of the measure here.
--   lua5.4 bench/build_bench.lua build-dir DIR
--       timed: corpus.new() and c:add_dir(DIR) of a directory of .txt
--       files (one a document: bench/run.sh writes them with mktxt), then
--       the seal.
--   lua5.4 bench/build_bench.lua build-cli FILE.jsonl...
--       timed: the command line, `corpus index --quiet DIR FILE...` in a
--       process of its own (an on-disk index, committed), under
--       /usr/bin/time: wall, CPU and peak memory are the child's.
--   lua5.4 bench/build_bench.lua mktxt DIR FILE.jsonl|DOCS.BIN...
--       writes every document's text to DIR/NNNNNN.txt (not timed).
--   lua5.4 bench/build_bench.lua tokcount FILE.jsonl...
--       the tokenizer alone through the Lua module: corpus.core.tokcount
--       (tokens, sentences, paragraphs, punctuation; no tables built) on
--       every text, best of $REPEAT passes (default 3).
--
-- Run in its own process (bench/run.sh starts one per side), so the peak
-- resident memory (VmHWM) is this side's alone.  Prints one line
--   RESULT side=<mode> docs=N bytes=N tokens=N words=N secs=S ...
-- for bench/report.lua.

local corpus = require "corpus"

package.path = "bench/?.lua;" .. package.path
local now = require("clock").now   -- wall clock

local function proc_status (key)
  local f = io.open("/proc/self/status")
  if not f then return 0 end
  for line in f:lines() do
    local v = line:match("^" .. key .. ":%s*(%d+)")
    if v then f:close(); return tonumber(v) end
  end
  f:close()
  return 0
end

-- the texts of a docs.bin file (bench/peers.py extract): records of a
-- u64 little-endian length and the text; ids are sequence numbers
local function load_bin (path, docs)
  local f = assert(io.open(path, "rb"))
  local data = f:read("a")
  f:close()
  local pos, nbytes = 1, 0
  while pos <= #data do
    local len, p = string.unpack("<I8", data, pos)
    local text = data:sub(p, p + len - 1)
    assert(#text == len, path .. ": truncated record")
    docs[#docs + 1] = { id = tostring(#docs + 1), text = text }
    nbytes, pos = nbytes + len, p + len
  end
  return nbytes
end

local function load (files)
  local cjson = require "cjson"
  local docs, nbytes = {}, 0
  for _, path in ipairs(files) do
    if path:match("%.bin$") then
      nbytes = nbytes + load_bin(path, docs)
      goto next
    end
    local lineno = 0
    for line in io.lines(path) do
      lineno = lineno + 1
      if line:find("%S") then
        local ok, d = pcall(cjson.decode, line)
        if not ok then error(("%s:%d: bad JSON: %s"):format(path, lineno, d)) end
        docs[#docs + 1] = { id = tostring(d.id or #docs + 1), text = d.text }
        nbytes = nbytes + #d.text
      end
    end
    ::next::
  end
  return docs, nbytes
end

-- seal what was added: the timed part must include building the segment
local function seal (c)
  if c.flush then c:flush() else c:count("the") end
end

local mode = arg[1]
local files = table.move(arg, 2, #arg, 1, {})
local MODES = {build = true, ["build-batch"] = true, ["build-jsonl"] = true,
               ["build-dir"] = true, ["build-cli"] = true, mktxt = true,
               tokcount = true}
if not MODES[mode] or #files == 0 then
  io.stderr:write("usage: lua5.4 bench/build_bench.lua "
    .. "build|build-batch|build-jsonl|build-cli|tokcount FILE.jsonl... | "
    .. "build-dir DIR | mktxt DIR FILE...\n")
  os.exit(2)
end

if mode == "mktxt" then
  local dir = table.remove(files, 1)
  local docs = load(files)
  assert(os.execute("rm -rf '" .. dir .. "' && mkdir -p '" .. dir .. "'"))
  for i, d in ipairs(docs) do
    local f = assert(io.open(("%s/%06d.txt"):format(dir, i), "wb"))
    assert(f:write(d.text)); f:close()
  end
  print(("mktxt: %d documents in %s"):format(#docs, dir))
  os.exit(0)
end

if mode == "build-cli" then
  -- the CLI in a child process: a fresh on-disk index each time
  local dir = os.getenv("TMPDIR") or "/tmp"
  dir = dir .. "/corpus-bench-cli-" .. tostring(os.time())
  local tf = dir .. ".time"
  local lua = os.getenv("LUA") or "lua5.4"
  local cmd = ("/usr/bin/time -f '%%e %%U %%S %%M' -o '%s' %s bin/corpus index --quiet '%s'")
    :format(tf, lua, dir)
  for _, f in ipairs(files) do cmd = cmd .. " '" .. f .. "'" end
  local p = assert(io.popen(cmd))
  local out = p:read("a")
  assert(p:close(), "corpus index failed: " .. out)
  local h = assert(io.open(tf)); local t = h:read("a"); h:close()
  local wall, u, sy, kb = t:match("([%d.]+) ([%d.]+) ([%d.]+) (%d+)%s*$")
  assert(wall, "no /usr/bin/time line in " .. t)
  local docs, tokens = out:match("(%d+) documents, (%d+) tokens in all")
  assert(docs, "no totals from corpus index: " .. out)
  local nbytes = 0
  for _, f in ipairs(files) do
    for line in io.lines(f) do
      local text = line:match('"text"%s*:')
      if text then nbytes = nbytes + #(require("cjson").decode(line).text) end
    end
  end
  os.execute("rm -rf '" .. dir .. "' '" .. tf .. "'")
  print(("RESULT side=build-cli docs=%s bytes=%d tokens=%s words=0 sentences=0 "
         .. "paragraphs=0 secs=%.4f cpu=%.4f rss_load_kb=0 peak_kb=%s")
        :format(docs, nbytes, tokens, tonumber(wall), tonumber(u) + tonumber(sy), kb))
  os.exit(0)
end

if mode == "tokcount" then
  local tokcount = require("corpus.core").tokcount
  local docs, nbytes = load(files)
  collectgarbage(); collectgarbage()
  local rss_load = proc_status("VmRSS")
  local best, bestcpu, tokens, sents, paras, punct
  for _ = 1, tonumber(os.getenv("REPEAT") or 3) do
    local t0, c0 = now(), os.clock()
    tokens, sents, paras, punct = 0, 0, 0, 0
    for i = 1, #docs do
      local t, s, p, u = tokcount(docs[i].text)
      tokens, sents, paras, punct = tokens + t, sents + s, paras + p, punct + u
    end
    local t, tc = now() - t0, os.clock() - c0
    if not best or t < best then best = t end
    if not bestcpu or tc < bestcpu then bestcpu = tc end
  end
  print(("RESULT side=tokcount docs=%d bytes=%d tokens=%d words=%d sentences=%d "
         .. "paragraphs=%d secs=%.4f cpu=%.4f rss_load_kb=%d peak_kb=%d")
        :format(#docs, nbytes, tokens, tokens - punct, sents, paras, best, bestcpu,
                rss_load, proc_status("VmHWM")))
  os.exit(0)
end

local docs, nbytes, secs
if mode == "build" or mode == "build-batch" then
  docs, nbytes = load(files)
  collectgarbage(); collectgarbage()
end
local rss_load = proc_status("VmRSS")

local t0, c0 = now(), os.clock()
local c = corpus.new()
local batch = tonumber(os.getenv("BATCH") or "")
if mode == "build-batch" then batch = batch or 1000 end
if batch then
  -- BATCH=N: N documents per call (as add_jsonl does per file), which
  -- lets the builder tokenize ahead on a second thread
  for i = 1, #docs, batch do
    local b = {}
    for j = i, math.min(i + batch - 1, #docs) do
      b[#b + 1] = { id = docs[j].id, text = docs[j].text }
    end
    assert(c:add_docs(b))
  end
elseif mode == "build" then
  for i = 1, #docs do assert(c:add(docs[i])) end
elseif mode == "build-dir" then
  assert(c:add_dir(files[1]))
else
  for _, path in ipairs(files) do assert(c:add_jsonl(path)) end
end
seal(c)
secs = now() - t0
local cpusecs = os.clock() - c0

local st = c:stats()
if not nbytes then nbytes = st.bytes end
print(("RESULT side=%s docs=%d bytes=%d tokens=%d words=%d sentences=%d "
       .. "paragraphs=%d secs=%.4f cpu=%.4f rss_load_kb=%d peak_kb=%d")
      :format(mode, st.docs, nbytes, st.tokens, st.words or 0,
              st.sentences or 0, st.paragraphs or 0, secs, cpusecs, rss_load,
              proc_status("VmHWM")))
if c.close then c:close() end
