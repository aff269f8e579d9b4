#!/bin/sh
# bench/profile.sh -- where the time of one benchmark side goes.
#   sh bench/profile.sh build|build-jsonl|tokenize   (after bench/run.sh,
#   which writes bench/out/docs.bin; env as for `make bench`:
#   eval $(make -s env) first).  build and tokenize read docs.bin, so no
#   JSON decoding shows in their profile.
# Records with `perf record` (user space only) and prints the top of
# `perf report --stdio` (self time by symbol, children not folded in).
set -u
cd "$(dirname "$0")/.." || exit 1
LUA=${LUA:-lua5.4}
B=${B:-build}
CORPORA=${CORPORA:-../shared/corpora}
OUT=bench/out
side=${1:-build}
[ -d "$CORPORA" ] || { echo "profile: no corpora at $CORPORA"; exit 0; }
# the same "largest corpus" rule as run.sh
best=""; bestsize=0
for d in "$CORPORA"/*/; do
  set -- "$d"*.jsonl
  [ -e "$1" ] || continue
  size=$(cat "$@" | wc -c)
  if [ "$size" -gt "$bestsize" ]; then best=${d%/}; bestsize=$size; fi
done
set -- "$best"/*.jsonl
case $side in
  tokenize) cmd="$B/bench/tok_bench $OUT/docs.bin 1" ;;
  build) cmd="$LUA bench/build_bench.lua build $OUT/docs.bin" ;;
  build-jsonl) cmd="$LUA bench/build_bench.lua build-jsonl $*" ;;
  *) echo "usage: $0 build|build-jsonl|tokenize" >&2; exit 2 ;;
esac
perf record -e cpu-clock:u -F 999 -o "$OUT/perf.$side.data" -- $cmd
perf report --stdio --no-children -i "$OUT/perf.$side.data" \
  --sort symbol 2>/dev/null | grep -v '^#' | grep -v '^$' | head -${TOP:-30}
