#!/usr/bin/python3
"""bench/index_fts5.py OUTDIR FILE.jsonl... -- SQLite FTS5 on-disk size for
the index benchmark (bench/index_bench.lua).

Builds two databases of the same documents, unicode61 tokenizer, positional
(detail=full) index:  fts5-with-text stores the texts (like our index, which
stores them for KWIC), fts5-contentless stores only the index.  Prints
"FTS <name> <bytes>" per database.
"""
import json
import os
import sqlite3
import sys


def docs(files):
    for path in files:
        with open(path, encoding="utf-8") as f:
            for line in f:
                if line.strip():
                    d = json.loads(line)
                    yield str(d.get("id", "")), d["text"]


def build(path, ddl, rows):
    if os.path.exists(path):
        os.remove(path)
    db = sqlite3.connect(path)
    db.execute(ddl)
    db.executemany("INSERT INTO f VALUES (?, ?)" if "id" in ddl else
                   "INSERT INTO f(text) VALUES (?)", rows)
    db.commit()
    db.execute("INSERT INTO f(f) VALUES ('optimize')")
    db.commit()
    db.execute("VACUUM")
    db.close()
    return os.path.getsize(path)


def main():
    out, files = sys.argv[1], sys.argv[2:]
    size = build(os.path.join(out, "fts5-text.db"),
                 "CREATE VIRTUAL TABLE f USING fts5(id UNINDEXED, text)",
                 docs(files))
    print("FTS fts5-with-text %d" % size)
    size = build(os.path.join(out, "fts5-contentless.db"),
                 "CREATE VIRTUAL TABLE f USING fts5(text, content='')",
                 ((t,) for _, t in docs(files)))
    print("FTS fts5-contentless %d" % size)


main()
