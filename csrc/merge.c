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
#include "segfield.h"
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
** Build one segment from the documents of segs[0..n) (all of them, or
** with 'c' set those not deleted in c's segments [lo, lo + n)), in
** order: each is copied as it is through a new builder on 'an' (so the
** result is exactly what adding them afresh would give).  *img is NULL
** when no document is left.
*/
static int merge_segs (cp_an *an, int mode, const cp_seg *const *segs,
                       size_t n, const cp_corpus *c, size_t lo, void **img,
                       size_t *size, cp_err *err) {
  cp_segw *w = cp_segw_new(an, mode, err);
  metav mv = {NULL, 0, 0};
  size_t i;
  int rc = CP_OK;
  *img = NULL; *size = 0;
  if (w == NULL) return err ? err->code : CP_ENOMEM;
  /* every field an input indexes, its tokens copied (segfield.c) */
  rc = cp_segw_fields_from(w, segs, n, err);
  for (i = 0; i < n && rc == CP_OK; i++) {
    const cp_seg *s = segs[i];
    uint32_t d, nd = cp_seg_ndocs(s);
    for (d = 0; d < nd && rc == CP_OK; d++) {
      cp_docinfo di;
      if (c != NULL && cp_corpus_is_deleted(c, lo + i, d)) continue;
      rc = cp_seg_doc_head(s, d, &di);
      if (rc == CP_OK) rc = decode_meta(&di, &mv);
      if (rc != CP_OK) {
        rc = cp_err_set(err, rc == CP_ENOMEM ? CP_ENOMEM : CP_ECORRUPT,
                        "merge: damaged document %lu of segment %zu",
                        (unsigned long)d, lo + i);
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
      for (i = 0; i < n; i++) inv += cp_seg_invalid(segs[i]);
      carry_invalid(*img, *size, inv);
    }
  }
  free(mv.v);
  cp_segw_free(w);
  return rc;
}

/*
** Segment si again, every document (deleted ones too, so numbers and
** deletion marks stay), with the spans of set 'set' replaced by the
** given ones: spans[k] goes to local document docs[k] (docs ascending).
*/
int cp_merge_respan (cp_corpus *c, size_t si, const char *set,
                     size_t setlen, const uint32_t *docs,
                     const cp_spanin *spans, size_t n, void **img,
                     size_t *size, cp_err *err) {
  const cp_seg *s = cp_corpus_seg(c, si);
  cp_segw *w;
  metav mv = {NULL, 0, 0};
  uint32_t d, nd;
  size_t k = 0;
  int rc = CP_OK;
  if (s == NULL || img == NULL || size == NULL || set == NULL || setlen == 0
      || (n > 0 && (docs == NULL || spans == NULL)))
    return cp_err_set(err, CP_EINVAL, "cp_merge_respan: bad argument");
  *img = NULL; *size = 0;
  w = cp_segw_new(cp_corpus_analyzer(c), cp_corpus_mode(c), err);
  if (w == NULL) return err ? err->code : CP_ENOMEM;
  rc = cp_segw_fields_from(w, &s, 1, err);
  nd = cp_seg_ndocs(s);
  for (d = 0; d < nd && rc == CP_OK; d++) {
    cp_docinfo di;
    size_t k0 = k;
    while (k < n && docs[k] == d) k++;
    if (k < n && docs[k] < d) {
      rc = cp_err_set(err, CP_EINVAL, "cp_merge_respan: documents not ascending");
      break;
    }
    rc = cp_seg_doc(s, d, &di);
    if (rc == CP_OK) rc = decode_meta(&di, &mv);
    if (rc != CP_OK) {
      rc = cp_err_set(err, rc == CP_ENOMEM ? CP_ENOMEM : CP_ECORRUPT,
                      "respan: damaged document %lu of segment %zu",
                      (unsigned long)d, si);
      break;
    }
    rc = cp_segw_add_copy_spans(w, s, d, mv.v, mv.n, set, setlen,
                                spans + k0, k - k0, err);
  }
  if (rc == CP_OK && k < n)
    rc = cp_err_set(err, CP_EINVAL, "cp_merge_respan: a span of document "
                    "%lu past the segment's %lu", (unsigned long)docs[k],
                    (unsigned long)nd);
  if (rc == CP_OK && cp_segw_ndocs(w) > 0) {
    rc = cp_segw_finish(w, img, size, err);
    if (rc == CP_OK) carry_invalid(*img, *size, cp_seg_invalid(s));
  }
  free(mv.v);
  cp_segw_free(w);
  return rc;
}

int cp_merge_image (cp_corpus *c, size_t lo, size_t hi, void **img,
                    size_t *size, cp_err *err) {
  const cp_seg **segs;
  size_t i;
  int rc;
  *img = NULL; *size = 0;
  if (c == NULL || lo > hi || hi > cp_corpus_nsegs(c))
    return cp_err_set(err, CP_EINVAL, "cp_merge_image: bad argument");
  segs = (const cp_seg **)malloc((hi - lo + 1) * sizeof(*segs));
  if (segs == NULL) return cp_err_set(err, CP_ENOMEM, "out of memory merging");
  for (i = lo; i < hi; i++) segs[i - lo] = cp_corpus_seg(c, i);
  rc = merge_segs(cp_corpus_analyzer(c), cp_corpus_mode(c), segs, hi - lo, c,
                  lo, img, size, err);
  free(segs);
  return rc;
}

int cp_merge_segs (cp_an *an, int mode, const cp_seg *const *segs, size_t n,
                   void **img, size_t *size, cp_err *err) {
  if (img == NULL || size == NULL)
    return cp_err_set(err, CP_EINVAL, "cp_merge_segs: bad argument");
  *img = NULL; *size = 0;
  if (an == NULL || (segs == NULL && n > 0))
    return cp_err_set(err, CP_EINVAL, "cp_merge_segs: bad argument");
  return merge_segs(an, mode, segs, n, NULL, 0, img, size, err);
}


int cp_merge_tier (uint64_t bytes, uint64_t ndocs) {
  int tb = 0, td = 0;
  uint64_t lim = (uint64_t)CP_MERGE_MIN * CP_MERGE_FACTOR, d = CP_MERGE_FACTOR;
  while (bytes >= lim && tb < 30) { tb++; lim *= CP_MERGE_FACTOR; }
  while (ndocs >= d && td < 30) { td++; d *= CP_MERGE_FACTOR; }
  return tb > td ? tb : td;
}
