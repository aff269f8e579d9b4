/*
** l_tok.c -- Lua binding of the tokenizer.  (Functions are added as
** the core grows; see tok.h.)
*/
#include <lua.h>
#include <lauxlib.h>

#include "l_corpus.h"
#include "l_tok.h"

static const luaL_Reg tok_funcs[] = {
  {NULL, NULL}
};

int cpL_open_tok (lua_State *L) {
  luaL_checktype(L, -2, LUA_TTABLE);
  lua_pushvalue(L, -2);
  luaL_setfuncs(L, tok_funcs, 0);
  lua_pop(L, 1);
  return 0;
}
