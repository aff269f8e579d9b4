/*
** spanq.c -- queries over span sets (BlackLab CQL): a span set as a
** query ("<quote/>", "<entity kind="person"/>"), and the joins "A within
** B" and "A containing B" between any two span-producing queries.
**
** A SPANSET node yields, per segment, the spans of its set inside the
** evaluated documents whose attributes equal the filters, sorted by (s, e).
** SPANJOIN evaluates both sides and keeps the spans of A that lie inside
** (within) or around (containing) some span of B.  Both joins run in
** O((|A| + |B|) log |B|): B sorted by start with a running maximum
** (within) or a suffix minimum (containing) of its ends.
*/
#include <stdlib.h>
#include <string.h>

#include "xeval.h"
#include "analyse.h"

static int cmpspan (const void *a, const void *b) {
  const cp_span *x = (const cp_span *)a, *y = (const cp_span *)b;
  if (x->s != y->s) return x->s < y->s ? -1 : 1;
  return x->e < y->e ? -1 : x->e > y->e;
}

/* sort by (s, e) and drop duplicates */
static void spans_sort_unique (cp_spans *sp) {
  size_t i, j = 0;
  if (sp->n < 2) return;
  qsort(sp->v, sp->n, sizeof(cp_span), cmpspan);
  for (i = 0; i < sp->n; i++)
    if (j == 0 || sp->v[j - 1].s != sp->v[i].s || sp->v[j - 1].e != sp->v[i].e)
      sp->v[j++] = sp->v[i];
  sp->n = j;
}

int cp_x_eval_spanset (ctx *x, const cp_pnode *n, cp_res *r) {
  int64_t set = cp_seg_spanset(x->s, n->str, n->len);
  const uint32_t *st, *en;
  const cp_pnode *a;
  uint32_t i, ns;
  size_t nf = 0, k;
  int64_t want[64];
  size_t key[64];
  if (set < 0) return CP_OK;   /* not in this segment: no spans */
  /* each filter as (key index, value id) of this segment; a key or value
  ** no span has means no match */
  for (a = n->kid; a != NULL; a = a->next) {
    size_t nk = cp_seg_spanset_nkeys(x->s, (size_t)set), q;
    if (nf == 64)
      return cp_err_set(x->err, CP_ELIMIT, "more than 64 attribute filters");
    for (q = 0; q < nk; q++) {
      size_t kl;
      const char *kn = cp_seg_spanset_key(x->s, (size_t)set, q, &kl);
      if (kl == a->len && memcmp(kn, a->str, kl) == 0) break;
    }
    if (q == nk) return CP_OK;
    key[nf] = q;
    want[nf] = cp_seg_span_key_value(x->s, (size_t)set, q, a->v1, a->v1len);
    if (want[nf] < 0) return CP_OK;
    nf++;
  }
  st = cp_seg_span_starts(x->s, (size_t)set);
  en = cp_seg_span_ends(x->s, (size_t)set);
  ns = cp_seg_nspans(x->s, (size_t)set);
  for (i = cp_seg_span_lower(x->s, (size_t)set, x->pos_lo);
       i < ns && st[i] < x->pos_hi; i++) {
    int ok = 1;
    for (k = 0; k < nf && ok; k++) {
      const uint32_t *ids = cp_seg_span_key_ids(x->s, (size_t)set, key[k]);
      ok = ids[i] == (uint32_t)want[k];
    }
    if (ok && cp_spans_push(&r->sp, st[i], en[i]) != CP_OK) return oom(x);
  }
  /* stored by start then end descending: the executor wants (s, e) */
  spans_sort_unique(&r->sp);
  return CP_OK;
}

/* first index of b (sorted by s) with b[i].s > pos */
static size_t upper_s (const cp_span *b, size_t n, uint32_t pos) {
  size_t lo = 0, hi = n;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (b[mid].s <= pos) lo = mid + 1; else hi = mid;
  }
  return lo;
}

/* first index of b (sorted by s) with b[i].s >= pos */
static size_t lower_s (const cp_span *b, size_t n, uint32_t pos) {
  size_t lo = 0, hi = n;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (b[mid].s < pos) lo = mid + 1; else hi = mid;
  }
  return lo;
}

/* keep the spans of a within (how = CP_J_WITHIN) or containing some span
** of b */
static int join (ctx *x, cp_spans *a, const cp_spans *b, int how) {
  size_t i, o = 0, nb = b->n;
  uint32_t *m;
  if (nb == 0) { a->n = 0; return CP_OK; }
  if ((m = (uint32_t *)malloc(nb * sizeof(uint32_t))) == NULL) return oom(x);
  if (how == CP_J_WITHIN) {          /* m[i] = max end of b[0..i] */
    for (i = 0; i < nb; i++)
      m[i] = (i > 0 && m[i - 1] > b->v[i].e) ? m[i - 1] : b->v[i].e;
  }
  else {                             /* m[i] = min end of b[i..] */
    for (i = nb; i-- > 0; )
      m[i] = (i + 1 < nb && m[i + 1] < b->v[i].e) ? m[i + 1] : b->v[i].e;
  }
  for (i = 0; i < a->n; i++) {
    const cp_span *s = &a->v[i];
    int keep;
    if (how == CP_J_WITHIN) {
      size_t j = upper_s(b->v, nb, s->s);   /* b[0..j) start <= s->s */
      keep = j > 0 && m[j - 1] >= s->e;
    }
    else {
      size_t j = lower_s(b->v, nb, s->s);   /* b[j..) start >= s->s */
      keep = j < nb && m[j] <= s->e;
    }
    if (keep) a->v[o++] = *s;
  }
  a->n = o;
  free(m);
  return CP_OK;
}

int cp_x_eval_spanjoin (ctx *x, const cp_pnode *n, cp_res *r) {
  cp_res b;
  int rc, saved = x->docsonly;
  memset(&b, 0, sizeof(b));
  x->docsonly = 0;                   /* every span of both sides counts */
  rc = cp_x_eval(x, n->kid, r);
  if (rc == CP_OK) rc = cp_x_eval(x, n->kid->next, &b);
  x->docsonly = saved;
  if (rc == CP_OK) rc = join(x, &r->sp, &b.sp, n->unit);
  r->docs.n = 0;   /* the caller lists the documents of the spans kept */
  cp_res_free(&b);
  return rc;
}

/* does any segment of the corpus have span set name[0..len)? */
static int corpus_has_set (cp_corpus *c, const char *name, size_t len) {
  size_t i, ns = cp_corpus_nsegs(c);
  for (i = 0; i < ns; i++)
    if (cp_seg_spanset(cp_corpus_seg(c, i), name, len) >= 0) return 1;
  return 0;
}

/* the names of the span sets of the corpus, for messages */
static void list_sets (cp_corpus *c, char *buf, size_t cap) {
  size_t i, ns = cp_corpus_nsegs(c), o = 0, k;
  buf[0] = '\0';
  for (i = 0; i < ns; i++) {
    const cp_seg *s = cp_corpus_seg(c, i);
    for (k = 0; k < cp_seg_nspansets(s); k++) {
      size_t len, j, dup = 0;
      const char *nm = cp_seg_spanset_name(s, k, &len);
      for (j = 0; j < i && !dup; j++)
        dup = cp_seg_spanset(cp_corpus_seg(c, j), nm, len) >= 0;
      if (dup || o + len + 3 >= cap) continue;
      if (o > 0) { memcpy(buf + o, ", ", 2); o += 2; }
      memcpy(buf + o, nm, len);
      o += len;
      buf[o] = '\0';
    }
  }
}

/* does any segment have layer name[0..len)? */
static int corpus_has_layer (cp_corpus *c, const char *name, size_t len) {
  size_t i, ns = cp_corpus_nsegs(c);
  for (i = 0; i < ns; i++)
    if (cp_seg_layer(cp_corpus_seg(c, i), name, len) >= 0) return 1;
  return 0;
}

static void list_layers (cp_corpus *c, char *buf, size_t cap) {
  size_t i, ns = cp_corpus_nsegs(c), o, k;
  strcpy(buf, "word, norm, stem");
  o = strlen(buf);
  for (i = 0; i < ns; i++) {
    const cp_seg *s = cp_corpus_seg(c, i);
    for (k = CP_NLAYERS; k < cp_seg_nlayers(s); k++) {
      size_t len, j, dup = 0;
      const char *nm = cp_seg_layer_name(s, k, &len);
      for (j = 0; j < i && !dup; j++)
        dup = cp_seg_layer(cp_corpus_seg(c, j), nm, len) >= 0;
      if (dup || o + len + 3 >= cap) continue;
      memcpy(buf + o, ", ", 2);
      o += 2;
      memcpy(buf + o, nm, len);
      o += len;
      buf[o] = '\0';
    }
  }
}

int cp_x_check_spansets (cp_corpus *c, const cp_pnode *n, cp_err *err) {
  const cp_pnode *k;
  int rc;
  if (n == NULL) return CP_OK;
  if ((n->kind == CP_P_TERM || n->kind == CP_P_PREFIX || n->kind == CP_P_GLOB
       || n->kind == CP_P_REGEX) && n->layer == CP_LAYER_NAMED &&
      !corpus_has_layer(c, n->v1, n->v1len)) {
    char names[256];
    list_layers(c, names, sizeof(names));
    return cp_err_set(err, CP_ESYNTAX, "unknown layer '%.*s' (this corpus "
                      "has: %s)", (int)(n->v1len > 64 ? 64 : n->v1len), n->v1,
                      names);
  }
  if (n->kind == CP_P_SPANSET && cp_corpus_nsegs(c) > 0 &&
      !corpus_has_set(c, n->str, n->len) &&
      !cp_analyse_known(cp_corpus_analyse(c), n->str, n->len, NULL, 0)) {
    char names[256];
    list_sets(c, names, sizeof(names));
    return cp_err_set(err, CP_ESYNTAX, "unknown span set '%.*s' (this "
                      "corpus has: %s)", (int)(n->len > 64 ? 64 : n->len),
                      n->str, names[0] ? names : "none");
  }
  if (n->kind == CP_P_SPANSET) return CP_OK;   /* kids are filters */
  for (k = n->kid; k != NULL; k = k->next)
    if ((rc = cp_x_check_spansets(c, k, err)) != CP_OK) return rc;
  return CP_OK;
}
