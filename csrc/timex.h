/*
** timex.h -- temporal expressions with TimeML TIMEX3 types and values:
** dates ("June 4, 2020" -> 2020-06-04, "January 21" -> anchor year),
** years, decades ("the 1990s" -> 199), quarters, weekdays, relative
** dates ("last year", "in recent months" -> PAST_REF), durations
** ("a decade" -> P10Y), sets ("every year" -> P1Y) and clock times.
** Rules only; docs/EXTRACT.md lists them.
*/
#ifndef CP_TIMEX_H
#define CP_TIMEX_H

#include <stddef.h>
#include <stdint.h>

#include "cp.h"
#include "tok.h"
#include "lexicon.h"

enum { CP_TX_DATE = 0, CP_TX_DURATION, CP_TX_TIME, CP_TX_SET };

/* "DATE", "DURATION", "TIME", "SET" */
const char *cp_timex_type_name (int type);

/* the anchor (document creation time); year 0 = none */
typedef struct cp_anchor { int year, month, day; } cp_anchor;

/* parse "YYYY", "YYYY-MM" or "YYYY-MM-DD..." (a time may follow); 0 if
** the text does not start with a valid date */
int cp_anchor_parse (const char *s, size_t n, cp_anchor *a);

#define CP_TX_VALUE 32

typedef struct cp_timex {
  uint32_t t0, t1;      /* tokens [t0, t1) */
  size_t start, stop;   /* bytes [start, stop) */
  int type;
  char value[CP_TX_VALUE];   /* TIMEX3 value, NUL-terminated */
} cp_timex;

typedef struct cp_timexes { cp_timex *v; size_t n, cap; } cp_timexes;

void cp_timexes_free (cp_timexes *t);

/* find the temporal expressions of s; 'out' is cleared first; linear */
int cp_timex_run (const char *s, size_t n, const cp_tokvec *tv,
                  const cp_lxtok *lx, const cp_anchor *anchor,
                  cp_timexes *out, cp_err *err);

#endif
