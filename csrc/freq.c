/*
** freq.c -- frequency lists and n-grams.  Counting runs over each
** segment's word-id stream with arrays indexed by layer type id (a
** frequency list) or a hash table of id tuples (n-grams); only the
** distinct results are turned into strings and merged across segments.
*/
#include <stdlib.h>
#include <string.h>

#include "stats.h"

#define OOM(err) cp_err_set(err, CP_ENOMEM, "out of memory")

/* add 'count'/'docs' to the entry of string s */
static int add_term (cp_terms *out, const char *s, size_t len,
                     uint64_t count, uint64_t docs, cp_err *err) {
  size_t i;
  int rc = cp_terms_get(out, s, len, &i, err);
  if (rc != CP_OK) return rc;
  out->v[i].count += count;
  out->v[i].docs += docs;
  return CP_OK;
}


/* {================================================================
** Frequency list
** ================================================================= */

static int freq_seg (cp_corpus *c, size_t seg, const cp_sopt *o,
                     cp_terms *out, cp_err *err) {
  cp_view v;
  uint32_t *cnt = NULL, *df = NULL, *last = NULL;
  uint32_t d, t;
  int rc = cp_view_open(c, seg, o, &v, err);
  if (rc != CP_OK) return rc;
  if (v.ntypes > 0) {
    cnt = (uint32_t *)calloc(v.ntypes, sizeof(uint32_t));
    df = (uint32_t *)calloc(v.ntypes, sizeof(uint32_t));
    last = (uint32_t *)calloc(v.ntypes, sizeof(uint32_t));
    if (cnt == NULL || df == NULL || last == NULL) { rc = OOM(err); goto done; }
  }
  for (d = 0; d < v.ndocs; d++) {
    cp_docinfo di;
    uint32_t p, end;
    if (!v.on[d]) continue;
    if ((rc = cp_seg_doc(v.seg, d, &di)) != CP_OK) {
      rc = cp_err_set(err, CP_ECORRUPT, "bad document %u", d);
      goto done;
    }
    end = di.tok_start + di.tok_count;
    for (p = di.tok_start; p < end && p < v.ntok; p++) {
      uint32_t id = v.map[v.stream[p]];
      if (id == CP_SKIP) continue;
      cnt[id]++;
      if (last[id] != d + 1) { last[id] = d + 1; df[id]++; }
      out->tokens++;
    }
  }
  out->docs += v.non;
  for (t = 0; t < v.ntypes; t++) {
    size_t len;
    const char *s;
    if (cnt[t] == 0) continue;
    s = cp_seg_type(v.seg, v.layer, t, &len);
    if (s == NULL) { rc = cp_err_set(err, CP_ECORRUPT, "bad type id"); goto done; }
    if ((rc = add_term(out, s, len, cnt[t], df[t], err)) != CP_OK) goto done;
  }
done:
  free(cnt); free(df); free(last);
  cp_view_close(&v);
  return rc;
}

int cp_freq (cp_corpus *c, const cp_sopt *o, cp_terms *out, cp_err *err) {
  size_t i, ns;
  int rc;
  if (c == NULL || out == NULL) return cp_err_set(err, CP_EINVAL, "no corpus");
  if ((rc = cp_sopt_check(o, err)) != CP_OK) return rc;
  if ((rc = cp_corpus_flush(c, err)) != CP_OK) return rc;
  ns = cp_corpus_nsegs(c);
  for (i = 0; i < ns; i++)
    if ((rc = freq_seg(c, i, o, out, err)) != CP_OK) return rc;
  return CP_OK;
}

/* }================================================================ */


/* {================================================================
** n-grams: a hash table of id tuples per segment
** ================================================================= */

/* does [first, last] (global positions) cover one of the spans?  *j is
** advanced past spans starting before 'first' (n-grams come in order) */
static int covers (const cp_span *must, size_t nmust, size_t *j,
                   uint64_t first, uint64_t last) {
  size_t k;
  while (*j < nmust && must[*j].start < first) (*j)++;
  for (k = *j; k < nmust && must[k].start <= last; k++)
    if (must[k].stop <= last + 1 && must[k].stop > must[k].start) return 1;
  return 0;
}

/* join the types of a tuple with spaces into buf (growable) */
static const char *join_key (const cp_view *v, const uint32_t *key, int n,
                             char **buf, size_t *cap, size_t *len) {
  size_t k = 0;
  int i;
  for (i = 0; i < n; i++) {
    size_t l;
    const char *s = cp_seg_type(v->seg, v->layer, key[i], &l);
    if (s == NULL) return NULL;
    if (k + l + 2 > *cap) {
      size_t nc = 2 * (k + l + 2);
      char *nb = (char *)realloc(*buf, nc);
      if (nb == NULL) return NULL;
      *buf = nb;
      *cap = nc;
    }
    if (i > 0) (*buf)[k++] = ' ';
    memcpy(*buf + k, s, l);
    k += l;
  }
  *len = k;
  return *buf;
}

static int ngram_seg (cp_corpus *c, size_t seg, const cp_sopt *o, int n,
                      const cp_span *must, size_t nmust, cp_terms *out,
                      cp_err *err) {
  cp_view v;
  cp_idtab h;
  uint32_t ring[CP_NGRAM_MAX], rpos[CP_NGRAM_MAX], key[CP_NGRAM_MAX];
  const uint32_t *sents;
  uint32_t nsents, d;
  size_t j = 0, i;
  char *buf = NULL;
  size_t cap = 0;
  int rc = cp_view_open(c, seg, o, &v, err);
  if (rc != CP_OK) return rc;
  cp_idtab_init(&h, n);
  sents = cp_seg_sents(v.seg, &nsents);
  for (d = 0; d < v.ndocs; d++) {
    cp_docinfo di;
    uint32_t p, end, si, nextb;
    int have = 0, head = 0;   /* tokens in the ring; next write index */
    if (!v.on[d]) continue;
    if (cp_seg_doc(v.seg, d, &di) != CP_OK) {
      rc = cp_err_set(err, CP_ECORRUPT, "bad document %u", d);
      goto done;
    }
    end = di.tok_start + di.tok_count;
    if (end > v.ntok) end = v.ntok;
    if (di.tok_start >= end) continue;
    si = cp_seg_sent_of(v.seg, di.tok_start);
    nextb = (sents != NULL && si + 1 < nsents) ? sents[si + 1] : UINT32_MAX;
    for (p = di.tok_start; p < end; p++) {
      uint32_t id;
      int k;
      while (p >= nextb) {         /* a new sentence: forget the ring */
        have = 0;
        si++;
        nextb = (si + 1 < nsents) ? sents[si + 1] : UINT32_MAX;
      }
      id = v.map[v.stream[p]];
      if (id == CP_SKIP) continue;
      ring[head] = id;
      rpos[head] = p;
      head = (head + 1) % n;
      if (have < n) have++;
      if (have < n) continue;
      for (k = 0; k < n; k++) key[k] = ring[(head + k) % n];
      if (must != NULL &&
          !covers(must, nmust, &j, v.pos_base + rpos[head % n],
                  v.pos_base + p))
        continue;
      if (!cp_idtab_add(&h, key, d)) { rc = OOM(err); goto done; }
    }
  }
  out->docs += v.non;
  for (i = 0; i < h.count; i++) {
    size_t len;
    const char *s = join_key(&v, h.keys + i * (size_t)n, n, &buf, &cap, &len);
    if (s == NULL) { rc = OOM(err); goto done; }
    if ((rc = add_term(out, s, len, h.cnt[i], h.df[i], err)) != CP_OK)
      goto done;
  }
done:
  free(buf);
  cp_idtab_free(&h);
  cp_view_close(&v);
  return rc;
}

int cp_ngrams (cp_corpus *c, const cp_sopt *o, int n, const cp_span *must,
               size_t nmust, cp_terms *out, cp_err *err) {
  size_t i, ns;
  int rc;
  if (c == NULL || out == NULL) return cp_err_set(err, CP_EINVAL, "no corpus");
  if (n < 1 || n > CP_NGRAM_MAX)
    return cp_err_set(err, CP_EINVAL, "n-gram size must be 1..%d, got %d",
                      CP_NGRAM_MAX, n);
  if ((rc = cp_sopt_check(o, err)) != CP_OK) return rc;
  if ((rc = cp_corpus_flush(c, err)) != CP_OK) return rc;
  ns = cp_corpus_nsegs(c);
  for (i = 0; i < ns; i++)
    if ((rc = ngram_seg(c, i, o, n, must, nmust, out, err)) != CP_OK)
      return rc;
  return CP_OK;
}

/* }================================================================ */
