#!/bin/sh
# bench/run.sh -- the build benchmark of issue 2 (called by `make bench`,
# which sets LUA_PATH/LUA_CPATH and builds build/corpus/core.so first).
#
# Indexes the largest corpus under ${CORPORA:-../shared/corpora} (largest
# by bytes of *.jsonl) and prints, per side, MB/s, tokens/s and peak memory:
#   tokenize     our tokenizer alone, in C (bench/tok_bench.c)
#   tokcount     our tokenizer alone, through Lua (corpus.core.tokcount)
#   wc -w        the same texts as one file, for reference
#   build        corpus.new() + c:add{} of every document + seal (Lua API)
#   build-batch  the same with c:add_docs of $BATCH (1000) documents a call
#   build-jsonl  corpus.new() + c:add_jsonl() of every file + seal
#   build-dir    corpus.new() + c:add_dir() of the texts as .txt files + seal
#   build-cli    `corpus index` of the files: an on-disk index, committed
#   fts5         SQLite FTS5 (unicode61) index build, in memory
#   lucene       Lucene 8 (Debian's liblucene8-java) index build on disk,
#                StandardAnalyzer without stop words, text stored, merged
#                to one segment (bench/LuceneBench.java); skipped with a
#                message when no JDK is installed
#   freq         frequency lists (whole corpus, subcorpora) against the
#                time to read the id stream once (bench/freq_floor.c)
#   query        bench/query_bench.lua on the same corpus: query latency
#                per class, ours against FTS5, Xapian and Lucene,
#                $QUERY_RUNS (3) runs and the spread of their medians
#                (bench/query_spread.lua)
# Every side runs in its own process, so peak RSS is per side; each
# RESULT line carries the load average when the side ended (load=).  Results
# and ratios are printed by bench/report.lua; the raw lines are kept in
# bench/out/results.txt.
#
# Environment: CORPORA (corpora directory), REPEAT (passes of the fast
# sides, best kept; default 3), QUERY_REPEAT (runs per query, default
# 20), BUILD_REPEAT (rounds of the build sides,
# best kept; default 3), SIDES (subset, e.g. "tokenize wc").
set -u
cd "$(dirname "$0")/.." || exit 1
LUA=${LUA:-lua5.4}
PY=/usr/bin/python3
B=${B:-build}
CORPORA=${CORPORA:-../shared/corpora}
REPEAT=${REPEAT:-3}
BUILD_REPEAT=${BUILD_REPEAT:-3}
SIDES=${SIDES:-"tokenize tokcount wc build build-batch build-jsonl build-dir build-cli fts5 lucene freq query"}
OUT=bench/out

if [ ! -d "$CORPORA" ]; then
  echo "bench: no corpora directory at $CORPORA (set CORPORA=...); nothing to measure"
  exit 0
fi

# the largest corpus: the subdirectory with the most bytes of *.jsonl
best=""; bestsize=0
for d in "$CORPORA"/*/; do
  set -- "$d"*.jsonl
  [ -e "$1" ] || continue
  size=$(cat "$@" | wc -c)
  if [ "$size" -gt "$bestsize" ]; then best=${d%/}; bestsize=$size; fi
done
if [ -z "$best" ]; then
  echo "bench: no *.jsonl corpus under $CORPORA; nothing to measure"
  exit 0
fi
set -- "$best"/*.jsonl
echo "# corpus: $best ($# files, $bestsize bytes of JSONL)"

mkdir -p "$OUT" "$B/bench"
res="$OUT/results.txt"
: > "$res"
"$PY" bench/peers.py extract "$OUT" "$@" || exit 1
cat "$OUT/text.txt" "$OUT/docs.bin" "$@" > /dev/null   # warm the page cache

want () { case " $SIDES " in *" $1 "*) return 0 ;; esac; return 1; }

# run one side, keep its RESULT line, show its errors
side () {
  name=$1; shift
  echo "# running $name" >&2
  "$@" > "$OUT/$name.log" 2>&1
  rc=$?
  if [ $rc = 0 ]; then
    # the load average when the side ended: the machine may be shared
    grep '^RESULT ' "$OUT/$name.log" | sed "s/\$/ load=$(cut -d' ' -f1 /proc/loadavg)/" >> "$res"
  elif [ $rc = 3 ]; then   # a peer that is not installed (lucene.sh)
    sed 's/^/# /' "$OUT/$name.log" >&2
  else
    echo "# $name FAILED:" >&2; sed 's/^/#   /' "$OUT/$name.log" >&2
  fi
}

if want tokenize; then
  # the tokenizer bench links the core library directly
  if ${CC:-cc} -O2 -std=c99 -Wall -Wextra -D_GNU_SOURCE -Icsrc bench/tok_bench.c \
       "$B/libcorpus.a" -lutf8proc -lstemmer -lxxhash -lpcre2-8 -ljansson -lzstd -lm \
       -o "$B/bench/tok_bench" 2> "$OUT/tok_bench.cc.log"; then
    side tokenize "$B/bench/tok_bench" "$OUT/docs.bin" "$REPEAT"
  else
    echo "# tokenize: bench/tok_bench.c does not build yet:" >&2
    sed 's/^/#   /' "$OUT/tok_bench.cc.log" | head -20 >&2
  fi
fi

if want wc; then
  # wc -w in the current locale (multibyte-aware under C.UTF-8); best pass
  bytes=$(wc -c < "$OUT/text.txt")
  # (wall from date +%N; CPU = user + system from GNU time, 10 ms steps)
  bestns=""; bestcpu=""; words=0; peak=0; i=0
  while [ $i -lt "$REPEAT" ]; do
    t0=$(date +%s%N)
    words=$(/usr/bin/time -f '%M %U %S' -o "$OUT/wc.time" wc -w < "$OUT/text.txt")
    t1=$(date +%s%N)
    ns=$((t1 - t0))
    if [ -z "$bestns" ] || [ $ns -lt "$bestns" ]; then bestns=$ns; fi
    set -- $(tail -1 "$OUT/wc.time")
    peak=$1
    cpu=$(awk "BEGIN { printf \"%.4f\", $2 + $3 }")
    if [ -z "$bestcpu" ] || awk "BEGIN { exit !($cpu < $bestcpu) }"; then bestcpu=$cpu; fi
    i=$((i + 1))
  done
  set -- "$best"/*.jsonl
  secs=$(awk "BEGIN { printf \"%.4f\", $bestns / 1e9 }")
  echo "RESULT side=wc docs=- bytes=$bytes tokens=$words secs=$secs cpu=$bestcpu rss_load_kb=0 peak_kb=$peak locale=${LC_ALL:-${LC_CTYPE:-${LANG:-POSIX}}}" >> "$res"
fi

# the texts as .txt files for add_dir (once; not timed)
if want build-dir && [ ! -f "$OUT/txt/000001.txt" ]; then
  "$LUA" bench/build_bench.lua mktxt "$OUT/txt" "$OUT/docs.bin" > /dev/null || exit 1
fi
want tokcount && side tokcount env REPEAT="$REPEAT" "$LUA" bench/build_bench.lua tokcount "$@"
# the builds take seconds, so other load on the machine moves them most:
# run ours and FTS5 in turns, BUILD_REPEAT rounds, and keep each side's
# best (report.lua does), so both sides see the same conditions
i=0
while [ $i -lt "$BUILD_REPEAT" ]; do
  want build && side build "$LUA" bench/build_bench.lua build "$@"
  want build-batch && side build-batch "$LUA" bench/build_bench.lua build-batch "$@"
  want fts5 && side fts5 "$PY" bench/peers.py fts5 "$@"
  want build-jsonl && side build-jsonl "$LUA" bench/build_bench.lua build-jsonl "$@"
  want build-dir && side build-dir "$LUA" bench/build_bench.lua build-dir "$OUT/txt"
  want build-cli && side build-cli env LUA="$LUA" "$LUA" bench/build_bench.lua build-cli "$@"
  want lucene && side lucene sh bench/lucene.sh build "$OUT/docs.bin" "$OUT/lucene-index"
  i=$((i + 1))
done

"$LUA" bench/report.lua "$res"

if want freq; then
  # frequency lists against reading the id stream once (bench/freq_floor.c)
  if ${CC:-cc} -O2 -std=c99 -Wall -Wextra -D_GNU_SOURCE -Icsrc bench/freq_floor.c \
       "$B/libcorpus.a" -lutf8proc -lstemmer -lxxhash -lpcre2-8 -ljansson -lyajl \
       -lzstd -lm -pthread -o "$B/bench/freq_floor" 2> "$OUT/freq_floor.cc.log"; then
    echo
    echo "# frequency lists against the floor (bench/freq_floor.c, CPU, best of ${REPEAT}); load average: $(cut -d' ' -f1-3 /proc/loadavg)"
    "$B/bench/freq_floor" "$OUT/docs.bin" "$REPEAT"
  else
    echo "# freq: bench/freq_floor.c does not build:" >&2
    sed 's/^/#   /' "$OUT/freq_floor.cc.log" | head -20 >&2
  fi
fi

if want query; then
  # QUERY_RUNS runs of the whole query bench (every engine in each), each
  # with the load average before and after it; then the spread per class
  runs=${QUERY_RUNS:-3}
  i=1
  while [ $i -le "$runs" ]; do
    echo
    echo "# query latency, run $i of $runs (bench/query_bench.lua $best ${QUERY_REPEAT:-20}); load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
    "$LUA" bench/query_bench.lua "$best" "${QUERY_REPEAT:-20}" | tee "$OUT/query.$i.txt" | grep -v '^QRESULT'
    echo "# load average after run $i: $(cut -d' ' -f1-3 /proc/loadavg)"
    i=$((i + 1))
  done
  echo
  "$LUA" bench/query_spread.lua "$OUT"/query.*.txt
fi
