/*
** quote.c -- rule-based quotations (quote.h).
**
** 1. Marks.  “ „ « open and ” » close; a straight " opens after a space
**    (or at a paragraph start) and closes otherwise; ‘ opens only before
**    a letter and after a space, and ’ closes only while a ‘ is open, so
**    apostrophes (the Coalition’s, ‘90s, rock ’n’ roll, ISIS’) are never
**    marks.  Marks nest (a stack of at most 8); only top-level quotes are
**    rows.  A quote still open at the end of a paragraph continues when
**    the next paragraph opens with a mark (one part per paragraph);
**    otherwise it ends there, with lower confidence.
** 2. Split quotes.  “A,” he said, “B” -- two quotes in one sentence
**    with a short gap holding a cue -- are one row with two parts.
** 3. Attribution.  The cue is the nearest reporting verb after the quote
**    (“…,” he said / said Smith), before it in the same sentence (He
**    said, “…” / declared that “…”), or the quote's own first word (the
**    Coalition “reaffirmed …”).  The speaker is the subject of the cue:
**    a name, a pronoun (resolved to the last person, or organisation,
**    named before), "the company"-like descriptions (the last
**    organisation named before), or the description as written.
** 4. Kind.  A quote that begins in lower case (not after a colon) is a
**    fragment of reported speech: "mixed"; otherwise "direct".  Quotes
**    with no cue and fewer than four words (scare quotes, titles) are
**    dropped.
** 5. Indirect speech in sentences without quotes: "X said (that) ...",
**    "..., X said.", "according to X, ...".
** Each search looks at a bounded window of tokens, so the run is linear.
*/
#include <stdlib.h>
#include <string.h>

#include "quote.h"
#include "lxscan.h"

const char *cp_quote_kind_name (int kind) {
  switch (kind) {
    case CP_Q_DIRECT: return "direct";
    case CP_Q_MIXED: return "mixed";
    default: return "indirect";
  }
}

void cp_quotes_free (cp_quotes *q) {
  if (q == NULL) return;
  free(q->v);
  q->v = NULL;
  q->n = q->cap = 0;
}

static int push (cp_quotes *q, const cp_quote *x) {
  if (q->n == q->cap) {
    size_t nc = q->cap ? q->cap * 2 : 8;
    cp_quote *nv = (cp_quote *)realloc(q->v, nc * sizeof *nv);
    if (nv == NULL) return CP_ENOMEM;
    q->v = nv;
    q->cap = nc;
  }
  q->v[q->n++] = *x;
  return CP_OK;
}

typedef struct ctx {
  const char *s;
  const cp_tokvec *tv;
  const cp_lxtok *lx;
  const cp_entities *ents;
  cp_quotes *out;
  size_t nq;          /* quotes in marks (before the indirect pass) */
  /* the speaker of the last attributed quote: "he" in the next one is
  ** most often the same person */
  int has_last;
  uint32_t last_sp0, last_sp1, last_end;
  int64_t last_speaker;
  /* the tokens that are quotation marks (mark() != M_NONE), in order:
  ** found once by pair_marks, read again by the indirect pass */
  uint32_t *mk;
  size_t nmk, capmk;
  /* the tokens the indirect pass looks at (sentence starts, cues and
  ** "according"), in order: found by the same scan as the marks, so
  ** the run reads each token's facts once */
  uint32_t *ev;
  size_t nev, capev;
  const cp_lxent *according;   /* the lexicon's entry of "according" */
  uint64_t evmask;             /* next_event's facts (lxscan.h) */
} ctx;

#define WIN_AFTER 16    /* tokens looked at after a quote for its cue */
#define WIN_BEFORE 30   /* ... and before it, in the same sentence */
#define MAXDEPTH 8

/* {==================================================================
** Marks
** =================================================================== */

enum { M_NONE = 0, M_OPEN, M_CLOSE, M_AMBIG };   /* role */
enum { F_DOUBLE = 1, F_SINGLE = 2 };             /* family */

/* token i spells w (n bytes); tokeq gives n at the call site, where
** the compiler folds strlen of a literal */
static int tokeq_n (const ctx *x, size_t i, const char *w, size_t n) {
  const cp_tok *t = &x->tv->v[i];
  return t->stop - t->start == n && x->s[t->start] == w[0]
         && memcmp(x->s + t->start, w, n) == 0;
}
#define tokeq(x, i, w) tokeq_n((x), (i), (w), strlen(w))

static int adj_before (const ctx *x, size_t i) {
  return i > 0 && x->tv->v[i].start == x->tv->v[i - 1].stop;
}

static int adj_after (const ctx *x, size_t i) {
  return i + 1 < x->tv->n && x->tv->v[i + 1].start == x->tv->v[i].stop;
}

/* role and family of token i as a quotation mark (see mark) */
static int mark_full (const ctx *x, size_t i, int *fam) {
  const cp_tok *t = &x->tv->v[i];
  size_t len = t->stop - t->start;
  if (len > 3) return M_NONE;
  *fam = F_DOUBLE;
  if (tokeq(x, i, "\"")) {
    /* Pakistan"s: a straight quote typed for an apostrophe */
    if (adj_before(x, i) && adj_after(x, i) && !(x->lx[i - 1].shape & CP_SH_PUNCT)
        && (x->lx[i + 1].shape & CP_SH_LOWER) && x->tv->v[i + 1].stop - x->tv->v[i + 1].start <= 2)
      return M_NONE;
    return M_AMBIG;
  }
  if (tokeq(x, i, "\xE2\x80\x9C") || tokeq(x, i, "\xE2\x80\x9E")    /* “ „ */
      || tokeq(x, i, "\xC2\xAB")) return M_OPEN;                  /* « */
  if (tokeq(x, i, "\xE2\x80\x9D") || tokeq(x, i, "\xC2\xBB"))    /* ” » */
    return M_CLOSE;
  *fam = F_SINGLE;
  if (tokeq(x, i, "\xE2\x80\x98")) {                              /* ‘ */
    /* opens before a letter ("‘90s" is an apostrophe), after a space */
    if (adj_after(x, i) && !(x->lx[i + 1].shape & (CP_SH_DIGIT | CP_SH_PUNCT))
        && !adj_before(x, i)) return M_OPEN;
    return M_NONE;
  }
  if (tokeq(x, i, "\xE2\x80\x99")) return M_CLOSE;                /* ’ */
  return M_NONE;
}

/* role and family of token i as a quotation mark; the test most
** tokens fail is inlined: every mark is punctuation starting with " or
** the UTF-8 lead byte of “ ” „ ‘ ’ (E2) or « » (C2) */
static inline int mark (const ctx *x, size_t i, int *fam) {
  unsigned char c0;
  if (!(x->lx[i].shape & CP_SH_PUNCT)) return M_NONE;
  c0 = (unsigned char)x->s[x->tv->v[i].start];
  if (c0 != '"' && c0 != 0xE2 && c0 != 0xC2) return M_NONE;
  return mark_full(x, i, fam);
}

/* }================================================================== */

/* sentence start at or before i (at most WIN_BEFORE back) */
static size_t sent_start (const ctx *x, size_t i) {
  size_t lim = i > WIN_BEFORE ? i - WIN_BEFORE : 0;
  while (i > lim && !(x->lx[i].shape & CP_SH_SSTART)) i--;
  return i;
}

static int is_cue (const ctx *x, size_t i) {
  return (cp_lx_flags(&x->lx[i]) & CP_LX_CUE) && (x->lx[i].shape & CP_SH_LOWER);
}

static int is_pron (const ctx *x, size_t i) {
  return (cp_lx_flags(&x->lx[i]) & CP_LX_PRON) != 0;
}

/* the last entity of kind k (or person/org if k < 0) ending before t;
** one that was the subject of a reporting verb ("Reagan said") is
** preferred to one merely mentioned since ("Gorbachev's offer") */
static int64_t last_entity_1 (const ctx *x, uint32_t t, int k, int speaking);

static int64_t last_entity (const ctx *x, uint32_t t, int k) {
  int64_t e = last_entity_1(x, t, k, 1);
  return e >= 0 ? e : last_entity_1(x, t, k, 0);
}

static int64_t last_entity_1 (const ctx *x, uint32_t t, int k, int speaking) {
  const cp_entities *E = x->ents;
  size_t lo = 0, hi = E->n, seen = 0;
  while (lo < hi) {   /* first entity with t0 >= t */
    size_t mid = lo + (hi - lo) / 2;
    if (E->v[mid].t0 < t) lo = mid + 1; else hi = mid;
  }
  while (lo > 0 && seen++ < 500) {
    const cp_entity *e = &E->v[--lo];
    if (e->t1 > t) continue;
    if (speaking && !e->speaks) continue;
    if (k >= 0 ? E->v[e->canon].kind == k
               : (e->kind == CP_ENT_PERSON || e->kind == CP_ENT_ORG))
      return (int64_t)lo;
  }
  return -1;
}

static int is_det (const ctx *x, size_t i) {
  return tokeq(x, i, "the") || tokeq(x, i, "a") || tokeq(x, i, "an") || tokeq(x, i, "one")
         || tokeq(x, i, "The") || tokeq(x, i, "A") || tokeq(x, i, "An") || tokeq(x, i, "One");
}

/* where a description starts: its last determiner not after "of" ("In
** this regard the Ministers", "a member of the soybean delegation") */
static size_t determiner (const ctx *x, size_t a, size_t b) {
  size_t i;
  for (i = b; i > a; i--)
    if (is_det(x, i - 1) && !(i - 1 > a && tokeq(x, i - 2, "of"))) return i - 1;
  return a;
}

/*
** Resolve the subject tokens [a, b) to a speaker: q->sp0/sp1 are set to
** them, q->speaker to an entity when one is found.  Returns 0 when the
** tokens cannot be a subject.
*/
static int resolve (const ctx *x, size_t a, size_t b, cp_quote *q) {
  size_t i;
  int64_t best = -1;
  while (a < b && ((x->lx[a].shape & CP_SH_PUNCT) || tokeq(x, a, "and")
                   || tokeq(x, a, "but") || tokeq(x, a, "so") || tokeq(x, a, "while")))
    a++;
  while (b > a && (x->lx[b - 1].shape & CP_SH_PUNCT)) b--;
  /* drop an adverb between subject and verb: "he also said" */
  while (b > a + 1 && (tokeq(x, b - 1, "also") || tokeq(x, b - 1, "later")
         || tokeq(x, b - 1, "then") || tokeq(x, b - 1, "further")
         || tokeq(x, b - 1, "has") || tokeq(x, b - 1, "had") || tokeq(x, b - 1, "have")))
    b--;
  if (a >= b || b - a > 16) return 0;
  /* "in which he said", "He welcomed ... and said": the pronoun */
  if (b - a > 1 && is_pron(x, b - 1) && !(x->lx[b - 1].shape & CP_SH_CAP && b - 1 > a))
    a = b - 1;
  else if (b - a > 1 && is_pron(x, a) && (x->lx[a].shape & CP_SH_SSTART)) b = a + 1;
  q->sp0 = (uint32_t)a; q->sp1 = (uint32_t)b;
  q->speaker = -1;
  if (b - a == 1 && is_pron(x, a)) {
    int who = x->lx[a].lx->small;
    int64_t sp = last_entity_1(x, (uint32_t)a, who == 'p' ? CP_ENT_PERSON : -1, 1);
    if (who != 'o' && x->has_last && x->last_end <= a && a - x->last_end < 150
        && !(sp >= 0 && x->ents->v[sp].t1 > x->last_end)
        && (x->last_speaker < 0
            || x->ents->v[x->last_speaker].kind == (who == 'p' ? CP_ENT_PERSON : x->ents->v[x->last_speaker].kind))) {
      q->speaker = x->last_speaker;
      if (q->speaker < 0) { q->sp0 = x->last_sp0; q->sp1 = x->last_sp1; }
      q->confidence *= 0.8;
      return 1;
    }
    if (who == 'p') best = last_entity(x, (uint32_t)a, CP_ENT_PERSON);
    else if (who == 'o') best = last_entity(x, (uint32_t)a, CP_ENT_ORG);
    else best = last_entity(x, (uint32_t)a, -1);
    if (best >= 0) q->speaker = (int64_t)x->ents->v[best].canon;
    q->confidence *= 0.8;
    return 1;
  }
  for (i = a; i < b; i++) {
    int64_t e = cp_entity_at(x->ents, (uint32_t)i);
    if (e >= 0) {
      int k = x->ents->v[x->ents->v[e].canon].kind;
      uint32_t t1 = x->ents->v[e].t1;
      /* "Thom Brown of Butcher and Singer", "Carlo De Benedetti, chairman
      ** of ...": a person before of / at / a comma heads the phrase */
      if (k == CP_ENT_PERSON && t1 < b
          && (tokeq(x, t1, "of") || tokeq(x, t1, "at") || tokeq(x, t1, ","))) {
        best = e;
        break;
      }
      int bk = best < 0 ? -1 : x->ents->v[x->ents->v[best].canon].kind;
      if (best < 0 || k == CP_ENT_PERSON
          || (k == CP_ENT_ORG && bk != CP_ENT_PERSON)
          || (k == CP_ENT_OTHER && bk == CP_ENT_PLACE))
        best = e;
      i = x->ents->v[e].t1 - 1;
    }
  }
  if (best >= 0) {
    const cp_entity *e = &x->ents->v[best];
    /* "a Treasury spokesman": the name modifies a title, the speaker is
    ** the description */
    if (!(e->t1 < b && (cp_lx_flags(&x->lx[b - 1]) & CP_LX_TITLE)
          && (x->lx[b - 1].shape & CP_SH_LOWER))) {
      q->speaker = (int64_t)e->canon;
      return 1;
    }
    q->sp0 = (uint32_t)determiner(x, a, b);
    return 1;
  }
  /* "the company said": the last organisation named before */
  if ((cp_lx_flags(&x->lx[b - 1]) & CP_LX_ORG) && (x->lx[b - 1].shape & CP_SH_LOWER)
      && b - a <= 3) {
    best = last_entity(x, (uint32_t)a, CP_ENT_ORG);
    if (best >= 0) q->speaker = (int64_t)x->ents->v[best].canon;
    q->confidence *= 0.8;
    return 1;
  }
  /* a description must be a short noun phrase: no verbs we know; it
  ** starts at its last determiner ("In this regard the Ministers") and
  ** ends with a role ("a Drexel spokesman", "one participant") */
  for (i = a; i < b; i++) if (is_cue(x, i)) return 0;
  a = determiner(x, a, b);
  q->sp0 = (uint32_t)a;
  if (b - a > 6) return 0;
  for (i = a; i < b; i++)
    if (cp_lx_flags(&x->lx[i]) & (CP_LX_TITLE | CP_LX_ORG)) return 1;
  return 0;
}

/* subject after the cue c: "said Smith, an analyst"; up to a comma */
static int subject_after (const ctx *x, size_t c, cp_quote *q) {
  size_t n = x->tv->n, b = c + 1, lim = c + 9;
  if (b < n && (tokeq(x, b, "that"))) return 0;
  while (b < n && b < lim && !(x->lx[b].shape & (CP_SH_PUNCT | CP_SH_SSTART))) b++;
  if (b == c + 1) return 0;
  return resolve(x, c + 1, b, q);
}

/* find cue and speaker after the quote: tokens [from, ...) */
static int attrib_after (const ctx *x, size_t from, cp_quote *q) {
  size_t n = x->tv->n, i, lim = from + WIN_AFTER;
  int fam;
  for (i = from; i < n && i < lim; i++) {
    if (x->lx[i].shape & (CP_SH_SSTART | CP_SH_PSTART)) return 0;
    if (mark(x, i, &fam) == M_OPEN || tokeq(x, i, ".") || tokeq(x, i, ";")
        || tokeq(x, i, "?") || tokeq(x, i, "!")) return 0;
    if (is_cue(x, i)) {
      q->cue = (int64_t)i;
      if (i > from && resolve(x, from, i, q)) return 1;
      if (subject_after(x, i, q)) return 1;
      q->sp0 = q->sp1 = 0;
      return 1;
    }
  }
  return 0;
}

/* find cue and speaker before the quote, in its sentence */
static size_t clause_start (const ctx *x, size_t i, size_t ss) {
  size_t a = i, lim = i > 16 ? i - 16 : 0;
  while (a > ss && a > lim && !tokeq(x, a - 1, ",") && !tokeq(x, a - 1, ";")) a--;
  return a;
}

static int attrib_before (const ctx *x, size_t m0, size_t ss, cp_quote *q) {
  size_t c;
  int64_t first_cue = -1;
  for (c = m0; c > ss; c--) {
    size_t i = c - 1;
    if (is_cue(x, i)) {
      /* subject: back to the sentence start or a comma, and past an
      ** apposition (", chairman of Olivetti, said") */
      size_t a = clause_start(x, i, ss);
      while (a > ss + 1 && tokeq(x, a - 1, ",")
             && ((cp_lx_flags(&x->lx[a]) & CP_LX_TITLE) || cp_lx_is(x->s, &x->tv->v[a], "a")
                 || cp_lx_is(x->s, &x->tv->v[a], "the")))
        a = clause_start(x, a - 1, ss);
      if (a < i && resolve(x, a, i, q)) {
        q->cue = (int64_t)i;
        return 1;
      }
      if (first_cue < 0) first_cue = (int64_t)i;
      continue;
    }
    if (tokeq(x, i, "according") && i + 1 < m0 && tokeq(x, i + 1, "to")) {
      q->cue = (int64_t)i;
      if (subject_after(x, i + 1, q)) return 1;
      return 1;
    }
  }
  if (first_cue >= 0) {
    /* "De Benedetti, chairman of ..., commenting on ..., said": the
    ** first person (else organisation) named in the sentence */
    size_t i;
    int64_t org = -1;
    q->cue = first_cue;
    if (is_pron(x, ss) && resolve(x, ss, ss + 1, q)) return 1;
    for (i = ss; i < (size_t)first_cue; i++) {
      int64_t e = cp_entity_at(x->ents, (uint32_t)i);
      if (e < 0) continue;
      if (x->ents->v[x->ents->v[e].canon].kind == CP_ENT_PERSON) {
        q->sp0 = x->ents->v[e].t0; q->sp1 = x->ents->v[e].t1;
        q->speaker = (int64_t)x->ents->v[e].canon;
        return 1;
      }
      if (org < 0 && x->ents->v[x->ents->v[e].canon].kind == CP_ENT_ORG) org = e;
      i = x->ents->v[e].t1 - 1;
    }
    if (org >= 0) {
      q->sp0 = x->ents->v[org].t0; q->sp1 = x->ents->v[org].t1;
      q->speaker = (int64_t)x->ents->v[org].canon;
    } else q->sp0 = q->sp1 = 0;
    return 1;
  }
  return 0;
}

/* the Coalition “reaffirmed …”: the quote's first word is the cue */
static int attrib_inside (const ctx *x, const cp_quote *q0, cp_quote *q) {
  size_t f = q0->part[0].t0, a, ss;
  if (!is_cue(x, f) || q0->m0 == 0) return 0;
  ss = sent_start(x, q0->m0);
  a = q0->m0;
  while (a > ss && a + 8 > q0->m0 && !tokeq(x, a - 1, ",")) a--;
  if (a >= q0->m0) return 0;
  q->cue = (int64_t)f;
  /* the subject is the name or pronoun right before the mark */
  {
    int64_t e = cp_entity_at(x->ents, q0->m0 - 1);
    if (e >= 0) return resolve(x, x->ents->v[e].t0, q0->m0, q);
  }
  return resolve(x, q0->m0 - 1, q0->m0, q);
}

static size_t words_in (const ctx *x, const cp_quote *q) {
  size_t w = 0, i;
  unsigned p;
  for (p = 0; p < q->nparts; p++)
    for (i = q->part[p].t0; i < q->part[p].t1; i++)
      if (!(x->lx[i].shape & CP_SH_PUNCT)) w++;
  return w;
}

/* the first person (else organisation) named in tokens [a, b) */
static int first_actor (const ctx *x, size_t a, size_t b, cp_quote *q) {
  size_t i;
  int64_t org = -1, pick = -1;
  for (i = a; i < b; i++) {
    int64_t e = cp_entity_at(x->ents, (uint32_t)i);
    if (e < 0) continue;
    if (x->ents->v[x->ents->v[e].canon].kind == CP_ENT_PERSON) { pick = e; break; }
    if (org < 0 && x->ents->v[x->ents->v[e].canon].kind == CP_ENT_ORG) org = e;
    i = x->ents->v[e].t1 - 1;
  }
  if (pick < 0) pick = org;
  if (pick < 0) return 0;
  q->sp0 = x->ents->v[pick].t0;
  q->sp1 = x->ents->v[pick].t1;
  q->speaker = (int64_t)x->ents->v[pick].canon;
  return 1;
}

/* every word capitalised: "Louvre Agreement", "We Extend Your Reach" */
static int title_case (const ctx *x, const cp_quote *q) {
  size_t i, words = 0;
  unsigned p;
  for (p = 0; p < q->nparts; p++)
    for (i = q->part[p].t0; i < q->part[p].t1; i++) {
      if (x->lx[i].shape & CP_SH_PUNCT) continue;
      if (!(x->lx[i].shape & (CP_SH_CAP | CP_SH_DIGIT))) return 0;
      words++;
    }
  return words > 0 && words <= 4;
}

/* cue, speaker, kind and confidence of a quote in marks */
static void attribute (const ctx *x, cp_quote *q, int gap_cue) {
  size_t f = q->part[0].t0;
  int lowercase = (x->lx[f].shape & CP_SH_LOWER)
                  && !(q->m0 > 0 && tokeq(x, q->m0 - 1, ":"));
  int found;
  q->kind = lowercase ? CP_Q_MIXED : CP_Q_DIRECT;
  if (gap_cue) return;      /* split quote: attributed by its gap */
  if (lowercase)
    found = attrib_before(x, q->m0, sent_start(x, q->m0), q) || attrib_inside(x, q, q)
            || attrib_after(x, q->m1, q);
  else
    found = attrib_after(x, q->m1, q) || attrib_before(x, q->m0, sent_start(x, q->m0), q);
  if (!found) { q->cue = -1; q->confidence *= 0.5; }
}

/* {==================================================================
** Pairing marks into quotes
** =================================================================== */

typedef struct open_q {
  cp_quote q;
  int active;
  int fam;            /* family of the outermost mark */
  size_t depth;
  int stack[MAXDEPTH];
  size_t body;        /* first token of the current part */
} open_q;

static void qinit (open_q *o, size_t i, int fam, double conf) {
  memset(&o->q, 0, sizeof o->q);
  o->q.cue = -1;
  o->q.speaker = -1;
  o->q.confidence = conf;
  o->q.m0 = (uint32_t)i;
  o->active = 1;
  o->fam = fam;
  o->depth = 1;
  o->stack[0] = fam;
  o->body = i + 1;
}

static void add_part (const ctx *x, open_q *o, size_t end) {
  cp_qpart *p;
  if (end <= o->body || o->q.nparts >= CP_QUOTE_MAXPARTS) return;
  p = &o->q.part[o->q.nparts++];
  p->t0 = (uint32_t)o->body;
  p->t1 = (uint32_t)end;
  p->start = x->tv->v[o->body].start;
  p->stop = x->tv->v[end - 1].stop;
}

/* a finished quote (last token 'last', a mark or the paragraph end) */
static int finish (ctx *x, open_q *o, size_t last) {
  o->active = 0;
  if (o->q.nparts == 0) return CP_OK;
  o->q.m1 = (uint32_t)(last + 1);
  return push(x->out, &o->q);
}

/* append token i to the list *v (*n of *cap) */
static int note (uint32_t **v, size_t *n, size_t *cap, size_t i) {
  if (*n == *cap) {
    size_t nc = *cap ? 2 * *cap : 64;
    uint32_t *nv = (uint32_t *)realloc(*v, nc * sizeof *nv);
    if (nv == NULL) return CP_ENOMEM;
    *v = nv;
    *cap = nc;
  }
  (*v)[(*n)++] = (uint32_t)i;
  return CP_OK;
}

/* can token i start indirect speech: a cue, or "according" (a common
** word: its entry, not its flags, tells it) */
static int ind_start (const ctx *x, size_t i) {
  return (cp_lx_flags(&x->lx[i]) & CP_LX_CUE)
         || (x->according != NULL && x->lx[i].lx == x->according);
}

/*
** The first token at or after i that the run looks at: punctuation
** (every mark is), a sentence or paragraph start, or an ind_start
** token.  9 tokens in 10 are none of these, and testing them one pass
** after another was 80% of the run (45M instructions on 5 MB of UN
** debates): this loop is the only one that reads them.
*/
static inline size_t next_event (const ctx *x, size_t i, size_t n) {
  const cp_lxtok *p = x->lx + i, *e = x->lx + n;
  const cp_lxent *acc = x->according;
  uint64_t m = x->evmask;   /* the shape and flag bits, one word a token */
  while (e - p >= 4 && !((cp_lxscan_word(p) | cp_lxscan_word(p + 1) | cp_lxscan_word(p + 2)
                          | cp_lxscan_word(p + 3)) & m)
         && p[0].lx != acc && p[1].lx != acc && p[2].lx != acc && p[3].lx != acc)
    p += 4;
  while (p < e && !(cp_lxscan_word(p) & m) && p->lx != acc) p++;
  return (size_t)(p - x->lx);
}

static int pair_marks (ctx *x) {
  size_t n = x->tv->n, i;
  open_q o;
  int rc = CP_OK;
  o.active = 0;
  for (i = next_event(x, 0, n); i < n && rc == CP_OK; i = next_event(x, i + 1, n)) {
    int fam = 0, role;
    unsigned sh = x->lx[i].shape;
    if (((sh & CP_SH_SSTART) || ind_start(x, i))
        && (rc = note(&x->ev, &x->nev, &x->capev, i)) != CP_OK)
      break;
    /* a word (no mark) matters only where a paragraph starts in a quote */
    if (!(sh & CP_SH_PUNCT) && !((sh & CP_SH_PSTART) && o.active)) continue;
    /* every mark is punctuation and every punctuation token gets here:
    ** the list of marks is complete */
    if ((sh & CP_SH_PUNCT) && mark(x, i, &fam) != M_NONE
        && (rc = note(&x->mk, &x->nmk, &x->capmk, i)) != CP_OK)
      break;
    if ((sh & CP_SH_PSTART) && o.active) {
      /* a paragraph ends inside a quote */
      role = mark(x, i, &fam);
      add_part(x, &o, i);
      if ((role == M_OPEN || role == M_AMBIG) && fam == o.fam
          && o.q.nparts < CP_QUOTE_MAXPARTS) {
        o.depth = 1;              /* continues in this paragraph */
        o.body = i + 1;
        continue;
      }
      o.q.confidence *= 0.6;      /* never closed */
      rc = finish(x, &o, i - 1);
    }
    role = mark(x, i, &fam);
    if (role == M_NONE) continue;
    if (role == M_AMBIG) {
      int open_here = !adj_after(x, i) ? 0
        : (!adj_before(x, i) || (x->lx[i].shape & CP_SH_PSTART));
      if (o.active && o.stack[o.depth - 1] == F_DOUBLE && !open_here) role = M_CLOSE;
      else if (o.active && o.stack[o.depth - 1] == F_DOUBLE && adj_before(x, i)) role = M_CLOSE;
      else role = open_here ? M_OPEN : (o.active ? M_CLOSE : M_NONE);
      if (role == M_NONE) continue;
    }
    if (role == M_OPEN) {
      if (!o.active) qinit(&o, i, fam, 1.0);
      else if (o.depth < MAXDEPTH) o.stack[o.depth++] = fam;
      continue;
    }
    /* a close: pop to the innermost open mark of its family */
    if (!o.active) continue;
    {
      size_t d = o.depth;
      while (d > 0 && o.stack[d - 1] != fam) d--;
      if (d == 0) continue;       /* ’ with no ‘ open: an apostrophe */
      o.depth = d - 1;
      if (o.depth == 0) {
        add_part(x, &o, i);
        rc = finish(x, &o, i);
      }
    }
  }
  if (rc == CP_OK && o.active) {
    add_part(x, &o, n);
    o.q.confidence *= 0.6;
    rc = finish(x, &o, n - 1);
  }
  return rc;
}

/* }================================================================== */

/* “A,” he said, “B”: merge quote k+1 into k when the gap between them is
** short, in one sentence, holds a cue, and A ends with a comma */
static int merge_split (ctx *x, size_t k) {
  cp_quote *a = &x->out->v[k], *b = &x->out->v[k + 1];
  size_t i, cue = 0;
  int has_cue = 0;
  cp_quote tmp;
  const cp_qpart *last = &a->part[a->nparts - 1];
  if (a->nparts + b->nparts > CP_QUOTE_MAXPARTS) return 0;
  if (b->m0 < a->m1 || b->m0 - a->m1 > 8 || b->m0 == a->m1) return 0;
  if (!tokeq(x, last->t1 - 1, ",") && !tokeq(x, a->m1, ",")) return 0;
  for (i = a->m1; i < b->m0; i++) {
    if (x->lx[i].shape & (CP_SH_SSTART | CP_SH_PSTART)) return 0;
    if (tokeq(x, i, ".") || tokeq(x, i, ";")) return 0;
    if (is_cue(x, i) && !has_cue) { has_cue = 1; cue = i; }
  }
  if (!has_cue) return 0;
  tmp = *a;
  tmp.cue = (int64_t)cue;
  tmp.confidence = a->confidence < b->confidence ? a->confidence : b->confidence;
  if (!(cue > a->m1 && resolve(x, a->m1, cue, &tmp)) && !subject_after(x, cue, &tmp)) {
    tmp.sp0 = tmp.sp1 = 0;
    tmp.speaker = -1;
  }
  memcpy(&tmp.part[tmp.nparts], b->part, b->nparts * sizeof b->part[0]);
  tmp.nparts += b->nparts;
  tmp.m1 = b->m1;
  *a = tmp;
  return 1;
}

/* {==================================================================
** Indirect speech
** =================================================================== */

static int say_cue (const ctx *x, size_t i) {
  /* with their lengths: a strlen a word was 5% of the run */
#define SAYW(s) {s, sizeof(s) - 1}
  static const struct { const char *w; size_t n; } v[] = {
    SAYW("acknowledged"), SAYW("added"), SAYW("adds"), SAYW("announced"),
    SAYW("argued"), SAYW("claimed"), SAYW("confirmed"), SAYW("declared"),
    SAYW("denied"), SAYW("emphasised"), SAYW("emphasized"),
    SAYW("estimated"), SAYW("explained"), SAYW("insisted"), SAYW("noted"),
    SAYW("predicted"), SAYW("reaffirmed"), SAYW("recalled"),
    SAYW("reiterated"), SAYW("reported"), SAYW("said"), SAYW("say"),
    SAYW("says"), SAYW("stated"), SAYW("stressed"), SAYW("tells"),
    SAYW("told"), SAYW("urged"), SAYW("warned")};
#undef SAYW
  size_t k;
  if (!is_cue(x, i)) return 0;
  for (k = 0; k < sizeof v / sizeof v[0]; k++)
    if (tokeq_n(x, i, v[k].w, v[k].n)) return 1;
  return 0;
}

static int add_indirect (ctx *x, size_t c0, size_t c1, size_t cue,
                         const cp_quote *spk) {
  cp_quote q = *spk;
  while (c0 < c1 && (x->lx[c0].shape & CP_SH_PUNCT)) c0++;
  while (c1 > c0 && (x->lx[c1 - 1].shape & CP_SH_PUNCT)) c1--;
  if (c1 < c0 + 3) return CP_OK;
  q.kind = CP_Q_INDIRECT;
  q.nparts = 1;
  q.part[0].t0 = (uint32_t)c0;
  q.part[0].t1 = (uint32_t)c1;
  q.part[0].start = x->tv->v[c0].start;
  q.part[0].stop = x->tv->v[c1 - 1].stop;
  q.m0 = (uint32_t)c0;
  q.m1 = (uint32_t)c1;
  q.cue = (int64_t)cue;
  q.confidence *= 0.7;
  return push(x->out, &q);
}

/* one sentence [ss, se) with no quote marks, whose events are
** x->ev[k0..k1) */
static int indirect_sentence (ctx *x, size_t ss, size_t se, size_t k0, size_t k1) {
  size_t ke = k0;
  cp_quote q;
  /* most sentences have no cue: no quote to clear for them */
  while (ke < k1 && !ind_start(x, x->ev[ke])) ke++;
  if (ke == k1) return CP_OK;
  memset(&q, 0, sizeof q);
  q.speaker = -1;
  for (; ke < k1 && x->ev[ke] < ss + 200; ke++) {
    /* only "according" or a cue starts anything here */
    size_t i = x->ev[ke];
    uint32_t f = cp_lx_flags(&x->lx[i]);
    if (!ind_start(x, i)) continue;
    q.confidence = 1.0;
    /* "according" is a common word of the lexicon: its flags first */
    if ((f & CP_LX_COMMON) && x->lx[i].lx == x->according
        && tokeq(x, i, "according")
        && i + 1 < se && tokeq(x, i + 1, "to")) {
      size_t e = i + 2;
      while (e < se && !tokeq(x, e, ",") && !tokeq(x, e, ".")) e++;
      if (!resolve(x, i + 2, e, &q)) return CP_OK;
      if (i == ss) return add_indirect(x, e, se, i, &q);
      return add_indirect(x, ss, i, i, &q);
    }
    if (say_cue(x, i)) {
      size_t a = i, c0 = i + 1;
      /* "..., X said." at the end of the sentence */
      if (i + 2 >= se && i > ss) {
        while (a > ss && !tokeq(x, a - 1, ",")) a--;
        if (a > ss + 2 && resolve(x, a, i, &q)) return add_indirect(x, ss, a - 1, i, &q);
        return CP_OK;
      }
      /* "X said (that) ..." with X from the sentence start or a comma */
      while (a > ss && !tokeq(x, a - 1, ",")) a--;
      /* "..., as X acknowledged in ...": the speech is before */
      if (a > ss + 2 && a < i && tokeq(x, a, "as")) {
        if (resolve(x, a + 1, i, &q)) return add_indirect(x, ss, a - 1, i, &q);
        return CP_OK;
      }
      if (a >= i || !resolve(x, a, i, &q)) return CP_OK;
      if (tokeq(x, i, "told") || tokeq(x, i, "tells")) {   /* told reporters */
        size_t k = c0;
        while (k < se && k < c0 + 4 && !tokeq(x, k, "that")) k++;
        if (k < se && tokeq(x, k, "that")) c0 = k;
        else if (c0 < se) c0++;
      }
      if (c0 < se && tokeq(x, c0, "that")) c0++;
      return add_indirect(x, c0, se, i, &q);
    }
  }
  return CP_OK;
}

static int indirect (ctx *x) {
  size_t n = x->tv->n, ss = 0, qi = 0, mi = 0, k0 = 0;
  int rc = CP_OK;
  while (ss < n && rc == CP_OK) {
    size_t se, k1;
    int quoted = 0;
    /* the events of [ss, se): the sentence ends at the next start */
    while (k0 < x->nev && x->ev[k0] < ss) k0++;
    for (k1 = k0; k1 < x->nev; k1++)
      if (x->ev[k1] > ss && (x->lx[x->ev[k1]].shape & CP_SH_SSTART)) break;
    se = k1 < x->nev ? x->ev[k1] : n;
    while (qi < x->nq && x->out->v[qi].m1 <= ss) qi++;
    if (qi < x->nq && x->out->v[qi].m0 < se) quoted = 1;
    /* a mark in [ss, se): the next one at or after ss */
    while (mi < x->nmk && x->mk[mi] < ss) mi++;
    if (mi < x->nmk && x->mk[mi] < se) quoted = 1;
    if (!quoted) rc = indirect_sentence(x, ss, se, k0, k1);
    ss = se;
  }
  return rc;
}

/* }================================================================== */

int cp_quote_run (const char *s, size_t n, const cp_tokvec *tv,
                  const cp_lxtok *lx, const cp_entities *ents,
                  cp_quotes *out, cp_err *err) {
  ctx x;
  size_t k, w;
  int rc;
  if ((s == NULL && n > 0) || tv == NULL || (lx == NULL && tv->n > 0)
      || ents == NULL || out == NULL)
    return cp_err_set(err, CP_EINVAL, "cp_quote_run: missing argument");
  out->n = 0;
  x.s = s; x.tv = tv; x.lx = lx; x.ents = ents; x.out = out;
  x.has_last = 0;
  x.last_sp0 = x.last_sp1 = x.last_end = 0;
  x.last_speaker = -1;
  x.mk = x.ev = NULL;
  x.nmk = x.capmk = x.nev = x.capev = 0;
  /* the same entry every token spelling "according" has */
  x.according = cp_lx_find("according", 9);
  x.evmask = cp_lxscan_mask(CP_SH_PUNCT | CP_SH_SSTART | CP_SH_PSTART, 0, CP_LX_CUE);
  if ((rc = pair_marks(&x)) != CP_OK) goto oom;
  /* split quotes, then attribution and the scare-quote filter */
  for (k = 0, w = 0; k < out->n; ) {
    int gap = 0;
    out->v[w] = out->v[k++];
    while (k < out->n) {
      out->v[w + 1] = out->v[k];   /* w + 1 <= k: a slot already read */
      if (!merge_split(&x, w)) break;
      gap = 1;
      k++;
    }
    if (title_case(&x, &out->v[w])) continue;   /* a name or title in marks */
    attribute(&x, &out->v[w], gap);
    if (out->v[w].cue < 0) {
      cp_quote *q = &out->v[w];
      size_t ss = sent_start(&x, q->m0);
      if (words_in(&x, q) < 4) continue;        /* scare quotes: "junk bond" */
      if (ss < q->m0 && first_actor(&x, ss, q->m0, q)) {
        /* Economists at Shearson were succinct: “a slight decline” */
        q->confidence *= 0.6;
      } else if (ss > 0 && (x.lx[q->m0].shape & CP_SH_SSTART)
                 && attrib_before(&x, ss, sent_start(&x, ss - 1), q)) {
        /* Miller reiterated his opposition. “I think ...” */
        q->cue = -1;
        q->confidence *= 0.6;
      } else if (w > 0 && out->v[w - 1].sp1 > out->v[w - 1].sp0 && q->m0 >= out->v[w - 1].m1
          && q->m0 - out->v[w - 1].m1 <= 40) {
        /* a quote that goes on after its attribution: “A,” he said. “B.” */
        q->sp0 = out->v[w - 1].sp0; q->sp1 = out->v[w - 1].sp1;
        q->speaker = out->v[w - 1].speaker;
        q->confidence *= 0.7;
      } else if (ss > 0 && !(x.lx[ss].shape & CP_SH_PSTART)
                 && first_actor(&x, sent_start(&x, ss - 1), ss, q)) {
        /* Subroto blamed the market. “If we stick ...” */
        q->confidence *= 0.5;
      }
      q->cue = -1;
    }
    if (out->v[w].sp1 > out->v[w].sp0) {
      x.has_last = 1;
      x.last_sp0 = out->v[w].sp0; x.last_sp1 = out->v[w].sp1;
      x.last_speaker = out->v[w].speaker;
      x.last_end = out->v[w].m1;
    }
    if (out->v[w].cue >= 0 && out->v[w].sp1 == out->v[w].sp0)
      out->v[w].confidence *= 0.5;
    w++;
  }
  out->n = w;
  x.nq = w;
  if ((rc = indirect(&x)) != CP_OK) goto oom;
  /* indirect rows were appended; keep text order */
  if (out->n > x.nq) {
    cp_quote *m = (cp_quote *)malloc(out->n * sizeof *m);
    size_t a = 0, b = x.nq, o = 0;
    if (m == NULL) { rc = CP_ENOMEM; goto oom; }
    while (a < x.nq || b < out->n) {
      if (b >= out->n || (a < x.nq && out->v[a].m0 <= out->v[b].m0)) m[o++] = out->v[a++];
      else m[o++] = out->v[b++];
    }
    memcpy(out->v, m, out->n * sizeof *m);
    free(m);
  }
  free(x.mk);
  free(x.ev);
  return CP_OK;
oom:
  free(x.mk);
  free(x.ev);
  return cp_err_set(err, rc, "out of memory");
}
