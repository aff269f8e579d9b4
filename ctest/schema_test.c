/*
** schema_test.c -- format 2: span-set producers on text documents,
** documents added as tokens with stored layers and spans, the reader's
** layer and span accessors, and a copy of every document (what merges
** do) giving the same layers and spans.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <xxhash.h>

#include "corpus.h"
#include "segfmt.h"
#include "tap.h"

/* a producer: a span "pair" over every two tokens, attribute n = its
** ordinal, and kind = "first" on the first */
static int pairs (void *ud, const char *text, size_t len,
                  const cp_tokvec *tv, const cp_meta *meta, size_t nmeta,
                  cp_spanout *out, cp_err *err) {
  size_t i;
  int *calls = (int *)ud;
  (void)text; (void)len; (void)meta; (void)nmeta;
  (*calls)++;
  for (i = 0; i + 1 < tv->n; i += 2) {
    char num[24];
    cp_attr a[2];
    size_t na = 1;
    int rc;
    snprintf(num, sizeof(num), "%zu", i / 2);
    a[0].key = "n"; a[0].keylen = 1; a[0].val = num; a[0].vallen = strlen(num);
    if (i == 0) {
      a[1].key = "kind"; a[1].keylen = 4; a[1].val = "first"; a[1].vallen = 5;
      na = 2;
    }
    rc = cp_spanout_add(out, "pair", 4, (uint32_t)i, (uint32_t)i + 2, a, na,
                        err);
    if (rc != CP_OK) return rc;
  }
  return CP_OK;
}

/* a producer that fails on a document containing "FAIL" */
static int failing (void *ud, const char *text, size_t len,
                    const cp_tokvec *tv, const cp_meta *meta, size_t nmeta,
                    cp_spanout *out, cp_err *err) {
  (void)ud; (void)tv; (void)meta; (void)nmeta;
  if (len >= 4 && memmem(text, len, "FAIL", 4) != NULL)
    return cp_err_set(err, CP_EINVAL, "refused");
  /* an out-of-range span is refused by the output */
  if (cp_spanout_add(out, "bad", 3, 0, 1000, NULL, 0, NULL) == CP_OK)
    return cp_err_set(err, CP_EINVAL, "out-of-range span accepted");
  if (cp_spanout_add(out, "Bad", 3, 0, 1, NULL, 0, NULL) == CP_OK)
    return cp_err_set(err, CP_EINVAL, "bad name accepted");
  /* the analysers' add, which trusts its names, still checks the rest */
  if (cp_spanout_add_known(out, "bad", 3, 0, 1000, NULL, 0, NULL) == CP_OK)
    return cp_err_set(err, CP_EINVAL, "out-of-range known span accepted");
  if (cp_spanout_add_known(out, "bad", 3, 0, 1, NULL, 1, NULL) == CP_OK)
    return cp_err_set(err, CP_EINVAL, "NULL attributes accepted");
  if (cp_spanout_add_known(NULL, "bad", 3, 0, 1, NULL, 0, NULL) == CP_OK)
    return cp_err_set(err, CP_EINVAL, "no output accepted");
  return CP_OK;
}

static const char *attr (const cp_seg *s, size_t set, uint32_t i,
                         const char *k, size_t *vl) {
  return cp_seg_span_attr(s, set, i, k, strlen(k), vl);
}

static int streq (const char *a, size_t al, const char *b) {
  return a != NULL && al == strlen(b) && memcmp(a, b, al) == 0;
}

/* layer 'name' value at local position pos */
static const char *lval (const cp_seg *s, const char *name, uint32_t pos,
                         size_t *len) {
  int64_t l = cp_seg_layer(s, name, strlen(name));
  if (l < 0) return NULL;
  return cp_seg_type(s, (int)l, cp_seg_value(s, (size_t)l, pos), len);
}

/* compare every layer value and span of two segments */
static int same_content (const cp_seg *a, const cp_seg *b) {
  size_t l, set, nl = cp_seg_nlayers(a);
  uint32_t p, i;
  if (nl != cp_seg_nlayers(b) || cp_seg_ntokens(a) != cp_seg_ntokens(b) ||
      cp_seg_nspansets(a) != cp_seg_nspansets(b))
    return 0;
  for (l = 0; l < nl; l++) {
    size_t n1, n2;
    const char *x = cp_seg_layer_name(a, l, &n1);
    int64_t m = cp_seg_layer(b, x, n1);
    if (m < 0) return 0;
    for (p = 0; p < cp_seg_ntokens(a); p++) {
      const char *s1 = cp_seg_type(a, (int)l, cp_seg_value(a, l, p), &n1);
      const char *s2 = cp_seg_type(b, (int)m, cp_seg_value(b, (size_t)m, p), &n2);
      uint32_t x0, x1, y0, y1;
      if (s1 == NULL || s2 == NULL || n1 != n2 || memcmp(s1, s2, n1) != 0)
        return 0;
      cp_seg_tok_span(a, p, &x0, &x1);
      cp_seg_tok_span(b, p, &y0, &y1);
      if (x0 != y0 || x1 != y1) return 0;
    }
  }
  for (set = 0; set < cp_seg_nspansets(a); set++) {
    size_t n1;
    const char *nm = cp_seg_spanset_name(a, set, &n1);
    int64_t t = cp_seg_spanset(b, nm, n1);
    if (t < 0 || cp_seg_nspans(a, set) != cp_seg_nspans(b, (size_t)t)) return 0;
    for (i = 0; i < cp_seg_nspans(a, set); i++) {
      uint32_t s1, e1, s2, e2;
      size_t it1 = 0, it2 = 0;
      cp_attr a1, a2;
      int r1, r2;
      cp_seg_span(a, set, i, &s1, &e1);
      cp_seg_span(b, (size_t)t, i, &s2, &e2);
      if (s1 != s2 || e1 != e2) return 0;
      for (;;) {
        r1 = cp_seg_span_attr_next(a, set, i, &it1, &a1);
        r2 = cp_seg_span_attr_next(b, (size_t)t, i, &it2, &a2);
        if (r1 != r2) return 0;
        if (!r1) break;
        if (a1.keylen != a2.keylen || a1.vallen != a2.vallen ||
            memcmp(a1.key, a2.key, a1.keylen) != 0 ||
            memcmp(a1.val, a2.val, a1.vallen) != 0)
          return 0;
      }
    }
  }
  return 1;
}

int main (void) {
  cp_err e;
  cp_corpus *c = cp_corpus_new(NULL, &e);
  int calls = 0, rc;
  cp_docin d[2];
  const cp_seg *s;
  int64_t set, q;
  uint32_t st, en, n, idx[4];
  size_t vl;
  const char *v;
  TAP_OK(c != NULL, "corpus created");
  TAP_OK(cp_corpus_add_producer(c, "pairs", pairs, &calls, &e) == CP_OK,
         "producer added");
  memset(d, 0, sizeof(d));
  d[0].id = "a"; d[0].idlen = 1;
  d[0].text = "One two three four five. Six seven."; d[0].textlen = strlen(d[0].text);
  rc = cp_corpus_add(c, d, 1, &e);
  TAP_OK(rc == CP_OK, "text document added with a producer (%s)", e.msg);
  TAP_OK(calls == 1, "the producer ran once");
  TAP_OK(cp_corpus_flush(c, &e) == CP_OK, "flushed");
  s = cp_corpus_seg(c, 0);
  set = cp_seg_spanset(s, "pair", 4);
  TAP_OK(set >= 0, "span set 'pair' present");
  /* 9 tokens (7 words, 2 full stops): pairs at 0,2,4,6 */
  TAP_OK(cp_seg_nspans(s, (size_t)set) == 4, "4 pair spans (got %u)",
         cp_seg_nspans(s, (size_t)set));
  cp_seg_span(s, (size_t)set, 1, &st, &en);
  TAP_OK(st == 2 && en == 4, "second pair is [2, 4)");
  v = attr(s, (size_t)set, 1, "n", &vl);
  TAP_OK(streq(v, vl, "1"), "attribute n of the second pair is 1");
  TAP_OK(attr(s, (size_t)set, 1, "kind", &vl) == NULL, "second pair has no kind");
  v = attr(s, (size_t)set, 0, "kind", &vl);
  TAP_OK(streq(v, vl, "first"), "first pair has kind=first");
  {
    size_t it = 0, na = 0;
    cp_attr a;
    while (cp_seg_span_attr_next(s, (size_t)set, 0, &it, &a)) na++;
    TAP_OK(na == 2, "first pair has two attributes");
  }
  n = cp_seg_spans_at(s, (size_t)set, 3, idx, 4);
  TAP_OK(n == 1 && idx[0] == 1, "position 3 is in pair 1 only");
  q = cp_seg_spanset(s, "s", 1);
  TAP_OK(q >= 0 && cp_seg_nspans(s, (size_t)q) == 2, "two sentences as span set s");
  cp_seg_span(s, (size_t)q, 1, &st, &en);
  TAP_OK(st == 6 && en == 9, "second sentence is [6, 9)");
  TAP_OK(cp_seg_spanset(s, "p", 1) >= 0, "span set p present");
  TAP_OK(cp_seg_spanset(s, "nope", 4) == -1, "absent span set gives -1");

  /* a document as tokens: forms, byte spans, stored layers, spans */
  {
    static const char *text = "I don't know.";
    cp_tokin tk[5] = {
      {NULL, 0, 0, 1, 0}, {"do", 2, 2, 7, 0}, {"n't", 3, 2, 7, 0},
      {NULL, 0, 8, 12, 0}, {NULL, 0, 12, 13, 0}};
    static const char *lem[5] = {"I", "do", "not", "know", "."};
    static const char *pos[5] = {"PRON", "AUX", "PART", "VERB", "PUNCT"};
    size_t ll[5], pl[5], i;
    cp_layerin li[2];
    cp_attr sa = {"sent_id", 7, "s-1", 3};
    cp_spanin sp[1];
    cp_tokdoc td;
    for (i = 0; i < 5; i++) { ll[i] = strlen(lem[i]);  pl[i] = strlen(pos[i]); }
    li[0].name = "lemma"; li[0].namelen = 5; li[0].vals = lem; li[0].lens = ll;
    li[1].name = "upos";  li[1].namelen = 4; li[1].vals = pos; li[1].lens = pl;
    sp[0].set = "s"; sp[0].setlen = 1; sp[0].start = 0; sp[0].end = 5;
    sp[0].attrs = &sa; sp[0].nattrs = 1;
    memset(&td, 0, sizeof(td));
    td.text = text; td.textlen = strlen(text);
    td.tok = tk; td.ntok = 5;
    td.layers = li; td.nlayers = 2;
    td.spans = sp; td.nspans = 1;
    memset(d, 0, sizeof(d));
    d[0].id = "b"; d[0].idlen = 1; d[0].tokens = &td;
    rc = cp_corpus_add(c, d, 1, &e);
    TAP_OK(rc == CP_OK, "token document added (%s)", rc ? e.msg : "");
    TAP_OK(cp_corpus_flush(c, &e) == CP_OK, "flushed");
    TAP_OK(cp_corpus_nsegs(c) == 2, "two segments");
    s = cp_corpus_seg(c, 1);
    v = lval(s, "lemma", 2, &vl);
    TAP_OK(streq(v, vl, "not"), "lemma of token 2 is 'not'");
    v = lval(s, "upos", 1, &vl);
    TAP_OK(streq(v, vl, "AUX"), "upos of token 1 is AUX");
    v = lval(s, "word", 2, &vl);
    TAP_OK(streq(v, vl, "n't"), "word of token 2 is its form n't");
    {
      uint32_t b0, b1;
      cp_seg_tok_span(s, 2, &b0, &b1);
      TAP_OK(b0 == 2 && b1 == 7, "the words of don't share its byte span");
    }
    q = cp_seg_spanset(s, "s", 1);
    v = attr(s, (size_t)q, 0, "sent_id", &vl);
    TAP_OK(q >= 0 && streq(v, vl, "s-1"), "sentence keeps its sent_id");
    {
      int64_t l = cp_seg_layer(s, "upos", 4);
      int64_t id = cp_seg_lookup(s, (int)l, "VERB", 4);
      uint32_t np;
      const uint32_t *pp = cp_seg_layer_postings(s, (size_t)l, (uint32_t)id, &np);
      TAP_OK(pp != NULL && np == 1 && pp[0] == 3, "postings of upos=VERB: [3]");
    }
    TAP_OK(cp_seg_check(s, &e) == CP_OK, "token segment passes check (%s)", e.msg);
  }

  /* span attributes given in another key order, a key given twice, a
  ** bad value: the first is stored as given, the others add nothing */
  {
    cp_corpus *c3 = cp_corpus_new(NULL, &e);
    static const char *text = "x y z";
    cp_tokin tk[3] = {{NULL, 0, 0, 1, 0}, {NULL, 0, 2, 3, 0}, {NULL, 0, 4, 5, 0}};
    cp_attr ab[2] = {{"a", 1, "1", 1}, {"b", 1, "2", 1}};
    cp_attr ba[2] = {{"b", 1, "3", 1}, {"a", 1, "4", 1}};
    cp_attr aa[2] = {{"a", 1, "5", 1}, {"a", 1, "6", 1}};
    cp_attr bad[2] = {{"b", 1, "7", 1}, {"a", 1, NULL, 3}};
    cp_attr cn[1] = {{"c", 1, "8", 1}};
    cp_spanin sp[3];
    cp_tokdoc td;
    const cp_seg *s3;
    int64_t t;
    size_t n0;
    memset(sp, 0, sizeof(sp));
    sp[0].set = "t"; sp[0].setlen = 1; sp[0].start = 0; sp[0].end = 1;
    sp[0].attrs = ab; sp[0].nattrs = 2;
    sp[1].set = "t"; sp[1].setlen = 1; sp[1].start = 1; sp[1].end = 3;
    sp[1].attrs = ba; sp[1].nattrs = 2;
    memset(&td, 0, sizeof(td));
    td.text = text; td.textlen = 5; td.tok = tk; td.ntok = 3;
    td.spans = sp; td.nspans = 2;
    memset(d, 0, sizeof(d));
    d[0].id = "k1"; d[0].idlen = 2; d[0].tokens = &td;
    TAP_OK(c3 != NULL && cp_corpus_add(c3, d, 1, &e) == CP_OK,
           "spans with keys in either order added (%s)", e.msg);
    sp[0].attrs = aa;
    d[0].id = "k2";
    rc = cp_corpus_add(c3, d, 1, &e);
    TAP_OK(rc == CP_EINVAL && strstr(e.msg, "given twice") != NULL,
           "a key given twice is refused (%s)", e.msg);
    sp[0].attrs = ab;  sp[1].attrs = bad;
    d[0].id = "k3";
    rc = cp_corpus_add(c3, d, 1, &e);
    TAP_OK(rc == CP_EINVAL && strstr(e.msg, "bad attribute value") != NULL,
           "a NULL value with a length is refused (%s)", e.msg);
    sp[0].attrs = cn;  sp[0].nattrs = 1;  td.nspans = 1;
    d[0].id = "k4";
    TAP_OK(cp_corpus_add(c3, d, 1, &e) == CP_OK, "a span with a new key added");
    TAP_OK(cp_corpus_flush(c3, &e) == CP_OK, "flushed");
    s3 = cp_corpus_seg(c3, 0);
    t = s3 ? cp_seg_spanset(s3, "t", 1) : -1;
    TAP_OK(t >= 0 && cp_seg_nspans(s3, (size_t)t) == 3,
           "the refused documents left no span (%u)",
           t >= 0 ? cp_seg_nspans(s3, (size_t)t) : 0);
    TAP_OK(t >= 0 && cp_seg_spanset_nkeys(s3, (size_t)t) == 3, "keys a, b, c");
    if (t >= 0) {
      v = attr(s3, (size_t)t, 0, "a", &vl);
      TAP_OK(streq(v, vl, "1"), "span 0: a = 1");
      v = attr(s3, (size_t)t, 1, "a", &vl);
      n0 = vl;
      TAP_OK(streq(v, vl, "4"), "span 1, keys given b, a: a = 4 (%.*s)", (int)n0, v ? v : "");
      v = attr(s3, (size_t)t, 1, "b", &vl);
      TAP_OK(streq(v, vl, "3"), "span 1: b = 3");
      v = attr(s3, (size_t)t, 1, "c", &vl);
      TAP_OK(v == NULL, "span 1 has no c");
      v = attr(s3, (size_t)t, 2, "c", &vl);
      TAP_OK(streq(v, vl, "8"), "span of the last document: c = 8");
      v = attr(s3, (size_t)t, 2, "a", &vl);
      TAP_OK(v == NULL, "and no a");
    }
    cp_corpus_free(c3);
  }

  /* all-or-nothing with a failing producer */
  {
    cp_corpus *c2 = cp_corpus_new(NULL, &e);
    cp_stats stt;
    cp_corpus_add_producer(c2, "failing", failing, NULL, &e);
    memset(d, 0, sizeof(d));
    d[0].id = "x"; d[0].idlen = 1; d[0].text = "fine text"; d[0].textlen = 9;
    d[1].id = "y"; d[1].idlen = 1; d[1].text = "FAIL here"; d[1].textlen = 9;
    rc = cp_corpus_add(c2, d, 2, &e);
    TAP_OK(rc == CP_EINVAL && strstr(e.msg, "producer 'failing'") != NULL,
           "a producer error fails the add, naming it (%s)", e.msg);
    cp_corpus_stats(c2, &stt, &e);
    TAP_OK(stt.docs == 0, "nothing of the batch was added");
    cp_corpus_free(c2);
  }

  /* copies (what merges do) keep every layer and span */
  {
    cp_segw *w = cp_segw_new(cp_corpus_analyzer(c), CP_TOK_CORPUS, &e);
    void *img = NULL;
    size_t sz = 0, si;
    cp_seg *m = NULL;
    uint32_t dd;
    rc = CP_OK;
    for (si = 0; si < 2 && rc == CP_OK; si++) {
      s = cp_corpus_seg(c, si);
      for (dd = 0; dd < cp_seg_ndocs(s) && rc == CP_OK; dd++)
        rc = cp_segw_add_copy(w, s, dd, NULL, 0, &e);
    }
    TAP_OK(rc == CP_OK, "documents copied (%s)", rc ? e.msg : "");
    rc = cp_segw_finish(w, &img, &sz, &e);
    TAP_OK(rc == CP_OK && cp_seg_open(&m, img, sz, &e) == CP_OK,
           "merged image opens");
    TAP_OK(m != NULL && cp_seg_check(m, &e) == CP_OK, "merged image passes check");
    if (m != NULL) {
      /* compare with a segment built from the same two docs directly */
      cp_segw *w1 = cp_segw_new(cp_corpus_analyzer(c), CP_TOK_CORPUS, &e);
      cp_segw *w2 = cp_segw_new(cp_corpus_analyzer(c), CP_TOK_CORPUS, &e);
      void *i1, *i2;
      size_t z1, z2;
      cp_seg *s1, *s2;
      cp_segw_add_copy(w1, m, 0, NULL, 0, &e);
      cp_segw_add_copy(w1, m, 1, NULL, 0, &e);
      cp_segw_finish(w1, &i1, &z1, &e);
      cp_seg_open(&s1, i1, z1, &e);
      cp_segw_add_copy(w2, s1, 0, NULL, 0, &e);
      cp_segw_add_copy(w2, s1, 1, NULL, 0, &e);
      cp_segw_finish(w2, &i2, &z2, &e);
      cp_seg_open(&s2, i2, z2, &e);
      TAP_OK(same_content(m, s1) && same_content(s1, s2),
             "copies of copies hold the same layers, spans and attributes");
      TAP_OK(z1 == z2 && memcmp(i1, i2, z1) == 0,
             "a copy of a copy is byte-identical");
      cp_seg_close(s1); cp_seg_close(s2);
      free(i1); free(i2);
      cp_segw_free(w1); cp_segw_free(w2);
      set = cp_seg_spanset(m, "pair", 4);
      TAP_OK(set >= 0 && cp_seg_nspans(m, (size_t)set) == 4,
             "merged image has the 4 pair spans");
      v = lval(m, "lemma", 9 + 2, &vl);
      TAP_OK(streq(v, vl, "not"), "merged lemma of b's token 2 is 'not'");
      v = lval(m, "lemma", 0, &vl);
      TAP_OK(v != NULL && vl == 0, "a text document's tokens have an empty lemma");
    }
    cp_seg_close(m);
    free(img);
    cp_segw_free(w);
  }
  /* format 1 gives EVERSION, saying how to rebuild */
  {
    const void *im;
    size_t sz;
    unsigned char *cp;
    cp_seg *x = NULL;
    im = cp_corpus_seg_image(c, 0, &sz);
    cp = (unsigned char *)malloc(sz);
    memcpy(cp, im, sz);
    cp_wr32(cp + CP_H_VERSION, 1);
    rc = cp_seg_open(&x, cp, sz, &e);
    TAP_OK(rc == CP_EVERSION && strstr(e.msg, "rebuild") != NULL,
           "a format-1 segment gives EVERSION saying how to rebuild (%s)", e.msg);
    /* format 2.2 (plain stream and postings) too: minor 2, with the
    ** header checksum made right, so that the version is what fails */
    memcpy(cp, im, sz);
    cp_wr32(cp + CP_H_MINOR, 2);
    {
      uint32_t hs = cp_rd32(cp + CP_H_HDRSIZE);
      cp_wr64(cp + hs - 8, (uint64_t)XXH64(cp, hs - 8, 0));
    }
    rc = cp_seg_open(&x, cp, sz, &e);
    TAP_OK(rc == CP_EVERSION && strstr(e.msg, "2.2") != NULL &&
           strstr(e.msg, "rebuild") != NULL,
           "a format-2.2 segment gives EVERSION saying how to rebuild (%s)", e.msg);
    /* format 2.3 (plain tables, lexicons and ids) the same */
    memcpy(cp, im, sz);
    cp_wr32(cp + CP_H_MINOR, 3);
    {
      uint32_t hs = cp_rd32(cp + CP_H_HDRSIZE);
      cp_wr64(cp + hs - 8, (uint64_t)XXH64(cp, hs - 8, 0));
    }
    rc = cp_seg_open(&x, cp, sz, &e);
    TAP_OK(rc == CP_EVERSION && strstr(e.msg, "2.3") != NULL &&
           strstr(e.msg, "rebuild") != NULL,
           "a format-2.3 segment gives EVERSION saying how to rebuild (%s)", e.msg);
    free(cp);
  }
  cp_corpus_free(c);
  return tap_done();
}
