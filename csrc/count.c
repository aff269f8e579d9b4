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
  if ((root->kind != CP_P_TERM && root->kind != CP_P_PREFIX &&
       root->kind != CP_P_GLOB && root->kind != CP_P_REGEX) ||
      (root->layer != CP_NORM && root->layer != CP_STEM) ||
      cp_corpus_ndeleted(c) != 0)
    return 0;
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
    if (root->kind == CP_P_AND || root->kind == CP_P_OR)
      rc = count_bool(&x, root, n);
    else if (cp_corpus_ndeleted(c) == 0 && root->kind != CP_P_NOT &&
             root->kind != CP_P_META) {
      /* positional: each span is one match, no document list needed */
      x.nodocs = root;
      if ((rc = cp_x_eval(&x, root, &r)) == CP_OK) *n += r.sp.n;
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

