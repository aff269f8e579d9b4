/*
** tok.h -- tokenizer: UTF-8 repair, UAX #29 word and sentence
** segmentation (strict, and the corpus tailoring), paragraphs.
**
** Input to cp_tok_run must be valid UTF-8 (run cp_utf8_repair first).
** NUL bytes are ordinary control characters.  All offsets are byte
** offsets into the text given.
*/
#ifndef CP_TOK_H
#define CP_TOK_H

#include <stddef.h>
#include <stdint.h>

#include "cp.h"

/* segmentation modes */
enum {
  CP_TOK_CORPUS = 0,  /* tailored for text analysis (README documents it) */
  CP_TOK_STRICT = 1   /* plain UAX #29, passes the Unicode test files */
};

/* token flags */
#define CP_TF_PUNCT   1u  /* no letter, digit or ideograph: punctuation/symbol */
#define CP_TF_SSTART  2u  /* first token of a sentence */
#define CP_TF_PSTART  4u  /* first token of a paragraph */

typedef struct cp_tok {
  size_t start, stop;   /* byte span [start, stop) */
  unsigned flags;
} cp_tok;

/* growable vector of tokens, owned by the caller; zero-init is empty */
typedef struct cp_tokvec {
  cp_tok *v;
  size_t n, cap;
} cp_tokvec;

void cp_tokvec_free (cp_tokvec *tv);

/*
** Validate UTF-8.  If 's' is valid, sets *out = NULL and *ninvalid = 0.
** Otherwise *out is a new malloc'd copy (length *outlen, NUL-terminated
** for convenience) where each maximal invalid subsequence (as defined
** by Unicode ch. 3 "U+FFFD substitution of maximal subparts") is
** replaced by U+FFFD, and *ninvalid counts the replacements.
*/
int cp_utf8_repair (const char *s, size_t n, char **out, size_t *outlen,
                    size_t *ninvalid, cp_err *err);

/*
** Tokenize a whole document: words and punctuation tokens (whitespace
** dropped) appended to 'tv' (which is cleared first), with sentence and
** paragraph start flags.  The first token always has SSTART|PSTART.
*/
int cp_tok_run (const char *s, size_t n, int mode, cp_tokvec *tv, cp_err *err);

/*
** Boundary offsets (including 0 and n for non-empty text) of UAX #29
** word / sentence segmentation in the given mode; *out is malloc'd.
** Used by the conformance tests and exposed to Lua for inspection.
*/
int cp_tok_wordbreaks (const char *s, size_t n, int mode,
                       size_t **out, size_t *nout, cp_err *err);
int cp_tok_sentbreaks (const char *s, size_t n, int mode,
                       size_t **out, size_t *nout, cp_err *err);

#endif
