/*
** fuzz_jsonl.c -- libFuzzer harness: the JSON Lines reader
** (c:add_jsonl in lua/corpus/init.lua) with the module linked in.  Each
** input is written to a file and added to a fresh in-memory corpus.
** Bad data must come back as nil, message, code: a raised Lua error
** aborts (it would be a raw error for the user), as does a success
** whose document count disagrees with the corpus.
*/
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <lua.h>
#include <lauxlib.h>
#include <lualib.h>

#ifndef CORPUS_ROOT
#define CORPUS_ROOT "."
#endif

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);
int luaopen_corpus_core (lua_State *L);

static lua_State *L;
static char path[64];

static const char *const driver =
  "local corpus = require 'corpus'\n"
  "return function (path)\n"
  "  local c = corpus.new()\n"
  "  local n, msg, code = c:add_jsonl(path)\n"
  "  if n then\n"
  "    assert(c:stats().docs == n, 'count')\n"
  "  else\n"
  "    assert(type(msg) == 'string' and type(code) == 'string', 'status')\n"
  "    assert(c:stats().docs == 0, 'partial add')\n"
  "  end\n"
  "  c:close()\n"
  "end\n";

static void setup (void) {
  L = luaL_newstate();
  if (L == NULL) abort();
  luaL_openlibs(L);
  luaL_getsubtable(L, LUA_REGISTRYINDEX, LUA_PRELOAD_TABLE);
  lua_pushcfunction(L, luaopen_corpus_core);
  lua_setfield(L, -2, "corpus.core");
  lua_pop(L, 1);
  lua_getglobal(L, "package");
  lua_pushstring(L, CORPUS_ROOT "/lua/?.lua;" CORPUS_ROOT "/lua/?/init.lua;"
                 "/usr/local/share/lua/5.4/?.lua;/usr/share/lua/5.4/?.lua");
  lua_setfield(L, -2, "path");
  lua_pop(L, 1);
  if (luaL_loadstring(L, driver) != LUA_OK || lua_pcall(L, 0, 1, 0) != LUA_OK) {
    fprintf(stderr, "fuzz_jsonl: %s\n", lua_tostring(L, -1));
    abort();
  }
  lua_setfield(L, LUA_REGISTRYINDEX, "fuzz_jsonl");
  snprintf(path, sizeof(path), "/tmp/fuzz_jsonl.%ld", (long)getpid());
}

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size) {
  FILE *f;
  if (L == NULL) setup();
  if ((f = fopen(path, "wb")) == NULL) return 0;
  if (size > 0) fwrite(data, 1, size, f);
  fclose(f);
  lua_getfield(L, LUA_REGISTRYINDEX, "fuzz_jsonl");
  lua_pushstring(L, path);
  if (lua_pcall(L, 1, 0, 0) != LUA_OK) {
    fprintf(stderr, "fuzz_jsonl: raised: %s\n", lua_tostring(L, -1));
    abort();
  }
  lua_gc(L, LUA_GCSTEP, 0);
  return 0;
}
