/*
** disp.c -- dispersion measures over parts of a corpus (here: its
** documents).  Pure functions; the per-document counting is done by the
** binding from the matches of a query (see cp_disp_count).  Formulas
** in docs/STATS.md: Juilland et al. 1970 (D), Gries 2008 (DP),
** Lijffijt & Gries 2012 (DPnorm).
*/
#include <math.h>

#include "stats.h"

/*
** Juilland's D over relative frequencies, since documents differ in
** length: with equal part sizes this is the classical D.
*/
double cp_juilland_d (const double *f, const double *s, size_t n) {
  double sum = 0, sq = 0, mean, sd;
  size_t i, k = 0;
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
