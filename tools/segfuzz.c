/*
** segfuzz.c -- random damage to a segment image: open, check and walk
** every accessor; must never crash (run it under ASan+UBSan), and check
** must catch every change (an unchanged copy does not count).
**
**   make && cc -O1 -g -fsanitize=address,undefined -Icsrc \
**        tools/segfuzz.c build/libcorpus.a \
**        -lutf8proc -lstemmer -lxxhash -lpcre2-8 -lm -o build/segfuzz
**   build/segfuzz [iterations]
**
** Each iteration changes 1-8 random bytes (bit flip, random byte, or
** zero/0xff) and one in ten also truncates the image.  Prints how many
** damaged images opened and how many passed the full check (should be 0).
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis.h"
#include "seg.h"
#include "tok.h"

static unsigned long long rs = 88172645463325252ull;

static unsigned long long rnd (void) {   /* xorshift64 */
  rs ^= rs << 13;  rs ^= rs >> 7;  rs ^= rs << 17;
  return rs;
}

/* call every accessor over the whole segment */
static unsigned long walk (const cp_seg *s) {
  unsigned long acc = 0;
  uint32_t p, t, nn, b0, b1, lo, hi;
  int l;
  cp_docinfo d;
  int tokens_ok = cp_seg_verify(s, NULL) == CP_OK;   /* as seg.h asks */
  for (p = 0; p < cp_seg_ntokens(s); p++) {
    if (cp_seg_tok_span(s, p, &b0, &b1) == CP_OK &&
        cp_seg_doc(s, cp_seg_doc_of(s, p), &d) == CP_OK && b1 > b0)
      acc += (unsigned char)d.text[b1 - 1];
    if (tokens_ok) acc += cp_seg_map(s, CP_STEM, cp_seg_stream(s)[p]);
    acc += cp_seg_sent_of(s, p) + cp_seg_para_of(s, p);
  }
  for (l = 0; l < CP_NLAYERS; l++)
    for (t = 0; t < cp_seg_ntypes(s, l); t++) {
      size_t len;
      const char *x = cp_seg_type(s, l, t, &len);
      acc += (unsigned long)cp_seg_lookup(s, l, x, len);
      cp_seg_lex_range(s, l, x, len ? 1 : 0, &lo, &hi);
      acc += hi - lo + cp_seg_type_freq(s, l, t) + cp_seg_type_docfreq(s, l, t);
    }
  for (t = 0; t < cp_seg_ntypes(s, CP_NORM) && tokens_ok; t++) {
    const uint32_t *pp = cp_seg_postings(s, t, &nn);
    if (nn) acc += cp_seg_stream(s)[pp[nn - 1]];
  }
  for (t = 0; t < cp_seg_ntypes(s, CP_STEM); t++) {
    const uint32_t *pp = cp_seg_stem_norms(s, t, &nn);
    if (nn) acc += cp_seg_norm_stem(s, pp[0]);
  }
  for (t = 0; t < cp_seg_ndocs(s); t++) {
    size_t it = 0;
    cp_meta m;
    cp_seg_doc(s, t, &d);
    while (cp_meta_next(d.meta, d.metalen, &it, &m) == 1) acc += m.keylen;
    acc += (unsigned long)cp_seg_find_id(s, d.id, d.idlen);
  }
  return acc;
}

int main (int argc, char **argv) {
  cp_err e;
  cp_an *an = cp_an_new("english", &e);
  cp_segw *w = cp_segw_new(an, CP_TOK_CORPUS, &e);
  char buf[1024], id[16], longw[300];
  int i, it, iters = argc > 1 ? atoi(argv[1]) : 20000, opened = 0, passed = 0;
  void *img;
  size_t sz;
  unsigned long acc = 0;
  memset(longw, 'y', sizeof(longw) - 1);
  longw[sizeof(longw) - 1] = '\0';
  for (i = 0; i < 40; i++) {
    cp_meta m = {"k", 1, CP_MSTR, "v", 1, 0};
    int n = snprintf(buf, sizeof(buf), "Doc %d. The Fighters\xe2\x80\x99 %s "
                     "fought %d times!\n\nNew para x%d. %s", i,
                     i % 3 ? "caf\xc3\xa9" : "CAFE\xcc\x81", i * 7, i,
                     i % 5 ? "" : longw);
    snprintf(id, sizeof(id), "d%d", i);
    if (cp_segw_add(w, id, strlen(id), buf, (size_t)n, &m, 1, &e) != CP_OK) {
      fprintf(stderr, "add: %s\n", e.msg);
      return 1;
    }
  }
  if (cp_segw_finish(w, &img, &sz, &e) != CP_OK) {
    fprintf(stderr, "finish: %s\n", e.msg);
    return 1;
  }
  for (it = 0; it < iters; it++) {
    unsigned char *c = (unsigned char *)malloc(sz);
    size_t n = sz;
    int k = 1 + (int)(rnd() % 8), j;
    cp_seg *s;
    memcpy(c, img, sz);
    for (j = 0; j < k; j++) {
      size_t at = rnd() % sz;
      switch (rnd() % 3) {
        case 0: c[at] ^= (unsigned char)(1u << (rnd() % 8)); break;
        case 1: c[at] = (unsigned char)rnd(); break;
        default: c[at] = c[at] ? 0 : 0xff; break;
      }
    }
    if (rnd() % 10 == 0) n = rnd() % sz;
    if (cp_seg_open(&s, c, n, &e) == CP_OK) {
      opened++;
      if (cp_seg_check(s, &e) == CP_OK && (n != sz || memcmp(c, img, sz) != 0))
        passed++;
      acc += walk(s);
      cp_seg_close(s);
    }
    free(c);
  }
  printf("image %zu bytes, %d damaged copies: %d opened, %d passed check "
         "(%lu)\n", sz, iters, opened, passed, acc & 1);
  free(img);
  cp_segw_free(w);
  cp_an_free(an);
  return passed != 0;
}
