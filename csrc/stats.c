/*
** stats.c -- what the statistics modules share: merged lexicons (the
** segments' lexicons of one layer merged by string into global ids),
** segment views (the word-id stream with a word -> global id map where
** removed tokens are CP_SKIP, and per-document "counted" flags), hash
** tables of id tuples, and document selections by metadata.
*/
#include <stdlib.h>
#include <string.h>

#include <xxhash.h>

#include "stats.h"
#include "suggest.h"

#define OOM(err) cp_err_set(err, CP_ENOMEM, "out of memory")


/* {================================================================
** Merged lexicons
** ================================================================= */

static int cmp_bytes (const char *a, size_t la, const char *b, size_t lb) {
  size_t m = la < lb ? la : lb;
  int r = m ? memcmp(a, b, m) : 0;
  if (r != 0) return r;
  return (la > lb) - (la < lb);
}

void cp_glex_free (cp_glex *g) {
  size_t i;
  if (g->l2g != NULL)
    for (i = 0; i < g->nsegs; i++) free(g->l2g[i]);
  free(g->l2g);
  free(g->segl);
  free(g->str);
  free(g->len);
  memset(g, 0, sizeof(*g));
}

/*
** k-way merge of the segments' sorted lexicons.  The number of segments
** is small (tiered merges keep it logarithmic), so the smallest head is
** found by a scan rather than a heap.
*/
/* types of segment i's layer (none when the segment lacks it) */
#define SEGNT(g, c, i) ((g)->segl[i] < 0 ? 0 : \
  cp_seg_ntypes(cp_corpus_seg(c, i), (g)->segl[i]))

static int glex_build (cp_corpus *c, int layer, const char *name,
                       size_t nlen, cp_glex *g, cp_err *err) {
  size_t ns = cp_corpus_nsegs(c), i;
  uint32_t *pos = NULL, total = 0;
  memset(g, 0, sizeof(*g));
  g->layer = layer;
  g->nsegs = ns;
  g->l2g = (uint32_t **)calloc(ns ? ns : 1, sizeof(uint32_t *));
  g->segl = (int *)calloc(ns ? ns : 1, sizeof(int));
  pos = (uint32_t *)calloc(ns ? ns : 1, sizeof(uint32_t));
  if (g->l2g == NULL || pos == NULL || g->segl == NULL) goto oom;
  for (i = 0; i < ns; i++)
    g->segl[i] = layer != CP_LAYER_NAMED ? layer :
      (int)cp_seg_layer(cp_corpus_seg(c, i), name, nlen);
  for (i = 0; i < ns; i++) {
    uint32_t nt = SEGNT(g, c, i);
    if ((uint64_t)total + nt >= UINT32_MAX) {
      free(pos);
      cp_glex_free(g);
      return cp_err_set(err, CP_ELIMIT, "too many types to merge");
    }
    total += nt;
    g->l2g[i] = (uint32_t *)malloc((nt ? nt : 1) * sizeof(uint32_t));
    if (g->l2g[i] == NULL) goto oom;
  }
  g->str = (const char **)malloc((total ? total : 1) * sizeof(char *));
  g->len = (uint32_t *)malloc((total ? total : 1) * sizeof(uint32_t));
  if (g->str == NULL || g->len == NULL) goto oom;
  if (ns == 1) {                      /* one segment: the identity */
    const cp_seg *s = cp_corpus_seg(c, 0);
    uint32_t t;
    for (t = 0; t < total; t++) {
      size_t l;
      g->str[t] = cp_seg_type(s, g->segl[0], t, &l);
      g->len[t] = (uint32_t)l;
      g->l2g[0][t] = t;
    }
    g->n = total;
  }
  else {
    for (;;) {
      const char *best = NULL;
      size_t bl = 0, k;
      for (i = 0; i < ns; i++) {       /* smallest head */
        const cp_seg *s = cp_corpus_seg(c, i);
        size_t l;
        const char *h;
        if (pos[i] >= SEGNT(g, c, i)) continue;
        h = cp_seg_type(s, g->segl[i], pos[i], &l);
        if (best == NULL || cmp_bytes(h, l, best, bl) < 0) { best = h; bl = l; }
      }
      if (best == NULL) break;
      g->str[g->n] = best;
      g->len[g->n] = (uint32_t)bl;
      for (k = 0; k < ns; k++) {       /* every segment holding it */
        const cp_seg *s = cp_corpus_seg(c, k);
        size_t l;
        const char *h;
        if (pos[k] >= SEGNT(g, c, k)) continue;
        h = cp_seg_type(s, g->segl[k], pos[k], &l);
        if (cmp_bytes(h, l, best, bl) == 0) g->l2g[k][pos[k]++] = g->n;
      }
      g->n++;
    }
  }
  free(pos);
  return CP_OK;
oom:
  free(pos);
  cp_glex_free(g);
  return OOM(err);
}

int cp_glex_build (cp_corpus *c, int layer, cp_glex *g, cp_err *err) {
  if (c == NULL || g == NULL) return cp_err_set(err, CP_EINVAL, "no corpus");
  if (layer < 0 || layer >= CP_NLAYERS)
    return cp_err_set(err, CP_EINVAL, "unknown layer %d", layer);
  return glex_build(c, layer, NULL, 0, g, err);
}

int cp_glex_build_sopt (cp_corpus *c, const cp_sopt *o, cp_glex *g,
                        cp_err *err) {
  size_t i, ns;
  if (c == NULL || g == NULL || o == NULL)
    return cp_err_set(err, CP_EINVAL, "no corpus");
  if (o->layer != CP_LAYER_NAMED) return cp_glex_build(c, o->layer, g, err);
  if (o->lname == NULL || o->lnlen == 0)
    return cp_err_set(err, CP_EINVAL, "no layer name");
  ns = cp_corpus_nsegs(c);
  for (i = 0; i < ns; i++)
    if (cp_seg_layer(cp_corpus_seg(c, i), o->lname, o->lnlen) >= 0) break;
  if (i == ns && ns > 0) {
    char names[256];
    size_t k, q, n = 0;
    strcpy(names, "word, norm, stem");
    n = strlen(names);
    for (k = 0; k < ns; k++) {
      const cp_seg *s = cp_corpus_seg(c, k);
      for (q = CP_NLAYERS; q < cp_seg_nlayers(s); q++) {
        size_t len;
        const char *nm = cp_seg_layer_name(s, q, &len);
        if (n + len + 3 >= sizeof(names) || (k > 0 &&
            cp_seg_layer(cp_corpus_seg(c, 0), nm, len) >= 0))
          continue;
        memcpy(names + n, ", ", 2);
        memcpy(names + n + 2, nm, len);
        n += len + 2;
        names[n] = '\0';
      }
    }
    {
      /* a typo of a built-in name gets a suggestion (stored names are
      ** listed; the three built-ins are what a typo usually misses) */
      static const char *const builtin[] = {"word", "norm", "stem"};
      long b = cp_suggest(o->lname, o->lnlen, builtin, 3);
      if (b >= 0)
        return cp_err_set(err, CP_EINVAL, "unknown layer '%.*s' (did you "
                          "mean '%s'?); this corpus has: %s",
                          (int)(o->lnlen > 64 ? 64 : o->lnlen), o->lname,
                          builtin[b], names);
    }
    return cp_err_set(err, CP_EINVAL, "unknown layer '%.*s' (this corpus "
                      "has: %s)", (int)(o->lnlen > 64 ? 64 : o->lnlen),
                      o->lname, names);
  }
  return glex_build(c, CP_LAYER_NAMED, o->lname, o->lnlen, g, err);
}

int64_t cp_glex_find (const cp_glex *g, const char *s, size_t len) {
  uint32_t lo = 0, hi = g->n;
  while (lo < hi) {
    uint32_t mid = lo + (hi - lo) / 2;
    int r = cmp_bytes(g->str[mid], g->len[mid], s, len);
    if (r == 0) return mid;
    if (r < 0) lo = mid + 1;
    else hi = mid;
  }
  return -1;
}

/* }================================================================ */


/* {================================================================
** Options, selections and segment views
** ================================================================= */

int cp_sopt_has (const cp_sopt *o, uint64_t d) {
  int in;
  if (o->sel == NULL) return 1;
  in = (d < o->nsel) ? (o->sel[d >> 3] >> (d & 7)) & 1 : 0;
  return o->invert ? !in : in;
}

/* does field value 'm' satisfy condition 'k'? */
static int meta_ok (const cp_meta *m, const cp_mcond *k) {
  if (k->type == CP_MNUM) {
    double x;
    if (cp_meta_isnum(m)) x = m->num;
    else if (m->type != CP_MSTR) return 0;
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
  if (!cp_meta_isstr(m)) return 0;
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
        if (conds[k].keylen == 2 && memcmp(conds[k].key, "id", 2) == 0) {
          /* the document id is a field too */
          m.key = "id"; m.keylen = 2; m.type = CP_MSTR;
          m.str = di.id; m.strlen = di.idlen;
          ok = meta_ok(&m, &conds[k]);
        }
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
  if ((o->layer < 0 || o->layer >= CP_NLAYERS) &&
      (o->layer != CP_LAYER_NAMED || o->lname == NULL || o->lnlen == 0))
    return cp_err_set(err, CP_EINVAL, "unknown layer %d", o->layer);
  return CP_OK;
}

void cp_view_close (cp_view *v) {
  free(v->map);
  free(v->own);
  free(v->on);
  memset(v, 0, sizeof(*v));
}

/*
** The view of a stored layer (or of a layer the segment lacks): the
** stream is a copy of the layer's ids, with punctuation tokens (when
** they are not counted) and every token of a lacking layer replaced by
** one extra id that maps to CP_SKIP.
*/
static int stored_view (cp_corpus *c, size_t seg, const cp_sopt *o,
                        const cp_glex *g, cp_view *v, cp_err *err) {
  const cp_seg *s = cp_corpus_seg(c, seg);
  int l = g->segl ? g->segl[seg] : -1;
  uint32_t nl = l < 0 ? 0 : cp_seg_ntypes(s, l), k, p;
  const uint32_t *ls = l < 0 ? NULL : cp_seg_layer_stream(s, (size_t)l);
  v->map = (uint32_t *)malloc(((size_t)nl + 1) * sizeof(uint32_t));
  v->own = (uint32_t *)malloc(((size_t)v->ntok + 1) * sizeof(uint32_t));
  v->on = (unsigned char *)malloc(v->ndocs ? v->ndocs : 1);
  if (v->map == NULL || v->own == NULL || v->on == NULL) {
    cp_view_close(v);
    return OOM(err);
  }
  for (k = 0; k < nl; k++) v->map[k] = g->l2g[seg][k];
  v->map[nl] = CP_SKIP;
  {   /* the empty string (sorted first) is "no value": not counted */
    size_t z;
    if (nl > 0 && cp_seg_type(s, l, 0, &z) != NULL && z == 0) v->map[0] = CP_SKIP;
  }
  for (p = 0; p < v->ntok; p++)
    v->own[p] = (ls == NULL || (!o->punct &&
                 cp_seg_type_punct(s, v->stream[p]))) ? nl : ls[p];
  v->stream = v->own;
  return CP_OK;
}

int cp_view_open (cp_corpus *c, size_t seg, const cp_sopt *o,
                  const cp_glex *g, cp_view *v, cp_err *err) {
  const cp_seg *s = cp_corpus_seg(c, seg);
  uint32_t nw, w, d, nl;
  memset(v, 0, sizeof(*v));
  if (s == NULL || seg >= g->nsegs)
    return cp_err_set(err, CP_EINVAL, "no segment %zu", seg);
  /* a statistic reads each token of the view at least once */
  if (cp_budget_spend(o->budget, (uint64_t)cp_seg_ntokens(s) +
                      cp_seg_ntypes(s, CP_WORD), err) != CP_OK)
    return CP_ELIMIT;
  v->seg = s;
  v->doc_base = cp_corpus_doc_base(c, seg);
  v->pos_base = cp_corpus_pos_base(c, seg);
  v->ntok = cp_seg_ntokens(s);
  v->ndocs = cp_seg_ndocs(s);
  v->stream = cp_seg_stream(s);
  nw = cp_seg_ntypes(s, CP_WORD);
  if (g->segl == NULL || g->segl[seg] < 0 || g->segl[seg] >= CP_NLAYERS) {
    int rc = stored_view(c, seg, o, g, v, err);
    if (rc != CP_OK) return rc;
    goto docs;
  }
  nl = cp_seg_ntypes(s, g->layer);
  v->map = (uint32_t *)malloc((nw ? nw : 1) * sizeof(uint32_t));
  v->on = (unsigned char *)malloc(v->ndocs ? v->ndocs : 1);
  if (v->map == NULL || v->on == NULL) {
    cp_view_close(v);
    return OOM(err);
  }
  for (w = 0; w < nw; w++) {
    uint32_t id;
    if (!o->punct && cp_seg_type_punct(s, w)) { v->map[w] = CP_SKIP; continue; }
    id = cp_seg_map(s, g->layer, w);
    v->map[w] = (id < nl) ? g->l2g[seg][id] : CP_SKIP;
  }
docs:
  for (d = 0; d < v->ndocs; d++) {
    v->on[d] = cp_sopt_has(o, v->doc_base + d)
            && !cp_corpus_is_deleted(c, seg, d);
    v->non += v->on[d];
  }
  return CP_OK;
}

int cp_view_doc (const cp_view *v, uint32_t d, uint32_t *t0, uint32_t *t1) {
  cp_docinfo di;
  if (cp_seg_doc(v->seg, d, &di) != CP_OK) return CP_ECORRUPT;
  *t0 = di.tok_start;
  *t1 = di.tok_start + di.tok_count;
  if (*t1 > v->ntok || *t1 < *t0) *t1 = v->ntok;
  if (*t0 > *t1) *t0 = *t1;
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
  h->keys = NULL; h->cnt = h->df = h->last = NULL; h->slot = NULL;
  h->count = h->cap = h->nslot = 0;
}

static size_t hash_key (const uint32_t *key, size_t n) {
  return (size_t)XXH3_64bits(key, n * sizeof(uint32_t));
}

static int rehash (cp_idtab *h, size_t ns) {
  uint32_t *slot = (uint32_t *)calloc(ns, sizeof(uint32_t));
  size_t i;
  if (slot == NULL) return 0;
  for (i = 0; i < h->count; i++) {
    size_t k = hash_key(h->keys + i * (size_t)h->n, (size_t)h->n) & (ns - 1);
    while (slot[k] != 0) k = (k + 1) & (ns - 1);
    slot[k] = (uint32_t)(i + 1);
  }
  free(h->slot);
  h->slot = slot;
  h->nslot = ns;
  return 1;
}

static int grow_entries (cp_idtab *h, size_t cap) {
  uint32_t *keys;
  uint64_t *p;
  keys = (uint32_t *)realloc(h->keys, cap * (size_t)h->n * sizeof(uint32_t));
  if (keys == NULL) return 0;
  h->keys = keys;
  if ((p = (uint64_t *)realloc(h->cnt, cap * sizeof(uint64_t))) == NULL) return 0;
  h->cnt = p;
  if ((p = (uint64_t *)realloc(h->df, cap * sizeof(uint64_t))) == NULL) return 0;
  h->df = p;
  if ((p = (uint64_t *)realloc(h->last, cap * sizeof(uint64_t))) == NULL) return 0;
  h->last = p;
  h->cap = cap;
  return 1;
}

size_t cp_idtab_bytes (const cp_idtab *h) {
  return h->cap * ((size_t)h->n * sizeof(uint32_t) + 3 * sizeof(uint64_t))
       + h->nslot * sizeof(uint32_t);
}

int cp_idtab_reserve (cp_idtab *h, size_t expect) {
  size_t ns = 4096;
  if (expect >= UINT32_MAX / 2) expect = UINT32_MAX / 2;
  while (ns < 2 * expect) ns *= 2;
  if (ns > h->nslot && !rehash(h, ns)) return 0;
  if (expect > h->cap && !grow_entries(h, expect)) return 0;
  return 1;
}

int cp_idtab_add (cp_idtab *h, const uint32_t *key, uint64_t d) {
  size_t n = (size_t)h->n, k, i;
  if (2 * (h->count + 1) > h->nslot && !rehash(h, h->nslot ? 2 * h->nslot : 4096))
    return 0;
  k = hash_key(key, n) & (h->nslot - 1);
  while (h->slot[k] != 0) {
    i = h->slot[k] - 1;
    if (memcmp(h->keys + i * n, key, n * sizeof(uint32_t)) == 0) goto found;
    k = (k + 1) & (h->nslot - 1);
  }
  if (h->count >= UINT32_MAX - 1) return 0;
  if (h->count == h->cap && !grow_entries(h, h->cap ? 2 * h->cap : 4096))
    return 0;
  i = h->count++;
  memcpy(h->keys + i * n, key, n * sizeof(uint32_t));
  h->cnt[i] = 0; h->df[i] = 0; h->last[i] = 0;
  h->slot[k] = (uint32_t)(i + 1);
found:
  h->cnt[i]++;
  if (h->last[i] != d + 1) { h->last[i] = d + 1; h->df[i]++; }
  return 1;
}

/* }================================================================ */
