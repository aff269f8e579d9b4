/*
** jsonl.c -- JSON Lines into a corpus (contract and rules in jsonl.h).
**
** The buffer is split into lines first (memchr; blank lines dropped), so
** that line i is a pure input of document i.  Worker threads (pipe.c,
** two where there are two cores) then parse a line, check it against
** the rules and tokenize its text, each for its own lines; the caller
** takes the documents in line order and adds them through
** cp_corpus_add_src, which does the id checks, the builder's add and
** the rollback of a failed batch.
**
** Two parsers, both packaged: yajl's event interface for nearly every
** line (it gives strings with their length, numbers as their text, and
** is about 7x faster than jansson on long strings: 0.24 s against 1.66 s
** CPU for the 91 MB of the UN debates), jansson for the few lines where
** yajl would read differently from cjson, which c:add_jsonl read with
** before and whose reading is the rule: a \u escape of a UTF-16
** surrogate that is not part of a valid pair (yajl writes "?"), a
** vertical tab or form feed (whitespace to yajl, not to cjson), an
** object of more than MAXMEMB members (duplicate keys are resolved by a
** scan, last one wins, as in cjson).  Both are set to cjson's reading:
** numbers are doubles (strtod), strings may hold \u0000 and invalid
** UTF-8 passes (the tokenizer repairs it), nesting deeper than 1000 is
** an error, any value may stand at the top (the check names what is
** wrong with it).  A line either parser rejects is reported with
** *parser set, and c:add_jsonl reads the file again with cjson, so that
** what is accepted and every message stay cjson's.
*/
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <jansson.h>
#include <yajl/yajl_parse.h>

#include "jsonl.h"
#include "meta.h"
#include "pipe.h"

#define JFLAGS (JSON_DECODE_ANY | JSON_DECODE_INT_AS_REAL | JSON_ALLOW_NUL)
#define MAXDEPTH 1000   /* cjson's decode_max_depth */
#define MAXMEMB 256     /* members of the line's object read by yajl */

typedef struct jline {
  const char *p;  size_t n;
  uint64_t lineno;
} jline;

/* a scalar read by yajl: string (arena offset), number, boolean, null */
enum { Y_STR, Y_NUM, Y_TRUE, Y_FALSE, Y_NULL, Y_ARR, Y_OBJ };
typedef struct yval {
  int kind;
  size_t off, len;
  double num;
} yval;

/* a member of the line's object: key, value (scalar, list or object) */
typedef struct ymem {
  size_t koff, klen;
  yval v;                   /* kind Y_ARR: items val[first .. first+n) */
  size_t first, n;
  size_t bad;               /* Y_ARR: 1 + index of the first non-scalar */
  int nonempty;             /* Y_OBJ: has a member */
} ymem;

/* a slot's parsed line (the pipe's aux pointer) */
typedef struct jrec {
  json_t *obj;
  int rc;                   /* CP_OK or CP_ESYNTAX / CP_ENOMEM */
  int parser;               /* the error is jansson's */
  cp_err err;
  const char *id;  size_t idlen;
  char idbuf[32];
  const char *text;  size_t textlen;
  cp_meta *meta;  size_t nmeta, capm;
  /* yajl's reading: strings in 'arena' (offsets while it grows) */
  char *arena;  size_t an, acap;
  struct ymem *mem;  size_t nmem, capmem;
  struct yval *val;  size_t nval, capval;
} jrec;

typedef struct jsrc {
  const jline *lines;
  const char *name;
  int mode;
  const cp_producer *prods;  /* run where the line is prepared */
  size_t nprods;
  cp_pipe *pipe;
  int parser;               /* the failing line was rejected by jansson */
} jsrc;


/* {================================================================
** Reading the file
** ================================================================= */

static int ioerr (const char *path, int e, cp_err *err) {
  return cp_err_set(err, e == ENOENT ? CP_ENOENT : CP_EIO, "%s: %s", path,
                    strerror(e));
}

int cp_jsonl_read (const char *path, uint64_t offset, uint64_t length,
                   char **buf, size_t *len, cp_err *err) {
  FILE *f;
  char *b = NULL;
  size_t n = 0, cap = 0;
  int c;
  if (buf != NULL) *buf = NULL;
  if (len != NULL) *len = 0;
  if (path == NULL || buf == NULL || len == NULL)
    return cp_err_set(err, CP_EINVAL, "cp_jsonl_read: NULL argument");
  if ((f = fopen(path, "rb")) == NULL) return ioerr(path, errno, err);
  if (offset > 0 && fseeko(f, (off_t)offset, SEEK_SET) != 0) {
    int e = errno;
    fclose(f);
    return ioerr(path, e, err);
  }
  {
    /* a regular file's size gives the block at once: doubling from
    ** 64 KiB copied the text on every realloc and left up to half of
    ** the last block touched for nothing (6k of a UN build's 105k page
    ** faults).  One byte more, so the first fread sees the end; a
    ** range gets 64 KiB more for the rest of its last line.  A big
    ** block asks for more than glibc's largest mmap threshold (32 MiB),
    ** so it is mmap'd and its pages go back at free(), as the doubled
    ** block's did: from the heap, freed text stayed resident and the
    ** build's peak grew by 10-18 MB.  Pages never touched cost nothing. */
    struct stat stt;
    if (fstat(fileno(f), &stt) == 0 && S_ISREG(stt.st_mode) &&
        (uint64_t)stt.st_size > offset &&
        (uint64_t)stt.st_size - offset < (uint64_t)SIZE_MAX / 2) {
      uint64_t want = (uint64_t)stt.st_size - offset;
      if (length != UINT64_MAX && length + 65536 < want) want = length + 65536;
      cap = (size_t)want + 1;
      if (cap >= ((size_t)1 << 20) && cap <= ((size_t)32 << 20))
        cap = ((size_t)32 << 20) + 4096;
      if ((b = (char *)malloc(cap)) == NULL) cap = 0;
    }
  }
  for (;;) {   /* the range, in blocks */
    size_t want, got;
    if (length != UINT64_MAX && n >= length) break;
    if (n == cap) {
      size_t nc = cap ? cap * 2 : ((size_t)1 << 16);
      char *nb;
      if (nc < cap || (nb = (char *)realloc(b, nc)) == NULL) {
        free(b);
        fclose(f);
        return cp_err_set(err, CP_ENOMEM, "%s: out of memory reading it", path);
      }
      b = nb;
      cap = nc;
    }
    want = cap - n;
    if (length != UINT64_MAX && length - n < want) want = (size_t)(length - n);
    got = fread(b + n, 1, want, f);
    n += got;
    if (got < want) break;
  }
  /* the last line of the range is read to its end */
  if (length != UINT64_MAX && n >= length && n > 0 && b[n - 1] != '\n') {
    while ((c = getc(f)) != EOF) {
      if (n == cap) {
        size_t nc = cap * 2;
        char *nb = nc > cap ? (char *)realloc(b, nc) : NULL;
        if (nb == NULL) {
          free(b);
          fclose(f);
          return cp_err_set(err, CP_ENOMEM, "%s: out of memory reading it", path);
        }
        b = nb;
        cap = nc;
      }
      b[n++] = (char)c;
      if (c == '\n') break;
    }
  }
  if (ferror(f)) {
    int e = errno;
    free(b);
    fclose(f);
    return ioerr(path, e ? e : EIO, err);
  }
  fclose(f);
  *buf = b;
  *len = n;
  return CP_OK;
}

/* }================================================================ */


/* {================================================================
** Checking a line (worker side)
** ================================================================= */

/* a JSON number as c:add_jsonl's Lua path stores it: an integral value
** within 2^53 becomes an integer (json_number in init.lua), else a
** double */
static void set_num (cp_meta *m, double x) {
  if (x == floor(x) && x >= -9007199254740992.0 && x <= 9007199254740992.0) {
    m->type = CP_MINT;
    m->ival = (int64_t)x;
  }
  else {
    m->type = CP_MNUM;
    m->num = x;
  }
}

/* an empty list (or object): one CP_MEMPTY field, as the binding adds */
static int put_empty (jrec *r, const char *key, size_t klen) {
  cp_meta *m;
  if (r->nmeta == r->capm) {
    size_t nc = r->capm ? 2 * r->capm : 8;
    cp_meta *nm = (cp_meta *)realloc(r->meta, nc * sizeof(cp_meta));
    if (nm == NULL) return -1;
    r->meta = nm;
    r->capm = nc;
  }
  m = &r->meta[r->nmeta++];
  memset(m, 0, sizeof(*m));
  m->key = key;
  m->keylen = klen;
  m->type = CP_MEMPTY;
  m->list = 1;
  return 1;
}

/* one metadata value of field key[0..klen) ('list': an item of a list);
** 0 when it is no scalar */
static int put_meta (jrec *r, const char *key, size_t klen, json_t *v,
                     int list) {
  cp_meta *m;
  if (!json_is_string(v) && !json_is_number(v) && !json_is_boolean(v))
    return 0;
  if (r->nmeta == r->capm) {
    size_t nc = r->capm ? 2 * r->capm : 8;
    cp_meta *nm = (cp_meta *)realloc(r->meta, nc * sizeof(cp_meta));
    if (nm == NULL) return -1;
    r->meta = nm;
    r->capm = nc;
  }
  m = &r->meta[r->nmeta++];
  memset(m, 0, sizeof(*m));
  m->key = key;
  m->keylen = klen;
  m->list = list;
  if (json_is_string(v)) {
    m->type = CP_MSTR;
    m->str = json_string_value(v);
    m->strlen = json_string_length(v);
  }
  else if (json_is_number(v)) set_num(m, json_number_value(v));
  else {
    m->type = CP_MBOOL;
    m->ival = json_is_true(v);
  }
  return 1;
}

#define BAD(...) do { cp_err_set(&r->err, CP_ESYNTAX, __VA_ARGS__); \
                      return r->rc = CP_ESYNTAX; } while (0)
#define OOM() do { cp_err_set(&r->err, CP_ENOMEM, "out of memory"); \
                   return r->rc = CP_ENOMEM; } while (0)

/* the document of a parsed line, by c:add_jsonl's rules, into r */
static int check_line (jrec *r, const char *name, uint64_t ln) {
  json_t *obj = r->obj, *text, *id, *v;
  const char *key;
  size_t klen;
  /* an empty list reads as an empty object (a Lua table) */
  if (json_is_array(obj) && json_array_size(obj) == 0) {
    BAD("%s:%llu: field 'text' must be a string", name, (unsigned long long)ln);
  }
  if (!json_is_object(obj))
    BAD("%s:%llu: expected a JSON object", name, (unsigned long long)ln);
  text = json_object_get(obj, "text");
  if (!json_is_string(text))
    BAD("%s:%llu: field 'text' must be a string", name, (unsigned long long)ln);
  r->text = json_string_value(text);
  r->textlen = json_string_length(text);
  id = json_object_get(obj, "id");
  if (json_is_number(id)) {
    double x = json_number_value(id);
    if (x == floor(x) && x > -9007199254740992.0 && x < 9007199254740992.0) {
      snprintf(r->idbuf, sizeof(r->idbuf), "%lld", (long long)x);
      r->id = r->idbuf;
      r->idlen = strlen(r->idbuf);
    }
    else
      BAD("%s:%llu: field 'id' must be a string or an integer of magnitude "
          "below 2^53, got %.14g", name, (unsigned long long)ln, x);
  }
  else if (json_is_string(id) && json_string_length(id) > 0) {
    r->id = json_string_value(id);
    r->idlen = json_string_length(id);
  }
  else if (id != NULL && !json_is_null(id))
    BAD("%s:%llu: field 'id' must be a non-empty string", name,
        (unsigned long long)ln);
  json_object_keylen_foreach(obj, key, klen, v) {
    if ((klen == 2 && memcmp(key, "id", 2) == 0) ||
        (klen == 4 && memcmp(key, "text", 4) == 0) || json_is_null(v))
      continue;
    if (cp_meta_is_reserved(key, klen))
      BAD("%s:%llu: '%.*s' is a reserved name, not a metadata field (c:doc(n) "
          "uses it for the document)", name, (unsigned long long)ln, (int)klen,
          key);
    if (json_is_array(v)) {
      size_t k;
      for (k = 0; k < json_array_size(v); k++) {
        int ok = put_meta(r, key, klen, json_array_get(v, k), 1);
        if (ok < 0) OOM();
        if (ok == 0)
          BAD("%s:%llu: field '%.*s' item %zu is not a string, number or "
              "boolean", name, (unsigned long long)ln, (int)klen, key, k + 1);
      }
      if (json_array_size(v) == 0 && put_empty(r, key, klen) < 0) OOM();
    }
    else if (json_is_object(v)) {
      if (json_object_size(v) > 0)
        BAD("%s:%llu: field '%.*s' is an object (only strings, numbers, "
            "booleans and lists of them are kept)", name,
            (unsigned long long)ln, (int)klen, key);
      if (put_empty(r, key, klen) < 0) OOM();
    }
    else if (put_meta(r, key, klen, v, 0) < 0) OOM();
  }
  return r->rc = CP_OK;
}

/* {================================================================
** yajl's reading of a line
** ================================================================= */

typedef struct yctx {
  jrec *r;
  int depth;                /* containers open */
  int top;                  /* kind of the top value (-1: none yet) */
  int topitems;             /* the top value is a list with items */
  ymem *cur;                /* member being read (depth >= 1) */
  size_t items;             /* items of the list being read (depth 2) */
  int oom;
} yctx;

static int grow (void **v, size_t *cap, size_t need, size_t size) {
  size_t nc;
  void *nv;
  if (need <= *cap) return 1;
  nc = *cap ? *cap : 16;
  while (nc < need) {
    if (nc > ((size_t)-1) / 4 / size) return 0;
    nc *= 2;
  }
  if ((nv = realloc(*v, nc * size)) == NULL) return 0;
  *v = nv;
  *cap = nc;
  return 1;
}

/* copy s[0..n) into the arena; its offset, or SIZE_MAX when out of memory */
static size_t stash (jrec *r, const void *s, size_t n) {
  size_t off = r->an;
  if (!grow((void **)&r->arena, &r->acap, r->an + n + 1, 1)) return (size_t)-1;
  if (n) memcpy(r->arena + off, s, n);
  r->arena[off + n] = '\0';
  r->an += n + 1;
  return off;
}

/* a value (scalar, or the start of a container) at the current depth */
static int y_value (yctx *y, const yval *v) {
  if (y->depth == 0) { y->top = v->kind;  return 1; }
  if (y->top == Y_ARR && y->depth == 1) { y->topitems = 1;  return 1; }
  if (y->depth == 1) {   /* a member's value */
    y->cur->v = *v;
    if (v->kind == Y_ARR) { y->cur->first = y->r->nval;  y->cur->n = 0; }
    return 1;
  }
  if (y->depth == 2 && y->cur != NULL && y->cur->v.kind == Y_ARR) {
    jrec *r = y->r;
    y->items++;
    if (v->kind == Y_ARR || v->kind == Y_OBJ || v->kind == Y_NULL) {
      if (y->cur->bad == 0) y->cur->bad = y->items;
      return 1;
    }
    if (!grow((void **)&r->val, &r->capval, r->nval + 1, sizeof(yval))) {
      y->oom = 1;
      return 0;
    }
    r->val[r->nval++] = *v;
    y->cur->n++;
  }
  return 1;
}

static int y_null (void *ctx) {
  yval v = { Y_NULL, 0, 0, 0 };
  return y_value((yctx *)ctx, &v);
}

static int y_bool (void *ctx, int b) {
  yval v = { 0, 0, 0, 0 };
  v.kind = b ? Y_TRUE : Y_FALSE;
  return y_value((yctx *)ctx, &v);
}

static int y_number (void *ctx, const char *s, size_t n) {
  char buf[64], *tmp = NULL;
  const char *p = buf;
  yval v = { Y_NUM, 0, 0, 0 };
  yctx *y = (yctx *)ctx;
  if (n < sizeof(buf)) { memcpy(buf, s, n);  buf[n] = '\0'; }
  else {
    if ((tmp = (char *)malloc(n + 1)) == NULL) { y->oom = 1;  return 0; }
    memcpy(tmp, s, n);
    tmp[n] = '\0';
    p = tmp;
  }
  v.num = strtod(p, NULL);   /* cjson's reading: overflow is +-inf */
  free(tmp);
  return y_value(y, &v);
}

static int y_string (void *ctx, const unsigned char *s, size_t n) {
  yctx *y = (yctx *)ctx;
  yval v = { Y_STR, 0, 0, 0 };
  /* only strings that are kept are copied */
  if (y->depth == 1 && y->top == Y_OBJ) {
    if ((v.off = stash(y->r, s, n)) == (size_t)-1) { y->oom = 1;  return 0; }
  }
  else if (y->depth == 2 && y->cur != NULL && y->cur->v.kind == Y_ARR) {
    if ((v.off = stash(y->r, s, n)) == (size_t)-1) { y->oom = 1;  return 0; }
  }
  v.len = n;
  return y_value(y, &v);
}

static int y_open (yctx *y, int kind) {
  yval v = { 0, 0, 0, 0 };
  v.kind = kind;
  if (!y_value(y, &v)) return 0;
  if (y->depth == 1 && y->top == Y_OBJ) y->items = 0;
  if (++y->depth > MAXDEPTH) return 0;   /* cjson: too deeply nested */
  return 1;
}

static int y_start_map (void *ctx) { return y_open((yctx *)ctx, Y_OBJ); }
static int y_start_array (void *ctx) { return y_open((yctx *)ctx, Y_ARR); }

static int y_close (void *ctx) {
  ((yctx *)ctx)->depth--;
  return 1;
}

static int y_key (void *ctx, const unsigned char *s, size_t n) {
  yctx *y = (yctx *)ctx;
  jrec *r = y->r;
  if (y->depth == 1 && y->top == Y_OBJ) {
    ymem *m;
    if (r->nmem >= MAXMEMB) return 0;   /* jansson reads this line */
    if (!grow((void **)&r->mem, &r->capmem, r->nmem + 1, sizeof(ymem)) ||
        (memset(&r->mem[r->nmem], 0, sizeof(ymem)),
         (r->mem[r->nmem].koff = stash(r, s, n)) == (size_t)-1)) {
      y->oom = 1;
      return 0;
    }
    m = &r->mem[r->nmem++];
    m->klen = n;
    y->cur = m;
  }
  else if (y->depth == 2 && y->cur != NULL && y->cur->v.kind == Y_OBJ)
    y->cur->nonempty = 1;
  return 1;
}

static const yajl_callbacks ycb = {
  y_null, y_bool, NULL, NULL, y_number, y_string,
  y_start_map, y_key, y_close, y_start_array, y_close
};

/* a \u escape of a surrogate outside a valid pair, or \v / \f: yajl
** would read the line otherwise than cjson (see the top) */
static int needs_jansson (const char *p, size_t n) {
  const char *e = p + n, *q;
  if (memchr(p, '\v', n) != NULL || memchr(p, '\f', n) != NULL) return 1;
  for (q = p; (q = (const char *)memchr(q, '\\', (size_t)(e - q))) != NULL; ) {
    unsigned long u, u2;
    char hex[5];
    if (e - q < 2) return 0;
    if (q[1] != 'u') { q += 2;  continue; }   /* \\ too: its pair is skipped */
    if (e - q < 6) return 0;   /* malformed: the parser says so */
    memcpy(hex, q + 2, 4);
    hex[4] = '\0';
    u = strtoul(hex, NULL, 16);
    q += 6;
    if (u >= 0xDC00 && u <= 0xDFFF) return 1;   /* a low half alone */
    if (u >= 0xD800 && u <= 0xDBFF) {
      if (e - q < 6 || q[0] != '\\' || q[1] != 'u') return 1;
      memcpy(hex, q + 2, 4);
      u2 = strtoul(hex, NULL, 16);
      if (u2 < 0xDC00 || u2 > 0xDFFF) return 1;
      q += 6;
    }
  }
  return 0;
}

/* the string of an arena offset */
#define ASTR(r, off) ((r)->arena + (off))

static int put_yval (jrec *r, const char *key, size_t klen, const yval *v,
                     int list) {
  cp_meta *m;
  if (!grow((void **)&r->meta, &r->capm, r->nmeta + 1, sizeof(cp_meta)))
    return -1;
  m = &r->meta[r->nmeta++];
  memset(m, 0, sizeof(*m));
  m->key = key;
  m->keylen = klen;
  m->list = list;
  if (v->kind == Y_STR) {
    m->type = CP_MSTR;
    m->str = ASTR(r, v->off);
    m->strlen = v->len;
  }
  else if (v->kind == Y_NUM) set_num(m, v->num);
  else {
    m->type = CP_MBOOL;
    m->ival = v->kind == Y_TRUE;
  }
  return 1;
}

static int keyis (const jrec *r, const ymem *m, const char *k, size_t n) {
  return m->klen == n && memcmp(ASTR(r, m->koff), k, n) == 0;
}

/* a later member has the same key (cjson: the last one wins) */
static int shadowed (const jrec *r, size_t i) {
  size_t j;
  for (j = i + 1; j < r->nmem; j++)
    if (r->mem[j].klen == r->mem[i].klen &&
        memcmp(ASTR(r, r->mem[j].koff), ASTR(r, r->mem[i].koff),
               r->mem[i].klen) == 0)
      return 1;
  return 0;
}

/* c:add_jsonl's rules on yajl's reading (as check_line on jansson's) */
static int check_yajl (jrec *r, const yctx *y, const char *name, uint64_t ln) {
  const ymem *text = NULL, *id = NULL;
  size_t i;
  if (y->top == Y_ARR && !y->topitems)
    BAD("%s:%llu: field 'text' must be a string", name, (unsigned long long)ln);
  if (y->top != Y_OBJ)
    BAD("%s:%llu: expected a JSON object", name, (unsigned long long)ln);
  for (i = 0; i < r->nmem; i++) {
    if (keyis(r, &r->mem[i], "text", 4)) text = &r->mem[i];
    else if (keyis(r, &r->mem[i], "id", 2)) id = &r->mem[i];
  }
  if (text == NULL || text->v.kind != Y_STR)
    BAD("%s:%llu: field 'text' must be a string", name, (unsigned long long)ln);
  r->text = ASTR(r, text->v.off);
  r->textlen = text->v.len;
  if (id != NULL && id->v.kind == Y_NUM) {
    double x = id->v.num;
    if (x == floor(x) && x > -9007199254740992.0 && x < 9007199254740992.0) {
      snprintf(r->idbuf, sizeof(r->idbuf), "%lld", (long long)x);
      r->id = r->idbuf;
      r->idlen = strlen(r->idbuf);
    }
    else
      BAD("%s:%llu: field 'id' must be a string or an integer of magnitude "
          "below 2^53, got %.14g", name, (unsigned long long)ln, x);
  }
  else if (id != NULL && id->v.kind == Y_STR && id->v.len > 0) {
    r->id = ASTR(r, id->v.off);
    r->idlen = id->v.len;
  }
  else if (id != NULL && id->v.kind != Y_NULL)
    BAD("%s:%llu: field 'id' must be a non-empty string", name,
        (unsigned long long)ln);
  for (i = 0; i < r->nmem; i++) {
    const ymem *m = &r->mem[i];
    const char *key = ASTR(r, m->koff);
    if (keyis(r, m, "text", 4) || keyis(r, m, "id", 2) ||
        m->v.kind == Y_NULL || shadowed(r, i))
      continue;
    if (cp_meta_is_reserved(key, m->klen))
      BAD("%s:%llu: '%.*s' is a reserved name, not a metadata field (c:doc(n) "
          "uses it for the document)", name, (unsigned long long)ln,
          (int)m->klen, key);
    if (m->v.kind == Y_ARR) {
      size_t k;
      if (m->bad)
        BAD("%s:%llu: field '%.*s' item %zu is not a string, number or "
            "boolean", name, (unsigned long long)ln, (int)m->klen, key, m->bad);
      for (k = 0; k < m->n; k++)
        if (put_yval(r, key, m->klen, &r->val[m->first + k], 1) < 0) OOM();
      if (m->n == 0 && put_empty(r, key, m->klen) < 0) OOM();
    }
    else if (m->v.kind == Y_OBJ) {
      if (m->nonempty)
        BAD("%s:%llu: field '%.*s' is an object (only strings, numbers, "
            "booleans and lists of them are kept)", name,
            (unsigned long long)ln, (int)m->klen, key);
      if (put_empty(r, key, m->klen) < 0) OOM();
    }
    else if (put_yval(r, key, m->klen, &m->v, 0) < 0) OOM();
  }
  return r->rc = CP_OK;
}

/*
** Read line l with yajl into r: CP_OK (checked, r->rc set), CP_ENOENT
** when jansson must read it, or CP_ESYNTAX with r->parser set.
*/
static int read_yajl (jrec *r, const jline *l, const char *name) {
  yctx y;
  yajl_handle h;
  yajl_status st;
  memset(&y, 0, sizeof(y));
  y.r = r;
  y.top = -1;
  r->an = r->nmem = r->nval = 0;
  if (needs_jansson(l->p, l->n)) return CP_ENOENT;
  if ((h = yajl_alloc(&ycb, NULL, &y)) == NULL) OOM();
  yajl_config(h, yajl_dont_validate_strings, 1);
  st = yajl_parse(h, (const unsigned char *)l->p, l->n);
  if (st == yajl_status_ok) st = yajl_complete_parse(h);
  if (y.oom) { yajl_free(h);  OOM(); }
  if (st == yajl_status_client_canceled && r->nmem >= MAXMEMB) {
    yajl_free(h);
    return CP_ENOENT;
  }
  if (st != yajl_status_ok) {
    unsigned char *msg = yajl_get_error(h, 0, NULL, 0);
    r->parser = 1;
    cp_err_set(&r->err, CP_ESYNTAX, "%s:%llu: malformed JSON: %s", name,
               (unsigned long long)l->lineno, msg ? (char *)msg : "?");
    if (msg) yajl_free_error(h, msg);
    yajl_free(h);
    return r->rc = CP_ESYNTAX;
  }
  yajl_free(h);
  return check_yajl(r, &y, name, l->lineno);
}

/* }================================================================ */


/* the pipe's callback: parse, check and tokenize line i */
static size_t prep_line (void *ud, size_t i, cp_segprep *p, void **aux) {
  const jsrc *s = (const jsrc *)ud;
  const jline *l = &s->lines[i];
  jrec *r = (jrec *)*aux;
  json_error_t je;
  if (r == NULL) {
    if ((r = (jrec *)calloc(1, sizeof(*r))) == NULL) {
      p->rc = cp_err_set(&p->err, CP_ENOMEM, "out of memory parsing a line");
      return l->n;
    }
    *aux = r;
  }
  r->rc = CP_OK;
  r->parser = 0;
  r->id = NULL;
  r->idlen = 0;
  r->nmeta = 0;
  if (r->obj != NULL) { json_decref(r->obj);  r->obj = NULL; }
  if (read_yajl(r, l, s->name) != CP_ENOENT) {
    if (r->rc == CP_OK) {
      cp_segw_prepare(s->mode, r->text, r->textlen, p);
      cp_segprep_produce(p, s->prods, s->nprods, r->meta, r->nmeta);
    }
    return l->n;
  }
  r->rc = CP_OK;
  r->nmeta = 0;
  r->obj = json_loadb(l->p, l->n, JFLAGS, &je);
  if (r->obj == NULL) {
    r->parser = 1;
    r->rc = cp_err_set(&r->err, CP_ESYNTAX, "%s:%llu: malformed JSON: %s",
                       s->name, (unsigned long long)l->lineno, je.text);
    return l->n;
  }
  if (check_line(r, s->name, l->lineno) == CP_OK) {
    cp_segw_prepare(s->mode, r->text, r->textlen, p);
    cp_segprep_produce(p, s->prods, s->nprods, r->meta, r->nmeta);
  }
  return l->n;
}

static void drop_rec (void *ud, void *aux) {
  jrec *r = (jrec *)aux;
  (void)ud;
  if (r->obj != NULL) json_decref(r->obj);
  free(r->meta);
  free(r->arena);
  free(r->mem);
  free(r->val);
  free(r);
}

/* }================================================================ */


/* {================================================================
** Adding (caller side)
** ================================================================= */

/* the next document, in line order (cp_docsrc) */
static int next_line (void *ud, size_t i, cp_docin *d, const cp_segprep **prep,
                      cp_err *err) {
  jsrc *s = (jsrc *)ud;
  void *aux;
  const cp_segprep *p = cp_pipe_next_aux(s->pipe, &aux);
  const jrec *r = (const jrec *)aux;
  (void)i;
  if (p == NULL) return cp_err_set(err, CP_EINVAL, "no line %zu", i + 1);
  if (r == NULL) {   /* no record: the slot could not be allocated */
    if (err != NULL) *err = p->err;
    return p->rc;
  }
  if (r->rc != CP_OK) {
    if (err != NULL) *err = r->err;
    s->parser = r->parser;
    return r->rc;
  }
  d->id = r->id;
  d->idlen = r->idlen;
  d->text = r->text;
  d->textlen = r->textlen;
  d->meta = r->meta;
  d->nmeta = r->nmeta;
  *prep = p;
  return CP_OK;
}

/* blank by Lua's %s: space, \t, \n, \v, \f, \r */
static int blank (const char *p, size_t n) {
  size_t k;
  for (k = 0; k < n; k++)
    if (!(p[k] == ' ' || (p[k] >= '\t' && p[k] <= '\r'))) return 0;
  return 1;
}

/* the non-blank lines of buf (a vector in *out, count in *nout) */
static int split_lines (const char *buf, size_t len, uint64_t line0, int bom,
                        jline **out, size_t *nout, uint64_t *bytes) {
  jline *v = NULL;
  size_t n = 0, cap = 0;
  const char *p = buf, *end = buf + len;
  uint64_t ln = line0;
  *bytes = 0;
  while (p < end) {
    const char *nl = (const char *)memchr(p, '\n', (size_t)(end - p));
    const char *e = nl ? nl : end;
    ln++;
    if (bom && p == buf && e - p >= 3 && memcmp(p, "\357\273\277", 3) == 0)
      p += 3;
    if (!blank(p, (size_t)(e - p))) {
      if (n == cap) {
        size_t nc = cap ? 2 * cap : 256;
        jline *nv = (jline *)realloc(v, nc * sizeof(jline));
        if (nv == NULL) { free(v);  return CP_ENOMEM; }
        v = nv;
        cap = nc;
      }
      v[n].p = p;
      v[n].n = (size_t)(e - p);
      v[n].lineno = ln;
      *bytes += v[n].n;
      n++;
    }
    p = e + 1;
  }
  *out = v;
  *nout = n;
  return CP_OK;
}

int cp_corpus_add_jsonl (cp_corpus *c, const char *buf, size_t len,
                         const char *name, uint64_t line0, int bom,
                         size_t *added, int *parser, cp_err *err) {
  jline *lines = NULL;
  size_t n = 0;
  uint64_t bytes = 0;
  jsrc s;
  int rc, srcfail = 0;
  if (added != NULL) *added = 0;
  if (parser != NULL) *parser = 0;
  if (c == NULL || (buf == NULL && len > 0))
    return cp_err_set(err, CP_EINVAL, "cp_corpus_add_jsonl: NULL argument");
  if (name == NULL) name = "<jsonl>";
  if (split_lines(buf, len, line0, bom, &lines, &n, &bytes) != CP_OK)
    return cp_err_set(err, CP_ENOMEM, "%s: out of memory", name);
  s.lines = lines;
  s.name = name;
  s.mode = cp_corpus_mode(c);
  s.prods = cp_corpus_producers(c, &s.nprods);
  s.parser = 0;
  s.pipe = cp_pipe_start_fn(n, cp_pipe_workers(2), prep_line, drop_rec, &s, err);
  if (s.pipe == NULL) { free(lines);  return CP_ENOMEM; }
  rc = cp_corpus_add_src(c, n, bytes, next_line, &s, &srcfail, err);
  if (rc != CP_OK && !srcfail) {
    /* every line is read before anything is added, as far as messages
    ** go: a malformed line further on is the error, not this add's */
    cp_err e2;
    void *aux;
    const cp_segprep *p;
    while ((p = cp_pipe_next_aux(s.pipe, &aux)) != NULL) {
      const jrec *r = (const jrec *)aux;
      if (r != NULL && r->rc == CP_ESYNTAX) {
        if (err != NULL) *err = r->err;
        s.parser = r->parser;
        rc = CP_ESYNTAX;
        srcfail = 1;
        break;
      }
    }
    if (!srcfail && err != NULL) {   /* the add's message, with the file */
      e2 = *err;
      cp_err_set(err, rc, "%s: %s", name, e2.msg);
    }
  }
  cp_pipe_stop(s.pipe);
  free(lines);
  if (rc == CP_OK && added != NULL) *added = n;
  if (rc != CP_OK && parser != NULL) *parser = s.parser;
  return rc;
}

/* }================================================================ */
