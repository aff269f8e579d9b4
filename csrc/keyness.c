/*
** keyness.c -- keywords of a target subcorpus against a reference: the
** two frequency lists (cp_freq, possibly of two corpora) are joined by
** string and each term gets the statistics of cp_keyness_calc.
*/
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "stats.h"

int cp_keyness (const cp_terms *t, const cp_terms *r, int bonferroni,
                cp_keyrow **rows, size_t *nrows, cp_err *err) {
  cp_keyrow *v;
  size_t i, n = 0, max;
  double c, d;
  if (t == NULL || r == NULL || rows == NULL || nrows == NULL)
    return cp_err_set(err, CP_EINVAL, "bad arguments to keyness");
  *rows = NULL;
  *nrows = 0;
  if (t->tokens == 0 || r->tokens == 0)
    return cp_err_set(err, CP_EINVAL, "the %s subcorpus is empty",
                      t->tokens == 0 ? "target" : "reference");
  if ((t->n > 0 && t->nslot == 0) || (r->n > 0 && r->nslot == 0))
    return cp_err_set(err, CP_EINVAL, "keyness needs unsorted term lists");
  max = t->n + r->n;
  v = (cp_keyrow *)malloc((max ? max : 1) * sizeof(cp_keyrow));
  if (v == NULL) return cp_err_set(err, CP_ENOMEM, "out of memory");
  c = (double)t->tokens;
  d = (double)r->tokens;
  for (i = 0; i < t->n; i++) {
    int64_t j = cp_terms_find(r, t->v[i].str, t->v[i].len);
    v[n].str = t->v[i].str;
    v[n].len = t->v[i].len;
    v[n].a = t->v[i].count;
    v[n].b = (j >= 0) ? r->v[j].count : 0;
    n++;
  }
  for (i = 0; i < r->n; i++) {
    if (cp_terms_find(t, r->v[i].str, r->v[i].len) >= 0) continue;
    v[n].str = r->v[i].str;
    v[n].len = r->v[i].len;
    v[n].a = 0;
    v[n].b = r->v[i].count;
    n++;
  }
  for (i = 0; i < n; i++) {
    cp_keyness_calc((double)v[i].a, (double)v[i].b, c, d, &v[i].k);
    if (bonferroni) {
      v[i].k.p *= (double)n;
      if (v[i].k.p > 1.0) v[i].k.p = 1.0;
    }
  }
  *rows = v;
  *nrows = n;
  return CP_OK;
}

/* value descending (NaN last), then string ascending */
static int cmp_rows (const cp_keyrow *a, const cp_keyrow *b, double va,
                     double vb) {
  size_t m;
  int rc;
  if (va != vb) {
    if (isnan(va)) return 1;
    if (isnan(vb)) return -1;
    return (va < vb) ? 1 : -1;
  }
  m = a->len < b->len ? a->len : b->len;
  rc = memcmp(a->str, b->str, m);
  if (rc != 0) return rc;
  return (a->len > b->len) - (a->len < b->len);
}

/* one comparator per statistic: qsort has no context argument */
#define A ((const cp_keyrow *)x)
#define B ((const cp_keyrow *)y)
static int by_g2 (const void *x, const void *y) {
  return cmp_rows(A, B, A->k.g2, B->k.g2);
}
static int by_chi2 (const void *x, const void *y) {
  return cmp_rows(A, B, A->k.chi2, B->k.chi2);
}
static int by_lr (const void *x, const void *y) {
  return cmp_rows(A, B, A->k.logratio, B->k.logratio);
}
static int by_pdiff (const void *x, const void *y) {
  return cmp_rows(A, B, A->k.pdiff, B->k.pdiff);
}
#undef A
#undef B

void cp_keyness_sort (cp_keyrow *rows, size_t n, int by) {
  int (*cmp) (const void *, const void *) =
      by == CP_K_CHI2 ? by_chi2 : by == CP_K_LOGRATIO ? by_lr
    : by == CP_K_PDIFF ? by_pdiff : by_g2;
  if (n > 1) qsort(rows, n, sizeof(cp_keyrow), cmp);
}
