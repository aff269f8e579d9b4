/*
** l_tok.c -- Lua binding of the tokenizer (tok.h), in corpus.core:
**
**   wordbreaks(s [, mode])  -> { 0-based byte offsets, 0 and #s included }
**   sentbreaks(s [, mode])  -> same for sentences
**   tokenize(s [, mode])    -> { {start=, stop=, punct=, sstart=, pstart=} }
**                              1-based inclusive: s:sub(t.start, t.stop)
**   tokcount(s [, mode])    -> tokens, sentences, paragraphs, punct tokens
**   utf8_repair(s)          -> repaired string, number of replacements
**
** mode is "corpus" (default) or "strict"; anything else raises.  Text
** that is not valid UTF-8 is still segmented (each bad byte reads as
** U+FFFD) and spans stay exact; run utf8_repair first for clean tokens.
**
** Every malloc'd result lives in a "box" userdata until it has been
** copied to Lua, so an error raised while building tables leaks nothing.
*/
#include <stdlib.h>

#include <lua.h>
#include <lauxlib.h>

#include "l_corpus.h"
#include "l_tok.h"
#include "tok.h"

#define BOX "corpus.core.tokbox"

typedef struct box {
  cp_tokvec tv;
  size_t *off;
  char *str;
} box;

/* free what the box holds; idempotent.  Called as soon as a result is
** copied to Lua (the collector does not see malloc'd memory, so waiting
** for __gc would let big results pile up), and by __gc after an error. */
static void box_release (box *b) {
  cp_tokvec_free(&b->tv);
  free(b->off);
  b->off = NULL;
  free(b->str);
  b->str = NULL;
}

static int box_gc (lua_State *L) {
  box_release((box *)luaL_checkudata(L, 1, BOX));
  return 0;
}

static box *newbox (lua_State *L) {
  box *b = (box *)lua_newuserdatauv(L, sizeof(box), 0);
  b->tv.v = NULL; b->tv.n = b->tv.cap = 0;
  b->off = NULL;
  b->str = NULL;
  luaL_setmetatable(L, BOX);
  return b;
}

static int checkmode (lua_State *L, int arg) {
  int m = luaL_checkoption(L, arg, "corpus", cpL_tokmodes);
  return m == 0 ? CP_TOK_CORPUS : CP_TOK_STRICT;
}

/* shared body of wordbreaks / sentbreaks */
static int breaks (lua_State *L,
    int (*fn)(const char *, size_t, int, size_t **, size_t *, cp_err *)) {
  size_t n, nout = 0, i;
  const char *s = luaL_checklstring(L, 1, &n);
  int mode = checkmode(L, 2);
  box *b = newbox(L);
  cp_err err;
  if (fn(s, n, mode, &b->off, &nout, &err) != CP_OK)
    return cpL_raise(L, &err);
  lua_createtable(L, (int)(nout < 0x7fffffff ? nout : 0), 0);
  for (i = 0; i < nout; i++) {
    lua_pushinteger(L, (lua_Integer)b->off[i]);
    lua_rawseti(L, -2, (lua_Integer)i + 1);
  }
  box_release(b);
  return 1;
}

static int l_wordbreaks (lua_State *L) {
  return breaks(L, cp_tok_wordbreaks);
}

static int l_sentbreaks (lua_State *L) {
  return breaks(L, cp_tok_sentbreaks);
}

static int l_tokenize (lua_State *L) {
  size_t n, i;
  const char *s = luaL_checklstring(L, 1, &n);
  int mode = checkmode(L, 2);
  box *b = newbox(L);
  cp_err err;
  if (cp_tok_run(s, n, mode, &b->tv, &err) != CP_OK)
    return cpL_raise(L, &err);
  lua_createtable(L, (int)(b->tv.n < 0x7fffffff ? b->tv.n : 0), 0);
  for (i = 0; i < b->tv.n; i++) {
    const cp_tok *t = &b->tv.v[i];
    lua_createtable(L, 0, 5);
    lua_pushinteger(L, (lua_Integer)t->start + 1);
    lua_setfield(L, -2, "start");
    lua_pushinteger(L, (lua_Integer)t->stop);
    lua_setfield(L, -2, "stop");
    lua_pushboolean(L, (t->flags & CP_TF_PUNCT) != 0);
    lua_setfield(L, -2, "punct");
    lua_pushboolean(L, (t->flags & CP_TF_SSTART) != 0);
    lua_setfield(L, -2, "sstart");
    lua_pushboolean(L, (t->flags & CP_TF_PSTART) != 0);
    lua_setfield(L, -2, "pstart");
    lua_rawseti(L, -2, (lua_Integer)i + 1);
  }
  box_release(b);
  return 1;
}

static int l_tokcount (lua_State *L) {
  size_t n, i, ns = 0, np = 0, npunct = 0;
  const char *s = luaL_checklstring(L, 1, &n);
  int mode = checkmode(L, 2);
  box *b = newbox(L);
  cp_err err;
  if (cp_tok_run(s, n, mode, &b->tv, &err) != CP_OK)
    return cpL_raise(L, &err);
  for (i = 0; i < b->tv.n; i++) {
    unsigned f = b->tv.v[i].flags;
    ns += (f & CP_TF_SSTART) != 0;
    np += (f & CP_TF_PSTART) != 0;
    npunct += (f & CP_TF_PUNCT) != 0;
  }
  n = b->tv.n;
  box_release(b);
  lua_pushinteger(L, (lua_Integer)n);
  lua_pushinteger(L, (lua_Integer)ns);
  lua_pushinteger(L, (lua_Integer)np);
  lua_pushinteger(L, (lua_Integer)npunct);
  return 4;
}

static int l_utf8_repair (lua_State *L) {
  size_t n, outlen = 0, bad = 0;
  const char *s = luaL_checklstring(L, 1, &n);
  box *b = newbox(L);
  cp_err err;
  if (cp_utf8_repair(s, n, &b->str, &outlen, &bad, &err) != CP_OK)
    return cpL_raise(L, &err);
  if (b->str == NULL) lua_pushvalue(L, 1);
  else lua_pushlstring(L, b->str, outlen);
  box_release(b);
  lua_pushinteger(L, (lua_Integer)bad);
  return 2;
}

static const luaL_Reg tok_funcs[] = {
  {"wordbreaks", l_wordbreaks},
  {"sentbreaks", l_sentbreaks},
  {"tokenize", l_tokenize},
  {"tokcount", l_tokcount},
  {"utf8_repair", l_utf8_repair},
  {NULL, NULL}
};

int cpL_open_tok (lua_State *L) {
  luaL_checktype(L, -2, LUA_TTABLE);
  cpL_gcmeta(L, BOX, box_gc);
  lua_pushvalue(L, -2);
  luaL_setfuncs(L, tok_funcs, 0);
  lua_pop(L, 1);
  return 0;
}
