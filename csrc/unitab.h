/*
** unitab.h -- per code point Unicode properties the tokenizer needs:
** Word_Break and Sentence_Break (UAX #29), Extended_Pictographic,
** "word character" (General_Category L*, N*, M*) and "space"
** (White_Space, Cc or Cf).  The tables are generated from the UCD by
** tools/gen_unicode.lua into unitab.c (committed, so building needs no
** UCD files).
**
** Lookup is two-stage: cp_uni_stage1[cp >> 7] names a block of 128
** one-byte entries in cp_uni_stage2, and each entry indexes the distinct
** property words in cp_uni_props.
*/
#ifndef CP_UNITAB_H
#define CP_UNITAB_H

#include <stdint.h>

/* Word_Break values (order fixed by tools/gen_unicode.lua) */
enum cp_wb {
  CP_WB_OTHER, CP_WB_CR, CP_WB_LF, CP_WB_NEWLINE, CP_WB_EXTEND, CP_WB_ZWJ,
  CP_WB_RI, CP_WB_FORMAT, CP_WB_KATAKANA, CP_WB_HL, CP_WB_ALETTER,
  CP_WB_SQ, CP_WB_DQ, CP_WB_MIDNUMLET, CP_WB_MIDLETTER, CP_WB_MIDNUM,
  CP_WB_NUMERIC, CP_WB_EXTENDNUMLET, CP_WB_WSEGSPACE
};

/* Sentence_Break values (order fixed by tools/gen_unicode.lua) */
enum cp_sb {
  CP_SB_OTHER, CP_SB_CR, CP_SB_LF, CP_SB_EXTEND, CP_SB_SEP, CP_SB_FORMAT,
  CP_SB_SP, CP_SB_LOWER, CP_SB_UPPER, CP_SB_OLETTER, CP_SB_NUMERIC,
  CP_SB_ATERM, CP_SB_SCONTINUE, CP_SB_STERM, CP_SB_CLOSE
};

/* property word layout */
#define CP_UNI_WB(p)      ((p) & 0x1f)
#define CP_UNI_SB(p)      (((p) >> 5) & 0xf)
#define CP_UNI_EXTPICT    (1u << 9)
#define CP_UNI_WORD       (1u << 10)
#define CP_UNI_SPACE      (1u << 11)

extern const uint16_t cp_uni_props[];
extern const uint16_t cp_uni_stage1[];
extern const uint8_t cp_uni_stage2[];
extern const uint16_t cp_uni_ascii[128];  /* property words of U+0000..U+007F */

/* property word of a code point; anything above U+10FFFF reads as 0 */
static inline unsigned cp_uni_prop (uint32_t c) {
  if (c >= 0x110000) return 0;
  return cp_uni_props[cp_uni_stage2[((uint32_t)cp_uni_stage1[c >> 7] << 7)
                                    | (c & 127)]];
}

#endif
