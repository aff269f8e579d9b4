/*
** l_compat.h -- the Lua 5.1, 5.2, 5.3 and LuaJIT 2.1 shims the binding
** needs to be written once against the Lua 5.4 C API.
**
** Included only from l_corpus.h, so no '#if LUA_VERSION_NUM' appears in
** a function body of the binding: each l_*.c calls the 5.4 names, and on
** an older interpreter a macro here maps the name to a static inline
** replacement.
**
** Why not Debian's lua-compat53-dev: it does not cover the 5.4 API the
** binding uses (lua_newuserdatauv), Debian installs its headers only in
** the 5.1 and 5.2 include directories (not LuaJIT's), and the LuaRocks
** build on other systems would not find it.  The few functions below are
** all the binding needs.
**
** Behaviour kept the same on every version: lua_tointegerx fails (isnum
** = 0) on a number with no exact integer value, as in 5.3+, so a 1.5
** given where an integer is expected is an error everywhere.
*/
#ifndef CP_L_COMPAT_H
#define CP_L_COMPAT_H

#include <math.h>

#include <lua.h>
#include <lauxlib.h>

#if LUA_VERSION_NUM < 504

/* the binding uses at most one user value and never reads it back
** through the 5.4 API; older versions give every userdata one slot */
#define lua_newuserdatauv(L, sz, nuv)  lua_newuserdata((L), (sz))

#endif


#if LUA_VERSION_NUM < 503

/* integer view of a number, only when it is exactly an integer */
static inline lua_Integer cpL_compat_tointegerx (lua_State *L, int idx,
                                                 int *isnum) {
  lua_Number n;
  int ok = 0;
  lua_Integer r = 0;
  if (lua_isnumber(L, idx)) {
    n = lua_tonumber(L, idx);
    if (n == floor(n) && n >= -9007199254740992.0 && n <= 9007199254740992.0) {
      r = (lua_Integer)n;
      ok = 1;
    }
  }
  if (isnum != NULL) *isnum = ok;
  return r;
}
#define lua_tointegerx cpL_compat_tointegerx

/* whether the value is a number with an integer value (5.3 tells the
** subtype; before 5.3 every number is a float, so this is the closest) */
static inline int cpL_compat_isinteger (lua_State *L, int idx) {
  int ok;
  if (lua_type(L, idx) != LUA_TNUMBER) return 0;
  (void)cpL_compat_tointegerx(L, idx, &ok);
  return ok;
}
#define lua_isinteger cpL_compat_isinteger

/* lua_getfield, lua_rawget and lua_rawgeti return the pushed value's
** type since 5.3 */
#define lua_getfield(L, i, k)  (lua_getfield((L), (i), (k)), lua_type((L), -1))
#define lua_rawget(L, i)       (lua_rawget((L), (i)), lua_type((L), -1))
#define lua_rawgeti(L, i, n)   (lua_rawgeti((L), (i), (int)(n)), lua_type((L), -1))

#endif


#if LUA_VERSION_NUM < 502

#ifndef LUA_OK
#define LUA_OK 0
#endif

static inline lua_Number cpL_compat_tonumberx (lua_State *L, int idx,
                                               int *isnum) {
  int ok = lua_isnumber(L, idx);
  if (isnum != NULL) *isnum = ok;
  return ok ? lua_tonumber(L, idx) : 0;
}
#define lua_tonumberx cpL_compat_tonumberx

#define lua_rawlen(L, i)  lua_objlen((L), (i))

/* the binding takes the length of plain tables only (no __len) */
#define luaL_len(L, i)    ((lua_Integer)lua_objlen((L), (i)))

/* LuaJIT has these three; plain 5.1 has not: one version for both */
static inline void cpL_compat_setfuncs (lua_State *L, const luaL_Reg *l,
                                        int nup) {
  int i;
  luaL_checkstack(L, nup, "too many upvalues");
  for (; l->name != NULL; l++) {
    for (i = 0; i < nup; i++) lua_pushvalue(L, -nup);
    lua_pushcclosure(L, l->func, nup);
    lua_setfield(L, -(nup + 2), l->name);
  }
  lua_pop(L, nup);
}
#undef luaL_setfuncs
#define luaL_setfuncs cpL_compat_setfuncs

static inline void cpL_compat_setmetatable (lua_State *L, const char *tname) {
  luaL_getmetatable(L, tname);
  lua_setmetatable(L, -2);
}
#undef luaL_setmetatable
#define luaL_setmetatable cpL_compat_setmetatable

#undef luaL_newlib
#define luaL_newlib(L, l)  (lua_newtable(L), luaL_setfuncs((L), (l), 0))

/* luaL_tolstring as in 5.2: __tostring, else a readable form */
static inline const char *cpL_compat_tolstring (lua_State *L, int idx,
                                                size_t *len) {
  if (!luaL_callmeta(L, idx, "__tostring")) {
    switch (lua_type(L, idx)) {
      case LUA_TNUMBER: case LUA_TSTRING:
        lua_pushvalue(L, idx);
        break;
      case LUA_TBOOLEAN:
        lua_pushstring(L, lua_toboolean(L, idx) ? "true" : "false");
        break;
      case LUA_TNIL:
        lua_pushliteral(L, "nil");
        break;
      default:
        lua_pushfstring(L, "%s: %p", luaL_typename(L, idx),
                        lua_topointer(L, idx));
        break;
    }
  }
  return lua_tolstring(L, -1, len);
}
#define luaL_tolstring cpL_compat_tolstring

#endif

#endif
