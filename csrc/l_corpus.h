/*
** l_corpus.h -- what the Lua binding files share.
**
** The binding is split by area (one file per C module it exposes), all
** registering into one module table and one corpus metatable.  Each
** l_<area>.c is thin: check arguments, call the core, push results.
*/
#ifndef CP_L_CORPUS_H
#define CP_L_CORPUS_H

#include "l_compat.h"   /* lua.h, lauxlib.h and the 5.1-5.3 shims */
#include "corpus.h"

#define CPL_CORPUS "corpus.core.Corpus"

/*
** The corpus userdata.  Created closed (c == NULL) and then opened, so
** __gc always sees a consistent object.  'ext' is an optional owner of
** the storage behind the corpus (the on-disk index); close frees the
** corpus first, then calls ext_free(ext).
*/
typedef struct cpL_Corpus {
  cp_corpus *c;
  void *ext;
  void (*ext_free) (void *ext);
} cpL_Corpus;

/* push a new, closed corpus userdata (metatable set) */
cpL_Corpus *cpL_newcorpus (lua_State *L);

/* the userdata itself (open or closed) */
cpL_Corpus *cpL_tocorpus (lua_State *L, int idx);

/* the corpus userdata at 'idx'; raises on a wrong type and on a closed
** corpus ("attempt to use a closed corpus") */
cp_corpus *cpL_checkcorpus (lua_State *L, int idx);

/* register metatable 'name' with __gc = gc (the "box" userdata that hold
** malloc'd results until they are copied to Lua); idempotent */
void cpL_gcmeta (lua_State *L, const char *name, lua_CFunction gc);

/* set the fields of encoded metadata in the table at -1 (lists stay
** lists, integers integers); CP_OK or CP_ECORRUPT */
int cpL_pushmeta (lua_State *L, const void *meta, size_t metalen);

/* raise a Lua error carrying a cp_err: "message" */
int cpL_raise (lua_State *L, const cp_err *e);

/* push nil, message, code (the "failure of the world" convention);
** returns 3 */
int cpL_fail (lua_State *L, const cp_err *e);

/*
** Area openers.  Each is called with the module table at -2 and the
** corpus metatable's __index method table at -1, and adds functions to
** either; it leaves the stack as it found it.
*/
int cpL_open_tok (lua_State *L);
int cpL_open_query (lua_State *L);
int cpL_open_stats (lua_State *L);
int cpL_open_index (lua_State *L);
int cpL_open_conc (lua_State *L);
int cpL_open_opts (lua_State *L);

/*
** l_opts.c: the one options reader.  cpL_checkopts raises unless every
** key of the options table at idx (none/nil: no options) is one that
** function 'fname' takes (the table of names lives in l_opts.c); argn
** is the argument position named in type errors.  The readers return
** opts[k] (def when absent) and raise on a wrong type or range.  All
** errors, and cpL_error's, carry the position of the first caller
** outside the library (cpL_where pushes it).
*/
void cpL_checkopts (lua_State *L, int idx, const char *fname, int argn);
lua_Integer cpL_optint (lua_State *L, int idx, const char *k,
                        lua_Integer def, lua_Integer min);
double cpL_optnum (lua_State *L, int idx, const char *k, double def,
                   double min);
const char *cpL_optstr (lua_State *L, int idx, const char *k,
                        const char *def);
int cpL_optbool (lua_State *L, int idx, const char *k, int def);
int cpL_optenum (lua_State *L, int idx, const char *k, const char *def,
                 const char *const names[]);
void cpL_where (lua_State *L);
/* tokenizer mode names in CP_TOK_* order; opts.language and opts.mode */
extern const char *const cpL_tokmodes[];
void cpL_tokopts (lua_State *L, int idx, cp_opts *o);
int cpL_error (lua_State *L, const char *fmt, ...);
int cpL_open_shard (lua_State *L);
int cpL_open_extract (lua_State *L);
int cpL_open_reuse (lua_State *L);

/* l_extract.c: the 'analyse' option of the options table at t (absent,
** nil and true: every analyser; false: none; a list of names); raises
** naming fname */
unsigned cpL_analyse_opt (lua_State *L, int t, const char *fname);
/* the option 'fields' (l_fields.c): NULL or the list in buf[CP_FIELDS_TEXTMAX] */
const char *cpL_fields_opt (lua_State *L, int t, const char *fname,
                            char *buf);
int cpL_push_field_index (lua_State *L, cp_corpus *c, const char *list,
                          const char *name, size_t len, cp_err *err);

/* l_query.c: the plan table at 'idx' (corpus.query.parse) as a C plan
** owned by a userdata it pushes; raises on a malformed plan */
struct cp_plan;
const struct cp_plan *cpL_checkplan (lua_State *L, cp_corpus *c, int idx);

#endif
