/*
** lexpack.h -- sorted string tables front-coded and compressed (format
** 2.4's lexicons).  Format and rationale: lexpack.c.
*/
#ifndef CP_LEXPACK_H
#define CP_LEXPACK_H

#include <stddef.h>
#include <stdint.h>

#include "cp.h"

/* the most the front-coded list of a packed lexicon may expand from
** its stored bytes (so its count of strings is at most 128 times them) */
#define CP_LEX_MAXRATIO 256u

/* encode the n strings lexs[lexo[i], lexo[i+1]) into a malloc'd *out
** of *len bytes */
int cp_lex_pack (const uint32_t *lexo, const char *lexs, uint32_t n,
                 unsigned char **out, size_t *len, cp_err *err);

/* decode an encoding of n strings into malloc'd offsets (n + 1) and
** bytes (*size of them); any bytes give the strings or CP_ECORRUPT */
int cp_lex_unpack (const unsigned char *p, size_t len, uint32_t n,
                   uint32_t **lexo, char **lexs, uint64_t *size, cp_err *err);

#endif
