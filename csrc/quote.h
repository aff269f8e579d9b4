/*
** quote.h -- quotations of a text with their cue (the reporting verb)
** and speaker: "direct" (text in quotation marks, one row for a quote
** split by its attribution), "mixed" (a quoted fragment inside reported
** speech), "indirect" (reported speech without marks: "X said that
** ...", "according to X, ...").  Rules only; docs/EXTRACT.md says what
** they find and miss.
*/
#ifndef CP_QUOTE_H
#define CP_QUOTE_H

#include <stddef.h>
#include <stdint.h>

#include "cp.h"
#include "tok.h"
#include "lexicon.h"
#include "entity.h"

enum { CP_Q_DIRECT = 0, CP_Q_MIXED, CP_Q_INDIRECT };

/* "direct", "mixed", "indirect" */
const char *cp_quote_kind_name (int kind);

#define CP_QUOTE_MAXPARTS 8   /* a quote split more often is cut into rows */

typedef struct cp_qpart {
  uint32_t t0, t1;      /* tokens [t0, t1), quote marks excluded */
  size_t start, stop;   /* bytes [start, stop) */
} cp_qpart;

typedef struct cp_quote {
  int kind;
  unsigned nparts;
  cp_qpart part[CP_QUOTE_MAXPARTS];
  uint32_t m0, m1;      /* tokens [m0, m1) from first to last mark */
  int64_t cue;          /* cue token, -1 if none */
  uint32_t sp0, sp1;    /* speaker tokens [sp0, sp1) as written; empty if none */
  int64_t speaker;      /* entity giving the canonical speaker, -1 if none
                           (then the speaker is the text sp0..sp1, if any) */
  double confidence;    /* 0..1 */
} cp_quote;

typedef struct cp_quotes { cp_quote *v; size_t n, cap; } cp_quotes;

void cp_quotes_free (cp_quotes *q);

/*
** Find the quotes of text s (n bytes) with its tokens, their lexicon
** facts and its names (cp_entity_run).  'out' is cleared first; quotes
** come in text order.  Linear in the tokens (each attribution search
** looks at most a fixed number of tokens around the quote).
*/
int cp_quote_run (const char *s, size_t n, const cp_tokvec *tv,
                  const cp_lxtok *lx, const cp_entities *ents,
                  cp_quotes *out, cp_err *err);

#endif
