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
#include <stdlib.h>
#include <string.h>
#include <stdio.h>

#include <xxhash.h>

#include "corpus.h"
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
  uint64_t seq;             /* last sequence number tried for ids */
  int readonly;             /* a snapshot of an on-disk index */
  cp_producer *prods;       /* span producers (names owned) */
  size_t nprods;
  int automerge;            /* merge small segments after sealing */
};


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

static int idset_add (idset *h, const char *s, size_t n) {
  size_t i;
  char *k;
  if ((h->n + 1) * 2 > h->cap && idset_grow(h) != CP_OK) return CP_ENOMEM;
  k = malloc(n + 1);
  if (k == NULL) return CP_ENOMEM;
  memcpy(k, s, n); k[n] = '\0';
  i = id_hash(s, n) & (h->cap - 1);
  while (h->keys[i] != NULL) i = (i + 1) & (h->cap - 1);
  h->keys[i] = k; h->lens[i] = n; h->n++;
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
  return c;
}

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
  for (i = 0; i < c->nsegs; i++) seg_release(&c->segs[i]);
  free(c->segs);
  idset_clear(&c->pend);
  cp_segw_free(c->w);
  cp_an_free(c->an);
  for (i = 0; i < c->nprods; i++) free((char *)c->prods[i].name);
  free(c->prods);
  free(c);
}

int cp_corpus_add_producer (cp_corpus *c, const char *name,
                            cp_producer_fn fn, void *ud, cp_err *err) {
  cp_producer *np;
  char *nm;
  size_t n;
  if (c == NULL || fn == NULL || name == NULL)
    return cp_err_set(err, CP_EINVAL, "cp_corpus_add_producer: NULL argument");
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
** Lazy verification.  Opening an index maps its segments and reads only
** their tables; the first read then checks each attached image once: its
** XXH64 against the one the manifest recorded (when given) and the
** O(tokens) ranges the accessors rely on.  So open time stays flat, and
** a damaged file is reported by the first query that touches it instead
** of serving wrong results.
*/
static int verify_segs (cp_corpus *c, cp_err *err) {
  size_t i;
  for (i = 0; i < c->nsegs; i++) {
    segent *e = &c->segs[i];
    cp_err e2;
    const char *name;
    if (e->verified) continue;
    name = e->name ? e->name : "segment";
    if (e->hashed && XXH64(e->img, e->size, 0) != e->hash)
      return cp_err_set(err, CP_ECORRUPT, "%s: checksum mismatch (file "
                        "damaged)", name);
    if (cp_seg_verify(e->seg, &e2) != CP_OK)
      return cp_err_set(err, CP_ECORRUPT, "%s: %s", name, e2.msg);
    e->verified = 1;
  }
  return CP_OK;
}

/*
** The tiered policy of the index (merge.h) after each seal.  New
** segments are appended, so runs form at the end: while the last
** CP_MERGE_FACTOR segments share a tier, none has deleted documents
** (a merge drops them, which would renumber what follows) and all were
** built here, they become one.  Each document is re-added once per
** tier it climbs: O(log n) times.
*/
static int automerge (cp_corpus *c, cp_err *err) {
  for (;;) {
    size_t n = c->nsegs, lo, i, size;
    void *img;
    int t, rc;
    if (n < CP_MERGE_FACTOR) return CP_OK;
    lo = n - CP_MERGE_FACTOR;
    t = cp_merge_tier(c->segs[n - 1].size, cp_seg_ndocs(c->segs[n - 1].seg));
    for (i = lo; i < n; i++)
      if (c->segs[i].ndeleted > 0 || c->segs[i].freefn != NULL ||
          cp_merge_tier(c->segs[i].size, cp_seg_ndocs(c->segs[i].seg)) != t)
        return CP_OK;
    if ((rc = cp_merge_image(c, lo, n, &img, &size, err)) != CP_OK) return rc;
    if (img == NULL) return CP_OK;            /* cannot happen: all live */
    rc = cp_corpus_replace_segs(c, lo, n, img, size, NULL, NULL, 0, err);
    if (rc != CP_OK) { free(img); return rc; }
    c->segs[lo].verified = 1;
  }
}

void cp_corpus_set_automerge (cp_corpus *c, int on) {
  if (c != NULL) c->automerge = on != 0;
}

int cp_corpus_flush (cp_corpus *c, cp_err *err) {
  void *img;
  size_t size;
  int rc;
  if (c == NULL) return cp_err_set(err, CP_EINVAL, "cp_corpus_flush: NULL corpus");
  if ((rc = verify_segs(c, err)) != CP_OK) return rc;
  if (cp_segw_ndocs(c->w) == 0) return CP_OK;
  rc = cp_segw_finish(c->w, &img, &size, err);
  if (rc != CP_OK) return rc;
  rc = cp_corpus_attach(c, img, size, NULL, NULL, err);
  if (rc != CP_OK) { free(img); return rc; }
  c->segs[c->nsegs - 1].verified = 1;   /* built here, never left memory */
  idset_clear(&c->pend);
  c->wbytes = 0;
  return c->automerge && !c->readonly ? automerge(c, err) : CP_OK;
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

const cp_seg *cp_corpus_seg (const cp_corpus *c, size_t i) {
  return (c != NULL && i < c->nsegs) ? c->segs[i].seg : NULL;
}

uint64_t cp_corpus_doc_base (const cp_corpus *c, size_t i) {
  return (c != NULL && i < c->nsegs) ? c->segs[i].doc_base : 0;
}

uint64_t cp_corpus_pos_base (const cp_corpus *c, size_t i) {
  return (c != NULL && i < c->nsegs) ? c->segs[i].pos_base : 0;
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

/* undo a partial batch: drop its pending ids and builder documents */
static void add_rollback (cp_corpus *c, const cp_docin *docs, size_t added,
                          char (*seqids)[24], uint32_t wdocs0,
                          uint64_t wbytes0, size_t nsegs0) {
  size_t i;
  for (i = 0; i < added; i++) {
    if (docs[i].id != NULL && docs[i].idlen > 0)
      idset_del(&c->pend, docs[i].id, docs[i].idlen);
    else
      idset_del(&c->pend, seqids[i], strlen(seqids[i]));
  }
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

int cp_corpus_add (cp_corpus *c, const cp_docin *docs, size_t n,
                   cp_err *err) {
  size_t i;
  uint64_t batch = 0;
  uint32_t wdocs0;
  uint64_t wbytes0;
  size_t nsegs0;
  char (*seqids)[24];
  cp_pipe *pipe = NULL;
  int rc = CP_OK, tokdocs = 0;
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
  /* seal first if this batch would push the builder past the limit: a
  ** rollback then never has to split a segment that holds older docs */
  if (c->wbytes > 0 && c->wbytes + batch > SEAL_BYTES) {
    rc = cp_corpus_flush(c, err);
    if (rc != CP_OK) return rc;
  }
  seqids = calloc(n ? n : 1, sizeof(*seqids));
  if (seqids == NULL) return cp_err_set(err, CP_ENOMEM, "out of memory");
  /* a big batch is tokenized ahead on a second thread (same image) */
  if (n >= 2 && batch >= PIPE_BYTES && !tokdocs) {
    pipe = cp_pipe_start(docs, n, c->mode, err);
    if (pipe == NULL) { free(seqids);  return CP_ENOMEM; }
  }
  wdocs0 = cp_segw_ndocs(c->w);
  wbytes0 = c->wbytes;
  nsegs0 = c->nsegs;
  for (i = 0; i < n && rc == CP_OK; i++) {
    const char *id = docs[i].id;
    size_t idlen = docs[i].idlen, tl;
    if (id == NULL || idlen == 0) {
      idlen = next_seq_id(c, seqids[i], sizeof(seqids[i]));
      id = seqids[i];
    }
    else if (id_taken(c, id, idlen)) {
      rc = cp_err_set(err, CP_EEXIST, "duplicate document id '%.*s'",
                      (int)(idlen > 200 ? 200 : idlen), id);
      break;
    }
    tl = docs[i].tokens ? docs[i].tokens->textlen : docs[i].textlen;
    if (c->wbytes > 0 && c->wbytes + tl > SEAL_BYTES) {
      rc = cp_corpus_flush(c, err);
      if (rc != CP_OK) break;
    }
    if (docs[i].tokens != NULL)
      rc = cp_segw_add_tokens(c->w, id, idlen, docs[i].tokens, docs[i].meta,
                              docs[i].nmeta, err);
    else if (pipe != NULL)
      rc = cp_segw_add_prepared(c->w, id, idlen, cp_pipe_next(pipe),
                                docs[i].meta, docs[i].nmeta, err);
    else
      rc = cp_segw_add(c->w, id, idlen, docs[i].text, docs[i].textlen,
                       docs[i].meta, docs[i].nmeta, err);
    if (rc != CP_OK) break;
    rc = idset_add(&c->pend, id, idlen);
    if (rc != CP_OK) {
      cp_segw_truncate(c->w, cp_segw_ndocs(c->w) - 1, NULL);
      cp_err_set(err, rc, "out of memory");
      break;
    }
    c->wbytes += tl;
  }
  cp_pipe_stop(pipe);   /* joins the worker, on every path */
  if (rc != CP_OK) {
    char msg[CP_ERRMSG];
    add_rollback(c, docs, i, seqids, wdocs0, wbytes0, nsegs0);
    if (err != NULL && n > 1) {   /* say which document failed */
      memcpy(msg, err->msg, sizeof(msg));
      cp_err_set(err, rc, "document %zu: %s", i + 1, msg);
    }
  }
  free(seqids);
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
    if (cp_seg_doc(s, d, &di) != CP_OK) return CP_ECORRUPT;
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
    const uint32_t *stream = cp_seg_stream(s);
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
    for (d = 0; d < nd; d++) {
      cp_docinfo di;
      uint32_t p, end;
      if (cp_corpus_is_deleted(c, si, d)) continue;
      if (cp_seg_doc(s, d, &di) != CP_OK)
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
  return (c != NULL) ? cp_segw_ndocs(c->w) : 0;
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
  for (i = lo; i < hi; i++) seg_release(&c->segs[i]);
  c->segs[lo] = ne;
  memmove(&c->segs[lo + 1], &c->segs[hi], (c->nsegs - hi) * sizeof(segent));
  c->nsegs -= hi - lo - 1;
  rebase(c);
  return CP_OK;
}

void cp_corpus_truncate (cp_corpus *c, size_t n, int undelete) {
  size_t i;
  if (c == NULL) return;
  while (c->nsegs > n) seg_release(&c->segs[--c->nsegs]);
  if (undelete) {
    for (i = 0; i < c->nsegs; i++) {
      free(c->segs[i].deleted);
      c->segs[i].deleted = NULL; c->segs[i].ndeleted = 0;
    }
  }
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
