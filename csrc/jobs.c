/*
** jobs.c -- a few threads taking independent jobs from one list.
**
** The list is handed out by a counter under a mutex: jobs are few and
** big (whole sections, ranges of millions of values), so the lock is
** taken a handful of times.  Taking jobs in turn rather than a fixed
** share per thread balances jobs of unequal sizes.
*/
#include <pthread.h>
#include <string.h>
#include <unistd.h>

#include "jobs.h"

typedef struct runner {
  cp_job *jobs;
  size_t n, next;
  pthread_mutex_t mu;
} runner;

static void *take_jobs (void *arg) {
  runner *r = (runner *)arg;
  for (;;) {
    size_t i;
    pthread_mutex_lock(&r->mu);
    i = r->next < r->n ? r->next++ : r->n;
    pthread_mutex_unlock(&r->mu);
    if (i == r->n) return NULL;
    r->jobs[i].err.code = CP_OK;
    r->jobs[i].err.msg[0] = '\0';
    r->jobs[i].rc = r->jobs[i].fn(&r->jobs[i], &r->jobs[i].err);
  }
}

unsigned cp_jobs_threads (void) {
  long n = sysconf(_SC_NPROCESSORS_ONLN);
  if (n < 1) return 1;
  return n > CP_JOBS_MAXTHREADS ? CP_JOBS_MAXTHREADS : (unsigned)n;
}

int cp_jobs_run (cp_job *jobs, size_t n, unsigned nthreads, cp_err *err) {
  pthread_t th[CP_JOBS_MAXTHREADS];
  runner r;
  unsigned started = 0, k;
  size_t i;
  if ((jobs == NULL && n > 0) || nthreads == 0)
    return cp_err_set(err, CP_EINVAL, "cp_jobs_run: bad arguments");
  for (i = 0; i < n; i++)
    if (jobs[i].fn == NULL)
      return cp_err_set(err, CP_EINVAL, "cp_jobs_run: job %zu has no work", i);
  if (nthreads > CP_JOBS_MAXTHREADS) nthreads = CP_JOBS_MAXTHREADS;
  if ((size_t)nthreads > n) nthreads = n > 0 ? (unsigned)n : 1;
  r.jobs = jobs;
  r.n = n;
  r.next = 0;
  if (pthread_mutex_init(&r.mu, NULL) != 0) {   /* all of them here */
    for (i = 0; i < n; i++) {
      jobs[i].err.code = CP_OK;
      jobs[i].err.msg[0] = '\0';
      jobs[i].rc = jobs[i].fn(&jobs[i], &jobs[i].err);
    }
  }
  else {
    for (k = 1; k < nthreads; k++, started++)
      if (pthread_create(&th[started], NULL, take_jobs, &r) != 0) break;
    take_jobs(&r);
    for (k = 0; k < started; k++) pthread_join(th[k], NULL);
    pthread_mutex_destroy(&r.mu);
  }
  for (i = 0; i < n; i++)
    if (jobs[i].rc != CP_OK) {
      if (err != NULL) *err = jobs[i].err;
      return jobs[i].rc;
    }
  return CP_OK;
}
