/*
** cursor.c -- streaming execution of a plan (cursor.h): runs of
** documents of one segment evaluated by cp_eval_seg and emitted by
** cp_emit, the same two steps cp_execq takes per whole segment.
*/
#include <stdlib.h>
#include <string.h>

#include "cursor.h"
#include "xint.h"
#include "xeval.h"   /* cp_x_check_args, cp_x_limits */

/* token budget of the first run (small: the first match comes fast)
** and of the largest (bounds the memory of one run's results) */
#define FIRST_BUDGET 4096u
#define MAX_BUDGET (1u << 20)

struct cp_cursor {
  cp_corpus *c;
  cp_qcache *qc;
  const cp_plan *p;
  cp_limits lim;
  size_t nsegs;              /* segments at creation: the ones read */
  size_t segi;               /* current segment */
  const cp_seg *seg;         /* it, to notice a replaced segment */
  uint32_t doc;              /* next local document of segi */
  uint32_t budget;           /* tokens per run, doubling to MAX_BUDGET */
  uint64_t emitted;          /* matches handed out, for max_matches */
  int done;
};

cp_cursor *cp_cursor_new (cp_corpus *c, cp_qcache *qc, const cp_plan *p,
                          const cp_limits *lim, cp_err *err) {
  cp_cursor *cur;
  if (cp_x_check_args(c, p, err) != CP_OK) return NULL;
  if ((cur = (cp_cursor *)calloc(1, sizeof(*cur))) == NULL) {
    cp_err_set(err, CP_ENOMEM, "out of memory");
    return NULL;
  }
  cur->c = c;
  cur->qc = qc;
  cur->p = p;
  cur->lim = *cp_x_limits(lim);
  cur->nsegs = cp_corpus_nsegs(c);
  cur->seg = cur->nsegs ? cp_corpus_seg(c, 0) : NULL;
  cur->budget = FIRST_BUDGET;
  return cur;
}

/* the end (exclusive) of the run of documents starting at cur->doc:
** at least one document, then more while under the token budget */
static uint32_t run_end (const cp_cursor *cur, uint32_t ndocs) {
  uint32_t d = cur->doc, first, st, cnt;
  if (cp_seg_doc_toks(cur->seg, d, &first, &cnt) != CP_OK) return d + 1;
  for (d++; d < ndocs; d++) {
    if (cp_seg_doc_toks(cur->seg, d, &st, &cnt) != CP_OK) break;
    if (st - first >= cur->budget) break;
  }
  return d;
}

int cp_cursor_next (cp_cursor *cur, cp_matches *out, cp_err *err) {
  if (cur == NULL || out == NULL)
    return cp_err_set(err, CP_EINVAL, "NULL cursor or output");
  out->n = 0;
  while (!cur->done && out->n == 0) {
    uint32_t ndocs, hi;
    cp_res r;
    int rc;
    if (cur->segi >= cur->nsegs) { cur->done = 1; break; }
    if (cp_corpus_nsegs(cur->c) < cur->nsegs ||
        cp_corpus_seg(cur->c, cur->segi) != cur->seg)
      return cp_err_set(err, CP_EINVAL,
                        "the corpus changed under an iteration of its matches");
    ndocs = cp_seg_ndocs(cur->seg);
    if (cur->doc >= ndocs) {
      cur->segi++;
      cur->doc = 0;
      cur->seg = cur->segi < cur->nsegs ? cp_corpus_seg(cur->c, cur->segi) : NULL;
      continue;
    }
    hi = run_end(cur, ndocs);
    memset(&r, 0, sizeof(r));
    rc = cp_eval_seg(cur->c, cur->qc, cur->segi, cur->p, &cur->lim, cur->doc,
                     hi, CP_NEED_ALL, NULL, 0, NULL, &r, err);
    if (rc == CP_OK) rc = cp_emit(cur->c, cur->segi, &r, 0, out, err);
    cp_res_free(&r);
    if (rc != CP_OK) return rc;
    cur->doc = hi;
    if (cur->budget < MAX_BUDGET) cur->budget *= 2;
  }
  if (cur->lim.max_matches && cur->emitted + out->n > cur->lim.max_matches)
    return cp_err_set(err, CP_ELIMIT,
      "query has more than %llu matches (raise the max_matches limit)",
      (unsigned long long)cur->lim.max_matches);
  cur->emitted += out->n;
  return CP_OK;
}

void cp_cursor_free (cp_cursor *cur) {
  free(cur);
}
