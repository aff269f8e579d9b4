/*
** analysis.h -- derived layers of a word form: norm (utf8proc NFKC +
** case folding, apostrophes unified to U+0027) and stem (libstemmer,
** applied to the norm form).
*/
#ifndef CP_ANALYSIS_H
#define CP_ANALYSIS_H

#include <stddef.h>

#include "cp.h"

typedef struct cp_an cp_an;

/* 'language' is a libstemmer algorithm name ("english", "french", ...);
** NULL means "english".  An unknown name gives CP_ELANG with a message
** that lists the known ones. */
cp_an *cp_an_new (const char *language, cp_err *err);
void cp_an_free (cp_an *an);
const char *cp_an_language (const cp_an *an);

/* NUL-terminated, comma-separated list of the known languages */
const char *cp_an_languages (void);

/*
** Compute the norm / stem of a string.  The result is written to an
** internal buffer of 'an' and stays valid until the next call on 'an';
** *outlen receives its length.  Returns NULL on out of memory.
** (Not thread-safe per cp_an; use one cp_an per thread.)
*/
const char *cp_an_norm (cp_an *an, const char *s, size_t n, size_t *outlen);
const char *cp_an_stem (cp_an *an, const char *s, size_t n, size_t *outlen);

/*
** A query word as the norm layer holds it (its norm), or with 'stem'
** as the stem layer does (the stem of its norm): a malloc'd,
** NUL-terminated copy the caller frees; NULL on out of memory.
*/
char *cp_an_key (cp_an *an, const char *s, size_t n, int stem,
                 size_t *outlen);

#endif
