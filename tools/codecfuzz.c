/*
** codecfuzz.c -- fuzz entry for the block codecs: any bytes fed to the
** readers of pack.c, ztext.c and blksum.c must give values or
** CP_ECORRUPT, never a crash or a read out of bounds (run it under
** ASan+UBSan).  Two ways to run it:
**
**   libFuzzer (clang):
**     clang -g -O1 -fsanitize=fuzzer,address,undefined -DCODECFUZZ_LIBFUZZER \
**       -Icsrc tools/codecfuzz.c csrc/pack.c csrc/ztext.c csrc/blksum.c \
**       csrc/cp.c -lxxhash -lzstd -o build/codecfuzz && build/codecfuzz
**   standalone (gcc), random inputs and damaged valid encodings:
**     cc -g -O1 -fsanitize=address,undefined -Icsrc tools/codecfuzz.c \
**       csrc/pack.c csrc/ztext.c csrc/blksum.c csrc/cp.c -lxxhash -lzstd \
**       -o build/codecfuzz && build/codecfuzz [iterations]
**
** The first input byte picks the reader and the list mode; the next four
** the value count (packed lists); the rest is the encoding.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "blksum.h"
#include "pack.h"
#include "ztext.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static volatile uint32_t sink;

static void fuzz_pack (const uint8_t *p, size_t len, uint32_t n, int mode) {
  cp_pack l;
  uint32_t out[CP_PACK_BLOCK], cnt, b;
  if (cp_pack_open(&l, p, len, n, mode, NULL) != CP_OK) return;
  for (b = 0; b < l.nb; b++)
    if (cp_pack_block(&l, b, out, &cnt, NULL) == CP_OK) sink += out[cnt - 1];
  sink += cp_pack_seek(&l, n);
}

static void fuzz_ztext (const uint8_t *p, size_t len) {
  cp_zt z;
  cp_ztcache c;
  const char *t;
  uint64_t off;
  if (cp_zt_open(&z, p, len, NULL) != CP_OK) return;
  cp_ztcache_init(&c);
  for (off = 0; off < z.rawsize && off < 4 * CP_ZT_BLOCK; off += 997) {
    size_t n = (size_t)(z.rawsize - off < 3000 ? z.rawsize - off : 3000);
    if (cp_zt_read(&z, &c, off, n, &t, NULL) == CP_OK && n > 0)
      sink += (unsigned char)t[n - 1];
  }
  cp_zt_check(&z, NULL);
  cp_ztcache_free(&c);
  cp_zt_close(&z);
}

static void fuzz_blksum (const uint8_t *p, size_t len) {
  /* the longest region whose table fits in the rest */
  size_t half = len;
  cp_blksum b;
  while (half > 0 && half + 8 * cp_blksum_count(half) > len) half--;
  if (cp_blksum_open(&b, p, half, p + half, len - half, NULL) != CP_OK) return;
  cp_blksum_need(&b, 0, half, NULL);
  cp_blksum_check(&b, NULL);
  cp_blksum_close(&b);
}

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size) {
  uint32_t n;
  if (size < 5) return 0;
  memcpy(&n, data + 1, 4);
  n %= 1u << 16;
  switch (data[0] % 4) {
    case 0: fuzz_pack(data + 5, size - 5, n, CP_PACK_PLAIN); break;
    case 1: fuzz_pack(data + 5, size - 5, n, CP_PACK_ASC); break;
    case 2: fuzz_ztext(data + 5, size - 5); break;
    default: fuzz_blksum(data + 5, size - 5); break;
  }
  return 0;
}

#ifndef CODECFUZZ_LIBFUZZER
static unsigned long long rs = 88172645463325252ull;
static unsigned long long rnd (void) {   /* xorshift64 */
  rs ^= rs << 13;  rs ^= rs >> 7;  rs ^= rs << 17;
  return rs;
}

/* a valid input of kind k (0..3) in buf (cap bytes); its length */
static size_t valid (int k, uint8_t *buf, size_t cap) {
  uint32_t v[3000], n = (uint32_t)(rnd() % 3000), i, x = 0;
  size_t len = 0;
  buf[0] = (uint8_t)k;
  memcpy(buf + 1, &n, 4);
  if (k <= 1) {
    for (i = 0; i < n; i++) {
      x += 1 + (uint32_t)(rnd() % (1u << (rnd() % 20)));
      v[i] = (k == 1) ? x : (uint32_t)(rnd() >> (rnd() % 64));
    }
    if (cp_pack_encode(v, n, k, buf + 5, cap - 5, &len, NULL) != CP_OK) return 0;
  }
  else if (k == 2) {
    char text[40000];
    uint64_t ends[20];
    uint8_t *img = NULL;
    for (i = 0; i < sizeof(text); i++) text[i] = "the peace of nations "[rnd() % 21];
    for (i = 0; i < 20; i++) ends[i] = (i + 1) * 2000;
    if (cp_zt_encode(text, ends, 20, 4096, 1, &img, &len, NULL) != CP_OK) return 0;
    if (len > cap - 5) len = cap - 5;
    memcpy(buf + 5, img, len);
    free(img);
  }
  else {
    size_t r = 2 * CP_BLKSUM_BLOCK + 100;
    for (i = 0; i < r; i++) buf[5 + i] = (uint8_t)rnd();
    cp_blksum_build(buf + 5, r, buf + 5 + r);
    len = r + 8 * cp_blksum_count(r);
  }
  return len + 5;
}

int main (int argc, char **argv) {
  long iters = (argc > 1) ? atol(argv[1]) : 20000, it;
  size_t cap = 1 << 18;
  uint8_t *buf = malloc(cap), *dam = malloc(cap);
  for (it = 0; it < iters; it++) {
    size_t len = valid((int)(it % 4), buf, cap), k, nd;
    if (len <= 5) continue;
    memcpy(dam, buf, len);
    nd = 1 + rnd() % 8;
    for (k = 0; k < nd; k++) dam[5 + rnd() % (len - 5)] ^= (uint8_t)(1u << (rnd() % 8));
    if (rnd() % 10 == 0) len = 5 + rnd() % (len - 5);
    LLVMFuzzerTestOneInput(dam, len);
  }
  free(buf); free(dam);
  printf("codecfuzz: %ld inputs, no crash\n", iters);
  return 0;
}
#endif
