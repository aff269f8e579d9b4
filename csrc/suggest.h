/*
** suggest.h -- "did you mean": the closest of a list of names.
**
** Used for unknown option keys, metadata fields and layer names, so a
** typo gets an answer that names what the user probably meant.
*/
#ifndef CP_SUGGEST_H
#define CP_SUGGEST_H

#include <stddef.h>

/* optimal-string-alignment distance between a and b (insertions,
** deletions, substitutions, adjacent transpositions), or (size_t)-1
** when either is longer than CP_SUGGEST_MAXLEN bytes */
#define CP_SUGGEST_MAXLEN 64
size_t cp_suggest_distance (const char *a, size_t alen,
                            const char *b, size_t blen);

/* index of the name in cands[0..n) closest to 'name', or -1 when none
** is close: distance at most 1 for names of up to 4 bytes, 2 above;
** a case-insensitive equal name, or one sharing a prefix of 4 bytes or
** more with all but the last byte of the shorter, counts as close */
long cp_suggest (const char *name, size_t len,
                 const char *const *cands, size_t n);

#endif
