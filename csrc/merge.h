/*
** merge.h -- building one segment from a run of segments (merge.c).
*/
#ifndef CP_MERGE_H
#define CP_MERGE_H

#include <stddef.h>
#include <stdint.h>

#include "cp.h"
#include "corpus.h"

/*
** Build one segment from the live documents of segments [lo, hi) of
** 'c', in order: their stored text, id and metadata go through a new
** builder (so the result is exactly what adding them afresh would
** give).  *img (malloc'd) is NULL when no document is live.
*/
int cp_merge_image (cp_corpus *c, size_t lo, size_t hi, void **img,
                    size_t *size, cp_err *err);

/*
** The merge policy's tiers: a segment of 'bytes' bytes and 'ndocs'
** documents is in tier max(log_F(bytes / CP_MERGE_MIN), log_F(ndocs))
** (F = CP_MERGE_FACTOR, rounded down); a run of F adjacent segments of
** one tier is merged into one.  Counting documents too keeps tiny
** segments (whose size is mostly fixed overhead) from being re-merged
** over and over in tier 0.
*/
#define CP_MERGE_FACTOR 8
#define CP_MERGE_MIN    ((size_t)1 << 16)
int cp_merge_tier (uint64_t bytes, uint64_t ndocs);

#endif
