/*
** l_reuse.c -- Lua binding of text reuse (reuse.h).  Thin: read the
** options, call the core, push plain tables.  The public method
** c:reuse(opts) is in lua/corpus/reuse.lua, which checks the option
** names and turns `source` / `target` filters into bitmaps:
**
**   c:_reuse(opts, srcbits|nil, tgtbits|nil, other|nil) -> rows, info
**   c:_reuse_clusters(opts, srcbits, tgtbits, other)    -> clusters, info
**
** Bitmaps are strings (bit (d-1)%8 of byte (d-1)//8 for document d).
** Results live in userdata boxes with a __gc until copied, so an error
** raised while pushing leaks nothing.
*/
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <lua.h>
#include <lauxlib.h>

#include "l_corpus.h"
#include "reuse.h"

#define BOX_REUSE "corpus.reuse.result"

typedef struct rbox { cp_reuse r; cp_clusters cl; } rbox;

static int rbox_gc (lua_State *L) {
  rbox *b = (rbox *)luaL_checkudata(L, 1, BOX_REUSE);
  cp_reuse_free(&b->r);
  cp_clusters_free(&b->cl);
  return 0;
}

/* number option k of the options table (nil -> def), within [lo, hi] */
static double num_opt (lua_State *L, int oi, const char *k, double def,
                       double lo, double hi, int integer) {
  double v = def;
  lua_getfield(L, oi, k);
  if (!lua_isnil(L, -1)) {
    int isnum;
    v = (double)lua_tonumberx(L, -1, &isnum);
    if (!isnum || (integer && v != floor(v)))
      luaL_error(L, "bad option '%s' to 'reuse' (%s expected)", k,
                 integer ? "integer" : "number");
    if (!(v >= lo && v <= hi))
      luaL_error(L, "bad option '%s' to 'reuse' (must be in [%g, %g])", k,
                 lo, hi);
  }
  lua_pop(L, 1);
  return v;
}

static const unsigned char *bits_arg (lua_State *L, int idx, uint64_t *n) {
  size_t len;
  const char *s;
  *n = 0;
  if (lua_isnoneornil(L, idx)) return NULL;
  s = luaL_checklstring(L, idx, &len);
  *n = (uint64_t)len * 8;
  return (const unsigned char *)s;
}

/* c:_reuse*(opts, src, tgt, other): run the core; the result box is
** pushed */
static rbox *run (lua_State *L, cp_corpus **c, cp_corpus **other,
                  size_t *limit) {
  static const char *const layers[] = {"word", "norm", "stem", NULL};
  cp_reuse_opt o;
  rbox *b;
  cp_err e;
  double lim;
  *c = cpL_checkcorpus(L, 1);
  luaL_checktype(L, 2, LUA_TTABLE);
  *other = lua_isnoneornil(L, 5) ? NULL : cpL_checkcorpus(L, 5);
  cp_reuse_opt_init(&o);
  o.min = (uint32_t)num_opt(L, 2, "min", 8, 1, 4294967295.0, 1);
  o.max_df = (uint32_t)num_opt(L, 2, "max_df", 100, 2, 4294967295.0, 1);
  o.mismatch = num_opt(L, 2, "mismatch", 1.0, 0, 1e6, 0);
  o.gap = num_opt(L, 2, "gap", 1.0, 0, 1e6, 0);
  o.gap_extend = num_opt(L, 2, "gap_extend", 0.1, 0, 1e6, 0);
  lim = num_opt(L, 2, "limit", 0, 0, 9007199254740992.0, 1);
  *limit = lim == 0 ? (size_t)-1 : (size_t)lim;
  lua_getfield(L, 2, "layer");
  o.layer = lua_isnil(L, -1) ? CP_NORM
          : luaL_checkoption(L, -1, NULL, layers);
  lua_pop(L, 1);
  o.source = bits_arg(L, 3, &o.nsource);
  o.target = bits_arg(L, 4, &o.ntarget);
  b = (rbox *)lua_newuserdatauv(L, sizeof(rbox), 0);
  memset(b, 0, sizeof(*b));
  luaL_setmetatable(L, BOX_REUSE);
  if (cp_reuse_find(*c, *other, &o, &b->r, &e) != CP_OK) {
    /* misuse raises; a failure of the data (damaged segment, a limit)
    ** is nil, msg, code for the caller (the README's error rule) */
    if (e.code == CP_EINVAL) cpL_raise(L, &e);
    cpL_fail(L, &e);
    return NULL;
  }
  return b;
}

/* the text of document 'doc' of corpus c, or NULL */
static const char *doc_text (cp_corpus *c, uint64_t doc, size_t *len,
                             const char **id, size_t *idlen) {
  size_t seg;
  uint32_t local;
  cp_docinfo di;
  if (cp_corpus_locate(c, doc, &seg, &local) != CP_OK
      || cp_seg_doc(cp_corpus_seg(c, seg), local, &di) != CP_OK)
    return NULL;
  *len = di.textlen;
  *id = di.id;
  *idlen = di.idlen;
  return di.text;
}

/* push {doc, id, start, stop, text} of bytes [b0, b1) of a document */
static void push_side (lua_State *L, cp_corpus *c, uint64_t doc,
                       uint32_t b0, uint32_t b1) {
  size_t len = 0, idlen = 0;
  const char *id = NULL, *text = doc_text(c, doc, &len, &id, &idlen);
  lua_createtable(L, 0, 5);
  lua_pushinteger(L, (lua_Integer)doc + 1);
  lua_setfield(L, -2, "doc");
  if (id != NULL) lua_pushlstring(L, id, idlen); else lua_pushnil(L);
  lua_setfield(L, -2, "id");
  lua_pushinteger(L, (lua_Integer)b0 + 1);
  lua_setfield(L, -2, "start");
  lua_pushinteger(L, (lua_Integer)b1);
  lua_setfield(L, -2, "stop");
  if (text != NULL && b1 <= len && b0 <= b1)
    lua_pushlstring(L, text + b0, b1 - b0);
  else lua_pushnil(L);
  lua_setfield(L, -2, "text");
}

static void push_info (lua_State *L, const cp_reuse *r) {
  lua_createtable(L, 0, 6);
  lua_pushinteger(L, (lua_Integer)r->n);
  lua_setfield(L, -2, "passages");
  lua_pushinteger(L, (lua_Integer)r->seeds);
  lua_setfield(L, -2, "seeds");
  lua_pushinteger(L, (lua_Integer)r->pairs);
  lua_setfield(L, -2, "pairs");
  lua_pushinteger(L, (lua_Integer)r->boilerplate);
  lua_setfield(L, -2, "boilerplate");
  lua_pushinteger(L, (lua_Integer)r->work);
  lua_setfield(L, -2, "work");
  lua_pushinteger(L, (lua_Integer)r->ranges);
  lua_setfield(L, -2, "ranges");
}

/* c:_reuse(opts, src, tgt, other) -> rows {a, b, words, score,
** identity} best first, info */
static int l_reuse (lua_State *L) {
  cp_corpus *c, *other;
  size_t limit, i, n;
  rbox *b = run(L, &c, &other, &limit);
  if (b == NULL) return 3;   /* nil, msg, code */
  n = b->r.n < limit ? b->r.n : limit;
  lua_createtable(L, (int)n, 0);
  for (i = 0; i < n; i++) {
    const cp_passage *p = &b->r.v[i];
    lua_createtable(L, 0, 5);
    push_side(L, c, p->a.doc, p->a.b0, p->a.b1);
    lua_setfield(L, -2, "a");
    push_side(L, other ? other : c, p->b.doc, p->b.b0, p->b.b1);
    lua_setfield(L, -2, "b");
    lua_pushinteger(L, (lua_Integer)p->words);
    lua_setfield(L, -2, "words");
    lua_pushnumber(L, p->score);
    lua_setfield(L, -2, "score");
    lua_pushnumber(L, p->words ? (double)p->same / (double)p->words : 0.0);
    lua_setfield(L, -2, "identity");
    lua_rawseti(L, -2, (lua_Integer)i + 1);
  }
  push_info(L, &b->r);
  return 2;
}

/* c:_reuse_clusters(opts, src, tgt, other) -> clusters {size, repeats,
** boilerplate, members = {{doc, id, start, stop, text, other}...}},
** info */
static int l_reuse_clusters (lua_State *L) {
  cp_corpus *c, *other;
  size_t limit, i, k, n;
  cp_err e;
  rbox *b = run(L, &c, &other, &limit);
  if (b == NULL) return 3;   /* nil, msg, code */
  if (cp_reuse_clusters(&b->r, &b->cl, &e) != CP_OK) return cpL_fail(L, &e);
  n = b->cl.n < limit ? b->cl.n : limit;
  lua_createtable(L, (int)n, 0);
  for (i = 0; i < n; i++) {
    size_t k0 = b->cl.first[i], k1 = b->cl.first[i + 1];
    lua_createtable(L, 0, 4);
    lua_pushinteger(L, (lua_Integer)b->cl.ndocs[i]);
    lua_setfield(L, -2, "size");
    lua_pushinteger(L, (lua_Integer)b->cl.repeats[i]);
    lua_setfield(L, -2, "repeats");
    lua_pushnumber(L, (double)b->cl.repeats[i] / (double)(k1 - k0));
    lua_setfield(L, -2, "boilerplate");
    lua_createtable(L, (int)(k1 - k0), 0);
    for (k = k0; k < k1; k++) {
      const cp_clu_member *m = &b->cl.m[k];
      push_side(L, m->corpus ? other : c, m->doc, m->b0, m->b1);
      if (m->corpus) {
        lua_pushboolean(L, 1);
        lua_setfield(L, -2, "other");
      }
      lua_rawseti(L, -2, (lua_Integer)(k - k0) + 1);
    }
    lua_setfield(L, -2, "members");
    lua_rawseti(L, -2, (lua_Integer)i + 1);
  }
  push_info(L, &b->r);
  return 2;
}

static const luaL_Reg reuse_methods[] = {
  {"_reuse", l_reuse},
  {"_reuse_clusters", l_reuse_clusters},
  {NULL, NULL}
};

int cpL_open_reuse (lua_State *L) {
  cpL_gcmeta(L, BOX_REUSE, rbox_gc);
  luaL_setfuncs(L, reuse_methods, 0);
  return 0;
}
