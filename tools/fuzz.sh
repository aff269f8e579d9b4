#!/bin/sh
# tools/fuzz.sh -- run libFuzzer harnesses: first each over its
# regression inputs (fuzz/regress/NAME: crashes found before, which must
# stay fixed) and seeds, then for FUZZ_SECONDS from the seeds and the
# corpus grown by earlier runs (B/fuzz/corpus/NAME, not in git).  A
# crash is saved as B/fuzz/crash-NAME-*; copy it to fuzz/regress/NAME
# once fixed.  Prints, per harness, its executions and coverage, and a
# closing "N passed, N failed" line.
#   usage: B=build-fuzz FUZZ_SECONDS=60 tools/fuzz.sh tok seg ...
B=${B:-build-fuzz}
S=${FUZZ_SECONDS:-60}
passed=0; failed=0
# a UB report with its stack (the harnesses halt on the first)
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1}
for f in "$@"; do
  bin=$B/fuzz/fuzz_$f
  work=$B/fuzz/corpus/$f
  mkdir -p "$work" "fuzz/seeds/$f"
  log=$B/fuzz/$f.log
  ok=1
  if [ -d "fuzz/regress/$f" ] && [ -n "$(ls -A "fuzz/regress/$f" 2>/dev/null)" ]; then
    "$bin" -runs=0 fuzz/regress/$f/* > "$log" 2>&1 || ok=0
  fi
  if [ $ok = 1 ]; then
    "$bin" -max_total_time="$S" -timeout=10 -rss_limit_mb=2048 \
      -print_final_stats=1 -artifact_prefix="$B/fuzz/crash-$f-" \
      "$work" "fuzz/seeds/$f" > "$log" 2>&1 || ok=0
  fi
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1 | cut -d' ' -f2)
  ft=$(grep -o 'ft: [0-9]*' "$log" | tail -1 | cut -d' ' -f2)
  if [ $ok = 1 ]; then
    passed=$((passed + 1))
    echo "ok - fuzz $f: ${execs:-0} executions in ${S}s, coverage ${cov:-0} edges, ${ft:-0} features"
  else
    failed=$((failed + 1))
    echo "not ok - fuzz $f: crashed after ${execs:-?} executions (log: $log)"
    grep -E 'ERROR|SUMMARY|runtime error|abort|raised' "$log" | head -20
  fi
done
echo "$passed passed, $failed failed"
[ $failed -eq 0 ]
