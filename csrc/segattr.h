/*
** segattr.h -- the named attributes of a segment being built: stored
** token layers (own lexicon and a value per token) and span sets
** ([start, end) token ranges with key -> value attributes), and their
** encoding into the SCHEMA and ATTRS sections of a segment image
** (format: the comment at the top of seg.c and docs/FORMAT.md).
**
** Private to the segment builder (segw.c).  Positions are segment-local
** token numbers.  Layers and sets are kept in creation order and
** remember the document that created them, so that dropping the last
** documents (cp_ab_cut) also drops what only they brought.
*/
#ifndef CP_SEGATTR_H
#define CP_SEGATTR_H

#include <stddef.h>
#include <stdint.h>

#include "cp.h"
#include "lex.h"
#include "seg.h"

/* at most this many stored layers and span sets per segment, and keys
** per span set (checked limits: ELIMIT past them) */
#define CP_AB_MAXLAYERS 60
#define CP_AB_MAXSETS   1000
#define CP_AB_MAXKEYS   64

/* a value of at most 16 bytes and its id, remembered */
typedef struct cp_abmemo {
  uint64_t a, b;          /* its bytes, zero-padded */
  uint32_t len;           /* its length + 1; 0: an empty slot */
  uint32_t id;
} cp_abmemo;

#define CP_AB_MEMOBITS 8
#define CP_AB_MEMO (1 << CP_AB_MEMOBITS)

typedef struct cp_abkey {
  char *name;  size_t len;
  const char *lit;        /* a static literal found to name it, or NULL */
  cp_lex vals;            /* value strings */
  cp_vec32 ids;           /* value id per span, UINT32_MAX when absent */
  /* short values found lately, by their bytes: most values of a key
  ** are a few short strings ("person", "said", "1"), found here without
  ** hashing them and probing 'vals' (values are never removed) */
  cp_abmemo memo[CP_AB_MEMO];
} cp_abkey;

typedef struct cp_abset {
  char *name;  size_t len;
  uint32_t first_doc;     /* the document that created the set */
  cp_vec32 se;            /* start, end pairs, in the order added */
  cp_abkey *keys;
  size_t nkeys;
  size_t idcap;           /* the least capacity of the keys' ids */
} cp_abset;

typedef struct cp_ablayer {
  char *name;  size_t len;
  uint32_t first_doc;
  cp_lex lex;             /* value strings; id 0 is "" (no value) */
  cp_vec32 ids;           /* value id per position (padded lazily) */
} cp_ablayer;

/* a static literal found to name a set */
typedef struct cp_ablit {
  const char *name;  size_t len, idx;
} cp_ablit;

#define CP_AB_LITS 8

typedef struct cp_abuild {
  cp_ablayer *l;  size_t nl;
  cp_abset *s;    size_t ns;
  size_t lastset;         /* the set cp_ab_set found last: spans come in
                          ** runs of one set, so it is tried first */
  cp_ablit lits[CP_AB_LITS];  /* sets named by literals (cp_ab_set_lit) */
  size_t nlits;
} cp_abuild;

/* is name[0..len) a valid layer or span set name ([a-z][a-z0-9_]*,
** at most 64 bytes)? */
int cp_ab_name_ok (const char *name, size_t len);

/* the stored layer named so (created, with "" for the 'ntok' tokens
** already there, if absent); *idx its index */
int cp_ab_layer (cp_abuild *b, const char *name, size_t len, uint32_t doc,
                 size_t ntok, size_t *idx, cp_err *err);

/* append the value of the next token of layer idx, padding it first to
** 'pos' tokens */
int cp_ab_layer_put (cp_abuild *b, size_t idx, size_t pos, const char *v,
                     size_t vlen, cp_err *err);

/* the span set named so (created if absent); *idx its index */
int cp_ab_set (cp_abuild *b, const char *name, size_t len, uint32_t doc,
               size_t *idx, cp_err *err);

/* append a span (positions segment-local) with its attributes */
int cp_ab_span (cp_abuild *b, size_t set, uint32_t start, uint32_t end,
                const cp_attr *attrs, size_t nattrs, cp_err *err);

/*
** The same two for names that are static literals (never freed nor
** changed: the analysers' set and key names), found by their address
** once seen, and for values the caller checked (cp_spanout_add_known):
** same results, same checks of what is new, without comparing the
** names' bytes on every span (on 5 MB of UN debates, 52k spans: with
** the other changes here, cp_ab_set and cp_ab_span went from 37.7M to
** 24.9M instructions).
*/
int cp_ab_span_lit (cp_abuild *b, size_t set, uint32_t start, uint32_t end,
                    const cp_attr *attrs, size_t nattrs, cp_err *err);

/* a literal not seen yet (cp_ab_set_lit) */
int cp_ab_set_lit_add (cp_abuild *b, const char *name, size_t len,
                       uint32_t doc, size_t *idx, cp_err *err);

/* inline: the literal is found here nearly always (the call was a
** third of finding it) */
static inline int cp_ab_set_lit (cp_abuild *b, const char *name, size_t len,
                                 uint32_t doc, size_t *idx, cp_err *err) {
  size_t i;
  for (i = 0; i < b->nlits; i++)
    if (b->lits[i].name == name && b->lits[i].len == len && name != NULL) {
      *idx = b->lits[i].idx;
      return CP_OK;
    }
  return cp_ab_set_lit_add(b, name, len, doc, idx, err);
}

/* drop everything of documents >= ndocs, whose first token is 'ntok' */
void cp_ab_cut (cp_abuild *b, uint32_t ndocs, size_t ntok);

/* spans of set idx added so far (to undo a failed document) */
size_t cp_ab_nspans (const cp_abuild *b, size_t set);
void cp_ab_unspan (cp_abuild *b, size_t set, size_t n);

void cp_ab_free (cp_abuild *b);

/*
** Encode: *schema (release with cp_bytes_free) describes every layer
** (word, norm, stem with their type counts nt[0..2], then the stored
** ones) and set, with offsets into *attrs (parts 8-byte aligned).  T is the segment's token count, dstart[0..D] the first
** token of each of its D documents (dstart[D] = T).  Stored lexicons
** are sorted here and the ids remapped; layers are padded to T.
*/
int cp_ab_encode (cp_abuild *b, size_t T, const uint32_t *dstart, size_t D,
                  const uint32_t nt[3], cp_bytes *schema, cp_bytes *attrs,
                  cp_err *err);

#endif
