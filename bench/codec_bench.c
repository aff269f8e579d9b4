/*
** bench/codec_bench.c -- what the block codecs (csrc/pack.c,
** csrc/ztext.c) make of the parts of real segments, and how fast they
** decode.  Built and run by bench/size_bench.sh:
**
**   codec_bench SEG.cps...
**
** For the sections of each segment image (format 1, arrays in place) it
** encodes, in memory: the token stream (word ids as stored, and
** renumbered by descending frequency, which is what a format that packs
** the stream would store), every postings list, sentence and paragraph
** starts (ascending lists), the span bytes (gaps and lengths as two
** plain lists) and the stored text (zstd blocks).  Everything else
** (lexicons, maps, frequencies, document table, ids and metadata, span
** checkpoints and escapes) is counted at its stored size.  Prints one
** line per part, "PART name raw_bytes packed_bytes", then decode speeds
** in CPU time (clock()), which is steadier than wall time on a shared
** machine.  ZT_BLOCK and ZT_LEVEL (environment) override the text
** block size and zstd level.
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

/* packed size of v[0..n) */
static size_t packed (const uint32_t *v, uint32_t n, int mode) {
  size_t cap = cp_pack_bound(n), len = 0;
  uint8_t *buf = malloc(cap ? cap : 1);
  cp_err e;
  if (buf == NULL || cp_pack_encode(v, n, mode, buf, cap, &len, &e) != CP_OK) {
    fprintf(stderr, "codec_bench: encode failed\n");
    exit(1);
  }
  free(buf);
  return len;
}

static uint64_t tot_raw[16], tot_pk[16];
/* parts 1/2 and 4/8 are variants of one part: TOTAL gives the sum
** with 2 and 4, and the sum with 2 and 8 */
static const char *names[16];
static int nparts;

static void part (int i, const char *name, uint64_t raw, uint64_t pk) {
  names[i] = name;
  tot_raw[i] += raw;
  tot_pk[i] += pk;
  if (i + 1 > nparts) nparts = i + 1;
}

static const uint32_t *fr_w;
static int by_freq (const void *a, const void *b) {
  uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
  if (fr_w[x] != fr_w[y]) return fr_w[x] > fr_w[y] ? -1 : 1;
  return x < y ? -1 : x > y;
}

static double t_post_raw, t_post_dec, t_text_dec, t_text_enc;
static uint64_t n_post_vals, n_docs_read, text_bytes;
static volatile uint64_t sink;

static int bench_seg (const char *path) {
  size_t len, i;
  unsigned char *img = slurp(path, &len);
  sect sec[CP_SEC_COUNT];
  uint32_t nsec, T, Nw, Nn, D, nsents, nparas;
  uint64_t other = 0;
  if (img == NULL || len < CP_SEG_FIXED) { fprintf(stderr, "%s: unreadable\n", path); return 1; }
  memset(sec, 0, sizeof(sec));
  nsec = cp_rd32(img + CP_H_NSECS);
  D = cp_rd32(img + CP_H_NDOCS); T = cp_rd32(img + CP_H_NTOK);
  Nw = cp_rd32(img + CP_H_NTYPES); Nn = cp_rd32(img + CP_H_NTYPES + 4);
  nsents = cp_rd32(img + CP_H_NSENTS); nparas = cp_rd32(img + CP_H_NPARAS);
  for (i = 0; i < nsec; i++) {
    const unsigned char *e = img + CP_SEG_FIXED + i * CP_SEG_SECENT;
    uint32_t id = cp_rd32(e);
    uint64_t off = cp_rd64(e + 8), sz = cp_rd64(e + 16);
    if (off > len || sz > len - off) { fprintf(stderr, "%s: bad section\n", path); return 1; }
    if (id < CP_SEC_COUNT) { sec[id].p = img + off; sec[id].size = sz; }
    else other += sz;
  }
  part(0, "header", cp_rd32(img + CP_H_HDRSIZE), cp_rd32(img + CP_H_HDRSIZE));

  { /* stream: as stored, and renumbered by frequency */
    const uint32_t *st = (const uint32_t *)sec[CP_SEC_STREAM].p;
    const uint32_t *wf = (const uint32_t *)sec[CP_SEC_WFREQ].p;
    uint32_t *ord = malloc(((size_t)Nw + 1) * 4), *rank = malloc(((size_t)Nw + 1) * 4);
    uint32_t *re = malloc(((size_t)T + 1) * 4);
    for (i = 0; i < Nw; i++) ord[i] = (uint32_t)i;
    fr_w = wf;
    qsort(ord, Nw, 4, by_freq);
    for (i = 0; i < Nw; i++) rank[ord[i]] = (uint32_t)i;
    for (i = 0; i < T; i++) re[i] = rank[st[i]];
    part(1, "stream (word ids as stored)", (uint64_t)T * 4, packed(st, T, CP_PACK_PLAIN));
    part(2, "stream (ids by frequency) + map", (uint64_t)T * 4,
         packed(re, T, CP_PACK_PLAIN) + (uint64_t)Nw * 4);
    free(ord); free(rank); free(re);
  }
  { /* postings, then their decode speed against reading the array */
    const uint32_t *po = (const uint32_t *)sec[CP_SEC_POSTO].p;
    const uint32_t *pp = (const uint32_t *)sec[CP_SEC_POST].p;
    size_t cap = (size_t)T * 4 + ((size_t)T / CP_PACK_BLOCK + Nn + 1) * 9, at = 0;
    uint8_t *buf = malloc(cap);
    size_t *offs = malloc(((size_t)Nn + 1) * sizeof(size_t));
    uint32_t out[CP_PACK_BLOCK], cnt, b, n;
    double t0;
    for (n = 0; n < Nn; n++) {
      size_t l;
      uint32_t k = po[n + 1] - po[n];
      offs[n] = at;
      cp_pack_encode(pp + po[n], k, CP_PACK_ASC, buf + at, cp_pack_bound(k), &l, NULL);
      at += l;
    }
    offs[Nn] = at;
    t0 = cpu();
    for (n = 0; n < Nn; n++) {
      cp_pack pl;
      cp_pack_open(&pl, buf + offs[n], offs[n + 1] - offs[n], po[n + 1] - po[n], CP_PACK_ASC, NULL);
      for (b = 0; b < pl.nb; b++) {
        cp_pack_block(&pl, b, out, &cnt, NULL);
        sink += out[cnt - 1];
      }
    }
    t_post_dec += cpu() - t0;
    { uint64_t sum = 0; t0 = cpu(); for (i = 0; i < T; i++) sum += pp[i]; sink += sum; t_post_raw += cpu() - t0; }
    n_post_vals += T;
    part(3, "postings (positions per norm)", sec[CP_SEC_POSTO].size + sec[CP_SEC_POST].size,
         sec[CP_SEC_POSTO].size + at);
    free(buf); free(offs);
  }
  { /* spans: (gap, len) bytes as two plain lists */
    const unsigned char *sp = sec[CP_SEC_SPANS].p;
    uint32_t *g = malloc(((size_t)T + 1) * 4), *l = malloc(((size_t)T + 1) * 4);
    for (i = 0; i < T; i++) { g[i] = sp[2 * i]; l[i] = sp[2 * i + 1]; }
    part(4, "token byte spans", sec[CP_SEC_SPANS].size + sec[CP_SEC_SPANC].size + sec[CP_SEC_SPANX].size,
         packed(g, T, CP_PACK_PLAIN) + packed(l, T, CP_PACK_PLAIN)
         + sec[CP_SEC_SPANC].size + sec[CP_SEC_SPANX].size);
    { /* the same, storing a token's length as its difference from its
      ** word type's length (zigzag), almost always 0, and no
      ** checkpoints: a packed block would carry an absolute start */
      const uint32_t *st = (const uint32_t *)sec[CP_SEC_STREAM].p;
      const uint32_t *wo = (const uint32_t *)sec[CP_SEC_WLEXO].p;
      for (i = 0; i < T; i++) {
        int64_t d = (g[i] == CP_SPAN_ESC && l[i] == CP_SPAN_ESC) ? 0
                  : (int64_t)l[i] - (int64_t)(wo[st[i] + 1] - wo[st[i]]);
        l[i] = (uint32_t)(d >= 0 ? 2 * d : -2 * d - 1);
      }
      part(8, "token byte spans, lengths from the lexicon", sec[CP_SEC_SPANS].size
           + sec[CP_SEC_SPANC].size + sec[CP_SEC_SPANX].size,
           packed(g, T, CP_PACK_PLAIN) + packed(l, T, CP_PACK_PLAIN)
           + sec[CP_SEC_SPANX].size + (uint64_t)(T / CP_PACK_BLOCK + 1) * 4);
    }
    free(g); free(l);
  }
  part(5, "sentence + paragraph starts", sec[CP_SEC_SENTS].size + sec[CP_SEC_PARAS].size,
       packed((const uint32_t *)sec[CP_SEC_SENTS].p, nsents, CP_PACK_ASC)
       + packed((const uint32_t *)sec[CP_SEC_PARAS].p, nparas, CP_PACK_ASC));
  { /* stored text: format 2.2 stores it in zstd blocks (ztext.c)
    ** already, so the part is the section as it is; then the cost of
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
      fprintf(stderr, "%s: stored text does not open (format 2.2 expected)\n", path);
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
    part(6, "stored text (zstd blocks)", sec[CP_SEC_TEXT].size, sec[CP_SEC_TEXT].size);
    cp_ztcache_free(&c);
    cp_zt_close(&zt);
    free(ends);
  }
  /* stored layers and span sets (s, p, ...), as stored */
  part(9, "layers and span sets (ATTRS), as stored", sec[CP_SEC_ATTRS].size,
       sec[CP_SEC_ATTRS].size);
  { /* everything else at its stored size */
    static const int rest[] = {CP_SEC_WLEXO, CP_SEC_WLEXS, CP_SEC_NLEXO, CP_SEC_NLEXS,
      CP_SEC_SLEXO, CP_SEC_SLEXS, CP_SEC_WNORM, CP_SEC_NSTEM, CP_SEC_WFLAGS,
      CP_SEC_WFREQ, CP_SEC_NFREQ, CP_SEC_SFREQ, CP_SEC_SNORMO, CP_SEC_SNORM,
      CP_SEC_DOCS, CP_SEC_DOCSTR, CP_SEC_BYID, CP_SEC_SCHEMA, CP_SEC_BLKSUM};
    for (i = 0; i < sizeof(rest) / sizeof(*rest); i++) other += sec[rest[i]].size;
    part(7, "lexicons, maps, frequencies, documents", other, other);
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
    if (i == 1 || i == 8) continue;
    raw += tot_raw[i]; pk += tot_pk[i];
  }
  alt = pk - tot_pk[4] + tot_pk[8];   /* with the derived lengths */
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
