--[[
bench/size_bench.lua -- index size per part against the text, ours
(in the plain layout of format 2.2, and as format 2.4 stores it) beside
SQLite FTS5 and Lucene.

  eval $(make -s env); lua5.4 bench/size_bench.lua INDEX_DIR [FTS5_DB] [LUCENE_BUILD_TXT]

INDEX_DIR: an on-disk index (bench/open_bench.lua leaves one per size
in /tmp/corpus-open-bench).  bench/codec_bench.c (compiled here against
the core library) reads each segment file and prints what each part
takes as stored and in the plain layout; the index is not changed.  FTS5_DB: a database of the same texts
(bench/query_bench.py leaves one in its cache, fts5.db); its parts come
from SQLite's dbstat table.  LUCENE_BUILD_TXT: the output of
`bench/lucene.sh build` (query_bench.lua leaves it in its cache,
lucene-docs/build.txt), whose SIZE lines give Lucene's parts.
]]
local dir, fts5db, lucene = arg[1], arg[2], arg[3]
if not dir then
  io.stderr:write("usage: size_bench.lua INDEX_DIR [FTS5_DB] [LUCENE_BUILD_TXT]\n")
  os.exit(2)
end
local B = os.getenv("B") or "build"
local CC = os.getenv("CC") or "cc"

local function run (cmd)
  local p = assert(io.popen(cmd))
  local out = p:read("*a")
  local ok = p:close()
  return ok and out or nil, out
end

assert(os.execute(("mkdir -p %s/bench && %s -O2 -std=c99 -Wall -Wextra -D_GNU_SOURCE -Icsrc bench/codec_bench.c "
  .. "%s/libcorpus.a -lutf8proc -lstemmer -lxxhash -lpcre2-8 -lzstd -lm -pthread -o %s/bench/codec_bench")
  :format(B, CC, B, B)), "codec_bench does not build")
local out = assert(run(("%s/bench/codec_bench %s/seg-*.cps"):format(B, dir)), "codec_bench failed")

local parts, total, text = {}, nil, nil
for name, raw, pk in out:gmatch("PART ([^|]+)|(%d+)|(%d+)") do
  parts[#parts + 1] = {name = name, raw = tonumber(raw), pk = tonumber(pk)}
end
text = tonumber(out:match("TEXTBYTES|(%d+)"))
local traw, tpk, talt = out:match("TOTAL|(%d+)|(%d+)|(%d+)")
total = {raw = tonumber(traw), pk = tonumber(tpk), alt = tonumber(talt)}
local decode = out:match("DECODE ([^\n]*)")

local function mb (x) return ("%.1f MB"):format(x / 1e6) end
local function x (n) return ("%.2f×"):format(n / text) end

print(("text: %s (%d bytes of stored text)"):format(mb(text), text))
print()
print("| part | plain (format 2.2 layout, text raw) | × text | as stored (format 2.4) | × text |")
print("|---|---|---|---|---|")
for _, p in ipairs(parts) do
  print(("| %s | %s | %s | %s | %s |"):format(p.name, mb(p.raw), x(p.raw), mb(p.pk), x(p.pk)))
end
print(("| **whole index** | %s | %s | %s | %s |"):format(
  mb(total.raw), x(total.raw), mb(total.pk), x(total.pk)))
print()
print("decode (CPU): " .. (decode or "-"):gsub(" sink=%d+", ""))

if fts5db then
  local ok, o = run(("sqlite3 %s \"SELECT name, sum(pgsize) FROM dbstat GROUP BY name\""):format(fts5db))
  if ok then
    local sum, rows = 0, {}
    for name, n in o:gmatch("([%w_]+)|(%d+)") do rows[#rows + 1] = {name, tonumber(n)}; sum = sum + tonumber(n) end
    print()
    print("| FTS5 part | bytes | × text |")
    print("|---|---|---|")
    for _, r in ipairs(rows) do print(("| %s | %s | %s |"):format(r[1], mb(r[2]), x(r[2]))) end
    print(("| **whole database** | %s | %s |"):format(mb(sum), x(sum)))
  else
    print("FTS5: sqlite3 failed: " .. o)
  end
end
if lucene then
  local f = io.open(lucene)
  if f then
    print()
    print("| Lucene part | bytes | × text |")
    print("|---|---|---|")
    for line in f:lines() do
      local name, n = line:match("^SIZE lucene (%S+) (%d+)")
      if name then print(("| %s | %s | %s |"):format(name, mb(tonumber(n)), x(tonumber(n)))) end
    end
    f:close()
  end
end
