/*
** analyse_test.c -- the analysers at add time run where documents are
** prepared (worker threads: a batch's pipe, the JSON Lines workers) or
** in the thread that adds (one document a call); the index must be the
** same byte for byte either way.  Also run under ThreadSanitizer
** (make tsan).
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyse.h"
#include "corpus.h"
#include "jsonl.h"
#include "tap.h"

#define NDOCS 400

static char *texts[NDOCS];
static size_t lens[NDOCS];
static char ids[NDOCS][16];
static char dates[NDOCS][16];
static cp_meta metas[NDOCS];
static cp_docin docs[NDOCS];

static const char *const names[] = {
  "John Godfrey", "Antony J. Blinken", "the Coalition", "Ms. Maria Lopez",
  "the Government of Iraq", "Secretary-General Guterres", "he", "she"
};
static const char *const cues[] = { "said", "told reporters", "added", "warned" };
static const char *const whens[] = {
  "on March 3", "last year", "in 2019", "between June 4 and June 9",
  "every year", "in recent months", "on Friday", "a decade ago"
};
static const char *const nums[] = {
  "10,000", "roughly 2,000", "eight million", "30 per cent", "$5 billion",
  "2.5", "the third", "1,00,000"
};

static unsigned rnd (unsigned *seed) {
  *seed = *seed * 1103515245u + 12345u;
  return *seed >> 16;
}

#define PICK(a, seed) ((a)[rnd(seed) % (sizeof(a) / sizeof((a)[0]))])

/* a news-like document: quotes with cues and speakers, names, dates,
** numbers, curly and straight marks, paragraphs */
static char *synth (unsigned *seed, size_t sz, size_t *len) {
  char *b = (char *)malloc(sz + 512);
  size_t n = 0;
  if (b == NULL) return NULL;
  while (n < sz) {
    int k = (int)(rnd(seed) % 5);
    if (k == 0)
      n += (size_t)sprintf(b + n, "\xE2\x80\x9CWe will support %s %s,\xE2\x80\x9D %s %s. ",
                           PICK(nums, seed), "families", PICK(names, seed), PICK(cues, seed));
    else if (k == 1)
      n += (size_t)sprintf(b + n, "%s %s that the Syrian Democratic Forces had %s troops %s. ",
                           PICK(names, seed), PICK(cues, seed), PICK(nums, seed), PICK(whens, seed));
    else if (k == 2)
      n += (size_t)sprintf(b + n, "According to %s, the talks in Al-Hol ended %s. ",
                           PICK(names, seed), PICK(whens, seed));
    else if (k == 3)
      n += (size_t)sprintf(b + n, "\"The situation is grave\", %s %s, \"and %s people are waiting.\"\n\n",
                           PICK(cues, seed), PICK(names, seed), PICK(nums, seed));
    else
      n += (size_t)sprintf(b + n, "Separate talks with Daesh/ISIS fighters cost %s %s. ",
                           PICK(nums, seed), PICK(whens, seed));
  }
  *len = n;
  return b;
}

static int setup (void) {
  unsigned seed = 11;
  size_t i;
  for (i = 0; i < NDOCS; i++) {
    if ((texts[i] = synth(&seed, 300 + (i * 53) % 1600, &lens[i])) == NULL) return 0;
    snprintf(ids[i], sizeof(ids[i]), "d%zu", i + 1);
    snprintf(dates[i], sizeof(dates[i]), "2021-%02zu-%02zu", 1 + i % 12, 1 + i % 28);
    metas[i].type = CP_MSTR;
    metas[i].key = "date";
    metas[i].keylen = 4;
    metas[i].str = dates[i];
    metas[i].strlen = strlen(dates[i]);
    docs[i].id = ids[i];
    docs[i].idlen = strlen(ids[i]);
    docs[i].text = texts[i];
    docs[i].textlen = lens[i];
    docs[i].meta = &metas[i];
    docs[i].nmeta = 1;
  }
  return 1;
}

/* the documents as JSON Lines (texts escaped) */
static char *jsonl (size_t *len) {
  size_t cap = 64, n = 0, i, k;
  char *b;
  for (i = 0; i < NDOCS; i++) cap += 2 * lens[i] + 96;
  if ((b = (char *)malloc(cap)) == NULL) return NULL;
  for (i = 0; i < NDOCS; i++) {
    n += (size_t)sprintf(b + n, "{\"id\": \"%s\", \"date\": \"%s\", \"text\": \"", ids[i], dates[i]);
    for (k = 0; k < lens[i]; k++) {
      char c = texts[i][k];
      if (c == '"' || c == '\\') { b[n++] = '\\';  b[n++] = c; }
      else if (c == '\n') { b[n++] = '\\';  b[n++] = 'n'; }
      else b[n++] = c;
    }
    n += (size_t)sprintf(b + n, "\"}\n");
  }
  *len = n;
  return b;
}

static int counted;   /* documents seen by the counting producer */

static int count_producer (void *ud, const char *text, size_t len,
                           const cp_tokvec *tv, const cp_meta *meta,
                           size_t nmeta, cp_spanout *out, cp_err *err) {
  (void)ud; (void)text; (void)len; (void)meta; (void)nmeta;
  counted++;
  if (tv->n == 0) return CP_OK;
  return cp_spanout_add(out, "first", 5, 0, 1, NULL, 0, err);
}

enum { ONE_BY_ONE, BATCH, JSONL };

/* the image of the documents added one way, with analysers 'what' (and
** the counting producer too when 'count') */
static void *image (int how, unsigned what, int count, size_t *size) {
  cp_err e;
  cp_opts o;
  cp_corpus *c;
  void *img = NULL;
  const void *p;
  size_t i;
  int rc = CP_OK;
  memset(&o, 0, sizeof(o));
  o.analyse = what;
  if ((c = cp_corpus_new(&o, &e)) == NULL) return NULL;
  if (count) rc = cp_corpus_add_producer(c, "count", count_producer, NULL, &e);
  if (rc == CP_OK && how == ONE_BY_ONE)
    for (i = 0; i < NDOCS && rc == CP_OK; i++) rc = cp_corpus_add(c, &docs[i], 1, &e);
  else if (rc == CP_OK && how == BATCH)
    rc = cp_corpus_add(c, docs, NDOCS, &e);
  else if (rc == CP_OK) {
    size_t jl = 0, added = 0;
    char *j = jsonl(&jl);
    int parser = 0;
    rc = j ? cp_corpus_add_jsonl(c, j, jl, "t.jsonl", 0, 0, &added, &parser, &e)
           : CP_ENOMEM;
    free(j);
  }
  if (rc == CP_OK) rc = cp_corpus_flush(c, &e);
  if (rc != CP_OK) printf("# image: %s\n", e.msg);
  if (rc == CP_OK && cp_corpus_nsegs(c) == 1 && (p = cp_corpus_seg_image(c, 0, size)) != NULL
      && (img = malloc(*size)) != NULL)
    memcpy(img, p, *size);
  cp_corpus_free(c);
  return img;
}

static int same (const void *a, size_t an, const void *b, size_t bn) {
  return a != NULL && b != NULL && an == bn && memcmp(a, b, an) == 0;
}

static void test_same_images (void) {
  size_t n1 = 0, n2 = 0, n3 = 0, n0 = 0, total = 0, i;
  void *a, *b, *c, *z;
  for (i = 0; i < NDOCS; i++) total += lens[i];
  TAP_OK(total >= 256 * 1024, "the batch is big enough for the pipe (%zu bytes)", total);
  a = image(ONE_BY_ONE, CP_X_ALL, 0, &n1);
  b = image(BATCH, CP_X_ALL, 0, &n2);
  c = image(JSONL, CP_X_ALL, 0, &n3);
  z = image(BATCH, 0, 0, &n0);
  TAP_OK(a != NULL && z != NULL && n1 > n0 + total / 10,
         "the analysers store spans (%zu bytes with them, %zu without)", n1, n0);
  TAP_OK(same(a, n1, b, n2), "batch (analysed on the pipe's worker) = one by one "
         "(%zu / %zu bytes)", n1, n2);
  TAP_OK(same(a, n1, c, n3), "JSON Lines (analysed on its workers) = one by one "
         "(%zu / %zu bytes)", n1, n3);
  free(b); free(c); free(z);
  b = image(BATCH, CP_X_DATES, 0, &n2);
  c = image(ONE_BY_ONE, CP_X_DATES, 0, &n3);
  TAP_OK(same(b, n2, c, n3) && !same(a, n1, b, n2), "one analyser: batch = one by one");
  free(a); free(b); free(c);
  /* a producer that can run only where documents are added keeps the
  ** analysers there too, and sees every document once */
  counted = 0;
  a = image(BATCH, CP_X_ALL, 1, &n1);
  TAP_OK(counted == NDOCS, "a plain producer runs once per document (%d)", counted);
  counted = 0;
  b = image(ONE_BY_ONE, CP_X_ALL, 1, &n2);
  TAP_OK(counted == NDOCS && same(a, n1, b, n2), "with it, batch = one by one");
  free(a); free(b);
}

/* cp_segprep_produce itself: it runs the analysers where it is called,
** and nothing when a producer can only run in the thread that adds */
static void test_produce (void) {
  cp_err e;
  cp_opts o;
  cp_corpus *c;
  cp_segprep p;
  const cp_producer *pr;
  size_t n = 0;
  memset(&o, 0, sizeof(o));
  memset(&p, 0, sizeof(p));
  o.analyse = CP_X_ALL;
  c = cp_corpus_new(&o, &e);
  pr = cp_corpus_producers(c, &n);
  cp_segw_prepare(CP_TOK_CORPUS, texts[0], lens[0], &p);
  cp_segprep_produce(&p, pr, n, docs[0].meta, docs[0].nmeta);
  TAP_OK(n == 1 && p.pprods == pr && p.prc == CP_OK && p.so != NULL,
         "the analysers ran at prepare time");
  cp_segw_prepare(CP_TOK_CORPUS, texts[1], lens[1], &p);
  TAP_OK(p.pprods == NULL, "a new prepare forgets the spans of the last");
  cp_corpus_add_producer(c, "count", count_producer, NULL, &e);
  pr = cp_corpus_producers(c, &n);
  cp_segprep_produce(&p, pr, n, docs[1].meta, docs[1].nmeta);
  TAP_OK(n == 2 && p.pprods == NULL, "not with a producer that has no mtfn");
  cp_segprep_free(&p);
  cp_corpus_free(c);
}

int main (void) {
  size_t i;
  if (!setup()) { printf("Bail out! out of memory\n");  return 1; }
  test_produce();
  test_same_images();
  for (i = 0; i < NDOCS; i++) free(texts[i]);
  return tap_done();
}
