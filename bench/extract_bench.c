/*
** extract_bench.c -- the extractors at C level, as the build would run
** them (on tokens already made): CPU seconds of each stage over every
** document of a docs.bin file (records of a u64 little-endian length and
** that many bytes of UTF-8 text; bench/peers.py or bench/extract_bench.lua
** writes one).
**
**   cc -O2 -std=c99 -D_GNU_SOURCE -Icsrc bench/extract_bench.c build/libcorpus.a \
**      -lutf8proc -lstemmer -lxxhash -lpcre2-8 -lm -pthread -o build/extract_bench
**   build/extract_bench DOCS.BIN [--dump]
**
** With --dump it prints every row instead (token ranges, kinds, values,
** speakers), so two builds of the extractors can be compared for equal
** output: an optimisation must not change a row.
**
** CPU time (CLOCK_PROCESS_CPUTIME_ID) of: tokenizing (cp_tok_run), the
** per-token lexicon facts (cp_lx_tokens, with the per-type cache the
** build keeps), names, quotes, dates, numbers.
** One "RESULT" line per stage.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "extract.h"

static double cpu (void) {
  struct timespec ts;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

int main (int argc, char **argv) {
  FILE *f;
  char *buf;
  long n;
  size_t off = 0, docs = 0, bytes = 0, nq = 0, ne = 0, nd = 0, nn = 0;
  double t[6] = {0, 0, 0, 0, 0, 0}, t0;
  static const char *const names[6] = {"tokenize", "lexicon", "entities", "quotes", "dates", "numbers"};
  cp_tokvec tv = {NULL, 0, 0};
  cp_lxtok *lx = NULL;
  size_t lxcap = 0;   /* entries of lx, kept from one document to the next */
  cp_lxcache *lxc = cp_lxcache_new();   /* kept across documents, as the build does */
  cp_entities ents = {NULL, 0, 0};
  cp_quotes qs = {NULL, 0, 0};
  cp_timexes ds = {NULL, 0, 0};
  cp_numbers ns = {NULL, 0, 0};
  cp_err err;
  int i;
  int dump = argc > 2 && strcmp(argv[2], "--dump") == 0;
  if (argc < 2 || (f = fopen(argv[1], "rb")) == NULL) {
    fprintf(stderr, "usage: extract_bench DOCS.BIN\n");
    return 2;
  }
  fseek(f, 0, SEEK_END);
  n = ftell(f);
  fseek(f, 0, SEEK_SET);
  buf = (char *)malloc((size_t)n + 1);
  if (buf == NULL || fread(buf, 1, (size_t)n, f) != (size_t)n) return 1;
  fclose(f);
  while (off + 8 <= (size_t)n) {
    unsigned long long len = 0;
    const char *s;
    for (i = 7; i >= 0; i--) len = (len << 8) | (unsigned char)buf[off + i];
    off += 8;
    if (off + len > (size_t)n) break;
    s = buf + off;
    off += len;
    docs++;
    bytes += len;
    t0 = cpu();
    if (cp_tok_run(s, len, CP_TOK_CORPUS, &tv, &err) != CP_OK) return 1;
    t[0] += cpu() - t0; t0 = cpu();
    if (cp_lx_tokens(s, len, &tv, lxc, &lx, &lxcap, &err) != CP_OK) return 1;
    t[1] += cpu() - t0; t0 = cpu();
    if (cp_entity_run(s, len, &tv, lx, &ents, &err) != CP_OK) return 1;
    t[2] += cpu() - t0; t0 = cpu();
    if (cp_quote_run(s, len, &tv, lx, &ents, &qs, &err) != CP_OK) return 1;
    t[3] += cpu() - t0; t0 = cpu();
    if (cp_timex_run(s, len, &tv, lx, NULL, &ds, &err) != CP_OK) return 1;
    t[4] += cpu() - t0; t0 = cpu();
    if (cp_number_run(s, len, &tv, lx, &ds, &ns, &err) != CP_OK) return 1;
    t[5] += cpu() - t0;
    ne += ents.n; nq += qs.n; nd += ds.n; nn += ns.n;
    if (dump) {
      size_t k;
      unsigned p;
      for (k = 0; k < ents.n; k++)
        printf("%zu E %u %u %d %zu\n", docs, ents.v[k].t0, ents.v[k].t1, ents.v[k].kind,
               ents.v[k].canon);
      for (k = 0; k < qs.n; k++) {
        const cp_quote *q = &qs.v[k];
        printf("%zu Q %d %ld %u %u %ld %.3f", docs, q->kind, (long)q->cue, q->sp0, q->sp1,
               (long)q->speaker, q->confidence);
        for (p = 0; p < q->nparts; p++) printf(" %u-%u", q->part[p].t0, q->part[p].t1);
        printf("\n");
      }
      for (k = 0; k < ds.n; k++)
        printf("%zu D %u %u %d %s\n", docs, ds.v[k].t0, ds.v[k].t1, ds.v[k].type, ds.v[k].value);
      for (k = 0; k < ns.n; k++)
        printf("%zu N %u %u %.17g %s\n", docs, ns.v[k].t0, ns.v[k].t1, ns.v[k].value,
               ns.v[k].unit ? ns.v[k].unit : "-");
      for (k = 0; k < tv.n; k++)
        printf("%zu L %zu %u %ld\n", docs, k, (unsigned)lx[k].shape, lx[k].lx ? (long)(lx[k].lx - cp_lx_table) : -1L);
    }
  }
  if (dump) return 0;
  printf("docs %zu, %.1f MB; rows: %zu entities, %zu quotes, %zu dates, %zu numbers\n",
         docs, bytes / 1e6, ne, nq, nd, nn);
  for (i = 0; i < 6; i++)
    printf("RESULT stage=%s cpu_s=%.3f mb_per_s=%.1f\n", names[i], t[i], bytes / 1e6 / t[i]);
  printf("RESULT stage=analysers cpu_s=%.3f mb_per_s=%.1f\n", t[1] + t[2] + t[3] + t[4] + t[5],
         bytes / 1e6 / (t[1] + t[2] + t[3] + t[4] + t[5]));
  free(buf); free(lx); cp_lxcache_free(lxc);
  cp_tokvec_free(&tv); cp_entities_free(&ents); cp_quotes_free(&qs);
  cp_timexes_free(&ds); cp_numbers_free(&ns);
  return 0;
}
