/*
** l_stats.c -- Lua binding of the statistics (stats.h).  Thin: read the
** options, call the core, push plain tables.  The public methods are
** in lua/corpus/stats.lua, which turns `where` filters and queries into
** the document bitmaps and match lists these functions take:
**
**   c:_freq(opts, sel)                        -> rows, info
**   c:_ngrams(n, opts, sel, nodes|nil)        -> rows, info
**   c:_collocates(nodes, opts, sel)           -> rows, info
**   c:_collocations(opts, sel)                -> rows, info
**   c:_keyness(tsel, ref, rsel, opts)         -> rows, info
**   c:_dispersion(nodes, opts, sel)           -> result
**   c:_similar(doc, opts, sel)                -> rows
**   c:_similarity(a, b, opts)                 -> number
**   c:_dtm(opts, sel)                         -> triplets
**   c:_lookup(dict, opts, sel)                -> result
**   c:_select_docs(list) / _select_plan(plan) / _select_meta(tbl)
**                                             -> bitmap string
**
** 'sel' is nil (the whole corpus) or a string bitmap over documents
** (bit (d-1)%8 of byte (d-1)//8 for document d, 1-based).  'nodes' is
** a plan table (corpus.query.parse), run by the executor in C, or an
** array of matches {doc =, start =, stop =} (1-based, stop inclusive,
** token indexes within the document) as c:_matches returns.
**
** C memory that lives across calls that can raise is held by userdata
** boxes with a __gc, so an error leaks nothing.
*/
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <lua.h>
#include <lauxlib.h>

#include "l_corpus.h"
#include "exec.h"
#include "stats.h"

#define BOX_RES "corpus.stats.result"
#define BOX_MEM "corpus.stats.mem"


/* {================================================================
** Boxes
** ================================================================= */

/* a result of the core, freed by __gc */
typedef struct rbox {
  void (*fn) (struct rbox *b);
  union { cp_flist f; cp_grams g; cp_coll k; cp_disp d; cp_sim s;
          cp_dtmat m; cp_lookup_res l; } u;
} rbox;

static int rbox_gc (lua_State *L) {
  rbox *b = (rbox *)luaL_checkudata(L, 1, BOX_RES);
  if (b->fn != NULL) b->fn(b);
  b->fn = NULL;
  return 0;
}

static void free_flist (rbox *b) { cp_flist_free(&b->u.f); }
static void free_grams (rbox *b) { cp_grams_free(&b->u.g); }
static void free_coll (rbox *b) { cp_coll_free(&b->u.k); }
static void free_disp (rbox *b) { cp_disp_free(&b->u.d); }
static void free_sim (rbox *b) { cp_sim_free(&b->u.s); }
static void free_dtm (rbox *b) { cp_dtm_free(&b->u.m); }
static void free_lookup (rbox *b) { cp_lookup_free(&b->u.l); }

static rbox *new_rbox (lua_State *L, void (*fn) (rbox *b)) {
  rbox *b = (rbox *)lua_newuserdatauv(L, sizeof(rbox), 0);
  memset(b, 0, sizeof(*b));
  b->fn = fn;
  luaL_setmetatable(L, BOX_RES);
  return b;
}

typedef struct membox { void *p; } membox;

static int mem_gc (lua_State *L) {
  membox *b = (membox *)luaL_checkudata(L, 1, BOX_MEM);
  free(b->p);
  b->p = NULL;
  return 0;
}

/* a box for one malloc'd block (set b->p after allocating) */
static membox *new_mem (lua_State *L) {
  membox *b = (membox *)lua_newuserdatauv(L, sizeof(membox), 0);
  b->p = NULL;
  luaL_setmetatable(L, BOX_MEM);
  return b;
}

/* }================================================================ */


/* {================================================================
** Arguments
** ================================================================= */

static const char *const layer_names[] = {"word", "norm", "stem", NULL};

/* [a-z][a-z0-9_]*: the name of a stored layer */
static int stored_name (const char *s) {
  size_t i;
  if (s[0] < 'a' || s[0] > 'z') return 0;
  for (i = 1; s[i]; i++)
    if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') ||
          s[i] == '_'))
      return 0;
  return i <= 64;
}

/* common options of table 'oi' (may be none/nil) and bitmap 'si'; the
** call's budget (max_work, max_mem, timeout) is a userdata left on the
** stack, so it lives until the call returns */
static void get_sopt (lua_State *L, int oi, int si, cp_sopt *o) {
  cp_budget *b;
  uint64_t work, mem;
  double timeout;
  memset(o, 0, sizeof(*o));
  o->layer = CP_NORM;
  if (!lua_isnoneornil(L, oi)) {
    luaL_checktype(L, oi, LUA_TTABLE);
    lua_getfield(L, oi, "layer");
    if (lua_type(L, -1) == LUA_TSTRING && cp_layer_id(lua_tostring(L, -1)) < 0
        && stored_name(lua_tostring(L, -1))) {
      /* a stored layer (lemma, upos, ...): the core checks that the
      ** corpus has it; the string stays anchored in the options table */
      o->layer = CP_LAYER_NAMED;
      o->lname = lua_tolstring(L, -1, &o->lnlen);
    }
    else o->layer = cpL_optenum(L, oi, "layer", "norm", layer_names);
    lua_pop(L, 1);
  }
  o->punct = cpL_optbool(L, oi, "punct", 0);
  if (!lua_isnoneornil(L, si)) {
    size_t len;
    o->sel = (const unsigned char *)luaL_checklstring(L, si, &len);
    o->nsel = (uint64_t)len * 8;
  }
  work = (uint64_t)cpL_optint(L, oi, "max_work", CP_DEFAULT_MAX_WORK, 0);
  mem = (uint64_t)cpL_optint(L, oi, "max_mem", (lua_Integer)CP_DEFAULT_MAX_MEM, 0);
  timeout = cpL_optnum(L, oi, "timeout", 0, 0);
  b = (cp_budget *)lua_newuserdatauv(L, sizeof(cp_budget), 0);
  cp_budget_start(b, work, mem, timeout);
  o->budget = b;
}

static int cmp_span (const void *x, const void *y) {
  const cp_match *a = (const cp_match *)x, *b = (const cp_match *)y;
  if (a->start != b->start) return a->start < b->start ? -1 : 1;
  return (a->stop > b->stop) - (a->stop < b->stop);
}

static int is_plan (lua_State *L, int idx) {
  int r = (lua_getfield(L, idx, "op") == LUA_TSTRING);
  lua_pop(L, 1);
  return r;
}

/* run the plan table at 'idx'; the matches live in a box pushed on the
** stack (above the plan's own box).  NULL with 'e' filled when the
** query fails (a limit, a damaged segment): the caller returns it */
static cp_matches *run_plan (lua_State *L, cp_corpus *c, int idx, cp_err *e) {
  const cp_plan *plan = cpL_checkplan(L, c, idx);
  membox *b = new_mem(L), *vb = new_mem(L);   /* the struct, its array */
  cp_matches *m;
  cp_limits lim;
  b->p = calloc(1, sizeof(cp_matches));
  if (b->p == NULL) luaL_error(L, "out of memory");
  m = (cp_matches *)b->p;
  memset(&lim, 0, sizeof(lim));
  lim.max_matches = 0;        /* statistics want every match */
  lim.max_expand = CP_DEFAULT_MAX_EXPAND;
  lim.max_work = CP_DEFAULT_MAX_WORK;
  if (cp_exec(c, plan, &lim, m, e) != CP_OK) {
    cp_matches_free(m);
    return NULL;
  }
  vb->p = m->v;
  return m;
}

/*
** Nodes at 'idx' -> global spans sorted by start, in a box left on the
** stack.  'idx' is a plan table (corpus.query.parse), run by the query
** executor, or an array of matches {doc, start, stop} (1-based token
** indexes within the document, stop inclusive).
*/
static cp_match *get_spans (lua_State *L, int idx, cp_corpus *c, size_t *n,
                            cp_err *e, int *failed) {
  lua_Integer m = 0, i;
  membox *b;
  cp_match *v;
  luaL_checktype(L, idx, LUA_TTABLE);
  if (is_plan(L, idx)) {
    cp_matches *mm = run_plan(L, c, idx, e);
    size_t k;
    *failed = (mm == NULL);
    if (mm == NULL) return NULL;
    for (k = 1; k < mm->n; k++)       /* the executor sorts; make sure */
      if (mm->v[k].start < mm->v[k - 1].start) break;
    if (k < mm->n) qsort(mm->v, mm->n, sizeof(cp_match), cmp_span);
    *n = mm->n;
    return mm->v;
  }
  m = luaL_len(L, idx);
  b = new_mem(L);
  b->p = malloc((size_t)(m > 0 ? m : 1) * sizeof(cp_match));
  if (b->p == NULL) luaL_error(L, "out of memory");
  v = (cp_match *)b->p;
  for (i = 1; i <= m; i++) {
    lua_Integer doc, start, stop;
    size_t seg = 0;
    uint32_t local;
    cp_docinfo di;
    if (lua_rawgeti(L, idx, i) != LUA_TTABLE)
      luaL_error(L, "match %d is not a table", (int)i);
    lua_getfield(L, -1, "doc");
    lua_getfield(L, -2, "start");
    lua_getfield(L, -3, "stop");
    doc = luaL_checkinteger(L, -3);
    start = luaL_checkinteger(L, -2);
    stop = luaL_checkinteger(L, -1);
    lua_pop(L, 4);
    if (doc < 1 || cp_corpus_locate(c, (uint64_t)(doc - 1), &seg, &local) != CP_OK
        || cp_seg_doc(cp_corpus_seg(c, seg), local, &di) != CP_OK)
      luaL_error(L, "match %d: no document %d", (int)i, (int)doc);
    if (start < 1 || stop < start - 1 || (uint64_t)stop > di.tok_count)
      luaL_error(L, "match %d: tokens %d..%d out of range", (int)i,
                 (int)start, (int)stop);
    v[i - 1].doc = (uint64_t)(doc - 1);
    v[i - 1].start = cp_corpus_pos_base(c, seg) + di.tok_start
                   + (uint64_t)(start - 1);
    v[i - 1].stop = cp_corpus_pos_base(c, seg) + di.tok_start
                  + (uint64_t)stop;
  }
  qsort(v, (size_t)m, sizeof(cp_match), cmp_span);
  *n = (size_t)m;
  return v;
}

/* a failed core call: a bad argument (CP_EINVAL, misuse) raises; a
** failure of data or environment returns nil, msg, code (README,
** "Errors").  Every buffer is a boxed userdata, so returning early
** leaks nothing. */
#define CHECK(call, e) do { \
    int rc_ = (call); \
    if (rc_ != CP_OK) \
      return rc_ == CP_EINVAL ? cpL_raise(L, (e)) : cpL_fail(L, (e)); \
  } while (0)

/* }================================================================ */


/* {================================================================
** Results
** ================================================================= */

static void set_num (lua_State *L, const char *k, double v) {
  lua_pushnumber(L, v);
  lua_setfield(L, -2, k);
}

static void set_int (lua_State *L, const char *k, uint64_t v) {
  lua_pushinteger(L, (lua_Integer)v);
  lua_setfield(L, -2, k);
}

static size_t limit_opt (lua_State *L, int oi) {
  lua_Integer l = cpL_optint(L, oi, "limit", 0, 0);
  return l == 0 ? (size_t)-1 : (size_t)l;
}

static void push_gstr (lua_State *L, const cp_glex *g, uint32_t id) {
  lua_pushlstring(L, g->str[id], g->len[id]);
}

/* a boxed malloc'd array of ranks (the box is pushed) */
static membox *rank_box (lua_State *L) {
  return new_mem(L);
}

/* }================================================================ */


/* {================================================================
** Frequency lists and n-grams
** ================================================================= */

/* c:_freq(opts, sel) -> rows {term, count, rate, docs}, info */
static int l_freq (lua_State *L) {
  cp_corpus *c = cpL_checkcorpus(L, 1);
  cp_sopt o;
  cp_err e;
  rbox *rb;
  membox *mb;
  uint32_t *ids;
  size_t n, i, limit;
  uint64_t min;
  double permil;
  get_sopt(L, 2, 3, &o);
  min = (uint64_t)cpL_optint(L, 2, "min", 1, 0);
  limit = limit_opt(L, 2);
  rb = new_rbox(L, free_flist);
  CHECK(cp_freq(c, &o, &rb->u.f, &e), &e);
  mb = rank_box(L);
  CHECK(cp_flist_rank(&rb->u.f, min, &ids, &n, &e), &e);
  mb->p = ids;
  permil = rb->u.f.tokens ? 1e6 / (double)rb->u.f.tokens : 0;
  if (n > limit) n = limit;
  lua_createtable(L, (int)n, 0);
  for (i = 0; i < n; i++) {
    uint32_t id = ids[i];
    lua_createtable(L, 0, 4);
    push_gstr(L, &rb->u.f.lex, id);
    lua_setfield(L, -2, "term");
    set_int(L, "count", rb->u.f.count[id]);
    set_int(L, "docs", rb->u.f.docs[id]);
    set_num(L, "rate", (double)rb->u.f.count[id] * permil);
    lua_rawseti(L, -2, (lua_Integer)i + 1);
  }
  lua_createtable(L, 0, 3);
  set_int(L, "tokens", rb->u.f.tokens);
  set_int(L, "docs", rb->u.f.ndocs);
  set_int(L, "types", n);
  return 2;
}

/* the tuple of entry i joined by spaces */
static void push_tuple (lua_State *L, const cp_grams *g, size_t i) {
  const uint32_t *key = g->tab.keys + i * (size_t)g->tab.n;
  luaL_Buffer b;
  int k;
  luaL_buffinit(L, &b);
  for (k = 0; k < g->tab.n; k++) {
    if (k > 0) luaL_addchar(&b, ' ');
    luaL_addlstring(&b, g->lex.str[key[k]], g->lex.len[key[k]]);
  }
  luaL_pushresult(&b);
}

/* c:_ngrams(n, opts, sel, matches) -> rows {ngram, count, rate, docs}, info */
static int l_ngrams (lua_State *L) {
  cp_corpus *c = cpL_checkcorpus(L, 1);
  lua_Integer ng = luaL_checkinteger(L, 2);
  cp_sopt o;
  cp_err e;
  rbox *rb;
  membox *mb;
  const cp_match *must = NULL;
  uint32_t *idx;
  size_t nmust = 0, limit, n, i;
  uint64_t min;
  double permil;
  luaL_argcheck(L, ng >= 1 && ng <= CP_NGRAM_MAX, 2, "n-gram size out of range");
  get_sopt(L, 3, 4, &o);
  min = (uint64_t)cpL_optint(L, 3, "min", 1, 0);
  limit = limit_opt(L, 3);
  if (!lua_isnoneornil(L, 5)) {
    static const cp_match none = {0, 0, 0};
    int failed = 0;
    must = get_spans(L, 5, c, &nmust, &e, &failed);
    if (failed) return cpL_fail(L, &e);
    if (nmust == 0) must = &none;     /* a filter that nothing passes */
  }
  rb = new_rbox(L, free_grams);
  CHECK(cp_ngrams(c, &o, (int)ng, must, nmust, &rb->u.g, &e), &e);
  mb = rank_box(L);
  CHECK(cp_grams_rank(&rb->u.g, min, &idx, &n, &e), &e);
  mb->p = idx;
  permil = rb->u.g.tokens ? 1e6 / (double)rb->u.g.tokens : 0;
  if (n > limit) n = limit;
  lua_createtable(L, (int)n, 0);
  for (i = 0; i < n; i++) {
    lua_createtable(L, 0, 4);
    push_tuple(L, &rb->u.g, idx[i]);
    lua_setfield(L, -2, "ngram");
    set_int(L, "count", rb->u.g.tab.cnt[idx[i]]);
    set_int(L, "docs", rb->u.g.tab.df[idx[i]]);
    set_num(L, "rate", (double)rb->u.g.tab.cnt[idx[i]] * permil);
    lua_rawseti(L, -2, (lua_Integer)i + 1);
  }
  lua_createtable(L, 0, 3);
  set_int(L, "tokens", rb->u.g.tokens);
  set_int(L, "docs", rb->u.g.ndocs);
  set_int(L, "types", rb->u.g.tab.count);
  return 2;
}

/* }================================================================ */


/* {================================================================
** Collocations
** ================================================================= */

/* measures requested by opts.measure (a name or an array of names);
** returns how many, the first decides the order */
static int get_measures (lua_State *L, int oi, int *am, const char *def) {
  int n = 0;
  lua_getfield(L, oi, "measure");
  if (lua_isnil(L, -1)) {
    am[n++] = cp_am_id(def);
  }
  else if (lua_type(L, -1) == LUA_TSTRING) {
    am[n] = cp_am_id(lua_tostring(L, -1));
    if (am[n] < 0) cpL_error(L, "bad option 'measure' (unknown measure '%s')", lua_tostring(L, -1));
    n++;
  }
  else if (lua_istable(L, -1)) {
    lua_Integer i, m = luaL_len(L, -1);
    if (m < 1) cpL_error(L, "bad option 'measure' (empty list)");
    for (i = 1; i <= m && n < CP_AM_NMEASURES; i++) {
      lua_rawgeti(L, -1, i);
      am[n] = (lua_type(L, -1) == LUA_TSTRING) ? cp_am_id(lua_tostring(L, -1)) : -1;
      if (am[n] < 0)
        cpL_error(L, "bad option 'measure' (unknown measure '%s')", luaL_tolstring(L, -1, NULL));
      n++;
      lua_pop(L, 1);
    }
  }
  else cpL_error(L, "bad option 'measure' (string or list expected, got %s)", luaL_typename(L, -1));
  lua_pop(L, 1);
  return n;
}

typedef struct srow { double v; uint64_t key; size_t i; } srow;

/* score descending (NaN last), then key (string order) ascending */
static int cmp_srow (const void *x, const void *y) {
  const srow *a = (const srow *)x, *b = (const srow *)y;
  if (a->v != b->v) {
    if (isnan(a->v)) return isnan(b->v) ? 0 : 1;
    if (isnan(b->v)) return -1;
    return a->v < b->v ? 1 : -1;
  }
  return (a->key > b->key) - (a->key < b->key);
}

/*
** Put the 'k' best rows first (unordered): quickselect, so that a
** limit of 20 over 50,000 candidates does not sort them all.
*/
static void select_top (srow *r, size_t n, size_t k) {
  size_t lo = 0, hi = n;              /* r[k-1] lies in [lo, hi) */
  if (k == 0 || k >= n) return;
  while (hi - lo > 1) {
    srow pv = r[lo + (hi - lo - 1) / 2], t;
    size_t i = lo, j = hi - 1;
    /* Hoare: afterwards [lo, j] <= pv <= [j+1, hi), with lo <= j < hi-1 */
    for (;;) {
      while (cmp_srow(&r[i], &pv) < 0) i++;
      while (cmp_srow(&r[j], &pv) > 0) j--;
      if (i >= j) break;
      t = r[i]; r[i] = r[j]; r[j] = t;
      i++; j--;
    }
    if (k - 1 <= j) hi = j + 1;
    else lo = j + 1;
  }
}

/* the contingency table of candidate i */
typedef void (*tabfn) (const void *res, size_t i, cp_ctab *tab);
/* push the identifying fields of candidate i into the row at -1 */
typedef void (*rowfn) (lua_State *L, const void *res, size_t i);
/* the tie-breaking key of candidate i (its string order) */
typedef uint64_t (*keyfn) (const void *res, size_t i);

/*
** Score 'n' candidates with measure am[0]; push the rows with count >=
** min, best first (ties in string order), at most 'limit'.
*/
static void push_scored (lua_State *L, const void *res, size_t n,
                         const uint64_t *obs, uint64_t min, const int *am,
                         int nam, size_t limit, tabfn tab, rowfn row,
                         keyfn key) {
  membox *b = new_mem(L);
  srow *r;
  size_t i, k = 0;
  int m;
  b->p = malloc((n ? n : 1) * sizeof(srow));
  if (b->p == NULL) luaL_error(L, "out of memory");
  r = (srow *)b->p;
  for (i = 0; i < n; i++) {
    cp_ctab t;
    if (obs[i] < min) continue;
    tab(res, i, &t);
    r[k].i = i;
    r[k].key = key(res, i);
    r[k].v = cp_am(&t, am[0]);
    k++;
  }
  if (limit < k) {
    select_top(r, k, limit);
    k = limit;
  }
  qsort(r, k, sizeof(srow), cmp_srow);
  lua_createtable(L, (int)k, 0);
  for (i = 0; i < k; i++) {
    cp_ctab t;
    tab(res, r[i].i, &t);
    lua_createtable(L, 0, 6 + nam);
    row(L, res, r[i].i);
    set_int(L, "obs", obs[r[i].i]);
    set_num(L, "exp", cp_am(&t, CP_AM_EXP));
    for (m = 0; m < nam; m++)
      set_num(L, cp_am_name(am[m]), cp_am(&t, am[m]));
    lua_rawseti(L, -2, (lua_Integer)i + 1);
  }
  lua_remove(L, -2);   /* the box */
}

typedef struct colres { const cp_coll *k; double r1; } colres;

static void coll_tab (const void *res, size_t i, cp_ctab *t) {
  const colres *cr = (const colres *)res;
  t->o11 = (double)cr->k->obs[i];
  t->r1 = cr->r1;
  t->c1 = (double)cr->k->freq[cr->k->ids[i]];
  t->n = (double)cr->k->tokens;
}

static uint64_t coll_key (const void *res, size_t i) {
  return ((const colres *)res)->k->ids[i];
}

static void coll_row (lua_State *L, const void *res, size_t i) {
  const colres *cr = (const colres *)res;
  push_gstr(L, &cr->k->lex, cr->k->ids[i]);
  lua_setfield(L, -2, "term");
  set_int(L, "freq", cr->k->freq[cr->k->ids[i]]);
}

/* c:_collocates(matches, opts, sel) -> rows, info */
static int l_collocates (lua_State *L) {
  cp_corpus *c = cpL_checkcorpus(L, 1);
  cp_sopt o;
  cp_err e;
  rbox *rb;
  cp_match *nodes;
  size_t n, limit;
  uint64_t min;
  lua_Integer win, left, right;
  int am[CP_AM_NMEASURES], nam;
  colres cr;
  luaL_checktype(L, 3, LUA_TTABLE);
  get_sopt(L, 3, 4, &o);
  win = cpL_optint(L, 3, "window", 5, 0);
  left = cpL_optint(L, 3, "left", win, 0);
  right = cpL_optint(L, 3, "right", win, 0);
  /* the range first: left + right of two huge values would overflow */
  if (left > 1000 || right > 1000 || left + right == 0)
    cpL_error(L, "window must hold 1..1000 tokens on a side");
  min = (uint64_t)cpL_optint(L, 3, "min", 1, 0);
  limit = limit_opt(L, 3);
  nam = get_measures(L, 3, am, "llr");
  luaL_checktype(L, 2, LUA_TTABLE);
  if (is_plan(L, 2)) {
    const cp_plan *plan = cpL_checkplan(L, c, 2);
    rb = new_rbox(L, free_coll);
    CHECK(cp_collocates_plan(c, &o, plan, (int)left, (int)right,
                                &rb->u.k, &e), &e);
  }
  else {
    int failed = 0;
    nodes = get_spans(L, 2, c, &n, &e, &failed);
    if (failed) return cpL_fail(L, &e);
    rb = new_rbox(L, free_coll);
    CHECK(cp_collocates(c, &o, nodes, n, (int)left, (int)right,
                           &rb->u.k, &e), &e);
  }
  cr.k = &rb->u.k;
  cr.r1 = (double)rb->u.k.r1;
  push_scored(L, &cr, rb->u.k.n, rb->u.k.obs, min, am, nam, limit,
              coll_tab, coll_row, coll_key);
  lua_createtable(L, 0, 6);
  set_int(L, "nodes", rb->u.k.nodes);
  set_int(L, "region", rb->u.k.r1);
  set_int(L, "tokens", rb->u.k.tokens);
  set_int(L, "docs", rb->u.k.ndocs);
  set_int(L, "left", (uint64_t)left);
  set_int(L, "right", (uint64_t)right);
  set_int(L, "candidates", rb->u.k.n);
  return 2;
}

/* pairs are scored in the order of an index sorted by key; the count
** is divided by window-1 (Church & Hanks 1990, as NLTK's finder) */
typedef struct pairres { const cp_grams *g; const uint32_t *ord; double div; } pairres;

static void pair_tab (const void *res, size_t i, cp_ctab *t) {
  const pairres *pr = (const pairres *)res;
  size_t e = pr->ord[i];
  const uint32_t *key = pr->g->tab.keys + 2 * e;
  t->o11 = (double)pr->g->tab.cnt[e] / pr->div;
  t->r1 = (double)pr->g->freq[key[0]];
  t->c1 = (double)pr->g->freq[key[1]];
  t->n = (double)pr->g->tokens;
}

static uint64_t pair_key (const void *res, size_t i) {
  const pairres *pr = (const pairres *)res;
  const uint32_t *key = pr->g->tab.keys + 2 * (size_t)pr->ord[i];
  return ((uint64_t)key[0] << 32) | key[1];
}

static void pair_row (lua_State *L, const void *res, size_t i) {
  const pairres *pr = (const pairres *)res;
  const uint32_t *key = pr->g->tab.keys + 2 * (size_t)pr->ord[i];
  push_gstr(L, &pr->g->lex, key[0]);
  lua_setfield(L, -2, "w1");
  push_gstr(L, &pr->g->lex, key[1]);
  lua_setfield(L, -2, "w2");
  set_int(L, "f1", pr->g->freq[key[0]]);
  set_int(L, "f2", pr->g->freq[key[1]]);
}

/* c:_collocations(opts, sel): all pairs in a window (NLTK's finder) */
static int l_collocations (lua_State *L) {
  cp_corpus *c = cpL_checkcorpus(L, 1);
  cp_sopt o;
  cp_err e;
  rbox *rb;
  membox *mb, *ob;
  lua_Integer win;
  uint64_t min, *obs;
  uint32_t *idx;
  size_t limit, n, i;
  int am[CP_AM_NMEASURES], nam;
  pairres pr;
  luaL_checktype(L, 2, LUA_TTABLE);
  get_sopt(L, 2, 3, &o);
  win = cpL_optint(L, 2, "window", 2, 2);
  if (win > 1000) cpL_error(L, "option 'window' must be 2..1000");
  min = (uint64_t)cpL_optint(L, 2, "min", 1, 0);
  limit = limit_opt(L, 2);
  nam = get_measures(L, 2, am, "llr");
  rb = new_rbox(L, free_grams);
  CHECK(cp_pairs(c, &o, (int)win, &rb->u.g, &e), &e);
  /* candidates with count >= min in (count, key) order; re-sorted by
  ** score below, ties falling back to this order */
  mb = rank_box(L);
  CHECK(cp_grams_rank(&rb->u.g, min, &idx, &n, &e), &e);
  mb->p = idx;
  ob = new_mem(L);
  ob->p = obs = (uint64_t *)malloc((n ? n : 1) * sizeof(uint64_t));
  if (obs == NULL) luaL_error(L, "out of memory");
  for (i = 0; i < n; i++) obs[i] = rb->u.g.tab.cnt[idx[i]];
  pr.g = &rb->u.g;
  pr.ord = idx;
  pr.div = (double)(win - 1);
  push_scored(L, &pr, n, obs, 0, am, nam, limit, pair_tab, pair_row, pair_key);
  lua_createtable(L, 0, 4);
  set_int(L, "tokens", rb->u.g.tokens);
  set_int(L, "docs", rb->u.g.ndocs);
  set_int(L, "pairs", rb->u.g.tab.count);
  set_int(L, "window", (uint64_t)win);
  return 2;
}

/* }================================================================ */


/* {================================================================
** Keyness
** ================================================================= */

static const char *const key_names[] = {"llr", "chi2", "logratio", "pdiff",
                                        NULL};

/* c:_keyness(tsel, ref, rsel, opts): ref is a corpus or nil (this one);
** rsel true means the documents not in tsel */
static int l_keyness (lua_State *L) {
  cp_corpus *c = cpL_checkcorpus(L, 1), *rc;
  cp_sopt ot, orf;
  cp_err e;
  rbox *tb, *rb;
  membox *b;
  cp_keyrow *rows;
  size_t nrows, i, n, limit;
  uint64_t min;
  int by, bonf;
  rc = lua_isnoneornil(L, 3) ? c : cpL_checkcorpus(L, 3);
  luaL_checktype(L, 5, LUA_TTABLE);
  get_sopt(L, 5, 2, &ot);
  if (lua_isboolean(L, 4)) {        /* true: the rest of the corpus */
    orf = ot;
    orf.invert = !ot.invert;
    if (ot.sel == NULL) {
      cp_err_set(&e, CP_EEMPTY, "the reference (the rest of the corpus) is "
                 "empty: the target is the whole corpus");
      return cpL_fail(L, &e);
    }
  }
  else get_sopt(L, 5, 4, &orf);
  by = cpL_optenum(L, 5, "measure", "llr", key_names);
  bonf = cpL_optbool(L, 5, "bonferroni", 0);
  min = (uint64_t)cpL_optint(L, 5, "min", 1, 0);
  limit = limit_opt(L, 5);
  tb = new_rbox(L, free_flist);
  CHECK(cp_freq(c, &ot, &tb->u.f, &e), &e);
  rb = new_rbox(L, free_flist);
  CHECK(cp_freq(rc, &orf, &rb->u.f, &e), &e);
  b = new_mem(L);
  CHECK(cp_keyness(&tb->u.f, &rb->u.f, bonf, &rows, &nrows, &e), &e);
  b->p = rows;
  cp_keyness_sort(rows, nrows, by == 0 ? CP_K_G2 : by == 1 ? CP_K_CHI2
                                 : by == 2 ? CP_K_LOGRATIO : CP_K_PDIFF);
  lua_createtable(L, 0, 0);
  for (i = 0, n = 0; i < nrows && n < limit; i++) {
    const cp_keyrow *k = &rows[i];
    if (k->a + k->b < min) continue;
    lua_createtable(L, 0, 10);
    lua_pushlstring(L, k->str, k->len);
    lua_setfield(L, -2, "term");
    set_int(L, "a", k->a);
    set_int(L, "b", k->b);
    set_num(L, "rate_a", (double)k->a * 1e6 / (double)tb->u.f.tokens);
    set_num(L, "rate_b", (double)k->b * 1e6 / (double)rb->u.f.tokens);
    set_num(L, "llr", k->k.g2);
    set_num(L, "chi2", k->k.chi2);
    set_num(L, "logratio", k->k.logratio);
    set_num(L, "pdiff", k->k.pdiff);
    set_num(L, "p", k->k.p);
    lua_rawseti(L, -2, (lua_Integer)++n);
  }
  lua_createtable(L, 0, 5);
  set_int(L, "tokens_a", tb->u.f.tokens);
  set_int(L, "tokens_b", rb->u.f.tokens);
  set_int(L, "docs_a", tb->u.f.ndocs);
  set_int(L, "docs_b", rb->u.f.ndocs);
  set_int(L, "tests", nrows);
  return 2;
}

/* }================================================================ */


/* {================================================================
** Dispersion, similarity, document-term matrix
** ================================================================= */

/* push the external id of global document d */
static void push_docid (lua_State *L, cp_corpus *c, uint64_t d) {
  size_t seg;
  uint32_t local;
  cp_docinfo di;
  if (cp_corpus_locate(c, d, &seg, &local) == CP_OK
      && cp_seg_doc(cp_corpus_seg(c, seg), local, &di) == CP_OK)
    lua_pushlstring(L, di.id, di.idlen);
  else lua_pushnil(L);
}

/* c:_dispersion(nodes, opts, sel) -> {matches, range, parts, D, DP,
** DPnorm, docs = {{doc, id, tokens, count, positions}...}} */
static int l_dispersion (lua_State *L) {
  cp_corpus *c = cpL_checkcorpus(L, 1);
  cp_sopt o;
  cp_err e;
  rbox *rb;
  membox *fb;
  cp_match *nodes;
  size_t n, i, range = 0;
  double *f, *sz, dpn, dp;
  luaL_checktype(L, 2, LUA_TTABLE);
  get_sopt(L, 3, 4, &o);
  {
    int failed = 0;
    nodes = get_spans(L, 2, c, &n, &e, &failed);
    if (failed) return cpL_fail(L, &e);
  }
  rb = new_rbox(L, free_disp);
  CHECK(cp_dispersion(c, &o, nodes, n, &rb->u.d, &e), &e);
  fb = new_mem(L);
  fb->p = malloc((2 * rb->u.d.nparts + 1) * sizeof(double));
  if (fb->p == NULL) luaL_error(L, "out of memory");
  f = (double *)fb->p;
  sz = f + rb->u.d.nparts;
  for (i = 0; i < rb->u.d.nparts; i++) {
    f[i] = (double)rb->u.d.count[i];
    sz[i] = (double)rb->u.d.size[i];
    if (rb->u.d.count[i] > 0) range++;
  }
  lua_createtable(L, 0, 8);
  set_int(L, "matches", rb->u.d.matches);
  set_int(L, "range", range);
  set_int(L, "parts", rb->u.d.nparts);
  set_num(L, "D", cp_juilland_d(f, sz, rb->u.d.nparts));
  dp = cp_gries_dp(f, sz, rb->u.d.nparts, &dpn);
  set_num(L, "DP", dp);
  set_num(L, "DPnorm", dpn);
  lua_createtable(L, (int)rb->u.d.nparts, 0);
  for (i = 0; i < rb->u.d.nparts; i++) {
    size_t k, k0 = rb->u.d.first[i], k1 = rb->u.d.first[i + 1];
    lua_createtable(L, 0, 5);
    set_int(L, "doc", rb->u.d.doc[i] + 1);
    push_docid(L, c, rb->u.d.doc[i]);
    lua_setfield(L, -2, "id");
    set_int(L, "tokens", rb->u.d.size[i]);
    set_int(L, "count", rb->u.d.count[i]);
    lua_createtable(L, (int)(k1 - k0), 0);
    for (k = k0; k < k1; k++) {
      lua_pushinteger(L, (lua_Integer)rb->u.d.pos[k] + 1);
      lua_rawseti(L, -2, (lua_Integer)(k - k0 + 1));
    }
    lua_setfield(L, -2, "positions");
    lua_rawseti(L, -2, (lua_Integer)i + 1);
  }
  lua_setfield(L, -2, "docs");
  return 1;
}

typedef struct simrow { double v; uint64_t doc; } simrow;

static int cmp_simrow (const void *x, const void *y) {
  const simrow *a = (const simrow *)x, *b = (const simrow *)y;
  if (a->v != b->v) return a->v < b->v ? 1 : -1;
  return (a->doc > b->doc) - (a->doc < b->doc);
}

static uint64_t check_doc (lua_State *L, cp_corpus *c, int idx) {
  lua_Integer d = luaL_checkinteger(L, idx);
  size_t seg;
  uint32_t local;
  cp_err e;
  /* the Lua side flushed (and so verified) first: a failure here raises */
  if (cp_corpus_flush(c, &e) != CP_OK) cpL_raise(L, &e);
  if (d < 1 || cp_corpus_locate(c, (uint64_t)(d - 1), &seg, &local) != CP_OK)
    luaL_argerror(L, idx, "no such document");
  return (uint64_t)(d - 1);
}

/* c:_similar(doc, opts, sel) -> rows {doc, id, score} best first (the
** document itself excluded) */
static int l_similar (lua_State *L) {
  cp_corpus *c = cpL_checkcorpus(L, 1);
  uint64_t doc = check_doc(L, c, 2);
  cp_sopt o;
  cp_err e;
  rbox *rb;
  membox *mb;
  simrow *r;
  size_t i, k = 0, limit;
  get_sopt(L, 3, 4, &o);
  limit = limit_opt(L, 3);
  rb = new_rbox(L, free_sim);
  CHECK(cp_similar(c, &o, doc, &rb->u.s, &e), &e);
  mb = new_mem(L);
  mb->p = malloc((rb->u.s.n ? rb->u.s.n : 1) * sizeof(simrow));
  if (mb->p == NULL) luaL_error(L, "out of memory");
  r = (simrow *)mb->p;
  for (i = 0; i < rb->u.s.n; i++) {
    if (rb->u.s.doc[i] == doc) continue;
    r[k].v = rb->u.s.score[i];
    r[k].doc = rb->u.s.doc[i];
    k++;
  }
  qsort(r, k, sizeof(simrow), cmp_simrow);
  if (k > limit) k = limit;
  lua_createtable(L, (int)k, 0);
  for (i = 0; i < k; i++) {
    lua_createtable(L, 0, 3);
    set_int(L, "doc", r[i].doc + 1);
    push_docid(L, c, r[i].doc);
    lua_setfield(L, -2, "id");
    set_num(L, "score", r[i].v);
    lua_rawseti(L, -2, (lua_Integer)i + 1);
  }
  return 1;
}

/* c:_similarity(a, b, opts) -> cosine of the tf-idf vectors of a and b
** (idf over the whole corpus, or the selection) */
static int l_similarity (lua_State *L) {
  cp_corpus *c = cpL_checkcorpus(L, 1);
  uint64_t a = check_doc(L, c, 2), b = check_doc(L, c, 3);
  cp_sopt o;
  cp_err e;
  rbox *rb;
  size_t i;
  get_sopt(L, 4, 5, &o);
  rb = new_rbox(L, free_sim);
  CHECK(cp_similar(c, &o, a, &rb->u.s, &e), &e);
  for (i = 0; i < rb->u.s.n; i++)
    if (rb->u.s.doc[i] == b) {
      lua_pushnumber(L, rb->u.s.score[i]);
      return 1;
    }
  return luaL_error(L, "document %d is not in the selection", (int)(b + 1));
}

/* c:_dtm(opts, sel) -> {i, j, x, terms, docs, ids} */
static int l_dtm (lua_State *L) {
  cp_corpus *c = cpL_checkcorpus(L, 1);
  cp_sopt o;
  cp_err e;
  rbox *rb;
  uint64_t min;
  size_t limit, k;
  cp_dtmat *m;
  get_sopt(L, 2, 3, &o);
  min = (uint64_t)cpL_optint(L, 2, "min", 1, 0);
  limit = (size_t)cpL_optint(L, 2, "limit", 0, 0);
  rb = new_rbox(L, free_dtm);
  CHECK(cp_dtm(c, &o, min, limit, &rb->u.m, &e), &e);
  m = &rb->u.m;
  lua_createtable(L, 0, 6);
  lua_createtable(L, (int)m->nnz, 0);
  for (k = 0; k < m->nnz; k++) {
    lua_pushinteger(L, (lua_Integer)m->i[k] + 1);
    lua_rawseti(L, -2, (lua_Integer)k + 1);
  }
  lua_setfield(L, -2, "i");
  lua_createtable(L, (int)m->nnz, 0);
  for (k = 0; k < m->nnz; k++) {
    lua_pushinteger(L, (lua_Integer)m->j[k] + 1);
    lua_rawseti(L, -2, (lua_Integer)k + 1);
  }
  lua_setfield(L, -2, "j");
  lua_createtable(L, (int)m->nnz, 0);
  for (k = 0; k < m->nnz; k++) {
    lua_pushinteger(L, (lua_Integer)m->x[k]);
    lua_rawseti(L, -2, (lua_Integer)k + 1);
  }
  lua_setfield(L, -2, "x");
  lua_createtable(L, (int)m->nterms, 0);
  for (k = 0; k < m->nterms; k++) {
    push_gstr(L, &m->lex, m->terms[k]);
    lua_rawseti(L, -2, (lua_Integer)k + 1);
  }
  lua_setfield(L, -2, "terms");
  lua_createtable(L, (int)m->ndocs, 0);
  for (k = 0; k < m->ndocs; k++) {
    lua_pushinteger(L, (lua_Integer)m->doc[k] + 1);
    lua_rawseti(L, -2, (lua_Integer)k + 1);
  }
  lua_setfield(L, -2, "docs");
  lua_createtable(L, (int)m->ndocs, 0);
  for (k = 0; k < m->ndocs; k++) {
    push_docid(L, c, m->doc[k]);
    lua_rawseti(L, -2, (lua_Integer)k + 1);
  }
  lua_setfield(L, -2, "ids");
  return 1;
}

/* }================================================================ */


/* {================================================================
** Dictionary lookup
** ================================================================= */

static int cmp_lstr (const void *x, const void *y) {
  return strcmp(*(const char *const *)x, *(const char *const *)y);
}

/*
** c:_lookup(dict, opts, sel) -> {categories = {...}, totals = {cat = n},
** docs = {{doc, id, tokens, counts = {cat = n}}...},
** entries = {{category, entry, count}...}}.  dict is {cat = {entry...}};
** categories are taken in bytewise order of their names.
*/
static int l_lookup (lua_State *L) {
  cp_corpus *c = cpL_checkcorpus(L, 1);
  cp_sopt o;
  cp_err e;
  rbox *rb;
  membox *cb, *eb;
  const char **cats;
  cp_dentry *ents;
  size_t ncats = 0, nents = 0, i, k;
  luaL_checktype(L, 2, LUA_TTABLE);
  get_sopt(L, 3, 4, &o);
  /* count categories and entries; check types */
  lua_pushnil(L);
  while (lua_next(L, 2)) {
    lua_Integer m;
    if (lua_type(L, -2) != LUA_TSTRING)
      luaL_error(L, "dictionary: category names must be strings");
    if (!lua_istable(L, -1))
      luaL_error(L, "dictionary: category '%s' must be a list of entries",
                 lua_tostring(L, -2));
    m = luaL_len(L, -1);
    for (i = 1; i <= (size_t)m; i++) {
      if (lua_rawgeti(L, -1, (lua_Integer)i) != LUA_TSTRING)
        luaL_error(L, "dictionary: entry %d of '%s' is not a string", (int)i,
                   lua_tostring(L, -3));
      lua_pop(L, 1);
    }
    ncats++;
    nents += (size_t)m;
    lua_pop(L, 1);
  }
  if (ncats == 0) luaL_argerror(L, 2, "empty dictionary");
  cb = new_mem(L);
  cb->p = malloc(ncats * sizeof(char *));
  eb = new_mem(L);
  eb->p = malloc((nents ? nents : 1) * sizeof(cp_dentry));
  if (cb->p == NULL || eb->p == NULL) luaL_error(L, "out of memory");
  cats = (const char **)cb->p;
  ents = (cp_dentry *)eb->p;
  i = 0;
  lua_pushnil(L);
  while (lua_next(L, 2)) {
    cats[i++] = lua_tostring(L, -2);      /* anchored: keys of dict */
    lua_pop(L, 1);
  }
  qsort(cats, ncats, sizeof(char *), cmp_lstr);
  for (i = 0, k = 0; i < ncats; i++) {
    lua_Integer m, j;
    lua_getfield(L, 2, cats[i]);
    m = luaL_len(L, -1);
    for (j = 1; j <= m; j++) {
      lua_rawgeti(L, -1, j);
      ents[k].str = lua_tolstring(L, -1, &ents[k].len);  /* anchored */
      ents[k].cat = (uint32_t)i;
      k++;
      lua_pop(L, 1);
    }
    lua_pop(L, 1);
  }
  rb = new_rbox(L, free_lookup);
  CHECK(cp_lookup(c, &o, ents, nents, (uint32_t)ncats, &rb->u.l, &e), &e);
  lua_createtable(L, 0, 4);
  lua_createtable(L, (int)ncats, 0);
  for (i = 0; i < ncats; i++) {
    lua_pushstring(L, cats[i]);
    lua_rawseti(L, -2, (lua_Integer)i + 1);
  }
  lua_setfield(L, -2, "categories");
  lua_createtable(L, 0, (int)ncats);
  for (i = 0; i < ncats; i++) set_int(L, cats[i], rb->u.l.total[i]);
  lua_setfield(L, -2, "totals");
  lua_createtable(L, (int)rb->u.l.nparts, 0);
  for (k = 0; k < rb->u.l.nparts; k++) {
    lua_createtable(L, 0, 4);
    set_int(L, "doc", rb->u.l.doc[k] + 1);
    push_docid(L, c, rb->u.l.doc[k]);
    lua_setfield(L, -2, "id");
    set_int(L, "tokens", rb->u.l.size[k]);
    lua_createtable(L, 0, (int)ncats);
    for (i = 0; i < ncats; i++)
      set_int(L, cats[i], rb->u.l.count[k * ncats + i]);
    lua_setfield(L, -2, "counts");
    lua_rawseti(L, -2, (lua_Integer)k + 1);
  }
  lua_setfield(L, -2, "docs");
  lua_createtable(L, (int)nents, 0);
  for (k = 0; k < nents; k++) {
    lua_createtable(L, 0, 3);
    lua_pushstring(L, cats[ents[k].cat]);
    lua_setfield(L, -2, "category");
    lua_pushlstring(L, ents[k].str, ents[k].len);
    lua_setfield(L, -2, "entry");
    set_int(L, "count", rb->u.l.hits[k]);
    lua_rawseti(L, -2, (lua_Integer)k + 1);
  }
  lua_setfield(L, -2, "entries");
  return 1;
}

/* }================================================================ */


/* {================================================================
** Document selections
** ================================================================= */

/* documents in the corpus, deleted ones included (numbering range) */
static uint64_t total_docs (cp_corpus *c) {
  size_t ns = cp_corpus_nsegs(c);
  if (ns == 0) return 0;
  return cp_corpus_doc_base(c, ns - 1)
       + cp_seg_ndocs(cp_corpus_seg(c, ns - 1));
}

/* a zeroed bitmap for every document, as a box on the stack */
static unsigned char *new_bits (lua_State *L, cp_corpus *c, uint64_t *nbits) {
  cp_err e;
  membox *b;
  if (cp_corpus_flush(c, &e) != CP_OK) cpL_raise(L, &e);
  *nbits = total_docs(c);
  b = new_mem(L);
  b->p = calloc((size_t)(*nbits / 8 + 1), 1);
  if (b->p == NULL) luaL_error(L, "out of memory");
  return (unsigned char *)b->p;
}

/*
** c:_select_docs(list) -> bitmap of the documents (1-based numbers) in
** 'list', an array of numbers or of tables with a 'doc' field
*/
static int l_select_docs (lua_State *L) {
  cp_corpus *c = cpL_checkcorpus(L, 1);
  uint64_t nbits;
  unsigned char *bits;
  lua_Integer i, m;
  luaL_checktype(L, 2, LUA_TTABLE);
  bits = new_bits(L, c, &nbits);
  m = luaL_len(L, 2);
  for (i = 1; i <= m; i++) {
    lua_Integer d;
    int isnum;
    if (lua_rawgeti(L, 2, i) == LUA_TTABLE) {
      lua_getfield(L, -1, "doc");
      lua_remove(L, -2);
    }
    d = lua_tointegerx(L, -1, &isnum);
    lua_pop(L, 1);
    if (!isnum || d < 1 || (uint64_t)d > nbits)
      luaL_error(L, "entry %d: not a document number", (int)i);
    d--;
    bits[d >> 3] |= (unsigned char)(1u << (d & 7));
  }
  lua_pushlstring(L, (const char *)bits, (size_t)(nbits / 8 + 1));
  return 1;
}

/* c:_select_plan(plan) -> bitmap of the documents with a match */
static int l_select_plan (lua_State *L) {
  cp_corpus *c = cpL_checkcorpus(L, 1);
  cp_err e;
  cp_matches *m;
  uint64_t nbits;
  unsigned char *bits;
  size_t i;
  luaL_checktype(L, 2, LUA_TTABLE);
  m = run_plan(L, c, 2, &e);
  if (m == NULL) return cpL_fail(L, &e);
  bits = new_bits(L, c, &nbits);
  for (i = 0; i < m->n; i++) {
    uint64_t d = m->v[i].doc;
    if (d < nbits) bits[d >> 3] |= (unsigned char)(1u << (d & 7));
  }
  lua_pushlstring(L, (const char *)bits, (size_t)(nbits / 8 + 1));
  return 1;
}

/* read one condition: value at -1 for field key */
static void get_cond (lua_State *L, const char *key, size_t keylen,
                      cp_mcond *k) {
  int t;
  memset(k, 0, sizeof(*k));
  k->key = key;
  k->keylen = keylen;
  if (lua_istable(L, -1)) {
    k->op = CP_MC_RANGE;
    lua_rawgeti(L, -1, 1);
    lua_rawgeti(L, -2, 2);
    t = lua_type(L, -2);
    if (t != lua_type(L, -1) || (t != LUA_TNUMBER && t != LUA_TSTRING))
      luaL_error(L, "where.%s: a range is {lo, hi} of two numbers or two "
                 "strings", key);
    if (t == LUA_TNUMBER) {
      k->type = CP_MNUM;
      k->nlo = lua_tonumber(L, -2);
      k->nhi = lua_tonumber(L, -1);
    }
    else {
      k->type = CP_MSTR;
      k->lo = lua_tolstring(L, -2, &k->lolen);   /* anchored in the table */
      k->hi = lua_tolstring(L, -1, &k->hilen);
    }
    lua_pop(L, 2);
  }
  else if (lua_type(L, -1) == LUA_TNUMBER) {
    k->type = CP_MNUM;
    k->nlo = lua_tonumber(L, -1);
  }
  else if (lua_type(L, -1) == LUA_TSTRING) {
    k->type = CP_MSTR;
    k->lo = lua_tolstring(L, -1, &k->lolen);
  }
  else luaL_error(L, "where.%s must be a string, a number or {lo, hi}", key);
}

/* c:_select_meta(tbl) -> bitmap of the documents whose metadata match
** every field of tbl */
static int l_select_meta (lua_State *L) {
  cp_corpus *c = cpL_checkcorpus(L, 1);
  uint64_t nbits;
  unsigned char *bits;
  cp_mcond *conds;
  membox *b;
  size_t n = 0, i = 0;
  cp_err e;
  luaL_checktype(L, 2, LUA_TTABLE);
  lua_pushnil(L);
  while (lua_next(L, 2)) { n++; lua_pop(L, 1); }
  b = new_mem(L);
  b->p = malloc((n ? n : 1) * sizeof(cp_mcond));
  if (b->p == NULL) luaL_error(L, "out of memory");
  conds = (cp_mcond *)b->p;
  lua_pushnil(L);
  while (lua_next(L, 2)) {
    size_t kl;
    const char *k;
    if (lua_type(L, -2) != LUA_TSTRING)
      luaL_error(L, "where: field names must be strings");
    k = lua_tolstring(L, -2, &kl);
    if (i < n) get_cond(L, k, kl, &conds[i++]);
    lua_pop(L, 1);
  }
  bits = new_bits(L, c, &nbits);
  CHECK(cp_select_meta(c, conds, i, bits, nbits, &e), &e);
  lua_pushlstring(L, (const char *)bits, (size_t)(nbits / 8 + 1));
  return 1;
}

/* }================================================================ */


static const luaL_Reg stats_methods[] = {
  {"_select_docs", l_select_docs},
  {"_select_plan", l_select_plan},
  {"_select_meta", l_select_meta},
  {"_freq", l_freq},
  {"_ngrams", l_ngrams},
  {"_collocates", l_collocates},
  {"_collocations", l_collocations},
  {"_keyness", l_keyness},
  {"_dispersion", l_dispersion},
  {"_similar", l_similar},
  {"_similarity", l_similarity},
  {"_dtm", l_dtm},
  {"_lookup", l_lookup},
  {NULL, NULL}
};

int cpL_open_stats (lua_State *L) {
  cpL_gcmeta(L, BOX_RES, rbox_gc);
  cpL_gcmeta(L, BOX_MEM, mem_gc);
  luaL_setfuncs(L, stats_methods, 0);
  return 0;
}
