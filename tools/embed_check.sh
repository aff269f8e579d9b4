#!/bin/sh
# tools/embed_check.sh -- the C library as a host sees it: `make install`
# into a temporary prefix, build examples/embed/ against it with
# pkg-config only, run both on the seed files and check their output
# against what the Lua module prints for the same work.  Prints TAP and
# a closing "N passed, N failed" line (counted by .ci/run).
#   usage: tools/embed_check.sh        (env: SEEDS, LUA_PATH of the checkout)
SEEDS=${SEEDS:-../shared/corpora/seeds}
prefix=$(mktemp -d)
out=$(mktemp -d)
trap 'rm -rf "$prefix" "$out"' EXIT
n=0; passed=0; failed=0
check() {   # check <description> <command...>
  desc=$1; shift
  n=$((n + 1))
  if "$@" > "$out/check.log" 2>&1; then
    echo "ok $n - $desc"; passed=$((passed + 1))
  else
    echo "not ok $n - $desc"; sed 's/^/# /' "$out/check.log"; failed=$((failed + 1))
  fi
}
export LUA_PATH="$PWD/lua/?.lua;$PWD/lua/?/init.lua;;" LUA_CPATH="$PWD/build/?.so;;"

check "make install PREFIX=<tmp>" make -s lib install PREFIX="$prefix"
export PKG_CONFIG_PATH="$prefix/lib/pkgconfig"
check "libcorpus.so.0 has its soname and exports only corpus_* functions" sh -c "
  readelf -d '$prefix/lib/libcorpus.so.0' | grep -q 'SONAME.*libcorpus.so.0' &&
  test -z \"\$(nm -D --defined-only '$prefix/lib/libcorpus.so.0' | awk '\$2 == \"T\" {print \$3}' | grep -v '^corpus_')\""
check "include/corpus.h is self-contained (compiles alone, no internal headers installed)" sh -c "
  test \"\$(ls '$prefix/include')\" = corpus.h &&
  echo '#include <corpus.h>' | cc -std=c99 -Wall -Wextra -Werror -pedantic \$(pkg-config --cflags corpus) -x c -c - -o /dev/null"
check "the C host builds with pkg-config corpus" sh -c "
  cc -Wall -Wextra -Werror -o '$out/c_host' examples/embed/c_host.c \$(pkg-config --cflags --libs corpus) -Wl,-rpath,'$prefix/lib'"
check "the Lua host builds with pkg-config corpus-lua5.4 (module linked in)" sh -c "
  cc -Wall -Wextra -Werror -DCORPUS_LUADIR='\"$prefix/share/lua/5.4\"' -o '$out/lua_host' \
     examples/embed/lua_host.c \$(pkg-config --cflags --libs corpus-lua5.4)"
if [ -d "$SEEDS" ]; then
  check "the C host counts and prints KWIC lines as examples/seeds.lua does" sh -c "
    lua5.4 examples/seeds.lua '$SEEDS' > '$out/want' &&
    '$out/c_host' '$SEEDS' > '$out/got' &&
    grep -qx '\"foreign terrorist fighters\":	3' '$out/got' &&
    test \$(grep -c '\[Al-Hol\]' '$out/got') = 4 &&
    diff '$out/want' '$out/got'"
  check "the C host ranks with BM25 (top 3) and sorts by similarity as c:search and c:similar do" sh -c "
    lua5.4 examples/embed/search.lua examples/sample.jsonl > '$out/want' &&
    '$out/c_host' '$SEEDS' examples/sample.jsonl | sed -n '/documents from examples/,\$p' > '$out/got' &&
    grep -qx 'search nitrate OR dam OR sirens: 6 documents, best 3:' '$out/got' &&
    test \$(grep -c '	[0-9]' '$out/got') = 6 &&
    diff '$out/want' '$out/got'"
  check "the Lua host runs the analysis script with no LUA_PATH, as lua5.4 does" sh -c "
    lua5.4 examples/embed/analysis.lua '$SEEDS' > '$out/want' &&
    env -u LUA_PATH -u LUA_CPATH '$out/lua_host' examples/embed/analysis.lua '$SEEDS' > '$out/got' &&
    grep -q '^corpus 0' '$out/got' && grep -qx 'documents with Al-Hol:	1' '$out/got' &&
    diff '$out/want' '$out/got'"
else
  echo "# $SEEDS not found: the runs on the seed files are skipped"
fi
echo "1..$n"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
