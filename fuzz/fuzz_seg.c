/*
** fuzz_seg.c -- libFuzzer harness: the segment reader over arbitrary
** bytes.  Checksums are recomputed before opening (the block checksums
** of BLKSUM, every section's, the header's, the size field), so that the
** parser behind them is reached instead of stopping at "checksum
** mismatch".  Opening must fail cleanly or give a segment whose every
** accessor is safe to call before any check (format 2.1 checks lazily:
** seg.h), and on which cp_seg_verify and cp_seg_check decide.  Seeds:
** fuzz/seeds/seg (segments written by the builder: fuzz/gen_seeds.c, `make fuzz-seeds`).
*/
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <xxhash.h>

#include "blksum.h"
#include "seg.h"
#include "segfmt.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

/* the table entry of section 'id', or NULL (when out of bounds too) */
static unsigned char *entry (unsigned char *b, size_t size, uint32_t nsecs,
                             uint32_t id) {
  uint32_t i;
  for (i = 0; i < nsecs; i++) {
    unsigned char *e = b + CP_SEG_FIXED + CP_SEG_SECENT * i;
    uint64_t off = cp_rd64(e + 8), sz = cp_rd64(e + 16);
    if (cp_rd32(e) == id)
      return off <= size && sz <= size - off ? e : NULL;
  }
  return NULL;
}

/* rewrite BLKSUM from the block sections, when it has their size */
static void fix_blocks (unsigned char *b, size_t size, uint32_t nsecs) {
  unsigned char *t = entry(b, size, nsecs, CP_SEC_BLKSUM), *e;
  uint64_t need = 0, at = 0;
  int k;
  if (t == NULL) return;
  for (k = 0; k < CP_SEG_NBLKSECS; k++) {
    if ((e = entry(b, size, nsecs, (uint32_t)cp_seg_blksec(k))) == NULL) return;
    need += 8 * cp_blksum_count(cp_rd64(e + 16));
  }
  if (cp_rd64(t + 16) != need) return;
  for (k = 0; k < CP_SEG_NBLKSECS; k++) {
    e = entry(b, size, nsecs, (uint32_t)cp_seg_blksec(k));
    cp_blksum_build(b + cp_rd64(e + 8), cp_rd64(e + 16),
                    b + cp_rd64(t + 8) + at);
    at += 8 * cp_blksum_count(cp_rd64(e + 16));
  }
}

/* make the checksums agree with the (mutated) bytes */
static void fix_sums (unsigned char *b, size_t size) {
  uint32_t hdr, nsecs, i;
  if (size < CP_SEG_FIXED + 8) return;
  nsecs = cp_rd32(b + CP_H_NSECS);
  if (nsecs > CP_SEG_MAXSECS) return;
  hdr = CP_SEG_FIXED + CP_SEG_SECENT * nsecs + 8;
  if (hdr > size) return;
  cp_wr32(b + CP_H_HDRSIZE, hdr);
  cp_wr64(b + CP_H_SIZE, size);
  fix_blocks(b, size, nsecs);
  for (i = 0; i < nsecs; i++) {
    unsigned char *e = b + CP_SEG_FIXED + CP_SEG_SECENT * i;
    uint64_t off = cp_rd64(e + 8), sz = cp_rd64(e + 16);
    if (off <= size && sz <= size - off)
      cp_wr64(e + 24, (uint64_t)XXH64(b + off, (size_t)sz, 0));
  }
  cp_wr64(b + hdr - 8, (uint64_t)XXH64(b, hdr - 8, 0));
}

static unsigned long walk (const cp_seg *s) {
  unsigned long acc = 0;
  uint32_t p, t, nn, b0, b1, lo, hi;
  int l;
  cp_docinfo d;
  for (p = 0; p < cp_seg_ntokens(s); p++) {
    if (cp_seg_tok_span(s, p, &b0, &b1) == CP_OK &&
        cp_seg_doc(s, cp_seg_doc_of(s, p), &d) == CP_OK && b1 > b0 &&
        b1 <= d.textlen)
      acc += (unsigned char)d.text[b1 - 1];
    acc += cp_seg_map(s, CP_STEM, cp_seg_stream(s)[p]);
    acc += cp_seg_sent_of(s, p) + cp_seg_para_of(s, p);
  }
  for (l = 0; l < CP_NLAYERS; l++)
    for (t = 0; t < cp_seg_ntypes(s, l); t++) {
      size_t len;
      const char *x = cp_seg_type(s, l, t, &len);
      if (x == NULL) continue;
      acc += (unsigned long)cp_seg_lookup(s, l, x, len);
      cp_seg_lex_range(s, l, x, len ? 1 : 0, &lo, &hi);
      acc += hi - lo + cp_seg_type_freq(s, l, t) + cp_seg_type_docfreq(s, l, t);
    }
  for (t = 0; t < cp_seg_ntypes(s, CP_NORM); t++) {
    const uint32_t *pp = cp_seg_postings(s, t, &nn);
    if (pp != NULL && nn) acc += cp_seg_stream(s)[pp[nn - 1]];
  }
  for (t = 0; t < cp_seg_ntypes(s, CP_STEM); t++) {
    const uint32_t *pp = cp_seg_stem_norms(s, t, &nn);
    if (pp != NULL && nn) acc += cp_seg_norm_stem(s, pp[0]);
  }
  for (t = 0; t < cp_seg_ndocs(s); t++) {
    size_t it = 0;
    cp_meta m;
    if (cp_seg_doc(s, t, &d) != CP_OK) continue;
    while (cp_meta_next(d.meta, d.metalen, &it, &m) == 1) acc += m.keylen;
    acc += (unsigned long)cp_seg_find_id(s, d.id, d.idlen);
  }
  return acc;
}

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size) {
  /* a copy: the reader wants 8-byte alignment, the fixes write */
  unsigned char *b = (unsigned char *)malloc(size ? size : 1);
  cp_seg *s;
  cp_err e;
  volatile unsigned long sink;
  if (b == NULL) return 0;
  memcpy(b, data, size);
  fix_sums(b, size);
  if (cp_seg_open(&s, b, size, &e) == CP_OK) {
    sink = walk(s);                 /* lazily checked accessors */
    (void)sink;
    if (cp_seg_verify(s, &e) == CP_OK) {
      sink = walk(s);
      (void)cp_seg_check(s, &e);
    }
    cp_seg_close(s);
  }
  free(b);
  return 0;
}
