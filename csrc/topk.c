/*
** topk.c -- the best k of n scored rows, best first (stats.h
** cp_rank_rows): the one top-k selection of the library, used by the
** association measures (collocates, collocations), the similarity sort
** (cp_similar_top) and BM25 search (cp_search).
**
** Quickselect puts the k best first, unordered (so a limit of 20 over
** 50,000 candidates does not sort them all), then those k are sorted.
** The order is total (value descending, NaN last, then key ascending),
** so the rows kept and their order do not depend on the input order.
*/
#include <math.h>
#include <stdlib.h>

#include "stats.h"

static int cmp_srow (const void *x, const void *y) {
  const cp_srow *a = (const cp_srow *)x, *b = (const cp_srow *)y;
  if (a->v != b->v) {
    if (isnan(a->v)) return isnan(b->v) ? 0 : 1;
    if (isnan(b->v)) return -1;
    return a->v < b->v ? 1 : -1;
  }
  return (a->key > b->key) - (a->key < b->key);
}

/* put the k best rows of r[0..n) first, unordered (Hoare quickselect) */
static void select_top (cp_srow *r, size_t n, size_t k) {
  size_t lo = 0, hi = n;              /* r[k-1] lies in [lo, hi) */
  if (k == 0 || k >= n) return;
  while (hi - lo > 1) {
    cp_srow pv = r[lo + (hi - lo - 1) / 2], t;
    size_t i = lo, j = hi - 1;
    /* afterwards [lo, j] <= pv <= [j+1, hi), with lo <= j < hi-1 */
    for (;;) {
      while (cmp_srow(&r[i], &pv) < 0) i++;
      while (cmp_srow(&r[j], &pv) > 0) j--;
      if (i >= j) break;
      t = r[i]; r[i] = r[j]; r[j] = t;
      i++; j--;
    }
    if (k - 1 <= j) hi = j + 1;
    else lo = j + 1;
  }
}

size_t cp_rank_rows (cp_srow *r, size_t n, size_t k) {
  if (r == NULL) return 0;
  if (k > 0 && k < n) {
    select_top(r, n, k);
    n = k;
  }
  if (n > 1) qsort(r, n, sizeof(cp_srow), cmp_srow);
  return n;
}
