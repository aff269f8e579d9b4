/*
** fts5_oracle.c -- the external oracle of the query specs: SQLite FTS5
** run over the same token streams the corpus produced, or (--raw) over
** the raw text with FTS5's own tokenizer.
**
**   fts5_oracle DOCS QUERIES
**   fts5_oracle --raw DOCS QUERIES
**
** DOCS has one document per line: its tokens (the project's own
** tokenization, each token hex-encoded so FTS5's ascii tokenizer sees
** exactly one token per corpus token) separated by spaces; the line
** number is the rowid.  QUERIES has one FTS5 MATCH expression per line.
** For each query it prints
**   Q <n>
**   <rowid> <instances>      for every matching row, by rowid
**   R <rowid> <-bm25>        the top 10 by bm25(), best first
** "instances" is FTS5's xInstCount: the phrase instances of the query in
** the row (after NEAR filtering), the oracle of per-document counts.
**
** With --raw (the oracle of the compounds-and-diacritics specs,
** docs/QUERY.md "Compounds and diacritics"), DOCS has one document per
** line as text (line breaks turned into spaces), tokenized by
** 'unicode61 remove_diacritics 2', and each query prints
**   Q <n> <number of matching documents>
** or "E <message>" for a query FTS5 rejects.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sqlite3.h>

static void instcount (const Fts5ExtensionApi *api, Fts5Context *fts,
                       sqlite3_context *ctx, int nval, sqlite3_value **val) {
  int n = 0;
  (void)nval; (void)val;
  if (api->xInstCount(fts, &n) != SQLITE_OK) {
    sqlite3_result_error(ctx, "xInstCount failed", -1);
    return;
  }
  sqlite3_result_int(ctx, n);
}

static fts5_api *get_api (sqlite3 *db) {
  fts5_api *api = NULL;
  sqlite3_stmt *st;
  if (sqlite3_prepare_v2(db, "SELECT fts5(?1)", -1, &st, 0) != SQLITE_OK)
    return NULL;
  sqlite3_bind_pointer(st, 1, (void *)&api, "fts5_api_ptr", NULL);
  sqlite3_step(st);
  sqlite3_finalize(st);
  return api;
}

static char *read_line (FILE *f) {
  size_t cap = 0;
  char *line = NULL;
  ssize_t n = getline(&line, &cap, f);
  if (n < 0) { free(line); return NULL; }
  while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r')) line[--n] = 0;
  return line;
}

/* one row per line of path, the line number its rowid */
static int load (sqlite3 *db, const char *path) {
  sqlite3_stmt *ins;
  FILE *f;
  char *line;
  long row = 0;
  if ((f = fopen(path, "r")) == NULL) { perror(path); return 1; }
  sqlite3_prepare_v2(db, "INSERT INTO t(rowid, x) VALUES (?1, ?2)", -1, &ins, 0);
  while ((line = read_line(f)) != NULL) {
    sqlite3_bind_int64(ins, 1, ++row);
    sqlite3_bind_text(ins, 2, line, -1, SQLITE_TRANSIENT);
    free(line);
    if (sqlite3_step(ins) != SQLITE_DONE) {
      fprintf(stderr, "%s\n", sqlite3_errmsg(db));
      fclose(f);
      return 1;
    }
    sqlite3_reset(ins);
  }
  fclose(f);
  sqlite3_finalize(ins);
  return 0;
}

/* --raw: the number of matching documents per query */
static void count_queries (sqlite3 *db, FILE *f) {
  sqlite3_stmt *q;
  char *line;
  long qn = 0;
  sqlite3_prepare_v2(db, "SELECT count(*) FROM t WHERE t MATCH ?1", -1, &q, 0);
  while ((line = read_line(f)) != NULL) {
    ++qn;
    sqlite3_bind_text(q, 1, line, -1, SQLITE_TRANSIENT);
    if (sqlite3_step(q) == SQLITE_ROW)
      printf("Q %ld %lld\n", qn, sqlite3_column_int64(q, 0));
    else printf("E %s\n", sqlite3_errmsg(db));
    sqlite3_reset(q);
    free(line);
  }
  sqlite3_finalize(q);
}

/* token streams: every matching row with its instances, and the top 10 */
static void row_queries (sqlite3 *db, FILE *f) {
  sqlite3_stmt *q, *r;
  char *line;
  long qn = 0;
  sqlite3_prepare_v2(db, "SELECT rowid, instcount(t) FROM t WHERE t MATCH ?1 "
                     "ORDER BY rowid", -1, &q, 0);
  sqlite3_prepare_v2(db, "SELECT rowid, -bm25(t) FROM t WHERE t MATCH ?1 "
                     "ORDER BY bm25(t), rowid LIMIT 10", -1, &r, 0);
  while ((line = read_line(f)) != NULL) {
    int rc;
    printf("Q %ld\n", ++qn);
    sqlite3_bind_text(q, 1, line, -1, SQLITE_TRANSIENT);
    while ((rc = sqlite3_step(q)) == SQLITE_ROW)
      printf("%lld %d\n", sqlite3_column_int64(q, 0), sqlite3_column_int(q, 1));
    if (rc != SQLITE_DONE) printf("E %s\n", sqlite3_errmsg(db));
    sqlite3_reset(q);
    sqlite3_bind_text(r, 1, line, -1, SQLITE_TRANSIENT);
    while ((rc = sqlite3_step(r)) == SQLITE_ROW)
      printf("R %lld %.17g\n", sqlite3_column_int64(r, 0), sqlite3_column_double(r, 1));
    sqlite3_reset(r);
    free(line);
  }
  sqlite3_finalize(q);
  sqlite3_finalize(r);
}

int main (int argc, char **argv) {
  sqlite3 *db;
  fts5_api *api;
  FILE *f;
  int raw = argc == 4 && strcmp(argv[1], "--raw") == 0;
  if (argc != 3 && !raw) {
    fprintf(stderr, "usage: %s [--raw] DOCS QUERIES\n", argv[0]);
    return 2;
  }
  argv += raw;
  if (sqlite3_open(":memory:", &db) != SQLITE_OK) return 1;
  if (sqlite3_exec(db, raw ? "CREATE VIRTUAL TABLE t USING fts5(x, tokenize = "
                             "'unicode61 remove_diacritics 2'); BEGIN"
                           : "CREATE VIRTUAL TABLE t USING fts5(x, tokenize = 'ascii');"
                             "BEGIN", 0, 0, 0) != SQLITE_OK) {
    fprintf(stderr, "%s\n", sqlite3_errmsg(db)); return 1;
  }
  if (!raw && ((api = get_api(db)) == NULL ||
      api->xCreateFunction(api, "instcount", NULL, instcount, NULL) != SQLITE_OK)) {
    fprintf(stderr, "no fts5 api\n"); return 1;
  }
  if (load(db, argv[1]) != 0) return 1;
  sqlite3_exec(db, "COMMIT", 0, 0, 0);
  if ((f = fopen(argv[2], "r")) == NULL) { perror(argv[2]); return 1; }
  if (raw) count_queries(db, f); else row_queries(db, f);
  fclose(f);
  sqlite3_close(db);
  return 0;
}
