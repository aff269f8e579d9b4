/*
** fields_test.c -- token streams of metadata fields (segfield.c): what a
** builder with indexed fields writes, read back and recounted against
** the tokenizer; a copy into a new builder (a merge) keeps it without
** tokenizing; a truncated builder drops the documents' tokens; a damaged
** section is refused.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis.h"
#include "seg.h"
#include "segfield.h"
#include "segfmt.h"
#include "tap.h"
#include "tok.h"

static cp_meta str_meta (const char *key, const char *val) {
  cp_meta m;
  memset(&m, 0, sizeof(m));
  m.key = key;
  m.keylen = strlen(key);
  m.type = CP_MSTR;
  m.str = val;
  m.strlen = strlen(val);
  return m;
}

/* the words (not punctuation) the tokenizer finds in s */
static uint32_t words (const char *s) {
  cp_tokvec tv;
  cp_err e;
  uint32_t n = 0;
  size_t i;
  memset(&tv, 0, sizeof(tv));
  if (cp_tok_run(s, strlen(s), CP_TOK_CORPUS, &tv, &e) != CP_OK) return 0;
  for (i = 0; i < tv.n; i++) n += !(tv.v[i].flags & CP_TF_PUNCT);
  cp_tokvec_free(&tv);
  return n;
}

/* the word of stored token k of field f */
static int tok_is (const cp_sfield *f, uint32_t k, const char *w) {
  size_t l;
  const char *s;
  if (k >= f->ntok || f->tok[k] == CP_SF_SEP) return 0;
  s = cp_sf_type(f, f->tok[k], CP_WORD, &l);
  return l == strlen(w) && memcmp(s, w, l) == 0;
}

int main (void) {
  cp_err e;
  cp_an *an = cp_an_new("english", &e);
  cp_segw *w = an ? cp_segw_new(an, CP_TOK_CORPUS, &e) : NULL;
  cp_meta m[3];
  void *img = NULL, *img2 = NULL;
  size_t size = 0, size2 = 0;
  cp_seg *s = NULL, *s2 = NULL;
  cp_sfields *sf = NULL, *sf2 = NULL;
  const cp_sfield *t, *t2;
  int rc;
  if (w == NULL) { printf("not ok 1 - builder: %s\n", e.msg); return 1; }
  TAP_OK(cp_segw_set_fields(w, "text", &e) == CP_EINVAL,
         "'text' is not a field to name");
  TAP_OK(cp_segw_set_fields(w, "title title", &e) == CP_EINVAL,
         "a name twice is refused");
  TAP_OK(cp_segw_set_fields(w, "title tags", &e) == CP_OK, "set two fields");
  m[0] = str_meta("title", "Crude oil, higher");
  m[1] = str_meta("tags", "crude");
  m[2] = str_meta("tags", "oil prices");
  rc = cp_segw_add(w, "a", 1, "body one", 8, m, 3, &e);
  m[0] = str_meta("title", "Gold");
  rc |= cp_segw_add(w, "b", 1, "body two", 8, m, 1, &e);
  rc |= cp_segw_add(w, "c", 1, "no fields", 9, NULL, 0, &e);
  TAP_OK(rc == CP_OK, "three documents added");
  TAP_OK(cp_segw_set_fields(w, "other", &e) == CP_EINVAL,
         "fields are named before the first document");
  m[0] = str_meta("title", "dropped later");
  rc = cp_segw_add(w, "d", 1, "body four", 9, m, 1, &e);
  TAP_OK(rc == CP_OK && cp_segw_truncate(w, 3, &e) == CP_OK,
         "a fourth, truncated away");
  TAP_OK(cp_segw_finish(w, &img, &size, &e) == CP_OK, "finish");
  TAP_OK(cp_seg_open(&s, img, size, &e) == CP_OK, "open");
  TAP_OK(s != NULL && cp_seg_check(s, &e) == CP_OK, "check passes");
  TAP_OK(cp_sf_open(s, &sf, &e) == CP_OK && sf != NULL && sf->n == 2,
         "two fields indexed");
  t = cp_sf_find(sf, "title", 5);
  TAP_OK(t != NULL && sf->ndocs == 3, "title found, 3 documents");
  if (t != NULL) {
    TAP_OK(t->dlen[0] == words("Crude oil, higher") && t->dlen[0] == 3 &&
           t->dlen[1] == 1 && t->dlen[2] == 0,
           "title lengths are the tokenizer's words (3, 1, 0)");
    TAP_OK(t->doco[1] - t->doco[0] == 4 && tok_is(t, 0, "Crude") &&
           tok_is(t, 2, ",") && tok_is(t, t->doco[1], "Gold"),
           "title tokens as written, punctuation included");
    {
      size_t l;
      const char *n = cp_sf_type(t, t->tok[0], CP_NORM, &l);
      TAP_OK(l == 5 && memcmp(n, "crude", 5) == 0, "norm of 'Crude'");
      {   /* the analyzer's stem of the norm ("prices" -> "price") */
        size_t sl;
        const char *want = cp_an_stem(an, "higher", 6, &sl);
        n = cp_sf_type(t, t->tok[3], CP_STEM, &l);
        TAP_OK(want != NULL && l == sl && memcmp(n, want, l) == 0,
               "stem of 'higher' is the analyzer's (%.*s)", (int)l, n);
      }
    }
    TAP_OK(t->npost == t->ntok, "one posting per token (no separator)");
  }
  t = cp_sf_find(sf, "tags", 4);
  TAP_OK(t != NULL && t->doco[1] == 4 && t->tok[1] == CP_SF_SEP &&
         t->dlen[0] == 3 && t->npost == 3,
         "two tag values, a separator between them");
  if (t != NULL) {   /* "oil prices": norm "prices", stem "price" */
    size_t l, sl;
    const char *st = cp_sf_type(t, t->tok[3], CP_STEM, &l);
    const char *want = cp_an_stem(an, "prices", 6, &sl);
    TAP_OK(want != NULL && l == sl && memcmp(st, want, l) == 0 && l == 5,
           "stem of 'prices': %.*s", (int)l, st);
  }
  /* a merge: copied, into a builder that takes the fields of its input */
  {
    cp_segw *w2 = cp_segw_new(an, CP_TOK_CORPUS, &e);
    const cp_seg *in[1];
    uint32_t d;
    cp_docinfo di;
    char list[CP_FIELDS_TEXTMAX];
    in[0] = s;
    rc = w2 ? cp_segw_fields_from(w2, in, 1, &e) : CP_ENOMEM;
    cp_segw_fields(w2, list);
    TAP_OK(rc == CP_OK && strcmp(list, "title tags") == 0,
           "a merge takes its inputs' fields: %s", list);
    for (d = 2; d != UINT32_MAX && rc == CP_OK; d = d == 0 ? UINT32_MAX : d - 1) {
      size_t it = 0, nm = 0;
      cp_meta mm[4];
      rc = cp_seg_doc_head(s, d, &di);
      while (rc == CP_OK && nm < 4 && cp_meta_next(di.meta, di.metalen, &it, &mm[nm]) == 1)
        nm++;
      if (rc == CP_OK) rc = cp_segw_add_copy(w2, s, d, mm, nm, &e);
    }
    TAP_OK(rc == CP_OK && cp_segw_finish(w2, &img2, &size2, &e) == CP_OK &&
           cp_seg_open(&s2, img2, size2, &e) == CP_OK &&
           cp_seg_check(s2, &e) == CP_OK, "the copy checks");
    TAP_OK(s2 != NULL && cp_sf_open(s2, &sf2, &e) == CP_OK && sf2 != NULL,
           "the copy has the section");
    t = cp_sf_find(sf, "title", 5);
    t2 = cp_sf_find(sf2, "title", 5);
    TAP_OK(t != NULL && t2 != NULL && t2->dlen[0] == 0 && t2->dlen[1] == 1 &&
           t2->dlen[2] == 3 && tok_is(t2, t2->doco[2], "Crude") &&
           t2->ntok == t->ntok,
           "documents in reverse order keep their tokens");
    cp_segw_free(w2);
  }
  /* the tokens made from the values (cp_sf_make: a segment that does not
  ** index the field) are the stored ones, type for type, token for token */
  {
    cp_sfields *made = NULL;
    const cp_sfield *a, *st;
    int same = 0;
    uint32_t k;
    TAP_OK(cp_sf_make(s, an, CP_TOK_CORPUS, "tags", 4, &made, &e) == CP_OK &&
           made != NULL && made->n == 1 && made->ndocs == 3,
           "tags made from the values");
    a = made ? &made->f[0] : NULL;
    st = cp_sf_find(sf, "tags", 4);
    if (a != NULL && st != NULL && a->ntypes == st->ntypes &&
        a->ntok == st->ntok && a->npost == st->npost &&
        a->lexo[3 * a->ntypes] == st->lexo[3 * st->ntypes]) {
      same = memcmp(a->lexs, st->lexs, a->lexo[3 * a->ntypes]) == 0 &&
             memcmp(a->lexo, st->lexo, 4 * (3 * (size_t)a->ntypes + 1)) == 0 &&
             memcmp(a->tok, st->tok, 4 * (size_t)a->ntok) == 0 &&
             memcmp(a->post, st->post, 4 * (size_t)a->npost) == 0;
      for (k = 0; k < 3; k++) same = same && a->doco[k] == st->doco[k] &&
                                     a->dlen[k] == st->dlen[k];
    }
    TAP_OK(same, "the made tokens are the stored ones");
    free(made);
    made = NULL;
    TAP_OK(cp_sf_make(s, an, CP_TOK_CORPUS, "a b", 3, &made, &e) == CP_EINVAL &&
           made == NULL, "a bad name is refused");
    TAP_OK(cp_sf_make(s, an, CP_TOK_CORPUS, "none", 4, &made, &e) == CP_OK &&
           made != NULL && made->f[0].ntok == 0 && made->f[0].doco[3] == 0,
           "a field no document has: no tokens");
    free(made);
  }
  /* damage: one byte of the section */
  {
    const unsigned char *p;
    uint64_t sz, sum;
    unsigned char *c = (unsigned char *)malloc(size);
    cp_seg *sd = NULL;
    cp_sfields *bad = NULL;
    memcpy(c, img, size);
    if (cp_seg_section(s, CP_SEC_FIELDS, &p, &sz, &sum) && sz > 8) {
      c[(p - (const unsigned char *)img) + sz / 2] ^= 0x10;
      TAP_OK(cp_seg_open(&sd, c, size, &e) == CP_OK, "the damaged image opens");
      TAP_OK(sd != NULL && cp_sf_open(sd, &bad, &e) == CP_ECORRUPT && bad == NULL,
             "its field tokens are refused: %s", e.msg);
      TAP_OK(sd != NULL && cp_seg_check(sd, &e) == CP_ECORRUPT,
             "check finds it: %s", e.msg);
      cp_seg_close(sd);
    }
    else TAP_OK(0, "no FIELDS section");
    free(c);
  }
  free(sf);
  free(sf2);
  cp_seg_close(s);
  cp_seg_close(s2);
  free(img);
  free(img2);
  cp_segw_free(w);
  cp_an_free(an);
  return tap_done();
}
