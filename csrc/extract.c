/*
** extract.c -- run the extractors in dependency order (extract.h).
*/
#include <stdlib.h>

#include "extract.h"

#define LXC_MIN 4000   /* tokens of a run that make the per-type cache */

void cp_extract_free (cp_extract *x) {
  if (x == NULL) return;
  free(x->lx);
  x->lx = NULL;
  x->lxcap = 0;
  cp_lxcache_free(x->lxc);
  x->lxc = NULL;
  cp_entities_free(&x->ents);
  cp_quotes_free(&x->quotes);
  cp_timexes_free(&x->dates);
  cp_numbers_free(&x->nums);
}

int cp_extract_run (const char *s, size_t n, const cp_tokvec *tv,
                    const cp_anchor *anchor, unsigned what, cp_extract *x,
                    cp_err *err) {
  int rc;
  if (x == NULL || tv == NULL || (s == NULL && n > 0))
    return cp_err_set(err, CP_EINVAL, "cp_extract_run: missing argument");
  x->ents.n = x->quotes.n = x->dates.n = x->nums.n = 0;
  if (what & CP_X_QUOTES) what |= CP_X_ENTITIES;
  if (what & CP_X_NUMBERS) what |= CP_X_DATES;
  /* the cache pays for its 512 KB once a run has a few thousand tokens
  ** (the build's analyser keeps it for every document); without memory
  ** for it the facts are computed token by token, the same */
  if (x->lxc == NULL && tv->n >= LXC_MIN) x->lxc = cp_lxcache_new();
  if ((rc = cp_lx_tokens(s, n, tv, x->lxc, &x->lx, &x->lxcap, err)) != CP_OK) return rc;
  if ((what & CP_X_ENTITIES)
      && (rc = cp_entity_run(s, n, tv, x->lx, &x->ents, err)) != CP_OK) return rc;
  if ((what & CP_X_QUOTES)
      && (rc = cp_quote_run(s, n, tv, x->lx, &x->ents, &x->quotes, err)) != CP_OK) return rc;
  if ((what & CP_X_DATES)
      && (rc = cp_timex_run(s, n, tv, x->lx, anchor, &x->dates, err)) != CP_OK) return rc;
  if ((what & CP_X_NUMBERS)
      && (rc = cp_number_run(s, n, tv, x->lx, &x->dates, &x->nums, err)) != CP_OK) return rc;
  return CP_OK;
}

int cp_extract_speaker (const char *s, const cp_tokvec *tv,
                        const cp_extract *x, const cp_quote *q,
                        size_t *a, size_t *z) {
  size_t k;
  if (s == NULL || tv == NULL || x == NULL || q == NULL || a == NULL
      || z == NULL || q->sp1 <= q->sp0 || q->sp1 > tv->n)
    return 0;
  if (q->speaker >= 0 && (size_t)q->speaker < x->ents.n) {
    const cp_entity *e = &x->ents.v[q->speaker];
    *a = e->start;
    *z = e->stop;
    return 1;
  }
  k = q->sp0;   /* a description: "the spokesman" -> "spokesman" */
  while (k + 1 < q->sp1 && (cp_lx_is(s, &tv->v[k], "the") || cp_lx_is(s, &tv->v[k], "a")
         || cp_lx_is(s, &tv->v[k], "an") || cp_lx_is(s, &tv->v[k], "one"))) k++;
  *a = tv->v[k].start;
  *z = tv->v[q->sp1 - 1].stop;
  return 1;
}

int cp_extract_cue (const char *s, const cp_tokvec *tv, const cp_quote *q,
                    size_t *a, size_t *z) {
  const cp_tok *t;
  if (s == NULL || tv == NULL || q == NULL || a == NULL || z == NULL
      || q->cue < 0 || (size_t)q->cue >= tv->n)
    return 0;
  t = &tv->v[q->cue];
  *a = t->start;
  *z = t->stop;
  if (cp_lx_is(s, t, "according") && (size_t)q->cue + 1 < tv->n)
    *z = tv->v[q->cue + 1].stop;
  return 1;
}

size_t cp_extract_name (const char *p, size_t n, char *out) {
  size_t i, k = 0;
  int sp = 0;
  if (p == NULL || out == NULL) return 0;
  for (i = 0; i < n; i++) {
    char c = p[i];
    if (c == ' ' || c == '\n' || c == '\r' || c == '\t') { sp = 1; continue; }
    if (sp && k > 0) out[k++] = ' ';
    sp = 0;
    out[k++] = c;
  }
  return k;
}
