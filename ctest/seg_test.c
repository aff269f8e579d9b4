/*
** seg_test.c -- segment builder and reader: build, open, compare every
** accessor with a brute-force recomputation, then damage the image.
*/
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis.h"
#include "pack.h"
#include "seg.h"
#include "segfmt.h"
#include "tap.h"
#include "tok.h"


typedef struct tdoc {
  const char *id;
  char *text;
  size_t len;
  cp_meta meta[3];
  size_t nmeta;
} tdoc;

static int add (cp_segw *w, tdoc *d, cp_err *e) {
  return cp_segw_add(w, d->id, strlen(d->id), d->text, d->len, d->meta,
                     d->nmeta, e);
}

static int sameslice (const char *a, size_t al, const char *b, size_t bl) {
  return al == bl && (al == 0 || memcmp(a, b, al) == 0);
}

/* build an image from docs[0..n) */
static void *build (cp_an *an, tdoc *docs, size_t n, size_t *size) {
  cp_err e;
  void *img = NULL;
  size_t i;
  cp_segw *w = cp_segw_new(an, CP_TOK_CORPUS, &e);
  if (w == NULL) return NULL;
  for (i = 0; i < n; i++)
    if (add(w, &docs[i], &e) != CP_OK) {
      printf("# add %s: %s\n", docs[i].id, e.msg);
      cp_segw_free(w);
      return NULL;
    }
  if (cp_segw_finish(w, &img, size, &e) != CP_OK) {
    printf("# finish: %s\n", e.msg);
    img = NULL;
  }
  cp_segw_free(w);
  return img;
}

/* call every accessor on an opened (possibly damaged) segment: must not
** crash; returns a value so the calls are not optimized away.  Token
** arrays are read only after cp_seg_verify, as seg.h requires. */
static unsigned long touch (const cp_seg *s) {
  unsigned long acc = 0;
  uint32_t i, n, lo, hi;
  int l, tokens_ok = cp_seg_verify(s, NULL) == CP_OK;
  cp_docinfo d;
  for (l = 0; l < CP_NLAYERS; l++) {
    for (i = 0; i < cp_seg_ntypes(s, l) && i < 50; i++) {
      size_t len;
      const char *t = cp_seg_type(s, l, i, &len);
      if (t) acc += (unsigned long)cp_seg_lookup(s, l, t, len);
      if (t && len) {
        cp_seg_lex_range(s, l, t, 1, &lo, &hi);
        acc += hi - lo;
      }
      acc += cp_seg_type_freq(s, l, i) + cp_seg_type_docfreq(s, l, i);
    }
  }
  for (i = 0; i < cp_seg_ntypes(s, CP_NORM) && i < 50; i++) {
    const uint32_t *p = cp_seg_postings(s, i, &n);
    if (p && n && tokens_ok) acc += p[n - 1] + cp_seg_stream(s)[p[0]];
    acc += cp_seg_norm_stem(s, i);
  }
  for (i = 0; i < cp_seg_ntypes(s, CP_STEM) && i < 50; i++) {
    const uint32_t *p = cp_seg_stem_norms(s, i, &n);
    if (p && n) acc += p[n - 1];
  }
  for (i = 0; i < cp_seg_ntokens(s); i += 7) {
    uint32_t b0, b1;
    if (tokens_ok) {
      acc += cp_seg_map(s, CP_STEM, cp_seg_stream(s)[i]);
      acc += cp_seg_type_punct(s, cp_seg_stream(s)[i]);
    }
    acc += cp_seg_doc_of(s, i) + cp_seg_sent_of(s, i) + cp_seg_para_of(s, i);
    if (cp_seg_tok_span(s, i, &b0, &b1) == CP_OK) {
      uint32_t dn = cp_seg_doc_of(s, i);
      if (cp_seg_doc(s, dn, &d) == CP_OK && b1 > b0)
        acc += (unsigned char)d.text[b1 - 1];
    }
  }
  for (i = 0; i < cp_seg_ndocs(s); i++)
    if (cp_seg_doc(s, i, &d) == CP_OK) {
      size_t it = 0;
      cp_meta m;
      while (cp_meta_next(d.meta, d.metalen, &it, &m) == 1)
        acc += m.keylen + m.strlen;
      if (d.idlen) acc += (unsigned char)d.id[d.idlen - 1];
      if (d.textlen) acc += (unsigned char)d.text[d.textlen - 1];
      acc += (unsigned long)cp_seg_find_id(s, d.id, d.idlen);
    }
  return acc;
}

/* open + check + touch a damaged copy; returns 1 if it opened and
** checked clean */
static int probe (const unsigned char *img, size_t size, unsigned long *acc) {
  cp_seg *s = NULL;
  cp_err e;
  void *copy = malloc(size ? size : 1);
  int ok = 0;
  if (size) memcpy(copy, img, size);
  if (cp_seg_open(&s, copy, size, &e) == CP_OK) {
    *acc += touch(s);
    ok = cp_seg_check(s, &e) == CP_OK;
    cp_seg_close(s);
  }
  free(copy);
  return ok;
}

static void test_segment (cp_an *an, tdoc *docs, size_t nd) {
  cp_err e;
  size_t size, i, ntok_expect = 0, nsent_expect = 0, npara_expect = 0;
  void *img = build(an, docs, nd, &size);
  cp_seg *s = NULL;
  cp_tokvec tv = {NULL, 0, 0};
  uint32_t n, k, lo, hi;
  int l, ok;
  TAP_OK(img != NULL && size % 8 == 0, "built an image of %zu bytes", size);
  if (img == NULL) return;
  TAP_OK(cp_seg_open(&s, img, size, &e) == CP_OK &&
         cp_seg_verify(s, &e) == CP_OK, "open and verify");
  if (s == NULL) { printf("# %s\n", e.msg);  free(img);  return; }
  ok = cp_seg_check(s, &e) == CP_OK;
  TAP_OK(ok, "cp_seg_check passes%s%s", ok ? "" : ": ", ok ? "" : e.msg);
  TAP_OK(cp_seg_ndocs(s) == nd, "ndocs %u", cp_seg_ndocs(s));

  /* documents, tokens, spans, structure against the tokenizer */
  ok = 1;
  for (i = 0; i < nd; i++) {
    cp_docinfo d;
    char *fixed = NULL;
    size_t flen, ninv;
    const char *text = docs[i].text;
    size_t len = docs[i].len, t;
    cp_utf8_repair(text, len, &fixed, &flen, &ninv, &e);
    if (fixed) { text = fixed;  len = flen; }
    cp_tok_run(text, len, CP_TOK_CORPUS, &tv, &e);
    if (cp_seg_doc(s, (uint32_t)i, &d) != CP_OK ||
        !sameslice(d.id, d.idlen, docs[i].id, strlen(docs[i].id)) ||
        !sameslice(d.text, d.textlen, text, len) ||
        d.tok_start != ntok_expect || d.tok_count != tv.n) {
      printf("# doc %zu: table differs\n", i);
      ok = 0;
    }
    for (t = 0; t < tv.n && ok; t++) {
      uint32_t pos = (uint32_t)(ntok_expect + t), b0, b1, wid;
      size_t wl;
      const char *ws;
      if (cp_seg_tok_span(s, pos, &b0, &b1) != CP_OK ||
          b0 != tv.v[t].start || b1 != tv.v[t].stop ||
          cp_seg_doc_of(s, pos) != i) {
        printf("# doc %zu token %zu: span/doc differs\n", i, t);
        ok = 0;
        break;
      }
      wid = cp_seg_stream(s)[pos];
      ws = cp_seg_type(s, CP_WORD, wid, &wl);
      /* ASCII tokens are their own NFC form */
      {
        size_t q;
        int ascii = 1;
        for (q = b0; q < b1; q++) if ((unsigned char)text[q] >= 0x80) ascii = 0;
        if (ascii && !sameslice(ws, wl, text + b0, b1 - b0)) {
          printf("# token %u: word type differs from its text\n", pos);
          ok = 0;
        }
      }
      if (tv.v[t].flags & CP_TF_SSTART) {
        uint32_t ns;
        const uint32_t *ss = cp_seg_sents(s, &ns);
        if (nsent_expect >= ns || ss[nsent_expect] != pos) ok = 0;
        nsent_expect++;
      }
      if (tv.v[t].flags & CP_TF_PSTART) {
        uint32_t np;
        const uint32_t *pp = cp_seg_paras(s, &np);
        if (npara_expect >= np || pp[npara_expect] != pos) ok = 0;
        npara_expect++;
      }
      if (cp_seg_sent_of(s, pos) != nsent_expect - 1 ||
          cp_seg_para_of(s, pos) != npara_expect - 1) {
        printf("# token %u: sentence/paragraph of differs\n", pos);
        ok = 0;
      }
      if (cp_seg_type_punct(s, wid) != ((tv.v[t].flags & CP_TF_PUNCT) != 0)) {
        printf("# token %u: punct flag differs\n", pos);
        ok = 0;
      }
    }
    ntok_expect += tv.n;
    free(fixed);
  }
  TAP_OK(ok, "doc table, spans, words, sentence/paragraph starts match the "
         "tokenizer");
  TAP_OK(cp_seg_ntokens(s) == ntok_expect, "ntokens %u", cp_seg_ntokens(s));
  {
    uint32_t ns, np;
    cp_seg_sents(s, &ns);
    cp_seg_paras(s, &np);
    TAP_OK(ns == nsent_expect && np == npara_expect, "%u sentences, %u "
           "paragraphs", ns, np);
  }
  TAP_OK(cp_seg_sent_of(s, cp_seg_ntokens(s)) == UINT32_MAX &&
         cp_seg_doc_of(s, cp_seg_ntokens(s)) == UINT32_MAX,
         "positions past the end give UINT32_MAX");

  /* postings == brute force over the stream */
  ok = 1;
  {
    uint32_t nn = cp_seg_ntypes(s, CP_NORM), T = cp_seg_ntokens(s);
    uint32_t *fill = (uint32_t *)calloc((size_t)nn + 1, sizeof(uint32_t));
    uint64_t total = 0;
    for (k = 0; k < T; k++) {
      uint32_t nid = cp_seg_map(s, CP_NORM, cp_seg_stream(s)[k]);
      const uint32_t *p = cp_seg_postings(s, nid, &n);
      if (p == NULL || fill[nid] >= n || p[fill[nid]] != k) { ok = 0;  break; }
      fill[nid]++;
    }
    for (k = 0; k < nn && ok; k++) {
      cp_seg_postings(s, k, &n);
      if (fill[k] != n || n != cp_seg_type_freq(s, CP_NORM, k)) ok = 0;
      total += n;
    }
    free(fill);
    TAP_OK(ok && total == T, "postings equal a scan of the stream");
  }

  /* lexicons: lookup finds every type, ranks are sorted, stems invert */
  for (l = 0; l < CP_NLAYERS; l++) {
    uint64_t fsum = 0;
    ok = 1;
    for (k = 0; k < cp_seg_ntypes(s, l); k++) {
      size_t len;
      const char *t = cp_seg_type(s, l, k, &len);
      if (cp_seg_lookup(s, l, t, len) != k) ok = 0;
      if (cp_seg_type_docfreq(s, l, k) == 0 ||
          cp_seg_type_docfreq(s, l, k) > cp_seg_type_freq(s, l, k)) ok = 0;
      fsum += cp_seg_type_freq(s, l, k);
    }
    TAP_OK(ok && fsum == cp_seg_ntokens(s), "%s: %u types, lookup of each, "
           "frequencies sum to ntokens", cp_layer_name(l),
           cp_seg_ntypes(s, l));
    TAP_OK(cp_seg_lookup(s, l, "\xff\xfe-absent", 9) == -1 &&
           cp_seg_type(s, l, cp_seg_ntypes(s, l), NULL) == NULL,
           "%s: absent string and out-of-range id", cp_layer_name(l));
  }
  ok = 1;
  for (k = 0; k < cp_seg_ntypes(s, CP_STEM); k++) {
    const uint32_t *nv = cp_seg_stem_norms(s, k, &n);
    uint32_t j;
    if (n == 0) ok = 0;
    for (j = 0; j < n; j++)
      if (cp_seg_norm_stem(s, nv[j]) != k || (j && nv[j] <= nv[j - 1])) ok = 0;
  }
  TAP_OK(ok, "stem -> norms inverts norm -> stem, sorted");

  /* prefix ranges against a linear scan */
  {
    static const char *const prefixes[] = {"", "t", "th", "the", "fight",
                                           "isi", "zzzz", "\xc3", "caf"};
    for (i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++) {
      size_t pl = strlen(prefixes[i]);
      uint32_t first = UINT32_MAX, cnt = 0;
      ok = 1;
      cp_seg_lex_range(s, CP_NORM, prefixes[i], pl, &lo, &hi);
      for (k = 0; k < cp_seg_ntypes(s, CP_NORM); k++) {
        size_t len;
        const char *t = cp_seg_type(s, CP_NORM, k, &len);
        if (len >= pl && memcmp(t, prefixes[i], pl) == 0) {
          if (first == UINT32_MAX) first = k;
          cnt++;
        }
      }
      if (cnt == 0) ok = lo == hi;
      else ok = lo == first && hi - lo == cnt;
      TAP_OK(ok, "lex_range '%s' = [%u, %u) (%u types)", prefixes[i], lo, hi,
             cnt);
    }
  }

  /* find_id and metadata */
  ok = 1;
  for (i = 0; i < nd; i++) {
    cp_docinfo d;
    size_t it = 0, f = 0;
    cp_meta m;
    int r;
    if (cp_seg_find_id(s, docs[i].id, strlen(docs[i].id)) != (int64_t)i) ok = 0;
    cp_seg_doc(s, (uint32_t)i, &d);
    while ((r = cp_meta_next(d.meta, d.metalen, &it, &m)) == 1) {
      const cp_meta *x = &docs[i].meta[f++];
      if (f > docs[i].nmeta || m.type != x->type ||
          !sameslice(m.key, m.keylen, x->key, x->keylen) ||
          (m.type == CP_MSTR && !sameslice(m.str, m.strlen, x->str, x->strlen))
          || (m.type == CP_MNUM && m.num != x->num)) ok = 0;
    }
    if (r != 0 || f != docs[i].nmeta) ok = 0;
  }
  TAP_OK(ok, "find_id finds every document; metadata round-trips");
  TAP_OK(cp_seg_find_id(s, "no-such-doc", 11) == -1 &&
         cp_seg_find_id(s, "", 0) == -1, "find_id of an absent id is -1");

  cp_seg_close(s);
  cp_tokvec_free(&tv);
  free(img);
}

/* norm and stem of single strings */
static void test_analysis (cp_an *an) {
  static const char *const cases[][3] = {   /* input, norm, stem */
    {"Fighters", "fighters", "fighter"},
    {"ISIS\xe2\x80\x99s", "isis's", NULL},          /* U+2019 */
    {"\xe2\x80\x98quoted", "'quoted", NULL},          /* U+2018 */
    {"don\xca\xbct", "don't", NULL},                   /* U+02BC */
    {"Stra\xc3\x9f" "e", "strasse", NULL},             /* case folding */
    {"\xef\xac\x81nancial", "financial", NULL},        /* NFKC ligature */
    {"soft\xc2\xadhyphen", "softhyphen", NULL},        /* ignorable */
    {"\xc2\xad", "\xc2\xad", NULL},                    /* kept if alone */
    {"Cafe\xcc\x81", "caf\xc3\xa9", NULL},              /* composed */
    {"", "", ""},
    {"running", "running", "run"}
  };
  size_t i;
  int ok = 1;
  for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
    size_t nl, sl;
    const char *n = cp_an_norm(an, cases[i][0], strlen(cases[i][0]), &nl);
    char nb[64];
    if (n == NULL || !sameslice(n, nl, cases[i][1], strlen(cases[i][1]))) {
      printf("# norm of case %zu differs\n", i);
      ok = 0;
      continue;
    }
    memcpy(nb, n, nl);
    if (cases[i][2] != NULL) {
      const char *st = cp_an_stem(an, nb, nl, &sl);
      if (st == NULL || !sameslice(st, sl, cases[i][2], strlen(cases[i][2]))) {
        printf("# stem of case %zu differs\n", i);
        ok = 0;
      }
    }
  }
  TAP_OK(ok, "norm: NFKC, case folding, ignorables, apostrophes; stems");
  TAP_OK(strcmp(cp_an_language(an), "english") == 0 &&
         strstr(cp_an_languages(), "english,") != NULL,
         "language name and list");
  TAP_OK(cp_an_norm(NULL, "x", 1, NULL) == NULL &&
         cp_an_stem(an, NULL, 3, NULL) == NULL, "bad arguments give NULL");
}

/* norm/stem/NFC facts on a small hand-made segment */
static void test_layers (cp_an *an) {
  static char t1[] = "Fighters fought. The fighters’ fighter\n\nCafe\xcc\x81 "
                     "caf\xc3\xa9 CAFÉ don't don’t";
  tdoc d = {"layers", t1, sizeof(t1) - 1, {{0}}, 0};
  size_t size, len;
  void *img = build(an, &d, 1, &size);
  cp_seg *s = NULL;
  cp_err e;
  int64_t w, n1, n2, st;
  const char *str;
  if (img == NULL || cp_seg_open(&s, img, size, &e) != CP_OK) {
    TAP_OK(0, "layers segment");
    free(img);
    return;
  }
  TAP_OK(cp_seg_check(s, &e) == CP_OK, "layers segment checks");
  w = cp_seg_lookup(s, CP_WORD, "Fighters", 8);
  n1 = cp_seg_lookup(s, CP_NORM, "fighters", 8);
  st = cp_seg_lookup(s, CP_STEM, "fighter", 7);
  TAP_OK(w >= 0 && n1 >= 0 && st >= 0 &&
         cp_seg_map(s, CP_NORM, (uint32_t)w) == (uint32_t)n1 &&
         cp_seg_map(s, CP_STEM, (uint32_t)w) == (uint32_t)st &&
         cp_seg_norm_stem(s, (uint32_t)n1) == (uint32_t)st,
         "Fighters -> norm fighters -> stem fighter");
  {
    uint32_t n;
    const uint32_t *p = cp_seg_postings(s, (uint32_t)n1, &n);
    TAP_OK(n == 2 && p[0] == 0 && cp_seg_type_freq(s, CP_NORM, (uint32_t)n1) == 2
           && cp_seg_type_freq(s, CP_WORD, (uint32_t)w) == 1,
           "norm 'fighters' has 2 postings, word 'Fighters' freq 1");
  }
  /* decomposed and precomposed café share one word type (NFC) */
  w = cp_seg_lookup(s, CP_WORD, "caf\xc3\xa9", 5);
  TAP_OK(w >= 0 && cp_seg_type_freq(s, CP_WORD, (uint32_t)w) == 1 &&
         cp_seg_lookup(s, CP_WORD, "Caf\xc3\xa9", 5) >= 0 &&
         cp_seg_lookup(s, CP_WORD, "Cafe\xcc\x81", 6) == -1,
         "word layer is NFC: Cafe+U+0301 stored as Café");
  n2 = cp_seg_lookup(s, CP_NORM, "caf\xc3\xa9", 5);
  TAP_OK(n2 >= 0 && cp_seg_type_freq(s, CP_NORM, (uint32_t)n2) == 3,
         "norm café has 3 tokens (Café, café, CAFÉ)");
  n2 = cp_seg_lookup(s, CP_NORM, "don't", 5);
  {
    int64_t dq = cp_seg_lookup(s, CP_NORM, "don\xe2\x80\x99t", 7);
    int64_t wq = cp_seg_lookup(s, CP_WORD, "don\xe2\x80\x99t", 7);
    TAP_OK((n2 < 0 && dq < 0) ||
           (n2 >= 0 && dq < 0 && wq >= 0 &&
            cp_seg_map(s, CP_NORM, (uint32_t)wq) == (uint32_t)n2),
           "norm maps U+2019 to an ASCII apostrophe");
  }
  str = cp_seg_type(s, CP_STEM, cp_seg_norm_stem(s, (uint32_t)n1), &len);
  TAP_OK(str && sameslice(str, len, "fighter", 7), "stem string is 'fighter'");
  {
    uint32_t ns, np;
    cp_seg_sents(s, &ns);
    cp_seg_paras(s, &np);
    TAP_OK(ns >= 2 && np == 2, "sentences (%u) and paragraphs (%u)", ns, np);
  }
  cp_seg_close(s);
  free(img);
}

/* empty segment, empty document, truncate, argument errors */
static void test_edges (cp_an *an) {
  cp_err e;
  cp_segw *w = cp_segw_new(an, CP_TOK_CORPUS, &e);
  void *img = NULL, *img2 = NULL;
  size_t size = 0, size2 = 0;
  cp_seg *s = NULL;
  cp_docinfo d;
  static char ta[] = "Alpha beta gamma.", tb[] = "Unique zebra words here.",
              tc[] = "Delta alpha epsilon.";
  tdoc da = {"a", ta, sizeof(ta) - 1, {{0}}, 0};
  tdoc db = {"b", tb, sizeof(tb) - 1, {{0}}, 0};
  tdoc dc = {"c", tc, sizeof(tc) - 1, {{0}}, 0};
  tdoc both[2];

  TAP_OK(cp_segw_finish(w, &img, &size, &e) == CP_OK, "finish an empty builder");
  TAP_OK(cp_seg_open(&s, img, size, &e) == CP_OK && cp_seg_ndocs(s) == 0 &&
         cp_seg_ntokens(s) == 0 && cp_seg_ntypes(s, CP_WORD) == 0 &&
         cp_seg_check(s, &e) == CP_OK, "empty segment opens and checks");
  TAP_OK(cp_seg_lookup(s, CP_NORM, "x", 1) == -1 &&
         cp_seg_postings(s, 0, NULL) == NULL &&
         cp_seg_doc_of(s, 0) == UINT32_MAX && cp_seg_find_id(s, "x", 1) == -1,
         "accessors on the empty segment");
  cp_seg_close(s);  s = NULL;
  free(img);  img = NULL;

  TAP_OK(cp_segw_add(w, "empty", 5, "", 0, NULL, 0, &e) == CP_OK &&
         cp_segw_add(w, "blank", 5, " \n\t ", 4, NULL, 0, &e) == CP_OK &&
         cp_segw_add(w, "x", 1, "word", 4, NULL, 0, &e) == CP_OK &&
         cp_segw_add(w, "tail", 4, NULL, 0, NULL, 0, &e) == CP_OK,
         "add empty and blank documents");
  TAP_OK(cp_segw_finish(w, &img, &size, &e) == CP_OK &&
         cp_seg_open(&s, img, size, &e) == CP_OK && cp_seg_ndocs(s) == 4 &&
         cp_seg_ntokens(s) == 1 && cp_seg_check(s, &e) == CP_OK &&
         cp_seg_doc(s, 0, &d) == CP_OK && d.tok_count == 0 && d.textlen == 0 &&
         cp_seg_doc_of(s, 0) == 2 && cp_seg_find_id(s, "tail", 4) == 3,
         "empty documents hold no tokens; the one token is in doc 2");
  cp_seg_close(s);  s = NULL;
  free(img);  img = NULL;

  /* argument errors leave the builder unchanged */
  TAP_OK(cp_segw_add(w, "", 0, "x", 1, NULL, 0, &e) == CP_EINVAL,
         "empty id: EINVAL (%s)", e.msg);
  TAP_OK(cp_segw_add(w, "n", 1, NULL, 3, NULL, 0, &e) == CP_EINVAL,
         "NULL text: EINVAL");
  {
    cp_meta bad = {"k", 1, 7, NULL, 0, 0, 0, 0};
    TAP_OK(cp_segw_add(w, "m", 1, "x", 1, &bad, 1, &e) == CP_EINVAL,
           "bad metadata type: EINVAL");
  }
  TAP_OK(cp_segw_ndocs(w) == 0 && cp_segw_ntokens(w) == 0,
         "failed adds add nothing");
  TAP_OK(cp_segw_truncate(w, 1, &e) == CP_EINVAL, "truncate beyond: EINVAL");

  /* truncate: a,b,c -> a, then c == building a,c directly (byte for byte:
  ** the types only b used must be gone) */
  add(w, &da, &e);  add(w, &db, &e);  add(w, &dc, &e);
  TAP_OK(cp_segw_truncate(w, 1, &e) == CP_OK && cp_segw_ndocs(w) == 1 &&
         cp_segw_ntokens(w) == 4, "truncate to 1 document");
  add(w, &dc, &e);
  cp_segw_finish(w, &img, &size, &e);
  both[0] = da;  both[1] = dc;
  img2 = build(an, both, 2, &size2);
  TAP_OK(img && img2 && size == size2 && memcmp(img, img2, size) == 0,
         "truncated builder writes the same bytes as a fresh one");
  cp_seg_open(&s, img, size, &e);
  TAP_OK(s && cp_seg_lookup(s, CP_WORD, "zebra", 5) == -1 &&
         cp_seg_check(s, &e) == CP_OK, "dropped document's types are gone");
  cp_seg_close(s);  s = NULL;
  free(img);  free(img2);  img = NULL;

  /* the builder is reusable after finish */
  add(w, &db, &e);
  TAP_OK(cp_segw_finish(w, &img, &size, &e) == CP_OK &&
         cp_seg_open(&s, img, size, &e) == CP_OK && cp_seg_ndocs(s) == 1 &&
         cp_seg_lookup(s, CP_WORD, "Alpha", 5) == -1, "builder reusable");
  cp_seg_close(s);  s = NULL;
  free(img);  img = NULL;

  /* invalid UTF-8 is repaired and counted */
  TAP_OK(cp_segw_add(w, "bad", 3, "ab\xff" "cd \xc3", 7, NULL, 0, &e) == CP_OK
         && cp_segw_invalid(w) == 2, "invalid UTF-8 counted (%lu)",
         (unsigned long)cp_segw_invalid(w));
  cp_segw_finish(w, &img, &size, &e);
  TAP_OK(cp_seg_open(&s, img, size, &e) == CP_OK && cp_seg_invalid(s) == 2 &&
         cp_seg_doc(s, 0, &d) == CP_OK &&
         sameslice(d.text, d.textlen, "ab\xef\xbf\xbd" "cd \xef\xbf\xbd", 11) &&
         cp_seg_check(s, &e) == CP_OK, "stored text is the repaired text");
  cp_seg_close(s);  s = NULL;

  /* reader argument errors */
  TAP_OK(cp_seg_open(&s, NULL, 0, &e) == CP_EINVAL, "open NULL: EINVAL");
  TAP_OK(cp_seg_open(&s, (char *)img + 1, size - 1, &e) == CP_EINVAL,
         "open misaligned: EINVAL");
  {
    unsigned char *v = (unsigned char *)malloc(size);
    memcpy(v, img, size);
    v[8] = 99;
    TAP_OK(cp_seg_open(&s, v, size, &e) == CP_EVERSION ||
           cp_seg_open(&s, v, size, &e) == CP_ECORRUPT,
           "other version refused (%s)", e.msg);
    free(v);
  }
  free(img);
  cp_segw_free(w);
}

/* a segment big enough (> 2^21 tokens) for the builder's stream and
** span blocks to be mmap'd and moved into the image, not copied */
/* offset and size of section 'id' of an image */
static uint64_t secat (const unsigned char *img, int id, uint64_t *size) {
  uint32_t i, n = cp_rd32(img + CP_H_NSECS);
  for (i = 0; i < n; i++) {
    const unsigned char *e = img + CP_SEG_FIXED + CP_SEG_SECENT * i;
    if (cp_rd32(e) == (uint32_t)id) { *size = cp_rd64(e + 16); return cp_rd64(e + 8); }
  }
  *size = 0;
  return 0;
}

/*
** Lazy checks (format 2.1) on a copy of a big image with one byte
** flipped in section 'id' at 'at' bytes into it: opening hashes nothing
** and succeeds; reads that do not touch the damaged block or section
** succeed; the one that does gives CP_ECORRUPT and marks the segment.
*/
static void test_lazy (const unsigned char *img, size_t size) {
  unsigned char *c = (unsigned char *)malloc(size);
  uint64_t sz, off;
  cp_seg *s = NULL;
  cp_err e;
  const uint32_t *p;
  uint32_t n, t, nt, first = UINT32_MAX, hit = UINT32_MAX;
  cp_docinfo d;
  int ok;
  if (c == NULL) return;
  /* a postings block: the list holding the damaged position fails */
  memcpy(c, img, size);
  off = secat(c, CP_SEC_POST, &sz);
  c[off + sz - 8] ^= 0x10;             /* in the last block */
  ok = cp_seg_open(&s, c, size, &e) == CP_OK &&
       cp_seg_need(s, CP_SEGNEED_ALL, &e) == CP_OK && !cp_seg_damaged(s);
  TAP_OK(ok, "lazy: damaged postings block: open and whole sections pass%s%s",
         ok ? "" : ": ", ok ? "" : e.msg);
  if (ok) {
    nt = cp_seg_ntypes(s, CP_NORM);
    /* a list wholly before the damaged block and the list holding the
    ** damaged byte, found through POSTO (byte offsets into POST) */
    {
      uint64_t poff, psz, a = 0, b;
      uint32_t *len = malloc(((size_t)nt + 1) * 4);
      cp_pack pl;
      poff = secat(c, CP_SEC_POSTO, &psz);
      /* format 2.4: the byte length of each packed list, packed */
      if (len == NULL || cp_pack_open(&pl, c + poff, (size_t)psz, nt, CP_SEG_PK_PART, &e)
          != CP_OK || cp_pack_decode(&pl, len, &e) != CP_OK)
        nt = 0;
      for (t = 0; t < nt; t++, a = b) {
        b = a + len[t];
        if (first == UINT32_MAX && b > a &&
            b <= ((sz - 8) >> 16 << 16))   /* before its block */
          first = t;
        if (a <= sz - 8 && sz - 8 < b) hit = t;
      }
      free(len);
    }
    ok = first != UINT32_MAX && hit != UINT32_MAX &&
         cp_seg_plist(s, CP_NORM, first, &p, &n, &e) == CP_OK && n > 0 &&
         !cp_seg_damaged(s);
    TAP_OK(ok, "lazy: a list in an intact block reads");
    ok = hit != UINT32_MAX &&
         cp_seg_plist(s, CP_NORM, hit, &p, &n, &e) == CP_ECORRUPT &&
         p == NULL && strstr(e.msg, "block") != NULL && cp_seg_damaged(s) &&
         cp_seg_postings(s, hit, &n) == NULL && n == 0;
    TAP_OK(ok, "lazy: the list in the damaged block is ECORRUPT (%s)", e.msg);
    TAP_OK(cp_seg_check(s, &e) == CP_ECORRUPT, "lazy: check finds it");
  }
  cp_seg_close(s);
  s = NULL;
  /* text: the last document's text is damaged, the first reads */
  memcpy(c, img, size);
  off = secat(c, CP_SEC_TEXT, &sz);
  c[off + sz - 2] ^= 0x01;
  ok = cp_seg_open(&s, c, size, &e) == CP_OK &&
       cp_seg_doc(s, 0, &d) == CP_OK &&
       cp_seg_doc(s, cp_seg_ndocs(s) - 1, &d) == CP_ECORRUPT &&
       cp_seg_damaged(s);
  TAP_OK(ok, "lazy: damaged text fails only the document holding it");
  cp_seg_close(s);
  s = NULL;
  /* the stream: the tables pass, the stream fails and reads as zeros */
  memcpy(c, img, size);
  off = secat(c, CP_SEC_STREAM, &sz);
  c[off + sz / 2] ^= 0x04;
  ok = cp_seg_open(&s, c, size, &e) == CP_OK &&
       cp_seg_need(s, CP_SEGNEED_BASE, &e) == CP_OK &&
       cp_seg_need(s, CP_SEGNEED_STREAM, &e) == CP_ECORRUPT &&
       cp_seg_damaged(s) && cp_seg_stream(s) != NULL &&
       cp_seg_stream(s)[sz / 8] == 0 && cp_seg_stream_if_checked(s)[0] == 0;
  TAP_OK(ok, "lazy: a damaged stream is ECORRUPT and never served");
  cp_seg_close(s);
  s = NULL;
  /* the same damage, read per document (format 2.3: the packed stream
  ** decodes per block): the first document reads, the few documents
  ** whose 64 KiB block holds the flipped byte fail, the rest read */
  ok = cp_seg_open(&s, c, size, &e) == CP_OK;
  {
    uint32_t dd, bad = 0, firstbad = UINT32_MAX;
    const uint32_t *ds;
    for (dd = 0; ok && dd < cp_seg_ndocs(s); dd++) {
      cp_docinfo di;
      if (cp_seg_doc_head(s, dd, &di) != CP_OK) { ok = 0;  break; }
      if (cp_seg_doc_stream(s, &di, &ds, &e) != CP_OK) {
        bad++;
        if (firstbad == UINT32_MAX) firstbad = dd;
      }
    }
    ok = ok && bad >= 1 && bad <= 8 && firstbad > 0;
    TAP_OK(ok, "lazy: a damaged stream block fails only its documents "
           "(%lu of %lu, from %lu)", (unsigned long)bad,
           (unsigned long)cp_seg_ndocs(s), (unsigned long)firstbad);
  }
  cp_seg_close(s);
  free(c);
}

/*
** Readers on several threads decoding the packed sections of one
** unchecked segment at once (format 2.3: the stream and spans per
** block under the segment's mutex, postings published by
** compare-and-swap, span sets and starts once): every thread must read
** what a reader alone reads.  Run under -fsanitize=thread too.
*/
typedef struct rjob { const cp_seg *s; uint64_t sum; int ok; } rjob;

static uint64_t read_all (const cp_seg *s, int *ok) {
  uint64_t h = 1469598103934665603ull;
  uint32_t d, p, n, t;
  cp_err e;
  for (d = 0; d < cp_seg_ndocs(s); d++) {
    cp_docinfo di;
    const uint32_t *st;
    if (cp_seg_doc_head(s, d, &di) != CP_OK ||
        cp_seg_doc_stream(s, &di, &st, &e) != CP_OK) { *ok = 0;  return 0; }
    for (p = di.tok_start; p < di.tok_start + di.tok_count; p += 7) {
      uint32_t b0, b1;
      if (cp_seg_tok_span(s, p, &b0, &b1) != CP_OK) { *ok = 0;  return 0; }
      h = (h ^ st[p] ^ ((uint64_t)b0 << 20) ^ ((uint64_t)b1 << 40)) * 1099511628211ull;
    }
  }
  /* single tokens through their blocks, as a first phrase reads them */
  for (p = 5; p < cp_seg_ntokens(s); p += 61) {
    int bad = 0;
    uint32_t w = cp_seg_word_at(s, p, &bad);
    if (bad) { *ok = 0;  return 0; }
    h = (h ^ w ^ ((uint64_t)p << 32)) * 1099511628211ull;
  }
  for (t = 0; t < cp_seg_ntypes(s, CP_NORM); t += 13) {
    const uint32_t *pl;
    if (cp_seg_plist(s, CP_NORM, t, &pl, &n, &e) != CP_OK) { *ok = 0;  return 0; }
    h = (h ^ n ^ (n ? pl[n - 1] : 0)) * 1099511628211ull;
  }
  h = (h ^ cp_seg_nspans(s, 0) ^ cp_seg_sent_of(s, cp_seg_ntokens(s) / 2)) *
      1099511628211ull;
  return h;
}

static void *reader (void *ud) {
  rjob *j = (rjob *)ud;
  j->ok = 1;
  j->sum = read_all(j->s, &j->ok);
  return NULL;
}

static void test_threads (const unsigned char *img, size_t size) {
  enum { NT = 4 };
  cp_seg *s = NULL, *r = NULL;
  pthread_t th[NT];
  rjob job[NT];
  uint64_t want;
  int ok = 1, i, good = 1, made[NT];
  cp_err e;
  if (cp_seg_open(&r, img, size, &e) != CP_OK ||
      cp_seg_open(&s, img, size, &e) != CP_OK) {
    TAP_OK(0, "threads: open (%s)", e.msg);
    cp_seg_close(r);
    return;
  }
  want = read_all(r, &ok);
  for (i = 0; i < NT; i++) {
    job[i].s = s;
    made[i] = pthread_create(&th[i], NULL, reader, &job[i]) == 0;
    good = good && made[i];
  }
  for (i = 0; i < NT; i++)
    if (made[i]) {
      pthread_join(th[i], NULL);
      good = good && job[i].ok && job[i].sum == want;
    }
  TAP_OK(ok && good && !cp_seg_damaged(s),
         "threads: %d readers decoding one segment at once read what one reads",
         NT);
  cp_seg_close(s);
  cp_seg_close(r);
}

/*
** cp_seg_word_at on a segment whose stream was never read whole: each
** position's word as the whole stream has it, decoding only its block
** (the rest stays undecoded: the stream is not "checked"); a position
** past the end is an error, not a read.
*/
static void test_word_at (const unsigned char *img, size_t size) {
  cp_seg *s = NULL, *r = NULL;
  cp_err e;
  uint32_t p, T;
  int same = 1, bad = 0, lazy;
  if (cp_seg_open(&r, img, size, &e) != CP_OK ||
      cp_seg_open(&s, img, size, &e) != CP_OK) {
    TAP_OK(0, "word_at: open (%s)", e.msg);
    cp_seg_close(r);
    return;
  }
  T = cp_seg_ntokens(s);
  same = cp_seg_word_at(s, T / 2, &bad) == cp_seg_stream(r)[T / 2] && !bad;
  lazy = !cp_seg_stream_checked(s);        /* one block is not the stream */
  for (p = 0; p < T && same; p++)
    same = cp_seg_word_at(s, p, &bad) == cp_seg_stream(r)[p] && !bad;
  TAP_OK(T > 1000 && same && lazy, "word_at: %u words through their blocks "
         "are the stream's, one block read is not a whole check", T);
  bad = 0;
  (void)cp_seg_word_at(s, T, &bad);
  TAP_OK(bad == 1 && !cp_seg_damaged(s), "word_at: a position past the end "
         "is an error, and no damage");
  cp_seg_close(s);
  cp_seg_close(r);
}

static void test_big (cp_an *an) {
  cp_err e;
  cp_segw *w = cp_segw_new(an, CP_TOK_CORPUS, &e);
  size_t cap = 200000, size, i;
  char *text = (char *)malloc(cap);
  void *img = NULL;
  cp_seg *s = NULL;
  int ok = 1, d;
  uint32_t k = 1;
  for (d = 0; d < 220 && ok; d++) {
    size_t n = 0;
    char id[32];
    for (i = 0; i < 5000; i++) {   /* 2 tokens each: a word and a dot */
      k = k * 1103515245u + 12345u;
      n += (size_t)snprintf(text + n, cap - n, "w%u%s", (k >> 8) % 60000,
                            i % 9 == 8 ? ". " : " , ");
    }
    snprintf(id, sizeof(id), "big-%d", d);
    ok = cp_segw_add(w, id, strlen(id), text, n, NULL, 0, &e) == CP_OK;
  }
  TAP_OK(ok && cp_segw_ntokens(w) > ((uint64_t)1 << 21),
         "big builder: %lu tokens", (unsigned long)cp_segw_ntokens(w));
  ok = cp_segw_finish(w, &img, &size, &e) == CP_OK &&
       cp_seg_open(&s, img, size, &e) == CP_OK && cp_seg_check(s, &e) == CP_OK;
  TAP_OK(ok, "big segment (%zu bytes) checks%s%s", size, ok ? "" : ": ",
         ok ? "" : e.msg);
  if (ok) {   /* every token of a few documents reads back as written */
    cp_tokvec tv = {NULL, 0, 0};
    uint32_t dd;
    for (dd = 0; dd < 220 && ok; dd += 73) {
      cp_docinfo di;
      cp_seg_doc(s, dd, &di);
      cp_tok_run(di.text, di.textlen, CP_TOK_CORPUS, &tv, &e);
      ok = tv.n == di.tok_count;
      for (i = 0; i < tv.n && ok; i++) {
        uint32_t b0, b1;
        size_t wl;
        const char *ws = cp_seg_type(s, CP_WORD,
                                     cp_seg_stream(s)[di.tok_start + i], &wl);
        ok = cp_seg_tok_span(s, di.tok_start + (uint32_t)i, &b0, &b1) == CP_OK
             && b0 == tv.v[i].start && b1 == tv.v[i].stop &&
             sameslice(ws, wl, di.text + b0, b1 - b0);
      }
    }
    cp_tokvec_free(&tv);
    TAP_OK(ok, "big segment: stream and spans read back as written");
    test_lazy((const unsigned char *)img, size);
    test_threads((const unsigned char *)img, size);
    test_word_at((const unsigned char *)img, size);
  }
  cp_seg_close(s);
  free(img);
  free(text);
  cp_segw_free(w);
}

/* damage: every truncation and every byte flip of a small image, and a
** stride through a larger one: open/check fail or pass, never crash */
static void test_damage (cp_an *an, tdoc *docs, size_t nd) {
  size_t size, i;
  unsigned char *img;
  unsigned long acc = 0;
  int nopen = 0, allfail = 1;
  static char ts[] = "One small doc. It has two sentences!\n\nAnd a paragraph.";
  cp_meta m[2] = {{"src", 3, CP_MSTR, "x.org", 5, 0, 0, 0}, {"n", 1, CP_MNUM, NULL, 0, 4, 0, 0}};
  tdoc small[2] = {{"s1", ts, sizeof(ts) - 1, {{0}}, 0},
                   {"s2", ts, 14, {{0}}, 0}};
  memcpy(small[0].meta, m, sizeof(m));
  small[0].nmeta = 2;
  img = (unsigned char *)build(an, small, 2, &size);
  if (img == NULL) { TAP_OK(0, "small image");  return; }
  for (i = 0; i < size; i++)
    if (probe(img, i, &acc)) allfail = 0;
  TAP_OK(allfail, "every truncation (%zu) is refused", size);
  for (i = 0; i < size; i++) {
    unsigned char save = img[i];
    img[i] ^= (unsigned char)(1u << (i % 8));
    if (probe(img, size, &acc)) nopen++;
    img[i] = (unsigned char)(save ^ 0xff);
    if (probe(img, size, &acc)) nopen++;
    img[i] = save;
  }
  TAP_OK(nopen == 0, "flipped every byte of a %zu-byte image twice: every "
         "damage detected (%d missed)", size, nopen);
  free(img);
  img = (unsigned char *)build(an, docs, nd, &size);
  if (img == NULL) return;
  nopen = 0;
  for (i = 0; i < size; i += 1 + size / 300) {
    unsigned char save = img[i];
    img[i] ^= 0x5a;
    if (probe(img, size, &acc)) nopen++;
    img[i] = save;
    probe(img, i, &acc);
  }
  TAP_OK(nopen == 0, "strided damage of a %zu-byte image: every damage "
         "detected (%d missed; acc %lu)", size, nopen, acc & 1);
  free(img);
}

/*
** The seed segments of fuzz_seg (fuzz/seeds/seg, written by `make
** fuzz-seeds`) must be in the format this build reads, else the fuzzer
** stops at EVERSION; and cp_seg_fix_sums must fix every checksum a
** mutation breaks (header, sections, ATTRS parts), so that what the
** reader then says about a damaged image is never "checksum".
*/
static void test_fuzz_seeds (void) {
  static const char *const names[] = {"text", "conllu", "vrt", "spans"};
  size_t k, i, len = 0, nfix = 0, nsum = 0, nbad = 0;
  for (k = 0; k < sizeof(names) / sizeof(names[0]); k++) {
    char path[128], *raw;
    unsigned char *img, *cp;
    cp_seg *s;
    cp_err e;
    int rc = -1;
    snprintf(path, sizeof(path), "fuzz/seeds/seg/%s", names[k]);
    raw = readfile(path, &len);
    img = (unsigned char *)malloc(len ? len : 1);
    cp = (unsigned char *)malloc(len ? len : 1);
    if (raw && img && cp) {
      memcpy(img, raw, len);
      if ((rc = cp_seg_open(&s, img, len, &e)) == CP_OK) {
        rc = cp_seg_check(s, &e);
        cp_seg_close(s);
      }
    }
    TAP_OK(rc == CP_OK, "fuzz seed %s opens and checks (%s; `make "
           "fuzz-seeds` writes the seeds again)", path,
           raw == NULL ? "unreadable: run from the repository root" :
           rc == CP_OK ? "ok" : e.msg);
    if (rc == CP_OK) {
      memcpy(cp, img, len);
      TAP_OK(cp_seg_fix_sums(cp, len, &e) == CP_OK &&
             memcmp(cp, img, len) == 0, "cp_seg_fix_sums leaves the valid "
             "seed %s as it is", names[k]);
      for (i = 0; i < len; i += 3) {
        memcpy(cp, img, len);
        cp[i] ^= (unsigned char)(1u << (i % 8));
        if (cp_seg_open(&s, cp, len, &e) == CP_OK) {
          if (cp_seg_check(s, &e) != CP_OK && strstr(e.msg, "checksum mismatch"))
            nsum++;
          cp_seg_close(s);
        }
        if (cp_seg_fix_sums(cp, len, &e) == CP_OK) {
          nfix++;
          if (cp_seg_open(&s, cp, len, &e) != CP_OK) nbad++;
          else {
            /* the sums inside the compressed text are left as they are:
            ** behind them is libzstd, not our parser (seg.h) */
            if (cp_seg_check(s, &e) != CP_OK && strstr(e.msg, "checksum mismatch")
                && !strstr(e.msg, "compressed text"))
              nbad++;
            cp_seg_close(s);
          }
        }
        else if (strstr(e.msg, "checksum mismatch")) nbad++;
      }
    }
    free(raw); free(img); free(cp);
  }
  TAP_OK(nsum > 0 && nfix > 0 && nbad == 0, "after cp_seg_fix_sums no "
         "mutated seed fails on a checksum (%zu mutations opened after the "
         "fix, %zu had failed cp_seg_check on a section sum before, %zu "
         "still failed on one)", nfix, nsum, nbad);
}

int main (void) {
  cp_err e;
  cp_an *an = cp_an_new("english", &e);
  tdoc docs[10];
  size_t nd = 0, i;
  static const char *const seeds[] = {
    "/work/shared/corpora/seeds/000_5d011168273388d6.txt",
    "/work/shared/corpora/seeds/004_c6fd0727bfa2b943.txt"
  };
  static char syn1[] = "The Coalition's fighters met in Rome.\n\n"
                       "Ministers noted ISIS’s defeat; fighters fled.";
  static char syn2[] = "Straße und ﬁnancial \xc2\xad soft\xc2\xadhyphen 1990 "
                       "€5 «quotes» — dash!";
  cp_meta meta[3] = {
    {"source", 6, CP_MSTR, "state.gov", 9, 0, 0, 0},
    {"year", 4, CP_MNUM, NULL, 0, 2021.5, 0, 0},
    {"", 0, CP_MSTR, "", 0, 0, 0, 0}
  };
  memset(docs, 0, sizeof(docs));
  TAP_OK(an != NULL, "english analyser");
  {
    cp_an *bad = cp_an_new("klingon", &e);
    TAP_OK(bad == NULL && e.code == CP_ELANG && strstr(e.msg, "english") &&
           strstr(e.msg, "french"), "unknown language: ELANG listing known "
           "ones");
  }
  for (i = 0; i < 2; i++) {
    docs[nd].text = readfile(seeds[i], &docs[nd].len);
    if (docs[nd].text) docs[nd++].id = seeds[i] + 27;
  }
  docs[nd].id = "syn-1";  docs[nd].text = syn1;  docs[nd].len = sizeof(syn1) - 1;
  memcpy(docs[nd].meta, meta, sizeof(meta));
  docs[nd++].nmeta = 3;
  docs[nd].id = "syn-2";  docs[nd].text = syn2;  docs[nd].len = sizeof(syn2) - 1;
  docs[nd].meta[0] = meta[1];
  docs[nd++].nmeta = 1;
  /* long tokens and long gaps take the escaped span path */
  {
    static char longs[2000];
    size_t q, o = 0;
    for (q = 0; q < 300; q++) longs[o++] = 'x';
    for (q = 0; q < 400; q++) longs[o++] = ' ';
    memcpy(longs + o, "short words. ", 13);  o += 13;
    for (q = 0; q < 254; q++) longs[o++] = 'y';
    longs[o++] = ' ';
    for (q = 0; q < 255; q++) longs[o++] = 'z';
    for (q = 0; q < 254; q++) longs[o++] = ' ';
    memcpy(longs + o, "end", 3);  o += 3;
    docs[nd].id = "long";  docs[nd].text = longs;  docs[nd++].len = o;
  }
  docs[nd].id = "aaa-empty";  docs[nd].text = NULL;  docs[nd++].len = 0;
  docs[nd].id = "bad-utf8";  docs[nd].text = "x\xe2\x82 y\xc0\xaf z";
  docs[nd++].len = 10;
  test_analysis(an);
  test_segment(an, docs, nd);
  test_layers(an);
  test_edges(an);
  test_damage(an, docs, nd);
  test_big(an);
  test_fuzz_seeds();
  for (i = 0; i < 2; i++)
    if (docs[i].text && strncmp(docs[i].id, "0", 1) == 0) free(docs[i].text);
  cp_an_free(an);
  return tap_done();
}
