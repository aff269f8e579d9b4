/*
** tok_bench.c -- the tokenizer alone, at C level: UTF-8 validation
** (cp_utf8_repair) and cp_tok_run (UAX #29 words and sentences in the
** corpus tailoring, paragraphs, byte offsets) over every document of a
** docs.bin file written by bench/peers.py (records of a u64 little-endian
** length followed by that many bytes of UTF-8 text).
**
**   tok_bench DOCS.BIN [REPEAT]
**
** The whole file is read into memory first; the clocks (wall:
** CLOCK_MONOTONIC, CPU: CLOCK_PROCESS_CPUTIME_ID) cover only the
** tokenizer.  The best of REPEAT passes (default 3) is
** reported, since the other passes differ only by noise.  Output is one
** "RESULT side=tokenize ..." line for bench/report.lua.
*/
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cp.h"
#include "tok.h"

typedef struct counts {
  unsigned long long docs, tokens, words, sentences, paragraphs, invalid;
} counts;

static double clock_of (clockid_t id) {
  struct timespec ts;
  clock_gettime(id, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static double now (void) { return clock_of(CLOCK_MONOTONIC); }
static double cpu (void) { return clock_of(CLOCK_PROCESS_CPUTIME_ID); }

/* a "kB" field of /proc/self/status, 0 if absent */
static long proc_status (const char *key) {
  FILE *f = fopen("/proc/self/status", "r");
  char line[256];
  size_t klen = strlen(key);
  long v = 0;
  if (f == NULL) return 0;
  while (fgets(line, sizeof line, f) != NULL) {
    if (strncmp(line, key, klen) == 0 && line[klen] == ':') {
      v = strtol(line + klen + 1, NULL, 10);
      break;
    }
  }
  fclose(f);
  return v;
}

/* read a whole file; NULL (with errno) on failure */
static char *slurp (const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  char *buf = NULL;
  size_t cap = 0, n = 0;
  if (f == NULL) return NULL;
  for (;;) {
    size_t got;
    if (n == cap) {
      size_t ncap = cap ? cap * 2 : (1u << 20);
      char *nb = realloc(buf, ncap);
      if (nb == NULL) { free(buf); fclose(f); errno = ENOMEM; return NULL; }
      buf = nb; cap = ncap;
    }
    got = fread(buf + n, 1, cap - n, f);
    n += got;
    if (got == 0) break;
  }
  if (ferror(f)) { free(buf); fclose(f); errno = EIO; return NULL; }
  fclose(f);
  *len = n;
  return buf;
}

static unsigned long long get_u64 (const unsigned char *p) {
  unsigned long long v = 0;
  int i;
  for (i = 7; i >= 0; i--) v = (v << 8) | p[i];
  return v;
}

/*
** One pass over every record: repair (when invalid) and tokenize each
** document, counting what the tokenizer found.  Returns 0, or -1 after
** printing the error.
*/
static int pass (const char *buf, size_t len, cp_tokvec *tv, counts *ct) {
  size_t off = 0;
  cp_err err;
  memset(ct, 0, sizeof *ct);
  while (off < len) {
    unsigned long long n;
    const char *text;
    char *fixed = NULL;
    size_t fixedlen = 0, ninvalid = 0, i;
    if (len - off < 8) { fprintf(stderr, "tok_bench: truncated record\n"); return -1; }
    n = get_u64((const unsigned char *)buf + off);
    off += 8;
    if (n > len - off) { fprintf(stderr, "tok_bench: truncated record\n"); return -1; }
    text = buf + off;
    off += (size_t)n;
    if (cp_utf8_repair(text, (size_t)n, &fixed, &fixedlen, &ninvalid, &err) != CP_OK) {
      fprintf(stderr, "tok_bench: %s\n", err.msg);
      return -1;
    }
    if (fixed != NULL) { text = fixed; n = fixedlen; }
    if (cp_tok_run(text, (size_t)n, CP_TOK_CORPUS, tv, &err) != CP_OK) {
      fprintf(stderr, "tok_bench: %s\n", err.msg);
      free(fixed);
      return -1;
    }
    free(fixed);
    ct->docs++;
    ct->invalid += ninvalid;
    ct->tokens += tv->n;
    for (i = 0; i < tv->n; i++) {
      unsigned fl = tv->v[i].flags;
      ct->words += !(fl & CP_TF_PUNCT);
      ct->sentences += (fl & CP_TF_SSTART) != 0;
      ct->paragraphs += (fl & CP_TF_PSTART) != 0;
    }
  }
  return 0;
}

int main (int argc, char **argv) {
  size_t len = 0;
  char *buf;
  int repeat = 3, r;
  long rss_load;
  double best = -1, bestcpu = -1;
  counts ct;
  cp_tokvec tv = {NULL, 0, 0};
  if (argc < 2 || argc > 3) {
    fprintf(stderr, "usage: %s DOCS.BIN [REPEAT]\n", argv[0]);
    return 2;
  }
  if (argc == 3) {
    repeat = atoi(argv[2]);
    if (repeat < 1) repeat = 1;
  }
  buf = slurp(argv[1], &len);
  if (buf == NULL) {
    fprintf(stderr, "tok_bench: %s: %s\n", argv[1], strerror(errno));
    return 1;
  }
  rss_load = proc_status("VmRSS");
  for (r = 0; r < repeat; r++) {
    double t0 = now(), c0 = cpu(), t, tc;
    if (pass(buf, len, &tv, &ct) != 0) { free(buf); cp_tokvec_free(&tv); return 1; }
    t = now() - t0;
    tc = cpu() - c0;
    if (best < 0 || t < best) best = t;
    if (bestcpu < 0 || tc < bestcpu) bestcpu = tc;
  }
  printf("RESULT side=tokenize docs=%llu bytes=%llu tokens=%llu words=%llu "
         "sentences=%llu paragraphs=%llu invalid_utf8=%llu secs=%.6f cpu=%.6f "
         "rss_load_kb=%ld peak_kb=%ld\n",
         ct.docs, (unsigned long long)(len - 8 * ct.docs), ct.tokens, ct.words,
         ct.sentences, ct.paragraphs, ct.invalid, best, bestcpu, rss_load,
         proc_status("VmHWM"));
  cp_tokvec_free(&tv);
  free(buf);
  return 0;
}
