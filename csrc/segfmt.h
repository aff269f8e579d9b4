/*
** segfmt.h -- constants of the segment image shared by the writer
** (segw.c) and the reader (seg.c).  The format itself is specified in
** the comment at the top of seg.c and in docs/FORMAT.md.
*/
#ifndef CP_SEGFMT_H
#define CP_SEGFMT_H

#include <stdint.h>
#include <string.h>

#include "pack.h"   /* the layouts of the packed lists, CP_SEG_PK_* */

#define CP_SEG_MAGIC      "CPSEG\0\r\n"   /* 8 bytes */
#define CP_SEG_VERSION    2u
#define CP_SEG_MINOR      4u   /* 2.1: BLKSUM, lazy checks; 2.2: zstd text;
                                  2.3: stream and postings packed;
                                  2.4: tables, lexicons, ids packed */
#define CP_SEG_BOM        0x01020304u     /* reads as 04 03 02 01 */
#define CP_SEG_FIXED      80u             /* fixed header bytes */
#define CP_SEG_SECENT     32u             /* bytes per section entry */
#define CP_SEG_DOCREC     48u             /* bytes per DOCS record */
#define CP_SEG_MAXSECS    64u

/* largest number of tokens a segment may hold: positions and counts
** are uint32 and UINT32_MAX is kept free as "none" */
#define CP_SEG_MAXTOK     (UINT32_MAX - 1u)

/* section ids; the lexicon of layer L is LEXO(L)/LEXS(L) */
enum {
  CP_SEC_WLEXO = 1, CP_SEC_WLEXS, CP_SEC_NLEXO, CP_SEC_NLEXS,
  CP_SEC_SLEXO, CP_SEC_SLEXS,
  CP_SEC_WNORM, CP_SEC_NSTEM, CP_SEC_WFLAGS,
  CP_SEC_WFREQ, CP_SEC_NFREQ, CP_SEC_SFREQ,
  CP_SEC_SNORMO, CP_SEC_SNORM,
  CP_SEC_STREAM, CP_SEC_POSTO, CP_SEC_POST, CP_SEC_SPANS,
  CP_SEC_SENTS, CP_SEC_PARAS,
  CP_SEC_DOCS, CP_SEC_DOCSTR, CP_SEC_TEXT, CP_SEC_BYID,
  CP_SEC_SPANC, CP_SEC_SPANX,
  CP_SEC_SCHEMA, CP_SEC_ATTRS,   /* format 2: named layers and span sets */
  CP_SEC_BLKSUM,                 /* format 2.1: checksums per 64 KiB block */
  CP_SEC_WRANK,                  /* format 2.3: word id per frequency rank */
  CP_SEC_FIELDS,                 /* 31, optional: field token streams (segfield.c) */
  CP_SEC_COUNT   /* one past the last id */
};

#define CP_SEC_LEXO(layer) (CP_SEC_WLEXO + 2 * (layer))
#define CP_SEC_LEXS(layer) (CP_SEC_WLEXS + 2 * (layer))
#define CP_SEC_FREQ(layer) (CP_SEC_WFREQ + (layer))

/* the sections BLKSUM covers block by block, in this order: those read
** in small ranges (a postings list, a document's id or tokens, a token's
** span),
** so that a read checks only the blocks it touches.  TEXT (zstd blocks,
** ztext.c) carries a checksum per block of its own. */
#define CP_SEG_NBLKSECS 5
static inline int cp_seg_blksec (int i) {
  switch (i) {
    case 0: return CP_SEC_POST;   case 1: return CP_SEC_SPANS;
    case 2: return CP_SEC_SPANC;  case 3: return CP_SEC_DOCSTR;
    default: return CP_SEC_STREAM;
  }
}

/* layer kinds in SCHEMA: the three built-in layers (sections 1-17),
** then stored layers (parts in ATTRS) */
enum { CP_LK_WORD = 0, CP_LK_NORM = 1, CP_LK_STEM = 2, CP_LK_STORED = 3 };

/* header field offsets */
enum {
  CP_H_MAGIC = 0, CP_H_VERSION = 8, CP_H_BOM = 12, CP_H_HDRSIZE = 16,
  CP_H_NSECS = 20, CP_H_NDOCS = 24, CP_H_NTOK = 28, CP_H_NTYPES = 32,
  CP_H_NSENTS = 44, CP_H_NPARAS = 48, CP_H_MINOR = 52,
  CP_H_INVALID = 56, CP_H_TEXTBYTES = 64, CP_H_SIZE = 72
};

/* DOCS record field offsets */
enum {
  CP_D_TOKSTART = 0, CP_D_TOKCOUNT = 4, CP_D_TEXTOFF = 8, CP_D_TEXTLEN = 16,
  CP_D_IDOFF = 24, CP_D_IDLEN = 32, CP_D_METALEN = 36, CP_D_METAOFF = 40
};

/* token spans: (gap, len) byte pairs, an absolute start every
** CP_SPAN_EVERY tokens, and (pos, start, stop) triples for tokens whose
** gap or length does not fit a byte (both bytes are CP_SPAN_ESC) */
#define CP_SPAN_SHIFT 4u
#define CP_SPAN_EVERY (1u << CP_SPAN_SHIFT)
#define CP_SPAN_ESC   255u

/* the layouts of the packed lists (pack.h) in each place, format 2.4:
** lists read by block index keep a table of block ends (ENDS), lists
** only decoded whole have none (SEQ) */
#define CP_SEG_PK_STREAM (CP_PACK_PLAIN | CP_PACK_ENDS)   /* STREAM */
#define CP_SEG_PK_SPANS  (CP_PACK_PLAIN | CP_PACK_ENDS)   /* GAPS, LENS */
#define CP_SEG_PK_POST   (CP_PACK_ASC | CP_PACK_SEQ)      /* each list */
#define CP_SEG_PK_STARTS (CP_PACK_ASC | CP_PACK_SEQ)      /* SENTS, PARAS */
#define CP_SEG_PK_PART   (CP_PACK_PLAIN | CP_PACK_SEQ)    /* span sets, tables */

/* word flags */
#define CP_WF_PUNCT 1u

/* the format is little-endian; this implementation reads arrays in
** place, so it needs a little-endian host */
static inline int cp_seg_host_le (void) {
  uint32_t x = CP_SEG_BOM;
  unsigned char b[4];
  memcpy(b, &x, 4);
  return b[0] == 0x04 && b[3] == 0x01;
}

static inline uint32_t cp_rd32 (const unsigned char *p) {
  uint32_t x;  memcpy(&x, p, 4);  return x;
}
static inline uint64_t cp_rd64 (const unsigned char *p) {
  uint64_t x;  memcpy(&x, p, 8);  return x;
}
static inline void cp_wr32 (unsigned char *p, uint32_t x) { memcpy(p, &x, 4); }
static inline void cp_wr64 (unsigned char *p, uint64_t x) { memcpy(p, &x, 8); }

/* section table entry k (0-based) of the image at b: section 'id' at
** 'off', 'size' bytes, its XXH64 'sum' */
static inline void cp_seg_put_secent (unsigned char *b, uint32_t k, uint32_t id,
                                      uint64_t off, uint64_t size,
                                      uint64_t sum) {
  unsigned char *e = b + CP_SEG_FIXED + CP_SEG_SECENT * k;
  cp_wr32(e, id);
  cp_wr32(e + 4, 0);
  cp_wr64(e + 8, off);
  cp_wr64(e + 16, size);
  cp_wr64(e + 24, sum);
}

#endif
