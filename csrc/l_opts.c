/*
** l_opts.c -- the one options reader of the binding.
**
** Every public function that takes an options table checks its keys
** here against one table of names (OPTIONS below), so an unknown key is
** an error naming it, the closest valid name and the valid ones, never
** a silently ignored setting.  The typed readers (cpL_opt*) read one
** value each with one set of messages.  Every error is raised at the
** caller's level: the position is that of the first stack frame outside
** the library (the Lua files in lua/corpus/ and C functions), so
** the message names the user's file and line however many library
** frames lie between.
**
** Lua: core.checkopts(opts, fname [, argn]) and core.error(msg) give the
** Lua layer the same rule.
*/
#include <stdarg.h>
#include <stdlib.h>
#include <math.h>
#include <string.h>

#include "l_corpus.h"
#include "suggest.h"
#include "tok.h"
#include "meta.h"
#include "variants.h"

/* {================================================================
** The table of options: method -> its option keys, space separated
** ================================================================= */

#define QOPTS "layer max_repeat max_matches max_expand max_work timeout " \
              "nocase variants"
#define SOPTS "layer punct max_work max_mem timeout"
/* the options of a sharded analysis that say how its tasks run */
#define RUNOPTS "what slurm partition time mem jobs retries lua poll"

static const struct { const char *fname, *keys; } OPTIONS[] = {
  {"new", "language mode analyse fields"},
  {"create", "language mode analyse fields"},
  {"open", "write verify"},
  {"add_dir", "pattern meta"},
  {"add_jsonl", "offset length line"},
  {"parse", "layer max_repeat nocase variants"},
  {"explain", "layer max_repeat nocase variants"},
  {"count", "docs where by " QOPTS},
  {"matches", QOPTS},
  {"kwic", "width " QOPTS},
  {"search", "limit offset k1 b tokens before after ellipsis fields " QOPTS},
  {"highlight", "before after ellipsis " QOPTS},
  {"freq", "where min limit stop by spans attr " SOPTS},
  {"ngrams", "where min limit containing stop by " SOPTS},
  {"collocates", "where window left right measure min limit stop by variants " SOPTS},
  {"collocations", "where window measure min limit stop by " SOPTS},
  {"keyness", "measure min limit bonferroni stop by " SOPTS},
  {"dispersion", "where parts max_matches variants " SOPTS},
  {"similar", "where limit by " SOPTS},
  {"similarity", SOPTS},
  {"dtm", "where min limit " SOPTS},
  /* corpus.shard.analyse{what = ...}: the analysis's options and those
  ** that say how its tasks run (lua/corpus/shard.lua) */
  {"analyse(freq)", "where min limit " SOPTS " " RUNOPTS},
  {"analyse(ngrams)", "n where min limit " SOPTS " " RUNOPTS},
  {"analyse(collocations)", "where window measure min limit " SOPTS " " RUNOPTS},
  {"analyse(collocates)", "q where window left right measure min limit "
   SOPTS " " RUNOPTS},
  {"analyse(keyness)", "target reference measure min limit bonferroni "
   SOPTS " " RUNOPTS},
  {"analyse(reuse)", "min max_df layer limit mismatch gap gap_extend " RUNOPTS},
  {"lookup", "where by " SOPTS},
  {"add_vrt", "columns meta"},
  {"quotes", "anchor speaker kind limit"},
  {"entities", "anchor speaker kind limit"},
  {"dates", "anchor speaker kind limit"},
  {"numbers", "anchor speaker kind limit"},
  {"write", "format columns info"},
  {"report", "queries by title output stop limit lines docs keyness quotes "
             "reuse reuse_max_words"},
  {"build_sharded", "out inputs shards slurm partition time mem language mode "
                    "retries jobs lua quiet poll analyse fields"},
  {"shard.add", "inputs slurm partition time mem retries lua poll jobs"},
  {"shard.replace", "inputs slurm partition time mem retries lua poll jobs"},
  {"concordance", "layer where max_matches max_expand max_work timeout"},
  {"rows", "width left right chars context offset limit"},
  {"reuse", "min source target against layer max_df limit mismatch gap "
            "gap_extend clusters keep"},
  {NULL, NULL}
};

/* the key list of 'fname', or NULL */
static const char *keys_of (const char *fname) {
  int i;
  for (i = 0; OPTIONS[i].fname != NULL; i++)
    if (strcmp(OPTIONS[i].fname, fname) == 0) return OPTIONS[i].keys;
  return NULL;
}

/* }================================================================ */


/* {================================================================
** Errors at the caller's level
** ================================================================= */

/* is 'src' (a chunk source, "@path") one of the library's Lua files? */
static int library_source (const char *src) {
  const char *p;
  size_t n;
  if (src == NULL || src[0] != '@') return 0;
  n = strlen(src);
  if (n < 5 || strcmp(src + n - 4, ".lua") != 0) return 0;
  for (p = src + n - 4; p > src && p[-1] != '/' && p[-1] != '@'; p--) ;
  /* p: the file name; the directory above it must be "corpus" */
  if (p - src >= 8 && strncmp(p - 7, "corpus/", 7) == 0 &&
      (p - src == 8 || p[-8] == '/' || p[-8] == '@'))
    return 1;
  return 0;
}

void cpL_where (lua_State *L) {
  lua_Debug ar;
  int level;
  for (level = 1; lua_getstack(L, level, &ar); level++) {
    if (!lua_getinfo(L, "Sl", &ar)) break;
    /* C frames, the library's own, and Lua 5.1's "(tail call)" marks
    ** (what == "tail") are not the caller */
    if (ar.what[0] == 'C' || strcmp(ar.what, "tail") == 0 ||
        library_source(ar.source))
      continue;
    if (ar.currentline > 0) {
      lua_pushfstring(L, "%s:%d: ", ar.short_src, ar.currentline);
      return;
    }
    break;
  }
  lua_pushliteral(L, "");
}

int cpL_error (lua_State *L, const char *fmt, ...) {
  va_list ap;
  cpL_where(L);
  va_start(ap, fmt);
  lua_pushvfstring(L, fmt, ap);
  va_end(ap);
  lua_concat(L, 2);
  return lua_error(L);
}

/* }================================================================ */


/* {================================================================
** Checking keys
** ================================================================= */

/* copy 'keys' into buf and point cands[] at its words */
static size_t split_keys (const char *keys, char *buf, size_t bufsz,
                          const char **cands, size_t maxc) {
  size_t n = 0, len = strlen(keys);
  char *p;
  if (len >= bufsz) len = bufsz - 1;
  memcpy(buf, keys, len);
  buf[len] = '\0';
  for (p = strtok(buf, " "); p != NULL && n < maxc; p = strtok(NULL, " "))
    cands[n++] = p;
  return n;
}

static int cmp_cstr (const void *a, const void *b) {
  return strcmp(*(const char *const *)a, *(const char *const *)b);
}

void cpL_checkopts (lua_State *L, int idx, const char *fname, int argn) {
  const char *keys = keys_of(fname);
  char buf[512];
  const char *cands[64];
  size_t n, i;
  if (idx < 0 && idx > LUA_REGISTRYINDEX) idx = lua_gettop(L) + idx + 1;
  if (lua_isnoneornil(L, idx)) return;
  if (!lua_istable(L, idx))
    cpL_error(L, "bad argument #%d to '%s' (table of options expected, got %s)",
              argn, fname, luaL_typename(L, idx));
  if (keys == NULL) cpL_error(L, "'%s' takes no options", fname);
  n = split_keys(keys, buf, sizeof(buf), cands, 64);
  lua_pushnil(L);
  while (lua_next(L, idx)) {
    const char *k, *sugg;
    size_t kl;
    long best;
    lua_pop(L, 1);
    if (lua_type(L, -1) != LUA_TSTRING)
      cpL_error(L, "bad argument #%d to '%s' (option names must be strings, "
                "got %s)", argn, fname, luaL_typename(L, -1));
    k = lua_tolstring(L, -1, &kl);
    for (i = 0; i < n; i++)
      if (strlen(cands[i]) == kl && memcmp(cands[i], k, kl) == 0) break;
    if (i < n) continue;
    best = cp_suggest(k, kl, cands, n);
    sugg = best >= 0 ? cands[best] : NULL;   /* points into buf */
    qsort(cands, n, sizeof(cands[0]), cmp_cstr);
    {
      luaL_Buffer b;
      luaL_buffinit(L, &b);
      for (i = 0; i < n; i++) {
        if (i > 0) luaL_addstring(&b, ", ");
        luaL_addstring(&b, cands[i]);
      }
      luaL_pushresult(&b);
    }
    if (sugg != NULL)
      cpL_error(L, "unknown option '%s' to '%s' (did you mean '%s'?); "
                "valid options: %s", k, fname, sugg, lua_tostring(L, -1));
    cpL_error(L, "unknown option '%s' to '%s'; valid options: %s", k, fname,
              lua_tostring(L, -1));
  }
}

/* core.checkopts(opts, fname [, argn]) */
static int l_checkopts (lua_State *L) {
  const char *fname = luaL_checkstring(L, 2);
  int argn = (int)luaL_optinteger(L, 3, 1);
  if (keys_of(fname) == NULL)
    return luaL_error(L, "checkopts: no option list for '%s'", fname);
  cpL_checkopts(L, 1, fname, argn);
  return 0;
}

/* core.error(msg): raise msg at the caller's level */
static int l_error (lua_State *L) {
  const char *msg = luaL_checkstring(L, 1);
  return cpL_error(L, "%s", msg);
}

/* core.search_keys(norm) -> the keys a norm type answers to besides
** itself (variants.h): its form without diacritics when that differs,
** and the word-character runs of a compound ("post-ebola" -> "post",
** "ebola"); a list, maybe empty */
static int l_search_keys (lua_State *L) {
  size_t len, fl = 0, i = 0;
  const char *s = luaL_checklstring(L, 1, &len);
  char *f = NULL;
  const char *t = s;
  int rc = cp_strip_diacritics(s, len, &f, &fl), n = 0;
  lua_newtable(L);
  if (rc == CP_ENOMEM) return luaL_error(L, "out of memory");
  if (rc != CP_OK) return 1;
  t = f;
  if (fl != len || memcmp(f, s, len) != 0) {
    lua_pushlstring(L, f, fl);
    lua_rawseti(L, -2, ++n);
  }
  {
    size_t off, plen;
    while (cp_variant_part(t, fl, &i, &off, &plen)) {
      lua_pushlstring(L, t + off, plen);
      lua_rawseti(L, -2, ++n);
    }
  }
  free(f);
  return 1;
}

/* core.suggest(name, {names...}) -> the closest name | nil */
static int l_suggest (lua_State *L) {
  size_t len, n, i;
  const char *name = luaL_checklstring(L, 1, &len);
  const char **cands;
  long best;
  luaL_checktype(L, 2, LUA_TTABLE);
  n = (size_t)luaL_len(L, 2);
  cands = (const char **)lua_newuserdatauv(L, (n ? n : 1) * sizeof(char *), 0);
  for (i = 0; i < n; i++) {
    lua_rawgeti(L, 2, (lua_Integer)i + 1);   /* anchored by table 2 */
    cands[i] = lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : NULL;
    lua_pop(L, 1);
  }
  best = cp_suggest(name, len, cands, n);
  if (best < 0) lua_pushnil(L);
  else lua_pushstring(L, cands[best]);
  return 1;
}

/* }================================================================ */


/* {================================================================
** Typed readers: the value of key k of the table at idx (none or nil
** table: the default)
** ================================================================= */

/* push opts[k] and return its type; LUA_TNIL when there is no table */
static int getopt (lua_State *L, int idx, const char *k) {
  if (lua_isnoneornil(L, idx)) { lua_pushnil(L); return LUA_TNIL; }
  if (!lua_istable(L, idx))
    cpL_error(L, "options must be a table, got %s", luaL_typename(L, idx));
  return lua_getfield(L, idx, k);
}

lua_Integer cpL_optint (lua_State *L, int idx, const char *k,
                        lua_Integer def, lua_Integer min) {
  lua_Integer v = def;
  int isnum = 1;
  if (getopt(L, idx, k) != LUA_TNIL) {
    /* an integral float (1e6, 2^20) is the integer it equals; 2.5 or
    ** a float out of the integer range is an error, never truncated */
    v = lua_type(L, -1) == LUA_TNUMBER ? lua_tointegerx(L, -1, &isnum) : 0;
    if (lua_type(L, -1) != LUA_TNUMBER) isnum = 0;
    if (!isnum)
      cpL_error(L, "bad option '%s' (integer expected, got %s)", k,
                lua_type(L, -1) == LUA_TNUMBER ? "float" : luaL_typename(L, -1));
  }
  lua_pop(L, 1);
  if (v < min) cpL_error(L, "bad option '%s' (integer >= %d expected)",
                         k, (int)min);
  return v;
}

double cpL_optnum (lua_State *L, int idx, const char *k, double def,
                   double min) {
  double v = def;
  if (getopt(L, idx, k) != LUA_TNIL) {
    if (lua_type(L, -1) != LUA_TNUMBER)
      cpL_error(L, "bad option '%s' (number expected, got %s)", k,
                luaL_typename(L, -1));
    v = lua_tonumber(L, -1);
  }
  lua_pop(L, 1);
  if (!(v >= min) || v == HUGE_VAL)
    cpL_error(L, "bad option '%s' (finite number >= %g expected)", k, min);
  return v;
}

const char *cpL_optstr (lua_State *L, int idx, const char *k,
                        const char *def) {
  const char *s = def;
  if (getopt(L, idx, k) != LUA_TNIL) {
    if (lua_type(L, -1) != LUA_TSTRING)
      cpL_error(L, "bad option '%s' (string expected, got %s)", k,
                luaL_typename(L, -1));
    s = lua_tostring(L, -1);      /* anchored by the options table */
  }
  lua_pop(L, 1);
  return s;
}

int cpL_optbool (lua_State *L, int idx, const char *k, int def) {
  int v = def;
  if (getopt(L, idx, k) != LUA_TNIL) {
    if (lua_type(L, -1) != LUA_TBOOLEAN)
      cpL_error(L, "bad option '%s' (boolean expected, got %s)", k,
                luaL_typename(L, -1));
    v = lua_toboolean(L, -1);
  }
  lua_pop(L, 1);
  return v;
}

int cpL_optenum (lua_State *L, int idx, const char *k, const char *def,
                 const char *const names[]) {
  const char *v = cpL_optstr(L, idx, k, def);
  luaL_Buffer b;
  long best;
  size_t n = 0;
  int i;
  if (v != NULL)
    for (i = 0; names[i] != NULL; i++)
      if (strcmp(v, names[i]) == 0) return i;
  while (names[n] != NULL) n++;
  luaL_buffinit(L, &b);
  for (i = 0; names[i] != NULL; i++) {
    if (i > 0) luaL_addstring(&b, ", ");
    luaL_addstring(&b, names[i]);
  }
  luaL_pushresult(&b);
  best = v ? cp_suggest(v, strlen(v), (const char *const *)names, n) : -1;
  if (best >= 0)
    cpL_error(L, "bad option '%s' (unknown value '%s' (did you mean '%s'?); "
              "one of %s expected)", k, v, names[best], lua_tostring(L, -1));
  return cpL_error(L, "bad option '%s' (unknown value '%s'; one of %s expected)",
                   k, v ? v : "?", lua_tostring(L, -1));
}

/* }================================================================ */


/* {================================================================
** Options shared by several functions
** ================================================================= */

/* tokenizer modes, in CP_TOK_* order */
const char *const cpL_tokmodes[] = {"corpus", "strict", NULL};

void cpL_tokopts (lua_State *L, int idx, cp_opts *o) {
  o->language = cpL_optstr(L, idx, "language", NULL);  /* anchored in opts */
  o->mode = cpL_optenum(L, idx, "mode", "corpus", cpL_tokmodes) == 0
            ? CP_TOK_CORPUS : CP_TOK_STRICT;
}

/* }================================================================ */


static const luaL_Reg opts_funcs[] = {
  {"checkopts", l_checkopts},
  {"error", l_error},
  {"suggest", l_suggest},
  {"search_keys", l_search_keys},
  {NULL, NULL}
};

int cpL_open_opts (lua_State *L) {
  int i;
  lua_pushvalue(L, -2);
  luaL_setfuncs(L, opts_funcs, 0);
  lua_newtable(L);           /* core.reserved_fields: names c:doc(n) uses */
  for (i = 0; cp_meta_reserved[i] != NULL; i++) {
    lua_pushstring(L, cp_meta_reserved[i]);
    lua_rawseti(L, -2, i + 1);
  }
  lua_setfield(L, -2, "reserved_fields");
  lua_pop(L, 1);
  return 0;
}
