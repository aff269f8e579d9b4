#!/usr/bin/python3
"""bench/query_bench.py -- the peer side of the query benchmark
(bench/query_bench.lua runs ours and calls this in the same run).

  query_bench.py CORPORA_DIR CACHE_DIR REPEAT < queries.tsv

Builds (once, cached in CACHE_DIR) an SQLite FTS5 table (unicode61
tokenizer, remove_diacritics 0) and a Xapian database (TermGenerator,
positions, no stemming) over every *.jsonl document of CORPORA_DIR, then
times each query REPEAT times per engine.  Input lines:
class <TAB> kind <TAB> fts5 query <TAB> xapian query   ("-" = unsupported)
kind is "count" (number of matching documents, exact) or "search" (top 10
by BM25 with snippets).  Timed in CPU time of this process
(time.process_time), as the Lua side uses os.clock.  Output lines: class
engine median_ms p95_ms result
"""
import glob, json, os, sqlite3, sys, time
import xapian

def docs(corpora):
    for path in sorted(glob.glob(os.path.join(corpora, "*.jsonl"))):
        with open(path, encoding="utf-8") as f:
            for line in f:
                if line.strip():
                    yield json.loads(line)["text"]

def build_fts5(corpora, path):
    if os.path.exists(path):
        return
    db = sqlite3.connect(path + ".tmp")
    db.execute("CREATE VIRTUAL TABLE t USING fts5(x, tokenize = 'unicode61 remove_diacritics 0')")
    db.executemany("INSERT INTO t(x) VALUES (?)", ((t,) for t in docs(corpora)))
    db.commit(); db.close()
    os.rename(path + ".tmp", path)

def build_xapian(corpora, path):
    if os.path.exists(path):
        return
    db = xapian.WritableDatabase(path + ".tmp", xapian.DB_CREATE_OR_OVERWRITE)
    tg = xapian.TermGenerator()
    for t in docs(corpora):
        d = xapian.Document(); d.set_data(t)
        tg.set_document(d); tg.index_text(t)
        db.add_document(d)
    db.commit(); db.close()
    os.rename(path + ".tmp", path)

def stats(ts):
    ts = sorted(ts)
    med = ts[len(ts) // 2]
    p95 = ts[min(len(ts) - 1, int(round(0.95 * (len(ts) - 1))))]
    return med * 1000, p95 * 1000

def main():
    corpora, cache, repeat = sys.argv[1], sys.argv[2], int(sys.argv[3])
    os.makedirs(cache, exist_ok=True)
    fpath, xpath = os.path.join(cache, "fts5.db"), os.path.join(cache, "xapian.db")
    build_fts5(corpora, fpath)
    build_xapian(corpora, xpath)
    # FTS5 in memory, as ours is: copy the file database into :memory:
    disk = sqlite3.connect(fpath)
    fts = sqlite3.connect(":memory:")
    disk.backup(fts); disk.close()
    xdb = xapian.Database(xpath)
    qp = xapian.QueryParser(); qp.set_database(xdb)
    flags = (xapian.QueryParser.FLAG_DEFAULT | xapian.QueryParser.FLAG_WILDCARD |
             xapian.QueryParser.FLAG_PHRASE | xapian.QueryParser.FLAG_BOOLEAN)
    ndocs = xdb.get_doccount()
    for line in sys.stdin:
        cls, kind, fq, xq = line.rstrip("\n").split("\t")
        if fq != "-":
            if kind == "count":
                run = lambda: fts.execute("SELECT count(*) FROM t WHERE t MATCH ?", (fq,)).fetchone()[0]
            else:
                run = lambda: len(fts.execute(
                    "SELECT rowid, snippet(t, 0, '[', ']', '...', 24) FROM t WHERE t MATCH ? "
                    "ORDER BY rank LIMIT 10", (fq,)).fetchall())
            res = run(); ts = []
            for _ in range(repeat):
                t0 = time.process_time(); run(); ts.append(time.process_time() - t0)
            print(cls, "fts5", "%.3f %.3f" % stats(ts), res, flush=True)
        if xq != "-":
            q = qp.parse_query(xq, flags)
            enq = xapian.Enquire(xdb); enq.set_query(q)
            if kind == "count":
                run = lambda: enq.get_mset(0, 0, ndocs).get_matches_estimated()
            else:
                def run():
                    m = enq.get_mset(0, 10)
                    return len([m.snippet(it.document.get_data(), 200) for it in m])
            res = run(); ts = []
            for _ in range(repeat):
                t0 = time.process_time(); run(); ts.append(time.process_time() - t0)
            print(cls, "xapian", "%.3f %.3f" % stats(ts), res, flush=True)

main()
