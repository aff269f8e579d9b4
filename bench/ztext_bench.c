/*
** ztext_bench.c -- the stored-text compressor alone (ztext.c): every
** document of a docs.bin file (bench/peers.py: records of a u64
** little-endian length and the text) back to back, compressed as a
** segment's text is, once per zstd level given.
**
**   ztext_bench DOCS.BIN LEVEL...
**
** Per level one line: the compressed size, its ratio to the text, and
** the wall and CPU seconds of cp_zt_encode (dictionary training
** included), best of 3 runs.  The CPU clock counts every thread.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cp.h"
#include "ztext.h"

static double clock_of (clockid_t id) {
  struct timespec ts;
  clock_gettime(id, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static unsigned long long get_u64 (const unsigned char *p) {
  unsigned long long v = 0;
  int i;
  for (i = 7; i >= 0; i--) v = (v << 8) | p[i];
  return v;
}

int main (int argc, char **argv) {
  FILE *f;
  char *buf, *text;
  long flen;
  size_t off = 0, nd = 0, tn = 0, capd = 1024;
  uint64_t *ends;
  int a;
  if (argc < 3) {
    fprintf(stderr, "usage: %s DOCS.BIN LEVEL...\n", argv[0]);
    return 2;
  }
  if ((f = fopen(argv[1], "rb")) == NULL) { perror(argv[1]); return 1; }
  fseek(f, 0, SEEK_END);
  flen = ftell(f);
  fseek(f, 0, SEEK_SET);
  buf = malloc((size_t)flen + 1);
  text = malloc((size_t)flen + 1);
  ends = malloc(capd * sizeof(*ends));
  if (buf == NULL || text == NULL || ends == NULL ||
      fread(buf, 1, (size_t)flen, f) != (size_t)flen) {
    fprintf(stderr, "ztext_bench: cannot read %s\n", argv[1]);
    return 1;
  }
  fclose(f);
  while (off + 8 <= (size_t)flen) {
    unsigned long long n = get_u64((const unsigned char *)buf + off);
    off += 8;
    if (n > (size_t)flen - off) { fprintf(stderr, "truncated record\n"); return 1; }
    memcpy(text + tn, buf + off, (size_t)n);
    tn += (size_t)n;
    off += (size_t)n;
    if (nd == capd) {
      capd *= 2;
      if ((ends = realloc(ends, capd * sizeof(*ends))) == NULL) return 1;
    }
    ends[nd++] = tn;
  }
  free(buf);
  printf("%zu documents, %zu bytes of text\n", nd, tn);
  printf("| level | bytes | x text | wall s | CPU s |\n|---:|---:|---:|---:|---:|\n");
  for (a = 2; a < argc; a++) {
    int level = atoi(argv[a]), r;
    double bw = 1e30, bc = 1e30;
    size_t len = 0;
    for (r = 0; r < 3; r++) {
      uint8_t *img = NULL;
      cp_err err;
      double w0 = clock_of(CLOCK_MONOTONIC), c0 = clock_of(CLOCK_PROCESS_CPUTIME_ID);
      if (cp_zt_encode(text, ends, nd, 0, level, &img, &len, &err) != CP_OK) {
        fprintf(stderr, "ztext_bench: %s\n", err.msg);
        return 1;
      }
      w0 = clock_of(CLOCK_MONOTONIC) - w0;
      c0 = clock_of(CLOCK_PROCESS_CPUTIME_ID) - c0;
      if (w0 < bw) bw = w0;
      if (c0 < bc) bc = c0;
      free(img);
    }
    printf("| %d | %zu | %.3f | %.3f | %.3f |\n", level, len,
           (double)len / (double)tn, bw, bc);
    fflush(stdout);
  }
  free(text);
  free(ends);
  return 0;
}
