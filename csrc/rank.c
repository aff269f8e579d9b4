/*
** rank.c -- BM25 ranking of the documents matching a plan (exec.h
** cp_search), with the document-length cache it needs.  The page asked
** for is cut by cp_rank_rows (topk.c): only offset + limit hits are
** sorted, not every matching document.
**
** The "phrases" scored are the plan's scoring leaves (xint.h
** cp_plan_leaves); their spans are recorded while the plan runs, so the
** query is evaluated once per segment.  Document lengths come from the
** query cache (qcache.c).  Besides the evaluation (charged by the
** executor), the ranking charges the call's budget for what it does
** itself: a unit per document whose length is read, per document of a
** leaf counted for df, per (hit, leaf) scored and per span walked for
** tf, n log n for the sort.
*/
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "xint.h"
#include "seg.h"
#include "stats.h"

#define MAX_LEAVES 64

/* {================================================================
** Scoring leaves
** ================================================================= */

static int positional (int kind) {
  return kind != CP_P_AND && kind != CP_P_OR && kind != CP_P_NOT &&
         kind != CP_P_META && kind != CP_P_FIELD && kind != CP_P_ITEM;
}

static void leaves (const cp_pnode *n, const cp_pnode **out, size_t max,
                    size_t *k) {
  const cp_pnode *c;
  if (n == NULL || n->kind == CP_P_NOT || n->kind == CP_P_META ||
      n->kind == CP_P_FIELD) return;
  if (positional(n->kind)) {
    if (*k < max) out[*k] = n;
    (*k)++;
    return;
  }
  for (c = n->kid; c != NULL; c = c->next) leaves(c, out, max, k);
}

size_t cp_plan_leaves (const cp_pnode *root, const cp_pnode **out,
                       size_t max) {
  size_t k = 0;
  leaves(root, out, max, &k);
  return k;
}

/* }================================================================ */


/* {================================================================
** Search
** ================================================================= */

void cp_hits_free (cp_hits *h) {
  if (h == NULL) return;
  free(h->v);
  cp_matches_free(&h->m);
  memset(h, 0, sizeof(*h));
}

typedef struct segrun {
  cp_res root;
  cp_res leaf[MAX_LEAVES];
} segrun;

/* number of spans of 'r' in the document [ds, de), advancing *k */
static uint32_t tf_in (const cp_res *r, size_t *k, uint32_t ds, uint32_t de) {
  uint32_t n = 0;
  while (*k < r->sp.n && r->sp.v[*k].s < ds) (*k)++;
  while (*k < r->sp.n && r->sp.v[*k].s < de) { n++; (*k)++; }
  return n;
}

/*
** The hits of the page [off, off + lim): the best off + lim of 'all'
** ranked by score descending, ties by document number (cp_rank_rows,
** the library's one top-k selection), as indexes into 'all' in *order
** (malloc'd); *n of them are kept.
*/
static int rank_hits (const cp_hit *all, size_t nhits, size_t off, size_t lim,
                      cp_srow **order, size_t *n, cp_err *err) {
  cp_srow *r;
  size_t i, want = off + lim < off ? 0 : off + lim;   /* 0: every hit */
  *order = NULL;
  *n = 0;
  if (nhits == 0 || (off == 0 && lim == 0)) return CP_OK;
  if ((r = (cp_srow *)malloc(nhits * sizeof(cp_srow))) == NULL)
    return cp_err_set(err, CP_ENOMEM, "out of memory");
  for (i = 0; i < nhits; i++) {
    r[i].v = all[i].score;
    r[i].key = all[i].doc;
    r[i].i = i;
  }
  *n = cp_rank_rows(r, nhits, want);
  *order = r;
  return CP_OK;
}

int cp_search (cp_corpus *c, cp_qcache *qc, const cp_plan *p,
               const cp_limits *lim, const cp_search_opts *o,
               cp_hits *out, cp_err *err) {
  const cp_pnode *lv[MAX_LEAVES];
  size_t nl, ns, i, j, nhits = 0;
  segrun *runs = NULL;
  uint64_t df[MAX_LEAVES], ndocs = 0, nwords = 0;
  double idf[MAX_LEAVES], avgdl, k1 = 1.2, b = 0.75, wtext = 1.0;
  cp_hit *all = NULL;
  cp_srow *order = NULL;
  cp_fscore *fs = NULL;
  int rc = CP_OK;
  cp_limits lt;
  cp_budget bud, *B;
  if (c == NULL || p == NULL || out == NULL)
    return cp_err_set(err, CP_EINVAL, "NULL argument to cp_search");
  lim = cp_x_start(lim, &lt, &bud);
  B = lim->budget;
  memset(out, 0, sizeof(*out));
  if (o != NULL) { k1 = o->k1; b = o->b; }
  if (!isfinite(k1) || k1 < 0 || !isfinite(b) || b < 0 || b > 1)
    return cp_err_set(err, CP_EINVAL, "k1 must be a finite number >= 0 "
                      "and b a number in [0, 1]");
  if (o != NULL && o->nfields > 0) {
    if (o->fields == NULL)
      return cp_err_set(err, CP_EINVAL, "NULL field list");
    for (i = 0; i < o->nfields; i++) {
      if (!(o->fields[i].weight >= 0) || o->fields[i].name == NULL)
        return cp_err_set(err, CP_EINVAL, "bad field weight");
      if (!isfinite(o->fields[i].weight))
        return cp_err_set(err, CP_EINVAL, "field weights must be finite");
      if (o->fields[i].len == 4 && memcmp(o->fields[i].name, "text", 4) == 0)
        wtext = o->fields[i].weight;
    }
  }
  if ((rc = cp_plan_check(p, err)) != CP_OK) return rc;
  if ((rc = cp_corpus_flush(c, err)) != CP_OK) return rc;
  nl = cp_plan_leaves(cp_plan_root(p), lv, MAX_LEAVES);
  if (nl > MAX_LEAVES)
    return cp_err_set(err, CP_ELIMIT, "a ranked query may have at most %d "
                      "terms and phrases", MAX_LEAVES);
  ns = cp_corpus_nsegs(c);
  if (ns && (runs = (segrun *)calloc(ns, sizeof(segrun))) == NULL)
    return cp_err_set(err, CP_ENOMEM, "out of memory");
  memset(df, 0, sizeof(df));
  /* pass 1: evaluate; collection statistics */
  for (i = 0; i < ns && rc == CP_OK; i++) {
    const cp_seg *s = cp_corpus_seg(c, i);
    uint32_t *tmp, d, nd = cp_seg_ndocs(s);
    const uint32_t *len = cp_qc_dlen(qc, c, i, &tmp);
    if (len == NULL) { rc = cp_err_set(err, CP_ENOMEM, "out of memory"); break; }
    for (d = 0; d < nd; d++)
      if (!cp_corpus_is_deleted(c, i, d)) { ndocs++; nwords += len[d]; }
    free(tmp);
    if ((rc = cp_budget_spend(B, nd, err)) != CP_OK) break;
    rc = cp_eval_seg(c, qc, i, p, lim, 0, UINT32_MAX, CP_NEED_ALL, lv, nl,
                     runs[i].leaf, &runs[i].root, err);
    for (j = 0; j < nl && rc == CP_OK; j++) {
      const cp_u32s *dv = &runs[i].leaf[j].docs;
      size_t k;
      if ((rc = cp_budget_spend(B, dv->n, err)) != CP_OK) break;
      for (k = 0; k < dv->n; k++)
        if (!cp_corpus_is_deleted(c, i, dv->v[k])) df[j]++;
    }
    nhits += runs[i].root.docs.n;
  }
  avgdl = ndocs ? (double)nwords / (double)ndocs : 1.0;
  if (avgdl <= 0) avgdl = 1.0;
  for (j = 0; j < nl; j++) {
    idf[j] = log(((double)ndocs - (double)df[j] + 0.5) / ((double)df[j] + 0.5));
    if (idf[j] <= 0.0) idf[j] = 1e-6;
  }
  if (rc == CP_OK && o != NULL && o->nfields > 0) {
    /* any field besides the text with a weight: BM25F; else, with the
    ** text at weight 1, plain BM25 (bit for bit) */
    int other = 0;
    for (i = 0; i < o->nfields; i++)
      if (o->fields[i].weight > 0 &&
          !(o->fields[i].len == 4 && memcmp(o->fields[i].name, "text", 4) == 0))
        other = 1;
    if (other || wtext != 1.0)
      rc = cp_fscore_new(c, qc, o->fields, o->nfields, lv, nl, &fs, err);
  }
  /* pass 2: score every matching live document */
  if (rc == CP_OK && nhits &&
      (all = (cp_hit *)malloc(nhits * sizeof(cp_hit))) == NULL)
    rc = cp_err_set(err, CP_ENOMEM, "out of memory");
  nhits = 0;
  for (i = 0; i < ns && rc == CP_OK; i++) {
    const cp_seg *s = cp_corpus_seg(c, i);
    uint32_t *tmp;
    const uint32_t *len = cp_qc_dlen(qc, c, i, &tmp);
    size_t kk[MAX_LEAVES], k;
    const cp_u32s *dv = &runs[i].root.docs;
    if (len == NULL) { rc = cp_err_set(err, CP_ENOMEM, "out of memory"); break; }
    {
      uint64_t w = (uint64_t)dv->n * (nl + 1);
      for (j = 0; j < nl; j++) w += runs[i].leaf[j].sp.n;
      if ((rc = cp_budget_spend(B, w, err)) != CP_OK) { free(tmp); break; }
    }
    memset(kk, 0, sizeof(kk));
    for (k = 0; k < dv->n; k++) {
      cp_docinfo di;
      double score = 0, dl;
      uint32_t d = dv->v[k];
      if (cp_corpus_is_deleted(c, i, d) || cp_seg_doc_head(s, d, &di) != CP_OK)
        continue;
      dl = len[d];
      if (fs == NULL)          /* BM25 exactly as FTS5 computes it */
        for (j = 0; j < nl; j++) {
          double f = tf_in(&runs[i].leaf[j], &kk[j], di.tok_start,
                           di.tok_start + di.tok_count);
          score += idf[j] * f * (k1 + 1.0) /
                   (f + k1 * (1.0 - b + b * dl / avgdl));
        }
      else {                   /* BM25F: weighted, length-normalized tf */
        double tfw[MAX_LEAVES], bt = 1.0 - b + b * dl / avgdl;
        for (j = 0; j < nl; j++) {
          double f = tf_in(&runs[i].leaf[j], &kk[j], di.tok_start,
                           di.tok_start + di.tok_count);
          tfw[j] = f > 0 && bt > 0 ? wtext * f / bt : 0.0;
        }
        if ((rc = cp_fscore_doc(fs, i, d, b, tfw, err)) != CP_OK) break;
        for (j = 0; j < nl; j++)
          if (tfw[j] > 0) score += idf[j] * tfw[j] * (k1 + 1.0) / (tfw[j] + k1);
      }
      all[nhits].doc = cp_corpus_doc_base(c, i) + d;
      all[nhits].score = score;
      all[nhits].m0 = i;         /* segment, until the page is cut */
      all[nhits].m1 = d;
      nhits++;
    }
    free(tmp);
  }
  if (rc == CP_OK && nhits > 1) {    /* the sort: n log n */
    uint64_t lg = 1;
    while (lg < 64 && ((uint64_t)1 << lg) < nhits) lg++;
    rc = cp_budget_spend(B, (uint64_t)nhits * lg, err);
  }
  if (rc == CP_OK) {
    size_t off = o ? o->offset : 0, lim_n = o ? o->limit : 10, n, nr;
    out->total = nhits;
    rc = rank_hits(all, nhits, off, lim_n, &order, &nr, err);
    n = off < nr ? nr - off : 0;
    if (n > lim_n) n = lim_n;
    if (rc == CP_OK && n && (out->v = (cp_hit *)malloc(n * sizeof(cp_hit))) == NULL)
      rc = cp_err_set(err, CP_ENOMEM, "out of memory");
    for (j = 0; j < n && rc == CP_OK; j++) {
      cp_hit h = all[order[off + j].i];
      size_t seg = h.m0;
      uint32_t d = (uint32_t)h.m1;
      cp_res one;
      size_t a;
      /* the matches of this document, from the root result */
      memset(&one, 0, sizeof(one));
      one.docs.v = &d; one.docs.n = 1;
      one.sp = runs[seg].root.sp;
      h.m0 = out->m.n;
      {
        const cp_spans *sp = &runs[seg].root.sp;
        cp_docinfo di;
        size_t lo = 0, hi = sp->n;
        cp_seg_doc_head(cp_corpus_seg(c, seg), d, &di);
        while (lo < hi) {      /* first span of the document */
          size_t mid = lo + (hi - lo) / 2;
          if (sp->v[mid].s < di.tok_start) lo = mid + 1; else hi = mid;
        }
        for (a = lo; a < sp->n && sp->v[a].s < di.tok_start + di.tok_count; a++) ;
        one.sp.v = sp->v != NULL ? sp->v + lo : NULL;   /* no span at all */
        one.sp.n = a - lo;
      }
      rc = cp_emit(c, seg, &one, 0, &out->m, err);
      h.m1 = out->m.n;
      out->v[j] = h;
      out->n = j + 1;
    }
  }
  for (i = 0; i < ns; i++) {
    cp_res_free(&runs[i].root);
    for (j = 0; j < nl && j < MAX_LEAVES; j++) cp_res_free(&runs[i].leaf[j]);
  }
  free(runs);
  free(all);
  free(order);
  cp_fscore_free(fs);
  if (rc != CP_OK) cp_hits_free(out);
  return rc;
}

/* }================================================================ */
