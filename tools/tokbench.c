/*
** tokbench.c -- tokenizer throughput on JSON-lines corpora.
**
**   cc -O2 -Icsrc tools/tokbench.c build/libcorpus.a -o build/tokbench
**   build/tokbench [-dump out.txt] file.jsonl...
**
** Reads the "text" field of every line (minimal JSON string decoding),
** then times cp_utf8_repair + cp_tok_run (corpus mode) and the strict
** mode over every document, and prints MB/s.  -dump writes the texts,
** one after the other, so that `wc -w` can be timed on the same bytes.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tok.h"

typedef struct { char *s; size_t n, cap; } buf;

static void put (buf *b, const char *p, size_t n) {
  if (b->n + n + 1 > b->cap) {
    b->cap = (b->n + n + 1) * 2;
    b->s = realloc(b->s, b->cap);
    if (b->s == NULL) { fprintf(stderr, "out of memory\n"); exit(1); }
  }
  memcpy(b->s + b->n, p, n);
  b->n += n;
}

static void put_cp (buf *b, unsigned long c) {
  char o[4];
  size_t k;
  if (c < 0x80) { o[0] = (char)c; k = 1; }
  else if (c < 0x800) { o[0] = (char)(0xC0 | (c >> 6)); o[1] = (char)(0x80 | (c & 0x3F)); k = 2; }
  else if (c < 0x10000) {
    o[0] = (char)(0xE0 | (c >> 12)); o[1] = (char)(0x80 | ((c >> 6) & 0x3F));
    o[2] = (char)(0x80 | (c & 0x3F)); k = 3;
  }
  else {
    o[0] = (char)(0xF0 | (c >> 18)); o[1] = (char)(0x80 | ((c >> 12) & 0x3F));
    o[2] = (char)(0x80 | ((c >> 6) & 0x3F)); o[3] = (char)(0x80 | (c & 0x3F)); k = 4;
  }
  put(b, o, k);
}

/* decode the JSON string starting after the opening quote at p */
static const char *jstring (const char *p, buf *b) {
  while (*p && *p != '"') {
    if (*p != '\\') { const char *q = p; while (*q && *q != '"' && *q != '\\') q++; put(b, p, (size_t)(q - p)); p = q; continue; }
    p++;
    switch (*p) {
      case 'n': put(b, "\n", 1); break;
      case 't': put(b, "\t", 1); break;
      case 'r': put(b, "\r", 1); break;
      case 'b': put(b, "\b", 1); break;
      case 'f': put(b, "\f", 1); break;
      case 'u': {
        unsigned long c = strtoul((char[5]){p[1], p[2], p[3], p[4], 0}, NULL, 16);
        p += 4;
        if (c >= 0xD800 && c < 0xDC00 && p[1] == '\\' && p[2] == 'u') {
          unsigned long d = strtoul((char[5]){p[3], p[4], p[5], p[6], 0}, NULL, 16);
          c = 0x10000 + ((c - 0xD800) << 10) + (d - 0xDC00);
          p += 6;
        }
        put_cp(b, c);
        break;
      }
      default: put(b, p, 1);
    }
    p++;
  }
  return p;
}

static double now (void) {
  struct timespec ts;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);  /* CPU time: robust on a busy machine */
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

int main (int argc, char **argv) {
  buf all = {NULL, 0, 0};
  size_t *off = NULL, ndocs = 0, cap = 0, i, ntok = 0, nsent = 0, nstrict = 0;
  FILE *dump = NULL;
  int a;
  double t0, t1, t2;
  cp_tokvec tv = {NULL, 0, 0};
  cp_err err;
  for (a = 1; a < argc; a++) {
    FILE *f;
    char *line = NULL;
    size_t lcap = 0;
    if (strcmp(argv[a], "-dump") == 0 && a + 1 < argc) {
      dump = fopen(argv[++a], "wb");
      continue;
    }
    f = fopen(argv[a], "r");
    if (!f) { perror(argv[a]); return 1; }
    while (getline(&line, &lcap, f) > 0) {
      const char *p = strstr(line, "\"text\": \"");
      if (!p) continue;
      if (ndocs + 1 >= cap) { cap = cap ? cap * 2 : 1024; off = realloc(off, cap * sizeof(size_t)); }
      off[ndocs++] = all.n;
      jstring(p + 9, &all);
    }
    free(line);
    fclose(f);
  }
  if (ndocs == 0) { fprintf(stderr, "usage: tokbench [-dump f] file.jsonl...\n"); return 1; }
  off[ndocs] = all.n;
  if (dump) { fwrite(all.s, 1, all.n, dump); fclose(dump); }
  t0 = now();
  for (i = 0; i < ndocs; i++) {
    const char *s = all.s + off[i];
    size_t n = off[i + 1] - off[i], j, rl, bad;
    char *rep;
    if (cp_utf8_repair(s, n, &rep, &rl, &bad, &err) != CP_OK) return 1;
    if (rep) { s = rep; n = rl; }
    if (cp_tok_run(s, n, CP_TOK_CORPUS, &tv, &err) != CP_OK) { fprintf(stderr, "%s\n", err.msg); return 1; }
    ntok += tv.n;
    for (j = 0; j < tv.n; j++) nsent += (tv.v[j].flags & CP_TF_SSTART) != 0;
    free(rep);
  }
  t1 = now();
  for (i = 0; i < ndocs; i++) {
    if (cp_tok_run(all.s + off[i], off[i + 1] - off[i], CP_TOK_STRICT, &tv, &err) != CP_OK) return 1;
    nstrict += tv.n;
  }
  t2 = now();
  printf("%zu docs, %.1f MB\n", ndocs, all.n / 1e6);
  printf("corpus mode (repair + tokens + sentences): %zu tokens, %zu sentences, %.3f s, %.0f MB/s\n",
         ntok, nsent, t1 - t0, all.n / 1e6 / (t1 - t0));
  printf("strict mode: %zu tokens, %.3f s, %.0f MB/s\n", nstrict, t2 - t1,
         all.n / 1e6 / (t2 - t1));
  cp_tokvec_free(&tv);
  free(all.s);
  free(off);
  return 0;
}
