/*
** stats_test.c -- the statistics math against hand-computed values:
** association measures of one 2x2 table, keyness of one term,
** dispersion of a small distribution, id tables.
*/
#include <math.h>
#include <string.h>

#include "tap.h"
#include "stats.h"

static int near (double a, double b) {
  return fabs(a - b) <= 1e-12 * (fabs(b) > 1 ? fabs(b) : 1);
}

static void test_assoc (void) {
  /* O11 = 10, node window slots R1 = 100, collocate C1 = 50, N = 10000:
  ** E11 = 100*50/10000 = 0.5 */
  cp_ctab t = {10, 100, 50, 10000};
  TAP_OK(near(cp_am(&t, CP_AM_OBS), 10), "obs is O11");
  TAP_OK(near(cp_am(&t, CP_AM_EXP), 0.5), "exp = R1*C1/N = 0.5");
  TAP_OK(near(cp_am(&t, CP_AM_MI), log2(20.0)), "MI = log2(10/0.5)");
  TAP_OK(near(cp_am(&t, CP_AM_MI3), log2(1000.0 / 0.5)), "MI3 = log2(10^3/0.5)");
  TAP_OK(near(cp_am(&t, CP_AM_T), 9.5 / sqrt(10.0)), "t = 9.5/sqrt(10)");
  TAP_OK(near(cp_am(&t, CP_AM_Z), 9.5 / sqrt(0.5)), "z = 9.5/sqrt(0.5)");
  TAP_OK(near(cp_am(&t, CP_AM_DICE), 2.0 / 15.0), "Dice = 20/150");
  TAP_OK(near(cp_am(&t, CP_AM_LOGDICE), 14 + log2(2.0 / 15.0)),
         "logDice = 14 + log2(Dice)");
  /* cells 10, 90, 40, 9860; expected 0.5, 99.5, 49.5, 9850.5 */
  TAP_OK(near(cp_am(&t, CP_AM_LLR),
              2 * (10 * log(10 / 0.5) + 40 * log(40 / 49.5)
                   + 90 * log(90 / 99.5) + 9860 * log(9860 / 9850.5))),
         "G2 = 2 sum O ln(O/E) over the four cells (%.12g)",
         cp_am(&t, CP_AM_LLR));
  TAP_OK(near(cp_am(&t, CP_AM_LLR), 43.81371197162112), "G2 = 43.8137...");
  TAP_OK(near(cp_am(&t, CP_AM_CHI2),
              9.5 * 9.5 / 0.5 + 9.5 * 9.5 / 99.5 + 9.5 * 9.5 / 49.5
              + 9.5 * 9.5 / 9850.5), "chi2 = sum (O-E)^2/E (%.12g)",
         cp_am(&t, CP_AM_CHI2));
  TAP_OK(cp_am_id("logdice") == CP_AM_LOGDICE && cp_am_id("nope") == -1,
         "measure names");
  TAP_OK(strcmp(cp_am_name(CP_AM_LLR), "llr") == 0, "measure name of LLR");
  t.n = 0;
  TAP_OK(isnan(cp_am(&t, CP_AM_MI)), "degenerate table gives NaN");
}

static void test_keyness (void) {
  cp_key k;
  /* 100 in a 10,000-token target, 50 in a 20,000-token reference:
  ** relative frequencies 0.01 and 0.0025, ratio 4 */
  cp_keyness_calc(100, 50, 10000, 20000, &k);
  TAP_OK(near(k.logratio, 2.0), "log ratio = log2(4)");
  TAP_OK(near(k.pdiff, 300.0), "%%DIFF = 300");
  /* cells 100, 50, 9900, 19950; E = 50, 100, 9950, 19900 */
  TAP_OK(near(k.g2, 2 * (100 * log(2.0) + 50 * log(0.5)
                         + 9900 * log(9900 / 9950.0)
                         + 19950 * log(19950 / 19900.0))),
         "G2 over the four cells (%.12g)", k.g2);
  TAP_OK(near(k.chi2, 2500.0 / 50 + 2500.0 / 100 + 2500.0 / 9950
              + 2500.0 / 19900), "chi2 (%.12g)", k.chi2);
  TAP_OK(near(k.p, erfc(sqrt(k.g2 / 2))) && k.p < 1e-15, "p of G2");
  cp_keyness_calc(50, 100, 20000, 10000, &k);
  TAP_OK(k.g2 < 0 && k.chi2 < 0 && near(k.logratio, -2.0),
         "a relatively rarer term has negative G2, chi2, log ratio");
  cp_keyness_calc(7, 0, 1000, 1000, &k);
  TAP_OK(near(k.logratio, log2(7 / 0.5)) && isinf(k.pdiff),
         "zero in the reference: 0.5 for log ratio, inf for %%DIFF");
  TAP_OK(near(cp_chi2_p1(3.841458820694124), 0.05), "chi2(1) 3.84 -> p 0.05");
}

static void test_disp (void) {
  double f[3] = {1, 2, 3}, s[3] = {10, 10, 10}, dpn;
  double f2[3] = {0, 0, 6}, s2[3] = {10, 20, 30};
  /* p = .1 .2 .3: mean .2, sd sqrt(.02/3), D = 1 - (sd/mean)/sqrt 2 */
  TAP_OK(near(cp_juilland_d(f, s, 3), 1 - (sqrt(0.02 / 3) / 0.2) / sqrt(2.0)),
         "Juilland D of 1,2,3 in equal parts");
  TAP_OK(near(cp_gries_dp(f, s, 3, &dpn), 1.0 / 6) && near(dpn, 0.25),
         "DP of 1,2,3 in equal parts = 1/6, DPnorm = 1/4");
  /* all in the last part (half the corpus): DP = .5*(1/6+1/3+1/2) */
  TAP_OK(near(cp_gries_dp(f2, s2, 3, &dpn), 0.5) && near(dpn, 0.5 / (5.0 / 6)),
         "DP of everything in one half-corpus part = 0.5");
  TAP_OK(near(cp_juilland_d(f2, s2, 3), 1 - sqrt(2.0) / sqrt(2.0)),
         "Juilland D with one non-zero part of three is 0");
  TAP_OK(isnan(cp_juilland_d(f, s, 1)), "D undefined for one part");
}

static void test_idtab (void) {
  cp_idtab h;
  uint32_t k1[2] = {1, 2}, k2[2] = {2, 1};
  cp_idtab_init(&h, 2);
  cp_idtab_add(&h, k1, 0);
  cp_idtab_add(&h, k1, 0);
  cp_idtab_add(&h, k2, 0);
  cp_idtab_add(&h, k1, 3);
  TAP_OK(h.count == 2 && h.cnt[0] == 3 && h.df[0] == 2 && h.cnt[1] == 1,
         "id tuples counted with document frequency");
  {
    uint32_t k[2];
    size_t i;
    int ok = 1;
    for (i = 0; i < 100000; i++) {
      k[0] = (uint32_t)(i % 5000); k[1] = (uint32_t)(i % 7);
      if (!cp_idtab_add(&h, k, i / 1000)) ok = 0;
    }
    /* (i%5000, i%7) repeats with period 35000: 35000 distinct keys,
    ** (1,2) and (2,1) among them */
    TAP_OK(ok && h.count == 35000, "35000 distinct pairs after growth (%zu)",
           h.count);
  }
  cp_idtab_free(&h);
}

/* cp_rank_rows against a full sort: the k best, in order, ties by key */
static void test_rank (void) {
  enum { N = 2000 };
  static cp_srow r[N], all[N];
  size_t i, k;
  int ok = 1;
  uint64_t x = 12345;
  for (i = 0; i < N; i++) {
    x = x * 6364136223846793005u + 1442695040888963407u;
    all[i].v = (double)((x >> 33) % 50);      /* many ties */
    if (i % 97 == 0) all[i].v = NAN;          /* NaN sorts last */
    all[i].key = (x >> 7) % 100000;
    all[i].i = i;
  }
  memcpy(r, all, sizeof(r));
  TAP_OK(cp_rank_rows(r, N, 0) == N, "k = 0 keeps every row");
  for (i = 1; i < N && ok; i++) {
    int nan0 = isnan(r[i - 1].v), nan1 = isnan(r[i].v);
    if (nan0 && !nan1) ok = 0;
    else if (!nan0 && !nan1 && (r[i - 1].v < r[i].v ||
             (r[i - 1].v == r[i].v && r[i - 1].key > r[i].key))) ok = 0;
  }
  TAP_OK(ok && !isnan(r[0].v) && isnan(r[N - 1].v),
         "sorted: value descending, ties by key, NaN last");
  for (k = 1; k <= N; k = k * 3 + 1) {
    static cp_srow t[N];
    size_t j, n;
    memcpy(t, all, sizeof(t));
    n = cp_rank_rows(t, N, k);
    ok = n == (k < N ? k : N);
    for (j = 0; j < n && ok; j++)
      if (t[j].i != r[j].i) ok = 0;
    TAP_OK(ok, "the best %zu are the first %zu of the full sort", k, k);
  }
  TAP_OK(cp_rank_rows(NULL, 5, 2) == 0 && cp_rank_rows(r, 0, 3) == 0, "NULL or empty: 0");
}

int main (void) {
  test_rank();
  test_assoc();
  test_keyness();
  test_disp();
  test_idtab();
  return tap_done();
}
