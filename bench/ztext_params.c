/*
** ztext_params.c -- the stored-text compressor's zstd parameters, one
** setting per run: the blocks, sample and dictionary as ztext.c makes
** them (blocks cut at the first document end at or past TARGET bytes,
** fastCover k 100 d 8 f 20 on the first SAMPLE bytes of blocks), then
** every block compressed with the dictionary attached, as ztext.c does,
** but with the dictionary's compression parameters given here (with
** an attached dictionary zstd compresses with the CDict's parameters,
** so ZSTD_CCtx_setParameter on the context would not change them).
**
**   ztext_params DOCS.BIN TARGET DICTMAX SAMPLE LEVEL STRAT W C H S MM T LIT
**
** 0 for STRAT W C H S MM, -1 for T: the level's values for a dictionary
** of that size (ZSTD_getCParams); LIT: ZSTD_c_literalCompressionMode
** (0 auto, 1 Huffman, 2 raw).  One line: the parameters, the image's
** size (header, block table, dictionary, frames) and the CPU seconds
** of the block compression alone, best of REPS runs (env, default 3).
** For instruction counts (independent of the machine's load):
**   REPS=1 valgrind --tool=callgrind --toggle-collect=ZSTD_compress2 \
**     build/ztext_params bench/out/docs.bin 16384 112640 2097152 3 0 0 0 0 0 0 -1 0
** bench/RESULTS.md has the curve on the UN debates.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define ZDICT_STATIC_LINKING_ONLY
#include <zdict.h>
#define ZSTD_STATIC_LINKING_ONLY
#include <zstd.h>

static double cpu (void) {
  struct timespec t;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
  return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

int main (int argc, char **argv) {
  FILE *f;
  long fl;
  unsigned char *buf, *out;
  char *text;
  size_t *ends, *bs, *bl, nd = 0, tn = 0, off = 0, nb = 0, cs = 0, d = 0;
  size_t target, dictmax, sample, ns, dl, cap, tot = 0, b;
  int level, strat, W, C, H, S, L, T, lit, r, R;
  double best = 1e30, t0, ttrain;
  void *dict;
  ZDICT_fastCover_params_t fp;
  ZSTD_compressionParameters cp;
  if (argc != 14) {
    fprintf(stderr, "usage: %s DOCS.BIN TARGET DICTMAX SAMPLE LEVEL STRAT W C H S MM T LIT\n",
            argv[0]);
    return 2;
  }
  if ((f = fopen(argv[1], "rb")) == NULL) { perror(argv[1]);  return 1; }
  fseek(f, 0, SEEK_END);
  fl = ftell(f);
  fseek(f, 0, SEEK_SET);
  buf = malloc((size_t)fl + 1);
  text = malloc((size_t)fl + 1);
  ends = malloc(((size_t)fl / 8 + 1) * sizeof(size_t));
  bs = malloc(((size_t)fl / 8 + 1) * sizeof(size_t));
  bl = malloc(((size_t)fl / 8 + 1) * sizeof(size_t));
  if (!buf || !text || !ends || !bs || !bl ||
      fread(buf, 1, (size_t)fl, f) != (size_t)fl) {
    fprintf(stderr, "cannot read %s\n", argv[1]);
    return 1;
  }
  fclose(f);
  while (off + 8 <= (size_t)fl) {   /* records: u64 LE length, bytes */
    unsigned long long n = 0;
    int i;
    for (i = 7; i >= 0; i--) n = (n << 8) | buf[off + i];
    off += 8;
    if (n > (size_t)fl - off) { fprintf(stderr, "truncated record\n");  return 1; }
    memcpy(text + tn, buf + off, (size_t)n);
    tn += (size_t)n;
    off += (size_t)n;
    ends[nd++] = tn;
  }
  target = (size_t)atol(argv[2]);
  dictmax = (size_t)atol(argv[3]);
  sample = (size_t)atol(argv[4]);
  level = atoi(argv[5]);
  strat = atoi(argv[6]);  W = atoi(argv[7]);  C = atoi(argv[8]);
  H = atoi(argv[9]);  S = atoi(argv[10]);  L = atoi(argv[11]);
  T = atoi(argv[12]);  lit = atoi(argv[13]);
  R = getenv("REPS") ? atoi(getenv("REPS")) : 3;
  if (tn == 0 || target == 0) { fprintf(stderr, "no text\n");  return 1; }
  while (cs < tn) {   /* ztext.c's cut_some */
    size_t stop;
    while (d < nd && ends[d] < cs + target) d++;
    stop = d < nd ? ends[d] : tn;
    if (stop - cs > 2 * target) stop = cs + target;
    bs[nb] = cs;  bl[nb] = stop - cs;  nb++;
    cs = stop;
  }
  for (ns = 0, off = 0; ns < nb && off < sample; ns++) off += bl[ns];
  dict = malloc(dictmax);
  memset(&fp, 0, sizeof(fp));
  fp.k = 100;  fp.d = 8;  fp.f = 20;  fp.accel = 1;  fp.splitPoint = 1.0;
  fp.zParams.compressionLevel = level;
  t0 = cpu();
  dl = ZDICT_trainFromBuffer_fastCover(dict, dictmax, text, bl, (unsigned)ns, fp);
  ttrain = cpu() - t0;
  if (ZDICT_isError(dl)) { fprintf(stderr, "training: %s\n", ZDICT_getErrorName(dl));  return 1; }
  cp = ZSTD_getCParams(level, ZSTD_CONTENTSIZE_UNKNOWN, dl);
  if (strat) cp.strategy = (ZSTD_strategy)strat;
  if (W) cp.windowLog = (unsigned)W;
  if (C) cp.chainLog = (unsigned)C;
  if (H) cp.hashLog = (unsigned)H;
  if (S) cp.searchLog = (unsigned)S;
  if (L) cp.minMatch = (unsigned)L;
  if (T >= 0) cp.targetLength = (unsigned)T;
  if (ZSTD_isError(ZSTD_checkCParams(cp))) { fprintf(stderr, "bad parameters\n");  return 1; }
  cap = ZSTD_compressBound(2 * target + 1);
  out = malloc(cap);
  for (r = 0; r < R; r++) {
    double t;
    ZSTD_CDict *cd;
    ZSTD_CCtx *cc;
    t0 = cpu();
    cd = ZSTD_createCDict_advanced(dict, dl, ZSTD_dlm_byRef, ZSTD_dct_auto, cp,
                                   ZSTD_defaultCMem);
    cc = ZSTD_createCCtx();
    if (cd == NULL || cc == NULL) { fprintf(stderr, "out of memory\n");  return 1; }
    ZSTD_CCtx_setParameter(cc, ZSTD_c_forceAttachDict, ZSTD_dictForceAttach);
    if (lit) ZSTD_CCtx_setParameter(cc, ZSTD_c_literalCompressionMode, lit);
    ZSTD_CCtx_refCDict(cc, cd);
    tot = 24 + 32 * nb + dl;
    for (b = 0; b < nb; b++) {
      size_t n = ZSTD_compress2(cc, out, cap, text + bs[b], bl[b]);
      if (ZSTD_isError(n)) { fprintf(stderr, "%s\n", ZSTD_getErrorName(n));  return 1; }
      tot += n;
    }
    t = cpu() - t0;
    if (t < best) best = t;
    ZSTD_freeCCtx(cc);
    ZSTD_freeCDict(cd);
  }
  printf("target %zu dict %zu sample %zu level %d strategy %d W%u C%u H%u S%u "
         "mm%u T%u lit %d: %zu bytes (%zu blocks), compression %.3f s CPU, "
         "training %.3f s\n", target, dl, sample, level, (int)cp.strategy,
         cp.windowLog, cp.chainLog, cp.hashLog, cp.searchLog, cp.minMatch,
         cp.targetLength, lit, tot, nb, best, ttrain);
  free(buf);  free(text);  free(ends);  free(bs);  free(bl);  free(dict);  free(out);
  return 0;
}
