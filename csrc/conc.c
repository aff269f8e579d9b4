/*
** conc.c -- concordances (conc.h): hits as positions, sorted by context
** keys, sampled, and cut into KWIC windows.
**
** Sorting.  For each key every hit gets a byte string (the folded type
** string of the n-th word left or right, the matched tokens joined by a
** space, or an order-preserving encoding of a metadata value).  Folded
** strings are computed once per (segment, type) and cached.  The hits
** are merge-sorted by their key string and each gets a rank (equal
** strings, equal rank); a last stable merge sort orders the hits by
** their rank vectors.  Merge sort rather than qsort: it is stable (ties
** keep their previous order, as CQP's sort does) and takes a context
** without a global.
*/
#include <stdlib.h>
#include <string.h>

#include <utf8proc.h>

#include "conc.h"
#include "seg.h"

#define MAXKEYS 16

static int oom (cp_err *err) {
  return cp_err_set(err, CP_ENOMEM, "out of memory");
}


/* {================================================================
** Building and freeing
** ================================================================= */

void cp_conc_free (cp_conc *k) {
  if (k == NULL) return;
  free(k->v);
  free(k);
}

static cp_conc *conc_alloc (cp_corpus *c, size_t n) {
  cp_conc *k = (cp_conc *)calloc(1, sizeof(cp_conc));
  if (k == NULL) return NULL;
  k->c = c;
  k->v = (cp_conc_hit *)malloc((n ? n : 1) * sizeof(cp_conc_hit));
  if (k->v == NULL) { free(k); return NULL; }
  return k;
}

int cp_conc_new (cp_corpus *c, const cp_matches *m, const unsigned char *sel,
                 uint64_t nsel, cp_conc **out, cp_err *err) {
  cp_conc *k;
  size_t i, seg = 0;
  uint32_t local = 0;
  uint64_t lastdoc = UINT64_MAX, base = 0;
  int dead = 0;
  if (c == NULL || m == NULL || out == NULL)
    return cp_err_set(err, CP_EINVAL, "cp_conc_new: NULL argument");
  *out = NULL;
  if ((k = conc_alloc(c, m->n)) == NULL) return oom(err);
  for (i = 0; i < m->n; i++) {
    const cp_match *x = &m->v[i];
    if (sel != NULL && (x->doc >= nsel || !(sel[x->doc >> 3] & (1u << (x->doc & 7)))))
      continue;
    if (x->doc != lastdoc) {
      cp_docinfo di;
      const cp_seg *s;
      if (cp_corpus_locate(c, x->doc, &seg, &local) != CP_OK ||
          (s = cp_corpus_seg(c, seg)) == NULL || cp_seg_doc(s, local, &di) != CP_OK) {
        cp_conc_free(k);
        return cp_err_set(err, CP_ECORRUPT, "match in a missing document %llu",
                          (unsigned long long)x->doc);
      }
      lastdoc = x->doc;
      base = cp_corpus_pos_base(c, seg) + di.tok_start;
      dead = cp_corpus_is_deleted(c, seg, local);
      if (x->start < base || x->stop > base + di.tok_count || x->stop < x->start) {
        cp_conc_free(k);
        return cp_err_set(err, CP_ECORRUPT, "match outside its document");
      }
    }
    if (dead) continue;
    k->v[k->n].doc = x->doc;
    k->v[k->n].start = (uint32_t)(x->start - base);
    k->v[k->n].stop = (uint32_t)(x->stop - base);
    k->n++;
  }
  *out = k;
  return CP_OK;
}

/* }================================================================ */


/* {================================================================
** Stable merge sort of uint32 indexes with a context
** ================================================================= */

typedef int (*cmp_fn) (const void *ctx, uint32_t a, uint32_t b);

static void msort (uint32_t *v, uint32_t *tmp, size_t n, cmp_fn cmp,
                   const void *ctx) {
  size_t width, i;
  uint32_t *src = v, *dst = tmp;
  for (i = 0; i + 1 < n; i += 2)          /* runs of two, in place */
    if (cmp(ctx, v[i + 1], v[i]) < 0) { uint32_t t = v[i]; v[i] = v[i + 1]; v[i + 1] = t; }
  for (width = 2; width < n; width *= 2) {
    for (i = 0; i < n; i += 2 * width) {
      size_t lo = i, mid = i + width < n ? i + width : n;
      size_t hi = i + 2 * width < n ? i + 2 * width : n;
      size_t a = lo, b = mid, o = lo;
      while (a < mid && b < hi)
        dst[o++] = cmp(ctx, src[b], src[a]) < 0 ? src[b++] : src[a++];
      while (a < mid) dst[o++] = src[a++];
      while (b < hi) dst[o++] = src[b++];
    }
    { uint32_t *t = src; src = dst; dst = t; }
  }
  if (src != v) memcpy(v, src, n * sizeof(uint32_t));
}

/* }================================================================ */


/* {================================================================
** Key strings
** ================================================================= */

/* a growable byte arena; keys are (offset, length) into it */
typedef struct arena { char *p; size_t n, cap; } arena;

static int arena_put (arena *a, const char *s, size_t len) {
  if (a->n + len > a->cap) {
    size_t cap = a->cap ? a->cap : 4096;
    char *p;
    while (cap < a->n + len) cap *= 2;
    if ((p = (char *)realloc(a->p, cap)) == NULL) return CP_ENOMEM;
    a->p = p;
    a->cap = cap;
  }
  if (len) memcpy(a->p + a->n, s, len);
  a->n += len;
  return CP_OK;
}

/* append a copy of the arena's own bytes [off, off+len): the source is
** found again after a realloc */
static int arena_dup (arena *a, size_t off, size_t len) {
  if (a->n + len > a->cap) {
    size_t cap = a->cap ? a->cap : 4096;
    char *p;
    while (cap < a->n + len) cap *= 2;
    if ((p = (char *)realloc(a->p, cap)) == NULL) return CP_ENOMEM;
    a->p = p;
    a->cap = cap;
  }
  memcpy(a->p + a->n, a->p + off, len);
  a->n += len;
  return CP_OK;
}

/* folded (case- and diacritic-insensitive) copy of s appended to a */
static int put_folded (arena *a, const char *s, size_t len) {
  utf8proc_uint8_t *dst = NULL;
  utf8proc_ssize_t r;
  int rc;
  r = utf8proc_map((const utf8proc_uint8_t *)s, (utf8proc_ssize_t)len, &dst,
                   UTF8PROC_STABLE | UTF8PROC_COMPOSE | UTF8PROC_CASEFOLD |
                   UTF8PROC_STRIPMARK);
  if (r < 0) return arena_put(a, s, len);   /* not UTF-8: as it is */
  rc = arena_put(a, (const char *)dst, (size_t)r);
  free(dst);
  return rc;
}

/* per-segment cache: type id -> (offset, length) of its key string */
typedef struct tcache { uint64_t *v; uint32_t n; } tcache;

typedef struct keyctx {
  cp_corpus *c;
  const cp_conc_key *key;
  arena a;                 /* every key string */
  uint64_t *off;           /* per hit: offset << 24 | length (<16 MB) */
  tcache *tc;              /* per segment */
  size_t nsegs;
  /* the document of the last hit looked at */
  uint64_t doc;
  const cp_seg *s;
  size_t seg;
  cp_docinfo di;
  const uint32_t *stream;
  size_t found;            /* META: hits whose document has the field */
} keyctx;

#define KLEN(x)  ((size_t)((x) & 0xffffff))
#define KOFF(x)  ((size_t)((x) >> 24))
#define KMAXLEN  0xffffff

static int set_doc (keyctx *kc, uint64_t doc, cp_err *err) {
  uint32_t local;
  if (doc == kc->doc) return CP_OK;
  if (cp_corpus_locate(kc->c, doc, &kc->seg, &local) != CP_OK ||
      (kc->s = cp_corpus_seg(kc->c, kc->seg)) == NULL ||
      cp_seg_doc(kc->s, local, &kc->di) != CP_OK)
    return cp_err_set(err, CP_ECORRUPT, "damaged document table");
  kc->stream = cp_seg_stream(kc->s);
  kc->doc = doc;
  return CP_OK;
}

/* append the key string of token 'pos' (segment-local) */
static int put_type (keyctx *kc, uint32_t pos, cp_err *err) {
  const cp_conc_key *key = kc->key;
  uint32_t wid = kc->stream[pos];
  uint32_t id = cp_seg_map(kc->s, key->layer, wid);
  tcache *tc = &kc->tc[kc->seg];
  size_t len, start;
  const char *str;
  if (tc->v == NULL) {
    tc->n = cp_seg_ntypes(kc->s, key->layer);
    tc->v = (uint64_t *)malloc((tc->n ? tc->n : 1) * sizeof(uint64_t));
    if (tc->v == NULL) return oom(err);
    memset(tc->v, 0xff, (tc->n ? tc->n : 1) * sizeof(uint64_t));
  }
  if (id >= tc->n) return cp_err_set(err, CP_ECORRUPT, "type id out of range");
  if (tc->v[id] == UINT64_MAX) {
    if ((str = cp_seg_type(kc->s, key->layer, id, &len)) == NULL)
      return cp_err_set(err, CP_ECORRUPT, "damaged lexicon");
    start = kc->a.n;
    if ((key->exact ? arena_put(&kc->a, str, len) : put_folded(&kc->a, str, len)) != CP_OK)
      return oom(err);
    len = kc->a.n - start;
    if (len > KMAXLEN) len = KMAXLEN;
    tc->v[id] = ((uint64_t)start << 24) | len;
    return CP_OK;   /* the string just appended is this key's too */
  }
  return arena_dup(&kc->a, KOFF(tc->v[id]), KLEN(tc->v[id])) == CP_OK
         ? CP_OK : oom(err);
}

/* the segment-local position of the n-th word left (dir < 0) or right
** of the hit, or UINT32_MAX beyond the document's edge */
static uint32_t nth_word (const keyctx *kc, const cp_conc_hit *h, int dir, uint32_t n) {
  uint32_t lo = kc->di.tok_start, hi = kc->di.tok_start + kc->di.tok_count;
  uint32_t p = dir < 0 ? lo + h->start : lo + h->stop;   /* exclusive */
  while (n > 0) {
    if (dir < 0) { if (p <= lo) return UINT32_MAX; p--; }
    else { if (p >= hi) return UINT32_MAX; }
    if (!cp_seg_type_punct(kc->s, kc->stream[p])) n--;
    if (n > 0 && dir > 0) p++;
  }
  return p;
}

/* order-preserving bytes of a double: numbers sort before strings */
static int put_number (arena *a, double x) {
  uint64_t u;
  unsigned char b[9];
  int i;
  memcpy(&u, &x, sizeof u);
  u = (u >> 63) ? ~u : (u | 0x8000000000000000ull);
  b[0] = 1;
  for (i = 0; i < 8; i++) b[1 + i] = (unsigned char)(u >> (56 - 8 * i));
  return arena_put(a, (const char *)b, sizeof b);
}

static int put_meta (keyctx *kc, cp_err *err) {
  const cp_conc_key *key = kc->key;
  size_t it = 0;
  cp_meta m;
  int r;
  while ((r = cp_meta_next(kc->di.meta, kc->di.metalen, &it, &m)) == 1) {
    if (m.keylen == key->fieldlen && memcmp(m.key, key->field, m.keylen) == 0) {
      kc->found++;
      if (cp_meta_isnum(&m)) return put_number(&kc->a, m.num) == CP_OK ? CP_OK : oom(err);
      if (arena_put(&kc->a, "\2", 1) != CP_OK) return oom(err);
      r = key->exact ? arena_put(&kc->a, m.str, m.strlen) : put_folded(&kc->a, m.str, m.strlen);
      return r == CP_OK ? CP_OK : oom(err);
    }
  }
  if (r < 0) return cp_err_set(err, CP_ECORRUPT, "damaged metadata");
  return CP_OK;   /* missing: the empty string */
}

/* reverse the UTF-8 string at a->p[from..] by code points, in place */
static void reverse_utf8 (char *s, size_t len) {
  size_t i, j;
  char t;
  for (i = 0, j = len; i + 1 < j; i++, j--) { t = s[i]; s[i] = s[j - 1]; s[j - 1] = t; }
  /* each code point's bytes are now backwards: turn them again */
  for (i = 0; i < len; ) {
    j = i;
    while (j < len && ((unsigned char)s[j] & 0xc0) == 0x80) j++;   /* continuation */
    if (j < len) j++;                                              /* the lead byte */
    { size_t a = i, b = j; while (a + 1 < b) { t = s[a]; s[a] = s[b - 1]; s[b - 1] = t; a++; b--; } }
    i = j;
  }
}

/* the key string of hit h, appended to the arena */
static int key_string (keyctx *kc, const cp_conc_hit *h, uint64_t *slot, cp_err *err) {
  const cp_conc_key *key = kc->key;
  size_t start = kc->a.n, len;
  int rc = CP_OK;
  if ((rc = set_doc(kc, h->doc, err)) != CP_OK) return rc;
  if (key->kind == CP_CK_MATCH) {
    uint32_t p;
    for (p = h->start; p < h->stop && rc == CP_OK; p++) {
      if (p > h->start && arena_put(&kc->a, " ", 1) != CP_OK) return oom(err);
      rc = put_type(kc, kc->di.tok_start + p, err);
    }
  }
  else if (key->kind == CP_CK_LEFT || key->kind == CP_CK_RIGHT) {
    uint32_t p = nth_word(kc, h, key->kind == CP_CK_LEFT ? -1 : 1, key->n);
    if (p != UINT32_MAX) rc = put_type(kc, p, err);
  }
  else rc = put_meta(kc, err);
  if (rc != CP_OK) return rc;
  len = kc->a.n - start;
  if (key->reverse) reverse_utf8(kc->a.p + start, len);
  if (len > KMAXLEN) len = KMAXLEN;
  *slot = ((uint64_t)start << 24) | len;
  return CP_OK;
}

static int cmp_key (const void *ctx, uint32_t a, uint32_t b) {
  const keyctx *kc = (const keyctx *)ctx;
  uint64_t x = kc->off[a], y = kc->off[b];
  size_t lx = KLEN(x), ly = KLEN(y);
  int r = memcmp(kc->a.p + KOFF(x), kc->a.p + KOFF(y), lx < ly ? lx : ly);
  if (r != 0) return r;
  return lx < ly ? -1 : lx > ly;
}

/* ranks[i] for every hit: 0 for the smallest key string */
static int rank_key (cp_conc *k, const cp_conc_key *key, uint32_t *ranks,
                     uint32_t *idx, uint32_t *tmp, cp_err *err) {
  keyctx kc;
  size_t i;
  uint32_t r = 0;
  int rc = CP_OK;
  memset(&kc, 0, sizeof kc);
  kc.c = k->c;
  kc.key = key;
  kc.doc = UINT64_MAX;
  kc.nsegs = cp_corpus_nsegs(k->c);
  kc.off = (uint64_t *)malloc((k->n ? k->n : 1) * sizeof(uint64_t));
  kc.tc = (tcache *)calloc(kc.nsegs ? kc.nsegs : 1, sizeof(tcache));
  if (kc.off == NULL || kc.tc == NULL) { rc = oom(err); goto done; }
  for (i = 0; i < k->n && rc == CP_OK; i++) rc = key_string(&kc, &k->v[i], &kc.off[i], err);
  if (rc != CP_OK) goto done;
  if (key->kind == CP_CK_META && kc.found == 0 && k->n > 0) {
    rc = cp_err_set(err, CP_EINVAL, "no document of the concordance has a field '%.*s'",
                    (int)key->fieldlen, key->field);
    goto done;
  }
  if ((uint64_t)kc.a.n >= ((uint64_t)1 << 40)) { rc = cp_err_set(err, CP_ELIMIT, "sort keys too large"); goto done; }
  for (i = 0; i < k->n; i++) idx[i] = (uint32_t)i;
  msort(idx, tmp, k->n, cmp_key, &kc);
  for (i = 0; i < k->n; i++) {
    if (i > 0 && cmp_key(&kc, idx[i - 1], idx[i]) != 0) r++;
    ranks[idx[i]] = r;
  }
  if (key->desc)
    for (i = 0; i < k->n; i++) ranks[i] = r - ranks[i];
done:
  for (i = 0; kc.tc && i < kc.nsegs; i++) free(kc.tc[i].v);
  free(kc.tc);
  free(kc.off);
  free(kc.a.p);
  return rc;
}

typedef struct rankctx { const uint32_t *ranks; size_t nkeys, n; } rankctx;

static int cmp_ranks (const void *ctx, uint32_t a, uint32_t b) {
  const rankctx *rc = (const rankctx *)ctx;
  size_t j;
  for (j = 0; j < rc->nkeys; j++) {
    uint32_t x = rc->ranks[j * rc->n + a], y = rc->ranks[j * rc->n + b];
    if (x != y) return x < y ? -1 : 1;
  }
  return 0;
}

int cp_conc_sort (cp_conc *k, const cp_conc_key *keys, size_t nkeys,
                  cp_err *err) {
  uint32_t *ranks = NULL, *idx = NULL, *tmp = NULL;
  cp_conc_hit *nv = NULL;
  size_t i, j;
  int rc = CP_OK;
  rankctx rx;
  if (k == NULL || (keys == NULL && nkeys > 0))
    return cp_err_set(err, CP_EINVAL, "cp_conc_sort: NULL argument");
  if (nkeys > MAXKEYS)
    return cp_err_set(err, CP_EINVAL, "at most %d sort keys", MAXKEYS);
  if (k->n > UINT32_MAX)
    return cp_err_set(err, CP_ELIMIT, "too many hits to sort");
  for (j = 0; j < nkeys; j++) {
    const cp_conc_key *key = &keys[j];
    if (key->kind < CP_CK_MATCH || key->kind > CP_CK_META ||
        ((key->kind == CP_CK_LEFT || key->kind == CP_CK_RIGHT) && key->n < 1) ||
        (key->kind != CP_CK_META && (key->layer < 0 || key->layer >= CP_NLAYERS)) ||
        (key->kind == CP_CK_META && key->field == NULL))
      return cp_err_set(err, CP_EINVAL, "bad sort key %d", (int)j + 1);
  }
  if (k->n < 2 || nkeys == 0) return CP_OK;
  ranks = (uint32_t *)malloc(nkeys * k->n * sizeof(uint32_t));
  idx = (uint32_t *)malloc(k->n * sizeof(uint32_t));
  tmp = (uint32_t *)malloc(k->n * sizeof(uint32_t));
  nv = (cp_conc_hit *)malloc(k->n * sizeof(cp_conc_hit));
  if (ranks == NULL || idx == NULL || tmp == NULL || nv == NULL) { rc = oom(err); goto done; }
  for (j = 0; j < nkeys && rc == CP_OK; j++)
    rc = rank_key(k, &keys[j], ranks + j * k->n, idx, tmp, err);
  if (rc != CP_OK) goto done;
  rx.ranks = ranks; rx.nkeys = nkeys; rx.n = k->n;
  for (i = 0; i < k->n; i++) idx[i] = (uint32_t)i;
  msort(idx, tmp, k->n, cmp_ranks, &rx);
  for (i = 0; i < k->n; i++) nv[i] = k->v[idx[i]];
  free(k->v);
  k->v = nv;
  nv = NULL;
done:
  free(ranks); free(idx); free(tmp); free(nv);
  return rc;
}

/* }================================================================ */


/* {================================================================
** Sampling
** ================================================================= */

/* SplitMix64: a tiny generator whose output is the same everywhere */
static uint64_t splitmix (uint64_t *s) {
  uint64_t z = (*s += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

static int cmp_size (const void *a, const void *b) {
  size_t x = *(const size_t *)a, y = *(const size_t *)b;
  return x < y ? -1 : x > y;
}

int cp_conc_sample (const cp_conc *k, size_t n, uint64_t seed,
                    cp_conc **out, cp_err *err) {
  cp_conc *s;
  size_t *pick, i;
  if (k == NULL || out == NULL)
    return cp_err_set(err, CP_EINVAL, "cp_conc_sample: NULL argument");
  *out = NULL;
  if (n > k->n) n = k->n;
  if ((s = conc_alloc(k->c, n)) == NULL) return oom(err);
  /* reservoir sampling (algorithm R), then back into k's order */
  if ((pick = (size_t *)malloc((n ? n : 1) * sizeof(size_t))) == NULL) {
    cp_conc_free(s);
    return oom(err);
  }
  for (i = 0; i < k->n; i++) {
    if (i < n) pick[i] = i;
    else {
      uint64_t j = splitmix(&seed) % (uint64_t)(i + 1);
      if (j < n) pick[j] = i;
    }
  }
  qsort(pick, n, sizeof(size_t), cmp_size);
  for (i = 0; i < n; i++) s->v[i] = k->v[pick[i]];
  s->n = n;
  free(pick);
  *out = s;
  return CP_OK;
}

/* }================================================================ */


/* {================================================================
** Windows
** ================================================================= */

static int is_space (char ch) {
  return ch == ' ' || ch == '\n' || ch == '\t' || ch == '\r';
}

/* the span [*first, *last) of the sentence (or paragraph) units that
** hold tokens [p0, p1] (segment-local), clipped to [lo, hi) */
static void unit_span (const uint32_t *starts, uint32_t n, uint32_t lo,
                       uint32_t hi, uint32_t p0, uint32_t p1,
                       uint32_t *first, uint32_t *last) {
  uint32_t a = 0, b = n;
  while (a < b) {                    /* last start <= p0 */
    uint32_t mid = a + (b - a) / 2;
    if (starts[mid] <= p0) a = mid + 1; else b = mid;
  }
  *first = (a > 0 && starts[a - 1] >= lo) ? starts[a - 1] : lo;
  while (a < n && starts[a] <= p1) a++;   /* first start after p1 */
  *last = (a < n && starts[a] < hi) ? starts[a] : hi;
}

/* back 'n' code points from byte b, not before lo */
static size_t back_chars (const char *t, size_t b, size_t lo, uint32_t n) {
  while (n > 0 && b > lo) {
    b--;
    while (b > lo && ((unsigned char)t[b] & 0xc0) == 0x80) b--;
    n--;
  }
  return b;
}

static size_t fwd_chars (const char *t, size_t b, size_t hi, uint32_t n) {
  while (n > 0 && b < hi) {
    b++;
    while (b < hi && ((unsigned char)t[b] & 0xc0) == 0x80) b++;
    n--;
  }
  return b;
}

int cp_conc_window (cp_corpus *c, const cp_conc_hit *h, const cp_conc_win *w,
                    cp_window *out, cp_err *err) {
  size_t seg;
  uint32_t local, lo, hi, p0, p1, l0, r1, k, x, b0, b1;
  const cp_seg *s;
  const uint32_t *st;
  cp_docinfo di;
  if (c == NULL || h == NULL || w == NULL || out == NULL)
    return cp_err_set(err, CP_EINVAL, "cp_conc_window: NULL argument");
  if (cp_corpus_locate(c, h->doc, &seg, &local) != CP_OK ||
      (s = cp_corpus_seg(c, seg)) == NULL || cp_seg_doc(s, local, &di) != CP_OK)
    return cp_err_set(err, CP_ENOENT, "no document %llu", (unsigned long long)h->doc + 1);
  if (h->stop > di.tok_count || h->start >= h->stop)
    return cp_err_set(err, CP_EINVAL, "token span out of range");
  memset(out, 0, sizeof *out);
  out->text = di.text; out->textlen = di.textlen;
  out->id = di.id; out->idlen = di.idlen;
  out->meta = di.meta; out->metalen = di.metalen;
  st = cp_seg_stream(s);
  lo = di.tok_start;
  hi = di.tok_start + di.tok_count;
  p0 = lo + h->start;
  p1 = lo + h->stop - 1;
  if (cp_seg_tok_span(s, p0, &b0, &x) != CP_OK || cp_seg_tok_span(s, p1, &x, &b1) != CP_OK ||
      b0 > b1 || b1 > di.textlen)
    return cp_err_set(err, CP_ECORRUPT, "damaged token spans");
  out->mb0 = b0; out->mb1 = b1;
  if (w->unit == CP_CW_CHARS) {
    out->lb0 = back_chars(di.text, b0, 0, w->left);
    out->lb1 = b0;
    out->rb0 = b1;
    out->rb1 = fwd_chars(di.text, b1, di.textlen, w->right);
    /* the tokens the characters reach into */
    for (l0 = p0; l0 > lo; l0--) {
      uint32_t e0, e1;
      if (cp_seg_tok_span(s, l0 - 1, &e0, &e1) != CP_OK) break;
      if (e1 <= out->lb0) break;
    }
    for (r1 = p1; r1 + 1 < hi; r1++) {
      uint32_t e0, e1;
      if (cp_seg_tok_span(s, r1 + 1, &e0, &e1) != CP_OK) break;
      if (e0 >= out->rb1) break;
    }
    out->first = l0 - lo;
    out->last = r1 + 1 - lo;
    return CP_OK;
  }
  if (w->unit == CP_CW_SENT || w->unit == CP_CW_PARA) {
    uint32_t n, f, l;
    const uint32_t *starts = w->unit == CP_CW_SENT ? cp_seg_sents(s, &n) : cp_seg_paras(s, &n);
    unit_span(starts, n, lo, hi, p0, p1, &f, &l);
    l0 = f;
    r1 = l - 1;
  }
  else if (w->unit == CP_CW_WORDS) {
    /* widen left/right until the words asked for are in */
    for (l0 = p0, k = 0; l0 > lo && k < w->left; l0--)
      if (!cp_seg_type_punct(s, st[l0 - 1])) k++;
    for (r1 = p1, k = 0; r1 + 1 < hi && k < w->right; r1++)
      if (!cp_seg_type_punct(s, st[r1 + 1])) k++;
    /* and take the punctuation that clings to the last word taken */
    while (r1 + 1 < hi && cp_seg_type_punct(s, st[r1 + 1])) {
      uint32_t e0, e1, f0, f1;
      if (cp_seg_tok_span(s, r1, &e0, &e1) != CP_OK ||
          cp_seg_tok_span(s, r1 + 1, &f0, &f1) != CP_OK || f0 != e1)
        break;
      r1++;
    }
  }
  else return cp_err_set(err, CP_EINVAL, "unknown context unit %d", w->unit);
  {
    uint32_t lb0, rb1;
    if (cp_seg_tok_span(s, l0, &lb0, &x) != CP_OK ||
        cp_seg_tok_span(s, r1, &x, &rb1) != CP_OK ||
        lb0 > b0 || b1 > rb1 || rb1 > di.textlen)
      return cp_err_set(err, CP_ECORRUPT, "damaged token spans");
    out->lb0 = lb0;
    out->lb1 = b0;
    while (out->lb1 > out->lb0 && is_space(di.text[out->lb1 - 1])) out->lb1--;
    out->rb0 = b1;
    out->rb1 = rb1;
    while (out->rb0 < out->rb1 && is_space(di.text[out->rb0])) out->rb0++;
  }
  out->first = l0 - lo;
  out->last = r1 + 1 - lo;
  return CP_OK;
}

/* }================================================================ */
