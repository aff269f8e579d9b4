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
** The context and small helpers are in xeval.h; sequences of fixed
** items are in seqfix.c, NEAR in near.c, counting in count.c.
*/
#include <stdlib.h>
#include <string.h>
#include <stdio.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "xeval.h"
#include "variants.h"

/* {================================================================
** Vectors
** ================================================================= */

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
** Token sets
** ================================================================= */


void cp_x_ts_free (tset *t) {
  size_t i;
  free(t->bits);
  free(t->cand);
  for (i = 0; i < t->nkids; i++) cp_x_ts_free(&t->kids[i]);
  free(t->kids);
  memset(t, 0, sizeof(*t));
}

static uint8_t *newbits (uint32_t n);
static int cand_or (tset *r, tset *a, tset *b);

/* the layer whose postings the candidates index */
static int cand_layer (const tset *t) {
  return t->clayer >= CP_NLAYERS ? t->clayer : CP_NORM;
}

static void ts_cost (ctx *x, tset *t) {
  size_t i;
  t->cost = 0;
  for (i = 0; i < t->ncand; i++)
    t->cost += cp_seg_type_freq(x->s, cand_layer(t), t->cand[i]);
}

int cp_x_ts_mixhas (const ctx *x, const tset *t, uint32_t pos) {
  size_t i;
  switch (t->mixop) {
    case CP_P_TAND:
      for (i = 0; i < t->nkids; i++) if (!ts_at(x, &t->kids[i], pos)) return 0;
      return 1;
    case CP_P_TOR:
      for (i = 0; i < t->nkids; i++) if (ts_at(x, &t->kids[i], pos)) return 1;
      return 0;
    default:   /* TNOT */
      return t->nkids == 1 && !ts_at(x, &t->kids[0], pos);
  }
}

/* a token set from sorted ids of stored layer 'l' (takes 'ids') */
static int ts_from_layer (ctx *x, tset *t, int l, uint32_t *ids, size_t n) {
  size_t i;
  uint32_t nt = cp_seg_ntypes(x->s, l);
  memset(t, 0, sizeof(*t));
  if (n == 0) { free(ids); t->kind = TS_NONE; return CP_OK; }
  t->lstream = cp_seg_layer_stream(x->s, (size_t)l);
  t->cand = ids;
  t->ncand = n;
  t->clayer = l;
  t->exact = 1;
  if (n == 1) { t->kind = TS_LAYER1; t->id = ids[0]; }
  else {
    t->kind = TS_LAYERBITS;
    if ((t->bits = newbits(nt)) == NULL) return oom(x);
    for (i = 0; i < n; i++)
      if (ids[i] < nt) t->bits[ids[i] >> 3] |= (uint8_t)(1u << (ids[i] & 7));
  }
  ts_cost(x, t);
  return CP_OK;
}

/*
** Combine sets of different layers (or NOT of a stored-layer set) into
** a MIX set that tests position by position.  Candidates: for AND those
** of the cheapest kid with a list; for OR the union when both kids'
** candidates are of one layer; otherwise every position.  Takes a, b.
*/
static int ts_mix (ctx *x, tset *a, tset *b, int op, tset *out) {
  tset r;
  memset(&r, 0, sizeof(r));
  r.kind = TS_MIX;
  r.mixop = op;
  r.nkids = b ? 2 : 1;
  if ((r.kids = (tset *)calloc(2, sizeof(tset))) == NULL) {
    cp_x_ts_free(a);
    if (b) cp_x_ts_free(b);
    return oom(x);
  }
  r.kids[0] = *a;
  if (b) r.kids[1] = *b;
  r.all = 1;
  if (op == CP_P_TAND) {
    tset *c = NULL;
    size_t i;
    for (i = 0; i < r.nkids; i++)
      if (!r.kids[i].all && (c == NULL || r.kids[i].cost < c->cost)) c = &r.kids[i];
    if (c != NULL) {
      r.cand = (uint32_t *)malloc((c->ncand + 1) * sizeof(uint32_t));
      if (r.cand == NULL) { cp_x_ts_free(&r); return oom(x); }
      memcpy(r.cand, c->cand, c->ncand * sizeof(uint32_t));
      r.ncand = c->ncand;
      r.clayer = c->clayer;
      r.all = 0;
    }
  }
  else if (op == CP_P_TOR && b && !a->all && !b->all &&
           cand_layer(a) == cand_layer(b)) {
    tset u;
    memset(&u, 0, sizeof(u));
    if (cand_or(&u, a, b) != CP_OK) { cp_x_ts_free(&r); return oom(x); }
    r.cand = u.cand;
    r.ncand = u.ncand;
    r.clayer = a->clayer;
    r.all = 0;
  }
  ts_cost(x, &r);
  *out = r;
  return CP_OK;
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

static void *make_variants (cp_corpus *c, size_t segi, void *ud) {
  (void)ud;
  return cp_variants_build(cp_corpus_seg(c, segi));
}

static int cmp_u32 (const void *a, const void *b) {
  uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
  return (x > y) - (x < y);
}

/*
** Push the ids of 'layer' matching a prefix or glob t[0..tl) (n->kind):
** the lexicon range of its literal start, each entry of it tested
** against a glob.
*/
static int expand_lex (ctx *x, const cp_pnode *n, int layer, const char *t,
                       size_t tl, cp_u32s *ids) {
  uint32_t lo, hi, i;
  size_t lit = 0;
  int rc = CP_OK;
  if (n->kind == CP_P_PREFIX) {
    cp_seg_lex_range(x->s, layer, t, tl, &lo, &hi);
    if (x->lim->max_expand && hi - lo + ids->n > x->lim->max_expand)
      return too_many(x, n);
    for (i = lo; i < hi && rc == CP_OK; i++) rc = expand_push(x, n, ids, i);
    return rc;
  }
  while (lit < tl && t[lit] != '*' && t[lit] != '?') lit++;
  cp_seg_lex_range(x->s, layer, t, lit, &lo, &hi);
  if ((rc = spend(x, (uint64_t)(hi - lo) * (tl / 8 + 1))) != CP_OK) return rc;
  for (i = lo; i < hi && rc == CP_OK; i++) {
    size_t sl;
    const char *str = cp_seg_type(x->s, layer, i, &sl);
    if (str != NULL && cp_glob_match(t, tl, str, sl))
      rc = expand_push(x, n, ids, i);
  }
  return rc;
}

/* a term, prefix or glob node as variants.h's lookup kinds */
static int vq_kind (const cp_pnode *n) {
  return n->kind == CP_P_TERM ? CP_VQ_TERM
       : n->kind == CP_P_GLOB ? CP_VQ_GLOB : CP_VQ_PREFIX;
}

/*
** Add to 'ids' (which holds what the node finds as written) the norm
** types a term, prefix or glob also finds (variants.h): those equal to
** it (or matching it) once diacritics are dropped, and the compounds
** with a part equal to it (starting with it, matching it).  Keeps 'ids'
** sorted and unique.
*/
static int variant_ids (ctx *x, const cp_pnode *n, const char *t, size_t tl,
                        cp_u32s *ids) {
  char *f;
  size_t fl, i, k;
  const char *key;
  void *tmp = NULL;
  const cp_variants *v;
  uint32_t lo, hi, j;
  int rc = CP_OK, kind = vq_kind(n);
  if (cp_variants_fold(t, tl, &f, &fl) != CP_OK) return oom(x);
  key = f != NULL ? f : t;
  if (f != NULL && (fl != tl || memcmp(f, t, tl) != 0)) {
    /* the word's own form without diacritics, as written in the text */
    if (n->kind == CP_P_TERM) {
      int64_t id = cp_seg_lookup(x->s, CP_NORM, f, fl);
      if (id >= 0) rc = expand_push(x, n, ids, (uint32_t)id);
    }
    else rc = expand_lex(x, n, CP_NORM, f, fl, ids);
  }
  v = (const cp_variants *)cp_qc_fetch(x->qc, x->c, x->segi, "variants",
                                       make_variants, NULL, &tmp);
  if (v == NULL) { free(f); return oom(x); }
  cp_variants_span(v, kind, key, fl, &lo, &hi);
  /* a glob's candidates are every key with its literal prefix: bounded
  ** like expand_lex's (a term's and a prefix's are its matches) */
  if (kind == CP_VQ_GLOB && rc == CP_OK)
    rc = spend(x, (uint64_t)(hi - lo) * (fl / 8 + 1));
  for (j = lo; j < hi && rc == CP_OK; j++)
    if (cp_variants_takes(v, j, n->edge, kind, key, fl))
      rc = expand_push(x, n, ids, cp_variants_id(v, j));
  free(tmp);
  free(f);
  if (rc != CP_OK || ids->n < 2) return rc;
  qsort(ids->v, ids->n, sizeof(uint32_t), cmp_u32);
  for (i = 1, k = 1; i < ids->n; i++)
    if (ids->v[i] != ids->v[k - 1]) ids->v[k++] = ids->v[i];
  ids->n = k;
  return CP_OK;
}

/*
** The ids of 'layer' whose string matches regular expression t[0..tl)
** as a whole.  Each match is bounded (CP_REGEX_MATCH_LIMIT steps,
** CP_REGEX_DEPTH_LIMIT depth) and charged to the budget; a match that
** fails for any reason other than "no match" is an error, never a
** silent miss.  The JIT runs on its own stack; a pattern that outgrows
** it is matched again by the interpreter, whose memory is on the heap.
*/
static int regex_ids (ctx *x, const cp_pnode *n, const char *t, size_t tl,
                      int layer, cp_u32s *ids) {
  int ec, rc = CP_OK, jit;
  PCRE2_SIZE eo;
  uint32_t i, nt = cp_seg_ntypes(x->s, layer);
  pcre2_code *re;
  pcre2_match_data *md = NULL;
  pcre2_match_context *mc = NULL;
  pcre2_jit_stack *js = NULL;
  re = pcre2_compile((PCRE2_SPTR)t, tl,
      PCRE2_UTF | PCRE2_ANCHORED | PCRE2_ENDANCHORED | PCRE2_MATCH_INVALID_UTF,
      &ec, &eo, NULL);
  if (re == NULL) {
    PCRE2_UCHAR buf[256];
    pcre2_get_error_message(ec, buf, sizeof(buf));
    return cp_err_set(x->err, CP_ESYNTAX,
                      "bad regular expression /%.*s/ at offset %zu: %s",
                      (int)(tl > 100 ? 100 : tl), t, (size_t)eo,
                      (const char *)buf);
  }
  jit = pcre2_jit_compile(re, PCRE2_JIT_COMPLETE) == 0;
  md = pcre2_match_data_create_from_pattern(re, NULL);
  mc = pcre2_match_context_create(NULL);
  if (jit) js = pcre2_jit_stack_create(32 * 1024, 1024 * 1024, NULL);
  if (md == NULL || mc == NULL || (jit && js == NULL)) { rc = oom(x); goto done; }
  pcre2_set_match_limit(mc, CP_REGEX_MATCH_LIMIT);
  pcre2_set_depth_limit(mc, CP_REGEX_DEPTH_LIMIT);
  if (jit) pcre2_jit_stack_assign(mc, NULL, js);
  for (i = 0; i < nt && rc == CP_OK; i++) {
    size_t sl;
    int r;
    const char *str = cp_seg_type(x->s, layer, i, &sl);
    if (str == NULL) continue;
    if ((rc = spend(x, 1 + sl / 8)) != CP_OK) break;
    r = pcre2_match(re, (PCRE2_SPTR)str, sl, 0, 0, md, mc);
    if (r == PCRE2_ERROR_JIT_STACKLIMIT)
      r = pcre2_match(re, (PCRE2_SPTR)str, sl, 0, PCRE2_NO_JIT, md, mc);
    if (r >= 0) rc = expand_push(x, n, ids, i);
    else if (r == PCRE2_ERROR_MATCHLIMIT || r == PCRE2_ERROR_DEPTHLIMIT ||
             r == PCRE2_ERROR_HEAPLIMIT || r == PCRE2_ERROR_JIT_STACKLIMIT)
      rc = cp_err_set(x->err, CP_ELIMIT,
             "regular expression /%.*s/ needs more than %u steps on '%.*s' "
             "(backtracking limit); simplify it",
             (int)(tl > 100 ? 100 : tl), t, CP_REGEX_MATCH_LIMIT,
             (int)(sl > 40 ? 40 : sl), str);
    else if (r != PCRE2_ERROR_NOMATCH) {
      PCRE2_UCHAR buf[256];
      pcre2_get_error_message(r, buf, sizeof(buf));
      rc = cp_err_set(x->err, r == PCRE2_ERROR_NOMEMORY ? CP_ENOMEM : CP_EINVAL,
             "regular expression /%.*s/ failed on '%.*s': %s",
             (int)(tl > 100 ? 100 : tl), t, (int)(sl > 40 ? 40 : sl), str,
             (const char *)buf);
    }
  }
done:
  pcre2_jit_stack_free(js);
  pcre2_match_context_free(mc);
  pcre2_match_data_free(md);
  pcre2_code_free(re);
  return rc;
}

/*
** The ids of 'layer' matching a lexical node (TERM, PREFIX, GLOB,
** REGEX), sorted.  The text is normalized as the layer is: norm and
** stem layers see the norm of the text (and TERM on stem its stem).
*/
static int lex_ids (ctx *x, const cp_pnode *n, int layer, cp_u32s *ids) {
  const char *t = n->str;
  size_t tl = n->len;
  int rc = CP_OK;
  char *tmp = NULL;
  /* stored layers hold their values as given: no normalization */
  if (n->kind != CP_P_REGEX && layer != CP_WORD && layer < CP_NLAYERS) {
    tmp = cp_an_key(x->an, t, tl, n->kind == CP_P_TERM && layer == CP_STEM,
                    &tl);
    if (tmp == NULL) return oom(x);
    t = tmp;
  }
  switch (n->kind) {
    case CP_P_TERM: {
      int64_t id = cp_seg_lookup(x->s, layer, t, tl);
      if (id >= 0) rc = expand_push(x, n, ids, (uint32_t)id);
      if (rc == CP_OK && layer == CP_NORM && n->variants)
        rc = variant_ids(x, n, t, tl, ids);
      break;
    }
    case CP_P_PREFIX: case CP_P_GLOB:
      rc = expand_lex(x, n, layer, t, tl, ids);
      if (rc == CP_OK && layer == CP_NORM && n->variants)
        rc = variant_ids(x, n, t, tl, ids);
      break;
    case CP_P_REGEX:
      rc = regex_ids(x, n, t, tl, layer, ids);
      break;
    default: break;
  }
  free(tmp);
  return rc;
}


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
    cp_x_ts_free(b); return CP_OK;
  }
  if (and_ ? (b->kind == TS_NONE || a->kind == TS_ANY)
           : (b->kind == TS_ANY || a->kind == TS_NONE)) {
    cp_x_ts_free(a); *a = *b; memset(b, 0, sizeof(*b)); return CP_OK;
  }
  if (!ts_wordkind(a) || !ts_wordkind(b)) {
    tset m;
    rc = ts_mix(x, a, b, and_ ? CP_P_TAND : CP_P_TOR, &m);
    memset(b, 0, sizeof(*b));
    if (rc != CP_OK) { memset(a, 0, sizeof(*a)); return rc; }
    *a = m;
    return CP_OK;
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
  if (rc != CP_OK) { cp_x_ts_free(b); return oom(x); }
  free(a->cand);
  a->cand = r.cand; a->ncand = r.ncand; a->all = r.all;
  a->exact = 0;
  cp_x_ts_free(b);
  ts_cost(x, a);
  return CP_OK;
}

/*
** Compile a token condition for the current segment.
*/
int cp_x_ts_compile (ctx *x, const cp_pnode *n, tset *t) {
  int rc;
  memset(t, 0, sizeof(*t));
  switch (n->kind) {
    case CP_P_ANY:
      t->kind = TS_ANY; t->all = 1;
      return CP_OK;
    case CP_P_TERM: case CP_P_PREFIX: case CP_P_GLOB: case CP_P_REGEX: {
      cp_u32s ids = {NULL, 0, 0};
      int layer = n->layer;
      if (layer == CP_LAYER_NAMED) {   /* a stored layer, by name */
        int64_t l = cp_seg_layer(x->s, n->v1, n->v1len);
        if (l < 0) { t->kind = TS_NONE; return CP_OK; }   /* not here */
        layer = (int)l;
      }
      if ((rc = lex_ids(x, n, layer, &ids)) != CP_OK) { free(ids.v); return rc; }
      if (layer >= CP_NLAYERS) return ts_from_layer(x, t, layer, ids.v, ids.n);
      if (layer == CP_NORM) return ts_from_norms(x, t, ids.v, ids.n);
      if (layer == CP_WORD) return ts_from_words(x, t, ids.v, ids.n);
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
      if ((rc = cp_x_ts_compile(x, n->kid, &a)) != CP_OK) return rc;
      if (a.kind == TS_NONE || a.kind == TS_ANY) {
        t->kind = a.kind == TS_NONE ? TS_ANY : TS_NONE;
        t->all = 1;
        cp_x_ts_free(&a);
        return CP_OK;
      }
      if (!ts_wordkind(&a)) return ts_mix(x, &a, NULL, CP_P_TNOT, t);
      if (is_normkind(&a)) {
        rc = ts_normbits(x, &a);
        nb = cp_seg_ntypes(x->s, CP_NORM) / 8 + 1;
      }
      else {
        rc = ts_wordbits(x, &a);
        nb = cp_seg_ntypes(x->s, CP_WORD) / 8 + 1;
      }
      if (rc != CP_OK) { cp_x_ts_free(&a); return rc; }
      for (i = 0; i < nb; i++) a.bits[i] = (uint8_t)~a.bits[i];
      free(a.cand);
      a.cand = NULL; a.ncand = 0; a.all = 1; a.exact = 0;
      *t = a;
      return CP_OK;
    }
    case CP_P_TAND: case CP_P_TOR: {
      const cp_pnode *k = n->kid;
      if (k == NULL) { t->kind = n->kind == CP_P_TAND ? TS_ANY : TS_NONE; t->all = 1; return CP_OK; }
      if ((rc = cp_x_ts_compile(x, k, t)) != CP_OK) return rc;
      for (k = k->next; k != NULL; k = k->next) {
        tset b;
        if ((rc = cp_x_ts_compile(x, k, &b)) != CP_OK) { cp_x_ts_free(t); return rc; }
        if ((rc = ts_combine(x, t, &b, n->kind == CP_P_TAND)) != CP_OK) {
          cp_x_ts_free(t); return rc;
        }
      }
      return CP_OK;
    }
    default:
      return cp_err_set(x->err, CP_EINVAL, "not a token condition");
  }
}

/*
** The union of the sorted lists lp[i][0..ln[i]) (i < k, 'total'
** positions, no position in two lists: a position has one type) into
** v, sorted.  When one list holds most positions (a term and its few
** variants), the others are sorted together (they are short) and the
** long one is copied in runs between them: a copy, not a sort of every
** position.
*/
static int merge_lists (const uint32_t *const *lp, const uint32_t *ln,
                        size_t k, size_t total, uint32_t *v) {
  size_t i, m = 0, at = 0, o = 0, j, nrest;
  uint32_t *rest;
  for (i = 1; i < k; i++) if (ln[i] > ln[m]) m = i;
  if ((size_t)ln[m] * 2 < total) {      /* no long list: sort them all */
    for (i = 0; i < k; i++)
      if (ln[i]) { memcpy(v + o, lp[i], ln[i] * sizeof(uint32_t)); o += ln[i]; }
    return radix_sort(v, total);
  }
  nrest = total - ln[m];
  if ((rest = (uint32_t *)malloc((nrest + 1) * sizeof(uint32_t))) == NULL)
    return CP_ENOMEM;
  for (i = 0; i < k; i++)
    if (i != m && ln[i]) { memcpy(rest + o, lp[i], ln[i] * sizeof(uint32_t)); o += ln[i]; }
  if (radix_sort(rest, nrest) != CP_OK) { free(rest); return CP_ENOMEM; }
  for (j = 0, o = 0; j < nrest; j++) {
    size_t to = gallop(lp[m], ln[m], at, rest[j]);
    memcpy(v + o, lp[m] + at, (to - at) * sizeof(uint32_t));
    o += to - at;
    at = to;
    v[o++] = rest[j];
  }
  memcpy(v + o, lp[m] + at, (ln[m] - at) * sizeof(uint32_t));
  free(rest);
  return CP_OK;
}

/*
** The sorted positions of a set's candidates.  With one candidate the
** postings are used in place (*owned = 0); several are merged, and a
** long merge is kept in the query cache (cp_qc_union), so the next query
** with the same candidates reads it in place too.
*/
int cp_x_ts_positions (ctx *x, const tset *t, const uint32_t **pv,
                       size_t *pn, uint32_t **owned) {
  size_t i, total = 0;
  uint32_t *v, *ln;
  const uint32_t **lp;
  size_t cl = (size_t)cand_layer(t);
  int rc;
  *owned = NULL;
  *pv = NULL;
  *pn = 0;
  /* cp_seg_plist checks the blocks of each list (segment format 2.1) */
  if (t->ncand == 1) {
    uint32_t n;
    const uint32_t *p;
    if ((rc = cp_seg_plist(x->s, cl, t->cand[0], &p, &n, x->err)) != CP_OK)
      return rc;
    *pv = p;
    *pn = p ? n : 0;
    return CP_OK;
  }
  if (t->ncand == 0) return CP_OK;
  if ((*pv = cp_qc_union(x->qc, x->c, x->segi, (int)cl, t->cand, t->ncand,
                         pn)) != NULL)
    return CP_OK;
  lp = (const uint32_t **)malloc(t->ncand * sizeof(*lp));
  ln = (uint32_t *)malloc(t->ncand * sizeof(*ln));
  if (lp == NULL || ln == NULL) { free(lp); free(ln); return oom(x); }
  for (i = 0; i < t->ncand; i++) {
    if ((rc = cp_seg_plist(x->s, cl, t->cand[i], &lp[i], &ln[i], x->err)) != CP_OK) {
      free(lp); free(ln);
      return rc;
    }
    if (lp[i] == NULL) ln[i] = 0;
    total += ln[i];
  }
  if (total == 0) { free(lp); free(ln); return CP_OK; }
  if ((v = (uint32_t *)malloc(total * sizeof(uint32_t))) == NULL ||
      merge_lists(lp, ln, t->ncand, total, v) != CP_OK) {
    free(v); free(lp); free(ln);
    return oom(x);
  }
  free(lp);
  free(ln);
  if (!cp_qc_union_put(x->qc, x->c, x->segi, (int)cl, t->cand, t->ncand,
                       v, total))
    *owned = v;
  *pv = v;
  *pn = total;
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


typedef struct seqm {
  ctx *x;
  seqel *el;
  size_t nel;
  int phrase;
  uint32_t bound;        /* matches end at or before this position */
  int *failed;           /* set when the work budget ran out */
} seqm;

/* does item i (and the rest) match from 'pos'?  returns the end or -1;
** repetitions are lazy: fewer are tried first */
static int64_t seq_fwd (const seqm *m, size_t i, uint32_t pos) {
  const seqel *e;
  uint32_t q = pos, c;
  if (i == m->nel) return pos;
  if (spend(m->x, 1) != CP_OK) { *m->failed = 1; return -1; }
  e = &m->el[i];
  for (c = 0; ; c++) {
    if (c >= e->min) {
      int64_t r = seq_fwd(m, i + 1, q);
      if (r >= 0) return r;
    }
    if (c == e->max) break;
    if (m->phrase)
      while (q < m->bound && is_punct(m->x, q)) q++;
    if (q >= m->bound || !ts_at(m->x, &e->ts, q)) break;
    if (m->phrase && is_punct(m->x, q)) break;
    q++;
  }
  return -1;
}


/*
** Mark in 'bits' (a bit per document of [doc_lo, doc_hi)) the documents
** the postings of the set's candidates reach, but those of candidate
** 'skip': each list skips the rest of a document once it is marked, so
** a long list costs its documents, a short one its few positions.  The
** budget is charged their postings, as for a merge.
*/
static int mark_docs (ctx *x, const tset *t, size_t skip, uint8_t *bits) {
  size_t cl = (size_t)cand_layer(t), i;
  uint64_t total = 0;
  int rc;
  for (i = 0; i < t->ncand; i++)
    if (i != skip) total += cp_seg_type_freq(x->s, (int)cl, t->cand[i]);
  if ((rc = spend(x, total)) != CP_OK) return rc;
  for (i = 0; i < t->ncand; i++) {
    uint32_t n;
    const uint32_t *p;
    size_t k;
    if (i == skip) continue;
    if ((rc = cp_seg_plist(x->s, cl, t->cand[i], &p, &n, x->err)) != CP_OK)
      return rc;
    if (p == NULL) continue;
    k = lower_bound(p, n, x->pos_lo);
    while (k < n && p[k] < x->pos_hi) {
      uint32_t ds, de, dd = doc_at(x, p[k], &ds, &de) - x->doc_lo;
      bits[dd >> 3] |= (uint8_t)(1u << (dd & 7));
      k = gallop(p, n, k, de);
    }
  }
  return CP_OK;
}

/*
** The documents of an exact set of several types (a term with its
** variants, a prefix, glob or regex expansion), in order, without
** merging their positions: marked in a bitmap (mark_docs) read out in
** order.
*/
static int docs_of_cands (ctx *x, const tset *t, cp_res *r) {
  uint32_t nd = x->doc_hi - x->doc_lo, d;
  uint8_t *bits;
  int rc;
  if (nd == 0) return CP_OK;
  if ((bits = (uint8_t *)calloc((size_t)nd / 8 + 1, 1)) == NULL) return oom(x);
  rc = mark_docs(x, t, (size_t)-1, bits);
  for (d = 0; d < nd && rc == CP_OK; d++)
    if ((bits[d >> 3] >> (d & 7)) & 1)
      rc = cp_u32s_push(&r->docs, x->doc_lo + d) == CP_OK ? CP_OK : oom(x);
  free(bits);
  return rc;
}

int cp_x_cands_ndocs (ctx *x, const tset *t, uint64_t *n) {
  size_t i, m = 0, k = 0;
  uint32_t nd = x->doc_hi - x->doc_lo, d, ln;
  const uint32_t *lp;
  uint8_t *bits;
  int rc, l = cand_layer(t);
  *n = 0;
  if (t->ncand == 0 || nd == 0) return CP_OK;
  if (x->doc_lo != 0 || x->doc_hi != x->ndocs) {   /* part of a segment */
    cp_res r;
    memset(&r, 0, sizeof(r));
    rc = docs_of_cands(x, t, &r);
    *n = r.docs.n;
    cp_res_free(&r);
    return rc;
  }
  for (i = 1; i < t->ncand; i++)
    if (cp_seg_type_docfreq(x->s, l, t->cand[i]) >
        cp_seg_type_docfreq(x->s, l, t->cand[m]))
      m = i;
  *n = cp_seg_type_docfreq(x->s, l, t->cand[m]);
  if (t->ncand == 1) return CP_OK;
  if ((rc = cp_seg_plist(x->s, (size_t)l, t->cand[m], &lp, &ln, x->err)) != CP_OK)
    return rc;
  if (lp == NULL) ln = 0;
  /* whole 8-byte words of bits, so a mostly empty bitmap is skipped
  ** a word at a time */
  if ((bits = (uint8_t *)calloc((size_t)nd / 64 + 1, 8)) == NULL) return oom(x);
  rc = mark_docs(x, t, m, bits);
  /* the others' documents where the largest list does not occur */
  for (d = 0; d < nd && rc == CP_OK; d++) {
    uint64_t w;
    if ((d & 63) == 0) {
      memcpy(&w, bits + (d >> 3), 8);
      if (w == 0) { d |= 63; continue; }
    }
    if (!((bits[d >> 3] >> (d & 7)) & 1)) continue;
    k = gallop(lp, ln, k, x->dstart[d]);
    *n += !(k < ln && lp[k] < x->dstart[d + 1]);
  }
  free(bits);
  return rc;
}

int cp_x_eval_seq (ctx *x, const cp_pnode *n, int unit, cp_res *r) {
  seqm m;
  seqel *el;
  size_t nel = n->nkids, i, k, anchor = (size_t)-1;
  const cp_pnode *it;
  int rc = CP_OK;
  uint64_t best = UINT64_MAX;
  const uint32_t *pv = NULL;
  size_t pn = 0;
  uint32_t *owned = NULL;
  int failed = 0;
  if (nel == 0) return CP_OK;
  if ((el = (seqel *)calloc(nel, sizeof(seqel))) == NULL) return oom(x);
  for (i = 0, it = n->kid; it != NULL; it = it->next, i++) {
    el[i].min = it->min;
    el[i].max = it->max;
    if ((rc = cp_x_ts_compile(x, it->kid, &el[i].ts)) != CP_OK) goto done;
    if (el[i].ts.kind == TS_NONE && el[i].min > 0) goto done; /* no match */
  }
  if (cp_x_seq_fixed(x, n, el, nel, unit, r, &rc)) goto done;
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
  m.failed = &failed;
  if (!n->phrase &&
      cp_x_seq_gaps(x, el, nel, unit, anchor != (size_t)-1, r, &rc))
    goto done;
  if (anchor != (size_t)-1) {
    const tset *at = &el[anchor].ts;
    uint32_t prev_start = 0;
    int have_prev = 0;
    if (nel == 1 && at->exact && !m.phrase && x->docsonly && at->ncand > 1) {
      rc = docs_of_cands(x, at, r);
      goto done;
    }
    if ((rc = cp_x_ts_positions(x, at, &pv, &pn, &owned)) != CP_OK) goto done;
    if ((rc = spend(x, pn)) != CP_OK) goto done;
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
      if (!at->exact && !ts_at(x, at, p)) continue;
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
          if (ok && !ts_at(x, &el[j].ts, q)) ok = 0;
          pos = q;
        }
      }
      if (!ok) continue;
      start = pos;
      if (have_prev && start <= prev_start) continue;
      m.bound = unit_bounds(x, unit, start, &us);
      if (m.bound > de) m.bound = de;
      end = seq_fwd(&m, 0, start);
      if (failed) { rc = CP_ELIMIT; goto done; }
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
      if ((rc = cp_x_ts_positions(x, ft, &pv, &pn, &owned)) != CP_OK) goto done;
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
      if (failed) { rc = CP_ELIMIT; goto done; }
      if (end > (int64_t)s) {
        if (cp_spans_push(&r->sp, s, (uint32_t)end) != CP_OK) {
          rc = oom(x); goto done;
        }
      }
    }
  }
done:
  for (i = 0; i < nel; i++) cp_x_ts_free(&el[i].ts);
  free(el);
  free(owned);
  return rc;
}

/* the spans of a token condition on its own: a sequence of one item */
int cp_x_eval_cond (ctx *x, const cp_pnode *n, cp_res *r) {
  cp_pnode item, seq;
  memset(&item, 0, sizeof(item));
  memset(&seq, 0, sizeof(seq));
  item.kind = CP_P_ITEM; item.kid = (cp_pnode *)n; item.min = item.max = 1;
  seq.kind = CP_P_SEQ; seq.kid = seq.last = &item; seq.nkids = 1;
  return cp_x_eval_seq(x, &seq, CP_U_DOC, r);
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
** Metadata filters
** ================================================================= */

/* -1, 0 or 1 (never memcmp's raw difference: meta_cmp gives 2 a meaning) */
static int cmp_bytes (const char *a, size_t al, const char *b, size_t bl) {
  int c = memcmp(a, b, al < bl ? al : bl);
  if (c != 0) return c < 0 ? -1 : 1;
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
  if (m->type == CP_MEMPTY) return 2;
  if (cp_meta_isnum(m)) {
    double d;
    if (!parse_num(v, vl, &d)) return 2;
    return m->num < d ? -1 : m->num > d;
  }
  return cmp_bytes(m->str, m->strlen, v, vl);
}

static int meta_test (const cp_pnode *n, const cp_meta *m) {
  int c;
  if (n->cmp == CP_M_GLOB)
    return cp_meta_isstr(m) && cp_glob_match(n->v1, n->v1len, m->str, m->strlen);
  c = meta_cmp(m, n->v1, n->v1len);
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

/*
** meta_test with the strings case-folded (n->fold): the field value is
** folded here, the query values were folded when the plan was made
** (fold_meta_plan).  Returns 1/0, or -1 out of memory.
*/
static int meta_test_fold (const cp_pnode *n, const cp_meta *m) {
  cp_meta f;
  char *buf;
  size_t bl;
  int r, rc;
  if (!cp_meta_isstr(m) || m->type == CP_MBOOL) return meta_test(n, m);
  rc = cp_meta_fold(m->str, m->strlen, &buf, &bl);
  if (rc == CP_ENOMEM) return -1;
  if (rc != CP_OK) return meta_test(n, m);
  f = *m;
  f.str = buf;
  f.strlen = bl;
  r = meta_test(n, &f);
  free(buf);
  return r;
}

static int eval_meta (ctx *x, const cp_pnode *n, cp_res *r) {
  uint32_t d;
  for (d = x->doc_lo; d < x->doc_hi; d++) {
    cp_docinfo di;
    size_t it = 0;
    cp_meta m;
    int rc, hit = 0;
    if (cp_corpus_is_deleted(x->c, x->segi, d)) continue;
    if (cp_seg_doc_head(x->s, d, &di) != CP_OK) continue;
    if (n->len == 2 && memcmp(n->str, "id", 2) == 0) {
      /* the document id is a field too (as in cp_select_meta) */
      int t;
      memset(&m, 0, sizeof(m));
      m.key = "id"; m.keylen = 2; m.type = CP_MSTR;
      m.str = di.id; m.strlen = di.idlen;
      t = n->fold ? meta_test_fold(n, &m) : meta_test(n, &m);
      if (t < 0) return oom(x);
      hit = t;
      rc = 0;
    }
    else while ((rc = cp_meta_next(di.meta, di.metalen, &it, &m)) == 1) {
      int t;
      if (m.keylen != n->len || memcmp(m.key, n->str, n->len) != 0) continue;
      t = n->fold ? meta_test_fold(n, &m) : meta_test(n, &m);
      if (t < 0) return oom(x);
      if (t) { hit = 1; break; }
    }
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
  if ((rc = cp_x_ts_positions(x, t, &pv, &pn, &owned)) != CP_OK) return rc;
  for (i = 0; i < docs->n; i++) {
    uint32_t d = docs->v[i], de = x->dstart[d + 1];
    int hit = 0;
    k = gallop(pv, pn, k, x->dstart[d]);
    for (; k < pn && pv[k] < de; k++)
      if (t->exact || ts_at(x, t, pv[k])) { hit = 1; break; }
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
    if ((rc = cp_x_eval(x, k, &a)) == CP_OK) and_docs(r, &a, &have);
    cp_res_free(&a);
    if (have && r->docs.n == 0) goto done;
  }
  for (i = 0, k = n->kid; k != NULL && rc == CP_OK; k = k->next)
    if (cp_plan_is_cond(k->kind)) {
      ac[i].node = k;
      rc = cp_x_ts_compile(x, k, &ac[i++].ts);
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
      if ((rc = cp_x_eval(x, ac[i].node, &a)) == CP_OK) and_docs(r, &a, &have);
      cp_res_free(&a);
    }
    else if (!have) {
      /* the first documents: the document of each candidate position */
      const uint32_t *pv;
      size_t pn, p;
      uint32_t *owned;
      if ((rc = cp_x_ts_positions(x, &ac[i].ts, &pv, &pn, &owned)) != CP_OK) break;
      for (p = gallop(pv, pn, 0, x->pos_lo); p < pn && pv[p] < x->pos_hi; ) {
        uint32_t ds, de, d = doc_at(x, pv[p], &ds, &de);
        if (ac[i].ts.exact || ts_at(x, &ac[i].ts, pv[p])) {
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
  for (i = 0; i < nc; i++) cp_x_ts_free(&ac[i].ts);
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
    if ((rc = cp_x_eval(x, k, &a)) != CP_OK) { cp_res_free(&a); return rc; }
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
  rc = cp_x_eval(x, n->kid, &a);
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
int cp_x_eval (ctx *x, const cp_pnode *n, cp_res *r) {
  int rc, saved = x->docsonly;
  if (n == NULL) return cp_err_set(x->err, CP_EINVAL, "empty query plan");
  switch (n->kind) {
    case CP_P_TERM: case CP_P_PREFIX: case CP_P_GLOB: case CP_P_REGEX:
    case CP_P_ANY: case CP_P_TAND: case CP_P_TOR: case CP_P_TNOT:
      rc = cp_x_eval_cond(x, n, r);
      if (rc == CP_OK && n != x->nodocs) rc = docs_of_spans(x, r);
      break;
    case CP_P_SEQ:
      rc = cp_x_eval_seq(x, n, CP_U_DOC, r);
      if (rc == CP_OK && n != x->nodocs) rc = docs_of_spans(x, r);
      break;
    case CP_P_NEAR:
      rc = cp_x_eval_near(x, n, CP_U_DOC, r);
      if (rc == CP_OK && n != x->nodocs) rc = docs_of_spans(x, r);
      break;
    case CP_P_WITHIN: {
      const cp_pnode *k = n->kid;
      if (k->kind == CP_P_SEQ) rc = cp_x_eval_seq(x, k, n->unit, r);
      else if (k->kind == CP_P_NEAR) rc = cp_x_eval_near(x, k, n->unit, r);
      else {
        x->docsonly = 0;          /* every span is filtered */
        rc = cp_x_eval(x, k, r);
        x->docsonly = saved;
        if (rc == CP_OK) within_filter(x, n->unit, &r->sp);
      }
      if (rc == CP_OK && n != x->nodocs) rc = docs_of_spans(x, r);
      break;
    }
    case CP_P_SPANSET:
      rc = cp_x_eval_spanset(x, n, r);
      if (rc == CP_OK && n != x->nodocs) rc = docs_of_spans(x, r);
      break;
    case CP_P_SPANJOIN:
      rc = cp_x_eval_spanjoin(x, n, r);
      if (rc == CP_OK && n != x->nodocs) rc = docs_of_spans(x, r);
      break;
    case CP_P_AND: case CP_P_OR: rc = eval_bool(x, n, r); break;
    case CP_P_NOT: rc = eval_not(x, n, r); break;
    case CP_P_META: rc = eval_meta(x, n, r); break;
    case CP_P_FIELD: rc = cp_x_eval_field(x, n, r); break;
    default: rc = cp_err_set(x->err, CP_EINVAL, "bad plan node");
  }
  if (rc == CP_OK && x->sbad_store)   /* a block read by word_at */
    rc = cp_err_set(x->err, CP_ECORRUPT, "%s: corrupt segment: checksum or "
                    "range mismatch in a block of the token stream (data "
                    "damaged)", cp_corpus_seg_name(x->c, x->segi));
  if (rc == CP_OK && x->nleaves) rc = record(x, n, r);
  return rc;
}

/* }================================================================ */


/* {================================================================
** Entry points
** ================================================================= */

static const cp_limits default_limits = {
  CP_DEFAULT_MAX_MATCHES, CP_DEFAULT_MAX_EXPAND, CP_DEFAULT_MAX_WORK, 0, NULL
};

const cp_limits *cp_x_limits (const cp_limits *lim) {
  return lim != NULL ? lim : &default_limits;
}

/*
** The limits an entry point runs with: a copy of 'lim' (or the
** defaults) in *tmp whose budget is the caller's, or 'b' started from
** max_work and timeout.
*/
const cp_limits *cp_x_start (const cp_limits *lim, cp_limits *tmp,
                             cp_budget *b) {
  *tmp = *cp_x_limits(lim);
  if (tmp->budget == NULL) {
    cp_budget_start(b, tmp->max_work, CP_DEFAULT_MAX_MEM, tmp->timeout);
    tmp->budget = b;
  }
  return tmp;
}

/*
** Set up the evaluation of local documents [doc_lo, doc_hi) of segment
** 'segi'; *empty is set when there is nothing to evaluate.  ctx_close
** releases what it took.
*/
int cp_x_ctx_open (ctx *x, cp_corpus *c, cp_qcache *qc, size_t segi,
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
  x->bud = x->lim->budget;
  x->err = err;
  cp_qc_begin(qc);             /* lists of the last evaluation may go */
  if (x->s == NULL) return cp_err_set(err, CP_EINVAL, "no such segment");
  x->an = cp_corpus_analyzer(c);
  x->mode = cp_corpus_mode(c);
  /* the whole stream when it was checked (cp_x_check_args made the
  ** corpus check it when the plan reads much of it: plan_needs); else
  ** its blocks are decoded and checked as they are read (word_at) */
  x->stream = cp_seg_stream_checked(x->s) ? cp_seg_stream_if_checked(x->s)
                                          : NULL;
  x->sbad = &x->sbad_store;
  x->ntok = cp_seg_ntokens(x->s);
  x->ndocs = cp_seg_ndocs(x->s);
  if (doc_hi > x->ndocs) doc_hi = x->ndocs;
  x->doc_lo = doc_lo;
  x->doc_hi = doc_hi;
  if (doc_lo >= doc_hi) return CP_OK;
  if (cp_seg_doc_toks(x->s, doc_lo, &di.tok_start, &di.tok_count) != CP_OK)
    return cp_err_set(err, CP_ECORRUPT, "bad document table");
  x->pos_lo = di.tok_start;
  if (cp_seg_doc_toks(x->s, doc_hi - 1, &di.tok_start, &di.tok_count) != CP_OK)
    return cp_err_set(err, CP_ECORRUPT, "bad document table");
  x->pos_hi = di.tok_start + di.tok_count;
  if (x->an == NULL) return cp_err_set(err, CP_EINVAL, "corpus has no analyzer");
  if ((x->dstart = cp_qc_dstart(qc, c, segi, &x->dstart_tmp)) == NULL)
    return oom(x);
  *empty = 0;
  return CP_OK;
}

void cp_x_ctx_close (ctx *x) {
  cp_qc_end(x->qc);
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
  rc = cp_x_ctx_open(&x, c, qc, segi, lim, doc_lo, doc_hi, &empty, err);
  if (rc == CP_OK && !empty) {
    x.docsonly = need == CP_NEED_DOCS;
    if (need == CP_NEED_SPANS) x.nodocs = cp_plan_root(p);
    x.leaves = leaves;
    x.nleaves = nleaves;
    x.leafres = leafres;
    rc = cp_x_eval(&x, cp_plan_root(p), out);
  }
  cp_x_ctx_close(&x);
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
    if (cp_seg_doc_toks(s, d, &di.tok_start, &di.tok_count) != CP_OK)
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

/*
** The whole sections of a segment a plan reads (CP_SEGNEED_*, seg.h),
** checked before it runs: none beyond the tables for terms on the norm
** and stem layers and boolean combinations of them and of metadata
** tests (they read postings, checked per block); everything for the
** rest (streams, structure, span sets).
*/
static int is_lex (int kind) {
  return kind == CP_P_TERM || kind == CP_P_PREFIX || kind == CP_P_GLOB ||
         kind == CP_P_REGEX;
}

/* a phrase of words on the word, norm or stem layer: it reads postings,
** and the stream only at a few positions (the punctuation between two
** words when the cache has no bitmap of it yet, a word-layer test at a
** candidate), block by block (word_at) */
static int phrase_of_words (const cp_pnode *n) {
  const cp_pnode *it;
  if (n->kind != CP_P_SEQ || !n->phrase) return 0;
  for (it = n->kid; it != NULL; it = it->next)
    if (it->kid == NULL || !is_lex(it->kid->kind) || it->kid->layer < 0 ||
        it->kid->layer >= CP_NLAYERS)
      return 0;
  return 1;
}

static unsigned plan_needs (const cp_pnode *n) {
  unsigned m = 0;
  const cp_pnode *k;
  if (n == NULL) return 0;
  switch (n->kind) {
    case CP_P_TERM: case CP_P_PREFIX: case CP_P_GLOB: case CP_P_REGEX:
      return (n->layer == CP_NORM || n->layer == CP_STEM) ? 0 : CP_SEGNEED_ALL;
    case CP_P_SEQ: return phrase_of_words(n) ? 0 : CP_SEGNEED_ALL;
    case CP_P_NEAR:        /* words and phrases of words within a document */
      for (k = n->kid; k != NULL; k = k->next)
        if (!(is_lex(k->kind) && (k->layer == CP_NORM || k->layer == CP_STEM))
            && !phrase_of_words(k))
          return CP_SEGNEED_ALL;
      return 0;
    case CP_P_AND: case CP_P_OR: case CP_P_NOT:
      for (k = n->kid; k != NULL; k = k->next) m |= plan_needs(k);
      return m;
    case CP_P_META: case CP_P_FIELD: return 0;   /* metadata, FIELDS */
    default: return CP_SEGNEED_ALL;
  }
}

int cp_x_check_args (cp_corpus *c, const cp_plan *p, cp_err *err) {
  int rc;
  if (c == NULL || p == NULL)
    return cp_err_set(err, CP_EINVAL, "NULL corpus or plan");
  if ((rc = cp_plan_check(p, err)) != CP_OK) return rc;
  if ((rc = cp_corpus_ready(c, plan_needs(cp_plan_root(p)), err)) != CP_OK)
    return rc;
  return cp_x_check_spansets(c, cp_plan_root(p), err);
}

int cp_execq (cp_corpus *c, cp_qcache *qc, const cp_plan *p,
              const cp_limits *lim, cp_matches *out, cp_err *err) {
  size_t i, ns;
  int rc;
  cp_limits lt;
  cp_budget bud;
  if (out == NULL) return cp_err_set(err, CP_EINVAL, "NULL output");
  if ((rc = cp_x_check_args(c, p, err)) != CP_OK) return rc;
  lim = cp_x_start(lim, &lt, &bud);
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






int cp_exec_docq (cp_corpus *c, cp_qcache *qc, const cp_plan *p,
                  const cp_limits *lim, uint64_t doc, cp_matches *out,
                  cp_err *err) {
  size_t seg;
  uint32_t local;
  cp_res r;
  int rc;
  cp_limits lt;
  cp_budget bud;
  if (out == NULL) return cp_err_set(err, CP_EINVAL, "NULL output");
  if ((rc = cp_x_check_args(c, p, err)) != CP_OK) return rc;
  lim = cp_x_start(lim, &lt, &bud);
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
