/*
** meta.c -- document metadata encoding and the field list (meta.h).
*/
#include <stdlib.h>
#include <string.h>

#include <utf8proc.h>

#include "meta.h"
#include "corpus.h"
#include "seg.h"

#define LISTBIT 0x80u

static void wr32 (unsigned char *p, uint32_t x) { memcpy(p, &x, 4); }
static uint32_t rd32 (const unsigned char *p) {
  uint32_t x;
  memcpy(&x, p, 4);
  return x;
}

const char *const cp_meta_reserved[] = {
  "n", "id", "text", "tokens", "meta", NULL
};

int cp_meta_is_reserved (const char *key, size_t len) {
  size_t i;
  if (key == NULL) return 0;
  for (i = 0; cp_meta_reserved[i] != NULL; i++)
    if (strlen(cp_meta_reserved[i]) == len &&
        memcmp(cp_meta_reserved[i], key, len) == 0)
      return 1;
  return 0;
}

/* bytes of the value of m, or SIZE_MAX */
static size_t value_size (const cp_meta *m) {
  switch (m->type) {
    case CP_MSTR:
      if ((m->str == NULL && m->strlen > 0) || m->strlen > UINT32_MAX)
        return SIZE_MAX;
      return 4 + m->strlen;
    case CP_MNUM: case CP_MINT: return 8;
    case CP_MBOOL: return 1;
    case CP_MEMPTY: return 0;
    default: return SIZE_MAX;
  }
}

size_t cp_meta_size (const cp_meta *meta, size_t nmeta) {
  size_t i, sz = 0;
  if (meta == NULL && nmeta > 0) return SIZE_MAX;
  for (i = 0; i < nmeta; i++) {
    const cp_meta *m = &meta[i];
    size_t v = value_size(m), f;
    if ((m->key == NULL && m->keylen > 0) || m->keylen > UINT32_MAX ||
        v == SIZE_MAX)
      return SIZE_MAX;
    f = 1 + 4 + m->keylen + v;
    if (sz + f > UINT32_MAX) return SIZE_MAX;
    sz += f;
  }
  return sz;
}

void cp_meta_put (unsigned char *o, const cp_meta *meta, size_t nmeta) {
  size_t i;
  if (o == NULL) return;
  for (i = 0; i < nmeta; i++) {
    const cp_meta *m = &meta[i];
    *o++ = (unsigned char)((unsigned)m->type | (m->list ? LISTBIT : 0));
    wr32(o, (uint32_t)m->keylen);  o += 4;
    if (m->keylen) memcpy(o, m->key, m->keylen);
    o += m->keylen;
    switch (m->type) {
      case CP_MSTR:
        wr32(o, (uint32_t)m->strlen);  o += 4;
        if (m->strlen) memcpy(o, m->str, m->strlen);
        o += m->strlen;
        break;
      case CP_MNUM: memcpy(o, &m->num, 8); o += 8; break;
      case CP_MINT: memcpy(o, &m->ival, 8); o += 8; break;
      case CP_MBOOL: *o++ = m->ival ? 1 : 0; break;
      default: break;
    }
  }
}

int cp_meta_next (const void *meta, size_t metalen, size_t *it, cp_meta *m) {
  const unsigned char *p = (const unsigned char *)meta;
  size_t i, left;
  uint32_t kl;
  unsigned tag;
  if (it == NULL || m == NULL || (meta == NULL && metalen > 0)) return -1;
  i = *it;
  if (i == metalen) return 0;
  if (i > metalen) return -1;
  left = metalen - i;
  if (left < 5) return -1;
  tag = p[i];
  memset(m, 0, sizeof(*m));
  m->type = (int)(tag & ~LISTBIT);
  m->list = (tag & LISTBIT) != 0;
  if (m->type > CP_MEMPTY || (m->type == CP_MEMPTY && !m->list)) return -1;
  kl = rd32(p + i + 1);
  i += 5;  left -= 5;
  if (kl > left) return -1;
  m->key = (const char *)p + i;
  m->keylen = kl;
  i += kl;  left -= kl;
  switch (m->type) {
    case CP_MSTR: {
      uint32_t sl;
      if (left < 4) return -1;
      sl = rd32(p + i);
      i += 4;  left -= 4;
      if (sl > left) return -1;
      m->str = (const char *)p + i;
      m->strlen = sl;
      i += sl;
      break;
    }
    case CP_MNUM:
      if (left < 8) return -1;
      memcpy(&m->num, p + i, 8);
      i += 8;
      break;
    case CP_MINT:
      if (left < 8) return -1;
      memcpy(&m->ival, p + i, 8);
      m->num = (double)m->ival;
      i += 8;
      break;
    case CP_MBOOL:
      if (left < 1 || p[i] > 1) return -1;
      m->ival = p[i];
      m->str = p[i] ? "true" : "false";
      m->strlen = p[i] ? 4 : 5;
      i += 1;
      break;
    default:
      break;
  }
  *it = i;
  return 1;
}

int cp_meta_fold (const char *s, size_t len, char **out, size_t *outlen) {
  utf8proc_uint8_t *dst = NULL;
  utf8proc_ssize_t r;
  if (out == NULL || outlen == NULL || (s == NULL && len > 0)) return CP_EINVAL;
  if (len == 0) {
    *out = (char *)malloc(1);
    if (*out == NULL) return CP_ENOMEM;
    (*out)[0] = '\0';
    *outlen = 0;
    return CP_OK;
  }
  r = utf8proc_map((const utf8proc_uint8_t *)s, (utf8proc_ssize_t)len, &dst,
                   UTF8PROC_STABLE | UTF8PROC_COMPOSE | UTF8PROC_CASEFOLD);
  if (r < 0) return r == UTF8PROC_ERROR_NOMEM ? CP_ENOMEM : CP_EINVAL;
  *out = (char *)dst;
  *outlen = (size_t)r;
  return CP_OK;
}


/* {================================================================
** The fields of a corpus
** ================================================================= */

static int cmp_field (const void *a, const void *b) {
  const cp_field *x = (const cp_field *)a, *y = (const cp_field *)b;
  size_t n = x->len < y->len ? x->len : y->len;
  int c = memcmp(x->name, y->name, n);
  if (c != 0) return c;
  return (x->len > y->len) - (x->len < y->len);
}

/* the entry for key (linear: corpora have a handful of fields) */
static cp_field *field_of (cp_fields *f, const char *key, size_t len,
                           int *oom) {
  size_t i;
  for (i = 0; i < f->n; i++)
    if (f->v[i].len == len && memcmp(f->v[i].name, key, len) == 0)
      return &f->v[i];
  if (f->n == f->cap) {
    size_t ncap = f->cap ? 2 * f->cap : 8;
    cp_field *nv = (cp_field *)realloc(f->v, ncap * sizeof(cp_field));
    if (nv == NULL) { *oom = 1; return NULL; }
    f->v = nv;
    f->cap = ncap;
  }
  memset(&f->v[f->n], 0, sizeof(cp_field));
  f->v[f->n].name = (char *)malloc(len + 1);
  if (f->v[f->n].name == NULL) { *oom = 1; return NULL; }
  if (len) memcpy(f->v[f->n].name, key, len);
  f->v[f->n].name[len] = '\0';
  f->v[f->n].len = len;
  return &f->v[f->n++];
}

static const unsigned TYPEBIT[] = {
  CP_FT_STRING, CP_FT_NUMBER, CP_FT_INTEGER, CP_FT_BOOLEAN, 0
};

int cp_meta_fields (cp_corpus *c, cp_fields *out, cp_err *err) {
  size_t si, ns;
  int rc, oom = 0;
  uint64_t *seen = NULL;     /* per field: last document counted + 1 */
  size_t nseen = 0;
  if (c == NULL || out == NULL)
    return cp_err_set(err, CP_EINVAL, "bad arguments to meta_fields");
  memset(out, 0, sizeof(*out));
  if ((rc = cp_corpus_flush(c, err)) != CP_OK) return rc;
  ns = cp_corpus_nsegs(c);
  for (si = 0; si < ns; si++) {
    const cp_seg *s = cp_corpus_seg(c, si);
    uint64_t base = cp_corpus_doc_base(c, si);
    uint32_t d, nd = cp_seg_ndocs(s);
    for (d = 0; d < nd; d++) {
      cp_docinfo di;
      cp_meta m;
      size_t it = 0;
      if (cp_corpus_is_deleted(c, si, d)) continue;
      if (cp_seg_doc(s, d, &di) != CP_OK) {
        rc = cp_err_set(err, CP_ECORRUPT, "damaged document %u", d);
        goto fail;
      }
      while ((rc = cp_meta_next(di.meta, di.metalen, &it, &m)) == 1) {
        cp_field *f = field_of(out, m.key, m.keylen, &oom);
        size_t fi;
        if (f == NULL) goto nomem;
        fi = (size_t)(f - out->v);
        if (fi >= nseen) {
          uint64_t *ns2 = (uint64_t *)realloc(seen, out->cap * sizeof(uint64_t));
          if (ns2 == NULL) goto nomem;
          seen = ns2;
          while (nseen < out->cap) seen[nseen++] = 0;
        }
        f->types |= TYPEBIT[m.type] | (m.list ? CP_FT_LIST : 0);
        if (m.type != CP_MEMPTY) f->values++;
        if (seen[fi] != base + d + 1) { seen[fi] = base + d + 1; f->docs++; }
      }
      if (rc < 0) {
        rc = cp_err_set(err, CP_ECORRUPT, "damaged metadata in document %u",
                        (unsigned)(base + d + 1));
        goto fail;
      }
    }
  }
  free(seen);
  if (out->n > 1) qsort(out->v, out->n, sizeof(cp_field), cmp_field);
  return CP_OK;
nomem:
  rc = cp_err_set(err, CP_ENOMEM, "out of memory listing fields");
fail:
  free(seen);
  cp_fields_free(out);
  return rc;
}

void cp_fields_free (cp_fields *f) {
  size_t i;
  if (f == NULL) return;
  for (i = 0; i < f->n; i++) free(f->v[i].name);
  free(f->v);
  memset(f, 0, sizeof(*f));
}

const cp_field *cp_fields_find (const cp_fields *f, const char *name,
                                size_t len) {
  size_t i;
  if (f == NULL || name == NULL) return NULL;
  for (i = 0; i < f->n; i++)
    if (f->v[i].len == len && memcmp(f->v[i].name, name, len) == 0)
      return &f->v[i];
  return NULL;
}

/* }================================================================ */
