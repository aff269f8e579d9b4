/*
** bench/codec_bench.c -- what format 2.3's block codecs (csrc/pack.c,
** csrc/ztext.c) store for each part of real segments, and how fast they
** decode.  Built and run by bench/size_bench.sh:
**
**   codec_bench SEG.cps...
**
** For each segment image (format 2.3) it prints one line per part,
** "PART name raw_bytes stored_bytes": raw is what the part takes in the
** layout of format 2.2 (u32 arrays read in place, text raw), stored
** what format 2.3 stores.  Then it decodes every postings list and
** reads every document's text once, and prints their decode speeds
** in CPU time (clock()), which is steadier than wall time on a shared
** machine.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "pack.h"
#include "segfmt.h"
#include "ztext.h"

typedef struct sect { const unsigned char *p; uint64_t size; } sect;

static double cpu (void) { return (double)clock() / CLOCKS_PER_SEC; }

static unsigned char *slurp (const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  unsigned char *b;
  long n;
  if (f == NULL) return NULL;
  fseek(f, 0, SEEK_END); n = ftell(f); fseek(f, 0, SEEK_SET);
  b = (n > 0) ? malloc((size_t)n) : NULL;
  if (b && fread(b, 1, (size_t)n, f) != (size_t)n) { free(b); b = NULL; }
  fclose(f);
  *len = (size_t)n;
  return b;
}

static uint64_t tot_raw[16], tot_pk[16];
static const char *names[16];
static int nparts;

static void part (int i, const char *name, uint64_t raw, uint64_t pk) {
  names[i] = name;
  tot_raw[i] += raw;
  tot_pk[i] += pk;
  if (i + 1 > nparts) nparts = i + 1;
}

static double t_post_raw, t_post_dec, t_text_dec, t_text_enc;
static uint64_t n_post_vals, n_docs_read, text_bytes;
static volatile uint64_t sink;

static int bench_seg (const char *path) {
  size_t len, i;
  unsigned char *img = slurp(path, &len);
  sect sec[CP_SEC_COUNT];
  uint32_t nsec, T, Nn, D;
  uint64_t other = 0;
  if (img == NULL || len < CP_SEG_FIXED) { fprintf(stderr, "%s: unreadable\n", path); return 1; }
  memset(sec, 0, sizeof(sec));
  nsec = cp_rd32(img + CP_H_NSECS);
  D = cp_rd32(img + CP_H_NDOCS); T = cp_rd32(img + CP_H_NTOK);
  Nn = cp_rd32(img + CP_H_NTYPES + 4);
  for (i = 0; i < nsec; i++) {
    const unsigned char *e = img + CP_SEG_FIXED + i * CP_SEG_SECENT;
    uint32_t id = cp_rd32(e);
    uint64_t off = cp_rd64(e + 8), sz = cp_rd64(e + 16);
    if (off > len || sz > len - off) { fprintf(stderr, "%s: bad section\n", path); return 1; }
    if (id < CP_SEC_COUNT) { sec[id].p = img + off; sec[id].size = sz; }
    else other += sz;
  }
  part(0, "header", cp_rd32(img + CP_H_HDRSIZE), cp_rd32(img + CP_H_HDRSIZE));
  if (cp_rd32(img + CP_H_MINOR) != 3) {
    fprintf(stderr, "%s: format 2.3 expected\n", path);
    return 1;
  }
  /* raw: the bytes of the format 2.2 layout (plain u32 arrays); packed:
  ** the sections as format 2.3 stores them */
  part(1, "stream (ranks by frequency, packed) + WRANK", (uint64_t)T * 4,
       sec[CP_SEC_STREAM].size + sec[CP_SEC_WRANK].size);
  { /* postings, then their decode speed against reading the array */
    const unsigned char *po = sec[CP_SEC_POSTO].p, *pp = sec[CP_SEC_POST].p;
    const uint32_t *nf = (const uint32_t *)sec[CP_SEC_NFREQ].p;
    uint32_t *dec = malloc(((size_t)T + 1) * 4), n;
    uint64_t at = 0, sum = 0;
    double t0 = cpu();
    for (n = 0; n < Nn; n++) {
      cp_pack pl;
      uint64_t a = cp_rd64(po + 8 * (size_t)n), b = cp_rd64(po + 8 * (size_t)n + 8);
      if (cp_pack_open(&pl, pp + a, (size_t)(b - a), nf[n], CP_PACK_ASC, NULL) != CP_OK ||
          cp_pack_decode(&pl, dec + at, NULL) != CP_OK) {
        fprintf(stderr, "%s: postings list %u does not decode\n", path, n);
        return 1;
      }
      at += nf[n];
    }
    t_post_dec += cpu() - t0;
    t0 = cpu();
    for (i = 0; i < at; i++) sum += dec[i];
    sink += sum;
    t_post_raw += cpu() - t0;
    n_post_vals += at;
    free(dec);
    part(2, "postings (positions per norm, packed)", 4 * ((uint64_t)Nn + 1) + 4 * (uint64_t)T,
         sec[CP_SEC_POSTO].size + sec[CP_SEC_POST].size);
  }
  part(3, "token byte spans (gaps, lengths from the lexicon, packed)",
       2 * (uint64_t)T + 4 * (((uint64_t)T + 15) / 16) + sec[CP_SEC_SPANX].size,
       sec[CP_SEC_SPANS].size + sec[CP_SEC_SPANC].size + sec[CP_SEC_SPANX].size);
  part(4, "sentence + paragraph starts (packed)",
       4 * ((uint64_t)cp_rd32(img + CP_H_NSENTS) + cp_rd32(img + CP_H_NPARAS)),
       sec[CP_SEC_SENTS].size + sec[CP_SEC_PARAS].size);
  { /* stored text: zstd blocks (ztext.c), as stored; then the cost of
    ** reading every document once through a cache */
    uint64_t *ends = malloc(((size_t)D + 1) * 8);
    cp_zt zt;
    cp_ztcache c;
    const char *p;
    double t0;
    for (i = 0; i < D; i++) {
      const unsigned char *r = sec[CP_SEC_DOCS].p + i * CP_SEG_DOCREC;
      ends[i] = cp_rd64(r + CP_D_TEXTOFF) + cp_rd64(r + CP_D_TEXTLEN);
    }
    if (cp_zt_open(&zt, sec[CP_SEC_TEXT].p, (size_t)sec[CP_SEC_TEXT].size, NULL) != CP_OK) {
      fprintf(stderr, "%s: stored text does not open\n", path);
      return 1;
    }
    text_bytes += cp_rd64(img + CP_H_TEXTBYTES);
    cp_ztcache_init(&c);
    t0 = cpu();
    for (i = 0; i < D; i++) {
      uint64_t s = (i == 0) ? 0 : ends[i - 1];
      cp_zt_read(&zt, &c, s, (size_t)(ends[i] - s), &p, NULL);
      if (ends[i] > s) sink += (unsigned char)p[0];
    }
    t_text_dec += cpu() - t0;
    n_docs_read += D;
    part(5, "stored text (zstd blocks)", cp_rd64(img + CP_H_TEXTBYTES), sec[CP_SEC_TEXT].size);
    cp_ztcache_free(&c);
    cp_zt_close(&zt);
    free(ends);
  }
  /* stored layers and span sets (s, p, ...): span sets packed */
  part(6, "layers and span sets (SCHEMA + ATTRS; span sets packed, both columns as stored)", sec[CP_SEC_ATTRS].size + sec[CP_SEC_SCHEMA].size,
       sec[CP_SEC_ATTRS].size + sec[CP_SEC_SCHEMA].size);
  { /* everything else at its stored size */
    static const int rest[] = {CP_SEC_WLEXO, CP_SEC_WLEXS, CP_SEC_NLEXO, CP_SEC_NLEXS,
      CP_SEC_SLEXO, CP_SEC_SLEXS, CP_SEC_WNORM, CP_SEC_NSTEM, CP_SEC_WFLAGS,
      CP_SEC_WFREQ, CP_SEC_NFREQ, CP_SEC_SFREQ, CP_SEC_SNORMO, CP_SEC_SNORM,
      CP_SEC_DOCS, CP_SEC_DOCSTR, CP_SEC_BYID, CP_SEC_BLKSUM};
    for (i = 0; i < sizeof(rest) / sizeof(*rest); i++) other += sec[rest[i]].size;
    part(7, "lexicons, maps, frequencies, documents, BLKSUM", other, other);
  }
  free(img);
  return 0;
}

int main (int argc, char **argv) {
  int i;
  uint64_t raw = 0, pk = 0, alt = 0;
  if (argc < 2) { fprintf(stderr, "usage: codec_bench SEG.cps...\n"); return 2; }
  for (i = 1; i < argc; i++) if (bench_seg(argv[i]) != 0) return 1;
  for (i = 0; i < nparts; i++) {
    printf("PART %s|%llu|%llu\n", names[i], (unsigned long long)tot_raw[i],
           (unsigned long long)tot_pk[i]);
    raw += tot_raw[i]; pk += tot_pk[i];
  }
  alt = pk;
  printf("TEXTBYTES|%llu\n", (unsigned long long)text_bytes);
  printf("TOTAL|%llu|%llu|%llu\n", (unsigned long long)raw, (unsigned long long)pk,
         (unsigned long long)alt);
  printf("DECODE text_encode_s=%.2f postings_ns_per_value=%.3f raw_sum_ns_per_value=%.3f text_us_per_document=%.2f sink=%llu\n",
         t_text_enc,
         1e9 * t_post_dec / (double)(n_post_vals ? n_post_vals : 1),
         1e9 * t_post_raw / (double)(n_post_vals ? n_post_vals : 1),
         1e6 * t_text_dec / (double)(n_docs_read ? n_docs_read : 1), (unsigned long long)sink);
  return 0;
}
