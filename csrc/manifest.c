/*
** manifest.c -- the manifest of an on-disk index: its text format,
** parsing (every byte checked) and writing.
**
** The manifest is a small UTF-8 (in practice ASCII) text file named
** MANIFEST; lines end in LF, fields are separated by one space:
**
**   corpus-index 1                   magic and format version
**   generation 12                    commit counter, +1 per commit
**   language english                 libstemmer name of the analyzer
**   mode 0                           tokenizer mode (0 corpus, 1 strict)
**   analyse 15                       optional: the analysers run at add
**                                    time (bits of extract.h: 1 entities,
**                                    2 quotes, 4 dates, 8 numbers); no
**                                    line = none
**   fields title headline            optional: the text metadata fields
**                                    whose tokens the segments index
**                                    (segfield.h), one space between
**                                    two; no line = none
**   next-segment 17                  number the next segment file gets
**   segments 2                       how many "seg" lines follow
**   seg NAME SIZE XXH64 DOCS NDEL [LOCAL ...]
**   ...
**   checksum XXH64
**
** NAME is "seg-" 16 lowercase hex digits ".cps"; SIZE the file's length
** in bytes; XXH64 (16 lowercase hex digits, seed 0) the hash of the
** whole file; DOCS its document count; NDEL the number of deleted
** documents, followed by their local numbers (0-based, strictly
** increasing, < DOCS).  The last line holds the XXH64 (seed 0) of every
** byte before it.  Numbers are decimal without sign or leading zeros.
** GENERATION and NEXT-SEGMENT are 1 .. 2^48 and SIZE at most 2^48
** (CP_MAN_MAX_NUMBER), so a writer can always go on counting.
** Anything else is CP_ECORRUPT; a version other than 1 is CP_EVERSION.
*/
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <xxhash.h>

#include "manifest.h"

#define MAGIC "corpus-index"


void cp_man_clear (cp_man *m) {
  size_t i;
  if (m == NULL) return;
  for (i = 0; i < m->nsegs; i++) free(m->segs[i].del);
  free(m->segs);
  memset(m, 0, sizeof(*m));
}

int cp_man_valid_name (const char *s, size_t n) {
  size_t i;
  if (n != CP_MAN_NAMELEN || memcmp(s, "seg-", 4) != 0
      || memcmp(s + 20, ".cps", 4) != 0)
    return 0;
  for (i = 4; i < 20; i++)
    if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
      return 0;
  return 1;
}

void cp_man_name (char *buf, uint64_t num) {
  snprintf(buf, CP_MAN_NAMELEN + 1, "seg-%016llx.cps", (unsigned long long)num);
}


/* {================================================================
** Parsing
** ================================================================= */

typedef struct cursor {
  const char *p, *end;
  int line;
  const char *fname;
  cp_err *err;
} cursor;

static int bad (cursor *cu, const char *what) {
  return cp_err_set(cu->err, CP_ECORRUPT, "%s: line %d: %s", cu->fname,
                    cu->line, what);
}

/* the next space- or LF-terminated field; does not consume the separator */
static int field (cursor *cu, const char **s, size_t *n) {
  const char *q = cu->p;
  *s = NULL; *n = 0;
  while (q < cu->end && *q != ' ' && *q != '\n') q++;
  if (q == cu->p) return bad(cu, "missing field");
  *s = cu->p; *n = (size_t)(q - cu->p);
  cu->p = q;
  return CP_OK;
}

static int sep (cursor *cu) {
  if (cu->p >= cu->end || *cu->p != ' ') return bad(cu, "expected a space");
  cu->p++;
  return CP_OK;
}

static int eol (cursor *cu) {
  if (cu->p >= cu->end || *cu->p != '\n') return bad(cu, "expected end of line");
  cu->p++; cu->line++;
  return CP_OK;
}

static int word (cursor *cu, const char *w) {
  const char *s;
  size_t n;
  int rc = field(cu, &s, &n);
  if (rc != CP_OK) return rc;
  if (n != strlen(w) || memcmp(s, w, n) != 0) {
    char msg[64];
    snprintf(msg, sizeof(msg), "expected '%s'", w);
    return bad(cu, msg);
  }
  return CP_OK;
}

static int u64 (cursor *cu, uint64_t *v) {
  const char *s;
  size_t n, i;
  uint64_t x = 0;
  int rc = field(cu, &s, &n);
  if (rc != CP_OK) return rc;
  if (n > 1 && s[0] == '0') return bad(cu, "number with a leading zero");
  for (i = 0; i < n; i++) {
    unsigned d = (unsigned char)s[i] - '0';
    if (d > 9) return bad(cu, "bad number");
    if (x > (UINT64_MAX - d) / 10) return bad(cu, "number out of range");
    x = x * 10 + d;
  }
  *v = x;
  return CP_OK;
}

static int hex64 (cursor *cu, uint64_t *v) {
  const char *s;
  size_t n, i;
  uint64_t x = 0;
  int rc = field(cu, &s, &n);
  if (rc != CP_OK) return rc;
  if (n != 16) return bad(cu, "bad checksum field");
  for (i = 0; i < n; i++) {
    int c = s[i], d;
    if (c >= '0' && c <= '9') d = c - '0';
    else if (c >= 'a' && c <= 'f') d = c - 'a' + 10;
    else return bad(cu, "bad checksum field");
    x = (x << 4) | (uint64_t)d;
  }
  *v = x;
  return CP_OK;
}

/* "key value\n" with a decimal value */
static int keyed (cursor *cu, const char *key, uint64_t *v) {
  int rc;
  if ((rc = word(cu, key)) != CP_OK || (rc = sep(cu)) != CP_OK
      || (rc = u64(cu, v)) != CP_OK)
    return rc;
  return eol(cu);
}

static int parse_seg (cursor *cu, cp_man_seg *sg) {
  const char *s;
  size_t n;
  uint64_t v, i, prev = 0;
  int rc;
  if ((rc = word(cu, "seg")) != CP_OK || (rc = sep(cu)) != CP_OK
      || (rc = field(cu, &s, &n)) != CP_OK)
    return rc;
  if (!cp_man_valid_name(s, n)) return bad(cu, "bad segment file name");
  memcpy(sg->name, s, n); sg->name[n] = '\0';
  if ((rc = sep(cu)) != CP_OK || (rc = u64(cu, &sg->size)) != CP_OK
      || (rc = sep(cu)) != CP_OK || (rc = hex64(cu, &sg->hash)) != CP_OK
      || (rc = sep(cu)) != CP_OK || (rc = u64(cu, &v)) != CP_OK)
    return rc;
  if (sg->size > CP_MAN_MAX_NUMBER) return bad(cu, "segment size out of range");
  if (v > UINT32_MAX) return bad(cu, "document count out of range");
  sg->ndocs = (uint32_t)v;
  if ((rc = sep(cu)) != CP_OK || (rc = u64(cu, &v)) != CP_OK) return rc;
  if (v > sg->ndocs) return bad(cu, "more deleted documents than documents");
  /* each entry takes at least 2 bytes: bound the allocation by the input */
  if (v > (uint64_t)(cu->end - cu->p) / 2) return bad(cu, "deletion list truncated");
  sg->ndel = (uint32_t)v;
  if (sg->ndel > 0) {
    sg->del = malloc(sizeof(uint32_t) * sg->ndel);
    if (sg->del == NULL) return cp_err_set(cu->err, CP_ENOMEM, "out of memory");
  }
  for (i = 0; i < sg->ndel; i++) {
    if ((rc = sep(cu)) != CP_OK || (rc = u64(cu, &v)) != CP_OK) return rc;
    if (v >= sg->ndocs || (i > 0 && v <= prev))
      return bad(cu, "bad deleted document number");
    sg->del[i] = (uint32_t)v;
    prev = v;
  }
  return eol(cu);
}

int cp_man_parse (cp_man *m, const char *buf, size_t len, const char *fname,
                  cp_err *err) {
  cursor cu;
  const char *body_end, *s;
  size_t n, i;
  uint64_t v, sum;
  int rc;
  memset(m, 0, sizeof(*m));
  cu.p = buf; cu.end = buf + len; cu.line = 1; cu.fname = fname; cu.err = err;
  /* magic and version first: a future version may change the rest */
  if (len < sizeof(MAGIC) || memcmp(buf, MAGIC " ", sizeof(MAGIC)) != 0)
    return cp_err_set(err, CP_ECORRUPT, "%s: not a corpus index manifest",
                      fname);
  cu.p += sizeof(MAGIC);
  if ((rc = u64(&cu, &v)) != CP_OK) return rc;
  if (v != CP_MAN_VERSION)
    return cp_err_set(err, CP_EVERSION,
                      "%s: index format version %llu (this library reads %d)",
                      fname, (unsigned long long)v, CP_MAN_VERSION);
  if ((rc = eol(&cu)) != CP_OK) return rc;
  /* the checksum line closes the file */
  /* "checksum " + 16 hex + "\n" after the (already read) first line */
  if ((size_t)(cu.end - cu.p) < 26 || buf[len - 1] != '\n')
    return cp_err_set(err, CP_ECORRUPT, "%s: truncated (no checksum line)", fname);
  body_end = buf + len - 26;
  if (memcmp(body_end, "checksum ", 9) != 0 || body_end[-1] != '\n')
    return cp_err_set(err, CP_ECORRUPT, "%s: truncated (no checksum line)", fname);
  {
    cursor cs = cu;
    cs.p = body_end + 9;
    if ((rc = hex64(&cs, &sum)) != CP_OK) return rc;
  }
  if (XXH64(buf, (size_t)(body_end - buf), 0) != sum)
    return cp_err_set(err, CP_ECORRUPT, "%s: checksum mismatch", fname);
  cu.end = body_end;
  if ((rc = keyed(&cu, "generation", &m->gen)) != CP_OK) return rc;
  /* the checksum only proves the bytes are as written: the values must
  ** also be ones a writer can continue from (+1 must not wrap) */
  if (m->gen == 0 || m->gen > CP_MAN_MAX_NUMBER)
    return bad(&cu, "generation out of range");
  if ((rc = word(&cu, "language")) != CP_OK || (rc = sep(&cu)) != CP_OK
      || (rc = field(&cu, &s, &n)) != CP_OK)
    return rc;
  if (n >= sizeof(m->language)) return bad(&cu, "language name too long");
  for (i = 0; i < n; i++)
    if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9')
          || s[i] == '_'))
      return bad(&cu, "bad language name");
  memcpy(m->language, s, n); m->language[n] = '\0';
  if ((rc = eol(&cu)) != CP_OK) return rc;
  if ((rc = keyed(&cu, "mode", &v)) != CP_OK) return rc;
  if (v > 1) return bad(&cu, "unknown tokenizer mode");
  m->mode = (int)v;
  if (cu.end - cu.p > 8 && memcmp(cu.p, "analyse ", 8) == 0) {
    if ((rc = keyed(&cu, "analyse", &v)) != CP_OK) return rc;
    if (v == 0 || v > 15) return bad(&cu, "unknown analyser set");
    m->analyse = (unsigned)v;
  }
  if (cu.end - cu.p > 7 && memcmp(cu.p, "fields ", 7) == 0) {
    const char *q = cu.p + 7, *e = q;
    size_t fl;
    while (e < cu.end && *e != '\n') e++;
    fl = (size_t)(e - q);
    if (fl == 0 || fl >= sizeof(m->fields) || q[0] == ' ' || q[fl - 1] == ' ')
      return bad(&cu, "bad field list");
    memcpy(m->fields, q, fl);
    m->fields[fl] = '\0';
    if (strstr(m->fields, "  ") != NULL || strlen(m->fields) != fl ||
        cp_fields_check(m->fields, NULL) != CP_OK)
      return bad(&cu, "bad field list");
    cu.p = e;
    if ((rc = eol(&cu)) != CP_OK) return rc;
  }
  if ((rc = keyed(&cu, "next-segment", &m->next)) != CP_OK) return rc;
  if (m->next == 0 || m->next > CP_MAN_MAX_NUMBER)
    return bad(&cu, "next-segment out of range");
  if ((rc = keyed(&cu, "segments", &v)) != CP_OK) return rc;
  /* a seg line has more than 40 bytes: bound the allocation */
  if (v > (uint64_t)(cu.end - cu.p) / 40) return bad(&cu, "segment list truncated");
  if (v > 0) {
    m->segs = calloc((size_t)v, sizeof(cp_man_seg));
    if (m->segs == NULL) return cp_err_set(err, CP_ENOMEM, "out of memory");
  }
  for (i = 0; i < v; i++) {
    m->nsegs = i + 1;   /* so cp_man_clear frees a partial entry */
    if ((rc = parse_seg(&cu, &m->segs[i])) != CP_OK) { cp_man_clear(m); return rc; }
  }
  if (cu.p != cu.end) { rc = bad(&cu, "unexpected text"); cp_man_clear(m); return rc; }
  for (i = 0; i < m->nsegs; i++) {  /* names unique, numbers below 'next' */
    size_t j;
    uint64_t num = strtoull(m->segs[i].name + 4, NULL, 16);
    if (num >= m->next) {
      cp_man_clear(m);
      return cp_err_set(err, CP_ECORRUPT, "%s: segment number beyond next-segment", fname);
    }
    for (j = 0; j < i; j++)
      if (strcmp(m->segs[i].name, m->segs[j].name) == 0) {
        cp_man_clear(m);
        return cp_err_set(err, CP_ECORRUPT, "%s: segment listed twice", fname);
      }
  }
  return CP_OK;
}

/* }================================================================ */


/* {================================================================
** Writing
** ================================================================= */

typedef struct sbuf {
  char *p;
  size_t n, cap;
  int oom;
} sbuf;

static void sb_printf (sbuf *b, const char *fmt, ...)
#if defined(__GNUC__)
  __attribute__((format(printf, 2, 3)))
#endif
  ;

static void sb_printf (sbuf *b, const char *fmt, ...) {
  va_list ap;
  int k;
  if (b->oom) return;
  for (;;) {
    size_t room = b->cap - b->n;
    va_start(ap, fmt);
    k = vsnprintf(b->p ? b->p + b->n : NULL, room, fmt, ap);
    va_end(ap);
    if (k < 0) { b->oom = 1; return; }
    if ((size_t)k < room) { b->n += (size_t)k; return; }
    {
      size_t ncap = b->cap ? b->cap * 2 : 256;
      char *np;
      while (ncap - b->n <= (size_t)k) ncap *= 2;
      np = realloc(b->p, ncap);
      if (np == NULL) { b->oom = 1; return; }
      b->p = np; b->cap = ncap;
    }
  }
}

int cp_man_format (const cp_man *m, char **out, size_t *len, cp_err *err) {
  sbuf b;
  size_t i;
  uint32_t j;
  memset(&b, 0, sizeof(b));
  sb_printf(&b, MAGIC " %d\ngeneration %llu\nlanguage %s\nmode %d\n",
            CP_MAN_VERSION, (unsigned long long)m->gen, m->language, m->mode);
  if (m->analyse != 0) sb_printf(&b, "analyse %u\n", m->analyse);
  if (m->fields[0] != '\0') sb_printf(&b, "fields %s\n", m->fields);
  sb_printf(&b, "next-segment %llu\nsegments %zu\n",
            (unsigned long long)m->next, m->nsegs);
  for (i = 0; i < m->nsegs; i++) {
    const cp_man_seg *sg = &m->segs[i];
    sb_printf(&b, "seg %s %llu %016llx %lu %lu", sg->name,
              (unsigned long long)sg->size, (unsigned long long)sg->hash,
              (unsigned long)sg->ndocs, (unsigned long)sg->ndel);
    for (j = 0; j < sg->ndel; j++) sb_printf(&b, " %lu", (unsigned long)sg->del[j]);
    sb_printf(&b, "\n");
  }
  if (!b.oom)
    sb_printf(&b, "checksum %016llx\n", (unsigned long long)XXH64(b.p, b.n, 0));
  if (b.oom) {
    free(b.p);
    return cp_err_set(err, CP_ENOMEM, "out of memory");
  }
  *out = b.p; *len = b.n;
  return CP_OK;
}

/* }================================================================ */
