/*
** fuzz_seg.c -- libFuzzer harness: the segment reader over arbitrary
** bytes.  Checksums are recomputed before opening by cp_seg_fix_sums
** (seg.c: the size fields, every part of ATTRS, every section, the
** header), so that the parser behind them is reached instead of
** stopping at "checksum mismatch".  Opening must fail cleanly or give a
** segment on which cp_seg_verify and cp_seg_check decide; every
** accessor must then be safe to call, as the contract in seg.h says.
** Seeds: fuzz/seeds/seg, format-2 segments written by the builder
** (fuzz/gen_seeds.c; `make fuzz-seeds` writes them again).
*/
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "seg.h"
#include "segfmt.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

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
  (void)cp_seg_fix_sums(b, size, &e);
  if (cp_seg_open(&s, b, size, &e) == CP_OK) {
    if (cp_seg_verify(s, &e) == CP_OK) {
      sink = walk(s);
      (void)sink;
      (void)cp_seg_check(s, &e);
    }
    cp_seg_close(s);
  }
  free(b);
  return 0;
}
