/*
** extract.c -- run the extractors in dependency order (extract.h).
*/
#include <stdlib.h>

#include "extract.h"

void cp_extract_free (cp_extract *x) {
  if (x == NULL) return;
  free(x->lx);
  x->lx = NULL;
  cp_entities_free(&x->ents);
  cp_quotes_free(&x->quotes);
  cp_timexes_free(&x->dates);
  cp_numbers_free(&x->nums);
}

int cp_extract_run (const char *s, size_t n, const cp_tokvec *tv,
                    const cp_anchor *anchor, unsigned what, cp_extract *x,
                    cp_err *err) {
  int rc;
  if (x == NULL || tv == NULL || (s == NULL && n > 0))
    return cp_err_set(err, CP_EINVAL, "cp_extract_run: missing argument");
  free(x->lx);
  x->lx = NULL;
  x->ents.n = x->quotes.n = x->dates.n = x->nums.n = 0;
  if (what & CP_X_QUOTES) what |= CP_X_ENTITIES;
  if (what & CP_X_NUMBERS) what |= CP_X_DATES;
  if ((rc = cp_lx_tokens(s, n, tv, &x->lx, err)) != CP_OK) return rc;
  if ((what & CP_X_ENTITIES)
      && (rc = cp_entity_run(s, n, tv, x->lx, &x->ents, err)) != CP_OK) return rc;
  if ((what & CP_X_QUOTES)
      && (rc = cp_quote_run(s, n, tv, x->lx, &x->ents, &x->quotes, err)) != CP_OK) return rc;
  if ((what & CP_X_DATES)
      && (rc = cp_timex_run(s, n, tv, x->lx, anchor, &x->dates, err)) != CP_OK) return rc;
  if ((what & CP_X_NUMBERS)
      && (rc = cp_number_run(s, n, tv, x->lx, &x->dates, &x->nums, err)) != CP_OK) return rc;
  return CP_OK;
}
