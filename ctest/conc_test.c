/*
** conc_test.c -- concordances and groups from C (conc.h, group.h), as a
** host without Lua uses them: hits given as matches, sorted by context
** keys, cut into windows, sampled, counted per metadata group.
*/
#include <string.h>

#include "tap.h"
#include "corpus.h"
#include "conc.h"
#include "group.h"

/* the global position of token 'tok' of document 'doc' */
static uint64_t gpos (cp_corpus *c, uint64_t doc, uint32_t tok) {
  size_t seg;
  uint32_t local;
  cp_docinfo di;
  cp_corpus_locate(c, doc, &seg, &local);
  cp_seg_doc(cp_corpus_seg(c, seg), local, &di);
  return cp_corpus_pos_base(c, seg) + di.tok_start + tok;
}

static int add (cp_corpus *c, const char *id, const char *text, const char *kind, double year) {
  cp_meta m[2];
  cp_docin d;
  memset(m, 0, sizeof m);
  m[0].key = "kind"; m[0].keylen = 4; m[0].type = CP_MSTR; m[0].str = kind; m[0].strlen = strlen(kind);
  m[1].key = "year"; m[1].keylen = 4; m[1].type = CP_MNUM; m[1].num = year;
  d.id = id; d.idlen = strlen(id);
  d.text = text; d.textlen = strlen(text);
  d.meta = m; d.nmeta = 2;
  return cp_corpus_add(c, &d, 1, NULL);
}

static int window_is (cp_corpus *c, const cp_conc_hit *h, const cp_conc_win *w,
                      const char *left, const char *match, const char *right) {
  cp_window o;
  if (cp_conc_window(c, h, w, &o, NULL) != CP_OK) return 0;
  return o.lb1 - o.lb0 == strlen(left) && memcmp(o.text + o.lb0, left, strlen(left)) == 0 &&
         o.mb1 - o.mb0 == strlen(match) && memcmp(o.text + o.mb0, match, strlen(match)) == 0 &&
         o.rb1 - o.rb0 == strlen(right) && memcmp(o.text + o.rb0, right, strlen(right)) == 0;
}

int main (void) {
  cp_err e;
  cp_corpus *c = cp_corpus_new(NULL, &e);
  cp_matches m;
  cp_match v[3];
  cp_conc *k = NULL, *s = NULL;
  cp_conc_key key;
  cp_conc_win w;
  cp_groups g;
  uint64_t hits[8], dh[8];
  const char *f = "year";
  size_t flen = 4;
  TAP_OK(c != NULL, "a corpus");
  TAP_OK(add(c, "a", "Zebras eat grass. The river rises.", "news", 2001) == CP_OK, "doc a");
  TAP_OK(add(c, "b", "Cats eat fish, often.", "news", 2002) == CP_OK, "doc b");
  TAP_OK(add(c, "c", "Ants eat sugar.", "speech", 2001) == CP_OK, "doc c");
  TAP_OK(cp_corpus_flush(c, &e) == CP_OK, "flush");
  /* the three "eat" (token 1 of each document) */
  v[0].doc = 0; v[0].start = gpos(c, 0, 1); v[0].stop = v[0].start + 1;
  v[1].doc = 1; v[1].start = gpos(c, 1, 1); v[1].stop = v[1].start + 1;
  v[2].doc = 2; v[2].start = gpos(c, 2, 1); v[2].stop = v[2].start + 1;
  m.v = v; m.n = 3; m.cap = 3;
  TAP_OK(cp_conc_new(c, &m, NULL, 0, &k, &e) == CP_OK && k->n == 3, "three hits");
  memset(&key, 0, sizeof key);
  key.kind = CP_CK_LEFT; key.n = 1; key.layer = CP_WORD;
  TAP_OK(cp_conc_sort(k, &key, 1, &e) == CP_OK, "sort by 1L");
  TAP_OK(k->v[0].doc == 2 && k->v[1].doc == 1 && k->v[2].doc == 0, "Ants < Cats < Zebras");
  key.desc = 1;
  cp_conc_sort(k, &key, 1, &e);
  TAP_OK(k->v[0].doc == 0 && k->v[2].doc == 2, "descending");
  key.kind = CP_CK_META; key.field = "kind"; key.fieldlen = 4; key.desc = 0;
  cp_conc_sort(k, &key, 1, &e);
  TAP_OK(k->v[2].doc == 2, "by a metadata field, stably (speech last)");
  key.field = "kinds"; key.fieldlen = 5;
  TAP_OK(cp_conc_sort(k, &key, 1, &e) == CP_EINVAL, "a field no document has: EINVAL");
  key.kind = CP_CK_LEFT; key.n = 0;
  TAP_OK(cp_conc_sort(k, &key, 1, &e) == CP_EINVAL, "0L is not a key");
  /* windows of the hit in document b */
  {
    cp_conc_hit h = {1, 1, 2};
    w.unit = CP_CW_WORDS; w.left = 1; w.right = 1;
    TAP_OK(window_is(c, &h, &w, "Cats", "eat", "fish,"), "one word each side, clinging comma");
    w.right = 2;
    TAP_OK(window_is(c, &h, &w, "Cats", "eat", "fish, often."), "punctuation not counted");
    w.unit = CP_CW_CHARS; w.left = 3; w.right = 6;
    TAP_OK(window_is(c, &h, &w, "ts ", "eat", " fish,"), "characters");
    w.unit = CP_CW_SENT;
    h.doc = 0;
    TAP_OK(window_is(c, &h, &w, "Zebras", "eat", "grass."), "the sentence only");
    h.start = 5; h.stop = 9;
    TAP_OK(cp_conc_window(c, &h, &w, &(cp_window){0}, &e) == CP_EINVAL, "span beyond the document");
  }
  TAP_OK(cp_conc_sample(k, 2, 7, &s, &e) == CP_OK && s->n == 2, "sample of two");
  {
    cp_conc *s2 = NULL;
    cp_conc_sample(k, 2, 7, &s2, &e);
    TAP_OK(memcmp(s->v, s2->v, 2 * sizeof(cp_conc_hit)) == 0, "the same seed, the same sample");
    cp_conc_free(s2);
  }
  /* groups by year: 2001 (a, c), 2002 (b) */
  TAP_OK(cp_groups_build(c, &f, &flen, 1, NULL, 0, &g, &e) == CP_OK && g.ngroups == 2, "two years");
  TAP_OK(g.vals[0].num == 2001 && g.vals[1].num == 2002, "in order");
  TAP_OK(g.docs[0] == 2 && g.docs[1] == 1, "documents per group");
  TAP_OK(cp_groups_count(&g, c, &m, hits, dh, &e) == CP_OK && hits[0] == 2 && hits[1] == 1 &&
         dh[0] == 2, "hits per group");
  TAP_OK(g.words[0] == 9 && g.words[1] == 4, "words per group (%llu, %llu)",
         (unsigned long long)g.words[0], (unsigned long long)g.words[1]);
  cp_groups_free(&g);
  f = "colour"; flen = 6;
  TAP_OK(cp_groups_build(c, &f, &flen, 1, NULL, 0, &g, &e) == CP_EINVAL, "an unknown field");
  cp_groups_free(&g);
  TAP_OK(cp_conc_new(NULL, &m, NULL, 0, &s, &e) == CP_EINVAL, "NULL corpus: EINVAL");
  cp_conc_free(s);
  cp_conc_free(k);
  cp_corpus_free(c);
  return tap_done();
}
