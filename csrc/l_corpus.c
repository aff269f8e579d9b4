/*
** l_corpus.c -- Lua binding of the corpus object (corpus.h) and the
** module table `corpus.core`.  Thin: check arguments, call the core,
** push results.  The public API is lua/corpus/init.lua, which adds its
** methods (kwic, add_file, add_jsonl, ...) to the same method table.
**
** Conventions (README "Errors"): misuse raises; failures of data or
** the environment return nil, message, code.
** Numbers seen by Lua are 1-based: documents, token indexes within a
** document, and byte offsets (s:sub(start, stop) is the token).
*/
#include <string.h>
#include <stdlib.h>
#include <errno.h>
#include <dirent.h>
#include <sys/stat.h>

#include <lua.h>
#include <lauxlib.h>

#include "l_corpus.h"
#include "segfield.h"
#include "extract.h"
#include "conllu.h"
#include "vrt.h"
#include "jsonl.h"
#include "tok.h"
#include "analysis.h"
#include "conc.h"


/* {================================================================
** Shared helpers
** ================================================================= */

/* not luaL_checkudata: its message carries the position of level 1,
** which a tail call (return c.stats(x)) has already left on LuaJIT;
** cpL_error names the caller's line on every interpreter */
cpL_Corpus *cpL_tocorpus (lua_State *L, int idx) {
  void *p = lua_touserdata(L, idx);
  int ok = 0;
  if (p != NULL && lua_getmetatable(L, idx)) {
    luaL_getmetatable(L, CPL_CORPUS);
    ok = lua_rawequal(L, -1, -2);
    lua_pop(L, 2);
  }
  if (!ok) {
    if (idx == 1)
      cpL_error(L, "bad self (corpus expected, got %s)", luaL_typename(L, idx));
    cpL_error(L, "bad argument #%d (corpus expected, got %s)", idx - 1,
              luaL_typename(L, idx));
  }
  return (cpL_Corpus *)p;
}

cp_corpus *cpL_checkcorpus (lua_State *L, int idx) {
  cpL_Corpus *u = cpL_tocorpus(L, idx);
  if (u->c == NULL) cpL_error(L, "attempt to use a closed corpus");
  return u->c;
}

void cpL_gcmeta (lua_State *L, const char *name, lua_CFunction gc) {
  if (luaL_newmetatable(L, name)) {
    lua_pushcfunction(L, gc);
    lua_setfield(L, -2, "__gc");
  }
  lua_pop(L, 1);
}

int cpL_raise (lua_State *L, const cp_err *e) {
  return cpL_error(L, "%s", e->msg);   /* at the caller's line */
}

int cpL_fail (lua_State *L, const cp_err *e) {
  lua_pushnil(L);
  lua_pushstring(L, e->msg);
  lua_pushstring(L, cp_code_name(e->code));
  return 3;
}

static int corpus_gc (lua_State *L);

cpL_Corpus *cpL_newcorpus (lua_State *L) {
  cpL_Corpus *u = (cpL_Corpus *)lua_newuserdatauv(L, sizeof(cpL_Corpus), 1);
  memset(u, 0, sizeof(*u));
  luaL_setmetatable(L, CPL_CORPUS);
  return u;
}

/* }================================================================ */


/* {================================================================
** Module functions
** ================================================================= */

/* corpus.core.new([opts]) -> corpus | nil, msg, code */
static int l_new (lua_State *L) {
  char fields[CP_FIELDS_TEXTMAX];
  cp_opts o;
  cp_err e;
  cpL_Corpus *u;
  memset(&o, 0, sizeof(o));
  cpL_tokopts(L, 1, &o);
  o.analyse = cpL_analyse_opt(L, 1, "new");
  o.fields = cpL_fields_opt(L, 1, "new", fields);
  u = cpL_newcorpus(L);
  u->c = cp_corpus_new(&o, &e);
  if (u->c == NULL) return cpL_fail(L, &e);
  return 1;
}

static int l_languages (lua_State *L) {
  const char *s = cp_an_languages(), *p;
  int i = 0;
  lua_newtable(L);
  while (s != NULL && *s) {
    p = strchr(s, ',');
    lua_pushlstring(L, s, p ? (size_t)(p - s) : strlen(s));
    lua_rawseti(L, -2, ++i);
    if (p == NULL) break;
    s = p + 1;
  }
  return 1;
}

static int cmp_str (const void *a, const void *b) {
  return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/*
** corpus.core.listdir(path) -> sorted array of the names of the regular
** files in 'path' (bytewise order) | nil, msg, code.  Lua has no
** directory listing of its own; add_dir needs one.
*/
static int l_listdir (lua_State *L) {
  const char *path = luaL_checkstring(L, 1);
  DIR *d = opendir(path);
  struct dirent *ent;
  luaL_Buffer b;
  int n = 0, i;
  const char **names;
  if (d == NULL) {
    int en = errno;
    lua_pushnil(L);
    lua_pushfstring(L, "%s: %s", path, strerror(en));
    lua_pushstring(L, en == ENOENT ? "ENOENT"
                    : (en == EACCES || en == EPERM) ? "EACCES" : "EIO");
    return 3;
  }
  lua_newtable(L);                               /* names, unsorted */
  while ((ent = readdir(d)) != NULL) {
    struct stat sb;
    if (strcmp(ent->d_name, ".") == 0 || strcmp(ent->d_name, "..") == 0)
      continue;
    luaL_buffinit(L, &b);
    luaL_addstring(&b, path);
    luaL_addchar(&b, '/');
    luaL_addstring(&b, ent->d_name);
    luaL_pushresult(&b);
    if (stat(lua_tostring(L, -1), &sb) == 0 && S_ISREG(sb.st_mode)) {
      lua_pushstring(L, ent->d_name);
      lua_rawseti(L, -3, ++n);
    }
    lua_pop(L, 1);
  }
  closedir(d);
  names = (const char **)lua_newuserdatauv(L, sizeof(char *) * (size_t)(n + 1), 0);
  for (i = 0; i < n; i++) {
    lua_rawgeti(L, -2, i + 1);
    names[i] = lua_tostring(L, -1);              /* anchored in the table */
    lua_pop(L, 1);
  }
  qsort(names, (size_t)n, sizeof(char *), cmp_str);
  lua_createtable(L, n, 0);
  for (i = 0; i < n; i++) {
    lua_pushstring(L, names[i]);
    lua_rawseti(L, -2, i + 1);
  }
  return 1;
}

/* }================================================================ */


/* {================================================================
** Methods
** ================================================================= */

static int corpus_gc (lua_State *L) {
  cpL_Corpus *u = cpL_tocorpus(L, 1);
  if (u->c != NULL) {
    cp_corpus_free(u->c);
    u->c = NULL;
  }
  if (u->ext != NULL) {
    if (u->ext_free) u->ext_free(u->ext);
    u->ext = NULL;
  }
  return 0;
}

static int corpus_tostring (lua_State *L) {
  cpL_Corpus *u = cpL_tocorpus(L, 1);
  if (u->c == NULL) lua_pushliteral(L, "corpus (closed)");
  else lua_pushfstring(L, "corpus (%p)", (void *)u);
  return 1;
}

static int corpus_isclosed (lua_State *L) {
  lua_pushboolean(L, cpL_tocorpus(L, 1)->c == NULL);
  return 1;
}

static int corpus_language (lua_State *L) {
  lua_pushstring(L, cp_corpus_language(cpL_checkcorpus(L, 1)));
  return 1;
}

/* the metadata value at index t as field 'key' of m ('list': an element
** of a list); integers stay integers, booleans booleans */
static void meta_value (lua_State *L, int t, const char *key, size_t keylen,
                        int list, cp_meta *m) {
  memset(m, 0, sizeof(*m));
  m->key = key; m->keylen = keylen;
  m->list = list;
  if (lua_isinteger(L, t)) {
    m->type = CP_MINT;
    m->ival = (int64_t)lua_tointeger(L, t);
  }
  else if (lua_type(L, t) == LUA_TNUMBER) {
    m->type = CP_MNUM;
    m->num = lua_tonumber(L, t);
  }
  else if (lua_type(L, t) == LUA_TSTRING) {
    m->type = CP_MSTR;
    m->str = lua_tolstring(L, t, &m->strlen);
  }
  else if (lua_type(L, t) == LUA_TBOOLEAN) {
    m->type = CP_MBOOL;
    m->ival = lua_toboolean(L, t);
  }
  else
    cpL_error(L, "metadata field '%s' must be a string, number, boolean "
              "or list of those (got %s%s)", key, list ? "a list of " : "",
              luaL_typename(L, t));
}

/* fields the metadata of one document needs (a list of n: n, an empty
** list: 1); raises on reserved names, bad keys and nested tables */
static size_t meta_count (lua_State *L, int i) {
  size_t n = 0;
  lua_pushnil(L);
  while (lua_next(L, -2)) {
    size_t kl;
    const char *k;
    if (lua_type(L, -2) != LUA_TSTRING)
      cpL_error(L, "document %d: metadata keys must be strings", i);
    k = lua_tolstring(L, -2, &kl);
    if (cp_meta_is_reserved(k, kl))
      cpL_error(L, "document %d: '%s' is a reserved name, not a metadata "
                "field (c:doc(n) uses n, id, text, tokens and meta for the "
                "document itself)", i, k);
    if (lua_istable(L, -1)) {
      lua_Integer m = luaL_len(L, -1);
      if (m == 0) {                   /* {} is an empty list; {a = 1} no list */
        lua_pushnil(L);
        if (lua_next(L, -2))
          cpL_error(L, "document %d: metadata field '%s' is a table that is "
                    "not a list", i, k);
      }
      n += m > 0 ? (size_t)m : 1;
    }
    else n += 1;
    lua_pop(L, 1);
  }
  return n;
}

/*
** core:add(docs) -- docs is an array of {id =, text =, meta = {..}};
** all-or-nothing.  Returns the 1-based number of the first document
** added, or nil, msg, code.  Metadata values that are arrays become
** repeated fields.  All strings stay anchored in 'docs' during the call.
*/
static int corpus_add (lua_State *L) {
  cp_corpus *c = cpL_checkcorpus(L, 1);
  lua_Integer n, i;
  size_t nmeta = 0, mi = 0;
  cp_docin *docs;
  cp_meta *meta;
  uint64_t first;
  cp_err e;
  luaL_checktype(L, 2, LUA_TTABLE);
  n = luaL_len(L, 2);
  /* first pass: check types and count metadata fields */
  for (i = 1; i <= n; i++) {
    lua_rawgeti(L, 2, i);
    if (!lua_istable(L, -1))
      return luaL_error(L, "document %d must be a table", (int)i);
    if (lua_getfield(L, -1, "text") != LUA_TSTRING)
      return luaL_error(L, "document %d: text must be a string (got %s)",
                        (int)i, luaL_typename(L, -1));
    lua_pop(L, 1);
    lua_getfield(L, -1, "id");
    if (!lua_isnil(L, -1) && lua_type(L, -1) != LUA_TSTRING)
      return luaL_error(L, "document %d: id must be a string (got %s)",
                        (int)i, luaL_typename(L, -1));
    lua_pop(L, 1);
    if (lua_getfield(L, -1, "meta") == LUA_TTABLE)
      nmeta += meta_count(L, (int)i);
    lua_pop(L, 2);
  }
  /* buffers are userdata: an error raised below leaks nothing */
  docs = (cp_docin *)lua_newuserdatauv(L, sizeof(cp_docin) * (size_t)(n ? n : 1), 0);
  meta = (cp_meta *)lua_newuserdatauv(L, sizeof(cp_meta) * (nmeta ? nmeta : 1), 0);
  for (i = 1; i <= n; i++) {
    cp_docin *d = &docs[i - 1];
    memset(d, 0, sizeof(*d));
    lua_rawgeti(L, 2, i);
    lua_getfield(L, -1, "text");
    d->text = lua_tolstring(L, -1, &d->textlen);
    lua_pop(L, 1);
    lua_getfield(L, -1, "id");
    if (lua_isstring(L, -1)) d->id = lua_tolstring(L, -1, &d->idlen);
    lua_pop(L, 1);
    d->meta = meta + mi;
    if (lua_getfield(L, -1, "meta") == LUA_TTABLE) {
      lua_pushnil(L);
      while (lua_next(L, -2)) {
        size_t kl;
        const char *k = lua_tolstring(L, -2, &kl);
        if (lua_istable(L, -1)) {
          lua_Integer j, m = luaL_len(L, -1);
          if (m == 0 && mi < nmeta) {         /* an empty list */
            memset(&meta[mi], 0, sizeof(cp_meta));
            meta[mi].key = k; meta[mi].keylen = kl;
            meta[mi].type = CP_MEMPTY; meta[mi].list = 1;
            mi++; d->nmeta++;
          }
          for (j = 1; j <= m && mi < nmeta; j++) {
            if (lua_rawgeti(L, -1, j) == LUA_TTABLE)
              cpL_error(L, "document %d: metadata field '%s' item %d is a "
                        "table", (int)i, k, (int)j);
            meta_value(L, lua_gettop(L), k, kl, 1, &meta[mi++]);
            lua_pop(L, 1);   /* strings stay anchored in the table */
            d->nmeta++;
          }
        }
        else if (mi < nmeta) {
          meta_value(L, lua_gettop(L), k, kl, 0, &meta[mi++]);
          d->nmeta++;
        }
        lua_pop(L, 1);
      }
    }
    lua_pop(L, 2);
  }
  /* the first new number: sealed slots + pending (no flush, no stats:
  ** adding one document at a time must not seal a segment each time) */
  first = cp_corpus_ndocs(c) + cp_corpus_npending(c);
  if (cp_corpus_add(c, docs, (size_t)n, &e) != CP_OK) return cpL_fail(L, &e);
  lua_pushinteger(L, (lua_Integer)first + 1);
  return 1;
}

/*
** core:_add_jsonl(path, offset, length|nil, line) -- the JSON Lines of
** the byte range, parsed and tokenized on worker threads (jsonl.h);
** c:add_jsonl has checked the arguments.  Returns the number added,
** nil, msg, code, or false when the parsers rejected a line (c:add_jsonl
** then reads the file with cjson, for cjson's message and reading).
*/
static int corpus_add_jsonl (lua_State *L) {
  cp_corpus *c = cpL_checkcorpus(L, 1);
  const char *path = luaL_checkstring(L, 2);
  lua_Integer off = luaL_checkinteger(L, 3);
  lua_Integer len = luaL_optinteger(L, 4, -1);
  lua_Integer line = luaL_checkinteger(L, 5);
  char *buf;
  size_t n, added;
  int rc, parser;
  cp_err e;
  luaL_argcheck(L, off >= 0, 3, "offset must be >= 0");
  luaL_argcheck(L, line >= 0, 5, "line must be >= 0");
  rc = cp_jsonl_read(path, (uint64_t)off, len < 0 ? UINT64_MAX : (uint64_t)len,
                     &buf, &n, &e);
  if (rc != CP_OK) return cpL_fail(L, &e);
  /* no Lua call until buf is freed: nothing can raise in between */
  rc = cp_corpus_add_jsonl(c, buf, n, path, (uint64_t)line, off == 0, &added,
                           &parser, &e);
  free(buf);
  if (rc != CP_OK) {
    if (parser) { lua_pushboolean(L, 0);  return 1; }
    return cpL_fail(L, &e);
  }
  lua_pushinteger(L, (lua_Integer)added);
  return 1;
}

/*
** The metadata table at 'idx' (none/nil: no fields) as cp_meta records
** in a userdata pushed on the stack (strings stay anchored in the
** table); *n gets the number of fields.  Lists become repeated fields.
*/
static cp_meta *meta_table (lua_State *L, int idx, size_t *n) {
  size_t nmeta = 0, mi = 0;
  cp_meta *meta;
  if (!lua_isnoneornil(L, idx)) {
    luaL_checktype(L, idx, LUA_TTABLE);
    lua_pushnil(L);
    while (lua_next(L, idx)) {
      if (lua_type(L, -2) != LUA_TSTRING)
        luaL_error(L, "metadata keys must be strings");
      nmeta += lua_istable(L, -1) ? (size_t)luaL_len(L, -1) : 1;
      lua_pop(L, 1);
    }
  }
  meta = (cp_meta *)lua_newuserdatauv(L, sizeof(cp_meta) * (nmeta ? nmeta : 1), 0);
  if (nmeta > 0) {
    lua_pushnil(L);
    while (lua_next(L, idx)) {
      size_t kl;
      const char *k = lua_tolstring(L, -2, &kl);
      if (lua_istable(L, -1)) {
        lua_Integer j, m = luaL_len(L, -1);
        for (j = 1; j <= m && mi < nmeta; j++) {
          lua_rawgeti(L, -1, j);
          meta_value(L, lua_gettop(L), k, kl, 1, &meta[mi++]);
          lua_pop(L, 1);
        }
      }
      else if (mi < nmeta) meta_value(L, lua_gettop(L), k, kl, 0, &meta[mi++]);
      lua_pop(L, 1);
    }
  }
  *n = mi;
  return meta;
}

/*
** c:add_conllu_text(text, defid [, meta]) -> number of documents added,
** or nil, msg, code.  The CoNLL-U reader is csrc/conllu.c; 'meta' goes
** to every document.  All-or-nothing.
*/
static int corpus_add_conllu_text (lua_State *L) {
  cp_corpus *c = cpL_checkcorpus(L, 1);
  size_t len, dl, nmeta, nd;
  const char *text = luaL_checklstring(L, 2, &len);
  const char *defid = luaL_checklstring(L, 3, &dl);
  cp_meta *meta;
  cp_err e;
  luaL_argcheck(L, dl > 0, 3, "default id must be non-empty");
  meta = meta_table(L, 4, &nmeta);
  if (cp_corpus_add_conllu(c, text, len, defid, dl, meta, nmeta, &nd, &e) != CP_OK)
    return cpL_fail(L, &e);
  lua_pushinteger(L, (lua_Integer)nd);
  return 1;
}

/*
** c:add_vrt_text(text, defid, columns [, meta]) -> number of documents
** added, or nil, msg, code (csrc/vrt.c).  All-or-nothing.
*/
static int corpus_add_vrt_text (lua_State *L) {
  cp_corpus *c = cpL_checkcorpus(L, 1);
  size_t len, dl, nmeta, nd, nc, i;
  const char *text = luaL_checklstring(L, 2, &len);
  const char *defid = luaL_checklstring(L, 3, &dl);
  const char **cols;
  size_t *cl;
  cp_meta *meta;
  cp_err e;
  luaL_argcheck(L, dl > 0, 3, "default id must be non-empty");
  luaL_checktype(L, 4, LUA_TTABLE);
  nc = (size_t)luaL_len(L, 4);
  luaL_argcheck(L, nc > 0 && nc <= 32, 4, "1 to 32 column names expected");
  cols = (const char **)lua_newuserdatauv(L, nc * sizeof(char *), 0);
  cl = (size_t *)lua_newuserdatauv(L, nc * sizeof(size_t), 0);
  for (i = 0; i < nc; i++) {
    lua_rawgeti(L, 4, (lua_Integer)i + 1);
    if (lua_type(L, -1) != LUA_TSTRING)
      return luaL_error(L, "bad argument #4 to 'add_vrt_text' (column %d "
                        "must be a string)", (int)i + 1);
    cols[i] = lua_tolstring(L, -1, &cl[i]);
    lua_pop(L, 1);   /* anchored in the table */
  }
  meta = meta_table(L, 5, &nmeta);
  if (cp_corpus_add_vrt(c, text, len, defid, dl, cols, cl, nc, meta, nmeta,
                        &nd, &e) != CP_OK)
    return cpL_fail(L, &e);
  lua_pushinteger(L, (lua_Integer)nd);
  return 1;
}

static int corpus_flush (lua_State *L) {
  cp_corpus *c = cpL_checkcorpus(L, 1);
  cp_err e;
  if (cp_corpus_flush(c, &e) != CP_OK) return cpL_fail(L, &e);
  lua_pushboolean(L, 1);
  return 1;
}

#define SETINT(name, v) (lua_pushinteger(L, (lua_Integer)(v)), lua_setfield(L, -2, name))

static int corpus_stats (lua_State *L) {
  cp_corpus *c = cpL_checkcorpus(L, 1);
  cp_stats st;
  cp_err e;
  if (cp_corpus_stats(c, &st, &e) != CP_OK) return cpL_fail(L, &e);
  lua_createtable(L, 0, 12);
  SETINT("docs", st.docs);
  SETINT("tokens", st.tokens);
  SETINT("words", st.words);
  SETINT("punct", st.punct);
  SETINT("sentences", st.sentences);
  SETINT("paragraphs", st.paragraphs);
  SETINT("bytes", st.bytes);
  SETINT("invalid_utf8", st.invalid_utf8);
  SETINT("segments", st.segments);
  SETINT("types", st.types[CP_NORM]);
  lua_createtable(L, 0, CP_NLAYERS);
  SETINT("word", st.types[CP_WORD]);
  SETINT("norm", st.types[CP_NORM]);
  SETINT("stem", st.types[CP_STEM]);
  lua_setfield(L, -2, "layer_types");
  return 1;
}

/*
** Find a live document by 1-based number or by id string; returns 0
** (nothing pushed) when there is none.  Flushes pending documents.
*/
typedef struct docref {
  const cp_seg *s;
  size_t seg;
  uint32_t local;
  uint64_t n;        /* 0-based global */
  cp_docinfo di;
} docref;

/*
** The document named by the number or id at 'idx': 1 found, 0 not found
** (plain nil for the caller), -1 a failure of the data (damaged segment,
** failed flush) with 'e' filled (nil, msg, code for the caller).  A
** wrong argument type raises.
*/
static int get_doc (lua_State *L, cp_corpus *c, int idx, docref *r,
                    cp_err *e, unsigned need) {
  if (lua_type(L, idx) != LUA_TSTRING && !lua_isinteger(L, idx))
    cpL_error(L, "bad argument #1 (document number or id expected, got %s)",
              lua_type(L, idx) == LUA_TNUMBER ? "float" : luaL_typename(L, idx));
  /* 'need': the whole sections the caller reads (CP_SEGNEED_*); the
  ** document's own fields and text are checked per block as read */
  if (cp_corpus_ready(c, need, e) != CP_OK) return -1;
  if (lua_type(L, idx) == LUA_TSTRING) {
    size_t len;
    const char *id = lua_tolstring(L, idx, &len);
    if (cp_corpus_find(c, id, len, &r->n) != CP_OK) return 0;
  }
  else {
    lua_Integer n = lua_tointeger(L, idx);
    if (n < 1) return 0;
    r->n = (uint64_t)(n - 1);
  }
  if (cp_corpus_locate(c, r->n, &r->seg, &r->local) != CP_OK) return 0;
  if (cp_corpus_is_deleted(c, r->seg, r->local)) return 0;
  r->s = cp_corpus_seg(c, r->seg);
  if (cp_seg_doc(r->s, r->local, &r->di) != CP_OK) {
    cp_err_set(e, CP_ECORRUPT, "damaged document table in segment %d",
               (int)r->seg);
    return -1;
  }
  return 1;
}

/* the document or: push nil (not found) / nil, msg, code; see get_doc */
#define GET_DOC(L, c, idx, r, e, need) do { \
    int found_ = get_doc(L, c, idx, r, e, need); \
    if (found_ < 0) return cpL_fail(L, e); \
    if (found_ == 0) { lua_pushnil(L); return 1; } \
  } while (0)

static int corrupt (lua_State *L, const char *what, uint64_t n) {
  cp_err e;
  cp_err_set(&e, CP_ECORRUPT, "damaged %s in document %llu", what,
             (unsigned long long)n + 1);
  return cpL_fail(L, &e);
}

/* push one value (a CP_MEMPTY field pushes nothing and returns 0) */
static int push_value (lua_State *L, const cp_meta *m) {
  switch (m->type) {
    case CP_MINT: lua_pushinteger(L, (lua_Integer)m->ival); return 1;
    case CP_MNUM: lua_pushnumber(L, m->num); return 1;
    case CP_MBOOL: lua_pushboolean(L, (int)m->ival); return 1;
    case CP_MSTR: lua_pushlstring(L, m->str, m->strlen); return 1;
    default: return 0;
  }
}

/*
** Set the metadata fields of di in the table at -1: a field with the
** list flag is a list (even of one or none); a key repeated without it
** (segments written before the flag) becomes a list too.  Returns
** CP_OK, or CP_ECORRUPT for a damaged encoding (nothing is raised).
*/
int cpL_pushmeta (lua_State *L, const void *meta, size_t metalen) {
  int t = lua_gettop(L), r;
  size_t it = 0;
  cp_meta m;
  while ((r = cp_meta_next(meta, metalen, &it, &m)) == 1) {
    lua_pushlstring(L, m.key, m.keylen);               /* k */
    lua_pushvalue(L, -1);
    if (lua_rawget(L, t) == LUA_TTABLE) {              /* k list */
      if (push_value(L, &m))
        lua_rawseti(L, -2, (lua_Integer)lua_rawlen(L, -2) + 1);
      lua_pop(L, 2);
    }
    else if (!lua_isnil(L, -1)) {                      /* k old: repeated */
      lua_createtable(L, 2, 0);                        /* k old list */
      lua_insert(L, -2);
      lua_rawseti(L, -2, 1);
      if (push_value(L, &m)) lua_rawseti(L, -2, 2);
      lua_rawset(L, t);
    }
    else {                                             /* k nil */
      lua_pop(L, 1);
      if (m.list) {
        lua_createtable(L, 1, 0);
        if (push_value(L, &m)) lua_rawseti(L, -2, 1);
      }
      else if (!push_value(L, &m)) lua_newtable(L);
      lua_rawset(L, t);
    }
  }
  return r < 0 ? CP_ECORRUPT : CP_OK;
}

/* core:doc(n | id) -> {n =, id =, text =, meta... } | nil */
static int corpus_doc (lua_State *L) {
  cp_corpus *c = cpL_checkcorpus(L, 1);
  docref r;
  cp_err e;
  GET_DOC(L, c, 2, &r, &e, CP_SEGNEED_BASE);
  lua_newtable(L);
  if (cpL_pushmeta(L, r.di.meta, r.di.metalen) != CP_OK)
    return corrupt(L, "metadata", r.n);
  SETINT("n", r.n + 1);
  lua_pushlstring(L, r.di.id, r.di.idlen); lua_setfield(L, -2, "id");
  lua_pushlstring(L, r.di.text, r.di.textlen); lua_setfield(L, -2, "text");
  SETINT("tokens", r.di.tok_count);
  return 1;
}

/* core:_docid(n) -> the id of live document n | nil (deleted, out of
** range): c:docs() walks the numbers with it without copying texts */
static int corpus_docid (lua_State *L) {
  cp_corpus *c = cpL_checkcorpus(L, 1);
  docref r;
  cp_err e;
  GET_DOC(L, c, 2, &r, &e, CP_SEGNEED_BASE);
  lua_pushlstring(L, r.di.id, r.di.idlen);
  return 1;
}

/* core:meta(n | id) -> the metadata table (no text) | nil | nil, msg, code */
static int corpus_metaof (lua_State *L) {
  cp_corpus *c = cpL_checkcorpus(L, 1);
  docref r;
  cp_err e;
  GET_DOC(L, c, 2, &r, &e, CP_SEGNEED_BASE);
  lua_newtable(L);
  if (cpL_pushmeta(L, r.di.meta, r.di.metalen) != CP_OK)
    return corrupt(L, "metadata", r.n);
  return 1;
}

/* core:fields() -> {{name =, type =, list =, docs =, values =
** [, indexed =]}, ...} sorted by name | nil, msg, code.  type is
** "string", "number" (floats, or floats and integers), "integer",
** "boolean" or "mixed"; list is true when the values come as lists;
** indexed, for a field whose tokens are indexed (corpus.new{fields =}),
** what the segments hold of it (l_fields.c). */
static int corpus_fields (lua_State *L) {
  cp_corpus *c = cpL_checkcorpus(L, 1);
  char list[CP_FIELDS_TEXTMAX];
  cp_fields f;
  cp_err e;
  size_t i;
  if (cp_meta_fields(c, &f, &e) != CP_OK) return cpL_fail(L, &e);
  cp_corpus_fields(c, list);
  lua_createtable(L, (int)f.n, 0);
  for (i = 0; i < f.n; i++) {
    unsigned t = f.v[i].types & ~(unsigned)CP_FT_LIST;
    const char *tn = "mixed";
    if (t == CP_FT_STRING) tn = "string";
    else if (t == CP_FT_INTEGER) tn = "integer";
    else if (t == CP_FT_BOOLEAN) tn = "boolean";
    else if (t == CP_FT_NUMBER || t == (CP_FT_NUMBER | CP_FT_INTEGER))
      tn = "number";
    else if (t == 0) tn = "empty";
    lua_createtable(L, 0, 5);
    lua_pushlstring(L, f.v[i].name, f.v[i].len); lua_setfield(L, -2, "name");
    lua_pushstring(L, tn); lua_setfield(L, -2, "type");
    lua_pushboolean(L, (f.v[i].types & CP_FT_LIST) != 0);
    lua_setfield(L, -2, "list");
    SETINT("docs", f.v[i].docs);
    SETINT("values", f.v[i].values);
    switch (cpL_push_field_index(L, c, list, f.v[i].name, f.v[i].len, &e)) {
      case 1: lua_setfield(L, -2, "indexed"); break;
      case -1: cp_fields_free(&f); return cpL_fail(L, &e);
      default: break;
    }
    lua_rawseti(L, -2, (lua_Integer)i + 1);
  }
  cp_fields_free(&f);
  return 1;
}

/* core:ndocs() -> number of document slots (deleted included) */
static int corpus_ndocs (lua_State *L) {
  cp_corpus *c = cpL_checkcorpus(L, 1);
  cp_err e;
  if (cp_corpus_ready(c, CP_SEGNEED_BASE, &e) != CP_OK) return cpL_fail(L, &e);
  lua_pushinteger(L, (lua_Integer)cp_corpus_ndocs(c));
  return 1;
}

/* push the type of word id 'wid' on a layer; 0 if the lexicon is damaged */
static int push_type (lua_State *L, const cp_seg *s, int layer, uint32_t wid) {
  size_t len;
  const char *str = cp_seg_type(s, layer, cp_seg_map(s, layer, wid), &len);
  if (str == NULL) return 0;
  lua_pushlstring(L, str, len);
  return 1;
}

/* core:tokens(n | id) -> { {word, norm, stem, start, stop, punct}, ... } */
static int corpus_tokens (lua_State *L) {
  cp_corpus *c = cpL_checkcorpus(L, 1);
  docref r;
  const uint32_t *st;
  uint32_t i;
  cp_err e;
  GET_DOC(L, c, 2, &r, &e, CP_SEGNEED_BASE);
  if (cp_seg_doc_stream(r.s, &r.di, &st, &e) != CP_OK) {
    cp_err named;   /* the corpus names the damaged segment's file */
    return cpL_fail(L, cp_corpus_ready(c, CP_SEGNEED_BASE, &named) != CP_OK
                       ? &named : &e);
  }
  lua_createtable(L, (int)r.di.tok_count, 0);
  for (i = 0; i < r.di.tok_count; i++) {
    uint32_t pos = r.di.tok_start + i, b0, b1, w = st[pos];
    if (cp_seg_tok_span(r.s, pos, &b0, &b1) != CP_OK)
      return corrupt(L, "token spans", r.n);
    lua_createtable(L, 0, 6);
    if (!push_type(L, r.s, CP_WORD, w)) return corrupt(L, "lexicon", r.n);
    lua_setfield(L, -2, "word");
    if (!push_type(L, r.s, CP_NORM, w)) return corrupt(L, "lexicon", r.n);
    lua_setfield(L, -2, "norm");
    if (!push_type(L, r.s, CP_STEM, w)) return corrupt(L, "lexicon", r.n);
    lua_setfield(L, -2, "stem");
    SETINT("start", b0 + 1);
    SETINT("stop", b1);
    lua_pushboolean(L, cp_seg_type_punct(r.s, w)); lua_setfield(L, -2, "punct");
    lua_rawseti(L, -2, (lua_Integer)i + 1);
  }
  return 1;
}

/*
** Spans of sentences or paragraphs of a document: {text, start, stop,
** first, last} with byte offsets and token indexes (1-based, inclusive).
*/
static int push_spans (lua_State *L, const docref *r, const uint32_t *starts,
                       uint32_t n) {
  uint32_t lo = 0, hi = n, k = 0, end = r->di.tok_start + r->di.tok_count;
  while (lo < hi) {   /* first start >= tok_start */
    uint32_t mid = lo + (hi - lo) / 2;
    if (starts[mid] < r->di.tok_start) lo = mid + 1; else hi = mid;
  }
  lua_newtable(L);
  for (; lo < n && starts[lo] < end; lo++) {
    uint32_t first = starts[lo];
    uint32_t last = (lo + 1 < n && starts[lo + 1] < end) ? starts[lo + 1] - 1 : end - 1;
    uint32_t b0, b1, x0, x1;
    if (cp_seg_tok_span(r->s, first, &b0, &x0) != CP_OK ||
        cp_seg_tok_span(r->s, last, &x1, &b1) != CP_OK || b1 < b0 ||
        b1 > r->di.textlen)
      return corrupt(L, "token spans", r->n);
    lua_createtable(L, 0, 5);
    lua_pushlstring(L, r->di.text + b0, b1 - b0); lua_setfield(L, -2, "text");
    SETINT("start", b0 + 1);
    SETINT("stop", b1);
    SETINT("first", first - r->di.tok_start + 1);
    SETINT("last", last - r->di.tok_start + 1);
    lua_rawseti(L, -2, ++k);
  }
  return 1;
}

static int corpus_sentences (lua_State *L) {
  cp_corpus *c = cpL_checkcorpus(L, 1);
  docref r;
  const uint32_t *v;
  uint32_t n;
  cp_err e;
  GET_DOC(L, c, 2, &r, &e, CP_SEGNEED_ALL);
  v = cp_seg_sents(r.s, &n);
  return push_spans(L, &r, v, n);
}

static int corpus_paragraphs (lua_State *L) {
  cp_corpus *c = cpL_checkcorpus(L, 1);
  docref r;
  const uint32_t *v;
  uint32_t n;
  cp_err e;
  GET_DOC(L, c, 2, &r, &e, CP_SEGNEED_ALL);
  v = cp_seg_paras(r.s, &n);
  return push_spans(L, &r, v, n);
}

/*
** core:context(n, first, last, width) -> left, match, right, id
** KWIC pieces for tokens first..last (1-based within document n) with
** 'width' words of context each side (punctuation tokens are shown but
** not counted), cut by the concordance windows of the core (conc.h).
*/
static int corpus_context (lua_State *L) {
  cp_corpus *c = cpL_checkcorpus(L, 1);
  lua_Integer first = luaL_checkinteger(L, 3);
  lua_Integer last = luaL_checkinteger(L, 4);
  lua_Integer width = luaL_optinteger(L, 5, 5);
  docref r;
  cp_conc_hit h;
  cp_conc_win w;
  cp_window o;
  cp_err e;
  luaL_argcheck(L, width >= 0 && width <= UINT32_MAX, 5, "width must be >= 0");
  {
    int found = get_doc(L, c, 2, &r, &e, CP_SEGNEED_BASE);
    if (found < 0) return cpL_raise(L, &e);   /* for the kwic iterator */
    if (found == 0)
      return luaL_error(L, "no document %s", luaL_tolstring(L, 2, NULL));
  }
  luaL_argcheck(L, first >= 1 && first <= (lua_Integer)r.di.tok_count, 3, "token index out of range");
  luaL_argcheck(L, last >= first && last <= (lua_Integer)r.di.tok_count, 4, "token index out of range");
  h.doc = r.n;
  h.start = (uint32_t)first - 1;
  h.stop = (uint32_t)last;
  w.unit = CP_CW_WORDS;
  w.left = w.right = (uint32_t)width;
  if (cp_conc_window(c, &h, &w, &o, &e) != CP_OK) return cpL_raise(L, &e);
  lua_pushlstring(L, o.text + o.lb0, o.lb1 - o.lb0);
  lua_pushlstring(L, o.text + o.mb0, o.mb1 - o.mb0);
  lua_pushlstring(L, o.text + o.rb0, o.rb1 - o.rb0);
  lua_pushlstring(L, o.id, o.idlen);
  return 4;
}

/* core:find(id) -> 1-based document number | nil */
static int corpus_find (lua_State *L) {
  cp_corpus *c = cpL_checkcorpus(L, 1);
  size_t len;
  const char *id;
  uint64_t n;
  cp_err e;
  if (lua_type(L, 2) != LUA_TSTRING)   /* at the caller's line (cpL_tocorpus) */
    cpL_error(L, "bad argument #1 to 'find' (string expected, got %s)",
              luaL_typename(L, 2));
  id = lua_tolstring(L, 2, &len);
  if (cp_corpus_ready(c, CP_SEGNEED_BASE, &e) != CP_OK) return cpL_fail(L, &e);
  if (cp_corpus_find(c, id, len, &n) != CP_OK) lua_pushnil(L);
  else lua_pushinteger(L, (lua_Integer)n + 1);
  return 1;
}

/* }================================================================ */


/*
** c:layers() -> {{name=, kind="word"|"derived"|"stored", types=, tokens=}, ...}
** c:spans()  -> {{name=, count=, keys={...}}, ...}
** What the corpus holds, by name, counted over live documents.
*/
#define BOX_SCHEMA "corpus.schemabox"

/* the malloc'd listings of c:layers() / c:spans() until copied to Lua */
typedef struct schemabox {
  cp_layerinfo *l;
  cp_spansetinfo *s;
  size_t ns;
} schemabox;

static int schemabox_gc (lua_State *L) {
  schemabox *b = (schemabox *)luaL_checkudata(L, 1, BOX_SCHEMA);
  free(b->l);
  cp_spansets_free(b->s, b->ns);
  b->l = NULL;
  b->s = NULL;
  return 0;
}

static schemabox *new_schemabox (lua_State *L) {
  schemabox *b = (schemabox *)lua_newuserdatauv(L, sizeof(schemabox), 0);
  memset(b, 0, sizeof(*b));
  cpL_gcmeta(L, BOX_SCHEMA, schemabox_gc);
  luaL_setmetatable(L, BOX_SCHEMA);
  return b;
}

static int corpus_layers (lua_State *L) {
  cp_corpus *c = cpL_checkcorpus(L, 1);
  schemabox *b = new_schemabox(L);
  size_t n, i;
  cp_err e;
  if (cp_corpus_layers(c, &b->l, &n, &e) != CP_OK) return cpL_fail(L, &e);
  lua_createtable(L, (int)n, 0);
  for (i = 0; i < n; i++) {
    lua_createtable(L, 0, 4);
    lua_pushlstring(L, b->l[i].name, b->l[i].namelen);
    lua_setfield(L, -2, "name");
    lua_pushstring(L, cp_layer_kind_name(b->l[i].kind));
    lua_setfield(L, -2, "kind");
    SETINT("types", b->l[i].types);
    SETINT("tokens", b->l[i].tokens);
    lua_rawseti(L, -2, (lua_Integer)i + 1);
  }
  return 1;   /* the box is freed by the collector */
}

/* c:_layer_set() -> {lemma = true, ...}: the stored layers' names, for
** the query parser (no counting: it reads only the segments' schemas) */
static int corpus_layer_set (lua_State *L) {
  cp_corpus *c = cpL_checkcorpus(L, 1);
  size_t i, l;
  cp_err e;
  if (cp_corpus_ready(c, CP_SEGNEED_BASE, &e) != CP_OK) return cpL_fail(L, &e);
  lua_newtable(L);
  for (i = 0; i < cp_corpus_nsegs(c); i++) {
    const cp_seg *s = cp_corpus_seg(c, i);
    for (l = CP_NLAYERS; l < cp_seg_nlayers(s); l++) {
      size_t len;
      const char *nm = cp_seg_layer_name(s, l, &len);
      lua_pushlstring(L, nm, len);
      lua_pushboolean(L, 1);
      lua_rawset(L, -3);
    }
  }
  return 1;
}

static int corpus_spans (lua_State *L) {
  cp_corpus *c = cpL_checkcorpus(L, 1);
  schemabox *b = new_schemabox(L);
  size_t n, i, k;
  cp_err e;
  if (cp_corpus_spansets(c, &b->s, &n, &e) != CP_OK) return cpL_fail(L, &e);
  b->ns = n;
  lua_createtable(L, (int)n, 0);
  for (i = 0; i < n; i++) {
    const cp_spansetinfo *v = &b->s[i];
    lua_createtable(L, 0, 3);
    lua_pushlstring(L, v->name, v->namelen);
    lua_setfield(L, -2, "name");
    SETINT("count", v->spans);
    lua_createtable(L, (int)v->nkeys, 0);
    for (k = 0; k < v->nkeys; k++) {
      lua_pushlstring(L, v->keys[k].s, v->keys[k].n);
      lua_rawseti(L, -2, (lua_Integer)k + 1);
    }
    lua_setfield(L, -2, "keys");
    lua_rawseti(L, -2, (lua_Integer)i + 1);
  }
  return 1;
}

/*
** core:_doc_spans(n, set) -> the spans of set 'set' in live document n,
** in the set's order (start, then end descending): rows {a =, b = (token
** range [a, b) in the document, 0-based), start =, stop = (bytes, 1-based
** inclusive, of the first and last token), last = (the first byte of the
** last token), attrs = {key = value}}; an
** empty table when the document or the set is absent.  The stored
** analysers' rows (lua/corpus/extract.lua) are made from these.
*/
static int corpus_doc_spans (lua_State *L) {
  cp_corpus *c = cpL_checkcorpus(L, 1);
  size_t sl;
  const char *set = luaL_checklstring(L, 3, &sl);
  docref r;
  int64_t si;
  uint32_t i, n, t0, t1, k = 0;
  const uint32_t *st, *en;
  cp_err e;
  int found = get_doc(L, c, 2, &r, &e, CP_SEGNEED_BASE | CP_SEGNEED_ATTRS);
  if (found < 0) return cpL_fail(L, &e);
  lua_newtable(L);
  if (found == 0) return 1;
  si = cp_seg_spanset(r.s, set, sl);
  if (si < 0) return 1;
  n = cp_seg_nspans(r.s, (size_t)si);
  st = cp_seg_span_starts(r.s, (size_t)si);
  en = cp_seg_span_ends(r.s, (size_t)si);
  t0 = r.di.tok_start;
  t1 = t0 + r.di.tok_count;
  for (i = cp_seg_span_lower(r.s, (size_t)si, t0); i < n && st[i] < t1; i++) {
    uint32_t b0, b1, e0, e1;
    size_t it = 0;
    cp_attr a;
    if (en[i] > t1 || en[i] <= st[i]) continue;   /* not this document's */
    if (cp_seg_tok_span(r.s, st[i], &b0, &b1) != CP_OK
        || cp_seg_tok_span(r.s, en[i] - 1, &e0, &e1) != CP_OK)
      continue;
    lua_createtable(L, 0, 5);
    SETINT("a", st[i] - t0);
    SETINT("b", en[i] - t0);
    SETINT("start", b0 + 1);
    SETINT("stop", e1);
    SETINT("last", e0 + 1);
    lua_newtable(L);
    while (cp_seg_span_attr_next(r.s, (size_t)si, i, &it, &a)) {
      lua_pushlstring(L, a.key, a.keylen);
      lua_pushlstring(L, a.val, a.vallen);
      lua_rawset(L, -3);
    }
    lua_setfield(L, -2, "attrs");
    lua_rawseti(L, -2, (lua_Integer)++k);
  }
  return 1;
}

static const luaL_Reg corpus_methods[] = {
  {"close", corpus_gc},
  {"isclosed", corpus_isclosed},
  {"language", corpus_language},
  {"add_docs", corpus_add},
  {"_add_jsonl", corpus_add_jsonl},
  {"flush", corpus_flush},
  {"stats", corpus_stats},
  {"layers", corpus_layers},
  {"_layer_set", corpus_layer_set},
  {"add_conllu_text", corpus_add_conllu_text},
  {"add_vrt_text", corpus_add_vrt_text},
  {"spans", corpus_spans},
  {"_doc_spans", corpus_doc_spans},
  {"doc", corpus_doc},
  {"meta", corpus_metaof},
  {"fields", corpus_fields},
  {"ndocs", corpus_ndocs},
  {"_docid", corpus_docid},
  {"find", corpus_find},
  {"tokens", corpus_tokens},
  {"sentences", corpus_sentences},
  {"paragraphs", corpus_paragraphs},
  {"context", corpus_context},
  {NULL, NULL}
};

static const luaL_Reg corpus_meta[] = {
  {"__gc", corpus_gc},
  {"__close", corpus_gc},
  {"__tostring", corpus_tostring},
  {NULL, NULL}
};

/* corpus.core.errname(errno) -> "ENOENT" | "EACCES" | "EIO": the code of
** a failed io.open, from its errno (so never from the message text) */
static int l_errname (lua_State *L) {
  lua_Integer en = luaL_optinteger(L, 1, 0);
  lua_pushstring(L, en == ENOENT ? "ENOENT"
                  : (en == EACCES || en == EPERM) ? "EACCES" : "EIO");
  return 1;
}

static const luaL_Reg module_funcs[] = {
  {"new", l_new},
  {"errname", l_errname},
  {"languages", l_languages},
  {"listdir", l_listdir},
  {NULL, NULL}
};

#if defined(__GNUC__)
__attribute__((visibility("default")))
#endif
int luaopen_corpus_core (lua_State *L);

int luaopen_corpus_core (lua_State *L) {
  luaL_newlib(L, module_funcs);                 /* module */
  luaL_newmetatable(L, CPL_CORPUS);             /* module, mt */
  luaL_setfuncs(L, corpus_meta, 0);
  luaL_newlib(L, corpus_methods);               /* module, mt, methods */
  lua_pushvalue(L, -1);
  lua_setfield(L, -3, "__index");
  lua_pushvalue(L, -1);
  lua_setfield(L, -4, "methods");               /* module.methods */
  lua_remove(L, -2);                            /* module, methods */
  cpL_open_tok(L);
  cpL_open_query(L);
  cpL_open_stats(L);
  cpL_open_index(L);
  cpL_open_conc(L);
  cpL_open_opts(L);
  cpL_open_shard(L);
  cpL_open_extract(L);
  cpL_open_reuse(L);
  lua_pop(L, 1);
  lua_pushliteral(L, CP_VERSION);
  lua_setfield(L, -2, "version");
  return 1;
}
