/*
** blksum.c -- lazily verified checksums per block of a region.
**
** Why per block and lazy: hashing a whole segment file before its first
** read costs time and page cache in proportion to the index (every CLI
** call paid it), while a query reads a few postings blocks.  Blocks of
** 64 KiB keep the table small (8 bytes per 64 KiB: 0.012%) and the
** hash of one block short (a few microseconds) against the page faults
** of reading it at all.  XXH3 because it is the fastest hash of
** libxxhash, already linked.
**
** Thread safety: the state bytes are read and written with the GCC
** atomic builtins; two threads needing one unchecked block both hash it
** and store the same state, which is harmless.
*/
#include <stdlib.h>
#include <string.h>

#include <xxhash.h>

#include "blksum.h"
#include "segfmt.h"

#if defined(__GNUC__)
#define LOAD(p)     __atomic_load_n((p), __ATOMIC_ACQUIRE)
#define STORE(p, v) __atomic_store_n((p), (v), __ATOMIC_RELEASE)
#else   /* no atomics: single-threaded readers only */
#define LOAD(p)     (*(p))
#define STORE(p, v) (*(p) = (v))
#endif

enum { UNCHECKED = 0, GOOD = 1, BAD = 2 };

uint64_t cp_blksum_count (uint64_t size) {
  return (size + CP_BLKSUM_BLOCK - 1) >> CP_BLKSUM_SHIFT;
}

static uint64_t block_hash (const unsigned char *base, uint64_t size,
                            uint64_t i) {
  uint64_t lo = i << CP_BLKSUM_SHIFT;
  uint64_t n = size - lo < CP_BLKSUM_BLOCK ? size - lo : CP_BLKSUM_BLOCK;
  return (uint64_t)XXH3_64bits(base + lo, (size_t)n);
}

void cp_blksum_build (const void *p, uint64_t size, unsigned char *sums) {
  uint64_t i, n = cp_blksum_count(size);
  if (p == NULL || sums == NULL) return;
  for (i = 0; i < n; i++) cp_wr64(sums + 8 * i, block_hash(p, size, i));
}

int cp_blksum_open (cp_blksum *b, const void *region, uint64_t size,
                    const void *sums, size_t sumlen, cp_err *err) {
  uint64_t n = cp_blksum_count(size);
  if (b == NULL || (region == NULL && size > 0) || (sums == NULL && sumlen > 0))
    return cp_err_set(err, CP_EINVAL, "cp_blksum_open: bad arguments");
  memset(b, 0, sizeof(*b));
  if ((uint64_t)sumlen != 8 * n)
    return cp_err_set(err, CP_ECORRUPT, "block checksums: %zu bytes for "
                      "%llu blocks", sumlen, (unsigned long long)n);
  b->state = calloc((size_t)n + 1, 1);
  if (b->state == NULL) return cp_err_set(err, CP_ENOMEM, "out of memory");
  b->base = region; b->size = size; b->sums = sums; b->nblk = n;
  return CP_OK;
}

void cp_blksum_close (cp_blksum *b) {
  if (b == NULL) return;
  free(b->state);
  memset(b, 0, sizeof(*b));
}

static int damaged (cp_err *err, uint64_t i) {
  return cp_err_set(err, CP_ECORRUPT, "checksum mismatch in block %llu "
                    "(bytes %llu..%llu): data damaged",
                    (unsigned long long)i,
                    (unsigned long long)(i << CP_BLKSUM_SHIFT),
                    (unsigned long long)(((i + 1) << CP_BLKSUM_SHIFT) - 1));
}

int cp_blksum_need (cp_blksum *b, uint64_t off, uint64_t len, cp_err *err) {
  return cp_blksum_need_fn(b, off, len, NULL, NULL, err);
}

int cp_blksum_need_fn (cp_blksum *b, uint64_t off, uint64_t len,
                       int (*ok) (const unsigned char *p, uint64_t n,
                                  void *ud),
                       void *ud, cp_err *err) {
  uint64_t i, last;
  if (b == NULL || (b->state == NULL && b->nblk > 0))
    return cp_err_set(err, CP_EINVAL, "cp_blksum_need: not open");
  if (off > b->size || len > b->size - off)
    return cp_err_set(err, CP_EINVAL, "cp_blksum_need: range past the region");
  if (len == 0) return CP_OK;
  last = (off + len - 1) >> CP_BLKSUM_SHIFT;
  for (i = off >> CP_BLKSUM_SHIFT; i <= last; i++) {
    unsigned char st = LOAD(&b->state[i]);
    if (st == GOOD) continue;
    if (st == UNCHECKED) {
      uint64_t lo = i << CP_BLKSUM_SHIFT;
      uint64_t n = b->size - lo < CP_BLKSUM_BLOCK ? b->size - lo
                                                  : CP_BLKSUM_BLOCK;
      st = (block_hash(b->base, b->size, i) == cp_rd64(b->sums + 8 * i) &&
            (ok == NULL || ok(b->base + lo, n, ud))) ? GOOD : BAD;
      STORE(&b->state[i], st);
    }
    if (st == BAD) return damaged(err, i);
  }
  return CP_OK;
}

int cp_blksum_check (const cp_blksum *b, cp_err *err) {
  uint64_t i;
  if (b == NULL) return cp_err_set(err, CP_EINVAL, "cp_blksum_check: NULL");
  for (i = 0; i < b->nblk; i++)
    if (block_hash(b->base, b->size, i) != cp_rd64(b->sums + 8 * i))
      return damaged(err, i);
  return CP_OK;
}
