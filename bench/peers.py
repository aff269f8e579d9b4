#!/usr/bin/python3
"""bench/peers.py -- the peer side of the build benchmark.

    peers.py extract OUTDIR FILE.jsonl...   write OUTDIR/text.txt (the texts,
                                            for wc -w) and OUTDIR/docs.bin
                                            (the texts for bench/tok_bench.c)
    peers.py fts5 FILE.jsonl...             SQLite FTS5 index build

Each mode runs in its own process (run.sh starts one per side), so the peak
resident memory it reports (VmHWM) belongs to that side alone.  Texts are
loaded before the clock starts: every side is timed on indexing, not on
reading JSON.  Results are printed as one line

    RESULT side=<name> docs=N bytes=N tokens=N secs=S cpu=S rss_load_kb=N peak_kb=N

(secs: wall clock; cpu: user + system time of the process) that
bench/report.lua turns into the table.
"""
import json
import os
import sqlite3
import struct
import sys
import time


def proc_status(key):
    """A 'kB' field of /proc/self/status (VmHWM: peak RSS, VmRSS: now)."""
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(key + ":"):
                return int(line.split()[1])
    return 0


def load(files):
    """(id, text) of every document, in file and line order."""
    docs = []
    for path in files:
        with open(path, encoding="utf-8") as f:
            for lineno, line in enumerate(f, 1):
                if not line.strip():
                    continue
                try:
                    d = json.loads(line)
                except ValueError as e:
                    sys.exit("%s:%d: bad JSON: %s" % (path, lineno, e))
                docs.append((str(d.get("id", len(docs) + 1)), d["text"]))
    return docs


def extract(outdir, files):
    """Texts for the sides that do not read JSON.  text.txt separates the
    documents by a blank line (wc -w does not care); docs.bin is a
    sequence of (u64 little-endian length, UTF-8 bytes) records."""
    docs = load(files)
    total = 0
    with open(os.path.join(outdir, "text.txt"), "wb") as t, \
            open(os.path.join(outdir, "docs.bin"), "wb") as b:
        for _, text in docs:
            raw = text.encode("utf-8")
            total += len(raw)
            t.write(raw)
            t.write(b"\n\n")
            b.write(struct.pack("<Q", len(raw)))
            b.write(raw)
    print("extracted %d documents, %d bytes of text" % (len(docs), total),
          file=sys.stderr)


def fts5(files):
    """Build an FTS5 index (unicode61 tokenizer, default detail=full, so
    positions are stored, and the text is stored in the content table, as
    ours stores it) in memory, in one transaction, the fastest way SQLite
    offers.  Then count the indexed tokens through fts5vocab (untimed)."""
    docs = load(files)
    nbytes = sum(len(t.encode("utf-8")) for _, t in docs)
    rss_load = proc_status("VmRSS")
    t0, c0 = time.perf_counter(), time.process_time()
    db = sqlite3.connect(":memory:")
    db.execute("CREATE VIRTUAL TABLE d USING fts5(id UNINDEXED, text, "
               "tokenize = 'unicode61')")
    with db:
        db.executemany("INSERT INTO d(id, text) VALUES (?, ?)", docs)
    secs = time.perf_counter() - t0
    cpu = time.process_time() - c0
    db.execute("CREATE VIRTUAL TABLE v USING fts5vocab(d, 'row')")
    tokens = db.execute("SELECT sum(cnt) FROM v").fetchone()[0] or 0
    print("RESULT side=fts5 docs=%d bytes=%d tokens=%d secs=%.4f cpu=%.4f "
          "rss_load_kb=%d peak_kb=%d sqlite=%s"
          % (len(docs), nbytes, tokens, secs, cpu, rss_load,
             proc_status("VmHWM"), sqlite3.sqlite_version))


def main(argv):
    if len(argv) >= 3 and argv[1] == "extract":
        extract(argv[2], argv[3:])
    elif len(argv) >= 3 and argv[1] == "fts5":
        fts5(argv[2:])
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv)
