/*
** count.c -- counting matches or matching documents without building the
** match list (exec.h cp_exec_countq, cp_exec_count).
*/
#include "xeval.h"

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

/* is n a term, prefix, glob or regex on the norm or stem layer (a token
** set of exact norm candidates)? */
static int norm_lex (const cp_pnode *n) {
  return (n->kind == CP_P_TERM || n->kind == CP_P_PREFIX ||
          n->kind == CP_P_GLOB || n->kind == CP_P_REGEX) &&
         (n->layer == CP_NORM || n->layer == CP_STEM);
}

/*
** A token condition on the norm or stem layer at the root (a term with
** its variants, a prefix, glob or regex expansion), over a corpus
** without deletions, is counted from the lexicon, segment by segment,
** once compiled as the evaluation compiles it: every position has one
** norm type, so its hits are the sum of its types' frequencies, and its
** documents are the union of their documents (cp_x_cands_ndocs: the
** largest list's document frequency plus the others' documents without
** it).  Returns 1 if it applied (errors, such as an expansion over the
** limit, in *rc).
*/
static int count_cond (cp_corpus *c, cp_qcache *qc, const cp_pnode *root,
                       int what, const cp_limits *lim, uint64_t *n,
                       int *rc, cp_err *err) {
  size_t i, ns = cp_corpus_nsegs(c);
  *rc = CP_OK;
  if (!norm_lex(root) || cp_corpus_ndeleted(c) != 0) return 0;
  for (i = 0; i < ns && *rc == CP_OK; i++) {
    ctx x;
    tset t;
    int empty;
    *rc = cp_x_ctx_open(&x, c, qc, i, lim, 0, UINT32_MAX, &empty, err);
    if (*rc == CP_OK && !empty &&
        (*rc = cp_x_ts_compile(&x, root, &t)) == CP_OK) {
      if (t.kind != TS_NONE && (!t.exact || t.clayer >= CP_NLAYERS)) {
        cp_x_ts_free(&t);      /* cannot happen for these layers */
        cp_x_ctx_close(&x);
        *n = 0;
        return 0;
      }
      if (what == CP_COUNT_DOCS) {
        uint64_t d;
        if ((*rc = cp_x_cands_ndocs(&x, &t, &d)) == CP_OK) *n += d;
      }
      else {
        size_t k;
        for (k = 0; k < t.ncand; k++)
          *n += cp_seg_type_freq(x.s, CP_NORM, t.cand[k]);
      }
      cp_x_ts_free(&t);
    }
    cp_x_ctx_close(&x);
  }
  return 1;
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
    if ((rc = cp_x_eval(x, k, &kr[i])) != CP_OK) break;
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

static int cmp_u32 (const void *a, const void *b) {
  uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
  return (x > y) - (x < y);
}

/* a cursor over the postings of one type, for counting per document */
typedef struct pcur {
  const uint32_t *pv;
  size_t pn, at;
  uint32_t *owned;
  uint64_t extra;            /* shared types: arguments holding it, less 1 */
} pcur;

/* the positions of p in [ds, de), moving its cursor past them */
static uint64_t pcur_count (pcur *p, uint32_t ds, uint32_t de) {
  size_t a = gallop(p->pv, p->pn, p->at, ds);
  p->at = gallop(p->pv, p->pn, a, de);
  return p->at - a;
}

/*
** count_bool without spans, when every argument is a norm term (or
** expansion): a hit is one position, and the distinct spans of a
** matching document are the distinct positions of the arguments in it:
** the positions of each argument, less those of a type several
** arguments hold (a compound in the variants of two terms) counted once
** per argument too many.  Each list is counted by two cursor moves per
** document; the documents come from the document-level evaluation (AND /
** OR of document lists).  Returns 1 if it applied (error in *rc).
*/
static int count_bool_terms (ctx *x, const cp_pnode *n, uint64_t *count,
                             int *rc) {
  const cp_pnode *k;
  size_t na = n->nkids, i, j, nall = 0, nc = 0;
  tset *ts;
  pcur *pc = NULL;
  uint32_t *all = NULL;
  cp_res r;
  int applies = 1;
  *rc = CP_OK;
  for (k = n->kid; k != NULL; k = k->next) if (!norm_lex(k)) return 0;
  if (na == 0) return 0;
  if ((ts = (tset *)calloc(na, sizeof(tset))) == NULL) { *rc = oom(x); return 1; }
  for (i = 0, k = n->kid; k != NULL && *rc == CP_OK; k = k->next, i++) {
    if ((*rc = cp_x_ts_compile(x, k, &ts[i])) != CP_OK) break;
    if (ts[i].kind != TS_NONE && (!ts[i].exact || ts[i].clayer >= CP_NLAYERS))
      applies = 0;
    nall += ts[i].ncand;
  }
  if (!applies || *rc != CP_OK) goto done;
  /* the types held by several arguments, with their multiplicity */
  if ((all = (uint32_t *)malloc((nall + 1) * sizeof(uint32_t))) == NULL ||
      (pc = (pcur *)calloc(na + nall + 1, sizeof(pcur))) == NULL) {
    *rc = oom(x); goto done;
  }
  for (i = 0, nall = 0; i < na; i++)
    if (ts[i].ncand) {
      memcpy(all + nall, ts[i].cand, ts[i].ncand * sizeof(uint32_t));
      nall += ts[i].ncand;
    }
  qsort(all, nall, sizeof(uint32_t), cmp_u32);
  for (i = 0; i < na && *rc == CP_OK; i++, nc++)
    *rc = cp_x_ts_positions(x, &ts[i], &pc[nc].pv, &pc[nc].pn, &pc[nc].owned);
  for (i = 0; i < nall && *rc == CP_OK; i = j) {
    uint32_t ln;
    for (j = i + 1; j < nall && all[j] == all[i]; j++) {}
    if (j - i < 2) continue;
    *rc = cp_seg_plist(x->s, CP_NORM, all[i], &pc[nc].pv, &ln, x->err);
    pc[nc].pn = pc[nc].pv ? ln : 0;
    pc[nc++].extra = j - i - 1;
  }
  memset(&r, 0, sizeof(r));
  if (*rc == CP_OK) {
    int saved = x->docsonly;
    x->docsonly = 1;
    *rc = cp_x_eval(x, n, &r);
    x->docsonly = saved;
  }
  for (j = 0; j < r.docs.n && *rc == CP_OK; j++) {
    uint32_t d = r.docs.v[j], ds = x->dstart[d], de = x->dstart[d + 1];
    uint64_t c = 0, less = 0;
    for (i = 0; i < nc; i++) {
      uint64_t m = pcur_count(&pc[i], ds, de);
      if (i < na) c += m; else less += m * pc[i].extra;
    }
    if (!cp_corpus_is_deleted(x->c, x->segi, d)) *count += c - less;
  }
  if (*rc == CP_OK) *rc = spend(x, r.docs.n * (uint64_t)nc);
  cp_res_free(&r);
done:
  for (i = 0; i < na; i++) cp_x_ts_free(&ts[i]);
  for (i = 0; pc != NULL && i < nc; i++) free(pc[i].owned);
  free(ts);
  free(pc);
  free(all);
  return applies || *rc != CP_OK;
}

/* a phrase of two or more words: its spans are two tokens long at least */
static int long_phrase (const cp_pnode *n) {
  const cp_pnode *it;
  if (n->kind != CP_P_SEQ || !n->phrase || n->nkids < 2) return 0;
  for (it = n->kid; it != NULL; it = it->next)
    if (it->min != 1 || it->max != 1) return 0;
  return 1;
}

/*
** The hits of a root OR of one phrase of two or more words and norm
** terms (a phrase with the compounds of its words, as the query
** language makes it: l_query.c with_compound), over a corpus without
** deletions: the phrase's spans are longer than one token, the terms'
** are one token, so no span is counted twice across them, and a term
** hit is any position of its types: the phrase's matches counted by
** the matcher (countonly), plus the frequencies of the terms' types
** (each type once).  Returns 1 if it applied (error in *rc).
*/
static int count_or_phrase (ctx *x, const cp_pnode *n, uint64_t *count,
                            int *rc) {
  const cp_pnode *k, *seq = NULL;
  cp_u32s ids = {NULL, 0, 0};
  size_t i;
  int applies = 1;
  cp_res r;
  *rc = CP_OK;
  if (n->kind != CP_P_OR || cp_corpus_ndeleted(x->c) != 0) return 0;
  for (k = n->kid; k != NULL; k = k->next)
    if (long_phrase(k) && seq == NULL) seq = k;
    else if (!norm_lex(k)) return 0;
  if (seq == NULL) return 0;
  for (k = n->kid; k != NULL && applies && *rc == CP_OK; k = k->next) {
    tset t;
    if (k == seq) continue;
    if ((*rc = cp_x_ts_compile(x, k, &t)) != CP_OK) break;
    if (t.kind != TS_NONE && (!t.exact || t.clayer >= CP_NLAYERS)) applies = 0;
    for (i = 0; i < t.ncand && applies; i++)
      if (cp_u32s_push(&ids, t.cand[i]) != CP_OK) *rc = oom(x);
    cp_x_ts_free(&t);
  }
  if (applies && *rc == CP_OK) {
    uint64_t c = 0;
    if (ids.n > 1) qsort(ids.v, ids.n, sizeof(uint32_t), cmp_u32);
    for (i = 0; i < ids.n; i++)
      if (i == 0 || ids.v[i] != ids.v[i - 1])
        c += cp_seg_type_freq(x->s, CP_NORM, ids.v[i]);
    memset(&r, 0, sizeof(r));
    x->nodocs = seq;
    x->countonly = seq;
    x->nspans = 0;
    if ((*rc = cp_x_eval(x, seq, &r)) == CP_OK) *count += c + r.sp.n + x->nspans;
    cp_res_free(&r);
  }
  free(ids.v);
  return applies || *rc != CP_OK;
}

/* the matches of the plan in segment 'segi', counted */
static int count_seg (cp_corpus *c, cp_qcache *qc, size_t segi,
                      const cp_plan *p, const cp_limits *lim, uint64_t *n,
                      cp_err *err) {
  ctx x;
  cp_res r;
  const cp_pnode *root = cp_plan_root(p);
  int rc, empty;
  memset(&r, 0, sizeof(r));
  rc = cp_x_ctx_open(&x, c, qc, segi, lim, 0, UINT32_MAX, &empty, err);
  if (rc == CP_OK && !empty) {
    if (root->kind == CP_P_AND || root->kind == CP_P_OR) {
      if (!count_bool_terms(&x, root, n, &rc) &&
          !count_or_phrase(&x, root, n, &rc))
        rc = count_bool(&x, root, n);
    }
    else if (cp_corpus_ndeleted(c) == 0 && root->kind != CP_P_NOT &&
             root->kind != CP_P_META && root->kind != CP_P_FIELD) {
      /* positional: each span is one match, no document list needed */
      x.nodocs = root;
      x.countonly = root;
      if ((rc = cp_x_eval(&x, root, &r)) == CP_OK) *n += r.sp.n + x.nspans;
    }
    else if ((rc = cp_x_eval(&x, root, &r)) == CP_OK)
      *n += count_hits(c, segi, &r, x.dstart);
  }
  cp_res_free(&r);
  cp_x_ctx_close(&x);
  return rc;
}

int cp_exec_countq (cp_corpus *c, cp_qcache *qc, const cp_plan *p,
                    const cp_limits *lim, int what, uint64_t *n,
                    cp_err *err) {
  size_t i, ns;
  int rc;
  cp_limits lt;
  cp_budget bud;
  if (n == NULL) return cp_err_set(err, CP_EINVAL, "NULL output");
  *n = 0;
  if (what != CP_COUNT_HITS && what != CP_COUNT_DOCS)
    return cp_err_set(err, CP_EINVAL, "bad count kind %d", what);
  if ((rc = cp_x_check_args(c, p, err)) != CP_OK) return rc;
  lim = cp_x_start(lim, &lt, &bud);
  if (count_cond(c, qc, cp_plan_root(p), what, lim, n, &rc, err)) {
    if (rc != CP_OK) return rc;
    return what == CP_COUNT_HITS ? too_many_matches(lim, *n, err) : CP_OK;
  }
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

