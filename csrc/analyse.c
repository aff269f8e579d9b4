/*
** analyse.c -- the extractors as a span-set producer (analyse.h).
**
** One cp_analyser per corpus: it keeps the extractors' buffers (and the
** per-type cache of lexicon facts) from one document to the next, so a
** build allocates them once.  cp_analyse_producer runs in the thread
** that adds (seg.h), never on two documents at once; cp_analyse_mt runs
** where documents are prepared (worker threads, pipe.c), reading only
** the analyser's set of analysers and keeping its buffers per thread,
** so the builder's thread does none of the work.  Both give the same spans.
*/
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyse.h"

/* where a name folded lies: the text at 'off', or the names' buffer */
typedef struct fname {
  size_t off, len;
  int own;             /* 1: in nbuf, 0: in the text, -1: not yet folded */
} fname;

/* the buffers of one thread of work */
typedef struct abuf {
  cp_extract x;        /* reused results */
  char *nbuf;          /* the document's names with their white space
                       ** folded, back to back */
  size_t nn, ncap;
  fname *canon;        /* per entity: its name folded, if it is a canonical */
  size_t ccap;
} abuf;

struct cp_analyser {
  unsigned what;       /* the sets to store (CP_X_*) */
  abuf b;              /* cp_analyse_producer's */
};

static void abuf_free (abuf *b) {
  cp_extract_free(&b->x);
  free(b->nbuf);
  b->nbuf = NULL;
  b->nn = b->ncap = 0;
  free(b->canon);
  b->canon = NULL;
  b->ccap = 0;
}

static const struct { unsigned bit; const char *name; } NAMES[] = {
  {CP_X_ENTITIES, "entities"}, {CP_X_QUOTES, "quotes"},
  {CP_X_DATES, "dates"}, {CP_X_NUMBERS, "numbers"}
};

const char *cp_analyse_name (unsigned bit) {
  size_t i;
  for (i = 0; i < sizeof(NAMES) / sizeof(NAMES[0]); i++)
    if (NAMES[i].bit == bit) return NAMES[i].name;
  return NULL;
}

unsigned cp_analyse_bit (const char *name, size_t len) {
  size_t i;
  if (name == NULL) return 0;
  for (i = 0; i < sizeof(NAMES) / sizeof(NAMES[0]); i++)
    if (strlen(NAMES[i].name) == len && memcmp(NAMES[i].name, name, len) == 0)
      return NAMES[i].bit;
  return 0;
}

cp_analyser *cp_analyser_new (unsigned what, cp_err *err) {
  cp_analyser *a;
  if (what == 0 || (what & ~(unsigned)CP_X_ALL) != 0) {
    cp_err_set(err, CP_EINVAL, "bad analyser set %u", what);
    return NULL;
  }
  a = (cp_analyser *)calloc(1, sizeof(*a));
  if (a == NULL) {
    cp_err_set(err, CP_ENOMEM, "out of memory creating the analysers");
    return NULL;
  }
  a->what = what;
  return a;
}

void cp_analyser_free (cp_analyser *a) {
  if (a == NULL) return;
  abuf_free(&a->b);
  free(a);
}

unsigned cp_analyser_what (const cp_analyser *a) {
  return a ? a->what : 0;
}

void cp_analyser_set_what (cp_analyser *a, unsigned what) {
  if (a != NULL) a->what = what & CP_X_ALL;
}

static const struct { unsigned bit; const char *set, *keys; } SETS[] = {
  {CP_X_ENTITIES, "entity", " kind canonical "},
  {CP_X_QUOTES, "quote", " id part kind speaker cue confidence "},
  {CP_X_QUOTES, "speaker", " name quote "},
  {CP_X_QUOTES, "cue", " quote "},
  {CP_X_DATES, "date", " type value "},
  {CP_X_NUMBERS, "number", " value unit "}
};

int cp_analyse_known (unsigned what, const char *set, size_t setlen,
                      const char *key, size_t keylen) {
  size_t i;
  if (set == NULL) return 0;
  for (i = 0; i < sizeof(SETS) / sizeof(SETS[0]); i++) {
    const char *k;
    if (!(what & SETS[i].bit) || strlen(SETS[i].set) != setlen
        || memcmp(SETS[i].set, set, setlen) != 0)
      continue;
    if (key == NULL) return 1;
    for (k = SETS[i].keys; (k = strchr(k, ' ')) != NULL && k[1]; k++)
      if (strncmp(k + 1, key, keylen) == 0 && k[1 + keylen] == ' ') return 1;
    return 0;
  }
  return 0;
}

static int isdig (char c) { return c >= '0' && c <= '9'; }

int cp_analyse_anchor (const char *s, size_t n, cp_anchor *a) {
  size_t k;
  if (s == NULL || a == NULL || n < 4) return 0;
  for (k = 0; k < 4; k++) if (!isdig(s[k])) return 0;
  /* the longest prefix YYYY-MM-DD, YYYY-MM or YYYY, as c:dates() takes */
  if (n >= 10 && s[4] == '-' && isdig(s[5]) && isdig(s[6]) && s[7] == '-'
      && isdig(s[8]) && isdig(s[9]))
    k = 10;
  else if (n >= 7 && s[4] == '-' && isdig(s[5]) && isdig(s[6])) k = 7;
  else k = 4;
  return cp_anchor_parse(s, k, a);
}


/* {================================================================
** Emitting spans
** ================================================================= */

typedef struct emitter {
  abuf *an;
  const char *s;
  cp_spanout *out;
  cp_err *err;
} emitter;

#define ATTR(a, k, v, n) ((a).key = (k), (a).keylen = strlen(k), \
                          (a).val = (v), (a).vallen = (n))

/* is p[0..n) as cp_extract_name leaves it: no tab or line break, no
** space first, last or before another (most names are one line) */
static int is_folded (const char *p, size_t n) {
  size_t i;
  for (i = 0; i < n; i++) {
    unsigned char c = (unsigned char)p[i];
    if (c > ' ') continue;   /* nearly all: one test */
    if (c == '\n' || c == '\r' || c == '\t') return 0;
    if (c == ' ' && (i == 0 || i + 1 == n || p[i + 1] == ' ')) return 0;
  }
  return 1;
}

/* name s[a, z) folded into *f: the text itself when it is, else a copy
** appended to the document's names */
static int fold_at (emitter *e, size_t a, size_t z, fname *f) {
  abuf *an = e->an;
  if (is_folded(e->s + a, z - a)) {
    f->off = a;
    f->len = z - a;
    f->own = 0;
    return CP_OK;
  }
  if (z - a > an->ncap - an->nn) {
    size_t nc = an->ncap ? an->ncap : 64;
    char *nb;
    while (nc - an->nn < z - a) {
      if (nc > SIZE_MAX / 2) return cp_err_set(e->err, CP_ENOMEM, "out of memory");
      nc *= 2;
    }
    nb = (char *)realloc(an->nbuf, nc);
    if (nb == NULL) return cp_err_set(e->err, CP_ENOMEM, "out of memory");
    an->nbuf = nb;
    an->ncap = nc;
  }
  f->off = an->nn;
  f->len = cp_extract_name(e->s + a, z - a, an->nbuf + an->nn);
  f->own = 1;
  an->nn += f->len;
  return CP_OK;
}

/* the bytes of a folded name (until the names' buffer next grows) */
static const char *fname_at (const emitter *e, const fname *f) {
  return f->own ? e->an->nbuf + f->off : e->s + f->off;
}

/* name s[a, z) folded: *p until the next fold */
static int fold (emitter *e, size_t a, size_t z, const char **p, size_t *n) {
  fname f;
  int rc = fold_at(e, a, z, &f);
  if (rc != CP_OK) return rc;
  *p = fname_at(e, &f);
  *n = f.len;
  return CP_OK;
}

static int put (emitter *e, const char *set, uint32_t t0, uint32_t t1,
                const cp_attr *a, size_t na) {
  if (t1 <= t0) return CP_OK;
  /* the set and key names are this file's literals, all valid */
  return cp_spanout_add_known(e->out, set, strlen(set), t0, t1, a, na, e->err);
}

/* the decimal digits of x (|x| < 10^15), with a '-' if negative */
static void int_digits (int64_t x, char *out) {
  char b[24];
  size_t n = 0, k = 0;
  uint64_t u = x < 0 ? (uint64_t)(-x) : (uint64_t)x;
  do { b[n++] = (char)('0' + u % 10);  u /= 10; } while (u > 0);
  if (x < 0) out[k++] = '-';
  while (n > 0) out[k++] = b[--n];
  out[k] = '\0';
}

/* the decimal digits of u into out (NUL-terminated); their count:
** what printf's "%lu" / "%u" prints, without the printf */
static size_t u_digits (uint64_t u, char *out) {
  char b[24];
  size_t n = 0, k = 0;
  do { b[n++] = (char)('0' + u % 10);  u /= 10; } while (u > 0);
  while (n > 0) out[k++] = b[--n];
  out[k] = '\0';
  return k;
}

/* n entities' canonical names, none folded yet; 0 on out of memory */
static int canon_reset (abuf *an, size_t n) {
  size_t i;
  if (n > an->ccap) {
    size_t nc = an->ccap ? an->ccap : 64;
    fname *nf;
    while (nc < n) nc *= 2;
    if ((nf = (fname *)realloc(an->canon, nc * sizeof(fname))) == NULL)
      return 0;
    an->canon = nf;
    an->ccap = nc;
  }
  for (i = 0; i < n; i++) an->canon[i].own = -1;
  return 1;
}

/* each canonical name is folded once per document, not once per
** mention (folding was a quarter of the entities' emitting) */
static int emit_entities (emitter *e) {
  const cp_entities *E = &e->an->x.ents;
  abuf *an = e->an;
  const char *kn[CP_ENT_OTHER + 1];   /* the kinds' names and lengths,
                                     ** once per call, not per mention */
  size_t kl[CP_ENT_OTHER + 1], i;
  int rc = CP_OK;
  for (i = 0; i <= CP_ENT_OTHER; i++) {
    kn[i] = cp_entity_kind_name((int)i);
    kl[i] = strlen(kn[i]);
  }
  if (!canon_reset(an, E->n))
    return cp_err_set(e->err, CP_ENOMEM, "out of memory");
  for (i = 0; i < E->n && rc == CP_OK; i++) {
    const cp_entity *en = &E->v[i], *c = &E->v[en->canon];
    fname *f = &an->canon[en->canon];
    cp_attr a[2];
    if (f->own < 0 && (rc = fold_at(e, c->start, c->stop, f)) != CP_OK) break;
    if (en->kind >= 0 && en->kind <= CP_ENT_OTHER)
      ATTR(a[0], "kind", kn[en->kind], kl[en->kind]);
    else {
      const char *kind = cp_entity_kind_name(en->kind);
      ATTR(a[0], "kind", kind, strlen(kind));
    }
    ATTR(a[1], "canonical", fname_at(e, f), f->len);
    rc = put(e, "entity", en->t0, en->t1, a, 2);
  }
  return rc;
}

static int emit_quotes (emitter *e, const cp_tokvec *tv) {
  const cp_extract *x = &e->an->x;
  size_t i;
  int rc = CP_OK;
  for (i = 0; i < x->quotes.n && rc == CP_OK; i++) {
    const cp_quote *q = &x->quotes.v[i];
    const char *kind = cp_quote_kind_name(q->kind), *sp = NULL;
    char id[24], conf[16];
    size_t a, z, spl = 0, na = 0;
    unsigned p;
    int ci = (int)(q->confidence * 100 + 0.5);
    cp_attr at[6], one;
    u_digits((uint64_t)i + 1, id);
    if (ci >= 0) {   /* "%d.%02d" */
      size_t k = u_digits((uint64_t)(ci / 100), conf);
      conf[k] = '.';
      conf[k + 1] = (char)('0' + ci % 100 / 10);
      conf[k + 2] = (char)('0' + ci % 10);
      conf[k + 3] = '\0';
    }
    else snprintf(conf, sizeof(conf), "%d.%02d", ci / 100, ci % 100);
    ATTR(at[na], "id", id, strlen(id)); na++;
    ATTR(at[na], "kind", kind, strlen(kind)); na++;
    ATTR(at[na], "confidence", conf, strlen(conf)); na++;
    if (cp_extract_cue(e->s, tv, q, &a, &z)) {
      ATTR(at[na], "cue", e->s + a, z - a); na++;
      ATTR(one, "quote", id, strlen(id));
      rc = put(e, "cue", (uint32_t)q->cue,
               (uint32_t)q->cue + (z > tv->v[q->cue].stop ? 2 : 1), &one, 1);
    }
    if (rc == CP_OK && cp_extract_speaker(e->s, tv, x, q, &a, &z)) {
      cp_attr sa[2];
      if ((rc = fold(e, a, z, &sp, &spl)) != CP_OK) break;
      ATTR(at[na], "speaker", sp, spl); na++;
      ATTR(sa[0], "name", sp, spl);
      ATTR(sa[1], "quote", id, strlen(id));
      rc = put(e, "speaker", q->sp0, q->sp1, sa, 2);
    }
    for (p = 0; p < q->nparts && rc == CP_OK; p++) {
      char pn[12];   /* any unsigned */
      u_digits((uint64_t)p + 1, pn);
      ATTR(at[na], "part", pn, strlen(pn));
      rc = put(e, "quote", q->part[p].t0, q->part[p].t1, at, na + 1);
    }
  }
  return rc;
}

static int emit_dates (emitter *e) {
  const cp_timexes *D = &e->an->x.dates;
  size_t i;
  int rc = CP_OK;
  for (i = 0; i < D->n && rc == CP_OK; i++) {
    const cp_timex *t = &D->v[i];
    const char *type = cp_timex_type_name(t->type);
    cp_attr a[2];
    ATTR(a[0], "type", type, strlen(type));
    ATTR(a[1], "value", t->value, strlen(t->value));
    rc = put(e, "date", t->t0, t->t1, a, 2);
  }
  return rc;
}

static int emit_numbers (emitter *e) {
  const cp_numbers *N = &e->an->x.nums;
  size_t i;
  int rc = CP_OK;
  for (i = 0; i < N->n && rc == CP_OK; i++) {
    const cp_number *r = &N->v[i];
    char v[40];
    cp_attr a[2];
    /* the shortest of %.15g / %.17g that reads back as the same double;
    ** a whole number below 10^15 (nearly all) is its digits, which is
    ** what %.15g prints for it, without the printf and strtod */
    if (r->value > -1e15 && r->value < 1e15   /* first: the cast is defined */
        && r->value == (double)(int64_t)r->value
        && !(r->value == 0 && signbit(r->value)))
      int_digits((int64_t)r->value, v);
    else {
      snprintf(v, sizeof(v), "%.15g", r->value);
      if (strtod(v, NULL) != r->value) snprintf(v, sizeof(v), "%.17g", r->value);
    }
    ATTR(a[0], "value", v, strlen(v));
    if (r->unit) ATTR(a[1], "unit", r->unit, strlen(r->unit));
    rc = put(e, "number", r->t0, r->t1, a, r->unit ? 2 : 1);
  }
  return rc;
}

/* }================================================================ */


/* the analysers of 'what' on one document, with buffers b */
static int analyse (unsigned what, abuf *an, const char *text, size_t len,
                    const cp_tokvec *tv, const cp_meta *meta, size_t nmeta,
                    cp_spanout *out, cp_err *err) {
  cp_anchor anchor = {0, 0, 0};
  int have = 0, rc;
  size_t i;
  emitter e;
  if (what == 0) return CP_OK;
  for (i = 0; i < nmeta; i++)
    if (meta[i].keylen == 4 && memcmp(meta[i].key, "date", 4) == 0
        && meta[i].type == CP_MSTR)
      have = cp_analyse_anchor(meta[i].str, meta[i].strlen, &anchor);
  rc = cp_extract_run(text, len, tv, have ? &anchor : NULL, what, &an->x, err);
  if (rc != CP_OK) return rc;
  e.an = an; e.s = text; e.out = out; e.err = err;
  an->nn = 0;
  if ((what & CP_X_ENTITIES) && (rc = emit_entities(&e)) != CP_OK) return rc;
  if ((what & CP_X_QUOTES) && (rc = emit_quotes(&e, tv)) != CP_OK) return rc;
  if ((what & CP_X_DATES) && (rc = emit_dates(&e)) != CP_OK) return rc;
  if ((what & CP_X_NUMBERS) && (rc = emit_numbers(&e)) != CP_OK) return rc;
  return CP_OK;
}

int cp_analyse_producer (void *ud, const char *text, size_t len,
                         const cp_tokvec *tv, const cp_meta *meta,
                         size_t nmeta, cp_spanout *out, cp_err *err) {
  cp_analyser *an = (cp_analyser *)ud;
  if (an == NULL || tv == NULL || out == NULL || (text == NULL && len > 0)
      || (meta == NULL && nmeta > 0))
    return cp_err_set(err, CP_EINVAL, "cp_analyse_producer: missing argument");
  return analyse(an->what, &an->b, text, len, tv, meta, nmeta, out, err);
}

/*
** The buffers of cp_analyse_mt, one set per thread that runs it (the
** per-type cache of lexicon facts among them), not per prepared slot:
** a pipe has 32 slots, and 32 sets would each learn the vocabulary again
** and keep their own copies of the buffers, touched once in 32
** documents, far from the processor.  Nothing in them outlives a run
** (the spans are copied into 'out'), so the slot's scratch stays NULL.
** A worker's set is freed when the thread ends; one made by a thread
** that lives on (a pipe preparing inline) stays until the process ends,
** reachable.  No set (out of memory) is an error; no cache only means
** the facts are computed token by token.
*/
static pthread_key_t bkey;
static int bkey_ok;
static pthread_once_t bonce = PTHREAD_ONCE_INIT;

static void bkey_free (void *b) {
  abuf_free((abuf *)b);
  free(b);
}

static void bkey_make (void) {
  bkey_ok = pthread_key_create(&bkey, bkey_free) == 0;
}

static abuf *thread_buf (void) {
  abuf *b;
  pthread_once(&bonce, bkey_make);
  if (!bkey_ok) return NULL;
  if ((b = (abuf *)pthread_getspecific(bkey)) == NULL
      && (b = (abuf *)calloc(1, sizeof(*b))) != NULL) {
    b->x.lxc = cp_lxcache_new();   /* a build's documents share it */
    if (pthread_setspecific(bkey, b) != 0) {
      bkey_free(b);
      b = NULL;
    }
  }
  return b;
}

int cp_analyse_mt (void *ud, void **scratch, const char *text, size_t len,
                   const cp_tokvec *tv, const cp_meta *meta, size_t nmeta,
                   cp_spanout *out, cp_err *err) {
  const cp_analyser *an = (const cp_analyser *)ud;
  abuf *b;
  if (an == NULL || scratch == NULL || tv == NULL || out == NULL
      || (text == NULL && len > 0) || (meta == NULL && nmeta > 0))
    return cp_err_set(err, CP_EINVAL, "cp_analyse_mt: missing argument");
  if (an->what == 0) return CP_OK;
  if ((b = thread_buf()) == NULL)
    return cp_err_set(err, CP_ENOMEM, "out of memory running the analysers");
  return analyse(an->what, b, text, len, tv, meta, nmeta, out, err);
}

