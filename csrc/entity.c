/*
** entity.c -- rule-based names (entity.h).
**
** A name is a maximal run of capitalised tokens in one sentence, with
** lower-case connectors between capitalised words ("Bank of New York")
** and slashes between words written without spaces ("Daesh/ISIS").  A
** run is then cut into names:
**   - titles and roles ("U.S. Secretary of State", "Acting Special
**     Envoy") separate names and are dropped; a name right after one is
**     a person;
**   - a known given name starts a new name ("... to Defeat ISIS | John
**     Godfrey");
**   - at a sentence start, common words ("In", "The", "Separate",
**     "Begin Text") are dropped, and a single word there is kept only
**     when the text also capitalises it mid-sentence, or the lexicon or
**     gazetteer knows it.
** Kinds: a given name or a title before -> person; a head word (Ministry,
** Forces, Coalition, Inc) -> organisation; the gazetteer -> place; an
** acronym -> organisation; a word whose last token is the surname of a
** person named in the text -> that person; else other.
*/
#include <stdlib.h>
#include <string.h>

#include "entity.h"
#include "bytes8.h"
#include "place.h"

const char *cp_entity_kind_name (int kind) {
  switch (kind) {
    case CP_ENT_PERSON: return "person";
    case CP_ENT_ORG: return "org";
    case CP_ENT_PLACE: return "place";
    default: return "other";
  }
}

void cp_entities_free (cp_entities *e) {
  if (e == NULL) return;
  free(e->v);
  e->v = NULL;
  e->n = e->cap = 0;
}

static int push (cp_entities *e, const cp_entity *x) {
  if (e->n == e->cap) {
    size_t nc = e->cap ? e->cap * 2 : 16;
    cp_entity *nv = (cp_entity *)realloc(e->v, nc * sizeof *nv);
    if (nv == NULL) return CP_ENOMEM;
    e->v = nv;
    e->cap = nc;
  }
  e->v[e->n++] = *x;
  return CP_OK;
}

int64_t cp_entity_at (const cp_entities *e, uint32_t i) {
  size_t lo = 0, hi;
  if (e == NULL) return -1;
  hi = e->n;
  while (lo < hi) {     /* first entity with t1 > i */
    size_t mid = lo + (hi - lo) / 2;
    if (e->v[mid].t1 <= i) lo = mid + 1; else hi = mid;
  }
  if (lo < e->n && e->v[lo].t0 <= i) return (int64_t)lo;
  return -1;
}

/* {==================================================================
** Capitalised words seen mid-sentence: a set of hashes of their text
** =================================================================== */

typedef struct capset { uint64_t *h; size_t mask; } capset;

/* eight bytes a step (a byte a step was 6% of the run); one-to-one for
** words of up to 8 bytes and the same length */
static uint64_t hash (const char *s, size_t n) {
  uint64_t h = (uint64_t)n * 0x9E3779B97F4A7C15ull;
  size_t i = 0;
  for (; i + 8 < n; i += 8) h = cp_b8_mix(h, cp_b8_load(s + i, 8));
  if (n > 0) h = cp_b8_mix(h, n > 8 ? cp_b8_load(s + n - 8, 8) : cp_b8_load(s, n));
  h *= 0x9E3779B97F4A7C15ull;
  return (h ^ (h >> 32)) | 1;   /* 0 marks an empty slot */
}

static void capset_add (capset *cs, uint64_t h) {
  size_t i = (size_t)h & cs->mask;
  while (cs->h[i] != 0 && cs->h[i] != h) i = (i + 1) & cs->mask;
  cs->h[i] = h;
}

static int capset_has (const capset *cs, uint64_t h) {
  size_t i = (size_t)h & cs->mask;
  while (cs->h[i] != 0) {
    if (cs->h[i] == h) return 1;
    i = (i + 1) & cs->mask;
  }
  return 0;
}

/* can sstart_name ask for the word of token t?  Not for one it answers
** from the word's facts, which its bytes decide (lexicon.h) */
static int askable (const cp_lxtok *t) {
  return !(t->shape & (CP_SH_SSTART | CP_SH_UPPER))
         && !(cp_lx_flags(t) & (CP_LX_GIVEN | CP_LX_ORG | CP_LX_COMMON | CP_LX_CUE));
}

/* the set of the words of the capitalised tokens idx[0..ncap) not at a
** sentence start, but for those sstart_name never asks for (a smaller
** set to clear and fill) */
static int capset_build (capset *cs, const char *s, const cp_tokvec *tv,
                         const cp_lxtok *lx, const uint32_t *idx, size_t ncap) {
  size_t k, cnt = 0, sz = 16;
  for (k = 0; k < ncap; k++) cnt += askable(&lx[idx[k]]);
  while (sz < cnt * 2) sz *= 2;
  cs->h = (uint64_t *)calloc(sz, sizeof *cs->h);
  if (cs->h == NULL) return CP_ENOMEM;
  cs->mask = sz - 1;
  for (k = 0; k < ncap; k++)
    if (askable(&lx[idx[k]])) {
      const cp_tok *t = &tv->v[idx[k]];
      capset_add(cs, hash(s + t->start, t->stop - t->start));
    }
  return CP_OK;
}

/* the capitalised tokens of lx[0..n) into idx (n slots), in order; their
** number.  A name starts at one of them, so the scan for names and the
** set above visit these only: two scans of every token for the set and
** one for the names were 30% of the run */
static size_t cap_tokens (const cp_lxtok *lx, size_t n, uint32_t *idx) {
  size_t i = 0, c = 0;
  /* without branches (a capital is no pattern a predictor learns), four
  ** tokens a step: 9 instructions a token were 12% of the run */
  for (; i + 4 <= n; i += 4, lx += 4) {
    idx[c] = (uint32_t)i;            /* kept when capitalised */
    c += lx[0].shape & CP_SH_CAP;
    idx[c] = (uint32_t)i + 1;
    c += lx[1].shape & CP_SH_CAP;
    idx[c] = (uint32_t)i + 2;
    c += lx[2].shape & CP_SH_CAP;
    idx[c] = (uint32_t)i + 3;
    c += lx[3].shape & CP_SH_CAP;
  }
  for (; i < n; i++, lx++) {
    idx[c] = (uint32_t)i;
    c += lx[0].shape & CP_SH_CAP;
  }
  return c;
}

/* }================================================================== */

typedef struct ctx {
  const char *s;
  const cp_tokvec *tv;
  const cp_lxtok *lx;
  capset caps;
  cp_entities *out;
  size_t skip_portf;  /* a run starting here starts after a portfolio */
  /* the gazetteer's last answer: a run of one word is asked for whole,
  ** then as the name cut from it, which is most often the same bytes */
  const char *pl_s;
  size_t pl_len;
  int pl_kind;
} ctx;

static int place (ctx *x, const char *p, size_t len) {
  if (p != x->pl_s || len != x->pl_len) {
    x->pl_kind = cp_place_kind(p, len);
    x->pl_s = p;
    x->pl_len = len;
  }
  return x->pl_kind;
}

static int namelike (const ctx *x, size_t i) {
  unsigned sh = x->lx[i].shape;
  return (sh & CP_SH_CAP) && !(sh & CP_SH_PUNCT)
         && !(cp_lx_flags(&x->lx[i]) & (CP_LX_MONTH | CP_LX_WEEKDAY));
}

/* a possessive ending: "ISIS’s", "Iraq's" */
static inline size_t possessive (const ctx *x, size_t i) {
  const cp_tok *t = &x->tv->v[i];
  size_t len = t->stop - t->start;
  const char *p = x->s + t->start;
  if (len > 2 && p[len - 2] == '\'' && (p[len - 1] == 's' || p[len - 1] == 'S')) return 2;
  if (len > 4 && memcmp(p + len - 4, "\xE2\x80\x99", 3) == 0
      && (p[len - 1] == 's' || p[len - 1] == 'S')) return 4;
  return 0;
}

static int adjacent (const ctx *x, size_t i) {   /* no space before token i */
  return x->tv->v[i].start == x->tv->v[i - 1].stop;
}

/* token i spells w (any case); the length of a literal w is folded */
#define is_tok(x, i, w) cp_lx_is((x)->s, &(x)->tv->v[i], (w))

/* end of the run of name tokens starting at i (exclusive) */
static size_t run_end (const ctx *x, size_t i) {
  size_t n = x->tv->n, j = i + 1;
  while (j < n) {
    if (x->lx[j].shape & CP_SH_SSTART) break;
    if (namelike(x, j)) { j++; continue; }
    /* "Daesh/ISIS": a slash between two words, no spaces */
    if (j + 1 < n && is_tok(x, j, "/") && adjacent(x, j) && adjacent(x, j + 1)
        && namelike(x, j + 1) && !(x->lx[j + 1].shape & CP_SH_SSTART)) {
      j += 2;
      continue;
    }
    /* connectors: up to two ("of the") before a capitalised word */
    if ((cp_lx_flags(&x->lx[j]) & CP_LX_CONN) && (x->lx[j].shape & CP_SH_LOWER)) {
      size_t k = j + 1;
      if (k < n && (cp_lx_flags(&x->lx[k]) & CP_LX_CONN)
          && (x->lx[k].shape & CP_SH_LOWER)) k++;
      if (k < n && namelike(x, k) && !(x->lx[k].shape & CP_SH_SSTART)) {
        j = k + 1;
        continue;
      }
    }
    break;
  }
  return j;
}

static int is_title (const ctx *x, size_t i) {
  return (cp_lx_flags(&x->lx[i]) & CP_LX_TITLE) && !(x->lx[i].shape & CP_SH_UPPER);
}

/* kind of the name [a, b); 'after_title': a title stands right before */
static int kind_of (ctx *x, size_t a, size_t b, size_t len, int after_title) {
  size_t i;
  int acr = 0;
  const char *p = x->s + x->tv->v[a].start;
  for (i = a; i < b; i++)
    if ((cp_lx_flags(&x->lx[i]) & CP_LX_ORG) && (x->lx[i].shape & CP_SH_CAP)) {
      /* "Co" alone is not an organisation */
      if (b - a > 1 || !(cp_lx_is(x->s, &x->tv->v[i], "co") || cp_lx_is(x->s, &x->tv->v[i], "inc")
                         || cp_lx_is(x->s, &x->tv->v[i], "corp") || cp_lx_is(x->s, &x->tv->v[i], "ltd")))
        return CP_ENT_ORG;
    }
  if (place(x, p, len)) return CP_ENT_PLACE;
  if (cp_lx_flags(&x->lx[a]) & CP_LX_GIVEN) return CP_ENT_PERSON;
  if (after_title) return CP_ENT_PERSON;
  if (b - a == 1 && (x->lx[a].shape & CP_SH_UPPER)) {
    for (i = x->tv->v[a].start; i < x->tv->v[a].stop; i++)
      if (x->s[i] >= '0' && x->s[i] <= '9') return CP_ENT_OTHER;   /* COVID-19 */
    acr = 1;
  }
  if (b - a == 3 && is_tok(x, a + 1, "/")) acr = 1;   /* Daesh/ISIS */
  return acr ? CP_ENT_ORG : CP_ENT_OTHER;
}

static int emit (ctx *x, size_t a, size_t b, int after_title) {
  cp_entity e;
  size_t a0 = a;
  /* trim connectors and slashes at the edges; a connector between a
  ** title and the name ("Envoy for the Coalition") means the name is
  ** not the titled person */
  while (a < b && ((x->lx[a].shape & CP_SH_LOWER) || is_tok(x, a, "/"))) a++;
  while (b > a && ((x->lx[b - 1].shape & CP_SH_LOWER) || is_tok(x, b - 1, "/"))) b--;
  if (a >= b) return CP_OK;
  if (a != a0) after_title = 0;
  e.t0 = (uint32_t)a;
  e.t1 = (uint32_t)b;
  e.start = x->tv->v[a].start;
  e.stop = x->tv->v[b - 1].stop - possessive(x, b - 1);
  e.kind = kind_of(x, a, b, e.stop - e.start, after_title);
  e.canon = x->out->n;
  return push(x->out, &e);
}

/* does [a, b) hold an organisation head word? */
static int has_head (const ctx *x, size_t a, size_t b) {
  size_t i;
  for (i = a; i < b; i++)
    if ((cp_lx_flags(&x->lx[i]) & CP_LX_ORG) && (x->lx[i].shape & CP_SH_CAP)) return 1;
  return 0;
}

/* is the single word i at a sentence start a name? */
static int sstart_name (ctx *x, size_t i) {
  const cp_tok *t = &x->tv->v[i];
  uint32_t f = cp_lx_flags(&x->lx[i]);
  if (f & (CP_LX_GIVEN | CP_LX_ORG)) return 1;
  if (f & (CP_LX_COMMON | CP_LX_CUE)) return 0;
  if (x->lx[i].shape & CP_SH_UPPER) return 1;
  if (place(x, x->s + t->start, t->stop - t->start)) return 1;
  return capset_has(&x->caps, hash(x->s + t->start, t->stop - t->start));
}

/* is the whole run [a, b) a place?  *known: -1 until asked */
static int whole_place_of (ctx *x, size_t a, size_t b, int *known) {
  if (*known < 0)
    *known = place(x, x->s + x->tv->v[a].start, x->tv->v[b - 1].stop - x->tv->v[a].start) != 0;
  return *known;
}

/* cut the run [a, b) into names */
static int split_run (ctx *x, size_t a, size_t b) {
  size_t i = a, piece = a;
  int after_title = a > 0 && is_title(x, a - 1) && (x->lx[a - 1].shape & CP_SH_LOWER);
  int whole_place = -1;   /* asked when needed: half the gazetteer's lookups were this */
  int rc;
  /* leading common words at a sentence start */
  if (x->lx[a].shape & CP_SH_SSTART) {
    /* an organisation keeps a first word that is not a function word
    ** ("International Business Machines Corp", "The Coalition" -> ...) */
    int head = b - a > 1 && has_head(x, a, b);
    while (i < b && (cp_lx_flags(&x->lx[i]) & CP_LX_COMMON)
           && !(cp_lx_flags(&x->lx[i]) & (CP_LX_GIVEN | CP_LX_ORG))
           && !(head && x->tv->v[i].stop - x->tv->v[i].start > 4))
      i++;
    if (i == b) return CP_OK;
    if (i + 1 == b || (i == a && b - a == 1)) {
      if (!sstart_name(x, i)) return CP_OK;
    }
    piece = i;
  }
  while (i < b) {
    if (is_title(x, i)) {
      size_t j = i + 1;
      if ((rc = emit(x, piece, i, after_title)) != CP_OK) return rc;
      while (j < b && is_title(x, j)) j++;
      /* "Secretary of State", "Minister of Foreign Affairs" */
      if (j + 1 < b && is_tok(x, j, "of") && (cp_lx_flags(&x->lx[j + 1]) & CP_LX_PORTF)) {
        j += 2;
        while (j < b && (cp_lx_flags(&x->lx[j]) & CP_LX_PORTF)) j++;
      }
      /* "Minister of Mines and Energy Subroto": the run ended at "and" */
      if (j == b && b + 2 < x->tv->n && is_tok(x, b, "and") && (cp_lx_flags(&x->lx[b + 1]) & CP_LX_PORTF)
          && (x->lx[b + 1].shape & CP_SH_CAP))
        x->skip_portf = b + 2;
      piece = i = j;
      after_title = 1;
      continue;
    }
    /* "Smith Barney's Greenbaum": a possessive ends a name */
    if (i + 1 < b && possessive(x, i)) {
      if ((rc = emit(x, piece, i + 1, after_title)) != CP_OK) return rc;
      piece = i + 1;
      after_title = 0;
      i++;
      continue;
    }
    /* "Peter Greenbaum of Smith Barney": "of" ends a name that has no
    ** organisation head ("Bank of England", "Government of Iraq" stay) */
    if (i > piece && is_tok(x, i, "of") && !has_head(x, piece, i)
        && !whole_place_of(x, a, b, &whole_place)) {
      if ((rc = emit(x, piece, i, after_title)) != CP_OK) return rc;
      piece = i + 1;
      after_title = 0;
      i++;
      continue;
    }
    /* a given name after an organisation starts a person's name
    ** ("... to Defeat ISIS John Godfrey"), not after one word ("Rick
    ** Martin") */
    if (i > piece && (cp_lx_flags(&x->lx[i]) & CP_LX_GIVEN)
        && (i - piece >= 2 || (x->lx[i - 1].shape & CP_SH_UPPER) || has_head(x, piece, i))
        && !(cp_lx_flags(&x->lx[i - 1]) & CP_LX_GIVEN)
        && !((x->lx[i - 1].shape & CP_SH_DOT) && x->tv->v[i - 1].stop - x->tv->v[i - 1].start == 2)) {
      if ((rc = emit(x, piece, i, after_title)) != CP_OK) return rc;
      piece = i;
      after_title = 0;
    }
    i++;
  }
  return emit(x, piece, b, after_title);
}

/* same text of tokens i and j */
static inline int same_tok (const ctx *x, size_t i, size_t j) {
  const cp_tok *a = &x->tv->v[i], *b = &x->tv->v[j];
  size_t la;
  /* tokens are not empty and a possessive is cut at the end only: the
  ** first bytes must be equal (the common failure, tested first) */
  if (x->s[a->start] != x->s[b->start]) return 0;
  la = a->stop - a->start - possessive(x, i);
  return la == b->stop - b->start - possessive(x, j)
         && memcmp(x->s + a->start, x->s + b->start, la) == 0;
}

/* are e's tokens a prefix (end = 0) or suffix (end = 1) of c's? */
static int affix (const ctx *x, const cp_entity *e, const cp_entity *c, int end) {
  uint32_t k, ne = e->t1 - e->t0, off = end ? (c->t1 - c->t0) - ne : 0;
  for (k = 0; k < ne; k++)
    if (!same_tok(x, e->t0 + k, c->t0 + off + k)) return 0;
  return 1;
}

static int same_span (const ctx *x, const cp_entity *a, const cp_entity *b) {
  return a->stop - a->start == b->stop - b->start
         && memcmp(x->s + a->start, x->s + b->start, a->stop - a->start) == 0;
}

static int same_tok (const ctx *x, size_t i, size_t j);
static int affix (const ctx *x, const cp_entity *e, const cp_entity *c, int end);

static int cue_at (const ctx *x, size_t i) {
  return i < x->tv->n && (cp_lx_flags(&x->lx[i]) & CP_LX_CUE) && (x->lx[i].shape & CP_SH_LOWER);
}

/*
** Kinds from the context: a name that says something ("Lajous said",
** "Stals, the country's chief negotiator, said") or stands in
** apposition to a role ("Marshall Moore, a vice president of ...") is a
** person unless its words say otherwise.
*/
static void context_kinds (ctx *x) {
  size_t i, n = x->tv->n;
  for (i = 0; i < x->out->n; i++) {
    cp_entity *e = &x->out->v[i];
    size_t j = e->t1;
    int person = 0;
    e->speaks = cue_at(x, j)
                || (j + 1 < n && (is_tok(x, j, "also") || is_tok(x, j, "has")
                    || is_tok(x, j, "had") || is_tok(x, j, "then")) && cue_at(x, j + 1));
    if (e->kind != CP_ENT_OTHER || e->t1 - e->t0 > 4) continue;
    if (e->speaks) person = 1;
    else if (j + 2 < n && is_tok(x, j, ",")) {
      size_t k;
      for (k = j + 1; k < n && k < j + 5; k++) {
        if (is_title(x, k) && (x->lx[k].shape & CP_SH_LOWER)) { person = 1; break; }
        if ((x->lx[k].shape & CP_SH_PUNCT) && !is_tok(x, k, "'")
            && !is_tok(x, k, "\xE2\x80\x99")) break;
      }
    }
    /* one capitalised word that speaks may be an organisation acronym
    ** or a surname; it is a person only if it is not an acronym */
    if (person && !(e->t1 - e->t0 == 1 && (x->lx[e->t0].shape & CP_SH_UPPER))) {
      /* not when it is part of an organisation's name ("General Motors"
      ** of "General Motors Corp") */
      size_t k, seen = 0;
      for (k = 0; k < x->out->n && seen < 64; k++) {
        const cp_entity *c = &x->out->v[k];
        if (c->kind != CP_ENT_ORG || c->t1 - c->t0 <= e->t1 - e->t0) continue;
        seen++;
        if (affix(x, e, c, 0) || affix(x, e, c, 1)) { person = 0; break; }
      }
      if (person) e->kind = CP_ENT_PERSON;
    }
  }
  /* "Adrian Lajous, Pemex' ..." then "Lajous said": the long form of a
  ** person's surname is a person (bounded: long documents skip this) */
  if (x->out->n <= 4000) {
    size_t k;
    for (i = 0; i < x->out->n; i++) {
      cp_entity *p = &x->out->v[i];
      if (p->kind != CP_ENT_PERSON || p->t1 - p->t0 != 1) continue;
      for (k = 0; k < x->out->n; k++) {
        cp_entity *e = &x->out->v[k];
        if (e->kind == CP_ENT_OTHER && e->t1 - e->t0 >= 2 && e->t1 - e->t0 <= 4
            && same_tok(x, e->t1 - 1, p->t0))
          e->kind = CP_ENT_PERSON;
      }
    }
  }
}

/*
** Canonical forms: a name whose last word is the last word of a longer
** person name of the text is that person ("Godfrey", "Acting Special
** Envoy Godfrey" -> "John Godfrey"); a word of a slash alias is the
** alias ("ISIS" -> "Daesh/ISIS").  Quadratic in the number of distinct
** multi-word person names and aliases, which is small per document;
** bounded anyway by looking at the 64 longest candidates only.
*/
static void link_names (ctx *x) {
  cp_entities *E = x->out;
  size_t i, cand[64], clen[64], nc = 0;
  unsigned char lastb[64], firstb[64];
  uint64_t bylast[256], byfirst[256], slash = 0;
  /* the first of each text: lengths tested first, from an array (the
  ** test through the entities was 2% of the run) */
  for (i = 0; i < E->n && nc < 64; i++) {
    cp_entity *e = &E->v[i];
    if (e->t1 - e->t0 >= 2 && e->kind != CP_ENT_PLACE) {
      size_t k, len = e->stop - e->start;
      for (k = 0; k < nc; k++)
        if (clen[k] == len && same_span(x, &E->v[cand[k]], e)) break;
      if (k == nc) { clen[nc] = len;  cand[nc++] = i; }
    }
  }
  /* what every rule below needs of a candidate, kept beside it: each
  ** rule compares a first byte of e with the first byte of c's last
  ** token (same last word, or e a suffix of c) or of c's first token
  ** (e a prefix of c, e of several words), unless c is an alias "A/B";
  ** a candidate none of these admits is skipped, which changes nothing */
  /* as bit sets by byte (candidate k is bit k), taken in the order of k */
  for (i = 0; i < nc; i++) {
    const cp_entity *c = &E->v[cand[i]];
    lastb[i] = (unsigned char)x->s[x->tv->v[c->t1 - 1].start];
    firstb[i] = (unsigned char)x->s[x->tv->v[c->t0].start];
  }
  memset(bylast, 0, sizeof(bylast));
  memset(byfirst, 0, sizeof(byfirst));
  for (i = 0; i < nc; i++) {
    const cp_entity *c = &E->v[cand[i]];
    bylast[lastb[i]] |= (uint64_t)1 << i;
    byfirst[firstb[i]] |= (uint64_t)1 << i;
    if (c->t1 - c->t0 == 3 && is_tok(x, c->t0 + 1, "/")) slash |= (uint64_t)1 << i;
  }
  for (i = 0; i < E->n; i++) {
    cp_entity *e = &E->v[i];
    size_t k, best = i, bestlen = e->stop - e->start;
    unsigned char eb_last = (unsigned char)x->s[x->tv->v[e->t1 - 1].start];
    unsigned char eb_first = (unsigned char)x->s[x->tv->v[e->t0].start];
    uint64_t m = slash | bylast[eb_last] | (e->t1 - e->t0 > 1 ? byfirst[eb_first] : 0);
    for (; m != 0; m &= m - 1) {
      const cp_entity *c;
      size_t cl;
      k = cp_b8_ctz(m);
      cl = clen[k];
      if (cl <= bestlen) continue;
      c = &E->v[cand[k]];
      if (c->kind == CP_ENT_PERSON && e->t1 - e->t0 == 1 && e->kind != CP_ENT_PLACE
          && e->kind != CP_ENT_ORG && same_tok(x, e->t1 - 1, c->t1 - 1)) {
        best = cand[k]; bestlen = cl;
      } else if (((slash >> k) & 1) && e->t1 - e->t0 == 1
                 && (same_tok(x, e->t0, c->t0) || same_tok(x, e->t0, c->t0 + 2))) {
        best = cand[k]; bestlen = cl;
      } else if (c->kind != CP_ENT_PERSON && e->kind != CP_ENT_PERSON
                 && e->kind != CP_ENT_PLACE && c->t1 - c->t0 > e->t1 - e->t0
                 && !is_tok(x, c->t0 + 1, "/")
                 /* a prefix of c has c's first byte, a suffix the first
                 ** byte of c's last word (affix calls, most failing at
                 ** the first word, were 7% of the run) */
                 && (e->t1 - e->t0 > 1
                     ? ((firstb[k] == eb_first && affix(x, e, c, 0))
                        || (lastb[k] == eb_last && affix(x, e, c, 1)))
                     : (!(x->lx[e->t0].shape & CP_SH_UPPER) && c->t1 - c->t0 <= 3
                        && lastb[k] == eb_last && affix(x, e, c, 1)))) {
        /* "Commission" -> "EC Commission", "General Motors" -> "General
        ** Motors Corp" */
        best = cand[k]; bestlen = cl;
      }
    }
    if (best != i) {
      e->canon = best;
      if (E->v[best].kind == CP_ENT_PERSON) e->kind = CP_ENT_PERSON;
    }
  }
}

int cp_entity_run (const char *s, size_t n, const cp_tokvec *tv,
                   const cp_lxtok *lx, cp_entities *out, cp_err *err) {
  ctx x;
  size_t k, ncap, next = 0;
  uint32_t *idx;
  int rc = CP_OK;
  if ((s == NULL && n > 0) || tv == NULL || (lx == NULL && tv->n > 0) || out == NULL)
    return cp_err_set(err, CP_EINVAL, "cp_entity_run: missing argument");
  if (tv->n > UINT32_MAX)   /* entities hold token indices in 32 bits */
    return cp_err_set(err, CP_EINVAL, "cp_entity_run: too many tokens");
  out->n = 0;
  x.s = s; x.tv = tv; x.lx = lx; x.out = out;
  x.skip_portf = 0;
  x.pl_s = NULL;
  x.pl_len = 0;
  x.pl_kind = 0;
  idx = (uint32_t *)malloc((tv->n ? tv->n : 1) * sizeof *idx);
  if (idx == NULL) return cp_err_set(err, CP_ENOMEM, "out of memory");
  ncap = cap_tokens(lx, tv->n, idx);
  if (capset_build(&x.caps, s, tv, lx, idx, ncap) != CP_OK) {
    free(idx);
    return cp_err_set(err, CP_ENOMEM, "out of memory");
  }
  for (k = 0; k < ncap && rc == CP_OK; k++) {
    size_t i = idx[k], j, a;
    if (i < next || !namelike(&x, i)) continue;
    j = run_end(&x, i);
    next = j;
    if (x.skip_portf > i && x.skip_portf <= j) {
      /* the rest of a portfolio: "(Mines and) Energy Subroto" */
      a = i;
      while (a < j && (cp_lx_flags(&x.lx[a]) & CP_LX_PORTF)) a++;
      if (a < j && a > i) {
        rc = split_run(&x, a, j);
        x.out->n && x.out->v[x.out->n - 1].t0 == a ? (void)(x.out->v[x.out->n - 1].kind = CP_ENT_PERSON) : (void)0;
        continue;
      }
    }
    rc = split_run(&x, i, j);
  }
  free(x.caps.h);
  free(idx);
  if (rc != CP_OK) return cp_err_set(err, rc, "out of memory");
  context_kinds(&x);
  link_names(&x);
  return CP_OK;
}
