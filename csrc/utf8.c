/*
** utf8.c -- UTF-8 validation and repair (U+FFFD substitution of
** maximal subparts, Unicode 15.0 ch. 3.9).
*/
#include <stdlib.h>
#include <string.h>

#include "tok.h"
#include "utf8.h"

/*
** Bounds of the second byte for each lead byte (Table 3-7): the only
** place where the ranges differ from 80..BF.  A lead outside C2..F4
** starts no sequence at all.
*/
static int second_range (unsigned c, unsigned *lo, unsigned *hi, size_t *len) {
  *lo = 0x80; *hi = 0xBF;
  if (c >= 0xC2 && c <= 0xDF) *len = 2;
  else if (c >= 0xE0 && c <= 0xEF) {
    *len = 3;
    if (c == 0xE0) *lo = 0xA0;
    else if (c == 0xED) *hi = 0x9F;   /* no surrogates */
  }
  else if (c >= 0xF0 && c <= 0xF4) {
    *len = 4;
    if (c == 0xF0) *lo = 0x90;        /* no overlongs */
    else if (c == 0xF4) *hi = 0x8F;   /* nothing above U+10FFFF */
  }
  else return 0;
  return 1;
}

/*
** Length of the maximal subpart at s: how many bytes, starting at a
** lead byte, agree with some well-formed sequence.  'full' is set when
** those bytes form a complete sequence.
*/
static size_t subpart (const unsigned char *s, size_t n, int *full) {
  unsigned lo, hi;
  size_t len, i;
  *full = 0;
  if (s[0] < 0x80) { *full = 1; return 1; }
  if (!second_range(s[0], &lo, &hi, &len)) return 1;
  if (n < 2 || s[1] < lo || s[1] > hi) return 1;
  for (i = 2; i < len; i++)
    if (i >= n || (s[i] & 0xC0) != 0x80) return i;
  *full = 1;
  return len;
}

size_t cp_utf8_seqlen (const unsigned char *s, size_t n) {
  int full;
  size_t l;
  if (n == 0) return 0;
  l = subpart(s, n, &full);
  return full ? l : 0;
}

size_t cp_utf8_validlen (const char *str, size_t n) {
  const unsigned char *s = (const unsigned char *)str;
  size_t i = 0;
  while (i < n) {
    /* ASCII fast path: 8 bytes per step while no high bit is set */
    while (i + 8 <= n) {
      uint64_t w;
      memcpy(&w, s + i, 8);
      if (w & UINT64_C(0x8080808080808080)) break;
      i += 8;
    }
    if (i >= n) break;
    if (s[i] < 0x80) { i++; continue; }
    {
      size_t l = cp_utf8_seqlen(s + i, n - i);
      if (l == 0) return i;
      i += l;
    }
  }
  return n;
}

int cp_utf8_repair (const char *str, size_t n, char **out, size_t *outlen,
                    size_t *ninvalid, cp_err *err) {
  const unsigned char *s = (const unsigned char *)str;
  size_t i, o, bad = 0, cap;
  char *buf;
  if (out == NULL || outlen == NULL || ninvalid == NULL)
    return cp_err_set(err, CP_EINVAL, "cp_utf8_repair: NULL result pointer");
  *out = NULL; *outlen = 0; *ninvalid = 0;
  if (str == NULL && n > 0)
    return cp_err_set(err, CP_EINVAL, "cp_utf8_repair: NULL text");
  if (n == 0) return CP_OK;
  i = cp_utf8_validlen(str, n);
  if (i == n) return CP_OK;
  /* each remaining byte becomes at most 3 (one U+FFFD) */
  if ((n - i) > (SIZE_MAX - 1 - i) / 3)
    return cp_err_set(err, CP_ENOMEM, "cp_utf8_repair: text too large");
  cap = i + (n - i) * 3 + 1;
  buf = malloc(cap);
  if (buf == NULL)
    return cp_err_set(err, CP_ENOMEM, "cp_utf8_repair: out of memory");
  memcpy(buf, s, i);
  o = i;
  while (i < n) {
    int full;
    size_t l = subpart(s + i, n - i, &full);
    if (full) {
      memcpy(buf + o, s + i, l);
      o += l;
    }
    else {
      buf[o++] = (char)0xEF; buf[o++] = (char)0xBF; buf[o++] = (char)0xBD;
      bad++;
    }
    i += l;
  }
  buf[o] = '\0';
  *out = buf; *outlen = o; *ninvalid = bad;
  return CP_OK;
}
