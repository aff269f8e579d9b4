/*
** dict.c -- dictionary lookup (quanteda's dictionary()/tokens_lookup,
** Lexicoder style): categories of entries, each entry one or more token
** patterns (exact strings or globs with * and ?), counted per document
** in one pass over the tokens.
**
** Compilation turns every pattern into the sorted list of global type
** ids it matches (an exact string is one binary search; a glob scans
** only the lexicon range of its literal prefix, since the lexicon is in
** bytewise order), and indexes the entries by the ids of their first
** pattern.  Matching then looks at each kept token once, tries the few
** entries its type starts, and checks their later patterns by binary
** search in the id lists.
**
** Counting: within a category matches do not overlap; at each position
** the longest matching entry wins and the next match of that category
** starts after it.  Categories are counted independently.
*/
#include <stdlib.h>
#include <string.h>

#include "stats.h"

#define OOM(err) cp_err_set(err, CP_ENOMEM, "out of memory")

/* length of the UTF-8 sequence starting with byte c (1 for bad bytes) */
static size_t u8len (unsigned char c) {
  return c < 0xC0 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
}

/*
** Does glob p match all of s?  '*' is any run of characters, '?' one
** character (a whole UTF-8 sequence).  Iterative with one backtrack
** point, so linear in practice and never recursive.
*/
static int glob_match (const char *p, size_t pl, const char *s, size_t sl) {
  size_t pi = 0, si = 0, star = (size_t)-1, mark = 0;
  while (si < sl) {
    if (pi < pl && p[pi] == '?') {
      pi++;
      si += u8len((unsigned char)s[si]);
    }
    else if (pi < pl && p[pi] == '*') {
      star = pi++;
      mark = si;
    }
    else if (pi < pl && p[pi] == s[si]) {
      pi++;
      si++;
    }
    else if (star != (size_t)-1) {
      pi = star + 1;
      mark += u8len((unsigned char)s[mark]);
      si = mark;
    }
    else return 0;
  }
  while (pi < pl && p[pi] == '*') pi++;
  return pi == pl && si == sl;
}

static int has_wild (const char *p, size_t n) {
  return memchr(p, '*', n) != NULL || memchr(p, '?', n) != NULL;
}

static int cmp_bytes (const char *a, size_t la, const char *b, size_t lb) {
  size_t m = la < lb ? la : lb;
  int r = m ? memcmp(a, b, m) : 0;
  if (r != 0) return r;
  return (la > lb) - (la < lb);
}

/* first global id whose string is >= s */
static uint32_t lower_bound (const cp_glex *g, const char *s, size_t len) {
  uint32_t lo = 0, hi = g->n;
  while (lo < hi) {
    uint32_t mid = lo + (hi - lo) / 2;
    if (cmp_bytes(g->str[mid], g->len[mid], s, len) < 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/* growable uint32 vector */
typedef struct u32v { uint32_t *v; size_t n, cap; } u32v;

static int push (u32v *a, uint32_t x) {
  if (a->n == a->cap) {
    size_t nc = a->cap ? 2 * a->cap : 256;
    uint32_t *nv = (uint32_t *)realloc(a->v, nc * sizeof(uint32_t));
    if (nv == NULL) return 0;
    a->v = nv;
    a->cap = nc;
  }
  a->v[a->n++] = x;
  return 1;
}

/* a compiled token pattern: ids[off .. off+n) of the shared vector */
typedef struct cpat { size_t off, n; } cpat;

typedef struct centry {
  uint32_t cat;
  size_t first, npat;              /* patterns [first, first+npat) */
} centry;

/* append the ids matching pattern p to ids */
static int compile_pattern (const cp_glex *g, const char *p, size_t len,
                            u32v *ids) {
  if (!has_wild(p, len)) {
    int64_t id = cp_glex_find(g, p, len);
    return id < 0 || push(ids, (uint32_t)id);
  }
  else {
    size_t pre = 0;
    uint32_t t;
    while (pre < len && p[pre] != '*' && p[pre] != '?') pre++;
    for (t = lower_bound(g, p, pre); t < g->n; t++) {
      if (g->len[t] < pre || memcmp(g->str[t], p, pre) != 0) break;
      if (glob_match(p, len, g->str[t], g->len[t]) && !push(ids, t))
        return 0;
    }
    return 1;
  }
}

static int in_list (const uint32_t *v, size_t n, uint32_t x) {
  size_t lo = 0, hi = n;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (v[mid] == x) return 1;
    if (v[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  return 0;
}

void cp_lookup_free (cp_lookup_res *r) {
  free(r->doc); free(r->size); free(r->count); free(r->total); free(r->hits);
  memset(r, 0, sizeof(*r));
}

/*
** Normalize one token pattern like the layer: norm = the analyzer's
** norm form; stem = the stem of the norm form, unless it has wildcards
** (a glob is matched against the stems as written); word = as is.
** The result is copied into *buf.
*/
static int norm_pattern (cp_an *an, int layer, const char *p, size_t len,
                         char **buf, size_t *blen) {
  const char *r = p;
  size_t rl = len;
  if (layer != CP_WORD && layer < CP_NLAYERS && an != NULL) {
    r = cp_an_norm(an, p, len, &rl);
    if (r == NULL) return 0;
    if (layer == CP_STEM && !has_wild(r, rl)) {
      char *tmp = (char *)malloc(rl + 1);
      if (tmp == NULL) return 0;
      memcpy(tmp, r, rl);
      r = cp_an_stem(an, tmp, rl, &rl);
      free(tmp);
      if (r == NULL) return 0;
    }
  }
  *buf = (char *)malloc(rl + 1);
  if (*buf == NULL) return 0;
  memcpy(*buf, r, rl);
  *blen = rl;
  return 1;
}

int cp_lookup (cp_corpus *c, const cp_sopt *o, const cp_dentry *ents,
               size_t nents, uint32_t ncats, cp_lookup_res *out,
               cp_err *err) {
  cp_glex g;
  u32v ids = {NULL, 0, 0};
  cpat *pats = NULL;
  centry *ce = NULL;
  size_t npats = 0, patcap = 0, e, ns, si, cap = 0;
  uint32_t *fstart = NULL, *flist = NULL, *toks = NULL;
  uint32_t *best = NULL, *bestent = NULL, *touched = NULL;
  uint64_t *next = NULL;
  size_t maxdoc = 0;
  cp_an *an;
  int rc;
  if (out == NULL) return cp_err_set(err, CP_EINVAL, "no output");
  memset(out, 0, sizeof(*out));
  memset(&g, 0, sizeof(g));
  if (c == NULL || (nents > 0 && ents == NULL) || ncats == 0)
    return cp_err_set(err, CP_EINVAL, "bad arguments to lookup");
  if ((rc = cp_sopt_check(o, err)) != CP_OK) return rc;
  if ((rc = cp_corpus_flush(c, err)) != CP_OK) return rc;
  if ((rc = cp_glex_build_sopt(c, o, &g, err)) != CP_OK) return rc;
  an = cp_corpus_analyzer(c);
  out->ncats = ncats;
  out->nents = nents;
  ce = (centry *)calloc(nents ? nents : 1, sizeof(centry));
  if (ce == NULL) { rc = OOM(err); goto done; }
  /* compile: split each entry on spaces into token patterns */
  for (e = 0; e < nents; e++) {
    const char *s = ents[e].str, *end = s + ents[e].len;
    if (ents[e].cat >= ncats) {
      rc = cp_err_set(err, CP_EINVAL, "entry %zu: bad category", e);
      goto done;
    }
    ce[e].cat = ents[e].cat;
    ce[e].first = npats;
    while (s < end) {
      const char *t;
      char *np;
      size_t nl;
      while (s < end && (*s == ' ' || *s == '\t')) s++;
      if (s >= end) break;
      t = s;
      while (t < end && *t != ' ' && *t != '\t') t++;
      if (npats == patcap) {
        size_t nc = patcap ? 2 * patcap : 64;
        cpat *np2 = (cpat *)realloc(pats, nc * sizeof(cpat));
        if (np2 == NULL) { rc = OOM(err); goto done; }
        pats = np2;
        patcap = nc;
      }
      if (!norm_pattern(an, o->layer, s, (size_t)(t - s), &np, &nl)) {
        rc = OOM(err);
        goto done;
      }
      pats[npats].off = ids.n;
      if (!compile_pattern(&g, np, nl, &ids)) { free(np); rc = OOM(err); goto done; }
      free(np);
      pats[npats].n = ids.n - pats[npats].off;
      npats++;
      ce[e].npat++;
      s = t;
    }
    if (ce[e].npat == 0) {
      rc = cp_err_set(err, CP_EINVAL, "entry %zu is empty", e + 1);
      goto done;
    }
  }
  /* index the entries by the ids of their first pattern (CSR) */
  fstart = (uint32_t *)calloc((size_t)g.n + 1, sizeof(uint32_t));
  if (fstart == NULL) { rc = OOM(err); goto done; }
  for (e = 0; e < nents; e++) {
    const cpat *p = &pats[ce[e].first];
    size_t k;
    for (k = 0; k < p->n; k++) fstart[ids.v[p->off + k] + 1]++;
  }
  for (e = 1; e <= g.n; e++) fstart[e] += fstart[e - 1];
  flist = (uint32_t *)malloc(((size_t)fstart[g.n] + 1) * sizeof(uint32_t));
  next = (uint64_t *)malloc((size_t)g.n * sizeof(uint64_t) + 8);
  if (flist == NULL || next == NULL) { rc = OOM(err); goto done; }
  {
    uint64_t *fill = next;             /* borrowed as a cursor array */
    uint32_t t;
    for (t = 0; t < g.n; t++) fill[t] = fstart[t];
    for (e = 0; e < nents; e++) {
      const cpat *p = &pats[ce[e].first];
      size_t k;
      for (k = 0; k < p->n; k++) flist[fill[ids.v[p->off + k]]++] = (uint32_t)e;
    }
  }
  free(next);
  next = NULL;
  /* results */
  ns = cp_corpus_nsegs(c);
  for (si = 0; si < ns; si++) {
    const cp_seg *sg = cp_corpus_seg(c, si);
    uint32_t d, nd = cp_seg_ndocs(sg);
    cap += nd;
    for (d = 0; d < nd; d++) {
      uint32_t st, cnt;
      if (cp_seg_doc_toks(sg, d, &st, &cnt) == CP_OK && cnt > maxdoc)
        maxdoc = cnt;
    }
  }
  out->doc = (uint64_t *)malloc((cap ? cap : 1) * sizeof(uint64_t));
  out->size = (uint64_t *)malloc((cap ? cap : 1) * sizeof(uint64_t));
  out->count = (uint64_t *)calloc((cap ? cap : 1) * ncats, sizeof(uint64_t));
  out->total = (uint64_t *)calloc(ncats, sizeof(uint64_t));
  out->hits = (uint64_t *)calloc(nents ? nents : 1, sizeof(uint64_t));
  toks = (uint32_t *)malloc((maxdoc ? maxdoc : 1) * sizeof(uint32_t));
  best = (uint32_t *)calloc(ncats, sizeof(uint32_t));
  bestent = (uint32_t *)calloc(ncats, sizeof(uint32_t));
  touched = (uint32_t *)malloc(ncats * sizeof(uint32_t));
  next = (uint64_t *)calloc(ncats, sizeof(uint64_t));
  if (!out->doc || !out->size || !out->count || !out->total || !out->hits
      || !toks || !best || !bestent || !touched || !next) {
    rc = OOM(err);
    goto done;
  }
  for (si = 0; si < ns && rc == CP_OK; si++) {
    cp_view v;
    uint32_t d;
    if ((rc = cp_view_open(c, si, o, &g, &v, err)) != CP_OK) break;
    for (d = 0; d < v.ndocs; d++) {
      uint32_t t0, t1, p;
      size_t m = 0, i, part;
      uint64_t *cnt;
      if (!v.on[d] || cp_view_doc(&v, d, &t0, &t1) != CP_OK) continue;
      for (p = t0; p < t1; p++) {
        uint32_t id = v.map[v.stream[p]];
        if (id != CP_SKIP && m < maxdoc) toks[m++] = id;
      }
      part = out->nparts++;
      out->doc[part] = v.doc_base + d;
      out->size[part] = m;
      cnt = out->count + part * ncats;
      memset(next, 0, ncats * sizeof(uint64_t));
      for (i = 0; i < m; i++) {
        uint32_t t = toks[i], k, nt = 0;
        for (k = fstart[t]; k < fstart[t + 1]; k++) {
          const centry *en = &ce[flist[k]];
          size_t q;
          if (i + en->npat > m || i < next[en->cat]) continue;
          for (q = 1; q < en->npat; q++) {
            const cpat *pp = &pats[en->first + q];
            if (!in_list(ids.v + pp->off, pp->n, toks[i + q])) break;
          }
          if (q < en->npat) continue;
          if (best[en->cat] == 0) touched[nt++] = en->cat;
          if (en->npat > best[en->cat]) {
            best[en->cat] = (uint32_t)en->npat;
            bestent[en->cat] = flist[k];
          }
        }
        for (k = 0; k < nt; k++) {      /* longest entry per category */
          uint32_t cat = touched[k];
          cnt[cat]++;
          out->total[cat]++;
          out->hits[bestent[cat]]++;
          next[cat] = i + best[cat];
          best[cat] = 0;
        }
      }
    }
    cp_view_close(&v);
  }
done:
  free(ids.v); free(pats); free(ce); free(fstart); free(flist); free(toks);
  free(best); free(bestent); free(touched); free(next);
  cp_glex_free(&g);
  return rc;
}
