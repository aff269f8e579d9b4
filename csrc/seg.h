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
**
** Format 2 names everything: besides word/norm/stem a segment may hold
** stored layers (own lexicon, ids and postings: lemma, upos, any
** imported column) and span sets (named [start, end) token ranges with
** attributes; "s" and "p" always).  Both are read by name through the
** accessors below, so their bytes can change (compression, per-block
** checksums) without touching the readers.
*/
#ifndef CP_SEG_H
#define CP_SEG_H

#include <stddef.h>
#include <stdint.h>

#include "cp.h"
#include "analysis.h"
#include "tok.h"
#include "meta.h"      /* cp_meta: documents' metadata (producers read it) */

typedef struct cp_seg cp_seg;

/* attributes of a span: key -> string value */
typedef struct cp_attr {
  const char *key; size_t keylen;
  const char *val; size_t vallen;
} cp_attr;

/* {================================================================
** Span producers and documents given as tokens
** ================================================================= */

/* Span-set producers (corpus.h): run on every document added as text,
** after tokenizing, in the thread that adds; they emit spans with
** cp_spanout_add.  Positions are token indexes relative to the document
** (0 = its first token), [start, end), start < end <= ntokens.  'meta'
** is the document's metadata (the analysers read its "date" field).
** Set names match [a-z][a-z0-9_]*.  A producer error fails the add
** (all-or-nothing, as any add). */
typedef struct cp_spanout cp_spanout;
int cp_spanout_add (cp_spanout *o, const char *set, size_t setlen,
                    uint32_t start, uint32_t end,
                    const cp_attr *attrs, size_t nattrs, cp_err *err);
/* the same for a producer of this library whose set and attribute names
** are string literals known to match [a-z][a-z0-9_]* (the analysers):
** the names are not checked again for every span (the builder still
** checks each the first time it makes the set or key), and they are kept
** by address, not copied (the builder finds its sets and keys by that
** address), so they must live as long as the program: literals, never a
** buffer; positions and values are checked, and values copied */
int cp_spanout_add_known (cp_spanout *o, const char *set, size_t setlen,
                          uint32_t start, uint32_t end,
                          const cp_attr *attrs, size_t nattrs, cp_err *err);
typedef int (*cp_producer_fn) (void *ud, const char *text, size_t len,
                               const cp_tokvec *tv, const cp_meta *meta,
                               size_t nmeta, cp_spanout *out, cp_err *err);

/* The same producer in a form that may also run at prepare time
** (cp_segprep_produce), on a worker thread, on several documents at
** once: 'ud' is only read, and '*scratch' is state of its own for the
** one prepared document slot it runs in (NULL the first time; it may
** allocate and keep buffers there, released with 'mtfree'). */
typedef int (*cp_producer_mtfn) (void *ud, void **scratch, const char *text,
                                 size_t len, const cp_tokvec *tv,
                                 const cp_meta *meta, size_t nmeta,
                                 cp_spanout *out, cp_err *err);

typedef struct cp_producer {
  const char *name;
  cp_producer_fn fn;
  void *ud;
  cp_producer_mtfn mtfn;          /* NULL: fn only, in the thread that adds */
  void (*mtfree) (void *scratch);  /* NULL: mtfn keeps no scratch */
} cp_producer;

/* one token of a document given as tokens */
typedef struct cp_tokin {
  const char *form;  size_t formlen;  /* the word layer (NFC is applied) */
  uint32_t start, stop;               /* byte span in the document text */
  unsigned flags;   /* CP_TF_SSTART / CP_TF_PSTART (used when the document
                    ** has no "s" / "p" spans); CP_TF_PUNCT is computed
                    ** from the form unless the document says 'punct_given' */
} cp_tokin;

/* a stored layer's values, one per token */
typedef struct cp_layerin {
  const char *name;  size_t namelen;
  const char *const *vals;  const size_t *lens;
} cp_layerin;

/* a span, positions relative to the document */
typedef struct cp_spanin {
  const char *set;  size_t setlen;
  uint32_t start, end;
  const cp_attr *attrs;  size_t nattrs;
} cp_spanin;

/*
** A document as tokens.  'text' (valid UTF-8) is what is stored and what
** spans index; tokens need not tile it and may share a span (the words
** of a multiword token), but their starts must not decrease.  Spans of
** set "s" ("p"), when given, define the sentences (paragraphs): every
** start and every end before the last token starts one, and the first
** token always does.
*/
typedef struct cp_tokdoc {
  const char *text;  size_t textlen;
  const cp_tokin *tok;  size_t ntok;
  const cp_layerin *layers;  size_t nlayers;
  const cp_spanin *spans;  size_t nspans;
  int punct_given;
} cp_tokdoc;

/* }================================================================ */
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
#define CP_PREP_MAXPROD 4   /* producers cp_segprep_produce runs, at most */

typedef struct cp_segprep {
  const char *text;  size_t len;  /* repaired text: the input or 'fixed' */
  char *fixed;                    /* owned repaired copy, or NULL */
  size_t ninvalid;                /* U+FFFD substitutions */
  cp_tokvec tv;                   /* tokens of 'text' */
  int mode;
  int rc;                         /* CP_OK or the prepare's error */
  cp_err err;
  /* cp_segprep_produce's spans: the producer list they come from (NULL
  ** when it did not run), their outcome, and the producers' scratch */
  const cp_producer *pprods;  size_t npprods;
  cp_spanout *so;
  int prc;
  cp_err perr;
  void *scratch[CP_PREP_MAXPROD];
  void (*scratchfree[CP_PREP_MAXPROD]) (void *scratch);
} cp_segprep;

int cp_segw_prepare (int mode, const char *text, size_t len, cp_segprep *p);
int cp_segw_add_prepared (cp_segw *w, const char *id, size_t idlen,
                          const cp_segprep *p, const cp_meta *meta,
                          size_t nmeta, cp_err *err);
void cp_segprep_free (cp_segprep *p);

/*
** Run the producers 'prods' (the builder's list, cp_segw_set_producers)
** on a prepared document now, on this thread, so that the builder does
** not: cp_segw_add_prepared then stores these spans (and reports their
** error, at the point it would have run them) when its producer list is
** still 'prods'; the image is the same.  Nothing is run (the builder
** runs them) when any producer has no mtfn, there are more than
** CP_PREP_MAXPROD, or the prepare failed.  'meta' must be what the add
** will be given.
*/
void cp_segprep_produce (cp_segprep *p, const cp_producer *prods, size_t n,
                         const cp_meta *meta, size_t nmeta);

/* add a document given as tokens (see cp_tokdoc); all-or-nothing */
int cp_segw_add_tokens (cp_segw *w, const char *id, size_t idlen,
                        const cp_tokdoc *td, const cp_meta *meta,
                        size_t nmeta, cp_err *err);

/* add document 'd' of segment 's' as it is there: tokens, spans, every
** layer and span set, copied, not re-tokenized (merges) */
int cp_segw_add_copy (cp_segw *w, const cp_seg *s, uint32_t d,
                      const cp_meta *meta, size_t nmeta, cp_err *err);

/* the same, with the spans of set 'set' (setlen bytes; 0: none) left
** out and 'extra' (token positions relative to the document) added:
** how a span set found after the document was sealed is stored */
int cp_segw_add_copy_spans (cp_segw *w, const cp_seg *s, uint32_t d,
                            const cp_meta *meta, size_t nmeta,
                            const char *set, size_t setlen,
                            const cp_spanin *extra, size_t nextra,
                            cp_err *err);

/* producers run on every document added as text (borrowed: the list
** must outlive the builder or be replaced) */
void cp_segw_set_producers (cp_segw *w, const cp_producer *p, size_t n);

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

/*
** Open a reader over [data, data+size).  The bytes are borrowed: they
** must stay valid and unchanged while the reader lives.  Checks magic,
** version, section table, section bounds/alignment, the checksum of the
** block checksum table and the lexicon, map, offset and document
** tables' structure (O(types + docs), not O(tokens)); it hashes none of
** the data.
**
** Lazy checks (format 2.1).  A reader of bytes it did not build checks
** them as they are first read:
** - cp_seg_need(s, what) hashes whole sections (the section checksum)
**   and range-checks them, once each: CP_SEGNEED_BASE (the tables open
**   read: lexicons, maps, frequencies, postings offsets, documents,
**   id order, schema; O(types + docs)), _STREAM (word ids < types),
**   _STRUCT (sentence and paragraph starts), _ATTRS (stored layers and
**   span sets), _SPANX (escaped token spans).  The corpus calls it
**   before every read with what that read needs.
** - Postings, token spans, document ids, metadata and one document's
**   tokens are checked per 64 KiB block (BLKSUM) by the accessors that
**   return them (cp_seg_plist, cp_seg_tok_span, cp_seg_doc,
**   cp_seg_doc_stream), each block once; the stored text per zstd
**   block (format 2.2) when cp_seg_doc decompresses it.
** - An accessor without an error result (cp_seg_stream, the span set
**   accessors, ...) checks its section itself if cp_seg_need was not
**   called: on damage it returns an empty or all-zero result and marks
**   the segment damaged (cp_seg_damaged), which the corpus reports.
** cp_seg_trust marks an image built by this process as checked.
*/
int cp_seg_open (cp_seg **out, const void *data, size_t size, cp_err *err);
void cp_seg_close (cp_seg *s);

#define CP_SEGNEED_BASE   1u
#define CP_SEGNEED_STREAM 2u
#define CP_SEGNEED_STRUCT 4u
#define CP_SEGNEED_ATTRS  8u
#define CP_SEGNEED_SPANX  16u
#define CP_SEGNEED_ALL    31u
int cp_seg_need (const cp_seg *s, unsigned what, cp_err *err);
void cp_seg_trust (cp_seg *s);
int cp_seg_damaged (const cp_seg *s);

/* every lazy check at once: cp_seg_need(CP_SEGNEED_ALL) and every block
** of the block-checked sections (O(size)) */
int cp_seg_verify (const cp_seg *s, cp_err *err);

/* full verification: checksums and every invariant (O(size)) */
int cp_seg_check (const cp_seg *s, cp_err *err);

/* the bytes, size and table checksum of section 'id' (segfmt.h), not
** checked: 0 when the image has no such section.  For the optional
** sections parsed in files of their own (FIELDS: segfield.c) */
int cp_seg_section (const cp_seg *s, int id, const unsigned char **p,
                    uint64_t *size, uint64_t *sum);

/*
** Rewrite every checksum and size field of the image data[0..size) so
** that they agree with its bytes: the image size, the header size, each
** part of ATTRS that SCHEMA names, the block checksums (BLKSUM), each
** section, the header; not the sums inside the compressed text and
** the compressed ids and metadata (TEXT, DOCSTR: zstd blocks, format
** 2.4 for DOCSTR), behind which is libzstd rather than this parser.  For tools
** that make or alter images on purpose (fuzz/fuzz_seg.c mutates bytes
** and must reach the parsers behind the checksums); never for repair.
** data must be 8-byte aligned and writable.  Returns CP_OK when the
** image then opens; otherwise the error of cp_seg_open (the sums up to
** what could be located are fixed all the same).
*/
int cp_seg_fix_sums (void *data, size_t size, cp_err *err);

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

/* -- named layers ---------------------------------------------------- */

/* Layers 0..2 are word, norm and stem (CP_WORD..); stored layers (own
** lexicon, ids and postings: lemma, upos, ...) follow, numbered per
** segment.  Every lexicon accessor above takes these numbers too.  A
** token without a value in a stored layer has the empty string. */
size_t cp_seg_nlayers (const cp_seg *s);
const char *cp_seg_layer_name (const cp_seg *s, size_t layer, size_t *len);
int64_t cp_seg_layer (const cp_seg *s, const char *name, size_t len); /* -1 if absent */
int cp_seg_layer_kind (const cp_seg *s, size_t layer);   /* CP_LK_* (segfmt.h) */
/* id per position: word ids for CP_WORD, a stored layer's ids; NULL
** for the derived layers (norm, stem: see cp_seg_map) */
const uint32_t *cp_seg_layer_stream (const cp_seg *s, size_t layer);
/* positions of type 'id': CP_NORM and stored layers; NULL otherwise */
const uint32_t *cp_seg_layer_postings (const cp_seg *s, size_t layer,
                                       uint32_t id, uint32_t *n);
/* the id of the token at 'pos' in any layer (UINT32_MAX if out of range) */
uint32_t cp_seg_value (const cp_seg *s, size_t layer, uint32_t pos);

/* -- span sets ------------------------------------------------------- */

/* Named sets of [start, end) token ranges (segment-local positions),
** sorted by start then by end descending, with attributes (key -> string
** value).  Every segment has the sets "s" (sentences) and "p"
** (paragraphs). */
size_t cp_seg_nspansets (const cp_seg *s);
const char *cp_seg_spanset_name (const cp_seg *s, size_t set, size_t *len);
int64_t cp_seg_spanset (const cp_seg *s, const char *name, size_t len); /* -1 if absent */
uint32_t cp_seg_nspans (const cp_seg *s, size_t set);
/* span i, sorted by start then by end descending */
int cp_seg_span (const cp_seg *s, size_t set, uint32_t i,
                 uint32_t *start, uint32_t *end);
/* value of attribute 'key' of span i, or NULL */
const char *cp_seg_span_attr (const cp_seg *s, size_t set, uint32_t i,
                              const char *key, size_t keylen, size_t *vlen);
/* iterate span i's attributes: *it starts at 0; 1 while there are more */
int cp_seg_span_attr_next (const cp_seg *s, size_t set, uint32_t i,
                           size_t *it, cp_attr *a);
/* the start and end arrays (cp_seg_nspans entries) */
const uint32_t *cp_seg_span_starts (const cp_seg *s, size_t set);
const uint32_t *cp_seg_span_ends (const cp_seg *s, size_t set);
/* attribute names of a set (the keys any of its spans has) */
size_t cp_seg_spanset_nkeys (const cp_seg *s, size_t set);
const char *cp_seg_spanset_key (const cp_seg *s, size_t set, size_t k,
                                size_t *len);
/* the value id of 'val' for key k (-1 if no span has it), and the
** value id of key k per span (UINT32_MAX: absent) */
int64_t cp_seg_span_key_value (const cp_seg *s, size_t set, size_t k,
                               const char *val, size_t vlen);
const uint32_t *cp_seg_span_key_ids (const cp_seg *s, size_t set, size_t k);
/* the values of key k, sorted bytewise: how many, and value v */
uint32_t cp_seg_span_key_nvalues (const cp_seg *s, size_t set, size_t k);
const char *cp_seg_span_key_str (const cp_seg *s, size_t set, size_t k,
                                 uint32_t v, size_t *len);
/* first span whose start is >= pos */
uint32_t cp_seg_span_lower (const cp_seg *s, size_t set, uint32_t pos);
/* spans containing pos, innermost first: up to 'max' indexes written to
** out; returns how many contain it */
uint32_t cp_seg_spans_at (const cp_seg *s, size_t set, uint32_t pos,
                          uint32_t *out, uint32_t max);

/* -- token stream ---------------------------------------------------- */

/* word id at every position: an array of cp_seg_ntokens entries, every
** entry < cp_seg_ntypes(CP_WORD) (checked by cp_seg_verify) */
const uint32_t *cp_seg_stream (const cp_seg *s);
/* the same without checking it: all zeros unless it was checked */
const uint32_t *cp_seg_stream_if_checked (const cp_seg *s);
/* 1 when the whole stream is decoded and checked (or trusted) */
int cp_seg_stream_checked (const cp_seg *s);
/*
** The word id at position pos, decoding (and checking) only the block of
** the stream that holds it: for a query that reads a few tokens of a
** segment whose stream was never read whole (the punctuation between
** phrase words).  0 with *bad set when pos is out of range or the block
** is damaged (the segment is then marked damaged).
*/
uint32_t cp_seg_word_at (const cp_seg *s, uint32_t pos, int *bad);

/* positions of a norm type, sorted ascending; NULL/0 if out of range
** (or damaged: cp_seg_damaged) */
const uint32_t *cp_seg_postings (const cp_seg *s, uint32_t norm_id,
                                 uint32_t *n);

/* the postings of type 'id' of layer CP_NORM or a stored layer, their
** blocks checked: CP_ECORRUPT when damaged, CP_OK with *p NULL and *n 0
** when out of range */
int cp_seg_plist (const cp_seg *s, size_t layer, uint32_t id,
                  const uint32_t **p, uint32_t *n, cp_err *err);

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
/* the same without the text (d->text NULL, d->textlen set): stored text
** is compressed (format 2.2), so readers of metadata or token ranges
** only should not decompress it */
int cp_seg_doc_head (const cp_seg *s, uint32_t doc, cp_docinfo *d);
/* document doc's token range only, from the document table: reads no
** id, metadata or text (format 2.4 compresses the ids and metadata, so
** readers of token ranges should not use cp_seg_doc_head);
** CP_EINVAL when doc is out of range */
int cp_seg_doc_toks (const cp_seg *s, uint32_t doc, uint32_t *start,
                     uint32_t *count);
/* the stream for reading the tokens of document d only (d from
** cp_seg_doc on this segment): its blocks are checked (per 64 KiB, ids
** < word types); CP_ECORRUPT when damaged */
int cp_seg_doc_stream (const cp_seg *s, const cp_docinfo *d,
                       const uint32_t **p, cp_err *err);

/* local document containing position 'pos' (binary search) */
uint32_t cp_seg_doc_of (const cp_seg *s, uint32_t pos);

/* local document with this id, or -1 */
int64_t cp_seg_find_id (const cp_seg *s, const char *id, size_t len);


/* }================================================================ */

#endif
