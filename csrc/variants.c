/*
** variants.c -- the variant table of a segment (variants.h).
**
** Block layout: uint32 n, then n entries {uint32 koff, klen, id} sorted
** by key bytes (then id), then the key bytes; koff counts from the
** start of the key bytes.
*/
#include <stdlib.h>
#include <string.h>

#include <utf8proc.h>

#include "glob.h"
#include "variants.h"

typedef struct entry { uint32_t koff, klen, id, where; } entry;

struct cp_variants {
  uint32_t n;
  entry e[1];          /* n of them, then the keys */
};

static const char *keys_of (const cp_variants *v) {
  return (const char *)(v->e + (v->n ? v->n : 1));
}

int cp_strip_diacritics (const char *s, size_t len, char **out,
                         size_t *outlen) {
  utf8proc_uint8_t *dec = NULL, *w;
  utf8proc_ssize_t r, i = 0;
  size_t o = 0;
  if (out == NULL || outlen == NULL || (s == NULL && len > 0)) return CP_EINVAL;
  r = utf8proc_map((const utf8proc_uint8_t *)(s ? s : ""), (utf8proc_ssize_t)len,
                   &dec, UTF8PROC_STABLE | UTF8PROC_DECOMPOSE);
  if (r < 0) return r == UTF8PROC_ERROR_NOMEM ? CP_ENOMEM : CP_EINVAL;
  w = dec;
  while (i < r) {
    utf8proc_int32_t cp;
    utf8proc_ssize_t k = utf8proc_iterate(dec + i, r - i, &cp);
    if (k <= 0) { free(dec); return CP_EINVAL; }
    if (!(cp >= 0x300 && cp <= 0x36F)) {
      memmove(w + o, dec + i, (size_t)k);
      o += (size_t)k;
    }
    i += k;
  }
  w[o] = '\0';
  {
    utf8proc_uint8_t *nfc = utf8proc_NFC(w);
    free(dec);
    if (nfc == NULL) return CP_ENOMEM;
    *out = (char *)nfc;
    *outlen = strlen((char *)nfc);
  }
  return CP_OK;
}

/* {================================================================
** Building
** ================================================================= */

typedef struct builder {
  entry *e; size_t n, cap;
  char *k; size_t kn, kcap;
  int oom;
} builder;

static void add (builder *b, const char *key, size_t len, uint32_t id,
                 unsigned where) {
  if (b->oom || len == 0 || len > UINT32_MAX) return;
  if (b->n == b->cap) {
    size_t nc = b->cap ? 2 * b->cap : 256;
    entry *ne = (entry *)realloc(b->e, nc * sizeof(entry));
    if (ne == NULL) { b->oom = 1; return; }
    b->e = ne; b->cap = nc;
  }
  if (b->kn + len > b->kcap) {
    size_t nc = b->kcap ? 2 * b->kcap : 4096;
    char *nk;
    while (nc < b->kn + len) nc *= 2;
    if (nc > UINT32_MAX) { b->oom = 1; return; }
    nk = (char *)realloc(b->k, nc);
    if (nk == NULL) { b->oom = 1; return; }
    b->k = nk; b->kcap = nc;
  }
  memcpy(b->k + b->kn, key, len);
  b->e[b->n].koff = (uint32_t)b->kn;
  b->e[b->n].klen = (uint32_t)len;
  b->e[b->n].id = id;
  b->e[b->n].where = where;
  b->n++;
  b->kn += len;
}

/* does s hold a byte that may start a diacritic or a separator? */
static int interesting (const char *s, size_t n) {
  size_t i;
  for (i = 0; i < n; i++) {
    unsigned char ch = (unsigned char)s[i];
    if (ch >= 0x80 || !((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
                        (ch >= '0' && ch <= '9')))
      return 1;
  }
  return 0;
}

/* is code point cp a word character (a letter, digit or mark)? */
static int word_char (utf8proc_int32_t cp) {
  switch (utf8proc_category(cp)) {
    case UTF8PROC_CATEGORY_LU: case UTF8PROC_CATEGORY_LL:
    case UTF8PROC_CATEGORY_LT: case UTF8PROC_CATEGORY_LM:
    case UTF8PROC_CATEGORY_LO: case UTF8PROC_CATEGORY_MN:
    case UTF8PROC_CATEGORY_MC: case UTF8PROC_CATEGORY_ME:
    case UTF8PROC_CATEGORY_ND: case UTF8PROC_CATEGORY_NL:
    case UTF8PROC_CATEGORY_NO:
      return 1;
    default:
      return 0;
  }
}

/* the code point at s[i] (its length in *k, 0 at bad UTF-8) */
static utf8proc_int32_t cp_at (const char *s, size_t n, size_t i,
                               size_t *k) {
  utf8proc_int32_t cp;
  utf8proc_ssize_t r = utf8proc_iterate((const utf8proc_uint8_t *)s + i,
                                        (utf8proc_ssize_t)(n - i), &cp);
  *k = r > 0 ? (size_t)r : 0;
  return cp;
}

int cp_variant_part (const char *s, size_t n, size_t *it, size_t *off,
                     size_t *len) {
  size_t i, k;
  if (s == NULL || it == NULL || off == NULL || len == NULL) return 0;
  i = *it;
  if (i == 0) {                  /* no separator: no parts at all */
    size_t j = 0;
    int sep = 0;
    while (j < n) {
      utf8proc_int32_t cp = cp_at(s, n, j, &k);
      if (k == 0) return 0;
      if (!word_char(cp)) { sep = 1; break; }
      j += k;
    }
    if (!sep) return 0;
  }
  while (i < n) {                /* skip separators */
    utf8proc_int32_t cp = cp_at(s, n, i, &k);
    if (k == 0) return 0;
    if (word_char(cp)) break;
    i += k;
  }
  if (i >= n) { *it = n; return 0; }
  *off = i;
  while (i < n) {
    utf8proc_int32_t cp = cp_at(s, n, i, &k);
    if (k == 0 || !word_char(cp)) break;
    i += k;
  }
  *len = i - *off;
  *it = i;
  return 1;
}

/*
** Runs of 2..k consecutive parts of a compound of k parts, as keys of
** the words joined by spaces ("three-year-old": "three year", "year
** old", "three year old"), so a phrase of those words finds the
** compound.  Compounds of more than CP_V_MAXRUN parts (URLs) get none.
*/
static void add_runs (builder *b, const char *t, const size_t *po,
                      const size_t *pl, size_t k, uint32_t id) {
  size_t i, j, m;
  char buf[CP_V_MAXKEY];
  for (i = 0; i < k; i++)
    for (j = i + 1; j < k; j++) {
      size_t at = 0;
      int fits = 1;
      for (m = i; m <= j && fits; m++) {
        if (at + pl[m] + 1 > sizeof(buf)) { fits = 0; break; }
        if (m > i) buf[at++] = ' ';
        memcpy(buf + at, t + po[m], pl[m]);
        at += pl[m];
      }
      if (fits) add(b, buf, at, id, CP_V_RUN);
    }
}

/*
** The keys of one norm type: its diacritic-free form when that differs,
** and its parts (cp_variant_part) -- the tokens SQLite FTS5's unicode61
** tokenizer would make of it.
*/
static void add_type (builder *b, const char *s, size_t n, uint32_t id) {
  char *f = NULL;
  size_t fl = n, it = 0, off, len;
  const char *t = s;
  int rc = cp_strip_diacritics(s, n, &f, &fl);
  if (rc == CP_ENOMEM) { b->oom = 1; return; }
  if (rc == CP_OK) {
    t = f;
    if (fl != n || memcmp(f, s, n) != 0) add(b, f, fl, id, CP_V_WHOLE);
  }
  else fl = n;
  {
    size_t poff = 0, plen = 0, k = 0;
    size_t po[CP_V_MAXRUN], pl[CP_V_MAXRUN];
    int have = 0;
    /* each part is added one step late, to know whether it is the last */
    while (cp_variant_part(t, fl, &it, &off, &len)) {
      if (have) add(b, t + poff, plen, id, k == 1 ? CP_V_FIRST : CP_V_MID);
      poff = off; plen = len; have = 1;
      if (k < CP_V_MAXRUN) { po[k] = off; pl[k] = len; }
      k++;
    }
    if (have) add(b, t + poff, plen, id, CP_V_LAST | (k == 1 ? CP_V_FIRST : 0));
    if (k >= 2 && k <= CP_V_MAXRUN) add_runs(b, t, po, pl, k, id);
  }
  free(f);
}

/* an entry with its key in place, for sorting (qsort has no context) */
typedef struct sentry { const char *key; entry e; } sentry;

static int cmp_sentry (const void *x, const void *y) {
  const sentry *a = (const sentry *)x, *b = (const sentry *)y;
  size_t n = a->e.klen < b->e.klen ? a->e.klen : b->e.klen;
  int c = memcmp(a->key, b->key, n);
  if (c != 0) return c;
  if (a->e.klen != b->e.klen) return a->e.klen < b->e.klen ? -1 : 1;
  return (a->e.id > b->e.id) - (a->e.id < b->e.id);
}

static const char *seg_norm (const void *ud, uint32_t i, size_t *len) {
  return cp_seg_type((const cp_seg *)ud, CP_NORM, i, len);
}

cp_variants *cp_variants_build (const cp_seg *s) {
  if (s == NULL) return NULL;
  return cp_variants_build_from(cp_seg_ntypes(s, CP_NORM), seg_norm, s);
}

cp_variants *cp_variants_build_from (uint32_t nt, cp_variants_str str,
                                     const void *ud) {
  builder b;
  uint32_t i;
  cp_variants *v;
  size_t head;
  memset(&b, 0, sizeof(b));
  if (str == NULL) return NULL;
  for (i = 0; i < nt && !b.oom; i++) {
    size_t len;
    const char *t = str(ud, i, &len);
    if (t != NULL && interesting(t, len)) add_type(&b, t, len, i);
  }
  if (!b.oom && b.n > 1) {      /* sort by key, the keys being final now */
    sentry *se = (sentry *)malloc(b.n * sizeof(sentry));
    size_t k;
    if (se == NULL) b.oom = 1;
    else {
      for (k = 0; k < b.n; k++) { se[k].key = b.k + b.e[k].koff; se[k].e = b.e[k]; }
      qsort(se, b.n, sizeof(sentry), cmp_sentry);
      for (k = 0; k < b.n; k++) b.e[k] = se[k].e;
      free(se);
    }
  }
  if (b.oom) { free(b.e); free(b.k); return NULL; }
  head = sizeof(cp_variants) + (b.n ? b.n - 1 : 0) * sizeof(entry);
  v = (cp_variants *)malloc(head + b.kn + 1);
  if (v != NULL) {
    v->n = (uint32_t)b.n;
    if (b.n) memcpy(v->e, b.e, b.n * sizeof(entry));
    if (b.kn) memcpy((char *)keys_of(v), b.k, b.kn);
  }
  free(b.e);
  free(b.k);
  return v;
}

/* }================================================================ */

static int cmp_key (const cp_variants *v, uint32_t i, const char *key,
                    size_t len) {
  const entry *e = &v->e[i];
  size_t n = e->klen < len ? e->klen : len;
  int c = memcmp(keys_of(v) + e->koff, key, n);
  if (c != 0) return c;
  return (e->klen > len) - (e->klen < len);
}

void cp_variants_find (const cp_variants *v, const char *key, size_t len,
                       uint32_t *lo, uint32_t *hi) {
  uint32_t a = 0, b;
  *lo = *hi = 0;
  if (v == NULL || key == NULL) return;
  b = v->n;
  while (a < b) {
    uint32_t m = a + (b - a) / 2;
    if (cmp_key(v, m, key, len) < 0) a = m + 1; else b = m;
  }
  *lo = a;
  b = v->n;
  while (a < b) {
    uint32_t m = a + (b - a) / 2;
    if (cmp_key(v, m, key, len) <= 0) a = m + 1; else b = m;
  }
  *hi = a;
}

/* does entry i's key start with key[0..len)? */
static int has_prefix (const cp_variants *v, uint32_t i, const char *key,
                       size_t len) {
  const entry *e = &v->e[i];
  return e->klen >= len && memcmp(keys_of(v) + e->koff, key, len) == 0;
}

void cp_variants_prefix (const cp_variants *v, const char *key, size_t len,
                         uint32_t *lo, uint32_t *hi) {
  uint32_t a = 0, b;
  *lo = *hi = 0;
  if (v == NULL || (key == NULL && len > 0)) return;
  b = v->n;
  while (a < b) {             /* the first key >= key: where they start */
    uint32_t m = a + (b - a) / 2;
    if (cmp_key(v, m, key, len) < 0) a = m + 1; else b = m;
  }
  *lo = a;
  b = v->n;
  while (a < b) {             /* keys with the prefix are consecutive */
    uint32_t m = a + (b - a) / 2;
    if (has_prefix(v, m, key, len)) a = m + 1; else b = m;
  }
  *hi = a;
}

const char *cp_variants_key (const cp_variants *v, uint32_t i, size_t *len) {
  if (v == NULL || i >= v->n) { *len = 0; return NULL; }
  *len = v->e[i].klen;
  return keys_of(v) + v->e[i].koff;
}

uint32_t cp_variants_id (const cp_variants *v, uint32_t i) {
  return (v != NULL && i < v->n) ? v->e[i].id : 0;
}

unsigned cp_variants_where (const cp_variants *v, uint32_t i) {
  return (v != NULL && i < v->n) ? v->e[i].where : 0;
}

int cp_variants_allows (int edge, unsigned where) {
  switch (edge) {
    case CP_EDGE_FIRST: return (where & (CP_V_WHOLE | CP_V_LAST)) != 0;
    case CP_EDGE_LAST: return (where & (CP_V_WHOLE | CP_V_FIRST)) != 0;
    case CP_EDGE_MID: return (where & CP_V_WHOLE) != 0;
    case CP_EDGE_RUN: return (where & CP_V_RUN) != 0;
    default: return (where & CP_V_RUN) == 0;
  }
}


/* {================================================================
** A query word's lookup (variants.h)
** ================================================================= */

int cp_variants_fold (const char *t, size_t tl, char **f, size_t *fl) {
  size_t i;
  int s;
  if (f == NULL || fl == NULL || (t == NULL && tl > 0)) return CP_EINVAL;
  *f = NULL;
  *fl = tl;
  for (i = 0; i < tl && (unsigned char)t[i] < 0x80; i++) {}
  if (i == tl) return CP_OK;         /* ASCII has no diacritics */
  s = cp_strip_diacritics(t, tl, f, fl);
  if (s == CP_ENOMEM) return CP_ENOMEM;
  if (s != CP_OK || *f == NULL) {    /* bad UTF-8: no other form */
    free(*f);
    *f = NULL;
    *fl = tl;
  }
  return CP_OK;
}

void cp_variants_span (const cp_variants *v, int kind, const char *key,
                       size_t kl, uint32_t *lo, uint32_t *hi) {
  if (kind == CP_VQ_TERM) cp_variants_find(v, key, kl, lo, hi);
  else if (kind == CP_VQ_GLOB)
    cp_variants_prefix(v, key, cp_glob_literal(key, kl), lo, hi);
  else cp_variants_prefix(v, key, kl, lo, hi);
}

int cp_variants_takes (const cp_variants *v, uint32_t j, int edge, int kind,
                       const char *key, size_t kl) {
  size_t sl;
  const char *ks;
  if (v == NULL || !cp_variants_allows(edge, cp_variants_where(v, j))) return 0;
  if (kind != CP_VQ_GLOB) return 1;
  ks = cp_variants_key(v, j, &sl);
  return ks != NULL && cp_glob_match(key, kl, ks, sl);
}

/* }================================================================ */
