/*
** xeval.h -- the evaluation context of the executor, shared by the files
** that evaluate plans in one segment: exec.c (token sets, sequences,
** boolean nodes, entry points), seqfix.c (sequences matched on the
** postings), near.c (NEAR) and count.c (counting).  Not part of the C
** API; the small helpers are inline because they run per candidate.
*/
#ifndef CP_XEVAL_H
#define CP_XEVAL_H

#include <stdlib.h>
#include <string.h>

#include "xint.h"
#include "seg.h"
#include "analysis.h"

/* grow a vector to hold 'need' elements; CP_ENOMEM on failure */
static inline int grow (void **v, size_t *cap, size_t need, size_t elsize) {
  size_t nc;
  void *nv;
  if (need <= *cap) return CP_OK;
  nc = *cap ? *cap : 16;
  while (nc < need) {
    if (nc > SIZE_MAX / 2 / elsize) return CP_ENOMEM;
    nc *= 2;
  }
  nv = realloc(*v, nc * elsize);
  if (nv == NULL) return CP_ENOMEM;
  *v = nv;
  *cap = nc;
  return CP_OK;
}

/* {================================================================
** Evaluation context
** ================================================================= */

typedef struct ctx {
  cp_corpus *c;
  const cp_seg *s;
  size_t segi;
  const cp_limits *lim;
  cp_budget *bud;                /* the call's work budget (may be NULL) */
  cp_err *err;
  cp_an *an;
  int mode;
  const uint32_t *stream;        /* NULL: read per block (word_at) */
  int *sbad;                     /* set when such a read finds damage */
  int sbad_store;
  uint32_t ntok, ndocs;
  uint32_t doc_lo, doc_hi;       /* local documents evaluated */
  uint32_t pos_lo, pos_hi;       /* their token positions */
  const cp_pnode *const *leaves; /* nodes whose results are recorded */
  size_t nleaves;
  cp_res *leafres;
  cp_qcache *qc;
  const uint32_t *dstart;        /* first token of each document, ndocs+1 */
  const uint8_t *npunct;         /* norms with a punctuation form (lazy) */
  const uint64_t *ppunct;        /* punctuation positions (NULL: none) */
  int ppunct_tried;
  uint32_t *dstart_tmp;          /* owned copies when there is no cache */
  uint8_t *npunct_tmp;
  int docsonly;                  /* the caller needs documents, not spans */
  const cp_pnode *nodocs;        /* a node whose documents nobody needs */
  const cp_pnode *countonly;     /* a sequence whose matches are only
                                    counted (count.c): seqfix.c adds them
                                    to nspans instead of making spans */
  uint64_t nspans;
  /* document cursor for positions visited in ascending order */
  uint32_t cdoc, cds, cde;
} ctx;

static inline int oom (ctx *x) {
  return cp_err_set(x->err, CP_ENOMEM, "out of memory");
}

/*
** First index i >= from of sorted v[0..n) with v[i] >= key.  Cursors
** mostly move a few places, so a short linear probe comes first; then
** galloping (so a cursor pays for the distance it moves, not for n) and
** a branch-free binary search.
*/
static inline size_t gallop_ (const uint32_t *v, size_t n, size_t from,
                       uint32_t key) {
  size_t lo = from, step = 16, hi, len;
  const uint32_t *b;
  if (from + 20 <= n) {
    /* a short step is the most common; past it, count a block's
    ** elements below the key without branching: the number skipped
    ** varies from call to call, a loop exit would be mispredicted */
    uint32_t c = 0, i;
    if (v[from + 1] >= key) return from + 1;
    if (v[from + 2] >= key) return from + 2;
    if (v[from + 3] >= key) return from + 3;
    for (i = 4; i < 20; i++) c += v[from + i] < key;
    if (c < 16) return from + 4 + c;
    lo = from + 20;
  }
  else {
    for (; lo < n; lo++)
      if (v[lo] >= key) return lo;
    return n;
  }
  if (lo >= n) return n;
  for (;;) {                   /* v[lo - 1] < key: find hi with v[hi] >= key */
    hi = lo + step;
    if (hi >= n) { hi = n; break; }
    if (v[hi] >= key) break;
    lo = hi + 1;
    step *= 2;
  }
  /* the answer is in [lo, hi]: v[hi] >= key, or hi == n */
  if (lo >= hi) return hi;
  b = v + lo;
  len = hi - lo;
  while (len > 1) {
    size_t half = len / 2;
    b = (b[half] < key) ? b + half : b;
    len -= half;
  }
  return (size_t)(b - v) + (*b < key);
}

/* the common case (the cursor is already there) without a call */
static inline size_t gallop (const uint32_t *v, size_t n, size_t from,
                             uint32_t key) {
  if (from < n && v[from] >= key) return from;
  return gallop_(v, n, from, key);
}

/*
** Bounds [*ds, *de) of the document holding 'pos'.  Positions are
** mostly visited in ascending order, so the search gallops forward from
** the current document.
*/
static inline uint32_t doc_at_ (ctx *x, uint32_t pos, uint32_t *ds, uint32_t *de) {
  {
    size_t from = pos >= x->cde ? x->cdoc : 0;
    /* last document d with dstart[d] <= pos */
    uint32_t d = (uint32_t)gallop(x->dstart, (size_t)x->ndocs + 1, from,
                                  pos + 1) - 1;
    if (pos < x->ntok && d < x->ndocs) {
      x->cdoc = d;
      x->cds = x->dstart[d];
      x->cde = x->dstart[d + 1];
    }
    else {   /* cannot happen in a checked segment: isolate the token */
      x->cdoc = d < x->ndocs ? d : x->ndocs - 1;
      x->cds = pos;
      x->cde = pos + 1;
    }
  }
  *ds = x->cds;
  *de = x->cde;
  return x->cdoc;
}

/* the common case (still in the current document) without a call */
static inline uint32_t doc_at (ctx *x, uint32_t pos, uint32_t *ds,
                               uint32_t *de) {
  if (pos >= x->cds && pos < x->cde) {
    *ds = x->cds;
    *de = x->cde;
    return x->cdoc;
  }
  return doc_at_(x, pos, ds, de);
}

/*
** The word at pos.  A plan whose reads of the stream are few (a phrase
** or NEAR of words: the punctuation between two words, exec.c
** plan_needs) runs on a segment whose stream was never read whole; its
** blocks are then decoded as they are touched.
*/
static inline uint32_t word_at (const ctx *x, uint32_t pos) {
  if (x->stream != NULL) return x->stream[pos];
  return cp_seg_word_at(x->s, pos, x->sbad);
}

static inline int is_punct (const ctx *x, uint32_t pos) {
  return cp_seg_type_punct(x->s, word_at(x, pos));
}

/* the cache's punctuation position bitmap (NULL without a cache) */
static inline const uint64_t *get_ppunct (ctx *x) {
  if (!x->ppunct_tried) {
    x->ppunct = cp_qc_ppunct(x->qc, x->c, x->segi);
    x->ppunct_tried = 1;
  }
  return x->ppunct;
}

/* end of the sentence / paragraph holding 'pos' (within its document) */
static inline uint32_t unit_bounds (ctx *x, int unit, uint32_t pos,
                             uint32_t *us) {
  uint32_t ds, de, n, i;
  const uint32_t *starts;
  doc_at(x, pos, &ds, &de);
  *us = ds;
  if (unit == CP_U_DOC) return de;
  starts = unit == CP_U_SENT ? cp_seg_sents(x->s, &n) : cp_seg_paras(x->s, &n);
  i = unit == CP_U_SENT ? cp_seg_sent_of(x->s, pos) : cp_seg_para_of(x->s, pos);
  if (starts != NULL && i < n) {
    if (starts[i] > *us && starts[i] <= pos) *us = starts[i];
    if (i + 1 < n && starts[i + 1] < de && starts[i + 1] > pos)
      return starts[i + 1];
  }
  return de;
}

/* }================================================================ */


/* {================================================================
** Token sets (compiled token conditions, exec.c)
** ================================================================= */

enum { TS_NONE, TS_ANY, TS_NORM1, TS_NORMBITS, TS_WORD1, TS_WORDBITS,
       TS_LAYER1, TS_LAYERBITS, TS_MIX };

/*
** A compiled token condition.  Word-based kinds test a word id (norm
** and stem are functions of it); LAYER kinds test the value of a stored
** layer at the position; MIX combines sets of different layers (AND,
** OR, NOT of its kids) position by position.  Candidates are norm ids,
** or (clayer >= CP_NLAYERS) ids of that stored layer.
*/
typedef struct tset {
  int kind;
  uint32_t id;          /* NORM1 / WORD1 / LAYER1 */
  uint8_t *bits;        /* NORMBITS over norm ids, WORDBITS over word ids,
                        ** LAYERBITS over the layer's ids */
  const uint32_t *lstream;  /* LAYER kinds: the layer's id per position */
  uint32_t *cand;       /* sorted candidate ids whose postings cover it */
  size_t ncand;
  int clayer;           /* layer of the candidates: 0 (norm) or stored */
  int mixop;            /* MIX: CP_P_TAND, CP_P_TOR or CP_P_TNOT */
  struct tset *kids;    /* MIX: its sets */
  size_t nkids;
  int all;              /* no candidate list: every position */
  int exact;            /* every candidate position passes */
  uint64_t cost;        /* total postings of the candidates */
} tset;

int cp_x_ts_mixhas (const ctx *x, const tset *t, uint32_t pos);

/* does the token at 'pos' pass the set? */
static inline int ts_at (const ctx *x, const tset *t, uint32_t pos) {
  uint32_t n, wid;
  switch (t->kind) {
    case TS_ANY: return 1;
    case TS_LAYER1: return t->lstream[pos] == t->id;
    case TS_LAYERBITS:
      n = t->lstream[pos];
      return (t->bits[n >> 3] >> (n & 7)) & 1;
    case TS_MIX: return cp_x_ts_mixhas(x, t, pos);
    default: break;
  }
  wid = word_at(x, pos);
  switch (t->kind) {
    case TS_NORM1: return cp_seg_map(x->s, CP_NORM, wid) == t->id;
    case TS_NORMBITS:
      n = cp_seg_map(x->s, CP_NORM, wid);
      return n != UINT32_MAX && (t->bits[n >> 3] >> (n & 7)) & 1;
    case TS_WORD1: return wid == t->id;
    case TS_WORDBITS: return (t->bits[wid >> 3] >> (wid & 7)) & 1;
    default: return 0;
  }
}

/* word-based sets: does word 'wid' pass? */
static inline int ts_has (const ctx *x, const tset *t, uint32_t wid) {
  uint32_t n;
  switch (t->kind) {
    case TS_ANY: return 1;
    case TS_NORM1: return cp_seg_map(x->s, CP_NORM, wid) == t->id;
    case TS_NORMBITS:
      n = cp_seg_map(x->s, CP_NORM, wid);
      return n != UINT32_MAX && (t->bits[n >> 3] >> (n & 7)) & 1;
    case TS_WORD1: return wid == t->id;
    case TS_WORDBITS: return (t->bits[wid >> 3] >> (wid & 7)) & 1;
    default: return 0;
  }
}

/* is the set a test on the word id alone? */
static inline int ts_wordkind (const tset *t) {
  return t->kind <= TS_WORDBITS;
}

typedef struct seqel { tset ts; uint32_t min, max; } seqel;

/* the (s, e) order of spans as one 64-bit key */
static inline uint64_t span_key (const cp_span *x) {
  return (uint64_t)x->s << 32 | x->e;
}

/* }================================================================ */


/* {================================================================
** Across the executor's files (hidden, cp_x_ prefix)
** ================================================================= */

/* exec.c: evaluate a node / a sequence (within 'unit') / a token
** condition on its own, into *r (zeroed by the caller) */
int cp_x_eval (ctx *x, const cp_pnode *n, cp_res *r);
int cp_x_eval_seq (ctx *x, const cp_pnode *n, int unit, cp_res *r);
int cp_x_eval_cond (ctx *x, const cp_pnode *n, cp_res *r);

/* exec.c: compile a token condition for the current segment */
int cp_x_ts_compile (ctx *x, const cp_pnode *n, tset *t);
void cp_x_ts_free (tset *t);

/* exec.c: the sorted candidate positions of a set (postings in place
** for one candidate, else a merged copy in *owned) */
int cp_x_ts_positions (ctx *x, const tset *t, const uint32_t **pv,
                       size_t *pn, uint32_t **owned);

/* exec.c: the number of documents of the evaluated range the
** candidates' postings reach: the document frequency of the largest
** list, plus the documents of the others without it (the whole list
** is never walked) */
int cp_x_cands_ndocs (ctx *x, const tset *t, uint64_t *n);

/* exec.c: set up / release the evaluation of local documents
** [doc_lo, doc_hi) of a segment (*empty: nothing to evaluate) */
int cp_x_ctx_open (ctx *x, cp_corpus *c, cp_qcache *qc, size_t segi,
                   const cp_limits *lim, uint32_t doc_lo, uint32_t doc_hi,
                   int *empty, cp_err *err);
void cp_x_ctx_close (ctx *x);

/* exec.c: the checks every entry point makes (plan, then flush) */
int cp_x_check_args (cp_corpus *c, const cp_plan *p, cp_err *err);

/* exec.c: 'lim', or the default limits when NULL */
const cp_limits *cp_x_limits (const cp_limits *lim);

/* spend n units of the call's budget */
static inline int spend (ctx *x, uint64_t n) {
  return cp_budget_spend(x->bud, n, x->err);
}

/* seqfix.c: match a compiled sequence on its items' postings when every
** item is fixed; 1 if it applied (result in r, error in *rc), 0 if the
** general matcher must run */
int cp_x_seq_fixed (ctx *x, const cp_pnode *n, seqel *el, size_t nel,
                    int unit, cp_res *r, int *rc);

/* spanq.c: span sets as queries, "within" / "containing" joins, and the
** check that every span set a plan names exists in the corpus */
int cp_x_eval_spanset (ctx *x, const cp_pnode *n, cp_res *r);
/* fieldq.c: the live documents of [doc_lo, doc_hi) a FIELD node finds */
int cp_x_eval_field (ctx *x, const cp_pnode *n, cp_res *r);
int cp_x_eval_spanjoin (ctx *x, const cp_pnode *n, cp_res *r);
int cp_x_check_spansets (cp_corpus *c, const cp_pnode *n, cp_err *err);
/* seqgap.c: match a compiled sequence with variable gaps a unit at a
** time when that is cheaper than the general matcher ('anchored': it
** would start from an anchor's candidates); 1 if it applied (result in
** r, error in *rc), 0 if the general matcher must run */
int cp_x_seq_gaps (ctx *x, const seqel *el, size_t nel, int unit,
                   int anchored, cp_res *r, int *rc);

/* near.c: a NEAR node within 'unit' */
int cp_x_eval_near (ctx *x, const cp_pnode *n, int unit, cp_res *r);

/* }================================================================ */

#endif
