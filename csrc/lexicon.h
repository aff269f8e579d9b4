/*
** lexicon.h -- the words the extractors know (reporting verbs, titles,
** organisation heads, month names, number words, units, ...), one
** sorted table generated from the lists in tools/words/ by
** tools/gen_lexicon.lua into lextab.c; and small text helpers the
** extractors share (lower-casing a token, capitals, quote marks).
*/
#ifndef CP_LEXICON_H
#define CP_LEXICON_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "tok.h"

/* word classes: one bit each (order of tools/gen_lexicon.lua LISTS) */
enum {
  CP_LX_CUE = 1u << 0,      /* reporting verb, any form */
  CP_LX_TITLE = 1u << 1,    /* title or role before a name */
  CP_LX_PORTF = 1u << 2,    /* portfolio after "Minister of" */
  CP_LX_ORG = 1u << 3,      /* head word of an organisation name */
  CP_LX_GIVEN = 1u << 4,    /* common given name */
  CP_LX_COMMON = 1u << 5,   /* capitalised at a sentence start, not a name */
  CP_LX_CONN = 1u << 6,     /* lower-case connector inside a name */
  CP_LX_YEARCTX = 1u << 7,  /* a year may follow */
  CP_LX_PRON = 1u << 8,     /* subject pronoun; small = 'p', 'o', 'x' */
  CP_LX_MONTH = 1u << 9,    /* small = 1..12 */
  CP_LX_WEEKDAY = 1u << 10, /* small = 1..7, Monday = 1 */
  CP_LX_NUMW = 1u << 11,    /* number word; num = value */
  CP_LX_ORDW = 1u << 12,    /* ordinal word; small = value */
  CP_LX_UNIT = 1u << 13,    /* unit; unit = "percent", "USD", ... */
  CP_LX_TUNIT = 1u << 14,   /* unit of time; small = 'Y','N'(month),'W',... */
  CP_LX_TIMEW = 1u << 15    /* can start a temporal expression */
};

typedef struct cp_lxent {
  const char *word;   /* lower case */
  uint32_t flags;
  int small;
  double num;
  const char *unit;
} cp_lxent;

extern const cp_lxent cp_lx_table[];
extern const size_t cp_lx_size;
extern const uint16_t cp_lx_hash[];   /* index + 1 into cp_lx_table, 0 empty */
extern const size_t cp_lx_hsize;      /* a power of two */

/* the entry of a lower-case word, or NULL */
const cp_lxent *cp_lx_find (const char *w, size_t len);

/* the longest word looked up; longer tokens are never in the table */
#define CP_LX_MAXWORD 24

/*
** Per-token facts computed once per document and shared by the
** extractors: the lexicon entry of the token (its lower-cased text, a
** trailing dot dropped: "Gen." finds "gen") and shape bits.
*/
enum {
  CP_SH_CAP = 1u << 0,    /* starts with an upper-case letter */
  CP_SH_UPPER = 1u << 1,  /* two or more letters, none lower case: "ISIS" */
  CP_SH_DIGIT = 1u << 2,  /* starts with a digit */
  CP_SH_PUNCT = 1u << 3,  /* a punctuation token */
  CP_SH_LOWER = 1u << 4,  /* starts with a lower-case letter */
  CP_SH_DOT = 1u << 5,    /* ends with '.' ("U.S.", "J.") */
  CP_SH_SSTART = 1u << 6, /* first token of a sentence */
  CP_SH_PSTART = 1u << 7  /* first token of a paragraph (blank line, or a
                             line break followed by indentation) */
};

typedef struct cp_lxtok {
  const cp_lxent *lx;   /* NULL if not in the lexicon */
  uint16_t shape;
  uint8_t dash;         /* the token has a '-' ("mid-1990s", "1990-91") */
  uint32_t flags;       /* lx->flags, 0 without lx: the extractors test
                           them token by token, and the entry is a load
                           away (in the padding: still 16 bytes) */
} cp_lxtok;

/*
** A per-type cache of the facts a token's bytes decide (its entry and
** shape), kept from one document to the next by one caller (not shared
** between threads): the same facts, computed once per word type.
*/
typedef struct cp_lxcache cp_lxcache;
cp_lxcache *cp_lxcache_new (void);      /* NULL when out of memory */
void cp_lxcache_free (cp_lxcache *c);

/*
** The facts of every token of tv over text s, through cache c (NULL:
** none; the facts are the same), into *v: *cap entries, realloc'd when
** fewer than the tokens (NULL and 0 at first; the caller frees *v).
** The caller keeps *v from one text to the next, so a build's analysers
** write every document's facts into the same memory, not fresh pages.
*/
int cp_lx_tokens (const char *s, size_t n, const cp_tokvec *tv,
                  cp_lxcache *c, cp_lxtok **v, size_t *cap, cp_err *err);

/* a token's flags, 0 when not in the lexicon */
static inline uint32_t cp_lx_flags (const cp_lxtok *t) {
  return t->flags;
}

/* does token t spell exactly the ASCII word w (n bytes, lower case),
** any case?  cp_lx_is takes the length of w (folded for a literal) */
static inline int cp_lx_isn (const char *s, const cp_tok *t, const char *w,
                             size_t n) {
  size_t i;
  if (s == NULL || t == NULL || t->stop - t->start != n) return 0;
  for (i = 0; i < n; i++) {
    unsigned char c = (unsigned char)s[t->start + i];
    if (c >= 'A' && c <= 'Z') c = (unsigned char)(c + 32);
    if (c != (unsigned char)w[i]) return 0;
  }
  return 1;
}
#define cp_lx_is(s, t, w) cp_lx_isn((s), (t), (w), strlen(w))

/* lower-case ASCII copy of s[0..len) into buf (cap bytes); returns the
** length, or 0 if it does not fit */
size_t cp_lx_lower (const char *s, size_t len, char *buf, size_t cap);

#endif
