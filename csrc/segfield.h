/*
** segfield.h -- token streams of text metadata fields (a Reuters title,
** say) named at build time: built with the segment (segw.c), stored in
** the optional FIELDS section of its image, read by BM25F (fields.c)
** instead of tokenizing every ranked document's field value again.
** The section's format is in the comment at the top of segfield.c and
** in docs/FORMAT.md.
**
** A field's tokens are exactly what fields.c's query-time path makes of
** the document's string values of that key: each value repaired
** (cp_utf8_repair), tokenized in the corpus's mode, every token's norm
** and stem taken with the corpus's analyzer; the values one after the
** other, with a separator between two (a phrase does not cross values).
*/
#ifndef CP_SEGFIELD_H
#define CP_SEGFIELD_H

#include <stddef.h>
#include <stdint.h>

#include "cp.h"
#include "lex.h"
#include "seg.h"
#include "analysis.h"

/* at most this many indexed fields, of names of 1..64 bytes */
#define CP_FIELDS_MAX     16
#define CP_FIELDS_NAMEMAX 64
/* room for every name, space separated, and a NUL */
#define CP_FIELDS_TEXTMAX (CP_FIELDS_MAX * (CP_FIELDS_NAMEMAX + 1) + 1)

/* the token id between two values of a field in one document */
#define CP_SF_SEP UINT32_MAX

/*
** Check a field list: names separated by single spaces (NULL or "" is
** no field), each 1..64 bytes of printable ASCII other than space, not
** "text" (the body), no name twice, at most CP_FIELDS_MAX.
*/
int cp_fields_check (const char *list, cp_err *err);

/* the next name of such a list at *p (advanced past it): its length,
** and *name its start; 0 at the end */
size_t cp_fields_next (const char **p, const char **name);


/* {================================================================
** Builder (private to segw.c)
** ================================================================= */

typedef struct cp_fbfield {
  char *name;
  size_t len;
  cp_lex key;             /* punct flag byte + word: the type's key */
  cp_bytes str;           /* word, norm, stem of every type back to back */
  cp_vec32 off;           /* 3 offsets per type into str, then the end */
  cp_bytes flags;         /* per type: bit 0 punctuation */
  cp_vec32 tok;           /* type id per token, CP_SF_SEP between values */
  cp_vec32 doco;          /* first token of every document added */
  cp_vec32 dlen;          /* words of every document added */
} cp_fbfield;

typedef struct cp_fbuild {
  cp_fbfield *f;
  size_t n;
  cp_tokvec tv;           /* reused */
  const cp_seg *src;      /* the segment of the last copy, and its */
  void *srcf;             /* parsed section (cp_sfields), or NULL */
} cp_fbuild;

/* index the fields of 'list' (cp_fields_check); only on an empty
** builder (ndocs 0) */
int cp_fb_set (cp_fbuild *b, const char *list, size_t ndocs, cp_err *err);

/* add the fields that segs[0..n) index (a merge keeps every field its
** inputs have); only on an empty builder */
int cp_fb_union (cp_fbuild *b, const cp_seg *const *segs, size_t n,
                 size_t ndocs, cp_err *err);

/* the list, space separated, into buf[CP_FIELDS_TEXTMAX] */
void cp_fb_list (const cp_fbuild *b, char *buf);

/*
** Append the field tokens of the next document, whose encoded metadata
** is meta[0..metalen): copied from document 'srcdoc' of 'src' for each
** field whose tokens that segment holds (nothing is tokenized), else
** made from the metadata with 'an' in tokenizer mode 'mode'.
*/
int cp_fb_doc (cp_fbuild *b, cp_an *an, int mode, const void *meta,
               size_t metalen, const cp_seg *src, uint32_t srcdoc,
               cp_err *err);

/* drop the documents from 'ndocs' on (their types stay, unused) */
void cp_fb_cut (cp_fbuild *b, size_t ndocs);

/* the FIELDS section for 'ndocs' documents into *out (empty when no
** field is indexed) */
int cp_fb_encode (const cp_fbuild *b, size_t ndocs, cp_bytes *out,
                  cp_err *err);

/* forget the documents and types (after a segment is written), keeping
** the field names; cp_fb_free forgets everything */
void cp_fb_clear (cp_fbuild *b);
void cp_fb_free (cp_fbuild *b);

/* the builder's fields (segw.c): set before its first document, a
** list as cp_fields_check takes; the union of those segs[0..n) index (a
** merge's); the list, space separated, into buf[CP_FIELDS_TEXTMAX] */
int cp_segw_set_fields (cp_segw *w, const char *list, cp_err *err);
int cp_segw_fields_from (cp_segw *w, const cp_seg *const *segs, size_t n,
                         cp_err *err);
void cp_segw_fields (const cp_segw *w, char *buf);

/* }================================================================ */


/* {================================================================
** Reader
** ================================================================= */

typedef struct cp_sfield {
  const char *name;
  uint32_t len;
  uint32_t ntypes, ntok, npost;
  const uint32_t *lexo;       /* 3 * ntypes + 1 */
  const char *lexs;
  const unsigned char *flags;
  const uint32_t *doco;       /* ndocs + 1 */
  const uint32_t *tok;        /* ntok */
  const uint32_t *dlen;       /* ndocs */
  const uint32_t *posto;      /* ntypes + 1 */
  const uint32_t *post;       /* npost */
} cp_sfield;

typedef struct cp_sfields {
  uint32_t ndocs, n;
  int damaged;                /* set by a caller that caches a failed open */
  cp_sfield f[1];             /* n of them (one block: free() frees it) */
} cp_sfields;

/*
** Parse and check the FIELDS section of 's' (its checksum, then every
** offset, id and length against the others: O(size)): *out is one
** malloc'd block, NULL when the segment indexes no field.  CP_ECORRUPT
** when the section is damaged.
*/
int cp_sf_open (const cp_seg *s, cp_sfields **out, cp_err *err);

/*
** The tokens of field 'name' of every document of 's' made from their
** metadata (each value tokenized and analysed as the builder does:
** what cp_fb_doc would store), as a parsed one-field section in one
** malloc'd block: the word search of a segment written before the
** field was indexed reads it as it reads a stored one (fieldq.c).
*/
int cp_sf_make (const cp_seg *s, cp_an *an, int mode, const char *name,
                size_t len, cp_sfields **out, cp_err *err);

/* the field named so, or NULL */
const cp_sfield *cp_sf_find (const cp_sfields *sf, const char *name,
                             size_t len);

/* type i's word, norm and stem (layer CP_WORD..CP_STEM) */
static inline const char *cp_sf_type (const cp_sfield *f, uint32_t i,
                                      int layer, size_t *len) {
  uint32_t a = f->lexo[3 * i + (uint32_t)layer];
  *len = f->lexo[3 * i + (uint32_t)layer + 1] - a;
  return f->lexs + a;
}

/* the check of cp_seg_check: the section parses and is consistent */
int cp_sf_check (const cp_seg *s, cp_err *err);

/* }================================================================ */

#endif
