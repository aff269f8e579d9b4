/*
** lxscan.h -- skipping the tokens an extractor has no use for.  The
** quotation, date and number runs each look at one token in five or
** fewer (marks, cue verbs, month names, digits, ...) and decide it on
** the token's facts (lexicon.h cp_lxtok): its shape bits, its dash and
** its lexicon flags.  Testing the three fields token by token was most
** of those runs; here they are one 8-byte word, tested with one mask.
*/
#ifndef CP_LXSCAN_H
#define CP_LXSCAN_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "lexicon.h"

/* the 8 bytes of a cp_lxtok from its shape on: shape, dash and flags
** (and padding, which a mask never has bits of) */
#define CP_LXSCAN_OFF offsetof(cp_lxtok, shape)

/* the three fields fit in those 8 bytes (shape after the pointer,
** flags 4 bytes after it, on LP64 and ILP32 alike): a layout they do
** not fit does not compile */
typedef char cp_lxscan_fits[offsetof(cp_lxtok, flags) + sizeof(uint32_t)
                            - CP_LXSCAN_OFF <= sizeof(uint64_t) ? 1 : -1];

/* the mask of shape bits sh, any dash (dash != 0) and lexicon flags fl,
** as cp_lxscan_word reads a token */
static inline uint64_t cp_lxscan_mask (unsigned sh, int dash, uint32_t fl) {
  cp_lxtok t;
  uint64_t m = 0;
  memset(&t, 0, sizeof t);
  t.shape = (uint16_t)sh;
  t.dash = dash ? 0xFF : 0;
  t.flags = fl;
  memcpy(&m, (const char *)&t + CP_LXSCAN_OFF, sizeof m);
  return m;
}

/* the 8 bytes of token p that a mask tests */
static inline uint64_t cp_lxscan_word (const cp_lxtok *p) {
  uint64_t w;
  memcpy(&w, (const char *)p + CP_LXSCAN_OFF, sizeof w);
  return w;
}

/* the first token of lx[i..n) with any bit of mask m (n if none); four
** tokens a test while none of them has one, as most have none */
static inline size_t cp_lxscan_next (const cp_lxtok *lx, size_t i, size_t n,
                                     uint64_t m) {
  const cp_lxtok *p = lx + i, *e = lx + n;
  while (e - p >= 4 && !((cp_lxscan_word(p) | cp_lxscan_word(p + 1) | cp_lxscan_word(p + 2)
                          | cp_lxscan_word(p + 3)) & m))
    p += 4;
  while (p < e && !(cp_lxscan_word(p) & m)) p++;
  return (size_t)(p - lx);
}

#endif
