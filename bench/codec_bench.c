/*
** bench/codec_bench.c -- what format 2.4's codecs (csrc/pack.c,
** csrc/ztext.c, csrc/lexpack.c) store for each part of real segments,
** and how fast they decode.  Built and run by bench/size_bench.lua:
**
**   codec_bench SEG.cps...
**
** For each segment image (format 2.4) it prints one line per part,
** "PART name raw_bytes stored_bytes": raw is what the part takes in the
** layout of format 2.2 (u32 arrays read in place, text and ids raw; the
** span sets as stored), stored what format 2.4 stores.  Then it decodes every postings list and
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
  if (cp_rd32(img + CP_H_MINOR) != 4) {
    fprintf(stderr, "%s: format 2.4 expected\n", path);
    return 1;
  }
  /* raw: the bytes of the format 2.2 layout (plain u32 arrays); packed:
  ** the sections as format 2.3 stores them */
  part(1, "stream (ranks by frequency, packed) + WRANK", (uint64_t)T * 4,
       sec[CP_SEC_STREAM].size + sec[CP_SEC_WRANK].size);
  { /* postings, then their decode speed against reading the array;
    ** format 2.4: NFREQ holds f - 1 then f - df, POSTO the byte length
    ** of each list, both packed */
    const unsigned char *pp = sec[CP_SEC_POST].p;
    uint32_t *nf = malloc((2 * (size_t)Nn + 1) * 4), *pl8 = malloc(((size_t)Nn + 1) * 4);
    uint32_t *dec = malloc(((size_t)T + 1) * 4), n;
    uint64_t at = 0, sum = 0, a = 0;
    double t0;
    cp_pack tl;
    if (cp_pack_open(&tl, sec[CP_SEC_NFREQ].p, sec[CP_SEC_NFREQ].size, 2 * Nn, CP_SEG_PK_PART, NULL) != CP_OK ||
        cp_pack_decode(&tl, nf, NULL) != CP_OK ||
        cp_pack_open(&tl, sec[CP_SEC_POSTO].p, sec[CP_SEC_POSTO].size, Nn, CP_SEG_PK_PART, NULL) != CP_OK ||
        cp_pack_decode(&tl, pl8, NULL) != CP_OK) {
      fprintf(stderr, "%s: NFREQ or POSTO does not decode\n", path);
      return 1;
    }
    t0 = cpu();
    for (n = 0; n < Nn; n++) {
      cp_pack pl;
      if (cp_pack_open(&pl, pp + a, (size_t)pl8[n], nf[n] + 1, CP_SEG_PK_POST, NULL) != CP_OK ||
          cp_pack_decode(&pl, dec + at, NULL) != CP_OK) {
        fprintf(stderr, "%s: postings list %u does not decode\n", path, n);
        return 1;
      }
      a += pl8[n];
      at += nf[n] + 1;
    }
    free(nf);
    free(pl8);
    t_post_dec += cpu() - t0;
    t0 = cpu();
    for (i = 0; i < at; i++) sum += dec[i];
    sink += sum;
    t_post_raw += cpu() - t0;
    n_post_vals += at;
    free(dec);
    part(2, "postings (positions per norm, packed; offsets as packed lengths)", 4 * ((uint64_t)Nn + 1) + 4 * (uint64_t)T,
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
  part(6, "layers and span sets (SCHEMA + ATTRS; packed, lexicons front-coded)", sec[CP_SEC_ATTRS].size + sec[CP_SEC_SCHEMA].size,
       sec[CP_SEC_ATTRS].size + sec[CP_SEC_SCHEMA].size);
  { /* lexicons: plain = u32 offsets + bytes (2.3), stored = lexpack */
    uint64_t raw = 0, pk = 0;
    int l;
    for (l = 0; l < 3; l++) {
      uint32_t n = cp_rd32(img + CP_H_NTYPES + 4 * l);
      raw += 4 * ((uint64_t)n + 1) + cp_rd64(sec[CP_SEC_LEXS(l)].p);
      pk += sec[CP_SEC_LEXO(l)].size + sec[CP_SEC_LEXS(l)].size;
    }
    part(7, "lexicons (front-coded, one zstd frame each)", raw, pk);
  }
  { /* tables: plain = u32 arrays (POSTO u64) */
    uint32_t Nw = cp_rd32(img + CP_H_NTYPES), Ns = cp_rd32(img + CP_H_NTYPES + 8);
    uint64_t raw = 4 * (uint64_t)Nw + 4 * (uint64_t)Nn + Nw + 8 * ((uint64_t)Nw + Nn + Ns)
                   + 4 * ((uint64_t)Ns + 1) + 4 * (uint64_t)Nn;
    uint64_t pk = sec[CP_SEC_WNORM].size + sec[CP_SEC_NSTEM].size + sec[CP_SEC_WFLAGS].size
                  + sec[CP_SEC_WFREQ].size + sec[CP_SEC_NFREQ].size + sec[CP_SEC_SFREQ].size
                  + sec[CP_SEC_SNORMO].size + sec[CP_SEC_SNORM].size;
    part(8, "maps, flags, frequencies (packed)", raw, pk);
  }
  part(9, "documents: table, by-id order; ids and metadata in zstd blocks",
       sec[CP_SEC_DOCS].size + sec[CP_SEC_BYID].size + cp_rd64(sec[CP_SEC_DOCSTR].p + 8),
       sec[CP_SEC_DOCS].size + sec[CP_SEC_BYID].size + sec[CP_SEC_DOCSTR].size);
  other += sec[CP_SEC_BLKSUM].size + sec[CP_SEC_FIELDS].size;
  part(10, "block checksums, field streams, unknown sections", other, other);
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
