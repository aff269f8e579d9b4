/*
** number.h -- numbers of a text with their value and unit: "10,000",
** "2.5", "eight million", "5.93 mln", "30 per cent" / "30%" (percent),
** "$5 billion" / "20 mln dlrs" (USD), ordinals ("third", "21st").
** Numbers inside the given date spans (years, days of months) are not
** numbers here.  Rules only; docs/EXTRACT.md lists them.
*/
#ifndef CP_NUMBER_H
#define CP_NUMBER_H

#include <stddef.h>
#include <stdint.h>

#include "cp.h"
#include "tok.h"
#include "lexicon.h"
#include "timex.h"

typedef struct cp_number {
  uint32_t t0, t1;      /* tokens [t0, t1) */
  size_t start, stop;   /* bytes [start, stop) */
  double value;
  const char *unit;     /* "percent", "USD", "ordinal", ... or NULL */
} cp_number;

typedef struct cp_numbers { cp_number *v; size_t n, cap; } cp_numbers;

void cp_numbers_free (cp_numbers *t);

/* find the numbers of s outside the date spans 'dates' (may be NULL);
** 'out' is cleared first; linear */
int cp_number_run (const char *s, size_t n, const cp_tokvec *tv,
                   const cp_lxtok *lx, const cp_timexes *dates,
                   cp_numbers *out, cp_err *err);

/* the value of a numeral written in digits: "10,000", "1,00,000",
** "10.000.000" (dots grouping thousands), "2.5"; 0 if s is not one */
int cp_number_parse (const char *s, size_t n, double *v);

#endif
