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
** Segment si of 'c' rebuilt with every document (deleted ones too: the
** numbering and the deletion marks stay valid) and the spans of set
** 'set' replaced by spans[0..n), spans[k] in local document docs[k]
** (ascending).  How a span set found after sealing (text reuse) is
** added: the segment is copied, not edited.
*/
int cp_merge_respan (cp_corpus *c, size_t si, const char *set,
                     size_t setlen, const uint32_t *docs,
                     const struct cp_spanin *spans, size_t n, void **img,
                     size_t *size, cp_err *err);

/*
** cp_merge_image over every document of segs[0..n), with no corpus: what a
** background merge runs on its own thread, on its own analyzer 'an'
** (a stemmer is not thread-safe) and segments that stay unchanged while
** it runs.
*/
int cp_merge_segs (cp_an *an, int mode, const cp_seg *const *segs, size_t n,
                   void **img, size_t *size, cp_err *err);

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
