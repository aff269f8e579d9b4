/*
** qcache.c -- the per-corpus query cache (exec.h cp_qcache): facts
** about a segment that do not depend on the query but that queries need
** again and again (document starts, document lengths in words for BM25,
** which norm types have a punctuation word form for phrases, field
** lengths for BM25F).  Computing them costs a pass over the segment's
** documents or lexicon, which would otherwise be paid on every query.
**
** It also keeps the merged position lists of candidate sets that
** queries met (a term with its variants, an expansion), so a repeated
** query walks one sorted list, as an exact term does, instead of merging
** the lists again; those are bounded in bytes and dropped least
** recently used first (never one the evaluation in progress holds).
**
** Entries are keyed by the segment reader, the size of its image and a
** hash of the image's header.  The header holds the XXH64 of every
** section, so a segment freed by a merge and a new one that happens to
** get the same address never share an entry.  Entries of segments that
** left the corpus are dropped when the cache grows past twice the
** number of segments.
*/
#include <stdlib.h>
#include <string.h>

#include <xxhash.h>

#include "xint.h"

/* bytes of the image hashed for the key: the header and section table
** (with every section's checksum) fit in the first 4 KiB */
#define FP_BYTES 4096u

typedef struct slot {
  char *key;
  void *data;
} slot;

/* a merged position list: the union of the postings of ids[0..nids) */
typedef struct uslot {
  int layer;
  uint32_t *ids;
  size_t nids;
  uint64_t h;                /* hash of layer and ids */
  uint32_t *pos;
  size_t n;
  uint64_t used;             /* the cache's tick when last fetched */
} uslot;

typedef struct entry {
  const cp_seg *seg;
  size_t size;
  uint64_t fp;
  slot *v;
  size_t n, cap;
  uslot *u;
  size_t nu, ucap;
} entry;

struct cp_qcache {
  entry *v;
  size_t n, cap;
  size_t ubytes;             /* bytes of every entry's merged lists */
  uint64_t tick;             /* one per evaluation (cp_qc_begin) */
  /* the entry an evaluation found for its segment, valid until it ends
  ** (cp_qc_end): the corpus does not change meanwhile, so the image
  ** need not be hashed again at every fetch */
  const cp_seg *mseg;
  size_t midx;
  int open, mvalid;
};

cp_qcache *cp_qcache_new (void) {
  return (cp_qcache *)calloc(1, sizeof(cp_qcache));
}

static size_t uslot_bytes (const uslot *u) {
  return (u->n + u->nids) * sizeof(uint32_t) + sizeof(uslot);
}

static void entry_free (cp_qcache *qc, entry *e) {
  size_t i;
  for (i = 0; i < e->n; i++) {
    free(e->v[i].key);
    free(e->v[i].data);
  }
  for (i = 0; i < e->nu; i++) {
    qc->ubytes -= uslot_bytes(&e->u[i]);
    free(e->u[i].ids);
    free(e->u[i].pos);
  }
  free(e->v);
  free(e->u);
  memset(e, 0, sizeof(*e));
}

void cp_qcache_free (cp_qcache *qc) {
  size_t i;
  if (qc == NULL) return;
  for (i = 0; i < qc->n; i++) entry_free(qc, &qc->v[i]);
  free(qc->v);
  free(qc);
}

static uint64_t fingerprint (const void *img, size_t size) {
  return XXH3_64bits(img, size < FP_BYTES ? size : FP_BYTES);
}

/* is entry 'e' the segment 'segi' of 'c' now? */
static int entry_live (const entry *e, const cp_corpus *c) {
  size_t i, ns = cp_corpus_nsegs(c);
  for (i = 0; i < ns; i++) {
    size_t size;
    const void *img = cp_corpus_seg_image(c, i, &size);
    if (cp_corpus_seg(c, i) == e->seg && img != NULL && size == e->size &&
        fingerprint(img, size) == e->fp)
      return 1;
  }
  return 0;
}

/* the entry of segment 'segi' (made if missing); NULL on out of memory */
static entry *find_entry (cp_qcache *qc, const cp_corpus *c, size_t segi) {
  const cp_seg *s = cp_corpus_seg(c, segi);
  size_t size, i;
  const void *img = cp_corpus_seg_image(c, segi, &size);
  uint64_t fp;
  entry *e;
  if (s == NULL || img == NULL) return NULL;
  if (qc->mvalid && qc->mseg == s && qc->v[qc->midx].size == size)
    return &qc->v[qc->midx];
  fp = fingerprint(img, size);
  for (i = 0; i < qc->n; i++)
    if (qc->v[i].seg == s && qc->v[i].size == size && qc->v[i].fp == fp) {
      if (qc->open) { qc->mseg = s; qc->midx = i; qc->mvalid = 1; }
      return &qc->v[i];
    }
  qc->mvalid = 0;
  if (qc->n >= 2 * cp_corpus_nsegs(c) + 4) {   /* drop dead entries */
    size_t j = 0;
    for (i = 0; i < qc->n; i++) {
      if (entry_live(&qc->v[i], c)) qc->v[j++] = qc->v[i];
      else entry_free(qc, &qc->v[i]);
    }
    qc->n = j;
  }
  if (qc->n == qc->cap) {
    size_t nc = qc->cap ? qc->cap * 2 : 8;
    entry *nv = (entry *)realloc(qc->v, nc * sizeof(entry));
    if (nv == NULL) return NULL;
    qc->v = nv;
    qc->cap = nc;
  }
  e = &qc->v[qc->n++];
  memset(e, 0, sizeof(*e));
  e->seg = s;
  e->size = size;
  e->fp = fp;
  if (qc->open) { qc->mseg = s; qc->midx = qc->n - 1; qc->mvalid = 1; }
  return e;
}

void *cp_qc_fetch (cp_qcache *qc, cp_corpus *c, size_t segi,
                   const char *key, cp_qc_make make, void *ud,
                   void **tmp) {
  entry *e;
  size_t i, kl = strlen(key);
  void *d;
  *tmp = NULL;
  if (qc == NULL || (e = find_entry(qc, c, segi)) == NULL)
    return *tmp = make(c, segi, ud);
  for (i = 0; i < e->n; i++)
    if (strcmp(e->v[i].key, key) == 0) return e->v[i].data;
  if ((d = make(c, segi, ud)) == NULL) return NULL;
  if (e->n == e->cap) {
    size_t nc = e->cap ? e->cap * 2 : 4;
    slot *nv = (slot *)realloc(e->v, nc * sizeof(slot));
    if (nv == NULL) return *tmp = d;      /* works, just not cached */
    e->v = nv;
    e->cap = nc;
  }
  if ((e->v[e->n].key = (char *)malloc(kl + 1)) == NULL) return *tmp = d;
  memcpy(e->v[e->n].key, key, kl + 1);
  e->v[e->n].data = d;
  e->n++;
  return d;
}

/* {================================================================
** Merged position lists
** ================================================================= */

/* lists shorter than this are merged again by each query (a few
** microseconds); the cache holds at most CP_QC_UNION_BYTES of lists */
#define UNION_MIN 4096u
#define CP_QC_UNION_BYTES ((size_t)64 << 20)

void cp_qc_begin (cp_qcache *qc) {
  if (qc == NULL) return;
  qc->tick++;
  qc->open = 1;
  qc->mvalid = 0;
}

void cp_qc_end (cp_qcache *qc) {
  if (qc == NULL) return;
  qc->open = 0;
  qc->mvalid = 0;
}

static uint64_t ids_hash (int layer, const uint32_t *ids, size_t n) {
  return XXH3_64bits_withSeed(ids, n * sizeof(uint32_t), (uint64_t)layer);
}

static uslot *union_find (entry *e, int layer, const uint32_t *ids,
                          size_t n, uint64_t h) {
  size_t i;
  for (i = 0; i < e->nu; i++) {
    uslot *u = &e->u[i];
    if (u->h == h && u->layer == layer && u->nids == n &&
        memcmp(u->ids, ids, n * sizeof(uint32_t)) == 0)
      return u;
  }
  return NULL;
}

const uint32_t *cp_qc_union (cp_qcache *qc, cp_corpus *c, size_t segi,
                             int layer, const uint32_t *ids, size_t n,
                             size_t *len) {
  entry *e;
  uslot *u;
  *len = 0;
  if (qc == NULL || ids == NULL || n < 2 ||
      (e = find_entry(qc, c, segi)) == NULL)
    return NULL;
  if ((u = union_find(e, layer, ids, n, ids_hash(layer, ids, n))) == NULL)
    return NULL;
  u->used = qc->tick;
  *len = u->n;
  return u->pos;
}

/* drop the least recently used list that no evaluation in progress
** holds; 0 when there is none */
static int union_evict (cp_qcache *qc) {
  size_t i, j, bi = 0, bj = 0;
  int found = 0;
  for (i = 0; i < qc->n; i++)
    for (j = 0; j < qc->v[i].nu; j++) {
      const uslot *u = &qc->v[i].u[j];
      if (u->used == qc->tick) continue;
      if (!found || u->used < qc->v[bi].u[bj].used) { bi = i; bj = j; found = 1; }
    }
  if (found) {
    entry *e = &qc->v[bi];
    uslot *u = &e->u[bj];
    qc->ubytes -= uslot_bytes(u);
    free(u->ids);
    free(u->pos);
    e->u[bj] = e->u[--e->nu];
  }
  return found;
}

int cp_qc_union_put (cp_qcache *qc, cp_corpus *c, size_t segi, int layer,
                     const uint32_t *ids, size_t n, uint32_t *pos,
                     size_t len) {
  entry *e;
  uslot u;
  if (qc == NULL || ids == NULL || n < 2 || len < UNION_MIN ||
      (e = find_entry(qc, c, segi)) == NULL)
    return 0;
  memset(&u, 0, sizeof(u));
  u.n = len;
  u.nids = n;
  if (uslot_bytes(&u) > CP_QC_UNION_BYTES / 4) return 0;  /* too big */
  while (qc->ubytes + uslot_bytes(&u) > CP_QC_UNION_BYTES)
    if (!union_evict(qc)) return 0;
  if (e->nu == e->ucap) {
    size_t nc = e->ucap ? e->ucap * 2 : 4;
    uslot *nv = (uslot *)realloc(e->u, nc * sizeof(uslot));
    if (nv == NULL) return 0;
    e->u = nv;
    e->ucap = nc;
  }
  if ((u.ids = (uint32_t *)malloc(n * sizeof(uint32_t))) == NULL) return 0;
  memcpy(u.ids, ids, n * sizeof(uint32_t));
  u.layer = layer;
  u.h = ids_hash(layer, ids, n);
  u.pos = pos;
  u.used = qc->tick;
  e->u[e->nu++] = u;
  qc->ubytes += uslot_bytes(&u);
  return 1;
}

/* }================================================================ */

/* {================================================================
** The facts every query may need
** ================================================================= */

/* dstart[d] = first token of local document d; dstart[ndocs] = ntok */
static void *make_dstart (cp_corpus *c, size_t segi, void *ud) {
  const cp_seg *s = cp_corpus_seg(c, segi);
  uint32_t nd = cp_seg_ndocs(s), d;
  uint32_t *v = (uint32_t *)malloc(((size_t)nd + 1) * sizeof(uint32_t));
  (void)ud;
  if (v == NULL) return NULL;
  for (d = 0; d < nd; d++) {   /* the table only: no ids decompressed */
    uint32_t st, cnt;
    v[d] = cp_seg_doc_toks(s, d, &st, &cnt) == CP_OK ? st
                                                    : (d ? v[d - 1] : 0);
  }
  v[nd] = cp_seg_ntokens(s);
  return v;
}

const uint32_t *cp_qc_dstart (cp_qcache *qc, cp_corpus *c, size_t segi,
                              uint32_t **tmp) {
  return (const uint32_t *)cp_qc_fetch(qc, c, segi, "dstart", make_dstart,
                                       NULL, (void **)tmp);
}

/* words (tokens that are not punctuation) of each local document */
static void *make_dlen (cp_corpus *c, size_t segi, void *ud) {
  const cp_seg *s = cp_corpus_seg(c, segi);
  uint32_t nd = cp_seg_ndocs(s), nw = cp_seg_ntypes(s, CP_WORD), d, w;
  const uint32_t *stream = cp_seg_stream(s);
  uint32_t *len = (uint32_t *)calloc((size_t)nd + 1, sizeof(uint32_t));
  uint8_t *punct = (uint8_t *)malloc((size_t)nw + 1);
  (void)ud;
  if (len == NULL || punct == NULL) { free(len); free(punct); return NULL; }
  for (w = 0; w < nw; w++) punct[w] = (uint8_t)cp_seg_type_punct(s, w);
  for (d = 0; d < nd; d++) {
    cp_docinfo di;
    uint32_t p, n = 0;
    if (cp_seg_doc_head(s, d, &di) != CP_OK) continue;
    for (p = di.tok_start; p < di.tok_start + di.tok_count; p++)
      n += !punct[stream[p]];
    len[d] = n;
  }
  free(punct);
  return len;
}

const uint32_t *cp_qc_dlen (cp_qcache *qc, cp_corpus *c, size_t segi,
                            uint32_t **tmp) {
  return (const uint32_t *)cp_qc_fetch(qc, c, segi, "dlen", make_dlen,
                                       NULL, (void **)tmp);
}

/* a bit per norm id: set when some punctuation word type maps to it */
static void *make_npunct (cp_corpus *c, size_t segi, void *ud) {
  const cp_seg *s = cp_corpus_seg(c, segi);
  uint32_t nw = cp_seg_ntypes(s, CP_WORD), nn = cp_seg_ntypes(s, CP_NORM), w;
  uint8_t *b = (uint8_t *)calloc((size_t)nn / 8 + 1, 1);
  (void)ud;
  if (b == NULL) return NULL;
  for (w = 0; w < nw; w++)
    if (cp_seg_type_punct(s, w)) {
      uint32_t n = cp_seg_map(s, CP_NORM, w);
      if (n < nn) b[n >> 3] |= (uint8_t)(1u << (n & 7));
    }
  return b;
}

const uint8_t *cp_qc_npunct (cp_qcache *qc, cp_corpus *c, size_t segi,
                             uint8_t **tmp) {
  return (const uint8_t *)cp_qc_fetch(qc, c, segi, "npunct", make_npunct,
                                      NULL, (void **)tmp);
}

/*
** A bit per token position, set when the token is punctuation, and
** after it a rank array: rank[i] = punctuation tokens before position
** 64 * i, so the words between two positions cost two look-ups.  The
** bits are set from the postings of the norm types that have a
** punctuation word (about a tenth of the tokens of running text),
** checking the word at each position where a norm also has other
** words (decoding only the stream blocks that hold those positions),
** instead of reading the whole stream: the first phrase or NEAR query
** on a segment pays a few milliseconds, not tens.  NULL (no bitmap: the
** executor then reads the stream itself, and reports the damage) when a
** block read is damaged, as on out of memory.
*/
static void *make_ppunct (cp_corpus *c, size_t segi, void *ud) {
  const cp_seg *s = cp_corpus_seg(c, segi);
  uint32_t nw = cp_seg_ntypes(s, CP_WORD), nt = cp_seg_ntokens(s), w, t;
  uint32_t nn = cp_seg_ntypes(s, CP_NORM);
  size_t nb = (size_t)nt / 64 + 1, i;
  int bad = 0;
  uint8_t *kind = (uint8_t *)calloc((size_t)nn + 1, 1);  /* 1 punct, 2 other */
  uint64_t *b = (uint64_t *)calloc(nb + (nb + 2) / 2 + 1, sizeof(uint64_t));
  uint32_t *rank, sum = 0;
  (void)ud;
  if (kind == NULL || b == NULL) { free(kind); free(b); return NULL; }
  for (w = 0; w < nw; w++) {
    uint32_t id = cp_seg_map(s, CP_NORM, w);
    if (id < nn) kind[id] |= cp_seg_type_punct(s, w) ? 1 : 2;
  }
  for (t = 0; t < nn; t++) {
    uint32_t n, k;
    const uint32_t *p;
    if (!(kind[t] & 1)) continue;
    p = cp_seg_layer_postings(s, CP_NORM, t, &n);
    for (k = 0; p != NULL && k < n; k++) {
      uint32_t q = p[k];
      if (q >= nt || (kind[t] == 3 && !cp_seg_type_punct(s, cp_seg_word_at(s, q, &bad))))
        continue;
      b[q >> 6] |= (uint64_t)1 << (q & 63);
    }
  }
  free(kind);
  if (bad) { free(b); return NULL; }
  rank = (uint32_t *)(b + nb);
  for (i = 0; i < nb; i++) {
    rank[i] = sum;
    sum += cp_popcount64(b[i]);
  }
  rank[nb] = sum;
  return b;
}

const uint64_t *cp_qc_ppunct (cp_qcache *qc, cp_corpus *c, size_t segi) {
  void *tmp;
  const uint64_t *b;
  if (qc == NULL) return NULL;      /* too dear to build for one query */
  b = (const uint64_t *)cp_qc_fetch(qc, c, segi, "ppunct", make_ppunct,
                                    NULL, &tmp);
  if (tmp != NULL) { free(tmp); return NULL; }
  return b;
}

/* }================================================================ */
