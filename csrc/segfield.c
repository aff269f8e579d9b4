/*
** segfield.c -- token streams of text metadata fields (segfield.h): the
** builder's part, the FIELDS section's encoding and its reader.
**
** {================================================================
** FIELDS, section 31 of a segment image (optional; also in
** docs/FORMAT.md)
**
** Absent or empty: the segment indexes no field, and BM25F tokenizes
** the field values of the documents it ranks (fields.c).  Otherwise,
** little-endian like the rest of the image, every part 4-aligned (the
** section starts 8-aligned), D = the segment's ndocs:
**   u32 version = 1, u32 nfields (1..16), then per field, in the order
**   the build named them:
**     u32 namelen (1..64), name bytes, zero pad to 4
**     u32 N (types), u32 F (tokens, separators included), u32 P
**     (postings: F minus the separators), u32 S (lexicon bytes)
**     LEXO  u32[3N+1]  type i's word, norm and stem are LEXS[LEXO[3i],
**                      LEXO[3i+1]), [LEXO[3i+1], LEXO[3i+2]),
**                      [LEXO[3i+2], LEXO[3i+3]); LEXO[0] = 0,
**                      non-decreasing, LEXO[3N] = S.  A type is a word
**                      as written (NFC input assumed, U+FFFD for bad
**                      UTF-8) with its punctuation flag; types are in
**                      order of first occurrence
**     LEXS  u8[S], zero pad to 4
**     FLAGS u8[N], zero pad to 4: bit 0 punctuation (no letter or digit)
**     DOCO  u32[D+1]   document d's tokens are TOK[DOCO[d], DOCO[d+1]);
**                      DOCO[0] = 0, non-decreasing, DOCO[D] = F
**     TOK   u32[F]     type id of each token, or 0xffffffff between two
**                      values of the field in one document
**     DLEN  u32[D]     words (tokens that are not punctuation) of the
**                      field in each document: BM25F's field length
**     POSTO u32[N+1]   postings of type i: POST[POSTO[i], POSTO[i+1]);
**     POST  u32[P]       positions into TOK, ascending
** The section checksum (the section table's XXH64) is verified, and
** every part checked against the others, when a reader first parses it.
** }================================================================
**
** A merge copies a document's field tokens from its segment's section
** (types are mapped by their key, punctuation flag and word); only a
** document of a segment that lacks the field is tokenized.
*/
#include <stdlib.h>
#include <string.h>

#include <xxhash.h>

#include "segfield.h"
#include "segfmt.h"
#include "tok.h"

#define SF_VERSION 1u


/* {================================================================
** Field lists
** ================================================================= */

size_t cp_fields_next (const char **p, const char **name) {
  const char *s = *p;
  size_t n = 0;
  while (*s == ' ') s++;
  *name = s;
  while (s[n] != '\0' && s[n] != ' ') n++;
  *p = s + n;
  return n;
}

int cp_fields_check (const char *list, cp_err *err) {
  const char *p = list, *nm, *names[CP_FIELDS_MAX];
  size_t lens[CP_FIELDS_MAX], n = 0, l, i, k;
  if (list == NULL) return CP_OK;
  while ((l = cp_fields_next(&p, &nm)) > 0) {
    if (n == CP_FIELDS_MAX)
      return cp_err_set(err, CP_EINVAL, "at most %d indexed fields",
                        CP_FIELDS_MAX);
    if (l > CP_FIELDS_NAMEMAX)
      return cp_err_set(err, CP_EINVAL, "field name longer than %d bytes",
                        CP_FIELDS_NAMEMAX);
    for (i = 0; i < l; i++)
      if ((unsigned char)nm[i] <= ' ' || (unsigned char)nm[i] >= 127)
        return cp_err_set(err, CP_EINVAL, "field name '%.*s': printable "
                          "ASCII without spaces expected", (int)l, nm);
    if (l == 4 && memcmp(nm, "text", 4) == 0)
      return cp_err_set(err, CP_EINVAL, "'text' is the body, always "
                        "indexed: not a field to name");
    for (k = 0; k < n; k++)
      if (lens[k] == l && memcmp(names[k], nm, l) == 0)
        return cp_err_set(err, CP_EINVAL, "field '%.*s' named twice",
                          (int)l, nm);
    names[n] = nm;
    lens[n++] = l;
  }
  return CP_OK;
}

/* }================================================================ */


/* {================================================================
** Builder
** ================================================================= */

static void field_free (cp_fbfield *f) {
  free(f->name);
  cp_lex_free(&f->key);
  cp_bytes_free(&f->str);
  cp_vec32_free(&f->off);
  cp_bytes_free(&f->flags);
  cp_vec32_free(&f->tok);
  cp_vec32_free(&f->doco);
  cp_vec32_free(&f->dlen);
}

static void forget_src (cp_fbuild *b) {
  free(b->srcf);
  b->srcf = NULL;
  b->src = NULL;
}

void cp_fb_clear (cp_fbuild *b) {
  size_t i;
  for (i = 0; i < b->n; i++) {
    cp_fbfield *f = &b->f[i];
    char *name = f->name;
    size_t len = f->len;
    f->name = NULL;
    field_free(f);
    memset(f, 0, sizeof(*f));
    f->name = name;
    f->len = len;
  }
  forget_src(b);
}

void cp_fb_free (cp_fbuild *b) {
  size_t i;
  for (i = 0; i < b->n; i++) field_free(&b->f[i]);
  free(b->f);
  cp_tokvec_free(&b->tv);
  forget_src(b);
  memset(b, 0, sizeof(*b));
}

static int has_field (const cp_fbuild *b, const char *name, size_t len) {
  size_t i;
  for (i = 0; i < b->n; i++)
    if (b->f[i].len == len && memcmp(b->f[i].name, name, len) == 0) return 1;
  return 0;
}

static int add_field (cp_fbuild *b, const char *name, size_t len,
                      cp_err *err) {
  cp_fbfield *nf;
  if (has_field(b, name, len)) return CP_OK;
  if (b->n == CP_FIELDS_MAX)
    return cp_err_set(err, CP_ELIMIT, "at most %d indexed fields",
                      CP_FIELDS_MAX);
  nf = (cp_fbfield *)realloc(b->f, (b->n + 1) * sizeof(cp_fbfield));
  if (nf == NULL) return cp_err_set(err, CP_ENOMEM, "out of memory");
  b->f = nf;
  memset(&nf[b->n], 0, sizeof(cp_fbfield));
  if ((nf[b->n].name = (char *)malloc(len + 1)) == NULL)
    return cp_err_set(err, CP_ENOMEM, "out of memory");
  memcpy(nf[b->n].name, name, len);
  nf[b->n].name[len] = '\0';
  nf[b->n].len = len;
  b->n++;
  return CP_OK;
}

int cp_fb_set (cp_fbuild *b, const char *list, size_t ndocs, cp_err *err) {
  const char *p = list, *nm;
  size_t l, i;
  int rc;
  if (b == NULL) return cp_err_set(err, CP_EINVAL, "cp_fb_set: no builder");
  if (ndocs > 0)
    return cp_err_set(err, CP_EINVAL, "indexed fields are set before the "
                      "first document");
  if ((rc = cp_fields_check(list, err)) != CP_OK) return rc;
  for (i = 0; i < b->n; i++) field_free(&b->f[i]);
  b->n = 0;
  forget_src(b);
  while (list != NULL && (l = cp_fields_next(&p, &nm)) > 0)
    if ((rc = add_field(b, nm, l, err)) != CP_OK) return rc;
  return CP_OK;
}

int cp_fb_union (cp_fbuild *b, const cp_seg *const *segs, size_t n,
                 size_t ndocs, cp_err *err) {
  size_t i, k;
  if (b == NULL || (segs == NULL && n > 0))
    return cp_err_set(err, CP_EINVAL, "cp_fb_union: bad argument");
  if (ndocs > 0)
    return cp_err_set(err, CP_EINVAL, "indexed fields are set before the "
                      "first document");
  for (i = 0; i < n; i++) {
    cp_sfields *sf;
    int rc = cp_sf_open(segs[i], &sf, err);
    if (rc != CP_OK) return rc;
    for (k = 0; sf != NULL && k < sf->n && rc == CP_OK; k++)
      rc = add_field(b, sf->f[k].name, sf->f[k].len, err);
    free(sf);
    if (rc != CP_OK) return rc;
  }
  return CP_OK;
}

void cp_fb_list (const cp_fbuild *b, char *buf) {
  size_t i, o = 0;
  buf[0] = '\0';
  for (i = 0; b != NULL && i < b->n; i++) {
    if (o > 0) buf[o++] = ' ';
    memcpy(buf + o, b->f[i].name, b->f[i].len);   /* checked lengths */
    o += b->f[i].len;
    buf[o] = '\0';
  }
}

/* the type of (word, punct) in f, added with norm and stem (from the
** analyzer, or given) when new; *id receives it */
static int intern (cp_fbfield *f, const char *w, size_t wl, int punct,
                   cp_an *an, const char *norm, size_t nl, const char *stem,
                   size_t sl, uint32_t *id, cp_err *err) {
  char small[128], *key = small;
  int r;
  if (wl + 1 > sizeof(small) && (key = (char *)malloc(wl + 1)) == NULL)
    return cp_err_set(err, CP_ENOMEM, "out of memory");
  key[0] = punct ? 1 : 0;
  memcpy(key + 1, w, wl);
  r = cp_lex_intern(&f->key, key, wl + 1, cp_lex_hash(key, wl + 1),
                    (size_t)UINT32_MAX / 2, id);
  if (key != small) free(key);
  if (r < 0)
    return r == -1 ? cp_err_set(err, CP_ENOMEM, "out of memory")
                   : cp_err_set(err, CP_ELIMIT, "field '%s' has too many "
                                "distinct words", f->name);
  if (r == 0) return CP_OK;
  /* new: word, norm, stem; the norm's stem is taken from the copy in
  ** 'str' (the analyzer reuses its buffer from call to call) */
  if (f->off.n == 0 && !cp_vec32_push(&f->off, 0)) goto nomem;
  if (f->str.n + wl > UINT32_MAX / 2) goto toobig;
  if (!cp_bytes_append(&f->str, w, wl) ||
      !cp_vec32_push(&f->off, (uint32_t)f->str.n))
    goto nomem;
  if (an != NULL && (norm = cp_an_norm(an, w, wl, &nl)) == NULL) goto nomem;
  if (f->str.n + nl > UINT32_MAX / 2) goto toobig;
  if (!cp_bytes_append(&f->str, norm, nl) ||
      !cp_vec32_push(&f->off, (uint32_t)f->str.n))
    goto nomem;
  if (an != NULL &&
      (stem = cp_an_stem(an, f->str.v + f->str.n - nl, nl, &sl)) == NULL)
    goto nomem;
  if (f->str.n + sl > UINT32_MAX / 2) goto toobig;
  if (!cp_bytes_append(&f->str, stem, sl) ||
      !cp_vec32_push(&f->off, (uint32_t)f->str.n))
    goto nomem;
  {
    char fl = punct ? 1 : 0;
    if (!cp_bytes_append(&f->flags, &fl, 1)) goto nomem;
  }
  return CP_OK;
toobig:
  return cp_err_set(err, CP_ELIMIT, "field '%s' has too many distinct words",
                    f->name);
nomem:
  return cp_err_set(err, CP_ENOMEM, "out of memory");
}

static int push_tok (cp_fbfield *f, uint32_t id, cp_err *err) {
  if (f->tok.n >= (size_t)UINT32_MAX - 1)
    return cp_err_set(err, CP_ELIMIT, "field '%s' has too many tokens in "
                      "one segment", f->name);
  if (!cp_vec32_push(&f->tok, id))
    return cp_err_set(err, CP_ENOMEM, "out of memory");
  return CP_OK;
}

/* the tokens of f in a document, from its string values in 'meta' */
static int from_meta (cp_fbuild *b, cp_fbfield *f, cp_an *an, int mode,
                      const void *meta, size_t metalen, uint32_t *words,
                      cp_err *err) {
  size_t it = 0, nv = 0, i;
  cp_meta m;
  int r, rc;
  while ((r = cp_meta_next(meta, metalen, &it, &m)) == 1) {
    char *rep = NULL;
    size_t replen, ninv;
    const char *s;
    size_t len;
    if (!(m.type == CP_MSTR && m.keylen == f->len &&
          memcmp(m.key, f->name, f->len) == 0))
      continue;
    if (nv++ > 0 && (rc = push_tok(f, CP_SF_SEP, err)) != CP_OK) return rc;
    s = m.str;
    len = m.strlen;
    if ((rc = cp_utf8_repair(s, len, &rep, &replen, &ninv, err)) != CP_OK)
      return rc;
    if (rep != NULL) { s = rep; len = replen; }
    rc = cp_tok_run(s, len, mode, &b->tv, err);
    for (i = 0; i < b->tv.n && rc == CP_OK; i++) {
      const cp_tok *k = &b->tv.v[i];
      int punct = (k->flags & CP_TF_PUNCT) != 0;
      uint32_t id;
      rc = intern(f, s + k->start, k->stop - k->start, punct, an, NULL, 0,
                  NULL, 0, &id, err);
      if (rc == CP_OK) rc = push_tok(f, id, err);
      *words += !punct;
    }
    free(rep);
    if (rc != CP_OK) return rc;
  }
  if (r < 0) return cp_err_set(err, CP_ECORRUPT, "damaged metadata");
  return CP_OK;
}

/* the tokens of f in a document, copied from field sf of a segment */
static int from_seg (cp_fbfield *f, const cp_sfield *sf, uint32_t d,
                     uint32_t *words, cp_err *err) {
  uint32_t k;
  for (k = sf->doco[d]; k < sf->doco[d + 1]; k++) {
    uint32_t t = sf->tok[k], id;
    size_t wl, nl, sl;
    const char *w, *n, *s;
    int rc;
    if (t == CP_SF_SEP) {
      if ((rc = push_tok(f, CP_SF_SEP, err)) != CP_OK) return rc;
      continue;
    }
    w = cp_sf_type(sf, t, CP_WORD, &wl);
    n = cp_sf_type(sf, t, CP_NORM, &nl);
    s = cp_sf_type(sf, t, CP_STEM, &sl);
    rc = intern(f, w, wl, sf->flags[t] & 1, NULL, n, nl, s, sl, &id, err);
    if (rc == CP_OK) rc = push_tok(f, id, err);
    if (rc != CP_OK) return rc;
  }
  *words = sf->dlen[d];
  return CP_OK;
}

int cp_fb_doc (cp_fbuild *b, cp_an *an, int mode, const void *meta,
               size_t metalen, const cp_seg *src, uint32_t srcdoc,
               cp_err *err) {
  size_t i;
  int rc;
  if (b == NULL || an == NULL || (meta == NULL && metalen > 0))
    return cp_err_set(err, CP_EINVAL, "cp_fb_doc: bad argument");
  if (b->n == 0) return CP_OK;
  if (src != NULL && src != b->src) {
    cp_sfields *sf;
    forget_src(b);
    if ((rc = cp_sf_open(src, &sf, err)) != CP_OK) return rc;
    b->src = src;
    b->srcf = sf;
  }
  for (i = 0; i < b->n; i++) {
    cp_fbfield *f = &b->f[i];
    const cp_sfield *sf = NULL;
    uint32_t words = 0;
    size_t t0 = f->tok.n;
    if (!cp_vec32_reserve(&f->doco, 1) || !cp_vec32_reserve(&f->dlen, 1))
      return cp_err_set(err, CP_ENOMEM, "out of memory");
    if (src != NULL && b->srcf != NULL) {
      const cp_sfields *s = (const cp_sfields *)b->srcf;
      if (srcdoc >= s->ndocs)
        return cp_err_set(err, CP_EINVAL, "cp_fb_doc: no such document");
      sf = cp_sf_find(s, f->name, f->len);
    }
    rc = sf != NULL ? from_seg(f, sf, srcdoc, &words, err)
                    : from_meta(b, f, an, mode, meta, metalen, &words, err);
    if (rc != CP_OK) {
      f->tok.n = t0;   /* this field; the caller cuts the others */
      return rc;
    }
    f->doco.v[f->doco.n++] = (uint32_t)t0;
    f->dlen.v[f->dlen.n++] = words;
  }
  return CP_OK;
}

void cp_fb_cut (cp_fbuild *b, size_t ndocs) {
  size_t i;
  for (i = 0; b != NULL && i < b->n; i++) {
    cp_fbfield *f = &b->f[i];
    if (ndocs < f->doco.n) {
      f->tok.n = f->doco.v[ndocs];
      f->doco.n = f->dlen.n = ndocs;
    }
  }
}

static int put32 (cp_bytes *o, uint32_t x) {
  unsigned char b[4];
  cp_wr32(b, x);
  return cp_bytes_append(o, b, 4);
}

static int put32s (cp_bytes *o, const uint32_t *v, size_t n) {
  return n == 0 || cp_bytes_append(o, v, 4 * n);   /* little-endian host */
}

static int pad4 (cp_bytes *o) {
  static const char z[4] = {0, 0, 0, 0};
  return cp_bytes_append(o, z, (4 - o->n % 4) % 4);
}

int cp_fb_encode (const cp_fbuild *b, size_t ndocs, cp_bytes *out,
                  cp_err *err) {
  size_t i, k;
  out->n = 0;
  if (b == NULL || b->n == 0) return CP_OK;
  if (!put32(out, SF_VERSION) || !put32(out, (uint32_t)b->n)) goto nomem;
  for (i = 0; i < b->n; i++) {
    const cp_fbfield *f = &b->f[i];
    uint32_t N = f->key.n, F = (uint32_t)f->tok.n, P = 0, *posto, *post;
    if (f->doco.n != ndocs)
      return cp_err_set(err, CP_EINVAL, "field '%s' has %lu documents, the "
                        "segment %lu", f->name, (unsigned long)f->doco.n,
                        (unsigned long)ndocs);
    if (!put32(out, (uint32_t)f->len) ||
        !cp_bytes_append(out, f->name, f->len) || !pad4(out) ||
        !put32(out, N) || !put32(out, F))
      goto nomem;
    for (k = 0; k < F; k++) P += f->tok.v[k] != CP_SF_SEP;
    if (!put32(out, P) || !put32(out, (uint32_t)f->str.n)) goto nomem;
    if (N == 0) { if (!put32(out, 0)) goto nomem; }
    else if (!put32s(out, f->off.v, 3 * (size_t)N + 1)) goto nomem;
    if (!cp_bytes_append(out, f->str.v, f->str.n) || !pad4(out) ||
        !cp_bytes_append(out, f->flags.v, N) || !pad4(out) ||
        !put32s(out, f->doco.v, ndocs) || !put32(out, F) ||
        !put32s(out, f->tok.v, F) || !put32s(out, f->dlen.v, ndocs))
      goto nomem;
    /* postings: a counting sort of the positions by type */
    posto = (uint32_t *)calloc((size_t)N + 1, 4);
    post = (uint32_t *)malloc(((size_t)P + 1) * 4);
    if (posto == NULL || post == NULL) { free(posto); free(post); goto nomem; }
    for (k = 0; k < F; k++)
      if (f->tok.v[k] != CP_SF_SEP) posto[f->tok.v[k] + 1]++;
    for (k = 0; k < N; k++) posto[k + 1] += posto[k];
    {
      uint32_t *cur = (uint32_t *)malloc(((size_t)N + 1) * 4);
      if (cur == NULL) { free(posto); free(post); goto nomem; }
      memcpy(cur, posto, ((size_t)N + 1) * 4);
      for (k = 0; k < F; k++)
        if (f->tok.v[k] != CP_SF_SEP) post[cur[f->tok.v[k]]++] = (uint32_t)k;
      free(cur);
    }
    k = put32s(out, posto, (size_t)N + 1) && put32s(out, post, P);
    free(posto);
    free(post);
    if (!k) goto nomem;
  }
  return CP_OK;
nomem:
  return cp_err_set(err, CP_ENOMEM, "out of memory writing field tokens");
}

/* }================================================================ */


/* {================================================================
** Reader
** ================================================================= */

typedef struct rcur {
  const unsigned char *p;
  uint64_t n, i;
  int bad;
} rcur;

static uint32_t rd (rcur *c) {
  uint32_t x;
  if (c->bad || c->n - c->i < 4) { c->bad = 1; return 0; }
  x = cp_rd32(c->p + c->i);
  c->i += 4;
  return x;
}

/* n bytes at the cursor, then padding to 4 */
static const unsigned char *take (rcur *c, uint64_t n) {
  const unsigned char *r;
  uint64_t pad = (n + 3) & ~(uint64_t)3;
  if (c->bad || pad < n || c->n - c->i < pad) { c->bad = 1; return NULL; }
  r = c->p + c->i;
  c->i += pad;
  return r;
}

static const uint32_t *take32 (rcur *c, uint64_t n) {
  if (n > UINT32_MAX) { c->bad = 1; return NULL; }
  return (const uint32_t *)take(c, 4 * n);
}

/* a[0] == 0, non-decreasing, a[n] == end */
static int offs_ok (const uint32_t *a, uint32_t n, uint32_t end) {
  uint32_t i;
  if (a[0] != 0 || a[n] != end) return 0;
  for (i = 0; i < n; i++) if (a[i] > a[i + 1]) return 0;
  return 1;
}

/* every part of field f consistent with the others: O(its size) */
static int field_ok (const cp_sfield *f, uint32_t D) {
  uint32_t i, d, j, nsep = 0;
  if (!offs_ok(f->lexo, 3 * f->ntypes, f->lexo[3 * f->ntypes]) ||
      !offs_ok(f->doco, D, f->ntok) || !offs_ok(f->posto, f->ntypes, f->npost))
    return 0;
  for (i = 0; i < f->ntypes; i++) if (f->flags[i] & ~1u) return 0;
  for (d = 0; d < D; d++) {
    uint32_t w = 0;
    for (j = f->doco[d]; j < f->doco[d + 1]; j++) {
      uint32_t t = f->tok[j];
      if (t == CP_SF_SEP) { nsep++; continue; }
      if (t >= f->ntypes) return 0;
      w += !(f->flags[t] & 1);
    }
    if (w != f->dlen[d]) return 0;
  }
  if (f->ntok - nsep != f->npost) return 0;
  for (i = 0; i < f->ntypes; i++)
    for (j = f->posto[i]; j < f->posto[i + 1]; j++)
      if (f->post[j] >= f->ntok || f->tok[f->post[j]] != i ||
          (j > f->posto[i] && f->post[j] <= f->post[j - 1]))
        return 0;
  return 1;
}

/*
** Parse size bytes at p (a FIELDS section for D documents, its checksum
** already verified) into sf, allocated for as many fields as the
** header says (sf_count): 1 when every part checks, else 0.
*/
static int sf_fill (cp_sfields *sf, const unsigned char *p, uint64_t size,
                    uint32_t D) {
  rcur c;
  uint32_t n, k;
  c.p = p; c.n = size; c.i = 0; c.bad = 0;
  if (rd(&c) != SF_VERSION || (n = rd(&c)) != sf->n) return 0;
  sf->ndocs = D;
  for (k = 0; k < n && !c.bad; k++) {
    cp_sfield *f = &sf->f[k];
    uint32_t S;
    f->len = rd(&c);
    if (f->len == 0 || f->len > CP_FIELDS_NAMEMAX) { c.bad = 1; break; }
    f->name = (const char *)take(&c, f->len);
    if (f->name != NULL) {   /* a name as cp_fields_check accepts */
      uint32_t i;
      for (i = 0; i < f->len; i++)
        if ((unsigned char)f->name[i] <= ' ' || (unsigned char)f->name[i] >= 127)
          c.bad = 1;
    }
    f->ntypes = rd(&c);
    f->ntok = rd(&c);
    f->npost = rd(&c);
    S = rd(&c);
    if (c.bad || f->ntypes > UINT32_MAX / 4) { c.bad = 1; break; }
    f->lexo = take32(&c, 3 * (uint64_t)f->ntypes + 1);
    f->lexs = (const char *)take(&c, S);
    f->flags = take(&c, f->ntypes);
    f->doco = take32(&c, (uint64_t)D + 1);
    f->tok = take32(&c, f->ntok);
    f->dlen = take32(&c, D);
    f->posto = take32(&c, (uint64_t)f->ntypes + 1);
    f->post = take32(&c, f->npost);
    if (c.bad || f->lexo[3 * f->ntypes] != S || !field_ok(f, D)) c.bad = 1;
  }
  return !c.bad && c.i == c.n;
}

/* the number of fields the header of a section claims (0: bad) */
static uint32_t sf_count (const unsigned char *p, uint64_t size) {
  uint32_t n;
  if (size < 8 || cp_rd32(p) != SF_VERSION) return 0;
  n = cp_rd32(p + 4);
  return n <= CP_FIELDS_MAX ? n : 0;
}

static size_t sf_head (uint32_t n) {
  return (sizeof(cp_sfields) + n * sizeof(cp_sfield) + 7) & ~(size_t)7;
}

int cp_sf_open (const cp_seg *s, cp_sfields **out, cp_err *err) {
  const unsigned char *p;
  uint64_t size, sum;
  uint32_t n;
  cp_sfields *sf;
  if (out == NULL || s == NULL)
    return cp_err_set(err, CP_EINVAL, "cp_sf_open: bad argument");
  *out = NULL;
  if (!cp_seg_section(s, CP_SEC_FIELDS, &p, &size, &sum) || size == 0)
    return CP_OK;
  if (XXH64(p, (size_t)size, 0) != sum)
    return cp_err_set(err, CP_ECORRUPT, "corrupt segment: checksum mismatch "
                      "in the field tokens");
  if ((n = sf_count(p, size)) == 0)
    return cp_err_set(err, CP_ECORRUPT, "corrupt segment: field tokens "
                      "header");
  sf = (cp_sfields *)calloc(1, sf_head(n));
  if (sf == NULL) return cp_err_set(err, CP_ENOMEM, "out of memory");
  sf->n = n;
  if (!sf_fill(sf, p, size, cp_seg_ndocs(s))) {
    free(sf);
    return cp_err_set(err, CP_ECORRUPT, "corrupt segment: field tokens");
  }
  *out = sf;
  return CP_OK;
}

int cp_sf_make (const cp_seg *s, cp_an *an, int mode, const char *name,
                size_t len, cp_sfields **out, cp_err *err) {
  char list[CP_FIELDS_NAMEMAX + 1];
  cp_fbuild b;
  cp_bytes bytes;
  uint32_t d, nd;
  int rc;
  if (out != NULL) *out = NULL;
  if (out == NULL || s == NULL || an == NULL || name == NULL || len == 0 ||
      len > CP_FIELDS_NAMEMAX || memchr(name, ' ', len) != NULL)
    return cp_err_set(err, CP_EINVAL, "cp_sf_make: bad argument");
  memcpy(list, name, len);
  list[len] = '\0';
  memset(&b, 0, sizeof(b));
  memset(&bytes, 0, sizeof(bytes));
  nd = cp_seg_ndocs(s);
  rc = cp_fb_set(&b, list, 0, err);
  for (d = 0; d < nd && rc == CP_OK; d++) {
    cp_docinfo di;
    /* a document whose head does not read has no value: no tokens */
    if (cp_seg_doc_head(s, d, &di) != CP_OK) { di.meta = NULL; di.metalen = 0; }
    rc = cp_fb_doc(&b, an, mode, di.meta, di.metalen, NULL, 0, err);
  }
  if (rc == CP_OK) rc = cp_fb_encode(&b, nd, &bytes, err);
  cp_fb_free(&b);
  if (rc == CP_OK) {
    size_t head = sf_head(1);
    cp_sfields *sf = (cp_sfields *)calloc(1, head + bytes.n);
    if (sf == NULL) rc = cp_err_set(err, CP_ENOMEM, "out of memory");
    else {
      memcpy((char *)sf + head, bytes.v, bytes.n);
      sf->n = 1;
      if (!sf_fill(sf, (const unsigned char *)sf + head, bytes.n, nd)) {
        free(sf);
        rc = cp_err_set(err, CP_EINVAL, "field tokens made do not check");
      }
      else *out = sf;
    }
  }
  cp_bytes_free(&bytes);
  return rc;
}

const cp_sfield *cp_sf_find (const cp_sfields *sf, const char *name,
                             size_t len) {
  uint32_t k;
  for (k = 0; sf != NULL && k < sf->n; k++)
    if (sf->f[k].len == len && memcmp(sf->f[k].name, name, len) == 0)
      return &sf->f[k];
  return NULL;
}

int cp_sf_check (const cp_seg *s, cp_err *err) {
  cp_sfields *sf;
  int rc = cp_sf_open(s, &sf, err);
  free(sf);
  return rc;
}

/* }================================================================ */
