/*
** assoc.c -- association measures of 2x2 contingency tables and the
** keyness statistics of a term in two subcorpora.  Pure functions of
** counts: the counting lives in colloc.c and keyness.c.  The formulas
** and their sources are in docs/STATS.md (Evert 2008 for the
** association measures, Rychly 2008 for logDice, Rayson & Garside 2000
** / Dunning 1993 for G^2, Hardie 2014 for Log Ratio, Gabrielatos &
** Marchi 2012 for %DIFF).
*/
#include <math.h>
#include <string.h>

#include "stats.h"

static const char *const am_names[CP_AM_NMEASURES] = {
  "obs", "exp", "mi", "mi3", "t", "z", "llr", "chi2", "dice", "logdice"
};

int cp_am_id (const char *name) {
  int i;
  if (name == NULL) return -1;
  for (i = 0; i < CP_AM_NMEASURES; i++)
    if (strcmp(name, am_names[i]) == 0) return i;
  return -1;
}

const char *cp_am_name (int am) {
  return (am >= 0 && am < CP_AM_NMEASURES) ? am_names[am] : NULL;
}

/* O ln(O/E) with the convention 0 ln 0 = 0 */
static double xlogx (double o, double e) {
  return (o > 0) ? o * log(o / e) : 0.0;
}

/*
** G^2 of a full 2x2 table given as its four cells.  The cells are
** summed in the order (11, 21, 12, 22), the order NLTK uses, so that the
** oracle comparison is not disturbed by rounding of a different order.
*/
static double g2_cells (double o11, double o12, double o21, double o22) {
  double n = o11 + o12 + o21 + o22;
  double r1 = o11 + o12, r2 = o21 + o22, c1 = o11 + o21, c2 = o12 + o22;
  return 2.0 * (xlogx(o11, r1 * c1 / n) + xlogx(o21, r2 * c1 / n)
              + xlogx(o12, r1 * c2 / n) + xlogx(o22, r2 * c2 / n));
}

/* Pearson X^2 of a 2x2 table: N (ad - bc)^2 / (product of margins) */
static double chi2_cells (double o11, double o12, double o21, double o22) {
  double n = o11 + o12 + o21 + o22;
  double den = (o11 + o12) * (o21 + o22) * (o11 + o21) * (o12 + o22);
  double d = o11 * o22 - o12 * o21;
  return (den > 0) ? n * (d * d / den) : 0.0;
}

/*
** Measure 'am' of table 't'.  The table is (O11, R1, C1, N); the other
** cells follow: O12 = R1-O11, O21 = C1-O11, O22 = N-R1-C1+O11.
*/
double cp_am (const cp_ctab *t, int am) {
  double o, r1, c1, n, e;
  if (t == NULL) return NAN;
  o = t->o11; r1 = t->r1; c1 = t->c1; n = t->n;
  if (!(n > 0)) return NAN;
  e = r1 * c1 / n;
  switch (am) {
    case CP_AM_OBS: return o;
    case CP_AM_EXP: return e;
    case CP_AM_MI:  return log2(o * n) - log2(r1 * c1);
    case CP_AM_MI3: return 3.0 * log2(o) + log2(n) - log2(r1 * c1);
    case CP_AM_T:   return (o - e) / sqrt(o);
    case CP_AM_Z:   return (o - e) / sqrt(e);
    case CP_AM_LLR: return g2_cells(o, r1 - o, c1 - o, n - r1 - c1 + o);
    case CP_AM_CHI2: return chi2_cells(o, r1 - o, c1 - o, n - r1 - c1 + o);
    case CP_AM_DICE: return 2.0 * o / (r1 + c1);
    case CP_AM_LOGDICE: return 14.0 + log2(2.0 * o / (r1 + c1));
    default: return NAN;
  }
}

double cp_chi2_p1 (double x) {
  if (!(x > 0)) return 1.0;
  return erfc(sqrt(x / 2.0));
}

/*
** Keyness: the table has the term's counts a (target) and b
** (reference) in its first row and the rest of each subcorpus in the
** second, so the columns are the subcorpora (sizes c and d).
*/
void cp_keyness_calc (double a, double b, double c, double d, cp_key *k) {
  double sign = (a * d >= b * c) ? 1.0 : -1.0;
  double ra, rb;
  if (k == NULL) return;
  k->g2 = sign * g2_cells(a, b, c - a, d - b);
  k->chi2 = sign * chi2_cells(a, b, c - a, d - b);
  ra = ((a > 0) ? a : 0.5) / c;
  rb = ((b > 0) ? b : 0.5) / d;
  k->logratio = log2(ra / rb);
  if (b > 0) k->pdiff = (a / c - b / d) * 100.0 / (b / d);
  else k->pdiff = (a > 0) ? HUGE_VAL : 0.0;
  k->p = cp_chi2_p1(fabs(k->g2));
}
