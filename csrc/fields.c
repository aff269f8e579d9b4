/*
** fields.c -- scoring metadata fields for BM25F (xint.h cp_fscore_*).
**
** Only the body text is indexed.  A string metadata field (a Reuters
** title, say) is scored at query time: the value of each document
** being ranked is tokenized and normalized with the corpus's own
** tokenizer and analyzer, and each scoring leaf of the query (a term,
** a phrase, a token pattern) is counted in it with a small matcher over
** the field's tokens that follows the executor's rules (phrases skip
** punctuation and start on a word; patterns repeat lazily; a match is
** counted once per start).  NEAR groups count 0 in fields.  The word
** layer of a field token is its text as written (NFC input assumed).
**
** Field lengths in words (punctuation not counted) are computed per
** segment once and kept in the query cache; their average is taken
** over the live documents (a document without the field has length 0).
**
** A field named at build time (corpus.new{fields = ...}) has its tokens
** in the segment (FIELDS, segfield.c): its types with their norm and
** stem, each document's stream of type ids and its length.  For such a
** segment nothing is tokenized: the matcher runs over the stored
** tokens and the lengths are read as stored, so scores are the same
** bit for bit.  A segment without the section takes the path above.
*/
#include <stdlib.h>
#include <string.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "xint.h"
#include "seg.h"
#include "tok.h"
#include "analysis.h"
#include "segfield.h"

/* {================================================================
** Conditions compiled for field tokens
** ================================================================= */

typedef struct fcond {
  int kind, layer;
  char *text;                  /* TERM/PREFIX/GLOB, normalized as the layer */
  size_t len;
  struct fcond *kids;          /* TAND/TOR/TNOT args; SEQ items; ITEM cond */
  size_t nkids;
  uint32_t min, max;           /* ITEM */
  int phrase;                  /* SEQ */
  pcre2_code *re;              /* REGEX */
  pcre2_match_data *md;
} fcond;

static void fc_free (fcond *c) {
  size_t i;
  for (i = 0; i < c->nkids; i++) fc_free(&c->kids[i]);
  free(c->kids);
  free(c->text);
  if (c->md != NULL) pcre2_match_data_free(c->md);
  if (c->re != NULL) pcre2_code_free(c->re);
  memset(c, 0, sizeof(*c));
}

/* the text of a lexical node normalized as exec.c's lex_ids does */
static int fc_text (cp_an *an, const cp_pnode *n, fcond *c) {
  const char *t = n->str;
  size_t tl = n->len;
  char *tmp = NULL;
  if (n->layer != CP_WORD) {
    const char *r = cp_an_norm(an, t, tl, &tl);
    if (r == NULL) return CP_ENOMEM;
    if (n->kind == CP_P_TERM && n->layer == CP_STEM) {
      if ((tmp = (char *)malloc(tl + 1)) == NULL) return CP_ENOMEM;
      memcpy(tmp, r, tl);
      r = cp_an_stem(an, tmp, tl, &tl);
      if (r == NULL) { free(tmp); return CP_ENOMEM; }
    }
    t = r;
  }
  if ((c->text = (char *)malloc(tl + 1)) == NULL) { free(tmp); return CP_ENOMEM; }
  memcpy(c->text, t, tl);
  c->text[tl] = '\0';
  c->len = tl;
  free(tmp);
  return CP_OK;
}

static int fc_compile (cp_an *an, const cp_pnode *n, fcond *c, int depth) {
  const cp_pnode *k;
  size_t i;
  memset(c, 0, sizeof(*c));
  if (depth > 400) return CP_ELIMIT;
  while (n->kind == CP_P_WITHIN) n = n->kid;   /* fields have no units */
  c->kind = n->kind;
  c->layer = n->layer;
  c->min = n->min;
  c->max = n->max;
  c->phrase = n->phrase;
  switch (n->kind) {
    case CP_P_TERM: case CP_P_PREFIX: case CP_P_GLOB:
      return fc_text(an, n, c);
    case CP_P_REGEX: {        /* as exec.c: the whole layer string */
      int ec;
      PCRE2_SIZE eo;
      c->re = pcre2_compile((PCRE2_SPTR)n->str, n->len,
          PCRE2_UTF | PCRE2_ANCHORED | PCRE2_ENDANCHORED | PCRE2_MATCH_INVALID_UTF,
          &ec, &eo, NULL);
      if (c->re == NULL) return CP_OK;   /* checked before: cannot happen */
      if ((c->md = pcre2_match_data_create_from_pattern(c->re, NULL)) == NULL)
        return CP_ENOMEM;
      return CP_OK;
    }
    case CP_P_TAND: case CP_P_TOR: case CP_P_TNOT: case CP_P_SEQ:
    case CP_P_ITEM: {
      size_t nk = 0;
      for (k = n->kid; k != NULL; k = k->next) nk++;
      if (nk == 0) return CP_OK;
      if ((c->kids = (fcond *)calloc(nk, sizeof(fcond))) == NULL)
        return CP_ENOMEM;
      c->nkids = nk;
      for (i = 0, k = n->kid; k != NULL; k = k->next, i++) {
        int rc = fc_compile(an, k, &c->kids[i], depth + 1);
        if (rc != CP_OK) return rc;
      }
      return CP_OK;
    }
    default:                   /* ANY; NEAR: not in fields */
      return CP_OK;
  }
}

/* a token of a field value: its layers and whether it is punctuation */
typedef struct ftok {
  const char *s[CP_NLAYERS];
  size_t l[CP_NLAYERS];
  size_t off[CP_NLAYERS];      /* arena offsets while it may still move */
  int punct;
} ftok;

static int ftest (const fcond *c, const ftok *t) {
  size_t i, l;
  const char *s;
  switch (c->kind) {
    case CP_P_ANY: return 1;
    case CP_P_TERM: case CP_P_PREFIX: case CP_P_GLOB:
      if (c->layer < 0 || c->layer >= CP_NLAYERS) return 0;
      s = t->s[c->layer];
      l = t->l[c->layer];
      if (c->kind == CP_P_TERM) return l == c->len && memcmp(s, c->text, l) == 0;
      if (c->kind == CP_P_PREFIX) return l >= c->len && memcmp(s, c->text, c->len) == 0;
      return cp_glob_match(c->text, c->len, s, l);
    case CP_P_REGEX:
      if (c->re == NULL || c->layer < 0 || c->layer >= CP_NLAYERS) return 0;
      return pcre2_match(c->re, (PCRE2_SPTR)t->s[c->layer], t->l[c->layer],
                         0, 0, c->md, NULL) >= 0;
    case CP_P_TAND:
      for (i = 0; i < c->nkids; i++) if (!ftest(&c->kids[i], t)) return 0;
      return 1;
    case CP_P_TOR:
      for (i = 0; i < c->nkids; i++) if (ftest(&c->kids[i], t)) return 1;
      return 0;
    case CP_P_TNOT: return c->nkids == 1 && !ftest(&c->kids[0], t);
    default: return 0;
  }
}

/* does item i (and the rest) of 'seq' match from token 'pos'?  the end
** or -1; repetitions are lazy, as in exec.c */
static long fseq_fwd (const fcond *seq, size_t i, const ftok *t, size_t n,
                      size_t pos) {
  const fcond *it;
  size_t q = pos;
  uint32_t c;
  if (i == seq->nkids) return (long)pos;
  it = &seq->kids[i];
  if (it->nkids != 1) return -1;
  for (c = 0; ; c++) {
    if (c >= it->min) {
      long r = fseq_fwd(seq, i + 1, t, n, q);
      if (r >= 0) return r;
    }
    if (c == it->max) break;
    if (seq->phrase)
      while (q < n && t[q].punct) q++;
    if (q >= n || !ftest(&it->kids[0], &t[q])) break;
    if (seq->phrase && t[q].punct) break;
    q++;
  }
  return -1;
}

/* matches of a compiled leaf in the tokens t[0..n) */
static uint32_t fcount (const fcond *c, const ftok *t, size_t n) {
  uint32_t k = 0;
  size_t s;
  if (c->kind == CP_P_SEQ) {
    for (s = 0; s < n; s++) {
      long e;
      if (c->phrase && t[s].punct) continue;
      e = fseq_fwd(c, 0, t, n, s);
      if (e > (long)s) k++;
    }
    return k;
  }
  if (c->kind == CP_P_NEAR) return 0;
  for (s = 0; s < n; s++) k += (uint32_t)ftest(c, &t[s]);
  return k;
}

/* }================================================================ */


/* {================================================================
** Field values as tokens
** ================================================================= */

typedef struct fbuf {
  cp_tokvec tv;
  ftok *t;
  size_t n, cap;
  char *arena;               /* norm and stem strings */
  size_t an, acap;
} fbuf;

static void fbuf_free (fbuf *b) {
  cp_tokvec_free(&b->tv);
  free(b->t);
  free(b->arena);
  memset(b, 0, sizeof(*b));
}

/* append n bytes to the arena; offset of the copy, or -1 */
static long arena_put (fbuf *b, const char *s, size_t n) {
  long off;
  if (b->an + n + 1 > b->acap) {
    size_t nc = b->acap ? b->acap : 256;
    char *np;
    while (nc < b->an + n + 1) nc *= 2;
    if ((np = (char *)realloc(b->arena, nc)) == NULL) return -1;
    b->arena = np;
    b->acap = nc;
  }
  memcpy(b->arena + b->an, s, n);
  off = (long)b->an;
  b->an += n;
  b->arena[b->an++] = '\0';
  return off;
}

/*
** Tokenize a field value into b->t (cleared first).  With 'an' the
** norm and stem of every token are taken too; without it, only the
** punctuation flags (for lengths).  Invalid UTF-8 is repaired first.
*/
static int field_tokens (fbuf *b, const char *s, size_t len, int mode,
                         cp_an *an, cp_err *err) {
  char *rep = NULL;
  size_t replen, ninv, i;
  int rc;
  b->n = 0;
  b->an = 0;
  if ((rc = cp_utf8_repair(s, len, &rep, &replen, &ninv, err)) != CP_OK)
    return rc;
  if (rep != NULL) { s = rep; len = replen; }
  if ((rc = cp_tok_run(s, len, mode, &b->tv, err)) != CP_OK) {
    free(rep);
    return rc;
  }
  if (b->tv.n > b->cap) {
    ftok *nt = (ftok *)realloc(b->t, b->tv.n * sizeof(ftok));
    if (nt == NULL) { free(rep); return cp_err_set(err, CP_ENOMEM, "out of memory"); }
    b->t = nt;
    b->cap = b->tv.n;
  }
  /* offsets first: the arena may move while it grows */
  for (i = 0; i < b->tv.n; i++) {
    const cp_tok *k = &b->tv.v[i];
    ftok *t = &b->t[i];
    memset(t, 0, sizeof(*t));
    t->punct = (k->flags & CP_TF_PUNCT) != 0;
    if (an != NULL) {
      long w, no, so;
      size_t nl, sl;
      const char *r;
      w = arena_put(b, s + k->start, k->stop - k->start);
      if ((r = cp_an_norm(an, s + k->start, k->stop - k->start, &nl)) == NULL ||
          w < 0 || (no = arena_put(b, r, nl)) < 0)
        goto nomem;
      /* the stem of the norm, read from the arena copy (the analyzer's
      ** buffer is reused by the next call) */
      if ((r = cp_an_stem(an, b->arena + no, nl, &sl)) == NULL ||
          (so = arena_put(b, r, sl)) < 0)
        goto nomem;
      t->off[CP_WORD] = (size_t)w;
      t->l[CP_WORD] = k->stop - k->start;
      t->off[CP_NORM] = (size_t)no;
      t->l[CP_NORM] = nl;
      t->off[CP_STEM] = (size_t)so;
      t->l[CP_STEM] = sl;
    }
  }
  if (an != NULL)
    for (i = 0; i < b->tv.n; i++) {
      int l;
      for (l = 0; l < CP_NLAYERS; l++)
        b->t[i].s[l] = b->arena + b->t[i].off[l];
    }
  b->n = b->tv.n;
  free(rep);
  return CP_OK;
nomem:
  free(rep);
  return cp_err_set(err, CP_ENOMEM, "out of memory");
}

/*
** The stored tokens f->tok[from, to) (no separator among them) into
** b->t, their strings in the field's lexicon.
*/
static int stored_tokens (fbuf *b, const cp_sfield *f, uint32_t from,
                          uint32_t to, cp_err *err) {
  uint32_t k;
  size_t n = to - from;
  if (n > b->cap) {
    ftok *nt = (ftok *)realloc(b->t, n * sizeof(ftok));
    if (nt == NULL) return cp_err_set(err, CP_ENOMEM, "out of memory");
    b->t = nt;
    b->cap = n;
  }
  for (k = from; k < to; k++) {
    ftok *t = &b->t[k - from];
    uint32_t ty = f->tok[k];
    int l;
    for (l = 0; l < CP_NLAYERS; l++) t->s[l] = cp_sf_type(f, ty, l, &t->l[l]);
    t->punct = f->flags[ty] & 1;
  }
  b->n = n;
  return CP_OK;
}

/* }================================================================ */


/* {================================================================
** Field lengths (cached per segment)
** ================================================================= */

typedef struct lenreq { const char *name; size_t len; } lenreq;

static int is_field (const cp_meta *m, const char *name, size_t len) {
  return m->type == CP_MSTR && m->keylen == len &&
         memcmp(m->key, name, len) == 0;
}

/* words in the field of each local document (several values add up) */
static void *make_flen (cp_corpus *c, size_t segi, void *ud) {
  const lenreq *q = (const lenreq *)ud;
  const cp_seg *s = cp_corpus_seg(c, segi);
  uint32_t nd = cp_seg_ndocs(s), d;
  uint32_t *len = (uint32_t *)calloc((size_t)nd + 1, sizeof(uint32_t));
  fbuf b;
  memset(&b, 0, sizeof(b));
  if (len == NULL) return NULL;
  for (d = 0; d < nd; d++) {
    cp_docinfo di;
    cp_meta m;
    size_t it = 0, i;
    if (cp_seg_doc_head(s, d, &di) != CP_OK) continue;
    while (cp_meta_next(di.meta, di.metalen, &it, &m) == 1) {
      if (!is_field(&m, q->name, q->len)) continue;
      if (field_tokens(&b, m.str, m.strlen, cp_corpus_mode(c), NULL, NULL)
          != CP_OK) {
        fbuf_free(&b);
        free(len);
        return NULL;
      }
      for (i = 0; i < b.n; i++) len[d] += !b.t[i].punct;
    }
  }
  fbuf_free(&b);
  return len;
}

/* the parsed FIELDS section of a segment (segfield.c), one block:
** n = 0 when it has none, 'damaged' when it does not check */
static void *make_sfields (cp_corpus *c, size_t segi, void *ud) {
  cp_sfields *sf;
  int rc = cp_sf_open(cp_corpus_seg(c, segi), &sf, NULL);
  (void)ud;
  if (rc == CP_OK && sf != NULL) return sf;
  if (rc != CP_OK && rc != CP_ECORRUPT) return NULL;
  if ((sf = (cp_sfields *)calloc(1, sizeof(cp_sfields))) != NULL)
    sf->damaged = rc == CP_ECORRUPT;
  return sf;
}

/* the indexed fields of segment segi (cached); NULL on no memory */
const cp_sfields *cp_fs_segfields (cp_qcache *qc, cp_corpus *c,
                                   size_t segi, void **tmp) {
  return (const cp_sfields *)cp_qc_fetch(qc, c, segi, "sfields",
                                         make_sfields, NULL, tmp);
}

/* }================================================================ */


/* {================================================================
** Scorer
** ================================================================= */

typedef struct fspec {
  const char *name;
  size_t len;
  double w;
  double avg;                /* mean length over live documents */
  const uint32_t **lens;     /* per segment */
  uint32_t **owned;          /* per segment, when not cached */
  const cp_sfield **ix;      /* per segment: its stored tokens, or NULL */
} fspec;

struct cp_fscore {
  cp_corpus *c;
  cp_an *an;
  int mode;
  fspec *f;
  size_t nf, nseg;
  fcond *leaf;
  size_t nl;
  fbuf buf;
  void **sfown;              /* per segment: sections parsed, not cached */
};

void cp_fscore_free (cp_fscore *fs) {
  size_t i, j;
  if (fs == NULL) return;
  for (i = 0; i < fs->nf; i++) {
    for (j = 0; fs->f[i].owned != NULL && j < fs->nseg; j++)
      free(fs->f[i].owned[j]);
    free(fs->f[i].owned);
    free((void *)fs->f[i].lens);
    free((void *)fs->f[i].ix);
  }
  for (j = 0; fs->sfown != NULL && j < fs->nseg; j++) free(fs->sfown[j]);
  free(fs->sfown);
  free(fs->f);
  for (i = 0; i < fs->nl; i++) fc_free(&fs->leaf[i]);
  free(fs->leaf);
  fbuf_free(&fs->buf);
  free(fs);
}

int cp_fscore_new (cp_corpus *c, cp_qcache *qc, const cp_search_field *f,
                   size_t nf, const cp_pnode *const *lv, size_t nl,
                   cp_fscore **out, cp_err *err) {
  cp_fscore *fs;
  size_t i, j, k;
  *out = NULL;
  if ((fs = (cp_fscore *)calloc(1, sizeof(cp_fscore))) == NULL)
    return cp_err_set(err, CP_ENOMEM, "out of memory");
  fs->c = c;
  fs->an = cp_corpus_analyzer(c);
  fs->mode = cp_corpus_mode(c);
  fs->nseg = cp_corpus_nsegs(c);
  if (fs->an == NULL) {
    cp_fscore_free(fs);
    return cp_err_set(err, CP_EINVAL, "corpus has no analyzer");
  }
  if ((fs->f = (fspec *)calloc(nf ? nf : 1, sizeof(fspec))) == NULL ||
      (fs->leaf = (fcond *)calloc(nl ? nl : 1, sizeof(fcond))) == NULL ||
      (fs->sfown = (void **)calloc(fs->nseg + 1, sizeof(void *))) == NULL)
    goto nomem;
  fs->nl = nl;
  for (j = 0; j < nl; j++) {
    int rc = fc_compile(fs->an, lv[j], &fs->leaf[j], 0);
    if (rc == CP_ELIMIT) {
      cp_fscore_free(fs);
      return cp_err_set(err, CP_ELIMIT, "query nested too deeply");
    }
    if (rc != CP_OK) goto nomem;
  }
  for (i = 0; i < nf; i++) {
    fspec *p;
    lenreq q;
    uint64_t words = 0, ndocs = 0;
    if (f[i].len == 4 && memcmp(f[i].name, "text", 4) == 0) continue;
    if (f[i].weight == 0) continue;
    p = &fs->f[fs->nf++];
    p->name = f[i].name;
    p->len = f[i].len;
    p->w = f[i].weight;
    p->lens = (const uint32_t **)calloc(fs->nseg + 1, sizeof(uint32_t *));
    p->owned = (uint32_t **)calloc(fs->nseg + 1, sizeof(uint32_t *));
    p->ix = (const cp_sfield **)calloc(fs->nseg + 1, sizeof(cp_sfield *));
    if (p->lens == NULL || p->owned == NULL || p->ix == NULL) goto nomem;
    q.name = f[i].name;
    q.len = f[i].len;
    for (k = 0; k < fs->nseg; k++) {
      /* the cache key names the field; a NUL in the name would cut it */
      char key[80];
      uint32_t d, nd = cp_seg_ndocs(cp_corpus_seg(c, k));
      void *tmp;
      const cp_sfields *sf = fs->sfown[k];
      if (sf == NULL &&
          (sf = cp_fs_segfields(qc, c, k, &fs->sfown[k])) == NULL)
        goto nomem;
      if (sf->damaged) {
        cp_fscore_free(fs);
        return cp_err_set(err, CP_ECORRUPT, "%s: corrupt segment: checksum "
                          "or structure of the field tokens",
                          cp_corpus_seg_name(c, k));
      }
      if ((p->ix[k] = cp_sf_find(sf, q.name, q.len)) != NULL)
        p->lens[k] = p->ix[k]->dlen;     /* as stored */
      else if (memchr(q.name, '\0', q.len) != NULL || q.len > 64) {
        p->lens[k] = (const uint32_t *)make_flen(c, k, &q);
        p->owned[k] = (uint32_t *)p->lens[k];
      }
      else {
        memcpy(key, "flen:", 5);
        memcpy(key + 5, q.name, q.len);
        key[5 + q.len] = '\0';
        p->lens[k] = (const uint32_t *)cp_qc_fetch(qc, c, k, key, make_flen,
                                                   &q, &tmp);
        p->owned[k] = (uint32_t *)tmp;
      }
      if (p->lens[k] == NULL && nd > 0) goto nomem;
      for (d = 0; d < nd; d++)
        if (!cp_corpus_is_deleted(c, k, d)) { ndocs++; words += p->lens[k][d]; }
    }
    p->avg = ndocs ? (double)words / (double)ndocs : 0.0;
  }
  *out = fs;
  return CP_OK;
nomem:
  cp_fscore_free(fs);
  return cp_err_set(err, CP_ENOMEM, "out of memory");
}

int cp_fscore_doc (cp_fscore *fs, size_t segi, uint32_t d, double b,
                   double *tfw, cp_err *err) {
  const cp_seg *s = cp_corpus_seg(fs->c, segi);
  cp_docinfo di;
  size_t i, j;
  if (s == NULL || cp_seg_doc_head(s, d, &di) != CP_OK)
    return cp_err_set(err, CP_EINVAL, "no such document");
  for (i = 0; i < fs->nf; i++) {
    fspec *p = &fs->f[i];
    double norm;
    size_t it = 0;
    cp_meta m;
    int r;
    if (p->avg <= 0 || p->lens[segi][d] == 0) continue;
    norm = 1.0 - b + b * (double)p->lens[segi][d] / p->avg;
    if (norm <= 0) continue;
    if (p->ix[segi] != NULL) {   /* the stored tokens, value by value */
      const cp_sfield *f = p->ix[segi];
      uint32_t a = f->doco[d], e = f->doco[d + 1], v;
      while (a <= e) {
        int rc;
        for (v = a; v < e && f->tok[v] != CP_SF_SEP; v++) ;
        if ((rc = stored_tokens(&fs->buf, f, a, v, err)) != CP_OK) return rc;
        for (j = 0; j < fs->nl; j++) {
          uint32_t tf = fcount(&fs->leaf[j], fs->buf.t, fs->buf.n);
          if (tf) tfw[j] += p->w * (double)tf / norm;
        }
        a = v + 1;
      }
      continue;
    }
    while ((r = cp_meta_next(di.meta, di.metalen, &it, &m)) == 1) {
      int rc;
      if (!is_field(&m, p->name, p->len)) continue;
      if ((rc = field_tokens(&fs->buf, m.str, m.strlen, fs->mode, fs->an,
                             err)) != CP_OK)
        return rc;
      for (j = 0; j < fs->nl; j++) {
        uint32_t tf = fcount(&fs->leaf[j], fs->buf.t, fs->buf.n);
        if (tf) tfw[j] += p->w * (double)tf / norm;
      }
    }
    if (r < 0)
      return cp_err_set(err, CP_ECORRUPT, "damaged metadata in document %u", d);
  }
  return CP_OK;
}

/* }================================================================ */


/* {================================================================
** What the segments index of a field (c:fields())
** ================================================================= */

int cp_field_info (cp_corpus *c, const char *name, size_t len,
                   cp_field_info_t *out, cp_err *err) {
  size_t k, ns;
  if (c == NULL || name == NULL || out == NULL)
    return cp_err_set(err, CP_EINVAL, "cp_field_info: NULL argument");
  memset(out, 0, sizeof(*out));
  if (cp_corpus_flush(c, err) != CP_OK) return err ? err->code : CP_EIO;
  ns = cp_corpus_nsegs(c);
  out->nsegs = ns;
  for (k = 0; k < ns; k++) {
    const cp_seg *s = cp_corpus_seg(c, k);
    cp_sfields *sf;
    const cp_sfield *f;
    uint32_t d;
    cp_err e2;
    int rc = cp_sf_open(s, &sf, &e2);
    if (rc != CP_OK)
      return cp_err_set(err, rc, "%s: %s", cp_corpus_seg_name(c, k), e2.msg);
    if ((f = cp_sf_find(sf, name, len)) != NULL) {
      out->segs++;
      out->types += f->ntypes;
      for (d = 0; d < sf->ndocs; d++) {
        uint32_t j;
        if (cp_corpus_is_deleted(c, k, d)) continue;
        for (j = f->doco[d]; j < f->doco[d + 1]; j++)
          out->tokens += f->tok[j] != CP_SF_SEP;
        out->words += f->dlen[d];
        out->docs += f->dlen[d] > 0;
      }
    }
    free(sf);
  }
  return CP_OK;
}

/* }================================================================ */
