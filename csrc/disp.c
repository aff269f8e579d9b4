/*
** disp.c -- dispersion measures over parts of a corpus (here: its
** documents): pure functions, and the per-document counting of the
** matches of a query (cp_dispersion).  Formulas
** in docs/STATS.md: Juilland et al. 1970 (D), Gries 2008 (DP),
** Lijffijt & Gries 2012 (DPnorm).
*/
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "stats.h"

/*
** Juilland's D over relative frequencies, since documents differ in
** length: with equal part sizes this is the classical D.
*/
double cp_juilland_d (const double *f, const double *s, size_t n) {
  double sum = 0, sq = 0, mean, sd;
  size_t i, k = 0;
  if (f == NULL || s == NULL) return NAN;
  for (i = 0; i < n; i++)
    if (s[i] > 0) { sum += f[i] / s[i]; k++; }
  if (k < 2 || !(sum > 0)) return NAN;
  mean = sum / (double)k;
  for (i = 0; i < n; i++)
    if (s[i] > 0) {
      double dv = f[i] / s[i] - mean;
      sq += dv * dv;
    }
  sd = sqrt(sq / (double)k);
  return 1.0 - (sd / mean) / sqrt((double)(k - 1));
}

double cp_gries_dp (const double *f, const double *s, size_t n,
                    double *dpnorm) {
  double F = 0, S = 0, dp = 0, smin = HUGE_VAL;
  size_t i, k = 0;
  if (f == NULL || s == NULL) n = 0;
  for (i = 0; i < n; i++)
    if (s[i] > 0) {
      F += f[i]; S += s[i]; k++;
      if (s[i] < smin) smin = s[i];
    }
  if (k < 2 || !(F > 0)) {
    if (dpnorm) *dpnorm = NAN;
    return NAN;
  }
  for (i = 0; i < n; i++)
    if (s[i] > 0) dp += fabs(f[i] / F - s[i] / S);
  dp *= 0.5;
  if (dpnorm) *dpnorm = dp / (1.0 - smin / S);
  return dp;
}


/* {================================================================
** Per-document counts of matches
** ================================================================= */

void cp_disp_free (cp_disp *d) {
  free(d->doc); free(d->size); free(d->count); free(d->first); free(d->pos);
  memset(d, 0, sizeof(*d));
}

/*
** Every counted document is a part (also those without a match, which
** matter to D and DP).  A match belongs to the document of its start;
** its position is the token index of its start within the document.
*/
int cp_dispersion (cp_corpus *c, const cp_sopt *o, const cp_match *m,
                   size_t n, cp_disp *out, cp_err *err) {
  size_t ns, si, j = 0, part = 0, cap = 0;
  cp_glex g;
  int rc;
  if (out == NULL) return cp_err_set(err, CP_EINVAL, "no output");
  memset(out, 0, sizeof(*out));
  if (c == NULL || (n > 0 && m == NULL))
    return cp_err_set(err, CP_EINVAL, "bad arguments to dispersion");
  if ((rc = cp_sopt_check(o, err)) != CP_OK) return rc;
  if ((rc = cp_corpus_flush(c, err)) != CP_OK) return rc;
  /* the view needs a lexicon map; the layer does not matter here */
  if ((rc = cp_glex_build_sopt(c, o, &g, err)) != CP_OK) return rc;
  ns = cp_corpus_nsegs(c);
  for (si = 0; si < ns; si++) cap += cp_seg_ndocs(cp_corpus_seg(c, si));
  out->doc = (uint64_t *)malloc((cap ? cap : 1) * sizeof(uint64_t));
  out->size = (uint64_t *)malloc((cap ? cap : 1) * sizeof(uint64_t));
  out->count = (uint64_t *)calloc(cap ? cap : 1, sizeof(uint64_t));
  out->first = (size_t *)malloc((cap + 1) * sizeof(size_t));
  out->pos = (uint32_t *)malloc((n ? n : 1) * sizeof(uint32_t));
  if (!out->doc || !out->size || !out->count || !out->first || !out->pos) {
    cp_glex_free(&g);
    return cp_err_set(err, CP_ENOMEM, "out of memory");
  }
  for (si = 0; si < ns && rc == CP_OK; si++) {
    cp_view v;
    uint32_t d;
    if ((rc = cp_view_open(c, si, o, &g, &v, err)) != CP_OK) break;
    for (d = 0; d < v.ndocs; d++) {
      uint32_t t0, t1, p;
      uint64_t size = 0, gstart, gstop;
      if (cp_view_doc(&v, d, &t0, &t1) != CP_OK) {
        rc = cp_err_set(err, CP_ECORRUPT, "bad document %u", d);
        break;
      }
      gstart = v.pos_base + t0;
      gstop = v.pos_base + t1;
      while (j < n && m[j].start < gstart) j++;   /* unselected docs */
      if (!v.on[d]) {
        while (j < n && m[j].start < gstop) j++;
        continue;
      }
      for (p = t0; p < t1; p++)
        if (v.map[v.stream[p]] != CP_SKIP) size++;
      out->doc[part] = v.doc_base + d;
      out->size[part] = size;
      out->first[part] = out->matches;
      while (j < n && m[j].start < gstop) {
        out->pos[out->matches++] = (uint32_t)(m[j].start - gstart);
        out->count[part]++;
        j++;
      }
      part++;
    }
    cp_view_close(&v);
  }
  out->first[part] = out->matches;
  out->nparts = part;
  cp_glex_free(&g);
  return rc;
}

/* }================================================================ */
