/*
** l_extract.c -- Lua binding of the extractors (extract.h), in
** corpus.core:
**
**   extract(text, what [, anchor [, mode]]) -> {entities =, quotes =,
**       dates =, numbers =}   (only the parts asked for)
**
** 'what' is a string of letters: e(ntities) q(uotes) d(ates) n(umbers);
** 'anchor' an ISO date ("2021-04-05") or nil; 'mode' the tokenizer mode.
** Byte offsets are 1-based inclusive: text:sub(r.start, r.stop).  The
** Lua layer (lua/corpus/extract.lua) adds document fields and filters.
*/
#include <stdlib.h>
#include <string.h>

#include <lua.h>
#include <lauxlib.h>

#include "l_corpus.h"
#include "extract.h"
#include "analyse.h"

#define BOX "corpus.core.extractbox"

typedef struct box { cp_tokvec tv; cp_extract x; } box;

static int box_gc (lua_State *L) {
  box *b = (box *)luaL_checkudata(L, 1, BOX);
  cp_tokvec_free(&b->tv);
  cp_extract_free(&b->x);
  return 0;
}

/* push a name with each run of white space as one space: names wrap
** across lines in news wire text ("Douglas\nYearley") */
static void push_name (lua_State *L, const char *p, size_t n) {
  char *o = (char *)lua_newuserdatauv(L, n ? n : 1, 0);  /* freed by the GC */
  lua_pushlstring(L, o, cp_extract_name(p, n, o));
  lua_remove(L, -2);
}

#define SETNAME(k, p, n) (push_name(L, (p), (n)), lua_setfield(L, -2, k))
#define SETINT(k, v) (lua_pushinteger(L, (lua_Integer)(v)), lua_setfield(L, -2, k))
#define SETSTR(k, p, n) (lua_pushlstring(L, (p), (n)), lua_setfield(L, -2, k))

static void push_entities (lua_State *L, const char *s, const cp_entities *E) {
  size_t i;
  lua_createtable(L, (int)E->n, 0);
  for (i = 0; i < E->n; i++) {
    const cp_entity *e = &E->v[i], *c = &E->v[e->canon];
    lua_createtable(L, 0, 5);
    SETSTR("text", s + e->start, e->stop - e->start);
    lua_pushstring(L, cp_entity_kind_name(e->kind)); lua_setfield(L, -2, "kind");
    SETNAME("canonical", s + c->start, c->stop - c->start);
    SETINT("start", e->start + 1);
    SETINT("stop", e->stop);
    lua_rawseti(L, -2, (lua_Integer)i + 1);
  }
}

static void push_quotes (lua_State *L, const char *s, const cp_tokvec *tv,
                         const cp_extract *x) {
  size_t i;
  unsigned p;
  lua_createtable(L, (int)x->quotes.n, 0);
  for (i = 0; i < x->quotes.n; i++) {
    const cp_quote *q = &x->quotes.v[i];
    size_t a, z;
    luaL_Buffer b;
    lua_createtable(L, 0, 12);
    luaL_buffinit(L, &b);
    for (p = 0; p < q->nparts; p++) {
      if (p) luaL_addchar(&b, ' ');
      luaL_addlstring(&b, s + q->part[p].start, q->part[p].stop - q->part[p].start);
    }
    luaL_pushresult(&b);
    lua_setfield(L, -2, "text");
    lua_createtable(L, (int)q->nparts, 0);
    for (p = 0; p < q->nparts; p++) {
      lua_createtable(L, 0, 2);
      SETINT("start", q->part[p].start + 1);
      SETINT("stop", q->part[p].stop);
      lua_rawseti(L, -2, (lua_Integer)p + 1);
    }
    lua_setfield(L, -2, "parts");
    lua_pushstring(L, cp_quote_kind_name(q->kind)); lua_setfield(L, -2, "kind");
    if (cp_extract_speaker(s, tv, x, q, &a, &z)) {
      SETNAME("speaker", s + a, z - a);
      SETINT("speaker_start", tv->v[q->sp0].start + 1);
      SETINT("speaker_stop", tv->v[q->sp1 - 1].stop);
    }
    if (cp_extract_cue(s, tv, q, &a, &z)) {
      SETSTR("cue", s + a, z - a);
      SETINT("cue_start", a + 1);
      SETINT("cue_stop", z);
    }
    lua_pushnumber(L, (lua_Number)((int)(q->confidence * 100 + 0.5)) / 100);
    lua_setfield(L, -2, "confidence");
    lua_rawseti(L, -2, (lua_Integer)i + 1);
  }
}

static void push_dates (lua_State *L, const char *s, const cp_timexes *D) {
  size_t i;
  lua_createtable(L, (int)D->n, 0);
  for (i = 0; i < D->n; i++) {
    const cp_timex *t = &D->v[i];
    lua_createtable(L, 0, 5);
    SETSTR("text", s + t->start, t->stop - t->start);
    lua_pushstring(L, cp_timex_type_name(t->type)); lua_setfield(L, -2, "type");
    lua_pushstring(L, t->value); lua_setfield(L, -2, "value");
    SETINT("start", t->start + 1);
    SETINT("stop", t->stop);
    lua_rawseti(L, -2, (lua_Integer)i + 1);
  }
}

static void push_numbers (lua_State *L, const char *s, const cp_numbers *N) {
  size_t i;
  lua_createtable(L, (int)N->n, 0);
  for (i = 0; i < N->n; i++) {
    const cp_number *r = &N->v[i];
    lua_createtable(L, 0, 5);
    SETSTR("text", s + r->start, r->stop - r->start);
    if (r->value == (double)(lua_Integer)r->value && r->value < 9.0e15)
      lua_pushinteger(L, (lua_Integer)r->value);
    else lua_pushnumber(L, (lua_Number)r->value);
    lua_setfield(L, -2, "value");
    if (r->unit) { lua_pushstring(L, r->unit); lua_setfield(L, -2, "unit"); }
    SETINT("start", r->start + 1);
    SETINT("stop", r->stop);
    lua_rawseti(L, -2, (lua_Integer)i + 1);
  }
}

static int l_extract (lua_State *L) {
  size_t n, wl, al = 0, k;
  const char *s = luaL_checklstring(L, 1, &n);
  const char *what = luaL_checklstring(L, 2, &wl);
  const char *an = luaL_optlstring(L, 3, NULL, &al);
  static const char *const modes[] = {"corpus", "strict", NULL};
  int mode = luaL_checkoption(L, 4, "corpus", modes) == 0 ? CP_TOK_CORPUS : CP_TOK_STRICT;
  unsigned bits = 0;
  cp_anchor anchor = {0, 0, 0};
  cp_err err;
  box *b;
  for (k = 0; k < wl; k++) {
    switch (what[k]) {
      case 'e': bits |= CP_X_ENTITIES; break;
      case 'q': bits |= CP_X_QUOTES; break;
      case 'd': bits |= CP_X_DATES; break;
      case 'n': bits |= CP_X_NUMBERS; break;
      default: return luaL_argerror(L, 2, "letters e, q, d, n expected");
    }
  }
  if (an && !cp_anchor_parse(an, al, &anchor))
    return luaL_argerror(L, 3, "anchor must be an ISO date (YYYY, YYYY-MM or YYYY-MM-DD)");
  b = (box *)lua_newuserdatauv(L, sizeof *b, 0);
  memset(b, 0, sizeof *b);
  luaL_setmetatable(L, BOX);
  if (cp_tok_run(s, n, mode, &b->tv, &err) != CP_OK) return cpL_raise(L, &err);
  if (cp_extract_run(s, n, &b->tv, an ? &anchor : NULL, bits, &b->x, &err) != CP_OK)
    return cpL_raise(L, &err);
  lua_createtable(L, 0, 4);
  if (bits & CP_X_ENTITIES) { push_entities(L, s, &b->x.ents); lua_setfield(L, -2, "entities"); }
  if (bits & CP_X_QUOTES) { push_quotes(L, s, &b->tv, &b->x); lua_setfield(L, -2, "quotes"); }
  if (bits & CP_X_DATES) { push_dates(L, s, &b->x.dates); lua_setfield(L, -2, "dates"); }
  if (bits & CP_X_NUMBERS) { push_numbers(L, s, &b->x.nums); lua_setfield(L, -2, "numbers"); }
  cp_tokvec_free(&b->tv);
  cp_extract_free(&b->x);
  return 1;
}

/*
** The option 'analyse' of the table at t (corpus.new, corpus.create):
** nil or true = every analyser, false = none, a list of names
** ("entities", "quotes", "dates", "numbers") = those.  Raises on
** anything else, naming 'fname'.
*/
unsigned cpL_analyse_opt (lua_State *L, int t, const char *fname) {
  unsigned bits = 0;
  lua_Integer i, n;
  if (lua_isnoneornil(L, t)) return CP_X_ALL;
  lua_getfield(L, t, "analyse");
  switch (lua_type(L, -1)) {
    case LUA_TNIL: bits = CP_X_ALL; break;
    case LUA_TBOOLEAN: bits = lua_toboolean(L, -1) ? CP_X_ALL : 0; break;
    case LUA_TTABLE:
      n = (lua_Integer)lua_rawlen(L, -1);
      for (i = 1; i <= n; i++) {
        size_t len;
        const char *name;
        unsigned bit;
        lua_rawgeti(L, -1, i);
        name = lua_type(L, -1) == LUA_TSTRING ? lua_tolstring(L, -1, &len) : NULL;
        bit = name ? cp_analyse_bit(name, len) : 0;
        if (bit == 0)
          return (unsigned)cpL_error(L, "bad option 'analyse' to '%s' (unknown "
                 "analyser '%s': entities, quotes, dates, numbers)", fname,
                 name ? name : luaL_typename(L, -1));
        bits |= bit;
        lua_pop(L, 1);
      }
      break;
    default:
      return (unsigned)cpL_error(L, "bad option 'analyse' to '%s' (boolean "
             "or list of names expected, got %s)", fname, luaL_typename(L, -1));
  }
  lua_pop(L, 1);
  return bits;
}

/* c:analysers() -> the names of the analysers that run at add time,
** in the order entities, quotes, dates, numbers ({} when none) */
static int corpus_analysers (lua_State *L) {
  cp_corpus *c = cpL_checkcorpus(L, 1);
  unsigned bits = cp_corpus_analyse(c), b;
  int k = 0;
  lua_newtable(L);
  for (b = 1; b <= CP_X_NUMBERS; b <<= 1)
    if (bits & b) {
      lua_pushstring(L, cp_analyse_name(b));
      lua_rawseti(L, -2, ++k);
    }
  return 1;
}

static const luaL_Reg extract_methods[] = {
  {"analysers", corpus_analysers},
  {NULL, NULL}
};

static const luaL_Reg extract_funcs[] = {
  {"extract", l_extract},
  {NULL, NULL}
};

int cpL_open_extract (lua_State *L) {
  luaL_checktype(L, -2, LUA_TTABLE);
  luaL_checktype(L, -1, LUA_TTABLE);
  cpL_gcmeta(L, BOX, box_gc);
  luaL_setfuncs(L, extract_methods, 0);
  lua_pushvalue(L, -2);
  luaL_setfuncs(L, extract_funcs, 0);
  lua_pop(L, 1);
  return 0;
}
