/*
** reuse_clu.c -- clusters of reused passages: the same text carried by
** several documents (a press release in ten outlets).
**
** Every passage has two sides.  Sides in one document that overlap by
** at least half the shorter (passim's --relative-overlap 0.5) are one
** member; a union-find over members joins the two members of each
** passage; each component is a cluster.  'repeats' counts the members
** of a cluster that share their document with another member: the text
** recurs within one source, which passim treats as boilerplate.
*/
#include <stdlib.h>
#include <string.h>

#include "reuse.h"

#define OOM(err) cp_err_set(err, CP_ENOMEM, "out of memory")

typedef struct side { int corpus; uint64_t doc; uint32_t b0, b1, t0, t1;
                      size_t pass; } side;

static int cmp_side (const void *x, const void *y) {
  const side *a = (const side *)x, *b = (const side *)y;
  if (a->corpus != b->corpus) return a->corpus < b->corpus ? -1 : 1;
  if (a->doc != b->doc) return a->doc < b->doc ? -1 : 1;
  if (a->b0 != b->b0) return a->b0 < b->b0 ? -1 : 1;
  return (a->b1 > b->b1) - (a->b1 < b->b1);
}

static size_t find (size_t *up, size_t x) {
  while (up[x] != x) { up[x] = up[up[x]]; x = up[x]; }
  return x;
}

typedef struct mref { size_t root, m; } mref;

static int cmp_mref (const void *x, const void *y) {
  const mref *a = (const mref *)x, *b = (const mref *)y;
  if (a->root != b->root) return a->root < b->root ? -1 : 1;
  return (a->m > b->m) - (a->m < b->m);
}

void cp_clusters_free (cp_clusters *cl) {
  if (cl == NULL) return;
  free(cl->first); free(cl->m); free(cl->ndocs); free(cl->repeats);
  free(cl->of);
  memset(cl, 0, sizeof(*cl));
}

/* the first (big) step: sides -> members; mof[2*i + k] is the member of
** side k of passage i */
static size_t members_of (side *s, size_t ns, cp_clu_member *mem,
                          size_t *mof) {
  size_t i, nm = 0;
  for (i = 0; i < ns; i++) {
    cp_clu_member *m = nm ? &mem[nm - 1] : NULL;
    uint32_t len = s[i].b1 - s[i].b0;
    if (m != NULL && m->corpus == s[i].corpus && m->doc == s[i].doc
        && s[i].b0 < m->b1) {
      uint32_t ov = (s[i].b1 < m->b1 ? s[i].b1 : m->b1) - s[i].b0;
      uint32_t ml = m->b1 - m->b0, shorter = len < ml ? len : ml;
      if (2 * (uint64_t)ov >= shorter) {
        if (s[i].b1 > m->b1) { m->b1 = s[i].b1; m->t1 = s[i].t1; }
        mof[s[i].pass] = nm - 1;
        continue;
      }
    }
    m = &mem[nm++];
    m->corpus = s[i].corpus; m->doc = s[i].doc;
    m->b0 = s[i].b0; m->b1 = s[i].b1; m->t0 = s[i].t0; m->t1 = s[i].t1;
    mof[s[i].pass] = nm - 1;
  }
  return nm;
}

int cp_reuse_clusters (const cp_reuse *r, cp_clusters *out, cp_err *err) {
  size_t ns, i, nm, k, nc = 0;
  side *s = NULL;
  size_t *mof = NULL, *up = NULL;
  mref *ref = NULL;
  cp_clu_member *mem = NULL;
  int rc = CP_OK;
  if (r == NULL || out == NULL) return cp_err_set(err, CP_EINVAL, "no passages");
  memset(out, 0, sizeof(*out));
  ns = 2 * r->n;
  s = (side *)malloc((ns ? ns : 1) * sizeof(side));
  mof = (size_t *)malloc((ns ? ns : 1) * sizeof(size_t));
  mem = (cp_clu_member *)malloc((ns ? ns : 1) * sizeof(cp_clu_member));
  up = (size_t *)malloc((ns ? ns : 1) * sizeof(size_t));
  ref = (mref *)malloc((ns ? ns : 1) * sizeof(mref));
  out->first = (size_t *)malloc((ns + 1) * sizeof(size_t));
  out->ndocs = (uint32_t *)calloc(ns ? ns : 1, sizeof(uint32_t));
  out->repeats = (uint32_t *)calloc(ns ? ns : 1, sizeof(uint32_t));
  out->of = (size_t *)malloc((r->n ? r->n : 1) * sizeof(size_t));
  if (!s || !mof || !mem || !up || !ref || !out->first || !out->ndocs
      || !out->repeats || !out->of) { rc = OOM(err); goto done; }
  for (i = 0; i < r->n; i++) {
    const cp_passage *p = &r->v[i];
    side *x = &s[2 * i], *y = &s[2 * i + 1];
    x->corpus = 0; x->doc = p->a.doc; x->b0 = p->a.b0; x->b1 = p->a.b1;
    x->t0 = p->a.t0; x->t1 = p->a.t1; x->pass = 2 * i;
    y->corpus = r->against ? 1 : 0; y->doc = p->b.doc;
    y->b0 = p->b.b0; y->b1 = p->b.b1; y->t0 = p->b.t0; y->t1 = p->b.t1;
    y->pass = 2 * i + 1;
  }
  if (ns > 1) qsort(s, ns, sizeof(side), cmp_side);
  nm = members_of(s, ns, mem, mof);
  for (k = 0; k < nm; k++) up[k] = k;
  for (i = 0; i < r->n; i++) {
    size_t x = find(up, mof[2 * i]), y = find(up, mof[2 * i + 1]);
    if (x != y) up[x < y ? y : x] = x < y ? x : y;
  }
  for (k = 0; k < nm; k++) { ref[k].root = find(up, k); ref[k].m = k; }
  if (nm > 1) qsort(ref, nm, sizeof(mref), cmp_mref);
  out->m = (cp_clu_member *)malloc((nm ? nm : 1) * sizeof(cp_clu_member));
  if (out->m == NULL) { rc = OOM(err); goto done; }
  for (k = 0; k < nm; k++) {
    const cp_clu_member *m = &mem[ref[k].m];
    if (k == 0 || ref[k].root != ref[k - 1].root) out->first[nc++] = k;
    out->m[k] = *m;
    up[ref[k].m] = nc - 1;           /* up: now member -> cluster */
  }
  for (i = 0; i < r->n; i++) out->of[i] = up[mof[2 * i]];
  out->first[nc] = nm;
  /* members were made in (corpus, doc) order and a cluster lists them in
  ** member order, so the members of one document are adjacent */
  for (k = 0; k < nc; k++) {
    size_t a = out->first[k], b = out->first[k + 1], run;
    for (i = a; i < b; i = run) {
      for (run = i + 1; run < b && out->m[run].corpus == out->m[i].corpus
                        && out->m[run].doc == out->m[i].doc; run++) {}
      out->ndocs[k]++;
      if (run - i > 1) out->repeats[k] += (uint32_t)(run - i);
    }
  }
  out->n = nc;
done:
  free(s); free(mof); free(mem); free(up); free(ref);
  if (rc != CP_OK) cp_clusters_free(out);
  return rc;
}
