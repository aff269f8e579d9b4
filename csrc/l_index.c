/*
** l_index.c -- Lua binding of on-disk indexes (index.h).
**
** Module functions: create(path [, opts]), open(path [, opts]).  They
** return the same corpus userdata as new(), whose 'ext' is the
** cp_index (freed after the corpus by close/__gc/__close).
** Methods: commit, rollback, optimize, refresh, check, generation,
** delete, replace.  Misuse raises (a read-only or in-memory corpus
** asked to commit, a closed corpus); failures of the world return
** nil, message, code.
*/
#include <string.h>

#include <lua.h>
#include <lauxlib.h>

#include "l_corpus.h"
#include "segfield.h"
#include "extract.h"
#include "index.h"
#include "tok.h"

static void ix_free (void *ix) {
  cp_index_close((cp_index *)ix);
}

/* the index behind the corpus at 1, or NULL for an in-memory corpus */
static cp_index *toindex (lua_State *L, cp_corpus **c) {
  cpL_Corpus *u = cpL_tocorpus(L, 1);
  *c = cpL_checkcorpus(L, 1);
  return (u->ext != NULL && u->ext_free == ix_free) ? (cp_index *)u->ext : NULL;
}

static cp_index *checkindex (lua_State *L, cp_corpus **c, const char *fname) {
  cp_index *ix = toindex(L, c);
  if (ix == NULL)
    luaL_error(L, "%s: not an on-disk index (use corpus.create or corpus.open)",
               fname);
  return ix;
}

static cp_index *checkwriter (lua_State *L, cp_corpus **c, const char *fname) {
  cp_index *ix = checkindex(L, c, fname);
  if (!cp_index_writable(ix))
    luaL_error(L, "%s: index '%s' is open read-only (open it with write = true)",
               fname, cp_index_path(ix));
  return ix;
}

/* fill the (closed) corpus userdata 'u' at the top with (ix, c); the
** userdata exists before the index is opened, so nothing can raise
** while ix and c are not owned by Lua */
static int push_index (lua_State *L, cpL_Corpus *u, int rc, cp_index *ix,
                       cp_corpus *c, const cp_err *e) {
  if (rc != CP_OK) return cpL_fail(L, e);
  u->c = c;
  u->ext = ix;
  u->ext_free = ix_free;
  return 1;
}

/* corpus.core.create(path [, {language =, mode =}]) */
static int l_create (lua_State *L) {
  const char *path = luaL_checkstring(L, 1);
  char fields[CP_FIELDS_TEXTMAX];
  cp_opts o;
  cp_index *ix;
  cp_corpus *c;
  cpL_Corpus *u;
  cp_err e;
  int rc;
  memset(&o, 0, sizeof(o));
  cpL_tokopts(L, 2, &o);
  o.analyse = cpL_analyse_opt(L, 2, "create");
  o.fields = cpL_fields_opt(L, 2, "create", fields);
  u = cpL_newcorpus(L);
  rc = cp_index_create(path, &o, &ix, &c, &e);
  return push_index(L, u, rc, ix, c, &e);
}

/* corpus.core.open(path [, {write =, verify =}]) */
static int l_open (lua_State *L) {
  const char *path = luaL_checkstring(L, 1);
  unsigned flags = 0;
  cp_index *ix;
  cp_corpus *c;
  cpL_Corpus *u;
  cp_err e;
  int rc;
  if (!lua_isnoneornil(L, 2)) {
    luaL_checktype(L, 2, LUA_TTABLE);
    if (cpL_optbool(L, 2, "write", 0)) flags |= CP_IX_WRITE;
    if (cpL_optbool(L, 2, "verify", 0)) flags |= CP_IX_VERIFY;
  }
  u = cpL_newcorpus(L);
  rc = cp_index_open(path, flags, &ix, &c, &e);
  return push_index(L, u, rc, ix, c, &e);
}

/* the generation, and what failed after the commit was durable (a
** message and its code) when something did */
static int push_committed (lua_State *L, cp_index *ix) {
  int code = 0;
  const char *w = cp_index_warning(ix, &code);
  lua_pushinteger(L, (lua_Integer)cp_index_generation(ix));
  if (w == NULL) return 1;
  lua_pushstring(L, w);
  lua_pushstring(L, cp_code_name(code));
  return 3;
}

/* w:commit() -> generation [, warning, code] | nil, msg, code */
static int ix_commit (lua_State *L) {
  cp_corpus *c;
  cp_index *ix = checkwriter(L, &c, "commit");
  cp_err e;
  if (cp_index_commit(ix, c, &e) != CP_OK) return cpL_fail(L, &e);
  return push_committed(L, ix);
}

static int ix_optimize (lua_State *L) {
  cp_corpus *c;
  cp_index *ix = checkwriter(L, &c, "optimize");
  cp_err e;
  if (cp_index_optimize(ix, c, &e) != CP_OK) return cpL_fail(L, &e);
  return push_committed(L, ix);
}

static int ix_rollback (lua_State *L) {
  cp_corpus *c;
  cp_index *ix = checkwriter(L, &c, "rollback");
  cp_err e;
  if (cp_index_rollback(ix, c, &e) != CP_OK) return cpL_fail(L, &e);
  lua_pushboolean(L, 1);
  return 1;
}

/* c:refresh() -> true if a newer commit was loaded, false if none |
** nil, msg, code */
static int ix_refresh (lua_State *L) {
  cp_corpus *c;
  cp_index *ix = checkindex(L, &c, "refresh");
  cp_err e;
  int changed;
  if (cp_index_refresh(ix, c, &changed, &e) != CP_OK) return cpL_fail(L, &e);
  lua_pushboolean(L, changed);
  return 1;
}

static int ix_generation (lua_State *L) {
  cp_corpus *c;
  cp_index *ix = toindex(L, &c);
  if (ix == NULL) lua_pushnil(L);
  else lua_pushinteger(L, (lua_Integer)cp_index_generation(ix));
  return 1;
}

#define SETINT(name, v) (lua_pushinteger(L, (lua_Integer)(v)), lua_setfield(L, -2, name))

/* c:check() -> report | nil, msg, code */
static int ix_check (lua_State *L) {
  cp_corpus *c;
  cp_index *ix = toindex(L, &c);
  cp_check_report r;
  cp_err e;
  if (cp_corpus_flush(c, &e) != CP_OK) return cpL_fail(L, &e);
  if (cp_index_check(ix, c, &r, &e) != CP_OK) return cpL_fail(L, &e);
  lua_createtable(L, 0, 8);
  lua_pushboolean(L, 1); lua_setfield(L, -2, "ok");
  if (ix != NULL) {
    lua_pushstring(L, cp_index_path(ix)); lua_setfield(L, -2, "path");
    SETINT("generation", r.generation);
  }
  SETINT("segments", r.segments);
  SETINT("bytes", r.bytes);
  SETINT("docs", r.docs - r.deleted);
  SETINT("deleted", r.deleted);
  SETINT("uncommitted", r.uncommitted);
  return 1;
}

/* find the live document 'id' (pending documents are sealed first) */
static int find_live (lua_State *L, cp_corpus *c, const char *id, size_t len,
                      uint64_t *n) {
  cp_err e;
  if (cp_corpus_readonly(c))
    luaL_error(L, "corpus is read-only (open it with write = true)");
  if (cp_corpus_flush(c, &e) != CP_OK) cpL_raise(L, &e);
  return cp_corpus_find(c, id, len, n) == CP_OK;
}

/* c:delete(id) -> true | nil when no live document has that id */
static int ix_delete (lua_State *L) {
  cp_corpus *c = cpL_checkcorpus(L, 1);
  size_t len;
  const char *id = luaL_checklstring(L, 2, &len);
  uint64_t n;
  cp_err e;
  if (!find_live(L, c, id, len, &n)) { lua_pushnil(L); return 1; }
  if (cp_corpus_delete(c, n, &e) != CP_OK) return cpL_raise(L, &e);
  lua_pushboolean(L, 1);
  return 1;
}

/*
** c:replace{ id =, text =, ... } -> what c:add returns.  The document
** with that id (if any) is deleted and the new one added, all or
** nothing: if the add fails, the deletion is undone.
*/
static int ix_replace (lua_State *L) {
  cp_corpus *c = cpL_checkcorpus(L, 1);
  size_t len;
  const char *id;
  uint64_t n;
  int found, status;
  luaL_checktype(L, 2, LUA_TTABLE);
  lua_settop(L, 2);
  if (lua_getfield(L, 2, "id") != LUA_TSTRING)
    return luaL_error(L, "bad argument #1 to 'replace' (field 'id' must be a "
                      "string, got %s)", luaL_typename(L, -1));
  id = lua_tolstring(L, -1, &len);        /* anchored at 3 */
  found = find_live(L, c, id, len, &n);
  if (found) {
    cp_err e;
    if (cp_corpus_delete(c, n, &e) != CP_OK) return cpL_raise(L, &e);
  }
  lua_getfield(L, 1, "add");
  lua_pushvalue(L, 1);
  lua_pushvalue(L, 2);
  status = lua_pcall(L, 2, 3, 0);
  if (status != LUA_OK || !lua_toboolean(L, -3)) {
    if (found && cpL_tocorpus(L, 1)->c == c) cp_corpus_undelete(c, n);
    if (status != LUA_OK) return lua_error(L);
  }
  return 3;
}

static const luaL_Reg index_funcs[] = {
  {"create", l_create},
  {"open", l_open},
  {NULL, NULL}
};

static const luaL_Reg index_methods[] = {
  {"commit", ix_commit},
  {"rollback", ix_rollback},
  {"optimize", ix_optimize},
  {"refresh", ix_refresh},
  {"check", ix_check},
  {"generation", ix_generation},
  {"delete", ix_delete},
  {"replace", ix_replace},
  {NULL, NULL}
};

int cpL_open_index (lua_State *L) {
  luaL_checktype(L, -2, LUA_TTABLE);
  luaL_checktype(L, -1, LUA_TTABLE);
  luaL_setfuncs(L, index_methods, 0);
  lua_pushvalue(L, -2);
  luaL_setfuncs(L, index_funcs, 0);
  lua_pop(L, 1);
  return 0;
}
