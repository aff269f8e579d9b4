/*
** pack.h -- block codec for lists of u32: postings (ascending
** positions) and id streams, bit-packed in blocks of CP_PACK_BLOCK
** values with skip data per block.  Format and rationale: pack.c.
**
** Encoding needs a buffer of cp_pack_bound(n) bytes.  Reading is
** fuzz-friendly: cp_pack_open and cp_pack_block accept any bytes and
** never read outside [p, p + len); damaged input gives CP_ECORRUPT.
*/
#ifndef CP_PACK_H
#define CP_PACK_H

#include <stddef.h>
#include <stdint.h>

#include "cp.h"

#define CP_PACK_BLOCK 128u

/* what a list holds: any values, or strictly ascending ones
** (positions), stored as gaps; or'ed with at most one layout flag:
** CP_PACK_ENDS (PLAIN only) a skip table of block ends without the
** 'last' values, CP_PACK_SEQ no skip table (the list is only decoded
** whole: cp_pack_decode; cp_pack_block reads block 0 only) */
enum { CP_PACK_PLAIN = 0, CP_PACK_ASC = 1, CP_PACK_SEQ = 2, CP_PACK_ENDS = 4 };

/* most bytes cp_pack_encode writes for n values */
size_t cp_pack_bound (uint32_t n);

/* encode v[0..n) into out (cap bytes, >= cp_pack_bound(n) is always
** enough); *len gets the bytes written.  CP_EINVAL when an ASC list is
** not strictly ascending or out is too small. */
int cp_pack_encode (const uint32_t *v, uint32_t n, int mode,
                    uint8_t *out, size_t cap, size_t *len, cp_err *err);

/*
** A list encoded block by block, for writers that make its values as
** they go (no array of all n values): cp_packw_begin, then
** cp_packw_put for each block in order (CP_PACK_BLOCK values, the rest
** in the last), then cp_packw_end.  The bytes are cp_pack_encode's for
** the whole list; out must hold cp_pack_bound(n) bytes.
*/
typedef struct cp_packw {
  uint8_t *out;
  size_t tab, pos;          /* skip table bytes; bytes written so far */
  uint32_t n, nb, b;        /* values, blocks, the next block */
  uint32_t prev;            /* ASC: the last value put */
  int mode;
} cp_packw;

int cp_packw_begin (cp_packw *w, uint32_t n, int mode, uint8_t *out,
                    size_t cap, cp_err *err);
int cp_packw_put (cp_packw *w, const uint32_t *v, uint32_t count,
                  cp_err *err);
/* *len gets the list's bytes; CP_EINVAL unless every block was put */
int cp_packw_end (cp_packw *w, size_t *len, cp_err *err);

/* a reader over one encoded list (borrows the bytes) */
typedef struct cp_pack {
  const uint8_t *skip;      /* nb > 1: nb entries (u32 last, u32 end) */
  const uint8_t *data;      /* the blocks */
  size_t datalen;
  uint32_t n, nb;           /* values, blocks */
  int mode;
} cp_pack;

/* open the list of n values in [p, p + len): checks the skip table
** (O(blocks)), not the blocks */
int cp_pack_open (cp_pack *l, const void *p, size_t len, uint32_t n,
                  int mode, cp_err *err);

/* bytes of the skip table, and block b's bytes [*off, *off + *len)
** counted from the start of the list (for block checksums); a SEQ list
** of several blocks gives the whole data for every block */
size_t cp_pack_table (const cp_pack *l);
void cp_pack_extent (const cp_pack *l, uint32_t b, uint64_t *off,
                     uint64_t *len);

/* values in block b (CP_PACK_BLOCK, fewer in the last block) */
uint32_t cp_pack_count (const cp_pack *l, uint32_t b);

/* decode block b into out[0..*count); checks the block against its
** skip entry */
int cp_pack_block (const cp_pack *l, uint32_t b,
                   uint32_t out[CP_PACK_BLOCK], uint32_t *count,
                   cp_err *err);

/* skip data: the last value of block b (ASC) or its largest (PLAIN);
** known without decoding only when the list has several blocks:
** returns 0 when not known */
int cp_pack_last (const cp_pack *l, uint32_t b, uint32_t *last);

/* the first block that can hold a value >= target (ASC): a binary
** search over the skip data; nb when every value is smaller.  A list
** of one block gives 0 (decode it to know). */
uint32_t cp_pack_seek (const cp_pack *l, uint32_t target);

/* value i, decoding its block (callers that read runs use
** cp_pack_block) */
int cp_pack_get (const cp_pack *l, uint32_t i, uint32_t *v, cp_err *err);

/* every value into out[0..n) */
int cp_pack_decode (const cp_pack *l, uint32_t *out, cp_err *err);

/*
** A cursor over an ascending list, for intersections and phrases: it
** decodes a block only when it needs a value from it, and cp_pack_seek_geq
** jumps over whole blocks by their skip data.  Errors (CP_ECORRUPT from
** a damaged block) are returned, never turned into an early end.
*/
typedef struct cp_pack_cursor {
  const cp_pack *l;
  uint32_t block, idx, count;   /* current block, index in it, its values */
  uint32_t decoded;             /* blocks decoded so far (for tests, stats) */
  int valid;                    /* 0 before the first value and at the end */
  uint32_t v[CP_PACK_BLOCK];
} cp_pack_cursor;

/* position the cursor on the list's first value (*end set when empty) */
int cp_pack_first (cp_pack_cursor *c, const cp_pack *l, int *end, cp_err *err);

/* the value under the cursor (valid only while not at the end) */
static inline uint32_t cp_pack_value (const cp_pack_cursor *c) {
  return c->v[c->idx];
}

/* move to the next value; *end set past the last */
int cp_pack_next (cp_pack_cursor *c, int *end, cp_err *err);

/* move forward to the first value >= target (never backward); *end set
** when there is none */
int cp_pack_seek_geq (cp_pack_cursor *c, uint32_t target, int *end,
                      cp_err *err);

#endif
