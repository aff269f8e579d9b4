/*
** bytes8.h -- a short string's bytes as one 64-bit word, the mixing step
** of a hash over such words, and a word's lowest set bit: the names
** (entity.c) and the place table (place.c) hash and compare words eight
** bytes a step, which a byte at a time cost 6% of their runs; the
** tokenizer (tok.c) and the names walk bit masks of 32 or 64 tokens or
** bytes.  Not part of the C API.
*/
#ifndef CP_BYTES8_H
#define CP_BYTES8_H

#include <stdint.h>
#include <string.h>

/* the k bytes at p (1 <= k <= 8) as a number, k of them read: for a
** given k, different bytes give different numbers (overlapping loads
** for k > 4 and k > 2) */
static inline uint64_t cp_b8_load (const char *p, size_t k) {
  uint64_t w;
  uint32_t a, b;
  uint16_t c, d;
  if (k >= 8) { memcpy(&w, p, 8);  return w; }
  if (k >= 4) {
    memcpy(&a, p, 4);
    memcpy(&b, p + k - 4, 4);
    return (uint64_t)a | (uint64_t)b << 32;
  }
  if (k >= 2) {
    memcpy(&c, p, 2);
    memcpy(&d, p + k - 2, 2);
    return (uint64_t)c | (uint64_t)d << 16;
  }
  return (unsigned char)p[0];
}

/* one step of a hash over such words */
static inline uint64_t cp_b8_mix (uint64_t h, uint64_t w) {
  h = (h ^ w) * 0xC2B2AE3D27D4EB4Full;
  return h ^ (h >> 31);
}

/* the index of the lowest bit set in m (m != 0) */
static inline unsigned cp_b8_ctz (uint64_t m) {
#if defined(__GNUC__)
  return (unsigned)__builtin_ctzll(m);
#else
  unsigned k = 0;
  while (!(m & 1)) { m >>= 1;  k++; }
  return k;
#endif
}

#endif
