/*
** counts_test.c -- the partial counts of sharded analyses (counts.c):
** parts saved and summed to hand-computed totals; parts of another
** lexicon, window or analysis, damaged and missing parts refused.
*/
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "tap.h"
#include "stats.h"

static const char *STR3[] = {"a", "b", "c"};
static const char *OTHER3[] = {"a", "b", "d"};
static uint32_t LEN3[] = {1, 1, 1};

static void lex3 (cp_glex *g, const char **str) {
  memset(g, 0, sizeof(*g));
  g->n = 3;
  g->str = str;
  g->len = LEN3;
}

/* a pairs table borrowing the arrays given (freed by the caller) */
static void grams (cp_grams *g, uint32_t *keys, uint64_t *cnt, size_t m,
                   uint64_t *freq, uint64_t tokens, uint64_t ndocs) {
  memset(g, 0, sizeof(*g));
  lex3(&g->lex, STR3);
  g->tab.n = 2;
  g->tab.keys = keys;
  g->tab.cnt = cnt;
  g->tab.count = m;
  g->freq = freq;
  g->tokens = tokens;
  g->ndocs = ndocs;
}

static void free_sum (cp_grams *g) {   /* the lexicon is borrowed */
  cp_idtab_free(&g->tab);
  free(g->freq);
}

static void test_pairs (const char *p1, const char *p2) {
  uint32_t k1[] = {1, 2, 0, 1}, k2[] = {0, 1, 2, 0};
  uint64_t c1[] = {1, 2}, c2[] = {1, 4}, f1[] = {3, 2, 1}, f2[] = {1, 0, 4};
  const char *paths[2];
  cp_grams a, b, s;
  cp_err e;
  size_t len;
  char *img;
  FILE *f;
  grams(&a, k1, c1, 2, f1, 6, 1);      /* not in key order */
  grams(&b, k2, c2, 2, f2, 5, 2);
  TAP_OK(cp_pairs_save(p1, &a, 2, &e) == CP_OK, "pairs part 1 saved");
  TAP_OK(cp_pairs_save(p2, &b, 2, &e) == CP_OK, "pairs part 2 saved");
  paths[0] = p1; paths[1] = p2;
  memset(&s, 0, sizeof(s));
  lex3(&s.lex, STR3);
  TAP_OK(cp_pairs_sum(paths, 2, 2, NULL, &s, &e) == CP_OK, "pairs summed");
  TAP_OK(s.tab.count == 3 && s.sorted, "3 distinct pairs, in key order");
  TAP_OK(s.tab.keys[0] == 0 && s.tab.keys[1] == 1 && s.tab.cnt[0] == 3,
         "(a, b): 2 + 1");
  TAP_OK(s.tab.keys[2] == 1 && s.tab.keys[3] == 2 && s.tab.cnt[1] == 1, "(b, c): 1");
  TAP_OK(s.tab.keys[4] == 2 && s.tab.keys[5] == 0 && s.tab.cnt[2] == 4, "(c, a): 4");
  TAP_OK(s.freq[0] == 4 && s.freq[1] == 2 && s.freq[2] == 5, "frequencies add");
  TAP_OK(s.tokens == 11 && s.ndocs == 3, "sizes add");
  free_sum(&s);
  memset(&s, 0, sizeof(s));
  lex3(&s.lex, STR3);
  TAP_OK(cp_pairs_sum(paths, 2, 3, NULL, &s, &e) == CP_ECORRUPT
         && strstr(e.msg, "window 2, not 3") != NULL, "another window: %s", e.msg);
  free_sum(&s);
  memset(&s, 0, sizeof(s));
  lex3(&s.lex, OTHER3);
  TAP_OK(cp_pairs_sum(paths, 2, 2, NULL, &s, &e) == CP_ECORRUPT
         && strstr(e.msg, "another index or layer") != NULL, "another lexicon: %s", e.msg);
  free_sum(&s);
  /* a flipped byte */
  img = readfile(p2, &len);
  TAP_OK(img != NULL && len > 60, "part 2 read back");
  if (img != NULL && len > 60) {
    img[50] ^= 1;
    f = fopen(p2, "wb");
    fwrite(img, 1, len, f);
    fclose(f);
  }
  free(img);
  memset(&s, 0, sizeof(s));
  lex3(&s.lex, STR3);
  TAP_OK(cp_pairs_sum(paths, 2, 2, NULL, &s, &e) == CP_ECORRUPT
         && strstr(e.msg, "damaged") != NULL, "a flipped byte: %s", e.msg);
  free_sum(&s);
  remove(p2);
  memset(&s, 0, sizeof(s));
  lex3(&s.lex, STR3);
  TAP_OK(cp_pairs_sum(paths, 2, 2, NULL, &s, &e) == CP_ENOENT, "a missing part: %s", e.msg);
  free_sum(&s);
  TAP_OK(cp_pairs_save(p2, &b, 1, &e) == CP_EINVAL, "window 1 is misuse");
  {
    cp_budget bud;
    TAP_OK(cp_pairs_save(p2, &b, 2, &e) == CP_OK, "pairs part 2 saved again");
    cp_budget_start(&bud, 0, 16, 0);      /* room for one summed pair */
    memset(&s, 0, sizeof(s));
    lex3(&s.lex, STR3);
    TAP_OK(cp_pairs_sum(paths, 2, 2, &bud, &s, &e) == CP_ELIMIT
           && strstr(e.msg, "max_mem") != NULL, "the summed pairs past max_mem: %s", e.msg);
    free_sum(&s);
    cp_budget_start(&bud, 5, 0, 0);       /* 5 units: less than one part */
    memset(&s, 0, sizeof(s));
    lex3(&s.lex, STR3);
    TAP_OK(cp_pairs_sum(paths, 2, 2, &bud, &s, &e) == CP_ELIMIT, "past max_work: %s", e.msg);
    free_sum(&s);
  }
}

static void test_coll (const char *p1, const char *p2) {
  uint32_t i1[] = {2, 0}, i2[] = {0};
  uint64_t o1[] = {5, 1}, o2[] = {2}, f1[] = {4, 1, 6}, f2[] = {3, 0, 0};
  const char *paths[2];
  cp_coll a, b, s;
  cp_grams g;
  cp_err e;
  memset(&a, 0, sizeof(a));
  memset(&b, 0, sizeof(b));
  lex3(&a.lex, STR3);
  lex3(&b.lex, STR3);
  a.ids = i1; a.obs = o1; a.n = 2; a.freq = f1; a.r1 = 8; a.nodes = 2;
  a.tokens = 11; a.ndocs = 1;
  b.ids = i2; b.obs = o2; b.n = 1; b.freq = f2; b.r1 = 3; b.nodes = 1;
  b.tokens = 3; b.ndocs = 1;
  TAP_OK(cp_coll_save(p1, &a, 2, 1, &e) == CP_OK, "collocates part 1 saved");
  TAP_OK(cp_coll_save(p2, &b, 2, 1, &e) == CP_OK, "collocates part 2 saved");
  paths[0] = p1; paths[1] = p2;
  memset(&s, 0, sizeof(s));
  lex3(&s.lex, STR3);
  TAP_OK(cp_coll_sum(paths, 2, 2, 1, NULL, &s, &e) == CP_OK, "collocates summed");
  TAP_OK(s.n == 2 && s.ids[0] == 0 && s.obs[0] == 3 && s.ids[1] == 2 && s.obs[1] == 5,
         "co-occurrences add, ids ascending");
  TAP_OK(s.freq[0] == 7 && s.freq[2] == 6 && s.r1 == 11 && s.nodes == 3
         && s.tokens == 14 && s.ndocs == 2, "frequencies, region, nodes and sizes add");
  free(s.ids); free(s.obs); free(s.freq);
  memset(&s, 0, sizeof(s));
  lex3(&s.lex, STR3);
  TAP_OK(cp_coll_sum(paths, 2, 1, 2, NULL, &s, &e) == CP_ECORRUPT, "another window: %s", e.msg);
  free(s.ids); free(s.obs); free(s.freq);
  memset(&g, 0, sizeof(g));
  lex3(&g.lex, STR3);
  TAP_OK(cp_pairs_sum(paths, 2, 2, NULL, &g, &e) == CP_ECORRUPT
         && strstr(e.msg, "another analysis") != NULL, "collocates read as pairs: %s", e.msg);
  free_sum(&g);
}

static void test_keyness (const char *p1, const char *p2) {
  uint64_t t1[] = {1, 0, 2}, r1[] = {0, 5, 1}, t2[] = {2, 0, 0}, r2[] = {1, 1, 1};
  const char *paths[2];
  cp_flist t, r, st, sr;
  cp_err e;
  memset(&t, 0, sizeof(t));
  memset(&r, 0, sizeof(r));
  lex3(&t.lex, STR3);
  lex3(&r.lex, STR3);
  t.count = t1; t.tokens = 3; t.ndocs = 1;
  r.count = r1; r.tokens = 6; r.ndocs = 2;
  TAP_OK(cp_keyness_save(p1, &t, &r, &e) == CP_OK, "keyness part 1 saved");
  t.count = t2; t.tokens = 2;
  r.count = r2; r.tokens = 3;
  TAP_OK(cp_keyness_save(p2, &t, &r, &e) == CP_OK, "keyness part 2 saved");
  paths[0] = p1; paths[1] = p2;
  memset(&st, 0, sizeof(st));
  memset(&sr, 0, sizeof(sr));
  lex3(&st.lex, STR3);
  lex3(&sr.lex, STR3);
  TAP_OK(cp_keyness_sum(paths, 2, NULL, &st, &sr, &e) == CP_OK, "keyness summed");
  TAP_OK(st.count[0] == 3 && st.count[1] == 0 && st.count[2] == 2 && st.tokens == 5
         && st.ndocs == 2, "the target's counts and size add");
  TAP_OK(sr.count[0] == 1 && sr.count[1] == 6 && sr.count[2] == 2 && sr.tokens == 9
         && sr.ndocs == 4, "the reference's counts and size add");
  free(st.count); free(st.docs); free(sr.count); free(sr.docs);
}

int main (void) {
  char p1[64], p2[64];
  snprintf(p1, sizeof(p1), "/tmp/cp_counts_test_%d_1", (int)getpid());
  snprintf(p2, sizeof(p2), "/tmp/cp_counts_test_%d_2", (int)getpid());
  test_pairs(p1, p2);
  test_coll(p1, p2);
  test_keyness(p1, p2);
  remove(p1);
  remove(p2);
  return tap_done();
}
