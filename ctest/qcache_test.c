/*
** qcache_test.c -- the query cache's merged position lists (qcache.c
** cp_qc_union, cp_qc_union_put): short lists are not kept, a kept list
** is found by its layer and ids only, the cache stays within its bytes
** by dropping the least recently used list, and never drops one fetched
** or put since the evaluation began (cp_qc_begin), which the executor
** still reads.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "corpus.h"
#include "seg.h"
#include "tap.h"
#include "xint.h"

/* a list of n positions (n * 4 bytes); NULL on out of memory */
static uint32_t *list (size_t n) {
  uint32_t *v = (uint32_t *)malloc(n * sizeof(uint32_t));
  size_t i;
  for (i = 0; v != NULL && i < n; i++) v[i] = (uint32_t)(2 * i);
  return v;
}

/* put a list of n positions under ids {id, id + 1}: 1 if cached */
static int put (cp_qcache *qc, cp_corpus *c, uint32_t id, size_t n) {
  uint32_t ids[2];
  uint32_t *v = list(n);
  int took;
  ids[0] = id; ids[1] = id + 1;
  if (v == NULL) return 0;
  took = cp_qc_union_put(qc, c, 0, 1, ids, 2, v, n);
  if (!took) free(v);
  return took;
}

static size_t got (cp_qcache *qc, cp_corpus *c, uint32_t id) {
  uint32_t ids[2];
  size_t n = 0;
  ids[0] = id; ids[1] = id + 1;
  return cp_qc_union(qc, c, 0, 1, ids, 2, &n) != NULL ? n : 0;
}

int main (void) {
  cp_err e;
  cp_corpus *c = cp_corpus_new(NULL, &e);
  cp_qcache *qc = cp_qcache_new();
  cp_docin d;
  const char *text = "Peace and security, and peace again.";
  uint32_t ids3[3] = {7, 8, 9};
  size_t n, big = (size_t)15 << 18;       /* 15 MiB of positions */
  int rc;
  memset(&d, 0, sizeof(d));
  d.text = text;
  d.textlen = strlen(text);
  rc = c != NULL && qc != NULL ? cp_corpus_add(c, &d, 1, &e) : CP_ENOMEM;
  if (rc == CP_OK) rc = cp_corpus_flush(c, &e);
  TAP_OK(rc == CP_OK && cp_corpus_nsegs(c) == 1, "a corpus of one segment");
  if (rc != CP_OK) return tap_done();

  cp_qc_begin(qc);
  TAP_OK(got(qc, c, 1) == 0, "nothing cached at first");
  TAP_OK(!put(qc, c, 1, 100), "a short list is not kept (merging it again is cheap)");
  TAP_OK(put(qc, c, 1, 5000) && got(qc, c, 1) == 5000, "a long list is kept and found");
  TAP_OK(cp_qc_union(qc, c, 0, 1, ids3, 3, &n) == NULL && n == 0,
         "other ids do not find it");
  {
    uint32_t ids[2] = {1, 2};
    TAP_OK(cp_qc_union(qc, c, 0, 2, ids, 2, &n) == NULL, "nor the same ids of another layer");
  }
  TAP_OK(!put(qc, c, 100, (size_t)17 << 18), "a list over a quarter of the cache is not kept");

  /* four lists of 15 MiB fill the 64 MiB: all in use by this evaluation */
  TAP_OK(put(qc, c, 10, big) && put(qc, c, 20, big) && put(qc, c, 30, big) &&
         put(qc, c, 40, big), "four 15 MiB lists kept");
  TAP_OK(!put(qc, c, 50, big) && got(qc, c, 10) == big && got(qc, c, 40) == big,
         "a fifth is refused while the evaluation holds the others");

  cp_qc_begin(qc);                        /* the next evaluation */
  TAP_OK(got(qc, c, 20) == big, "list 20 fetched again");
  cp_qc_begin(qc);
  TAP_OK(put(qc, c, 50, big), "a new evaluation may drop old lists for a new one");
  TAP_OK(got(qc, c, 50) == big && got(qc, c, 20) == big,
         "the new list and the recently used one stay");
  TAP_OK((got(qc, c, 1) == 0) + (got(qc, c, 10) == 0) + (got(qc, c, 30) == 0) +
         (got(qc, c, 40) == 0) >= 1, "a least recently used list went");
  cp_qc_begin(qc);
  TAP_OK(put(qc, c, 60, big) && got(qc, c, 60) == big && got(qc, c, 50) == big,
         "again: the newest lists stay");

  cp_qcache_free(qc);                     /* frees every list (valgrind) */
  cp_corpus_free(c);
  return tap_done();
}
