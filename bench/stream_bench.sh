#!/bin/sh
# bench/stream_bench.sh -- run bench/stream_bench.lua once per mode, each
# in its own process under /usr/bin/time (peak RSS), and print a table:
# mode, rows, CPU ms, peak RSS MB, first row.
#   eval $(make -s env); sh bench/stream_bench.sh [CORPORA_DIR]
CORPORA=${1:-../shared/corpora/ungdc}
IDX=${BENCH_CACHE:-/tmp/corpus-stream-bench}/un
if [ ! -f "$IDX/MANIFEST" ] && [ ! -d "$IDX" ]; then
  mkdir -p "$(dirname "$IDX")"
  lua5.4 bench/stream_bench.lua build "$IDX" "$CORPORA" || exit 1
fi
printf "mode\trows\tcpu_ms\tpeak_MB\tfirst\n"
for mode in open count list-first stream-first list-all stream-all; do
  line=$(/usr/bin/time -f "%M" -o /tmp/stream_bench.rss lua5.4 bench/stream_bench.lua "$mode" "$IDX") || exit 1
  kb=$(tail -1 /tmp/stream_bench.rss)
  echo "$line" | awk -v kb="$kb" -F'\t' '{printf "%s\t%s\t%s\t%.0f\t%s\n", $1, $2, $3, kb / 1024, $4}'
done
rm -f /tmp/stream_bench.rss
