/*
** freq.c -- frequency lists and n-grams.  Counting runs over each
** segment's word-id stream, mapped to global type ids (cp_view): an
** array indexed by id for a frequency list, one hash table of id tuples
** for n-grams.  Nothing becomes a string here; the binding turns the
** ranked ids it returns into strings.
*/
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "stats.h"
#include "analyse.h"

#define OOM(err) cp_err_set(err, CP_ENOMEM, "out of memory")


/* {================================================================
** Frequency list
** ================================================================= */

void cp_flist_free (cp_flist *f) {
  cp_glex_free(&f->lex);
  free(f->count);
  free(f->docs);
  memset(f, 0, sizeof(*f));
}

/* the document holding position 'pos' of segment s (binary search) */
static uint32_t doc_of (const cp_seg *s, uint32_t pos) {
  uint32_t lo = 0, hi = cp_seg_ndocs(s);
  while (hi - lo > 1) {
    uint32_t mid = lo + (hi - lo) / 2;
    cp_docinfo di;
    if (cp_seg_doc(s, mid, &di) == CP_OK && di.tok_start <= pos) lo = mid;
    else hi = mid;
  }
  return lo;
}

/*
** The tokens and documents of norm type t that are not punctuation
** words: its postings, filtered by the word at each position.
*/
static void mixed_norm (const cp_seg *s, uint32_t t, uint64_t *cnt,
                        uint64_t *docs) {
  uint32_t n, k, last = UINT32_MAX;
  const uint32_t *p = cp_seg_layer_postings(s, CP_NORM, t, &n);
  const uint32_t *st = cp_seg_stream(s);
  *cnt = *docs = 0;
  for (k = 0; p != NULL && k < n; k++) {
    uint32_t d;
    if (p[k] >= cp_seg_ntokens(s) || cp_seg_type_punct(s, st[p[k]])) continue;
    (*cnt)++;
    d = doc_of(s, p[k]);
    if (d != last) { (*docs)++;  last = d; }
  }
}

/*
** A segment counted whole (every document on, none deleted) in a word,
** norm or stem list is counted from its stored per-type frequencies and
** document frequencies, without reading its stream: the counts are the
** stream's by construction (cp_seg_check recomputes them).  Punctuation
** is a property of word types: a norm type whose words are some
** punctuation and some not (a combining mark, a symbol whose
** compatibility form has letters) is counted from its postings, keeping
** the positions of its other words; a stem type with such words sends
** the segment to the scan.  Returns 1 when it applied.
*/
static int freq_stored (const cp_view *v, size_t seg, const cp_sopt *o,
                        cp_flist *f, int *oom) {
  const cp_seg *s = v->seg;
  int layer = f->lex.layer;
  uint32_t nw = cp_seg_ntypes(s, CP_WORD), nl, w, t;
  unsigned char *kind;   /* per layer type: 1 punctuation word, 2 other */
  if (v->non != v->ndocs || v->own != NULL || f->lex.segl == NULL ||
      f->lex.segl[seg] != layer ||
      (layer != CP_WORD && layer != CP_NORM && layer != CP_STEM))
    return 0;
  nl = cp_seg_ntypes(s, layer);
  if ((kind = (unsigned char *)calloc(nl ? nl : 1, 1)) == NULL) {
    *oom = 1;
    return 0;
  }
  for (w = 0; w < nw; w++) {
    uint32_t id = cp_seg_map(s, layer, w);
    if (id < nl) kind[id] |= cp_seg_type_punct(s, w) ? 1 : 2;
  }
  if (layer == CP_STEM && !o->punct)
    for (t = 0; t < nl; t++)
      if (kind[t] == 3) { free(kind);  return 0; }
  for (t = 0; t < nl; t++) {
    uint32_t g = f->lex.l2g[seg][t];
    uint64_t n, nd;
    if (kind[t] == 0 || (kind[t] == 1 && !o->punct) || g >= f->lex.n) continue;
    if (kind[t] == 3 && !o->punct) mixed_norm(s, t, &n, &nd);
    else {
      n = cp_seg_type_freq(s, layer, t);
      nd = cp_seg_type_docfreq(s, layer, t);
    }
    f->count[g] += n;
    f->docs[g] += nd;
    f->tokens += n;
  }
  free(kind);
  f->ndocs += v->non;
  return 1;
}

/*
** The scan of a subcorpus of a segment in a built-in layer: counts by
** the segment's own type ids, in one array of {tokens, documents, last
** document} records (one cache line a token, where three arrays by
** global id took three), added to the global counts at the end.
** CP_ENOENT when it does not apply (a stored layer).
*/
typedef struct lacc { uint32_t cnt, docs, last; } lacc;

static int freq_scan_local (const cp_view *v, size_t seg, cp_flist *f,
                            int *oom) {
  const cp_seg *s = v->seg;
  int layer = f->lex.layer;
  uint32_t nw = cp_seg_ntypes(s, CP_WORD), nl, w, d, t;
  uint32_t *lmap;
  lacc *acc;
  if (v->own != NULL || f->lex.segl == NULL || f->lex.segl[seg] != layer ||
      (layer != CP_WORD && layer != CP_NORM && layer != CP_STEM))
    return CP_ENOENT;
  nl = cp_seg_ntypes(s, layer);
  lmap = (uint32_t *)malloc((nw ? nw : 1) * sizeof(uint32_t));
  acc = (lacc *)calloc(nl ? nl : 1, sizeof(lacc));
  if (lmap == NULL || acc == NULL) {
    free(lmap);
    free(acc);
    *oom = 1;
    return CP_ENOMEM;
  }
  for (w = 0; w < nw; w++) {
    uint32_t id = cp_seg_map(s, layer, w);
    lmap[w] = (v->map[w] == CP_SKIP || id >= nl) ? CP_SKIP : id;
  }
  for (d = 0; d < v->ndocs; d++) {
    uint32_t p, t0, t1;
    if (!v->on[d]) continue;
    if (cp_view_doc(v, d, &t0, &t1) != CP_OK) {
      free(lmap);
      free(acc);
      return CP_ECORRUPT;
    }
    for (p = t0; p < t1; p++) {
      uint32_t id = lmap[v->stream[p]];
      lacc *a;
      if (id == CP_SKIP) continue;
      a = &acc[id];
      a->cnt++;
      if (a->last != d + 1) { a->last = d + 1;  a->docs++; }
    }
  }
  for (t = 0; t < nl; t++) {
    uint32_t g;
    if (acc[t].cnt == 0 || (g = f->lex.l2g[seg][t]) >= f->lex.n) continue;
    f->count[g] += acc[t].cnt;
    f->docs[g] += acc[t].docs;
    f->tokens += acc[t].cnt;
  }
  f->ndocs += v->non;
  free(lmap);
  free(acc);
  return CP_OK;
}

static int freq_seg (cp_corpus *c, size_t seg, const cp_sopt *o,
                     cp_flist *f, uint64_t *last, cp_err *err) {
  cp_view v;
  uint32_t d;
  int oom = 0;
  int rc = cp_view_open(c, seg, o, &f->lex, &v, err);
  if (rc != CP_OK) return rc;
  if (freq_stored(&v, seg, o, f, &oom) || oom ||
      (rc = freq_scan_local(&v, seg, f, &oom)) != CP_ENOENT) {
    cp_view_close(&v);
    if (oom) return OOM(err);
    if (rc == CP_ECORRUPT) return cp_err_set(err, CP_ECORRUPT, "bad document table");
    return CP_OK;
  }
  rc = CP_OK;
  for (d = 0; d < v.ndocs; d++) {
    uint32_t p, t0, t1;
    uint64_t gd = v.doc_base + d + 1;
    if (!v.on[d]) continue;
    if (cp_view_doc(&v, d, &t0, &t1) != CP_OK) {
      rc = cp_err_set(err, CP_ECORRUPT, "bad document %u", d);
      break;
    }
    for (p = t0; p < t1; p++) {
      uint32_t id = v.map[v.stream[p]];
      if (id == CP_SKIP) continue;
      f->count[id]++;
      if (last[id] != gd) { last[id] = gd; f->docs[id]++; }
      f->tokens++;
    }
  }
  f->ndocs += v.non;
  cp_view_close(&v);
  return rc;
}

int cp_freq (cp_corpus *c, const cp_sopt *o, cp_flist *f, cp_err *err) {
  size_t i, ns;
  uint64_t *last = NULL;
  int rc;
  if (c == NULL || f == NULL) return cp_err_set(err, CP_EINVAL, "no corpus");
  memset(f, 0, sizeof(*f));
  if ((rc = cp_sopt_check(o, err)) != CP_OK) return rc;
  if ((rc = cp_corpus_flush(c, err)) != CP_OK) return rc;
  if ((rc = cp_glex_build_sopt(c, o, &f->lex, err)) != CP_OK) return rc;
  f->count = (uint64_t *)calloc(f->lex.n ? f->lex.n : 1, sizeof(uint64_t));
  f->docs = (uint64_t *)calloc(f->lex.n ? f->lex.n : 1, sizeof(uint64_t));
  last = (uint64_t *)calloc(f->lex.n ? f->lex.n : 1, sizeof(uint64_t));
  if (f->count == NULL || f->docs == NULL || last == NULL) {
    free(last);
    return OOM(err);
  }
  ns = cp_corpus_nsegs(c);
  for (i = 0; i < ns && rc == CP_OK; i++)
    rc = freq_seg(c, i, o, f, last, err);
  free(last);
  return rc;
}

typedef struct rk { uint64_t count; uint32_t id; } rk;

static int cmp_rk (const void *x, const void *y) {
  const rk *a = (const rk *)x, *b = (const rk *)y;
  if (a->count != b->count) return a->count < b->count ? 1 : -1;
  return (a->id > b->id) - (a->id < b->id);
}

int cp_flist_rank (const cp_flist *f, uint64_t min, uint32_t **ids,
                   size_t *n, cp_err *err) {
  rk *r;
  size_t k = 0, i;
  uint32_t t;
  *ids = NULL;
  *n = 0;
  if (min < 1) min = 1;
  r = (rk *)malloc((f->lex.n ? f->lex.n : 1) * sizeof(rk));
  if (r == NULL) return OOM(err);
  for (t = 0; t < f->lex.n; t++)
    if (f->count[t] >= min) { r[k].count = f->count[t]; r[k].id = t; k++; }
  qsort(r, k, sizeof(rk), cmp_rk);
  *ids = (uint32_t *)malloc((k ? k : 1) * sizeof(uint32_t));
  if (*ids == NULL) { free(r); return OOM(err); }
  for (i = 0; i < k; i++) (*ids)[i] = r[i].id;
  *n = k;
  free(r);
  return CP_OK;
}

/* }================================================================ */


/* {================================================================
** n-grams
** ================================================================= */

void cp_grams_free (cp_grams *g) {
  cp_glex_free(&g->lex);
  cp_idtab_free(&g->tab);
  free(g->freq);
  memset(g, 0, sizeof(*g));
}

/* does [first, last] (global positions) cover one of the spans?  *j is
** advanced past spans starting before 'first' (n-grams come in order) */
static int covers (const cp_match *must, size_t nmust, size_t *j,
                   uint64_t first, uint64_t last) {
  size_t k;
  while (*j < nmust && must[*j].start < first) (*j)++;
  for (k = *j; k < nmust && must[k].start <= last; k++)
    if (must[k].stop <= last + 1 && must[k].stop > must[k].start) return 1;
  return 0;
}

/*
** Sort-based counting.  When a tuple of n global ids fits in 64 bits
** (n * bits <= 64, bits = width of the largest id), every occurrence is
** written as one packed key with the sequence number of its document,
** the keys are sorted by an LSD radix sort (stable, so the documents of
** equal keys stay in increasing order) and equal runs are counted.  This
** streams through memory where a hash table would miss the cache on
** nearly every token, and leaves the entries in key (= string) order.
*/

/*
** The key arrays are big (8 bytes per token) and live for one call:
** anonymous mappings with transparent huge pages take one page fault
** per 2 MB instead of one per 4 KB.  n counts elements of 'size' bytes.
*/
static void *big_alloc (size_t n, size_t size) {
  size_t bytes = (n ? n : 1) * size;
  void *p = mmap(NULL, bytes, PROT_READ | PROT_WRITE,
                 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED) return NULL;
#ifdef MADV_HUGEPAGE
  madvise(p, bytes, MADV_HUGEPAGE);
#endif
  return p;
}

static void big_free (void *p, size_t n, size_t size) {
  if (p != NULL) munmap(p, (n ? n : 1) * size);
}

#define RADIX 11                 /* digit width: 2048 buckets per pass */
#define NB (1u << RADIX)

/*
** LSD radix sort of pk->k (and pk->d alongside, if any) on the low
** 'totalbits' bits.  The histograms of every digit are taken in one
** read pass, and a digit where every key falls in one bucket costs no
** pass at all (the high digits of small ids).
*/
static int radix_sort (cp_packed *pk, int totalbits) {
  size_t m = pk->m, i;
  int npass = (totalbits + RADIX - 1) / RADIX, ps;
  uint64_t *k2 = (uint64_t *)big_alloc(pk->cap, sizeof(uint64_t));
  uint32_t *d2 = pk->d ? (uint32_t *)big_alloc(pk->cap, sizeof(uint32_t)) : NULL;
  size_t *cnt = (size_t *)calloc((size_t)(npass ? npass : 1) * NB, sizeof(size_t));
  if (k2 == NULL || cnt == NULL || (pk->d != NULL && d2 == NULL)) {
    big_free(k2, pk->cap, sizeof(uint64_t));
    big_free(d2, pk->cap, sizeof(uint32_t));
    free(cnt);
    return 0;
  }
  for (i = 0; i < m; i++) {
    uint64_t k = pk->k[i];
    for (ps = 0; ps < npass; ps++)
      cnt[(size_t)ps * NB + ((k >> (ps * RADIX)) & (NB - 1))]++;
  }
  for (ps = 0; ps < npass; ps++) {
    size_t *c = cnt + (size_t)ps * NB, sum = 0, b;
    int shift = ps * RADIX;
    uint64_t *tk;
    for (b = 0; b < NB; b++) if (c[b] == m) break;
    if (b < NB) continue;             /* one bucket: already in order */
    for (b = 0; b < NB; b++) { size_t t = c[b]; c[b] = sum; sum += t; }
    if (pk->d != NULL) {
      uint32_t *td;
      for (i = 0; i < m; i++) {
        size_t j = c[(pk->k[i] >> shift) & (NB - 1)]++;
        k2[j] = pk->k[i];
        d2[j] = pk->d[i];
      }
      td = pk->d; pk->d = d2; d2 = td;
    }
    else
      for (i = 0; i < m; i++) k2[c[(pk->k[i] >> shift) & (NB - 1)]++] = pk->k[i];
    tk = pk->k; pk->k = k2; k2 = tk;
  }
  big_free(k2, pk->cap, sizeof(uint64_t));
  big_free(d2, pk->cap, sizeof(uint32_t));
  free(cnt);
  return 1;
}

int cp_packed_init (cp_packed *pk, int n, uint32_t ntypes, uint64_t ndocs,
                    uint64_t cap, int withdocs) {
  memset(pk, 0, sizeof(*pk));
  while (pk->bits < 32 && ((uint64_t)1 << pk->bits) < (uint64_t)ntypes)
    pk->bits++;
  if (pk->bits == 0) pk->bits = 1;
  if (n * pk->bits > 64 || ndocs >= UINT32_MAX || cap >= (uint64_t)SIZE_MAX / 16)
    return 0;
  pk->mask = (n * pk->bits == 64) ? ~(uint64_t)0
                                  : (((uint64_t)1 << (n * pk->bits)) - 1);
  pk->cap = (size_t)cap;
  pk->k = (uint64_t *)big_alloc(pk->cap, sizeof(uint64_t));
  if (pk->k == NULL) return 0;
  if (withdocs) {
    int db = 1;
    while (db < 32 && ((uint64_t)1 << db) <= ndocs) db++;
    if (n * pk->bits + db <= 64) pk->dbits = db;   /* one array */
    else if ((pk->d = (uint32_t *)big_alloc(pk->cap, sizeof(uint32_t))) == NULL) {
      cp_packed_free(pk);
      return 0;
    }
  }
  return 1;
}

void cp_packed_free (cp_packed *pk) {
  big_free(pk->k, pk->cap, sizeof(uint64_t));
  big_free(pk->d, pk->cap, sizeof(uint32_t));
  pk->k = NULL;
  pk->d = NULL;
}

/* sort the packed keys and fill g->tab with the distinct tuples */
int cp_packed_finish (cp_packed *pk, cp_grams *g, cp_err *err) {
  cp_idtab *h = &g->tab;
  size_t i, j, distinct = 0, n = (size_t)h->n;
  int db = pk->dbits;
  uint64_t dmask = db ? (((uint64_t)1 << db) - 1) : 0;
  if (!radix_sort(pk, (int)n * pk->bits + db)) return OOM(err);
  for (i = 0; i < pk->m; i++)
    if (i == 0 || (pk->k[i] >> db) != (pk->k[i - 1] >> db)) distinct++;
  h->keys = (uint32_t *)malloc((distinct ? distinct : 1) * n * sizeof(uint32_t));
  h->cnt = (uint64_t *)malloc((distinct ? distinct : 1) * sizeof(uint64_t));
  h->df = (uint64_t *)malloc((distinct ? distinct : 1) * sizeof(uint64_t));
  if (h->keys == NULL || h->cnt == NULL || h->df == NULL) return OOM(err);
  h->cap = distinct;
  for (i = 0; i < pk->m; i = j) {
    uint64_t key = pk->k[i] >> db, c = 0, df = 0;
    uint32_t lastd = 0;
    size_t e = h->count++;
    int k;
    for (j = i; j < pk->m && (pk->k[j] >> db) == key; j++) {
      uint32_t dj = db ? (uint32_t)(pk->k[j] & dmask) : pk->d ? pk->d[j] : 0;
      c++;
      if (j == i || dj != lastd) { df++; lastd = dj; }
    }
    for (k = (int)n - 1; k >= 0; k--) {
      h->keys[e * n + (size_t)k] = (uint32_t)(key & (((uint64_t)1 << pk->bits) - 1));
      key >>= pk->bits;
    }
    h->cnt[e] = c;
    h->df[e] = df;
  }
  g->sorted = 1;
  return CP_OK;
}

static int ngram_seg (cp_corpus *c, size_t seg, const cp_sopt *o, int n,
                      const cp_match *must, size_t nmust, cp_grams *g,
                      cp_packed *pk, uint32_t *dseq, cp_err *err) {
  cp_view v;
  uint32_t ring[CP_NGRAM_MAX], rpos[CP_NGRAM_MAX], key[CP_NGRAM_MAX];
  const uint32_t *sents;
  uint32_t nsents, d;
  size_t j = 0;
  int rc = cp_view_open(c, seg, o, &g->lex, &v, err);
  if (rc != CP_OK) return rc;
  sents = cp_seg_sents(v.seg, &nsents);
  for (d = 0; d < v.ndocs && rc == CP_OK; d++) {
    uint32_t p, t0, t1, si, nextb;
    int have = 0, head = 0;   /* tokens in the ring; next write index */
    uint64_t pkey = 0;
    if (!v.on[d]) continue;
    if (cp_view_doc(&v, d, &t0, &t1) != CP_OK) {
      rc = cp_err_set(err, CP_ECORRUPT, "bad document %u", d);
      break;
    }
    (*dseq)++;
    if (t0 >= t1) continue;
    si = cp_seg_sent_of(v.seg, t0);
    nextb = (sents != NULL && si + 1 < nsents) ? sents[si + 1] : UINT32_MAX;
    for (p = t0; p < t1; p++) {
      uint32_t id;
      int k;
      while (p >= nextb) {         /* a new sentence: forget the ring */
        have = 0;
        si++;
        nextb = (si + 1 < nsents) ? sents[si + 1] : UINT32_MAX;
      }
      id = v.map[v.stream[p]];
      if (id == CP_SKIP) continue;
      g->tokens++;
      ring[head] = id;
      rpos[head] = p;
      head = (head + 1) % n;
      pkey = ((pkey << pk->bits) | id) & pk->mask;
      if (have < n) have++;
      if (have < n) continue;
      if (must != NULL &&
          !covers(must, nmust, &j, v.pos_base + rpos[head % n], v.pos_base + p))
        continue;
      if (pk->k != NULL) {
        if (pk->m < pk->cap) {
          if (pk->dbits) pk->k[pk->m++] = (pkey << pk->dbits) | *dseq;
          else {
            pk->k[pk->m] = pkey;
            pk->d[pk->m++] = *dseq;
          }
          continue;
        }
        rc = cp_err_set(err, CP_ECORRUPT, "more n-grams than tokens");
        break;
      }
      for (k = 0; k < n; k++) key[k] = ring[(head + k) % n];
      if (!cp_idtab_add(&g->tab, key, v.doc_base + d)) {
        rc = OOM(err);
        break;
      }
    }
  }
  g->ndocs += v.non;
  cp_view_close(&v);
  return rc;
}

int cp_ngrams (cp_corpus *c, const cp_sopt *o, int n, const cp_match *must,
               size_t nmust, cp_grams *g, cp_err *err) {
  size_t i, ns;
  uint64_t ntok = 0, ndocs = 0;
  uint32_t dseq = 0;
  cp_packed pk;
  int rc;
  memset(&pk, 0, sizeof(pk));
  if (c == NULL || g == NULL) return cp_err_set(err, CP_EINVAL, "no corpus");
  memset(g, 0, sizeof(*g));
  cp_idtab_init(&g->tab, n);
  if (n < 1 || n > CP_NGRAM_MAX)
    return cp_err_set(err, CP_EINVAL, "n-gram size must be 1..%d, got %d",
                      CP_NGRAM_MAX, n);
  if (nmust > 0 && must == NULL)
    return cp_err_set(err, CP_EINVAL, "no spans");
  if ((rc = cp_sopt_check(o, err)) != CP_OK) return rc;
  if ((rc = cp_corpus_flush(c, err)) != CP_OK) return rc;
  if ((rc = cp_glex_build_sopt(c, o, &g->lex, err)) != CP_OK) return rc;
  ns = cp_corpus_nsegs(c);
  for (i = 0; i < ns; i++) {
    ntok += cp_seg_ntokens(cp_corpus_seg(c, i));
    ndocs += cp_seg_ndocs(cp_corpus_seg(c, i));
  }
  if (!cp_packed_init(&pk, n, g->lex.n, ndocs, ntok, 1))
    cp_packed_free(&pk);                 /* too wide: hash the tuples */
  /* hashing: distinct n-grams grow almost linearly with tokens, so
  ** size the table once instead of rehashing a dozen times */
  if (pk.k == NULL && must == NULL && n > 1 &&
      !cp_idtab_reserve(&g->tab, (size_t)(ntok / 3)))
    return OOM(err);
  for (i = 0; i < ns && rc == CP_OK; i++)
    rc = ngram_seg(c, i, o, n, must, nmust, g, &pk, &dseq, err);
  if (rc == CP_OK && pk.k != NULL) rc = cp_packed_finish(&pk, g, err);
  cp_packed_free(&pk);
  return rc;
}

typedef struct grk { uint64_t count; const uint32_t *key; size_t i; int n; } grk;

static int cmp_grk (const void *x, const void *y) {
  const grk *a = (const grk *)x, *b = (const grk *)y;
  int k;
  if (a->count != b->count) return a->count < b->count ? 1 : -1;
  for (k = 0; k < a->n; k++)
    if (a->key[k] != b->key[k]) return a->key[k] < b->key[k] ? -1 : 1;
  return 0;
}

/*
** Entries already in key order only need a stable sort by count: a
** counting sort, linear where qsort would compare tuples n log n times.
*/
static int rank_sorted (const cp_grams *g, uint64_t min, uint32_t **idx,
                        size_t *n, cp_err *err) {
  const cp_idtab *h = &g->tab;
  uint64_t maxc = 0;
  size_t *start, i, k = 0;
  for (i = 0; i < h->count; i++)
    if (h->cnt[i] >= min) { k++; if (h->cnt[i] > maxc) maxc = h->cnt[i]; }
  start = (size_t *)calloc((size_t)maxc + 2, sizeof(size_t));
  *idx = (uint32_t *)malloc((k ? k : 1) * sizeof(uint32_t));
  if (start == NULL || *idx == NULL) {
    free(start); free(*idx); *idx = NULL;
    return OOM(err);
  }
  /* bucket of count c starts after all larger counts */
  for (i = 0; i < h->count; i++)
    if (h->cnt[i] >= min) start[maxc - h->cnt[i] + 1]++;
  for (i = 1; i <= maxc + 1; i++) start[i] += start[i - 1];
  for (i = 0; i < h->count; i++)
    if (h->cnt[i] >= min) (*idx)[start[maxc - h->cnt[i]]++] = (uint32_t)i;
  free(start);
  *n = k;
  return CP_OK;
}

int cp_grams_rank (const cp_grams *g, uint64_t min, uint32_t **idx,
                   size_t *n, cp_err *err) {
  const cp_idtab *h = &g->tab;
  grk *r;
  size_t k = 0, i;
  *idx = NULL;
  *n = 0;
  if (min < 1) min = 1;
  if (g->sorted) return rank_sorted(g, min, idx, n, err);
  r = (grk *)malloc((h->count ? h->count : 1) * sizeof(grk));
  if (r == NULL) return OOM(err);
  for (i = 0; i < h->count; i++)
    if (h->cnt[i] >= min) {
      r[k].count = h->cnt[i];
      r[k].key = h->keys + i * (size_t)h->n;
      r[k].i = i;
      r[k].n = h->n;
      k++;
    }
  qsort(r, k, sizeof(grk), cmp_grk);
  *idx = (uint32_t *)malloc((k ? k : 1) * sizeof(uint32_t));
  if (*idx == NULL) { free(r); return OOM(err); }
  for (i = 0; i < k; i++) (*idx)[i] = (uint32_t)r[i].i;
  *n = k;
  free(r);
  return CP_OK;
}

/* }================================================================ */


/* {================================================================
** Frequency list of span attribute values
** ================================================================= */

/* "a, b, c": the span sets of the corpus, or the keys of 'set', each
** once, for an error message (what does not fit in cap is left out) */
static void names_of (cp_corpus *c, const char *set, size_t setlen,
                      char *out, size_t cap) {
  size_t ns = cp_corpus_nsegs(c), i, k, n = 0;
  out[0] = '\0';
  for (i = 0; i < ns; i++) {
    const cp_seg *s = cp_corpus_seg(c, i);
    int64_t si = set ? cp_seg_spanset(s, set, setlen) : -1;
    size_t m = set ? (si < 0 ? 0 : cp_seg_spanset_nkeys(s, (size_t)si))
                   : cp_seg_nspansets(s);
    for (k = 0; k < m; k++) {
      size_t l, p = 0;
      const char *nm = set ? cp_seg_spanset_key(s, (size_t)si, k, &l)
                           : cp_seg_spanset_name(s, k, &l);
      int dup = 0;
      if (nm == NULL || n + l + 3 >= cap) continue;
      while (p < n && !dup) {          /* listed already? */
        size_t e = p;
        while (e < n && out[e] != ',') e++;
        dup = e - p == l && memcmp(out + p, nm, l) == 0;
        p = e + 2;                     /* past ", " */
      }
      if (dup) continue;
      if (n > 0) { memcpy(out + n, ", ", 2); n += 2; }
      memcpy(out + n, nm, l);
      n += l;
      out[n] = '\0';
    }
  }
}

int cp_span_freq (cp_corpus *c, const cp_sopt *o, const char *set,
                  size_t setlen, const char *key, size_t keylen,
                  cp_flist *f, cp_err *err) {
  size_t ns, i;
  int *keyl = NULL, anyset = 0, anykey = 0, rc;
  uint64_t *last = NULL;
  if (c == NULL || o == NULL || f == NULL || set == NULL || key == NULL)
    return cp_err_set(err, CP_EINVAL, "cp_span_freq: NULL argument");
  memset(f, 0, sizeof(*f));
  if ((rc = cp_corpus_flush(c, err)) != CP_OK) return rc;
  ns = cp_corpus_nsegs(c);
  if ((rc = cp_glex_build_spankey(c, set, setlen, key, keylen, &f->lex, &keyl,
                                  err)) != CP_OK)
    return rc;
  for (i = 0; i < ns; i++) {
    if (cp_seg_spanset(cp_corpus_seg(c, i), set, setlen) >= 0) anyset = 1;
    if (f->lex.segl[i] >= 0) anykey = 1;
  }
  if (ns > 0 && (!anyset || !anykey)
      && !cp_analyse_known(cp_corpus_analyse(c), set, setlen, key, keylen)) {
    char names[512];
    names_of(c, anyset ? set : NULL, setlen, names, sizeof(names));
    free(keyl);
    cp_flist_free(f);
    if (!anyset)
      return cp_err_set(err, CP_EINVAL, "unknown span set '%.*s' (this corpus "
                        "has: %s)", (int)(setlen > 64 ? 64 : setlen), set, names);
    return cp_err_set(err, CP_EINVAL, "span set '%.*s' has no attribute '%.*s' "
                      "(its attributes: %s)", (int)(setlen > 64 ? 64 : setlen),
                      set, (int)(keylen > 64 ? 64 : keylen), key,
                      names[0] ? names : "none");
  }
  f->count = (uint64_t *)calloc(f->lex.n ? f->lex.n : 1, sizeof(uint64_t));
  f->docs = (uint64_t *)calloc(f->lex.n ? f->lex.n : 1, sizeof(uint64_t));
  last = (uint64_t *)calloc(f->lex.n ? f->lex.n : 1, sizeof(uint64_t));
  if (f->count == NULL || f->docs == NULL || last == NULL) {
    free(last);
    free(keyl);
    return OOM(err);
  }
  for (i = 0; i < ns && rc == CP_OK; i++) {
    const cp_seg *s = cp_corpus_seg(c, i);
    uint64_t base = cp_corpus_doc_base(c, i);
    uint32_t nd = cp_seg_ndocs(s), d, sp, nsp, dend = 0, cur = UINT32_MAX;
    const uint32_t *st, *ids;
    int on = 0;
    for (d = 0; d < nd; d++) {        /* the subcorpus's size */
      cp_docinfo di;
      if (!cp_sopt_has(o, base + d) || cp_corpus_is_deleted(c, i, d)) continue;
      if (cp_seg_doc(s, d, &di) != CP_OK) {
        rc = cp_err_set(err, CP_ECORRUPT, "bad document %u", d);
        break;
      }
      f->tokens += di.tok_count;
      f->ndocs++;
    }
    if (rc != CP_OK || f->lex.segl[i] < 0) continue;
    nsp = cp_seg_nspans(s, (size_t)f->lex.segl[i]);
    st = cp_seg_span_starts(s, (size_t)f->lex.segl[i]);
    ids = cp_seg_span_key_ids(s, (size_t)f->lex.segl[i], (size_t)keyl[i]);
    if (st == NULL || ids == NULL) continue;
    for (sp = 0; sp < nsp; sp++) {
      uint32_t id;
      if ((rc = cp_budget_spend(o->budget, 1, err)) != CP_OK) break;
      if (cur == UINT32_MAX || st[sp] >= dend) {   /* the next document */
        cp_docinfo di;
        cur = cp_seg_doc_of(s, st[sp]);
        if (cur == UINT32_MAX || cp_seg_doc(s, cur, &di) != CP_OK) {
          rc = cp_err_set(err, CP_ECORRUPT, "a span outside the documents");
          break;
        }
        dend = di.tok_start + di.tok_count;
        on = cp_sopt_has(o, base + cur) && !cp_corpus_is_deleted(c, i, cur);
      }
      if (!on || ids[sp] >= cp_seg_span_key_nvalues(s, (size_t)f->lex.segl[i],
                                                   (size_t)keyl[i]))
        continue;
      id = f->lex.l2g[i][ids[sp]];
      f->count[id]++;
      if (last[id] != base + cur + 1) { last[id] = base + cur + 1; f->docs[id]++; }
    }
  }
  free(last);
  free(keyl);
  return rc;
}

/* }================================================================ */
