/*
** merge.c -- one segment image from the live documents of a run of
** segments: what the index's merges write to disk and what an
** in-memory corpus merges in place (corpus.c).
*/
#include <stdlib.h>
#include <string.h>

#include <xxhash.h>

#include "merge.h"
#include "seg.h"
#include "segfmt.h"

/* growable metadata array for the copied documents */
typedef struct metav {
  cp_meta *v;
  size_t n, cap;
} metav;

static int decode_meta (const cp_docinfo *di, metav *mv) {
  size_t it = 0;
  cp_meta m;
  int r;
  mv->n = 0;
  while ((r = cp_meta_next(di->meta, di->metalen, &it, &m)) == 1) {
    if (mv->n == mv->cap) {
      size_t ncap = mv->cap ? mv->cap * 2 : 16;
      cp_meta *nv = realloc(mv->v, ncap * sizeof(cp_meta));
      if (nv == NULL) return CP_ENOMEM;
      mv->v = nv; mv->cap = ncap;
    }
    mv->v[mv->n++] = m;
  }
  return r < 0 ? CP_ECORRUPT : CP_OK;
}

/*
** The U+FFFD substitutions made when the merged documents were first
** added are a segment header field (the merge re-adds repaired text, so
** the builder counts none): write the inputs' total into the image and
** re-seal the header checksum (segment format: seg.c).
*/
static void carry_invalid (void *img, size_t size, uint64_t n) {
  unsigned char *b = img;
  uint32_t hdrsize;
  if (size < CP_SEG_FIXED + 8) return;
  hdrsize = cp_rd32(b + CP_H_HDRSIZE);
  if (hdrsize < CP_SEG_FIXED + 8 || hdrsize > size) return;
  cp_wr64(b + CP_H_INVALID, n);
  cp_wr64(b + hdrsize - 8, (uint64_t)XXH64(b, hdrsize - 8, 0));
}

/*
** Build one segment from the live documents of segments [lo, hi), in
** order: their stored text, id and metadata go through a new builder
** (so the result is exactly what adding them afresh would give).
** *img is NULL when no document is live.
*/
int cp_merge_image (cp_corpus *c, size_t lo, size_t hi, void **img,
                    size_t *size, cp_err *err) {
  cp_segw *w = cp_segw_new(cp_corpus_analyzer(c), cp_corpus_mode(c), err);
  metav mv = {NULL, 0, 0};
  size_t i;
  int rc = CP_OK;
  *img = NULL; *size = 0;
  if (w == NULL) return err ? err->code : CP_ENOMEM;
  for (i = lo; i < hi && rc == CP_OK; i++) {
    const cp_seg *s = cp_corpus_seg(c, i);
    uint32_t d, nd = cp_seg_ndocs(s);
    for (d = 0; d < nd && rc == CP_OK; d++) {
      cp_docinfo di;
      if (cp_corpus_is_deleted(c, i, d)) continue;
      rc = cp_seg_doc(s, d, &di);
      if (rc == CP_OK) rc = decode_meta(&di, &mv);
      if (rc != CP_OK) {
        rc = cp_err_set(err, rc == CP_ENOMEM ? CP_ENOMEM : CP_ECORRUPT,
                        "merge: damaged document %lu of segment %zu",
                        (unsigned long)d, i);
        break;
      }
      /* copied as it is: tokens, every layer and span set (nothing is
      ** re-tokenized, so layers that are not a function of the text
      ** survive) */
      rc = cp_segw_add_copy(w, s, d, mv.v, mv.n, err);
    }
  }
  if (rc == CP_OK && cp_segw_ndocs(w) > 0) {
    rc = cp_segw_finish(w, img, size, err);
    if (rc == CP_OK) {
      uint64_t inv = 0;
      for (i = lo; i < hi; i++) inv += cp_seg_invalid(cp_corpus_seg(c, i));
      carry_invalid(*img, *size, inv);
    }
  }
  free(mv.v);
  cp_segw_free(w);
  return rc;
}


int cp_merge_tier (uint64_t bytes, uint64_t ndocs) {
  int tb = 0, td = 0;
  uint64_t lim = (uint64_t)CP_MERGE_MIN * CP_MERGE_FACTOR, d = CP_MERGE_FACTOR;
  while (bytes >= lim && tb < 30) { tb++; lim *= CP_MERGE_FACTOR; }
  while (ndocs >= d && td < 30) { td++; d *= CP_MERGE_FACTOR; }
  return tb > td ? tb : td;
}
