/*
** l_shard.c -- Lua binding of sharded indexes (shard.h).
**
** Module functions: open_shards(path), publish_shards(path, names),
** merge_shards(path, names, dst), is_sharded(path).  open_shards returns the same corpus userdata as
** open(), read-only, whose 'ext' is the cp_shards (freed after the
** corpus).  Method: c:shards() -> { {name =, generation =, docs =}, ... }
** (nil for a corpus that is not sharded).
*/
#include <stdlib.h>
#include <string.h>

#include <lua.h>
#include <lauxlib.h>

#include "l_corpus.h"
#include "shard.h"

static void sh_free (void *sh) {
  cp_shards_close((cp_shards *)sh);
}

/* corpus.core.is_sharded(path) -> boolean */
static int l_is_sharded (lua_State *L) {
  lua_pushboolean(L, cp_shards_is(luaL_checkstring(L, 1)));
  return 1;
}

/* corpus.core.open_shards(path) -> corpus | nil, msg, code */
static int l_open_shards (lua_State *L) {
  const char *path = luaL_checkstring(L, 1);
  cpL_Corpus *u = cpL_newcorpus(L);
  cp_shards *sh;
  cp_corpus *c;
  cp_err e;
  if (cp_shards_open(path, &sh, &c, &e) != CP_OK) return cpL_fail(L, &e);
  u->c = c;
  u->ext = sh;
  u->ext_free = sh_free;
  return 1;
}

/* corpus.core.publish_shards(path, {name, ...} [, check = true])
** -> true | nil, msg, code */
static int l_publish_shards (lua_State *L) {
  const char *path = luaL_checkstring(L, 1);
  unsigned flags = (lua_isnoneornil(L, 3) || lua_toboolean(L, 3)) ? CP_SHARDS_CHECK : 0;
  const char **names;
  size_t n, i;
  cp_err e;
  int rc;
  luaL_checktype(L, 2, LUA_TTABLE);
  n = (size_t)lua_rawlen(L, 2);
  luaL_argcheck(L, n > 0 && n <= CP_SHARDS_MAX, 2, "1 to 65536 shard names expected");
  /* a userdata, so a raised error below leaks nothing */
  names = (const char **)lua_newuserdata(L, n * sizeof(*names));
  for (i = 0; i < n; i++) {
    lua_rawgeti(L, 2, (lua_Integer)i + 1);
    if (lua_type(L, -1) != LUA_TSTRING)
      return luaL_argerror(L, 2, "shard names must be strings");
    names[i] = lua_tostring(L, -1);   /* anchored in the table at 2 */
    lua_pop(L, 1);
  }
  rc = cp_shards_publish(path, names, n, flags, &e);
  if (rc != CP_OK) return cpL_fail(L, &e);
  lua_pushboolean(L, 1);
  return 1;
}

/* corpus.core.merge_shards(path, {name, ...}, dst) -> true | nil, msg, code */
static int l_merge_shards (lua_State *L) {
  const char *path = luaL_checkstring(L, 1);
  const char *dst = luaL_checkstring(L, 3);
  const char **names;
  size_t n, i;
  cp_err e;
  luaL_checktype(L, 2, LUA_TTABLE);
  n = (size_t)lua_rawlen(L, 2);
  luaL_argcheck(L, n > 0 && n <= CP_SHARDS_MAX, 2, "1 to 65536 shard names expected");
  names = (const char **)lua_newuserdata(L, n * sizeof(*names));
  for (i = 0; i < n; i++) {
    lua_rawgeti(L, 2, (lua_Integer)i + 1);
    if (lua_type(L, -1) != LUA_TSTRING)
      return luaL_argerror(L, 2, "shard names must be strings");
    names[i] = lua_tostring(L, -1);
    lua_pop(L, 1);
  }
  if (cp_shards_merge(path, names, n, dst, &e) != CP_OK) return cpL_fail(L, &e);
  lua_pushboolean(L, 1);
  return 1;
}

/* c:shards() -> list of {name =, generation =, docs =} | nil */
static int sh_list (lua_State *L) {
  cpL_Corpus *u = cpL_tocorpus(L, 1);
  const cp_shards *sh;
  size_t i;
  cpL_checkcorpus(L, 1);
  if (u->ext == NULL || u->ext_free != sh_free) {
    lua_pushnil(L);
    return 1;
  }
  sh = (const cp_shards *)u->ext;
  lua_createtable(L, (int)cp_shards_count(sh), 0);
  for (i = 0; i < cp_shards_count(sh); i++) {
    lua_createtable(L, 0, 3);
    lua_pushstring(L, cp_shards_name(sh, i));
    lua_setfield(L, -2, "name");
    lua_pushinteger(L, (lua_Integer)cp_shards_generation(sh, i));
    lua_setfield(L, -2, "generation");
    lua_pushinteger(L, (lua_Integer)cp_shards_docs(sh, i));
    lua_setfield(L, -2, "docs");
    lua_rawseti(L, -2, (lua_Integer)i + 1);
  }
  return 1;
}

int cpL_open_shard (lua_State *L) {
  static const luaL_Reg fns[] = {
    {"is_sharded", l_is_sharded},
    {"open_shards", l_open_shards},
    {"publish_shards", l_publish_shards},
    {"merge_shards", l_merge_shards},
    {NULL, NULL}
  };
  static const luaL_Reg methods[] = {
    {"shards", sh_list},
    {NULL, NULL}
  };
  const luaL_Reg *r;
  for (r = fns; r->name; r++) {
    lua_pushcfunction(L, r->func);
    lua_setfield(L, -3, r->name);
  }
  for (r = methods; r->name; r++) {
    lua_pushcfunction(L, r->func);
    lua_setfield(L, -2, r->name);
  }
  return 0;
}
