/*
** seg.h -- immutable segments: the unit of storage and of search.
**
** A segment holds a batch of documents: per-layer lexicons, the token
** stream, positional postings, token byte spans, sentence and paragraph
** starts, the stored original text and the document table (id and
** metadata).  A builder (cp_segw) collects documents and writes the
** segment as one byte image; a reader (cp_seg) works over such an image
** wherever it lives (malloc'd, or mmap'd from a file) and bounds-checks
** every offset, so a damaged image gives CP_ECORRUPT, never a crash.
** docs/FORMAT.md and the comment at the top of seg.c specify the bytes.
**
** Positions and document numbers inside a segment are local uint32
** (a segment holds < 2^32 tokens); the corpus adds a 64-bit base.
**
** Layers.  'word' is the token as written (NFC).  'norm' and 'stem' are
** functions of the word form, so they are stored as maps over the word
** lexicon: word id -> norm id -> stem id.  The token stream holds word
** ids.  Postings are kept per *norm* type (the default query layer), so
** a norm term is one sorted array; a word term filters its norm's
** postings by the stream; a stem term unions the postings of the few
** norm types that map to it.
**
** Lexicons are sorted bytewise, so ids are ranks and a prefix is a
** contiguous id range (cp_seg_lex_range).
*/
#ifndef CP_SEG_H
#define CP_SEG_H

#include <stddef.h>
#include <stdint.h>

#include "cp.h"
#include "analysis.h"
#include "tok.h"

/* metadata of a document: cp_meta, cp_meta_next (meta.h) */
#include "meta.h"


/* {================================================================
** Builder
** ================================================================= */

typedef struct cp_segw cp_segw;

/* 'an' is borrowed and must outlive the builder; 'mode' is a CP_TOK_* */
cp_segw *cp_segw_new (cp_an *an, int mode, cp_err *err);
void cp_segw_free (cp_segw *w);

/*
** Add one document.  'text' need not be valid UTF-8: invalid sequences
** are replaced by U+FFFD (counted in cp_segw_invalid) and the repaired
** text is what is stored and what byte offsets refer to.  'id' must be
** non-empty; uniqueness is the caller's business.  On error the builder
** is unchanged.
*/
int cp_segw_add (cp_segw *w, const char *id, size_t idlen,
                 const char *text, size_t len,
                 const cp_meta *meta, size_t nmeta, cp_err *err);

/*
** cp_segw_add in two steps, so that the first can run on another thread
** (pipe.c) while the builder works on the previous document.
** cp_segw_prepare repairs and tokenizes a text and touches no builder:
** it depends only on 'mode', and its outcome (rc, err) is kept in 'p'.
** cp_segw_add_prepared then adds it exactly as cp_segw_add would add the
** original text (same image, same errors in the same order); 'p' must
** have been prepared in the builder's mode and the original text must
** still be alive (p->text may point into it).  A cp_segprep starts
** zeroed, may be prepared again (buffers are reused) and is released by
** cp_segprep_free.
*/
typedef struct cp_segprep {
  const char *text;  size_t len;  /* repaired text: the input or 'fixed' */
  char *fixed;                    /* owned repaired copy, or NULL */
  size_t ninvalid;                /* U+FFFD substitutions */
  cp_tokvec tv;                   /* tokens of 'text' */
  int mode;
  int rc;                         /* CP_OK or the prepare's error */
  cp_err err;
} cp_segprep;

int cp_segw_prepare (int mode, const char *text, size_t len, cp_segprep *p);
int cp_segw_add_prepared (cp_segw *w, const char *id, size_t idlen,
                          const cp_segprep *p, const cp_meta *meta,
                          size_t nmeta, cp_err *err);
void cp_segprep_free (cp_segprep *p);

uint32_t cp_segw_ndocs (const cp_segw *w);
uint64_t cp_segw_ntokens (const cp_segw *w);
uint64_t cp_segw_invalid (const cp_segw *w);  /* U+FFFD substitutions */

/* drop the documents added after the first 'ndocs' (for all-or-nothing
** batch adds) */
int cp_segw_truncate (cp_segw *w, uint32_t ndocs, cp_err *err);

/* write the segment image: *img is malloc'd (8-byte aligned), *size its
** length.  The builder is left empty and reusable. */
int cp_segw_finish (cp_segw *w, void **img, size_t *size, cp_err *err);

/* }================================================================ */


/* {================================================================
** Reader
** ================================================================= */

typedef struct cp_seg cp_seg;

/*
** Open a reader over [data, data+size).  The bytes are borrowed: they
** must stay valid and unchanged while the reader lives.  Checks magic,
** version, section table, section bounds/alignment and the lexicon,
** map, offset and document tables (O(types + docs), not O(tokens)).
** Before reading tokens (stream, postings, spans, sentence starts) a
** reader of bytes it did not build must call cp_seg_verify once: the
** corpus does so on the first read after attaching an image.
*/
int cp_seg_open (cp_seg **out, const void *data, size_t size, cp_err *err);
void cp_seg_close (cp_seg *s);

/* the O(tokens) range checks the token accessors rely on */
int cp_seg_verify (const cp_seg *s, cp_err *err);

/* full verification: checksums and every invariant (O(size)) */
int cp_seg_check (const cp_seg *s, cp_err *err);

uint32_t cp_seg_ndocs (const cp_seg *s);
uint32_t cp_seg_ntokens (const cp_seg *s);
uint64_t cp_seg_invalid (const cp_seg *s);   /* U+FFFD substitutions */
uint64_t cp_seg_textbytes (const cp_seg *s); /* stored text bytes */

/* -- lexicons -------------------------------------------------------- */

uint32_t cp_seg_ntypes (const cp_seg *s, int layer);

/* the string of type 'id' (not NUL-terminated); NULL if out of range */
const char *cp_seg_type (const cp_seg *s, int layer, uint32_t id,
                         size_t *len);

/* id of an exact string, or -1 */
int64_t cp_seg_lookup (const cp_seg *s, int layer, const char *str,
                       size_t len);

/* ids [*lo, *hi) of the types starting with 'prefix' (empty range if
** none) */
void cp_seg_lex_range (const cp_seg *s, int layer, const char *prefix,
                       size_t len, uint32_t *lo, uint32_t *hi);

/* corpus frequency of a type (tokens), and the number of documents
** containing it */
uint32_t cp_seg_type_freq (const cp_seg *s, int layer, uint32_t id);
uint32_t cp_seg_type_docfreq (const cp_seg *s, int layer, uint32_t id);

/* word types with no letter/digit (punctuation, symbols) */
int cp_seg_type_punct (const cp_seg *s, uint32_t word_id);

/* map a word id to its id in 'layer' (identity for CP_WORD); a map
** from a norm id to its stem id is cp_seg_norm_stem.  Out-of-range ids
** give UINT32_MAX. */
uint32_t cp_seg_map (const cp_seg *s, int layer, uint32_t word_id);
uint32_t cp_seg_norm_stem (const cp_seg *s, uint32_t norm_id);

/* the norm ids that map to a stem id (sorted) */
const uint32_t *cp_seg_stem_norms (const cp_seg *s, uint32_t stem_id,
                                   uint32_t *n);

/* -- token stream ---------------------------------------------------- */

/* word id at every position: an array of cp_seg_ntokens entries, every
** entry < cp_seg_ntypes(CP_WORD) (checked by cp_seg_verify) */
const uint32_t *cp_seg_stream (const cp_seg *s);

/* positions of a norm type, sorted ascending; NULL/0 if out of range */
const uint32_t *cp_seg_postings (const cp_seg *s, uint32_t norm_id,
                                 uint32_t *n);

/* byte span of the token at 'pos' relative to its document's text */
int cp_seg_tok_span (const cp_seg *s, uint32_t pos, uint32_t *b0,
                     uint32_t *b1);

/* -- structure ------------------------------------------------------- */

/* sentence / paragraph start positions (sorted, first is 0 when there
** are tokens); a sentence runs to the next start or its document's end */
const uint32_t *cp_seg_sents (const cp_seg *s, uint32_t *n);
const uint32_t *cp_seg_paras (const cp_seg *s, uint32_t *n);

/* index of the sentence / paragraph containing 'pos' */
uint32_t cp_seg_sent_of (const cp_seg *s, uint32_t pos);
uint32_t cp_seg_para_of (const cp_seg *s, uint32_t pos);

/* -- documents ------------------------------------------------------- */

typedef struct cp_docinfo {
  uint32_t tok_start, tok_count;    /* token positions [start, start+count) */
  const char *id;    size_t idlen;
  const char *text;  size_t textlen; /* stored (repaired) original text */
  const void *meta;  size_t metalen; /* encoded metadata, see cp_meta_* */
} cp_docinfo;

int cp_seg_doc (const cp_seg *s, uint32_t doc, cp_docinfo *d);

/* local document containing position 'pos' (binary search) */
uint32_t cp_seg_doc_of (const cp_seg *s, uint32_t pos);

/* local document with this id, or -1 */
int64_t cp_seg_find_id (const cp_seg *s, const char *id, size_t len);


/* }================================================================ */

#endif
