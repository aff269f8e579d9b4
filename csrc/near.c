/*
** near.c -- NEAR groups, unordered and ordered (see xeval.h
** cp_x_eval_near; docs/QUERY.md "How it runs").
*/
#include "xeval.h"

/* {================================================================
** NEAR
** ================================================================= */

typedef struct inst { uint32_t s, e, arg, mark; } inst;

/* (s, e, arg) order */
static int inst_less (const cp_span *a, uint32_t aa, const cp_span *b,
                      uint32_t ba) {
  if (a->s != b->s) return a->s < b->s;
  if (a->e != b->e) return a->e < b->e;
  return aa < ba;
}

/* punctuation tokens before position p (needs x->ppunct) */
static uint32_t punct_before (const ctx *x, uint32_t p) {
  const uint32_t *rank = (const uint32_t *)(x->ppunct + x->ntok / 64 + 1);
  uint64_t w = x->ppunct[p >> 6] & (((uint64_t)1 << (p & 63)) - 1);
  return rank[p >> 6] + cp_popcount64(w);
}

/*
** Word tokens in [a, b).  With the cache's bitmap: a short range is
** counted on the bitmap words it covers (one cache line), a long one by
** two rank look-ups; without it, by walking the stream.
*/
static uint32_t words_between (ctx *x, uint32_t a, uint32_t b) {
  uint32_t n = 0;
  if (a >= b) return 0;
  if (get_ppunct(x) != NULL) {
    uint32_t wa = a >> 6, wb = b >> 6, p;
    const uint64_t *bits = x->ppunct;
    if (wb - wa > 8) return (b - a) - (punct_before(x, b) - punct_before(x, a));
    if (wa == wb)
      p = cp_popcount64(bits[wa] & ((((uint64_t)1 << (b & 63)) - 1) &
                                    ~(((uint64_t)1 << (a & 63)) - 1)));
    else {
      uint32_t w;
      p = cp_popcount64(bits[wa] & ~(((uint64_t)1 << (a & 63)) - 1));
      for (w = wa + 1; w < wb; w++) p += cp_popcount64(bits[w]);
      p += cp_popcount64(bits[wb] & (((uint64_t)1 << (b & 63)) - 1));
    }
    return (b - a) - p;
  }
  for (; a < b; a++) n += !is_punct(x, a);
  return n;
}

/* is the word distance from the end of i to the start of j above
** 'dist'?  Word tokens are at most all tokens, so a short raw distance
** answers without counting. */
static int too_far (ctx *x, const inst *i, const inst *j, uint32_t dist) {
  if (j->s <= i->e || j->s - i->e <= dist) return 0;
  return words_between(x, i->e, j->s) > dist;
}


/* first index >= from of spans v[0..n) with v[i].s >= key */
static size_t span_gallop (const cp_span *v, size_t n, size_t from,
                           uint32_t key) {
  size_t lo = from, step = 1, hi;
  while (lo < n && v[lo].s < key) {
    hi = lo + step;
    if (hi >= n || v[hi].s >= key) {       /* answer in (lo, min(hi, n)] */
      if (hi > n) hi = n;
      lo++;
      while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (v[mid].s < key) lo = mid + 1; else hi = mid;
      }
      return lo;
    }
    lo = hi;
    step *= 2;
  }
  return lo;
}

/*
** Mark the instances v[0..ni) of one document (sorted by (s, e, arg))
** that take part in a NEAR group; returns the index of the first
** marked one, or ni.  Unordered: an instance starts a group when every
** argument has an instance starting within 'dist' words of its end;
** the group's other instances are marked with it.  Ordered: the
** earliest chain arg0 < arg1 < ... from an instance of arg0, its last
** link within 'dist' words.  Every instance looked at from another
** costs a unit of the budget (the scan is quadratic in the instances
** within 'dist' of each other); *rc gets CP_ELIMIT when it runs out.
*/
static size_t near_mark (ctx *x, const cp_pnode *n, int unit, inst *v,
                         size_t ni, uint32_t de, size_t na, int *rc) {
  uint64_t full = na == 64 ? ~(uint64_t)0 : (((uint64_t)1 << na) - 1);
  size_t i, j, first = ni;
  for (i = 0; i < ni; i++) {
    uint32_t us, ue;
    ue = unit == CP_U_DOC ? de : unit_bounds(x, unit, v[i].s, &us);
    if (!n->ordered) {
      uint64_t mask = (uint64_t)1 << v[i].arg;
      size_t last = i;
      for (j = i + 1; j < ni && v[j].s < ue; j++) {
        if (too_far(x, &v[i], &v[j], n->dist)) break;
        if (v[j].e > ue) continue;
        mask |= (uint64_t)1 << v[j].arg;
        last = j;
      }
      if ((*rc = spend(x, 1 + (j - i))) != CP_OK) return ni;
      if (mask == full) {
        v[i].mark = 1;
        for (j = i + 1; j <= last; j++)
          if (v[j].arg != v[i].arg && v[j].e <= ue) v[j].mark = 1;
      }
    }
    else if (v[i].arg == 0) {
      size_t chain[64], c = 1;
      uint32_t end = v[i].e;
      chain[0] = i;
      for (j = i + 1; j < ni && c < na && v[j].s < ue; j++) {
        /* past the distance: no chain completed from here can pass */
        if (too_far(x, &v[i], &v[j], n->dist)) break;
        if (v[j].arg == c && v[j].s >= end && v[j].e <= ue) {
          chain[c++] = j;
          end = v[j].e;
        }
      }
      if ((*rc = spend(x, 1 + (j - i))) != CP_OK) return ni;
      if (c == na && !too_far(x, &v[i], &v[chain[na - 1]], n->dist))
        for (c = 0; c < na; c++) v[chain[c]].mark = 1;
    }
    if (v[i].mark && first == ni) {
      first = i;
      if (x->docsonly) break;    /* one hit is all the caller needs */
    }
  }
  return first;
}

/*
** NEAR, a document at a time: the arguments' spans are walked with one
** cursor each; a document where some argument has no span is skipped
** by galloping every cursor past it, the others' instances are merged
** into a small buffer and marked (near_mark).  The merge and the
** marking charge the budget (the arguments' evaluation charges its own).
*/
int cp_x_eval_near (ctx *x, const cp_pnode *n, int unit, cp_res *r) {
  size_t na = n->nkids, i, ni, cap = 0, *at = NULL;
  cp_res *kr;
  inst *v = NULL;
  const cp_pnode *k;
  int rc = CP_OK, docsonly = x->docsonly;
  if (na == 0) return CP_OK;
  if (na > 64)
    return cp_err_set(x->err, CP_ELIMIT, "NEAR takes at most 64 arguments");
  if ((kr = (cp_res *)calloc(na, sizeof(cp_res))) == NULL) return oom(x);
  x->docsonly = 0;               /* every span of the arguments counts */
  for (i = 0, k = n->kid; k != NULL; k = k->next, i++) {
    /* a sequence or a token condition: its spans only (NEAR never looks
    ** at its arguments' documents) */
    if (k->kind == CP_P_SEQ) rc = cp_x_eval_seq(x, k, CP_U_DOC, &kr[i]);
    else if (cp_plan_is_cond(k->kind)) rc = cp_x_eval_cond(x, k, &kr[i]);
    else rc = cp_x_eval(x, k, &kr[i]);
    if (rc != CP_OK) break;
    if (kr[i].sp.n == 0) break;               /* an argument never occurs */
  }
  x->docsonly = docsonly;
  if (rc != CP_OK || i < na) goto done;
  if ((at = (size_t *)calloc(na, sizeof(size_t))) == NULL) {
    rc = oom(x); goto done;
  }
  for (;;) {
    uint32_t lo = UINT32_MAX, ds, de, need;
    size_t m;
    int all = 1;
    for (i = 0; i < na; i++)
      if (at[i] < kr[i].sp.n && kr[i].sp.v[at[i]].s < lo)
        lo = kr[i].sp.v[at[i]].s;
    if (lo == UINT32_MAX) break;
    doc_at(x, lo, &ds, &de);
    for (i = 0; i < na && all; i++)
      all = at[i] < kr[i].sp.n && kr[i].sp.v[at[i]].s < de;
    if (!all) {
      /* some argument is missing here: the earliest document where the
      ** missing ones occur is the next candidate */
      need = de;
      for (i = 0; i < na; i++)
        if (at[i] >= kr[i].sp.n) goto done;
        else if (kr[i].sp.v[at[i]].s >= de) {
          uint32_t s0 = kr[i].sp.v[at[i]].s, ds2, de2;
          doc_at(x, s0, &ds2, &de2);
          if (ds2 > need) need = ds2;
        }
      for (i = 0; i < na; i++)
        at[i] = span_gallop(kr[i].sp.v, kr[i].sp.n, at[i], need);
      continue;
    }
    /* merge this document's instances (few arguments: pick the least) */
    for (ni = 0;; ni++) {
      size_t b = na;
      for (i = 0; i < na; i++)
        if (at[i] < kr[i].sp.n && kr[i].sp.v[at[i]].s < de &&
            (b == na || inst_less(&kr[i].sp.v[at[i]], (uint32_t)i,
                                  &kr[b].sp.v[at[b]], (uint32_t)b)))
          b = i;
      if (b == na) break;
      if (ni == cap &&
          grow((void **)&v, &cap, ni + 1, sizeof(inst)) != CP_OK) {
        rc = oom(x); goto done;
      }
      v[ni].s = kr[b].sp.v[at[b]].s; v[ni].e = kr[b].sp.v[at[b]].e;
      v[ni].arg = (uint32_t)b; v[ni].mark = 0;
      at[b]++;
    }
    /* the merge compared every argument's cursor for each instance */
    if ((rc = spend(x, (uint64_t)ni * na)) != CP_OK) goto done;
    m = near_mark(x, n, unit, v, ni, de, na, &rc);
    if (rc != CP_OK) goto done;
    if (x->docsonly) {
      if (m < ni && cp_spans_push(&r->sp, v[m].s, v[m].e) != CP_OK) {
        rc = oom(x); goto done;
      }
      continue;
    }
    for (i = m; i < ni; i++)
      if (v[i].mark && (r->sp.n == 0 || r->sp.v[r->sp.n - 1].s != v[i].s ||
                        r->sp.v[r->sp.n - 1].e != v[i].e))
        if (cp_spans_push(&r->sp, v[i].s, v[i].e) != CP_OK) {
          rc = oom(x); goto done;
        }
  }
done:
  for (i = 0; i < na; i++) cp_res_free(&kr[i]);
  free(kr);
  free(v);
  free(at);
  return rc;
}

/* }================================================================ */
