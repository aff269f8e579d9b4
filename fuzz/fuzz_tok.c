/*
** fuzz_tok.c -- libFuzzer harness: UTF-8 repair, the tokenizer (both
** modes) and the segment builder over arbitrary text.  The input is
** split into documents at 0x01 bytes; the first byte picks the mode.
** Tokens must be in order, non-empty and inside the text; a segment the
** builder writes must pass cp_seg_check (anything else aborts: a bug).
*/
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis.h"
#include "seg.h"
#include "tok.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static cp_an *an;

static void check_tokens (const char *s, size_t n, int mode) {
  cp_tokvec tv = {NULL, 0, 0};
  cp_err e;
  size_t i, prev = 0;
  if (cp_tok_run(s, n, mode, &tv, &e) != CP_OK) abort();
  for (i = 0; i < tv.n; i++) {
    if (tv.v[i].start < prev || tv.v[i].stop <= tv.v[i].start ||
        tv.v[i].stop > n)
      abort();
    prev = tv.v[i].stop;
  }
  if (tv.n > 0 && (tv.v[0].flags & (CP_TF_SSTART | CP_TF_PSTART)) !=
                  (CP_TF_SSTART | CP_TF_PSTART))
    abort();
  cp_tokvec_free(&tv);
}

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size) {
  cp_err e;
  char *fixed = NULL, id[32];
  size_t flen = 0, ninv = 0, at = 1, ndocs = 0;
  int mode;
  cp_segw *w;
  void *img;
  size_t isz;
  if (size < 1) return 0;
  if (an == NULL && (an = cp_an_new("english", &e)) == NULL) abort();
  mode = data[0] & 1 ? CP_TOK_STRICT : CP_TOK_CORPUS;
  if (cp_utf8_repair((const char *)data + 1, size - 1, &fixed, &flen, &ninv,
                     &e) != CP_OK)
    return 0;
  if (fixed != NULL) check_tokens(fixed, flen, mode);
  else check_tokens((const char *)data + 1, size - 1, mode);
  free(fixed);
  if ((w = cp_segw_new(an, mode, &e)) == NULL) abort();
  while (at <= size && ndocs < 8) {
    const uint8_t *end = memchr(data + at, 1, size - at);
    size_t len = end ? (size_t)(end - (data + at)) : size - at;
    int n = snprintf(id, sizeof(id), "d%zu", ndocs++);
    cp_meta m = {"k", 1, CP_MSTR, "v", 1, 0};
    if (cp_segw_add(w, id, (size_t)n, (const char *)data + at, len, &m,
                    ndocs & 1, &e) != CP_OK && e.code != CP_ELIMIT)
      abort();
    at += len + 1;
  }
  if (cp_segw_ndocs(w) > 0) {
    cp_seg *s;
    if (cp_segw_finish(w, &img, &isz, &e) != CP_OK) abort();
    if (cp_seg_open(&s, img, isz, &e) != CP_OK) abort();
    if (cp_seg_check(s, &e) != CP_OK) abort();
    cp_seg_close(s);
    free(img);
  }
  cp_segw_free(w);
  return 0;
}
