/*
** keyness.c -- keywords of a target subcorpus against a reference: the
** two frequency lists (cp_freq, possibly of two corpora) are joined by
** string and each term gets the statistics of cp_keyness_calc.
*/
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "stats.h"

static int cmp_bytes (const char *a, size_t la, const char *b, size_t lb) {
  size_t m = la < lb ? la : lb;
  int r = m ? memcmp(a, b, m) : 0;
  if (r != 0) return r;
  return (la > lb) - (la < lb);
}

/*
** Both lexicons are sorted bytewise, so the join is a merge.  Terms
** with a zero count on both sides (types of deselected documents) are
** not rows.
*/
int cp_keyness (const cp_flist *t, const cp_flist *r, int bonferroni,
                cp_keyrow **rows, size_t *nrows, cp_err *err) {
  cp_keyrow *v;
  size_t n = 0, k, max;
  uint32_t i = 0, j = 0;
  double c, d;
  if (t == NULL || r == NULL || rows == NULL || nrows == NULL)
    return cp_err_set(err, CP_EINVAL, "bad arguments to keyness");
  *rows = NULL;
  *nrows = 0;
  if (t->tokens == 0 || r->tokens == 0)
    return cp_err_set(err, CP_EEMPTY, "the %s subcorpus is empty",
                      t->tokens == 0 ? "target" : "reference");
  max = (size_t)t->lex.n + r->lex.n;
  v = (cp_keyrow *)malloc((max ? max : 1) * sizeof(cp_keyrow));
  if (v == NULL) return cp_err_set(err, CP_ENOMEM, "out of memory");
  c = (double)t->tokens;
  d = (double)r->tokens;
  while (i < t->lex.n || j < r->lex.n) {
    int cmp;
    if (i >= t->lex.n) cmp = 1;
    else if (j >= r->lex.n) cmp = -1;
    else cmp = cmp_bytes(t->lex.str[i], t->lex.len[i],
                         r->lex.str[j], r->lex.len[j]);
    if (cmp <= 0) {
      v[n].str = t->lex.str[i];
      v[n].len = t->lex.len[i];
    }
    else {
      v[n].str = r->lex.str[j];
      v[n].len = r->lex.len[j];
    }
    v[n].a = (cmp <= 0) ? t->count[i++] : 0;
    v[n].b = (cmp >= 0) ? r->count[j++] : 0;
    if (v[n].a + v[n].b > 0) n++;
  }
  for (k = 0; k < n; k++) {
    cp_keyness_calc((double)v[k].a, (double)v[k].b, c, d, &v[k].k);
    if (bonferroni) {
      v[k].k.p *= (double)n;
      if (v[k].k.p > 1.0) v[k].k.p = 1.0;
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
