/*
** fieldq.c -- word search in a text metadata field: the FIELD node of a
** plan (plan.h), title:(cocoa prices) in the query language.
**
** A field's tokens are those of the FIELDS section (segfield.h): its
** types with their word, norm and stem, each document's stream of type
** ids, and each type's postings into the streams.  A segment that
** indexes the field is read as stored; for one written before the field
** was named (or a field never named) the same tokens are made once from
** the documents' values by the builder's own code (cp_sf_make) and kept
** in the query cache, so both give the same answer.
**
** The child of FIELD is a tree of AND / OR / NOT over words and phrases.
** A word (TERM, PREFIX, GLOB, REGEX) is first resolved to the field's
** types it matches, normalized as exec.c's lex_ids normalizes it for the
** body, with the same variants (variants.h: diacritics, compound parts,
** a phrase's words as one compound) looked up in a variant table built
** over the field's norms.  Its documents are then those of its types'
** postings.  A phrase follows the executor's rule: it starts on a word,
** punctuation between its words is skipped, and it does not cross two
** values of the field; candidate documents come from the postings of its
** rarest word and each is checked on its token stream.  AND / OR / NOT
** combine documents.  The node's result is the sorted list of live
** documents, as a metadata filter gives.
*/
#include <stdlib.h>
#include <string.h>
#include <stdio.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "xeval.h"
#include "segfield.h"
#include "variants.h"

/* {================================================================
** The field's tokens in one segment
** ================================================================= */

typedef struct fname { const char *s; size_t len; } fname;

static void *make_fieldtok (cp_corpus *c, size_t segi, void *ud) {
  const fname *n = (const fname *)ud;
  cp_sfields *sf = NULL;
  if (cp_sf_make(cp_corpus_seg(c, segi), cp_corpus_analyzer(c),
                 cp_corpus_mode(c), n->s, n->len, &sf, NULL) != CP_OK)
    return NULL;
  return sf;
}

static const char *field_norm (const void *ud, uint32_t i, size_t *len) {
  return cp_sf_type((const cp_sfield *)ud, i, CP_NORM, len);
}

static void *make_fieldvar (cp_corpus *c, size_t segi, void *ud) {
  const cp_sfield *f = (const cp_sfield *)ud;
  (void)c; (void)segi;
  return cp_variants_build_from(f->ntypes, field_norm, f);
}

/* what one FIELD node reads in the current segment */
typedef struct fseg {
  const cp_sfield *f;
  const cp_variants *v;        /* built when a word takes variants */
  void *tmp[3];                /* blocks to free when not cached */
  char key[CP_FIELDS_NAMEMAX + 16];
} fseg;

static void fseg_close (fseg *g) {
  free(g->tmp[0]);
  free(g->tmp[1]);
  free(g->tmp[2]);
}

static int fseg_open (ctx *x, const cp_pnode *n, fseg *g) {
  const cp_sfields *sf;
  fname nm;
  memset(g, 0, sizeof(*g));
  if (n->len == 0 || n->len > CP_FIELDS_NAMEMAX)
    return cp_err_set(x->err, CP_EINVAL, "field name of 1..%d bytes expected",
                      CP_FIELDS_NAMEMAX);
  sf = cp_fs_segfields(x->qc, x->c, x->segi, &g->tmp[0]);
  if (sf == NULL) return oom(x);
  if (sf->damaged || (sf->n > 0 && sf->ndocs != x->ndocs))
    return cp_err_set(x->err, CP_ECORRUPT, "corrupt segment: field tokens");
  if ((g->f = cp_sf_find(sf, n->str, n->len)) != NULL) return CP_OK;
  /* not indexed in this segment: its tokens made from the values */
  nm.s = n->str;
  nm.len = n->len;
  snprintf(g->key, sizeof(g->key), "fieldtok:%.*s", (int)n->len, n->str);
  sf = (const cp_sfields *)cp_qc_fetch(x->qc, x->c, x->segi, g->key,
                                       make_fieldtok, &nm, &g->tmp[1]);
  if (sf == NULL || sf->n != 1 || sf->ndocs != x->ndocs) return oom(x);
  g->f = &sf->f[0];
  return CP_OK;
}

/* the variant table of the field's norms (cached as the tokens are) */
static int fseg_variants (ctx *x, fseg *g) {
  if (g->v != NULL) return CP_OK;
  snprintf(g->key, sizeof(g->key), "fieldvar:%.*s", (int)g->f->len,
           g->f->name);
  g->v = (const cp_variants *)cp_qc_fetch(x->qc, x->c, x->segi, g->key,
                                          make_fieldvar, (void *)g->f,
                                          &g->tmp[2]);
  return g->v != NULL ? CP_OK : oom(x);
}

/* the document holding token position p of f's streams */
static uint32_t doc_of (const cp_sfield *f, uint32_t ndocs, uint32_t p) {
  uint32_t lo = 0, hi = ndocs;        /* last d with doco[d] <= p */
  while (hi - lo > 1) {
    uint32_t mid = lo + (hi - lo) / 2;
    if (f->doco[mid] <= p) lo = mid; else hi = mid;
  }
  return lo;
}

/* }================================================================ */


/* {================================================================
** Words: the types of the field they match (a byte per type)
** ================================================================= */

/* mark the types whose 'layer' string matches kind/t (TERM: equal,
** PREFIX: starts with, GLOB: the glob) */
static int mark_lex (ctx *x, const cp_sfield *f, int kind, int layer,
                     const char *t, size_t tl, uint8_t *m) {
  uint32_t i;
  int rc = spend(x, (uint64_t)f->ntypes * (tl / 8 + 1));
  if (rc != CP_OK) return rc;
  for (i = 0; i < f->ntypes; i++) {
    size_t sl;
    const char *s = cp_sf_type(f, i, layer, &sl);
    if (kind == CP_P_TERM) m[i] |= sl == tl && memcmp(s, t, tl) == 0;
    else if (kind == CP_P_PREFIX) m[i] |= sl >= tl && memcmp(s, t, tl) == 0;
    else m[i] |= (uint8_t)cp_glob_match(t, tl, s, sl);
  }
  return CP_OK;
}

/* the variants of a norm word t[0..tl), as exec.c's variant_ids finds
** them in the body: its diacritic-free form, then the variant table */
static int mark_variants (ctx *x, fseg *g, const cp_pnode *n, const char *t,
                          size_t tl, uint8_t *m) {
  char *f;
  size_t fl;
  const char *key;
  uint32_t lo, hi, j;
  int rc = CP_OK, kind = n->kind == CP_P_TERM ? CP_VQ_TERM
                       : n->kind == CP_P_GLOB ? CP_VQ_GLOB : CP_VQ_PREFIX;
  if (cp_variants_fold(t, tl, &f, &fl) != CP_OK) return oom(x);
  key = f != NULL ? f : t;
  if (f != NULL && (fl != tl || memcmp(f, t, tl) != 0))
    rc = mark_lex(x, g->f, n->kind, CP_NORM, f, fl, m);
  if (rc == CP_OK) rc = fseg_variants(x, g);
  if (rc != CP_OK) { free(f); return rc; }
  cp_variants_span(g->v, kind, key, fl, &lo, &hi);
  rc = spend(x, (uint64_t)(hi - lo) * (fl / 8 + 1));
  for (j = lo; j < hi && rc == CP_OK; j++) {
    uint32_t id = cp_variants_id(g->v, j);
    if (id < g->f->ntypes && cp_variants_takes(g->v, j, n->edge, kind, key, fl))
      m[id] = 1;
  }
  free(f);
  return rc;
}

/* the types whose 'layer' string a regular expression matches whole,
** each match bounded as exec.c bounds them */
static int mark_regex (ctx *x, const cp_sfield *f, const cp_pnode *n,
                       uint8_t *m) {
  int ec, rc = CP_OK;
  PCRE2_SIZE eo;
  uint32_t i;
  pcre2_code *re = pcre2_compile((PCRE2_SPTR)n->str, n->len,
      PCRE2_UTF | PCRE2_ANCHORED | PCRE2_ENDANCHORED | PCRE2_MATCH_INVALID_UTF,
      &ec, &eo, NULL);
  pcre2_match_data *md;
  pcre2_match_context *mc;
  if (re == NULL)       /* cp_plan_check compiled it before: cannot happen */
    return cp_err_set(x->err, CP_ESYNTAX, "bad regular expression");
  md = pcre2_match_data_create_from_pattern(re, NULL);
  mc = pcre2_match_context_create(NULL);
  if (md == NULL || mc == NULL) rc = oom(x);
  else {
    pcre2_set_match_limit(mc, CP_REGEX_MATCH_LIMIT);
    pcre2_set_depth_limit(mc, CP_REGEX_DEPTH_LIMIT);
  }
  for (i = 0; i < f->ntypes && rc == CP_OK; i++) {
    size_t sl;
    const char *s = cp_sf_type(f, i, n->layer, &sl);
    int r;
    if ((rc = spend(x, 1 + sl / 8)) != CP_OK) break;
    r = pcre2_match(re, (PCRE2_SPTR)s, sl, 0, 0, md, mc);
    if (r >= 0) m[i] = 1;
    else if (r != PCRE2_ERROR_NOMATCH)
      rc = cp_err_set(x->err, r == PCRE2_ERROR_NOMEMORY ? CP_ENOMEM : CP_ELIMIT,
             "regular expression /%.*s/ failed on '%.*s' (backtracking "
             "limit); simplify it", (int)(n->len > 100 ? 100 : n->len), n->str,
             (int)(sl > 40 ? 40 : sl), s);
  }
  pcre2_match_context_free(mc);
  pcre2_match_data_free(md);
  pcre2_code_free(re);
  return rc;
}

/* the types a word node matches, into m[0..ntypes) (zeroed first) */
static int word_types (ctx *x, fseg *g, const cp_pnode *n, uint8_t *m) {
  const char *t = n->str;
  size_t tl = n->len;
  char *tmp = NULL;
  int rc;
  memset(m, 0, g->f->ntypes);
  if (n->kind == CP_P_REGEX) return mark_regex(x, g->f, n, m);
  if (n->layer != CP_WORD) {          /* the text as the layer holds it */
    tmp = cp_an_key(x->an, t, tl, n->kind == CP_P_TERM && n->layer == CP_STEM,
                    &tl);
    if (tmp == NULL) return oom(x);
    t = tmp;
  }
  /* a compound's words as one key (CP_EDGE_RUN) match no type as such:
  ** only the compounds holding them, through the variant table */
  rc = n->edge == CP_EDGE_RUN ? CP_OK
       : mark_lex(x, g->f, n->kind, n->layer, t, tl, m);
  if (rc == CP_OK && n->layer == CP_NORM && n->variants)
    rc = mark_variants(x, g, n, t, tl, m);
  free(tmp);
  return rc;
}

/* }================================================================ */


/* {================================================================
** Documents
** ================================================================= */

/* mark in dm the documents holding a type marked in m */
static int docs_of_types (ctx *x, const fseg *g, const uint8_t *m,
                          uint8_t *dm) {
  const cp_sfield *f = g->f;
  uint32_t i, j, nd = x->ndocs;
  for (i = 0; i < f->ntypes; i++) {
    int rc;
    if (!m[i]) continue;
    if ((rc = spend(x, f->posto[i + 1] - f->posto[i])) != CP_OK) return rc;
    for (j = f->posto[i]; j < f->posto[i + 1]; j++)
      dm[doc_of(f, nd, f->post[j])] = 1;
  }
  return CP_OK;
}

/* does the phrase of items m[0..k) occur in tokens [s, e)?  It starts on
** a word; punctuation between words is skipped; a separator (between
** two values of the field) ends it */
static int phrase_in (const cp_sfield *f, uint8_t *const *m, size_t k,
                      uint32_t s, uint32_t e) {
  uint32_t p;
  for (p = s; p < e; p++) {
    uint32_t q = p, t = f->tok[p];
    size_t i;
    if (t == CP_SF_SEP || (f->flags[t] & 1) || !m[0][t]) continue;
    for (i = 1; i < k; i++) {
      q++;
      while (q < e && f->tok[q] != CP_SF_SEP && (f->flags[f->tok[q]] & 1)) q++;
      if (q >= e || (t = f->tok[q]) == CP_SF_SEP || !m[i][t]) break;
    }
    if (i == k) return 1;
  }
  return 0;
}

static int eval_fnode (ctx *x, fseg *g, const cp_pnode *n, uint8_t *dm,
                       int depth);

static int eval_phrase (ctx *x, fseg *g, const cp_pnode *n, uint8_t *dm) {
  const cp_sfield *f = g->f;
  size_t k = n->nkids, i, best = 0;
  uint64_t bestn = UINT64_MAX;
  uint8_t **m, *cand = NULL;
  const cp_pnode *it;
  uint32_t d;
  int rc = CP_OK;
  if (k == 0) return CP_OK;
  if ((m = (uint8_t **)calloc(k, sizeof(uint8_t *))) == NULL) return oom(x);
  for (i = 0, it = n->kid; it != NULL && rc == CP_OK; it = it->next, i++) {
    uint64_t np = 0;
    uint32_t ty;
    if ((m[i] = (uint8_t *)malloc((size_t)f->ntypes + 1)) == NULL) {
      rc = oom(x);
      break;
    }
    if ((rc = word_types(x, g, it->kid, m[i])) != CP_OK) break;
    for (ty = 0; ty < f->ntypes; ty++)
      if (m[i][ty]) np += f->posto[ty + 1] - f->posto[ty];
    if (np < bestn) { bestn = np; best = i; }
  }
  /* candidates: the documents of the rarest word, each then checked */
  if (rc == CP_OK && bestn > 0 &&
      (cand = (uint8_t *)calloc((size_t)x->ndocs + 1, 1)) == NULL)
    rc = oom(x);
  if (rc == CP_OK && cand != NULL) rc = docs_of_types(x, g, m[best], cand);
  for (d = 0; cand != NULL && rc == CP_OK && d < x->ndocs; d++) {
    if (!cand[d] || cp_corpus_is_deleted(x->c, x->segi, d)) continue;
    if ((rc = spend(x, f->doco[d + 1] - f->doco[d] + 1)) != CP_OK) break;
    if (phrase_in(f, m, k, f->doco[d], f->doco[d + 1])) dm[d] = 1;
  }
  for (i = 0; i < k; i++) free(m[i]);
  free(m);
  free(cand);
  return rc;
}

/* the documents of node n (a child of FIELD) into dm[0..ndocs) */
static int eval_fnode (ctx *x, fseg *g, const cp_pnode *n, uint8_t *dm,
                       int depth) {
  const cp_pnode *k;
  uint8_t *km;
  uint32_t d, nd = x->ndocs;
  int rc = CP_OK;
  memset(dm, 0, nd);
  if (depth > 1000) return cp_err_set(x->err, CP_ELIMIT, "query nested too deeply");
  switch (n->kind) {
    case CP_P_TERM: case CP_P_PREFIX: case CP_P_GLOB: case CP_P_REGEX: {
      uint8_t *m = (uint8_t *)malloc((size_t)g->f->ntypes + 1);
      if (m == NULL) return oom(x);
      rc = word_types(x, g, n, m);
      if (rc == CP_OK) rc = docs_of_types(x, g, m, dm);
      free(m);
      return rc;
    }
    case CP_P_SEQ: return eval_phrase(x, g, n, dm);
    case CP_P_AND: case CP_P_OR: case CP_P_NOT:
      if ((km = (uint8_t *)malloc((size_t)nd + 1)) == NULL) return oom(x);
      if (n->kind == CP_P_AND) memset(dm, 1, nd);
      for (k = n->kid; k != NULL && rc == CP_OK; k = k->next) {
        if ((rc = eval_fnode(x, g, k, km, depth + 1)) != CP_OK) break;
        if ((rc = spend(x, nd / 64 + 1)) != CP_OK) break;
        for (d = 0; d < nd; d++) {
          if (n->kind == CP_P_AND) dm[d] &= km[d];
          else if (n->kind == CP_P_OR) dm[d] |= km[d];
          else dm[d] = !km[d];
        }
      }
      free(km);
      return rc;
    default:
      return cp_err_set(x->err, CP_EINVAL, "bad plan node in a field");
  }
}

int cp_x_eval_field (ctx *x, const cp_pnode *n, cp_res *r) {
  fseg g;
  uint8_t *dm;
  uint32_t d;
  int rc;
  if (n->kid == NULL) return cp_err_set(x->err, CP_EINVAL, "empty field node");
  if ((rc = fseg_open(x, n, &g)) != CP_OK) { fseg_close(&g); return rc; }
  if ((dm = (uint8_t *)malloc((size_t)x->ndocs + 1)) == NULL) rc = oom(x);
  else rc = eval_fnode(x, &g, n->kid, dm, 0);
  for (d = x->doc_lo; rc == CP_OK && d < x->doc_hi && d < x->ndocs; d++)
    if (dm[d] && !cp_corpus_is_deleted(x->c, x->segi, d) &&
        cp_u32s_push(&r->docs, d) != CP_OK)
      rc = oom(x);
  free(dm);
  fseg_close(&g);
  return rc;
}

/* }================================================================ */
