/*
** corpus.c -- the corpus object: an ordered list of immutable segments
** and one builder for pending documents.
**
** Reads call cp_corpus_flush first, so every query sees only sealed
** segments; an in-memory corpus and an on-disk one differ only in where
** the segment bytes live (malloc'd image vs mmap'd file, see
** cp_corpus_attach).  Document ids are unique across the corpus: sealed
** segments answer through their sorted id index (cp_seg_find_id), so
** opening a large index needs no id table in memory; pending documents
** are kept in a small hash set until they are sealed.
*/
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <stdio.h>
#include <pthread.h>

#include <xxhash.h>

#include "corpus.h"
#include "analyse.h"
#include "segfield.h"
#include "merge.h"
#include "pipe.h"
#include "tok.h"

/* a segment holds < 2^32 tokens; seal well before (tokens <= bytes) */
#define SEAL_BYTES ((uint64_t)1 << 31)

typedef struct segent {
  cp_seg *seg;
  void *img;
  size_t size;
  void (*freefn) (void *img, size_t size, void *ud);
  void *ud;
  uint64_t doc_base, pos_base;
  uint8_t *deleted;         /* bitmap over local docs, NULL when none */
  uint32_t ndeleted;
  int verified;             /* cp_seg_verify (and the hash) passed */
  int hashed;               /* 'hash' is the expected XXH64 of the image */
  uint64_t hash;
  char *name;               /* for messages (a file name), or NULL */
  int rewritten;            /* replaced in memory by cp_corpus_rewrite_seg
                               since it was committed */
} segent;

/* open-addressing set of the ids of pending (unsealed) documents */
typedef struct idset {
  char **keys;
  size_t *lens;
  size_t n, cap;            /* cap is 0 or a power of 2 */
} idset;

struct cp_corpus {
  cp_an *an;
  int mode;
  cp_segw *w;               /* pending documents */
  uint64_t wbytes;          /* text bytes pending */
  idset pend;
  segent *segs;
  size_t nsegs, segcap;
  uint64_t ndocs, ntoks;    /* sealed totals (deleted included) */
  uint64_t ndeleted;
  uint64_t epoch;           /* cp_corpus_epoch */
  uint64_t seq;             /* last sequence number tried for ids */
  int readonly;             /* a snapshot of an on-disk index */
  cp_producer *prods;       /* span producers (names owned) */
  cp_analyser *analyser;    /* the built-in analysers' producer, or NULL */
  size_t nprods;
  int automerge;            /* merge small segments after sealing */
  struct feed *feed;        /* documents added one a call, queued */
  cp_err ferr;              /* a queued document's failure, to report */
  struct bgjob *bg;         /* the background merge, NULL until the first */
};

static void feed_free (cp_corpus *c);
static int feed_drain (cp_corpus *c, cp_err *err);


/* {================================================================
** Pending id set
** ================================================================= */

static size_t id_hash (const char *s, size_t n) {
  return (size_t)XXH3_64bits(s, n);
}

static int idset_has (const idset *h, const char *s, size_t n) {
  size_t i;
  if (h->cap == 0) return 0;
  for (i = id_hash(s, n) & (h->cap - 1); h->keys[i] != NULL;
       i = (i + 1) & (h->cap - 1))
    if (h->lens[i] == n && memcmp(h->keys[i], s, n) == 0) return 1;
  return 0;
}

static int idset_grow (idset *h) {
  size_t ncap = h->cap ? h->cap * 2 : 64, i;
  char **nk = calloc(ncap, sizeof(char *));
  size_t *nl = calloc(ncap, sizeof(size_t));
  if (nk == NULL || nl == NULL) { free(nk); free(nl); return CP_ENOMEM; }
  for (i = 0; i < h->cap; i++) {
    if (h->keys[i] != NULL) {
      size_t j = id_hash(h->keys[i], h->lens[i]) & (ncap - 1);
      while (nk[j] != NULL) j = (j + 1) & (ncap - 1);
      nk[j] = h->keys[i]; nl[j] = h->lens[i];
    }
  }
  free(h->keys); free(h->lens);
  h->keys = nk; h->lens = nl; h->cap = ncap;
  return CP_OK;
}

/* add a key; *key (may be NULL) gets the set's own copy */
static int idset_add (idset *h, const char *s, size_t n, const char **key) {
  size_t i;
  char *k;
  if ((h->n + 1) * 2 > h->cap && idset_grow(h) != CP_OK) return CP_ENOMEM;
  k = malloc(n + 1);
  if (k == NULL) return CP_ENOMEM;
  memcpy(k, s, n); k[n] = '\0';
  i = id_hash(s, n) & (h->cap - 1);
  while (h->keys[i] != NULL) i = (i + 1) & (h->cap - 1);
  h->keys[i] = k; h->lens[i] = n; h->n++;
  if (key != NULL) *key = k;
  return CP_OK;
}

/* remove one key (backward-shift deletion keeps probe chains intact) */
static void idset_del (idset *h, const char *s, size_t n) {
  size_t i, j, mask = h->cap - 1;
  if (h->cap == 0) return;
  for (i = id_hash(s, n) & mask; h->keys[i] != NULL; i = (i + 1) & mask)
    if (h->lens[i] == n && memcmp(h->keys[i], s, n) == 0) break;
  if (h->keys[i] == NULL) return;
  free(h->keys[i]); h->keys[i] = NULL; h->n--;
  for (j = (i + 1) & mask; h->keys[j] != NULL; j = (j + 1) & mask) {
    size_t home = id_hash(h->keys[j], h->lens[j]) & mask;
    /* move j back to i when i lies cyclically in [home, j) */
    if (((j - home) & mask) >= ((j - i) & mask)) {
      h->keys[i] = h->keys[j]; h->lens[i] = h->lens[j];
      h->keys[j] = NULL; i = j;
    }
  }
}

static void idset_clear (idset *h) {
  size_t i;
  for (i = 0; i < h->cap; i++) free(h->keys[i]);
  free(h->keys); free(h->lens);
  memset(h, 0, sizeof(*h));
}

/* }================================================================ */


static int add_analyser (cp_corpus *c, cp_err *err);

cp_corpus *cp_corpus_new (const cp_opts *opts, cp_err *err) {
  cp_corpus *c;
  const char *lang = (opts != NULL) ? opts->language : NULL;
  int mode = (opts != NULL) ? opts->mode : CP_TOK_CORPUS;
  if (mode != CP_TOK_CORPUS && mode != CP_TOK_STRICT) {
    cp_err_set(err, CP_EINVAL, "unknown tokenizer mode %d", mode);
    return NULL;
  }
  c = calloc(1, sizeof(*c));
  if (c == NULL) {
    cp_err_set(err, CP_ENOMEM, "out of memory");
    return NULL;
  }
  c->mode = mode;
  c->an = cp_an_new(lang, err);
  if (c->an == NULL) { free(c); return NULL; }
  c->w = cp_segw_new(c->an, mode, err);
  if (c->w == NULL) { cp_an_free(c->an); free(c); return NULL; }
  c->automerge = 1;
  if (opts != NULL && opts->fields != NULL &&
      cp_segw_set_fields(c->w, opts->fields, err) != CP_OK) {
    cp_corpus_free(c);
    return NULL;
  }
  if (opts != NULL && opts->analyse != 0) {
    c->analyser = cp_analyser_new(opts->analyse, err);
    if (c->analyser == NULL
        || add_analyser(c, err) != CP_OK) {
      cp_corpus_free(c);
      return NULL;
    }
  }
  return c;
}

void cp_corpus_fields (const cp_corpus *c, char *buf) {
  cp_segw_fields(c != NULL ? c->w : NULL, buf);
}

int cp_corpus_set_fields (cp_corpus *c, const char *list, cp_err *err) {
  if (c == NULL) return cp_err_set(err, CP_EINVAL, "cp_corpus_set_fields: NULL corpus");
  return cp_segw_set_fields(c->w, list, err);
}

unsigned cp_corpus_analyse (const cp_corpus *c) {
  return (c != NULL) ? cp_analyser_what(c->analyser) : 0;
}

int cp_corpus_set_analyse (cp_corpus *c, unsigned what, cp_err *err) {
  int rc;
  if (c == NULL || (what & ~(unsigned)CP_X_ALL) != 0)
    return cp_err_set(err, CP_EINVAL, "cp_corpus_set_analyse: bad argument");
  /* queued documents are analysed as they were added */
  if ((rc = feed_drain(c, err)) != CP_OK) return rc;
  if (c->analyser != NULL) {
    cp_analyser_set_what(c->analyser, what);
    return CP_OK;
  }
  if (what == 0) return CP_OK;
  c->analyser = cp_analyser_new(what, err);
  if (c->analyser == NULL) return err ? err->code : CP_ENOMEM;
  return add_analyser(c, err);
}

static void bg_cancel (cp_corpus *c);
static void bg_free (cp_corpus *c);
static int replace_segs (cp_corpus *c, size_t lo, size_t hi, void *img,
                         size_t size,
                         void (*freefn)(void *img, size_t size, void *ud),
                         void *ud, int keepdel, cp_err *err);

static void seg_release (segent *e) {
  cp_seg_close(e->seg);
  if (e->freefn != NULL) e->freefn(e->img, e->size, e->ud);
  else free(e->img);
  free(e->deleted);
  free(e->name);
  memset(e, 0, sizeof(*e));
}

void cp_corpus_free (cp_corpus *c) {
  size_t i;
  if (c == NULL) return;
  feed_free(c);
  bg_free(c);               /* first: the worker reads the images */
  for (i = 0; i < c->nsegs; i++) seg_release(&c->segs[i]);
  free(c->segs);
  idset_clear(&c->pend);
  cp_segw_free(c->w);
  cp_an_free(c->an);
  cp_analyser_free(c->analyser);
  for (i = 0; i < c->nprods; i++) free((char *)c->prods[i].name);
  free(c->prods);
  free(c);
}

static int add_producer (cp_corpus *c, const char *name, cp_producer_fn fn,
                         cp_producer_mtfn mtfn, void (*mtfree) (void *),
                         void *ud, cp_err *err);

int cp_corpus_add_producer (cp_corpus *c, const char *name,
                            cp_producer_fn fn, void *ud, cp_err *err) {
  return add_producer(c, name, fn, NULL, NULL, ud, err);
}

const cp_producer *cp_corpus_producers (const cp_corpus *c, size_t *n) {
  if (n != NULL) *n = c ? c->nprods : 0;
  return c ? c->prods : NULL;
}

/* the analysers as a producer, which also runs where documents are
** prepared (cp_analyse_mt) */
static int add_analyser (cp_corpus *c, cp_err *err) {
  return add_producer(c, "analyse", cp_analyse_producer, cp_analyse_mt,
                      NULL, c->analyser, err);
}

static int add_producer (cp_corpus *c, const char *name, cp_producer_fn fn,
                         cp_producer_mtfn mtfn, void (*mtfree) (void *),
                         void *ud, cp_err *err) {
  cp_producer *np;
  char *nm;
  size_t n;
  int rc;
  if (c == NULL || fn == NULL || name == NULL)
    return cp_err_set(err, CP_EINVAL, "cp_corpus_add_producer: NULL argument");
  /* documents queued before it are added without it */
  if ((rc = feed_drain(c, err)) != CP_OK) return rc;
  n = strlen(name);
  np = (cp_producer *)realloc(c->prods, (c->nprods + 1) * sizeof(*np));
  if (np == NULL) return cp_err_set(err, CP_ENOMEM, "out of memory");
  c->prods = np;
  if ((nm = (char *)malloc(n + 1)) == NULL)
    return cp_err_set(err, CP_ENOMEM, "out of memory");
  memcpy(nm, name, n + 1);
  np[c->nprods].name = nm;
  np[c->nprods].fn = fn;
  np[c->nprods].ud = ud;
  np[c->nprods].mtfn = mtfn;
  np[c->nprods].mtfree = mtfree;
  c->nprods++;
  cp_segw_set_producers(c->w, c->prods, c->nprods);
  return CP_OK;
}

const char *cp_corpus_language (const cp_corpus *c) {
  return (c != NULL) ? cp_an_language(c->an) : NULL;
}

cp_an *cp_corpus_analyzer (cp_corpus *c) {
  return (c != NULL) ? c->an : NULL;
}

int cp_corpus_mode (const cp_corpus *c) {
  return (c != NULL) ? c->mode : CP_TOK_CORPUS;
}


/* {================================================================
** Segments
** ================================================================= */

int cp_corpus_attach (cp_corpus *c, void *img, size_t size,
                      void (*freefn)(void *img, size_t size, void *ud),
                      void *ud, cp_err *err) {
  segent *e;
  cp_seg *s;
  int rc;
  if (c == NULL || img == NULL)
    return cp_err_set(err, CP_EINVAL, "cp_corpus_attach: NULL argument");
  if (c->nsegs == c->segcap) {
    size_t ncap = c->segcap ? c->segcap * 2 : 8;
    segent *ns = realloc(c->segs, ncap * sizeof(segent));
    if (ns == NULL) return cp_err_set(err, CP_ENOMEM, "out of memory");
    c->segs = ns; c->segcap = ncap;
  }
  rc = cp_seg_open(&s, img, size, err);
  if (rc != CP_OK) return rc;
  e = &c->segs[c->nsegs++];
  memset(e, 0, sizeof(*e));
  e->seg = s; e->img = img; e->size = size;
  e->freefn = freefn; e->ud = ud;
  e->doc_base = c->ndocs; e->pos_base = c->ntoks;
  c->ndocs += cp_seg_ndocs(s);
  c->ntoks += cp_seg_ntokens(s);
  return CP_OK;
}

/*
** Lazy verification (segment format 2.1, seg.h).  Opening an index maps
** its segments and reads only their tables; each read then checks what
** it needs, once: 'need' names the whole sections (CP_SEGNEED_*: the
** tables always), and the accessors check postings, spans and text per
** 64 KiB block.  So the cost of the first read grows with what it
** reads, not with the index, and a damaged file is reported by the
** first read that touches the damage instead of serving wrong results.
** A segment an accessor found damaged (cp_seg_damaged) fails every
** later read.  The whole-file XXH64 of the manifest is checked by
** check() and by opening with verification.
*/
static int verify_segs (cp_corpus *c, unsigned need, cp_err *err) {
  size_t i;
  need |= CP_SEGNEED_BASE;
  for (i = 0; i < c->nsegs; i++) {
    segent *e = &c->segs[i];
    cp_err e2;
    const char *name;
    if (e->verified) continue;
    name = e->name ? e->name : "segment";
    /* a damaged whole section gives its own message every time; damage
    ** an accessor found in a block, this one */
    if (cp_seg_need(e->seg, need, &e2) != CP_OK)
      return cp_err_set(err, CP_ECORRUPT, "%s: %s", name, e2.msg);
    if (cp_seg_damaged(e->seg))
      return cp_err_set(err, CP_ECORRUPT, "%s: data damaged (found by an "
                        "earlier read)", name);
  }
  return CP_OK;
}

/* {================================================================
** In-memory merging
** ================================================================= */

/*
** The tiered policy of the index (merge.h) after each seal: a run of
** CP_MERGE_FACTOR adjacent segments of one tier, none with deleted
** documents (a merge drops them, which would renumber what follows) and
** all built here, becomes one.  Each document is re-added once per tier
** it climbs: O(log n) times.  Document numbers never change (a merge
** keeps the order and drops nothing), so what a read answers does not
** depend on which merges have run.
**
** Runs below tier CP_BG_TIER (a few dozen documents) are merged in the
** read that seals, as they form.  A run of a higher tier is merged on a
** worker thread (one at a time) while adds and reads go on; the next
** read that seals swaps the result in, if the run is still as it was
** (same images, still no deleted document), else drops it.  The worker
** reads only the run's images, which nothing frees or writes while it
** runs (every path that drops, replaces, rewrites or truncates segments
** cancels it first: bg_cancel joins the thread), through cp_seg handles
** of its own: a cp_seg is not shared between threads, since its reads
** record lazy checks and cache decompressed stored text in it (seg.h
** "Lazy checks").  The images were built here, so its handles are
** trusted as the corpus's are.  It builds with its own analyzer and
** touches nothing else of the corpus.
*/
#ifndef CP_BG_TIER
#define CP_BG_TIER 3
#endif

typedef struct bgjob {
  pthread_t th;
  pthread_mutex_t mu;
  int active;               /* a worker was started and not yet joined */
  int done;                 /* (under mu) the worker has finished */
  size_t lo, hi;            /* the run: segments [lo, hi) */
  void **imgs;              /* its images (the worker opens its own
                               readers over them; the swap checks them) */
  size_t *sizes;
  cp_an *an;                /* the worker's analyzer */
  int mode;
  void *img;                /* the result (owned until swapped in) */
  size_t size;
  int rc;
  cp_err err;
} bgjob;

static void *bg_main (void *arg) {
  bgjob *j = (bgjob *)arg;
  void *img = NULL;
  size_t size = 0, i, n = j->hi - j->lo, nopen = 0;
  cp_seg *segs[CP_MERGE_FACTOR];
  int rc = CP_OK;
  /* the worker's own readers over the run's images, trusted like the
  ** main thread's (the images were built here) */
  for (i = 0; i < n && rc == CP_OK; i++) {
    rc = cp_seg_open(&segs[i], j->imgs[i], j->sizes[i], &j->err);
    if (rc == CP_OK) { cp_seg_trust(segs[i]); nopen++; }
  }
  if (rc == CP_OK)
    rc = cp_merge_segs(j->an, j->mode, (const cp_seg *const *)segs, n, &img,
                       &size, &j->err);
  for (i = 0; i < nopen; i++) cp_seg_close(segs[i]);
  pthread_mutex_lock(&j->mu);
  j->img = img;
  j->size = size;
  j->rc = rc;
  j->done = 1;
  pthread_mutex_unlock(&j->mu);
  return NULL;
}

/* join a finished worker (any worker with 'wait'); 0 if one still runs */
static int bg_join (bgjob *j, int wait) {
  int done;
  if (!j->active) return 1;
  if (!wait) {
    pthread_mutex_lock(&j->mu);
    done = j->done;
    pthread_mutex_unlock(&j->mu);
    if (!done) return 0;
  }
  pthread_join(j->th, NULL);
  j->active = 0;
  return 1;
}

/* is segment i mergeable, and of which tier? */
static int seg_tier (const cp_corpus *c, size_t i) {
  const segent *e = &c->segs[i];
  if (e->ndeleted > 0 || e->freefn != NULL) return -1;
  return cp_merge_tier(e->size, cp_seg_ndocs(e->seg));
}

/* the first run of CP_MERGE_FACTOR segments of one tier below 'maxtier'
** in [from, nsegs): *lo, its tier returned; -1 if none */
static int find_run (const cp_corpus *c, size_t from, int maxtier, size_t *lo) {
  size_t i, k;
  for (i = from; i + CP_MERGE_FACTOR <= c->nsegs; i++) {
    int t = seg_tier(c, i);
    if (t < 0 || t >= maxtier) continue;
    for (k = 1; k < CP_MERGE_FACTOR && seg_tier(c, i + k) == t; k++) ;
    if (k == CP_MERGE_FACTOR) { *lo = i; return t; }
  }
  return -1;
}

/* swap a finished background merge in, if its run is unchanged */
static void bg_collect (cp_corpus *c) {
  bgjob *j = c->bg;
  size_t i;
  int same;
  cp_err e;
  if (j == NULL || !j->active || !bg_join(j, 0)) return;
  same = j->rc == CP_OK && j->img != NULL && j->hi <= c->nsegs;
  for (i = j->lo; i < j->hi && same; i++)
    same = c->segs[i].img == j->imgs[i - j->lo] && c->segs[i].ndeleted == 0;
  if (same && replace_segs(c, j->lo, j->hi, j->img, j->size, NULL, NULL, 0,
                           &e) == CP_OK) {
    c->segs[j->lo].verified = 1;      /* built here, never left memory */
    cp_seg_trust(c->segs[j->lo].seg);
  }
  else
    free(j->img);   /* a failed merge leaves the run as it was */
  j->img = NULL;
}

/* stop using the worker's result: join it and drop what it made */
static void bg_cancel (cp_corpus *c) {
  bgjob *j = c->bg;
  if (j == NULL || !j->active) return;
  bg_join(j, 1);
  free(j->img);
  j->img = NULL;
}

static void bg_free (cp_corpus *c) {
  bgjob *j = c->bg;
  if (j == NULL) return;
  bg_cancel(c);
  pthread_mutex_destroy(&j->mu);
  cp_an_free(j->an);
  free(j->imgs);
  free(j->sizes);
  free(j);
  c->bg = NULL;
}

/* start merging [lo, lo + CP_MERGE_FACTOR) on the worker; 0 if it
** cannot start or a segment of the run was not built here (the caller
** merges here instead) */
static int bg_start (cp_corpus *c, size_t lo) {
  bgjob *j = c->bg;
  size_t i, n = CP_MERGE_FACTOR;
  cp_err e;
  /* only images built here: the worker trusts its readers over them */
  for (i = 0; i < n; i++)
    if (!c->segs[lo + i].verified) return 0;
  if (j == NULL) {
    if ((j = (bgjob *)calloc(1, sizeof(*j))) == NULL) return 0;
    if (pthread_mutex_init(&j->mu, NULL) != 0) { free(j); return 0; }
    j->imgs = (void **)malloc(n * sizeof(*j->imgs));
    j->sizes = (size_t *)malloc(n * sizeof(*j->sizes));
    j->an = cp_an_new(cp_an_language(c->an), &e);
    c->bg = j;
    if (j->imgs == NULL || j->sizes == NULL || j->an == NULL) {
      bg_free(c);
      return 0;
    }
  }
  for (i = 0; i < n; i++) {
    j->imgs[i] = c->segs[lo + i].img;
    j->sizes[i] = c->segs[lo + i].size;
  }
  j->lo = lo;
  j->hi = lo + n;
  j->mode = c->mode;
  j->img = NULL;
  j->done = 0;
  if (pthread_create(&j->th, NULL, bg_main, j) != 0) return 0;
  j->active = 1;
  return 1;
}

static int automerge (cp_corpus *c, cp_err *err) {
  bg_collect(c);
  for (;;) {
    size_t lo, size;
    void *img;
    int busy = c->bg != NULL && c->bg->active, t, rc;
    /* while the worker runs, its run and what is before it stay put */
    t = find_run(c, busy ? c->bg->hi : 0, busy ? CP_BG_TIER : 64, &lo);
    if (t < 0) return CP_OK;
    if (t >= CP_BG_TIER && bg_start(c, lo)) continue;
    if ((rc = cp_merge_image(c, lo, lo + CP_MERGE_FACTOR, &img, &size, err))
        != CP_OK)
      return rc;
    if (img == NULL) return CP_OK;            /* cannot happen: all live */
    rc = replace_segs(c, lo, lo + CP_MERGE_FACTOR, img, size, NULL, NULL, 0,
                      err);
    if (rc != CP_OK) { free(img); return rc; }
    c->segs[lo].verified = 1;
    cp_seg_trust(c->segs[lo].seg);
  }
}

/* }================================================================ */

void cp_corpus_set_automerge (cp_corpus *c, int on) {
  if (c == NULL) return;
  if (!on) bg_cancel(c);
  c->automerge = on != 0;
}

static int feed_repend (cp_corpus *c);

/* seal the builder's documents into a segment (the queue waits), after
** the lazy checks 'need' of the segments there (cp_corpus_ready) */
static int seal (cp_corpus *c, unsigned need, cp_err *err) {
  void *img;
  size_t size;
  int rc;
  if ((rc = verify_segs(c, need, err)) != CP_OK) return rc;
  if (cp_segw_ndocs(c->w) == 0) return CP_OK;
  rc = cp_segw_finish(c->w, &img, &size, err);
  if (rc != CP_OK) return rc;
  rc = cp_corpus_attach(c, img, size, NULL, NULL, err);
  if (rc != CP_OK) { free(img); return rc; }
  c->segs[c->nsegs - 1].verified = 1;   /* built here, never left memory */
  cp_seg_trust(c->segs[c->nsegs - 1].seg);
  idset_clear(&c->pend);
  c->wbytes = 0;
  /* queued documents keep their ids pending */
  if (feed_repend(c) != CP_OK)
    return cp_err_set(err, CP_ENOMEM, "out of memory");
  return c->automerge && !c->readonly ? automerge(c, err) : CP_OK;
}

int cp_corpus_flush (cp_corpus *c, cp_err *err) {
  return cp_corpus_ready(c, CP_SEGNEED_ALL, err);
}

int cp_corpus_ready (cp_corpus *c, unsigned need, cp_err *err) {
  int rc;
  if (c == NULL) return cp_err_set(err, CP_EINVAL, "cp_corpus_ready: NULL corpus");
  if ((rc = feed_drain(c, err)) != CP_OK) return rc;
  return seal(c, need, err);
}

int cp_corpus_expect (cp_corpus *c, size_t i, uint64_t hash,
                      const char *name, cp_err *err) {
  segent *e;
  if (c == NULL || i >= c->nsegs)
    return cp_err_set(err, CP_EINVAL, "cp_corpus_expect: no segment %zu", i);
  e = &c->segs[i];
  if (name != NULL) {
    char *copy = strdup(name);
    if (copy == NULL) return cp_err_set(err, CP_ENOMEM, "out of memory");
    free(e->name);
    e->name = copy;
  }
  e->hash = hash;
  e->hashed = 1;
  e->verified = 0;
  return CP_OK;
}

size_t cp_corpus_nsegs (const cp_corpus *c) {
  return (c != NULL) ? c->nsegs : 0;
}

const char *cp_corpus_seg_name (const cp_corpus *c, size_t i) {
  return (c != NULL && i < c->nsegs && c->segs[i].name != NULL)
         ? c->segs[i].name : "segment";
}

const cp_seg *cp_corpus_seg (const cp_corpus *c, size_t i) {
  return (c != NULL && i < c->nsegs) ? c->segs[i].seg : NULL;
}

uint64_t cp_corpus_doc_base (const cp_corpus *c, size_t i) {
  return (c != NULL && i < c->nsegs) ? c->segs[i].doc_base : 0;
}

uint64_t cp_corpus_pos_base (const cp_corpus *c, size_t i) {
  return (c != NULL && i < c->nsegs) ? c->segs[i].pos_base : 0;
}

uint64_t cp_corpus_epoch (const cp_corpus *c) {
  return (c != NULL) ? c->epoch : 0;
}

uint64_t cp_corpus_ndocs (const cp_corpus *c) {
  return (c != NULL) ? c->ndocs : 0;
}

int cp_corpus_locate (const cp_corpus *c, uint64_t doc, size_t *seg,
                      uint32_t *local) {
  size_t lo = 0, hi;
  if (c == NULL || doc >= c->ndocs) return CP_ENOENT;
  hi = c->nsegs;
  /* last segment whose doc_base <= doc */
  while (hi - lo > 1) {
    size_t mid = lo + (hi - lo) / 2;
    if (c->segs[mid].doc_base <= doc) lo = mid; else hi = mid;
  }
  /* skip empty segments that share a base */
  while (lo + 1 < c->nsegs && c->segs[lo + 1].doc_base <= doc) lo++;
  if (seg) *seg = lo;
  if (local) *local = (uint32_t)(doc - c->segs[lo].doc_base);
  return CP_OK;
}

int cp_corpus_find (const cp_corpus *c, const char *id, size_t len,
                    uint64_t *doc) {
  size_t i;
  if (c == NULL || id == NULL) return CP_EINVAL;
  for (i = 0; i < c->nsegs; i++) {
    int64_t d = cp_seg_find_id(c->segs[i].seg, id, len);
    if (d >= 0 && !cp_corpus_is_deleted(c, i, (uint32_t)d)) {
      if (doc) *doc = c->segs[i].doc_base + (uint64_t)d;
      return CP_OK;
    }
  }
  return CP_ENOENT;
}

/* }================================================================ */


/* {================================================================
** Adding documents
** ================================================================= */

static int id_taken (const cp_corpus *c, const char *id, size_t len) {
  return idset_has(&c->pend, id, len) || cp_corpus_find(c, id, len, NULL) == CP_OK;
}

/* next free sequence-number id, written to buf */
static size_t next_seq_id (cp_corpus *c, char *buf, size_t bufsz) {
  for (;;) {
    int n = snprintf(buf, bufsz, "%llu", (unsigned long long)++c->seq);
    if (!id_taken(c, buf, (size_t)n)) return (size_t)n;
  }
}

/* {================================================================
** The queue of documents added one a call
**
** c:add{} adds one document a call, so the batch pipeline (pipe.c) has
** nothing to run ahead on.  Such a document is checked (its id, the
** shape of its metadata) and queued instead, with copies of its id, text
** and metadata: the call returns at once, a worker thread tokenizes the
** queue in order, and the builder takes the prepared documents in order
** during the later calls (whatever is prepared when a call comes, or
** the oldest when the queue is full) and at the latest when anything
** reads the corpus (cp_corpus_flush and every batch drain the queue
** first).  The image is the one the same adds made at once would give.
** What can still fail at the builder is out of memory (or a limit no
** text below SEAL_BYTES reaches): such a failure drops that document and
** the ones queued after it, and the next call that drains reports it.
** At most FEED_N documents or about FEED_BYTES of text wait.
** ================================================================= */

#define FEED_N 64
#define FEED_BYTES ((uint64_t)8 << 20)
#define FEED_WAKE 4                   /* documents that wake the worker */

typedef struct fdoc {
  char *block;                        /* id, text, metadata copies */
  cp_docin d;                         /* pointing into block */
  cp_segprep prep;
  /* the corpus's producers when it was queued, for the worker to run
  ** (cp_segprep_produce); valid until the queue is drained, which
  ** every change of the list does first */
  const cp_producer *prods;
  size_t nprods;
} fdoc;

typedef struct feed {
  pthread_t th;
  pthread_mutex_t mu;
  pthread_cond_t work;                /* caller -> worker: documents queued */
  pthread_cond_t done;                /* worker -> caller: one is prepared */
  int mode;
  /* guarded by mu */
  size_t tail;                        /* documents queued */
  size_t ready;                       /* documents prepared */
  int stop, wwait, cwait;
  /* the caller's own */
  size_t head;                        /* documents taken by the builder */
  uint64_t bytes;                     /* text of documents queued, not taken */
  fdoc q[FEED_N];
} feed;

static void *feed_worker (void *arg) {
  feed *f = (feed *)arg;
  pthread_mutex_lock(&f->mu);
  for (;;) {
    size_t i;
    fdoc *q;
    while (!f->stop && f->ready == f->tail) {
      f->wwait = 1;
      pthread_cond_wait(&f->work, &f->mu);
      f->wwait = 0;
    }
    if (f->stop) break;
    i = f->ready;
    pthread_mutex_unlock(&f->mu);
    q = &f->q[i % FEED_N];
    cp_segw_prepare(f->mode, q->d.text, q->d.textlen, &q->prep);
    /* the analysers too, off the caller's thread (the builder stores
    ** their spans when it takes the document, as for batches) */
    cp_segprep_produce(&q->prep, q->prods, q->nprods, q->d.meta, q->d.nmeta);
    pthread_mutex_lock(&f->mu);
    f->ready = i + 1;
    if (f->cwait) pthread_cond_signal(&f->done);
  }
  pthread_mutex_unlock(&f->mu);
  return NULL;
}

/* stop and free the queue, dropping what it holds (ids stay pending) */
static void feed_free (cp_corpus *c) {
  feed *f = c->feed;
  size_t k;
  if (f == NULL) return;
  pthread_mutex_lock(&f->mu);
  f->stop = 1;
  pthread_cond_signal(&f->work);
  pthread_mutex_unlock(&f->mu);
  pthread_join(f->th, NULL);
  pthread_cond_destroy(&f->done);
  pthread_cond_destroy(&f->work);
  pthread_mutex_destroy(&f->mu);
  for (k = 0; k < FEED_N; k++) {
    free(f->q[k].block);
    cp_segprep_free(&f->q[k].prep);
  }
  free(f);
  c->feed = NULL;
}

static feed *feed_new (int mode) {
  feed *f = (feed *)calloc(1, sizeof(*f));
  if (f == NULL) return NULL;
  f->mode = mode;
  if (pthread_mutex_init(&f->mu, NULL) != 0) { free(f);  return NULL; }
  if (pthread_cond_init(&f->work, NULL) != 0) {
    pthread_mutex_destroy(&f->mu);
    free(f);
    return NULL;
  }
  if (pthread_cond_init(&f->done, NULL) != 0) {
    pthread_cond_destroy(&f->work);
    pthread_mutex_destroy(&f->mu);
    free(f);
    return NULL;
  }
  if (pthread_create(&f->th, NULL, feed_worker, f) != 0) {
    pthread_cond_destroy(&f->done);
    pthread_cond_destroy(&f->work);
    pthread_mutex_destroy(&f->mu);
    free(f);
    return NULL;
  }
  return f;
}

/* the ids of the queued documents, pending again after a seal */
static int feed_repend (cp_corpus *c) {
  size_t i;
  if (c->feed == NULL) return CP_OK;
  for (i = c->feed->head; i < c->feed->tail; i++) {
    const cp_docin *d = &c->feed->q[i % FEED_N].d;
    if (idset_add(&c->pend, d->id, d->idlen, NULL) != CP_OK) return CP_ENOMEM;
  }
  return CP_OK;
}

/*
** The builder takes the oldest queued document (waiting for the worker
** if 'wait', else only if it is prepared).  1 when one was taken, 0 when
** none was ready, -1 when the add failed: c->ferr then says why and the
** queue is gone, with its documents and their pending ids.
*/
static int feed_take (cp_corpus *c, int wait) {
  feed *f = c->feed;
  fdoc *q;
  int rc;
  if (f == NULL || f->head == f->tail) return 0;
  pthread_mutex_lock(&f->mu);
  if (f->ready <= f->head) {
    if (!wait) { pthread_mutex_unlock(&f->mu);  return 0; }
    if (f->wwait) pthread_cond_signal(&f->work);
    f->cwait = 1;
    while (f->ready <= f->head) pthread_cond_wait(&f->done, &f->mu);
    f->cwait = 0;
  }
  pthread_mutex_unlock(&f->mu);
  q = &f->q[f->head % FEED_N];
  rc = CP_OK;
  if (c->wbytes > 0 && c->wbytes + q->d.textlen > SEAL_BYTES)
    rc = seal(c, 0, &c->ferr);
  if (rc == CP_OK)
    rc = cp_segw_add_prepared(c->w, q->d.id, q->d.idlen, &q->prep, q->d.meta,
                              q->d.nmeta, &c->ferr);
  if (rc != CP_OK) {
    /* drop this document and the ones queued after it */
    char msg[CP_ERRMSG];
    size_t i, dropped = f->tail - f->head;
    memcpy(msg, c->ferr.msg, sizeof(msg));
    cp_err_set(&c->ferr, rc, "document '%.*s' (added earlier) could not be "
               "indexed: %s; it and the %zu documents added after it were "
               "dropped", (int)(q->d.idlen > 64 ? 64 : q->d.idlen), q->d.id,
               msg, dropped - 1);
    for (i = f->head; i < f->tail; i++) {
      const cp_docin *d = &f->q[i % FEED_N].d;
      idset_del(&c->pend, d->id, d->idlen);
    }
    feed_free(c);
    return -1;
  }
  c->wbytes += q->d.textlen;
  f->bytes -= q->d.textlen;
  free(q->block);
  q->block = NULL;
  f->head++;
  return 1;
}

/* every queued document into the builder, the queue stopped; a failure
** of a queued document is reported here, once */
static int feed_drain (cp_corpus *c, cp_err *err) {
  while (c->feed != NULL && c->feed->head < c->feed->tail)
    if (feed_take(c, 1) < 0) break;
  feed_free(c);
  if (c->ferr.code != CP_OK) {
    int rc = c->ferr.code;
    if (err != NULL) *err = c->ferr;
    c->ferr.code = CP_OK;
    c->ferr.msg[0] = '\0';
    return rc;
  }
  return CP_OK;
}

/* metadata the builder will take as it is (cp_meta_size: else the add
** is made at once, where the builder reports what is wrong); *bytes
** gets the bytes its copy needs */
static int meta_plain (const cp_meta *m, size_t n, uint64_t *bytes) {
  size_t i;
  uint64_t b = 0;
  if (cp_meta_size(m, n) == SIZE_MAX) return 0;
  for (i = 0; i < n; i++)
    b += m[i].keylen + (m[i].type == CP_MSTR ? m[i].strlen : 0);
  *bytes = b;
  return 1;
}

/* copy d (id already resolved to id[0..idlen)) into queue slot q */
static int fdoc_fill (fdoc *q, const cp_docin *d, const char *id,
                      size_t idlen, uint64_t metabytes) {
  size_t need = idlen + 1 + d->textlen + 1 + (size_t)metabytes
              + d->nmeta * sizeof(cp_meta) + sizeof(cp_meta), i;
  char *b, *o;
  cp_meta *m;
  free(q->block);
  q->block = b = (char *)malloc(need);
  if (b == NULL) return CP_ENOMEM;
  /* the metadata records first: they are aligned at the block's start */
  m = (cp_meta *)(void *)b;
  o = b + (d->nmeta + 1) * sizeof(cp_meta);
  for (i = 0; i < d->nmeta; i++) {
    m[i] = d->meta[i];
    if (m[i].keylen) memcpy(o, d->meta[i].key, m[i].keylen);
    m[i].key = o;
    o += m[i].keylen;
    if (m[i].type == CP_MSTR) {
      if (m[i].strlen) memcpy(o, d->meta[i].str, m[i].strlen);
      m[i].str = o;
      o += m[i].strlen;
    }
  }
  memcpy(o, id, idlen);
  o[idlen] = '\0';
  q->d.id = o;
  q->d.idlen = idlen;
  o += idlen + 1;
  if (d->textlen) memcpy(o, d->text, d->textlen);
  o[d->textlen] = '\0';
  q->d.text = o;
  q->d.textlen = d->textlen;
  q->d.meta = m;
  q->d.nmeta = d->nmeta;
  q->d.tokens = NULL;
  return CP_OK;
}

/*
** Queue one document (the caller checked that it may be).  CP_ENOENT
** when no queue can be started (the caller adds it at once).
*/
static int feed_add (cp_corpus *c, const cp_docin *d, uint64_t metabytes,
                     cp_err *err) {
  feed *f;
  char seqid[24];
  const char *id = d->id;
  size_t idlen = d->idlen, ready;
  if (c->ferr.code != CP_OK) return feed_drain(c, err);   /* report it */
  if (c->feed == NULL && (c->feed = feed_new(c->mode)) == NULL)
    return CP_ENOENT;
  f = c->feed;
  if (id == NULL || idlen == 0) {
    idlen = next_seq_id(c, seqid, sizeof(seqid));
    id = seqid;
  }
  else if (id_taken(c, id, idlen))
    return cp_err_set(err, CP_EEXIST, "duplicate document id '%.*s'",
                      (int)(idlen > 200 ? 200 : idlen), id);
  /* room: the oldest goes to the builder first */
  while (f->tail - f->head == FEED_N ||
         (f->tail > f->head && f->bytes + d->textlen > FEED_BYTES)) {
    if (feed_take(c, 1) < 0) return feed_drain(c, err);
  }
  if (fdoc_fill(&f->q[f->tail % FEED_N], d, id, idlen, metabytes) != CP_OK ||
      idset_add(&c->pend, id, idlen, NULL) != CP_OK)
    return cp_err_set(err, CP_ENOMEM, "out of memory");
  f->q[f->tail % FEED_N].prods = c->prods;
  f->q[f->tail % FEED_N].nprods = c->nprods;
  f->bytes += d->textlen;
  pthread_mutex_lock(&f->mu);
  f->tail++;
  ready = f->ready;
  if (f->wwait && (f->tail - f->ready >= FEED_WAKE || f->bytes >= (256u << 10)))
    pthread_cond_signal(&f->work);
  pthread_mutex_unlock(&f->mu);
  /* the builder takes what the worker has prepared meanwhile (a failure
  ** stays in c->ferr for the next call) */
  while (c->feed != NULL && c->feed->head < ready)
    if (feed_take(c, 0) <= 0) break;
  return CP_OK;
}

/* }================================================================ */


/* the ids a batch has added to the pending set so far (for a rollback) */
typedef struct idlog {
  const char **id;
  size_t *len;
  size_t n;
} idlog;

/* undo a partial batch: drop its pending ids and builder documents */
static void add_rollback (cp_corpus *c, const idlog *log, uint32_t wdocs0,
                          uint64_t wbytes0, size_t nsegs0) {
  size_t i;
  for (i = 0; i < log->n; i++) idset_del(&c->pend, log->id[i], log->len[i]);
  if (c->nsegs > nsegs0) bg_cancel(c);   /* it may read one of them */
  while (c->nsegs > nsegs0) {   /* segments sealed during the batch */
    segent *e = &c->segs[c->nsegs - 1];
    c->ndocs -= cp_seg_ndocs(e->seg);
    c->ntoks -= cp_seg_ntokens(e->seg);
    seg_release(e);
    c->nsegs--;
  }
  cp_segw_truncate(c->w, wdocs0, NULL);
  c->wbytes = wbytes0;
}

/* batches with at least this much text use the tokenizer thread */
#define PIPE_BYTES ((uint64_t)256 << 10)

/*
** Add document 'd' (prepared as 'prep' when not NULL) to the builder:
** the id check, a seal when the builder is full, the builder's add, the
** pending id.  'seqid' (24 bytes) holds an assigned sequence id.
*/
static int add_one (cp_corpus *c, const cp_docin *d, const cp_segprep *prep,
                    char *seqid, idlog *log, cp_err *err) {
  const char *id = d->id;
  size_t idlen = d->idlen, tl;
  int rc;
  if (id == NULL || idlen == 0) {
    idlen = next_seq_id(c, seqid, 24);
    id = seqid;
  }
  else if (id_taken(c, id, idlen))
    return cp_err_set(err, CP_EEXIST, "duplicate document id '%.*s'",
                      (int)(idlen > 200 ? 200 : idlen), id);
  tl = d->tokens ? d->tokens->textlen : d->textlen;
  if (c->wbytes > 0 && c->wbytes + tl > SEAL_BYTES) {
    rc = seal(c, 0, err);
    if (rc != CP_OK) return rc;
    /* the ids logged so far are in the sealed segment now, which a
    ** rollback releases; the pending set no longer holds them */
    log->n = 0;
  }
  if (d->tokens != NULL)
    rc = cp_segw_add_tokens(c->w, id, idlen, d->tokens, d->meta, d->nmeta, err);
  else if (prep != NULL)
    rc = cp_segw_add_prepared(c->w, id, idlen, prep, d->meta, d->nmeta, err);
  else
    rc = cp_segw_add(c->w, id, idlen, d->text, d->textlen, d->meta, d->nmeta,
                     err);
  if (rc != CP_OK) return rc;
  /* the set's own copy of the id is logged, for a rollback: the
  ** caller's may not outlive the next document (jsonl.c) */
  rc = idset_add(&c->pend, id, idlen, &log->id[log->n]);
  if (rc != CP_OK) {
    cp_segw_truncate(c->w, cp_segw_ndocs(c->w) - 1, NULL);
    return cp_err_set(err, rc, "out of memory");
  }
  log->len[log->n++] = idlen;
  c->wbytes += tl;
  return CP_OK;
}

int cp_corpus_add_src (cp_corpus *c, size_t n, uint64_t bytes,
                       cp_docsrc src, void *ud, int *srcfail, cp_err *err) {
  size_t i;
  uint32_t wdocs0;
  uint64_t wbytes0;
  size_t nsegs0;
  char (*seqids)[24];
  idlog log;
  int rc = CP_OK, fromsrc = 0;
  if (srcfail != NULL) *srcfail = 0;
  if (c == NULL || src == NULL)
    return cp_err_set(err, CP_EINVAL, "cp_corpus_add_src: NULL argument");
  if (c->readonly)
    return cp_err_set(err, CP_EINVAL, "corpus is read-only (open it with write = true)");
  /* seal first if this batch would push the builder past the limit: a
  ** rollback then never has to split a segment that holds older docs */
  if ((rc = feed_drain(c, err)) != CP_OK) return rc;   /* queued ones first */
  if (c->wbytes > 0 && c->wbytes + bytes > SEAL_BYTES) {
    rc = seal(c, 0, err);
    if (rc != CP_OK) return rc;
  }
  seqids = calloc(n ? n : 1, sizeof(*seqids));
  log.id = (const char **)calloc(n ? n : 1, sizeof(*log.id));
  log.len = (size_t *)calloc(n ? n : 1, sizeof(*log.len));
  log.n = 0;
  if (seqids == NULL || log.id == NULL || log.len == NULL) {
    free(seqids);  free(log.id);  free(log.len);
    return cp_err_set(err, CP_ENOMEM, "out of memory");
  }
  wdocs0 = cp_segw_ndocs(c->w);
  wbytes0 = c->wbytes;
  nsegs0 = c->nsegs;
  for (i = 0; i < n && rc == CP_OK; i++) {
    cp_docin d;
    const cp_segprep *prep = NULL;
    memset(&d, 0, sizeof(d));
    rc = src(ud, i, &d, &prep, err);
    if (rc != CP_OK) { fromsrc = 1;  break; }
    rc = add_one(c, &d, prep, seqids[i], &log, err);
  }
  if (rc != CP_OK) {
    char msg[CP_ERRMSG];
    add_rollback(c, &log, wdocs0, wbytes0, nsegs0);
    if (!fromsrc && err != NULL && n > 1) {   /* say which document failed */
      memcpy(msg, err->msg, sizeof(msg));
      cp_err_set(err, rc, "document %zu: %s", i, msg);
    }
    if (fromsrc && srcfail != NULL) *srcfail = 1;
  }
  free(seqids);
  free(log.id);
  free(log.len);
  return rc;
}

/*
** May documents added one a call be queued?  Not with a producer of the
** host's: its failure must be reported by the add that caused it, and
** a queued document is added by a later call.  The built-in analysers
** fail only when out of memory, which the queue reports as it reports
** the builder's own (see "The queue of documents added one a call").
*/
static int queue_ok (const cp_corpus *c) {
  size_t i;
  for (i = 0; i < c->nprods; i++)
    if (c->prods[i].fn != cp_analyse_producer) return 0;
  return 1;
}

/* cp_corpus_add's source: the batch, tokenized (and analysed) ahead
** when it is big */
typedef struct docs_src {
  const cp_docin *docs;
  cp_pipe *pipe;
  int mode;
  const cp_producer *prods;
  size_t nprods;
} docs_src;

/* the pipe's callback: tokenize document i and run the producers that
** can run there (cp_segprep_produce) */
static size_t prep_doc (void *ud, size_t i, cp_segprep *p, void **aux) {
  const docs_src *s = (const docs_src *)ud;
  const cp_docin *d = &s->docs[i];
  (void)aux;
  cp_segw_prepare(s->mode, d->text, d->textlen, p);
  cp_segprep_produce(p, s->prods, s->nprods, d->meta, d->nmeta);
  return d->textlen;
}

static int next_doc (void *ud, size_t i, cp_docin *d, const cp_segprep **prep,
                     cp_err *err) {
  docs_src *s = (docs_src *)ud;
  (void)err;
  *d = s->docs[i];
  if (s->pipe != NULL) *prep = cp_pipe_next(s->pipe);
  return CP_OK;
}

int cp_corpus_add (cp_corpus *c, const cp_docin *docs, size_t n,
                   cp_err *err) {
  size_t i;
  uint64_t batch = 0;
  docs_src s;
  int rc, tokdocs = 0;
  if (c == NULL || (docs == NULL && n > 0))
    return cp_err_set(err, CP_EINVAL, "cp_corpus_add: NULL argument");
  if (c->readonly)
    return cp_err_set(err, CP_EINVAL, "corpus is read-only (open it with write = true)");
  for (i = 0; i < n; i++) {
    if (docs[i].tokens != NULL) { tokdocs = 1;  batch += docs[i].tokens->textlen;  continue; }
    if (docs[i].text == NULL && docs[i].textlen > 0)
      return cp_err_set(err, CP_EINVAL, "document %zu: NULL text", i + 1);
    batch += docs[i].textlen;
  }
  /* one plain document a call: queued (see above) */
  if (n == 1 && !tokdocs && queue_ok(c) && docs[0].textlen < SEAL_BYTES) {
    uint64_t mb;
    if (meta_plain(docs[0].meta, docs[0].nmeta, &mb) &&
        docs[0].idlen < 4096) {
      rc = feed_add(c, &docs[0], mb, err);
      if (rc != CP_ENOENT) return rc;
    }
  }
  s.docs = docs;
  s.pipe = NULL;
  s.mode = c->mode;
  s.prods = c->prods;
  s.nprods = c->nprods;
  /* a big batch is tokenized ahead on a second thread (same image) */
  if (n >= 2 && batch >= PIPE_BYTES && !tokdocs) {
    s.pipe = cp_pipe_start_fn(n, 1, prep_doc, NULL, &s, err);
    if (s.pipe == NULL) return CP_ENOMEM;
  }
  rc = cp_corpus_add_src(c, n, batch, next_doc, &s, NULL, err);
  cp_pipe_stop(s.pipe);   /* joins the worker, on every path */
  return rc;
}

/* }================================================================ */


/* {================================================================
** Deletions
** ================================================================= */

int cp_corpus_is_deleted (const cp_corpus *c, size_t seg, uint32_t local) {
  const segent *e;
  if (c == NULL || seg >= c->nsegs) return 0;
  e = &c->segs[seg];
  return e->deleted != NULL && (e->deleted[local >> 3] >> (local & 7)) & 1;
}

int cp_corpus_delete (cp_corpus *c, uint64_t doc, cp_err *err) {
  size_t si;
  uint32_t local;
  segent *e;
  if (c == NULL) return cp_err_set(err, CP_EINVAL, "cp_corpus_delete: NULL corpus");
  if (c->readonly)
    return cp_err_set(err, CP_EINVAL, "corpus is read-only (open it with write = true)");
  if (cp_corpus_locate(c, doc, &si, &local) != CP_OK)
    return cp_err_set(err, CP_ENOENT, "no document %llu",
                      (unsigned long long)doc + 1);
  e = &c->segs[si];
  if (e->deleted == NULL) {
    e->deleted = calloc((cp_seg_ndocs(e->seg) + 7) / 8 + 1, 1);
    if (e->deleted == NULL) return cp_err_set(err, CP_ENOMEM, "out of memory");
  }
  if (!((e->deleted[local >> 3] >> (local & 7)) & 1)) {
    e->deleted[local >> 3] |= (uint8_t)(1u << (local & 7));
    e->ndeleted++;
    c->ndeleted++;
    c->epoch++;
  }
  return CP_OK;
}

uint64_t cp_corpus_ndeleted (const cp_corpus *c) {
  return (c != NULL) ? c->ndeleted : 0;
}

/* }================================================================ */


/* {================================================================
** Statistics
** ================================================================= */

/*
** Distinct types per layer over live documents.  With one segment and
** no deletions the lexicon sizes answer directly; otherwise the types
** of every segment are merged by string (a type seen only in deleted
** documents does not count).
*/
typedef struct strset {
  const char **k;
  size_t *l;
  size_t n, cap;
} strset;

static int strset_add (strset *h, const char *s, size_t n) {
  size_t i;
  if ((h->n + 1) * 2 > h->cap) {
    size_t ncap = h->cap ? h->cap * 2 : 1024, j;
    const char **nk = calloc(ncap, sizeof(char *));
    size_t *nl = calloc(ncap, sizeof(size_t));
    if (nk == NULL || nl == NULL) { free(nk); free(nl); return CP_ENOMEM; }
    for (j = 0; j < h->cap; j++) {
      if (h->k[j] != NULL) {
        size_t p = id_hash(h->k[j], h->l[j]) & (ncap - 1);
        while (nk[p] != NULL) p = (p + 1) & (ncap - 1);
        nk[p] = h->k[j]; nl[p] = h->l[j];
      }
    }
    free(h->k); free(h->l);
    h->k = nk; h->l = nl; h->cap = ncap;
  }
  for (i = id_hash(s, n) & (h->cap - 1); h->k[i] != NULL; i = (i + 1) & (h->cap - 1))
    if (h->l[i] == n && memcmp(h->k[i], s, n) == 0) return CP_OK;
  h->k[i] = s; h->l[i] = n; h->n++;
  return CP_OK;
}

/* mark the word ids of live, non-punct tokens in segment e */
static int live_words (const cp_corpus *c, size_t si, uint8_t *seen) {
  const cp_seg *s = c->segs[si].seg;
  const uint32_t *st = cp_seg_stream(s);
  uint32_t nd = cp_seg_ndocs(s), d, p;
  for (d = 0; d < nd; d++) {
    cp_docinfo di;
    if (cp_corpus_is_deleted(c, si, d)) continue;
    if (cp_seg_doc_head(s, d, &di) != CP_OK) return CP_ECORRUPT;
    for (p = di.tok_start; p < di.tok_start + di.tok_count; p++)
      seen[st[p]] = 1;
  }
  return CP_OK;
}

static int count_types (cp_corpus *c, cp_stats *st, cp_err *err) {
  strset sets[CP_NLAYERS];
  size_t si;
  int layer, rc = CP_OK;
  memset(sets, 0, sizeof(sets));
  for (si = 0; si < c->nsegs && rc == CP_OK; si++) {
    const cp_seg *s = c->segs[si].seg;
    uint32_t nw = cp_seg_ntypes(s, CP_WORD), w;
    uint8_t *seen = NULL;
    if (c->segs[si].ndeleted > 0) {
      seen = calloc(nw + 1, 1);
      if (seen == NULL) { rc = CP_ENOMEM; break; }
      rc = live_words(c, si, seen);
    }
    for (w = 0; w < nw && rc == CP_OK; w++) {
      if (cp_seg_type_punct(s, w)) continue;
      if (seen != NULL ? !seen[w] : cp_seg_type_freq(s, CP_WORD, w) == 0)
        continue;
      for (layer = 0; layer < CP_NLAYERS && rc == CP_OK; layer++) {
        size_t len;
        uint32_t id = cp_seg_map(s, layer, w);
        const char *str = cp_seg_type(s, layer, id, &len);
        if (str == NULL) rc = CP_ECORRUPT;
        else rc = strset_add(&sets[layer], str, len);
      }
    }
    free(seen);
  }
  for (layer = 0; layer < CP_NLAYERS; layer++) {
    st->types[layer] = sets[layer].n;
    free(sets[layer].k); free(sets[layer].l);
  }
  if (rc == CP_ENOMEM) return cp_err_set(err, rc, "out of memory");
  if (rc != CP_OK) return cp_err_set(err, rc, "damaged segment lexicon");
  return CP_OK;
}

/* first index i with a[i] >= x */
static uint32_t lower_bound (const uint32_t *a, uint32_t n, uint32_t x) {
  uint32_t lo = 0, hi = n;
  while (lo < hi) {
    uint32_t mid = lo + (hi - lo) / 2;
    if (a[mid] < x) lo = mid + 1; else hi = mid;
  }
  return lo;
}

int cp_corpus_stats (cp_corpus *c, cp_stats *st, cp_err *err) {
  size_t si;
  int rc;
  if (c == NULL || st == NULL)
    return cp_err_set(err, CP_EINVAL, "cp_corpus_stats: NULL argument");
  rc = cp_corpus_flush(c, err);
  if (rc != CP_OK) return rc;
  memset(st, 0, sizeof(*st));
  st->segments = c->nsegs;
  for (si = 0; si < c->nsegs; si++) {
    const segent *e = &c->segs[si];
    const cp_seg *s = e->seg;
    const uint32_t *stream;
    const uint32_t *sents, *paras;
    uint32_t ns, np, nd = cp_seg_ndocs(s), d;
    sents = cp_seg_sents(s, &ns);
    paras = cp_seg_paras(s, &np);
    st->invalid_utf8 += cp_seg_invalid(s);
    if (e->ndeleted == 0) {   /* fast path: segment totals */
      uint32_t nw = cp_seg_ntypes(s, CP_WORD), w;
      st->docs += nd;
      st->tokens += cp_seg_ntokens(s);
      st->sentences += ns;
      st->paragraphs += np;
      st->bytes += cp_seg_textbytes(s);
      for (w = 0; w < nw; w++)
        if (cp_seg_type_punct(s, w))
          st->punct += cp_seg_type_freq(s, CP_WORD, w);
      continue;
    }
    /* only here: the whole stream decoded is 4 bytes a token of fresh
    ** memory (63 MB on the UN debates), which the totals do not need */
    stream = cp_seg_stream(s);
    for (d = 0; d < nd; d++) {
      cp_docinfo di;
      uint32_t p, end;
      if (cp_corpus_is_deleted(c, si, d)) continue;
      if (cp_seg_doc_head(s, d, &di) != CP_OK)
        return cp_err_set(err, CP_ECORRUPT, "damaged document table");
      st->docs++;
      st->tokens += di.tok_count;
      st->bytes += di.textlen;
      end = di.tok_start + di.tok_count;
      for (p = di.tok_start; p < end; p++)
        if (cp_seg_type_punct(s, stream[p])) st->punct++;
      st->sentences += lower_bound(sents, ns, end) - lower_bound(sents, ns, di.tok_start);
      st->paragraphs += lower_bound(paras, np, end) - lower_bound(paras, np, di.tok_start);
    }
  }
  st->words = st->tokens - st->punct;
  return count_types(c, st, err);
}

/* }================================================================ */


/* {================================================================
** Index support (owner: index engineer; used by csrc/index.c)
** ================================================================= */

const void *cp_corpus_seg_image (const cp_corpus *c, size_t i,
                                 size_t *size) {
  if (c == NULL || i >= c->nsegs) return NULL;
  if (size) *size = c->segs[i].size;
  return c->segs[i].img;
}

uint32_t cp_corpus_npending (const cp_corpus *c) {
  if (c == NULL) return 0;
  return cp_segw_ndocs(c->w) +
         (c->feed ? (uint32_t)(c->feed->tail - c->feed->head) : 0);
}

/* recompute bases and totals after segments changed */
static void rebase (cp_corpus *c) {
  size_t i;
  c->ndocs = c->ntoks = c->ndeleted = 0;
  for (i = 0; i < c->nsegs; i++) {
    segent *e = &c->segs[i];
    e->doc_base = c->ndocs; e->pos_base = c->ntoks;
    c->ndocs += cp_seg_ndocs(e->seg);
    c->ntoks += cp_seg_ntokens(e->seg);
    c->ndeleted += e->ndeleted;
  }
}

int cp_corpus_replace_segs (cp_corpus *c, size_t lo, size_t hi,
                            void *img, size_t size,
                            void (*freefn)(void *img, size_t size, void *ud),
                            void *ud, int keepdel, cp_err *err) {
  if (c != NULL) bg_cancel(c);   /* its range would no longer be its own */
  return replace_segs(c, lo, hi, img, size, freefn, ud, keepdel, err);
}

static int replace_segs (cp_corpus *c, size_t lo, size_t hi, void *img,
                         size_t size,
                         void (*freefn)(void *img, size_t size, void *ud),
                         void *ud, int keepdel, cp_err *err) {
  cp_seg *s;
  segent ne;
  size_t i;
  int rc;
  if (c == NULL || lo >= hi || hi > c->nsegs
      || (keepdel && (hi != lo + 1 || img == NULL)))
    return cp_err_set(err, CP_EINVAL, "cp_corpus_replace_segs: bad argument");
  if (img == NULL) {   /* drop the range (a merge left no live document) */
    for (i = lo; i < hi; i++) seg_release(&c->segs[i]);
    memmove(&c->segs[lo], &c->segs[hi], (c->nsegs - hi) * sizeof(segent));
    c->nsegs -= hi - lo;
    rebase(c);
    c->epoch++;
    return CP_OK;
  }
  rc = cp_seg_open(&s, img, size, err);
  if (rc != CP_OK) return rc;
  if (keepdel && cp_seg_ndocs(s) != cp_seg_ndocs(c->segs[lo].seg)) {
    cp_seg_close(s);
    return cp_err_set(err, CP_EINVAL, "cp_corpus_replace_segs: document count differs");
  }
  memset(&ne, 0, sizeof(ne));
  ne.seg = s; ne.img = img; ne.size = size; ne.freefn = freefn; ne.ud = ud;
  if (keepdel) {   /* the bitmap moves to the new entry */
    ne.deleted = c->segs[lo].deleted; ne.ndeleted = c->segs[lo].ndeleted;
    c->segs[lo].deleted = NULL;
  }
  {
    uint64_t nd = c->ndocs, nt = c->ntoks;
    for (i = lo; i < hi; i++) seg_release(&c->segs[i]);
    c->segs[lo] = ne;
    memmove(&c->segs[lo + 1], &c->segs[hi], (c->nsegs - hi) * sizeof(segent));
    c->nsegs -= hi - lo - 1;
    rebase(c);
    /* a merge that dropped deleted documents renumbers the rest */
    if (c->ndocs != nd || c->ntoks != nt) c->epoch++;
  }
  return CP_OK;
}

int cp_corpus_rewrite_seg (cp_corpus *c, size_t i, void *img, size_t size,
                           cp_err *err) {
  int rc;
  if (c == NULL || i >= c->nsegs || img == NULL)
    return cp_err_set(err, CP_EINVAL, "cp_corpus_rewrite_seg: bad argument");
  if (c->readonly)
    return cp_err_set(err, CP_EINVAL, "the corpus is a read-only snapshot "
                      "(open it with write = true)");
  rc = cp_corpus_replace_segs(c, i, i + 1, img, size, NULL, NULL, 1, err);
  if (rc != CP_OK) return rc;
  c->segs[i].verified = 1;          /* built here, never left memory */
  c->segs[i].rewritten = 1;
  return CP_OK;
}

int cp_corpus_seg_rewritten (const cp_corpus *c, size_t i) {
  return c != NULL && i < c->nsegs && c->segs[i].rewritten;
}

void cp_corpus_truncate (cp_corpus *c, size_t n, int undelete) {
  size_t i;
  if (c == NULL) return;
  if (c->nsegs > n) c->epoch++;
  bg_cancel(c);
  while (c->nsegs > n) seg_release(&c->segs[--c->nsegs]);
  if (undelete) {
    for (i = 0; i < c->nsegs; i++) {
      if (c->segs[i].ndeleted > 0) c->epoch++;
      free(c->segs[i].deleted);
      c->segs[i].deleted = NULL; c->segs[i].ndeleted = 0;
    }
  }
  feed_free(c);   /* queued documents go with the pending ones */
  c->ferr.code = CP_OK;
  cp_segw_truncate(c->w, 0, NULL);
  idset_clear(&c->pend);
  c->wbytes = 0;
  rebase(c);
}

int cp_corpus_undelete (cp_corpus *c, uint64_t doc) {
  size_t si;
  uint32_t local;
  segent *e;
  if (c == NULL || cp_corpus_locate(c, doc, &si, &local) != CP_OK)
    return CP_ENOENT;
  e = &c->segs[si];
  if (e->deleted != NULL && ((e->deleted[local >> 3] >> (local & 7)) & 1)) {
    e->deleted[local >> 3] &= (uint8_t)~(1u << (local & 7));
    e->ndeleted--;
    c->ndeleted--;
    c->epoch++;
  }
  return CP_OK;
}

void cp_corpus_set_readonly (cp_corpus *c, int readonly) {
  if (c != NULL) c->readonly = readonly != 0;
}

int cp_corpus_readonly (const cp_corpus *c) {
  return c != NULL && c->readonly;
}

/* }================================================================ */
