/*
** variants.h -- what a search term finds besides itself.
**
** Tokenization keeps a hyphenated compound whole (docs/TOKENIZER.md,
** rule 3), so frequency lists, n-grams and KWIC count `post-Ebola` as
** one token.  A search for a `norm` term looks inside: it also finds
** the compounds it is a part of (`ebola` finds `post-ebola`,
** `ebola-affected`; `hol` finds `al-hol`), and the types that differ
** from it only by diacritics (`communique` finds `communiqué` and the
** other way round), as SQLite FTS5's unicode61 tokenizer with
** remove_diacritics 2 and Lucene's ASCII folding do.
**
** The variant table of a segment maps keys to norm type ids: for each
** norm type with a diacritic or a separator inside (a hyphen, and also
** an apostrophe, period or colon: `year's`, `state.gov`), its
** diacritic-free form (when it differs) and each run of letters, digits
** and marks in it -- the tokens FTS5's unicode61 tokenizer makes.
** It is one malloc'd block, built once per segment and kept in the
** query cache.  A prefix or glob looks the keys up the same way (the
** keys that start with its text, or match it): `terror*` finds
** `counter-terrorism` as FTS5 finds its token `terrorism`.
*/
#ifndef CP_VARIANTS_H
#define CP_VARIANTS_H

#include <stddef.h>
#include <stdint.h>

#include "cp.h"
#include "seg.h"

typedef struct cp_variants cp_variants;

/* the table of segment s (free with free()); NULL on out of memory */
cp_variants *cp_variants_build (const cp_seg *s);

/* the table of any lexicon of nt norm strings, type i's being str(ud,
** i, &len) (NULL: none): the norms of an indexed field's types
** (fieldq.c), whose entries then carry those type ids */
typedef const char *(*cp_variants_str) (const void *ud, uint32_t i,
                                        size_t *len);
cp_variants *cp_variants_build_from (uint32_t nt, cp_variants_str str,
                                     const void *ud);

/* the entries with key [key, key+len): indexes [*lo, *hi) */
void cp_variants_find (const cp_variants *v, const char *key, size_t len,
                       uint32_t *lo, uint32_t *hi);

/* the entries whose key starts with key[0..len): indexes [*lo, *hi)
** (the keys are sorted bytewise, so they are consecutive) */
void cp_variants_prefix (const cp_variants *v, const char *key, size_t len,
                         uint32_t *lo, uint32_t *hi);

/* the key of entry i (not NUL-terminated) */
const char *cp_variants_key (const cp_variants *v, uint32_t i, size_t *len);

/* the norm type id of entry i */
uint32_t cp_variants_id (const cp_variants *v, uint32_t i);

/* how entry i's key stands in its type: the whole type without
** diacritics, or its first / last / a middle part */
enum { CP_V_WHOLE = 1, CP_V_FIRST = 2, CP_V_LAST = 4, CP_V_MID = 8,
       CP_V_RUN = 16 };       /* RUN: consecutive parts, space-joined */

/* compounds of up to CP_V_MAXRUN parts get run keys of up to
** CP_V_MAXKEY bytes (longer runs are simply not keys) */
#define CP_V_MAXRUN 6
#define CP_V_MAXKEY 256
unsigned cp_variants_where (const cp_variants *v, uint32_t i);

/* which entries a phrase word may use (cp_pnode.edge): any (a word on
** its own), the first word of a phrase (a compound ending with it), the
** last word (a compound starting with it), a middle word (none of the
** parts: the whole type only) */
enum { CP_EDGE_ANY = 0, CP_EDGE_FIRST = 1, CP_EDGE_LAST = 2, CP_EDGE_MID = 3,
       CP_EDGE_RUN = 4 };     /* RUN: a phrase's words as one key */
int cp_variants_allows (int edge, unsigned where);

/*
** A query word's lookup in a variant table, as the body (exec.c) and a
** field's words (fieldq.c) both do it.  cp_variants_fold gives the key:
** the word without diacritics, *f (malloc'd, *fl bytes) when the word
** has non-ASCII bytes and valid UTF-8, else *f = NULL and the word itself
** (*fl = tl); CP_OK or CP_ENOMEM.  cp_variants_span gives the entries a
** word of kind CP_VQ_* may use: the key's (TERM), those starting with it
** (PREFIX), or starting with a glob's literal prefix (GLOB).
** cp_variants_takes says whether entry j is one: its place allowed by
** edge (cp_variants_allows), and for a glob its key matched.
*/
enum { CP_VQ_TERM = 0, CP_VQ_PREFIX = 1, CP_VQ_GLOB = 2 };
int cp_variants_fold (const char *t, size_t tl, char **f, size_t *fl);
void cp_variants_span (const cp_variants *v, int kind, const char *key,
                       size_t kl, uint32_t *lo, uint32_t *hi);
int cp_variants_takes (const cp_variants *v, uint32_t j, int edge, int kind,
                       const char *key, size_t kl);

/*
** The parts of s when it holds a separator (any character but a
** letter, digit or mark: a hyphen, apostrophe, period, colon, slash):
** each run of word characters.  *it starts at 0; returns 1 with the
** part s[*off, *off + *len) while there are more, 0 at the end (at once
** when s has no separator).
*/
int cp_variant_part (const char *s, size_t n, size_t *it, size_t *off,
                     size_t *len);

/*
** s without diacritics: decomposed, the combining diacritical marks
** U+0300..U+036F dropped (the marks of Latin, Greek and Cyrillic
** letters; the vowel signs of other scripts are kept), recomposed.
** *out is malloc'd; CP_OK, CP_ENOMEM, or CP_EINVAL for bad UTF-8.
*/
int cp_strip_diacritics (const char *s, size_t len, char **out,
                         size_t *outlen);

#endif
