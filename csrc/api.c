/*
** api.c -- the public C API (include/corpus.h) over the core: handles
** that bundle what a host would otherwise juggle (a corpus with its
** index and query cache, a plan, a cursor with its batch), argument
** checks, and the few steps a host needs that the Lua binding does in
** Lua (reading files and JSON Lines).  Knows nothing of Lua.
**
** Only the functions marked CORPUS_API are exported from libcorpus.so;
** everything is built with -fvisibility=hidden.
*/
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../include/corpus.h"
#include "budget.h"
#include "conc.h"
#include "corpus.h"
#include "cursor.h"
#include "exec.h"
#include "index.h"
#include "jsonl.h"
#include "plan.h"
#include "seg.h"
#include "stats.h"
#include "tok.h"

#define CORPUS_API __attribute__((visibility("default")))

/* the public codes are the core's codes */
#define SAME(a, b) ((int)(a) == (int)(b))
typedef char same_codes[(SAME(CORPUS_ELANG, CP_ELANG) && SAME(CORPUS_ENOMEM, CP_ENOMEM) &&
                         SAME(CORPUS_ESYNTAX, CP_ESYNTAX) && SAME(CORPUS_WORD, CP_WORD) &&
                         SAME(CORPUS_STEM, CP_STEM) && SAME(CORPUS_SENTENCE, CP_U_SENT) &&
                         SAME(CORPUS_PARAGRAPH, CP_U_PARA)) ? 1 : -1];

struct corpus {
  cp_corpus *c;
  cp_index *ix;              /* NULL for an in-memory corpus */
  cp_qcache *qc;
};

struct corpus_query {
  cp_plan *p;
};

struct corpus_cursor {
  cp_cursor *cur;
  cp_matches m;              /* the current batch */
  size_t i;
  corpus *c;
};

/* copy a core error to the public record */
static int fail (corpus_error *out, const cp_err *e) {
  if (out != NULL) {
    out->code = e->code;
    snprintf(out->msg, sizeof(out->msg), "%s", e->msg);
  }
  return e->code;
}

static int set_err (corpus_error *out, int code, const char *msg) {
  cp_err e;
  cp_err_set(&e, code, "%s", msg);
  return fail(out, &e);
}

CORPUS_API const char *corpus_code_name (int code) {
  return cp_code_name(code);
}

CORPUS_API const char *corpus_version (void) {
  return CP_VERSION;
}


/* {================================================================
** Corpora
** ================================================================= */

static corpus *wrap (cp_corpus *c, cp_index *ix, corpus_error *err) {
  corpus *h = (corpus *)calloc(1, sizeof(*h));
  if (h == NULL || (h->qc = cp_qcache_new()) == NULL) {
    free(h);
    cp_corpus_free(c);
    if (ix != NULL) cp_index_close(ix);
    set_err(err, CORPUS_ENOMEM, "out of memory");
    return NULL;
  }
  h->c = c;
  h->ix = ix;
  return h;
}

CORPUS_API corpus *corpus_new (const char *language, corpus_error *err) {
  cp_opts o;
  cp_err e;
  cp_corpus *c;
  memset(&o, 0, sizeof(o));
  o.language = language;
  if ((c = cp_corpus_new(&o, &e)) == NULL) { fail(err, &e); return NULL; }
  return wrap(c, NULL, err);
}

CORPUS_API corpus *corpus_create (const char *path, const char *language,
                                  corpus_error *err) {
  cp_opts o;
  cp_err e;
  cp_corpus *c;
  cp_index *ix;
  if (path == NULL) { set_err(err, CORPUS_EINVAL, "NULL path"); return NULL; }
  memset(&o, 0, sizeof(o));
  o.language = language;
  if (cp_index_create(path, &o, &ix, &c, &e) != CP_OK) { fail(err, &e); return NULL; }
  return wrap(c, ix, err);
}

CORPUS_API corpus *corpus_open (const char *path, unsigned flags,
                                corpus_error *err) {
  cp_err e;
  cp_corpus *c;
  cp_index *ix;
  if (path == NULL) { set_err(err, CORPUS_EINVAL, "NULL path"); return NULL; }
  if (flags & ~CORPUS_OPEN_WRITE) {
    set_err(err, CORPUS_EINVAL, "unknown corpus_open flag");
    return NULL;
  }
  if (cp_index_open(path, (flags & CORPUS_OPEN_WRITE) ? CP_IX_WRITE : 0,
                    &ix, &c, &e) != CP_OK) {
    fail(err, &e);
    return NULL;
  }
  return wrap(c, ix, err);
}

CORPUS_API void corpus_close (corpus *c) {
  if (c == NULL) return;
  cp_qcache_free(c->qc);
  cp_corpus_free(c->c);            /* the corpus first, then its index */
  if (c->ix != NULL) cp_index_close(c->ix);
  free(c);
}

static int add_one (corpus *c, const char *id, size_t idlen, const char *text,
                    size_t len, const cp_meta *meta, size_t nmeta,
                    corpus_error *err) {
  cp_docin d;
  cp_err e;
  memset(&d, 0, sizeof(d));   /* fields not set here (tokens) stay NULL */
  d.id = id; d.idlen = idlen;
  d.text = text; d.textlen = len;
  d.meta = meta; d.nmeta = nmeta;
  if (cp_corpus_add(c->c, &d, 1, &e) != CP_OK) return fail(err, &e);
  return CORPUS_OK;
}

CORPUS_API int corpus_add_text (corpus *c, const char *id, const char *text,
                                size_t len, corpus_error *err) {
  if (c == NULL || (text == NULL && len > 0))
    return set_err(err, CORPUS_EINVAL, "NULL corpus or text");
  return add_one(c, id, id ? strlen(id) : 0, text ? text : "", len, NULL, 0, err);
}

/* the whole file at 'path', malloc'd; a message names the file */
static int slurp (const char *path, char **out, size_t *len, corpus_error *err) {
  FILE *f = fopen(path, "rb");
  char *buf = NULL;
  size_t n = 0, cap = 0;
  cp_err e;
  if (f == NULL) {
    cp_err_set(&e, errno == ENOENT ? CP_ENOENT : CP_EIO, "%s: %s", path,
               strerror(errno));
    return fail(err, &e);
  }
  for (;;) {
    size_t got;
    if (cap - n < 65536) {
      char *nb = (char *)realloc(buf, cap ? cap * 2 : 65536);
      if (nb == NULL) { free(buf); fclose(f); return set_err(err, CORPUS_ENOMEM, "out of memory"); }
      buf = nb;
      cap = cap ? cap * 2 : 65536;
    }
    got = fread(buf + n, 1, cap - n, f);
    n += got;
    if (got == 0) break;
  }
  if (ferror(f)) {
    free(buf);
    fclose(f);
    cp_err_set(&e, CP_EIO, "%s: read error", path);
    return fail(err, &e);
  }
  fclose(f);
  *out = buf;
  *len = n;
  return CORPUS_OK;
}

CORPUS_API int corpus_add_file (corpus *c, const char *path,
                                corpus_error *err) {
  const char *base, *dot;
  char *text;
  size_t len;
  int rc;
  if (c == NULL || path == NULL) return set_err(err, CORPUS_EINVAL, "NULL corpus or path");
  if ((rc = slurp(path, &text, &len, err)) != CORPUS_OK) return rc;
  base = strrchr(path, '/');
  base = base ? base + 1 : path;
  dot = strrchr(base, '.');
  rc = add_one(c, base, dot && dot > base ? (size_t)(dot - base) : strlen(base),
               text, len, NULL, 0, err);
  free(text);
  return rc;
}

/* JSON Lines: jsonl.h, the reader c:add_jsonl uses (its rules, its
** worker threads); a line the parsers reject is reported with the
** parser's message */
CORPUS_API int corpus_add_jsonl (corpus *c, const char *path, size_t *added,
                                 corpus_error *err) {
  char *buf;
  size_t len;
  cp_err e;
  int rc;
  if (added != NULL) *added = 0;
  if (c == NULL || path == NULL) return set_err(err, CORPUS_EINVAL, "NULL corpus or path");
  if (cp_jsonl_read(path, 0, UINT64_MAX, &buf, &len, &e) != CP_OK)
    return fail(err, &e);
  rc = cp_corpus_add_jsonl(c->c, buf, len, path, 0, 1, added, NULL, &e);
  free(buf);
  return rc == CP_OK ? CORPUS_OK : fail(err, &e);
}

CORPUS_API int corpus_commit (corpus *c, corpus_error *err) {
  cp_err e;
  if (c == NULL) return set_err(err, CORPUS_EINVAL, "NULL corpus");
  if (c->ix != NULL && cp_index_writable(c->ix)) {
    if (cp_index_commit(c->ix, c->c, &e) != CP_OK) return fail(err, &e);
  }
  else if (c->ix != NULL)
    return set_err(err, CORPUS_EINVAL, "the index is open read-only");
  else if (cp_corpus_flush(c->c, &e) != CP_OK) return fail(err, &e);
  return CORPUS_OK;
}

CORPUS_API int corpus_get_stats (corpus *c, corpus_stats *st,
                                 corpus_error *err) {
  cp_stats s;
  cp_err e;
  if (c == NULL || st == NULL) return set_err(err, CORPUS_EINVAL, "NULL corpus or output");
  if (cp_corpus_stats(c->c, &s, &e) != CP_OK) return fail(err, &e);
  st->docs = s.docs; st->tokens = s.tokens; st->words = s.words;
  st->punct = s.punct; st->sentences = s.sentences;
  st->paragraphs = s.paragraphs; st->bytes = s.bytes;
  st->types = s.types[CP_NORM];
  return CORPUS_OK;
}

/* the segment and info of global document 'doc' */
static int locate (corpus *c, uint64_t doc, const cp_seg **s, size_t *segi,
                   cp_docinfo *di, corpus_error *err) {
  uint32_t local;
  cp_err e;
  if (cp_corpus_flush(c->c, &e) != CP_OK) return fail(err, &e);
  if (cp_corpus_locate(c->c, doc, segi, &local) != CP_OK)
    return set_err(err, CORPUS_ENOENT, "no such document");
  *s = cp_corpus_seg(c->c, *segi);
  if (*s == NULL || cp_seg_doc(*s, local, di) != CP_OK)
    return set_err(err, CORPUS_ECORRUPT, "bad document table");
  return CORPUS_OK;
}

CORPUS_API int corpus_doc (corpus *c, uint64_t doc, const char **text,
                           size_t *textlen, const char **id, size_t *idlen,
                           corpus_error *err) {
  const cp_seg *s;
  size_t segi;
  cp_docinfo di;
  int rc;
  if (c == NULL) return set_err(err, CORPUS_EINVAL, "NULL corpus");
  if ((rc = locate(c, doc, &s, &segi, &di, err)) != CORPUS_OK) return rc;
  if (text) *text = di.text;
  if (textlen) *textlen = di.textlen;
  if (id) *id = di.id;
  if (idlen) *idlen = di.idlen;
  return CORPUS_OK;
}

/* }================================================================ */


/* {================================================================
** Query builder: the plan API of plan.h behind public names
** ================================================================= */

#define PLAN(q) ((q) != NULL ? (q)->p : NULL)
#define NODE(n) ((cp_pnode *)(n))
#define PUB(n) ((corpus_node *)(n))

CORPUS_API corpus_query *corpus_query_new (void) {
  corpus_query *q = (corpus_query *)calloc(1, sizeof(*q));
  if (q == NULL) return NULL;
  if ((q->p = cp_plan_new()) == NULL) { free(q); return NULL; }
  return q;
}

CORPUS_API void corpus_query_free (corpus_query *q) {
  if (q == NULL) return;
  cp_plan_free(q->p);
  free(q);
}

static int layer_ok (int layer) {
  return layer == CORPUS_WORD || layer == CORPUS_NORM || layer == CORPUS_STEM;
}

CORPUS_API corpus_node *corpus_q_words (corpus_query *q, const corpus *c,
                                        int layer, const char *text,
                                        size_t len) {
  cp_tokvec tv;
  cp_pnode *n;
  if (q == NULL || c == NULL || text == NULL || !layer_ok(layer)) {
    if (q != NULL) cp_plan_lex(q->p, -1, 0, NULL, 0);   /* makes it sticky */
    return NULL;
  }
  memset(&tv, 0, sizeof(tv));
  n = cp_plan_words(q->p, cp_corpus_mode(c->c), layer, text, len, &tv);
  cp_tokvec_free(&tv);
  return PUB(n);
}

CORPUS_API corpus_node *corpus_q_lex (corpus_query *q, int kind, int layer,
                                      const char *s, size_t len) {
  static const int kinds[] = {CP_P_TERM, CP_P_PREFIX, CP_P_GLOB, CP_P_REGEX};
  if (q == NULL) return NULL;
  if (kind < 0 || kind > CORPUS_Q_REGEX || !layer_ok(layer) || s == NULL)
    return PUB(cp_plan_lex(q->p, -1, 0, NULL, 0));
  return PUB(cp_plan_lex(q->p, kinds[kind], layer, s, len));
}

CORPUS_API corpus_node *corpus_q_list (corpus_query *q, int kind) {
  if (q == NULL) return NULL;
  if (kind != CORPUS_Q_AND && kind != CORPUS_Q_OR) return PUB(cp_plan_list(q->p, -1));
  return PUB(cp_plan_list(q->p, kind == CORPUS_Q_AND ? CP_P_AND : CP_P_OR));
}

CORPUS_API corpus_node *corpus_q_add (corpus_query *q, corpus_node *list,
                                      corpus_node *kid) {
  return q ? PUB(cp_plan_add(q->p, NODE(list), NODE(kid))) : NULL;
}

CORPUS_API corpus_node *corpus_q_not (corpus_query *q, corpus_node *arg) {
  return q ? PUB(cp_plan_not(q->p, CP_P_NOT, NODE(arg))) : NULL;
}

CORPUS_API corpus_node *corpus_q_near (corpus_query *q, uint32_t dist,
                                       int ordered) {
  return q ? PUB(cp_plan_near(q->p, dist, ordered)) : NULL;
}

CORPUS_API corpus_node *corpus_q_within (corpus_query *q, int unit,
                                         corpus_node *arg) {
  if (q == NULL) return NULL;
  if (unit != CORPUS_SENTENCE && unit != CORPUS_PARAGRAPH) return PUB(cp_plan_within(q->p, -1, NULL));
  return PUB(cp_plan_within(q->p, unit, NODE(arg)));
}

/* terms find their variants, as the query language's terms do by
** default (variants.h; docs/QUERY.md "Compounds and diacritics") */
CORPUS_API corpus_node *corpus_q_root (corpus_query *q, corpus_node *root) {
  if (q == NULL) return NULL;
  cp_plan_set_root(q->p, NODE(root));
  cp_plan_variants(q->p);
  return root;
}

/* }================================================================ */


/* {================================================================
** Running queries
** ================================================================= */

static int check_run (corpus *c, const corpus_query *q, corpus_error *err) {
  cp_err e;
  if (c == NULL || q == NULL) return set_err(err, CORPUS_EINVAL, "NULL corpus or query");
  if (cp_plan_error(PLAN(q), &e) != CP_OK) return fail(err, &e);
  return CORPUS_OK;
}

CORPUS_API int corpus_count (corpus *c, const corpus_query *q, int docs,
                             uint64_t *n, corpus_error *err) {
  cp_err e;
  int rc;
  if ((rc = check_run(c, q, err)) != CORPUS_OK) return rc;
  if (n == NULL) return set_err(err, CORPUS_EINVAL, "NULL output");
  if (cp_exec_countq(c->c, c->qc, q->p, NULL, docs ? CP_COUNT_DOCS : CP_COUNT_HITS,
                     n, &e) != CP_OK)
    return fail(err, &e);
  return CORPUS_OK;
}

CORPUS_API corpus_cursor *corpus_matches (corpus *c, const corpus_query *q,
                                          corpus_error *err) {
  corpus_cursor *cur;
  cp_err e;
  if (check_run(c, q, err) != CORPUS_OK) return NULL;
  if ((cur = (corpus_cursor *)calloc(1, sizeof(*cur))) == NULL) {
    set_err(err, CORPUS_ENOMEM, "out of memory");
    return NULL;
  }
  if ((cur->cur = cp_cursor_new(c->c, c->qc, q->p, NULL, &e)) == NULL) {
    free(cur);
    fail(err, &e);
    return NULL;
  }
  cur->c = c;
  return cur;
}

CORPUS_API int corpus_next (corpus_cursor *cur, corpus_match *m,
                            corpus_error *err) {
  cp_err e;
  const cp_match *x;
  size_t segi;
  uint32_t local;
  cp_docinfo di;
  const cp_seg *s;
  uint64_t base;
  if (cur == NULL || m == NULL) return set_err(err, CORPUS_EINVAL, "NULL cursor or output");
  if (cur->i == cur->m.n) {
    cur->i = 0;
    if (cp_cursor_next(cur->cur, &cur->m, &e) != CP_OK) return fail(err, &e);
    if (cur->m.n == 0) return CORPUS_DONE;
  }
  x = &cur->m.v[cur->i++];
  if (cp_corpus_locate(cur->c->c, x->doc, &segi, &local) != CP_OK ||
      (s = cp_corpus_seg(cur->c->c, segi)) == NULL || cp_seg_doc(s, local, &di) != CP_OK)
    return set_err(err, CORPUS_ECORRUPT, "bad document table");
  base = cp_corpus_pos_base(cur->c->c, segi) + di.tok_start;
  m->doc = x->doc;
  m->start = (uint32_t)(x->start - base);
  m->stop = (uint32_t)(x->stop - base);
  return CORPUS_ROW;
}

CORPUS_API void corpus_cursor_free (corpus_cursor *cur) {
  if (cur == NULL) return;
  cp_cursor_free(cur->cur);
  cp_matches_free(&cur->m);
  free(cur);
}

/*
** The window of c:kwic (conc.c cp_conc_window, words): 'width' word
** tokens each side, punctuation shown but not counted, the punctuation
** that clings to the last word on the right taken, the whitespace
** between the match and its context left out.
*/
CORPUS_API int corpus_kwic (corpus *c, const corpus_match *m, uint32_t width,
                            corpus_kwic_line *out, corpus_error *err) {
  cp_conc_hit h;
  cp_conc_win w;
  cp_window win;
  cp_err e;
  if (c == NULL || m == NULL || out == NULL)
    return set_err(err, CORPUS_EINVAL, "NULL corpus, match or output");
  if (cp_corpus_flush(c->c, &e) != CP_OK) return fail(err, &e);
  h.doc = m->doc;
  h.start = m->start;
  h.stop = m->stop;
  w.unit = CP_CW_WORDS;
  w.left = w.right = width;
  if (cp_conc_window(c->c, &h, &w, &win, &e) != CP_OK) return fail(err, &e);
  out->left = win.text + win.lb0;  out->leftlen = win.lb1 - win.lb0;
  out->match = win.text + win.mb0; out->matchlen = win.mb1 - win.mb0;
  out->right = win.text + win.rb0; out->rightlen = win.rb1 - win.rb0;
  out->id = win.id;                out->idlen = win.idlen;
  return CORPUS_OK;
}

CORPUS_API int corpus_search (corpus *c, const corpus_query *q, size_t limit,
                              corpus_hit *hits, size_t *n, uint64_t *total,
                              corpus_error *err) {
  cp_search_opts o;
  cp_hits h;
  cp_err e;
  size_t i;
  int rc;
  if ((rc = check_run(c, q, err)) != CORPUS_OK) return rc;
  if (n == NULL || (hits == NULL && limit > 0))
    return set_err(err, CORPUS_EINVAL, "NULL output");
  memset(&o, 0, sizeof(o));
  o.k1 = 1.2;
  o.b = 0.75;
  o.limit = limit;
  memset(&h, 0, sizeof(h));
  if (cp_search(c->c, c->qc, q->p, NULL, &o, &h, &e) != CP_OK) {
    cp_hits_free(&h);
    return fail(err, &e);
  }
  for (i = 0; i < h.n && i < limit; i++) {
    hits[i].doc = h.v[i].doc;
    hits[i].score = h.v[i].score;
  }
  *n = i;
  if (total != NULL) *total = h.total;
  cp_hits_free(&h);
  return CORPUS_OK;
}

/* }================================================================ */


/* {================================================================
** Statistics
** ================================================================= */

CORPUS_API int corpus_ndocs (corpus *c, uint64_t *n, corpus_error *err) {
  cp_err e;
  if (c == NULL || n == NULL) return set_err(err, CORPUS_EINVAL, "NULL corpus or output");
  if (cp_corpus_flush(c->c, &e) != CP_OK) return fail(err, &e);
  *n = cp_corpus_ndocs(c->c);
  return CORPUS_OK;
}

CORPUS_API int corpus_similar (corpus *c, uint64_t doc, int layer, size_t limit,
                               corpus_hit *hits, size_t *n, corpus_error *err) {
  cp_sopt o;
  cp_budget bud;
  cp_simhit *v;
  cp_err e;
  size_t i, k;
  if (c == NULL || n == NULL || (hits == NULL && limit > 0))
    return set_err(err, CORPUS_EINVAL, "NULL corpus or output");
  if (!layer_ok(layer)) return set_err(err, CORPUS_EINVAL, "unknown layer");
  *n = 0;
  memset(&o, 0, sizeof(o));
  o.layer = layer;
  cp_budget_start(&bud, CP_DEFAULT_MAX_WORK, CP_DEFAULT_MAX_MEM, 0);
  o.budget = &bud;                 /* the default work bound of a call */
  if (cp_similar_top(c->c, &o, doc, limit, &v, &k, &e) != CP_OK) return fail(err, &e);
  for (i = 0; i < k && i < limit; i++) {
    hits[i].doc = v[i].doc;
    hits[i].score = v[i].score;
  }
  *n = i;
  free(v);
  return CORPUS_OK;
}

/* }================================================================ */
