/*
** seqgap.c -- token patterns with variable gaps, in time linear in the
** text they can touch.
**
** The general matcher (exec.c, seq_fwd) tries, from each start, every
** repetition count of every item, lazily: a pattern with k variable
** gaps costs up to max_repeat^k per start, so `[]* []* [norm="x"]`
** explodes.  The answer it computes is deterministic, though: from
** position p, item i (repeated min..max times) followed by the rest
** matches with the smallest count c in [min, min(max, run_i(p))] for
** which the rest matches at p + c, where run_i(p) is the number of
** consecutive tokens from p that pass item i's condition.  So, within
** one unit (document, sentence or paragraph: matches never cross one),
** the end of the match of items i.. from every position follows from
** that of items i+1.. by one right-to-left scan:
**
**   end[n][p] = p
**   end[i][p] = end[i+1][q], q = the first position in
**               [p + min, p + min(max, run_i(p))] with end[i+1][q] set
**
** nel passes over the unit answer every start at once, exactly as the
** general matcher would.  Only units holding a candidate of a required
** item (min >= 1) can match, so the cost is (items) x (length of the
** units holding the rarest required item), linear in the hits' units.
** The planner below chooses it when the general matcher's per-start
** cost (the product of the gaps' ranges) would exceed it.  Phrases
** (which skip punctuation) keep the general matcher.
*/
#include <stdlib.h>
#include <string.h>

#include "xeval.h"

#define NONE UINT32_MAX

typedef struct gapbuf { uint32_t *v; size_t cap; } gapbuf;

/* the mean length of 'unit' in the segment (at least 1) */
static uint64_t mean_unit (ctx *x, int unit) {
  uint32_t n = 0;
  if (unit == CP_U_SENT) cp_seg_sents(x->s, &n);
  else if (unit == CP_U_PARA) cp_seg_paras(x->s, &n);
  if (unit == CP_U_DOC || n == 0) n = x->ndocs;
  return n ? (uint64_t)x->ntok / n + 1 : (uint64_t)x->ntok + 1;
}

/*
** Every match starting in the unit [us, ue), appended to r->sp in
** order of start.  *hit is set when there is one.
*/
static int gap_unit (ctx *x, const seqel *el, size_t nel, uint32_t us,
                     uint32_t ue, gapbuf *b, cp_res *r, int *hit) {
  uint32_t w = ue - us, idx, *nxt, *cur, *first;
  size_t i;
  if (spend(x, ((uint64_t)w + 1) * nel) != CP_OK) return CP_ELIMIT;
  if (grow((void **)&b->v, &b->cap, 3 * ((size_t)w + 1), sizeof(uint32_t))
      != CP_OK)
    return oom(x);
  nxt = b->v;
  cur = nxt + w + 1;
  first = cur + w + 1;
  for (idx = 0; idx <= w; idx++) nxt[idx] = idx;   /* no items: ends here */
  for (i = nel; i-- > 0; ) {
    const seqel *e = &el[i];
    uint32_t run = 0, f = NONE, *t;
    for (idx = w + 1; idx-- > 0; ) {      /* first[p]: next p' with nxt set */
      if (nxt[idx] != NONE) f = idx;
      first[idx] = f;
    }
    for (idx = w + 1; idx-- > 0; ) {
      uint32_t hi, q;
      run = (idx < w && ts_at(x, &e->ts, us + idx)) ? run + 1 : 0;
      cur[idx] = NONE;
      if (run < e->min) continue;
      hi = idx + (e->max < run ? e->max : run);
      q = first[idx + e->min];
      if (q != NONE && q <= hi) cur[idx] = nxt[q];
    }
    t = nxt; nxt = cur; cur = t;
  }
  for (idx = 0; idx < w; idx++)
    if (nxt[idx] != NONE && nxt[idx] > idx) {
      if (cp_spans_push(&r->sp, us + idx, us + nxt[idx]) != CP_OK)
        return oom(x);
      *hit = 1;
    }
  return CP_OK;
}

/* run the unit-at-a-time matcher over the units holding a candidate of
** item 'req' (every unit when req is nel) */
static int gap_run (ctx *x, const seqel *el, size_t nel, size_t req,
                    int unit, cp_res *r) {
  gapbuf b = {NULL, 0};
  const uint32_t *pv = NULL;
  uint32_t *owned = NULL;
  size_t pn = 0, k;
  int rc = CP_OK;
  if (req < nel) {
    if ((rc = cp_x_ts_positions(x, &el[req].ts, &pv, &pn, &owned)) != CP_OK)
      return rc;
    if ((rc = spend(x, pn / 8)) != CP_OK) { free(owned); return rc; }
    k = gallop(pv, pn, 0, x->pos_lo);
  }
  else { k = x->pos_lo; pn = x->pos_hi; }
  while (k < pn && rc == CP_OK) {
    uint32_t p = pv ? pv[k] : (uint32_t)k, us, ue, ds, de;
    int hit = 0;
    if (p >= x->pos_hi) break;
    doc_at(x, p, &ds, &de);
    ue = unit_bounds(x, unit, p, &us);
    if (ue > de) ue = de;
    if (us < ds) us = ds;
    if (ue <= p) ue = p + 1;           /* cannot happen; keeps progress */
    rc = gap_unit(x, el, nel, us, ue, &b, r, &hit);
    if (hit && x->docsonly) ue = de;   /* one hit is enough: next document */
    k = pv ? gallop(pv, pn, k, ue) : ue;
  }
  free(b.v);
  free(owned);
  return rc;
}

int cp_x_seq_gaps (ctx *x, const seqel *el, size_t nel, int unit,
                   int anchored, cp_res *r, int *rc) {
  uint64_t u = mean_unit(x, unit), per_start = 1, best = UINT64_MAX;
  size_t i, req = nel;
  for (i = 0; i < nel; i++) {
    uint64_t range, hi;
    if (el[i].min == el[i].max) continue;
    hi = el[i].max > u ? u : el[i].max;
    range = hi > el[i].min ? hi - el[i].min + 1 : 2;
    per_start = per_start > UINT64_MAX / (range + 1) ? UINT64_MAX
              : per_start * range;
    if (per_start > UINT64_MAX / 2) per_start = UINT64_MAX / 2;
  }
  for (i = 0; i < nel; i++)
    if (el[i].min >= 1 && !el[i].ts.all && el[i].ts.cost < best) {
      best = el[i].ts.cost;
      req = i;
    }
  /* the general matcher costs per_start from each start (an anchor's
  ** candidates, else every position); this one about nel x the unit
  ** length for each unit holding the required item */
  if (anchored ? per_start * 2 <= u * nel : per_start <= nel) return 0;
  *rc = gap_run(x, el, nel, req, unit, r);
  return 1;
}
