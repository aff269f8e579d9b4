/*
** reuse_test.c -- the aligner and the reuse driver from C: extension
** over equal and edited word sequences, both directions, the work bound
** and option checks.
*/
#include <string.h>

#include "tap.h"
#include "corpus.h"
#include "reuse.h"

static cp_align_cost cost (void) {
  cp_align_cost k;
  k.mismatch = 1; k.gap = 1; k.gap_extend = 0.1; k.xdrop = 8;
  k.band = 32; k.maxgap = 10;
  return k;
}

static void test_align (void) {
  uint64_t a[20], b[21];
  cp_align_cost k = cost();
  cp_ext e;
  uint64_t work = 0;
  int i;
  for (i = 0; i < 20; i++) a[i] = b[i] = (uint64_t)(100 + i);
  TAP_OK(cp_align_extend(a, 20, b, 20, 1, &k, &e, &work, NULL) == CP_OK
         && e.la == 20 && e.lb == 20 && e.same == 20 && e.score == 20,
         "equal sequences extend to their end (la %u, score %g)", e.la, e.score);
  TAP_OK(work > 0, "the cells are counted (%llu)", (unsigned long long)work);
  b[5] = 7;                                   /* a substitution */
  cp_align_extend(a, 20, b, 20, 1, &k, &e, &work, NULL);
  TAP_OK(e.la == 20 && e.cols == 20 && e.same == 19 && e.score == 18,
         "a substitution costs the mismatch (score %g, same %u)", e.score, e.same);
  memmove(b + 9, b + 8, 12 * sizeof(uint64_t));   /* an insertion in b */
  b[8] = 9;
  b[5] = a[5];
  cp_align_extend(a, 20, b, 21, 1, &k, &e, &work, NULL);
  TAP_OK(e.la == 20 && e.lb == 21 && e.cols == 21 && e.same == 20 && e.score == 19,
         "an inserted word costs a gap (score %g, cols %u)", e.score, e.cols);
  cp_align_extend(a + 20, 20, b + 21, 21, -1, &k, &e, &work, NULL);
  TAP_OK(e.la == 20 && e.lb == 21 && e.score == 19,
         "backwards gives the same alignment (score %g)", e.score);
  for (i = 0; i < 20; i++) b[i] = (uint64_t)(500 + i);
  cp_align_extend(a, 20, b, 20, 1, &k, &e, &work, NULL);
  TAP_OK(e.la == 0 && e.lb == 0 && e.score == 0,
         "unrelated words give the empty extension");
  TAP_OK(cp_align_extend(a, 0, b, 20, 1, &k, &e, &work, NULL) == CP_OK && e.la == 0,
         "an empty side gives the empty extension");
}

static void test_driver (void) {
  const char *text = "the quick brown fox jumps over the lazy dog while the "
                     "farmer sleeps soundly in the old barn near the river";
  cp_docin d[2];
  cp_err err;
  cp_corpus *c = cp_corpus_new(NULL, &err);
  cp_reuse_opt o;
  cp_reuse r;
  int rc;
  memset(d, 0, sizeof(d));
  d[0].text = text; d[0].textlen = strlen(text);
  d[1].text = text; d[1].textlen = strlen(text);
  TAP_OK(c != NULL && cp_corpus_add(c, d, 2, &err) == CP_OK, "corpus of two");
  cp_reuse_opt_init(&o);
  rc = cp_reuse_find(c, NULL, &o, &r, &err);
  TAP_OK(rc == CP_OK && r.n == 1 && r.v[0].words == 21 && r.v[0].same == 21
         && r.v[0].a.b0 == 0 && r.v[0].a.b1 == strlen(text),
         "identical documents give one whole passage");
  cp_reuse_free(&r);
  o.max_work = 10;
  rc = cp_reuse_find(c, NULL, &o, &r, &err);
  TAP_OK(rc == CP_ELIMIT && r.n == 0 && strstr(err.msg, "work limit") != NULL,
         "the work bound gives ELIMIT and no rows (%s)", err.msg);
  cp_reuse_free(&r);
  cp_reuse_opt_init(&o);
  o.min = 0;
  TAP_OK(cp_reuse_find(c, NULL, &o, &r, &err) == CP_EINVAL, "min 0 is refused");
  o.min = 8;
  o.gap = -1;
  TAP_OK(cp_reuse_find(c, NULL, &o, &r, &err) == CP_EINVAL, "a negative cost is refused");
  TAP_OK(cp_reuse_find(NULL, NULL, &o, &r, &err) == CP_EINVAL, "no corpus is refused");
  cp_reuse_free(&r);
  cp_corpus_free(c);
}

int main (void) {
  test_align();
  test_driver();
  return tap_done();
}
