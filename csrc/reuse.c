/*
** reuse.c -- candidate pairs from shared shingles, seeds, and passages
** (the plan is in reuse.h and docs/REUSE.md).
**
** Documents of both corpora are numbered in one space 'u' (this
** corpus's live documents first, then the other's), each with the roles
** it may play: A (a side, from 'source') and B (b side, from 'target').
** A pair {x, y}, x < y, gives seeds (x, y) when x is A and y is B, else
** (y, x) when y is A and x is B: so without source/target every
** unordered pair is seen once, and against another corpus every seed
** has its a side in this corpus.
*/
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <xxhash.h>

#include "reuse.h"
#include "lex.h"

#define OOM(err) cp_err_set(err, CP_ENOMEM, "out of memory")

enum { ROLE_A = 1, ROLE_B = 2 };

/* a code internal to this file: the seeds of a range passed the budget */
#define SPLIT (-1)

typedef struct udoc {
  uint64_t doc;            /* global number in its corpus */
  uint32_t seg, local;     /* segment index, local document */
  uint32_t tok0, ntok;     /* its tokens in the segment */
  uint8_t corpus, role;
} udoc;

typedef struct post { uint64_t h; uint32_t u, w; } post;
typedef struct seed { uint32_t a, b, aw, bw; } seed;

/* the words of one document: views into the cache (all documents'
** words, when they fit CP_REUSE_CACHE) or into owned buffers */
typedef struct words {
  const uint64_t *h;  const uint32_t *tok;  uint32_t n;
  uint64_t *hbuf;  uint32_t *tbuf;  uint32_t cap;
} words;

typedef struct cand {
  uint32_t a0, a1, b0, b1, cols, same;
  double score;
} cand;

typedef struct rstate {
  cp_corpus *c[2];
  const cp_reuse_opt *o;
  cp_align_cost cost;
  uint64_t max_work;
  udoc *d;  uint32_t nd;
  uint64_t **th;           /* per (corpus, segment): word id -> hash, 0 punct */
  uint64_t **vh;           /* with a stored layer: value id -> hash (0: none) */
  const uint32_t **ls;     /* with a stored layer: its stream */
  int stored[2];           /* a segment of corpus k stores the layer */
  uint64_t *ch;  uint32_t *ct;  uint64_t *coff;   /* word cache, or NULL */
  uint32_t *cn;            /* words of each document in the cache */
  size_t nseg0, nseg1;
  post *p, *ptmp;  size_t np, pcap;
  seed *s;  size_t ns, scap;
  post *kp;  size_t nkp, kpcap;   /* postings of seeding shingles, by group */
  words wa, wb;
  cand *cd;  size_t ncd, cdcap;
  cp_reuse *out;
  uint64_t nwords;         /* tokens of the documents with a role */
  uint64_t work_base;      /* work of the other threads, when this one
                              started (the work limit counts both) */
} rstate;

void cp_reuse_opt_init (cp_reuse_opt *o) {
  if (o == NULL) return;
  memset(o, 0, sizeof(*o));
  o->min = 8;
  o->layer = CP_NORM;
  o->max_df = 100;
  o->mismatch = 1.0;
  o->gap = 1.0;
  o->gap_extend = 0.1;
}

void cp_reuse_free (cp_reuse *r) {
  if (r == NULL) return;
  free(r->v);
  memset(r, 0, sizeof(*r));
}

static int over_work (rstate *st, cp_err *err) {
  if (st->work_base + st->out->work <= st->max_work) return 0;
  cp_err_set(err, CP_ELIMIT, "reuse: work limit exceeded (%llu steps)",
             (unsigned long long)st->max_work);
  return 1;
}

static int bit_set (const unsigned char *bits, uint64_t nbits, uint64_t d) {
  return d < nbits && (bits[d >> 3] >> (d & 7)) & 1;
}


/* {================================================================
** Documents and words
** ================================================================= */

/* hash of every word type of a segment in the layer (0 = punctuation;
** with a stored layer, the norm form: the fallback of a token without a
** value), and with a stored layer the hash of each of its values (0 for
** the empty value) and its stream */
static int seg_hashes (rstate *st, int corpus, uint32_t si, cp_err *err) {
  const cp_seg *s = cp_corpus_seg(st->c[corpus], si);
  const cp_reuse_opt *o = st->o;
  int layer = o->layer_name != NULL ? CP_NORM : o->layer;
  uint32_t n = cp_seg_ntypes(s, CP_WORD), id;
  uint64_t *t = (uint64_t *)malloc((n ? n : 1) * sizeof(uint64_t));
  size_t slot = corpus ? st->nseg0 + si : si;
  if (t == NULL) return OOM(err);
  st->th[slot] = t;
  for (id = 0; id < n; id++) {
    uint32_t lid = cp_seg_map(s, layer, id);
    const char *str;
    size_t len;
    t[id] = 0;
    if (cp_seg_type_punct(s, id) || lid == UINT32_MAX) continue;
    str = cp_seg_type(s, layer, lid, &len);
    if (str == NULL) continue;
    t[id] = XXH3_64bits(str, len);
    if (t[id] == 0) t[id] = 1;
  }
  if (o->layer_name != NULL) {
    int64_t li = cp_seg_layer(s, o->layer_name, strlen(o->layer_name));
    uint32_t nv, v;
    uint64_t *vt;
    if (li < CP_NLAYERS || cp_seg_layer_stream(s, (size_t)li) == NULL)
      return CP_OK;                    /* not here: the norm forms */
    st->stored[corpus] = 1;
    nv = cp_seg_ntypes(s, (int)li);
    vt = (uint64_t *)malloc((nv ? nv : 1) * sizeof(uint64_t));
    if (vt == NULL) return OOM(err);
    st->vh[slot] = vt;
    st->ls[slot] = cp_seg_layer_stream(s, (size_t)li);
    for (v = 0; v < nv; v++) {
      size_t len;
      const char *str = cp_seg_type(s, (int)li, v, &len);
      vt[v] = 0;
      if (str == NULL || len == 0) continue;
      vt[v] = XXH3_64bits(str, len);
      if (vt[v] == 0) vt[v] = 1;
    }
  }
  return CP_OK;
}

/* the words of document u from its token stream into h and tok (room
** for its tokens): hashes and token indexes in the document; how many */
static uint32_t read_words (const rstate *st, uint32_t u, uint64_t *h,
                            uint32_t *tok) {
  const udoc *d = &st->d[u];
  const cp_seg *s = cp_corpus_seg(st->c[d->corpus], d->seg);
  const uint32_t *stream = cp_seg_stream(s), *ls;
  const uint64_t *t, *vt;
  size_t slot = d->corpus ? st->nseg0 + d->seg : d->seg;
  uint32_t k, n = 0;
  t = st->th[slot];
  ls = st->ls != NULL ? st->ls[slot] : NULL;
  vt = st->vh != NULL ? st->vh[slot] : NULL;
  for (k = 0; k < d->ntok; k++) {
    uint64_t x = t[stream[d->tok0 + k]];
    if (x == 0) continue;
    if (ls != NULL && vt[ls[d->tok0 + k]] != 0) x = vt[ls[d->tok0 + k]];
    h[n] = x;
    tok[n++] = k;
  }
  return n;
}

/* the words of document u: from the cache, or read into w's buffers */
static int load_words (rstate *st, uint32_t u, words *w, cp_err *err) {
  const udoc *d = &st->d[u];
  if (st->coff != NULL) {
    w->h = st->ch + st->coff[u];
    w->tok = st->ct + st->coff[u];
    w->n = st->cn[u];
    return CP_OK;
  }
  if (d->ntok > w->cap) {
    uint64_t *nh = (uint64_t *)realloc(w->hbuf, d->ntok * sizeof(uint64_t));
    uint32_t *nt;
    if (nh == NULL) return OOM(err);
    w->hbuf = nh;
    nt = (uint32_t *)realloc(w->tbuf, d->ntok * sizeof(uint32_t));
    if (nt == NULL) return OOM(err);
    w->tbuf = nt;
    w->cap = d->ntok;
  }
  w->n = read_words(st, u, w->hbuf, w->tbuf);
  w->h = w->hbuf;
  w->tok = w->tbuf;
  return CP_OK;
}

/* documents [lo, hi) read into the cache by one thread */
typedef struct filler { const rstate *st; uint32_t lo, hi; } filler;

/*
** Run fn over the n records of arr (each 'size' bytes) on up to n
** threads: record 0 on this one.  A record whose thread cannot be
** started runs here too, so every record runs once whatever the system
** allows, and the results (sorted by a total order afterwards) do not
** depend on how many threads there were.
*/
static void run_threads (void *(*fn) (void *), void *arr, size_t size,
                         size_t n) {
  pthread_t th[CP_REUSE_THREADS];
  size_t k, started;
  char *a = (char *)arr;
  for (started = 1; started < n && started < CP_REUSE_THREADS; started++)
    if (pthread_create(&th[started], NULL, fn, a + size * started) != 0)
      break;
  for (k = started; k < n; k++) fn(a + size * k);   /* not started */
  fn(a);
  for (k = 1; k < started; k++) pthread_join(th[k], NULL);
}

static void *fill_share (void *arg) {
  const filler *f = (const filler *)arg;
  const rstate *st = f->st;
  uint32_t u;
  for (u = f->lo; u < f->hi; u++)
    st->cn[u] = st->d[u].role == 0 ? 0
              : read_words(st, u, st->ch + st->coff[u], st->ct + st->coff[u]);
  return NULL;
}

/* the words of every document with a role, read once (by the threads,
** each over a share of the tokens), when they fit CP_REUSE_CACHE words:
** the pairs then read them without going over the token stream again
** (each document is in many pairs).  A document's words start at its
** first token's place, so the shares need no count first. */
static int cache_words (rstate *st, uint64_t ntok, size_t nt, cp_err *err) {
  uint64_t off = 0;
  uint32_t u, lo = 0;
  filler f[CP_REUSE_THREADS];
  size_t k;
  (void)err;
  if (ntok > CP_REUSE_CACHE) return CP_OK;
  st->ch = (uint64_t *)malloc((ntok ? ntok : 1) * sizeof(uint64_t));
  st->ct = (uint32_t *)malloc((ntok ? ntok : 1) * sizeof(uint32_t));
  st->coff = (uint64_t *)malloc(((size_t)st->nd + 1) * sizeof(uint64_t));
  st->cn = (uint32_t *)malloc(((size_t)st->nd + 1) * sizeof(uint32_t));
  if (!st->ch || !st->ct || !st->coff || !st->cn) {   /* no room: per pair */
    free(st->ch); free(st->ct); free(st->coff); free(st->cn);
    st->ch = NULL; st->ct = NULL; st->coff = NULL; st->cn = NULL;
    return CP_OK;
  }
  if (nt > CP_REUSE_THREADS) nt = CP_REUSE_THREADS;
  for (k = 0; k < nt; k++) { f[k].st = st; f[k].lo = f[k].hi = st->nd; }
  for (u = 0, k = 0; u < st->nd; u++) {
    st->coff[u] = off;
    if (st->d[u].role) off += st->d[u].ntok;
    /* a share ends past its part of the tokens */
    if (k + 1 < nt && off >= ntok * (k + 1) / nt) {
      f[k].lo = lo; f[k].hi = u + 1; lo = u + 1; k++;
    }
  }
  st->coff[st->nd] = off;
  f[k].lo = lo; f[k].hi = st->nd;
  run_threads(fill_share, f, sizeof(f[0]), nt);
  return CP_OK;
}

/* the document table and the hash tables of every segment */
static int build_docs (rstate *st, cp_err *err) {
  int k;
  size_t total = 0, ns[2], si, i = 0;
  const cp_reuse_opt *o = st->o;
  ns[0] = cp_corpus_nsegs(st->c[0]);
  ns[1] = st->c[1] != st->c[0] ? cp_corpus_nsegs(st->c[1]) : 0;
  st->nseg0 = ns[0];
  st->nseg1 = ns[1];
  st->th = (uint64_t **)calloc(ns[0] + ns[1] + 1, sizeof(uint64_t *));
  if (st->th == NULL) return OOM(err);
  if (o->layer_name != NULL) {
    st->vh = (uint64_t **)calloc(ns[0] + ns[1] + 1, sizeof(uint64_t *));
    st->ls = (const uint32_t **)calloc(ns[0] + ns[1] + 1, sizeof(uint32_t *));
    if (st->vh == NULL || st->ls == NULL) return OOM(err);
  }
  for (k = 0; k < 2; k++)
    for (si = 0; si < ns[k]; si++)
      total += cp_seg_ndocs(cp_corpus_seg(st->c[k], si));
  if (total >= UINT32_MAX) return cp_err_set(err, CP_ELIMIT, "reuse: too many documents");
  st->d = (udoc *)malloc((total ? total : 1) * sizeof(udoc));
  if (st->d == NULL) return OOM(err);
  for (k = 0; k < 2; k++) {
    const unsigned char *sel = k == 0 ? o->source : o->target;
    uint64_t nsel = k == 0 ? o->nsource : o->ntarget;
    int against = st->c[1] != st->c[0];
    for (si = 0; si < ns[k]; si++) {
      const cp_seg *s = cp_corpus_seg(st->c[k], si);
      uint64_t base = cp_corpus_doc_base(st->c[k], si);
      uint32_t nd = cp_seg_ndocs(s), ld;
      int rc = seg_hashes(st, k, (uint32_t)si, err);
      if (rc != CP_OK) return rc;
      for (ld = 0; ld < nd; ld++) {
        cp_docinfo di;
        udoc *u = &st->d[i];
        uint64_t g = base + ld;
        if (cp_corpus_is_deleted(st->c[k], si, ld)) continue;
        if (cp_seg_doc_head(s, ld, &di) != CP_OK) continue;
        u->doc = g; u->seg = (uint32_t)si; u->local = ld;
        u->tok0 = di.tok_start; u->ntok = di.tok_count;
        u->corpus = (uint8_t)k;
        u->role = 0;
        if (!against) {
          if (o->source == NULL || bit_set(o->source, o->nsource, g)) u->role |= ROLE_A;
          if (o->target == NULL || bit_set(o->target, o->ntarget, g)) u->role |= ROLE_B;
        } else if (sel == NULL || bit_set(sel, nsel, g)) {
          u->role = k == 0 ? ROLE_A : ROLE_B;
        }
        /* too short to hold a passage: plays no role (cheap test first:
        ** a document has at least as many tokens as words) */
        if (u->ntok < o->min || u->ntok < CP_REUSE_N) u->role = 0;
        i++;
      }
    }
  }
  st->nd = (uint32_t)i;
  for (k = 0; k < 2 && o->layer_name != NULL; k++)
    if ((k == 0 || st->c[1] != st->c[0]) && ns[k] > 0 && !st->stored[k])
      return cp_err_set(err, CP_EINVAL, "reuse: layer '%s' is not stored "
                        "in %s corpus", o->layer_name,
                        k ? "the 'against'" : "this");
  return CP_OK;
}

/* }================================================================ */


/* threads: the cores online, at most CP_REUSE_THREADS */
static size_t nthreads (void) {
  long n = sysconf(_SC_NPROCESSORS_ONLN);
  if (n < 1) n = 1;
  return n > CP_REUSE_THREADS ? CP_REUSE_THREADS : (size_t)n;
}

/* {================================================================
** Shingles and seeds
** ================================================================= */

static uint64_t mix64 (uint64_t x) {       /* murmur3's finalizer */
  x ^= x >> 33; x *= 0xff51afd7ed558ccdull;
  x ^= x >> 33; x *= 0xc4ceb9fe1a85ec53ull;
  x ^= x >> 33;
  return x;
}

/* the hash of the CP_REUSE_N word hashes at h: a weighted sum (word
** hashes are XXH3 values, already uniform), then one mix */
static uint64_t shingle (const uint64_t *h) {
  return mix64(h[0] + h[1] * 0x9e3779b97f4a7c15ull
               + h[2] * 0xc2b2ae3d27d4eb4full + h[3] * 0x165667b19e3779f9ull);
}

/* stable insertion sort of p[0..n) by the low 48 bits of h */
static void insertion_low (post *p, size_t n) {
  const uint64_t mask = (1ull << 48) - 1;
  size_t i;
  for (i = 1; i < n; i++) {
    post x = p[i];
    size_t k = i;
    while (k > 0 && (p[k - 1].h & mask) > (x.h & mask)) { p[k] = p[k - 1]; k--; }
    p[k] = x;
  }
}

/* stable sort of p[0..n) by the low 48 bits of h: a counting pass on
** bits 40..47 into tmp and back (the hashes are uniform, so this leaves
** few out of order), then insertion; a big bucket (many copies of a few
** hashes: repeated text) takes six counting passes instead, so the time
** stays linear; cnt holds 256 counts */
static void sort_low (post *p, post *tmp, size_t n, size_t *cnt) {
  size_t i, sum = 0;
  if (n > 1024) {
    int sh;
    post *src = p, *dst = tmp, *t;
    for (sh = 0; sh < 48; sh += 8) {
      sum = 0;
      memset(cnt, 0, 256 * sizeof(size_t));
      for (i = 0; i < n; i++) cnt[(src[i].h >> sh) & 255]++;
      for (i = 0; i < 256; i++) { size_t c = cnt[i]; cnt[i] = sum; sum += c; }
      for (i = 0; i < n; i++) dst[cnt[(src[i].h >> sh) & 255]++] = src[i];
      t = src; src = dst; dst = t;
    }
    return;                          /* six passes: back in p */
  }
  if (n >= 32) {
    memset(cnt, 0, 256 * sizeof(size_t));
    for (i = 0; i < n; i++) cnt[(p[i].h >> 40) & 255]++;
    for (i = 0; i < 256; i++) { size_t c = cnt[i]; cnt[i] = sum; sum += c; }
    for (i = 0; i < n; i++) tmp[cnt[(p[i].h >> 40) & 255]++] = p[i];
    memcpy(p, tmp, n * sizeof(post));
  }
  insertion_low(p, n);
}

/*
** Stable sort of p[0..n) by h: one pass into 65,536 buckets by the top
** 16 bits, then each bucket (small: the hashes are uniform; a bucket of
** one repeated hash is already in order) by the low 48 bits.
*/
static int sort_posts (post *p, post *tmp, size_t n, cp_err *err) {
  size_t *cnt = (size_t *)malloc((65536 + 256) * sizeof(size_t));
  size_t i, sum = 0, b;
  if (cnt == NULL) return OOM(err);
  memset(cnt, 0, 65536 * sizeof(size_t));
  for (i = 0; i < n; i++) cnt[p[i].h >> 48]++;
  for (i = 0; i < 65536; i++) { size_t c = cnt[i]; cnt[i] = sum; sum += c; }
  for (i = 0; i < n; i++) tmp[cnt[p[i].h >> 48]++] = p[i];
  /* cnt[b] is now the end of bucket b */
  for (b = 0, sum = 0; b < 65536; b++) {
    size_t end = cnt[b], k;
    int same = 1;
    for (k = sum + 1; k < end && same; k++) same = tmp[k].h == tmp[sum].h;
    if (!same) sort_low(tmp + sum, p + sum, end - sum, cnt + 65536);
    sum = end;
  }
  if (n > 0) memcpy(p, tmp, n * sizeof(post));
  free(cnt);
  return CP_OK;
}

static int push_seed (rstate *st, uint32_t a, uint32_t b, uint32_t aw,
                      uint32_t bw, cp_err *err) {
  seed *s;
  if (st->ns >= CP_REUSE_SEEDS) return SPLIT;
  if (!cp_grow((void **)&st->s, &st->scap, st->ns + 1, sizeof(seed)))
    return OOM(err);
  s = &st->s[st->ns++];
  s->a = a; s->b = b; s->aw = aw; s->bw = bw;
  return CP_OK;
}

/* seeds of one group of postings with the same shingle, a in [lo, hi) */
static int group_seeds (rstate *st, const post *g, size_t n, uint32_t lo,
                        uint32_t hi, cp_err *err) {
  size_t i, j, df = 1;
  for (i = 1; i < n; i++) df += g[i].u != g[i - 1].u;
  if (df < 2) return CP_OK;
  if (df > st->o->max_df || n > st->o->max_df) {
    st->out->boilerplate++;
    return CP_OK;
  }
  for (i = 0; i < n; i++)
    for (j = i + 1; j < n; j++) {
      uint32_t x = g[i].u, y = g[j].u;
      int rc = CP_OK;
      if (x == y) continue;
      if ((st->d[x].role & ROLE_A) && (st->d[y].role & ROLE_B)) {
        if (x >= lo && x < hi) rc = push_seed(st, x, y, g[i].w, g[j].w, err);
      } else if ((st->d[y].role & ROLE_A) && (st->d[x].role & ROLE_B)) {
        if (y >= lo && y < hi) rc = push_seed(st, y, x, g[j].w, g[i].w, err);
      }
      if (rc != CP_OK) return rc;
    }
  return CP_OK;
}

/* postings of partition 'part' of 'nparts' from every document with a
** role, then their seeds */
static int partition_seeds (rstate *st, uint32_t part, uint32_t nparts,
                            uint32_t lo, uint32_t hi, cp_err *err) {
  uint32_t u, k;
  size_t i, j;
  int rc;
  st->np = 0;
  for (u = 0; u < st->nd; u++) {
    words *w = &st->wa;
    if (st->d[u].role == 0) continue;
    if ((rc = load_words(st, u, w, err)) != CP_OK) return rc;
    if (w->n < CP_REUSE_N) continue;
    for (k = 0; k + CP_REUSE_N <= w->n; k++) {
      uint64_t h = shingle(w->h + k);
      if ((h & (nparts - 1)) != part) continue;
      if (st->np >= st->pcap) {         /* first: the expected share */
        size_t nc = st->pcap ? st->pcap * 2
                  : (size_t)(st->nwords / nparts + st->nwords / (8 * nparts)) + 1024;
        post *np = (post *)realloc(st->p, nc * sizeof(post));
        if (np == NULL) return OOM(err);
        st->p = np;
        np = (post *)realloc(st->ptmp, nc * sizeof(post));
        if (np == NULL) return OOM(err);
        st->ptmp = np;
        st->pcap = nc;
      }
      st->p[st->np].h = h; st->p[st->np].u = u; st->p[st->np].w = k;
      st->np++;
    }
  }
  st->out->work += st->np;
  if (over_work(st, err)) return CP_ELIMIT;
  if ((rc = sort_posts(st->p, st->ptmp, st->np, err)) != CP_OK) return rc;
  if (hi == 0) return CP_OK;           /* the caller reads the groups */
  for (i = 0; i < st->np; i = j) {
    for (j = i + 1; j < st->np && st->p[j].h == st->p[i].h; j++) {}
    if (j - i > 1 && (rc = group_seeds(st, st->p + i, j - i, lo, hi, err)) != CP_OK)
      return rc;
  }
  return CP_OK;
}

/* is a seed (x, y) made with x as its a side?  (the rule at the top) */
static int a_side (const rstate *st, uint32_t x, uint32_t y) {
  int xa = st->d[x].role & ROLE_A, yb = st->d[y].role & ROLE_B;
  if (!xa || !yb) return 0;
  if (x < y) return 1;
  return !((st->d[y].role & ROLE_A) && (st->d[x].role & ROLE_B));
}

/* the seeding groups of the postings in st->p (sorted) appended to
** *kp: shingles in one document only, and boilerplate, are dropped;
** SPLIT when *nkp would pass CP_REUSE_POSTINGS */
static int keep_groups (rstate *st, post **kp, size_t *nkp, size_t *cap,
                        cp_err *err) {
  size_t i, j, k, df;
  for (i = 0; i < st->np; i = j) {
    for (j = i + 1; j < st->np && st->p[j].h == st->p[i].h; j++) {}
    if (j - i < 2) continue;
    for (df = 1, k = i + 1; k < j; k++) df += st->p[k].u != st->p[k - 1].u;
    if (df < 2) continue;
    if (df > st->o->max_df || j - i > st->o->max_df) {
      st->out->boilerplate++;
      continue;
    }
    if (*nkp + (j - i) > CP_REUSE_POSTINGS) return SPLIT;
    if (!cp_grow((void **)kp, cap, *nkp + (j - i), sizeof(post)))
      return OOM(err);
    memcpy(*kp + *nkp, st->p + i, (j - i) * sizeof(post));
    *nkp += j - i;
  }
  return CP_OK;
}

/* partitions of collect_kept, taken by threads; each partition's kept
** groups stay apart until all are done, then are joined in partition
** order (the order of the groups does not depend on the threads) */
typedef struct parts {
  const rstate *st;
  uint32_t n, next;
  post **kp;  size_t *nkp;           /* kept groups of each partition */
  size_t total;                      /* kept postings so far, all parts */
  int stop;
  pthread_mutex_t mu;
} parts;

typedef struct pworker {
  parts *pt;
  rstate st;
  cp_reuse out;                      /* boilerplate and work counts */
  cp_err err;
  int rc;
} pworker;

static void *work_parts (void *arg) {
  pworker *w = (pworker *)arg;
  parts *pt = w->pt;
  for (;;) {
    uint32_t k;
    size_t cap = 0, total;
    pthread_mutex_lock(&pt->mu);
    k = pt->stop ? pt->n : pt->next++;
    pthread_mutex_unlock(&pt->mu);
    if (k >= pt->n) break;
    w->rc = partition_seeds(&w->st, k, pt->n, 0, 0, &w->err);
    if (w->rc == CP_OK)
      w->rc = keep_groups(&w->st, &pt->kp[k], &pt->nkp[k], &cap, &w->err);
    pthread_mutex_lock(&pt->mu);
    total = pt->total += pt->nkp[k];
    if (w->rc != CP_OK || total > CP_REUSE_POSTINGS) pt->stop = 1;
    pthread_mutex_unlock(&pt->mu);
    if (w->rc == CP_OK && total > CP_REUSE_POSTINGS) w->rc = SPLIT;
    if (w->rc != CP_OK) break;
  }
  return NULL;
}

/*
** The seeding shingles' postings of every partition, kept in st->kp
** (groups of one hash, contiguous): shingles in one document only, and
** boilerplate, are dropped, which leaves a small part of the corpus's
** words.  SPLIT when they pass CP_REUSE_POSTINGS (the caller then
** recomputes postings for each range instead).  With nt threads the
** hash space is cut into nt times as many partitions, so the postings
** in memory at once stay within the budget.
*/
static int collect_kept (rstate *st, uint32_t nparts, size_t nt, cp_err *err) {
  parts pt;
  pworker *w;
  size_t k;
  int rc = CP_OK;
  memset(&pt, 0, sizeof(pt));
  st->nkp = 0;
  pt.st = st;
  pt.n = nparts;                     /* a power of two: h's low bits */
  while (pt.n < nparts * nt) pt.n *= 2;
  st->out->partitions = pt.n;
  pt.kp = (post **)calloc(pt.n, sizeof(post *));
  pt.nkp = (size_t *)calloc(pt.n, sizeof(size_t));
  w = (pworker *)calloc(nt, sizeof(pworker));
  if (!pt.kp || !pt.nkp || !w) { rc = OOM(err); goto done; }
  if (pthread_mutex_init(&pt.mu, NULL) != 0) {
    rc = cp_err_set(err, CP_ENOMEM, "reuse: no mutex");
    goto done;
  }
  for (k = 0; k < nt; k++) {
    w[k].pt = &pt;
    w[k].st = *st;
    w[k].st.p = w[k].st.ptmp = NULL;  w[k].st.np = w[k].st.pcap = 0;
    memset(&w[k].st.wa, 0, sizeof(words));
    w[k].st.out = &w[k].out;
    w[k].st.work_base = st->out->work;
  }
  run_threads(work_parts, w, sizeof(w[0]), nt);
  pthread_mutex_destroy(&pt.mu);
  for (k = 0; k < nt; k++) {
    st->out->boilerplate += w[k].out.boilerplate;
    st->out->work += w[k].out.work;
    if (rc == CP_OK && w[k].rc != CP_OK) {
      rc = w[k].rc;
      if (err != NULL && rc != SPLIT) *err = w[k].err;
    }
    free(w[k].st.p); free(w[k].st.ptmp);
    free(w[k].st.wa.hbuf); free(w[k].st.wa.tbuf);
  }
  if (rc == CP_OK && pt.total > 0) {
    st->kp = (post *)malloc(pt.total * sizeof(post));
    if (st->kp == NULL) rc = OOM(err);
    else {
      st->kpcap = pt.total;
      for (k = 0; k < pt.n; k++) {
        if (pt.nkp[k] > 0)
          memcpy(st->kp + st->nkp, pt.kp[k], pt.nkp[k] * sizeof(post));
        st->nkp += pt.nkp[k];
      }
    }
  }
done:
  if (pt.kp != NULL)
    for (k = 0; k < pt.n; k++) free(pt.kp[k]);
  free(pt.kp); free(pt.nkp); free(w);
  return rc;
}

/* seeds with a in [lo, hi) from the kept groups: with cnt != NULL only
** count them per a document; else place them at pos[a - lo]++ (pos: the
** first seed of each a, from the counts), so they come grouped by a */
static int kept_seeds (rstate *st, uint32_t lo, uint32_t hi, uint64_t *cnt,
                       size_t *pos, cp_err *err) {
  size_t i, j, x, y, xe, ye, p, q;
  uint64_t total = 0;
  for (i = 0; i < st->nkp; i = j) {
    const post *g = st->kp + i;
    for (j = i + 1; j < st->nkp && st->kp[j].h == g->h; j++) {}
    /* a group's postings are in (document, word) order: runs of one
    ** document are paired run by run, so the time is the seeds made
    ** plus the square of the documents, not of the postings */
    for (x = 0; x < j - i; x = xe) {
      uint32_t ux = g[x].u;
      for (xe = x + 1; xe < j - i && g[xe].u == ux; xe++) {}
      if (ux < lo || ux >= hi || !(st->d[ux].role & ROLE_A)) continue;
      for (y = 0; y < j - i; y = ye) {
        uint32_t uy = g[y].u;
        for (ye = y + 1; ye < j - i && g[ye].u == uy; ye++) {}
        if (uy == ux || !a_side(st, ux, uy)) continue;
        if (cnt != NULL) { cnt[ux] += (uint64_t)(xe - x) * (ye - y); continue; }
        for (p = x; p < xe; p++)
          for (q = y; q < ye; q++) {
            seed *sd = &st->s[pos[ux - lo]++];
            sd->a = ux; sd->b = uy; sd->aw = g[p].w; sd->bw = g[q].w;
          }
      }
      /* counting: stop as soon as a document has more seeds than one
      ** range holds, or all seeds pass the work limit (a high max_df
      ** over repeated text makes quadratically many) */
      if (cnt != NULL) {
        total += cnt[ux];
        if (cnt[ux] > CP_REUSE_SEEDS)
          return cp_err_set(err, CP_ELIMIT, "reuse: one document has more "
                            "than %zu seeds (lower max_df)",
                            (size_t)CP_REUSE_SEEDS);
        if (st->work_base + st->out->work + total > st->max_work)
          return cp_err_set(err, CP_ELIMIT, "reuse: work limit exceeded "
                            "(%llu steps)", (unsigned long long)st->max_work);
      }
    }
  }
  return CP_OK;
}

/* stable LSD radix sort of the seeds of one a document by (b, aw), in
** passes of 11 bits (the counts stay in the cache); tmp holds n seeds,
** cnt 2048 counts */
static void sort_bucket (seed *v, size_t n, seed *tmp, size_t *cnt) {
  uint32_t maxb = 0, maxw = 0;
  size_t i;
  int f;
  seed *src = v, *dst = tmp;
  if (n < 24) {                      /* insertion sort */
    for (i = 1; i < n; i++) {
      seed x = v[i];
      size_t k = i;
      while (k > 0 && (v[k - 1].b > x.b || (v[k - 1].b == x.b && v[k - 1].aw > x.aw))) {
        v[k] = v[k - 1];
        k--;
      }
      v[k] = x;
    }
    return;
  }
  for (i = 0; i < n; i++) {
    if (v[i].b > maxb) maxb = v[i].b;
    if (v[i].aw > maxw) maxw = v[i].aw;
  }
  for (f = 0; f < 2; f++) {
    uint32_t mx = f == 0 ? maxw : maxb;
    int sh;
    for (sh = 0; sh < 32 && (mx >> sh) != 0; sh += 11) {
      size_t sum = 0;
      seed *t;
      memset(cnt, 0, 2048 * sizeof(size_t));
      for (i = 0; i < n; i++) cnt[((f ? src[i].b : src[i].aw) >> sh) & 2047]++;
      for (i = 0; i < 2048; i++) { size_t c = cnt[i]; cnt[i] = sum; sum += c; }
      for (i = 0; i < n; i++) dst[cnt[((f ? src[i].b : src[i].aw) >> sh) & 2047]++] = src[i];
      t = src; src = dst; dst = t;
    }
  }
  if (src != v) memcpy(v, src, n * sizeof(seed));
}

/* sort st->s (grouped by a) bucket by bucket */
static int sort_buckets (rstate *st, cp_err *err) {
  size_t i, j, big = 0;
  seed *tmp;
  size_t *cnt;
  for (i = 0; i < st->ns; i = j) {
    for (j = i + 1; j < st->ns && st->s[j].a == st->s[i].a; j++) {}
    if (j - i > big) big = j - i;
  }
  tmp = (seed *)malloc((big ? big : 1) * sizeof(seed));
  cnt = (size_t *)malloc(2048 * sizeof(size_t));
  if (tmp == NULL || cnt == NULL) { free(tmp); free(cnt); return OOM(err); }
  for (i = 0; i < st->ns; i = j) {
    for (j = i + 1; j < st->ns && st->s[j].a == st->s[i].a; j++) {}
    sort_bucket(st->s + i, j - i, tmp, cnt);
  }
  free(tmp);
  free(cnt);
  return CP_OK;
}

/* one stable counting pass of seeds src -> dst by 'bits' bits of field
** 'f' (0 a, 1 b, 2 aw) from bit 'sh' */
static void seed_pass (const seed *src, seed *dst, size_t n, int f, int sh,
                       int bits, size_t *cnt) {
  size_t i, sum = 0, nb = (size_t)1 << bits;
  uint32_t mask = (uint32_t)(nb - 1);
#define SEED_KEY(x) (((f == 0 ? (x).a : f == 1 ? (x).b : (x).aw) >> sh) & mask)
  memset(cnt, 0, nb * sizeof(size_t));
  for (i = 0; i < n; i++) cnt[SEED_KEY(src[i])]++;
  for (i = 0; i < nb; i++) { size_t c = cnt[i]; cnt[i] = sum; sum += c; }
  for (i = 0; i < n; i++) dst[cnt[SEED_KEY(src[i])]++] = src[i];
#undef SEED_KEY
}

/*
** Sort st->s by (a, b, aw), stable (so equal keys keep the order they
** were made in, which is deterministic): LSD radix passes of up to 16
** bits, as many per field as its largest value needs.
*/
static int sort_seeds (rstate *st, cp_err *err) {
  uint32_t max[3] = {0, 0, 0};
  size_t i, *cnt;
  seed *tmp = (seed *)malloc(st->ns * sizeof(seed)), *src = st->s, *dst = tmp;
  int f;
  if (tmp == NULL) return OOM(err);
  cnt = (size_t *)malloc(((size_t)1 << 16) * sizeof(size_t));
  if (cnt == NULL) { free(tmp); return OOM(err); }
  for (i = 0; i < st->ns; i++) {
    if (st->s[i].a > max[0]) max[0] = st->s[i].a;
    if (st->s[i].b > max[1]) max[1] = st->s[i].b;
    if (st->s[i].aw > max[2]) max[2] = st->s[i].aw;
  }
  for (f = 2; f >= 0; f--) {
    int bits = 0, sh;
    while (bits < 32 && (max[f] >> bits) != 0) bits++;
    for (sh = 0; sh < bits; sh += 16) {
      int w = bits - sh < 16 ? bits - sh : 16;
      seed *t;
      seed_pass(src, dst, st->ns, f, sh, w, cnt);
      t = src; src = dst; dst = t;
    }
  }
  if (src != st->s) memcpy(st->s, src, st->ns * sizeof(seed));
  free(tmp);
  free(cnt);
  return CP_OK;
}

/* }================================================================ */


/* {================================================================
** Passages of one document pair
** ================================================================= */

static int cmp_cand (const void *x, const void *y) {
  const cand *a = (const cand *)x, *b = (const cand *)y;
  if (a->a0 != b->a0) return a->a0 < b->a0 ? -1 : 1;
  return (a->b0 > b->b0) - (a->b0 < b->b0);
}

/* words equal on the seed's diagonal, before it (*back) and after its
** shingle (*fwd) */
static void exact_run (const words *A, const words *B, uint32_t aw,
                       uint32_t bw, uint32_t *back, uint32_t *fwd) {
  uint32_t k = 0, n = CP_REUSE_N;
  while (k < aw && k < bw && A->h[aw - 1 - k] == B->h[bw - 1 - k]) k++;
  *back = k;
  k = 0;
  while (aw + n + k < A->n && bw + n + k < B->n
         && A->h[aw + n + k] == B->h[bw + n + k]) k++;
  *fwd = k;
}

/* extend the seed at (aw, bw) both ways; the region it covers.  The
** exact run on the seed's diagonal is taken as it is (an ungapped
** extension, one comparison a word) and the gapped alignment starts
** where it ends: an alignment through a run of equal words follows it */
static int extend_seed (rstate *st, uint32_t aw, uint32_t bw, cand *c,
                        cp_err *err) {
  const words *A = &st->wa, *B = &st->wb;
  uint32_t back, fwd, a1, b1, a0, b0, run;
  cp_ext f, r;
  int rc;
  exact_run(A, B, aw, bw, &back, &fwd);
  run = back + CP_REUSE_N + fwd;
  a0 = aw - back;  b0 = bw - back;
  a1 = a0 + run;  b1 = b0 + run;
  rc = cp_align_extend(A->h + a1, A->n - a1, B->h + b1, B->n - b1, 1,
                       &st->cost, &f, &st->out->work, err);
  if (rc != CP_OK) return rc;
  rc = cp_align_extend(A->h + a0, a0, B->h + b0, b0, -1, &st->cost, &r,
                       &st->out->work, err);
  if (rc != CP_OK) return rc;
  st->out->work += run;
  c->a0 = a0 - r.la;  c->a1 = a1 + f.la;
  c->b0 = b0 - r.lb;  c->b1 = b1 + f.lb;
  c->cols = run + f.cols + r.cols;
  c->same = run + f.same + r.same;
  c->score = (double)run + f.score + r.score;
  return CP_OK;
}

/* join candidates (sorted by a0) that follow each other within
** CP_REUSE_JOIN words on both sides, or overlap, when the joined score
** beats both: the words between them count as substitutions (as many as
** the shorter gap) plus a gap (the difference) */
static size_t join_cands (cand *v, size_t n, const cp_align_cost *k) {
  size_t i, m = 0;
  for (i = 0; i < n; i++) {
    cand *c = &v[i];
    if (m > 0) {
      cand *p = &v[m - 1];
      if (c->b0 + CP_REUSE_JOIN >= p->b0 && c->a0 <= p->a1 + CP_REUSE_JOIN
          && c->b0 <= p->b1 + CP_REUSE_JOIN && c->b1 + CP_REUSE_JOIN >= p->b1) {
        uint32_t ga = c->a0 > p->a1 ? c->a0 - p->a1 : 0;
        uint32_t gb = c->b0 > p->b1 ? c->b0 - p->b1 : 0;
        uint32_t oa = c->a0 < p->a1 ? (c->a1 < p->a1 ? c->a1 : p->a1) - c->a0 : 0;
        uint32_t ob = c->b0 < p->b1 ? (c->b1 < p->b1 ? c->b1 : p->b1) - c->b0 : 0;
        uint32_t ov = oa > ob ? oa : ob, g = ga > gb ? ga : gb;
        uint32_t sub = ga < gb ? ga : gb, indel = g - sub;
        double pen = k->mismatch * sub + (double)ov
                   + (indel ? k->gap + (double)(indel - 1) * k->gap_extend : 0);
        double joined = p->score + c->score - pen;
        if (joined > p->score && joined > c->score) {
          uint32_t la, lb, os = oa < ob ? oa : ob;
          if (c->a1 > p->a1) p->a1 = c->a1;
          if (c->b1 > p->b1) p->b1 = c->b1;
          if (c->b0 < p->b0) p->b0 = c->b0;
          p->cols = p->cols + c->cols + g > ov ? p->cols + c->cols + g - ov : 0;
          p->same = p->same + c->same > os ? p->same + c->same - os : 0;
          la = p->a1 - p->a0; lb = p->b1 - p->b0;
          if (p->cols < la) p->cols = la;
          if (p->cols < lb) p->cols = lb;
          if (p->same > p->cols) p->same = p->cols;
          p->score = joined;
          continue;
        }
      }
    }
    v[m++] = *c;
  }
  return m;
}

static int cmp_cand_score (const void *x, const void *y) {
  const cand *a = (const cand *)x, *b = (const cand *)y;
  if (a->score != b->score) return a->score < b->score ? 1 : -1;
  return cmp_cand(x, y);
}

/* keep the candidates long and close enough to report, best first, that
** do not overlap a better one on both sides (an off-diagonal extension
** over the same text); how many are kept */
static size_t drop_shadowed (cand *v, size_t n, uint32_t min) {
  size_t i, j, m = 0;
  for (i = 0; i < n; i++) {
    const cand *c = &v[i];
    if (c->a1 - c->a0 >= min && c->b1 - c->b0 >= min
        && (double)c->same >= CP_REUSE_MIN_IDENTITY * (double)c->cols)
      v[m++] = *c;
  }
  if (m > 1) qsort(v, m, sizeof(cand), cmp_cand_score);
  n = m;
  m = 0;
  for (i = 0; i < n; i++) {
    int shadowed = 0;
    for (j = 0; j < m && !shadowed; j++)
      shadowed = v[i].a0 < v[j].a1 && v[j].a0 < v[i].a1
              && v[i].b0 < v[j].b1 && v[j].b0 < v[i].b1;
    if (!shadowed) v[m++] = v[i];
  }
  return m;
}

static int side_of (rstate *st, uint32_t u, const words *w, uint32_t w0,
                    uint32_t w1, cp_reuse_side *sd, cp_err *err) {
  const udoc *d = &st->d[u];
  const cp_seg *s = cp_corpus_seg(st->c[d->corpus], d->seg);
  uint32_t x0, y0, x1, y1;
  sd->doc = d->doc;
  sd->w0 = w0; sd->w1 = w1;
  sd->t0 = w->tok[w0]; sd->t1 = w->tok[w1 - 1] + 1;
  if (cp_seg_tok_span(s, d->tok0 + sd->t0, &x0, &y0) != CP_OK
      || cp_seg_tok_span(s, d->tok0 + sd->t1 - 1, &x1, &y1) != CP_OK)
    return cp_err_set(err, CP_ECORRUPT, "reuse: bad token span");
  sd->b0 = x0; sd->b1 = y1;
  return CP_OK;
}

/*
** Is seed i worth a gapped extension?  Only when another seed of the
** pair lies near it (BLAST's two-hit rule): on a near diagonal (at most
** CP_REUSE_MAXGAP off) within 2 min + CP_REUSE_MAXGAP words, or on its
** own diagonal with the two spanning at least 'min' words (a run of min
** equal words holds min - N + 1 seeds).  A lone shingle is a shared
** phrase, not a passage, and most seeds of a corpus of formulaic
** speeches are such phrases; the rule reads the seeds only, not the
** words, so a pair whose seeds are all lone costs no word access.  With
** min <= N one shingle is a passage: every seed is extended.
*/
static int worth_extending (const rstate *st, const seed *s, size_t n,
                            size_t i) {
  uint32_t min = st->o->min, reach = 2 * min + CP_REUSE_MAXGAP;
  int64_t diag = (int64_t)s[i].bw - s[i].aw;
  size_t j, steps;
  if (min <= CP_REUSE_N) return 1;
  for (steps = 0, j = i + 1; j < n && steps < 64; j++, steps++) {
    int64_t dd = (int64_t)s[j].bw - s[j].aw - diag;
    if (s[j].aw > s[i].aw + reach) break;
    if (dd < 0) dd = -dd;
    if (dd == 0 ? s[j].aw + CP_REUSE_N >= s[i].aw + min : dd <= CP_REUSE_MAXGAP)
      return 1;
  }
  for (steps = 0, j = i; j-- > 0 && steps < 64; steps++) {
    int64_t dd = (int64_t)s[j].bw - s[j].aw - diag;
    if (s[j].aw + reach < s[i].aw) break;
    if (dd < 0) dd = -dd;
    if (dd == 0 ? s[i].aw + CP_REUSE_N >= s[j].aw + min : dd <= CP_REUSE_MAXGAP)
      return 1;
  }
  return 0;
}

/* the passages of pair (a, b) from its seeds s[0..n) (sorted by a
** word); the words of a and b are read into st->wa and st->wb when a
** seed is worth extending */
static int pair_passages (rstate *st, uint32_t a, uint32_t b, const seed *s,
                          size_t n, cp_err *err) {
  size_t i, j, m;
  int rc;
  st->ncd = 0;
  st->out->pairs++;
  for (i = 0; i < n && !worth_extending(st, s, n, i); i++) {}
  if (i == n) return CP_OK;              /* lone seeds only */
  if ((rc = load_words(st, a, &st->wa, err)) != CP_OK
      || (rc = load_words(st, b, &st->wb, err)) != CP_OK)
    return rc;
  for (; i < n; i++) {
    int inside = 0;
    /* the newest regions first, and a bounded number of them: a seed
    ** missed here makes a duplicate that join_cands folds in */
    for (j = st->ncd; j-- > 0 && st->ncd - j <= 64;) {
      const cand *c = &st->cd[j];
      if (s[i].aw >= c->a0 && s[i].aw < c->a1 && s[i].bw >= c->b0
          && s[i].bw < c->b1) { inside = 1; break; }
    }
    if (inside || !worth_extending(st, s, n, i)) continue;
    if (!cp_grow((void **)&st->cd, &st->cdcap, st->ncd + 1, sizeof(cand)))
      return OOM(err);
    if ((rc = extend_seed(st, s[i].aw, s[i].bw, &st->cd[st->ncd], err)) != CP_OK)
      return rc;
    st->ncd++;
    if (over_work(st, err)) return CP_ELIMIT;
  }
  if (st->ncd > 1) qsort(st->cd, st->ncd, sizeof(cand), cmp_cand);
  m = join_cands(st->cd, st->ncd, &st->cost);
  m = drop_shadowed(st->cd, m, st->o->min);
  for (i = 0; i < m; i++) {
    const cand *c = &st->cd[i];
    cp_passage *p;
    if (!cp_grow((void **)&st->out->v, &st->out->cap, st->out->n + 1,
              sizeof(cp_passage)))
      return OOM(err);
    p = &st->out->v[st->out->n];
    if ((rc = side_of(st, a, &st->wa, c->a0, c->a1, &p->a, err)) != CP_OK
        || (rc = side_of(st, b, &st->wb, c->b0, c->b1, &p->b, err)) != CP_OK)
      return rc;
    p->words = c->cols;
    p->same = c->same;
    p->score = c->score;
    st->out->n++;
  }
  return CP_OK;
}

/* }================================================================ */


/* {================================================================
** Driver
** ================================================================= */

/* the passages of the seeds in st->s (already grouped by a when
** 'grouped') */
static int seed_passages (rstate *st, int grouped, cp_err *err) {
  size_t i, j;
  int rc;
  st->out->seeds += st->ns;
  st->out->work += st->ns;
  if (over_work(st, err)) return CP_ELIMIT;
  if (st->ns > 1 && (rc = grouped ? sort_buckets(st, err) : sort_seeds(st, err))
      != CP_OK)
    return rc;
  for (i = 0; i < st->ns; i = j) {
    for (j = i + 1; j < st->ns && st->s[j].a == st->s[i].a
                    && st->s[j].b == st->s[i].b; j++) {}
    if ((rc = pair_passages(st, st->s[i].a, st->s[i].b, st->s + i, j - i, err))
        != CP_OK)
      return rc;
  }
  st->out->ranges++;
  return CP_OK;
}

/* hash partitions for nwords: a power of two (a partition is h's low
** bits) such that each holds at most CP_REUSE_POSTINGS shingles */
static uint32_t partitions (uint64_t nwords) {
  uint32_t p = 1;
  while (p < (1u << 30) && nwords / p > CP_REUSE_POSTINGS) p *= 2;
  return p;
}

/* seeds and passages of the a documents [lo, hi), postings recomputed;
** SPLIT when the seeds do not fit */
static int run_range (rstate *st, uint32_t lo, uint32_t hi, uint64_t nwords,
                      cp_err *err) {
  uint32_t nparts = partitions(nwords), part;
  int rc;
  st->ns = 0;
  st->out->partitions = nparts;
  for (part = 0; part < nparts; part++)
    if ((rc = partition_seeds(st, part, nparts, lo, hi, err)) != CP_OK)
      return rc;
  return seed_passages(st, 0, err);
}

/* the a-document ranges of run_kept and the threads that take them */
typedef struct ranges {
  rstate *st;
  uint32_t *lo;  size_t n;           /* range k is [lo[k], lo[k + 1]) */
  const uint64_t *cnt;               /* seeds of each a document */
  size_t next;                       /* the next range to take */
  int stop;                          /* a thread failed: take no more */
  pthread_mutex_t mu;
} ranges;

typedef struct worker {
  ranges *rg;
  rstate st;                         /* a copy of the shared state with
                                        its own seeds, words, passages */
  cp_reuse out;
  cp_err err;
  int rc;
} worker;

/* the seeds of range [lo, hi), grouped by a, into w->st.s */
static int range_seeds (worker *w, uint32_t lo, uint32_t hi) {
  const uint64_t *cnt = w->rg->cnt;
  size_t *pos = (size_t *)malloc(((size_t)(hi - lo) + 1) * sizeof(size_t));
  size_t sum = 0;
  uint32_t u;
  if (pos == NULL) return OOM(&w->err);
  for (u = lo; u < hi; u++) { pos[u - lo] = sum; sum += (size_t)cnt[u]; }
  if (!cp_grow((void **)&w->st.s, &w->st.scap, sum ? sum : 1, sizeof(seed))) {
    free(pos);
    return OOM(&w->err);
  }
  w->st.ns = sum;
  kept_seeds(&w->st, lo, hi, NULL, pos, &w->err);
  free(pos);
  return CP_OK;
}

/* take ranges until none is left; passages into w->out */
static void *work_ranges (void *arg) {
  worker *w = (worker *)arg;
  ranges *rg = w->rg;
  for (;;) {
    size_t k;
    pthread_mutex_lock(&rg->mu);
    k = rg->stop ? rg->n : rg->next++;
    pthread_mutex_unlock(&rg->mu);
    if (k >= rg->n) break;
    w->rc = range_seeds(w, rg->lo[k], rg->lo[k + 1]);
    if (w->rc == CP_OK) w->rc = seed_passages(&w->st, 1, &w->err);
    if (w->rc != CP_OK) {
      pthread_mutex_lock(&rg->mu);
      rg->stop = 1;
      pthread_mutex_unlock(&rg->mu);
      break;
    }
  }
  return NULL;
}

static void worker_init (worker *w, ranges *rg) {
  memset(w, 0, sizeof(*w));
  w->rg = rg;
  w->st = *rg->st;                   /* shared, read only: corpora, options,
                                        documents, words, kept postings */
  w->st.s = NULL;  w->st.ns = w->st.scap = 0;
  memset(&w->st.wa, 0, sizeof(words));
  memset(&w->st.wb, 0, sizeof(words));
  w->st.cd = NULL;  w->st.ncd = w->st.cdcap = 0;
  w->st.p = w->st.ptmp = NULL;  w->st.np = w->st.pcap = 0;
  w->st.out = &w->out;
  w->st.work_base = rg->st->out->work;
}

static void worker_free (worker *w) {
  free(w->st.s);  free(w->st.cd);
  free(w->st.wa.hbuf); free(w->st.wa.tbuf);
  free(w->st.wb.hbuf); free(w->st.wb.tbuf);
  free(w->out.v);
}

/* add a worker's passages and counts to st->out; CP_ENOMEM only */
static int worker_merge (rstate *st, worker *w, cp_err *err) {
  cp_reuse *o = st->out;
  if (w->out.n > 0) {
    if (!cp_grow((void **)&o->v, &o->cap, o->n + w->out.n, sizeof(cp_passage)))
      return OOM(err);
    memcpy(o->v + o->n, w->out.v, w->out.n * sizeof(cp_passage));
    o->n += w->out.n;
  }
  o->seeds += w->out.seeds;
  o->pairs += w->out.pairs;
  o->work += w->out.work;
  o->ranges += w->out.ranges;
  return CP_OK;
}


/* the seeds of each a document counted by nt threads, each over its
** share of the documents (the counts are disjoint) */
typedef struct counter {
  rstate st;
  cp_reuse out;
  uint64_t *cnt;
  uint32_t lo, hi;
  cp_err err;
  int rc;
} counter;

static void *count_share (void *arg) {
  counter *k = (counter *)arg;
  k->rc = kept_seeds(&k->st, k->lo, k->hi, k->cnt, NULL, &k->err);
  return NULL;
}

static int count_seeds (rstate *st, uint64_t *cnt, size_t nt, cp_err *err) {
  counter *k = (counter *)calloc(nt, sizeof(counter));
  size_t i;
  int rc = CP_OK;
  if (k == NULL) return OOM(err);
  for (i = 0; i < nt; i++) {
    k[i].st = *st;                   /* read only here but for the counts */
    k[i].st.out = &k[i].out;
    k[i].st.work_base = st->out->work;
    k[i].cnt = cnt;
    k[i].lo = (uint32_t)((uint64_t)st->nd * i / nt);
    k[i].hi = (uint32_t)((uint64_t)st->nd * (i + 1) / nt);
  }
  run_threads(count_share, k, sizeof(k[0]), nt);
  for (i = 0; i < nt && rc == CP_OK; i++)
    if (k[i].rc != CP_OK) {
      rc = k[i].rc;
      if (err != NULL) *err = k[i].err;
    }
  free(k);
  return rc;
}

/*
** With the seeding postings kept (collect_kept): count the seeds of each
** a document, cut the documents into ranges whose seeds fit (a share of
** CP_REUSE_SEEDS per thread), and let the threads take the ranges.
** Ranges are independent (a seed belongs to the range of its a side);
** the passages are sorted at the end by a total order, so the result
** does not depend on which thread ran which range.  A thread that cannot
** start leaves its ranges to the others (the calling thread is one).
*/
static int run_kept (rstate *st, cp_err *err) {
  uint64_t *cnt = (uint64_t *)calloc(st->nd ? st->nd : 1, sizeof(uint64_t));
  size_t nt = nthreads(), k;
  uint64_t budget = CP_REUSE_SEEDS / nt;
  ranges rg;
  worker *w = NULL;
  uint32_t lo = 0, hi;
  int rc = CP_OK;
  memset(&rg, 0, sizeof(rg));
  rg.st = st;
  if (cnt == NULL) return OOM(err);
  if ((rc = count_seeds(st, cnt, nt, err)) != CP_OK) goto done;
  rg.cnt = cnt;
  rg.lo = (uint32_t *)malloc(((size_t)st->nd + 2) * sizeof(uint32_t));
  if (rg.lo == NULL) { rc = OOM(err); goto done; }
  while (lo < st->nd) {
    uint64_t sum = 0;
    for (hi = lo; hi < st->nd && (hi == lo || sum + cnt[hi] <= budget); hi++)
      sum += cnt[hi];
    if (sum > CP_REUSE_SEEDS) {
      rc = cp_err_set(err, CP_ELIMIT, "reuse: one document has more than "
                      "%zu seeds (lower max_df)", (size_t)CP_REUSE_SEEDS);
      goto done;
    }
    rg.lo[rg.n++] = lo;
    lo = hi;
  }
  rg.lo[rg.n] = st->nd;
  if (rg.n == 0) goto done;
  if (nt > rg.n) nt = rg.n;
  w = (worker *)malloc(nt * sizeof(worker));
  if (w == NULL) { rc = OOM(err); goto done; }
  if (pthread_mutex_init(&rg.mu, NULL) != 0) {
    rc = cp_err_set(err, CP_ENOMEM, "reuse: no mutex");
    goto done;
  }
  for (k = 0; k < nt; k++) worker_init(&w[k], &rg);
  run_threads(work_ranges, w, sizeof(w[0]), nt);
  pthread_mutex_destroy(&rg.mu);
  for (k = 0; k < nt && rc == CP_OK; k++) {
    if (w[k].rc != CP_OK) {
      rc = w[k].rc;
      if (err != NULL) *err = w[k].err;
    }
    else rc = worker_merge(st, &w[k], err);
  }
  if (rc == CP_OK && over_work(st, err)) rc = CP_ELIMIT;
  for (k = 0; k < nt; k++) worker_free(&w[k]);
done:
  free(w);
  free(rg.lo);
  free(cnt);
  return rc;
}

/* run [lo, hi), halving the range while its seeds do not fit */
static int run_split (rstate *st, uint32_t lo, uint32_t hi, uint64_t nwords,
                      cp_err *err) {
  size_t keep = st->out->n;
  int rc = run_range(st, lo, hi, nwords, err);
  if (rc != SPLIT) return rc;
  st->out->n = keep;
  if (hi - lo <= 1)
    return cp_err_set(err, CP_ELIMIT, "reuse: one document has more than "
                      "%zu seeds (lower max_df)", (size_t)CP_REUSE_SEEDS);
  if ((rc = run_split(st, lo, lo + (hi - lo) / 2, nwords, err)) != CP_OK)
    return rc;
  return run_split(st, lo + (hi - lo) / 2, hi, nwords, err);
}

static int cmp_passage (const void *x, const void *y) {
  const cp_passage *a = (const cp_passage *)x, *b = (const cp_passage *)y;
  if (a->score != b->score) return a->score < b->score ? 1 : -1;
  if (a->a.doc != b->a.doc) return a->a.doc < b->a.doc ? -1 : 1;
  if (a->b.doc != b->b.doc) return a->b.doc < b->b.doc ? -1 : 1;
  if (a->a.w0 != b->a.w0) return a->a.w0 < b->a.w0 ? -1 : 1;
  return (a->b.w0 > b->b.w0) - (a->b.w0 < b->b.w0);
}

static int check_opts (cp_corpus *c, cp_corpus *other, const cp_reuse_opt *o,
                       cp_err *err) {
  if (o->min < 1) return cp_err_set(err, CP_EINVAL, "reuse: 'min' must be >= 1");
  if (o->max_df < 2) return cp_err_set(err, CP_EINVAL, "reuse: 'max_df' must be >= 2");
  if (o->layer_name == NULL && o->layer != CP_WORD && o->layer != CP_NORM
      && o->layer != CP_STEM)
    return cp_err_set(err, CP_EINVAL, "reuse: layer must be word, norm, stem "
                      "or the name of a stored layer");
  if (!(o->mismatch >= 0 && o->mismatch <= 1e6) || !(o->gap >= 0 && o->gap <= 1e6)
      || !(o->gap_extend >= 0 && o->gap_extend <= 1e6))
    return cp_err_set(err, CP_EINVAL, "reuse: costs must be numbers in [0, 1e6]");
  if (other != NULL && other != c) {
    if (cp_corpus_mode(other) != cp_corpus_mode(c))
      return cp_err_set(err, CP_EINVAL, "reuse: the 'against' corpus uses "
                        "another tokenizer mode: its words do not compare");
    if (o->layer == CP_STEM
        && strcmp(cp_corpus_language(other), cp_corpus_language(c)) != 0)
      return cp_err_set(err, CP_EINVAL, "reuse: the 'against' corpus stems "
                        "another language (%s, not %s)",
                        cp_corpus_language(other), cp_corpus_language(c));
  }
  return CP_OK;
}

int cp_reuse_find (cp_corpus *c, cp_corpus *other, const cp_reuse_opt *o,
                   cp_reuse *out, cp_err *err) {
  rstate st;
  uint64_t nwords = 0;
  uint32_t u, nseg;
  size_t i;
  int rc;
  if (c == NULL || o == NULL || out == NULL)
    return cp_err_set(err, CP_EINVAL, "reuse: no corpus");
  memset(out, 0, sizeof(*out));
  if ((rc = check_opts(c, other, o, err)) != CP_OK) return rc;
  if ((rc = cp_corpus_flush(c, err)) != CP_OK) return rc;
  if (other != NULL && other != c && (rc = cp_corpus_flush(other, err)) != CP_OK)
    return rc;
  memset(&st, 0, sizeof(st));
  st.c[0] = c;
  st.c[1] = other != NULL ? other : c;
  st.o = o;
  st.out = out;
  out->against = st.c[1] != c;
  st.max_work = o->max_work ? o->max_work : CP_REUSE_MAX_WORK;
  st.cost.mismatch = o->mismatch;
  st.cost.gap = o->gap;
  st.cost.gap_extend = o->gap_extend;
  st.cost.xdrop = CP_REUSE_XDROP;
  st.cost.band = CP_REUSE_BAND;
  st.cost.maxgap = CP_REUSE_MAXGAP;
  if ((rc = build_docs(&st, err)) != CP_OK) goto done;
  for (u = 0; u < st.nd; u++)
    if (st.d[u].role) nwords += st.d[u].ntok;
  st.nwords = nwords;
  if (rc == CP_OK && st.nd > 0) rc = cache_words(&st, nwords, nthreads(), err);
  if (rc == CP_OK && st.nd > 0) {
    uint32_t nparts = partitions(nwords);
    size_t nt = nthreads();
    rc = collect_kept(&st, nparts, nt, err);
    free(st.p); free(st.ptmp);
    st.p = st.ptmp = NULL;
    st.np = st.pcap = 0;
    if (rc == CP_OK) rc = run_kept(&st, err);
    else if (rc == SPLIT) {            /* too many to keep: per range */
      free(st.kp);
      st.kp = NULL;
      st.nkp = st.kpcap = 0;
      rc = run_split(&st, 0, st.nd, nwords, err);
    }
  }
  if (rc == CP_OK && out->n > 1)
    qsort(out->v, out->n, sizeof(cp_passage), cmp_passage);
done:
  nseg = (uint32_t)(st.nseg0 + st.nseg1);
  if (st.th != NULL)
    for (i = 0; i < nseg; i++) free(st.th[i]);
  if (st.vh != NULL)
    for (i = 0; i < nseg; i++) free(st.vh[i]);
  free(st.vh); free((void *)st.ls);
  free(st.th); free(st.d); free(st.p); free(st.ptmp); free(st.s); free(st.kp);
  free(st.wa.hbuf); free(st.wa.tbuf); free(st.wb.hbuf); free(st.wb.tbuf);
  free(st.ch); free(st.ct); free(st.coff); free(st.cn);
  free(st.cd);
  if (rc != CP_OK) cp_reuse_free(out);
  return rc;
}

/* }================================================================ */
