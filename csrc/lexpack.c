/*
** lexpack.c -- a sorted string table (a lexicon: offsets and bytes)
** front-coded and compressed with zstd, for format 2.4's lexicons.
**
** {================================================================
** PACKED LEXICON  (also in docs/FORMAT.md)
**
**   0  u64  S, the bytes of the strings (the plain LEXS size)
**   8  u64  F, the bytes of the front-coded list below
**  16       one zstd frame holding those F bytes, or (when that
**           would not be smaller, or would expand more than 256 to 1)
**           the F bytes themselves: the size tells which
** The front-coded list has one entry per string, in order:
**   u8      bytes shared with the previous string (0 for the first;
**           at most 255, and at most the previous string's length)
**   varint  bytes that follow (LEB128: 7 bits a byte, low first,
**           at most 5 bytes, < 2^32)
**   bytes   those bytes
** The count n of strings is the section's or part's own (the type
** count of the layer); decoding gives the plain layout of format 2.3,
** u32 offsets[n + 1] and the S bytes, which is what the reader keeps.
** }================================================================
**
** Why: the strings of a sorted lexicon share long prefixes with their
** neighbours and are made of few letters; on the UN debates the three
** lexicons took 2.1 MB as offsets and bytes, 0.3 MB front-coded and
** compressed.  A lexicon is read whole at open (every lookup needs it),
** so it needs no random access: one frame.  Why bounds on S and F: the
** reader allocates them before it knows the frame is sound, so F must
** be the frame's content size and under 256 times the compressed
** bytes (front-coded lexicons compress 2-4 to 1), S what n entries
** can hold; a list that compresses better is stored as it is.
*/
#include <stdlib.h>
#include <string.h>

#include <zstd.h>

#include "lexpack.h"
#include "segfmt.h"

/* zstd level: 3, because 9 made the lexicons cost 3% of a 10 MB build
** (callgrind) for 40 KB less on the UN debates (90.61 -> 90.57 MB) */
#define LEX_LEVEL 3

static int corrupt (cp_err *err, const char *what) {
  return cp_err_set(err, CP_ECORRUPT, "corrupt segment: packed lexicon: %s",
                    what);
}

static size_t put_varint (unsigned char *p, uint32_t x) {
  size_t n = 0;
  while (x >= 0x80) { p[n++] = (unsigned char)(x | 0x80);  x >>= 7; }
  p[n++] = (unsigned char)x;
  return n;
}

int cp_lex_pack (const uint32_t *lexo, const char *lexs, uint32_t n,
                 unsigned char **out, size_t *len, cp_err *err) {
  size_t cap = 16, fl = 0, zb, zl;
  unsigned char *fc, *o;
  uint32_t i;
  if (lexo == NULL || (lexs == NULL && lexo[n] > 0) || out == NULL || len == NULL)
    return cp_err_set(err, CP_EINVAL, "cp_lex_pack: bad arguments");
  for (i = 0; i < n; i++) {
    if (lexo[i + 1] < lexo[i])
      return cp_err_set(err, CP_EINVAL, "cp_lex_pack: offsets decrease");
    cap += 6 + (size_t)(lexo[i + 1] - lexo[i]);
  }
  if ((fc = (unsigned char *)malloc(cap)) == NULL)
    return cp_err_set(err, CP_ENOMEM, "out of memory packing a lexicon");
  for (i = 0; i < n; i++) {
    const char *s = lexs + lexo[i];
    uint32_t sl = lexo[i + 1] - lexo[i], k = 0;
    if (i > 0) {
      const char *p = lexs + lexo[i - 1];
      uint32_t pl = lexo[i] - lexo[i - 1], m = pl < sl ? pl : sl;
      if (m > 255) m = 255;
      while (k < m && p[k] == s[k]) k++;
    }
    fc[fl++] = (unsigned char)k;
    fl += put_varint(fc + fl, sl - k);
    memcpy(fc + fl, s + k, sl - k);
    fl += sl - k;
  }
  zb = ZSTD_compressBound(fl);
  if ((o = (unsigned char *)malloc(16 + zb)) == NULL) {
    free(fc);
    return cp_err_set(err, CP_ENOMEM, "out of memory packing a lexicon");
  }
  zl = ZSTD_compress(o + 16, zb, fc, fl, LEX_LEVEL);
  if (ZSTD_isError(zl) || zl >= fl || fl > CP_LEX_MAXRATIO * (uint64_t)(16 + zl)) {
    memcpy(o + 16, fc, fl);   /* as it is */
    zl = fl;
  }
  free(fc);
  cp_wr64(o, (uint64_t)lexo[n]);
  cp_wr64(o + 8, (uint64_t)fl);
  *out = o;
  *len = 16 + zl;
  return CP_OK;
}

int cp_lex_unpack (const unsigned char *p, size_t len, uint32_t n,
                   uint32_t **lexo, char **lexs, uint64_t *size, cp_err *err) {
  uint64_t S, F, at = 0, so = 0;
  unsigned long long bound;
  unsigned char *fc = NULL;
  uint32_t *o = NULL, i, prev = 0;
  char *b = NULL;
  size_t got;
  if ((p == NULL && len > 0) || lexo == NULL || lexs == NULL || size == NULL)
    return cp_err_set(err, CP_EINVAL, "cp_lex_unpack: bad arguments");
  *lexo = NULL;  *lexs = NULL;  *size = 0;
  if (len < 16) return corrupt(err, "too short");
  S = cp_rd64(p);
  F = cp_rd64(p + 8);
  bound = ZSTD_getFrameContentSize(p + 16, len - 16);
  /* the frame says its size; every entry takes at least 2 bytes and
  ** adds at most 255 shared bytes to its new ones; and the front-coded
  ** list compresses less than CP_LEX_MAXRATIO to 1, so that a few damaged
  ** bytes cannot make the reader allocate gigabytes */
  if (len - 16 == F) bound = F;   /* stored as it is */
  if (bound != F || F > CP_LEX_MAXRATIO * (uint64_t)len || F < 2 * (uint64_t)n ||
      S > F + 255 * (uint64_t)n || S >= UINT32_MAX || F > SIZE_MAX / 2)
    return corrupt(err, "sizes do not fit the frame");
  fc = (unsigned char *)malloc((size_t)F + 1);
  o = (uint32_t *)malloc(((size_t)n + 1) * sizeof(uint32_t));
  b = (char *)malloc((size_t)S + 1);
  if (fc == NULL || o == NULL || b == NULL) {
    free(fc);  free(o);  free(b);
    return cp_err_set(err, CP_ENOMEM, "out of memory reading a lexicon");
  }
  if (len - 16 == F) memcpy(fc, p + 16, (size_t)F);
  else {
    got = ZSTD_decompress(fc, (size_t)F, p + 16, len - 16);
    if (ZSTD_isError(got) || got != F) goto bad;
  }
  for (i = 0; i < n; i++) {
    uint32_t k, rest = 0, sh;
    if (at >= F) goto bad;
    k = fc[at++];
    if (k > prev) goto bad;
    for (sh = 0;; sh += 7) {
      if (at >= F || sh > 28) goto bad;
      rest |= (uint32_t)(fc[at] & 0x7f) << sh;
      if ((fc[at++] & 0x80) == 0) break;
    }
    if (rest > F - at || (uint64_t)k + rest > S - so) goto bad;
    o[i] = (uint32_t)so;
    {   /* byte loops for strings of a few bytes (callgrind counts
        ** about as many instructions as two memcpy calls per string:
        ** 97 against 88 M for the UN debates' lexicons at open) */
      char *d = b + so;
      const char *q = d - prev;
      const unsigned char *f = fc + at;
      uint32_t j;
      for (j = 0; j < k; j++) d[j] = q[j];
      for (j = 0; j < rest; j++) d[k + j] = (char)f[j];
    }
    at += rest;
    so += (uint64_t)k + rest;
    prev = k + rest;
  }
  if (at != F || so != S) goto bad;
  o[n] = (uint32_t)S;
  free(fc);
  *lexo = o;
  *lexs = b;
  *size = S;
  return CP_OK;
bad:
  free(fc);  free(o);  free(b);
  return corrupt(err, "entries do not decode to its sizes");
}
