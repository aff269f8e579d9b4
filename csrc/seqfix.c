/*
** seqfix.c -- sequences of fixed items matched on the postings (see
** xeval.h cp_x_seq_fixed; docs/QUERY.md "How it runs").
*/
#include "xeval.h"

/* {================================================================
** Sequences of fixed items, matched on the postings
** ================================================================= */

/*
** A sequence whose items are all "fixed" (exactly one token, with a
** candidate list), separated by gaps of any tokens ([]{m,n}) when it is
** not a phrase, is matched by walking the items' position lists side
** by side instead of reading the token stream around every candidate:
** reading the stream costs a cache miss per candidate (the stream of a
** large segment is tens of megabytes), the lists are read in order.
** For each position of the anchor (the rarest fixed item before the
** first gap), the neighbours are looked up in the other lists through
** cursors that only move forward (galloping).  The stream is read only
** to confirm that the tokens between two phrase words that are not
** adjacent are punctuation, and to test items that are not exact
** (word-layer tests, whose candidates are their norms' postings).
** Phrase items whose candidates include a punctuation form (the norm of
** a symbol) take the general path, where the stream decides.
*/

typedef struct fitem {
  const tset *ts;
  const uint32_t *pv;        /* candidate positions, sorted */
  size_t pn;
  uint32_t *owned;
  size_t cur;                /* cursor: moves forward only */
  uint32_t gmin, gmax;       /* gap of any tokens before this item */
} fitem;

typedef struct fseq {
  ctx *x;
  fitem *it;
  size_t n;
  int phrase;
  uint32_t de;               /* matches end at or before this position */
} fseq;

static inline int fs_test (const fseq *f, const fitem *it, uint32_t q) {
  return it->ts->exact || ts_at(f->x, it->ts, q);
}

/* are the tokens in [a, b) all punctuation?  The position bitmap of
** the cache answers without touching the (much larger) stream; its
** first bit, tested inline, answers most calls (a word follows). */
static int all_punct_ (ctx *x, uint32_t a, uint32_t b);

static inline int all_punct (ctx *x, uint32_t a, uint32_t b) {
  if (x->ppunct != NULL && a < b && !((x->ppunct[a >> 6] >> (a & 63)) & 1))
    return 0;
  return all_punct_(x, a, b);
}

static int all_punct_ (ctx *x, uint32_t a, uint32_t b) {
  if (get_ppunct(x) != NULL) {
    for (; a < b; a++)
      if (!((x->ppunct[a >> 6] >> (a & 63)) & 1)) return 0;
    return 1;
  }
  for (; a < b; a++)
    if (!is_punct(x, a)) return 0;
  return 1;
}

/*
** Match items i.. after the token at 'pos'; the end of the match or -1.
** Alternatives (where a gap allows several positions) are tried in
** increasing order, as the lazy repetition of the general matcher does.
*/
static int64_t fs_fwd (fseq *f, size_t i, uint32_t pos, uint32_t floor) {
  fitem *it;
  size_t k;
  uint64_t lo64, hi64;
  uint32_t lo, hi;
  if (i == f->n) return (int64_t)pos + 1;
  it = &f->it[i];
  lo64 = (uint64_t)pos + 1 + it->gmin;
  hi64 = (uint64_t)pos + 1 + it->gmax;
  if (lo64 >= f->de) return -1;          /* past the document (or unit) */
  lo = (uint32_t)lo64;
  hi = hi64 >= f->de ? f->de - 1 : (uint32_t)hi64;
  /* the cursor only moves to 'floor', a bound valid for every later
  ** anchor; the scan from there to 'lo' is local */
  it->cur = gallop(it->pv, it->pn, it->cur, floor);
  k = gallop(it->pv, it->pn, it->cur, lo);
  if (f->phrase) {
    uint32_t q;
    int64_t r;
    if (k >= it->pn || (q = it->pv[k]) >= f->de) return -1;
    if (q > lo && !all_punct(f->x, lo, q)) return -1;
    if (!fs_test(f, it, q)) return -1;
    r = fs_fwd(f, i + 1, q, floor + 1);
    return r;
  }
  for (; k < it->pn && it->pv[k] <= hi; k++) {
    uint32_t q = it->pv[k];
    if (fs_test(f, it, q)) {
      int64_t r = fs_fwd(f, i + 1, q, floor + 1);
      if (r >= 0) return r;
    }
  }
  return -1;
}

/*
** fs_fwd for a phrase whose items are all exact (every candidate passes):
** each next word is the first candidate after the previous one, with
** only punctuation between, so there is nothing to try but that one and
** no call per item.  The cursors move to the position they are asked
** for: over anchors in increasing order every item's position only
** grows, so they stay monotone.
*/
static inline int64_t fs_phrase_fwd (fseq *f, size_t i, uint32_t p) {
  uint32_t last = p;
  for (; i < f->n; i++) {
    fitem *it = &f->it[i];
    uint32_t q;
    it->cur = gallop(it->pv, it->pn, it->cur, last + 1);
    if (it->cur >= it->pn || (q = it->pv[it->cur]) >= f->de) return -1;
    if (q > last + 1 && !all_punct(f->x, last + 1, q)) return -1;
    last = q;
  }
  return (int64_t)last + 1;
}

/*
** Try the fast path for a compiled sequence: returns 1 if it applied
** (result in r, or an error in *rc), 0 if the general matcher must run.
*/
int cp_x_seq_fixed (ctx *x, const cp_pnode *n, seqel *el, size_t nel,
                    int unit, cp_res *r, int *rc) {
  fitem *it;
  fseq f;
  size_t i, k, ni = 0, anchor = (size_t)-1, fixed = 0;
  uint64_t best = UINT64_MAX;
  uint32_t gmin = 0, gmax = 0, prev_start = 0;
  int have_prev = 0, seen_gap = 0, count = x->countonly == n, exact;
  *rc = CP_OK;
  if (nel < 2) return 0;
  for (i = 0; i < nel; i++) {
    const tset *t = &el[i].ts;
    if (t->kind == TS_ANY && !n->phrase && i > 0 && i + 1 < nel) continue;
    if (el[i].min != 1 || el[i].max != 1 || t->all || t->kind == TS_NONE)
      return 0;
    fixed++;
  }
  if (n->phrase) {   /* every candidate must be a word token */
    if (x->npunct == NULL) {
      x->npunct = cp_qc_npunct(x->qc, x->c, x->segi, &x->npunct_tmp);
      if (x->npunct == NULL) { *rc = oom(x); return 1; }
    }
    for (i = 0; i < nel; i++) {
      if (el[i].ts.clayer != 0) return 0;   /* candidates not norms */
      for (k = 0; k < el[i].ts.ncand; k++) {
        uint32_t c = el[i].ts.cand[k];
        if ((x->npunct[c >> 3] >> (c & 7)) & 1) return 0;
      }
    }
  }
  if ((it = (fitem *)calloc(fixed, sizeof(fitem))) == NULL) {
    *rc = oom(x);
    return 1;
  }
  for (i = 0; i < nel; i++) {
    if (el[i].ts.kind == TS_ANY && el[i].ts.all) {   /* a gap */
      gmin += el[i].min;
      gmax = gmax + el[i].max < gmax ? UINT32_MAX : gmax + el[i].max;
      seen_gap = 1;
      continue;
    }
    it[ni].ts = &el[i].ts;
    it[ni].gmin = gmin;
    it[ni].gmax = gmax;
    gmin = gmax = 0;
    if (!seen_gap && el[i].ts.cost < best) { best = el[i].ts.cost; anchor = ni; }
    if ((*rc = cp_x_ts_positions(x, &el[i].ts, &it[ni].pv, &it[ni].pn,
                            &it[ni].owned)) != CP_OK) goto done;
    if (it[ni].pn == 0) goto done;        /* an item never occurs */
    ni++;
  }
  f.x = x; f.it = it; f.n = ni; f.phrase = n->phrase;
  for (i = 0, exact = f.phrase; i < ni; i++) exact = exact && it[i].ts->exact;
  {
    fitem *a = &it[anchor];
    for (k = gallop(a->pv, a->pn, 0, x->pos_lo);
         k < a->pn && a->pv[k] < x->pos_hi; k++) {
      uint32_t p = a->pv[k], pos = p, ds, de, start, us;
      int64_t end;
      size_t j;
      int ok = 1;
      if (!fs_test(&f, a, p)) continue;
      doc_at(x, p, &ds, &de);
      /* walk back over the fixed items before the anchor */
      for (j = anchor; j-- > 0; ) {
        fitem *b = &it[j];
        uint32_t q;
        if (pos == ds) { ok = 0; break; }
        /* b->cur: first candidate >= pos (monotone over anchors) */
        b->cur = gallop(b->pv, b->pn, b->cur, pos);
        if (b->cur == 0 || (q = b->pv[b->cur - 1]) < ds) { ok = 0; break; }
        if (q + 1 < pos && !(f.phrase && all_punct(x, q + 1, pos))) {
          ok = 0; break;
        }
        if (!fs_test(&f, b, q)) { ok = 0; break; }
        pos = q;
      }
      if (!ok) continue;
      start = pos;
      if (have_prev && start <= prev_start) continue;
      f.de = de;
      if (unit != CP_U_DOC) {
        uint32_t ue = unit_bounds(x, unit, start, &us);
        if (ue < f.de) f.de = ue;
      }
      if (p >= f.de) continue;
      end = exact ? fs_phrase_fwd(&f, anchor + 1, p)
                  : fs_fwd(&f, anchor + 1, p, p + 1);
      if (end < 0) continue;
      if (count) x->nspans++;
      else if (cp_spans_push(&r->sp, start, (uint32_t)end) != CP_OK) {
        *rc = oom(x); goto done;
      }
      prev_start = start;
      have_prev = 1;
      if (x->docsonly)    /* one hit is enough: next document */
        k = gallop(a->pv, a->pn, k, de) - 1;
    }
  }
done:
  for (i = 0; i < ni; i++) free(it[i].owned);
  free(it);
  return 1;
}

/* }================================================================ */
