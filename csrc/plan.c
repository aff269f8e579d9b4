/*
** plan.c -- query plan trees built in an arena (see plan.h).
*/
#include <stdlib.h>
#include <string.h>

#include "plan.h"
#include "meta.h"
#include "tok.h"
#include "variants.h"

/* arena chunks; big requests get a chunk of their own */
typedef struct chunk {
  struct chunk *prev;
  size_t used, size;
  /* data follows, max-aligned */
} chunk;

#define CHUNK_DATA(ch) ((char *)(ch) + ((sizeof(chunk) + 15) & ~(size_t)15))
#define CHUNK_MIN 4096

struct cp_plan {
  chunk *top;
  cp_pnode *root;
  cp_err err;           /* sticky: err.code != CP_OK stops construction */
};

cp_plan *cp_plan_new (void) {
  cp_plan *p = (cp_plan *)calloc(1, sizeof(cp_plan));
  return p;
}

void cp_plan_free (cp_plan *p) {
  chunk *ch;
  if (p == NULL) return;
  ch = p->top;
  while (ch != NULL) {
    chunk *prev = ch->prev;
    free(ch);
    ch = prev;
  }
  free(p);
}

int cp_plan_error (const cp_plan *p, cp_err *err) {
  if (p == NULL) return cp_err_set(err, CP_ENOMEM, "out of memory");
  if (p->err.code != CP_OK && err != NULL) *err = p->err;
  return p->err.code;
}

static void *fail (cp_plan *p, int code, const char *msg) {
  if (p->err.code == CP_OK) cp_err_set(&p->err, code, "%s", msg);
  return NULL;
}

/*
** Allocate 'n' bytes (16-aligned) from the arena; NULL (and the sticky
** error set) on out of memory.
*/
static void *alloc (cp_plan *p, size_t n) {
  chunk *ch = p->top;
  size_t hdr = (sizeof(chunk) + 15) & ~(size_t)15;
  void *r;
  n = (n + 15) & ~(size_t)15;
  if (ch == NULL || ch->size - ch->used < n) {
    size_t sz = n > CHUNK_MIN ? n : CHUNK_MIN;
    if (sz > SIZE_MAX - hdr) return fail(p, CP_ENOMEM, "out of memory");
    ch = (chunk *)malloc(hdr + sz);
    if (ch == NULL) return fail(p, CP_ENOMEM, "out of memory");
    ch->prev = p->top;
    ch->used = 0;
    ch->size = sz;
    p->top = ch;
  }
  r = CHUNK_DATA(ch) + ch->used;
  ch->used += n;
  return r;
}

static const char *dupstr (cp_plan *p, const char *s, size_t len) {
  char *d;
  if (s == NULL && len > 0) return fail(p, CP_EINVAL, "NULL string in plan");
  if (len == SIZE_MAX) return fail(p, CP_ENOMEM, "out of memory");
  d = (char *)alloc(p, len + 1);
  if (d == NULL) return NULL;
  if (len) memcpy(d, s, len);
  d[len] = '\0';
  return d;
}

static cp_pnode *node (cp_plan *p, int kind) {
  cp_pnode *n;
  if (p == NULL || p->err.code != CP_OK) return NULL;
  n = (cp_pnode *)alloc(p, sizeof(cp_pnode));
  if (n == NULL) return NULL;
  memset(n, 0, sizeof(*n));
  n->kind = kind;
  n->layer = CP_NORM;
  n->min = n->max = 1;
  return n;
}

void cp_plan_set_root (cp_plan *p, cp_pnode *root) {
  if (p != NULL) p->root = root;
}

const cp_pnode *cp_plan_root (const cp_plan *p) {
  return p != NULL ? p->root : NULL;
}

int cp_plan_is_cond (int kind) {
  return kind == CP_P_TERM || kind == CP_P_PREFIX || kind == CP_P_GLOB ||
         kind == CP_P_REGEX || kind == CP_P_ANY || kind == CP_P_TAND ||
         kind == CP_P_TOR || kind == CP_P_TNOT;
}

cp_pnode *cp_plan_lex (cp_plan *p, int kind, int layer,
                       const char *s, size_t len) {
  cp_pnode *n;
  if (p == NULL || p->err.code != CP_OK) return NULL;
  if (kind != CP_P_TERM && kind != CP_P_PREFIX && kind != CP_P_GLOB &&
      kind != CP_P_REGEX)
    return fail(p, CP_EINVAL, "cp_plan_lex: bad node kind");
  if (layer < 0 || layer >= CP_NLAYERS)
    return fail(p, CP_EINVAL, "cp_plan_lex: bad layer");
  n = node(p, kind);
  if (n == NULL) return NULL;
  n->layer = layer;
  n->str = dupstr(p, s, len);
  n->len = len;
  return n->str != NULL ? n : NULL;
}

cp_pnode *cp_plan_lexn (cp_plan *p, int kind, const char *lname,
                        size_t lnlen, const char *s, size_t len) {
  cp_pnode *n = cp_plan_lex(p, kind, CP_NORM, s, len);
  if (n == NULL) return NULL;
  if (lname == NULL || lnlen == 0)
    return fail(p, CP_EINVAL, "cp_plan_lexn: no layer name");
  n->layer = CP_LAYER_NAMED;
  n->v1 = dupstr(p, lname, lnlen);
  n->v1len = lnlen;
  return p->err.code == CP_OK ? n : NULL;
}

cp_pnode *cp_plan_any (cp_plan *p) {
  return node(p, CP_P_ANY);
}

cp_pnode *cp_plan_list (cp_plan *p, int kind) {
  if (p == NULL || p->err.code != CP_OK) return NULL;
  if (kind != CP_P_TAND && kind != CP_P_TOR && kind != CP_P_SEQ &&
      kind != CP_P_NEAR && kind != CP_P_AND && kind != CP_P_OR)
    return fail(p, CP_EINVAL, "cp_plan_list: not a list kind");
  return node(p, kind);
}

static void append (cp_pnode *list, cp_pnode *kid) {
  kid->next = NULL;
  if (list->last != NULL) list->last->next = kid;
  else list->kid = kid;
  list->last = kid;
  list->nkids++;
}

/* is 'kid' acceptable as a child of 'list'? */
static int kid_ok (const cp_pnode *list, const cp_pnode *kid) {
  switch (list->kind) {
    case CP_P_TAND: case CP_P_TOR: return cp_plan_is_cond(kid->kind);
    case CP_P_SEQ: return kid->kind == CP_P_ITEM;
    case CP_P_NEAR:
      return kid->kind != CP_P_ITEM && kid->kind != CP_P_AND &&
             kid->kind != CP_P_OR && kid->kind != CP_P_NOT &&
             kid->kind != CP_P_META && kid->kind != CP_P_FIELD &&
             kid->kind != CP_P_TAND &&
             kid->kind != CP_P_TOR && kid->kind != CP_P_TNOT &&
             kid->kind != CP_P_ANY;
    case CP_P_AND: case CP_P_OR:
      return kid->kind != CP_P_ITEM && kid->kind != CP_P_TAND &&
             kid->kind != CP_P_TOR && kid->kind != CP_P_TNOT &&
             kid->kind != CP_P_ANY;
    default: return 0;
  }
}

cp_pnode *cp_plan_add (cp_plan *p, cp_pnode *list, cp_pnode *kid) {
  if (p == NULL || p->err.code != CP_OK) return NULL;
  if (list == NULL || kid == NULL)
    return fail(p, CP_EINVAL, "cp_plan_add: NULL node");
  if (!kid_ok(list, kid))
    return fail(p, CP_EINVAL, "cp_plan_add: this node cannot go there");
  append(list, kid);
  return list;
}

cp_pnode *cp_plan_add_item (cp_plan *p, cp_pnode *seq, cp_pnode *cond,
                            uint32_t min, uint32_t max) {
  cp_pnode *it;
  if (p == NULL || p->err.code != CP_OK) return NULL;
  if (seq == NULL || cond == NULL || seq->kind != CP_P_SEQ ||
      !cp_plan_is_cond(cond->kind))
    return fail(p, CP_EINVAL, "cp_plan_add_item: bad sequence or condition");
  if (min > max || max == 0)
    return fail(p, CP_EINVAL, "cp_plan_add_item: bad repetition");
  it = node(p, CP_P_ITEM);
  if (it == NULL) return NULL;
  it->kid = it->last = cond;
  it->nkids = 1;
  it->min = min;
  it->max = max;
  append(seq, it);
  return seq;
}

cp_pnode *cp_plan_phrase (cp_plan *p) {
  cp_pnode *n = cp_plan_list(p, CP_P_SEQ);
  if (n != NULL) n->phrase = 1;
  return n;
}

cp_pnode *cp_plan_near (cp_plan *p, uint32_t dist, int ordered) {
  cp_pnode *n = cp_plan_list(p, CP_P_NEAR);
  if (n != NULL) {
    n->dist = dist;
    n->ordered = ordered != 0;
  }
  return n;
}

cp_pnode *cp_plan_not (cp_plan *p, int kind, cp_pnode *arg) {
  cp_pnode *n;
  if (p == NULL || p->err.code != CP_OK) return NULL;
  if (arg == NULL) return fail(p, CP_EINVAL, "cp_plan_not: NULL node");
  if (kind == CP_P_TNOT ? !cp_plan_is_cond(arg->kind)
      : (kind != CP_P_NOT || arg->kind == CP_P_ITEM))
    return fail(p, CP_EINVAL, "cp_plan_not: bad kind or argument");
  n = node(p, kind);
  if (n == NULL) return NULL;
  n->kid = n->last = arg;
  n->nkids = 1;
  return n;
}

cp_pnode *cp_plan_within (cp_plan *p, int unit, cp_pnode *arg) {
  cp_pnode *n;
  if (p == NULL || p->err.code != CP_OK) return NULL;
  if (arg == NULL || unit < CP_U_DOC || unit > CP_U_PARA)
    return fail(p, CP_EINVAL, "cp_plan_within: bad unit or argument");
  n = node(p, CP_P_WITHIN);
  if (n == NULL) return NULL;
  n->unit = unit;
  n->kid = n->last = arg;
  n->nkids = 1;
  return n;
}

cp_pnode *cp_plan_spanset (cp_plan *p, const char *name, size_t len) {
  cp_pnode *n;
  if (p == NULL || p->err.code != CP_OK) return NULL;
  if (name == NULL || len == 0)
    return fail(p, CP_EINVAL, "cp_plan_spanset: no name");
  n = node(p, CP_P_SPANSET);
  if (n == NULL) return NULL;
  n->str = dupstr(p, name, len);
  n->len = len;
  return p->err.code == CP_OK ? n : NULL;
}

cp_pnode *cp_plan_spanattr (cp_plan *p, cp_pnode *set, const char *key,
                            size_t keylen, const char *val, size_t vallen) {
  cp_pnode *m;
  if (p == NULL || p->err.code != CP_OK) return NULL;
  if (set == NULL || set->kind != CP_P_SPANSET || key == NULL ||
      (val == NULL && vallen > 0))
    return fail(p, CP_EINVAL, "cp_plan_spanattr: bad arguments");
  m = cp_plan_meta(p, key, keylen, CP_M_EQ, val ? val : "", vallen, NULL, 0);
  if (m == NULL) return NULL;
  append(set, m);
  return set;
}

cp_pnode *cp_plan_spanjoin (cp_plan *p, int how, cp_pnode *a, cp_pnode *b) {
  cp_pnode *n;
  if (p == NULL || p->err.code != CP_OK) return NULL;
  if (a == NULL || b == NULL || (how != CP_J_WITHIN && how != CP_J_CONTAINING))
    return fail(p, CP_EINVAL, "cp_plan_spanjoin: bad arguments");
  n = node(p, CP_P_SPANJOIN);
  if (n == NULL) return NULL;
  n->unit = how;
  append(n, a);
  append(n, b);
  return n;
}

/* may n stand inside a FIELD node?  Words, phrases of words and their
** boolean combinations: a field's tokens have no sentences or spans */
static int field_ok (const cp_pnode *n, int depth) {
  const cp_pnode *k;
  if (depth > 1000) return 0;
  switch (n->kind) {
    case CP_P_TERM: case CP_P_PREFIX: case CP_P_GLOB: case CP_P_REGEX:
      return n->layer >= 0 && n->layer < CP_NLAYERS;
    case CP_P_SEQ:
      if (!n->phrase) return 0;
      for (k = n->kid; k != NULL; k = k->next)
        if (k->min != 1 || k->max != 1 || k->kid == NULL ||
            k->kid->kind == CP_P_ANY || !cp_plan_is_cond(k->kid->kind) ||
            k->kid->kind == CP_P_TAND || k->kid->kind == CP_P_TOR ||
            k->kid->kind == CP_P_TNOT || !field_ok(k->kid, depth + 1))
          return 0;
      return n->kid != NULL;
    case CP_P_AND: case CP_P_OR: case CP_P_NOT:
      for (k = n->kid; k != NULL; k = k->next)
        if (!field_ok(k, depth + 1)) return 0;
      return n->kid != NULL;
    default: return 0;
  }
}

cp_pnode *cp_plan_field (cp_plan *p, const char *name, size_t len,
                         cp_pnode *arg) {
  cp_pnode *n;
  if (p == NULL || p->err.code != CP_OK) return NULL;
  if (name == NULL || len == 0 || arg == NULL)
    return fail(p, CP_EINVAL, "cp_plan_field: bad argument");
  if (!field_ok(arg, 0))
    return fail(p, CP_EINVAL, "cp_plan_field: a field holds words, phrases "
                "and AND / OR / NOT of them");
  n = node(p, CP_P_FIELD);
  if (n == NULL) return NULL;
  n->str = dupstr(p, name, len);
  n->len = len;
  append(n, arg);
  return p->err.code == CP_OK ? n : NULL;
}

cp_pnode *cp_plan_meta (cp_plan *p, const char *field, size_t flen, int cmp,
                        const char *v1, size_t v1len,
                        const char *v2, size_t v2len) {
  cp_pnode *n;
  if (p == NULL || p->err.code != CP_OK) return NULL;
  if (cmp < CP_M_EQ || cmp > CP_M_GLOB || (cmp == CP_M_RANGE && v2 == NULL))
    return fail(p, CP_EINVAL, "cp_plan_meta: bad comparison");
  n = node(p, CP_P_META);
  if (n == NULL) return NULL;
  n->cmp = cmp;
  n->str = dupstr(p, field, flen);
  n->len = flen;
  n->v1 = dupstr(p, v1, v1len);
  n->v1len = v1len;
  if (cmp == CP_M_RANGE) {
    n->v2 = dupstr(p, v2, v2len);
    n->v2len = v2len;
  }
  return p->err.code == CP_OK ? n : NULL;
}

/* fold one value of a META node into the arena */
static const char *fold_value (cp_plan *p, const char *v, size_t *len) {
  char *f;
  size_t fl;
  const char *d;
  int rc = cp_meta_fold(v, *len, &f, &fl);
  if (rc == CP_EINVAL) return v;           /* not UTF-8: compared as bytes */
  if (rc != CP_OK) return fail(p, CP_ENOMEM, "out of memory");
  d = dupstr(p, f, fl);
  free(f);
  *len = fl;
  return d;
}

int cp_plan_meta_fold (cp_plan *p, cp_pnode *n) {
  if (p == NULL) return CP_EINVAL;
  if (n == NULL || n->kind != CP_P_META) {
    fail(p, CP_EINVAL, "cp_plan_meta_fold: not a META node");
    return p->err.code;
  }
  if (p->err.code != CP_OK) return p->err.code;
  n->v1 = fold_value(p, n->v1, &n->v1len);
  if (n->v2 != NULL) n->v2 = fold_value(p, n->v2, &n->v2len);
  n->fold = 1;
  return p->err.code;
}

/* the node kinds that find variants: a term, and a prefix or glob
** (looking inside compounds as a term does); a regular expression is
** matched against the lexicon as written */
static int takes_variants (int kind) {
  return kind == CP_P_TERM || kind == CP_P_PREFIX || kind == CP_P_GLOB;
}

/* let the terms, prefixes and globs of the tree at n find variants
** (plans are a few hundred nodes deep at most: the parser bounds
** nesting) */
static void variants_tree (cp_pnode *n) {
  cp_pnode *k;
  if (takes_variants(n->kind) && !n->exact) n->variants = 1;
  for (k = n->kid; k != NULL; k = k->next) variants_tree(k);
}

void cp_plan_variants (cp_plan *p) {
  if (p == NULL || p->root == NULL) return;
  variants_tree(p->root);
}

/* {================================================================
** Query words (plan.h cp_plan_split)
** ================================================================= */

size_t cp_plan_split (const char *s, size_t len, int mode, cp_tokvec *tv) {
  char *rep = NULL;
  size_t replen, ninv, i, k = 0;
  cp_err e;
  if (s == NULL || tv == NULL) return 0;
  tv->n = 0;
  if (cp_utf8_repair(s, len, &rep, &replen, &ninv, &e) != CP_OK) return 0;
  if (rep != NULL) { free(rep); return 0; }           /* not valid UTF-8 */
  if (cp_tok_run(s, len, mode, tv, &e) != CP_OK) { tv->n = 0; return 0; }
  for (i = 0; i < tv->n; i++)
    if (!(tv->v[i].flags & CP_TF_PUNCT)) tv->v[k++] = tv->v[i];
  tv->n = k;
  return k;
}

size_t cp_plan_add_words (cp_plan *p, cp_pnode *seq, int mode, int layer,
                          const char *s, size_t len, cp_tokvec *tv) {
  size_t n = cp_plan_split(s, len, mode, tv), i;
  for (i = 0; i < n; i++) {
    const cp_tok *t = &tv->v[i];
    cp_plan_add_item(p, seq, cp_plan_lex(p, CP_P_TERM, layer, s + t->start,
                                         t->stop - t->start), 1, 1);
  }
  return n;
}

void cp_plan_mark_edges (cp_pnode *seq) {
  cp_pnode *it;
  size_t i = 0, n = 0;
  if (seq == NULL) return;
  for (it = seq->kid; it != NULL; it = it->next) n++;
  if (n < 2) return;
  for (it = seq->kid; it != NULL; it = it->next, i++) {
    cp_pnode *c = it->kid;
    if (c == NULL || !takes_variants(c->kind)) continue;
    c->edge = i == 0 ? CP_EDGE_FIRST : i + 1 == n ? CP_EDGE_LAST : CP_EDGE_MID;
  }
}

cp_pnode *cp_plan_words (cp_plan *p, int mode, int layer, const char *s,
                         size_t len, cp_tokvec *tv) {
  size_t n = cp_plan_split(s, len, mode, tv);
  if (n == 1)
    return cp_plan_lex(p, CP_P_TERM, layer, s + tv->v[0].start,
                       tv->v[0].stop - tv->v[0].start);
  if (n > 1) {
    cp_pnode *seq = cp_plan_phrase(p);
    cp_plan_add_words(p, seq, mode, layer, s, len, tv);
    cp_plan_mark_edges(seq);
    return seq;
  }
  return cp_plan_lex(p, CP_P_TERM, layer, s, len);
}

/* }================================================================ */
