/*
** fuzz_conllu.c -- libFuzzer harness: the CoNLL-U reader (conllu.c)
** over arbitrary bytes, and the builder behind it.  Each input is parsed
** (cp_conllu_parse), then added to a fresh in-memory corpus
** (cp_corpus_add_conllu).  The two must agree: a parse that fails makes
** the add fail with the same code; a parse that succeeds gives documents
** whose tokens lie in order inside their text, and an add that either
** succeeds with that many documents (every sealed segment then passes
** cp_seg_check) or fails with a data error and adds nothing.  Anything
** else aborts.  Seeds: fuzz/seeds/conllu (cut from UD English EWT dev).
*/
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "conllu.h"
#include "corpus.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

/* the codes bad input may give: anything else is a bug */
static int data_error (int code) {
  return code == CP_ESYNTAX || code == CP_EEXIST || code == CP_ELIMIT ||
         code == CP_EINVAL;
}

static void check_docs (const cp_docin *d, size_t n) {
  size_t i, t;
  for (i = 0; i < n; i++) {
    const cp_tokdoc *td = d[i].tokens;
    uint32_t prev = 0;
    if (td == NULL || d[i].id == NULL || d[i].idlen == 0) abort();
    for (t = 0; t < td->ntok; t++) {
      const cp_tokin *k = &td->tok[t];
      /* the words of a multiword token share its span */
      if (k->start > k->stop || k->stop > td->textlen || k->start < prev)
        abort();
      prev = k->start;
    }
    for (t = 0; t < td->nspans; t++)
      if (td->spans[t].start >= td->spans[t].end || td->spans[t].end > td->ntok)
        abort();
  }
}

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size) {
  const char *buf = (const char *)data;
  cp_conllu *cu;
  cp_corpus *c;
  cp_err e;
  cp_stats st;
  const cp_docin *docs = NULL;
  size_t n = 0, added = 0, i;
  int prc, arc;
  cp_meta m = {"src", 3, CP_MSTR, "fuzz", 4, 0};
  prc = cp_conllu_parse(buf, size, "doc", 3, &cu, &e);
  if (prc == CP_OK) {
    n = cp_conllu_docs(cu, &m, 1, &docs);
    if (docs == NULL && n > 0) abort();
    check_docs(docs, n);
    cp_conllu_free(cu);
  }
  else if (!data_error(prc) || e.msg[0] == 0) abort();
  if ((c = cp_corpus_new(NULL, &e)) == NULL) abort();
  arc = cp_corpus_add_conllu(c, buf, size, "doc", 3, &m, 1, &added, &e);
  if (prc != CP_OK && arc != prc) abort();
  if (arc == CP_OK && added != n) abort();
  if (arc != CP_OK && (!data_error(arc) || added != 0)) abort();
  if (cp_corpus_stats(c, &st, &e) != CP_OK) abort();
  if (st.docs != (arc == CP_OK ? n : 0)) abort();
  for (i = 0; i < cp_corpus_nsegs(c); i++)
    if (cp_seg_check(cp_corpus_seg(c, i), &e) != CP_OK) abort();
  cp_corpus_free(c);
  return 0;
}
