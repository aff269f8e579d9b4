/*
** jobs_test.c -- the seal's job runner (jobs.c): every job runs once
** whatever the number of threads, each writes only its own output, and
** the error returned is the first failed job's in list order, however
** the threads finished.  Run under ThreadSanitizer by `make tsan`.
*/
#include <string.h>

#include "jobs.h"
#include "tap.h"

#define NJOBS 200

typedef struct shared {
  unsigned long out[NJOBS];   /* job i writes out[i] only */
  int fail_a, fail_b;         /* jobs that fail (-1: none) */
} shared;

static int work (cp_job *j, cp_err *err) {
  shared *s = (shared *)j->ctx;
  unsigned long x = 0, k;
  for (k = 0; k < 2000 + 50 * (j->arg % 7); k++) x = x * 31 + k + j->arg;
  s->out[j->arg] += x | 1;    /* += : a job run twice would show */
  if ((int)j->arg == s->fail_a || (int)j->arg == s->fail_b)
    return cp_err_set(err, CP_ELIMIT, "job %zu failed", j->arg);
  return CP_OK;
}

static unsigned long expect (size_t i) {
  unsigned long x = 0, k;
  for (k = 0; k < 2000 + 50 * (i % 7); k++) x = x * 31 + k + i;
  return x | 1;
}

static void run (unsigned threads) {
  static shared s;
  cp_job job[NJOBS];
  cp_err e;
  size_t i;
  int rc, same = 1;
  memset(&s, 0, sizeof(s));
  s.fail_a = s.fail_b = -1;
  for (i = 0; i < NJOBS; i++) { job[i].fn = work;  job[i].ctx = &s;  job[i].arg = i; }
  rc = cp_jobs_run(job, NJOBS, threads, &e);
  for (i = 0; i < NJOBS; i++) same &= s.out[i] == expect(i);
  TAP_OK(rc == CP_OK && same, "%u threads: each of %d jobs ran once", threads, NJOBS);
  memset(&s, 0, sizeof(s));
  s.fail_a = 150;  s.fail_b = 37;
  rc = cp_jobs_run(job, NJOBS, threads, &e);
  TAP_OK(rc == CP_ELIMIT && strcmp(e.msg, "job 37 failed") == 0 && job[150].rc == CP_ELIMIT,
         "%u threads: the first failed job in list order is reported (%s)", threads, e.msg);
  for (i = 0, same = 1; i < NJOBS; i++) same &= s.out[i] == expect(i);
  TAP_OK(same, "%u threads: a failure does not stop the other jobs", threads);
}

int main (void) {
  cp_job one;
  cp_err e;
  run(1);
  run(2);
  run(CP_JOBS_MAXTHREADS + 3);   /* capped */
  TAP_OK(cp_jobs_run(NULL, 0, 2, &e) == CP_OK, "no jobs: nothing to do");
  TAP_OK(cp_jobs_run(NULL, 3, 2, &e) == CP_EINVAL, "a NULL list of jobs is refused");
  one.fn = NULL;  one.ctx = NULL;  one.arg = 0;
  TAP_OK(cp_jobs_run(&one, 1, 2, &e) == CP_EINVAL, "a job without work is refused");
  TAP_OK(cp_jobs_run(&one, 1, 0, &e) == CP_EINVAL, "zero threads are refused");
  TAP_OK(cp_jobs_threads() >= 1 && cp_jobs_threads() <= CP_JOBS_MAXTHREADS,
         "threads to use: %u", cp_jobs_threads());
  return tap_done();
}
