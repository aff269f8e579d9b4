/*
** reuse_keep.c -- found passages kept as span set "reuse" of the corpus
** (reuse.h, docs/REUSE.md "Keeping passages").
**
** Segments are sealed, so a span set found across documents after they
** were added is stored by copying: each segment holding a side of a
** passage (or spans of an earlier "reuse" set) is rebuilt document by
** document from its own tokens, layers and spans (cp_merge_respan, the
** merge's copy), with the "reuse" spans replaced, and swapped in
** (cp_corpus_rewrite_seg).  The documents keep their numbers and
** deletion marks; an on-disk index writes the rewritten segments as new
** files at its next commit, and merges and optimize copy the set like
** any other.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "merge.h"
#include "reuse.h"
#include "seg.h"

#define OOM(err) cp_err_set(err, CP_ENOMEM, "out of memory")

/* one span to store: segment, local document, tokens, attribute text
** (offsets into the pool: other id, cluster number) */
typedef struct kspan {
  size_t seg;
  uint32_t doc, t0, t1;
  size_t oid, olen, cl, cllen;
} kspan;

typedef struct pool { char *v; size_t n, cap; } pool;

static int pool_add (pool *p, const char *s, size_t n, size_t *off) {
  if (p->n + n + 1 > p->cap) {
    size_t nc = p->cap ? p->cap : 4096;
    char *nv;
    while (nc < p->n + n + 1) nc *= 2;
    nv = (char *)realloc(p->v, nc);
    if (nv == NULL) return 0;
    p->v = nv;
    p->cap = nc;
  }
  *off = p->n;
  if (n > 0) memcpy(p->v + p->n, s, n);
  p->n += n;
  p->v[p->n++] = '\0';
  return 1;
}

static int cmp_kspan (const void *x, const void *y) {
  const kspan *a = (const kspan *)x, *b = (const kspan *)y;
  if (a->seg != b->seg) return a->seg < b->seg ? -1 : 1;
  if (a->doc != b->doc) return a->doc < b->doc ? -1 : 1;
  if (a->t0 != b->t0) return a->t0 < b->t0 ? -1 : 1;
  return (a->t1 > b->t1) - (a->t1 < b->t1);
}

/* the id of global document 'doc' of corpus k, copied into the pool */
static int doc_id (cp_corpus *k, uint64_t doc, pool *p, size_t *off,
                   size_t *len, cp_err *err) {
  size_t si;
  uint32_t local;
  cp_docinfo di;
  if (cp_corpus_locate(k, doc, &si, &local) != CP_OK
      || cp_seg_doc(cp_corpus_seg(k, si), local, &di) != CP_OK)
    return cp_err_set(err, CP_EINVAL, "reuse keep: no document %llu",
                      (unsigned long long)doc);
  *len = di.idlen;
  return pool_add(p, di.id, di.idlen, off) ? CP_OK : OOM(err);
}

/* a span for side 'sd' (in c) of passage i, the other side's document
** being 'odoc' of corpus 'ok' */
static int add_side (cp_corpus *c, const cp_reuse_side *sd, cp_corpus *ok,
                     uint64_t odoc, size_t cluster, pool *p, kspan *out,
                     cp_err *err) {
  char num[32];
  int rc, n;
  if (cp_corpus_locate(c, sd->doc, &out->seg, &out->doc) != CP_OK)
    return cp_err_set(err, CP_EINVAL, "reuse keep: no document %llu",
                      (unsigned long long)sd->doc);
  out->t0 = sd->t0;
  out->t1 = sd->t1;
  if ((rc = doc_id(ok, odoc, p, &out->oid, &out->olen, err)) != CP_OK)
    return rc;
  n = snprintf(num, sizeof(num), "%zu", cluster + 1);
  out->cllen = (size_t)n;
  return pool_add(p, num, (size_t)n, &out->cl) ? CP_OK : OOM(err);
}

/* does segment s hold spans of set "reuse"? */
static int has_reuse (const cp_seg *s) {
  size_t k, n = cp_seg_nspansets(s), len;
  for (k = 0; k < n; k++) {
    const char *name = cp_seg_spanset_name(s, k, &len);
    if (len == sizeof(CP_REUSE_SET) - 1
        && memcmp(name, CP_REUSE_SET, len) == 0 && cp_seg_nspans(s, k) > 0)
      return 1;
  }
  return 0;
}

/* rewrite segment si with spans ks[0..n) (all of segment si) */
static int rewrite (cp_corpus *c, size_t si, const kspan *ks, size_t n,
                    const pool *p, cp_err *err) {
  cp_spanin *sp = (cp_spanin *)malloc((n ? n : 1) * sizeof(cp_spanin));
  cp_attr *at = (cp_attr *)malloc((n ? 2 * n : 1) * sizeof(cp_attr));
  uint32_t *docs = (uint32_t *)malloc((n ? n : 1) * sizeof(uint32_t));
  void *img = NULL;
  size_t size = 0, i;
  int rc;
  if (sp == NULL || at == NULL || docs == NULL) {
    free(sp); free(at); free(docs);
    return OOM(err);
  }
  for (i = 0; i < n; i++) {
    cp_attr *a = &at[2 * i];
    a[0].key = "cluster"; a[0].keylen = 7;
    a[0].val = p->v + ks[i].cl; a[0].vallen = ks[i].cllen;
    a[1].key = "other"; a[1].keylen = 5;
    a[1].val = p->v + ks[i].oid; a[1].vallen = ks[i].olen;
    sp[i].set = CP_REUSE_SET;
    sp[i].setlen = sizeof(CP_REUSE_SET) - 1;
    sp[i].start = ks[i].t0;
    sp[i].end = ks[i].t1;
    sp[i].attrs = a;
    sp[i].nattrs = 2;
    docs[i] = ks[i].doc;
  }
  rc = cp_merge_respan(c, si, CP_REUSE_SET, sizeof(CP_REUSE_SET) - 1, docs,
                       sp, n, &img, &size, err);
  if (rc == CP_OK && img != NULL) {
    rc = cp_corpus_rewrite_seg(c, si, img, size, err);
    if (rc != CP_OK) free(img);
  }
  free(sp); free(at); free(docs);
  return rc;
}

int cp_reuse_keep (cp_corpus *c, cp_corpus *other, const cp_reuse *r,
                   uint64_t *nspans, cp_err *err) {
  cp_clusters cl;
  kspan *ks = NULL;
  pool p = {NULL, 0, 0};
  size_t n = 0, i, j, si, nseg;
  int rc;
  if (c == NULL || r == NULL || (r->against && other == NULL))
    return cp_err_set(err, CP_EINVAL, "reuse keep: bad argument");
  if (nspans != NULL) *nspans = 0;
  if (cp_corpus_readonly(c))
    return cp_err_set(err, CP_EINVAL, "reuse keep: the corpus is a "
                      "read-only snapshot (open it with write = true)");
  if ((rc = cp_corpus_flush(c, err)) != CP_OK) return rc;
  if ((rc = cp_reuse_clusters(r, &cl, err)) != CP_OK) return rc;
  ks = (kspan *)malloc((r->n > 0 ? 2 * r->n : 1) * sizeof(kspan));
  if (ks == NULL) { rc = OOM(err); goto done; }
  for (i = 0; i < r->n && rc == CP_OK; i++) {
    const cp_passage *pa = &r->v[i];
    rc = add_side(c, &pa->a, r->against ? other : c, pa->b.doc, cl.of[i],
                  &p, &ks[n], err);
    if (rc == CP_OK) n++;
    if (rc == CP_OK && !r->against) {
      rc = add_side(c, &pa->b, c, pa->a.doc, cl.of[i], &p, &ks[n], err);
      if (rc == CP_OK) n++;
    }
  }
  if (rc != CP_OK) goto done;
  if (n > 1) qsort(ks, n, sizeof(kspan), cmp_kspan);
  /* every id and number is in the pool now: segments can be replaced */
  nseg = cp_corpus_nsegs(c);
  for (i = 0, si = 0; si < nseg && rc == CP_OK; si++) {
    for (j = i; j < n && ks[j].seg == si; j++) {}
    if (j > i || has_reuse(cp_corpus_seg(c, si)))
      rc = rewrite(c, si, ks + i, j - i, &p, err);
    i = j;
  }
  if (rc == CP_OK && nspans != NULL) *nspans = n;
done:
  free(ks);
  free(p.v);
  cp_clusters_free(&cl);
  return rc;
}
