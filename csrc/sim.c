/*
** sim.c -- documents as tf-idf vectors: cosine similarity of one
** document with every other, and the document-term matrix.
**
** tf is the raw count of a type in the document, idf = ln(D/df) with D
** the counted documents and df those containing the type (both in the
** selection).  Two passes over the counted tokens: document frequencies,
** then one document at a time with an array indexed by global type id
** and the list of ids it touched.
*/
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "stats.h"

#define OOM(err) cp_err_set(err, CP_ENOMEM, "out of memory")

void cp_sim_free (cp_sim *s) {
  cp_glex_free(&s->lex);
  free(s->doc); free(s->score); free(s->df);
  memset(s, 0, sizeof(*s));
}

/* one pass: document frequencies of the counted documents */
static int doc_freqs (cp_corpus *c, const cp_sopt *o, const cp_glex *g,
                      uint64_t *df, uint64_t *ndocs, cp_err *err) {
  size_t ns = cp_corpus_nsegs(c), si;
  uint64_t *last = (uint64_t *)calloc(g->n ? g->n : 1, sizeof(uint64_t));
  int rc = CP_OK;
  if (last == NULL) return OOM(err);
  for (si = 0; si < ns && rc == CP_OK; si++) {
    cp_view v;
    uint32_t d;
    if ((rc = cp_view_open(c, si, o, g, &v, err)) != CP_OK) break;
    for (d = 0; d < v.ndocs; d++) {
      uint32_t t0, t1, p;
      uint64_t gd = v.doc_base + d + 1;
      if (!v.on[d] || cp_view_doc(&v, d, &t0, &t1) != CP_OK) continue;
      (*ndocs)++;
      for (p = t0; p < t1; p++) {
        uint32_t id = v.map[v.stream[p]];
        if (id != CP_SKIP && last[id] != gd) { last[id] = gd; df[id]++; }
      }
    }
    cp_view_close(&v);
  }
  free(last);
  return rc;
}

/* the tf counts of one document into cnt (ids listed in touched) */
static size_t doc_counts (const cp_view *v, uint32_t d, uint64_t *cnt,
                          uint32_t *touched) {
  uint32_t t0, t1, p;
  size_t nt = 0;
  if (cp_view_doc(v, d, &t0, &t1) != CP_OK) return 0;
  for (p = t0; p < t1; p++) {
    uint32_t id = v->map[v->stream[p]];
    if (id != CP_SKIP && cnt[id]++ == 0) touched[nt++] = id;
  }
  return nt;
}

int cp_similar (cp_corpus *c, const cp_sopt *o, uint64_t target,
                cp_sim *out, cp_err *err) {
  size_t ns, si, tseg, nt, k;
  uint32_t tlocal;
  uint64_t *cnt = NULL;
  uint32_t *touched = NULL;
  double *q = NULL, *idf = NULL, qnorm = 0;
  int rc;
  if (c == NULL || out == NULL) return cp_err_set(err, CP_EINVAL, "no corpus");
  memset(out, 0, sizeof(*out));
  if ((rc = cp_sopt_check(o, err)) != CP_OK) return rc;
  if ((rc = cp_corpus_flush(c, err)) != CP_OK) return rc;
  if (cp_corpus_locate(c, target, &tseg, &tlocal) != CP_OK
      || cp_corpus_is_deleted(c, tseg, tlocal))
    return cp_err_set(err, CP_ENOENT, "no document %llu",
                      (unsigned long long)target + 1);
  if ((rc = cp_glex_build_sopt(c, o, &out->lex, err)) != CP_OK) return rc;
  ns = cp_corpus_nsegs(c);
  for (si = 0; si < ns; si++) out->cap += cp_seg_ndocs(cp_corpus_seg(c, si));
  out->df = (uint64_t *)calloc(out->lex.n ? out->lex.n : 1, sizeof(uint64_t));
  out->doc = (uint64_t *)malloc((out->cap ? out->cap : 1) * sizeof(uint64_t));
  out->score = (double *)malloc((out->cap ? out->cap : 1) * sizeof(double));
  cnt = (uint64_t *)calloc(out->lex.n ? out->lex.n : 1, sizeof(uint64_t));
  touched = (uint32_t *)malloc((out->lex.n ? out->lex.n : 1) * sizeof(uint32_t));
  q = (double *)calloc(out->lex.n ? out->lex.n : 1, sizeof(double));
  idf = (double *)malloc((out->lex.n ? out->lex.n : 1) * sizeof(double));
  if (!out->df || !out->doc || !out->score || !cnt || !touched || !q || !idf) {
    rc = OOM(err);
    goto done;
  }
  if ((rc = doc_freqs(c, o, &out->lex, out->df, &out->ndocs, err)) != CP_OK)
    goto done;
  for (k = 0; k < out->lex.n; k++)
    idf[k] = out->df[k] ? log((double)out->ndocs / (double)out->df[k]) : 0.0;
  {                                     /* the target's vector */
    cp_view v;
    cp_sopt all = *o;
    all.sel = NULL;                     /* the target need not be selected */
    if ((rc = cp_view_open(c, tseg, &all, &out->lex, &v, err)) != CP_OK)
      goto done;
    nt = doc_counts(&v, tlocal, cnt, touched);
    for (k = 0; k < nt; k++) {
      uint32_t id = touched[k];
      q[id] = (double)cnt[id] * idf[id];
      qnorm += q[id] * q[id];
      cnt[id] = 0;
    }
    cp_view_close(&v);
  }
  qnorm = sqrt(qnorm);
  for (si = 0; si < ns && rc == CP_OK; si++) {
    cp_view v;
    uint32_t d;
    if ((rc = cp_view_open(c, si, o, &out->lex, &v, err)) != CP_OK) break;
    for (d = 0; d < v.ndocs; d++) {
      double dot = 0, dn = 0;
      if (!v.on[d]) continue;
      nt = doc_counts(&v, d, cnt, touched);
      for (k = 0; k < nt; k++) {
        uint32_t id = touched[k];
        double w = (double)cnt[id] * idf[id];
        dot += w * q[id];
        dn += w * w;
        cnt[id] = 0;
      }
      out->doc[out->n] = v.doc_base + d;
      out->score[out->n] = (qnorm > 0 && dn > 0) ? dot / (qnorm * sqrt(dn)) : 0.0;
      out->n++;
    }
    cp_view_close(&v);
  }
done:
  free(cnt); free(touched); free(q); free(idf);
  return rc;
}

int cp_similar_top (cp_corpus *c, const cp_sopt *o, uint64_t target,
                    size_t limit, cp_simhit **out, size_t *n, cp_err *err) {
  cp_sim s;
  cp_srow *r = NULL;
  size_t i, k = 0;
  int rc;
  if (out == NULL || n == NULL) return cp_err_set(err, CP_EINVAL, "NULL output");
  *out = NULL;
  *n = 0;
  memset(&s, 0, sizeof(s));
  if ((rc = cp_similar(c, o, target, &s, err)) != CP_OK) {
    cp_sim_free(&s);
    return rc;
  }
  if ((r = (cp_srow *)malloc((s.n ? s.n : 1) * sizeof(cp_srow))) == NULL) {
    cp_sim_free(&s);
    return OOM(err);
  }
  for (i = 0; i < s.n; i++) {
    if (s.doc[i] == target) continue;
    r[k].v = s.score[i];
    r[k].key = s.doc[i];
    r[k].i = i;
    k++;
  }
  k = cp_rank_rows(r, k, limit);
  if ((*out = (cp_simhit *)malloc((k ? k : 1) * sizeof(cp_simhit))) == NULL) {
    free(r);
    cp_sim_free(&s);
    return OOM(err);
  }
  for (i = 0; i < k; i++) {
    (*out)[i].doc = r[i].key;
    (*out)[i].score = r[i].v;
  }
  *n = k;
  free(r);
  cp_sim_free(&s);
  return CP_OK;
}

void cp_dtm_free (cp_dtmat *m) {
  cp_glex_free(&m->lex);
  free(m->col); free(m->terms); free(m->i); free(m->j); free(m->x);
  free(m->doc);
  memset(m, 0, sizeof(*m));
}

/* ids by count descending, then id */
typedef struct rk { uint64_t count; uint32_t id; } rk;

static int cmp_rk (const void *x, const void *y) {
  const rk *a = (const rk *)x, *b = (const rk *)y;
  if (a->count != b->count) return a->count < b->count ? 1 : -1;
  return (a->id > b->id) - (a->id < b->id);
}

static int cmp_u32 (const void *x, const void *y) {
  uint32_t a = *(const uint32_t *)x, b = *(const uint32_t *)y;
  return (a > b) - (a < b);
}

/*
** Terms: the types with count >= min, the 'limit' most frequent (0: all),
** as columns in string order.  Rows: the counted documents in order.
*/
int cp_dtm (cp_corpus *c, const cp_sopt *o, uint64_t min, size_t limit,
            cp_dtmat *out, cp_err *err) {
  cp_flist f;
  rk *r = NULL;
  size_t k, nk = 0, ns, si, cap = 0;
  uint64_t *cnt = NULL;
  uint32_t *touched = NULL;
  int rc;
  if (out == NULL) return cp_err_set(err, CP_EINVAL, "no output");
  memset(out, 0, sizeof(*out));
  memset(&f, 0, sizeof(f));
  if ((rc = cp_freq(c, o, &f, err)) != CP_OK) { cp_flist_free(&f); return rc; }
  out->lex = f.lex;                      /* take the lexicon over */
  memset(&f.lex, 0, sizeof(f.lex));
  r = (rk *)malloc((out->lex.n ? out->lex.n : 1) * sizeof(rk));
  out->col = (uint32_t *)malloc((out->lex.n ? out->lex.n : 1) * sizeof(uint32_t));
  if (r == NULL || out->col == NULL) { rc = OOM(err); goto done; }
  if (min < 1) min = 1;
  for (k = 0; k < out->lex.n; k++) {
    out->col[k] = UINT32_MAX;
    if (f.count[k] >= min) { r[nk].count = f.count[k]; r[nk].id = (uint32_t)k; nk++; }
  }
  qsort(r, nk, sizeof(rk), cmp_rk);
  if (limit > 0 && nk > limit) nk = limit;
  out->terms = (uint32_t *)malloc((nk ? nk : 1) * sizeof(uint32_t));
  if (out->terms == NULL) { rc = OOM(err); goto done; }
  for (k = 0; k < nk; k++) out->terms[k] = r[k].id;
  qsort(out->terms, nk, sizeof(uint32_t), cmp_u32);
  for (k = 0; k < nk; k++) out->col[out->terms[k]] = (uint32_t)k;
  out->nterms = nk;
  ns = cp_corpus_nsegs(c);
  for (si = 0; si < ns; si++) cap += cp_seg_ndocs(cp_corpus_seg(c, si));
  out->doc = (uint64_t *)malloc((cap ? cap : 1) * sizeof(uint64_t));
  cnt = (uint64_t *)calloc(out->lex.n ? out->lex.n : 1, sizeof(uint64_t));
  touched = (uint32_t *)malloc((out->lex.n ? out->lex.n : 1) * sizeof(uint32_t));
  if (out->doc == NULL || cnt == NULL || touched == NULL) { rc = OOM(err); goto done; }
  for (si = 0; si < ns && rc == CP_OK; si++) {
    cp_view v;
    uint32_t d;
    if ((rc = cp_view_open(c, si, o, &out->lex, &v, err)) != CP_OK) break;
    for (d = 0; d < v.ndocs && rc == CP_OK; d++) {
      size_t nt;
      if (!v.on[d]) continue;
      nt = doc_counts(&v, d, cnt, touched);
      qsort(touched, nt, sizeof(uint32_t), cmp_u32);
      for (k = 0; k < nt; k++) {
        uint32_t id = touched[k];
        if (out->col[id] != UINT32_MAX) {
          if (out->nnz == out->cap) {
            size_t nc = out->cap ? 2 * out->cap : 4096;
            uint32_t *ni = (uint32_t *)realloc(out->i, nc * sizeof(uint32_t));
            uint32_t *nj;
            uint64_t *nx;
            if (ni == NULL) { rc = OOM(err); break; }
            out->i = ni;
            nj = (uint32_t *)realloc(out->j, nc * sizeof(uint32_t));
            if (nj == NULL) { rc = OOM(err); break; }
            out->j = nj;
            nx = (uint64_t *)realloc(out->x, nc * sizeof(uint64_t));
            if (nx == NULL) { rc = OOM(err); break; }
            out->x = nx;
            out->cap = nc;
          }
          out->i[out->nnz] = (uint32_t)out->ndocs;
          out->j[out->nnz] = out->col[id];
          out->x[out->nnz] = cnt[id];
          out->nnz++;
        }
        cnt[id] = 0;
      }
      for (; k < nt; k++) cnt[touched[k]] = 0;
      out->doc[out->ndocs++] = v.doc_base + d;
    }
    cp_view_close(&v);
  }
done:
  free(r); free(cnt); free(touched);
  cp_flist_free(&f);
  return rc;
}
