/*
** exec.c -- evaluate query plans over segments (see exec.h, xint.h).
**
** Per segment, token conditions are compiled to "token sets" (tset):
** a test on a word id plus the norm types whose postings contain every
** position that can pass it (the candidates).  Sequences start from
** the candidates of their cheapest fixed item (the anchor); sequences
** of fixed items find the other items in their postings with forward
** cursors (seq_fixed), the others walk back to the start and match
** forward in the token stream with lazy repetition.  NEAR merges its
** arguments' spans a document at a time.  Everything else combines
** spans and document lists; when only documents are needed (document
** counts, NOT) the evaluation skips to the next document after a hit.
*/
#include <stdlib.h>
#include <string.h>
#include <stdio.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "xint.h"
#include "seg.h"
#include "analysis.h"

/* {================================================================
** Vectors
** ================================================================= */

static int grow (void **v, size_t *cap, size_t need, size_t elsize) {
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

int cp_spans_push (cp_spans *v, uint32_t s, uint32_t e) {
  if (v->n == v->cap &&
      grow((void **)&v->v, &v->cap, v->n + 1, sizeof(cp_span)) != CP_OK)
    return CP_ENOMEM;
  v->v[v->n].s = s;
  v->v[v->n].e = e;
  v->n++;
  return CP_OK;
}

int cp_u32s_push (cp_u32s *v, uint32_t x) {
  if (v->n == v->cap &&
      grow((void **)&v->v, &v->cap, v->n + 1, sizeof(uint32_t)) != CP_OK)
    return CP_ENOMEM;
  v->v[v->n++] = x;
  return CP_OK;
}

void cp_res_free (cp_res *r) {
  free(r->sp.v);
  free(r->docs.v);
  memset(r, 0, sizeof(*r));
}

void cp_matches_free (cp_matches *m) {
  if (m == NULL) return;
  free(m->v);
  memset(m, 0, sizeof(*m));
}

/*
** Sort uint32 keys: LSD radix, three passes of 11 bits.  Small digit
** tables (8 KiB on the stack) keep sorting a few thousand positions
** cheap, where 16-bit digits would clear half a megabyte per pass.
*/
static int radix_sort (uint32_t *a, size_t n) {
  uint32_t *tmp, cnt[2048];
  int pass;
  if (n < 64) {
    size_t i, j;
    for (i = 1; i < n; i++) {
      uint32_t x = a[i];
      for (j = i; j > 0 && a[j - 1] > x; j--) a[j] = a[j - 1];
      a[j] = x;
    }
    return CP_OK;
  }
  if (n > UINT32_MAX) return CP_ENOMEM;
  if ((tmp = (uint32_t *)malloc(n * sizeof(uint32_t))) == NULL)
    return CP_ENOMEM;
  for (pass = 0; pass < 3; pass++) {     /* a -> tmp -> a -> tmp */
    int sh = pass * 11;
    size_t i;
    uint32_t sum = 0;
    uint32_t *src = (pass & 1) ? tmp : a, *dst = (pass & 1) ? a : tmp;
    memset(cnt, 0, sizeof(cnt));
    for (i = 0; i < n; i++) cnt[(src[i] >> sh) & 0x7ff]++;
    for (i = 0; i < 2048; i++) { uint32_t c = cnt[i]; cnt[i] = sum; sum += c; }
    for (i = 0; i < n; i++) dst[cnt[(src[i] >> sh) & 0x7ff]++] = src[i];
  }
  memcpy(a, tmp, n * sizeof(uint32_t));
  free(tmp);
  return CP_OK;
}


/* }================================================================ */


/* {================================================================
** Evaluation context
** ================================================================= */

typedef struct ctx {
  cp_corpus *c;
  const cp_seg *s;
  size_t segi;
  const cp_limits *lim;
  cp_err *err;
  cp_an *an;
  int mode;
  const uint32_t *stream;
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
  /* document cursor for positions visited in ascending order */
  uint32_t cdoc, cds, cde;
} ctx;

static int oom (ctx *x) {
  return cp_err_set(x->err, CP_ENOMEM, "out of memory");
}

/*
** First index i >= from of sorted v[0..n) with v[i] >= key.  Cursors
** mostly move a few places, so a short linear probe comes first; then
** galloping (so a cursor pays for the distance it moves, not for n) and
** a branch-free binary search.
*/
static size_t gallop_ (const uint32_t *v, size_t n, size_t from,
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
static uint32_t doc_at_ (ctx *x, uint32_t pos, uint32_t *ds, uint32_t *de) {
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

static int is_punct (const ctx *x, uint32_t pos) {
  return cp_seg_type_punct(x->s, x->stream[pos]);
}

/* the cache's punctuation position bitmap (NULL without a cache) */
static const uint64_t *get_ppunct (ctx *x) {
  if (!x->ppunct_tried) {
    x->ppunct = cp_qc_ppunct(x->qc, x->c, x->segi);
    x->ppunct_tried = 1;
  }
  return x->ppunct;
}

/* end of the sentence / paragraph holding 'pos' (within its document) */
static uint32_t unit_bounds (ctx *x, int unit, uint32_t pos,
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
** Token sets
** ================================================================= */

enum { TS_NONE, TS_ANY, TS_NORM1, TS_NORMBITS, TS_WORD1, TS_WORDBITS };

typedef struct tset {
  int kind;
  uint32_t id;          /* NORM1 / WORD1 */
  uint8_t *bits;        /* NORMBITS over norm ids, WORDBITS over word ids */
  uint32_t *cand;       /* sorted norm ids whose postings cover it */
  size_t ncand;
  int all;              /* no candidate list: every position */
  int exact;            /* every candidate position passes */
  uint64_t cost;        /* total postings of the candidates */
} tset;

static void ts_free (tset *t) {
  free(t->bits);
  free(t->cand);
  memset(t, 0, sizeof(*t));
}

static int ts_has (const ctx *x, const tset *t, uint32_t wid) {
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

static void ts_cost (ctx *x, tset *t) {
  size_t i;
  t->cost = 0;
  for (i = 0; i < t->ncand; i++)
    t->cost += cp_seg_type_freq(x->s, CP_NORM, t->cand[i]);
}

static uint8_t *newbits (uint32_t n) {
  return (uint8_t *)calloc((size_t)n / 8 + 1, 1);
}

/* sort and dedupe a candidate list */
static int cand_unique (uint32_t *a, size_t *n) {
  size_t i, j = 0;
  if (radix_sort(a, *n) != CP_OK) return CP_ENOMEM;
  for (i = 0; i < *n; i++)
    if (j == 0 || a[j - 1] != a[i]) a[j++] = a[i];
  *n = j;
  return CP_OK;
}

/* a token set from sorted norm ids (takes 'ids') */
static int ts_from_norms (ctx *x, tset *t, uint32_t *ids, size_t n) {
  size_t i;
  memset(t, 0, sizeof(*t));
  if (n == 0) { free(ids); t->kind = TS_NONE; return CP_OK; }
  t->cand = ids;
  t->ncand = n;
  t->exact = 1;
  if (n == 1) { t->kind = TS_NORM1; t->id = ids[0]; }
  else {
    uint32_t nn = cp_seg_ntypes(x->s, CP_NORM);
    t->kind = TS_NORMBITS;
    if ((t->bits = newbits(nn)) == NULL) return oom(x);
    for (i = 0; i < n; i++)
      if (ids[i] < nn) t->bits[ids[i] >> 3] |= (uint8_t)(1u << (ids[i] & 7));
  }
  ts_cost(x, t);
  return CP_OK;
}

/* a token set from sorted word ids (takes 'ids') */
static int ts_from_words (ctx *x, tset *t, uint32_t *ids, size_t n) {
  size_t i;
  uint32_t nw = cp_seg_ntypes(x->s, CP_WORD);
  memset(t, 0, sizeof(*t));
  if (n == 0) { free(ids); t->kind = TS_NONE; return CP_OK; }
  if (n == 1) { t->kind = TS_WORD1; t->id = ids[0]; }
  else {
    t->kind = TS_WORDBITS;
    if ((t->bits = newbits(nw)) == NULL) { free(ids); return oom(x); }
    for (i = 0; i < n; i++)
      if (ids[i] < nw) t->bits[ids[i] >> 3] |= (uint8_t)(1u << (ids[i] & 7));
  }
  /* candidates: the norms of the words (reuse the array) */
  for (i = 0; i < n; i++) ids[i] = cp_seg_map(x->s, CP_NORM, ids[i]);
  if (cand_unique(ids, &n) != CP_OK) { free(ids); return oom(x); }
  t->cand = ids;
  t->ncand = n;
  ts_cost(x, t);
  return CP_OK;
}

/* glob match of a whole string: '*' any run, '?' one UTF-8 character */
int cp_glob_match (const char *p, size_t pn, const char *s, size_t sn) {
  size_t pi = 0, si = 0, star_p = (size_t)-1, star_s = 0;
  while (si < sn) {
    if (pi < pn && p[pi] == '?') {
      pi++;
      si++;
      while (si < sn && ((unsigned char)s[si] & 0xC0) == 0x80) si++;
    }
    else if (pi < pn && p[pi] == '*') { star_p = ++pi; star_s = si; }
    else if (pi < pn && p[pi] == s[si]) { pi++; si++; }
    else if (star_p != (size_t)-1) {
      pi = star_p;
      si = ++star_s;
      while (si < sn && ((unsigned char)s[si] & 0xC0) == 0x80) si = ++star_s;
    }
    else return 0;
  }
  while (pi < pn && p[pi] == '*') pi++;
  return pi == pn;
}

static int too_many (ctx *x, const cp_pnode *n) {
  return cp_err_set(x->err, CP_ELIMIT,
    "query term '%.*s' expands to more than %llu lexicon entries "
    "(raise the max_expand limit or narrow the pattern)",
    (int)(n->len > 100 ? 100 : n->len), n->str,
    (unsigned long long)x->lim->max_expand);
}

/* push an id, checking the expansion limit */
static int expand_push (ctx *x, const cp_pnode *n, cp_u32s *ids, uint32_t id) {
  if (x->lim->max_expand && ids->n >= x->lim->max_expand)
    return too_many(x, n);
  return cp_u32s_push(ids, id) == CP_OK ? CP_OK : oom(x);
}

/*
** The ids of 'layer' matching a lexical node (TERM, PREFIX, GLOB,
** REGEX), sorted.  The text is normalized as the layer is: norm and
** stem layers see the norm of the text (and TERM on stem its stem).
*/
static int lex_ids (ctx *x, const cp_pnode *n, cp_u32s *ids) {
  const char *t = n->str;
  size_t tl = n->len;
  int layer = n->layer, rc = CP_OK;
  char *tmp = NULL;
  if (n->kind != CP_P_REGEX && layer != CP_WORD) {
    const char *r = cp_an_norm(x->an, t, tl, &tl);
    if (r == NULL) return oom(x);
    if (n->kind == CP_P_TERM && layer == CP_STEM) {
      if ((tmp = (char *)malloc(tl + 1)) == NULL) return oom(x);
      memcpy(tmp, r, tl);
      r = cp_an_stem(x->an, tmp, tl, &tl);
      if (r == NULL) { free(tmp); return oom(x); }
    }
    if ((tmp = (char *)realloc(tmp, tl + 1)) == NULL) return oom(x);
    memcpy(tmp, r, tl);
    tmp[tl] = '\0';
    t = tmp;
  }
  switch (n->kind) {
    case CP_P_TERM: {
      int64_t id = cp_seg_lookup(x->s, layer, t, tl);
      if (id >= 0) rc = expand_push(x, n, ids, (uint32_t)id);
      break;
    }
    case CP_P_PREFIX: {
      uint32_t lo, hi, i;
      cp_seg_lex_range(x->s, layer, t, tl, &lo, &hi);
      if (x->lim->max_expand && hi - lo > x->lim->max_expand) {
        rc = too_many(x, n);
        break;
      }
      for (i = lo; i < hi && rc == CP_OK; i++) rc = expand_push(x, n, ids, i);
      break;
    }
    case CP_P_GLOB: {
      uint32_t lo, hi, i;
      size_t lit = 0;
      while (lit < tl && t[lit] != '*' && t[lit] != '?') lit++;
      cp_seg_lex_range(x->s, layer, t, lit, &lo, &hi);
      for (i = lo; i < hi && rc == CP_OK; i++) {
        size_t sl;
        const char *str = cp_seg_type(x->s, layer, i, &sl);
        if (str != NULL && cp_glob_match(t, tl, str, sl))
          rc = expand_push(x, n, ids, i);
      }
      break;
    }
    case CP_P_REGEX: {
      int ec;
      PCRE2_SIZE eo;
      uint32_t i, nt = cp_seg_ntypes(x->s, layer);
      pcre2_code *re = pcre2_compile((PCRE2_SPTR)t, tl,
          PCRE2_UTF | PCRE2_ANCHORED | PCRE2_ENDANCHORED | PCRE2_MATCH_INVALID_UTF,
          &ec, &eo, NULL);
      pcre2_match_data *md;
      if (re == NULL) {
        PCRE2_UCHAR buf[256];
        pcre2_get_error_message(ec, buf, sizeof(buf));
        rc = cp_err_set(x->err, CP_ESYNTAX,
                        "bad regular expression /%.*s/ at offset %zu: %s",
                        (int)(tl > 100 ? 100 : tl), t, (size_t)eo,
                        (const char *)buf);
        break;
      }
      pcre2_jit_compile(re, PCRE2_JIT_COMPLETE);
      md = pcre2_match_data_create_from_pattern(re, NULL);
      if (md == NULL) { pcre2_code_free(re); rc = oom(x); break; }
      for (i = 0; i < nt && rc == CP_OK; i++) {
        size_t sl;
        const char *str = cp_seg_type(x->s, layer, i, &sl);
        if (str != NULL &&
            pcre2_match(re, (PCRE2_SPTR)str, sl, 0, 0, md, NULL) >= 0)
          rc = expand_push(x, n, ids, i);
      }
      pcre2_match_data_free(md);
      pcre2_code_free(re);
      break;
    }
    default: break;
  }
  free(tmp);
  return rc;
}

static int ts_compile (ctx *x, const cp_pnode *n, tset *t);

/* word bits of any token set (for combinations across layers) */
static int ts_wordbits (ctx *x, tset *t) {
  uint32_t nw = cp_seg_ntypes(x->s, CP_WORD), w;
  uint8_t *b;
  if (t->kind == TS_WORDBITS) return CP_OK;
  if ((b = newbits(nw)) == NULL) return oom(x);
  for (w = 0; w < nw; w++)
    if (ts_has(x, t, w)) b[w >> 3] |= (uint8_t)(1u << (w & 7));
  free(t->bits);
  t->bits = b;
  t->kind = TS_WORDBITS;
  return CP_OK;
}

/* norm bits of a NORM1 / NORMBITS set */
static int ts_normbits (ctx *x, tset *t) {
  uint32_t nn = cp_seg_ntypes(x->s, CP_NORM);
  if (t->kind == TS_NORMBITS) return CP_OK;
  if ((t->bits = newbits(nn)) == NULL) return oom(x);
  if (t->id < nn) t->bits[t->id >> 3] |= (uint8_t)(1u << (t->id & 7));
  t->kind = TS_NORMBITS;
  return CP_OK;
}

static int is_normkind (const tset *t) {
  return t->kind == TS_NORM1 || t->kind == TS_NORMBITS;
}

/* candidates of a AND b (intersection; 'all' is the identity) */
static int cand_and (tset *r, tset *a, tset *b) {
  if (a->all && b->all) { r->all = 1; return CP_OK; }
  if (a->all || b->all) {
    tset *src = a->all ? b : a;
    r->cand = src->cand; r->ncand = src->ncand; src->cand = NULL;
  }
  else {
    size_t i = 0, j = 0, k = 0;
    uint32_t *v = (uint32_t *)malloc((a->ncand < b->ncand ? a->ncand : b->ncand) * sizeof(uint32_t) + 4);
    if (v == NULL) return CP_ENOMEM;
    while (i < a->ncand && j < b->ncand) {
      if (a->cand[i] < b->cand[j]) i++;
      else if (a->cand[i] > b->cand[j]) j++;
      else { v[k++] = a->cand[i]; i++; j++; }
    }
    r->cand = v; r->ncand = k;
  }
  return CP_OK;
}

/* candidates of a OR b (union; 'all' absorbs) */
static int cand_or (tset *r, tset *a, tset *b) {
  size_t i = 0, j = 0, k = 0;
  uint32_t *v;
  if (a->all || b->all) { r->all = 1; return CP_OK; }
  v = (uint32_t *)malloc((a->ncand + b->ncand) * sizeof(uint32_t) + 4);
  if (v == NULL) return CP_ENOMEM;
  while (i < a->ncand || j < b->ncand) {
    uint32_t y;
    if (j >= b->ncand || (i < a->ncand && a->cand[i] <= b->cand[j])) {
      y = a->cand[i++];
      if (j < b->ncand && b->cand[j] == y) j++;
    }
    else y = b->cand[j++];
    v[k++] = y;
  }
  r->cand = v; r->ncand = k;
  return CP_OK;
}

/* combine two sets with AND (and_ = 1) or OR into *a; frees b */
static int ts_combine (ctx *x, tset *a, tset *b, int and_) {
  tset r;
  uint32_t i, nb;
  int rc = CP_OK;
  memset(&r, 0, sizeof(r));
  if (and_ ? (a->kind == TS_NONE || b->kind == TS_ANY)
           : (a->kind == TS_ANY || b->kind == TS_NONE)) {
    ts_free(b); return CP_OK;
  }
  if (and_ ? (b->kind == TS_NONE || a->kind == TS_ANY)
           : (b->kind == TS_ANY || a->kind == TS_NONE)) {
    ts_free(a); *a = *b; memset(b, 0, sizeof(*b)); return CP_OK;
  }
  if (is_normkind(a) && is_normkind(b)) {
    if (ts_normbits(x, a) != CP_OK || ts_normbits(x, b) != CP_OK) rc = CP_ENOMEM;
    nb = cp_seg_ntypes(x->s, CP_NORM) / 8 + 1;
  }
  else {
    if (ts_wordbits(x, a) != CP_OK || ts_wordbits(x, b) != CP_OK) rc = CP_ENOMEM;
    nb = cp_seg_ntypes(x->s, CP_WORD) / 8 + 1;
  }
  if (rc == CP_OK) {
    for (i = 0; i < nb; i++)
      a->bits[i] = and_ ? (uint8_t)(a->bits[i] & b->bits[i])
                        : (uint8_t)(a->bits[i] | b->bits[i]);
    rc = and_ ? cand_and(&r, a, b) : cand_or(&r, a, b);
  }
  if (rc != CP_OK) { ts_free(b); return oom(x); }
  free(a->cand);
  a->cand = r.cand; a->ncand = r.ncand; a->all = r.all;
  a->exact = 0;
  ts_free(b);
  ts_cost(x, a);
  return CP_OK;
}

/*
** Compile a token condition for the current segment.
*/
static int ts_compile (ctx *x, const cp_pnode *n, tset *t) {
  int rc;
  memset(t, 0, sizeof(*t));
  switch (n->kind) {
    case CP_P_ANY:
      t->kind = TS_ANY; t->all = 1;
      return CP_OK;
    case CP_P_TERM: case CP_P_PREFIX: case CP_P_GLOB: case CP_P_REGEX: {
      cp_u32s ids = {NULL, 0, 0};
      if ((rc = lex_ids(x, n, &ids)) != CP_OK) { free(ids.v); return rc; }
      if (n->layer == CP_NORM) return ts_from_norms(x, t, ids.v, ids.n);
      if (n->layer == CP_WORD) return ts_from_words(x, t, ids.v, ids.n);
      {  /* stem: union of the norms of each stem */
        cp_u32s norms = {NULL, 0, 0};
        size_t i;
        for (i = 0; i < ids.n; i++) {
          uint32_t k, cnt = 0;
          const uint32_t *nv = cp_seg_stem_norms(x->s, ids.v[i], &cnt);
          for (k = 0; nv != NULL && k < cnt; k++)
            if (cp_u32s_push(&norms, nv[k]) != CP_OK) {
              free(ids.v); free(norms.v); return oom(x);
            }
        }
        free(ids.v);
        if (cand_unique(norms.v, &norms.n) != CP_OK) {
          free(norms.v); return oom(x);
        }
        return ts_from_norms(x, t, norms.v, norms.n);
      }
    }
    case CP_P_TNOT: {
      tset a;
      uint32_t nb, i;
      if ((rc = ts_compile(x, n->kid, &a)) != CP_OK) return rc;
      if (a.kind == TS_NONE || a.kind == TS_ANY) {
        t->kind = a.kind == TS_NONE ? TS_ANY : TS_NONE;
        t->all = 1;
        ts_free(&a);
        return CP_OK;
      }
      if (is_normkind(&a)) {
        rc = ts_normbits(x, &a);
        nb = cp_seg_ntypes(x->s, CP_NORM) / 8 + 1;
      }
      else {
        rc = ts_wordbits(x, &a);
        nb = cp_seg_ntypes(x->s, CP_WORD) / 8 + 1;
      }
      if (rc != CP_OK) { ts_free(&a); return rc; }
      for (i = 0; i < nb; i++) a.bits[i] = (uint8_t)~a.bits[i];
      free(a.cand);
      a.cand = NULL; a.ncand = 0; a.all = 1; a.exact = 0;
      *t = a;
      return CP_OK;
    }
    case CP_P_TAND: case CP_P_TOR: {
      const cp_pnode *k = n->kid;
      if (k == NULL) { t->kind = n->kind == CP_P_TAND ? TS_ANY : TS_NONE; t->all = 1; return CP_OK; }
      if ((rc = ts_compile(x, k, t)) != CP_OK) return rc;
      for (k = k->next; k != NULL; k = k->next) {
        tset b;
        if ((rc = ts_compile(x, k, &b)) != CP_OK) { ts_free(t); return rc; }
        if ((rc = ts_combine(x, t, &b, n->kind == CP_P_TAND)) != CP_OK) {
          ts_free(t); return rc;
        }
      }
      return CP_OK;
    }
    default:
      return cp_err_set(x->err, CP_EINVAL, "not a token condition");
  }
}

/*
** The positions of a set's candidates inside [pos_lo, pos_hi), sorted.
** With one candidate the postings are used in place (*owned = 0).
*/
static int ts_positions (ctx *x, const tset *t, const uint32_t **pv,
                         size_t *pn, uint32_t **owned) {
  size_t i, total = 0, k = 0;
  uint32_t *v;
  *owned = NULL;
  *pv = NULL;
  *pn = 0;
  if (t->ncand == 1) {
    uint32_t n;
    const uint32_t *p = cp_seg_postings(x->s, t->cand[0], &n);
    *pv = p;
    *pn = p ? n : 0;
    return CP_OK;
  }
  for (i = 0; i < t->ncand; i++) {
    uint32_t n;
    if (cp_seg_postings(x->s, t->cand[i], &n) != NULL) total += n;
  }
  if (total == 0) return CP_OK;
  if ((v = (uint32_t *)malloc(total * sizeof(uint32_t))) == NULL)
    return oom(x);
  for (i = 0; i < t->ncand; i++) {
    uint32_t n;
    const uint32_t *p = cp_seg_postings(x->s, t->cand[i], &n);
    if (p != NULL) { memcpy(v + k, p, n * sizeof(uint32_t)); k += n; }
  }
  if (radix_sort(v, k) != CP_OK) { free(v); return oom(x); }
  *owned = v;
  *pv = v;
  *pn = k;
  return CP_OK;
}

/* first index in sorted v[0..n) with v[i] >= key */
static size_t lower_bound (const uint32_t *v, size_t n, uint32_t key) {
  size_t lo = 0, hi = n;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (v[mid] < key) lo = mid + 1; else hi = mid;
  }
  return lo;
}

/* }================================================================ */


/* {================================================================
** Sequences (token patterns and phrases)
** ================================================================= */

typedef struct seqel { tset ts; uint32_t min, max; } seqel;

typedef struct seqm {
  ctx *x;
  seqel *el;
  size_t nel;
  int phrase;
  uint32_t bound;        /* matches end at or before this position */
} seqm;

/* does item i (and the rest) match from 'pos'?  returns the end or -1;
** repetitions are lazy: fewer are tried first */
static int64_t seq_fwd (const seqm *m, size_t i, uint32_t pos) {
  const seqel *e;
  uint32_t q = pos, c;
  if (i == m->nel) return pos;
  e = &m->el[i];
  for (c = 0; ; c++) {
    if (c >= e->min) {
      int64_t r = seq_fwd(m, i + 1, q);
      if (r >= 0) return r;
    }
    if (c == e->max) break;
    if (m->phrase)
      while (q < m->bound && is_punct(m->x, q)) q++;
    if (q >= m->bound || !ts_has(m->x, &e->ts, m->x->stream[q])) break;
    if (m->phrase && is_punct(m->x, q)) break;
    q++;
  }
  return -1;
}

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

static int fs_test (const fseq *f, const fitem *it, uint32_t q) {
  return it->ts->exact || ts_has(f->x, it->ts, f->x->stream[q]);
}

/* are the tokens in [a, b) all punctuation?  The position bitmap of
** the cache answers without touching the (much larger) stream. */
static int all_punct (ctx *x, uint32_t a, uint32_t b) {
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
** Try the fast path for a compiled sequence: returns 1 if it applied
** (result in r, or an error in *rc), 0 if the general matcher must run.
*/
static int seq_fixed (ctx *x, const cp_pnode *n, seqel *el, size_t nel,
                      int unit, cp_res *r, int *rc) {
  fitem *it;
  fseq f;
  size_t i, k, ni = 0, anchor = (size_t)-1, fixed = 0;
  uint64_t best = UINT64_MAX;
  uint32_t gmin = 0, gmax = 0, prev_start = 0;
  int have_prev = 0, seen_gap = 0;
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
    for (i = 0; i < nel; i++)
      for (k = 0; k < el[i].ts.ncand; k++) {
        uint32_t c = el[i].ts.cand[k];
        if ((x->npunct[c >> 3] >> (c & 7)) & 1) return 0;
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
    if ((*rc = ts_positions(x, &el[i].ts, &it[ni].pv, &it[ni].pn,
                            &it[ni].owned)) != CP_OK) goto done;
    if (it[ni].pn == 0) goto done;        /* an item never occurs */
    ni++;
  }
  f.x = x; f.it = it; f.n = ni; f.phrase = n->phrase;
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
      end = fs_fwd(&f, anchor + 1, p, p + 1);
      if (end < 0) continue;
      if (cp_spans_push(&r->sp, start, (uint32_t)end) != CP_OK) {
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

static int eval_seq (ctx *x, const cp_pnode *n, int unit, cp_res *r) {
  seqm m;
  seqel *el;
  size_t nel = n->nkids, i, k, anchor = (size_t)-1;
  const cp_pnode *it;
  int rc = CP_OK;
  uint64_t best = UINT64_MAX;
  const uint32_t *pv = NULL;
  size_t pn = 0;
  uint32_t *owned = NULL;
  if (nel == 0) return CP_OK;
  if ((el = (seqel *)calloc(nel, sizeof(seqel))) == NULL) return oom(x);
  for (i = 0, it = n->kid; it != NULL; it = it->next, i++) {
    el[i].min = it->min;
    el[i].max = it->max;
    if ((rc = ts_compile(x, it->kid, &el[i].ts)) != CP_OK) goto done;
    if (el[i].ts.kind == TS_NONE && el[i].min > 0) goto done; /* no match */
  }
  if (seq_fixed(x, n, el, nel, unit, r, &rc)) goto done;
  /* the anchor: a cheapest item occurring exactly once, with only
  ** fixed-count items before it (so the start is found by walking back) */
  for (i = 0; i < nel; i++) {
    if (el[i].min == 1 && el[i].max == 1 && !el[i].ts.all &&
        el[i].ts.cost < best) {
      best = el[i].ts.cost;
      anchor = i;
    }
    if (el[i].min != el[i].max) break;
  }
  m.x = x; m.el = el; m.nel = nel; m.phrase = n->phrase;
  if (anchor != (size_t)-1) {
    const tset *at = &el[anchor].ts;
    uint32_t prev_start = 0;
    int have_prev = 0;
    if ((rc = ts_positions(x, at, &pv, &pn, &owned)) != CP_OK) goto done;
    k = lower_bound(pv, pn, x->pos_lo);
    if (nel == 1 && at->exact && !m.phrase && x->docsonly) {
      /* documents only: the document of a position, then skip the rest
      ** of it; r->docs directly (no spans: docs_of_spans keeps them) */
      while (k < pn && pv[k] < x->pos_hi) {
        uint32_t ds, de, d = doc_at(x, pv[k], &ds, &de);
        if (cp_u32s_push(&r->docs, d) != CP_OK) { rc = oom(x); goto done; }
        k = gallop(pv, pn, k, de);
      }
      goto done;
    }
    if (nel == 1 && at->exact && !m.phrase) {
      /* one exact token: every candidate is a match */
      size_t hi = k;
      while (hi < pn && pv[hi] < x->pos_hi) hi++;
      if (grow((void **)&r->sp.v, &r->sp.cap, r->sp.n + (hi - k), sizeof(cp_span)) != CP_OK) {
        rc = oom(x); goto done;
      }
      for (; k < hi; k++) {
        r->sp.v[r->sp.n].s = pv[k];
        r->sp.v[r->sp.n].e = pv[k] + 1;
        r->sp.n++;
      }
      goto done;
    }
    for (; k < pn && pv[k] < x->pos_hi; k++) {
      uint32_t p = pv[k], pos = p, ds, de, us, start;
      int64_t end;
      size_t j;
      int ok = 1;
      if (!at->exact && !ts_has(x, at, x->stream[p])) continue;
      if (m.phrase && is_punct(x, p)) continue;
      doc_at(x, p, &ds, &de);
      for (j = anchor; j-- > 0 && ok; ) {
        uint32_t c;
        for (c = 0; c < el[j].min && ok; c++) {
          uint32_t q = pos;
          do {
            if (q == ds) { ok = 0; break; }
            q--;
          } while (m.phrase && is_punct(x, q));
          if (ok && !ts_has(x, &el[j].ts, x->stream[q])) ok = 0;
          pos = q;
        }
      }
      if (!ok) continue;
      start = pos;
      if (have_prev && start <= prev_start) continue;
      m.bound = unit_bounds(x, unit, start, &us);
      if (m.bound > de) m.bound = de;
      end = seq_fwd(&m, 0, start);
      if (end >= 0) {
        if (cp_spans_push(&r->sp, start, (uint32_t)end) != CP_OK) {
          rc = oom(x); goto done;
        }
        prev_start = start;
        have_prev = 1;
        if (x->docsonly)   /* one hit is enough: next document */
          k = gallop(pv, pn, k, de) - 1;
      }
    }
  }
  else {
    /* no anchor: try every start (the first item's candidates if it
    ** must occur) */
    const tset *ft = &el[0].ts;
    if (el[0].min > 0 && !ft->all) {
      if ((rc = ts_positions(x, ft, &pv, &pn, &owned)) != CP_OK) goto done;
      k = lower_bound(pv, pn, x->pos_lo);
    }
    else { pv = NULL; k = x->pos_lo; pn = x->pos_hi; }
    for (; k < pn; k++) {
      uint32_t s = pv ? pv[k] : (uint32_t)k, ds, de, us;
      int64_t end;
      if (s >= x->pos_hi) break;
      if (m.phrase && is_punct(x, s)) continue;
      doc_at(x, s, &ds, &de);
      m.bound = unit_bounds(x, unit, s, &us);
      if (m.bound > de) m.bound = de;
      end = seq_fwd(&m, 0, s);
      if (end > (int64_t)s) {
        if (cp_spans_push(&r->sp, s, (uint32_t)end) != CP_OK) {
          rc = oom(x); goto done;
        }
      }
    }
  }
done:
  for (i = 0; i < nel; i++) ts_free(&el[i].ts);
  free(el);
  free(owned);
  return rc;
}

/* }================================================================ */


/* {================================================================
** Spans and documents
** ================================================================= */

/* r->docs from r->sp (a result without spans keeps the documents it
** has: the documents-only path of a single token fills them itself) */
static int docs_of_spans (ctx *x, cp_res *r) {
  size_t i;
  uint32_t ds, de, d, end;
  if (r->sp.n == 0) return CP_OK;
  r->docs.n = 0;
  d = doc_at(x, r->sp.v[0].s, &ds, &de);
  end = de;
  if (cp_u32s_push(&r->docs, d) != CP_OK) return oom(x);
  for (i = 1; i < r->sp.n; i++) {
    uint32_t s0 = r->sp.v[i].s;
    if (s0 < end) continue;             /* same document: most spans */
    d = doc_at(x, s0, &ds, &de);
    end = de;
    if (cp_u32s_push(&r->docs, d) != CP_OK) return oom(x);
  }
  return CP_OK;
}

static int has_doc (const cp_u32s *d, uint32_t doc) {
  size_t i = lower_bound(d->v, d->n, doc);
  return i < d->n && d->v[i] == doc;
}

/* keep only the spans whose document is in 'docs' (both sorted: one
** pass) */
static void filter_spans (ctx *x, cp_spans *sp, const cp_u32s *docs) {
  size_t i, j = 0, o = 0;
  uint32_t ds, de;
  for (i = 0; i < sp->n; i++) {
    uint32_t d = doc_at(x, sp->v[i].s, &ds, &de);
    while (j < docs->n && docs->v[j] < d) j++;
    if (j == docs->n) break;
    if (docs->v[j] == d) sp->v[o++] = sp->v[i];
  }
  sp->n = o;
}

static uint64_t span_key (const cp_span *x) {
  return (uint64_t)x->s << 32 | x->e;
}

/* merge b's spans into a's (both sorted, unique); the (s, e) order is
** one 64-bit comparison */
static int merge_spans (cp_spans *a, const cp_spans *b) {
  cp_spans r = {NULL, 0, 0};
  size_t i = 0, j = 0, k = 0;
  if (b->n == 0) return CP_OK;
  if (grow((void **)&r.v, &r.cap, a->n + b->n, sizeof(cp_span)) != CP_OK)
    return CP_ENOMEM;
  while (i < a->n && j < b->n) {
    uint64_t ka = span_key(&a->v[i]), kb = span_key(&b->v[j]);
    r.v[k++] = ka <= kb ? a->v[i] : b->v[j];
    i += ka <= kb;
    j += kb <= ka;
  }
  if (i < a->n) { memcpy(r.v + k, a->v + i, (a->n - i) * sizeof(cp_span)); k += a->n - i; }
  if (j < b->n) { memcpy(r.v + k, b->v + j, (b->n - j) * sizeof(cp_span)); k += b->n - j; }
  r.n = k;
  free(a->v);
  *a = r;
  return CP_OK;
}

/* all live documents of the evaluated range */
static int all_docs (ctx *x, cp_u32s *d) {
  uint32_t i;
  for (i = x->doc_lo; i < x->doc_hi; i++)
    if (!cp_corpus_is_deleted(x->c, x->segi, i))
      if (cp_u32s_push(d, i) != CP_OK) return oom(x);
  return CP_OK;
}

/* }================================================================ */


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

static int eval (ctx *x, const cp_pnode *n, cp_res *r);

/* the spans of a token condition on its own: a sequence of one item */
static int eval_cond (ctx *x, const cp_pnode *n, cp_res *r) {
  cp_pnode item, seq;
  memset(&item, 0, sizeof(item));
  memset(&seq, 0, sizeof(seq));
  item.kind = CP_P_ITEM; item.kid = (cp_pnode *)n; item.min = item.max = 1;
  seq.kind = CP_P_SEQ; seq.kid = seq.last = &item; seq.nkids = 1;
  return eval_seq(x, &seq, CP_U_DOC, r);
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
** link within 'dist' words.
*/
static size_t near_mark (ctx *x, const cp_pnode *n, int unit, inst *v,
                         size_t ni, uint32_t de, size_t na) {
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
** into a small buffer and marked (near_mark).
*/
static int eval_near (ctx *x, const cp_pnode *n, int unit, cp_res *r) {
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
    if (k->kind == CP_P_SEQ) rc = eval_seq(x, k, CP_U_DOC, &kr[i]);
    else if (cp_plan_is_cond(k->kind)) rc = eval_cond(x, k, &kr[i]);
    else rc = eval(x, k, &kr[i]);
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
    m = near_mark(x, n, unit, v, ni, de, na);
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


/* {================================================================
** Metadata filters
** ================================================================= */

static int cmp_bytes (const char *a, size_t al, const char *b, size_t bl) {
  int c = memcmp(a, b, al < bl ? al : bl);
  if (c != 0) return c;
  return al < bl ? -1 : al > bl;
}

static int parse_num (const char *s, size_t len, double *d) {
  char *end;
  if (len == 0) return 0;
  *d = strtod(s, &end);
  return end == s + len;
}

/* -1, 0, 1 comparing field value to a query value; 2 if incomparable */
static int meta_cmp (const cp_meta *m, const char *v, size_t vl) {
  if (m->type == CP_MNUM) {
    double d;
    if (!parse_num(v, vl, &d)) return 2;
    return m->num < d ? -1 : m->num > d;
  }
  return cmp_bytes(m->str, m->strlen, v, vl);
}

static int meta_test (const cp_pnode *n, const cp_meta *m) {
  int c = meta_cmp(m, n->v1, n->v1len);
  if (c == 2) return 0;
  switch (n->cmp) {
    case CP_M_EQ: return c == 0;
    case CP_M_LT: return c < 0;
    case CP_M_LE: return c <= 0;
    case CP_M_GT: return c > 0;
    case CP_M_GE: return c >= 0;
    case CP_M_RANGE: {
      int c2 = meta_cmp(m, n->v2, n->v2len);
      return c >= 0 && c2 != 2 && c2 <= 0;
    }
    default: return 0;
  }
}

static int eval_meta (ctx *x, const cp_pnode *n, cp_res *r) {
  uint32_t d;
  for (d = x->doc_lo; d < x->doc_hi; d++) {
    cp_docinfo di;
    size_t it = 0;
    cp_meta m;
    int rc, hit = 0;
    if (cp_corpus_is_deleted(x->c, x->segi, d)) continue;
    if (cp_seg_doc(x->s, d, &di) != CP_OK) continue;
    while ((rc = cp_meta_next(di.meta, di.metalen, &it, &m)) == 1)
      if (m.keylen == n->len && memcmp(m.key, n->str, n->len) == 0 &&
          meta_test(n, &m)) { hit = 1; break; }
    if (rc < 0)
      return cp_err_set(x->err, CP_ECORRUPT, "damaged metadata in document %u", d);
    if (hit && cp_u32s_push(&r->docs, d) != CP_OK) return oom(x);
  }
  return CP_OK;
}

/* }================================================================ */


/* {================================================================
** Nodes
** ================================================================= */

/*
** Keep the documents of 'docs' where token set 't' occurs: one probe of
** its positions per document (a cursor galloping forward), instead of
** listing the set's own documents.
*/
static int probe_docs (ctx *x, const tset *t, cp_u32s *docs) {
  const uint32_t *pv;
  size_t pn, k = 0, i, o = 0;
  uint32_t *owned;
  int rc;
  if ((rc = ts_positions(x, t, &pv, &pn, &owned)) != CP_OK) return rc;
  for (i = 0; i < docs->n; i++) {
    uint32_t d = docs->v[i], de = x->dstart[d + 1];
    int hit = 0;
    k = gallop(pv, pn, k, x->dstart[d]);
    for (; k < pn && pv[k] < de; k++)
      if (t->exact || ts_has(x, t, x->stream[pv[k]])) { hit = 1; break; }
    if (hit) docs->v[o++] = d;
  }
  docs->n = o;
  free(owned);
  return CP_OK;
}

/* r->docs &= a->docs (or = when 'have' is 0) */
static void and_docs (cp_res *r, cp_res *a, int *have) {
  size_t p = 0, q = 0, o = 0;
  if (!*have) {
    free(r->docs.v);
    r->docs = a->docs;
    memset(&a->docs, 0, sizeof(a->docs));
    *have = 1;
    return;
  }
  while (p < r->docs.n && q < a->docs.n) {
    if (r->docs.v[p] < a->docs.v[q]) p++;
    else if (r->docs.v[p] > a->docs.v[q]) q++;
    else { r->docs.v[o++] = r->docs.v[p]; p++; q++; }
  }
  r->docs.n = o;
}

typedef struct acond { tset ts; const cp_pnode *node; } acond;

/*
** AND when only documents are needed.  Arguments that are not plain
** token conditions are evaluated first and intersected; the token
** conditions are then compiled and, cheapest first, either listed (when
** nothing has narrowed the documents yet) or probed in the surviving
** documents.  Conditions without a candidate list (a negation, any
** token) are evaluated the general way at the end.
*/
static int eval_and_docs (ctx *x, const cp_pnode *n, cp_res *r) {
  const cp_pnode *k;
  acond *ac = NULL;
  size_t nc = 0, i, j;
  int rc = CP_OK, have = 0;
  for (k = n->kid; k != NULL; k = k->next) nc += cp_plan_is_cond(k->kind);
  if (nc && (ac = (acond *)calloc(nc, sizeof(acond))) == NULL) return oom(x);
  for (k = n->kid; k != NULL && rc == CP_OK; k = k->next) {
    cp_res a;
    if (cp_plan_is_cond(k->kind)) continue;
    memset(&a, 0, sizeof(a));
    if ((rc = eval(x, k, &a)) == CP_OK) and_docs(r, &a, &have);
    cp_res_free(&a);
    if (have && r->docs.n == 0) goto done;
  }
  for (i = 0, k = n->kid; k != NULL && rc == CP_OK; k = k->next)
    if (cp_plan_is_cond(k->kind)) {
      ac[i].node = k;
      rc = ts_compile(x, k, &ac[i++].ts);
    }
  for (i = 0; i < nc && rc == CP_OK; i++) {
    size_t best = i;
    acond tmp;
    for (j = i + 1; j < nc; j++)          /* cheapest first, listed last */
      if (ac[j].ts.all < ac[best].ts.all ||
          (ac[j].ts.all == ac[best].ts.all && ac[j].ts.cost < ac[best].ts.cost))
        best = j;
    tmp = ac[i]; ac[i] = ac[best]; ac[best] = tmp;
    if (ac[i].ts.kind == TS_NONE) { r->docs.n = 0; goto done; }
    if (ac[i].ts.all) {          /* the general way */
      cp_res a;
      memset(&a, 0, sizeof(a));
      if ((rc = eval(x, ac[i].node, &a)) == CP_OK) and_docs(r, &a, &have);
      cp_res_free(&a);
    }
    else if (!have) {
      /* the first documents: the document of each candidate position */
      const uint32_t *pv;
      size_t pn, p;
      uint32_t *owned;
      if ((rc = ts_positions(x, &ac[i].ts, &pv, &pn, &owned)) != CP_OK) break;
      for (p = gallop(pv, pn, 0, x->pos_lo); p < pn && pv[p] < x->pos_hi; ) {
        uint32_t ds, de, d = doc_at(x, pv[p], &ds, &de);
        if (ac[i].ts.exact || ts_has(x, &ac[i].ts, x->stream[pv[p]])) {
          if (cp_u32s_push(&r->docs, d) != CP_OK) { rc = oom(x); break; }
          p = gallop(pv, pn, p, de);
        }
        else p++;
      }
      free(owned);
      have = 1;
    }
    else rc = probe_docs(x, &ac[i].ts, &r->docs);
    if (have && r->docs.n == 0) goto done;
  }
done:
  for (i = 0; i < nc; i++) ts_free(&ac[i].ts);
  free(ac);
  r->sp.n = 0;
  return rc == CP_OK ? CP_OK : rc;
}

static int eval_bool (ctx *x, const cp_pnode *n, cp_res *r) {
  const cp_pnode *k;
  int rc, first = 1;
  if (n->kind == CP_P_AND && x->docsonly) return eval_and_docs(x, n, r);
  for (k = n->kid; k != NULL; k = k->next) {
    cp_res a;
    memset(&a, 0, sizeof(a));
    if ((rc = eval(x, k, &a)) != CP_OK) { cp_res_free(&a); return rc; }
    if (first) { *r = a; first = 0; continue; }
    if (n->kind == CP_P_AND) {
      size_t i = 0, j = 0, o = 0;
      while (i < r->docs.n && j < a.docs.n) {
        if (r->docs.v[i] < a.docs.v[j]) i++;
        else if (r->docs.v[i] > a.docs.v[j]) j++;
        else { r->docs.v[o++] = r->docs.v[i]; i++; j++; }
      }
      r->docs.n = o;
      if (x->docsonly) { r->sp.n = 0; rc = CP_OK; }
      else {
        rc = merge_spans(&r->sp, &a.sp);
        if (rc == CP_OK) filter_spans(x, &r->sp, &r->docs);
      }
    }
    else {
      cp_u32s u = {NULL, 0, 0};
      size_t i = 0, j = 0;
      rc = CP_OK;
      while (rc == CP_OK && (i < r->docs.n || j < a.docs.n)) {
        uint32_t y;
        if (j >= a.docs.n || (i < r->docs.n && r->docs.v[i] <= a.docs.v[j])) {
          y = r->docs.v[i++];
          if (j < a.docs.n && a.docs.v[j] == y) j++;
        }
        else y = a.docs.v[j++];
        rc = cp_u32s_push(&u, y);
      }
      free(r->docs.v);
      r->docs = u;
      if (x->docsonly) r->sp.n = 0;
      else if (rc == CP_OK) rc = merge_spans(&r->sp, &a.sp);
    }
    cp_res_free(&a);
    if (rc != CP_OK) return oom(x);
    if (n->kind == CP_P_AND && r->docs.n == 0) {
      r->sp.n = 0;
      break;   /* nothing can match any more */
    }
  }
  return CP_OK;
}

static int eval_not (ctx *x, const cp_pnode *n, cp_res *r) {
  cp_res a;
  cp_u32s all = {NULL, 0, 0};
  size_t i, o = 0;
  int rc;
  int saved = x->docsonly;
  memset(&a, 0, sizeof(a));
  x->docsonly = 1;                /* NOT looks at documents only */
  rc = eval(x, n->kid, &a);
  x->docsonly = saved;
  if (rc != CP_OK || (rc = all_docs(x, &all)) != CP_OK) {
    cp_res_free(&a); free(all.v); return rc;
  }
  for (i = 0; i < all.n; i++)
    if (!has_doc(&a.docs, all.v[i])) all.v[o++] = all.v[i];
  all.n = o;
  cp_res_free(&a);
  r->docs = all;
  return CP_OK;
}

/* filter spans to those inside one unit */
static void within_filter (ctx *x, int unit, cp_spans *sp) {
  size_t i, j = 0;
  for (i = 0; i < sp->n; i++) {
    uint32_t us, ue = unit_bounds(x, unit, sp->v[i].s, &us);
    if (sp->v[i].e <= ue) sp->v[j++] = sp->v[i];
  }
  sp->n = j;
}

static int record (ctx *x, const cp_pnode *n, const cp_res *r) {
  size_t i;
  for (i = 0; i < x->nleaves; i++)
    if (x->leaves[i] == n) {
      cp_res *d = &x->leafres[i];
      cp_res_free(d);
      if (r->sp.n) {
        if ((d->sp.v = (cp_span *)malloc(r->sp.n * sizeof(cp_span))) == NULL)
          return oom(x);
        memcpy(d->sp.v, r->sp.v, r->sp.n * sizeof(cp_span));
        d->sp.n = d->sp.cap = r->sp.n;
      }
      if (r->docs.n) {
        if ((d->docs.v = (uint32_t *)malloc(r->docs.n * sizeof(uint32_t))) == NULL)
          return oom(x);
        memcpy(d->docs.v, r->docs.v, r->docs.n * sizeof(uint32_t));
        d->docs.n = d->docs.cap = r->docs.n;
      }
    }
  return CP_OK;
}

/*
** Evaluate node 'n' in the current segment into *r (zeroed by the
** caller).
*/
static int eval (ctx *x, const cp_pnode *n, cp_res *r) {
  int rc, saved = x->docsonly;
  if (n == NULL) return cp_err_set(x->err, CP_EINVAL, "empty query plan");
  switch (n->kind) {
    case CP_P_TERM: case CP_P_PREFIX: case CP_P_GLOB: case CP_P_REGEX:
    case CP_P_ANY: case CP_P_TAND: case CP_P_TOR: case CP_P_TNOT:
      rc = eval_cond(x, n, r);
      if (rc == CP_OK && n != x->nodocs) rc = docs_of_spans(x, r);
      break;
    case CP_P_SEQ:
      rc = eval_seq(x, n, CP_U_DOC, r);
      if (rc == CP_OK && n != x->nodocs) rc = docs_of_spans(x, r);
      break;
    case CP_P_NEAR:
      rc = eval_near(x, n, CP_U_DOC, r);
      if (rc == CP_OK && n != x->nodocs) rc = docs_of_spans(x, r);
      break;
    case CP_P_WITHIN: {
      const cp_pnode *k = n->kid;
      if (k->kind == CP_P_SEQ) rc = eval_seq(x, k, n->unit, r);
      else if (k->kind == CP_P_NEAR) rc = eval_near(x, k, n->unit, r);
      else {
        x->docsonly = 0;          /* every span is filtered */
        rc = eval(x, k, r);
        x->docsonly = saved;
        if (rc == CP_OK) within_filter(x, n->unit, &r->sp);
      }
      if (rc == CP_OK && n != x->nodocs) rc = docs_of_spans(x, r);
      break;
    }
    case CP_P_AND: case CP_P_OR: rc = eval_bool(x, n, r); break;
    case CP_P_NOT: rc = eval_not(x, n, r); break;
    case CP_P_META: rc = eval_meta(x, n, r); break;
    default: rc = cp_err_set(x->err, CP_EINVAL, "bad plan node");
  }
  if (rc == CP_OK && x->nleaves) rc = record(x, n, r);
  return rc;
}

/* }================================================================ */


/* {================================================================
** Entry points
** ================================================================= */

static const cp_limits default_limits = {
  CP_DEFAULT_MAX_MATCHES, CP_DEFAULT_MAX_EXPAND
};

/*
** Set up the evaluation of local documents [doc_lo, doc_hi) of segment
** 'segi'; *empty is set when there is nothing to evaluate.  ctx_close
** releases what it took.
*/
static int ctx_open (ctx *x, cp_corpus *c, cp_qcache *qc, size_t segi,
                     const cp_limits *lim, uint32_t doc_lo, uint32_t doc_hi,
                     int *empty, cp_err *err) {
  cp_docinfo di;
  memset(x, 0, sizeof(*x));
  *empty = 1;
  x->c = c;
  x->qc = qc;
  x->segi = segi;
  x->s = cp_corpus_seg(c, segi);
  x->lim = lim ? lim : &default_limits;
  x->err = err;
  if (x->s == NULL) return cp_err_set(err, CP_EINVAL, "no such segment");
  x->an = cp_corpus_analyzer(c);
  x->mode = cp_corpus_mode(c);
  x->stream = cp_seg_stream(x->s);
  x->ntok = cp_seg_ntokens(x->s);
  x->ndocs = cp_seg_ndocs(x->s);
  if (doc_hi > x->ndocs) doc_hi = x->ndocs;
  x->doc_lo = doc_lo;
  x->doc_hi = doc_hi;
  if (doc_lo >= doc_hi) return CP_OK;
  if (cp_seg_doc(x->s, doc_lo, &di) != CP_OK)
    return cp_err_set(err, CP_ECORRUPT, "bad document table");
  x->pos_lo = di.tok_start;
  if (cp_seg_doc(x->s, doc_hi - 1, &di) != CP_OK)
    return cp_err_set(err, CP_ECORRUPT, "bad document table");
  x->pos_hi = di.tok_start + di.tok_count;
  if (x->an == NULL) return cp_err_set(err, CP_EINVAL, "corpus has no analyzer");
  if ((x->dstart = cp_qc_dstart(qc, c, segi, &x->dstart_tmp)) == NULL)
    return oom(x);
  *empty = 0;
  return CP_OK;
}

static void ctx_close (ctx *x) {
  free(x->dstart_tmp);
  free(x->npunct_tmp);
  x->dstart_tmp = NULL;
  x->npunct_tmp = NULL;
}

int cp_eval_seg (cp_corpus *c, cp_qcache *qc, size_t segi,
                 const cp_plan *p, const cp_limits *lim,
                 uint32_t doc_lo, uint32_t doc_hi, int need,
                 const cp_pnode *const *leaves, size_t nleaves,
                 cp_res *leafres, cp_res *out, cp_err *err) {
  ctx x;
  int rc, empty;
  rc = ctx_open(&x, c, qc, segi, lim, doc_lo, doc_hi, &empty, err);
  if (rc == CP_OK && !empty) {
    x.docsonly = need == CP_NEED_DOCS;
    if (need == CP_NEED_SPANS) x.nodocs = cp_plan_root(p);
    x.leaves = leaves;
    x.nleaves = nleaves;
    x.leafres = leafres;
    rc = eval(&x, cp_plan_root(p), out);
  }
  ctx_close(&x);
  return rc;
}

/*
** The matches of a root AND / OR in one segment, counted without
** building its span list: the arguments are evaluated one by one, their
** documents combined as eval_bool does, and in each resulting live
** document the distinct spans of all arguments are counted by walking
** their lists side by side (1 for a document without spans).
*/
static int count_bool (ctx *x, const cp_pnode *n, uint64_t *count) {
  const cp_pnode *k;
  size_t na = n->nkids, i, j, *at = NULL;
  cp_res *kr, docs;
  int rc = CP_OK, first = 1;
  memset(&docs, 0, sizeof(docs));
  if (na == 0) return CP_OK;
  if ((kr = (cp_res *)calloc(na, sizeof(cp_res))) == NULL ||
      (at = (size_t *)calloc(na, sizeof(size_t))) == NULL) {
    free(kr);
    return oom(x);
  }
  for (i = 0, k = n->kid; k != NULL && rc == CP_OK; k = k->next, i++) {
    if ((rc = eval(x, k, &kr[i])) != CP_OK) break;
    if (first) {
      rc = cp_u32s_push(&docs.docs, 0) == CP_OK ? CP_OK : oom(x);
      docs.docs.n = 0;
      for (j = 0; j < kr[i].docs.n && rc == CP_OK; j++)
        if (cp_u32s_push(&docs.docs, kr[i].docs.v[j]) != CP_OK) rc = oom(x);
      first = 0;
    }
    else if (n->kind == CP_P_AND) {
      size_t p = 0, q = 0, o = 0;
      while (p < docs.docs.n && q < kr[i].docs.n) {
        if (docs.docs.v[p] < kr[i].docs.v[q]) p++;
        else if (docs.docs.v[p] > kr[i].docs.v[q]) q++;
        else { docs.docs.v[o++] = docs.docs.v[p]; p++; q++; }
      }
      docs.docs.n = o;
    }
    else {
      cp_u32s u = {NULL, 0, 0};
      size_t p = 0, q = 0;
      while (rc == CP_OK && (p < docs.docs.n || q < kr[i].docs.n)) {
        uint32_t y;
        if (q >= kr[i].docs.n ||
            (p < docs.docs.n && docs.docs.v[p] <= kr[i].docs.v[q])) {
          y = docs.docs.v[p++];
          if (q < kr[i].docs.n && kr[i].docs.v[q] == y) q++;
        }
        else y = kr[i].docs.v[q++];
        if (cp_u32s_push(&u, y) != CP_OK) rc = oom(x);
      }
      free(docs.docs.v);
      docs.docs = u;
    }
    if (n->kind == CP_P_AND && docs.docs.n == 0) break;
  }
  for (j = 0; j < docs.docs.n && rc == CP_OK; j++) {
    uint32_t d = docs.docs.v[j], ds = x->dstart[d], de = x->dstart[d + 1];
    uint64_t c = 0, last = UINT64_MAX;
    for (i = 0; i < na; i++) {
      const cp_spans *sp = &kr[i].sp;
      while (at[i] < sp->n && sp->v[at[i]].s < ds) at[i]++;
    }
    if (cp_corpus_is_deleted(x->c, x->segi, d)) continue;
    if (na == 2) {         /* two lists: a branch-free merge */
      const cp_spans *a = &kr[0].sp, *b = &kr[1].sp;
      size_t ea = at[0], eb = at[1];
      while (ea < a->n && a->v[ea].s < de) ea++;
      while (eb < b->n && b->v[eb].s < de) eb++;
      while (at[0] < ea && at[1] < eb) {
        uint64_t ka = span_key(&a->v[at[0]]), kb = span_key(&b->v[at[1]]);
        at[0] += ka <= kb;
        at[1] += kb <= ka;
        c++;
      }
      c += (ea - at[0]) + (eb - at[1]);
      at[0] = ea;
      at[1] = eb;
      *count += c ? c : 1;
      continue;
    }
    for (;;) {             /* distinct (s, e) keys across the arguments */
      uint64_t best = UINT64_MAX;
      size_t b = na;
      for (i = 0; i < na; i++) {
        const cp_spans *sp = &kr[i].sp;
        if (at[i] < sp->n && sp->v[at[i]].s < de) {
          uint64_t key = span_key(&sp->v[at[i]]);
          if (key < best) { best = key; b = i; }
        }
      }
      if (b == na) break;
      at[b]++;
      if (best != last) { c++; last = best; }
    }
    *count += c ? c : 1;
  }
  for (i = 0; i < na; i++) cp_res_free(&kr[i]);
  free(kr);
  free(at);
  cp_res_free(&docs);
  return rc;
}

static uint64_t count_hits (cp_corpus *c, size_t segi, const cp_res *r,
                            const uint32_t *dstart);

/* the matches of the plan in segment 'segi', counted */
static int count_seg (cp_corpus *c, cp_qcache *qc, size_t segi,
                      const cp_plan *p, const cp_limits *lim, uint64_t *n,
                      cp_err *err) {
  ctx x;
  cp_res r;
  const cp_pnode *root = cp_plan_root(p);
  int rc, empty;
  memset(&r, 0, sizeof(r));
  rc = ctx_open(&x, c, qc, segi, lim, 0, UINT32_MAX, &empty, err);
  if (rc == CP_OK && !empty) {
    if (root->kind == CP_P_AND || root->kind == CP_P_OR)
      rc = count_bool(&x, root, n);
    else if (cp_corpus_ndeleted(c) == 0 && root->kind != CP_P_NOT &&
             root->kind != CP_P_META) {
      /* positional: each span is one match, no document list needed */
      x.nodocs = root;
      if ((rc = eval(&x, root, &r)) == CP_OK) *n += r.sp.n;
    }
    else if ((rc = eval(&x, root, &r)) == CP_OK)
      *n += count_hits(c, segi, &r, x.dstart);
  }
  cp_res_free(&r);
  ctx_close(&x);
  return rc;
}

int cp_emit (cp_corpus *c, size_t segi, const cp_res *r,
             uint64_t max_matches, cp_matches *out, cp_err *err) {
  const cp_seg *s = cp_corpus_seg(c, segi);
  uint64_t db = cp_corpus_doc_base(c, segi), pb = cp_corpus_pos_base(c, segi);
  size_t i, k = 0;
  for (i = 0; i < r->docs.n; i++) {
    uint32_t d = r->docs.v[i];
    cp_docinfo di;
    int any = 0;
    if (cp_seg_doc(s, d, &di) != CP_OK)
      return cp_err_set(err, CP_ECORRUPT, "bad document table");
    while (k < r->sp.n && r->sp.v[k].s < di.tok_start) k++;
    if (cp_corpus_is_deleted(c, segi, d)) continue;
    for (;;) {
      uint32_t s0, e0;
      if (k < r->sp.n && r->sp.v[k].s < di.tok_start + di.tok_count) {
        s0 = r->sp.v[k].s; e0 = r->sp.v[k].e; k++;
      }
      else if (!any) { s0 = di.tok_start; e0 = di.tok_start + di.tok_count; }
      else break;
      any = 1;
      if (max_matches && out->n >= max_matches)
        return cp_err_set(err, CP_ELIMIT,
          "query has more than %llu matches (raise the max_matches limit)",
          (unsigned long long)max_matches);
      if (out->n == out->cap &&
          grow((void **)&out->v, &out->cap, out->n + 1, sizeof(cp_match)) != CP_OK)
        return cp_err_set(err, CP_ENOMEM, "out of memory");
      out->v[out->n].doc = db + d;
      out->v[out->n].start = pb + s0;
      out->v[out->n].stop = pb + e0;
      out->n++;
    }
  }
  return CP_OK;
}

/* compile every regular expression of the tree once, so a bad one is
** reported whatever the evaluation order would have reached */
static int check_regex (const cp_pnode *n, int depth, cp_err *err) {
  const cp_pnode *k;
  if (depth > 1000) return cp_err_set(err, CP_ELIMIT, "query nested too deeply");
  if (n->kind == CP_P_REGEX) {
    int ec;
    PCRE2_SIZE eo;
    pcre2_code *re = pcre2_compile((PCRE2_SPTR)n->str, n->len,
        PCRE2_UTF | PCRE2_ANCHORED | PCRE2_ENDANCHORED | PCRE2_MATCH_INVALID_UTF,
        &ec, &eo, NULL);
    if (re == NULL) {
      PCRE2_UCHAR buf[256];
      pcre2_get_error_message(ec, buf, sizeof(buf));
      return cp_err_set(err, CP_ESYNTAX,
                        "bad regular expression /%.*s/ at offset %zu: %s",
                        (int)(n->len > 100 ? 100 : n->len), n->str,
                        (size_t)eo, (const char *)buf);
    }
    pcre2_code_free(re);
  }
  for (k = n->kid; k != NULL; k = k->next) {
    int rc = check_regex(k, depth + 1, err);
    if (rc != CP_OK) return rc;
  }
  return CP_OK;
}

int cp_plan_check (const cp_plan *p, cp_err *err) {
  if (p == NULL) return cp_err_set(err, CP_EINVAL, "NULL plan");
  if (cp_plan_error(p, err) != CP_OK) return err ? err->code : CP_EINVAL;
  if (cp_plan_root(p) == NULL)
    return cp_err_set(err, CP_EINVAL, "empty query plan");
  return check_regex(cp_plan_root(p), 0, err);
}

static int check_args (cp_corpus *c, const cp_plan *p, cp_err *err) {
  int rc;
  if (c == NULL || p == NULL)
    return cp_err_set(err, CP_EINVAL, "NULL corpus or plan");
  if ((rc = cp_plan_check(p, err)) != CP_OK) return rc;
  return cp_corpus_flush(c, err);
}

int cp_execq (cp_corpus *c, cp_qcache *qc, const cp_plan *p,
              const cp_limits *lim, cp_matches *out, cp_err *err) {
  size_t i, ns;
  int rc;
  if (out == NULL) return cp_err_set(err, CP_EINVAL, "NULL output");
  if ((rc = check_args(c, p, err)) != CP_OK) return rc;
  if (lim == NULL) lim = &default_limits;
  ns = cp_corpus_nsegs(c);
  for (i = 0; i < ns; i++) {
    cp_res r;
    memset(&r, 0, sizeof(r));
    rc = cp_eval_seg(c, qc, i, p, lim, 0, UINT32_MAX, CP_NEED_ALL, NULL, 0, NULL,
                     &r, err);
    if (rc == CP_OK) rc = cp_emit(c, i, &r, lim->max_matches, out, err);
    cp_res_free(&r);
    if (rc != CP_OK) return rc;
  }
  return CP_OK;
}

int cp_exec (cp_corpus *c, const cp_plan *p, const cp_limits *lim,
             cp_matches *out, cp_err *err) {
  return cp_execq(c, NULL, p, lim, out, err);
}

/*
** The matches cp_emit would make of a segment result, counted: the
** spans of each live document, or 1 for a document without spans.
*/
static uint64_t count_hits (cp_corpus *c, size_t segi, const cp_res *r,
                            const uint32_t *dstart) {
  size_t i, k = 0;
  uint64_t n = 0;
  for (i = 0; i < r->docs.n; i++) {
    uint32_t d = r->docs.v[i];
    size_t k0;
    while (k < r->sp.n && r->sp.v[k].s < dstart[d]) k++;
    k0 = k;
    while (k < r->sp.n && r->sp.v[k].s < dstart[d + 1]) k++;
    if (cp_corpus_is_deleted(c, segi, d)) continue;
    n += k > k0 ? k - k0 : 1;
  }
  return n;
}

static int too_many_matches (const cp_limits *lim, uint64_t n,
                             cp_err *err) {
  if (lim->max_matches && n > lim->max_matches)
    return cp_err_set(err, CP_ELIMIT,
      "query has more than %llu matches (raise the max_matches limit)",
      (unsigned long long)lim->max_matches);
  return CP_OK;
}

/*
** A plain norm term over a corpus without deletions is counted from the
** lexicon: its frequency (hits) or document frequency (documents).
** Returns 1 if it applied.
*/
static int count_term (cp_corpus *c, const cp_pnode *root, int what,
                       uint64_t *n) {
  size_t i, ns = cp_corpus_nsegs(c), tl;
  cp_an *an = cp_corpus_analyzer(c);
  const char *t;
  if (root->kind != CP_P_TERM || root->layer != CP_NORM ||
      cp_corpus_ndeleted(c) != 0 || an == NULL)
    return 0;
  if ((t = cp_an_norm(an, root->str, root->len, &tl)) == NULL) return 0;
  for (i = 0; i < ns; i++) {
    const cp_seg *s = cp_corpus_seg(c, i);
    int64_t id = cp_seg_lookup(s, CP_NORM, t, tl);
    if (id >= 0)
      *n += what == CP_COUNT_DOCS ? cp_seg_type_docfreq(s, CP_NORM, (uint32_t)id)
                                  : cp_seg_type_freq(s, CP_NORM, (uint32_t)id);
  }
  return 1;
}

int cp_exec_countq (cp_corpus *c, cp_qcache *qc, const cp_plan *p,
                    const cp_limits *lim, int what, uint64_t *n,
                    cp_err *err) {
  size_t i, ns;
  int rc;
  if (n == NULL) return cp_err_set(err, CP_EINVAL, "NULL output");
  *n = 0;
  if (what != CP_COUNT_HITS && what != CP_COUNT_DOCS)
    return cp_err_set(err, CP_EINVAL, "bad count kind %d", what);
  if ((rc = check_args(c, p, err)) != CP_OK) return rc;
  if (lim == NULL) lim = &default_limits;
  if (count_term(c, cp_plan_root(p), what, n))
    return what == CP_COUNT_HITS ? too_many_matches(lim, *n, err) : CP_OK;
  ns = cp_corpus_nsegs(c);
  for (i = 0; i < ns && rc == CP_OK; i++) {
    if (what == CP_COUNT_DOCS) {
      cp_res r;
      size_t k;
      memset(&r, 0, sizeof(r));
      rc = cp_eval_seg(c, qc, i, p, lim, 0, UINT32_MAX, CP_NEED_DOCS,
                       NULL, 0, NULL, &r, err);
      for (k = 0; rc == CP_OK && k < r.docs.n; k++)
        *n += !cp_corpus_is_deleted(c, i, r.docs.v[k]);
      cp_res_free(&r);
    }
    else if ((rc = count_seg(c, qc, i, p, lim, n, err)) == CP_OK)
      rc = too_many_matches(lim, *n, err);
  }
  return rc;
}

int cp_exec_count (cp_corpus *c, const cp_plan *p, const cp_limits *lim,
                   uint64_t *n, cp_err *err) {
  return cp_exec_countq(c, NULL, p, lim, CP_COUNT_HITS, n, err);
}

int cp_exec_docq (cp_corpus *c, cp_qcache *qc, const cp_plan *p,
                  const cp_limits *lim, uint64_t doc, cp_matches *out,
                  cp_err *err) {
  size_t seg;
  uint32_t local;
  cp_res r;
  int rc;
  if (out == NULL) return cp_err_set(err, CP_EINVAL, "NULL output");
  if ((rc = check_args(c, p, err)) != CP_OK) return rc;
  if (lim == NULL) lim = &default_limits;
  if (cp_corpus_locate(c, doc, &seg, &local) != CP_OK)
    return cp_err_set(err, CP_ENOENT, "no document %llu",
                      (unsigned long long)doc + 1);
  memset(&r, 0, sizeof(r));
  rc = cp_eval_seg(c, qc, seg, p, lim, local, local + 1, CP_NEED_ALL, NULL, 0, NULL,
                   &r, err);
  if (rc == CP_OK) rc = cp_emit(c, seg, &r, lim->max_matches, out, err);
  cp_res_free(&r);
  return rc;
}

int cp_exec_doc (cp_corpus *c, const cp_plan *p, const cp_limits *lim,
                 uint64_t doc, cp_matches *out, cp_err *err) {
  return cp_exec_docq(c, NULL, p, lim, doc, out, err);
}

/* }================================================================ */
