/*
** cursor.h -- streaming execution of a query plan: its matches a slice
** of documents at a time, in the order cp_exec gives them.
**
** cp_exec builds every match before returning; a cursor evaluates the
** plan over a run of documents of one segment at a time (cp_eval_seg
** takes a document range) and hands out that run's matches.  The first
** run is small, so the first match comes in about the time of a count,
** and runs grow up to a token budget, so memory is bounded by the
** matches of one run (or of one document, when a document alone is over
** the budget) whatever the total.
**
** A cursor reads the segments present when it was made; documents added
** later are not seen, documents deleted later vanish as in any read.  A
** segment replaced under it (a merge, a refresh) fails the next call
** with CP_EINVAL.  The corpus, the cache and the plan must outlive the
** cursor; cp_cursor_free touches none of them.
*/
#ifndef CP_CURSOR_H
#define CP_CURSOR_H

#include "cp.h"
#include "corpus.h"
#include "exec.h"

typedef struct cp_cursor cp_cursor;

/* a cursor over the matches of 'p'; NULL with 'err' set on a bad plan,
** a failed flush or out of memory.  'qc' and 'lim' may be NULL. */
cp_cursor *cp_cursor_new (cp_corpus *c, cp_qcache *qc, const cp_plan *p,
                          const cp_limits *lim, cp_err *err);

/*
** Replace the contents of 'out' by the next matches (out->n = 0 first):
** CP_OK with out->n > 0, or CP_OK with out->n == 0 when there are no
** more.  More than lim->max_matches matches in all gives CP_ELIMIT when
** the cursor reaches them.
*/
int cp_cursor_next (cp_cursor *cur, cp_matches *out, cp_err *err);

void cp_cursor_free (cp_cursor *cur);

#endif
