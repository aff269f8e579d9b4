/*
** segpack.c -- the packed sections of format 2.3, written.
**
** {================================================================
** PACKED SECTIONS  (format 2.3; also in docs/FORMAT.md and seg.c)
**
**  15 STREAM  one packed list (pack.c, PLAIN) of T values: the
**             frequency rank of the word at each position
**  30 WRANK   u32[Nw]: the word id of each rank (rank 0 the most
**             frequent word; equal frequencies by id)
**  16 POSTO   u64[Nn+1]: byte offsets into POST, POSTO[0] = 0,
**             non-decreasing, POSTO[Nn] = size of POST
**  17 POST    per norm type i, its positions as one packed list
**             (pack.c, ASC) of NFREQ[i] values in POST[POSTO[i],
**             POSTO[i+1])
** }================================================================
**
** Why ranks: word ids are ranks in a bytewise-sorted lexicon, so a
** frequent word has any id and a block of the stream is as wide as its
** widest id (17-18 bits on the UN debates).  By frequency, most
** positions hold one of a few hundred ranks (8-10 bits), the rare ones
** are exceptions of the patched blocks (pack.c): 63.6 -> 26.3 MB there
** (bench/RESULTS.md).  The stream stays one list so that any range of
** positions (one document) decodes from its 128-value blocks.
**
** The builder writes the plain arrays (its pass over the tokens writes
** positions into the lists in place); this step packs them into a new
** image.  Costs one pass over stream and postings and a second image
** while both exist.
*/
#include <stdlib.h>
#include <string.h>

#include <xxhash.h>

#include "blksum.h"
#include "pack.h"
#include "segfmt.h"
#include "segpack.h"

typedef struct psec {
  const unsigned char *p;
  uint64_t size;
  unsigned char *own;     /* replacement bytes (freed at the end) */
} psec;

/* u64 keys: (UINT32_MAX - frequency) << 32 | id, so ascending order is
** descending frequency, then ascending id */
static int cmp64 (const void *a, const void *b) {
  uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
  return x < y ? -1 : x > y;
}

/* STREAM and WRANK */
static int pack_stream (psec *sec, uint32_t T, uint32_t Nw, cp_err *err) {
  const uint32_t *st = (const uint32_t *)sec[CP_SEC_STREAM].p;
  const uint32_t *wf = (const uint32_t *)sec[CP_SEC_WFREQ].p;
  uint64_t *key = (uint64_t *)malloc(((size_t)Nw + 1) * 8);
  uint32_t *ord = (uint32_t *)malloc(((size_t)Nw + 1) * 4);
  uint32_t *rank = (uint32_t *)malloc(((size_t)Nw + 1) * 4);
  uint32_t *re = (uint32_t *)malloc(((size_t)T + 1) * 4);
  size_t cap = cp_pack_bound(T), len = 0, i;
  unsigned char *out = (unsigned char *)malloc(cap + 1);
  int rc;
  if (key == NULL || ord == NULL || rank == NULL || re == NULL || out == NULL) {
    free(key); free(ord); free(rank); free(re); free(out);
    return cp_err_set(err, CP_ENOMEM, "out of memory packing a segment");
  }
  for (i = 0; i < Nw; i++)
    key[i] = (uint64_t)(UINT32_MAX - wf[i]) << 32 | (uint64_t)i;
  qsort(key, Nw, 8, cmp64);
  for (i = 0; i < Nw; i++) ord[i] = (uint32_t)key[i];
  free(key);
  for (i = 0; i < Nw; i++) rank[ord[i]] = (uint32_t)i;
  for (i = 0; i < T; i++) re[i] = rank[st[i]];
  rc = cp_pack_encode(re, T, CP_PACK_PLAIN, out, cap, &len, err);
  free(rank);
  free(re);
  if (rc != CP_OK) { free(ord); free(out); return rc; }
  sec[CP_SEC_STREAM].own = out;
  sec[CP_SEC_STREAM].p = out;
  sec[CP_SEC_STREAM].size = len;
  sec[CP_SEC_WRANK].own = (unsigned char *)ord;
  sec[CP_SEC_WRANK].p = (unsigned char *)ord;
  sec[CP_SEC_WRANK].size = 4 * (uint64_t)Nw;
  return CP_OK;
}

/* POSTO and POST */
static int pack_post (psec *sec, uint32_t Nn, cp_err *err) {
  const uint32_t *po = (const uint32_t *)sec[CP_SEC_POSTO].p;
  const uint32_t *pp = (const uint32_t *)sec[CP_SEC_POST].p;
  uint64_t *off = (uint64_t *)malloc(((size_t)Nn + 1) * 8);
  size_t cap = 0, at = 0, len;
  unsigned char *out;
  uint32_t i;
  int rc = CP_OK;
  if (off == NULL)
    return cp_err_set(err, CP_ENOMEM, "out of memory packing a segment");
  for (i = 0; i < Nn; i++) cap += cp_pack_bound(po[i + 1] - po[i]);
  if ((out = (unsigned char *)malloc(cap + 1)) == NULL) {
    free(off);
    return cp_err_set(err, CP_ENOMEM, "out of memory packing a segment");
  }
  for (i = 0; i < Nn && rc == CP_OK; i++) {
    off[i] = at;
    rc = cp_pack_encode(pp + po[i], po[i + 1] - po[i], CP_PACK_ASC,
                        out + at, cap - at, &len, err);
    at += len;
  }
  off[Nn] = at;
  if (rc != CP_OK) { free(off); free(out); return rc; }
  sec[CP_SEC_POSTO].own = (unsigned char *)off;
  sec[CP_SEC_POSTO].p = (unsigned char *)off;
  sec[CP_SEC_POSTO].size = 8 * ((uint64_t)Nn + 1);
  sec[CP_SEC_POST].own = out;
  sec[CP_SEC_POST].p = out;
  sec[CP_SEC_POST].size = at;
  return CP_OK;
}

static uint64_t align8 (uint64_t x) { return (x + 7) & ~(uint64_t)7; }

/* the new image: the old header's counts, TEXT first (as the builder
** puts it), then the other sections by id */
static int assemble (const unsigned char *old, psec *sec, void **img,
                     size_t *size, cp_err *err) {
  uint32_t nsecs = CP_SEC_COUNT - 1, hdr = CP_SEG_FIXED + CP_SEG_SECENT * nsecs + 8;
  uint64_t off[CP_SEC_COUNT], total = align8(hdr);
  unsigned char *out, *bt;
  int s, k;
  sec[CP_SEC_BLKSUM].size = 0;   /* it depends on the sizes only */
  for (k = 0; k < CP_SEG_NBLKSECS; k++)
    sec[CP_SEC_BLKSUM].size += 8 * cp_blksum_count(sec[cp_seg_blksec(k)].size);
  off[CP_SEC_TEXT] = total;
  total = align8(total + sec[CP_SEC_TEXT].size);
  for (s = 1; s < CP_SEC_COUNT; s++) {
    if (s == CP_SEC_TEXT) continue;
    off[s] = total;
    total = align8(total + sec[s].size);
  }
  if (total > SIZE_MAX) return cp_err_set(err, CP_ELIMIT, "segment too big");
  if ((out = (unsigned char *)calloc(1, (size_t)total)) == NULL)
    return cp_err_set(err, CP_ENOMEM, "out of memory packing a segment");
  memcpy(out, old, CP_SEG_FIXED);
  for (s = 1; s < CP_SEC_COUNT; s++)
    if (s != CP_SEC_BLKSUM && sec[s].size > 0)
      memcpy(out + off[s], sec[s].p, (size_t)sec[s].size);
  bt = out + off[CP_SEC_BLKSUM];
  for (k = 0; k < CP_SEG_NBLKSECS; k++) {
    int id = cp_seg_blksec(k);
    cp_blksum_build(out + off[id], sec[id].size, bt);
    bt += 8 * cp_blksum_count(sec[id].size);
  }
  cp_wr32(out + CP_H_HDRSIZE, hdr);
  cp_wr32(out + CP_H_NSECS, nsecs);
  cp_wr32(out + CP_H_MINOR, CP_SEG_MINOR);
  cp_wr64(out + CP_H_SIZE, total);
  for (s = 1; s < CP_SEC_COUNT; s++) {
    unsigned char *e = out + CP_SEG_FIXED + CP_SEG_SECENT * (s - 1);
    cp_wr32(e, (uint32_t)s);
    cp_wr32(e + 4, 0);
    cp_wr64(e + 8, off[s]);
    cp_wr64(e + 16, sec[s].size);
    cp_wr64(e + 24, (uint64_t)XXH64(out + off[s], (size_t)sec[s].size, 0));
  }
  cp_wr64(out + hdr - 8, (uint64_t)XXH64(out, hdr - 8, 0));
  *img = out;
  *size = (size_t)total;
  return CP_OK;
}

int cp_seg_pack_image (void **img, size_t *size, cp_err *err) {
  psec sec[CP_SEC_COUNT];
  const unsigned char *b;
  uint32_t i, nsecs, T, Nw, Nn;
  void *nimg = NULL;
  size_t nsize = 0;
  int rc, s;
  if (img == NULL || *img == NULL || size == NULL || *size < CP_SEG_FIXED)
    return cp_err_set(err, CP_EINVAL, "cp_seg_pack_image: bad arguments");
  b = (const unsigned char *)*img;
  memset(sec, 0, sizeof(sec));
  nsecs = cp_rd32(b + CP_H_NSECS);
  if (nsecs > CP_SEG_MAXSECS ||
      CP_SEG_FIXED + (size_t)CP_SEG_SECENT * nsecs > *size)
    return cp_err_set(err, CP_EINVAL, "cp_seg_pack_image: bad image");
  for (i = 0; i < nsecs; i++) {
    const unsigned char *e = b + CP_SEG_FIXED + CP_SEG_SECENT * i;
    uint32_t id = cp_rd32(e);
    uint64_t off = cp_rd64(e + 8), sz = cp_rd64(e + 16);
    if (id == 0 || id >= CP_SEC_COUNT || off > *size || sz > *size - off)
      return cp_err_set(err, CP_EINVAL, "cp_seg_pack_image: bad image");
    sec[id].p = b + off;
    sec[id].size = sz;
  }
  T = cp_rd32(b + CP_H_NTOK);
  Nw = cp_rd32(b + CP_H_NTYPES + 4 * CP_WORD);
  Nn = cp_rd32(b + CP_H_NTYPES + 4 * CP_NORM);
  if (sec[CP_SEC_STREAM].size != 4 * (uint64_t)T ||
      sec[CP_SEC_POST].size != 4 * (uint64_t)T ||
      sec[CP_SEC_POSTO].size != 4 * ((uint64_t)Nn + 1) ||
      sec[CP_SEC_WFREQ].size != 8 * (uint64_t)Nw)
    return cp_err_set(err, CP_EINVAL, "cp_seg_pack_image: not a plain image");
  rc = pack_stream(sec, T, Nw, err);
  if (rc == CP_OK) rc = pack_post(sec, Nn, err);
  if (rc == CP_OK) rc = assemble(b, sec, &nimg, &nsize, err);
  for (s = 0; s < CP_SEC_COUNT; s++) free(sec[s].own);
  if (rc != CP_OK) return rc;
  free(*img);
  *img = nimg;
  *size = nsize;
  return CP_OK;
}
