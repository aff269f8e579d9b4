/*
** bench/freq_floor.c -- frequency lists against their floor (issue 15,
** item 4): the CPU time of reading every id of the word stream once
** (summing the ids of every live document's tokens, the least a scan
** can do), and of cp_freq over
**   - the whole corpus (norm layer, no punctuation): stored per-type
**     counts, no scan;
**   - a subcorpus of every 10th document: only its documents' streams;
**   - the same subcorpus, inverted (nine documents in ten);
** each with its ratio to the floor of the documents it covers.
**
**   cc -O2 -std=c99 -D_GNU_SOURCE -Icsrc bench/freq_floor.c build/libcorpus.a \
**      -lutf8proc -lstemmer -lxxhash -lpcre2-8 -ljansson -lyajl -lzstd -lm \
**      -pthread -o build/bench/freq_floor
**   build/bench/freq_floor bench/out/docs.bin [REPEAT]
** (docs.bin: bench/peers.py extract; best of REPEAT (5) runs each).
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "corpus.h"
#include "stats.h"

static double cpu (void) {
  struct timespec t;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
  return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* sum of the word ids of the selected live documents: the floor */
static uint64_t floor_scan (cp_corpus *c, const unsigned char *sel, int inv,
                            uint64_t *ntok) {
  size_t si, ns = cp_corpus_nsegs(c);
  uint64_t sum = 0;
  *ntok = 0;
  for (si = 0; si < ns; si++) {
    const cp_seg *s = cp_corpus_seg(c, si);
    const uint32_t *st = cp_seg_stream(s);
    uint32_t d, nd = cp_seg_ndocs(s);
    uint64_t base = cp_corpus_doc_base(c, si);
    for (d = 0; d < nd; d++) {
      cp_docinfo di;
      uint64_t g = base + d;
      uint32_t p;
      if (sel != NULL && (((sel[g >> 3] >> (g & 7)) & 1) != 0) == inv) continue;
      if (cp_seg_doc(s, d, &di) != CP_OK) continue;
      for (p = di.tok_start; p < di.tok_start + di.tok_count; p++) sum += st[p];
      *ntok += di.tok_count;
    }
  }
  return sum;
}

int main (int argc, char **argv) {
  FILE *f;
  cp_err e;
  cp_corpus *c;
  cp_docin d;
  char *buf = NULL;
  size_t cap = 0, n = 0;
  int rep = argc > 2 ? atoi(argv[2]) : 5, k, pass;
  unsigned char *sel;
  uint64_t ndocs;
  if (argc < 2 || (f = fopen(argv[1], "rb")) == NULL) {
    fprintf(stderr, "usage: freq_floor DOCS.BIN [REPEAT]\n");
    return 2;
  }
  if ((c = cp_corpus_new(NULL, &e)) == NULL) return 1;
  memset(&d, 0, sizeof(d));
  for (;;) {
    unsigned char h[8];
    uint64_t len = 0;
    int i;
    if (fread(h, 1, 8, f) != 8) break;
    for (i = 7; i >= 0; i--) len = (len << 8) | h[i];
    if (len + 1 > cap) {
      cap = (size_t)len + 1;
      if ((buf = (char *)realloc(buf, cap)) == NULL) return 1;
    }
    if (fread(buf, 1, (size_t)len, f) != len) break;
    d.text = buf;
    d.textlen = (size_t)len;
    if (cp_corpus_add(c, &d, 1, &e) != CP_OK) { fprintf(stderr, "%s\n", e.msg);  return 1; }
    n++;
  }
  fclose(f);
  free(buf);
  if (cp_corpus_flush(c, &e) != CP_OK) { fprintf(stderr, "%s\n", e.msg);  return 1; }
  ndocs = n;
  if ((sel = (unsigned char *)calloc((size_t)ndocs / 8 + 1, 1)) == NULL) return 1;
  for (k = 0; (uint64_t)k < ndocs; k += 10) sel[k >> 3] |= (unsigned char)(1u << (k & 7));
  printf("%zu documents, %zu segments\n", n, cp_corpus_nsegs(c));
  printf("| frequency list (norm, no punctuation) | tokens read by the floor | floor ms | cp_freq ms | ratio |\n|---|---|---|---|---|\n");
  for (pass = 0; pass < 3; pass++) {
    static const char *const what[] = { "whole corpus", "every 10th document",
                                        "all but every 10th document" };
    double bf = 1e9, bq = 1e9;
    uint64_t ntok = 0, sum = 0;
    for (k = 0; k < rep; k++) {
      cp_sopt o;
      cp_flist fl;
      double t0 = cpu(), t1, t2;
      sum += floor_scan(c, pass ? sel : NULL, pass == 2, &ntok);
      t1 = cpu();
      memset(&o, 0, sizeof(o));
      o.layer = CP_NORM;
      if (pass) { o.sel = sel;  o.nsel = ndocs;  o.invert = pass == 2; }
      if (cp_freq(c, &o, &fl, &e) != CP_OK) { fprintf(stderr, "%s\n", e.msg);  return 1; }
      t2 = cpu();
      cp_flist_free(&fl);
      if (t1 - t0 < bf) bf = t1 - t0;
      if (t2 - t1 < bq) bq = t2 - t1;
    }
    printf("| %s | %llu | %.2f | %.2f | %.2fx |\n", what[pass],
           (unsigned long long)ntok, bf * 1e3, bq * 1e3, bq / bf);
    if (sum == 42) printf("\n");   /* keep the scan */
  }
  free(sel);
  cp_corpus_free(c);
  return 0;
}
