/*
** fuzz_seg.c -- libFuzzer harness: the segment reader over arbitrary
** bytes.  Checksums are recomputed before opening by cp_seg_fix_sums
** (seg.c: the size fields, every part of ATTRS, every section, the
** header), so that the parser behind them is reached instead of
** stopping at "checksum mismatch".  Opening must fail cleanly or give a
** segment on which cp_seg_verify and cp_seg_check decide; every
** accessor must then be safe to call, as the contract in seg.h says,
** and so must what a reader does with an attached image (use()).
** Seeds: fuzz/seeds/seg, format-2 segments written by the builder
** (fuzz/gen_seeds.c; `make fuzz-seeds` writes them again).
*/
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "budget.h"
#include "corpus.h"
#include "exec.h"
#include "plan.h"
#include "seg.h"
#include "segfmt.h"
#include "stats.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static unsigned long walk (const cp_seg *s) {
  unsigned long acc = 0;
  uint32_t p, t, nn, b0, b1, lo, hi;
  int l;
  cp_docinfo d;
  for (p = 0; p < cp_seg_ntokens(s); p++) {
    if (cp_seg_tok_span(s, p, &b0, &b1) == CP_OK &&
        cp_seg_doc(s, cp_seg_doc_of(s, p), &d) == CP_OK && b1 > b0 &&
        b1 <= d.textlen)
      acc += (unsigned char)d.text[b1 - 1];
    acc += cp_seg_map(s, CP_STEM, cp_seg_stream(s)[p]);
    acc += cp_seg_sent_of(s, p) + cp_seg_para_of(s, p);
  }
  for (l = 0; l < CP_NLAYERS; l++)
    for (t = 0; t < cp_seg_ntypes(s, l); t++) {
      size_t len;
      const char *x = cp_seg_type(s, l, t, &len);
      if (x == NULL) continue;
      acc += (unsigned long)cp_seg_lookup(s, l, x, len);
      cp_seg_lex_range(s, l, x, len ? 1 : 0, &lo, &hi);
      acc += hi - lo + cp_seg_type_freq(s, l, t) + cp_seg_type_docfreq(s, l, t);
    }
  for (t = 0; t < cp_seg_ntypes(s, CP_NORM); t++) {
    const uint32_t *pp = cp_seg_postings(s, t, &nn);
    if (pp != NULL && nn) acc += cp_seg_stream(s)[pp[nn - 1]];
  }
  for (t = 0; t < cp_seg_ntypes(s, CP_STEM); t++) {
    const uint32_t *pp = cp_seg_stem_norms(s, t, &nn);
    if (pp != NULL && nn) acc += cp_seg_norm_stem(s, pp[0]);
  }
  for (t = 0; t < cp_seg_ndocs(s); t++) {
    size_t it = 0;
    cp_meta m;
    if (cp_seg_doc(s, t, &d) != CP_OK) continue;
    while (cp_meta_next(d.meta, d.metalen, &it, &m) == 1) acc += m.keylen;
    acc += (unsigned long)cp_seg_find_id(s, d.id, d.idlen);
  }
  return acc;
}

/*
** What a reader of an index does with an attached image that passed
** cp_seg_verify (the check an index makes of a segment unless asked for
** more): statistics, a frequency list and a few queries, ranked too,
** under a budget.  Each must succeed or fail cleanly.
*/
static void use (const unsigned char *b, size_t size) {
  cp_corpus *c;
  cp_err e;
  cp_stats st;
  cp_limits lim;
  cp_budget bud;
  cp_sopt so;
  cp_flist fl;
  void *img = malloc(size ? size : 1);
  int q;
  if (img == NULL) return;
  memcpy(img, b, size);
  if ((c = cp_corpus_new(NULL, &e)) == NULL) abort();
  if (cp_corpus_attach(c, img, size, NULL, NULL, &e) != CP_OK) {
    free(img);
    cp_corpus_free(c);
    return;
  }
  if (cp_corpus_stats(c, &st, &e) != CP_OK) { cp_corpus_free(c); return; }
  memset(&so, 0, sizeof(so));
  so.layer = CP_NORM;
  cp_budget_start(&bud, 1000000, (uint64_t)1 << 26, 0);
  so.budget = &bud;
  memset(&fl, 0, sizeof(fl));
  (void)cp_freq(c, &so, &fl, &e);
  cp_flist_free(&fl);
  memset(&lim, 0, sizeof(lim));
  lim.max_expand = 1000;
  lim.max_work = 1000000;
  for (q = 0; q < 4; q++) {
    cp_plan *p = cp_plan_new();
    cp_pnode *n;
    cp_matches m = {NULL, 0, 0};
    cp_hits h;
    uint64_t cnt;
    if (p == NULL) break;
    switch (q) {
      case 0: n = cp_plan_lex(p, CP_P_TERM, CP_NORM, "the", 3); break;
      case 1: n = cp_plan_lex(p, CP_P_PREFIX, CP_WORD, "a", 1); break;
      case 2:
        n = cp_plan_list(p, CP_P_SEQ);
        cp_plan_add_item(p, n, cp_plan_any(p), 0, 3);
        cp_plan_add_item(p, n, cp_plan_lex(p, CP_P_GLOB, CP_STEM, "*e*", 3), 1, 1);
        break;
      default:
        n = cp_plan_near(p, 5, 0);
        cp_plan_add(p, n, cp_plan_lex(p, CP_P_PREFIX, CP_NORM, "t", 1));
        cp_plan_add(p, n, cp_plan_any(p));
        break;
    }
    cp_plan_set_root(p, n);
    if (cp_plan_error(p, &e) == CP_OK) {
      cp_search_opts o;
      (void)cp_execq(c, NULL, p, &lim, &m, &e);
      cp_matches_free(&m);
      (void)cp_exec_countq(c, NULL, p, &lim, CP_COUNT_DOCS, &cnt, &e);
      memset(&o, 0, sizeof(o));
      o.k1 = 1.2;  o.b = 0.75;  o.limit = 3;
      memset(&h, 0, sizeof(h));
      if (cp_search(c, NULL, p, &lim, &o, &h, &e) == CP_OK) cp_hits_free(&h);
    }
    cp_plan_free(p);
  }
  cp_corpus_free(c);
}

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size) {
  /* a copy: the reader wants 8-byte alignment, the fixes write */
  unsigned char *b = (unsigned char *)malloc(size ? size : 1);
  cp_seg *s;
  cp_err e;
  volatile unsigned long sink;
  if (b == NULL) return 0;
  memcpy(b, data, size);
  (void)cp_seg_fix_sums(b, size, &e);
  if (cp_seg_open(&s, b, size, &e) == CP_OK) {
    if (cp_seg_verify(s, &e) == CP_OK) {
      sink = walk(s);
      (void)sink;
      (void)cp_seg_check(s, &e);
      use(b, size);
    }
    cp_seg_close(s);
  }
  free(b);
  return 0;
}
