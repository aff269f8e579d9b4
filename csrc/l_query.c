/*
** l_query.c -- Lua binding of the query executor (plan.h, exec.h).
**
** Methods on the corpus (called by lua/corpus/init.lua with plan
** tables made by lua/corpus/query.lua; docs/QUERY.md):
**   core:_count(plan [, opts])          -> n | nil, msg, code
**   core:_matches(plan [, opts])        -> { {doc, id, start, stop,
**                                            byte_start, byte_stop}, ... }
**   core:_search(plan [, opts])         -> {total =, hits = {...}}
**   core:_highlight(doc, plan [, opts]) -> string
** opts: max_matches, max_expand, max_work, timeout (limits); count: docs (count matching
** documents instead of matches); search: limit, offset, k1, b, fields
** ({name = weight}: BM25F over the text and string metadata fields),
** before, after, ellipsis, tokens; highlight: before, after.
** Numbers seen by Lua are 1-based and inclusive.
**
** The binding is a table walk: each plan node becomes constructor calls.
** Every C allocation lives in a 'qbox' userdata whose __gc frees it, so
** a Lua error at any point leaks nothing.
*/
#include <string.h>
#include <stdlib.h>
#include <limits.h>
#include <math.h>

#include <lua.h>
#include <lauxlib.h>

#include "l_corpus.h"
#include "variants.h"
#include "plan.h"
#include "exec.h"
#include "cursor.h"
#include "tok.h"

#define QBOX "corpus.core.QueryBox"
#define QCACHE "corpus.core.QueryCache"      /* metatable of a cache */
#define QCACHES "corpus.core.QueryCaches"    /* corpus -> cache, weak keys */
#define QCURSOR "corpus.core.Cursor"        /* a streaming match iterator */
#define MAX_DEPTH 200

typedef struct qbox {
  cp_plan *plan;
  cp_matches m;
  cp_hits h;
  char *str;
  cp_tokvec tv;
} qbox;

static int qbox_gc (lua_State *L) {
  qbox *b = (qbox *)luaL_checkudata(L, 1, QBOX);
  cp_plan_free(b->plan);
  b->plan = NULL;
  cp_matches_free(&b->m);
  cp_hits_free(&b->h);
  free(b->str);
  b->str = NULL;
  cp_tokvec_free(&b->tv);
  return 0;
}

static qbox *newbox (lua_State *L) {
  qbox *b = (qbox *)lua_newuserdatauv(L, sizeof(qbox), 0);
  memset(b, 0, sizeof(*b));
  luaL_setmetatable(L, QBOX);
  return b;
}


/* {================================================================
** Plan tables -> C plans
** ================================================================= */

typedef struct bctx {
  lua_State *L;
  cp_plan *p;
  cp_corpus *c;
  qbox *box;
  int variants;        /* plan.variants: terms find their variants */
} bctx;

static const char *field_str (lua_State *L, int idx, const char *k,
                              size_t *len) {
  const char *s;
  lua_getfield(L, idx, k);
  s = lua_tolstring(L, -1, len);
  if (s == NULL) luaL_error(L, "bad query plan: field '%s' must be a string", k);
  lua_pop(L, 1);    /* the table keeps it alive */
  return s;
}

/* the layer of a node: CP_WORD.., or CP_LAYER_NAMED with the name of
** a stored layer in *name (anchored in the plan table) */
static int field_layer_named (lua_State *L, int idx, int def,
                              const char **name, size_t *nlen) {
  int layer;
  lua_getfield(L, idx, "layer");
  if (lua_isnil(L, -1)) { lua_pop(L, 1); return def; }
  if (lua_type(L, -1) != LUA_TSTRING)
    luaL_error(L, "bad query plan: layer must be a string");
  layer = cp_layer_id(lua_tostring(L, -1));
  if (layer < 0) {
    if (name == NULL) luaL_error(L, "bad query plan: unknown layer");
    *name = lua_tolstring(L, -1, nlen);
    layer = CP_LAYER_NAMED;
  }
  lua_pop(L, 1);
  return layer;
}

static int field_layer (lua_State *L, int idx, int def) {
  return field_layer_named(L, idx, def, NULL, NULL);
}

/* a lexical node on a built-in or a named layer */
static cp_pnode *lexnode (cp_plan *p, int kind, int layer, const char *ln,
                          size_t lnl, const char *s, size_t len) {
  if (layer == CP_LAYER_NAMED) return cp_plan_lexn(p, kind, ln, lnl, s, len);
  return cp_plan_lex(p, kind, layer, s, len);
}

static lua_Integer field_int (lua_State *L, int idx, const char *k,
                              lua_Integer def) {
  lua_Integer v;
  int isnum;
  lua_getfield(L, idx, k);
  if (lua_isnil(L, -1)) { lua_pop(L, 1); return def; }
  v = lua_tointegerx(L, -1, &isnum);
  if (!isnum) luaL_error(L, "bad query plan: field '%s' must be an integer", k);
  lua_pop(L, 1);
  return v;
}

static int lex_kind (const char *op) {
  if (strcmp(op, "term") == 0) return CP_P_TERM;
  if (strcmp(op, "prefix") == 0) return CP_P_PREFIX;
  if (strcmp(op, "glob") == 0) return CP_P_GLOB;
  if (strcmp(op, "regex") == 0) return CP_P_REGEX;
  return -1;
}

/* a term's words as the text was cut (plan.h cp_plan_words: the core
** splits, so a C host's phrase is this one); the box's token vector is
** the scratch space, freed with the box */
static size_t add_words (bctx *b, cp_pnode *seq, int layer, const char *s,
                         size_t len) {
  return cp_plan_add_words(b->p, seq, cp_corpus_mode(b->c), layer, s, len, &b->box->tv);
}

static cp_pnode *term_node (bctx *b, int layer, const char *s, size_t len) {
  return cp_plan_words(b->p, cp_corpus_mode(b->c), layer, s, len, &b->box->tv);
}

static cp_pnode *build (bctx *b, int idx, int depth, int cond);

/* the children in field 'k' (an array) added to 'list' */
static void build_list (bctx *b, int idx, const char *k, cp_pnode *list,
                        int depth, int cond) {
  lua_State *L = b->L;
  lua_Integer i, n;
  lua_getfield(L, idx, k);
  if (!lua_istable(L, -1)) luaL_error(L, "bad query plan: '%s' must be a list", k);
  n = luaL_len(L, -1);
  for (i = 1; i <= n; i++) {
    lua_rawgeti(L, -1, i);
    cp_plan_add(b->p, list, build(b, lua_gettop(L), depth + 1, cond));
    lua_pop(L, 1);
  }
  lua_pop(L, 1);
}

static cp_pnode *build_kid (bctx *b, int idx, int depth, int cond) {
  cp_pnode *n;
  lua_getfield(b->L, idx, "arg");
  n = build(b, lua_gettop(b->L), depth + 1, cond);
  lua_pop(b->L, 1);
  return n;
}

/* contexts of build(): where a node stands */
enum { AT_POS = 0, AT_COND = 1, AT_DOC = 2 };

#define MAX_COMPOUND 4

/*
** A phrase of 2..MAX_COMPOUND plain words on the norm layer, at the
** document level (not inside NEAR, within or a token pattern), also
** finds the compounds that hold its words as consecutive parts: "al
** hol" finds al-hol, "three year" three-year-old (docs/QUERY.md
** "Compounds and diacritics"; the run keys of variants.h).  Returns the
** OR of the phrase and those compounds, or the phrase itself.
*/
static cp_pnode *with_compound (bctx *b, int idx, int layer, cp_pnode *seq) {
  lua_State *L = b->L;
  int items, top = lua_gettop(L);
  lua_Integer i, n;
  size_t total = 0, at = 0;
  char *buf;
  cp_pnode *or, *run;
  if (layer != CP_NORM) return seq;
  lua_getfield(L, idx, "items");
  items = lua_gettop(L);
  n = luaL_len(L, items);
  if (n < 2 || n > MAX_COMPOUND) { lua_settop(L, top); return seq; }
  for (i = 1; i <= n; i++) {           /* plain words only; their lengths */
    size_t len;
    lua_rawgeti(L, items, i);
    if (lua_getfield(L, -1, "op") != LUA_TSTRING ||
        strcmp(lua_tostring(L, -1), "term") != 0 ||
        lua_getfield(L, -2, "text") != LUA_TSTRING) {
      lua_settop(L, top);
      return seq;
    }
    lua_tolstring(L, -1, &len);
    total += len + 1;
    lua_pop(L, 3);
  }
  buf = (char *)lua_newuserdatauv(L, total, 0);   /* freed with the stack */
  for (i = 1; i <= n; i++) {
    size_t len;
    const char *s;
    lua_rawgeti(L, items, i);
    lua_getfield(L, -1, "text");
    s = lua_tolstring(L, -1, &len);
    if (i > 1) buf[at++] = ' ';
    memcpy(buf + at, s, len);
    at += len;
    lua_pop(L, 2);
  }
  or = cp_plan_list(b->p, CP_P_OR);
  cp_plan_add(b->p, or, seq);
  run = cp_plan_lex(b->p, CP_P_TERM, CP_NORM, buf, at);
  if (run != NULL) run->edge = CP_EDGE_RUN;   /* the words as one key */
  cp_plan_add(b->p, or, run);
  lua_settop(L, top);
  return or;
}

static cp_pnode *build_phrase (bctx *b, int idx, int at) {
  lua_State *L = b->L;
  const char *ln = NULL;
  size_t lnl = 0;
  int layer = field_layer_named(L, idx, CP_NORM, &ln, &lnl);
  cp_pnode *seq = cp_plan_phrase(b->p);
  lua_Integer i, n;
  size_t added = 0;
  lua_getfield(L, idx, "items");
  if (!lua_istable(L, -1)) luaL_error(L, "bad query plan: phrase without items");
  n = luaL_len(L, -1);
  for (i = 1; i <= n; i++) {
    int it, kind;
    size_t len;
    const char *s;
    lua_rawgeti(L, -1, i);
    it = lua_gettop(L);
    if (!lua_istable(L, it)) luaL_error(L, "bad query plan: phrase item");
    kind = lex_kind(field_str(L, it, "op", &len));
    s = field_str(L, it, "text", &len);
    if (layer == CP_LAYER_NAMED && kind >= 0) {   /* values as they are */
      cp_plan_add_item(b->p, seq, lexnode(b->p, kind, layer, ln, lnl, s, len),
                       1, 1);
      added++;
    }
    else if (kind == CP_P_TERM) added += add_words(b, seq, field_layer(L, it, layer), s, len);
    else if (kind >= 0) {
      cp_plan_add_item(b->p, seq, cp_plan_lex(b->p, kind,
                       field_layer(L, it, layer), s, len), 1, 1);
      added++;
    }
    else luaL_error(L, "bad query plan: phrase item");
    lua_pop(L, 1);
  }
  lua_pop(L, 1);
  if (added == 0)   /* only punctuation: a term that matches nothing */
    cp_plan_add_item(b->p, seq, cp_plan_lex(b->p, CP_P_TERM, layer, "", 0), 1, 1);
  cp_plan_mark_edges(seq);
  if (at == AT_DOC && b->variants) return with_compound(b, idx, layer, seq);
  return seq;
}

/*
** Build the node of the plan table at 'idx'.  'cond' says where it
** stands: AT_COND inside token patterns, where terms are taken exactly
** (no splitting, no variants); AT_DOC at the document level (the root,
** AND / OR / NOT arguments); AT_POS inside NEAR and within.
*/
static cp_pnode *build (bctx *b, int idx, int depth, int cond) {
  lua_State *L = b->L;
  const char *op;
  size_t len;
  int kind;
  if (depth > MAX_DEPTH) luaL_error(L, "query plan nested too deeply");
  if (!lua_istable(L, idx)) luaL_error(L, "bad query plan: node is not a table");
  op = field_str(L, idx, "op", &len);
  if ((kind = lex_kind(op)) >= 0) {
    const char *ln = NULL;
    size_t lnl = 0;
    int layer = field_layer_named(L, idx, CP_NORM, &ln, &lnl);
    const char *s = field_str(L, idx, "text", &len);
    cp_pnode *n;
    if (layer == CP_LAYER_NAMED) return lexnode(b->p, kind, layer, ln, lnl, s, len);
    if (kind == CP_P_TERM && cond != AT_COND) return term_node(b, layer, s, len);
    n = cp_plan_lex(b->p, kind, layer, s, len);
    /* a condition of a token pattern compares exactly, as in CQP: no
    ** compound parts, no diacritic folding (variants.h) */
    if (n != NULL && cond == AT_COND) n->exact = 1;
    return n;
  }
  if (strcmp(op, "phrase") == 0) return build_phrase(b, idx, cond);
  if (strcmp(op, "any") == 0) return cp_plan_any(b->p);
  if (strcmp(op, "tnot") == 0)
    return cp_plan_not(b->p, CP_P_TNOT, build_kid(b, idx, depth, AT_COND));
  if (strcmp(op, "not") == 0)
    return cp_plan_not(b->p, CP_P_NOT, build_kid(b, idx, depth, AT_DOC));
  if (strcmp(op, "tand") == 0 || strcmp(op, "tor") == 0 ||
      strcmp(op, "and") == 0 || strcmp(op, "or") == 0) {
    int k = op[0] == 't' ? (op[1] == 'a' ? CP_P_TAND : CP_P_TOR)
                         : (op[0] == 'a' ? CP_P_AND : CP_P_OR);
    cp_pnode *list = cp_plan_list(b->p, k);
    build_list(b, idx, "args", list, depth, op[0] == 't' ? AT_COND : AT_DOC);
    return list;
  }
  if (strcmp(op, "near") == 0) {
    lua_Integer dist = field_int(L, idx, "dist", 10);
    cp_pnode *list;
    lua_getfield(L, idx, "ordered");
    list = cp_plan_near(b->p, dist < 0 ? 0 : dist > UINT32_MAX ? UINT32_MAX
                        : (uint32_t)dist, lua_toboolean(L, -1));
    lua_pop(L, 1);
    build_list(b, idx, "args", list, depth, 0);
    return list;
  }
  if (strcmp(op, "seq") == 0) {
    cp_pnode *seq = cp_plan_list(b->p, CP_P_SEQ);
    lua_Integer i, n;
    lua_getfield(L, idx, "items");
    if (!lua_istable(L, -1)) luaL_error(L, "bad query plan: seq without items");
    n = luaL_len(L, -1);
    for (i = 1; i <= n; i++) {
      int it;
      lua_Integer lo, hi;
      cp_pnode *c;
      lua_rawgeti(L, -1, i);
      it = lua_gettop(L);
      if (!lua_istable(L, it)) luaL_error(L, "bad query plan: seq item");
      lo = field_int(L, it, "min", 1);
      hi = field_int(L, it, "max", 1);
      if (lo < 0 || hi < lo || hi < 1 || hi > 100000)
        luaL_error(L, "bad query plan: repetition {%d,%d}", (int)lo, (int)hi);
      lua_getfield(L, it, "cond");
      c = build(b, lua_gettop(L), depth + 1, 1);
      lua_pop(L, 1);
      cp_plan_add_item(b->p, seq, c, (uint32_t)lo, (uint32_t)hi);
      lua_pop(L, 1);
    }
    lua_pop(L, 1);
    return seq;
  }
  if (strcmp(op, "spans") == 0) {
    size_t nl;
    const char *nm = field_str(L, idx, "set", &nl);
    cp_pnode *sp = cp_plan_spanset(b->p, nm, nl);
    lua_getfield(L, idx, "attrs");
    if (lua_istable(L, -1)) {
      lua_Integer i, n = luaL_len(L, -1);
      for (i = 1; i <= n; i++) {
        size_t kl, vl;
        const char *k, *v;
        lua_rawgeti(L, -1, i);
        if (!lua_istable(L, -1)) luaL_error(L, "bad query plan: span attribute");
        k = field_str(L, lua_gettop(L), "key", &kl);
        v = field_str(L, lua_gettop(L), "value", &vl);
        cp_plan_spanattr(b->p, sp, k, kl, v, vl);
        lua_pop(L, 1);   /* the strings stay anchored in the plan table */
      }
    }
    lua_pop(L, 1);
    return sp;
  }
  if (strcmp(op, "spanjoin") == 0) {
    const char *how = field_str(L, idx, "how", &len);
    int h = strcmp(how, "within") == 0 ? CP_J_WITHIN :
            strcmp(how, "containing") == 0 ? CP_J_CONTAINING : -1;
    cp_pnode *a, *t;
    if (h < 0) luaL_error(L, "bad query plan: unknown join '%s'", how);
    a = build_kid(b, idx, depth, 0);
    lua_getfield(L, idx, "target");
    t = build(b, lua_gettop(L), depth + 1, 0);
    lua_pop(L, 1);
    return cp_plan_spanjoin(b->p, h, a, t);
  }
  if (strcmp(op, "within") == 0) {
    const char *u = field_str(L, idx, "unit", &len);
    int unit = strcmp(u, "s") == 0 ? CP_U_SENT : strcmp(u, "p") == 0 ? CP_U_PARA
             : strcmp(u, "doc") == 0 ? CP_U_DOC : -1;
    if (unit < 0) luaL_error(L, "bad query plan: unknown unit '%s'", u);
    return cp_plan_within(b->p, unit, build_kid(b, idx, depth, AT_POS));
  }
  if (strcmp(op, "field") == 0) {    /* title:(cocoa prices): words in a field */
    size_t fl;
    const char *f = field_str(L, idx, "field", &fl);
    return cp_plan_field(b->p, f, fl, build_kid(b, idx, depth, AT_DOC));
  }
  if (strcmp(op, "meta") == 0) {
    static const char *const cmps[] = {"eq", "lt", "le", "gt", "ge", "range",
                                       "glob"};
    cp_pnode *n;
    size_t fl, v1l = 0, v2l = 0;
    const char *f = field_str(L, idx, "field", &fl), *v1, *v2 = NULL;
    const char *cs = field_str(L, idx, "cmp", &len);
    int cmp;
    for (cmp = 0; cmp < 7; cmp++) if (strcmp(cs, cmps[cmp]) == 0) break;
    if (cmp == 7) luaL_error(L, "bad query plan: unknown comparison '%s'", cs);
    if (cmp == CP_M_RANGE) {
      v1 = field_str(L, idx, "lo", &v1l);
      v2 = field_str(L, idx, "hi", &v2l);
    }
    else v1 = field_str(L, idx, "value", &v1l);
    n = cp_plan_meta(b->p, f, fl, cmp, v1, v1l, v2, v2l);
    lua_getfield(L, idx, "nocase");
    if (n != NULL && lua_toboolean(L, -1)) cp_plan_meta_fold(b->p, n);
    lua_pop(L, 1);
    return n;
  }
  luaL_error(L, "bad query plan: unknown op '%s'", op);
  return NULL;
}

/* the plan table at 'idx' as a C plan owned by a new box (pushed) */
static qbox *check_plan (lua_State *L, cp_corpus *c, int idx) {
  bctx b;
  cp_err e;
  qbox *box;
  luaL_checktype(L, idx, LUA_TTABLE);
  box = newbox(L);
  box->plan = cp_plan_new();
  if (box->plan == NULL) luaL_error(L, "out of memory");
  b.L = L; b.p = box->plan; b.c = c; b.box = box;
  lua_getfield(L, idx, "variants");       /* corpus.parse(q, {variants = true}) */
  b.variants = lua_toboolean(L, -1);
  lua_pop(L, 1);
  cp_plan_set_root(b.p, build(&b, idx, 0, AT_DOC));
  if (b.variants) cp_plan_variants(b.p);
  if (cp_plan_error(b.p, &e) != CP_OK) luaL_error(L, "bad query plan: %s", e.msg);
  return box;
}

/* }================================================================ */


/* {================================================================
** Options
** ================================================================= */

static void get_limits (lua_State *L, int idx, cp_limits *lim) {
  memset(lim, 0, sizeof(*lim));
  lim->max_matches = (uint64_t)cpL_optint(L, idx, "max_matches",
                                       CP_DEFAULT_MAX_MATCHES, 0);
  lim->max_expand = (uint64_t)cpL_optint(L, idx, "max_expand",
                                      CP_DEFAULT_MAX_EXPAND, 0);
  lim->max_work = (uint64_t)cpL_optint(L, idx, "max_work",
                                       CP_DEFAULT_MAX_WORK, 0);
  lim->timeout = cpL_optnum(L, idx, "timeout", 0, 0);
}

/* }================================================================ */


/* {================================================================
** Methods
** ================================================================= */

static cp_qcache *get_cache (lua_State *L, int cidx);

/* core:_count(plan [, opts]) -> n | nil, msg, code; opts.docs = true
** counts matching documents instead of matches */
static int q_count (lua_State *L) {
  cp_corpus *c = cpL_checkcorpus(L, 1);
  cp_limits lim;
  qbox *box = check_plan(L, c, 2);
  uint64_t n;
  cp_err e;
  int what = CP_COUNT_HITS;
  get_limits(L, 3, &lim);
  if (cpL_optbool(L, 3, "docs", 0)) what = CP_COUNT_DOCS;
  if (cp_exec_countq(c, get_cache(L, 1), box->plan, &lim, what, &n, &e)
      != CP_OK)
    return cpL_fail(L, &e);
  lua_pushinteger(L, (lua_Integer)n);
  return 1;
}

/* push the fields of one match: doc, id, start, stop, byte_start, byte_stop */
static void push_match (lua_State *L, cp_corpus *c, const cp_match *m) {
  size_t seg;
  uint32_t local, b0, b1, t;
  const cp_seg *s = NULL;
  cp_docinfo di;
  uint64_t base;
  if (cp_corpus_locate(c, m->doc, &seg, &local) != CP_OK ||
      (s = cp_corpus_seg(c, seg)) == NULL ||
      cp_seg_doc_head(s, local, &di) != CP_OK)
    luaL_error(L, "corrupt match");
  base = cp_corpus_pos_base(c, seg) + di.tok_start;
  lua_createtable(L, 0, 6);
  lua_pushinteger(L, (lua_Integer)m->doc + 1); lua_setfield(L, -2, "doc");
  lua_pushlstring(L, di.id, di.idlen); lua_setfield(L, -2, "id");
  lua_pushinteger(L, (lua_Integer)(m->start - base) + 1); lua_setfield(L, -2, "start");
  lua_pushinteger(L, (lua_Integer)(m->stop - base)); lua_setfield(L, -2, "stop");
  if (m->stop > m->start &&
      cp_seg_tok_span(s, (uint32_t)(m->start - cp_corpus_pos_base(c, seg)), &b0, &t) == CP_OK &&
      cp_seg_tok_span(s, (uint32_t)(m->stop - 1 - cp_corpus_pos_base(c, seg)), &t, &b1) == CP_OK) {
    lua_pushinteger(L, (lua_Integer)b0 + 1); lua_setfield(L, -2, "byte_start");
    lua_pushinteger(L, (lua_Integer)b1); lua_setfield(L, -2, "byte_stop");
  }
  else {
    lua_pushinteger(L, 1); lua_setfield(L, -2, "byte_start");
    lua_pushinteger(L, 0); lua_setfield(L, -2, "byte_stop");
  }
}

/* core:_matches(plan [, opts]) -> list | nil, msg, code */
static int q_matches (lua_State *L) {
  cp_corpus *c = cpL_checkcorpus(L, 1);
  cp_limits lim;
  qbox *box = check_plan(L, c, 2);
  cp_err e;
  size_t i;
  get_limits(L, 3, &lim);
  if (cp_execq(c, get_cache(L, 1), box->plan, &lim, &box->m, &e) != CP_OK)
    return cpL_fail(L, &e);
  lua_createtable(L, box->m.n > INT_MAX ? INT_MAX : (int)box->m.n, 0);
  for (i = 0; i < box->m.n; i++) {
    push_match(L, c, &box->m.v[i]);
    lua_rawseti(L, -2, (lua_Integer)i + 1);
  }
  return 1;
}

/*
** Streaming matches (cursor.h).  The iterator is a C closure over the
** corpus, the plan box and a cursor userdata; the cursor is also the
** for loop's closing value, so on 5.4 a break frees it at once, and its
** __gc frees it elsewhere.  The cursor and its batch are freed as soon
** as the last match has been handed out.
*/
typedef struct qcursor {
  cp_cursor *cur;
  cp_matches m;              /* the current batch */
  size_t i;                  /* next match of the batch */
} qcursor;

/* free what the cursor holds; idempotent */
static void qcursor_release (qcursor *q) {
  cp_cursor_free(q->cur);
  q->cur = NULL;
  cp_matches_free(&q->m);
  q->i = 0;
}

static int qcursor_close (lua_State *L) {   /* __gc, __close, close() */
  qcursor_release((qcursor *)luaL_checkudata(L, 1, QCURSOR));
  return 0;
}

static int qcursor_tostring (lua_State *L) {
  qcursor *q = (qcursor *)luaL_checkudata(L, 1, QCURSOR);
  lua_pushstring(L, q->cur ? "corpus match cursor" : "corpus match cursor (closed)");
  return 1;
}

static int qcursor_iter (lua_State *L) {
  cp_corpus *c = cpL_checkcorpus(L, lua_upvalueindex(1));
  qcursor *q = (qcursor *)luaL_checkudata(L, lua_upvalueindex(3), QCURSOR);
  cp_err e;
  if (q->cur == NULL) return 0;
  if (q->i == q->m.n) {
    q->i = 0;
    if (cp_cursor_next(q->cur, &q->m, &e) != CP_OK) {
      qcursor_release(q);
      return cpL_raise(L, &e);
    }
    if (q->m.n == 0) {
      qcursor_release(q);
      return 0;
    }
  }
  push_match(L, c, &q->m.v[q->i++]);
  return 1;
}

/* core:_stream(plan [, opts]) -> iterator, nil, nil, cursor |
** nil, msg, code: the matches of plan, produced a run at a time */
static int q_stream (lua_State *L) {
  cp_corpus *c = cpL_checkcorpus(L, 1);
  cp_limits lim;
  qbox *box;
  qcursor *q;
  cp_err e;
  int bi, qi;
  lua_settop(L, 3);
  box = check_plan(L, c, 2);
  bi = lua_gettop(L);                          /* the plan box */
  get_limits(L, 3, &lim);
  q = (qcursor *)lua_newuserdatauv(L, sizeof(qcursor), 0);
  qi = lua_gettop(L);
  memset(q, 0, sizeof(*q));
  luaL_setmetatable(L, QCURSOR);
  q->cur = cp_cursor_new(c, get_cache(L, 1), box->plan, &lim, &e);
  if (q->cur == NULL) return cpL_fail(L, &e);
  lua_pushvalue(L, 1);
  lua_pushvalue(L, bi);
  lua_pushvalue(L, qi);
  lua_pushcclosure(L, qcursor_iter, 3);
  lua_pushnil(L);
  lua_pushnil(L);
  lua_pushvalue(L, qi);
  return 4;
}

/* the corpus's BM25 length cache (registry, weak-keyed by the corpus) */
static cp_qcache *get_cache (lua_State *L, int cidx) {
  cp_qcache **pc;
  lua_getfield(L, LUA_REGISTRYINDEX, QCACHES);
  lua_pushvalue(L, cidx);
  lua_rawget(L, -2);
  if (lua_isnil(L, -1)) {
    lua_pop(L, 1);
    pc = (cp_qcache **)lua_newuserdatauv(L, sizeof(cp_qcache *), 0);
    *pc = NULL;
    luaL_setmetatable(L, QCACHE);
    if ((*pc = cp_qcache_new()) == NULL) luaL_error(L, "out of memory");
    lua_pushvalue(L, cidx);
    lua_pushvalue(L, -2);
    lua_rawset(L, -4);
  }
  pc = (cp_qcache **)luaL_checkudata(L, -1, QCACHE);
  lua_pop(L, 2);   /* the registry table keeps it while the corpus lives */
  return *pc;
}

static int qcache_gc (lua_State *L) {
  cp_qcache **pc = (cp_qcache **)luaL_checkudata(L, 1, QCACHE);
  cp_qcache_free(*pc);
  *pc = NULL;
  return 0;
}

static void mark_opts (lua_State *L, int idx, cp_mark_opts *mo) {
  mo->before = cpL_optstr(L, idx, "before", "[");
  mo->after = cpL_optstr(L, idx, "after", "]");
  mo->ellipsis = cpL_optstr(L, idx, "ellipsis", "...");
}

/* core:_search(plan [, opts]) -> {total =, hits = {{doc, id, score,
** snippet, meta}, ...}} | nil, msg, code */
static int q_search (lua_State *L) {
  cp_corpus *c = cpL_checkcorpus(L, 1);
  cp_limits lim;
  qbox *box = check_plan(L, c, 2);
  cp_search_opts so;
  cp_mark_opts mo;
  cp_qcache *qc;
  cp_err e;
  size_t i;
  get_limits(L, 3, &lim);
  so.k1 = cpL_optnum(L, 3, "k1", 1.2, 0);
  so.b = cpL_optnum(L, 3, "b", 0.75, 0);
  so.limit = (size_t)cpL_optint(L, 3, "limit", 10, 0);
  so.offset = (size_t)cpL_optint(L, 3, "offset", 0, 0);
  mark_opts(L, 3, &mo);
  mo.window = (uint32_t)cpL_optint(L, 3, "tokens", 24, 1);
  if (mo.window > 100000)
    cpL_error(L, "bad option 'tokens' (integer 1..100000 expected)");
  so.fields = NULL;
  so.nfields = 0;
  if (!lua_isnoneornil(L, 3)) {
    lua_getfield(L, 3, "fields");   /* stays on the stack: anchors names */
    if (!lua_isnil(L, -1)) {
      size_t nf = 0, k = 0;
      cp_search_field *fv;
      if (!lua_istable(L, -1))
        cpL_error(L, "bad option 'fields' (table of field = weight expected)");
      lua_pushnil(L);
      while (lua_next(L, -2)) { nf++; lua_pop(L, 1); }
      fv = (cp_search_field *)lua_newuserdatauv(L, (nf ? nf : 1) * sizeof(cp_search_field), 0);
      lua_pushnil(L);
      while (lua_next(L, -3)) {
        int isnum;
        double w = lua_tonumberx(L, -1, &isnum);
        if (lua_type(L, -2) != LUA_TSTRING)
          cpL_error(L, "bad option 'fields' (field names must be strings)");
        if (!isnum || !(w >= 0) || w > 1e300)
          cpL_error(L, "bad option 'fields' (weight of '%s' must be a "
                     "non-negative number)", lua_tostring(L, -2));
        fv[k].name = lua_tolstring(L, -2, &fv[k].len);
        fv[k].weight = w;
        k++;
        lua_pop(L, 1);
      }
      so.fields = fv;
      so.nfields = k;
    }
  }
  qc = get_cache(L, 1);
  if (cp_search(c, qc, box->plan, &lim, &so, &box->h, &e) != CP_OK)
    return cpL_fail(L, &e);
  lua_createtable(L, 0, 2);
  lua_pushinteger(L, (lua_Integer)box->h.total);
  lua_setfield(L, -2, "total");
  lua_createtable(L, (int)box->h.n, 0);
  for (i = 0; i < box->h.n; i++) {
    const cp_hit *h = &box->h.v[i];
    size_t seg, sl;
    uint32_t local;
    cp_docinfo di;
    char *snip;
    if (cp_corpus_locate(c, h->doc, &seg, &local) != CP_OK ||
        cp_seg_doc_head(cp_corpus_seg(c, seg), local, &di) != CP_OK)
      luaL_error(L, "corrupt search hit");
    lua_createtable(L, 0, 5);
    lua_pushinteger(L, (lua_Integer)h->doc + 1); lua_setfield(L, -2, "doc");
    lua_pushlstring(L, di.id, di.idlen); lua_setfield(L, -2, "id");
    lua_pushnumber(L, h->score); lua_setfield(L, -2, "score");
    lua_newtable(L);
    if (cpL_pushmeta(L, di.meta, di.metalen) != CP_OK) {
      cp_err_set(&e, CP_ECORRUPT, "damaged metadata in document %d",
                 (int)h->doc + 1);
      return cpL_fail(L, &e);
    }
    lua_setfield(L, -2, "meta");
    if (cp_mark(c, h->doc, box->h.m.v + h->m0, h->m1 - h->m0, &mo, &snip,
                &sl, &e) != CP_OK)
      return cpL_fail(L, &e);
    box->str = snip;
    lua_pushlstring(L, snip, sl);
    free(snip);
    box->str = NULL;
    lua_setfield(L, -2, "snippet");
    lua_rawseti(L, -2, (lua_Integer)i + 1);
  }
  lua_setfield(L, -2, "hits");
  return 1;
}

/* core:_highlight(doc, plan [, opts]) -> text | nil, msg, code */
static int q_highlight (lua_State *L) {
  cp_corpus *c = cpL_checkcorpus(L, 1);
  lua_Integer doc = luaL_checkinteger(L, 2);
  cp_limits lim;
  qbox *box = check_plan(L, c, 3);
  cp_mark_opts mo;
  cp_err e;
  size_t sl;
  get_limits(L, 4, &lim);
  mark_opts(L, 4, &mo);
  mo.window = 0;
  if (doc < 1) luaL_argerror(L, 2, "document number must be >= 1");
  if (cp_exec_docq(c, get_cache(L, 1), box->plan, &lim, (uint64_t)doc - 1,
                   &box->m, &e) != CP_OK ||
      cp_mark(c, (uint64_t)doc - 1, box->m.v, box->m.n, &mo, &box->str, &sl,
              &e) != CP_OK)
    return cpL_fail(L, &e);
  lua_pushlstring(L, box->str, sl);
  return 1;
}

static const luaL_Reg query_methods[] = {
  {"_count", q_count},
  {"_matches", q_matches},
  {"_stream", q_stream},
  {"_search", q_search},
  {"_highlight", q_highlight},
  {NULL, NULL}
};

/* the plan table at 'idx' as a C plan, owned by a box pushed on the
** stack (for other binding files: l_stats.c runs nodes through it) */
const struct cp_plan *cpL_checkplan (lua_State *L, cp_corpus *c, int idx) {
  return check_plan(L, c, idx)->plan;
}

int cpL_open_query (lua_State *L) {
  cpL_gcmeta(L, QBOX, qbox_gc);
  cpL_gcmeta(L, QCACHE, qcache_gc);
  if (luaL_newmetatable(L, QCURSOR)) {
    lua_pushcfunction(L, qcursor_close);
    lua_setfield(L, -2, "__gc");
    lua_pushcfunction(L, qcursor_close);
    lua_setfield(L, -2, "__close");
    lua_pushcfunction(L, qcursor_tostring);
    lua_setfield(L, -2, "__tostring");
    lua_createtable(L, 0, 1);
    lua_pushcfunction(L, qcursor_close);
    lua_setfield(L, -2, "close");
    lua_setfield(L, -2, "__index");
  }
  lua_pop(L, 1);
  lua_newtable(L);                       /* corpus -> cache, weak keys */
  lua_createtable(L, 0, 1);
  lua_pushliteral(L, "k");
  lua_setfield(L, -2, "__mode");
  lua_setmetatable(L, -2);
  lua_setfield(L, LUA_REGISTRYINDEX, QCACHES);
  luaL_setfuncs(L, query_methods, 0);
  return 0;
}

/* }================================================================ */
