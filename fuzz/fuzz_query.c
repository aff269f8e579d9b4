/*
** fuzz_query.c -- libFuzzer harness: query execution.  The input is
** read as a program that builds a random plan (plan.h): token
** conditions on every layer (terms, prefixes, globs, regexes, any,
** and/or/not), sequences with repetitions (the gap planner and the
** general matcher), phrases, NEAR, WITHIN, AND/OR/NOT, metadata.  The
** plan runs over a small corpus (built once) under a small work budget;
** it must succeed or fail cleanly, and when both succeed the count must
** equal the number of matches and the document count the number of
** distinct documents among them (anything else aborts: a wrong count).
** The same plan is ranked (cp_search): as many hits as matching
** documents, scores finite, non-negative and in order, each hit's
** matches in its document.
*/
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "corpus.h"
#include "exec.h"
#include "plan.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static const char *const texts[] = {
  "The coalition forces met in Rome. The ministers agreed to defeat ISIS "
  "and its foreign terrorist fighters!\n\nA new paragraph: fighters, "
  "forces; the coalition's plan (2014).",
  "Foreign fighters travel. Forces of the coalition said: \"We fight.\" "
  "Defeat, defeated, defeating -- the the the. Ok?",
  "caf\xc3\xa9 CAFE\xcc\x81 na\xc3\xafve \xe2\x80\x9cquoted\xe2\x80\x9d "
  "words. 3.5 million, 1,200 items; e-mail x@y.z",
  "",
  "a b a b a b target b target a x target",
};
static const char *const words[] = {
  "the", "coalition", "forces", "fighters", "defeat", "a", "b", "target",
  "foreign", "caf\xc3\xa9", "fight*", "de?eat", "(fight|force)s?", "t.*",
  ".", ",", "x", "", "*", "[", "(a|aa)*b", "\xff",
};
#define NWORDS (sizeof(words) / sizeof(words[0]))

static cp_corpus *corp;
static cp_qcache *cache;

typedef struct rd { const uint8_t *p; size_t n; } rd;

static unsigned byte (rd *r) {
  if (r->n == 0) return 0;
  r->n--;
  return *r->p++;
}

static cp_pnode *cond (cp_plan *p, rd *r, int depth) {
  unsigned k = byte(r) % (depth > 3 ? 5 : 8);
  switch (k) {
    case 0: case 1: case 2: case 3: {
      static const int kinds[] = {CP_P_TERM, CP_P_PREFIX, CP_P_GLOB, CP_P_REGEX};
      const char *w = words[byte(r) % NWORDS];
      return cp_plan_lex(p, kinds[k], (int)(byte(r) % 3), w, strlen(w));
    }
    case 4: return cp_plan_any(p);
    case 5: case 6: {
      cp_pnode *l = cp_plan_list(p, k == 5 ? CP_P_TAND : CP_P_TOR);
      unsigned i, n = 1 + byte(r) % 3;
      for (i = 0; i < n; i++) cp_plan_add(p, l, cond(p, r, depth + 1));
      return l;
    }
    default: return cp_plan_not(p, CP_P_TNOT, cond(p, r, depth + 1));
  }
}

static cp_pnode *query (cp_plan *p, rd *r, int depth) {
  unsigned k = byte(r) % (depth > 3 ? 3 : 9), i, n;
  switch (k) {
    case 0: return cond(p, r, depth + 1);
    case 1: case 2: {
      cp_pnode *s = k == 1 ? cp_plan_list(p, CP_P_SEQ) : cp_plan_phrase(p);
      n = 1 + byte(r) % 4;
      for (i = 0; i < n; i++) {
        unsigned lo = 1, hi = 1;
        if (k == 1) {
          lo = byte(r) % 3;
          hi = byte(r) % 8;
          hi = hi == 7 ? UINT32_MAX : lo + hi;
          if (hi == 0) hi = 1;
        }
        cp_plan_add_item(p, s, cond(p, r, depth + 1), lo, hi);
      }
      return s;
    }
    case 3: {
      cp_pnode *l = cp_plan_near(p, byte(r) % 6, (int)(byte(r) & 1));
      n = 2 + byte(r) % 2;
      for (i = 0; i < n; i++) cp_plan_add(p, l, query(p, r, depth + 1));
      return l;
    }
    case 4: return cp_plan_within(p, (int)(byte(r) % 3), query(p, r, depth + 1));
    case 5: case 6: {
      cp_pnode *l = cp_plan_list(p, k == 5 ? CP_P_AND : CP_P_OR);
      n = 1 + byte(r) % 3;
      for (i = 0; i < n; i++) cp_plan_add(p, l, query(p, r, depth + 1));
      return l;
    }
    case 7: return cp_plan_not(p, CP_P_NOT, query(p, r, depth + 1));
    default: {
      static const char *const vals[] = {"a", "2014", "x", ""};
      const char *v = vals[byte(r) % 4];
      return cp_plan_meta(p, "k", 1, (int)(byte(r) % 5), v, strlen(v), NULL, 0);
    }
  }
}

static void setup (void) {
  cp_err e;
  size_t i;
  cp_docin d[sizeof(texts) / sizeof(texts[0])];
  cp_meta m[sizeof(texts) / sizeof(texts[0])];
  static char ids[8][4];
  if ((corp = cp_corpus_new(NULL, &e)) == NULL) abort();
  memset(d, 0, sizeof(d));   /* cp_docin has fields the loop leaves unset */
  memset(m, 0, sizeof(m));
  for (i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
    ids[i][0] = 'd'; ids[i][1] = (char)('0' + i); ids[i][2] = 0;
    m[i].key = "k"; m[i].keylen = 1; m[i].type = CP_MSTR;
    m[i].str = i & 1 ? "a" : "2014"; m[i].strlen = strlen(m[i].str);
    m[i].num = 0;
    d[i].id = ids[i]; d[i].idlen = 2;
    d[i].text = texts[i]; d[i].textlen = strlen(texts[i]);
    d[i].meta = &m[i]; d[i].nmeta = 1;
    /* two segments, and a deletion, so cross-segment paths run */
    if (cp_corpus_add(corp, &d[i], 1, &e) != CP_OK) abort();
    if (i == 2 && cp_corpus_flush(corp, &e) != CP_OK) abort();
  }
  if (cp_corpus_flush(corp, &e) != CP_OK) abort();
  if (cp_corpus_delete(corp, 3, &e) != CP_OK) abort();
  cache = cp_qcache_new();
}

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size) {
  rd r;
  cp_plan *p;
  cp_err e;
  cp_limits lim;
  cp_matches m = {NULL, 0, 0};
  uint64_t n = 0, nd = 0;
  int rc1, rc2, rc3;
  if (corp == NULL) setup();
  r.p = data; r.n = size;
  if ((p = cp_plan_new()) == NULL) return 0;
  cp_plan_set_root(p, query(p, &r, 0));
  if (cp_plan_error(p, &e) != CP_OK) {
    cp_plan_free(p);
    return 0;
  }
  memset(&lim, 0, sizeof(lim));
  lim.max_expand = 1000;
  lim.max_work = 2000000;
  rc1 = cp_execq(corp, cache, p, &lim, &m, &e);
  rc2 = cp_exec_countq(corp, cache, p, &lim, CP_COUNT_HITS, &n, &e);
  rc3 = cp_exec_countq(corp, NULL, p, &lim, CP_COUNT_DOCS, &nd, &e);
  if (rc1 == CP_OK && rc2 == CP_OK && n != m.n) abort();
  if (rc1 == CP_OK && rc3 == CP_OK) {
    size_t i, docs = 0;
    for (i = 0; i < m.n; i++) docs += i == 0 || m.v[i].doc != m.v[i - 1].doc;
    if (docs != nd) abort();
  }
  /* ranking: as many hits as matching documents, scores finite and
  ** in order, each hit's matches those of its document */
  {
    cp_search_opts so;
    cp_hits h;
    size_t i;
    memset(&so, 0, sizeof(so));
    so.k1 = 1.2;  so.b = 0.75;  so.limit = 1 + size % 4;  so.offset = size % 3;
    memset(&h, 0, sizeof(h));
    if (cp_search(corp, cache, p, &lim, &so, &h, &e) == CP_OK) {
      if (rc3 == CP_OK && h.total != nd) abort();
      if (h.n > so.limit) abort();
      for (i = 0; i < h.n; i++) {
        size_t k;
        if (!(h.v[i].score == h.v[i].score) || h.v[i].score < 0 ||
            (i > 0 && h.v[i].score > h.v[i - 1].score) ||
            h.v[i].m0 > h.v[i].m1 || h.v[i].m1 > h.m.n)
          abort();
        for (k = h.v[i].m0; k < h.v[i].m1; k++)
          if (h.m.v[k].doc != h.v[i].doc) abort();
      }
      cp_hits_free(&h);
    }
    else if (e.code != CP_ELIMIT && e.code != CP_ESYNTAX && e.code != CP_EINVAL)
      abort();
  }
  if (rc1 == CP_OK) {
    size_t i;
    for (i = 1; i < m.n; i++)
      if (m.v[i].doc < m.v[i - 1].doc ||
          (m.v[i].doc == m.v[i - 1].doc && m.v[i].start < m.v[i - 1].start))
        abort();
  }
  cp_matches_free(&m);
  cp_plan_free(p);
  return 0;
}
