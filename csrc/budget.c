/*
** budget.c -- work, memory and time limits of one call (budget.h).
**
** The clock is read only every CLOCK_EVERY units, so spending stays a
** compare and an add on the hot paths.
*/
#include <time.h>

#include "budget.h"

#define CLOCK_EVERY 65536u

static double now (void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static uint64_t next_stop (const cp_budget *b) {
  uint64_t n = b->used + CLOCK_EVERY;
  if (n < b->used) n = UINT64_MAX;
  if (b->max_work && n > b->max_work) n = b->max_work + 1;
  if (b->timeout <= 0 && !b->max_work) n = UINT64_MAX;
  return n;
}

void cp_budget_start (cp_budget *b, uint64_t max_work, uint64_t max_mem,
                      double timeout) {
  b->max_work = max_work;
  b->used = 0;
  b->max_mem = max_mem;
  b->timeout = timeout > 0 ? timeout : 0;
  b->deadline = b->timeout > 0 ? now() + b->timeout : 0;
  b->failed = 0;
  b->next_clock = next_stop(b);
}

static int fail_work (cp_budget *b, cp_err *err) {
  b->failed = 1;
  return cp_err_set(err, CP_ELIMIT,
    "work limit reached: more than %llu units of work (positions "
    "visited, pattern states, lexicon entries); raise it with "
    "{max_work = ...} or narrow the query",
    (unsigned long long)b->max_work);
}

static int fail_time (cp_budget *b, cp_err *err) {
  b->failed = 2;
  return cp_err_set(err, CP_ELIMIT,
    "time limit reached: more than %g s; raise it with {timeout = ...}",
    b->timeout);
}

int cp_budget_check_ (cp_budget *b, cp_err *err) {
  if (b->failed == 2) return fail_time(b, err);
  if (b->failed == 3)
    return cp_err_set(err, CP_ELIMIT, "memory limit reached; raise it "
                      "with {max_mem = bytes} or narrow the request");
  if (b->failed || (b->max_work && b->used > b->max_work))
    return fail_work(b, err);
  if (b->timeout > 0 && now() > b->deadline) return fail_time(b, err);
  b->next_clock = next_stop(b);
  return CP_OK;
}

int cp_budget_mem (cp_budget *b, uint64_t bytes, const char *what,
                   cp_err *err) {
  if (b == NULL || b->max_mem == 0 || bytes <= b->max_mem) return CP_OK;
  b->failed = 3;
  return cp_err_set(err, CP_ELIMIT,
    "memory limit reached: %s needs %llu MB, more than %llu MB; raise it "
    "with {max_mem = bytes} or narrow the request",
    what, (unsigned long long)(bytes >> 20),
    (unsigned long long)(b->max_mem >> 20));
}

int cp_budget_fits (const cp_budget *b, uint64_t bytes) {
  return b == NULL || b->max_mem == 0 || bytes <= b->max_mem;
}

uint64_t cp_budget_left (const cp_budget *b) {
  if (b == NULL || b->max_work == 0) return UINT64_MAX;
  return b->used >= b->max_work ? 0 : b->max_work - b->used;
}
