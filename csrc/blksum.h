/*
** blksum.h -- checksums per 64 KiB block of an immutable byte region,
** verified lazily: a reader checks a block the first time it needs
** bytes from it, so the cost of the first read of an index grows with
** what that read touches, not with the size of the index.
**
** Table format: one u64 little-endian XXH3-64 (seed 0) per block,
** block i covering [i << CP_BLKSUM_SHIFT, (i + 1) << CP_BLKSUM_SHIFT)
** of the region, the last block shorter.  The table's own integrity is
** the caller's (a section checksum checked at open).
*/
#ifndef CP_BLKSUM_H
#define CP_BLKSUM_H

#include <stddef.h>
#include <stdint.h>

#include "cp.h"

#define CP_BLKSUM_SHIFT 16u
#define CP_BLKSUM_BLOCK ((uint64_t)1 << CP_BLKSUM_SHIFT)

/* blocks of a region of 'size' bytes; the table is 8 times that */
uint64_t cp_blksum_count (uint64_t size);

/* write the table of [p, p + size) into sums (8 * count bytes) */
void cp_blksum_build (const void *p, uint64_t size, unsigned char *sums);

/* a lazy verifier over a region and its table (borrowed bytes, which
** must not change while it lives) */
typedef struct cp_blksum {
  const unsigned char *base, *sums;
  uint64_t size, nblk;
  unsigned char *state;     /* per block: 0 unchecked, 1 good, 2 bad */
} cp_blksum;

/* CP_ECORRUPT when the table's size does not match the region */
int cp_blksum_open (cp_blksum *b, const void *region, uint64_t size,
                    const void *sums, size_t sumlen, cp_err *err);
void cp_blksum_close (cp_blksum *b);

/*
** Make sure bytes [off, off + len) are intact: hashes each block they
** overlap that no earlier call checked.  Safe to call from several
** threads at once (a block may then be hashed twice; its state is
** written atomically).  A damaged block stays damaged: every later call
** touching it fails with CP_ECORRUPT without rehashing.
*/
int cp_blksum_need (cp_blksum *b, uint64_t off, uint64_t len, cp_err *err);

/*
** The same, running ok(p, n, ud) on each block the call hashes and
** finds intact (p, n: the block's bytes): a block passes only when ok
** returns nonzero too, so a reader can check the values a block holds
** (positions below the token count) once, with its checksum.
*/
int cp_blksum_need_fn (cp_blksum *b, uint64_t off, uint64_t len,
                       int (*ok) (const unsigned char *p, uint64_t n,
                                  void *ud),
                       void *ud, cp_err *err);

/* every block, checked or not (for check()) */
int cp_blksum_check (const cp_blksum *b, cp_err *err);

#endif
