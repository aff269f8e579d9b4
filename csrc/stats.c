/*
** stats.c -- what the statistics modules share: term lists (string ->
** counts, with an arena so strings never move) and segment views (the
** word-id stream with a word -> layer map where removed tokens are
** CP_SKIP, and the per-document "counted" flags).
*/
#include <stdlib.h>
#include <string.h>

#include <xxhash.h>

#include "stats.h"


/* {================================================================
** Term lists
** ================================================================= */

struct cp_chunk {
  cp_chunk *next;
  size_t used, size;
  char data[1];
};

#define CHUNK_MIN (64u * 1024u)

void cp_terms_init (cp_terms *t) {
  memset(t, 0, sizeof(*t));
}

void cp_terms_free (cp_terms *t) {
  cp_chunk *k = t->arena;
  while (k != NULL) {
    cp_chunk *nx = k->next;
    free(k);
    k = nx;
  }
  free(t->v);
  free(t->slot);
  cp_terms_init(t);
}

/* copy s into the arena; NULL on out of memory */
static const char *arena_put (cp_terms *t, const char *s, size_t len) {
  cp_chunk *k = t->arena;
  char *p;
  if (k == NULL || k->size - k->used < len + 1) {
    size_t size = (len + 1 > CHUNK_MIN) ? len + 1 : CHUNK_MIN;
    k = (cp_chunk *)malloc(sizeof(cp_chunk) + size);
    if (k == NULL) return NULL;
    k->size = size;
    k->used = 0;
    k->next = t->arena;
    t->arena = k;
  }
  p = k->data + k->used;
  if (len > 0) memcpy(p, s, len);
  p[len] = '\0';
  k->used += len + 1;
  return p;
}

/* slots hold index+1 (0 is empty); linear probing, load <= 1/2 */
static int rehash (cp_terms *t, size_t nslot) {
  uint32_t *slot = (uint32_t *)calloc(nslot, sizeof(uint32_t));
  size_t i;
  if (slot == NULL) return 0;
  for (i = 0; i < t->n; i++) {
    size_t h = (size_t)XXH3_64bits(t->v[i].str, t->v[i].len) & (nslot - 1);
    while (slot[h] != 0) h = (h + 1) & (nslot - 1);
    slot[h] = (uint32_t)(i + 1);
  }
  free(t->slot);
  t->slot = slot;
  t->nslot = nslot;
  return 1;
}

int64_t cp_terms_find (const cp_terms *t, const char *s, size_t len) {
  size_t h;
  if (t->nslot == 0) return -1;
  h = (size_t)XXH3_64bits(s, len) & (t->nslot - 1);
  while (t->slot[h] != 0) {
    const cp_term *e = &t->v[t->slot[h] - 1];
    if (e->len == len && memcmp(e->str, s, len) == 0)
      return (int64_t)(t->slot[h] - 1);
    h = (h + 1) & (t->nslot - 1);
  }
  return -1;
}

int cp_terms_get (cp_terms *t, const char *s, size_t len, size_t *idx,
                  cp_err *err) {
  size_t h;
  cp_term *e;
  if (t->n >= UINT32_MAX - 1)
    return cp_err_set(err, CP_ELIMIT, "too many distinct terms");
  if (2 * (t->n + 1) > t->nslot) {
    if (!rehash(t, t->nslot ? 2 * t->nslot : 1024)) goto oom;
  }
  h = (size_t)XXH3_64bits(s, len) & (t->nslot - 1);
  while (t->slot[h] != 0) {
    e = &t->v[t->slot[h] - 1];
    if (e->len == len && memcmp(e->str, s, len) == 0) {
      *idx = t->slot[h] - 1;
      return CP_OK;
    }
    h = (h + 1) & (t->nslot - 1);
  }
  if (t->n == t->cap) {
    size_t cap = t->cap ? 2 * t->cap : 256;
    cp_term *v = (cp_term *)realloc(t->v, cap * sizeof(cp_term));
    if (v == NULL) goto oom;
    t->v = v;
    t->cap = cap;
  }
  e = &t->v[t->n];
  memset(e, 0, sizeof(*e));
  e->str = arena_put(t, s, len);
  if (e->str == NULL) goto oom;
  e->len = len;
  t->slot[h] = (uint32_t)(t->n + 1);
  *idx = t->n++;
  return CP_OK;
oom:
  return cp_err_set(err, CP_ENOMEM, "out of memory");
}

static int cmp_str (const cp_term *a, const cp_term *b) {
  size_t m = a->len < b->len ? a->len : b->len;
  int r = memcmp(a->str, b->str, m);
  if (r != 0) return r;
  return (a->len > b->len) - (a->len < b->len);
}

static int by_str (const void *x, const void *y) {
  return cmp_str((const cp_term *)x, (const cp_term *)y);
}

/* count descending, then string ascending (bytewise = code points) */
static int by_count (const void *x, const void *y) {
  const cp_term *a = (const cp_term *)x, *b = (const cp_term *)y;
  if (a->count != b->count) return (a->count < b->count) ? 1 : -1;
  return cmp_str(a, b);
}

void cp_terms_sort (cp_terms *t, int by) {
  free(t->slot);
  t->slot = NULL;
  t->nslot = 0;
  if (t->n > 1)
    qsort(t->v, t->n, sizeof(cp_term), by == CP_BYCOUNT ? by_count : by_str);
}

void cp_terms_filter (cp_terms *t, uint64_t min) {
  size_t i, k = 0;
  for (i = 0; i < t->n; i++)
    if (t->v[i].count >= min) t->v[k++] = t->v[i];
  if (k != t->n) {
    t->n = k;
    free(t->slot);
    t->slot = NULL;
    t->nslot = 0;
    if (k > 0) {
      size_t ns = 1024;
      while (ns < 2 * k) ns *= 2;
      rehash(t, ns);   /* on failure find() just reports absence */
    }
  }
}

/* }================================================================ */


/* {================================================================
** Options and segment views
** ================================================================= */

int cp_sopt_has (const cp_sopt *o, uint64_t d) {
  int in;
  if (o->sel == NULL) return 1;
  in = (d < o->nsel) ? (o->sel[d >> 3] >> (d & 7)) & 1 : 0;
  return o->invert ? !in : in;
}

static int cmp_bytes (const char *a, size_t la, const char *b, size_t lb) {
  size_t m = la < lb ? la : lb;
  int r = memcmp(a, b, m);
  if (r != 0) return r;
  return (la > lb) - (la < lb);
}

/* does field value 'm' satisfy condition 'k'? */
static int meta_ok (const cp_meta *m, const cp_mcond *k) {
  if (k->type == CP_MNUM) {
    double x;
    if (m->type == CP_MNUM) x = m->num;
    else {
      char buf[64], *end;
      if (m->strlen == 0 || m->strlen >= sizeof(buf)) return 0;
      memcpy(buf, m->str, m->strlen);
      buf[m->strlen] = '\0';
      x = strtod(buf, &end);
      if (*end != '\0') return 0;
    }
    if (k->op == CP_MC_EQ) return x == k->nlo;
    return x >= k->nlo && x <= k->nhi;
  }
  if (m->type != CP_MSTR) return 0;
  if (k->op == CP_MC_EQ)
    return cmp_bytes(m->str, m->strlen, k->lo, k->lolen) == 0;
  return cmp_bytes(m->str, m->strlen, k->lo, k->lolen) >= 0
      && cmp_bytes(m->str, m->strlen, k->hi, k->hilen) <= 0;
}

int cp_select_meta (cp_corpus *c, const cp_mcond *conds, size_t n,
                    unsigned char *bits, uint64_t nbits, cp_err *err) {
  size_t ns, si, k;
  int rc;
  if (c == NULL || bits == NULL || (n > 0 && conds == NULL))
    return cp_err_set(err, CP_EINVAL, "bad arguments to select_meta");
  if ((rc = cp_corpus_flush(c, err)) != CP_OK) return rc;
  memset(bits, 0, (size_t)((nbits + 7) / 8));
  ns = cp_corpus_nsegs(c);
  for (si = 0; si < ns; si++) {
    const cp_seg *s = cp_corpus_seg(c, si);
    uint64_t base = cp_corpus_doc_base(c, si);
    uint32_t d, nd = cp_seg_ndocs(s);
    for (d = 0; d < nd && base + d < nbits; d++) {
      cp_docinfo di;
      int all = 1;
      if (cp_corpus_is_deleted(c, si, d)) continue;
      if (cp_seg_doc(s, d, &di) != CP_OK)
        return cp_err_set(err, CP_ECORRUPT, "bad document %u", d);
      for (k = 0; k < n && all; k++) {
        size_t it = 0;
        cp_meta m;
        int r, ok = 0;
        while (!ok && (r = cp_meta_next(di.meta, di.metalen, &it, &m)) == 1)
          if (m.keylen == conds[k].keylen
              && memcmp(m.key, conds[k].key, m.keylen) == 0)
            ok = meta_ok(&m, &conds[k]);
        all = ok;
      }
      if (all) bits[(base + d) >> 3] |= (unsigned char)(1u << ((base + d) & 7));
    }
  }
  return CP_OK;
}

int cp_sopt_check (const cp_sopt *o, cp_err *err) {
  if (o == NULL) return cp_err_set(err, CP_EINVAL, "no options");
  if (o->layer < 0 || o->layer >= CP_NLAYERS)
    return cp_err_set(err, CP_EINVAL, "unknown layer %d", o->layer);
  return CP_OK;
}

void cp_view_close (cp_view *v) {
  free(v->map);
  free(v->on);
  memset(v, 0, sizeof(*v));
}

int cp_view_open (cp_corpus *c, size_t seg, const cp_sopt *o, cp_view *v,
                  cp_err *err) {
  const cp_seg *s = cp_corpus_seg(c, seg);
  uint32_t nw, w, d;
  memset(v, 0, sizeof(*v));
  if (s == NULL) return cp_err_set(err, CP_EINVAL, "no segment %zu", seg);
  v->seg = s;
  v->layer = o->layer;
  v->doc_base = cp_corpus_doc_base(c, seg);
  v->pos_base = cp_corpus_pos_base(c, seg);
  v->ntok = cp_seg_ntokens(s);
  v->ndocs = cp_seg_ndocs(s);
  v->ntypes = cp_seg_ntypes(s, o->layer);
  v->stream = cp_seg_stream(s);
  nw = cp_seg_ntypes(s, CP_WORD);
  v->map = (uint32_t *)malloc((nw ? nw : 1) * sizeof(uint32_t));
  v->on = (unsigned char *)malloc(v->ndocs ? v->ndocs : 1);
  if (v->map == NULL || v->on == NULL) {
    cp_view_close(v);
    return cp_err_set(err, CP_ENOMEM, "out of memory");
  }
  for (w = 0; w < nw; w++) {
    if (!o->punct && cp_seg_type_punct(s, w)) v->map[w] = CP_SKIP;
    else {
      v->map[w] = cp_seg_map(s, o->layer, w);
      if (v->map[w] >= v->ntypes) v->map[w] = CP_SKIP;
    }
  }
  for (d = 0; d < v->ndocs; d++) {
    v->on[d] = cp_sopt_has(o, v->doc_base + d)
            && !cp_corpus_is_deleted(c, seg, d);
    v->non += v->on[d];
  }
  return CP_OK;
}

/* }================================================================ */


/* {================================================================
** Tables of id tuples
** ================================================================= */

void cp_idtab_init (cp_idtab *h, int n) {
  memset(h, 0, sizeof(*h));
  h->n = n;
}


void cp_idtab_free (cp_idtab *h) {
  free(h->keys); free(h->cnt); free(h->df); free(h->last); free(h->slot);
}

static int idtab_grow (cp_idtab *h) {
  size_t ns = h->nslot ? 2 * h->nslot : 4096, i;
  uint32_t *slot = (uint32_t *)calloc(ns, sizeof(uint32_t));
  if (slot == NULL) return 0;
  for (i = 0; i < h->count; i++) {
    size_t k = (size_t)XXH3_64bits(h->keys + i * (size_t)h->n,
                                   (size_t)h->n * 4) & (ns - 1);
    while (slot[k] != 0) k = (k + 1) & (ns - 1);
    slot[k] = (uint32_t)(i + 1);
  }
  free(h->slot);
  h->slot = slot;
  h->nslot = ns;
  return 1;
}

static int grow_u32 (uint32_t **a, size_t cap) {
  uint32_t *q = (uint32_t *)realloc(*a, cap * sizeof(uint32_t));
  if (q == NULL) return 0;
  *a = q;
  return 1;
}

int cp_idtab_add (cp_idtab *h, const uint32_t *key, uint32_t d) {
  size_t n = (size_t)h->n, k, i;
  if (2 * (h->count + 1) > h->nslot && !idtab_grow(h)) return 0;
  k = (size_t)XXH3_64bits(key, n * 4) & (h->nslot - 1);
  while (h->slot[k] != 0) {
    i = h->slot[k] - 1;
    if (memcmp(h->keys + i * n, key, n * 4) == 0) goto found;
    k = (k + 1) & (h->nslot - 1);
  }
  if (h->count == h->cap) {
    size_t cap = h->cap ? 2 * h->cap : 4096;
    uint32_t *keys = (uint32_t *)realloc(h->keys, cap * n * 4);
    if (keys == NULL) return 0;
    h->keys = keys;
    if (!grow_u32(&h->cnt, cap) || !grow_u32(&h->df, cap) ||
        !grow_u32(&h->last, cap))
      return 0;
    h->cap = cap;
  }
  i = h->count++;
  memcpy(h->keys + i * n, key, n * 4);
  h->cnt[i] = 0; h->df[i] = 0; h->last[i] = 0;
  h->slot[k] = (uint32_t)(i + 1);
found:
  h->cnt[i]++;
  if (h->last[i] != d + 1) { h->last[i] = d + 1; h->df[i]++; }
  return 1;
}

/* }================================================================ */
