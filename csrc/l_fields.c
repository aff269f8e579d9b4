/*
** l_fields.c -- Lua binding of the indexed metadata fields
** (segfield.h): the option 'fields' of corpus.new / corpus.create and
** c:fields().
*/
#include <string.h>

#include "l_corpus.h"
#include "segfield.h"
#include "xint.h"

/* cpL_error raises; the NULL only satisfies the return type */
static const char *raise_null (int rc) {
  (void)rc;
  return NULL;
}

/*
** The option 'fields' of the table at t: nil = none, else a list of
** field names (strings), joined with spaces into buf (CP_FIELDS_TEXTMAX
** bytes); NULL when there is none.  Raises, naming 'fname', on a value
** that is not such a list or a name cp_fields_check refuses.
*/
const char *cpL_fields_opt (lua_State *L, int t, const char *fname,
                            char *buf) {
  lua_Integer i, n;
  size_t o = 0;
  cp_err e;
  if (lua_isnoneornil(L, t)) return NULL;
  lua_getfield(L, t, "fields");
  if (lua_isnil(L, -1)) { lua_pop(L, 1); return NULL; }
  if (!lua_istable(L, -1))
    return raise_null(cpL_error(L, "bad option 'fields' to '%s' "
           "(list of field names expected, got %s)", fname,
           luaL_typename(L, -1)));
  n = (lua_Integer)lua_rawlen(L, -1);
  if (n > CP_FIELDS_MAX)
    return raise_null(cpL_error(L, "bad option 'fields' to '%s' "
           "(at most %d fields)", fname, CP_FIELDS_MAX));
  buf[0] = '\0';
  for (i = 1; i <= n; i++) {
    size_t len;
    const char *s;
    lua_rawgeti(L, -1, i);
    if (lua_type(L, -1) != LUA_TSTRING)
      return raise_null(cpL_error(L, "bad option 'fields' to "
             "'%s' (field name expected, got %s)", fname,
             luaL_typename(L, -1)));
    s = lua_tolstring(L, -1, &len);
    if (len == 0 || len > CP_FIELDS_NAMEMAX || memchr(s, ' ', len) != NULL
        || memchr(s, '\0', len) != NULL)
      return raise_null(cpL_error(L, "bad option 'fields' to "
             "'%s' (a name of 1 to %d bytes without spaces expected: '%s')",
             fname, CP_FIELDS_NAMEMAX, s));
    if (o > 0) buf[o++] = ' ';
    memcpy(buf + o, s, len);   /* fits: CP_FIELDS_MAX names of <= NAMEMAX */
    o += len;
    buf[o] = '\0';
    lua_pop(L, 1);
  }
  lua_pop(L, 1);
  if (cp_fields_check(buf, &e) != CP_OK)
    return raise_null(cpL_error(L, "bad option 'fields' to '%s' "
           "(%s)", fname, e.msg));
  return o > 0 ? buf : NULL;
}

/*
** If 'name' is one of the fields the corpus indexes (the space-separated
** 'list', cp_corpus_fields), push {segments =, of =, types =, tokens =,
** words =, docs =}: what its segments hold of it over the live
** documents (segments of 'of' that index it; one written before the
** field was named has none) and return 1; else push nothing, return 0;
** -1 with *err set when a section is damaged (nothing raises: the
** caller holds malloc'd memory).
*/
int cpL_push_field_index (lua_State *L, cp_corpus *c, const char *list,
                          const char *name, size_t len, cp_err *err) {
  const char *p = list, *nm;
  size_t l;
  while ((l = cp_fields_next(&p, &nm)) > 0) {
    if (l == len && memcmp(nm, name, len) == 0) {
      cp_field_info_t fi;
      size_t k;
      if (cp_field_info(c, name, len, &fi, err) != CP_OK) return -1;
      {
        const struct { const char *key; uint64_t v; } row[] = {
          {"segments", fi.segs}, {"of", fi.nsegs}, {"types", fi.types},
          {"tokens", fi.tokens}, {"words", fi.words}, {"docs", fi.docs},
        };
        lua_createtable(L, 0, 6);
        for (k = 0; k < sizeof(row) / sizeof(row[0]); k++) {
          lua_pushinteger(L, (lua_Integer)row[k].v);
          lua_setfield(L, -2, row[k].key);
        }
      }
      return 1;
    }
  }
  return 0;
}
