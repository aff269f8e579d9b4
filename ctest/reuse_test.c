/*
** reuse_test.c -- the aligner and the reuse driver from C: extension
** over equal and edited word sequences, both directions, the work bound
** and option checks.
*/
#include <stdio.h>
#include <string.h>

#include "tap.h"
#include "corpus.h"
#include "reuse.h"
#include "seg.h"

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

/* the spans of set "reuse" of segment 0 (segment positions) as
** "start-end:key=value...;" */
static void reuse_spans (const cp_corpus *c, char *out, size_t cap) {
  const cp_seg *s = cp_corpus_seg(c, 0);
  size_t k, len, n = 0;
  out[0] = '\0';
  for (k = 0; k < cp_seg_nspansets(s); k++) {
    const char *name = cp_seg_spanset_name(s, k, &len);
    uint32_t i;
    if (len != 5 || memcmp(name, "reuse", 5) != 0) continue;
    for (i = 0; i < cp_seg_nspans(s, k); i++) {
      uint32_t st, en;
      size_t it = 0;
      cp_attr a;
      cp_seg_span(s, k, i, &st, &en);
      n += (size_t)snprintf(out + n, cap - n, "%u-%u", st, en);
      while (cp_seg_span_attr_next(s, k, i, &it, &a))
        n += (size_t)snprintf(out + n, cap - n, ":%.*s=%.*s", (int)a.keylen,
                              a.key, (int)a.vallen, a.val);
      n += (size_t)snprintf(out + n, cap - n, ";");
    }
  }
}

static void test_keep (void) {
  const char *text = "the quick brown fox jumps over the lazy dog while the "
                     "farmer sleeps soundly in the old barn near the river";
  const char *other = "nothing at all in common with that one";
  cp_docin d[3];
  cp_err err;
  cp_corpus *c = cp_corpus_new(NULL, &err);
  cp_reuse_opt o;
  cp_reuse r;
  uint64_t kept = 0;
  char got[512];
  cp_docinfo di;
  memset(d, 0, sizeof(d));
  d[0].id = "x"; d[0].idlen = 1; d[0].text = text; d[0].textlen = strlen(text);
  d[1].id = "y"; d[1].idlen = 1; d[1].text = other; d[1].textlen = strlen(other);
  d[2].id = "z"; d[2].idlen = 1; d[2].text = text; d[2].textlen = strlen(text);
  TAP_OK(c != NULL && cp_corpus_add(c, d, 3, &err) == CP_OK, "corpus of three");
  cp_reuse_opt_init(&o);
  TAP_OK(cp_reuse_find(c, NULL, &o, &r, &err) == CP_OK && r.n == 1, "one passage");
  TAP_OK(cp_reuse_keep(c, NULL, &r, &kept, &err) == CP_OK && kept == 2,
         "both sides kept (%llu)", (unsigned long long)kept);
  reuse_spans(c, got, sizeof(got));
  TAP_OK(strcmp(got, "0-21:cluster=1:other=z;29-50:cluster=1:other=x;") == 0,
         "spans over the passages' tokens, with cluster and other (%s)", got);
  TAP_OK(cp_corpus_seg_rewritten(c, 0), "the segment is marked rewritten");
  TAP_OK(cp_seg_ndocs(cp_corpus_seg(c, 0)) == 3
         && cp_seg_doc(cp_corpus_seg(c, 0), 1, &di) == CP_OK
         && di.textlen == strlen(other) && memcmp(di.text, other, di.textlen) == 0,
         "documents keep their numbers and texts");
  cp_reuse_free(&r);
  /* kept again with nothing found: the set is emptied, not added to */
  o.min = 100;
  TAP_OK(cp_reuse_find(c, NULL, &o, &r, &err) == CP_OK && r.n == 0
         && cp_reuse_keep(c, NULL, &r, &kept, &err) == CP_OK && kept == 0,
         "a second keep with no passage");
  reuse_spans(c, got, sizeof(got));
  TAP_OK(got[0] == '\0', "replaces the set (left: '%s')", got);
  cp_reuse_free(&r);
  TAP_OK(cp_reuse_keep(NULL, NULL, &r, &kept, &err) == CP_EINVAL,
         "no corpus is refused");
  cp_corpus_free(c);
}

int main (void) {
  test_align();
  test_driver();
  test_keep();
  return tap_done();
}
