/*
** schema.c -- what a corpus holds, by name: its token layers and span
** sets across segments (cp_corpus_layers, cp_corpus_spansets), counted
** over live (not deleted) documents.  A layer or set is listed when any
** segment has it; segments are in corpus order, names in order of first
** appearance (word, norm, stem first).
*/
#include <stdlib.h>
#include <string.h>

#include "corpus.h"
#include "segfmt.h"


static int cmpref (const void *a, const void *b) {
  const cp_strref *x = (const cp_strref *)a, *y = (const cp_strref *)b;
  size_t m = x->n < y->n ? x->n : y->n;
  int c = m ? memcmp(x->s, y->s, m) : 0;
  if (c != 0) return c;
  return x->n < y->n ? -1 : x->n > y->n;
}

/* index of name in v[0..n), or n */
static size_t find_name (const cp_layerinfo *v, size_t n, const char *s,
                         size_t len) {
  size_t i;
  for (i = 0; i < n; i++)
    if (v[i].namelen == len && memcmp(v[i].name, s, len) == 0) return i;
  return n;
}

/* distinct types and tokens of layer 'name' over the live documents; a
** token whose value is the empty string has none (stored layers give
** it to tokens of documents that did not bring the layer) */
static int count_layer (cp_corpus *c, cp_layerinfo *li) {
  size_t si, ns = cp_corpus_nsegs(c), nref = 0, capref = 0, i;
  cp_strref *refs = NULL;
  uint64_t tokens = 0, types = 0;
  for (si = 0; si < ns; si++) {
    const cp_seg *s = cp_corpus_seg(c, si);
    int64_t l = cp_seg_layer(s, li->name, li->namelen);
    uint32_t nt, d, nd = cp_seg_ndocs(s), k;
    uint8_t *seen;
    int empty0;
    if (l < 0) continue;
    nt = cp_seg_ntypes(s, (int)l);
    if ((seen = (uint8_t *)calloc((size_t)nt + 1, 1)) == NULL) goto oom;
    {
      size_t z;
      empty0 = nt > 0 && cp_seg_type(s, (int)l, 0, &z) != NULL && z == 0;
    }
    for (d = 0; d < nd; d++) {
      cp_docinfo di;
      uint32_t p;
      if (cp_corpus_is_deleted(c, si, d) || cp_seg_doc_head(s, d, &di) != CP_OK)
        continue;
      for (p = di.tok_start; p < di.tok_start + di.tok_count; p++) {
        uint32_t v = cp_seg_value(s, (size_t)l, p);
        /* the empty string is "no value" (a document without the layer) */
        if (v < nt && (v != 0 || !empty0)) { seen[v] = 1; tokens++; }
      }
    }
    for (k = 0; k < nt; k++) {
      if (!seen[k]) continue;
      if (nref == capref) {
        size_t nc = capref ? 2 * capref : 1024;
        cp_strref *nr = (cp_strref *)realloc(refs, nc * sizeof(cp_strref));
        if (nr == NULL) { free(seen); goto oom; }
        refs = nr;
        capref = nc;
      }
      refs[nref].s = cp_seg_type(s, (int)l, k, &refs[nref].n);
      nref++;
    }
    free(seen);
  }
  if (nref > 0) qsort(refs, nref, sizeof(cp_strref), cmpref);
  for (i = 0; i < nref; i++)
    if (i == 0 || cmpref(&refs[i - 1], &refs[i]) != 0) types++;
  free(refs);
  li->types = types;
  li->tokens = tokens;
  return CP_OK;
oom:
  free(refs);
  return CP_ENOMEM;
}

const char *cp_layer_kind_name (int kind) {
  switch (kind) {
    case CP_LK_WORD: return "word";
    case CP_LK_NORM: case CP_LK_STEM: return "derived";
    case CP_LK_STORED: return "stored";
    default: return "?";
  }
}

int cp_corpus_layers (cp_corpus *c, cp_layerinfo **out, size_t *n,
                      cp_err *err) {
  cp_layerinfo *v = NULL;
  size_t nv = 0, si, ns, l;
  int rc;
  if (c == NULL || out == NULL || n == NULL)
    return cp_err_set(err, CP_EINVAL, "cp_corpus_layers: NULL argument");
  *out = NULL;
  *n = 0;
  if ((rc = cp_corpus_flush(c, err)) != CP_OK) return rc;
  ns = cp_corpus_nsegs(c);
  if ((v = (cp_layerinfo *)calloc(CP_NLAYERS, sizeof(*v))) == NULL) goto oom;
  for (l = 0; l < CP_NLAYERS; l++) {
    v[l].name = cp_layer_name((int)l);
    v[l].namelen = strlen(v[l].name);
    v[l].kind = (int)l;
  }
  nv = CP_NLAYERS;
  for (si = 0; si < ns; si++) {
    const cp_seg *s = cp_corpus_seg(c, si);
    size_t nl = cp_seg_nlayers(s);
    for (l = CP_NLAYERS; l < nl; l++) {
      size_t len;
      const char *name = cp_seg_layer_name(s, l, &len);
      if (find_name(v, nv, name, len) == nv) {
        cp_layerinfo *nvv = (cp_layerinfo *)realloc(v, (nv + 1) * sizeof(*v));
        if (nvv == NULL) goto oom;
        v = nvv;
        memset(&v[nv], 0, sizeof(*v));
        v[nv].name = name;
        v[nv].namelen = len;
        v[nv].kind = CP_LK_STORED;
        nv++;
      }
    }
  }
  for (l = 0; l < nv; l++)
    if (count_layer(c, &v[l]) != CP_OK) goto oom;
  *out = v;
  *n = nv;
  return CP_OK;
oom:
  free(v);
  return cp_err_set(err, CP_ENOMEM, "out of memory listing layers");
}

/* spans of set 'set' of segment si whose document is live */
static uint64_t live_spans (const cp_corpus *c, size_t si, size_t set) {
  const cp_seg *s = cp_corpus_seg(c, si);
  uint32_t n = cp_seg_nspans(s, set), i;
  const uint32_t *st = cp_seg_span_starts(s, set);
  uint64_t k = 0;
  int anydel = 0;
  uint32_t d, nd = cp_seg_ndocs(s);
  for (d = 0; d < nd && !anydel; d++) anydel = cp_corpus_is_deleted(c, si, d);
  if (!anydel) return n;
  for (i = 0; i < n; i++)
    if (!cp_corpus_is_deleted(c, si, cp_seg_doc_of(s, st[i]))) k++;
  return k;
}

void cp_spansets_free (cp_spansetinfo *v, size_t n) {
  size_t i;
  if (v == NULL) return;
  for (i = 0; i < n; i++) free(v[i].keys);
  free(v);
}

/* add key k of set 'set' of s to v->keys if new */
static int add_key (cp_spansetinfo *v, const cp_seg *s, size_t set, size_t k) {
  size_t len, i;
  const char *key = cp_seg_spanset_key(s, set, k, &len);
  cp_strref *nk;
  for (i = 0; i < v->nkeys; i++)
    if (v->keys[i].n == len && memcmp(v->keys[i].s, key, len) == 0) return 1;
  nk = (cp_strref *)realloc(v->keys, (v->nkeys + 1) * sizeof(cp_strref));
  if (nk == NULL) return 0;
  v->keys = nk;
  v->keys[v->nkeys].s = key;
  v->keys[v->nkeys].n = len;
  v->nkeys++;
  return 1;
}

int cp_corpus_spansets (cp_corpus *c, cp_spansetinfo **out, size_t *n,
                        cp_err *err) {
  cp_spansetinfo *v = NULL;
  size_t nv = 0, si, ns, k, j;
  int rc;
  if (c == NULL || out == NULL || n == NULL)
    return cp_err_set(err, CP_EINVAL, "cp_corpus_spansets: NULL argument");
  *out = NULL;
  *n = 0;
  if ((rc = cp_corpus_flush(c, err)) != CP_OK) return rc;
  ns = cp_corpus_nsegs(c);
  for (si = 0; si < ns; si++) {
    const cp_seg *s = cp_corpus_seg(c, si);
    size_t nsets = cp_seg_nspansets(s);
    for (k = 0; k < nsets; k++) {
      size_t len;
      const char *name = cp_seg_spanset_name(s, k, &len);
      for (j = 0; j < nv; j++)
        if (v[j].namelen == len && memcmp(v[j].name, name, len) == 0) break;
      if (j == nv) {
        cp_spansetinfo *nw = (cp_spansetinfo *)realloc(v, (nv + 1) * sizeof(*v));
        if (nw == NULL) goto oom;
        v = nw;
        memset(&v[nv], 0, sizeof(*v));
        v[nv].name = name;
        v[nv].namelen = len;
        nv++;
      }
      v[j].spans += live_spans(c, si, k);
      {
        size_t q, nk = cp_seg_spanset_nkeys(s, k);
        for (q = 0; q < nk; q++)
          if (!add_key(&v[j], s, k, q)) goto oom;
      }
    }
  }
  *out = v;
  *n = nv;
  return CP_OK;
oom:
  cp_spansets_free(v, nv);
  return cp_err_set(err, CP_ENOMEM, "out of memory listing span sets");
}
