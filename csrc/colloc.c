/*
** colloc.c -- collocates of a node (window around each match) and
** all-pairs window collocations (NLTK's BigramCollocationFinder).
**
** The co-occurrence counts come from a tight loop over the word-id
** stream around each node match, with an array indexed by layer type
** id and a list of the ids touched; the collocates' corpus frequencies
** come from the segments' type frequencies (summed over the word types
** that map to a layer type) when every document of the segment is
** counted, and from one pass over the counted documents otherwise.
*/
#include <stdlib.h>
#include <string.h>

#include "stats.h"

#define OOM(err) cp_err_set(err, CP_ENOMEM, "out of memory")

/*
** Frequencies of the layer's types in the counted documents of a view
** (*fr, malloc'd, v->ntypes entries) and the number of kept tokens.
*/
static int layer_freqs (const cp_view *v, uint32_t **fr, uint64_t *ntok,
                        cp_err *err) {
  uint32_t *f = (uint32_t *)calloc(v->ntypes ? v->ntypes : 1,
                                   sizeof(uint32_t));
  uint64_t n = 0;
  if (f == NULL) return OOM(err);
  if (v->non == v->ndocs) {          /* all documents: use type freqs */
    uint32_t nw = cp_seg_ntypes(v->seg, CP_WORD), w;
    for (w = 0; w < nw; w++) {
      uint32_t id = v->map[w];
      uint32_t k;
      if (id == CP_SKIP) continue;
      k = cp_seg_type_freq(v->seg, CP_WORD, w);
      f[id] += k;
      n += k;
    }
  }
  else {
    uint32_t d;
    for (d = 0; d < v->ndocs; d++) {
      cp_docinfo di;
      uint32_t p, end;
      if (!v->on[d] || cp_seg_doc(v->seg, d, &di) != CP_OK) continue;
      end = di.tok_start + di.tok_count;
      if (end > v->ntok) end = v->ntok;
      for (p = di.tok_start; p < end; p++) {
        uint32_t id = v->map[v->stream[p]];
        if (id != CP_SKIP) { f[id]++; n++; }
      }
    }
  }
  *fr = f;
  *ntok = n;
  return CP_OK;
}


/* {================================================================
** Collocates of a node
** ================================================================= */

typedef struct segstate {
  cp_view v;
  uint32_t *fr;       /* layer type frequencies in the counted docs */
} segstate;

static void close_states (segstate *st, size_t n) {
  size_t i;
  if (st == NULL) return;
  for (i = 0; i < n; i++) {
    free(st[i].fr);
    cp_view_close(&st[i].v);
  }
  free(st);
}

/* count the window of every node match inside segment 'ss' */
static int colloc_seg (segstate *ss, const cp_span *nodes, size_t n,
                       int left, int right, uint64_t *nnodes,
                       uint32_t *cnt, uint32_t *touched, uint32_t *ntouched) {
  const cp_view *v = &ss->v;
  const uint32_t *stream = v->stream, *map = v->map;
  uint64_t lo = v->pos_base, hi = v->pos_base + v->ntok;
  uint32_t ts = 0, te = 0, nt = 0;     /* cached document range */
  int doc_on = 0;
  size_t i;
  for (i = 0; i < n; i++) {
    uint32_t s0, s1, p;
    int k;
    if (nodes[i].start < lo || nodes[i].start >= hi) continue;
    s0 = (uint32_t)(nodes[i].start - lo);
    s1 = (nodes[i].stop > hi) ? v->ntok : (uint32_t)(nodes[i].stop - lo);
    if (!(s0 >= ts && s0 < te)) {
      cp_docinfo di;
      uint32_t d = cp_seg_doc_of(v->seg, s0);
      if (d >= v->ndocs || cp_seg_doc(v->seg, d, &di) != CP_OK) continue;
      ts = di.tok_start;
      te = di.tok_start + di.tok_count;
      if (te > v->ntok) te = v->ntok;
      doc_on = v->on[d];
    }
    if (!doc_on) continue;
    if (s1 > te) s1 = te;
    (*nnodes)++;
    for (k = 0, p = s0; k < left && p > ts; ) {
      uint32_t id = map[stream[--p]];
      if (id == CP_SKIP) continue;
      k++;
      if (cnt[id]++ == 0) touched[nt++] = id;
    }
    for (k = 0, p = s1; k < right && p < te; p++) {
      uint32_t id = map[stream[p]];
      if (id == CP_SKIP) continue;
      k++;
      if (cnt[id]++ == 0) touched[nt++] = id;
    }
  }
  *ntouched = nt;
  return CP_OK;
}

int cp_collocates (cp_corpus *c, const cp_sopt *o, const cp_span *nodes,
                   size_t n, int left, int right, uint64_t *nnodes,
                   cp_terms *out, cp_err *err) {
  size_t ns, i, j;
  segstate *st = NULL;
  uint32_t *cnt = NULL, *touched = NULL;
  int rc;
  if (c == NULL || out == NULL || nnodes == NULL || (n > 0 && nodes == NULL))
    return cp_err_set(err, CP_EINVAL, "bad arguments to collocates");
  if (left < 0 || right < 0 || left + right == 0)
    return cp_err_set(err, CP_EINVAL,
                      "window must be non-negative and not empty");
  if ((rc = cp_sopt_check(o, err)) != CP_OK) return rc;
  if ((rc = cp_corpus_flush(c, err)) != CP_OK) return rc;
  *nnodes = 0;
  ns = cp_corpus_nsegs(c);
  st = (segstate *)calloc(ns ? ns : 1, sizeof(segstate));
  if (st == NULL) return OOM(err);
  for (i = 0; i < ns; i++) {
    uint64_t ntok = 0;
    if ((rc = cp_view_open(c, i, o, &st[i].v, err)) != CP_OK) goto done;
    if ((rc = layer_freqs(&st[i].v, &st[i].fr, &ntok, err)) != CP_OK)
      goto done;
    out->tokens += ntok;
    out->docs += st[i].v.non;
  }
  for (i = 0; i < ns; i++) {
    segstate *ss = &st[i];
    uint32_t nt = 0, t;
    cnt = (uint32_t *)calloc(ss->v.ntypes ? ss->v.ntypes : 1, sizeof(uint32_t));
    touched = (uint32_t *)malloc((ss->v.ntypes ? ss->v.ntypes : 1)
                                 * sizeof(uint32_t));
    if (cnt == NULL || touched == NULL) { rc = OOM(err); goto done; }
    colloc_seg(ss, nodes, n, left, right, nnodes, cnt, touched, &nt);
    for (t = 0; t < nt; t++) {
      uint32_t id = touched[t];
      size_t len, k;
      const char *s = cp_seg_type(ss->v.seg, ss->v.layer, id, &len);
      if (s == NULL) { rc = cp_err_set(err, CP_ECORRUPT, "bad type id"); goto done; }
      if ((rc = cp_terms_get(out, s, len, &k, err)) != CP_OK) goto done;
      out->v[k].count += cnt[id];
    }
    free(cnt); free(touched);
    cnt = touched = NULL;
  }
  /* C1: the collocate's frequency summed over every segment */
  for (j = 0; j < out->n; j++) {
    cp_term *e = &out->v[j];
    e->aux[0] = 0;
    for (i = 0; i < ns; i++) {
      int64_t id = cp_seg_lookup(st[i].v.seg, st[i].v.layer, e->str, e->len);
      if (id >= 0 && (uint64_t)id < st[i].v.ntypes)
        e->aux[0] += st[i].fr[id];
    }
  }
done:
  free(cnt); free(touched);
  close_states(st, ns);
  return rc;
}

/* }================================================================ */


/* {================================================================
** All pairs within a window
** ================================================================= */

static int pairs_seg (cp_corpus *c, size_t seg, const cp_sopt *o,
                      int window, const cp_terms *fq,
                      cp_terms *out, cp_err *err) {
  cp_view v;
  cp_idtab h;
  uint32_t *ring = NULL, d;
  size_t i;
  char *buf = NULL;
  size_t cap = 0;
  int w1 = window - 1;
  int rc = cp_view_open(c, seg, o, &v, err);
  if (rc != CP_OK) return rc;
  cp_idtab_init(&h, 2);
  ring = (uint32_t *)malloc((size_t)w1 * sizeof(uint32_t));
  if (ring == NULL) { rc = OOM(err); goto done; }
  for (d = 0; d < v.ndocs; d++) {
    cp_docinfo di;
    uint32_t p, end;
    int have = 0, head = 0;
    if (!v.on[d]) continue;
    if (cp_seg_doc(v.seg, d, &di) != CP_OK) {
      rc = cp_err_set(err, CP_ECORRUPT, "bad document %u", d);
      goto done;
    }
    end = di.tok_start + di.tok_count;
    if (end > v.ntok) end = v.ntok;
    for (p = di.tok_start; p < end; p++) {
      uint32_t key[2];
      int k;
      key[1] = v.map[v.stream[p]];
      if (key[1] == CP_SKIP) continue;
      for (k = 0; k < have; k++) {   /* each of the w1 preceding tokens */
        key[0] = ring[k];
        if (!cp_idtab_add(&h, key, d)) { rc = OOM(err); goto done; }
      }
      ring[head] = key[1];
      head = (head + 1) % w1;
      if (have < w1) have++;
    }
  }
  for (i = 0; i < h.count; i++) {
    const uint32_t *key = h.keys + 2 * i;
    size_t la, lb, k, len;
    const char *a = cp_seg_type(v.seg, v.layer, key[0], &la);
    const char *b = cp_seg_type(v.seg, v.layer, key[1], &lb);
    int64_t fa, fb;
    if (a == NULL || b == NULL) { rc = cp_err_set(err, CP_ECORRUPT, "bad type id"); goto done; }
    len = la + 1 + lb;
    if (len > cap) {
      char *nb = (char *)realloc(buf, 2 * len);
      if (nb == NULL) { rc = OOM(err); goto done; }
      buf = nb;
      cap = 2 * len;
    }
    memcpy(buf, a, la);
    buf[la] = ' ';
    memcpy(buf + la + 1, b, lb);
    if ((rc = cp_terms_get(out, buf, len, &k, err)) != CP_OK) goto done;
    fa = cp_terms_find(fq, a, la);
    fb = cp_terms_find(fq, b, lb);
    out->v[k].count += h.cnt[i];
    out->v[k].part = la;
    out->v[k].aux[0] = (fa >= 0) ? fq->v[fa].count : 0;
    out->v[k].aux[1] = (fb >= 0) ? fq->v[fb].count : 0;
  }
done:
  free(buf);
  free(ring);
  cp_idtab_free(&h);
  cp_view_close(&v);
  return rc;
}

int cp_pairs (cp_corpus *c, const cp_sopt *o, int window, uint64_t min,
              cp_terms *out, cp_err *err) {
  cp_terms fq;
  size_t i, ns;
  int rc;
  if (c == NULL || out == NULL) return cp_err_set(err, CP_EINVAL, "no corpus");
  if (window < 2 || window > 1000)
    return cp_err_set(err, CP_EINVAL, "window must be 2..1000, got %d",
                      window);
  if ((rc = cp_sopt_check(o, err)) != CP_OK) return rc;
  cp_terms_init(&fq);
  if ((rc = cp_freq(c, o, &fq, err)) != CP_OK) goto done;
  out->tokens += fq.tokens;
  out->docs += fq.docs;
  ns = cp_corpus_nsegs(c);
  for (i = 0; i < ns; i++)
    if ((rc = pairs_seg(c, i, o, window, &fq, out, err)) != CP_OK)
      goto done;
  cp_terms_filter(out, min);
done:
  cp_terms_free(&fq);
  return rc;
}

/* }================================================================ */
