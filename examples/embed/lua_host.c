/*
** lua_host.c -- a C program embedding Lua 5.4 with the corpus module
** linked in statically: corpus.core is registered with luaL_requiref
** (and package.preload, for require), the Lua files come from the
** installed tree, and the script named on the command line runs.
**
**   cc lua_host.c $(pkg-config --cflags --libs corpus-lua5.4) -o lua_host
**   ./lua_host script.lua [args...]
*/
#include <stdio.h>

#include <lua.h>
#include <lauxlib.h>
#include <lualib.h>

int luaopen_corpus_core (lua_State *L);

/* the directory of the installed Lua files, from the build (-D) */
#ifndef CORPUS_LUADIR
#define CORPUS_LUADIR "/usr/local/share/lua/5.4"
#endif

static int report (lua_State *L, int status) {
  if (status != LUA_OK) {
    fprintf(stderr, "lua_host: %s\n", lua_tostring(L, -1));
    lua_pop(L, 1);
  }
  return status;
}

int main (int argc, char **argv) {
  lua_State *L = luaL_newstate();
  int i, status;
  if (L == NULL) return 1;
  if (argc < 2) {
    fprintf(stderr, "usage: lua_host script.lua [args...]\n");
    return 2;
  }
  luaL_openlibs(L);
  /* corpus.core: loaded now, and kept in package.loaded for require */
  luaL_requiref(L, "corpus.core", luaopen_corpus_core, 0);
  lua_pop(L, 1);
  lua_getglobal(L, "package");
  lua_getfield(L, -1, "preload");
  lua_pushcfunction(L, luaopen_corpus_core);
  lua_setfield(L, -2, "corpus.core");
  lua_pop(L, 1);
  /* the Lua half of the module from the installed tree */
  lua_pushstring(L, CORPUS_LUADIR "/?.lua;" CORPUS_LUADIR "/?/init.lua;");
  lua_getfield(L, -2, "path");
  lua_concat(L, 2);
  lua_setfield(L, -2, "path");
  lua_pop(L, 1);
  /* arg, as the lua interpreter sets it */
  lua_createtable(L, argc, 0);
  for (i = 1; i < argc; i++) {
    lua_pushstring(L, argv[i]);
    lua_rawseti(L, -2, i - 1);
  }
  lua_setglobal(L, "arg");
  status = report(L, luaL_loadfile(L, argv[1]));
  if (status == LUA_OK) {
    for (i = 2; i < argc; i++) lua_pushstring(L, argv[i]);
    status = report(L, lua_pcall(L, argc - 2, 0, 0));
  }
  lua_close(L);
  return status == LUA_OK ? 0 : 1;
}
