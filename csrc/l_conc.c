/*
** l_conc.c -- Lua binding of concordances (conc.h) and of grouped
** counts (group.h).  Thin: arguments in, core calls, tables out; the
** key and option parsing of the public API is lua/corpus/conc.lua.
**
**   c:_concordance(plan, opts, sel) -> concordance userdata
**   k:_sort(keys)                    keys: {{kind =, n =, layer =,
**                                    field =, desc =, reverse =, exact =}}
**   k:_sample(n, seed)               -> a new concordance
**   k:_rows(unit, left, right, i, j) -> rows of hits i..j (1-based)
**   #k, k:close()
**   c:_groups(fields, sel [, plan])  -> groups with their counts
**   core.dispersion_measures(f, s)   -> D, DP, DPnorm
**
** A concordance keeps its corpus alive (cpL_setparent) and
** checks that the corpus is open before each use.
*/
#include <stdlib.h>
#include <string.h>

#include <lua.h>
#include <lauxlib.h>

#include "l_corpus.h"
#include "conc.h"
#include "group.h"
#include "stats.h"

#define CPL_CONC "corpus.core.Concordance"

typedef struct concbox { cp_conc *k; } concbox;

static int conc_gc (lua_State *L) {
  concbox *b = (concbox *)luaL_checkudata(L, 1, CPL_CONC);
  cp_conc_free(b->k);
  b->k = NULL;
  return 0;
}

/* the concordance at 1, after checking that its corpus is open */
static cp_conc *check_conc (lua_State *L) {
  concbox *b = (concbox *)luaL_checkudata(L, 1, CPL_CONC);
  if (b->k == NULL) luaL_error(L, "attempt to use a closed concordance");
  cpL_getparent(L, 1);
  cpL_checkcorpus(L, -1);
  lua_pop(L, 1);
  return b->k;
}

/* a new, empty concordance userdata whose user value is the value at
** 'cidx' (the corpus) */
static concbox *new_conc (lua_State *L, int cidx) {
  concbox *b = (concbox *)lua_newuserdatauv(L, sizeof(concbox), 1);
  b->k = NULL;
  luaL_setmetatable(L, CPL_CONC);
  lua_pushvalue(L, cidx);
  cpL_setparent(L, lua_gettop(L) - 1);
  return b;
}

static uint64_t opt_u64 (lua_State *L, int idx, const char *k, uint64_t def) {
  lua_Integer v;
  int isnum;
  if (lua_isnoneornil(L, idx)) return def;
  lua_getfield(L, idx, k);
  if (lua_isnil(L, -1)) { lua_pop(L, 1); return def; }
  v = lua_tointegerx(L, -1, &isnum);
  if (!isnum || v < 0) luaL_error(L, "option '%s' must be a non-negative integer", k);
  lua_pop(L, 1);
  return (uint64_t)v;
}

/* the selection bitmap at idx (a string) or NULL */
static const unsigned char *opt_sel (lua_State *L, int idx, uint64_t *nbits) {
  size_t len;
  const char *s;
  *nbits = 0;
  if (lua_isnoneornil(L, idx)) return NULL;
  s = luaL_checklstring(L, idx, &len);
  *nbits = (uint64_t)len * 8;
  return (const unsigned char *)s;
}

/* run the plan at pidx into m (freed by the caller, also on error) */
static int run (lua_State *L, cp_corpus *c, int pidx, int oidx, cp_matches *m,
                cp_err *e) {
  const struct cp_plan *plan = cpL_checkplan(L, c, pidx);
  cp_limits lim;
  memset(&lim, 0, sizeof(lim));   /* no budget given: the search starts one */
  lim.max_matches = opt_u64(L, oidx, "max_matches", CP_DEFAULT_MAX_MATCHES);
  lim.max_expand = opt_u64(L, oidx, "max_expand", CP_DEFAULT_MAX_EXPAND);
  lim.max_work = opt_u64(L, oidx, "max_work", CP_DEFAULT_MAX_WORK);
  return cp_exec(c, plan, &lim, m, e);
}

/* c:_concordance(plan, opts, sel) -> concordance | nil, msg, code */
static int l_concordance (lua_State *L) {
  cp_corpus *c = cpL_checkcorpus(L, 1);
  uint64_t nsel;
  const unsigned char *sel = opt_sel(L, 4, &nsel);
  concbox *b;
  cp_matches m;
  cp_err e;
  int rc;
  luaL_checktype(L, 2, LUA_TTABLE);
  b = new_conc(L, 1);
  memset(&m, 0, sizeof m);
  rc = run(L, c, 2, 3, &m, &e);
  if (rc == CP_OK) rc = cp_conc_new(c, &m, sel, nsel, &b->k, &e);
  cp_matches_free(&m);
  if (rc != CP_OK) return cpL_fail(L, &e);
  lua_pushvalue(L, -2);   /* the concordance, under cpL_checkplan's box */
  return 1;
}

static int conc_len (lua_State *L) {
  cp_conc *k = check_conc(L);
  lua_pushinteger(L, (lua_Integer)k->n);
  return 1;
}

static int get_bool (lua_State *L, int t, const char *k) {
  int r;
  lua_getfield(L, t, k);
  r = lua_toboolean(L, -1);
  lua_pop(L, 1);
  return r;
}

/* k:_sort(keys) -> k */
static int conc_sort (lua_State *L) {
  static const char *const kinds[] = {"match", "left", "right", "meta", NULL};
  static const char *const layers[] = {"word", "norm", "stem", NULL};
  cp_conc *k = check_conc(L);
  cp_conc_key keys[16];
  size_t n, i;
  cp_err e;
  luaL_checktype(L, 2, LUA_TTABLE);
  n = (size_t)luaL_len(L, 2);
  luaL_argcheck(L, n <= 16, 2, "at most 16 sort keys");
  for (i = 0; i < n; i++) {
    int t;
    lua_rawgeti(L, 2, (lua_Integer)i + 1);
    t = lua_gettop(L);
    luaL_checktype(L, t, LUA_TTABLE);
    memset(&keys[i], 0, sizeof keys[i]);
    lua_getfield(L, t, "kind");
    keys[i].kind = luaL_checkoption(L, -1, NULL, kinds);
    lua_getfield(L, t, "layer");
    keys[i].layer = luaL_checkoption(L, -1, "word", layers);
    lua_getfield(L, t, "n");
    keys[i].n = (uint32_t)luaL_optinteger(L, -1, 1);
    lua_getfield(L, t, "field");
    keys[i].field = lua_tolstring(L, -1, &keys[i].fieldlen);   /* anchored in keys */
    keys[i].desc = get_bool(L, t, "desc");
    keys[i].reverse = get_bool(L, t, "reverse");
    keys[i].exact = get_bool(L, t, "exact");
    lua_settop(L, t - 1);
  }
  if (cp_conc_sort(k, keys, n, &e) != CP_OK) return cpL_fail(L, &e);
  lua_settop(L, 1);
  return 1;
}

/* k:_sample(n, seed) -> new concordance */
static int conc_sample (lua_State *L) {
  cp_conc *k = check_conc(L);
  lua_Integer n = luaL_checkinteger(L, 2);
  lua_Integer seed = luaL_optinteger(L, 3, 0);
  concbox *b;
  cp_err e;
  luaL_argcheck(L, n >= 0, 2, "sample size must be >= 0");
  cpL_getparent(L, 1);
  b = new_conc(L, lua_gettop(L));
  if (cp_conc_sample(k, (size_t)n, (uint64_t)seed, &b->k, &e) != CP_OK)
    return cpL_raise(L, &e);
  return 1;
}

/* k:_rows(unit, left, right, i, j) -> {{doc, id, meta, left, match,
** right, start, stop, first, last}, ...} for hits i..j */
static int conc_rows (lua_State *L) {
  static const char *const units[] = {"words", "chars", "s", "p", NULL};
  static const int unit_ids[] = {CP_CW_WORDS, CP_CW_CHARS, CP_CW_SENT, CP_CW_PARA};
  cp_conc *k = check_conc(L);
  cp_conc_win w;
  lua_Integer left = luaL_checkinteger(L, 3), right = luaL_checkinteger(L, 4);
  lua_Integer i = luaL_optinteger(L, 5, 1), j = luaL_optinteger(L, 6, (lua_Integer)k->n);
  lua_Integer r;
  w.unit = unit_ids[luaL_checkoption(L, 2, NULL, units)];
  luaL_argcheck(L, left >= 0 && left <= UINT32_MAX, 3, "context must be >= 0");
  luaL_argcheck(L, right >= 0 && right <= UINT32_MAX, 4, "context must be >= 0");
  w.left = (uint32_t)left;
  w.right = (uint32_t)right;
  if (i < 1) i = 1;
  if (j > (lua_Integer)k->n) j = (lua_Integer)k->n;
  lua_createtable(L, j >= i ? (int)(j - i + 1) : 0, 0);
  for (r = i; r <= j; r++) {
    const cp_conc_hit *h = &k->v[r - 1];
    cp_window o;
    cp_err e;
    if (cp_conc_window(k->c, h, &w, &o, &e) != CP_OK) return cpL_raise(L, &e);
    lua_createtable(L, 0, 10);
    lua_pushinteger(L, (lua_Integer)h->doc + 1); lua_setfield(L, -2, "doc");
    lua_pushlstring(L, o.id, o.idlen); lua_setfield(L, -2, "id");
    lua_newtable(L);
    if (cpL_pushmeta(L, o.meta, o.metalen) != CP_OK) {
      cp_err_set(&e, CP_ECORRUPT, "damaged metadata in document %llu",
                 (unsigned long long)h->doc + 1);
      return cpL_raise(L, &e);
    }
    lua_setfield(L, -2, "meta");
    lua_pushlstring(L, o.text + o.lb0, o.lb1 - o.lb0); lua_setfield(L, -2, "left");
    lua_pushlstring(L, o.text + o.mb0, o.mb1 - o.mb0); lua_setfield(L, -2, "match");
    lua_pushlstring(L, o.text + o.rb0, o.rb1 - o.rb0); lua_setfield(L, -2, "right");
    lua_pushinteger(L, (lua_Integer)h->start + 1); lua_setfield(L, -2, "start");
    lua_pushinteger(L, (lua_Integer)h->stop); lua_setfield(L, -2, "stop");
    lua_pushinteger(L, (lua_Integer)o.first + 1); lua_setfield(L, -2, "first");
    lua_pushinteger(L, (lua_Integer)o.last); lua_setfield(L, -2, "last");
    lua_rawseti(L, -2, r - i + 1);
  }
  return 1;
}

/* {================================================================
** Groups
** ================================================================= */

typedef struct groupbox { cp_groups g; uint64_t *hits, *dh; } groupbox;

static int group_gc (lua_State *L) {
  groupbox *b = (groupbox *)luaL_checkudata(L, 1, "corpus.core.Groups");
  cp_groups_free(&b->g);
  free(b->hits); free(b->dh);
  b->hits = b->dh = NULL;
  return 0;
}

static void push_value (lua_State *L, const cp_meta *m) {
  if (m->type == CP_GROUP_MISSING) lua_pushboolean(L, 0);
  else if (m->type == CP_MINT) lua_pushinteger(L, (lua_Integer)m->ival);
  else if (m->type == CP_MNUM) lua_pushnumber(L, m->num);
  else if (m->type == CP_MBOOL) lua_pushboolean(L, m->ival != 0);
  else lua_pushlstring(L, m->str, m->strlen);
}

/*
** c:_groups(fields, sel [, plan, opts]) -> {{values = {v1, ...}, docs =,
** words =, bits = <bitmap of its documents>, hits =, hit_docs =}, ...}
** (hits and hit_docs with a plan).  A missing value is false.
*/
static int l_groups (lua_State *L) {
  cp_corpus *c = cpL_checkcorpus(L, 1);
  const char *fields[CP_GROUP_MAXFIELDS];
  size_t lens[CP_GROUP_MAXFIELDS], nf, f, gi;
  uint64_t nsel;
  const unsigned char *sel;
  groupbox *b;
  cp_err e;
  int withplan = !lua_isnoneornil(L, 4);
  luaL_checktype(L, 2, LUA_TTABLE);
  sel = opt_sel(L, 3, &nsel);
  nf = (size_t)luaL_len(L, 2);
  luaL_argcheck(L, nf >= 1 && nf <= CP_GROUP_MAXFIELDS, 2, "1 to 8 fields to group by");
  for (f = 0; f < nf; f++) {
    lua_rawgeti(L, 2, (lua_Integer)f + 1);
    fields[f] = luaL_checklstring(L, -1, &lens[f]);   /* anchored in the table */
    lua_pop(L, 1);
  }
  b = (groupbox *)lua_newuserdatauv(L, sizeof(groupbox), 0);
  memset(b, 0, sizeof *b);
  luaL_setmetatable(L, "corpus.core.Groups");
  if (cp_groups_build(c, fields, lens, nf, sel, nsel, &b->g, &e) != CP_OK)
    return cpL_fail(L, &e);   /* EINVAL (a field no document has): raised by the Lua side */
  if (withplan) {
    cp_matches m;
    int rc;
    luaL_checktype(L, 4, LUA_TTABLE);
    b->hits = (uint64_t *)malloc((b->g.ngroups ? b->g.ngroups : 1) * sizeof(uint64_t));
    b->dh = (uint64_t *)malloc((b->g.ngroups ? b->g.ngroups : 1) * sizeof(uint64_t));
    if (b->hits == NULL || b->dh == NULL) return luaL_error(L, "out of memory");
    memset(&m, 0, sizeof m);
    rc = run(L, c, 4, 5, &m, &e);
    if (rc == CP_OK) rc = cp_groups_count(&b->g, c, &m, b->hits, b->dh, &e);
    cp_matches_free(&m);
    if (rc != CP_OK) return cpL_fail(L, &e);
  }
  {
    /* every group's document bitmap, filled in one pass over documents */
    size_t nbytes = (size_t)(b->g.ndocs / 8 + 1);
    unsigned char *bits;
    uint64_t d;
    size_t k;
    bits = (unsigned char *)lua_newuserdatauv(L, (b->g.ngroups ? b->g.ngroups : 1) * nbytes, 0);
    memset(bits, 0, (b->g.ngroups ? b->g.ngroups : 1) * nbytes);
    for (d = 0; d < b->g.ndocs; d++)
      for (k = b->g.first[d]; k < b->g.first[d + 1]; k++)
        bits[b->g.member[k] * nbytes + (d >> 3)] |= (unsigned char)(1u << (d & 7));
    lua_createtable(L, (int)b->g.ngroups, 0);
    for (gi = 0; gi < b->g.ngroups; gi++) {
      lua_createtable(L, 0, 6);
      lua_createtable(L, (int)nf, 0);
      for (f = 0; f < nf; f++) {
        push_value(L, &b->g.vals[gi * nf + f]);
        lua_rawseti(L, -2, (lua_Integer)f + 1);
      }
      lua_setfield(L, -2, "values");
      lua_pushinteger(L, (lua_Integer)b->g.docs[gi]); lua_setfield(L, -2, "docs");
      lua_pushinteger(L, (lua_Integer)b->g.words[gi]); lua_setfield(L, -2, "words");
      if (withplan) {
        lua_pushinteger(L, (lua_Integer)b->hits[gi]); lua_setfield(L, -2, "hits");
        lua_pushinteger(L, (lua_Integer)b->dh[gi]); lua_setfield(L, -2, "hit_docs");
      }
      lua_pushlstring(L, (const char *)bits + gi * nbytes, nbytes);
      lua_setfield(L, -2, "bits");
      lua_rawseti(L, -2, (lua_Integer)gi + 1);
    }
  }
  return 1;
}

/* core.dispersion_measures(f, s) -> D, DP, DPnorm (NaN when undefined) */
static int l_dispersion_measures (lua_State *L) {
  lua_Integer n, i;
  double *f, *s, dpn;
  luaL_checktype(L, 1, LUA_TTABLE);
  luaL_checktype(L, 2, LUA_TTABLE);
  n = luaL_len(L, 1);
  luaL_argcheck(L, luaL_len(L, 2) == n, 2, "as many sizes as frequencies");
  f = (double *)lua_newuserdatauv(L, (size_t)(n ? n : 1) * 2 * sizeof(double), 0);
  s = f + (n ? n : 1);
  for (i = 0; i < n; i++) {
    lua_rawgeti(L, 1, i + 1); f[i] = luaL_checknumber(L, -1);
    lua_rawgeti(L, 2, i + 1); s[i] = luaL_checknumber(L, -1);
    lua_pop(L, 2);
  }
  lua_pushnumber(L, cp_juilland_d(f, s, (size_t)n));
  lua_pushnumber(L, cp_gries_dp(f, s, (size_t)n, &dpn));
  lua_pushnumber(L, dpn);
  return 3;
}

/* }================================================================ */

static const luaL_Reg conc_methods[] = {
  {"_sort", conc_sort},
  {"_sample", conc_sample},
  {"_rows", conc_rows},
  {"close", conc_gc},
  {NULL, NULL}
};

int cpL_open_conc (lua_State *L) {
  /* module at -2, corpus methods at -1 */
  if (luaL_newmetatable(L, CPL_CONC)) {
    lua_pushcfunction(L, conc_gc); lua_setfield(L, -2, "__gc");
    lua_pushcfunction(L, conc_gc); lua_setfield(L, -2, "__close");
    lua_pushcfunction(L, conc_len); lua_setfield(L, -2, "__len");
    luaL_newlib(L, conc_methods);
    lua_setfield(L, -2, "__index");
  }
  /* module.conc_methods, also when the module is opened again */
  lua_getfield(L, -1, "__index");
  lua_setfield(L, -4, "conc_methods");
  lua_pop(L, 1);
  cpL_gcmeta(L, "corpus.core.Groups", group_gc);
  lua_pushcfunction(L, l_concordance); lua_setfield(L, -2, "_concordance");
  lua_pushcfunction(L, l_groups); lua_setfield(L, -2, "_groups");
  lua_pushcfunction(L, l_dispersion_measures); lua_setfield(L, -3, "dispersion_measures");
  return 0;
}
