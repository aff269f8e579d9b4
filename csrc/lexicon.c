/*
** lexicon.c -- lookups in the generated word table (lextab.c) and the
** per-token facts the extractors share.  See lexicon.h.
*/
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <utf8proc.h>

#include "lexicon.h"

/* for the few functions of the loop over the tokens that a compiler
** would call (a call costs as much as their work) */
#if defined(__GNUC__)
#define ALWAYS_INLINE __attribute__((always_inline))
#else
#define ALWAYS_INLINE
#endif

size_t cp_lx_lower (const char *s, size_t len, char *buf, size_t cap) {
  size_t i;
  if (s == NULL || buf == NULL || len == 0 || len > cap) return 0;
  for (i = 0; i < len; i++) {
    unsigned char c = (unsigned char)s[i];
    buf[i] = (char)((c >= 'A' && c <= 'Z') ? c + 32 : c);
  }
  return len;
}

static int cmp (const char *w, size_t len, const char *key) {
  size_t i;
  for (i = 0; i < len; i++) {
    unsigned char a = (unsigned char)w[i], b = (unsigned char)key[i];
    if (b == 0) return 1;
    if (a != b) return a < b ? -1 : 1;
  }
  return key[len] == 0 ? 0 : -1;
}

const cp_lxent *cp_lx_find (const char *w, size_t len) {
  uint32_t h = 2166136261u;
  size_t i, j;
  if (w == NULL || len == 0) return NULL;
  for (i = 0; i < len; i++) h = (h ^ (unsigned char)w[i]) * 16777619u;
  for (j = h & (cp_lx_hsize - 1); cp_lx_hash[j] != 0; j = (j + 1) & (cp_lx_hsize - 1)) {
    const cp_lxent *e = &cp_lx_table[cp_lx_hash[j] - 1];
    if (cmp(w, len, e->word) == 0) return e;
  }
  return NULL;
}

/* {==================================================================
** Short words: words of at most 8 bytes looked up as one 64-bit key
** (lower-cased eight bytes at a time), through an index of the table
** built once per process; most tokens are short.
** =================================================================== */

#define SBITS 12
#define SSIZE ((size_t)1 << SBITS)
#define ONES 0x0101010101010101ull

static uint64_t skey[SSIZE];     /* the word's bytes, zero-padded */
static uint16_t sent[SSIZE];     /* index + 1 into cp_lx_table, 0 empty */
static uint8_t slen[SSIZE];
static int sready;
static pthread_once_t sonce = PTHREAD_ONCE_INIT;

/* the key of s[0..len) (len <= 8), ASCII letters lower-cased */
static uint64_t key_of (const unsigned char *p, size_t len) {
  uint64_t w = 0, h, a, z, up;
  size_t i;
  for (i = 0; i < len; i++) w |= (uint64_t)p[i] << (8 * i);
  /* bytes 'A'..'Z' (high bit clear): add 0x20 */
  h = w & (0x7F * ONES);
  a = h + (0x80 - 'A') * ONES;          /* high bit set: >= 'A' */
  z = h + (0x80 - 'Z' - 1) * ONES;      /* high bit set: > 'Z' */
  up = (a & ~z) & ~w & (0x80 * ONES);
  return w | (up >> 2);
}

static size_t slot_of (uint64_t k, size_t len) {
  return (size_t)(((k ^ len) * 0x9E3779B97F4A7C15ull) >> (64 - SBITS));
}

static void sbuild (void) {
  size_t i;
  if (cp_lx_size >= SSIZE / 2 || cp_lx_size > UINT16_MAX - 1) return;
  for (i = 0; i < cp_lx_size; i++) {
    const char *w = cp_lx_table[i].word;
    size_t len = strlen(w), j;
    uint64_t k;
    if (len == 0 || len > 8) continue;
    {   /* a word with capitals is never found (lookups are lower case) */
      size_t c;
      for (c = 0; c < len && !(w[c] >= 'A' && w[c] <= 'Z'); c++) {}
      if (c < len) continue;
    }
    k = key_of((const unsigned char *)w, len);
    for (j = slot_of(k, len); sent[j] != 0; j = (j + 1) & (SSIZE - 1)) {}
    skey[j] = k;
    slen[j] = (uint8_t)len;
    sent[j] = (uint16_t)(i + 1);
  }
  sready = 1;
}

/* the entry of s[0..len), 1 <= len <= 8, any ASCII case */
static const cp_lxent *find_short (const char *s, size_t len) {
  uint64_t k = key_of((const unsigned char *)s, len);
  size_t j;
  for (j = slot_of(k, len); sent[j] != 0; j = (j + 1) & (SSIZE - 1))
    if (skey[j] == k && slen[j] == len) return &cp_lx_table[sent[j] - 1];
  return NULL;
}

/* }================================================================== */

/* cp_lx_find of s[0..len) lower-cased (ASCII) into buf (len bytes),
** lowering and hashing in one pass */
static const cp_lxent *find_lower (const char *s, size_t len, char *buf) {
  uint32_t h = 2166136261u;
  size_t i, j;
  for (i = 0; i < len; i++) {
    unsigned char c = (unsigned char)s[i];
    if (c >= 'A' && c <= 'Z') c = (unsigned char)(c + 32);
    buf[i] = (char)c;
    h = (h ^ c) * 16777619u;
  }
  for (j = h & (cp_lx_hsize - 1); cp_lx_hash[j] != 0; j = (j + 1) & (cp_lx_hsize - 1)) {
    const cp_lxent *e = &cp_lx_table[cp_lx_hash[j] - 1];
    if (e->word[0] == buf[0] && cmp(buf, len, e->word) == 0) return e;
  }
  return NULL;
}

/* shape bits of one token from its letters */
static unsigned shape_of (const char *s, const cp_tok *t) {
  const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)s + t->start;
  utf8proc_ssize_t left = (utf8proc_ssize_t)(t->stop - t->start);
  unsigned sh = 0;
  int first = 1, nup = 0, nlow = 0;
  if (t->flags & CP_TF_PUNCT) sh |= CP_SH_PUNCT;
  if (t->stop > t->start && s[t->stop - 1] == '.') sh |= CP_SH_DOT;
  while (left > 0) {
    utf8proc_int32_t cp;
    utf8proc_ssize_t k;
    if (*p < 0x80) { cp = *p; k = 1; }
    else if ((k = utf8proc_iterate(p, left, &cp)) <= 0) { k = 1; cp = 0xFFFD; }
    if (cp < 128) {       /* ASCII fast path: most text */
      if (cp >= 'A' && cp <= 'Z') { if (first) sh |= CP_SH_CAP; nup++; }
      else if (cp >= 'a' && cp <= 'z') { if (first) sh |= CP_SH_LOWER; nlow++; }
      else if (cp >= '0' && cp <= '9') { if (first) sh |= CP_SH_DIGIT; }
      else { p += k; left -= k; continue; }   /* '-', '.', ... */
    } else {
      utf8proc_category_t cat = utf8proc_category(cp);
      if (cat == UTF8PROC_CATEGORY_LU || cat == UTF8PROC_CATEGORY_LT) {
        if (first) sh |= CP_SH_CAP;
        nup++;
      } else if (cat == UTF8PROC_CATEGORY_LL) {
        if (first) sh |= CP_SH_LOWER;
        nlow++;
      } else if (cat == UTF8PROC_CATEGORY_ND) {
        if (first) sh |= CP_SH_DIGIT;
      } else if (cat >= UTF8PROC_CATEGORY_LM && cat <= UTF8PROC_CATEGORY_LO) {
        nlow++;          /* letters without case (ideographs) */
      } else { p += k; left -= k; continue; }
    }
    first = 0;
    p += k; left -= k;
    /* the first letter and a lower-case one settle every bit: the rest
    ** of the word cannot make it all capitals */
    if (nlow > 0) return sh;
  }
  if (nup >= 2 && nlow == 0) sh |= CP_SH_UPPER;
  return sh;
}

/* does the gap s[a..b) between two tokens start a paragraph: a blank
** line, or a line break followed by indentation (news wire style) */
static int para_gap (const char *s, size_t a, size_t b) {
  size_t i;
  for (i = a; i < b; i++) {
    if (s[i] == '\n' || s[i] == '\r') {
      size_t j = i + 1;
      if (j < b && s[i] == '\r' && s[j] == '\n') j++;
      if (j < b && (s[j] == '\n' || s[j] == '\r' || s[j] == ' ' || s[j] == '\t'))
        return 1;
    }
  }
  return 0;
}

/* {==================================================================
** Per-type cache: what a token's bytes alone decide (its lexicon entry,
** the shape bits other than SSTART / PSTART, the dash, and what the
** sentence rules ask of the token before), computed once per word type
** instead of once per token.  Keyed on the token's first 15 bytes, its
** length and its punctuation flag (the only input besides the bytes);
** a new type replaces the older of its set's two, so a cache only saves
** work and never changes a fact.  Tokens longer than 15 bytes are not
** cached (0.2% of the UN debates' tokens).
** =================================================================== */

#define CBITS 13
#define CSIZE ((size_t)1 << CBITS)   /* sets */
#define CMAXLEN 15    /* the 16th byte of the key holds the tag */
#define PF 16         /* tokens ahead whose slots are fetched (2^k) */

/* shape bits of the cache's own, above the public ones (masked off in
** the output): what the sentence rules ask of the token before, which
** its bytes decide; kept per type, they are not recomputed per token */
#define SH_INITIAL 0x100u   /* "E.": no sentence starts after it */
#define SH_OQ3 0x200u       /* an opening “ or „ */
#define SH_DQ 0x400u        /* '"', alone or with a mark (3 bytes at most) */
#define SH_PUBLIC 0xFFu

typedef struct cslot {
  uint64_t a, b;          /* bytes 0-7 and 8-14, zero padded; byte 15 of
                             b the tag (0: empty) */
  cp_lxtok f;             /* the facts, with the SH_ bits in f.shape */
} cslot;

/* two ways a set, in one cache line (aligned): a type whose slot
** another took stays in the other way (of the misses on the UN
** debates, three in five were such conflicts when direct-mapped) */
struct cp_lxcache { cslot v[CSIZE][2]; };

cp_lxcache *cp_lxcache_new (void) {
  void *c;
  if (posix_memalign(&c, 64, sizeof(cp_lxcache)) != 0) return NULL;
  memset(c, 0, sizeof(cp_lxcache));
  return (cp_lxcache *)c;
}

void cp_lxcache_free (cp_lxcache *c) { free(c); }

/* the SH_ bits of token t (the token before the one the rules decide) */
static unsigned prev_bits (const char *s, const cp_tok *t) {
  size_t len = t->stop - t->start;
  unsigned char c = (unsigned char)s[t->start];
  unsigned b = 0;
  if (len == 2 && s[t->stop - 1] == '.' && c >= 'A' && c <= 'Z')
    b |= SH_INITIAL;
  if (len == 3 && (memcmp(s + t->start, "\xE2\x80\x9C", 3) == 0
                   || memcmp(s + t->start, "\xE2\x80\x9E", 3) == 0))
    b |= SH_OQ3;
  if (len <= 3 && c == '"') b |= SH_DQ;
  return b;
}

/* the intrinsic facts of token t (cached or not): shape without the
** sentence bits (with the SH_ bits), the dash, the lexicon entry and
** its flags */
static void facts_of (const char *s, const cp_tok *t, char *buf,
                      cp_lxtok *o) {
  /* shape and lookup of the word without a possessive: "ISIS’s" */
  cp_tok w = *t;
  size_t len = w.stop - w.start;
  if (len > 2 && s[w.stop - 2] == '\'' && (s[w.stop - 1] | 32) == 's') w.stop -= 2;
  else if (len > 4 && memcmp(s + w.stop - 4, "\xE2\x80\x99", 3) == 0
           && (s[w.stop - 1] | 32) == 's') w.stop -= 4;
  memset(o, 0, sizeof *o);   /* the padding too: a slot is copied whole */
  o->shape = (uint16_t)(shape_of(s, &w) | prev_bits(s, t));
  o->dash = memchr(s + t->start, '-', t->stop - t->start) != NULL;
  len = w.stop - w.start;
  if (len > 1 && s[t->start + len - 1] == '.') len--;   /* "Gen." -> gen */
  if (!(o->shape & CP_SH_DIGIT) && len > 0 && len <= CP_LX_MAXWORD)
    o->lx = (len <= 8 && sready) ? find_short(s + t->start, len)
                                 : find_lower(s + t->start, len, buf);
  o->flags = o->lx ? o->lx->flags : 0;
}

/* the keys of the next PF tokens in the cache: their bytes with the
** tag, and their sets (arrays apart: an entry loads as plain words) */
typedef struct ckeys {
  uint64_t a[PF], b[PF];  /* b == 0: not cached (too long, or not in
                             the text), and a == 1: no slot matches (an
                             empty one is all zero, a full one has a
                             tag), so a hit needs no test for it */
  cslot *set[PF];
} ckeys;

/* the masks of a token's bytes in a and b by its length: a load each
** costs less than computing them (lengths vary too much for a branch) */
#define M(n) (((uint64_t)1 << (8 * (n))) - 1)
static const uint64_t amask[CMAXLEN + 1] = {
  0, M(1), M(2), M(3), M(4), M(5), M(6), M(7),
  ~0ull, ~0ull, ~0ull, ~0ull, ~0ull, ~0ull, ~0ull, ~0ull };
static const uint64_t bmask[CMAXLEN + 1] = {
  0, 0, 0, 0, 0, 0, 0, 0, 0, M(1), M(2), M(3), M(4), M(5), M(6), M(7) };
#undef M

/* the key of token t of text s (n bytes) in cache c, into entry j of
** k; lim is n - 15 (0 if n < 16): a token starting before it can be
** read as 16 bytes.
** Inlined in the loop over the tokens (a call costs as much as the key) */
ALWAYS_INLINE static inline void key_for (cp_lxcache *c, const char *s,
                                          size_t n, size_t lim,
                                          const cp_tok *t, ckeys *k,
                                          size_t j) {
  size_t len = t->stop - t->start;
  uint64_t a = 0, b = 0, h;
  /* len - 1 wraps when start >= stop: one test for 1..CMAXLEN, and
  ** then stop < start + 16 <= n */
  if (len - 1 < CMAXLEN && t->start < lim) {
    memcpy(&a, s + t->start, 8);
    memcpy(&b, s + t->start + 8, 8);
    a &= amask[len];
    b &= bmask[len];
  } else if (t->stop <= n && len - 1 < CMAXLEN) {   /* near the end */
    unsigned char tb[16] = {0};
    memcpy(tb, s + t->start, len);
    memcpy(&a, tb, 8);
    memcpy(&b, tb + 8, 8);
  } else { k->a[j] = 1;  k->b[j] = 0;  k->set[j] = c->v[0];  return; }
  b |= (uint64_t)(len | ((t->flags & CP_TF_PUNCT) ? 0x80u : 0u)) << 56;
  h = (a ^ b) * 0x9E3779B97F4A7C15ull;
  k->a[j] = a;
  k->b[j] = b;
  k->set[j] = c->v[h >> (64 - CBITS)];
}

/* a new type into set sl: into way 0, the one there to way 1 */
static void fill (cslot *sl, uint64_t a, uint64_t b, const cp_lxtok *f) {
  sl[1] = sl[0];
  sl[0].a = a;  sl[0].b = b;  sl[0].f = *f;
}

/* }================================================================== */

/* in the SH_ bits of the token before (pb), beside its own: */
#define SH_OPENS 0x800u     /* punctuation that starts a sentence */
#define SH_FIRST 0x1000u    /* none: token 0 */

/* finish moves bits by multiplying by the ratio of two one-bit masks,
** each up; and the public bits stay below the SH_ ones */
typedef char lx_bits_move_up[(CP_SH_SSTART > CP_TF_SSTART
                              && CP_SH_SSTART > CP_SH_PUNCT
                              && SH_OPENS > CP_SH_SSTART
                              && CP_SH_PSTART <= SH_PUBLIC) ? 1 : -1];

/* the sentence and paragraph bits of token i (tokens tk, text s), its
** shape sh with the tokenizer's SSTART, from the SH_ bits pb of the
** token before: the rules beyond the tokenizer's, called for a token
** that starts a paragraph, follows a gap of two bytes or more, or
** follows a token with SH_ bits (few) */
static unsigned sentence_rules (const char *s, const cp_tok *tk, size_t i,
                                unsigned sh, unsigned pb) {
  const cp_tok *t = &tk[i], *p = t - 1;
  if (pb & SH_FIRST) {
    if (t->flags & CP_TF_PSTART) sh |= CP_SH_PSTART | CP_SH_SSTART;
    return sh;
  }
  /* a gap of one space (most) holds no line break */
  if ((t->flags & CP_TF_PSTART) ||
      (t->start - p->stop > 1 && para_gap(s, p->stop, t->start)))
    sh |= CP_SH_PSTART | CP_SH_SSTART;
  /* "E. Duff Scott": no sentence starts after an initial */
  else if (pb & SH_INITIAL) sh &= ~(unsigned)CP_SH_SSTART;
  /* “As these ...: the word after an opening mark or bracket that
  ** starts a sentence starts it too */
  if (pb & SH_OPENS) sh |= CP_SH_SSTART;
  /* so does the first word of a quotation: He said, “We urge ...” */
  if ((pb & (SH_OQ3 | SH_DQ)) && p->stop == t->start
      && ((pb & SH_OQ3) || i < 2 || (p - 1)->stop < p->start))
    sh |= CP_SH_SSTART;
  return sh;
}

/* token i's facts *f made final into *o (copied whole, then the shape):
** its sentence bits from the SH_ bits *pb of the token before, then *pb
** set to its own */
ALWAYS_INLINE static inline void finish (const char *s, const cp_tok *tk,
                                         size_t i, const cp_lxtok *f,
                                         unsigned *pb, cp_lxtok *o) {
  const cp_tok *t = &tk[i];
  unsigned fsh = f->shape;
  /* bits moved by a multiplication by a power of two, not a branch */
  unsigned sh = (fsh & SH_PUBLIC)
                | (t->flags & CP_TF_SSTART) * (CP_SH_SSTART / CP_TF_SSTART);
  if (*pb != 0 || (t->flags & CP_TF_PSTART) || t->start - t[-1].stop > 1)
    sh = sentence_rules(s, tk, i, sh, *pb);
  *pb = (fsh & ~SH_PUBLIC)
        | (sh & (sh * (CP_SH_SSTART / CP_SH_PUNCT)) & CP_SH_SSTART)
          * (SH_OPENS / CP_SH_SSTART);
  *o = *f;
  o->shape = (uint16_t)sh;
}

/* is token t outside the text (n bytes)? */
static int outside (const cp_tok *t, size_t n) {
  return t->stop > n || t->start >= t->stop;
}

/* cp_lx_tokens without a cache */
static int tokens_plain (const char *s, size_t n, const cp_tok *tk,
                         size_t nt, cp_lxtok *v, cp_err *err) {
  char buf[CP_LX_MAXWORD];
  unsigned pb = SH_FIRST;
  size_t i;
  for (i = 0; i < nt; i++) {
    cp_lxtok f;
    if (outside(&tk[i], n))
      return cp_err_set(err, CP_EINVAL, "token %zu outside the text", i);
    facts_of(s, &tk[i], buf, &f);
    finish(s, tk, i, &f, &pb, &v[i]);
  }
  return CP_OK;
}

/* the facts of token t (key k) of text s (n bytes), in its set or
** computed into *f; NULL if t is outside the text.  A key of the cache
** is a token inside the text: only the others are checked here */
ALWAYS_INLINE static inline const cp_lxtok *facts_at (
    const ckeys *k, size_t j, const char *s, size_t n, const cp_tok *t,
    char *buf, cp_lxtok *f) {
  cslot *sl = k->set[j];
  uint64_t a = k->a[j], b = k->b[j];
  if (sl[0].a == a && sl[0].b == b) return &sl[0].f;
  if (sl[1].a == a && sl[1].b == b) return &sl[1].f;
  if (b == 0 && outside(t, n)) return NULL;
  facts_of(s, t, buf, f);
  if (b != 0) fill(sl, a, b, f);
  return f;
}

/* cp_lx_tokens through cache c.  The cache's slots are far from the
** processor (512 KB, and the rest of a build runs between two
** documents): the keys are made PF tokens ahead and their slots
** fetched, so that the loads overlap */
static int tokens_cached (const char *s, size_t n, const cp_tok *tk,
                          size_t nt, cp_lxcache *c, cp_lxtok *v,
                          cp_err *err) {
  char buf[CP_LX_MAXWORD];
  ckeys ring;
  unsigned pb = SH_FIRST;
  size_t i, lim = n >= 16 ? n - 15 : 0;
  for (i = 0; i < PF && i < nt; i++) {
    key_for(c, s, n, lim, &tk[i], &ring, i);
    __builtin_prefetch(ring.set[i]);
  }
  /* the last PF tokens apart: no key ahead to test for at each token */
  for (i = 0; i + PF < nt; i++) {
    size_t j = i % PF;
    cp_lxtok tmp;
    const cp_lxtok *f = facts_at(&ring, j, s, n, &tk[i], buf, &tmp);
    if (f == NULL)
      return cp_err_set(err, CP_EINVAL, "token %zu outside the text", i);
    finish(s, tk, i, f, &pb, &v[i]);
    key_for(c, s, n, lim, &tk[i + PF], &ring, j);
    __builtin_prefetch(ring.set[j]);
  }
  for (; i < nt; i++) {
    cp_lxtok tmp;
    const cp_lxtok *f = facts_at(&ring, i % PF, s, n, &tk[i], buf, &tmp);
    if (f == NULL)
      return cp_err_set(err, CP_EINVAL, "token %zu outside the text", i);
    finish(s, tk, i, f, &pb, &v[i]);
  }
  return CP_OK;
}

int cp_lx_tokens (const char *s, size_t n, const cp_tokvec *tv,
                  cp_lxcache *cache, cp_lxtok **vp, size_t *cap, cp_err *err) {
  if (s == NULL && n > 0) return cp_err_set(err, CP_EINVAL, "no text");
  if (tv == NULL || vp == NULL || cap == NULL)
    return cp_err_set(err, CP_EINVAL, "no tokens");
  pthread_once(&sonce, sbuild);
  if (*vp == NULL || *cap < tv->n) {   /* grown only: every field set below */
    size_t nc = tv->n + tv->n / 4 + 16;
    cp_lxtok *v = (cp_lxtok *)realloc(*vp, nc * sizeof *v);
    if (v == NULL) return cp_err_set(err, CP_ENOMEM, "out of memory");
    *vp = v;
    *cap = nc;
  }
  return cache != NULL ? tokens_cached(s, n, tv->v, tv->n, cache, *vp, err)
                       : tokens_plain(s, n, tv->v, tv->n, *vp, err);
}
