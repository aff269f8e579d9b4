#!/bin/sh
# tools/deps.sh -- make sure the Debian packages the project needs are
# installed.  As root it installs what is missing with apt-get; otherwise
# it prints the exact command and fails.
#   usage: tools/deps.sh build|test|check|bench|gen|fuzz
# (gen: what the table generators in tools/ read; the build needs none of it;
# fuzz: clang, libFuzzer and valgrind for make fuzz / asan / check-valgrind)
set -e
build="gcc make pkg-config lua5.4 liblua5.4-dev lua-lpeg lua-cjson libutf8proc-dev libstemmer-dev libxxhash-dev libpcre2-dev libjansson-dev libyajl-dev libzstd-dev lua-argparse"
test="$build lua-busted luarocks unicode-data sqlite3 libsqlite3-dev python3 python3-xapian python3-nltk chromium"
# the other interpreters the suite runs on (make test LUA=lua5.1 ...,
# .ci/run); lua-lpeg, lua-cjson and lua-busted ship for 5.1-5.4 and
# LuaJIT uses the 5.1 tree; lua-ldoc builds the API reference (make doc)
test="$test lua5.1 liblua5.1-0-dev lua5.2 liblua5.2-dev lua5.3 liblua5.3-dev luajit libluajit-5.1-dev lua-ldoc"
check="$test slurm-wlm munge"
# the benchmarks' Lucene peer (bench/lucene.sh) needs a JDK and the jars
bench="$test default-jdk-headless liblucene8-java"
gen="lua5.4 lua-cjson unicode-data iso-codes"
fuzz="$test clang libclang-rt-dev valgrind"
case "${1:-build}" in
  build) want=$build ;;
  test) want=$test ;;
  check) want=$check ;;
  bench) want=$bench ;;
  gen) want=$gen ;;
  fuzz) want=$fuzz ;;
  *) echo "usage: $0 build|test|check|bench|gen|fuzz" >&2; exit 2 ;;
esac
missing=""
for p in $want; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" = 0 ]; then
  echo "deps: installing$missing" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get -o DPkg::Lock::Timeout=300 update -q >/dev/null || true
  apt-get -o DPkg::Lock::Timeout=300 install -y -q $missing >/dev/null
else
  echo "deps: missing packages; run as root:" >&2
  echo "  sudo apt-get install -y$missing" >&2
  exit 1
fi
