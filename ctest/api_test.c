/*
** api_test.c -- the public C API (include/corpus.h, csrc/api.c): argument
** checks, JSON Lines all-or-nothing, an on-disk index round trip, the
** query builder's sticky errors, streaming matches against a count, KWIC
** and search.  Values are those the Lua specs check on the same sample.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../include/corpus.h"
#include "tap.h"

static corpus_query *words (corpus *c, const char *s) {
  corpus_query *q = corpus_query_new();
  corpus_q_root(q, corpus_q_words(q, c, CORPUS_NORM, s, strlen(s)));
  return q;
}

static uint64_t count (corpus *c, const char *s, int docs) {
  corpus_query *q = words(c, s);
  corpus_error e;
  uint64_t n = 0;
  if (corpus_count(c, q, docs, &n, &e) != CORPUS_OK) n = (uint64_t)-1;
  corpus_query_free(q);
  return n;
}

int main (void) {
  corpus_error e;
  corpus *c, *d;
  corpus_query *q;
  corpus_cursor *cur;
  corpus_match m;
  corpus_kwic_line k;
  corpus_hit hits[3];
  corpus_stats st;
  size_t n = 0, rows = 0;
  uint64_t total = 0, cnt = 0;
  char dir[] = "/tmp/cp_api_test_XXXXXX", idx[64], bad[64];
  FILE *f;
  int rc;

  TAP_OK(strcmp(corpus_version(), CORPUS_VERSION) == 0, "library version is the header's");
  TAP_OK(corpus_new("klingon", &e) == NULL && e.code == CORPUS_ELANG, "unknown language: ELANG");
  TAP_OK(corpus_add_text(NULL, NULL, "x", 1, &e) == CORPUS_EINVAL, "NULL corpus: EINVAL");
  TAP_OK(corpus_open("/nonexistent/x", 0, &e) == NULL && e.code == CORPUS_ENOENT, "open of nothing: ENOENT");
  corpus_close(NULL);

  c = corpus_new(NULL, &e);
  TAP_OK(c != NULL, "corpus_new");
  TAP_OK(corpus_add_jsonl(c, "examples/sample.jsonl", &n, &e) == CORPUS_OK && n == 7,
         "add_jsonl adds the 7 sample documents");
  TAP_OK(count(c, "early warning system", 0) == 13, "13 matches of \"early warning system\"");
  /* terms find their variants as in the query language: nitrate-laden
  ** holds nitrate as a part (c:count("nitrate") is 6 too) */
  TAP_OK(count(c, "nitrate", 0) == 6, "6 matches of nitrate, nitrate-laden's included");
  TAP_OK(count(c, "nitrate-laden", 0) == 1, "a hyphenated word is a phrase of its tokens");
  TAP_OK(corpus_get_stats(c, &st, &e) == CORPUS_OK && st.docs == 7 && st.words > 0,
         "stats: 7 documents");

  /* streaming matches give as many rows as the count, KWIC of each */
  q = words(c, "nitrate");
  cur = corpus_matches(c, q, &e);
  while ((rc = corpus_next(cur, &m, &e)) == CORPUS_ROW) {
    if (corpus_kwic(c, &m, 3, &k, &e) != CORPUS_OK) break;
    if (rows == 0)
      TAP_OK(k.matchlen == 7 && memcmp(k.match, "nitrate", 7) == 0 &&
             k.idlen == 19 && memcmp(k.id, "02_joint_communique", 19) == 0 &&
             k.leftlen == 19 && memcmp(k.left, "committed to reduce", 19) == 0,
             "first KWIC line: committed to reduce [nitrate] in 02_joint_communique");
    rows++;
  }
  TAP_OK(rc == CORPUS_DONE && rows == 6, "6 rows then CORPUS_DONE");
  corpus_cursor_free(cur);
  TAP_OK(corpus_search(c, q, 3, hits, &n, &total, &e) == CORPUS_OK && n == 3 && total == 5 &&
         hits[0].score >= hits[1].score && hits[1].score >= hits[2].score,
         "search: 3 best of 5 documents, by score");
  corpus_query_free(q);

  /* the documents most like the first (c:similar's sort, in the core) */
  TAP_OK(corpus_ndocs(c, &cnt, &e) == CORPUS_OK && cnt == 7, "corpus_ndocs: 7 slots");
  TAP_OK(corpus_similar(c, 0, CORPUS_NORM, 3, hits, &n, &e) == CORPUS_OK && n == 3 &&
         hits[0].doc == 5 && hits[1].doc == 3 && hits[2].doc == 4 &&
         hits[0].score > hits[1].score && hits[1].score > hits[2].score &&
         hits[0].score > 0.2 && hits[0].score < 0.21,
         "similar to doc 0: 06_progress_report (0.203), 04, 05, itself left out");
  TAP_OK(corpus_similar(c, 0, CORPUS_NORM, 0, NULL, &n, &e) == CORPUS_OK && n == 0,
         "similar with limit 0 writes nothing");
  TAP_OK(corpus_similar(c, 99, CORPUS_NORM, 3, hits, &n, &e) == CORPUS_ENOENT,
         "similar to a document that does not exist: ENOENT");
  TAP_OK(corpus_similar(c, 0, 7, 3, hits, &n, &e) == CORPUS_EINVAL &&
         corpus_similar(c, 0, CORPUS_NORM, 3, NULL, &n, &e) == CORPUS_EINVAL &&
         corpus_ndocs(NULL, &cnt, &e) == CORPUS_EINVAL, "bad layer, NULL output: EINVAL");
  {
    /* "nitrate OR dam OR sirens": the BM25 top 3 c:search gives */
    static const char *const w[] = {"nitrate", "dam", "sirens"};
    corpus_node *any;
    size_t i;
    q = corpus_query_new();
    any = corpus_q_list(q, CORPUS_Q_OR);
    for (i = 0; i < 3; i++) corpus_q_add(q, any, corpus_q_words(q, c, CORPUS_NORM, w[i], strlen(w[i])));
    corpus_q_root(q, any);
    TAP_OK(corpus_search(c, q, 3, hits, &n, &total, &e) == CORPUS_OK && n == 3 && total == 6 &&
           hits[0].doc == 6 && hits[1].doc == 4 && hits[2].doc == 3,
           "search top 3 of 6: 07_news_brief, 05_news_delta, 04_us_statement");
    corpus_query_free(q);
  }
  q = words(c, "Al-Hol");
  TAP_OK(corpus_count(c, q, 0, &cnt, &e) == CORPUS_OK && cnt == 0,
         "a phrase of tokens through the core's splitter (no Al-Hol in the sample)");
  corpus_query_free(q);

  /* the builder's errors are sticky and reported by the run */
  q = corpus_query_new();
  corpus_q_root(q, corpus_q_not(q, corpus_q_lex(q, 99, CORPUS_NORM, "x", 1)));
  TAP_OK(corpus_count(c, q, 0, &cnt, &e) == CORPUS_EINVAL, "a bad node kind fails the run: EINVAL");
  corpus_query_free(q);
  q = corpus_query_new();
  corpus_q_root(q, corpus_q_lex(q, CORPUS_Q_REGEX, CORPUS_NORM, "(", 1));
  TAP_OK(corpus_count(c, q, 0, &cnt, &e) == CORPUS_ESYNTAX, "a bad regular expression: ESYNTAX");
  corpus_query_free(q);

  /* JSON Lines: a bad line adds nothing and names the line */
  /* per process: the suites of several interpreters run side by side */
  snprintf(bad, sizeof(bad), "/tmp/cp_api_test_bad_%ld.jsonl", (long)getpid());
  f = fopen(bad, "wb");
  fputs("{\"id\": \"z1\", \"text\": \"fine\"}\n\n{\"text\": 5}\n", f);
  fclose(f);
  TAP_OK(corpus_add_jsonl(c, bad, &n, &e) == CORPUS_ESYNTAX && n == 0 &&
         strstr(e.msg, ":3:") != NULL, "a bad JSON line: ESYNTAX naming line 3 (%s)", e.msg);
  TAP_OK(count(c, "fine", 0) == 0, "and nothing of the file was added");
  remove(bad);
  corpus_close(c);

  /* an on-disk index: create, add, commit, reopen read-only */
  if (mkdtemp(dir) == NULL) return 1;
  snprintf(idx, sizeof(idx), "%s/idx", dir);
  c = corpus_create(idx, "english", &e);
  TAP_OK(c != NULL, "corpus_create");
  TAP_OK(corpus_add_text(c, "a", "The river floods. The river rises.", 34, &e) == CORPUS_OK &&
         corpus_add_text(c, "a", "again", 5, &e) == CORPUS_EEXIST, "a duplicate id: EEXIST");
  d = corpus_open(idx, 0, &e);
  TAP_OK(d != NULL && count(d, "river", 0) == 0, "a reader does not see uncommitted documents");
  corpus_close(d);
  TAP_OK(corpus_commit(c, &e) == CORPUS_OK, "corpus_commit");
  corpus_close(c);
  d = corpus_open(idx, 0, &e);
  TAP_OK(d != NULL && count(d, "river", 0) == 2 && count(d, "river", 1) == 1,
         "reopened: 2 matches of river in 1 document");
  TAP_OK(corpus_add_text(d, NULL, "x", 1, &e) != CORPUS_OK, "a read-only index refuses adds");
  corpus_close(d);
  {
    char cmd[128];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
    if (system(cmd) != 0) return 1;
  }
  return tap_done();
}
