/*
** utf8.h -- UTF-8 helpers shared inside the tokenizer (not part of the
** public contract; cp_utf8_repair in tok.h is).
*/
#ifndef CP_UTF8_H
#define CP_UTF8_H

#include <stddef.h>
#include <stdint.h>

/*
** Length of the well-formed UTF-8 sequence at s[0..n) (n >= 1), or 0 if
** s[0] does not start one.  Follows Unicode Table 3-7, so overlongs,
** surrogates and code points above U+10FFFF are rejected.
*/
size_t cp_utf8_seqlen (const unsigned char *s, size_t n);

/*
** Length of the longest valid prefix of s[0..n).  Runs 8 bytes at a
** time over ASCII.
*/
size_t cp_utf8_validlen (const char *s, size_t n);

/*
** Decode one code point at s[0..n) (n >= 1) without trusting the
** input: a byte that does not start a well-formed sequence decodes as
** U+FFFD of length 1.  *len gets the number of bytes used.
*/
static inline uint32_t cp_utf8_decode (const unsigned char *s, size_t n,
                                       size_t *len) {
  unsigned c = s[0];
  if (c < 0x80) { *len = 1; return c; }
  if (c >= 0xC2 && c <= 0xDF && n >= 2 && (s[1] & 0xC0) == 0x80) {
    *len = 2;
    return ((uint32_t)(c & 0x1F) << 6) | (s[1] & 0x3F);
  }
  {
    size_t l = cp_utf8_seqlen(s, n);
    if (l == 3) {
      *len = 3;
      return ((uint32_t)(c & 0x0F) << 12) | ((uint32_t)(s[1] & 0x3F) << 6)
             | (s[2] & 0x3F);
    }
    if (l == 4) {
      *len = 4;
      return ((uint32_t)(c & 0x07) << 18) | ((uint32_t)(s[1] & 0x3F) << 12)
             | ((uint32_t)(s[2] & 0x3F) << 6) | (s[3] & 0x3F);
    }
  }
  *len = 1;
  return 0xFFFD;
}

#endif
