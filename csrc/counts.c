/*
** counts.c -- partial counts of a statistic, written by the map step
** of a sharded analysis (one shard's documents of the opened sharded
** corpus) and summed by the reduce step, which then scores them with
** the code of the single-corpus path (window collocations, collocates
** of a node, keyness).  docs/SCALE.md, "Analyses".
**
** Every part is counted on the whole sharded corpus with a document
** selection, so its type ids are the global ids of one merged lexicon
** (cp_glex, ids in bytewise string order): parts add up id by id, and
** no string is written.  The reducer builds the same lexicon and
** checks that a part was counted with it (number of types and a hash of
** the strings).
**
** File format (all integers unsigned, little-endian):
**
**   8 bytes   "CPCOUNTS"
**   u32       version (1)
**   u32       kind: 1 window pairs, 2 collocates, 3 keyness
**   u64       ntypes: types of the merged lexicon
**   u64       lexsum: cp_glex_sum of that lexicon
**   u32       nvec: vectors that follow
**   nvec x    { u64 len; len x u64 }
**   u64       XXH64 (seed 0) of every byte before it
**
** The vectors of each kind:
**   pairs       {tokens, ndocs, window}, freq[ntypes], keys[m]
**               ((w1 << 32) | w2, ascending), cnt[m]
**   collocates  {tokens, ndocs, r1, nodes, left, right}, freq[ntypes],
**               ids[m] (ascending), obs[m]
**   keyness     {tokens_t, ndocs_t, tokens_r, ndocs_r}, count_t[ntypes],
**               count_r[ntypes]
**
** A part is written to PATH.tmp and renamed to PATH, so a reader never
** sees half of one.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <xxhash.h>

#include "stats.h"

/* (the sums spend the budget of the reduce's call: 1 unit per vector
** entry read; the summed pairs' array counts against its max_mem) */

#define OOM(err) cp_err_set(err, CP_ENOMEM, "out of memory")

#define MAGIC "CPCOUNTS"
#define VERSION 1u
#define HEADER 36           /* bytes before the first vector */
#define MAXVEC 8

/* {================================================================
** The lexicon's identity
** ================================================================= */

uint64_t cp_glex_sum (const cp_glex *g) {
  XXH64_state_t *s;
  uint64_t h;
  uint32_t i;
  unsigned char len[4];
  if (g == NULL) return 0;
  s = XXH64_createState();
  if (s == NULL) return 0;
  XXH64_reset(s, 0);
  for (i = 0; i < g->n; i++) {
    len[0] = (unsigned char)g->len[i];
    len[1] = (unsigned char)(g->len[i] >> 8);
    len[2] = (unsigned char)(g->len[i] >> 16);
    len[3] = (unsigned char)(g->len[i] >> 24);
    XXH64_update(s, len, 4);
    XXH64_update(s, g->str[i], g->len[i]);
  }
  h = XXH64_digest(s);
  XXH64_freeState(s);
  return h;
}

/* }================================================================ */


/* {================================================================
** Writing
** ================================================================= */

typedef struct wbuf {
  FILE *f;
  XXH64_state_t *h;
  unsigned char b[65536];
  size_t n;
  int failed;
} wbuf;

static void w_flush (wbuf *w) {
  if (w->n == 0) return;
  XXH64_update(w->h, w->b, w->n);
  if (fwrite(w->b, 1, w->n, w->f) != w->n) w->failed = 1;
  w->n = 0;
}

static void w_bytes (wbuf *w, const void *p, size_t n) {
  if (w->n + n > sizeof(w->b)) w_flush(w);
  if (n > sizeof(w->b)) {            /* (callers write 4 or 8 bytes) */
    XXH64_update(w->h, p, n);
    if (fwrite(p, 1, n, w->f) != n) w->failed = 1;
    return;
  }
  memcpy(w->b + w->n, p, n);
  w->n += n;
}

static void w_u32 (wbuf *w, uint32_t v) {
  unsigned char b[4];
  int k;
  for (k = 0; k < 4; k++) b[k] = (unsigned char)(v >> (8 * k));
  w_bytes(w, b, 4);
}

static void w_u64 (wbuf *w, uint64_t v) {
  unsigned char b[8];
  int k;
  for (k = 0; k < 8; k++) b[k] = (unsigned char)(v >> (8 * k));
  w_bytes(w, b, 8);
}

/* a vector given as an array of u64 ('v') or of u32 ('v32') */
typedef struct vec { const uint64_t *v; const uint32_t *v32; uint64_t len; } vec;

static int write_part (const char *path, uint32_t kind, const cp_glex *g,
                       const vec *v, uint32_t nvec, cp_err *err) {
  wbuf *w;
  char *tmp;
  size_t pl;
  uint32_t k;
  uint64_t i, sum;
  int rc = CP_OK;
  if (path == NULL) return cp_err_set(err, CP_EINVAL, "no path for the counts");
  pl = strlen(path);
  tmp = (char *)malloc(pl + 5);
  w = (wbuf *)malloc(sizeof(wbuf));
  if (tmp == NULL || w == NULL) { free(tmp); free(w); return OOM(err); }
  memcpy(tmp, path, pl);
  memcpy(tmp + pl, ".tmp", 5);
  w->n = 0;
  w->failed = 0;
  w->h = XXH64_createState();
  w->f = fopen(tmp, "wb");
  if (w->h == NULL || w->f == NULL) {
    rc = w->h == NULL ? OOM(err)
       : cp_err_set(err, CP_EIO, "%s: cannot create", tmp);
    goto done;
  }
  XXH64_reset(w->h, 0);
  w_bytes(w, MAGIC, 8);
  w_u32(w, VERSION);
  w_u32(w, kind);
  w_u64(w, g->n);
  w_u64(w, cp_glex_sum(g));
  w_u32(w, nvec);
  for (k = 0; k < nvec; k++) {
    w_u64(w, v[k].len);
    for (i = 0; i < v[k].len; i++)
      w_u64(w, v[k].v != NULL ? v[k].v[i] : v[k].v32[i]);
  }
  w_flush(w);
  sum = XXH64_digest(w->h);
  w_u64(w, sum);
  if (w->n > 0 && fwrite(w->b, 1, w->n, w->f) != w->n) w->failed = 1;
  if (fclose(w->f) != 0) w->failed = 1;
  w->f = NULL;
  if (w->failed) rc = cp_err_set(err, CP_EIO, "%s: write failed", tmp);
  else if (rename(tmp, path) != 0)
    rc = cp_err_set(err, CP_EIO, "%s: cannot rename to %s", tmp, path);
done:
  if (w->f != NULL) fclose(w->f);
  if (rc != CP_OK) remove(tmp);
  if (w->h != NULL) XXH64_freeState(w->h);
  free(w);
  free(tmp);
  return rc;
}

typedef struct pkey { uint64_t key, cnt; } pkey;

static int cmp_pkey (const void *x, const void *y) {
  uint64_t a = ((const pkey *)x)->key, b = ((const pkey *)y)->key;
  return (a > b) - (a < b);
}

int cp_pairs_save (const char *path, const cp_grams *g, int window,
                   cp_err *err) {
  uint64_t sc[3], *keys, *cnt;
  pkey *p;
  size_t i, m;
  vec v[4];
  int rc;
  if (g == NULL || g->tab.n != 2 || g->freq == NULL || window < 2)
    return cp_err_set(err, CP_EINVAL, "bad arguments to cp_pairs_save");
  m = g->tab.count;
  p = (pkey *)malloc((m ? m : 1) * sizeof(pkey));
  keys = (uint64_t *)malloc((m ? m : 1) * sizeof(uint64_t));
  cnt = (uint64_t *)malloc((m ? m : 1) * sizeof(uint64_t));
  if (p == NULL || keys == NULL || cnt == NULL) {
    free(p); free(keys); free(cnt);
    return OOM(err);
  }
  for (i = 0; i < m; i++) {
    p[i].key = ((uint64_t)g->tab.keys[2 * i] << 32) | g->tab.keys[2 * i + 1];
    p[i].cnt = g->tab.cnt[i];
  }
  if (!g->sorted && m > 1) qsort(p, m, sizeof(pkey), cmp_pkey);
  for (i = 0; i < m; i++) { keys[i] = p[i].key; cnt[i] = p[i].cnt; }
  free(p);
  sc[0] = g->tokens; sc[1] = g->ndocs; sc[2] = (uint64_t)window;
  memset(v, 0, sizeof(v));
  v[0].v = sc; v[0].len = 3;
  v[1].v = g->freq; v[1].len = g->lex.n;
  v[2].v = keys; v[2].len = m;
  v[3].v = cnt; v[3].len = m;
  rc = write_part(path, CP_COUNTS_PAIRS, &g->lex, v, 4, err);
  free(keys);
  free(cnt);
  return rc;
}

static int cmp_u32 (const void *x, const void *y) {
  uint32_t a = *(const uint32_t *)x, b = *(const uint32_t *)y;
  return (a > b) - (a < b);
}

int cp_coll_save (const char *path, const cp_coll *k, int left, int right,
                  cp_err *err) {
  uint64_t sc[6], *obs;
  uint32_t *ids;
  size_t i;
  vec v[4];
  int rc;
  if (k == NULL || k->freq == NULL || left < 0 || right < 0)
    return cp_err_set(err, CP_EINVAL, "bad arguments to cp_coll_save");
  ids = (uint32_t *)malloc((k->n ? k->n : 1) * sizeof(uint32_t));
  obs = (uint64_t *)calloc(k->lex.n ? k->lex.n : 1, sizeof(uint64_t));
  if (ids == NULL || obs == NULL) { free(ids); free(obs); return OOM(err); }
  for (i = 0; i < k->n; i++) {   /* ids ascending, obs in their order */
    ids[i] = k->ids[i];
    obs[k->ids[i]] = k->obs[i];
  }
  if (k->n > 1) qsort(ids, k->n, sizeof(uint32_t), cmp_u32);
  /* in place: ids are ascending, so ids[i] >= i and obs[ids[i]] is not
  ** yet overwritten when it is read */
  for (i = 0; i < k->n; i++) obs[i] = obs[ids[i]];
  sc[0] = k->tokens; sc[1] = k->ndocs; sc[2] = k->r1; sc[3] = k->nodes;
  sc[4] = (uint64_t)left; sc[5] = (uint64_t)right;
  memset(v, 0, sizeof(v));
  v[0].v = sc; v[0].len = 6;
  v[1].v = k->freq; v[1].len = k->lex.n;
  v[2].v32 = ids; v[2].len = k->n;
  v[3].v = obs; v[3].len = k->n;
  rc = write_part(path, CP_COUNTS_COLL, &k->lex, v, 4, err);
  free(ids);
  free(obs);
  return rc;
}

int cp_keyness_save (const char *path, const cp_flist *t, const cp_flist *r,
                     cp_err *err) {
  uint64_t sc[4];
  vec v[3];
  if (t == NULL || r == NULL || t->count == NULL || r->count == NULL
      || t->lex.n != r->lex.n)
    return cp_err_set(err, CP_EINVAL, "bad arguments to cp_keyness_save");
  sc[0] = t->tokens; sc[1] = t->ndocs; sc[2] = r->tokens; sc[3] = r->ndocs;
  memset(v, 0, sizeof(v));
  v[0].v = sc; v[0].len = 4;
  v[1].v = t->count; v[1].len = t->lex.n;
  v[2].v = r->count; v[2].len = r->lex.n;
  return write_part(path, CP_COUNTS_KEY, &t->lex, v, 3, err);
}

/* }================================================================ */


/* {================================================================
** Reading
** ================================================================= */

typedef struct part {
  unsigned char *img;  size_t size;
  uint32_t nvec;
  const unsigned char *v[MAXVEC];  uint64_t len[MAXVEC];
} part;

static uint32_t g32 (const unsigned char *p) {
  return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16
       | (uint32_t)p[3] << 24;
}

static uint64_t g64 (const unsigned char *p) {
  return (uint64_t)g32(p) | (uint64_t)g32(p + 4) << 32;
}

/* element i of vector k */
#define AT(pt, k, i) g64((pt)->v[k] + 8 * (size_t)(i))

static void part_free (part *p) { free(p->img); p->img = NULL; }

/*
** Read and check one part: magic, version, kind, the lexicon it was
** counted with, its checksum, vector bounds, and 'nvec' vectors of
** which 'dense' (a bit per vector) hold ntypes entries.
*/
static int part_read (const char *path, uint32_t kind, const cp_glex *g,
                      uint64_t lexsum, uint32_t nvec, unsigned dense,
                      part *p, cp_err *err) {
  FILE *f;
  long sz;
  size_t off;
  uint32_t k;
  memset(p, 0, sizeof(*p));
  f = fopen(path, "rb");
  if (f == NULL) return cp_err_set(err, CP_ENOENT, "%s: no such counts file", path);
  if (fseek(f, 0, SEEK_END) != 0 || (sz = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) != 0) {
    fclose(f);
    return cp_err_set(err, CP_EIO, "%s: cannot read", path);
  }
  p->size = (size_t)sz;
  p->img = (unsigned char *)malloc(p->size ? p->size : 1);
  if (p->img == NULL) { fclose(f); return OOM(err); }
  if (fread(p->img, 1, p->size, f) != p->size) {
    fclose(f);
    part_free(p);
    return cp_err_set(err, CP_EIO, "%s: cannot read", path);
  }
  fclose(f);
  if (p->size < HEADER + 8 || memcmp(p->img, MAGIC, 8) != 0
      || XXH64(p->img, p->size - 8, 0) != g64(p->img + p->size - 8)) {
    part_free(p);
    return cp_err_set(err, CP_ECORRUPT, "%s: not a counts file, or damaged", path);
  }
  if (g32(p->img + 8) != VERSION) {
    part_free(p);
    return cp_err_set(err, CP_EVERSION, "%s: counts version %u, not %u", path,
                      (unsigned)g32(p->img + 8), VERSION);
  }
  if (g32(p->img + 12) != kind || g32(p->img + 32) != nvec) {
    part_free(p);
    return cp_err_set(err, CP_ECORRUPT, "%s: counts of another analysis", path);
  }
  if (g64(p->img + 16) != g->n || g64(p->img + 24) != lexsum) {
    part_free(p);
    return cp_err_set(err, CP_ECORRUPT, "%s: counted on another index or layer "
                      "(its lexicon differs): run the map step again", path);
  }
  p->nvec = nvec;
  off = HEADER;
  for (k = 0; k < nvec; k++) {
    uint64_t len;
    if (off + 8 > p->size - 8) break;
    len = g64(p->img + off);
    off += 8;
    if (len > (p->size - 8 - off) / 8) break;
    if (((dense >> k) & 1u) && len != g->n) break;
    p->v[k] = p->img + off;
    p->len[k] = len;
    off += (size_t)len * 8;
  }
  if (k < nvec || off != p->size - 8) {
    part_free(p);
    return cp_err_set(err, CP_ECORRUPT, "%s: bad vector lengths", path);
  }
  return CP_OK;
}

/* the scalars vector (0) must have 'n' entries */
static int scalars (const part *p, uint64_t n, const char *path, cp_err *err) {
  if (p->len[0] != n)
    return cp_err_set(err, CP_ECORRUPT, "%s: bad scalars", path);
  return CP_OK;
}

static int add_dense (uint64_t *dst, const part *p, uint32_t k, uint64_t n) {
  uint64_t i;
  for (i = 0; i < n; i++) dst[i] += AT(p, k, i);
  return CP_OK;
}

static int check_paths (const char *const *paths, size_t n, cp_err *err) {
  size_t i;
  if (paths == NULL || n == 0)
    return cp_err_set(err, CP_EINVAL, "no counts to sum");
  for (i = 0; i < n; i++)
    if (paths[i] == NULL) return cp_err_set(err, CP_EINVAL, "no counts to sum");
  return CP_OK;
}

int cp_pairs_sum (const char *const *paths, size_t n, int window,
                  cp_budget *b, cp_grams *out, cp_err *err) {
  uint64_t lexsum, total = 0;
  pkey *all = NULL;
  size_t i, m = 0, j, w;
  int rc;
  if (out == NULL || out->freq != NULL || out->tab.keys != NULL || window < 2)
    return cp_err_set(err, CP_EINVAL, "bad arguments to cp_pairs_sum");
  if ((rc = check_paths(paths, n, err)) != CP_OK) return rc;
  lexsum = cp_glex_sum(&out->lex);
  out->freq = (uint64_t *)calloc(out->lex.n ? out->lex.n : 1, sizeof(uint64_t));
  if (out->freq == NULL) return OOM(err);
  cp_idtab_init(&out->tab, 2);
  out->tokens = out->ndocs = 0;
  for (i = 0; i < n && rc == CP_OK; i++) {
    part p;
    pkey *na;
    uint64_t e;
    if ((rc = part_read(paths[i], CP_COUNTS_PAIRS, &out->lex, lexsum, 4, 2u, &p, err)) != CP_OK)
      break;
    if ((rc = scalars(&p, 3, paths[i], err)) == CP_OK && AT(&p, 0, 2) != (uint64_t)window)
      rc = cp_err_set(err, CP_ECORRUPT, "%s: counted with window %llu, not %d", paths[i],
                      (unsigned long long)AT(&p, 0, 2), window);
    if (rc == CP_OK && p.len[2] != p.len[3])
      rc = cp_err_set(err, CP_ECORRUPT, "%s: bad vector lengths", paths[i]);
    if (rc == CP_OK) {
      out->tokens += AT(&p, 0, 0);
      out->ndocs += AT(&p, 0, 1);
      add_dense(out->freq, &p, 1, out->lex.n);
      total += p.len[2];
      rc = cp_budget_mem(b, total * sizeof(pkey), "the summed window pairs", err);
      if (rc == CP_OK)
        rc = cp_budget_spend(b, out->lex.n + 2 * p.len[2], err);
      na = rc != CP_OK ? NULL
         : (pkey *)realloc(all, (size_t)(total ? total : 1) * sizeof(pkey));
      if (rc != CP_OK) {}
      else if (na == NULL) rc = OOM(err);
      else {
        all = na;
        for (e = 0; e < p.len[2]; e++) {
          uint64_t key = AT(&p, 2, e);
          if ((key >> 32) >= out->lex.n || (key & 0xffffffffu) >= out->lex.n) {
            rc = cp_err_set(err, CP_ECORRUPT, "%s: type id out of range", paths[i]);
            break;
          }
          all[m].key = key;
          all[m].cnt = AT(&p, 3, e);
          m++;
        }
      }
    }
    part_free(&p);
  }
  if (rc == CP_OK && m > 1) qsort(all, m, sizeof(pkey), cmp_pkey);
  /* equal keys (the same pair in several parts) add up */
  for (i = 0, w = 0; rc == CP_OK && i < m; i = j) {
    uint64_t c = 0;
    for (j = i; j < m && all[j].key == all[i].key; j++) c += all[j].cnt;
    all[w].key = all[i].key;
    all[w].cnt = c;
    w++;
  }
  if (rc == CP_OK) {
    cp_idtab *h = &out->tab;
    h->keys = (uint32_t *)malloc((w ? w : 1) * 2 * sizeof(uint32_t));
    h->cnt = (uint64_t *)malloc((w ? w : 1) * sizeof(uint64_t));
    h->df = (uint64_t *)calloc(w ? w : 1, sizeof(uint64_t));
    if (h->keys == NULL || h->cnt == NULL || h->df == NULL) rc = OOM(err);
    else {
      for (i = 0; i < w; i++) {
        h->keys[2 * i] = (uint32_t)(all[i].key >> 32);
        h->keys[2 * i + 1] = (uint32_t)all[i].key;
        h->cnt[i] = all[i].cnt;
      }
      h->count = h->cap = w;
      out->sorted = 1;
    }
  }
  free(all);
  return rc;
}

int cp_coll_sum (const char *const *paths, size_t n, int left, int right,
                 cp_budget *b, cp_coll *out, cp_err *err) {
  uint64_t lexsum, *obs;
  size_t i, k;
  uint32_t id;
  int rc;
  if (out == NULL || out->freq != NULL || out->ids != NULL || left < 0 || right < 0)
    return cp_err_set(err, CP_EINVAL, "bad arguments to cp_coll_sum");
  if ((rc = check_paths(paths, n, err)) != CP_OK) return rc;
  lexsum = cp_glex_sum(&out->lex);
  out->freq = (uint64_t *)calloc(out->lex.n ? out->lex.n : 1, sizeof(uint64_t));
  obs = (uint64_t *)calloc(out->lex.n ? out->lex.n : 1, sizeof(uint64_t));
  if (out->freq == NULL || obs == NULL) { free(obs); return OOM(err); }
  out->tokens = out->ndocs = out->r1 = out->nodes = 0;
  for (i = 0; i < n && rc == CP_OK; i++) {
    part p;
    uint64_t e;
    if ((rc = part_read(paths[i], CP_COUNTS_COLL, &out->lex, lexsum, 4, 2u, &p, err)) != CP_OK)
      break;
    if ((rc = scalars(&p, 6, paths[i], err)) == CP_OK
        && (AT(&p, 0, 4) != (uint64_t)left || AT(&p, 0, 5) != (uint64_t)right))
      rc = cp_err_set(err, CP_ECORRUPT, "%s: counted with another window", paths[i]);
    if (rc == CP_OK && p.len[2] != p.len[3])
      rc = cp_err_set(err, CP_ECORRUPT, "%s: bad vector lengths", paths[i]);
    if (rc == CP_OK) rc = cp_budget_spend(b, out->lex.n + p.len[2], err);
    if (rc == CP_OK) {
      out->tokens += AT(&p, 0, 0);
      out->ndocs += AT(&p, 0, 1);
      out->r1 += AT(&p, 0, 2);
      out->nodes += AT(&p, 0, 3);
      add_dense(out->freq, &p, 1, out->lex.n);
      for (e = 0; e < p.len[2]; e++) {
        uint64_t x = AT(&p, 2, e);
        if (x >= out->lex.n) {
          rc = cp_err_set(err, CP_ECORRUPT, "%s: type id out of range", paths[i]);
          break;
        }
        obs[x] += AT(&p, 3, e);
      }
    }
    part_free(&p);
  }
  if (rc == CP_OK) {
    for (id = 0, k = 0; id < out->lex.n; id++) k += obs[id] > 0;
    out->ids = (uint32_t *)malloc((k ? k : 1) * sizeof(uint32_t));
    out->obs = (uint64_t *)malloc((k ? k : 1) * sizeof(uint64_t));
    if (out->ids == NULL || out->obs == NULL) rc = OOM(err);
    else {
      for (id = 0, k = 0; id < out->lex.n; id++)
        if (obs[id] > 0) { out->ids[k] = id; out->obs[k] = obs[id]; k++; }
      out->n = k;
    }
  }
  free(obs);
  return rc;
}

int cp_keyness_sum (const char *const *paths, size_t n, cp_budget *b,
                    cp_flist *t, cp_flist *r, cp_err *err) {
  uint64_t lexsum;
  size_t i;
  int rc;
  if (t == NULL || r == NULL || t->count != NULL || r->count != NULL
      || t->lex.n != r->lex.n)
    return cp_err_set(err, CP_EINVAL, "bad arguments to cp_keyness_sum");
  if ((rc = check_paths(paths, n, err)) != CP_OK) return rc;
  lexsum = cp_glex_sum(&t->lex);
  t->count = (uint64_t *)calloc(t->lex.n ? t->lex.n : 1, sizeof(uint64_t));
  t->docs = (uint64_t *)calloc(t->lex.n ? t->lex.n : 1, sizeof(uint64_t));
  r->count = (uint64_t *)calloc(r->lex.n ? r->lex.n : 1, sizeof(uint64_t));
  r->docs = (uint64_t *)calloc(r->lex.n ? r->lex.n : 1, sizeof(uint64_t));
  if (t->count == NULL || t->docs == NULL || r->count == NULL || r->docs == NULL)
    return OOM(err);
  t->tokens = t->ndocs = r->tokens = r->ndocs = 0;
  for (i = 0; i < n && rc == CP_OK; i++) {
    part p;
    if ((rc = part_read(paths[i], CP_COUNTS_KEY, &t->lex, lexsum, 3, 6u, &p, err)) != CP_OK)
      break;
    if ((rc = scalars(&p, 4, paths[i], err)) == CP_OK
        && (rc = cp_budget_spend(b, 2 * (uint64_t)t->lex.n, err)) == CP_OK) {
      t->tokens += AT(&p, 0, 0);
      t->ndocs += AT(&p, 0, 1);
      r->tokens += AT(&p, 0, 2);
      r->ndocs += AT(&p, 0, 3);
      add_dense(t->count, &p, 1, t->lex.n);
      add_dense(r->count, &p, 2, r->lex.n);
    }
    part_free(&p);
  }
  return rc;
}

/* }================================================================ */
