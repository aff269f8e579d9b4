/*
** extract.h -- all the extractors over one document: names, quotes
** (which need the names), dates and numbers (which skip the dates).
** The one entry point the binding and the build-time producer use.
*/
#ifndef CP_EXTRACT_H
#define CP_EXTRACT_H

#include "entity.h"
#include "quote.h"
#include "timex.h"
#include "number.h"

enum {
  CP_X_ENTITIES = 1, CP_X_QUOTES = 2, CP_X_DATES = 4, CP_X_NUMBERS = 8,
  CP_X_ALL = 15
};

typedef struct cp_extract {
  cp_lxtok *lx;
  size_t lxcap;      /* entries of lx, kept across runs */
  cp_lxcache *lxc;   /* per-type facts kept across runs, made lazily */
  cp_entities ents;
  cp_quotes quotes;
  cp_timexes dates;
  cp_numbers nums;
} cp_extract;

/* zero-init is empty; results of the previous run are replaced */
int cp_extract_run (const char *s, size_t n, const cp_tokvec *tv,
                    const cp_anchor *anchor, unsigned what, cp_extract *x,
                    cp_err *err);

void cp_extract_free (cp_extract *x);

/*
** The bytes [*a, *z) of text s naming the speaker of quote q of x: the
** canonical entity, or a description without its article ("the
** spokesman" -> "spokesman"); 0 when q has no speaker.  Names are shown
** with each run of white space as one space (cp_extract_name).
*/
int cp_extract_speaker (const char *s, const cp_tokvec *tv,
                        const cp_extract *x, const cp_quote *q,
                        size_t *a, size_t *z);

/* the bytes [*a, *z) of q's cue ("said", "according to"); 0 if none */
int cp_extract_cue (const char *s, const cp_tokvec *tv, const cp_quote *q,
                    size_t *a, size_t *z);

/* write name p[0..n) with each run of white space as one space into
** out (at least n bytes); returns the length written */
size_t cp_extract_name (const char *p, size_t n, char *out);

#endif
