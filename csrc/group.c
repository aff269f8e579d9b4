/*
** group.c -- documents grouped by metadata values (group.h).
**
** Each (document, combination of values) becomes an entry whose key is
** the values encoded so that byte order is the group order: per field a
** tag byte (0 missing, 1 number, 2 string), then 8 order-preserving
** bytes of the number, or the string's bytes (NUL as 0 1) and 0 0.  Entries are sorted by key; runs of equal keys are groups.
*/
#include <stdlib.h>
#include <string.h>

#include "group.h"
#include "seg.h"

static int oom (cp_err *err) {
  return cp_err_set(err, CP_ENOMEM, "out of memory");
}

void cp_groups_free (cp_groups *g) {
  if (g == NULL) return;
  free(g->vals); free(g->first); free(g->member); free(g->docs); free(g->words);
  memset(g, 0, sizeof *g);
}

typedef struct entry {
  size_t off, len;          /* key bytes in the arena */
  uint64_t doc;
  size_t combo;             /* which combination of the document */
} entry;

typedef struct builder {
  char *a; size_t n, cap;   /* key arena */
  entry *e; size_t ne, ecap;
  const char *base;         /* the arena while sorting */
} builder;

static int put (builder *b, const void *p, size_t len) {
  if (b->n + len > b->cap) {
    size_t cap = b->cap ? b->cap * 2 : 4096;
    char *q;
    while (cap < b->n + len) cap *= 2;
    if ((q = (char *)realloc(b->a, cap)) == NULL) return CP_ENOMEM;
    b->a = q; b->cap = cap;
  }
  memcpy(b->a + b->n, p, len);
  b->n += len;
  return CP_OK;
}

static int put_value (builder *b, const cp_meta *m) {
  unsigned char t[9];
  int i;
  if (m == NULL) { t[0] = 0; return put(b, t, 1); }
  if (cp_meta_isnum(m)) {   /* integers key as the double they equal */
    uint64_t u;
    double x = m->num;
    memcpy(&u, &x, sizeof u);
    u = (u >> 63) ? ~u : (u | 0x8000000000000000ull);
    t[0] = 1;
    for (i = 0; i < 8; i++) t[1 + i] = (unsigned char)(u >> (56 - 8 * i));
    return put(b, t, 9);
  }
  /* a string: its bytes with NUL written 0 1, then the end mark 0 0,
  ** so that byte order of keys is byte order of strings */
  t[0] = 2;
  if (put(b, t, 1) != CP_OK) return CP_ENOMEM;
  {
    size_t k, from = 0;
    for (k = 0; k < m->strlen; k++)
      if (m->str[k] == '\0') {
        if (put(b, m->str + from, k - from) != CP_OK || put(b, "\0\1", 2) != CP_OK)
          return CP_ENOMEM;
        from = k + 1;
      }
    if (put(b, m->str + from, m->strlen - from) != CP_OK) return CP_ENOMEM;
  }
  return put(b, "\0\0", 2);
}

/* the values of field f in the metadata: up to 'max' into vals */
static int field_values (const cp_docinfo *di, const char *f, size_t flen,
                         cp_meta *vals, size_t max, size_t *n) {
  size_t it = 0;
  cp_meta m;
  int r;
  *n = 0;
  while ((r = cp_meta_next(di->meta, di->metalen, &it, &m)) == 1)
    if (m.keylen == flen && memcmp(m.key, f, flen) == 0) {
      if (*n >= max) return CP_ELIMIT;
      vals[(*n)++] = m;
    }
  return r < 0 ? CP_ECORRUPT : CP_OK;
}

static int cmp_bytes (const char *a, size_t la, const char *b, size_t lb) {
  int r = memcmp(a, b, la < lb ? la : lb);
  if (r != 0) return r;
  return la < lb ? -1 : la > lb;
}

/* entries hold pointers while sorted (the arena no longer moves) */
typedef struct pentry { const char *p; size_t len; uint64_t doc; size_t combo; } pentry;

static int cmp_pentry (const void *x, const void *y) {
  const pentry *a = (const pentry *)x, *b = (const pentry *)y;
  int r = cmp_bytes(a->p, a->len, b->p, b->len);
  if (r != 0) return r;
  if (a->doc != b->doc) return a->doc < b->doc ? -1 : 1;
  return a->combo < b->combo ? -1 : a->combo > b->combo;
}

/* the value of one field of a key at *p (advancing *p): 'orig' is the
** value the key was made from */
static void decode_value (const char **p, const cp_meta *orig, cp_meta *m) {
  const unsigned char *q = (const unsigned char *)*p;
  memset(m, 0, sizeof *m);
  if (q[0] == 0) { m->type = CP_GROUP_MISSING; *p += 1; return; }
  *m = *orig;
  if (q[0] == 1) { *p += 9; return; }
  q++;
  while (!(q[0] == 0 && q[1] == 0)) q += q[0] == 0 ? 2 : 1;
  *p = (const char *)q + 2;
}

int cp_groups_build (cp_corpus *c, const char *const *fields,
                     const size_t *lens, size_t nfields,
                     const unsigned char *sel, uint64_t nsel,
                     cp_groups *out, cp_err *err) {
  builder b;
  pentry *pe = NULL;
  cp_meta *dvals = NULL;        /* per entry, the values it was built from */
  size_t ns, si, i, j, f, ndv = 0, dvcap = 0;
  uint64_t nd = 0;
  int rc = CP_OK;
  int seen[CP_GROUP_MAXFIELDS];
  if (out == NULL) return cp_err_set(err, CP_EINVAL, "cp_groups_build: no output");
  memset(out, 0, sizeof *out);
  memset(&b, 0, sizeof b);
  if (c == NULL || fields == NULL || lens == NULL || nfields == 0)
    return cp_err_set(err, CP_EINVAL, "cp_groups_build: no fields");
  if (nfields > CP_GROUP_MAXFIELDS)
    return cp_err_set(err, CP_EINVAL, "at most %d fields to group by", CP_GROUP_MAXFIELDS);
  for (f = 0; f < nfields; f++) {
    if (fields[f] == NULL || lens[f] == 0)
      return cp_err_set(err, CP_EINVAL, "an empty field name to group by");
    for (j = 0; j < f; j++)
      if (lens[j] == lens[f] && memcmp(fields[j], fields[f], lens[f]) == 0)
        return cp_err_set(err, CP_EINVAL, "field '%.*s' given twice", (int)lens[f], fields[f]);
    seen[f] = 0;
  }
  if ((rc = cp_corpus_flush(c, err)) != CP_OK) return rc;
  ns = cp_corpus_nsegs(c);
  for (si = 0; si < ns; si++) nd += cp_seg_ndocs(cp_corpus_seg(c, si));
  out->nfields = nfields;
  out->ndocs = nd;
  out->first = (size_t *)calloc((size_t)nd + 1, sizeof(size_t));
  if (out->first == NULL) return oom(err);
  for (si = 0; si < ns && rc == CP_OK; si++) {
    const cp_seg *s = cp_corpus_seg(c, si);
    uint64_t base = cp_corpus_doc_base(c, si);
    uint32_t d, n = cp_seg_ndocs(s);
    for (d = 0; d < n && rc == CP_OK; d++) {
      uint64_t gd = base + d;
      cp_docinfo di;
      cp_meta vals[CP_GROUP_MAXFIELDS][64];
      size_t nv[CP_GROUP_MAXFIELDS], combos = 1, k;
      if (sel != NULL && (gd >= nsel || !(sel[gd >> 3] & (1u << (gd & 7))))) continue;
      if (cp_corpus_is_deleted(c, si, d)) continue;
      if (cp_seg_doc(s, d, &di) != CP_OK) { rc = cp_err_set(err, CP_ECORRUPT, "damaged document table"); break; }
      for (f = 0; f < nfields; f++) {
        int r = field_values(&di, fields[f], lens[f], vals[f], 64, &nv[f]);
        if (r == CP_ELIMIT) { rc = cp_err_set(err, CP_ELIMIT, "document %llu has more than 64 values of '%.*s'", (unsigned long long)gd + 1, (int)lens[f], fields[f]); break; }
        if (r != CP_OK) { rc = cp_err_set(err, CP_ECORRUPT, "damaged metadata"); break; }
        if (nv[f] > 0) seen[f] = 1;
        combos *= nv[f] ? nv[f] : 1;
      }
      if (rc != CP_OK) break;
      if (combos > CP_GROUP_MAXCOMBOS) {
        rc = cp_err_set(err, CP_ELIMIT, "document %llu falls in more than %d groups", (unsigned long long)gd + 1, CP_GROUP_MAXCOMBOS);
        break;
      }
      for (k = 0; k < combos; k++) {
        size_t rest = k, start = b.n;
        if (b.ne == b.ecap) {
          size_t cap = b.ecap ? b.ecap * 2 : 1024;
          entry *e = (entry *)realloc(b.e, cap * sizeof(entry));
          if (e == NULL) { rc = oom(err); break; }
          b.e = e; b.ecap = cap;
        }
        if (ndv + nfields > dvcap) {
          size_t cap = dvcap ? dvcap * 2 : 1024 * nfields;
          cp_meta *v = (cp_meta *)realloc(dvals, cap * sizeof(cp_meta));
          if (v == NULL) { rc = oom(err); break; }
          dvals = v; dvcap = cap;
        }
        for (f = 0; f < nfields && rc == CP_OK; f++) {
          const cp_meta *m = NULL;
          if (nv[f]) { m = &vals[f][rest % nv[f]]; rest /= nv[f]; }
          if (put_value(&b, m) != CP_OK) rc = oom(err);
          if (m) dvals[ndv + f] = *m; else memset(&dvals[ndv + f], 0, sizeof(cp_meta));
        }
        if (rc != CP_OK) break;
        b.e[b.ne].off = start; b.e[b.ne].len = b.n - start;
        b.e[b.ne].doc = gd; b.e[b.ne].combo = ndv;
        b.ne++;
        ndv += nfields;
      }
    }
  }
  for (f = 0; f < nfields && rc == CP_OK; f++)
    if (!seen[f] && b.ne > 0)
      rc = cp_err_set(err, CP_EINVAL, "no document has a field '%.*s'", (int)lens[f], fields[f]);
  if (rc != CP_OK) goto done;
  pe = (pentry *)malloc((b.ne ? b.ne : 1) * sizeof(pentry));
  out->member = (uint32_t *)malloc((b.ne ? b.ne : 1) * sizeof(uint32_t));
  if (pe == NULL || out->member == NULL) { rc = oom(err); goto done; }
  for (i = 0; i < b.ne; i++) {
    pe[i].p = b.a + b.e[i].off; pe[i].len = b.e[i].len;
    pe[i].doc = b.e[i].doc; pe[i].combo = b.e[i].combo;
  }
  qsort(pe, b.ne, sizeof(pentry), cmp_pentry);
  /* groups: runs of equal keys */
  for (i = 0; i < b.ne; i++)
    if (i == 0 || cmp_bytes(pe[i - 1].p, pe[i - 1].len, pe[i].p, pe[i].len) != 0)
      out->ngroups++;
  if (out->ngroups > UINT32_MAX - 1) { rc = cp_err_set(err, CP_ELIMIT, "too many groups"); goto done; }
  out->vals = (cp_meta *)calloc((out->ngroups ? out->ngroups : 1) * nfields, sizeof(cp_meta));
  out->docs = (uint64_t *)calloc(out->ngroups ? out->ngroups : 1, sizeof(uint64_t));
  out->words = (uint64_t *)calloc(out->ngroups ? out->ngroups : 1, sizeof(uint64_t));
  if (out->vals == NULL || out->docs == NULL || out->words == NULL) { rc = oom(err); goto done; }
  {
    /* count entries per document, then place each entry's group */
    size_t g = 0;
    uint32_t *gof = (uint32_t *)malloc((b.ne ? b.ne : 1) * sizeof(uint32_t));
    if (gof == NULL) { rc = oom(err); goto done; }
    for (i = 0; i < b.ne; i++) {
      if (i > 0 && cmp_bytes(pe[i - 1].p, pe[i - 1].len, pe[i].p, pe[i].len) != 0) g++;
      if (i == 0 || g != (size_t)gof[i - 1]) {
        const char *p = pe[i].p;
        for (f = 0; f < nfields; f++)
          decode_value(&p, &dvals[pe[i].combo + f], &out->vals[g * nfields + f]);
      }
      gof[i] = (uint32_t)g;
      out->first[pe[i].doc + 1]++;
      out->docs[g]++;
    }
    for (i = 0; i < (size_t)nd; i++) out->first[i + 1] += out->first[i];
    {
      size_t *fill = (size_t *)malloc(((size_t)nd + 1) * sizeof(size_t));
      if (fill == NULL) { free(gof); rc = oom(err); goto done; }
      memcpy(fill, out->first, ((size_t)nd + 1) * sizeof(size_t));
      for (i = 0; i < b.ne; i++) out->member[fill[pe[i].doc]++] = gof[i];
      free(fill);
    }
    free(gof);
  }
  /* word tokens per group */
  for (si = 0; si < ns && rc == CP_OK; si++) {
    const cp_seg *s = cp_corpus_seg(c, si);
    const uint32_t *st = cp_seg_stream(s);
    uint64_t base = cp_corpus_doc_base(c, si);
    uint32_t d, n = cp_seg_ndocs(s);
    for (d = 0; d < n; d++) {
      uint64_t gd = base + d, words = 0;
      cp_docinfo di;
      uint32_t p;
      size_t k;
      if (out->first[gd] == out->first[gd + 1]) continue;
      if (cp_seg_doc(s, d, &di) != CP_OK) { rc = cp_err_set(err, CP_ECORRUPT, "damaged document table"); break; }
      for (p = di.tok_start; p < di.tok_start + di.tok_count; p++)
        if (!cp_seg_type_punct(s, st[p])) words++;
      for (k = out->first[gd]; k < out->first[gd + 1]; k++) out->words[out->member[k]] += words;
    }
  }
done:
  free(pe); free(b.a); free(b.e); free(dvals);
  return rc;
}

int cp_groups_count (const cp_groups *g, cp_corpus *c, const cp_matches *m,
                     uint64_t *hits, uint64_t *docs_hit, cp_err *err) {
  size_t i, k;
  uint64_t last = UINT64_MAX;
  (void)c;
  if (g == NULL || m == NULL || hits == NULL || docs_hit == NULL)
    return cp_err_set(err, CP_EINVAL, "cp_groups_count: NULL argument");
  memset(hits, 0, (g->ngroups ? g->ngroups : 1) * sizeof(uint64_t));
  memset(docs_hit, 0, (g->ngroups ? g->ngroups : 1) * sizeof(uint64_t));
  for (i = 0; i < m->n; i++) {
    uint64_t d = m->v[i].doc;
    if (d >= g->ndocs) return cp_err_set(err, CP_ECORRUPT, "match beyond the documents");
    for (k = g->first[d]; k < g->first[d + 1]; k++) {
      hits[g->member[k]]++;
      if (d != last) docs_hit[g->member[k]]++;
    }
    last = d;
  }
  return CP_OK;
}
