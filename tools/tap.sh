#!/bin/sh
# tools/tap.sh -- run the C tests and the busted specs (on $LUA), all in
# TAP, and end with one line "N passed, N failed" counted from the TAP.
#   usage: tools/tap.sh "<c test binaries>"   (env: LUA, BUSTED, B)
LUA=${LUA:-lua5.4}; export LUA
BUSTED=${BUSTED:-busted}
out=$(mktemp)
trap 'rm -f "$out"' EXIT
status=0
for t in $1; do
  echo "# C test: $t"
  "$t" > "$out.c" 2>&1; rc=$?
  cat "$out.c"; cat "$out.c" >> "$out"
  if [ $rc -ne 0 ]; then
    echo "not ok - $t exited with status $rc" | tee -a "$out"
    status=1
  fi
done
rm -f "$out.c"
echo "# busted specs on $LUA"
"$LUA" "$BUSTED" -o TAP --cpath="${B:-build}/?.so" ${SPECS:-spec} > "$out.b" 2>&1; rc=$?
cat "$out.b"; cat "$out.b" >> "$out"; rm -f "$out.b"
[ $rc -ne 0 ] && status=1
passed=$(grep -c '^ok ' "$out")
failed=$(grep -c '^not ok ' "$out")
[ "$passed" -eq 0 ] && status=1
[ "$failed" -ne 0 ] && status=1
echo "$passed passed, $failed failed"
exit $status
