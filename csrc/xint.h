/*
** xint.h -- internals shared by the executor files (exec.c evaluates
** plans per segment; rank.c ranks; snippet.c marks text).  Not part of
** the C API.
*/
#ifndef CP_XINT_H
#define CP_XINT_H

#include <stddef.h>
#include <stdint.h>

#include "cp.h"
#include "corpus.h"
#include "plan.h"
#include "exec.h"
#include "glob.h"     /* cp_glob_match: terms, values, variant keys */

/* bits set in a 64-bit word (SWAR: the builtin becomes a library call
** without -mpopcnt) */
static inline uint32_t cp_popcount64 (uint64_t x) {
  x = x - ((x >> 1) & 0x5555555555555555ull);
  x = (x & 0x3333333333333333ull) + ((x >> 2) & 0x3333333333333333ull);
  x = (x + (x >> 4)) & 0x0f0f0f0f0f0f0f0full;
  return (uint32_t)((x * 0x0101010101010101ull) >> 56);
}

/* a span of local token positions [s, e) */
typedef struct cp_span { uint32_t s, e; } cp_span;
typedef struct cp_spans { cp_span *v; size_t n, cap; } cp_spans;
typedef struct cp_u32s { uint32_t *v; size_t n, cap; } cp_u32s;

/* what a node yields in one segment: spans sorted by (s, e) without
** duplicates, and the sorted local documents it matches (a superset
** of the documents of its spans) */
typedef struct cp_res { cp_spans sp; cp_u32s docs; } cp_res;

void cp_res_free (cp_res *r);

/* append to growable vectors; CP_ENOMEM on failure */
int cp_spans_push (cp_spans *v, uint32_t s, uint32_t e);
int cp_u32s_push (cp_u32s *v, uint32_t x);

/*
** Evaluate the plan over local documents [doc_lo, doc_hi) of segment
** 'segi'.  If 'leaves' is given, the result of each node leaves[i] is
** copied into leafres[i] (which must be zeroed) as it is computed.
** 'need' says what the caller uses: CP_NEED_ALL, CP_NEED_DOCS (out->docs
** only: out->sp may then hold just the first match of each document, or
** nothing, which lets the executor skip to the next document after a
** hit) or CP_NEED_SPANS (out->sp only, for a positional root: its
** documents are not listed).  'qc' (may be NULL) caches
** query-independent facts about the segment.
*/
enum { CP_NEED_ALL = 0, CP_NEED_DOCS = 1, CP_NEED_SPANS = 2 };

int cp_eval_seg (cp_corpus *c, cp_qcache *qc, size_t segi,
                 const cp_plan *p, const cp_limits *lim,
                 uint32_t doc_lo, uint32_t doc_hi, int need,
                 const cp_pnode *const *leaves, size_t nleaves,
                 cp_res *leafres, cp_res *out, cp_err *err);

/* a plan ready to run: no construction error, a root, and regular
** expressions that compile (CP_ESYNTAX otherwise) */
int cp_plan_check (const cp_plan *p, cp_err *err);

/*
** The scoring parts of a plan: maximal positional subtrees outside NOT.
** Writes at most 'max' of them; returns how many there are.
*/
size_t cp_plan_leaves (const cp_pnode *root, const cp_pnode **out,
                       size_t max);

/*
** Turn a segment result into global matches appended to 'out': the
** spans of each live document of r->docs, or one match covering the
** whole document when it has none.
*/
int cp_emit (cp_corpus *c, size_t segi, const cp_res *r,
             uint64_t max_matches, cp_matches *out, cp_err *err);


/* {================================================================
** Field scoring for BM25F (fields.c)
** ================================================================= */

typedef struct cp_fscore cp_fscore;

/*
** Prepare the scoring of the metadata fields 'f' (entries named "text"
** are skipped: the body is scored by rank.c) for the scoring leaves
** lv[0..nl): each leaf is compiled for matching tokens of a field
** value, and every field's length in words is taken per document
** (cached in 'qc') and averaged over the live documents.
*/
int cp_fscore_new (cp_corpus *c, cp_qcache *qc, const cp_search_field *f,
                   size_t nf, const cp_pnode *const *lv, size_t nl,
                   cp_fscore **out, cp_err *err);

/*
** Add to tfw[j], for each leaf j, the sum over the fields of
** weight * tf / (1 - b + b * len / avglen) for local document 'd' of
** segment 'segi'.
*/
int cp_fscore_doc (cp_fscore *fs, size_t segi, uint32_t d, double b,
                   double *tfw, cp_err *err);

void cp_fscore_free (cp_fscore *fs);

/* the parsed FIELDS section of segment segi (segfield.h), from the
** cache (or in *tmp, for the caller to free): n = 0 when it has none,
** 'damaged' set when it does not check; NULL on out of memory */
struct cp_sfields;
const struct cp_sfields *cp_fs_segfields (cp_qcache *qc, cp_corpus *c,
                                          size_t segi, void **tmp);

/* what the segments of 'c' index of the field 'name' (segfield.h), over
** the live documents: segments holding it (of nsegs), the sum of their
** type counts, tokens, words (BM25F's length) and documents with a word */
typedef struct cp_field_info_t {
  size_t segs, nsegs;
  uint64_t types, tokens, words, docs;
} cp_field_info_t;
int cp_field_info (cp_corpus *c, const char *name, size_t len,
                   cp_field_info_t *out, cp_err *err);

/* }================================================================ */

/* {================================================================
** Query cache (qcache.c)
** ================================================================= */

/* compute a fact about segment 'segi': a malloc'd block, NULL on out of
** memory */
typedef void *(*cp_qc_make) (cp_corpus *c, size_t segi, void *ud);

/*
** The fact 'key' of segment 'segi': from the cache, or made by 'make'
** and cached.  Without a cache (qc == NULL), or when caching fails, the
** block is returned in *tmp too and the caller frees it.  NULL on out
** of memory.
*/
void *cp_qc_fetch (cp_qcache *qc, cp_corpus *c, size_t segi,
                   const char *key, cp_qc_make make, void *ud,
                   void **tmp);

/* first token of each local document, ndocs + 1 entries (the last is
** the segment's token count) */
const uint32_t *cp_qc_dstart (cp_qcache *qc, cp_corpus *c, size_t segi,
                              uint32_t **tmp);

/* word tokens (not punctuation) of each local document */
const uint32_t *cp_qc_dlen (cp_qcache *qc, cp_corpus *c, size_t segi,
                            uint32_t **tmp);

/* a bit per norm id: set when a punctuation word type maps to it */
const uint8_t *cp_qc_npunct (cp_qcache *qc, cp_corpus *c, size_t segi,
                             uint8_t **tmp);

/* a bit per token position (bit p & 63 of word p >> 6): set when the
** token is punctuation; followed (at word ntok / 64 + 1) by uint32
** ranks: the punctuation tokens before position 64 * i.  Only with a
** cache (NULL without one, or when it could not be cached): one pass
** over the stream is too dear for a single query. */
const uint64_t *cp_qc_ppunct (cp_qcache *qc, cp_corpus *c, size_t segi);

/*
** Merged position lists.  cp_qc_begin starts an evaluation of one
** segment (exec.c cp_x_ctx_open), cp_qc_end ends it (cp_x_ctx_close;
** the corpus must not change in between: the segment's entry is then
** found without hashing its image again): a list fetched or put since
** cp_qc_begin stays valid until the next cp_qc_begin.  cp_qc_union: the cached union of the postings of
** the sorted ids[0..n) of 'layer' (*len positions), or NULL.
** cp_qc_union_put: cache such a union (malloc'd 'pos'); 1 if the cache
** took it (it frees it), 0 if the caller keeps it (too short to be worth
** it, too large, out of memory, no cache).
*/
void cp_qc_begin (cp_qcache *qc);
void cp_qc_end (cp_qcache *qc);
const uint32_t *cp_qc_union (cp_qcache *qc, cp_corpus *c, size_t segi,
                             int layer, const uint32_t *ids, size_t n,
                             size_t *len);
int cp_qc_union_put (cp_qcache *qc, cp_corpus *c, size_t segi, int layer,
                     const uint32_t *ids, size_t n, uint32_t *pos,
                     size_t len);

/* }================================================================ */

/* exec.c: the limits an entry point runs with: a copy of 'lim' (or
** the defaults) in *tmp, sharing the caller's budget or starting 'b' */
const cp_limits *cp_x_start (const cp_limits *lim, cp_limits *tmp,
                             cp_budget *b);

#endif
