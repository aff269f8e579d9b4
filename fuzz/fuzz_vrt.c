/*
** fuzz_vrt.c -- libFuzzer harness: the VRT reader (vrt.c) over
** arbitrary bytes, and the builder behind it.  The first byte picks the
** column names (word alone, word lemma pos, lemma word, ...); the rest
** is added to a fresh in-memory corpus with cp_corpus_add_vrt.  Bad data
** must fail with a data error and add nothing; a success must add the
** documents it reports, and every sealed segment must pass cp_seg_check.
** Anything else aborts.  Seeds: fuzz/seeds/vrt (cut from UD English EWT
** dev, converted as spec/15_vrt_spec.lua does).
*/
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "corpus.h"
#include "vrt.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static const char *const cols[4][4] = {
  {"word"}, {"word", "lemma", "pos"}, {"lemma", "word"},
  {"word", "lemma", "upos", "x1"},
};
static const size_t ncols[4] = {1, 3, 2, 4};

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size) {
  cp_corpus *c;
  cp_err e;
  cp_stats st;
  size_t added = 7, i, k, lens[4];
  int rc, pick;
  cp_meta m = {"src", 3, CP_MSTR, "fuzz", 4, 0};
  if (size < 1) return 0;
  pick = data[0] & 3;
  for (k = 0; k < ncols[pick]; k++) lens[k] = strlen(cols[pick][k]);
  if ((c = cp_corpus_new(NULL, &e)) == NULL) abort();
  rc = cp_corpus_add_vrt(c, (const char *)data + 1, size - 1, "doc", 3,
                         cols[pick], lens, ncols[pick], &m, (size_t)(data[0] >> 7),
                         &added, &e);
  if (rc != CP_OK && ((rc != CP_ESYNTAX && rc != CP_EEXIST && rc != CP_ELIMIT &&
                       rc != CP_EINVAL) || added != 0 || e.msg[0] == 0))
    abort();
  if (cp_corpus_stats(c, &st, &e) != CP_OK) abort();
  if (st.docs != (rc == CP_OK ? added : 0)) abort();
  for (i = 0; i < cp_corpus_nsegs(c); i++)
    if (cp_seg_check(cp_corpus_seg(c, i), &e) != CP_OK) abort();
  cp_corpus_free(c);
  return 0;
}
