/*
** pipe_test.c -- the tokenizer thread (pipe.c) and the two-step add
** (cp_segw_prepare / cp_segw_add_prepared): images built through them
** must be byte-for-byte those of the sequential path, and a failing
** batch must leave nothing behind.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis.h"
#include "corpus.h"
#include "pipe.h"
#include "seg.h"
#include "extract.h"
#include "tap.h"
#include "xint.h"


#define NDOCS 600

static char *texts[NDOCS];
static char ids[NDOCS][16];
static cp_docin docs[NDOCS];
static cp_meta metas[NDOCS];
static size_t ndocs;

static const char *const words[] = {
  "the", "General", "Assembly", "peace", "caf\xc3\xa9", "na\xc3\xafve",
  "\xd0\xbc\xd0\xb8\xd1\x80", "2024", "U.N.", "don't", "e-mail", "--",
  "\xe5\xb9\xb3\xe5\x92\x8c", "Mr.", "(", ")", ",", "state-of-the-art",
  "\xff", "\xc3", "\xed\xa0\x80", "\xf0\x9f\x98\x80", "e\xcc\x81t\xc3\xa9"
};
#define NWORDS (sizeof(words) / sizeof(words[0]))

/* a pseudo-random document of about 'sz' bytes: sentences, paragraphs,
** invalid UTF-8, decomposed accents, now and then a NUL */
static char *synth (unsigned *seed, size_t sz, size_t *len) {
  char *b = (char *)malloc(sz + 64);
  size_t n = 0;
  if (b == NULL) return NULL;
  while (n < sz) {
    const char *w;
    size_t wl;
    *seed = *seed * 1103515245u + 12345u;
    w = words[(*seed >> 16) % NWORDS];
    wl = strlen(w);
    memcpy(b + n, w, wl);
    n += wl;
    switch ((*seed >> 8) % 16) {
      case 0: b[n++] = '.';  b[n++] = ' ';  break;
      case 1: b[n++] = '\n';  b[n++] = '\n';  break;
      case 2: b[n++] = '\0';  break;
      default: b[n++] = ' ';  break;
    }
  }
  *len = n;
  return b;
}

static int setup (void) {
  unsigned seed = 7;
  static const char *const seeds[] = {
    "/work/shared/corpora/seeds/000_5d011168273388d6.txt",
    "/work/shared/corpora/seeds/004_c6fd0727bfa2b943.txt"
  };
  size_t i;
  for (i = 0; i < NDOCS; i++) {
    size_t len = 0;
    if (i < 2) texts[i] = readfile(seeds[i], &len);
    if (texts[i] == NULL) {
      if (i % 50 == 7) { texts[i] = (char *)malloc(1);  len = 0; }  /* empty */
      else texts[i] = synth(&seed, 200 + (i * 37) % 1500, &len);
      if (texts[i] == NULL) return 0;
    }
    snprintf(ids[i], sizeof(ids[i]), "d%zu", i + 1);
    metas[i].type = CP_MNUM;
    metas[i].key = "n";
    metas[i].keylen = 1;
    metas[i].num = (double)i;
    docs[i].id = ids[i];
    docs[i].idlen = strlen(ids[i]);
    docs[i].text = texts[i];
    docs[i].textlen = len;
    docs[i].meta = &metas[i];
    docs[i].nmeta = 1;
  }
  ndocs = NDOCS;
  return 1;
}

/* image of docs[0..n) added one by one (sequential) or through a pipe */
static void *segimage (int mode, int piped, size_t n, size_t *size) {
  cp_err e;
  void *img = NULL;
  size_t i;
  cp_an *an = cp_an_new("english", &e);
  cp_segw *w = an ? cp_segw_new(an, mode, &e) : NULL;
  cp_pipe *p = NULL;
  int rc = w ? CP_OK : e.code;
  if (rc == CP_OK && piped && (p = cp_pipe_start(docs, n, mode, &e)) == NULL)
    rc = e.code;
  for (i = 0; i < n && rc == CP_OK; i++) {
    const cp_docin *d = &docs[i];
    if (piped)
      rc = cp_segw_add_prepared(w, d->id, d->idlen, cp_pipe_next(p), d->meta,
                                d->nmeta, &e);
    else
      rc = cp_segw_add(w, d->id, d->idlen, d->text, d->textlen, d->meta,
                       d->nmeta, &e);
  }
  if (p != NULL) TAP_OK(cp_pipe_next(p) == NULL, "pipe ends after n documents");
  cp_pipe_stop(p);
  if (rc == CP_OK) rc = cp_segw_finish(w, &img, size, &e);
  if (rc != CP_OK) printf("# segimage: %s\n", e.msg);
  cp_segw_free(w);
  cp_an_free(an);
  return img;
}

static int sameimg (const void *a, size_t an, const void *b, size_t bn) {
  return a != NULL && b != NULL && an == bn && memcmp(a, b, an) == 0;
}

static void test_segw (void) {
  int mode;
  for (mode = CP_TOK_CORPUS; mode <= CP_TOK_STRICT; mode++) {
    size_t n1 = 0, n2 = 0, n3 = 0, n4 = 0;
    void *a = segimage(mode, 0, ndocs, &n1);
    void *b = segimage(mode, 1, ndocs, &n2);
    void *c = segimage(mode, 0, 1, &n3);
    void *d = segimage(mode, 1, 1, &n4);
    TAP_OK(sameimg(a, n1, b, n2), "mode %d: piped image = sequential image "
           "(%zu / %zu bytes)", mode, n1, n2);
    TAP_OK(sameimg(c, n3, d, n4), "mode %d: one document, inline pipe", mode);
    free(a); free(b); free(c); free(d);
  }
}

static void test_prepared_errors (void) {
  cp_err e;
  cp_segprep p;
  cp_an *an = cp_an_new("english", &e);
  cp_segw *w = cp_segw_new(an, CP_TOK_CORPUS, &e);
  memset(&p, 0, sizeof(p));
  cp_segw_prepare(CP_TOK_STRICT, "a b", 3, &p);
  TAP_OK(cp_segw_add_prepared(w, "x", 1, &p, NULL, 0, &e) == CP_EINVAL &&
         strstr(e.msg, "mode") != NULL, "a mode mismatch is refused: %s",
         e.msg);
  TAP_OK(cp_segw_prepare(CP_TOK_CORPUS, NULL, 5, &p) == CP_EINVAL &&
         cp_segw_add_prepared(w, "x", 1, &p, NULL, 0, &e) == CP_EINVAL &&
         strstr(e.msg, "NULL") != NULL, "a NULL text fails at the add: %s",
         e.msg);
  TAP_OK(cp_segw_add_prepared(w, "x", 1, NULL, NULL, 0, &e) == CP_EINVAL,
         "no prepared document");
  TAP_OK(cp_segw_prepare(CP_TOK_CORPUS, "ab\xff" "cd", 5, &p) == CP_OK &&
         p.ninvalid == 1 && p.fixed != NULL && p.tv.n >= 1 &&
         cp_segw_add_prepared(w, "x", 1, &p, NULL, 0, &e) == CP_OK &&
         cp_segw_invalid(w) == 1 && cp_segw_ndocs(w) == 1,
         "a repaired text is added with its count");
  cp_segprep_free(&p);
  cp_segw_free(w);
  cp_an_free(an);
}

static const void *corpimage (cp_corpus *c, size_t *size) {
  cp_err e;
  if (cp_corpus_flush(c, &e) != CP_OK || cp_corpus_nsegs(c) != 1) return NULL;
  return cp_corpus_seg_image(c, 0, size);
}

static void test_corpus (void) {
  cp_err e;
  size_t i, n1 = 0, n2 = 0, total = 0;
  cp_corpus *a = cp_corpus_new(NULL, &e), *b = cp_corpus_new(NULL, &e);
  const void *ia, *ib;
  cp_docin bad[NDOCS];
  cp_meta badmeta;
  int rc = CP_OK;
  for (i = 0; i < ndocs; i++) total += docs[i].textlen;
  TAP_OK(total >= 256 * 1024, "the batch is big enough for the thread "
         "(%zu bytes)", total);
  for (i = 0; i < ndocs && rc == CP_OK; i++)
    rc = cp_corpus_add(a, &docs[i], 1, &e);
  TAP_OK(rc == CP_OK, "one by one");
  /* failing batches first: each must leave b empty */
  memcpy(bad, docs, sizeof(bad));
  bad[ndocs - 3].id = "d5";  bad[ndocs - 3].idlen = 2;
  rc = cp_corpus_add(b, bad, ndocs, &e);
  TAP_OK(rc == CP_EEXIST && strstr(e.msg, "document 598") != NULL &&
         cp_corpus_npending(b) == 0, "late duplicate: all or nothing (%s)",
         e.msg);
  memcpy(bad, docs, sizeof(bad));
  bad[1].id = "d1";  bad[1].idlen = 2;   /* the worker is far ahead */
  rc = cp_corpus_add(b, bad, ndocs, &e);
  TAP_OK(rc == CP_EEXIST && strstr(e.msg, "document 2") != NULL &&
         cp_corpus_npending(b) == 0, "early duplicate: %s", e.msg);
  memcpy(bad, docs, sizeof(bad));
  badmeta = metas[300];
  badmeta.type = 99;
  bad[300].meta = &badmeta;
  rc = cp_corpus_add(b, bad, ndocs, &e);
  TAP_OK(rc == CP_EINVAL && strstr(e.msg, "document 301") != NULL &&
         cp_corpus_npending(b) == 0, "bad metadata mid-batch: %s", e.msg);
  rc = cp_corpus_add(b, docs, ndocs, &e);
  TAP_OK(rc == CP_OK && cp_corpus_npending(b) == ndocs,
         "the whole batch at once");
  ia = corpimage(a, &n1);
  ib = corpimage(b, &n2);
  TAP_OK(sameimg(ia, n1, ib, n2), "batch image = one-by-one image "
         "(%zu / %zu bytes)", n1, n2);
  cp_corpus_free(a);
  cp_corpus_free(b);
}

/* documents added one a call wait in a queue (corpus.c): ids are
** checked at once, counts include the queue, reads and batches drain it,
** and the image is the batch's */
static void test_queue (void) {
  cp_err e;
  size_t i, n1 = 0, n2 = 0;
  cp_corpus *a = cp_corpus_new(NULL, &e), *b = cp_corpus_new(NULL, &e);
  const void *ia, *ib;
  cp_docin noid[3];
  cp_meta bad;
  int rc = CP_OK, ok = 1;
  for (i = 0; i < 100 && rc == CP_OK; i++) {
    rc = cp_corpus_add(a, &docs[i], 1, &e);
    if (cp_corpus_npending(a) != i + 1) ok = 0;
  }
  TAP_OK(rc == CP_OK && ok, "queued documents count as pending");
  rc = cp_corpus_add(a, &docs[99], 1, &e);
  TAP_OK(rc == CP_EEXIST && strstr(e.msg, "'d100'") != NULL &&
         cp_corpus_npending(a) == 100, "a duplicate of a queued id is "
         "refused at once: %s", e.msg);
  bad = metas[0];
  bad.type = 99;
  noid[0] = docs[100];
  noid[0].meta = &bad;
  rc = cp_corpus_add(a, &noid[0], 1, &e);
  TAP_OK(rc == CP_EINVAL && cp_corpus_npending(a) == 100,
         "malformed metadata is refused at once: %s", e.msg);
  /* a batch after queued documents: they go first */
  rc = cp_corpus_add(a, &docs[100], 200, &e);
  TAP_OK(rc == CP_OK && cp_corpus_npending(a) == 300, "a batch after the queue");
  for (i = 300; i < ndocs && rc == CP_OK; i++)
    rc = cp_corpus_add(a, &docs[i], 1, &e);
  TAP_OK(rc == CP_OK && cp_corpus_npending(a) == ndocs, "and the rest queued");
  rc = cp_corpus_add(b, docs, ndocs, &e);
  ia = corpimage(a, &n1);
  ib = corpimage(b, &n2);
  TAP_OK(rc == CP_OK && sameimg(ia, n1, ib, n2), "queued + batch image = "
         "batch image (%zu / %zu bytes)", n1, n2);
  /* sequence ids are given at once, in order, skipping taken ones */
  for (i = 0; i < 3; i++) {
    noid[i] = docs[i];
    noid[i].id = NULL;
    noid[i].idlen = 0;
  }
  noid[1].id = "2";
  noid[1].idlen = 1;
  rc = CP_OK;
  for (i = 0; i < 3 && rc == CP_OK; i++) rc = cp_corpus_add(b, &noid[i], 1, &e);
  {
    uint64_t d1 = 0, d3 = 0;
    int f = cp_corpus_flush(b, &e);
    TAP_OK(rc == CP_OK && f == CP_OK &&
           cp_corpus_find(b, "1", 1, &d1) == CP_OK &&
           cp_corpus_find(b, "3", 1, &d3) == CP_OK &&
           d1 == ndocs && d3 == ndocs + 2,
           "sequence ids of queued documents: 1, (2 given), 3");
  }
  cp_corpus_free(a);
  /* freed with documents still queued: nothing leaks (valgrind, ASan) */
  for (i = 0; i < 5; i++) cp_corpus_add(b, &noid[0], 1, &e);
  cp_corpus_free(b);
}

/* with the built-in analysers on, documents added one a call are queued
** too (their only failure is out of memory); switching the analysers
** drains the queue first, so each document is analysed as it was added */
static void test_queue_analysed (void) {
  cp_err e;
  cp_opts o;
  size_t i, n1 = 0, n2 = 0, half = ndocs / 2;
  cp_corpus *a, *b;
  const void *ia, *ib;
  int rc = CP_OK, ok = 1;
  memset(&o, 0, sizeof(o));
  o.analyse = CP_X_ALL;
  a = cp_corpus_new(&o, &e);
  b = cp_corpus_new(&o, &e);
  for (i = 0; i < half && rc == CP_OK; i++) {
    rc = cp_corpus_add(a, &docs[i], 1, &e);
    if (cp_corpus_npending(a) != i + 1) ok = 0;
  }
  TAP_OK(rc == CP_OK && ok, "analysed documents one a call, pending at once");
  rc = cp_corpus_set_analyse(a, 0, &e);
  for (i = half; i < ndocs && rc == CP_OK; i++)
    rc = cp_corpus_add(a, &docs[i], 1, &e);
  if (rc == CP_OK) rc = cp_corpus_add(b, docs, half, &e);
  if (rc == CP_OK) rc = cp_corpus_set_analyse(b, 0, &e);
  if (rc == CP_OK) rc = cp_corpus_add(b, docs + half, ndocs - half, &e);
  ia = corpimage(a, &n1);
  ib = corpimage(b, &n2);
  TAP_OK(rc == CP_OK && sameimg(ia, n1, ib, n2), "queued and analysed, "
         "then not: the batches' image (%zu / %zu bytes)", n1, n2);
  cp_corpus_free(a);
  cp_corpus_free(b);
}

/* the query cache's punctuation bitmap (built from the punctuation
** norms' postings) against a scan of the stream, bit by bit, and its
** rank array against running counts */
static void test_ppunct (void) {
  cp_err e;
  cp_corpus *c = cp_corpus_new(NULL, &e);
  cp_qcache *qc = cp_qcache_new();
  const uint64_t *b;
  const cp_seg *s;
  const uint32_t *st, *rank;
  uint32_t nt, p, sum = 0, bad = 0, nb;
  int rc = cp_corpus_add(c, docs, ndocs, &e);
  if (rc == CP_OK) rc = cp_corpus_flush(c, &e);
  b = rc == CP_OK ? cp_qc_ppunct(qc, c, 0) : NULL;
  TAP_OK(b != NULL, "punctuation bitmap built");
  if (b == NULL) { cp_qcache_free(qc);  cp_corpus_free(c);  return; }
  s = cp_corpus_seg(c, 0);
  st = cp_seg_stream(s);
  nt = cp_seg_ntokens(s);
  nb = nt / 64 + 1;
  rank = (const uint32_t *)(b + nb);
  for (p = 0; p < nt; p++) {
    int bit = (int)((b[p >> 6] >> (p & 63)) & 1);
    if ((p & 63) == 0 && rank[p >> 6] != sum) bad++;
    if (bit != cp_seg_type_punct(s, st[p])) bad++;
    sum += (uint32_t)cp_seg_type_punct(s, st[p]);
  }
  TAP_OK(bad == 0 && sum > 0 && rank[nb] == sum, "bitmap and ranks = the "
         "stream's punctuation (%u tokens, %u punctuation, %u wrong)", nt, sum,
         bad);
  cp_qcache_free(qc);
  cp_corpus_free(c);
}

int main (void) {
  size_t i;
  if (!setup()) { printf("Bail out! out of memory\n");  return 1; }
  test_segw();
  test_prepared_errors();
  test_corpus();
  test_queue();
  test_queue_analysed();
  test_ppunct();
  for (i = 0; i < ndocs; i++) free(texts[i]);
  return tap_done();
}
