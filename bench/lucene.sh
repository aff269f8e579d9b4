#!/bin/sh
# bench/lucene.sh -- compile bench/LuceneBench.java against Debian's
# Lucene jars (liblucene8-java) and run it with the given arguments
# (see the comment at the top of LuceneBench.java).  Exits 3 with a
# message on stderr when no JDK or no Lucene jars are installed, so the
# benchmarks skip the Lucene side instead of failing.
#   usage: bench/lucene.sh build DOCS.bin INDEXDIR
#          bench/lucene.sh query INDEXDIR REPEAT < queries.tsv
set -u
cd "$(dirname "$0")/.." || exit 1
B=${B:-build}
JARDIR=${LUCENE_JARS:-/usr/share/java}
if ! command -v javac > /dev/null 2>&1 || ! command -v java > /dev/null 2>&1; then
  echo "lucene: skipped: no JDK (install default-jdk-headless)" >&2
  exit 3
fi
cp=""
for j in core analyzers-common queryparser highlighter queries memory; do
  f=$(ls "$JARDIR"/lucene-$j-[0-9]*.jar 2> /dev/null | tail -1)
  [ -z "$f" ] && f=$(ls "$JARDIR"/lucene-$j.jar 2> /dev/null | tail -1)
  if [ -z "$f" ]; then
    echo "lucene: skipped: no lucene-$j jar in $JARDIR (install liblucene8-java)" >&2
    exit 3
  fi
  cp="$cp${cp:+:}$f"
done
out="$B/bench/lucene"
mkdir -p "$out"
if [ ! -f "$out/LuceneBench.class" ] || [ bench/LuceneBench.java -nt "$out/LuceneBench.class" ]; then
  javac -nowarn -cp "$cp" -d "$out" bench/LuceneBench.java || exit 1
fi
exec java -Xms1g -Xmx4g -cp "$cp:$out" LuceneBench "$@"
