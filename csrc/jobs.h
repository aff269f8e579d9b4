/*
** jobs.h -- independent pieces of one step run on the machine's cores
** (jobs.c): the seal's "encode section k", "copy and hash section k".
**
** Each job writes only its own outputs, so the result does not depend
** on which thread ran which job or in what order; the error reported
** is the first failed job's in list order, whatever finished first.
*/
#ifndef CP_JOBS_H
#define CP_JOBS_H

#include <stddef.h>

#include "cp.h"

/* most threads one step uses (this one included) */
#define CP_JOBS_MAXTHREADS 4

typedef struct cp_job {
  int (*fn) (struct cp_job *j, cp_err *err);   /* the work: CP_OK or a code */
  void *ctx;              /* shared, read-only while the jobs run */
  size_t arg;             /* which piece: a section id, a range number */
  int rc;                 /* set by cp_jobs_run */
  cp_err err;
} cp_job;

/* threads worth using: the online processors, at most CP_JOBS_MAXTHREADS */
unsigned cp_jobs_threads (void);

/*
** Run jobs[0..n) once each on up to nthreads threads, this one among
** them; a thread takes the next job not yet taken, so list the biggest
** first.  A thread that cannot be started leaves its share to the
** others (with no mutex, this thread runs them all): only a job or bad
** arguments can fail it.  Returns CP_OK, or the code of the first
** failed job in list order with its message in *err.
*/
int cp_jobs_run (cp_job *jobs, size_t n, unsigned nthreads, cp_err *err);

#endif
