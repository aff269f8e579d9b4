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

#include <jansson.h>

#include "../include/corpus.h"
#include "corpus.h"
#include "cursor.h"
#include "exec.h"
#include "index.h"
#include "plan.h"
#include "seg.h"
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

/* {======== JSON Lines (jansson parses; the rules are c:add_jsonl's) */

typedef struct jdoc {
  json_t *obj;
  char idbuf[32];
  const char *id; size_t idlen;
  size_t meta0, nmeta;       /* its metadata: meta[meta0 .. meta0+nmeta) */
} jdoc;

typedef struct jbatch {
  jdoc *d; size_t n, cap;
  cp_meta *meta; size_t nm, capm;
} jbatch;

static void jbatch_free (jbatch *b) {
  size_t i;
  for (i = 0; i < b->n; i++) json_decref(b->d[i].obj);
  free(b->d);
  free(b->meta);
}

static int grow_to (void **v, size_t *cap, size_t need, size_t size) {
  size_t nc = *cap ? *cap : 16;
  void *nv;
  if (need <= *cap) return CP_OK;
  while (nc < need) nc *= 2;
  if ((nv = realloc(*v, nc * size)) == NULL) return CP_ENOMEM;
  *v = nv;
  *cap = nc;
  return CP_OK;
}

/* one metadata value (a string, number or boolean) of field 'key' */
static int add_meta (jbatch *b, const char *key, json_t *v) {
  cp_meta *m;
  if (grow_to((void **)&b->meta, &b->capm, b->nm + 1, sizeof(cp_meta)) != CP_OK)
    return CP_ENOMEM;
  m = &b->meta[b->nm];
  memset(m, 0, sizeof(*m));
  m->key = key;
  m->keylen = strlen(key);
  if (json_is_string(v)) {
    m->type = CP_MSTR;
    m->str = json_string_value(v);
    m->strlen = json_string_length(v);
  }
  else if (json_is_integer(v)) {   /* integers stay integers (meta.h) */
    m->type = CP_MINT;
    m->ival = (int64_t)json_integer_value(v);
    m->num = (double)m->ival;
  }
  else if (json_is_number(v)) {
    m->type = CP_MNUM;
    m->num = json_number_value(v);
  }
  else if (json_is_boolean(v)) {
    m->type = CP_MBOOL;
    m->ival = json_is_true(v);
    m->str = json_is_true(v) ? "true" : "false";
    m->strlen = strlen(m->str);
  }
  else return CP_EINVAL;
  b->nm++;
  return CP_OK;
}

/* check one parsed line and append it; a message on a bad line */
static int add_line (jbatch *b, json_t *obj, const char **bad) {
  jdoc *d;
  json_t *text, *id, *v;
  const char *key;
  if (!json_is_object(obj)) { *bad = "expected a JSON object"; return CP_ESYNTAX; }
  text = json_object_get(obj, "text");
  if (!json_is_string(text)) { *bad = "field 'text' must be a string"; return CP_ESYNTAX; }
  if (grow_to((void **)&b->d, &b->cap, b->n + 1, sizeof(jdoc)) != CP_OK)
    return CP_ENOMEM;
  d = &b->d[b->n];
  memset(d, 0, sizeof(*d));
  id = json_object_get(obj, "id");
  if (json_is_integer(id)) {
    snprintf(d->idbuf, sizeof(d->idbuf), "%" JSON_INTEGER_FORMAT, json_integer_value(id));
    d->id = d->idbuf;
    d->idlen = strlen(d->idbuf);
  }
  else if (json_is_string(id) && json_string_length(id) > 0) {
    d->id = json_string_value(id);
    d->idlen = json_string_length(id);
  }
  else if (id != NULL && !json_is_null(id)) {
    *bad = "field 'id' must be a non-empty string";
    return CP_ESYNTAX;
  }
  d->meta0 = b->nm;
  json_object_foreach(obj, key, v) {
    size_t i;
    int rc = CP_OK;
    if (strcmp(key, "id") == 0 || strcmp(key, "text") == 0 || json_is_null(v)) continue;
    if (json_is_array(v)) {
      for (i = 0; i < json_array_size(v) && rc == CP_OK; i++)
        rc = add_meta(b, key, json_array_get(v, i));
    }
    else rc = add_meta(b, key, v);
    if (rc == CP_EINVAL) {
      *bad = "a field is an object (only strings, numbers, booleans and lists of them are kept)";
      return CP_ESYNTAX;
    }
    if (rc != CP_OK) return rc;
  }
  d->nmeta = b->nm - d->meta0;
  d->obj = obj;
  b->n++;
  return CP_OK;
}

CORPUS_API int corpus_add_jsonl (corpus *c, const char *path, size_t *added,
                                 corpus_error *err) {
  char *buf, *line, *end;
  size_t len, lineno = 0, i;
  jbatch b;
  cp_docin *docs;
  cp_err e;
  int rc;
  if (added != NULL) *added = 0;
  if (c == NULL || path == NULL) return set_err(err, CORPUS_EINVAL, "NULL corpus or path");
  if ((rc = slurp(path, &buf, &len, err)) != CORPUS_OK) return rc;
  memset(&b, 0, sizeof(b));
  for (line = buf; line < buf + len; line = end + 1) {
    const char *bad = NULL;
    json_error_t je;
    json_t *obj;
    size_t k;
    end = memchr(line, '\n', (size_t)(buf + len - line));
    if (end == NULL) end = buf + len;
    lineno++;
    for (k = 0; line + k < end && strchr(" \t\r", line[k]) != NULL; k++) {}
    if (line + k == end) continue;                   /* blank line */
    obj = json_loadb(line, (size_t)(end - line), 0, &je);
    if (obj == NULL) {
      cp_err_set(&e, CP_ESYNTAX, "%s:%zu: malformed JSON: %s", path, lineno, je.text);
      rc = fail(err, &e);
      goto done;
    }
    rc = add_line(&b, obj, &bad);
    if (rc != CP_OK) {
      json_decref(obj);
      if (rc == CP_ESYNTAX) cp_err_set(&e, CP_ESYNTAX, "%s:%zu: %s", path, lineno, bad);
      else cp_err_set(&e, CP_ENOMEM, "out of memory");
      rc = fail(err, &e);
      goto done;
    }
  }
  if ((docs = (cp_docin *)calloc(b.n ? b.n : 1, sizeof(cp_docin))) == NULL) {
    rc = set_err(err, CORPUS_ENOMEM, "out of memory");
    goto done;
  }
  for (i = 0; i < b.n; i++) {
    json_t *t = json_object_get(b.d[i].obj, "text");
    docs[i].id = b.d[i].id;
    docs[i].idlen = b.d[i].idlen;
    docs[i].text = json_string_value(t);
    docs[i].textlen = json_string_length(t);
    docs[i].meta = b.meta + b.d[i].meta0;
    docs[i].nmeta = b.d[i].nmeta;
  }
  if (cp_corpus_add(c->c, docs, b.n, &e) != CP_OK) {
    cp_err e2;
    cp_err_set(&e2, e.code, "%s: %s", path, e.msg);
    rc = fail(err, &e2);
  }
  else {
    rc = CORPUS_OK;
    if (added != NULL) *added = b.n;
  }
  free(docs);
done:
  jbatch_free(&b);
  free(buf);
  return rc;
}

/* }======== */

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
  cp_err e;
  char *rep = NULL;
  size_t replen, ninv, i, k = 0;
  cp_pnode *n = NULL;
  if (q == NULL || c == NULL || text == NULL || !layer_ok(layer)) {
    if (q != NULL) cp_plan_lex(q->p, -1, 0, NULL, 0);   /* makes it sticky */
    return NULL;
  }
  memset(&tv, 0, sizeof(tv));
  if (cp_utf8_repair(text, len, &rep, &replen, &ninv, &e) != CP_OK || rep != NULL ||
      cp_tok_run(text, len, cp_corpus_mode(c->c), &tv, &e) != CP_OK) {
    free(rep);
    cp_tokvec_free(&tv);
    return PUB(cp_plan_lex(q->p, CP_P_TERM, layer, text, len));
  }
  for (i = 0; i < tv.n; i++)                   /* word tokens only */
    if (!(tv.v[i].flags & CP_TF_PUNCT)) tv.v[k++] = tv.v[i];
  if (k == 0) n = cp_plan_lex(q->p, CP_P_TERM, layer, text, len);
  else if (k == 1)
    n = cp_plan_lex(q->p, CP_P_TERM, layer, text + tv.v[0].start,
                    tv.v[0].stop - tv.v[0].start);
  else {
    n = cp_plan_phrase(q->p);
    for (i = 0; i < k; i++)
      cp_plan_add_item(q->p, n, cp_plan_lex(q->p, CP_P_TERM, layer,
                       text + tv.v[i].start, tv.v[i].stop - tv.v[i].start), 1, 1);
  }
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

CORPUS_API corpus_node *corpus_q_root (corpus_query *q, corpus_node *root) {
  if (q == NULL) return NULL;
  cp_plan_set_root(q->p, NODE(root));
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

static int is_space (char ch) {
  return ch == ' ' || ch == '\n' || ch == '\t' || ch == '\r';
}

/*
** The window rule of c:context / c:kwic: widen by 'width' word tokens
** each side (punctuation shown, not counted), take the punctuation that
** clings to the last word on the right, trim the whitespace between the
** match and its context.
*/
CORPUS_API int corpus_kwic (corpus *c, const corpus_match *m, uint32_t width,
                            corpus_kwic_line *out, corpus_error *err) {
  const cp_seg *s;
  size_t segi;
  cp_docinfo di;
  const uint32_t *st;
  uint32_t p0, p1, l0, r1, x, k, mb0, mb1, lb0, rb1, b0, b1, end;
  int rc;
  if (c == NULL || m == NULL || out == NULL)
    return set_err(err, CORPUS_EINVAL, "NULL corpus, match or output");
  if ((rc = locate(c, m->doc, &s, &segi, &di, err)) != CORPUS_OK) return rc;
  if (m->start >= m->stop || m->stop > di.tok_count)
    return set_err(err, CORPUS_EINVAL, "token span out of range");
  st = cp_seg_stream(s);
  p0 = di.tok_start + m->start;
  p1 = di.tok_start + m->stop - 1;
  end = di.tok_start + di.tok_count;
  for (l0 = p0, k = 0; l0 > di.tok_start && k < width; l0--)
    if (!cp_seg_type_punct(s, st[l0 - 1])) k++;
  for (r1 = p1, k = 0; r1 + 1 < end && k < width; r1++)
    if (!cp_seg_type_punct(s, st[r1 + 1])) k++;
  while (r1 + 1 < end && cp_seg_type_punct(s, st[r1 + 1])) {
    uint32_t e0, e1, f0, f1;
    if (cp_seg_tok_span(s, r1, &e0, &e1) != CP_OK ||
        cp_seg_tok_span(s, r1 + 1, &f0, &f1) != CP_OK || f0 != e1)
      break;
    r1++;
  }
  if (cp_seg_tok_span(s, p0, &mb0, &x) != CP_OK ||
      cp_seg_tok_span(s, p1, &x, &mb1) != CP_OK ||
      cp_seg_tok_span(s, l0, &lb0, &x) != CP_OK ||
      cp_seg_tok_span(s, r1, &x, &rb1) != CP_OK ||
      lb0 > mb0 || mb0 > mb1 || mb1 > rb1 || rb1 > di.textlen)
    return set_err(err, CORPUS_ECORRUPT, "damaged token spans");
  b0 = lb0; b1 = mb0;
  while (b1 > b0 && is_space(di.text[b1 - 1])) b1--;
  out->left = di.text + b0; out->leftlen = b1 - b0;
  out->match = di.text + mb0; out->matchlen = mb1 - mb0;
  b0 = mb1; b1 = rb1;
  while (b0 < b1 && is_space(di.text[b0])) b0++;
  out->right = di.text + b0; out->rightlen = b1 - b0;
  out->id = di.id; out->idlen = di.idlen;
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
