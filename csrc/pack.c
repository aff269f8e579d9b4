/*
** pack.c -- block codec for u32 lists (postings, id streams).
**
** {================================================================
** PACKED LIST  (also in docs/FORMAT.md)
**
** A list of n values is cut into nb = ceil(n / 128) blocks of 128
** values (the last may hold fewer).  When nb > 1 the list starts with a
** skip table of nb entries of 8 bytes:
**   u32 last   ASC: the block's last value; PLAIN: its largest value
**   u32 end    byte offset, in the data that follows the table, just
**              past the block (strictly increasing; the last = data
**              size)
** so a reader finds the block holding a position (binary search over
** 'last') or the block of value i (i / 128) without decoding anything
** before it.  A list of one block has no table: most types are rare,
** and 8 bytes would double their postings.  Each block is either
**   u8 bits (0..32), then count * bits bits, least significant first,
**   padded with zero bits to a whole byte
** or, when a few values are much wider than the rest (patched frame of
** reference):
**   u8 0x80 | bits (bits 0..31), u8 nexc (1..count), u8 hbits (1..32,
**   bits + hbits <= 32), count * bits bits of low parts (padded to a
**   byte), nexc u8 indexes of the exceptions (strictly ascending,
**   < count), nexc * hbits bits of their high parts (padded): value i
**   = low[i] | high[k] << bits for the exception k at index i.
** PLAIN blocks hold the values; ASC blocks hold gaps: the first value
** of block 0 as is, every other value as (value - previous - 1), the
** previous of a block's first value being the 'last' of the block
** before.  The writer picks, per block, the layout and width that take
** the fewest bytes.
**
** Two leaner layouts (format 2.4), chosen by the caller and recorded by
** the section that holds the list, not in its bytes:
**   ENDS (PLAIN only): the skip table has nb entries of 4 bytes, u32
**     end only, for lists read by block index (the stream, the token
**     spans), where nothing reads 'last';
**   SEQ (PLAIN or ASC): no skip table at all, for lists only ever
**     decoded whole (postings lists, span set parts, tables); each
**     block's size follows from its header, and an ASC block's previous
**     value is the last value of the block decoded before it.
** }================================================================
**
** Why hand-written: Debian packages one integer codec library,
** libstreamvbyte (StreamVByte), whose byte-aligned codes spend at
** least 8 + 2 bits per value.  Position gaps of frequent types need
** 2-7 bits, so bit-packing stores those lists in about half the bytes,
** and the index must fit in the size of its text (issue 8).  The
** format keeps blocks independent, so a SIMD unpacker can replace the
** scalar loop later without changing a byte.
**
** The reader checks what it relies on: the table when a list is opened
** (O(blocks)), and each block against its table entry when decoded
** (width, exact byte size, no overflow, its last value), so any bytes
** give values or CP_ECORRUPT, never a read out of bounds.
*/
#include <string.h>

#include "pack.h"
#include "segfmt.h"

#define SKIPENT 8u

/* skip table bytes per block, and where 'end' sits in an entry */
static size_t stride (int mode) {
  return (mode & CP_PACK_SEQ) ? 0 : (mode & CP_PACK_ENDS) ? 4 : SKIPENT;
}
static size_t endat (int mode) { return (mode & CP_PACK_ENDS) ? 0 : 4; }

/* the modes: PLAIN or ASC, with at most one of SEQ and ENDS (ENDS only
** on PLAIN) */
static int mode_ok (int mode) {
  int base = mode & CP_PACK_ASC, fl = mode & ~CP_PACK_ASC;
  return (fl == 0 || fl == CP_PACK_SEQ || (fl == CP_PACK_ENDS && base == 0))
         && (mode & ~(CP_PACK_ASC | CP_PACK_SEQ | CP_PACK_ENDS)) == 0;
}

static int corrupt (cp_err *err, const char *what) {
  return cp_err_set(err, CP_ECORRUPT, "corrupt packed list: %s", what);
}

static uint32_t nblocks (uint32_t n) {
  return n / CP_PACK_BLOCK + (n % CP_PACK_BLOCK != 0);
}

/* bits of x (0 for 0): the encoder asks it of every value, so a loop
** over the bits was a quarter of a bare build's CPU.  2x + 1 has one
** bit more than x and is never 0: its top bit's index is the answer,
** without the test for 0 */
static uint32_t width (uint32_t x) {
#if defined(__GNUC__)
  return (uint32_t)(63 - __builtin_clzll(((uint64_t)x << 1) | 1));
#else
  uint32_t b = 0;
  while (x >= 256) { b += 8; x >>= 8; }
  while (x != 0) { b++; x >>= 1; }
  return b;
#endif
}

static size_t block_bytes (uint32_t count, uint32_t bits) {
  return 1 + ((size_t)count * bits + 7) / 8;
}

/* bytes of a block with nexc exceptions of hbits high bits */
static size_t patched_bytes (uint32_t count, uint32_t bits, uint32_t nexc,
                             uint32_t hbits) {
  return 3 + ((size_t)count * bits + 7) / 8 + nexc
         + ((size_t)nexc * hbits + 7) / 8;
}

#define PATCHED 0x80u

size_t cp_pack_bound (uint32_t n) {
  uint32_t nb = nblocks(n);
  /* 3 header bytes of a patched block: never chosen over the plain
  ** layout's 1 + 4 * count, so the plain bound holds */
  return (nb > 1 ? (size_t)nb * SKIPENT : 0) + (size_t)nb + (size_t)n * 4;
}

uint32_t cp_pack_count (const cp_pack *l, uint32_t b) {
  if (l == NULL || b >= l->nb) return 0;
  return (b + 1 < l->nb) ? CP_PACK_BLOCK : l->n - b * CP_PACK_BLOCK;
}


/* {================================================================
** Bits
** ================================================================= */

/*
** count values of 'bits' bits each (every value & mask below 2^bits),
** least significant first, into ceil(count * bits / 8) bytes.  The
** values go through a 64-bit accumulator that is stored 4 bytes at a
** time: the byte-at-a-time loop this replaces was most of the
** encoder's time.  Narrow values are first joined four (bits <= 8) or
** two (<= 16) at a time into one of up to 32 bits, the same bits in the
** same order, so the accumulator steps once per group.  'mask' keeps a
** patched block's low bits (put_block), so no pass clears the rest.
*/
static void pack_bits (const uint32_t *v, uint32_t count, uint32_t bits,
                       uint32_t mask, uint8_t *out) {
  uint64_t acc = 0;
  uint32_t nacc = 0, i = 0;
  if (bits == 0) return;
#define PACK_STEP(u, nb) do { \
    acc |= (uint64_t)(u) << nacc;   /* nacc < 32, nb <= 32: fits */ \
    nacc += (nb); \
    if (nacc >= 32) { \
      cp_wr32(out, (uint32_t)acc); \
      out += 4; \
      acc >>= 32; \
      nacc -= 32; \
    } \
  } while (0)
  if (bits <= 8)
    for (; i + 4 <= count; i += 4)
      PACK_STEP((v[i] & mask) | (v[i + 1] & mask) << bits |
                (v[i + 2] & mask) << 2 * bits | (v[i + 3] & mask) << 3 * bits,
                4 * bits);
  else if (bits <= 16)
    for (; i + 2 <= count; i += 2)
      PACK_STEP((v[i] & mask) | (v[i + 1] & mask) << bits, 2 * bits);
  for (; i < count; i++) PACK_STEP(v[i] & mask, bits);
#undef PACK_STEP
  for (; nacc > 0; nacc = nacc > 8 ? nacc - 8 : 0) {
    *out++ = (uint8_t)acc;
    acc >>= 8;
  }
}

/*
** The caller has checked that 'in' holds ceil(count * bits / 8) bytes;
** 'avail' (>= that) is how many bytes may be read from 'in'.  Values
** whose 8-byte window fits in 'avail' are read with one unaligned
** load, shift and mask each (no loop-carried state, so the compiler
** pipelines it); the few at the very end of the data bit by bit.
*/
/*
** A full block of one width, fully unrolled: 8 values of B bits are B
** bytes, so each of the 16 groups reads 8 windows at offsets and
** shifts the compiler knows.  Needs 8 bytes readable past the block.
*/
#define UNPACK1(B, j) \
  out[j] = (uint32_t)((cp_rd64(in + ((j) * (B) >> 3)) >> (((j) * (B)) & 7)) & mask)
#define DEF_UNPACK128(B) \
  static void unpack128_##B (const uint8_t *in, uint32_t *out) { \
    const uint64_t mask = ((uint64_t)1 << (B)) - 1; \
    int g; \
    for (g = 0; g < 16; g++, in += (B), out += 8) { \
      UNPACK1(B, 0); UNPACK1(B, 1); UNPACK1(B, 2); UNPACK1(B, 3); \
      UNPACK1(B, 4); UNPACK1(B, 5); UNPACK1(B, 6); UNPACK1(B, 7); \
    } \
  }
DEF_UNPACK128(1)  DEF_UNPACK128(2)  DEF_UNPACK128(3)  DEF_UNPACK128(4)
DEF_UNPACK128(5)  DEF_UNPACK128(6)  DEF_UNPACK128(7)  DEF_UNPACK128(8)
DEF_UNPACK128(9)  DEF_UNPACK128(10) DEF_UNPACK128(11) DEF_UNPACK128(12)
DEF_UNPACK128(13) DEF_UNPACK128(14) DEF_UNPACK128(15) DEF_UNPACK128(16)
DEF_UNPACK128(17) DEF_UNPACK128(18) DEF_UNPACK128(19) DEF_UNPACK128(20)
DEF_UNPACK128(21) DEF_UNPACK128(22) DEF_UNPACK128(23) DEF_UNPACK128(24)
DEF_UNPACK128(25) DEF_UNPACK128(26) DEF_UNPACK128(27) DEF_UNPACK128(28)
DEF_UNPACK128(29) DEF_UNPACK128(30) DEF_UNPACK128(31) DEF_UNPACK128(32)

static void (*const unpack128[33]) (const uint8_t *, uint32_t *) = {
  NULL, unpack128_1, unpack128_2, unpack128_3, unpack128_4, unpack128_5,
  unpack128_6, unpack128_7, unpack128_8, unpack128_9, unpack128_10,
  unpack128_11, unpack128_12, unpack128_13, unpack128_14, unpack128_15,
  unpack128_16, unpack128_17, unpack128_18, unpack128_19, unpack128_20,
  unpack128_21, unpack128_22, unpack128_23, unpack128_24, unpack128_25,
  unpack128_26, unpack128_27, unpack128_28, unpack128_29, unpack128_30,
  unpack128_31, unpack128_32
};

static void unpack_bits (const uint8_t *in, size_t avail, uint32_t count,
                         uint32_t bits, uint32_t *out) {
  uint64_t mask = (bits == 32) ? 0xffffffffu : ((uint64_t)1 << bits) - 1;
  uint64_t acc = 0;
  uint32_t nacc = 0, i = 0, fast;
  if (bits == 0) { memset(out, 0, count * sizeof(*out)); return; }
  if (count == CP_PACK_BLOCK && avail >= (size_t)16 * bits + 8) {
    unpack128[bits](in, out);
    return;
  }
  /* value i's window is bytes [i * bits / 8, + 8) */
  fast = (avail < 8) ? 0 : (uint32_t)(((uint64_t)(avail - 8) * 8) / bits + 1);
  if (fast > count) fast = count;
  for (; i < fast; i++) {
    uint64_t bit = (uint64_t)i * bits, w;
    memcpy(&w, in + (bit >> 3), 8);
    out[i] = (uint32_t)((w >> (bit & 7)) & mask);
  }
  if (i == count) return;
  in += ((uint64_t)i * bits) >> 3;
  nacc = 0;
  acc = 0;
  {
    uint32_t skip = (uint32_t)(((uint64_t)i * bits) & 7);
    acc = (uint64_t)*in++ >> skip;
    nacc = 8 - skip;
  }
  for (; i < count; i++) {
    while (nacc < bits) { acc |= (uint64_t)*in++ << nacc; nacc += 8; }
    out[i] = (uint32_t)(acc & mask);
    acc >>= bits;
    nacc -= bits;
  }
}

/* }================================================================ */


/* {================================================================
** Writing
** ================================================================= */

/*
** Write one block of v[0..count), whose value widths are counted in
** hist[0..maxbits] (maxbits the widest), in the smaller of the two
** layouts; returns its bytes.  The patched layout pays 3 bytes + 1 per
** exception + its high bits, so it wins when a few values are far
** wider than the rest (one rare word in a block of the stream, a gap
** across documents in a postings list).
*/
static size_t put_block (const uint32_t *v, uint32_t count, const uint32_t *hist,
                         uint32_t maxbits, uint8_t *out) {
  uint32_t i, b, best = maxbits, nexc = 0, above = 0;
  size_t cost = block_bytes(count, maxbits), c;
  uint8_t *p;
  for (b = maxbits; b-- > 0;) {   /* values wider than b are exceptions */
    above += hist[b + 1];
    if (above > 255) break;
    c = patched_bytes(count, b, above, maxbits - b);
    if (c < cost) { cost = c; best = b; nexc = above; }
  }
  if (nexc == 0) {
    out[0] = (uint8_t)maxbits;
    pack_bits(v, count, maxbits, UINT32_MAX, out + 1);
    return cost;
  }
  {
    uint32_t high[CP_PACK_BLOCK], k = 0;
    uint32_t lowmask = (best == 0) ? 0 : (uint32_t)(((uint64_t)1 << best) - 1);
    out[0] = (uint8_t)(PATCHED | best);
    out[1] = (uint8_t)nexc;
    out[2] = (uint8_t)(maxbits - best);
    p = out + 3 + ((size_t)count * best + 7) / 8;
    /* wider than best: bits above lowmask.  Without a branch (which
    ** mispredicts on scattered exceptions): every index is written at
    ** p[k] and kept by advancing k; p[nexc] is a byte of the high
    ** parts, written after this loop.  Eight values hold none when
    ** their OR has no bit above lowmask: with few exceptions (gaps,
    ** lengths) most groups are passed over after one test */
    for (i = 0; i + 8 <= count; i += 8) {
      uint32_t j;
      if ((v[i] | v[i + 1] | v[i + 2] | v[i + 3] | v[i + 4] | v[i + 5] |
           v[i + 6] | v[i + 7]) <= lowmask)
        continue;
      for (j = i; j < i + 8; j++) {
        p[k] = (uint8_t)j;
        high[k] = v[j] >> best;
        k += v[j] > lowmask;
      }
    }
    for (; i < count; i++) {
      p[k] = (uint8_t)i;
      high[k] = v[i] >> best;
      k += v[i] > lowmask;
    }
    pack_bits(v, count, best, lowmask, out + 3);
    pack_bits(high, nexc, maxbits - best, UINT32_MAX, p + nexc);
  }
  return cost;
}

int cp_packw_begin (cp_packw *w, uint32_t n, int mode, uint8_t *out,
                    size_t cap, cp_err *err) {
  if (w == NULL || out == NULL || !mode_ok(mode))
    return cp_err_set(err, CP_EINVAL, "cp_packw_begin: bad arguments");
  memset(w, 0, sizeof(*w));
  if (cap < cp_pack_bound(n))
    return cp_err_set(err, CP_EINVAL, "cp_pack_encode: buffer of %zu bytes, "
                      "needs %zu", cap, cp_pack_bound(n));
  w->out = out;
  w->n = n;
  w->nb = nblocks(n);
  w->mode = mode;
  w->tab = (w->nb > 1) ? (size_t)w->nb * stride(mode) : 0;
  w->pos = w->tab;
  return CP_OK;
}

/*
** The next block: its gaps (ASC) and the histogram of widths in one
** pass over the values, so that put_block picks its layout without
** reading them again.
*/
int cp_packw_put (cp_packw *w, const uint32_t *v, uint32_t count,
                  cp_err *err) {
  uint32_t tmp[CP_PACK_BLOCK], hist[33], i, bits, max = 0;
  uint32_t lo;
  if (w == NULL || w->out == NULL || (v == NULL && count > 0))
    return cp_err_set(err, CP_EINVAL, "cp_packw_put: bad arguments");
  lo = w->b * CP_PACK_BLOCK;
  if (w->b >= w->nb ||
      count != ((w->b + 1 < w->nb) ? CP_PACK_BLOCK : w->n - lo))
    return cp_err_set(err, CP_EINVAL, "cp_packw_put: block %u of %u values "
                      "does not fit a list of %u", w->b, count, w->n);
  memset(hist, 0, sizeof(hist));
  if (w->mode & CP_PACK_ASC) {
    uint32_t prev = w->prev;
    i = 0;
    if (lo == 0) { tmp[0] = prev = v[0]; hist[width(prev)]++; i = 1; }
    for (; i < count; i++) {
      uint32_t x = v[i];
      if (x <= prev)
        return cp_err_set(err, CP_EINVAL, "cp_pack_encode: value %u at "
                          "%u is not above %u", x, lo + i, prev);
      tmp[i] = x - prev - 1;
      hist[width(tmp[i])]++;
      prev = x;
    }
    w->prev = prev;
  }
  else if (w->nb > 1 && stride(w->mode) == SKIPENT)
    for (i = 0; i < count; i++) {   /* put_block only reads: no copy */
      uint32_t x = v[i];
      hist[width(x)]++;
      max = x > max ? x : max;   /* the skip entry's */
    }
  else
    for (i = 0; i < count; i++) hist[width(v[i])]++;
  for (bits = 32; bits > 0 && hist[bits] == 0; bits--) {}
  w->pos += put_block((w->mode & CP_PACK_ASC) ? tmp : v, count, hist, bits,
                      w->out + w->pos);
  if (w->pos - w->tab > UINT32_MAX)
    return cp_err_set(err, CP_ELIMIT, "cp_pack_encode: list over 4 GiB");
  if (w->nb > 1) {
    size_t st = stride(w->mode);
    if (st == SKIPENT) {
      /* skip data: an ASC block's last value, a PLAIN block's largest */
      uint32_t last = (w->mode & CP_PACK_ASC) ? v[count - 1] : max;
      cp_wr32(w->out + (size_t)w->b * SKIPENT, last);
    }
    if (st > 0)   /* ENDS and the full table: the block's end */
      cp_wr32(w->out + (size_t)w->b * st + endat(w->mode),
              (uint32_t)(w->pos - w->tab));
  }
  w->b++;
  return CP_OK;
}

int cp_packw_end (cp_packw *w, size_t *len, cp_err *err) {
  if (w == NULL || len == NULL || w->b != w->nb)
    return cp_err_set(err, CP_EINVAL, "cp_packw_end: %u of %u blocks written",
                      w ? w->b : 0, w ? w->nb : 0);
  *len = w->pos;
  return CP_OK;
}

int cp_pack_encode (const uint32_t *v, uint32_t n, int mode,
                    uint8_t *out, size_t cap, size_t *len, cp_err *err) {
  cp_packw w;
  uint32_t b;
  int rc;
  if ((v == NULL && n > 0) || out == NULL || len == NULL || !mode_ok(mode))
    return cp_err_set(err, CP_EINVAL, "cp_pack_encode: bad arguments");
  if ((rc = cp_packw_begin(&w, n, mode, out, cap, err)) != CP_OK) return rc;
  for (b = 0; b < w.nb; b++) {
    uint32_t lo = b * CP_PACK_BLOCK;
    rc = cp_packw_put(&w, v + lo, (b + 1 < w.nb) ? CP_PACK_BLOCK : n - lo, err);
    if (rc != CP_OK) return rc;
  }
  return cp_packw_end(&w, len, err);
}

/* }================================================================ */


/* {================================================================
** Reading
** ================================================================= */

int cp_pack_open (cp_pack *l, const void *p, size_t len, uint32_t n,
                  int mode, cp_err *err) {
  uint32_t nb = nblocks(n), b, prev_end = 0, prev_last = 0;
  size_t tab, st = stride(mode), ea = endat(mode);
  if (l == NULL || (p == NULL && len > 0) || !mode_ok(mode))
    return cp_err_set(err, CP_EINVAL, "cp_pack_open: bad arguments");
  memset(l, 0, sizeof(*l));
  tab = (nb > 1) ? (size_t)nb * st : 0;
  if (len < tab + nb) return corrupt(err, "shorter than its blocks");
  if (nb == 0 && len != 0) return corrupt(err, "bytes in an empty list");
  l->skip = (nb > 1 && st > 0) ? (const uint8_t *)p : NULL;
  l->data = (const uint8_t *)p + tab;
  l->datalen = len - tab;
  l->n = n; l->nb = nb; l->mode = mode;
  if (l->skip != NULL) {
    for (b = 0; b < nb; b++) {
      uint32_t last = (st == SKIPENT) ? cp_rd32(l->skip + (size_t)b * st) : 0;
      uint32_t end = cp_rd32(l->skip + (size_t)b * st + ea);
      if (end <= prev_end) return corrupt(err, "block ends not increasing");
      if ((mode & CP_PACK_ASC) && b > 0 && last <= prev_last)
        return corrupt(err, "skip values not ascending");
      prev_end = end; prev_last = last;
    }
    if (prev_end != l->datalen) return corrupt(err, "size differs from table");
  }
  return CP_OK;
}

size_t cp_pack_table (const cp_pack *l) {
  return (l == NULL || l->skip == NULL) ? 0 : (size_t)l->nb * stride(l->mode);
}

void cp_pack_extent (const cp_pack *l, uint32_t b, uint64_t *off,
                     uint64_t *len) {
  size_t tab = cp_pack_table(l), st, ea;
  uint64_t a = 0, e;
  if (l == NULL || b >= l->nb) { *off = tab;  *len = 0;  return; }
  e = l->datalen;
  if (l->skip != NULL) {
    st = stride(l->mode);
    ea = endat(l->mode);
    a = (b == 0) ? 0 : cp_rd32(l->skip + (size_t)(b - 1) * st + ea);
    e = cp_rd32(l->skip + (size_t)b * st + ea);
  }
  *off = tab + a;
  *len = e - a;
}

int cp_pack_last (const cp_pack *l, uint32_t b, uint32_t *last) {
  if (l == NULL || l->skip == NULL || stride(l->mode) != SKIPENT ||
      b >= l->nb || last == NULL)
    return 0;
  *last = cp_rd32(l->skip + (size_t)b * SKIPENT);
  return 1;
}

uint32_t cp_pack_seek (const cp_pack *l, uint32_t target) {
  uint32_t lo = 0, hi;
  if (l == NULL || l->nb == 0) return 0;
  if (l->skip == NULL || stride(l->mode) != SKIPENT) return 0;
  hi = l->nb;
  while (lo < hi) {   /* first block with last >= target */
    uint32_t mid = lo + (hi - lo) / 2;
    if (cp_rd32(l->skip + (size_t)mid * SKIPENT) < target) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/* decode a patched block at [start, end) of the data */
static int get_patched (const cp_pack *l, size_t start, size_t end,
                        uint32_t cnt, uint32_t *out, cp_err *err) {
  const uint8_t *d = l->data + start, *idx;
  uint32_t bits, nexc, hbits, k, high[CP_PACK_BLOCK];
  if (end - start < 3) return corrupt(err, "patched block too short");
  bits = d[0] & ~PATCHED; nexc = d[1]; hbits = d[2];
  if (bits > 31 || hbits == 0 || bits + hbits > 32 || nexc == 0 || nexc > cnt)
    return corrupt(err, "bad patched block header");
  if (end - start != patched_bytes(cnt, bits, nexc, hbits))
    return corrupt(err, "block size differs from its width");
  unpack_bits(d + 3, l->datalen - start - 3, cnt, bits, out);
  idx = d + 3 + ((size_t)cnt * bits + 7) / 8;
  unpack_bits(idx + nexc, l->datalen - (size_t)(idx + nexc - l->data), nexc,
              hbits, high);
  for (k = 0; k < nexc; k++) {
    if (idx[k] >= cnt || (k > 0 && idx[k] <= idx[k - 1]))
      return corrupt(err, "exception indexes out of order");
    out[idx[k]] |= high[k] << bits;
  }
  return CP_OK;
}

/*
** Decode the block of cnt values at [start, end) of the data; an ASC
** block's gaps count from 'prev' (has_prev 0: block 0, whose first value
** is stored as is).  end is SIZE_MAX when only the data's end bounds it
** (SEQ lists): the size then follows from the header, and *used gets it.
*/
static int dec_block (const cp_pack *l, size_t start, size_t end,
                      uint32_t cnt, int has_prev, uint32_t prev,
                      uint32_t *out, size_t *used, cp_err *err) {
  uint32_t bits, i;
  size_t want;
  const uint8_t *d = l->data + start;
  if (start >= l->datalen) return corrupt(err, "block past the data");
  bits = d[0];
  if (bits & PATCHED) {
    if (l->datalen - start < 3) return corrupt(err, "patched block too short");
    if ((d[0] & ~PATCHED) > 31 || d[2] == 0 || (d[0] & ~PATCHED) + d[2] > 32
        || d[1] == 0 || d[1] > cnt)
      return corrupt(err, "bad patched block header");
    want = patched_bytes(cnt, d[0] & ~PATCHED, d[1], d[2]);
  }
  else {
    if (bits > 32) return corrupt(err, "bit width over 32");
    want = block_bytes(cnt, bits);
  }
  if (end == SIZE_MAX) {
    if (want > l->datalen - start) return corrupt(err, "block past the data");
    end = start + want;
  }
  if (bits & PATCHED) {
    int rc = get_patched(l, start, end, cnt, out, err);
    if (rc != CP_OK) return rc;
  }
  else {
    if (end - start != want)
      return corrupt(err, "block size differs from its width");
    unpack_bits(d + 1, l->datalen - start - 1, cnt, bits, out);
  }
  if (l->mode & CP_PACK_ASC) {
    uint64_t acc;
    if (!has_prev) { acc = out[0]; i = 1; }
    else { acc = prev; i = 0; }
    for (; i < cnt; i++) {
      acc += (uint64_t)out[i] + 1;
      if (acc > UINT32_MAX) return corrupt(err, "gaps overflow");
      out[i] = (uint32_t)acc;
    }
  }
  if (used) *used = end - start;
  return CP_OK;
}

int cp_pack_block (const cp_pack *l, uint32_t b,
                   uint32_t out[CP_PACK_BLOCK], uint32_t *count,
                   cp_err *err) {
  size_t start, end, st, ea;
  uint32_t cnt, i, prev = 0;
  int rc;
  if (l == NULL || out == NULL || count == NULL || b >= l->nb ||
      ((l->mode & CP_PACK_SEQ) && b > 0))
    return cp_err_set(err, CP_EINVAL, "cp_pack_block: bad arguments");
  cnt = cp_pack_count(l, b);
  st = stride(l->mode);
  ea = endat(l->mode);
  if (l->skip != NULL) {
    start = (b == 0) ? 0 : cp_rd32(l->skip + (size_t)(b - 1) * st + ea);
    end = cp_rd32(l->skip + (size_t)b * st + ea);
    if (b > 0 && st == SKIPENT) prev = cp_rd32(l->skip + (size_t)(b - 1) * st);
  }
  else if ((l->mode & CP_PACK_SEQ) && l->nb > 1) { start = 0; end = SIZE_MAX; }
  else { start = 0; end = l->datalen; }
  rc = dec_block(l, start, end, cnt, b > 0, prev, out, NULL, err);
  if (rc != CP_OK) return rc;
  if (l->skip != NULL && st == SKIPENT) {
    uint32_t want = cp_rd32(l->skip + (size_t)b * SKIPENT), got = 0;
    if (l->mode & CP_PACK_ASC) got = out[cnt - 1];
    else for (i = 0; i < cnt; i++) if (out[i] > got) got = out[i];
    if (got != want) return corrupt(err, "block differs from its skip entry");
  }
  *count = cnt;
  return CP_OK;
}

int cp_pack_get (const cp_pack *l, uint32_t i, uint32_t *v, cp_err *err) {
  uint32_t tmp[CP_PACK_BLOCK], cnt;
  int rc;
  if (l == NULL || v == NULL || i >= l->n)
    return cp_err_set(err, CP_EINVAL, "cp_pack_get: bad arguments");
  rc = cp_pack_block(l, i / CP_PACK_BLOCK, tmp, &cnt, err);
  if (rc == CP_OK) *v = tmp[i % CP_PACK_BLOCK];
  return rc;
}

int cp_pack_decode (const cp_pack *l, uint32_t *out, cp_err *err) {
  uint32_t b, cnt;
  if (l == NULL || (out == NULL && l->n > 0))
    return cp_err_set(err, CP_EINVAL, "cp_pack_decode: bad arguments");
  if (l->mode & CP_PACK_SEQ) {   /* blocks back to back, sizes from headers */
    size_t at = 0, used;
    for (b = 0; b < l->nb; b++) {
      uint32_t *o = out + (size_t)b * CP_PACK_BLOCK;
      int rc = dec_block(l, at, SIZE_MAX, cp_pack_count(l, b), b > 0,
                         b > 0 ? o[-1] : 0, o, &used, err);
      if (rc != CP_OK) return rc;
      at += used;
    }
    return at == l->datalen ? CP_OK : corrupt(err, "bytes after the last block");
  }
  for (b = 0; b < l->nb; b++) {
    int rc = cp_pack_block(l, b, out + (size_t)b * CP_PACK_BLOCK, &cnt, err);
    if (rc != CP_OK) return rc;
  }
  return CP_OK;
}

/* }================================================================ */


/* {================================================================
** Cursor
** ================================================================= */

static int load (cp_pack_cursor *c, uint32_t b, cp_err *err) {
  int rc = cp_pack_block(c->l, b, c->v, &c->count, err);
  if (rc != CP_OK) { c->valid = 0; return rc; }
  c->block = b; c->idx = 0; c->valid = 1;
  c->decoded++;
  return CP_OK;
}

int cp_pack_first (cp_pack_cursor *c, const cp_pack *l, int *end,
                   cp_err *err) {
  if (c == NULL || l == NULL || end == NULL || l->mode != CP_PACK_ASC)
    return cp_err_set(err, CP_EINVAL, "cp_pack_first: bad arguments");
  memset(c, 0, sizeof(*c));
  c->l = l;
  *end = (l->nb == 0);
  return *end ? CP_OK : load(c, 0, err);
}

int cp_pack_next (cp_pack_cursor *c, int *end, cp_err *err) {
  if (c == NULL || end == NULL || c->l == NULL)
    return cp_err_set(err, CP_EINVAL, "cp_pack_next: bad arguments");
  if (!c->valid) { *end = 1; return CP_OK; }
  if (++c->idx < c->count) { *end = 0; return CP_OK; }
  if (c->block + 1 >= c->l->nb) { c->valid = 0; *end = 1; return CP_OK; }
  *end = 0;
  return load(c, c->block + 1, err);
}

int cp_pack_seek_geq (cp_pack_cursor *c, uint32_t target, int *end,
                      cp_err *err) {
  uint32_t b, lo, hi;
  if (c == NULL || end == NULL || c->l == NULL)
    return cp_err_set(err, CP_EINVAL, "cp_pack_seek_geq: bad arguments");
  if (!c->valid) { *end = 1; return CP_OK; }
  *end = 0;
  if (c->v[c->idx] >= target) return CP_OK;
  if (c->v[c->count - 1] < target) {   /* not in this block: skip data */
    b = cp_pack_seek(c->l, target);
    if (b <= c->block) b = c->block + 1;  /* one-block list, or the same */
    if (b >= c->l->nb) { c->valid = 0; *end = 1; return CP_OK; }
    {
      int rc = load(c, b, err);
      if (rc != CP_OK) return rc;
    }
  }
  lo = c->idx; hi = c->count;   /* first value >= target in the block */
  while (lo < hi) {
    uint32_t mid = lo + (hi - lo) / 2;
    if (c->v[mid] < target) lo = mid + 1; else hi = mid;
  }
  if (lo == c->count) {   /* the block's last is below its skip entry */
    c->valid = 0;
    return cp_err_set(err, CP_ECORRUPT, "corrupt packed list: skip data "
                      "and block disagree");
  }
  c->idx = lo;
  return CP_OK;
}

/* }================================================================ */
