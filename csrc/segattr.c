/*
** segattr.c -- stored layers and span sets of a segment being built,
** and their encoding into the SCHEMA and ATTRS sections (see segattr.h;
** the bytes are specified at the top of seg.c and in docs/FORMAT.md).
*/
#include <stdlib.h>
#include <string.h>

#include "lexpack.h"
#include "pack.h"
#include "segattr.h"
#include "segfmt.h"

#define MAXLEXBYTES ((size_t)UINT32_MAX - 1)

int cp_ab_name_ok (const char *name, size_t len) {
  size_t i;
  if (name == NULL || len == 0 || len > 64) return 0;
  if (name[0] < 'a' || name[0] > 'z') return 0;
  for (i = 1; i < len; i++) {
    char c = name[i];
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'))
      return 0;
  }
  return 1;
}

static char *dupname (const char *s, size_t n) {
  char *d = (char *)malloc(n + 1);
  if (d == NULL) return NULL;
  memcpy(d, s, n);
  d[n] = '\0';
  return d;
}

static int oom (cp_err *err) {
  return cp_err_set(err, CP_ENOMEM, "out of memory adding layers or spans");
}

static int builtin_layer (const char *name, size_t len) {
  return (len == 4 && (memcmp(name, "word", 4) == 0 ||
                       memcmp(name, "norm", 4) == 0 ||
                       memcmp(name, "stem", 4) == 0));
}

int cp_ab_layer (cp_abuild *b, const char *name, size_t len, uint32_t doc,
                 size_t ntok, size_t *idx, cp_err *err) {
  size_t i;
  cp_ablayer *nl, *l;
  uint32_t id;
  for (i = 0; i < b->nl; i++)
    if (b->l[i].len == len && memcmp(b->l[i].name, name, len) == 0) {
      *idx = i;
      return CP_OK;
    }
  if (!cp_ab_name_ok(name, len) || builtin_layer(name, len))
    return cp_err_set(err, CP_EINVAL, "bad layer name '%.*s' (a stored "
                      "layer is named [a-z][a-z0-9_]*, at most 64 bytes, "
                      "and is not word, norm or stem)",
                      (int)(len > 64 ? 64 : len), name ? name : "");
  if (b->nl >= CP_AB_MAXLAYERS)
    return cp_err_set(err, CP_ELIMIT, "more than %d stored layers",
                      CP_AB_MAXLAYERS);
  nl = (cp_ablayer *)realloc(b->l, (b->nl + 1) * sizeof(*nl));
  if (nl == NULL) return oom(err);
  b->l = nl;
  l = &b->l[b->nl];
  memset(l, 0, sizeof(*l));
  if ((l->name = dupname(name, len)) == NULL) return oom(err);
  l->len = len;
  l->first_doc = doc;
  /* the string block exists before the first (empty) string, so the
  ** lookups never compare against a NULL block */
  if (!cp_bytes_reserve(&l->lex.str, 16) ||
      cp_lex_intern(&l->lex, "", 0, cp_lex_hash("", 0), MAXLEXBYTES, &id) < 0
      || !cp_vec32_reserve(&l->ids, ntok + 1)) {
    cp_lex_free(&l->lex);
    cp_vec32_free(&l->ids);
    free(l->name);
    return oom(err);
  }
  for (i = 0; i < ntok; i++) l->ids.v[i] = 0;
  l->ids.n = ntok;
  *idx = b->nl++;
  return CP_OK;
}

int cp_ab_layer_put (cp_abuild *b, size_t idx, size_t pos, const char *v,
                     size_t vlen, cp_err *err) {
  cp_ablayer *l = &b->l[idx];
  uint32_t id;
  int r;
  if (l->ids.n > pos)
    return cp_err_set(err, CP_EINVAL, "layer '%s' value out of order",
                      l->name);
  if (!cp_vec32_reserve(&l->ids, pos - l->ids.n + 1)) return oom(err);
  while (l->ids.n < pos) l->ids.v[l->ids.n++] = 0;
  r = cp_lex_intern(&l->lex, v, vlen, cp_lex_hash(v, vlen), MAXLEXBYTES, &id);
  if (r == -1) return oom(err);
  if (r < 0)
    return cp_err_set(err, CP_ELIMIT, "lexicon of layer '%s' is full",
                      l->name);
  l->ids.v[l->ids.n++] = id;
  return CP_OK;
}

int cp_ab_set (cp_abuild *b, const char *name, size_t len, uint32_t doc,
               size_t *idx, cp_err *err) {
  size_t i;
  cp_abset *ns, *s;
  if (name != NULL) {   /* (a NULL name is refused below) */
    if (b->lastset < b->ns && b->s[b->lastset].len == len
        && memcmp(b->s[b->lastset].name, name, len) == 0) {
      *idx = b->lastset;
      return CP_OK;
    }
    for (i = 0; i < b->ns; i++)
      if (b->s[i].len == len && memcmp(b->s[i].name, name, len) == 0) {
        *idx = b->lastset = i;
        return CP_OK;
      }
  }
  if (!cp_ab_name_ok(name, len))
    return cp_err_set(err, CP_EINVAL, "bad span set name '%.*s' (span sets "
                      "are named [a-z][a-z0-9_]*, at most 64 bytes)",
                      (int)(len > 64 ? 64 : len), name ? name : "");
  if (b->ns >= CP_AB_MAXSETS)
    return cp_err_set(err, CP_ELIMIT, "more than %d span sets",
                      CP_AB_MAXSETS);
  ns = (cp_abset *)realloc(b->s, (b->ns + 1) * sizeof(*ns));
  if (ns == NULL) return oom(err);
  b->s = ns;
  s = &b->s[b->ns];
  memset(s, 0, sizeof(*s));
  if ((s->name = dupname(name, len)) == NULL) return oom(err);
  s->len = len;
  s->first_doc = doc;
  *idx = b->ns++;
  return CP_OK;
}

/* the key of set s named so, created (absent for every span so far) */
static int getkey (cp_abset *s, const char *k, size_t kl, size_t *idx,
                   cp_err *err) {
  size_t i, n = s->se.n / 2;
  cp_abkey *nk, *key;
  for (i = 0; i < s->nkeys; i++)
    if (s->keys[i].len == kl && memcmp(s->keys[i].name, k, kl) == 0) {
      *idx = i;
      return CP_OK;
    }
  if (!cp_ab_name_ok(k, kl))
    return cp_err_set(err, CP_EINVAL, "bad attribute name '%.*s' in span "
                      "set '%s' (attributes are named [a-z][a-z0-9_]*)",
                      (int)(kl > 64 ? 64 : kl), k ? k : "", s->name);
  if (s->nkeys >= CP_AB_MAXKEYS)
    return cp_err_set(err, CP_ELIMIT, "more than %d attribute names in "
                      "span set '%s'", CP_AB_MAXKEYS, s->name);
  nk = (cp_abkey *)realloc(s->keys, (s->nkeys + 1) * sizeof(*nk));
  if (nk == NULL) return oom(err);
  s->keys = nk;
  key = &s->keys[s->nkeys];
  memset(key, 0, sizeof(*key));
  if ((key->name = dupname(k, kl)) == NULL) return oom(err);
  key->len = kl;
  if (!cp_vec32_reserve(&key->ids, n + 1) ||
      !cp_bytes_reserve(&key->vals.str, 16)) {   /* see cp_ab_layer */
    cp_vec32_free(&key->ids);
    free(key->name);
    return oom(err);
  }
  for (i = 0; i < n; i++) key->ids.v[i] = UINT32_MAX;
  key->ids.n = n;
  if (key->ids.cap < s->idcap) s->idcap = key->ids.cap;
  *idx = s->nkeys++;
  return CP_OK;
}

/* the key of set s named k[0..kl), or -1 (nothing is created); 'hint'
** is tried first: a producer gives its keys in the same order each time */
static long findkey (const cp_abset *s, const char *k, size_t kl, size_t hint) {
  size_t i;
  if (k == NULL) return -1;
  if (hint < s->nkeys && s->keys[hint].len == kl
      && memcmp(s->keys[hint].name, k, kl) == 0)
    return (long)hint;
  for (i = 0; i < s->nkeys; i++)
    if (s->keys[i].len == kl && memcmp(s->keys[i].name, k, kl) == 0)
      return (long)i;
  return -1;
}

/* room for one more id in every key of s: checked once for all of them
** while the least capacity allows (a loop over the keys per span was
** a tenth of cp_ab_span) */
static int reserve_ids (cp_abset *s) {
  size_t k, least = SIZE_MAX;
  for (k = 0; k < s->nkeys; k++) {
    cp_vec32 *v = &s->keys[k].ids;
    if (v->n == v->cap && !cp_vec32_reserve(v, 1)) return 0;
    if (v->cap < least) least = v->cap;
  }
  s->idcap = least;
  return 1;
}

/* the key of set s named by the static literal k[0..kl), or -1: its
** address, once seen, finds it without comparing bytes */
static long findkey_lit (cp_abset *s, const char *k, size_t kl, size_t hint) {
  size_t i;
  long f;
  if (k == NULL) return -1;
  if (hint < s->nkeys && s->keys[hint].lit == k && s->keys[hint].len == kl)
    return (long)hint;
  for (i = 0; i < s->nkeys; i++)
    if (s->keys[i].lit == k && s->keys[i].len == kl) return (long)i;
  if ((f = findkey(s, k, kl, hint)) >= 0) s->keys[f].lit = k;
  return f;
}

/* v[0..vl) (vl <= 16) as the memo keeps it, zero-padded, with fixed-size
** loads that overlap rather than a copy of vl bytes (a call to memcpy:
** it was a fifth of cp_ab_span) */
static void memo_words (const char *v, size_t vl, uint64_t *w0, uint64_t *w1) {
  const unsigned char *u = (const unsigned char *)v;
  uint64_t a = 0, b = 0;
  if (vl >= 8) {
    memcpy(&a, u, 8);
    if (vl > 8) {
      memcpy(&b, u + vl - 8, 8);
      b >>= 8 * (16 - vl);
    }
  }
  else if (vl >= 4) {
    uint32_t lo, hi;
    memcpy(&lo, u, 4);
    memcpy(&hi, u + vl - 4, 4);
    a = (uint64_t)lo | ((uint64_t)hi << (8 * (vl - 4)));
  }
  else if (vl > 0)
    a = (uint64_t)u[0] | ((uint64_t)u[vl / 2] << (8 * (vl / 2)))
        | ((uint64_t)u[vl - 1] << (8 * (vl - 1)));
  *w0 = a;
  *w1 = b;
}

/* the id of value v[0..vl) of 'key' (interned if new); <0 as
** cp_lex_intern */
static int value_id (cp_abkey *key, const char *v, size_t vl, uint32_t *id) {
  cp_abmemo *m = NULL;
  uint64_t w0 = 0, w1 = 0;
  int r;
  if (vl <= 16) {
    memo_words(v, vl, &w0, &w1);
    m = &key->memo[((w0 * 0x9E3779B97F4A7C15ull) ^ (w1 * 0xC2B2AE3D27D4EB4Full))
                   >> (64 - CP_AB_MEMOBITS)];
    if (m->len == vl + 1 && m->a == w0 && m->b == w1) {
      *id = m->id;
      return 0;
    }
  }
  r = cp_lex_intern(&key->vals, v, vl, cp_lex_hash(v, vl), MAXLEXBYTES, id);
  if (r >= 0 && m != NULL) {
    m->a = w0;  m->b = w1;  m->len = (uint32_t)vl + 1;  m->id = *id;
  }
  return r;
}

/* append a span to a set without keys; 0 on out of memory */
static int span_plain (cp_abset *s, uint32_t start, uint32_t end) {
  if (s->se.cap - s->se.n < 2 && !cp_vec32_reserve(&s->se, 2)) return 0;
  s->se.v[s->se.n++] = start;
  s->se.v[s->se.n++] = end;
  return 1;
}

/*
** The span's attributes are checked first (a bad value or a key given
** twice adds nothing, not even a key), then the keys found or created,
** the values interned, and only then is anything appended, so a failure
** leaves the set as it was (keys created stay, absent everywhere).
** 'lit': the keys are static literals and the values were checked
** (cp_ab_span_lit).
*/
static int span_add (cp_abuild *b, size_t set, uint32_t start, uint32_t end,
                     const cp_attr *attrs, size_t nattrs, int lit,
                     cp_err *err) {
  cp_abset *s = &b->s[set];
  size_t i, k;
  long kx[CP_AB_MAXKEYS];     /* key of each attribute */
  uint32_t kv[CP_AB_MAXKEYS];   /* the value id of each key given */
  uint64_t given = 0;           /* the keys given (bit per key) */
  int known = nattrs <= CP_AB_MAXKEYS;   /* every key exists already */
  int rc;
  if (nattrs == 0 && s->nkeys == 0)   /* the s and p spans: half of them */
    return span_plain(s, start, end) ? CP_OK : oom(err);
  if (attrs == NULL && nattrs > 0)
    return cp_err_set(err, CP_EINVAL, "span attributes are NULL");
  for (i = 0; i < nattrs && known; i++)
    known = (kx[i] = lit ? findkey_lit(s, attrs[i].key, attrs[i].keylen, i)
                         : findkey(s, attrs[i].key, attrs[i].keylen, i)) >= 0;
  for (i = 0; i < nattrs; i++) {
    size_t j;
    if (!lit && ((attrs[i].val == NULL && attrs[i].vallen > 0) ||
                 attrs[i].vallen > UINT32_MAX / 2))
      return cp_err_set(err, CP_EINVAL, "bad attribute value in span set "
                        "'%s'", s->name);
    if (known) {   /* existing keys have distinct names */
      if (given >> kx[i] & 1) break;
      given |= (uint64_t)1 << kx[i];
      continue;
    }
    for (j = 0; j < i; j++)
      if (attrs[j].keylen == attrs[i].keylen && attrs[i].keylen > 0 &&
          memcmp(attrs[j].key, attrs[i].key, attrs[i].keylen) == 0)
        break;
    if (j < i) break;
  }
  if (i < nattrs)
    return cp_err_set(err, CP_EINVAL, "attribute '%.*s' given twice in "
                      "a span of set '%s'", (int)attrs[i].keylen,
                      attrs[i].key, s->name);
  if (s->se.cap - s->se.n < 2 && !cp_vec32_reserve(&s->se, 2)) return oom(err);
  if (!known) {
    for (i = 0; i < nattrs; i++) {
      size_t ki = 0;
      if ((rc = getkey(s, attrs[i].key, attrs[i].keylen, &ki, err)) != CP_OK)
        return rc;   /* keys created stay: absent everywhere */
      if (i >= CP_AB_MAXKEYS)   /* distinct names: getkey refused one */
        return cp_err_set(err, CP_ELIMIT, "more than %d attribute names in "
                          "span set '%s'", CP_AB_MAXKEYS, s->name);
      kx[i] = (long)ki;
      if (lit) s->keys[ki].lit = attrs[i].key;
      given |= (uint64_t)1 << ki;
    }
  }
  if (s->se.n / 2 >= s->idcap)   /* every key has ids.n = the spans */
    if (!reserve_ids(s)) return oom(err);
  for (i = 0; i < nattrs; i++) {
    int r = value_id(&s->keys[kx[i]], attrs[i].val ? attrs[i].val : "",
                     attrs[i].vallen, &kv[kx[i]]);
    if (r < 0)
      return r == -1 ? oom(err) :
             cp_err_set(err, CP_ELIMIT, "attribute values of '%s' full",
                        s->name);
  }
  for (k = 0; k < s->nkeys; k++)
    s->keys[k].ids.v[s->keys[k].ids.n++] = given >> k & 1 ? kv[k] : UINT32_MAX;
  s->se.v[s->se.n++] = start;
  s->se.v[s->se.n++] = end;
  return CP_OK;
}

int cp_ab_span (cp_abuild *b, size_t set, uint32_t start, uint32_t end,
                const cp_attr *attrs, size_t nattrs, cp_err *err) {
  return span_add(b, set, start, end, attrs, nattrs, 0, err);
}

int cp_ab_span_lit (cp_abuild *b, size_t set, uint32_t start, uint32_t end,
                    const cp_attr *attrs, size_t nattrs, cp_err *err) {
  return span_add(b, set, start, end, attrs, nattrs, 1, err);
}

int cp_ab_set_lit_add (cp_abuild *b, const char *name, size_t len,
                       uint32_t doc, size_t *idx, cp_err *err) {
  cp_ablit *l;
  int rc;
  if ((rc = cp_ab_set(b, name, len, doc, idx, err)) != CP_OK) return rc;
  /* the first CP_AB_LITS literals seen stay: a producer has a few sets */
  if (b->nlits < CP_AB_LITS) {
    l = &b->lits[b->nlits++];
    l->name = name;  l->len = len;  l->idx = *idx;
  }
  return CP_OK;
}

size_t cp_ab_nspans (const cp_abuild *b, size_t set) {
  return b->s[set].se.n / 2;
}

void cp_ab_unspan (cp_abuild *b, size_t set, size_t n) {
  cp_abset *s = &b->s[set];
  size_t k;
  if (n >= s->se.n / 2) return;
  s->se.n = 2 * n;
  for (k = 0; k < s->nkeys; k++)
    if (s->keys[k].ids.n > n) s->keys[k].ids.n = n;
}

static void free_set (cp_abset *s) {
  size_t k;
  for (k = 0; k < s->nkeys; k++) {
    free(s->keys[k].name);
    cp_lex_free(&s->keys[k].vals);
    cp_vec32_free(&s->keys[k].ids);
  }
  free(s->keys);
  free(s->name);
  cp_vec32_free(&s->se);
}

static void free_layer (cp_ablayer *l) {
  free(l->name);
  cp_lex_free(&l->lex);
  cp_vec32_free(&l->ids);
}

void cp_ab_cut (cp_abuild *b, uint32_t ndocs, size_t ntok) {
  size_t i;
  while (b->nl > 0 && b->l[b->nl - 1].first_doc >= ndocs)
    free_layer(&b->l[--b->nl]);
  while (b->ns > 0 && b->s[b->ns - 1].first_doc >= ndocs)
    free_set(&b->s[--b->ns]);
  for (i = 0; i < b->nlits; )   /* the literals of sets dropped */
    if (b->lits[i].idx >= b->ns) b->lits[i] = b->lits[--b->nlits];
    else i++;
  for (i = 0; i < b->nl; i++)
    if (b->l[i].ids.n > ntok) b->l[i].ids.n = ntok;
  /* spans of the dropped documents were added after all others and
  ** start at or after their first token */
  for (i = 0; i < b->ns; i++) {
    cp_abset *s = &b->s[i];
    size_t n = s->se.n / 2;
    while (n > 0 && s->se.v[2 * (n - 1)] >= ntok) n--;
    cp_ab_unspan(b, i, n);
  }
}

void cp_ab_free (cp_abuild *b) {
  size_t i;
  for (i = 0; i < b->nl; i++) free_layer(&b->l[i]);
  for (i = 0; i < b->ns; i++) free_set(&b->s[i]);
  free(b->l);
  free(b->s);
  memset(b, 0, sizeof(*b));
}


/* {================================================================
** Encoding
** ================================================================= */

typedef struct enc {
  cp_bytes sch, att;
  int oom;
} enc;

static void put32 (enc *e, uint32_t x) {
  unsigned char b[4];
  cp_wr32(b, x);
  if (!cp_bytes_append(&e->sch, b, 4)) e->oom = 1;
}

/* u32 length, the bytes, zero padding to a multiple of 4 */
static void putname (enc *e, const char *s, size_t n) {
  static const char zero[4] = {0, 0, 0, 0};
  put32(e, (uint32_t)n);
  if (!cp_bytes_append(&e->sch, s, n) ||
      !cp_bytes_append(&e->sch, zero, (4 - n % 4) % 4))
    e->oom = 1;
}

/* append a part to ATTRS (8-aligned) and its (off, size, sum) to SCHEMA */
static void putpart (enc *e, const void *p, size_t n) {
  static const char zero[8] = {0, 0, 0, 0, 0, 0, 0, 0};
  unsigned char b[24];
  size_t off;
  if (!cp_bytes_append(&e->att, zero, (8 - e->att.n % 8) % 8)) {
    e->oom = 1;
    return;
  }
  off = e->att.n;
  if (!cp_bytes_append(&e->att, p, n)) { e->oom = 1; return; }
  cp_wr64(b, off);
  cp_wr64(b + 8, n);
  cp_wr64(b + 16, XXH64(n ? p : zero, n, 0));
  if (!cp_bytes_append(&e->sch, b, 24)) e->oom = 1;
}

/* v[0..n) as a packed list in a new block *buf of *len bytes (NULL
** when out of memory) */
static uint8_t *packed (const uint32_t *v, size_t n, size_t *len) {
  size_t cap = n > UINT32_MAX ? 0 : cp_pack_bound((uint32_t)n);
  uint8_t *buf = n > UINT32_MAX ? NULL : (uint8_t *)malloc(cap + 1);
  cp_err err;
  *len = 0;
  if (buf != NULL &&
      cp_pack_encode(v, (uint32_t)n, CP_SEG_PK_PART, buf, cap, len, &err)
      != CP_OK) {
    free(buf);
    buf = NULL;
  }
  return buf;
}

static uint32_t zig32 (int64_t d) {
  return d < 0 ? (uint32_t)(-2 * d - 1) : (uint32_t)(2 * d);
}

/* append v[0..n) as a packed list (pack.c, PLAIN): format 2.3 stores
** the span sets' starts as gaps, ends as lengths and attribute ids + 1,
** which are small numbers a few bits wide */
static void putpacked (enc *e, const uint32_t *v, size_t n) {
  size_t cap = cp_pack_bound((uint32_t)n), len = 0;
  uint8_t *buf = (uint8_t *)malloc(cap + 1);
  cp_err err;
  if (buf == NULL || n > UINT32_MAX ||
      cp_pack_encode(v, (uint32_t)n, CP_SEG_PK_PART, buf, cap, &len, &err)
      != CP_OK) {
    free(buf);
    e->oom = 1;
    return;
  }
  putpart(e, buf, len);
  free(buf);
}

/* a string to sort, with its first 8 bytes as a big-endian number
** (zero-padded), which orders most pairs without memcmp (sorting the
** values was a fifth of encoding the analysers' sets) */
typedef struct lent { const char *s; uint64_t pre; uint32_t len, id; } lent;

static uint64_t prefix (const char *s, size_t n) {
  uint64_t p = 0;
  size_t i;
  for (i = 0; i < 8; i++)
    p = p << 8 | (i < n ? (unsigned char)s[i] : 0);
  return p;
}

static int lent_before (const lent *x, const lent *y) {
  uint32_t m = x->len < y->len ? x->len : y->len;
  int c;
  if (x->pre != y->pre) return x->pre < y->pre;
  c = m ? memcmp(x->s, y->s, m) : 0;
  return c != 0 ? c < 0 : x->len < y->len;
}

/* sort v[0..n) (distinct strings) with t[0..n) as scratch: a merge
** sort with the comparison inline (qsort's calls were half of sorting) */
static void sort_lents (lent *v, lent *t, size_t n) {
  lent *src = v, *dst = t;
  size_t w, i;
  for (w = 1; w < n; w *= 2) {
    lent *tmp;
    for (i = 0; i < n; i += 2 * w) {
      size_t a = i, am = i + w < n ? i + w : n, b = am;
      size_t bm = i + 2 * w < n ? i + 2 * w : n, k = i;
      while (a < am && b < bm)
        dst[k++] = lent_before(&src[b], &src[a]) ? src[b++] : src[a++];
      while (a < am) dst[k++] = src[a++];
      while (b < bm) dst[k++] = src[b++];
    }
    tmp = src;  src = dst;  dst = tmp;
  }
  if (src != v) memcpy(v, src, n * sizeof(lent));
}

/*
** Sort the strings of 'x' with used[i] != 0 bytewise; map[i] gets the
** rank (UINT32_MAX if unused).  LEXO and LEXS are appended as parts.
*/
static int put_lexicon (enc *e, const cp_lex *x, const uint32_t *used,
                        uint32_t *map, uint32_t *nlive) {
  lent *v = (lent *)malloc(((size_t)x->n + 1) * sizeof(lent));
  lent *t = (lent *)malloc(((size_t)x->n + 1) * sizeof(lent));
  uint32_t *o = (uint32_t *)malloc(((size_t)x->n + 1) * sizeof(uint32_t));
  cp_bytes str = {NULL, 0, 0};
  uint32_t i, k = 0;
  if (v == NULL || t == NULL || o == NULL) {
    free(v); free(t); free(o);
    return 0;
  }
  for (i = 0; i < x->n; i++) {
    map[i] = UINT32_MAX;
    if (used[i]) {
      size_t len;
      v[k].s = cp_lex_str(x, i, &len);
      v[k].pre = prefix(v[k].s, len);
      v[k].len = (uint32_t)len;
      v[k].id = i;
      k++;
    }
  }
  sort_lents(v, t, k);
  free(t);
  for (i = 0; i < k; i++) {
    map[v[i].id] = i;
    o[i] = (uint32_t)str.n;
    if (!cp_bytes_append(&str, v[i].s, v[i].len)) e->oom = 1;
  }
  o[k] = (uint32_t)str.n;
  /* format 2.4: LEXO empty, LEXS the lexicon front-coded and compressed
  ** (lexpack.c) */
  {
    unsigned char *pk = NULL;
    size_t pl = 0;
    cp_err err;
    if (e->oom || str.n >= UINT32_MAX ||
        cp_lex_pack(o, str.v ? str.v : "", k, &pk, &pl, &err) != CP_OK)
      e->oom = 1;
    else {
      putpart(e, o, 0);
      putpart(e, pk, pl);
    }
    free(pk);
  }
  cp_bytes_free(&str);
  free(v);
  free(o);
  *nlive = k;
  return !e->oom;
}

static int enc_layer (enc *e, cp_ablayer *l, size_t T, const uint32_t *dstart,
                      size_t D, uint32_t *nlive) {
  uint32_t n = l->lex.n, nl = 0, i, d;
  uint32_t *cnt = (uint32_t *)calloc((size_t)n + 1, 4);
  uint32_t *map = (uint32_t *)malloc(((size_t)n + 1) * 4);
  uint32_t *fq = NULL, *last = NULL, *st = NULL, *po = NULL, *post = NULL;
  int ok = 0;
  if (cnt == NULL || map == NULL) goto done;
  if (!cp_vec32_reserve(&l->ids, T - (l->ids.n < T ? l->ids.n : T) + 1))
    goto done;
  while (l->ids.n < T) l->ids.v[l->ids.n++] = 0;
  for (i = 0; i < T; i++) cnt[l->ids.v[i]]++;
  if (!put_lexicon(e, &l->lex, cnt, map, &nl)) goto done;
  *nlive = nl;
  fq = (uint32_t *)calloc(2 * (size_t)nl + 1, 4);
  last = (uint32_t *)malloc(((size_t)nl + 1) * 4);
  st = (uint32_t *)malloc((T + 1) * 4);
  po = (uint32_t *)calloc((size_t)nl + 1, 4);
  post = (uint32_t *)malloc((T + 1) * 4);
  if (!fq || !last || !st || !po || !post) goto done;
  memset(last, 0xff, ((size_t)nl + 1) * 4);
  for (d = 0; d < D; d++) {
    uint32_t p;
    for (p = dstart[d]; p < dstart[d + 1]; p++) {
      uint32_t id = map[l->ids.v[p]];
      st[p] = id;
      fq[id]++;
      if (last[id] != d) { last[id] = d;  fq[nl + id]++; }
    }
  }
  for (i = 0; i < nl; i++) po[i + 1] = po[i] + fq[i];
  for (i = 0; i < nl; i++) last[i] = po[i];
  for (i = 0; i < T; i++) post[last[st[i]]++] = i;
  putpart(e, fq, 8 * (size_t)nl);
  putpart(e, st, 4 * T);
  putpart(e, po, 4 * ((size_t)nl + 1));
  putpart(e, post, 4 * T);
  ok = !e->oom;
done:
  free(cnt); free(map); free(fq); free(last); free(st); free(po); free(post);
  return ok;
}

/* sort order of spans: start ascending, then end descending, then the
** order added (so the encoding is deterministic) */
typedef struct sent { uint32_t s, e, i; } sent;

static int cmpsent (const void *a, const void *b) {
  const sent *x = (const sent *)a, *y = (const sent *)b;
  if (x->s != y->s) return x->s < y->s ? -1 : 1;
  if (x->e != y->e) return x->e > y->e ? -1 : 1;
  return x->i < y->i ? -1 : x->i > y->i;
}

static int enc_set (enc *e, const cp_abset *s) {
  size_t n = s->se.n / 2, i, k;
  sent *v = (sent *)malloc((n + 1) * sizeof(sent));
  uint32_t *a = (uint32_t *)malloc((n + 1) * 4);
  int ok = 0;
  if (v == NULL || a == NULL) goto done;
  for (i = 0; i < n; i++) {
    v[i].s = s->se.v[2 * i];
    v[i].e = s->se.v[2 * i + 1];
    v[i].i = (uint32_t)i;
  }
  /* spans usually come in order (the tokenizer's s and p, producers
  ** that emit in text order): sort only when they do not */
  for (i = 1; i < n && cmpsent(&v[i - 1], &v[i]) < 0; i++) {}
  if (i < n) qsort(v, n, sizeof(sent), cmpsent);
  /* format 2.3: STARTS as gaps, ENDS as lengths, MAXEND empty (the
  ** reader recomputes the running maximum) */
  for (i = 0; i < n; i++) a[i] = v[i].s - (i > 0 ? v[i - 1].s : 0);
  putpacked(e, a, n);
  /* ENDS as lengths (layout 0), or (layout 1, format 2.4) as how far
  ** each end is from the next span's start, zigzag (the last one's
  ** length): sets that tile their documents (s, p) then store zeros.
  ** The smaller wins; the third part, MAXEND's place, holds u32 layout */
  {
    /* each layout packed once, the smaller one stored as it is (packing
    ** one of them again was a sixth of encoding the analysers' sets) */
    uint32_t *b = (uint32_t *)malloc((n + 1) * 4), lay = 0;
    uint8_t *pa, *pb = NULL;
    size_t la, lb = 0;
    unsigned char lw[4];
    if (b == NULL) goto done;
    for (i = 0; i < n; i++) a[i] = v[i].e - v[i].s;
    for (i = 0; i + 1 < n; i++)
      b[i] = zig32((int64_t)v[i].e - (int64_t)v[i + 1].s);
    if (n > 0) b[n - 1] = a[n - 1];
    pa = packed(a, n, &la);
    if (pa != NULL && n > 1 && (pb = packed(b, n, &lb)) == NULL) {
      free(pa);
      pa = NULL;
    }
    free(b);
    if (pa == NULL) goto done;
    if (pb != NULL && lb < la) lay = 1;
    putpart(e, lay ? pb : pa, lay ? lb : la);
    free(pa);
    free(pb);
    cp_wr32(lw, lay);
    putpart(e, lw, 4);
  }
  for (k = 0; k < s->nkeys; k++) {
    const cp_abkey *key = &s->keys[k];
    uint32_t nv = key->vals.n, nl = 0;
    uint32_t *used = (uint32_t *)calloc((size_t)nv + 1, 4);
    uint32_t *map = (uint32_t *)malloc(((size_t)nv + 1) * 4);
    if (used == NULL || map == NULL) { free(used); free(map); goto done; }
    for (i = 0; i < n; i++)
      if (key->ids.v[i] != UINT32_MAX) used[key->ids.v[i]] = 1;
    /* the key's header goes before its parts */
    put32(e, 0);   /* nvals, patched below */
    {
      size_t at = e->sch.n - 4;
      putname(e, key->name, key->len);
      if (!put_lexicon(e, &key->vals, used, map, &nl)) {
        free(used); free(map); goto done;
      }
      if (!e->oom) cp_wr32((unsigned char *)e->sch.v + at, nl);
    }
    for (i = 0; i < n; i++) {   /* 0: absent, else value id + 1 */
      uint32_t id = key->ids.v[v[i].i];
      a[i] = id == UINT32_MAX ? 0 : map[id] + 1;
    }
    putpacked(e, a, n);
    free(used);
    free(map);
  }
  ok = !e->oom;
done:
  free(v);
  free(a);
  return ok;
}

int cp_ab_encode (cp_abuild *b, size_t T, const uint32_t *dstart, size_t D,
                  const uint32_t nt[3], cp_bytes *schema, cp_bytes *attrs,
                  cp_err *err) {
  static const char *const bi[3] = {"word", "norm", "stem"};
  enc e;
  size_t i;
  memset(&e, 0, sizeof(e));
  put32(&e, (uint32_t)(3 + b->nl));
  for (i = 0; i < 3; i++) {
    put32(&e, (uint32_t)i);          /* kind: CP_LK_WORD, _NORM, _STEM */
    put32(&e, nt[i]);
    putname(&e, bi[i], 4);
  }
  for (i = 0; i < b->nl && !e.oom; i++) {
    size_t at;
    put32(&e, CP_LK_STORED);
    put32(&e, 0);                    /* ntypes, patched below */
    at = e.sch.n - 4;
    putname(&e, b->l[i].name, b->l[i].len);
    {
      uint32_t nlv = 0;
      if (!enc_layer(&e, &b->l[i], T, dstart, D, &nlv)) { e.oom = 1; break; }
      cp_wr32((unsigned char *)e.sch.v + at, nlv);
    }
  }
  put32(&e, (uint32_t)b->ns);
  for (i = 0; i < b->ns && !e.oom; i++) {
    const cp_abset *s = &b->s[i];
    put32(&e, (uint32_t)(s->se.n / 2));
    put32(&e, (uint32_t)s->nkeys);
    putname(&e, s->name, s->len);
    if (!enc_set(&e, s)) e.oom = 1;
  }
  put32(&e, 0);   /* token streams of fields: none yet */
  if (e.oom) {   /* big cp_bytes blocks are mmap'd: cp_bytes_free */
    cp_bytes_free(&e.sch);
    cp_bytes_free(&e.att);
    return cp_err_set(err, CP_ENOMEM, "out of memory encoding layers and "
                      "spans");
  }
  *schema = e.sch;
  *attrs = e.att;
  return CP_OK;
}

/* }================================================================ */
