/*
** plan.h -- query plans: the tree a parsed query becomes before the
** executor (exec.h) runs it.
**
** A plan owns an arena; every node and string of the plan lives in it
** and cp_plan_free releases all at once.  Constructors copy the strings
** they are given.  Errors are sticky, as in SQLite's FTS5: after the
** first failure (out of memory, bad argument) every constructor returns
** NULL and cp_plan_error reports the first error, so a builder can make
** all its calls and check once at the end.
**
** Node kinds.
**   Token conditions (a test on one token, usable inside a sequence,
**   and as a query of their own):
**     TERM    exact string on a layer (normalized like the layer: the
**             norm of the string for 'norm', its stem for 'stem')
**     PREFIX  strings starting with the text; GLOB: * and ? wildcards;
**     REGEX   PCRE2 pattern matching the whole lexicon string
**     ANY     every token;  TAND / TOR / TNOT combine conditions
**   Positional queries (produce token spans):
**     SEQ     a sequence of ITEMs (a condition repeated min..max
**             times: kid, min, max); with
**             'phrase' set, punctuation tokens between words are
**             skipped and items only match word tokens
**     NEAR    the arguments within 'dist' word tokens of each other
**             (unordered, or in the given order)
**     WITHIN  its argument restricted to one sentence / paragraph
**     SPANSET the spans of a named span set ("<quote/>"), filtered by
**             attribute equalities (META children: key = value)
**     SPANJOIN spans of the first child within (unit 0) or containing
**             (unit 1) a span of the second ("A within B", "A
**             containing B", BlackLab CQL)
**   Document-level: AND, OR (any number of args), NOT, META, and
**     FIELD: the documents whose field 'str' (a text metadata field)
**     holds words matching its child, a tree of AND / OR / NOT over
**     TERM, PREFIX, GLOB, REGEX and phrases (fieldq.c), as
**     title:(cocoa prices) in the query language.
*/
#ifndef CP_PLAN_H
#define CP_PLAN_H

#include <stddef.h>
#include <stdint.h>

#include "cp.h"

enum {
  CP_P_TERM, CP_P_PREFIX, CP_P_GLOB, CP_P_REGEX, CP_P_ANY,
  CP_P_TAND, CP_P_TOR, CP_P_TNOT,
  CP_P_SEQ, CP_P_ITEM, CP_P_NEAR, CP_P_WITHIN,
  CP_P_AND, CP_P_OR, CP_P_NOT, CP_P_META,
  CP_P_SPANSET, CP_P_SPANJOIN, CP_P_FIELD
};

/* a lexical node on layer CP_LAYER_NAMED (cp.h) has the layer's name
** in v1/v1len */

/* units of WITHIN */
enum { CP_U_DOC = 0, CP_U_SENT = 1, CP_U_PARA = 2 };

/* comparisons of META */
/* CP_M_GLOB: the value is a glob (* any run, ? one character) */
enum { CP_M_EQ, CP_M_LT, CP_M_LE, CP_M_GT, CP_M_GE, CP_M_RANGE, CP_M_GLOB };

typedef struct cp_pnode cp_pnode;

struct cp_pnode {
  int kind;
  int layer;                 /* TERM..REGEX: CP_WORD, CP_NORM, CP_STEM */
  const char *str;           /* TERM..REGEX: text; META: field name */
  size_t len;
  const char *v1, *v2;       /* META: value (or lo), hi */
  size_t v1len, v2len;
  int cmp;                   /* META: CP_M_* */
  int fold;                  /* META: compare strings case-folded */
  int exact;                 /* TERM of a token pattern: no variants */
  int variants;              /* TERM, PREFIX, GLOB: also find variants
                                (variants.h) */
  int edge;                  /* TERM, PREFIX, GLOB in a phrase: CP_EDGE_*
                                (variants.h) */
  int unit;                  /* WITHIN: CP_U_* */
  int ordered;               /* NEAR */
  int phrase;                /* SEQ: skip punctuation, words only */
  uint32_t dist;             /* NEAR */
  uint32_t min, max;         /* a SEQ item's repetition */
  cp_pnode *kid;             /* first child (SEQ items, args, NOT arg) */
  cp_pnode *next;            /* next sibling */
  cp_pnode *last;            /* last child, for appending */
  size_t nkids;
};

typedef struct cp_plan cp_plan;

cp_plan *cp_plan_new (void);           /* NULL on out of memory */
void cp_plan_free (cp_plan *p);

/* CP_OK, or the code (and message in 'err') of the first failure */
int cp_plan_error (const cp_plan *p, cp_err *err);

/* the root node (NULL until set) */
void cp_plan_set_root (cp_plan *p, cp_pnode *root);
const cp_pnode *cp_plan_root (const cp_plan *p);

/* token conditions; 'kind' is CP_P_TERM, _PREFIX, _GLOB or _REGEX */
cp_pnode *cp_plan_lex (cp_plan *p, int kind, int layer,
                       const char *s, size_t len);
/* the same on a layer named 'lname' (a stored layer) */
cp_pnode *cp_plan_lexn (cp_plan *p, int kind, const char *lname,
                        size_t lnlen, const char *s, size_t len);
cp_pnode *cp_plan_any (cp_plan *p);

/*
** An empty list node of 'kind' (TAND, TOR, SEQ, NEAR, AND, OR); add
** children with cp_plan_add (SEQ items with cp_plan_add_item).
*/
cp_pnode *cp_plan_list (cp_plan *p, int kind);
cp_pnode *cp_plan_add (cp_plan *p, cp_pnode *list, cp_pnode *kid);
cp_pnode *cp_plan_add_item (cp_plan *p, cp_pnode *seq, cp_pnode *cond,
                            uint32_t min, uint32_t max);

/* a phrase: SEQ with 'phrase' set (call cp_plan_add_item with 1, 1) */
cp_pnode *cp_plan_phrase (cp_plan *p);

cp_pnode *cp_plan_near (cp_plan *p, uint32_t dist, int ordered);

/* TNOT (of a token condition) or NOT (of a query) */
cp_pnode *cp_plan_not (cp_plan *p, int kind, cp_pnode *arg);

cp_pnode *cp_plan_within (cp_plan *p, int unit, cp_pnode *arg);

/* META: v2 only for CP_M_RANGE */
cp_pnode *cp_plan_meta (cp_plan *p, const char *field, size_t flen, int cmp,
                        const char *v1, size_t v1len,
                        const char *v2, size_t v2len);

/* FIELD: words of field 'name' matching 'arg' (a tree as plan.h's
** comment at the top says; anything else fails the plan) */
cp_pnode *cp_plan_field (cp_plan *p, const char *name, size_t len,
                         cp_pnode *arg);

/* a span set by name; add attribute filters with cp_plan_spanattr */
cp_pnode *cp_plan_spanset (cp_plan *p, const char *name, size_t len);
cp_pnode *cp_plan_spanattr (cp_plan *p, cp_pnode *set, const char *key,
                            size_t keylen, const char *val, size_t vallen);

/* 'a' within (containing = 0) or containing (1) 'b' */
enum { CP_J_WITHIN = 0, CP_J_CONTAINING = 1 };
cp_pnode *cp_plan_spanjoin (cp_plan *p, int how, cp_pnode *a, cp_pnode *b);
/* make META node n compare case-folded: folds its values (CP_OK or the
** plan's sticky error) */
int cp_plan_meta_fold (cp_plan *p, cp_pnode *n);

/* let every TERM, PREFIX and GLOB of the plan outside token patterns
** find its variants (variants.h); without this call they match the
** lexicon exactly */
void cp_plan_variants (cp_plan *p);

/* is this kind a token condition (usable as a SEQ item)? */
int cp_plan_is_cond (int kind);

/*
** Query words cut as the text was.  A word or a quoted phrase of a
** query is cut into tokens by the corpus's own tokenizer ('mode':
** cp_corpus_mode), punctuation dropped, so "isis's" or "Al-Hol" match
** the tokens the text was cut into.  'tv' is scratch space the caller
** frees (cp_tokvec_free); it may be reused from call to call.
**   cp_plan_split: the number of word tokens, in tv (0 when s is not
**     valid UTF-8 or has no word token);
**   cp_plan_words: one TERM, a phrase of TERMs when s has several
**     words (edges marked), or s itself as one TERM when it has none;
**   cp_plan_add_words: s's words appended to phrase 'seq' as TERM
**     items; returns how many.
** This is what the Lua binding (l_query.c) and the C API (api.c) both
** call, so a C host's phrase is the query language's phrase.
*/
struct cp_tokvec;
size_t cp_plan_split (const char *s, size_t len, int mode, struct cp_tokvec *tv);
cp_pnode *cp_plan_words (cp_plan *p, int mode, int layer, const char *s,
                         size_t len, struct cp_tokvec *tv);
size_t cp_plan_add_words (cp_plan *p, cp_pnode *seq, int mode, int layer,
                          const char *s, size_t len, struct cp_tokvec *tv);

/* mark the words of phrase 'seq' for the variants they may use
** (variants.h): in "year end", year may be the end of a compound
** (last-year) and end its start (end-of-month), as when the compound's
** parts were words of their own; a middle word matches whole types
** only */
void cp_plan_mark_edges (cp_pnode *seq);

#endif
