/*
** fts5_raw.c -- SQLite FTS5 tokenizing the raw text itself, the oracle
** of the compounds-and-diacritics specs (docs/QUERY.md "Compounds and
** diacritics").
**
**   fts5_raw DOCS QUERIES
**
** DOCS has one document per line (its text with line breaks turned into
** spaces); QUERIES one FTS5 MATCH expression per line.  The table uses
** tokenize = 'unicode61 remove_diacritics 2'.  For each query it prints
**   Q <n> <number of matching documents>
** or "E <message>" for a query FTS5 rejects.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sqlite3.h>

static char *read_line (FILE *f) {
  size_t cap = 0;
  char *line = NULL;
  ssize_t n = getline(&line, &cap, f);
  if (n < 0) { free(line); return NULL; }
  while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r')) line[--n] = 0;
  return line;
}

int main (int argc, char **argv) {
  sqlite3 *db;
  sqlite3_stmt *ins, *q;
  FILE *f;
  char *line;
  long row = 0, qn = 0;
  if (argc != 3) { fprintf(stderr, "usage: %s DOCS QUERIES\n", argv[0]); return 2; }
  if (sqlite3_open(":memory:", &db) != SQLITE_OK) return 1;
  if (sqlite3_exec(db, "CREATE VIRTUAL TABLE t USING fts5(x, tokenize = "
                   "'unicode61 remove_diacritics 2'); BEGIN",
                   0, 0, 0) != SQLITE_OK) {
    fprintf(stderr, "%s\n", sqlite3_errmsg(db)); return 1;
  }
  if ((f = fopen(argv[1], "r")) == NULL) { perror(argv[1]); return 1; }
  sqlite3_prepare_v2(db, "INSERT INTO t(rowid, x) VALUES (?1, ?2)", -1, &ins, 0);
  while ((line = read_line(f)) != NULL) {
    sqlite3_bind_int64(ins, 1, ++row);
    sqlite3_bind_text(ins, 2, line, -1, SQLITE_TRANSIENT);
    if (sqlite3_step(ins) != SQLITE_DONE) {
      fprintf(stderr, "%s\n", sqlite3_errmsg(db)); return 1;
    }
    sqlite3_reset(ins);
    free(line);
  }
  fclose(f);
  sqlite3_finalize(ins);
  sqlite3_exec(db, "COMMIT", 0, 0, 0);
  if ((f = fopen(argv[2], "r")) == NULL) { perror(argv[2]); return 1; }
  sqlite3_prepare_v2(db, "SELECT count(*) FROM t WHERE t MATCH ?1", -1, &q, 0);
  while ((line = read_line(f)) != NULL) {
    int rc;
    ++qn;
    sqlite3_bind_text(q, 1, line, -1, SQLITE_TRANSIENT);
    rc = sqlite3_step(q);
    if (rc == SQLITE_ROW) printf("Q %ld %lld\n", qn, sqlite3_column_int64(q, 0));
    else printf("E %s\n", sqlite3_errmsg(db));
    sqlite3_reset(q);
    free(line);
  }
  fclose(f);
  sqlite3_finalize(q);
  sqlite3_close(db);
  return 0;
}
