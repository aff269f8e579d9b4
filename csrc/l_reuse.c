/*
** l_reuse.c -- Lua binding of text reuse (reuse.h).  Thin: read the
** options, call the core, push plain tables.  The public method
** c:reuse(opts) is in lua/corpus/reuse.lua, which checks the option
** names and turns `source` / `target` filters into bitmaps:
**
**   c:_reuse(opts, srcbits|nil, tgtbits|nil, other|nil) -> rows, info
**   c:_reuse_clusters(opts, srcbits, tgtbits, other)    -> clusters, info
**   c:_reuse_writable()                                 -> boolean
**
** Bitmaps are strings (bit (d-1)%8 of byte (d-1)//8 for document d).
** Results live in userdata boxes with a __gc until copied, so an error
** raised while pushing leaks nothing.
*/
#include <stdlib.h>
#include <string.h>

#include <lua.h>
#include <lauxlib.h>

#include "l_corpus.h"
#include "reuse.h"

#define BOX_REUSE "corpus.reuse.result"

typedef struct rbox { cp_reuse r; cp_clusters cl; uint64_t kept; int keep; } rbox;

static int rbox_gc (lua_State *L) {
  rbox *b = (rbox *)luaL_checkudata(L, 1, BOX_REUSE);
  cp_reuse_free(&b->r);
  cp_clusters_free(&b->cl);
  return 0;
}

/* an integer option as a u32: values past 2^32 - 1 (min = 1e12) mean
** "more than any document", so they saturate */
static uint32_t u32_opt (lua_State *L, const char *k, lua_Integer def,
                         lua_Integer min) {
  lua_Integer v = cpL_optint(L, 2, k, def, min);
  return v > (lua_Integer)UINT32_MAX ? UINT32_MAX : (uint32_t)v;
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
** pushed; NULL (with *e) when the core failed for other than misuse */
static rbox *run (lua_State *L, cp_corpus **c, cp_corpus **other,
                  size_t *limit, cp_err *e) {
  static const char *const layers[] = {"word", "norm", "stem", NULL};
  cp_reuse_opt o;
  rbox *b;
  lua_Integer lim;
  const char *ln;
  *c = cpL_checkcorpus(L, 1);
  luaL_checktype(L, 2, LUA_TTABLE);
  *other = lua_isnoneornil(L, 5) ? NULL : cpL_checkcorpus(L, 5);
  /* the names were checked against the options table (l_opts.c) and the
  ** values by lua/corpus/reuse.lua; these are the shared typed readers */
  cp_reuse_opt_init(&o);
  o.min = u32_opt(L, "min", 8, 1);
  o.max_df = u32_opt(L, "max_df", 100, 2);
  o.mismatch = cpL_optnum(L, 2, "mismatch", 1.0, 0);
  o.gap = cpL_optnum(L, 2, "gap", 1.0, 0);
  o.gap_extend = cpL_optnum(L, 2, "gap_extend", 0.1, 0);
  lim = cpL_optint(L, 2, "limit", 0, 0);
  *limit = lim == 0 ? (size_t)-1 : (size_t)lim;
  ln = cpL_optstr(L, 2, "layer", NULL);  /* anchored by the options table */
  if (ln != NULL) {
    int k;
    for (k = 0; layers[k] != NULL && strcmp(layers[k], ln) != 0; k++) {}
    if (layers[k] != NULL) o.layer = k;
    else o.layer_name = ln;            /* a stored layer */
  }
  o.source = bits_arg(L, 3, &o.nsource);
  o.target = bits_arg(L, 4, &o.ntarget);
  b = (rbox *)lua_newuserdatauv(L, sizeof(rbox), 0);
  memset(b, 0, sizeof(*b));
  luaL_setmetatable(L, BOX_REUSE);
  b->keep = cpL_optbool(L, 2, "keep", 0);
  /* misuse (EINVAL) raises; the data or the budget failing (ELIMIT,
  ** ENOMEM, ECORRUPT) returns nil, msg, code through *e */
  if (cp_reuse_find(*c, *other, &o, &b->r, e) != CP_OK) {
    if (e->code == CP_EINVAL) cpL_raise(L, e);
    return NULL;
  }
  /* keep = true: every passage found (not only the 'limit' best) becomes
  ** spans of set "reuse" */
  if (b->keep && cp_reuse_keep(*c, *other, &b->r, &b->kept, e) != CP_OK) {
    if (e->code == CP_EINVAL) cpL_raise(L, e);
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

static void push_info (lua_State *L, const rbox *b) {
  const cp_reuse *r = &b->r;
  lua_createtable(L, 0, 7);
  if (b->keep) {
    lua_pushinteger(L, (lua_Integer)b->kept);
    lua_setfield(L, -2, "kept");
  }
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
  cp_err e;
  rbox *b = run(L, &c, &other, &limit, &e);
  if (b == NULL) return cpL_fail(L, &e);
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
  push_info(L, b);
  return 2;
}

/* c:_reuse_clusters(opts, src, tgt, other) -> clusters {size, repeats,
** boilerplate, members = {{doc, id, start, stop, text, other}...}},
** info */
static int l_reuse_clusters (lua_State *L) {
  cp_corpus *c, *other;
  size_t limit, i, k, n;
  cp_err e;
  rbox *b = run(L, &c, &other, &limit, &e);
  if (b == NULL) return cpL_fail(L, &e);
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
  push_info(L, b);
  return 2;
}

/* c:_reuse_writable() -> can spans be kept in c (not a read-only
** snapshot)? */
static int l_reuse_writable (lua_State *L) {
  lua_pushboolean(L, !cp_corpus_readonly(cpL_checkcorpus(L, 1)));
  return 1;
}

static const luaL_Reg reuse_methods[] = {
  {"_reuse", l_reuse},
  {"_reuse_writable", l_reuse_writable},
  {"_reuse_clusters", l_reuse_clusters},
  {NULL, NULL}
};

int cpL_open_reuse (lua_State *L) {
  cpL_gcmeta(L, BOX_REUSE, rbox_gc);
  luaL_setfuncs(L, reuse_methods, 0);
  return 0;
}
