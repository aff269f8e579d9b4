#!/usr/bin/python3
"""spec/oracle/nltk_colloc.py -- NLTK as an external oracle for corpus
statistics (spec/51_stats_oracle_spec.lua).

usage: nltk_colloc.py TOKENS OUT MIN TOP WINDOW...

TOKENS holds the project's own tokens (norm layer, punctuation removed):
one sentence per line, tokens separated by tabs, and a line holding only
a form feed after each document.  Uses only NLTK code that needs no
downloaded data: FreqDist, nltk.util.ngrams, BigramCollocationFinder
(from_words) and BigramAssocMeasures.

OUT receives tab-separated lines:
  F  word  count                 every unigram (FreqDist)
  N2 / N3  "w1 w2 .."  count     every n-gram inside a sentence
  T  N                           number of tokens (word_fd.N())
  S  window  measure  rank  w1  w2  score  O  f1  f2
                                 the TOP best pairs of each measure

Windows.  The finder is built per document (from_words on each
document's token list; a window never spans two documents) and the
documents' word_fd / ngram_fd are summed into one finder.  Its
score_ngram divides the pair count by (window - 1) (Church & Hanks
1990) and keeps the marginals (f1, f2, N); c:collocations does the
same, so the scores are compared as they are for every window.
"""
import sys
from collections import Counter

from nltk.collocations import BigramCollocationFinder
from nltk.metrics.association import BigramAssocMeasures as BAM
from nltk.probability import FreqDist
from nltk.util import ngrams

MEASURES = {
    "mi": BAM.pmi,
    "llr": BAM.likelihood_ratio,
    "t": BAM.student_t,
    "chi2": BAM.chi_sq,
    "dice": BAM.dice,
}


def read_docs(path):
    with open(path, encoding="utf-8") as f:
        data = f.read()
    docs = []
    for block in data.split("\f\n"):
        sents = [line.split("\t") for line in block.split("\n") if line]
        if sents:
            docs.append(sents)
    return docs


def main():
    tokpath, outpath, minf, top = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    windows = [int(w) for w in sys.argv[5:]]
    docs = read_docs(tokpath)
    out = open(outpath, "w", encoding="utf-8")

    fd = FreqDist(w for d in docs for s in d for w in s)
    for w, c in fd.items():
        out.write("F\t%s\t%d\n" % (w, c))
    for n in (2, 3):
        ng = FreqDist(g for d in docs for s in d for g in ngrams(s, n))
        for g, c in ng.items():
            out.write("N%d\t%s\t%d\n" % (n, " ".join(g), c))

    for w in windows:
        wfd, bfd = Counter(), Counter()
        for d in docs:
            f = BigramCollocationFinder.from_words([t for s in d for t in s], window_size=w)
            wfd.update(f.word_fd)
            bfd.update(f.ngram_fd)
        finder = BigramCollocationFinder(FreqDist(wfd), FreqDist(bfd), window_size=w)
        finder.apply_freq_filter(minf)
        N = finder.N
        out.write("T\t%d\t%d\n" % (w, N))
        for name, fn in MEASURES.items():
            for rank, ((w1, w2), score) in enumerate(finder.score_ngrams(fn)[:top], 1):
                out.write("S\t%d\t%s\t%d\t%s\t%s\t%r\t%d\t%d\t%d\n" % (
                    w, name, rank, w1, w2, score, finder.ngram_fd[(w1, w2)],
                    finder.word_fd[w1], finder.word_fd[w2]))
    out.close()


if __name__ == "__main__":
    main()
