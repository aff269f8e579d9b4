/*
** memmerge_test.c -- in-memory merging (corpus.c automerge): small
** runs merged in the read that seals, larger ones on a worker thread
** while adds and reads go on.  Whatever the worker's timing, every read
** answers what an unmerged corpus would: counts, document numbers and
** ids, deletions (a delete in a run being merged cancels its swap), and
** the corpus can be freed, truncated or switched to no merging while a
** merge runs, and this thread reads stored text from the segments being
** merged.  Also built with -fsanitize=thread (make tsan).
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "corpus.h"
#include "exec.h"
#include "plan.h"
#include "seg.h"
#include "tap.h"

static uint64_t count (cp_corpus *c, const char *w, int docs) {
  cp_plan *p = cp_plan_new();
  cp_err e;
  uint64_t n = UINT64_MAX;
  if (p == NULL) return n;
  cp_plan_set_root(p, cp_plan_lex(p, CP_P_TERM, CP_NORM, w, strlen(w)));
  if (cp_exec_countq(c, NULL, p, NULL, docs ? CP_COUNT_DOCS : CP_COUNT_HITS,
                     &n, &e) != CP_OK)
    n = UINT64_MAX;
  cp_plan_free(p);
  return n;
}

static int add (cp_corpus *c, size_t i) {
  char id[32], text[96];
  cp_docin d;
  cp_err e;
  memset(&d, 0, sizeof(d));
  snprintf(id, sizeof(id), "d%zu", i);
  snprintf(text, sizeof(text), "document %zu says hello%s", i,
           i % 3 == 0 ? " and three" : "");
  d.id = id;  d.idlen = strlen(id);
  d.text = text;  d.textlen = strlen(text);
  return cp_corpus_add(c, &d, 1, &e) == CP_OK;
}

int main (void) {
  cp_err e;
  cp_corpus *c = cp_corpus_new(NULL, &e);
  size_t i, N = 6000, bad = 0, badid = 0, badtext = 0, maxsegs = 0;
  uint64_t del = 0;
  cp_stats st;
  TAP_OK(c != NULL, "a corpus");
  if (c == NULL) return tap_done();
  for (i = 1; i <= N; i++) {
    uint64_t want = i - del;
    if (!add(c, i)) { bad++; break; }
    if (count(c, "hello", 0) != want || count(c, "hello", 1) != want ||
        count(c, "three", 0) != i / 3 - del)
      bad++;
    if (i == 3000) {   /* document 3000 ("three" too), in a run being merged or not */
      if (cp_corpus_delete(c, 2999, &e) != CP_OK) bad++;
      del = 1;
    }
    if (i % 97 == 0) {
      size_t k = 1 + (i * 7919) % i;
      uint64_t doc;
      char id[32];
      snprintf(id, sizeof(id), "d%zu", k);
      if (k != 3000 && (cp_corpus_find(c, id, strlen(id), &doc) != CP_OK ||
                        doc != k - 1))
        badid++;
    }
    if (i % 11 == 0) {
      /* the stored text of the first document of every segment, some of
      ** them in a run the worker is merging: this thread's reads record
      ** lazy checks and cache decompressed text in its cp_seg objects,
      ** which the worker must not share (it opens its own) */
      size_t si;
      for (si = 0; si < cp_corpus_nsegs(c); si++) {
        const cp_seg *s = cp_corpus_seg(c, si);
        cp_docinfo di;
        char pre[32];
        size_t d0 = (size_t)cp_corpus_doc_base(c, si) + 1;
        snprintf(pre, sizeof(pre), "document %zu says", d0);
        if (cp_seg_doc(s, 0, &di) != CP_OK || di.text == NULL ||
            di.textlen < strlen(pre) ||
            memcmp(di.text, pre, strlen(pre)) != 0)
          badtext++;
      }
    }
    if (cp_corpus_nsegs(c) > maxsegs) maxsegs = cp_corpus_nsegs(c);
  }
  TAP_OK(bad == 0, "%zu single adds, each followed by reads: every count "
         "is exact (%zu wrong)", N, bad);
  TAP_OK(badid == 0, "document numbers of sampled ids never change (%zu "
         "wrong)", badid);
  TAP_OK(badtext == 0, "stored text read meanwhile from every segment "
         "(%zu wrong)", badtext);
  TAP_OK(cp_corpus_stats(c, &st, &e) == CP_OK && st.docs == N - 1,
         "stats: %llu live documents", (unsigned long long)st.docs);
  TAP_OK(maxsegs <= 8 * 8, "at most %zu segments at any time", maxsegs);
  /* switching merging off, truncating and freeing while a merge may run */
  for (i = N + 1; i <= N + 700; i++) { add(c, i); count(c, "hello", 0); }
  cp_corpus_set_automerge(c, 0);
  TAP_OK(count(c, "hello", 0) == N + 700 - 1, "switching merging off keeps "
         "every document");
  cp_corpus_set_automerge(c, 1);
  for (i = N + 701; i <= N + 1400; i++) { add(c, i); count(c, "hello", 0); }
  cp_corpus_truncate(c, 1, 0);
  TAP_OK(cp_corpus_nsegs(c) == 1 && count(c, "hello", 0) ==
         cp_seg_ndocs(cp_corpus_seg(c, 0)) - (cp_corpus_ndeleted(c) ? 1 : 0),
         "truncating while a merge may run leaves the first segment");
  for (i = 1; i <= 600; i++) { add(c, 100000 + i); count(c, "hello", 0); }
  cp_corpus_free(c);
  TAP_OK(1, "freed while a merge may run");
  return tap_done();
}
