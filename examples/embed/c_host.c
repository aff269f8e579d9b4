/*
** c_host.c -- a C program using libcorpus without Lua: index the *.txt
** files of a directory, count a phrase, print KWIC lines of a word (what
** examples/seeds.lua prints); then, given a JSON Lines file, rank its
** documents for a query with BM25 (top 3) and list the documents most
** like the first (what examples/embed/search.lua prints).
**
**   cc c_host.c $(pkg-config --cflags --libs corpus) -o c_host
**   ./c_host ../shared/corpora/seeds [examples/sample.jsonl]
*/
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <corpus.h>

static int die (const char *what, const corpus_error *e) {
  fprintf(stderr, "c_host: %s: %s (%s)\n", what, e->msg, corpus_code_name(e->code));
  return 1;
}

static int by_name (const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

/* the *.txt files of dir, sorted (c:add_dir's order); NULL-terminated */
static char **txt_files (const char *dir, size_t *n) {
  DIR *d = opendir(dir);
  struct dirent *de;
  char **v = NULL;
  size_t cap = 0;
  *n = 0;
  if (d == NULL) return NULL;
  while ((de = readdir(d)) != NULL) {
    size_t l = strlen(de->d_name);
    char *path;
    if (l < 5 || strcmp(de->d_name + l - 4, ".txt") != 0) continue;
    if (*n + 2 > cap) {
      char **nv = realloc(v, (cap = cap ? cap * 2 : 16) * sizeof(char *));
      if (nv == NULL) break;
      v = nv;
    }
    if ((path = malloc(strlen(dir) + l + 2)) == NULL) break;
    sprintf(path, "%s/%s", dir, de->d_name);
    v[(*n)++] = path;
  }
  closedir(d);
  if (v != NULL) {
    qsort(v, *n, sizeof(char *), by_name);
    v[*n] = NULL;
  }
  return v;
}

static void print_hits (corpus *c, const corpus_hit *h, size_t n) {
  size_t i;
  for (i = 0; i < n; i++) {
    const char *id;
    size_t idlen;
    corpus_error e;
    if (corpus_doc(c, h[i].doc, NULL, NULL, &id, &idlen, &e) != CORPUS_OK) continue;
    printf("%.*s\t%.6f\n", (int)idlen, id, h[i].score);
  }
}

/* BM25 top-k of "nitrate OR dam OR sirens", then c:similar of doc 0 */
static int ranked (const char *file) {
  static const char *const words[] = {"nitrate", "dam", "sirens"};
  corpus_error e;
  corpus *c;
  corpus_query *q;
  corpus_node *any;
  corpus_hit hits[3];
  const char *id;
  size_t added, n, i, idlen;
  uint64_t total;
  if ((c = corpus_new(NULL, &e)) == NULL) return die("corpus_new", &e);
  if (corpus_add_jsonl(c, file, &added, &e) != CORPUS_OK) return die(file, &e);
  printf("%zu documents from %s\n", added, file);
  q = corpus_query_new();
  any = corpus_q_list(q, CORPUS_Q_OR);
  for (i = 0; i < 3; i++)
    corpus_q_add(q, any, corpus_q_words(q, c, CORPUS_NORM, words[i], strlen(words[i])));
  corpus_q_root(q, any);
  if (corpus_search(c, q, 3, hits, &n, &total, &e) != CORPUS_OK) return die("corpus_search", &e);
  printf("search nitrate OR dam OR sirens: %llu documents, best 3:\n", (unsigned long long)total);
  print_hits(c, hits, n);
  corpus_query_free(q);
  if (corpus_doc(c, 0, NULL, NULL, &id, &idlen, &e) != CORPUS_OK) return die("corpus_doc", &e);
  printf("similar to %.*s:\n", (int)idlen, id);
  if (corpus_similar(c, 0, CORPUS_NORM, 3, hits, &n, &e) != CORPUS_OK)
    return die("corpus_similar", &e);
  print_hits(c, hits, n);
  corpus_close(c);
  return 0;
}

int main (int argc, char **argv) {
  const char *dir = argc > 1 ? argv[1] : "../shared/corpora/seeds";
  const char *phrase = "foreign terrorist fighters";
  corpus_error e;
  corpus *c;
  corpus_query *q;
  corpus_cursor *cur;
  corpus_match m;
  char **files;
  size_t n, i;
  uint64_t count;
  int rc;
  if ((c = corpus_new(NULL, &e)) == NULL) return die("corpus_new", &e);
  if ((files = txt_files(dir, &n)) == NULL || n == 0) {
    fprintf(stderr, "c_host: no .txt files in %s\n", dir);
    return 1;
  }
  for (i = 0; i < n; i++) {
    if (corpus_add_file(c, files[i], &e) != CORPUS_OK) return die(files[i], &e);
    free(files[i]);
  }
  free(files);
  if (corpus_commit(c, &e) != CORPUS_OK) return die("corpus_commit", &e);
  printf("%zu documents from %s\n", n, dir);

  /* "foreign terrorist fighters": the words as the corpus cuts them */
  q = corpus_query_new();
  corpus_q_root(q, corpus_q_words(q, c, CORPUS_NORM, phrase, strlen(phrase)));
  if (corpus_count(c, q, 0, &count, &e) != CORPUS_OK) return die("corpus_count", &e);
  printf("\"%s\":\t%llu\n", phrase, (unsigned long long)count);
  corpus_query_free(q);

  /* KWIC lines of Al-Hol, 6 words each side */
  q = corpus_query_new();
  corpus_q_root(q, corpus_q_words(q, c, CORPUS_NORM, "Al-Hol", 6));
  if ((cur = corpus_matches(c, q, &e)) == NULL) return die("corpus_matches", &e);
  while ((rc = corpus_next(cur, &m, &e)) == CORPUS_ROW) {
    corpus_kwic_line k;
    if (corpus_kwic(c, &m, 6, &k, &e) != CORPUS_OK) return die("corpus_kwic", &e);
    printf("%.*s\t[%.*s]\t%.*s\n", (int)k.leftlen, k.left, (int)k.matchlen, k.match,
           (int)k.rightlen, k.right);
  }
  if (rc != CORPUS_DONE) return die("corpus_next", &e);
  corpus_cursor_free(cur);
  corpus_query_free(q);
  corpus_close(c);
  return argc > 2 ? ranked(argv[2]) : 0;
}
