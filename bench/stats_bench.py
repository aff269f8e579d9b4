#!/usr/bin/python3
"""bench/stats_bench.py -- the peer side of bench/stats_bench.lua (issue 5).

usage: stats_bench.py TOKENS META DICT NODE YEAR WINDOW OUT.json

TOKENS: the project's own tokens (norm layer, punctuation removed), one
sentence per line, tab-separated, a form-feed line after each document.
META: one line per document, its year.  DICT: a dictionary file in the
project's format (docs/STATS.md).  Times each task with NLTK where NLTK
has the function, else with plain Python (collections.Counter), on
token lists already in memory, and writes times and result digests to
OUT.json for the Lua side to compare.
"""
import json
import math
import re
import sys
import time
from collections import Counter
from fnmatch import translate

from nltk.collocations import BigramCollocationFinder
from nltk.metrics.association import BigramAssocMeasures as BAM
from nltk.probability import FreqDist
from nltk.util import ngrams


def read(tokpath, metapath):
    with open(tokpath, encoding="utf-8") as f:
        data = f.read()
    docs = []
    for block in data.split("\f\n"):
        docs.append([line.split("\t") for line in block.split("\n") if line])
    years = [int(float(x)) for x in open(metapath).read().split()]
    return docs[:len(years)], years


def timed(fn):
    # CPU time of this process, as os.clock() on the Lua side
    t = time.process_time()
    r = fn()
    return time.process_time() - t, r


def g2(a, b, c, d):
    cells = [a, b, c - a, d - b]
    n = c + d
    exp = [c * (a + b) / n, d * (a + b) / n, c * (n - a - b) / n, d * (n - a - b) / n]
    return 2 * sum(o * math.log(o / e) for o, e in zip(cells, exp) if o > 0)


def read_dict(path):
    cats, cat = {}, None
    for line in open(path, encoding="utf-8"):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("[") and line.endswith("]"):
            cat = line[1:-1].strip()
            cats.setdefault(cat, [])
        else:
            cats[cat].append(line.split())
    return cats


def lookup(docs, dictionary, words):
    """quanteda-style counting: per category, longest entry at each
    position, non-overlapping; plain Python with a per-type cache of
    which first patterns a word matches."""
    names = sorted(dictionary)
    entries = []          # (cat index, [compiled patterns])
    for ci, name in enumerate(names):
        for pats in dictionary[name]:
            entries.append((ci, [re.compile(translate(p)) if ("*" in p or "?" in p) else p
                                 for p in pats]))

    def ok(p, w):
        return p == w if isinstance(p, str) else p.match(w) is not None

    first = {}            # word -> entries whose first pattern matches it
    for w in words:
        first[w] = [e for e in entries if ok(e[1][0], w)]
    totals = [0] * len(names)
    for toks in docs:
        nxt = [0] * len(names)
        for i, w in enumerate(toks):
            best = {}
            for ci, pats in first[w]:
                if i < nxt[ci] or i + len(pats) > len(toks):
                    continue
                if all(ok(p, toks[i + q]) for q, p in enumerate(pats) if q > 0):
                    best[ci] = max(best.get(ci, 0), len(pats))
            for ci, ln in best.items():
                totals[ci] += 1
                nxt[ci] = i + ln
    return dict(zip(names, totals))


def main():
    tokpath, metapath, dictpath, node, year, window, outpath = sys.argv[1:8]
    year, window = int(year), int(window)
    docs, years = read(tokpath, metapath)
    flat = [[w for s in d for w in s] for d in docs]
    out = {}

    t, fd = timed(lambda: FreqDist(w for d in flat for w in d))
    out["freq"] = {"time": t, "types": len(fd), "tokens": fd.N(),
                   "top": fd.most_common(1)[0]}

    t, ng = timed(lambda: FreqDist(g for d in docs for s in d for g in ngrams(s, 3)))
    out["ngrams3"] = {"time": t, "types": len(ng),
                      "top": [" ".join(ng.most_common(1)[0][0]), ng.most_common(1)[0][1]]}

    def bigram_colloc():
        wfd, bfd = Counter(), Counter()
        for d in flat:
            f = BigramCollocationFinder.from_words(d, window_size=2)
            wfd.update(f.word_fd)
            bfd.update(f.ngram_fd)
        finder = BigramCollocationFinder(FreqDist(wfd), FreqDist(bfd), window_size=2)
        finder.apply_freq_filter(5)
        return finder.nbest(BAM.likelihood_ratio, 100)
    t, best = timed(bigram_colloc)
    out["collocations2"] = {"time": t, "top": list(best[0])}

    def node_colloc():
        # plain Python: NLTK has no node-centred collocates; the region
        # is the union of +-window words around each node, node excluded
        obs, r1, n = Counter(), 0, 0
        freq = fd
        for d in flat:
            n += len(d)
            pos = [i for i, w in enumerate(d) if w == node]
            isnode = set(pos)
            region = set()
            for p in pos:
                region.update(range(max(0, p - window), min(len(d), p + window + 1)))
            region -= isnode
            r1 += len(region)
            obs.update(d[i] for i in region)
        scores = []
        for w, o in obs.items():
            c1 = freq[w]
            cells = [o, r1 - o, c1 - o, n - r1 - c1 + o]
            rows, cols = [r1, n - r1], [c1, n - c1]
            exp = [rows[0] * cols[0] / n, rows[0] * cols[1] / n, rows[1] * cols[0] / n, rows[1] * cols[1] / n]
            scores.append((2 * sum(x * math.log(x / e) for x, e in zip(cells, exp) if x > 0), w))
        scores.sort(key=lambda t: (-t[0], t[1]))
        return scores[:20]
    t, top = timed(node_colloc)
    out["collocates"] = {"time": t, "top": top[0][1]}

    def keyness():
        tc, rc = Counter(), Counter()
        for d, y in zip(flat, years):
            (tc if y == year else rc).update(d)
        c, dd = sum(tc.values()), sum(rc.values())
        rows = []
        for w in set(tc) | set(rc):
            a, b = tc[w], rc[w]
            s = 1 if a * dd >= b * c else -1
            rows.append((s * g2(a, b, c, dd), w))
        rows.sort(key=lambda t: (-t[0], t[1]))
        return rows[:50]
    t, rows = timed(keyness)
    out["keyness"] = {"time": t, "top": rows[0][1]}

    dictionary = read_dict(dictpath)
    t, totals = timed(lambda: lookup(flat, dictionary, fd.keys()))
    out["lookup"] = {"time": t, "totals": totals}

    with open(outpath, "w") as f:
        json.dump(out, f)


if __name__ == "__main__":
    main()
