/*
** corpus.h -- the C API of the corpus library, for host applications
** (the Lua module is one such host).
**
** A corpus is an ordered set of immutable segments plus one builder
** that collects added documents.  Reads see the segments; any read
** first seals pending documents into a new segment (cp_corpus_flush),
** so an in-memory corpus and an on-disk one share every code path.
**
** Numbering: documents are numbered 0..ndocs-1 across segments in order
** (segment i holds [doc_base(i), doc_base(i)+ndocs)); token positions
** are 64-bit the same way (pos_base).
*/
#ifndef CP_CORPUS_H
#define CP_CORPUS_H

#include <stddef.h>
#include <stdint.h>

#include "cp.h"
#include "seg.h"

typedef struct cp_corpus cp_corpus;

typedef struct cp_opts {
  const char *language;   /* libstemmer name; NULL = "english" */
  int mode;               /* CP_TOK_CORPUS (default) or CP_TOK_STRICT */
  unsigned analyse;       /* analysers run at add time (CP_X_* bits of
                          ** extract.h, analyse.h); 0 (default) = none */
  const char *fields;     /* text metadata fields whose tokens are
                          ** indexed for BM25F (segfield.h), names
                          ** separated by spaces; NULL = none */
} cp_opts;

cp_corpus *cp_corpus_new (const cp_opts *opts, cp_err *err);
void cp_corpus_free (cp_corpus *c);
const char *cp_corpus_language (const cp_corpus *c);
cp_an *cp_corpus_analyzer (cp_corpus *c);   /* the corpus's analyzer */
int cp_corpus_mode (const cp_corpus *c);    /* tokenizer mode */
unsigned cp_corpus_analyse (const cp_corpus *c);  /* cp_opts.analyse */
/* the file name of segment i, for messages ("segment" in memory) */
const char *cp_corpus_seg_name (const cp_corpus *c, size_t i);
/* cp_opts.fields, space separated, into buf[CP_FIELDS_TEXTMAX] (segfield.h) */
void cp_corpus_fields (const cp_corpus *c, char *buf);
/* name the indexed fields (cp_opts.fields) of a corpus with no document
** waiting to be sealed (a corpus over several indexes: cp_index_open_into) */
int cp_corpus_set_fields (cp_corpus *c, const char *list, cp_err *err);
/* change the analysers (a corpus over several indexes takes the ones
** they share: cp_index_open_into) */
int cp_corpus_set_analyse (cp_corpus *c, unsigned what, cp_err *err);

/* one document to add; id NULL/empty means "next sequence number".
** With 'tokens' set the document is added as tokens with their layer
** values and spans (importers: CoNLL-U, VRT, analysers), and 'text' is
** ignored (the text is tokens->text); otherwise the text is tokenized
** and the producers run on it. */
typedef struct cp_docin {
  const char *id;   size_t idlen;
  const char *text; size_t textlen;
  const cp_meta *meta; size_t nmeta;
  const cp_tokdoc *tokens;
} cp_docin;

/*
** Add documents all-or-nothing: if any id is a duplicate (of the corpus
** or within the batch) or anything fails, nothing is added and the error
** names the document.  Ids given as NULL are assigned "1", "2", ... (the
** next unused sequence number).
*/
int cp_corpus_add (cp_corpus *c, const cp_docin *docs, size_t n,
                   cp_err *err);

/*
** A source of n documents for cp_corpus_add_src: fill *d with document
** i (i = 0, 1, ... in order; what it points to must stay valid until the
** next call) and *prep with its prepared text (cp_segw_prepare, in the
** corpus's mode) or leave it NULL to have the text prepared here.  An
** error (with its message in err) ends the batch.
*/
typedef int (*cp_docsrc) (void *ud, size_t i, cp_docin *d,
                          const cp_segprep **prep, cp_err *err);

/*
** cp_corpus_add over a source: all-or-nothing, the same checks, seals
** and messages; 'bytes' is about the batch's text (the seal decision).
** *srcfail (may be NULL) is set when the error came from the source
** (its message is then left as it is).
*/
int cp_corpus_add_src (cp_corpus *c, size_t n, uint64_t bytes,
                       cp_docsrc src, void *ud, int *srcfail, cp_err *err);

/*
** Span-set producers: 'fn' runs on every document added as text after
** it (see cp_producer_fn in seg.h); 'name' (copied) names it in errors.
** Producers run in the order added.
*/
int cp_corpus_add_producer (cp_corpus *c, const char *name,
                            cp_producer_fn fn, void *ud, cp_err *err);

/* the producer list (n in *n), for cp_segprep_produce on a source's
** worker threads; valid until the next cp_corpus_add_producer or
** cp_corpus_set_analyse */
const cp_producer *cp_corpus_producers (const cp_corpus *c, size_t *n);

/*
** Make the corpus ready for reading: seal pending documents into a
** segment, and check the parts of each attached image that a read with
** needs 'need' (CP_SEGNEED_*, seg.h) reads as whole sections: the tables
** always.  Postings, spans and text are checked per block as they are
** read (seg.h, "Lazy checks").  Every read path calls it first; a
** damaged image gives CP_ECORRUPT naming it.  cp_corpus_flush is
** cp_corpus_ready with every need (CP_SEGNEED_ALL).
*/
int cp_corpus_flush (cp_corpus *c, cp_err *err);
int cp_corpus_ready (cp_corpus *c, unsigned need, cp_err *err);

/* expect segment i's image to hash (XXH64, seed 0) to 'hash'; 'name'
** (copied; may be NULL) names it in messages and is kept for check():
** reads check the image per section and block instead (seg.h). */
int cp_corpus_expect (cp_corpus *c, size_t i, uint64_t hash,
                      const char *name, cp_err *err);

/* take ownership of a segment image (as written by cp_segw_finish) and
** append it; 'freefn' releases it (NULL: free()) */
int cp_corpus_attach (cp_corpus *c, void *img, size_t size,
                      void (*freefn)(void *img, size_t size, void *ud),
                      void *ud, cp_err *err);

size_t cp_corpus_nsegs (const cp_corpus *c);
const cp_seg *cp_corpus_seg (const cp_corpus *c, size_t i);
uint64_t cp_corpus_doc_base (const cp_corpus *c, size_t i);
uint64_t cp_corpus_pos_base (const cp_corpus *c, size_t i);

/* document slots of the sealed segments, deleted documents included:
** global numbers run 0..cp_corpus_ndocs-1 (pending documents are not
** counted until a flush seals them; cp_corpus_npending counts them) */
uint64_t cp_corpus_ndocs (const cp_corpus *c);

/*
** A counter that moves whenever documents already numbered may have
** changed: segments dropped or replaced by a merge that renumbered
** (refresh, rollback, a merge that dropped deleted documents), a
** document deleted or undeleted.  Sealing or attaching new segments
** keeps it.  Results held as document numbers and token positions (a
** concordance) are valid while it stays the same.
*/
uint64_t cp_corpus_epoch (const cp_corpus *c);

/* map a global doc number to (segment, local doc); CP_ENOENT if out of
** range */
int cp_corpus_locate (const cp_corpus *c, uint64_t doc, size_t *seg,
                      uint32_t *local);

/* global doc number of an id; CP_ENOENT if absent */
int cp_corpus_find (const cp_corpus *c, const char *id, size_t len,
                    uint64_t *doc);

/*
** Deleted documents (on-disk indexes: delete/replace).  A deleted
** document stays in its segment until a merge drops it, but vanishes from
** every result and statistic: the executor and the statistics skip it.
*/
int cp_corpus_is_deleted (const cp_corpus *c, size_t seg, uint32_t local);
int cp_corpus_delete (cp_corpus *c, uint64_t doc, cp_err *err);
uint64_t cp_corpus_ndeleted (const cp_corpus *c);

/* {================================================================
** Schema: the layers and span sets of a corpus, by name (schema.c).
** Counts are over live documents; names point into the segments and
** stay valid until the corpus changes.
** ================================================================= */

typedef struct cp_strref { const char *s; size_t n; } cp_strref;

typedef struct cp_layerinfo {
  const char *name;  size_t namelen;
  int kind;                    /* CP_LK_* (segfmt.h): word, norm/stem, stored */
  uint64_t types, tokens;      /* distinct values, tokens */
} cp_layerinfo;

typedef struct cp_spansetinfo {
  const char *name;  size_t namelen;
  uint64_t spans;
  cp_strref *keys;  size_t nkeys;   /* attribute names */
} cp_spansetinfo;

/* *out is malloc'd (free() it) */
int cp_corpus_layers (cp_corpus *c, cp_layerinfo **out, size_t *n,
                      cp_err *err);
/* *out is released by cp_spansets_free */
int cp_corpus_spansets (cp_corpus *c, cp_spansetinfo **out, size_t *n,
                        cp_err *err);
void cp_spansets_free (cp_spansetinfo *v, size_t n);
/* "word", "derived" or "stored" */
const char *cp_layer_kind_name (int kind);

/* }================================================================ */

typedef struct cp_stats {
  uint64_t docs, tokens, words, punct, sentences, paragraphs, bytes;
  uint64_t invalid_utf8;
  uint64_t types[CP_NLAYERS];   /* distinct types per layer (word tokens) */
  uint64_t segments;
} cp_stats;

int cp_corpus_stats (cp_corpus *c, cp_stats *st, cp_err *err);

/* {================================================================
** Index support (used by csrc/index.c; owner: index engineer).
** Access to segment images, and replacing or dropping segments, so an
** on-disk index can persist, merge, roll back and refresh a corpus.
** ================================================================= */

/* the bytes of segment i (NULL if out of range) */
const void *cp_corpus_seg_image (const cp_corpus *c, size_t i,
                                 size_t *size);

/* documents waiting in the builder (not yet sealed into a segment) */
uint32_t cp_corpus_npending (const cp_corpus *c);

/*
** Replace segments [lo, hi) by one image, taking ownership of it as
** cp_corpus_attach does.  With keepdel = 0 the deletion marks of the
** replaced segments are dropped (the image holds only their live
** documents: a merge); keepdel = 1 needs hi == lo + 1 and keeps the
** marks (the same documents, e.g. a malloc'd image swapped for the
** mmap of its file).  img == NULL (keepdel = 0) just drops the range
** (a merge that found no live document).  On error nothing changes and
** 'img' is not taken.
*/
int cp_corpus_replace_segs (cp_corpus *c, size_t lo, size_t hi,
                            void *img, size_t size,
                            void (*freefn)(void *img, size_t size, void *ud),
                            void *ud, int keepdel, cp_err *err);

/*
** Replace segment i by a malloc'd image of the same documents (taken on
** success; deletion marks kept) and mark it rewritten, so the next
** commit of an on-disk index writes it as a new file (and a rollback
** maps the committed one back).  CP_EINVAL on a read-only snapshot.
*/
int cp_corpus_rewrite_seg (cp_corpus *c, size_t i, void *img, size_t size,
                           cp_err *err);
int cp_corpus_seg_rewritten (const cp_corpus *c, size_t i);

/* drop segments [n, nsegs) and every pending document; with
** 'undelete' also clear every deletion mark */
void cp_corpus_truncate (cp_corpus *c, size_t n, int undelete);

/* clear the deletion mark of a document (undoes a cp_corpus_delete
** whose replacement failed); CP_ENOENT if out of range */
int cp_corpus_undelete (cp_corpus *c, uint64_t doc);

/* a read-only corpus (a snapshot of an on-disk index) refuses
** cp_corpus_add and cp_corpus_delete with CP_EINVAL */
void cp_corpus_set_readonly (cp_corpus *c, int readonly);
int cp_corpus_readonly (const cp_corpus *c);

/*
** In-memory merging (on for a new corpus; an index turns it off, its
** merges being commits): after each seal, a run of CP_MERGE_FACTOR
** adjacent segments of one tier (merge.h) without deleted documents is
** merged into one, so many small adds leave O(log n) segments and
** document numbers do not change.  Runs of the lower tiers are merged
** in the sealing call; larger ones on a worker thread, swapped in by a
** later seal (corpus.c "In-memory merging").  Turning merging off waits
** for the worker and drops what it made.
*/
void cp_corpus_set_automerge (cp_corpus *c, int on);

/* }================================================================ */

#endif
