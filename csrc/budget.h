/*
** budget.h -- the work budget that bounds every query and statistic.
**
** A budget counts abstract units of work (a position visited, a state
** of the pattern matcher expanded, a lexicon entry tested, a window
** pair counted) against a maximum, and optionally a wall-clock
** deadline.  It is started once per call of a public entry point and
** shared by everything that call does, across segments.  Spending past
** the maximum (or past the deadline) fails with CP_ELIMIT and a message
** naming the limit and the option that raises it; the failure is
** sticky, so code that checks only now and then still stops.
**
** The defaults are far above what an ordinary query costs (counting
** every token of a 15 M-token corpus is about 15 M units) and low
** enough that a runaway evaluation stops within seconds.
*/
#ifndef CP_BUDGET_H
#define CP_BUDGET_H

#include <stdint.h>

#include "cp.h"

/* units of work of one call (about 1-4 s of the cheapest work) */
#define CP_DEFAULT_MAX_WORK 1000000000u
/* bytes of intermediate tables (window pairs, n-gram tables) */
#define CP_DEFAULT_MAX_MEM ((uint64_t)1 << 30)
/* steps of one regular-expression match against one lexicon entry
** (pcre2_set_match_limit; pcre2's own default is 10 M) and its
** backtracking depth (pcre2_set_depth_limit) */
#define CP_REGEX_MATCH_LIMIT 1000000u
#define CP_REGEX_DEPTH_LIMIT 10000u

typedef struct cp_budget {
  uint64_t max_work;     /* 0: no limit */
  uint64_t used;
  uint64_t max_mem;      /* 0: no limit */
  double timeout;        /* seconds, 0: none */
  double deadline;       /* monotonic seconds when timeout > 0 */
  uint64_t next_clock;   /* 'used' at which to read the clock again */
  int failed;            /* sticky CP_ELIMIT */
} cp_budget;

/* start a budget; 0 for max_work / max_mem means "no limit", timeout
** <= 0 "no deadline" */
void cp_budget_start (cp_budget *b, uint64_t max_work, uint64_t max_mem,
                      double timeout);

/* the slow path of cp_budget_spend: the limit, the clock */
int cp_budget_check_ (cp_budget *b, cp_err *err);

/* spend 'n' units; CP_ELIMIT (message in err) when the budget is gone */
static inline int cp_budget_spend (cp_budget *b, uint64_t n, cp_err *err) {
  if (b == NULL) return CP_OK;
  b->used += n;
  if (b->used < b->next_clock && !b->failed) return CP_OK;
  return cp_budget_check_(b, err);
}

/* may an intermediate table grow to 'bytes'?  CP_ELIMIT naming 'what'
** and the max_mem option otherwise */
int cp_budget_mem (cp_budget *b, uint64_t bytes, const char *what,
                   cp_err *err);

/* would 'bytes' fit in the memory limit? (a question, not a failure) */
int cp_budget_fits (const cp_budget *b, uint64_t bytes);

/* the units left (UINT64_MAX without a limit) */
uint64_t cp_budget_left (const cp_budget *b);

#endif
