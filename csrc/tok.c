/*
** tok.c -- UAX #29 word and sentence segmentation (Unicode 15.0) and
** the corpus tailoring on top of it; cp_tok_run turns segments into
** tokens with sentence and paragraph flags.  docs/TOKENIZER.md states
** the tailoring rules in prose.
**
** Both segmenters are written as "next boundary after pos" functions
** that start from a fresh state at pos.  That is exact for UAX #29:
** every rule that looks left of a position (WB7, WB7c, WB11, the RI
** pairs, SB7, SB8-SB11) has a mirror rule that would already have
** forbidden a break at the earlier position, so no context ever
** reaches back across a boundary.
*/
#include <stdlib.h>
#include <string.h>

#include "bytes8.h"
#include "tok.h"
#include "unitab.h"
#include "utf8.h"

#if defined(__SSE2__) && defined(__GNUC__)
#include <emmintrin.h>
#endif

/* internal flags: token follows exactly one line break (it may become
** a paragraph start when the document has no blank line at all), and
** that line is indented */
#define TF_LINE   0x100u
#define TF_INDENT 0x200u

/* lines no longer than this (bytes) may be fixed-width wrapped text */
#define WRAPWIDTH 120

#define NONE 0xffu  /* "no character": start of segment */

/* {==================================================================
** Character access
** ===================================================================*/

/* property word of the character at s[i] (i < n); *len its length */
static inline unsigned prop_at (const unsigned char *s, size_t n, size_t i,
                                uint32_t *c, size_t *len) {
  uint32_t ch;
  if (s[i] < 0x80) {
    *len = 1;
    *c = s[i];
    return cp_uni_ascii[s[i]];
  }
  ch = cp_utf8_decode(s + i, n - i, len);
  *c = ch;
  return cp_uni_prop(ch);
}

static int is_hyphen (uint32_t c) {
  return c == 0x2D || c == 0x2010 || c == 0x2011;
}

static int is_asciialpha (unsigned c) {
  return (c | 0x20) >= 'a' && (c | 0x20) <= 'z';
}

/* word-at-a-time tests: any byte with the high bit set; any byte equal
** to c (exact: the classic "has a zero byte" test on w ^ c...c) */
#define ONES   UINT64_C(0x0101010101010101)
#define HIBITS UINT64_C(0x8080808080808080)
#define HASBYTE(w, c) \
  ((((w) ^ (ONES * (c))) - ONES) & ~((w) ^ (ONES * (c))) & HIBITS)

/* high bit of each byte of w (all bytes < 0x80) that lies in [lo, hi];
** the sums stay below 0x100, so no carry crosses a byte */
#define INRANGE(w, lo, hi) \
  (((w) + ONES * (0x80 - (lo))) & ~((w) + ONES * (0x7F - (hi))) & HIBITS)

/* is the ASCII byte c a letter or digit (word character)? */
#define ASCIIWORD(c) ((c) < 0x80 && (cp_uni_ascii[c] & CP_UNI_WORD))

/*
** End of the run of ASCII letters and digits starting at s[i] (i < n).
** Sixteen bytes per step with SSE2, else eight on little-endian
** GCC/Clang; the tail byte by byte.  The first byte that
** is not [0-9A-Za-z] is found with one count-trailing-zeros instead of
** a mispredicted branch at the end of every word.
*/
static inline size_t alnum_run (const unsigned char *s, size_t n, size_t i) {
#if defined(__SSE2__) && defined(__GNUC__)
  /* sixteen bytes per step: x is a digit when x - '0' <= 9 and a letter
  ** when (x | 0x20) - 'a' <= 25, unsigned (min(y, k) == y) */
  const __m128i zero = _mm_set1_epi8('0'), nine = _mm_set1_epi8(9);
  const __m128i a = _mm_set1_epi8('a'), z = _mm_set1_epi8(25);
  const __m128i lc = _mm_set1_epi8(0x20);
  while (i + 16 <= n) {
    __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(s + i));
    __m128i d = _mm_sub_epi8(v, zero);
    __m128i l = _mm_sub_epi8(_mm_or_si128(v, lc), a);
    __m128i ok = _mm_or_si128(_mm_cmpeq_epi8(_mm_min_epu8(d, nine), d),
                              _mm_cmpeq_epi8(_mm_min_epu8(l, z), l));
    unsigned bad = (unsigned)_mm_movemask_epi8(ok) ^ 0xFFFFu;
    if (bad) return i + (size_t)__builtin_ctz(bad);
    i += 16;
  }
  /* the tail byte by byte: the 8-byte loop's constants, hoisted to the
  ** top, were 4% of cp_tok_run */
#elif defined(__GNUC__) && defined(__BYTE_ORDER__) \
    && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
  while (i + 8 <= n) {
    uint64_t w, w7, good, bad;
    memcpy(&w, s + i, 8);
    w7 = w & ~HIBITS;
    good = INRANGE(w7, '0', '9') | INRANGE(w7 | (ONES * 0x20), 'a', 'z');
    bad = (~good & HIBITS) | (w & HIBITS);
    if (bad) return i + ((size_t)__builtin_ctzll(bad) >> 3);
    i += 8;
  }
#endif
  while (i < n && ASCIIWORD(s[i])) i++;
  return i;
}

/*
** Bit i set when p[i] (i < 16) is an ASCII letter or digit; *blank gets
** the bits of the blanks (' ').
*/
static inline unsigned word16 (const unsigned char *p, unsigned *blank) {
#if defined(__SSE2__) && defined(__GNUC__)
  const __m128i zero = _mm_set1_epi8('0'), nine = _mm_set1_epi8(9);
  const __m128i a = _mm_set1_epi8('a'), z = _mm_set1_epi8(25);
  const __m128i lc = _mm_set1_epi8(0x20);
  __m128i v = _mm_loadu_si128((const __m128i *)(const void *)p);
  __m128i d = _mm_sub_epi8(v, zero);
  __m128i l = _mm_sub_epi8(_mm_or_si128(v, lc), a);
  __m128i ok = _mm_or_si128(_mm_cmpeq_epi8(_mm_min_epu8(d, nine), d),
                            _mm_cmpeq_epi8(_mm_min_epu8(l, z), l));
  *blank = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(v, lc));
  return (unsigned)_mm_movemask_epi8(ok);
#else
  unsigned i, w = 0, b = 0;
  for (i = 0; i < 16; i++) {
    w |= (unsigned)ASCIIWORD(p[i]) << i;
    b |= (unsigned)(p[i] == ' ') << i;
  }
  *blank = b;
  return w;
#endif
}

/* }================================================================== */


/* {==================================================================
** Abbreviations (corpus mode)
** ===================================================================*/

/* case-sensitive, as written in docs/TOKENIZER.md; by length */
static const char *const abbrevs[] = {
  "", "",
  "Mr Ms Dr St Lt Jr Sr Co No vs ",
  "Mrs Gen Col Sgt Gov Sen Rep Rev Hon Inc Ltd etc Jan Feb Mar Apr Jun Jul "
  "Aug Sep Oct Nov Dec ",
  "Prof Corp Sept "
};

/* is s[0..len) one of the words in abbrevs[len]? */
static int in_abbrevs (const unsigned char *w, size_t len) {
  const char *p;
  if (len >= sizeof(abbrevs) / sizeof(abbrevs[0])) return 0;
  for (p = abbrevs[len]; *p; p += len + 1)
    if (memcmp(p, w, len) == 0) return 1;
  return 0;
}

/*
** Does the period at s[dot] belong to the word s[w..dot)?  True for a
** listed abbreviation ("No" only before a number: "No. 5"), for single
** ASCII letters joined by periods ("U.S", "e.g"), and for a single
** capital letter (an initial: "J. Blinken").  A period that starts a
** run ("etc...") never does.
*/
static int abbrev_period (const unsigned char *s, size_t n, size_t w,
                          size_t dot) {
  size_t len = dot - w, i;
  if (len == 0 || len > 16 || dot >= n || s[dot] != '.') return 0;
  if (dot + 1 < n && s[dot + 1] == '.') return 0;
  if (len == 1)
    return s[w] >= 'A' && s[w] <= 'Z';
  if (len % 2 == 1) {  /* L.L.L */
    for (i = 0; i < len; i++)
      if ((i % 2 == 0) ? !is_asciialpha(s[w + i]) : s[w + i] != '.') break;
    if (i == len) return 1;
  }
  if (in_abbrevs(s + w, len)) {
    if (len == 2 && memcmp(s + w, "No", 2) == 0) {
      size_t j = dot + 1;
      while (j < n && (s[j] == ' ' || s[j] == '\t')) j++;
      return j < n && s[j] >= '0' && s[j] <= '9';
    }
    return 1;
  }
  return 0;
}

/*
** Sentence side: is the period at s[dot] the end of an abbreviation?
** The word is found by scanning back over ASCII letters and periods;
** it must not continue into a word character or a joiner before it
** (the word segmenter would then see a longer word).
*/
static int abbrev_before (const unsigned char *s, size_t n, size_t dot) {
  size_t w = dot;
  /* five letters before the dot, the common sentence end, make no
  ** abbreviation: listed ones have at most four, and L.L.L never two
  ** in a row */
  while (w > 0 && dot - w < 5 && is_asciialpha(s[w - 1])) w--;
  if (dot - w == 5) return 0;
  while (w > 0 && dot - w < 17 && (is_asciialpha(s[w - 1]) || s[w - 1] == '.'))
    w--;
  if (w == dot || s[w] == '.') return 0;
  if (w > 0) {
    size_t b = w - 1, len;
    uint32_t c;
    unsigned p, wb;
    while (b > 0 && w - b < 4 && (s[b] & 0xC0) == 0x80) b--;
    p = prop_at(s, n, b, &c, &len);
    wb = CP_UNI_WB(p);
    if ((p & CP_UNI_WORD) || is_hyphen(c) || wb == CP_WB_EXTENDNUMLET
        || wb == CP_WB_MIDLETTER || wb == CP_WB_MIDNUMLET || wb == CP_WB_SQ
        || wb == CP_WB_MIDNUM || wb == CP_WB_EXTEND || wb == CP_WB_FORMAT
        || wb == CP_WB_ZWJ)
      return 0;
  }
  return abbrev_period(s, n, w, dot);
}

/* }================================================================== */


/* {==================================================================
** Word boundaries
** ===================================================================*/

#define AH(x)    ((x) == CP_WB_ALETTER || (x) == CP_WB_HL)
#define MNLQ(x)  ((x) == CP_WB_MIDNUMLET || (x) == CP_WB_SQ)
#define IGN(x)   ((x) == CP_WB_EXTEND || (x) == CP_WB_FORMAT || (x) == CP_WB_ZWJ)

/* the next character at or after i that WB4 does not skip:
** its property word (0 with *c = NONE at end of text) */
static unsigned wb_ahead (const unsigned char *s, size_t n, size_t i,
                          uint32_t *c) {
  while (i < n) {
    size_t len;
    unsigned p = prop_at(s, n, i, c, &len);
    if (!IGN(CP_UNI_WB(p))) return p;
    i += len;
  }
  *c = NONE;
  return 0;
}

/*
** End of the word segment that starts at pos (pos < n).  'corpus' adds
** the hyphen rule and the "..." / "--" runs.
*/
static size_t wb_next (const unsigned char *s, size_t n, size_t pos,
                       int corpus) {
  size_t len, i;
  uint32_t c, l1c;
  unsigned p = prop_at(s, n, pos, &c, &len);
  unsigned raw = CP_UNI_WB(p);  /* previous character, WB4 not applied */
  unsigned l1 = raw, l1p = p;   /* previous character after WB4 */
  unsigned l2 = NONE, l2p = 0;  /* the one before that */
  unsigned nri = (raw == CP_WB_RI);
  l1c = c;
  i = pos + len;
  /* WB3, WB3a */
  if (raw == CP_WB_CR)
    return (i < n && s[i] == '\n') ? i + 1 : i;
  if (raw == CP_WB_LF || raw == CP_WB_NEWLINE) return i;
  while (i < n) {
    unsigned q, r;
    if ((l1 == CP_WB_ALETTER || l1 == CP_WB_NUMERIC) && s[i] < 0x80
        && (cp_uni_ascii[s[i]] & CP_UNI_WORD)) {
      /* fast path: ASCII letters and digits after a letter or digit
      ** always join (WB5, WB8, WB9, WB10) */
      size_t j = alnum_run(s, n, i + 1);
      if (j - i >= 2) { l2p = cp_uni_ascii[s[j - 2]]; l2 = CP_UNI_WB(l2p); }
      else { l2 = l1; l2p = l1p; }
      l1c = s[j - 1];
      l1p = cp_uni_ascii[l1c];
      l1 = raw = CP_UNI_WB(l1p);
      nri = 0;
      i = j;
      if (i >= n) break;
    }
    q = prop_at(s, n, i, &c, &len);
    r = CP_UNI_WB(q);
    if (r == CP_WB_CR || r == CP_WB_LF || r == CP_WB_NEWLINE)
      return i;                                              /* WB3b */
    if (raw == CP_WB_ZWJ && (q & CP_UNI_EXTPICT)) goto join;  /* WB3c */
    if (raw == CP_WB_WSEGSPACE && r == CP_WB_WSEGSPACE) goto join; /* WB3d */
    if (IGN(r)) { raw = r; i += len; continue; }              /* WB4 */
    if (AH(l1)) {
      if (AH(r)) goto join;                                   /* WB5 */
      if (r == CP_WB_NUMERIC) goto join;                      /* WB9 */
      if (r == CP_WB_MIDLETTER || MNLQ(r)) {                  /* WB6 */
        uint32_t c2;
        unsigned r2 = CP_UNI_WB(wb_ahead(s, n, i + len, &c2));
        if (c2 != NONE && AH(r2)) goto join;
      }
    }
    if (AH(l2) && (l1 == CP_WB_MIDLETTER || MNLQ(l1)) && AH(r))
      goto join;                                              /* WB7 */
    if (l1 == CP_WB_HL) {
      if (r == CP_WB_SQ) goto join;                           /* WB7a */
      if (r == CP_WB_DQ) {                                    /* WB7b */
        uint32_t c2;
        unsigned r2 = CP_UNI_WB(wb_ahead(s, n, i + len, &c2));
        if (c2 != NONE && r2 == CP_WB_HL) goto join;
      }
    }
    if (l2 == CP_WB_HL && l1 == CP_WB_DQ && r == CP_WB_HL) goto join; /* WB7c */
    if (l1 == CP_WB_NUMERIC) {
      if (r == CP_WB_NUMERIC || AH(r)) goto join;             /* WB8, WB10 */
      if (r == CP_WB_MIDNUM || MNLQ(r)) {                     /* WB12 */
        uint32_t c2;
        unsigned r2 = CP_UNI_WB(wb_ahead(s, n, i + len, &c2));
        if (c2 != NONE && r2 == CP_WB_NUMERIC) goto join;
      }
    }
    if (l2 == CP_WB_NUMERIC && (l1 == CP_WB_MIDNUM || MNLQ(l1))
        && r == CP_WB_NUMERIC) goto join;                     /* WB11 */
    if (l1 == CP_WB_KATAKANA && r == CP_WB_KATAKANA) goto join; /* WB13 */
    if (r == CP_WB_EXTENDNUMLET && (AH(l1) || l1 == CP_WB_NUMERIC
        || l1 == CP_WB_KATAKANA || l1 == CP_WB_EXTENDNUMLET))
      goto join;                                              /* WB13a */
    if (l1 == CP_WB_EXTENDNUMLET && (AH(r) || r == CP_WB_NUMERIC
        || r == CP_WB_KATAKANA)) goto join;                   /* WB13b */
    if (l1 == CP_WB_RI && r == CP_WB_RI && (nri & 1)) goto join; /* WB15-16 */
    if (corpus) {
      /* hyphen between word characters stays in the word */
      if ((l1p & CP_UNI_WORD) && is_hyphen(c)) {
        uint32_t c2;
        unsigned p2 = wb_ahead(s, n, i + len, &c2);
        if (c2 != NONE && (p2 & CP_UNI_WORD)) goto join;
      }
      if ((l2p & CP_UNI_WORD) && is_hyphen(l1c) && (q & CP_UNI_WORD))
        goto join;
      /* "..." and "--" runs are one token */
      if (c == l1c && (c == '.' || c == '-') && raw == l1) goto join;
    }
    return i;                                                 /* WB999 */
  join:
    nri = (r == CP_WB_RI) ? ((l1 == CP_WB_RI) ? nri + 1 : 1) : 0;
    l2 = l1; l2p = l1p;
    l1 = r; l1p = q; l1c = c;
    raw = r;
    i += len;
  }
  return n;
}

/*
** One word segment in the given mode: UAX #29 (+ corpus rules), then
** in corpus mode an abbreviation takes the period that follows it, and
** a hyphenated word after that period ("U.S.-led").
*/
static size_t seg_next (const unsigned char *s, size_t n, size_t pos,
                        int mode) {
  size_t e = wb_next(s, n, pos, mode == CP_TOK_CORPUS);
  if (mode == CP_TOK_CORPUS && e < n && s[e] == '.'
      && abbrev_period(s, n, pos, e)) {
    e++;
    /* "U.S.-led": a hyphen and a word after the period join too */
    if (e + 1 < n && s[e] == '-') {
      size_t len;
      uint32_t c;
      if (prop_at(s, n, e + 1, &c, &len) & CP_UNI_WORD)
        e = wb_next(s, n, e + 1, 1);
    }
  }
  return e;
}

/* }================================================================== */


/* {==================================================================
** Sentence boundaries
** ===================================================================*/

#define PARASEP(x) ((x) == CP_SB_SEP || (x) == CP_SB_CR || (x) == CP_SB_LF)
#define SATERM(x)  ((x) == CP_SB_STERM || (x) == CP_SB_ATERM)

/* sentence property; corpus mode reads line breaks as spaces (blank
** lines are handled as paragraphs by cp_tok_run) */
static inline unsigned sb_of (unsigned p, int corpus) {
  unsigned r = CP_UNI_SB(p);
  if (corpus && PARASEP(r)) r = CP_SB_SP;
  return r;
}

/* ASCII characters that can end or break a sentence */
static const unsigned char sb_stop[128] = {
  ['.'] = 1, ['!'] = 1, ['?'] = 1, ['\r'] = 1, ['\n'] = 1
};

/*
** First index at or after j whose byte may end the ASCII run of
** sb_next's fast path: . ! ? or a non-ASCII byte, and CR LF in strict
** mode.  Sixteen bytes per compare with SSE2 (every x86-64 has it);
** elsewhere it returns j and the 8-byte loop in sb_next does the work.
** Stopping early is always safe: the caller continues byte by byte.
*/
static inline size_t sb_skip (const unsigned char *s, size_t n, size_t j,
                              int corpus) {
#if defined(__SSE2__) && defined(__GNUC__)
  const __m128i dot = _mm_set1_epi8('.'), excl = _mm_set1_epi8('!');
  const __m128i ques = _mm_set1_epi8('?'), lf = _mm_set1_epi8('\n');
  const __m128i cr = _mm_set1_epi8('\r');
  while (j + 16 <= n) {
    __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(s + j));
    __m128i m = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, dot),
                                          _mm_cmpeq_epi8(v, excl)),
                             _mm_or_si128(_mm_cmpeq_epi8(v, ques), v));
    unsigned bits;
    if (!corpus)
      m = _mm_or_si128(m, _mm_or_si128(_mm_cmpeq_epi8(v, lf),
                                       _mm_cmpeq_epi8(v, cr)));
    /* movemask takes the high bit of each byte: matches and non-ASCII */
    bits = (unsigned)_mm_movemask_epi8(m);
    if (bits) return j + (size_t)__builtin_ctz(bits);
    j += 16;
  }
#else
  (void)s; (void)n; (void)corpus;
#endif
  return j;
}

/* SB8 lookahead: does a Lower come before any OLetter, Upper, Lower,
** ParaSep or SATerm, starting at i? */
static int sb8_lower (const unsigned char *s, size_t n, size_t i, int corpus) {
  while (i < n) {
    size_t len;
    uint32_t c;
    unsigned r = sb_of(prop_at(s, n, i, &c, &len), corpus);
    if (r == CP_SB_LOWER) return 1;
    if (r == CP_SB_OLETTER || r == CP_SB_UPPER || PARASEP(r) || SATERM(r))
      return 0;
    i += len;
  }
  return 0;
}

/*
** End of the sentence that starts at pos (pos < n).  In corpus mode no
** sentence ends after an abbreviation (abbrev_before).
*/
static size_t sb_next (const unsigned char *s, size_t n, size_t pos,
                       int corpus) {
  size_t len, i, termpos = 0;
  uint32_t c;
  unsigned r = sb_of(prop_at(s, n, pos, &c, &len), corpus);
  unsigned l1 = r, l2 = NONE;
  int term = 0;      /* 0; 1 after SATerm Close*; 2 after SATerm Close* Sp+ */
  int aterm = 0;     /* the last SATerm was an ATerm */
  int nterm = 0;     /* SATerms in the current terminator run */
  i = pos + len;
  if (r == CP_SB_CR) return (i < n && s[i] == '\n') ? i + 1 : i; /* SB3-4 */
  if (PARASEP(r)) return i;                                      /* SB4 */
  if (SATERM(r)) { term = 1; aterm = (r == CP_SB_ATERM); nterm = 1; termpos = pos; }
  while (i < n) {
    if (term == 0 && s[i] < 0x80 && !sb_stop[s[i]]) {
      /* fast path: outside a terminator run every ASCII character
      ** other than . ! ? CR LF continues the sentence (SB998) */
      size_t j = sb_skip(s, n, i + 1, corpus);
      /* 8 bytes at a time while none is . ! ? non-ASCII, or CR LF in
      ** strict mode (corpus mode reads them as Sp, which changes
      ** nothing outside a terminator run) */
      while (j + 8 <= n) {
        uint64_t w;
        memcpy(&w, s + j, 8);
        if ((w & HIBITS) || HASBYTE(w, '.') || HASBYTE(w, '!')
            || HASBYTE(w, '?')
            || (!corpus && (HASBYTE(w, '\n') || HASBYTE(w, '\r'))))
          break;
        j += 8;
      }
      while (j < n && s[j] < 0x80 && !sb_stop[s[j]]) j++;
      l2 = (j - i >= 2) ? CP_UNI_SB(cp_uni_ascii[s[j - 2]]) : l1;
      l1 = CP_UNI_SB(cp_uni_ascii[s[j - 1]]);
      i = j;
      if (i >= n) break;
    }
    r = sb_of(prop_at(s, n, i, &c, &len), corpus);
    if (r == CP_SB_EXTEND || r == CP_SB_FORMAT) { i += len; continue; } /* SB5 */
    if (l1 == CP_SB_ATERM && r == CP_SB_NUMERIC) goto join;        /* SB6 */
    if ((l2 == CP_SB_UPPER || l2 == CP_SB_LOWER) && l1 == CP_SB_ATERM
        && r == CP_SB_UPPER) goto join;                             /* SB7 */
    if (term) {
      if (aterm && sb8_lower(s, n, i, corpus)) goto join;         /* SB8 */
      if (r == CP_SB_SCONTINUE || SATERM(r)) goto join;           /* SB8a */
      if (term == 1 && (r == CP_SB_CLOSE || r == CP_SB_SP || PARASEP(r)))
        goto join;                                                /* SB9 */
      if (r == CP_SB_SP || PARASEP(r)) goto join;                 /* SB10 */
      if (corpus && aterm && nterm == 1 && abbrev_before(s, n, termpos))
        goto join;                       /* corpus: no break after "Mr." */
      return i;                                                   /* SB11 */
    }
  join:
    if (PARASEP(r)) {                                    /* SB4 (and SB3) */
      i += len;
      if (r == CP_SB_CR && i < n && s[i] == '\n') i++;
      return i;
    }
    if (SATERM(r)) {
      nterm = (term == 1) ? nterm + 1 : 1;
      term = 1; aterm = (r == CP_SB_ATERM); termpos = i;
    }
    else if (r == CP_SB_CLOSE && term == 1) {}
    else if (r == CP_SB_SP && term) term = 2;
    else term = 0;
    l2 = l1; l1 = r;
    i += len;
  }
  return n;
}

/* }================================================================== */


/* {==================================================================
** Tokens
** ===================================================================*/

void cp_tokvec_free (cp_tokvec *tv) {
  if (tv == NULL) return;
  free(tv->v);
  tv->v = NULL;
  tv->n = tv->cap = 0;
}

/* room for at least 'need' tokens: the vector doubles */
static int tv_reserve (cp_tokvec *tv, size_t need, cp_err *err) {
  size_t ncap = tv->cap ? tv->cap : 256;
  cp_tok *nv;
  while (ncap < need && ncap <= SIZE_MAX / 2) ncap *= 2;
  if (ncap < need || ncap > SIZE_MAX / sizeof(cp_tok))
    return cp_err_set(err, CP_ENOMEM, "tokenizer: too many tokens");
  nv = realloc(tv->v, ncap * sizeof(cp_tok));
  if (nv == NULL)
    return cp_err_set(err, CP_ENOMEM, "tokenizer: out of memory");
  tv->v = nv;
  tv->cap = ncap;
  return CP_OK;
}

static int check_args (const char *s, size_t n, int mode, const char *fn,
                       cp_err *err) {
  if (s == NULL && n > 0)
    return cp_err_set(err, CP_EINVAL, "%s: NULL text", fn);
  if (mode != CP_TOK_CORPUS && mode != CP_TOK_STRICT)
    return cp_err_set(err, CP_EINVAL, "%s: unknown mode %d", fn, mode);
  return CP_OK;
}

/*
** Classify the segment s[a..b): returns 0 for whitespace/control only
** (dropped), 1 for a word token, 2 for a punctuation token.  *nl gets
** the number of line breaks it holds (a line-break segment is alone:
** WB3a/b), U+2029 PARAGRAPH SEPARATOR counting as a blank line.
*/
static int seg_kind (const unsigned char *s, size_t a, size_t b,
                     unsigned *nl) {
  size_t i = a, len;
  int allspace = 1;
  *nl = 0;
  while (i < b) {
    uint32_t c;
    unsigned p = prop_at(s, b, i, &c, &len);
    if (p & CP_UNI_WORD) return 1;
    if (!(p & CP_UNI_SPACE)) allspace = 0;
    i += len;
  }
  if (!allspace) return 2;
  {
    uint32_t c;
    unsigned w = CP_UNI_WB(prop_at(s, b, a, &c, &len));
    if (w == CP_WB_CR || w == CP_WB_LF || w == CP_WB_NEWLINE)
      *nl = (c == 0x2029) ? 2 : 1;
  }
  return 0;
}

/* is the ASCII byte c a letter or digit for word boundaries (AHLetter
** or Numeric: what WB6, WB7, WB11, WB12 look ahead for)? */
#define ASCIIALNUM(c) ((c) < 0x80 \
  && (CP_UNI_WB(cp_uni_ascii[c]) == CP_WB_ALETTER \
      || CP_UNI_WB(cp_uni_ascii[c]) == CP_WB_NUMERIC))

/*
** Fast path of cp_tok_run: does the word segment that starts at pos
** end at e, where s[pos..e) is a run of ASCII letters and digits and
** s[e] is a byte other than blank or LF?  Decided from s[e] and s[e+1]
** when both are ASCII (ASCII has no WB4 characters): a line break or
** an Other character ends the word (WB3b, WB999); ',' '.' ';' ':' and
** the apostrophe end it unless a letter or digit follows (WB6, WB12);
** '_' (WB13a) and '-' (the corpus hyphen rule) are left to wb_next, and
** so is a '.' that an abbreviation takes (seg_next).  Both modes: the
** conditions are the strict rules plus the corpus ones.
*/
static int word_ends (const unsigned char *s, size_t n, size_t pos,
                      size_t e) {
  unsigned c = s[e], wb;
  if (c >= 0x80 || c == '-') return 0;
  wb = CP_UNI_WB(cp_uni_ascii[c]);
  if (wb == CP_WB_EXTENDNUMLET) return 0;
  if (wb == CP_WB_MIDLETTER || wb == CP_WB_MIDNUM || wb == CP_WB_MIDNUMLET
      || wb == CP_WB_SQ) {
    if (e + 1 < n && (s[e + 1] >= 0x80 || ASCIIALNUM(s[e + 1]))) return 0;
    if (c == '.' && abbrev_period(s, n, pos, e)) return 0;
  }
  return 1;
}

/*
** Fast path of cp_tok_run: is the ASCII punctuation character at s[pos]
** a segment of its own (followed by the end or an ASCII byte)?  Not for
** blanks and controls (seg_kind drops them), line breaks (WB3), '_'
** (WB13a/b), nor for the corpus "..." and "--" runs.  No other rule can
** join anything to a single ASCII punctuation character: WB7 and WB11
** need a letter or digit before it in the segment, and seg_next's
** abbreviation rule a letter.
*/
static int punct_alone (const unsigned char *s, size_t n, size_t pos) {
  unsigned c = s[pos], p = cp_uni_ascii[c], wb = CP_UNI_WB(p);
  if (p & (CP_UNI_WORD | CP_UNI_SPACE)) return 0;
  if (wb == CP_WB_CR || wb == CP_WB_LF || wb == CP_WB_NEWLINE
      || wb == CP_WB_EXTENDNUMLET || wb == CP_WB_WSEGSPACE)
    return 0;
  if (pos + 1 == n) return 1;
  if (s[pos + 1] >= 0x80) return 0;
  return !((c == '.' || c == '-') && s[pos + 1] == c);
}

typedef struct offvec {
  size_t *v;
  size_t n, cap;
} offvec;

static int ov_push (offvec *ov, size_t x, cp_err *err) {
  if (ov->n == ov->cap) {
    size_t ncap = ov->cap ? ov->cap * 2 : 64;
    size_t *nv;
    if (ncap < ov->cap || ncap > SIZE_MAX / sizeof(size_t))
      return cp_err_set(err, CP_ENOMEM, "tokenizer: too many boundaries");
    nv = realloc(ov->v, ncap * sizeof(size_t));
    if (nv == NULL) {
      return cp_err_set(err, CP_ENOMEM, "tokenizer: out of memory");
    }
    ov->v = nv;
    ov->cap = ncap;
  }
  ov->v[ov->n++] = x;
  return CP_OK;
}

/* end of the blanks (' ', '\t') from s[pos] (a blank) when they are
** dropped whole: followed by the end or an ASCII byte; else pos (a
** non-ASCII byte may be a mark that WB4 attaches to the last blank) */
static inline size_t blanks_end (const unsigned char *s, size_t n,
                                 size_t pos) {
  size_t e = pos + 1;
  while (e < n && (s[e] == ' ' || s[e] == '\t')) e++;
  return (e == n || s[e] < 0x80) ? e : pos;
}

/* CP_TF_SSTART if a sentence starts at or before pos, the first not
** yet flagged being the one at *send; *send moves past pos */
static inline unsigned sent_starts (const unsigned char *s, size_t n,
                                    size_t pos, size_t *send, int corpus) {
  unsigned flags = 0;
  while (*send <= pos) {
    flags = CP_TF_SSTART;
    *send = sb_next(s, n, *send, corpus);
  }
  return flags;
}

/* token i (tv->n to be) is [start, stop) with flags; tv->v grows */
static inline int tok_push (cp_tokvec *tv, size_t i, size_t start,
                            size_t stop, unsigned flags, cp_err *err) {
  int rc;
  cp_tok *t;
  if (i == tv->cap && (rc = tv_reserve(tv, i + 1, err)) != CP_OK) return rc;
  t = tv->v + i;
  t->start = start;
  t->stop = stop;
  t->flags = flags;
  return CP_OK;
}

/* state of word_run, as cp_tok_run keeps it */
typedef struct wordrun {
  size_t pos;   /* in: an ASCII word; out: the first word not taken */
  size_t e;     /* out: the end of that word's letters and digits */
  size_t tn;    /* tokens pushed */
  size_t send;  /* next sentence boundary (sent_starts) */
} wordrun;

/*
** Fast path of cp_tok_run for the ASCII word at w->pos when a token and
** no line break come before it: push it, and the words after it, while
** each ends at one blank before an ASCII letter or digit.  Such a word
** is whole and that blank is dropped (see the fast paths in cp_tok_run
** and blanks_end), so the only flag left to find is a sentence start.
** One classification of 32 bytes finds all the words in them; 82% of
** the tokens of un5 go this way.
*/
static int word_run (const unsigned char *s, size_t n, int corpus,
                     wordrun *w, cp_tokvec *tv, cp_err *err) {
  size_t pos = w->pos;
  while (pos + 33 <= n) {
    unsigned sp0, sp1, k = 0, stop;
    uint64_t a = word16(s + pos, &sp0), good, m;
    cp_tok *t;
    int rc;
    a |= (uint64_t)word16(s + pos + 16, &sp1) << 16;
    a |= (uint64_t)ASCIIWORD(s[pos + 32]) << 32;
    good = ((uint64_t)sp1 << 16 | sp0) & (a >> 1);  /* blank, then word */
    /* the first byte that ends a word and is not good; the ends before
    ** it are all good (bits 33-63 of ~a: a sentinel) */
    stop = cp_b8_ctz(~a & ~good);
    m = good & ((UINT64_C(1) << stop) - 1);
    /* at most 16 words end in the block */
    if (tv->cap - w->tn < 16 && (rc = tv_reserve(tv, w->tn + 16, err)) != CP_OK)
      return rc;
    for (t = tv->v + w->tn; m; m &= m - 1, t++) {
      unsigned end = cp_b8_ctz(m);
      t->start = pos + k;
      t->stop = pos + end;
      t->flags = sent_starts(s, n, pos + k, &w->send, corpus);
      k = end + 1;
    }
    w->tn = (size_t)(t - tv->v);
    if (stop < 32) {  /* the word at k ends in the block, but not so */
      w->pos = pos + k;
      w->e = pos + stop;
      return CP_OK;
    }
    if (k == 0) {     /* 32 letters and digits or more */
      w->pos = pos;
      w->e = alnum_run(s, n, pos + 32);
      return CP_OK;
    }
    pos += k;         /* the word at k runs past the block */
  }
  w->pos = pos;
  w->e = alnum_run(s, n, pos + 1);
  return CP_OK;
}

/*
** No blank line: each line is a paragraph -- unless the text is
** wrapped at a fixed width (no line longer than WRAPWIDTH) and some
** lines are indented: then the indented lines start paragraphs
** (Reuters, scanned UN speeches).  Only the tokens that follow a line
** break (lt) carry the internal flags: a pass over all tokens was 6%
** of cp_tok_run.
*/
static void line_paragraphs (cp_tok *v, const offvec *lt, int blank,
                             int wrapped) {
  unsigned which = blank ? 0 : wrapped ? TF_INDENT : TF_LINE;
  size_t k;
  for (k = 0; k < lt->n; k++) {
    cp_tok *t = v + lt->v[k];
    unsigned par = (t->flags & which) ? (CP_TF_SSTART | CP_TF_PSTART) : 0;
    t->flags = (t->flags | par) & ~(TF_LINE | TF_INDENT);
  }
}

int cp_tok_run (const char *str, size_t n, int mode, cp_tokvec *tv,
                cp_err *err) {
  const unsigned char *s = (const unsigned char *)str;
  size_t pos = 0, send = 0, tn = 0;
  unsigned nl = 0;
  size_t linestart = 0, maxline = 0;
  int blank = 0, indent = 0, rc = CP_OK;
  int corpus = (mode == CP_TOK_CORPUS);
  offvec lt = {NULL, 0, 0};  /* indices of the tokens after one line break */
  if ((rc = check_args(str, n, mode, "cp_tok_run", err)) != CP_OK) return rc;
  if (tv == NULL)
    return cp_err_set(err, CP_EINVAL, "cp_tok_run: NULL token vector");
  while (pos < n) {
    size_t e;
    unsigned snl, flags = 0;
    int kind;
    if (s[pos] == ' ') {
      /* fast path: ASCII blanks are dropped unless a combining mark
      ** (non-ASCII) follows, which WB4 would attach to the blank */
      e = blanks_end(s, n, pos);
      if (e > pos) { pos = e; continue; }
    }
    if (s[pos] < 0x80 && (cp_uni_ascii[s[pos]] & CP_UNI_WORD)) {
      /* fast path: a run of ASCII letters and digits followed by a
      ** blank, a line break or the end is a whole word (WB999/WB3b) */
      if (tn > 0 && nl == 0) {
        wordrun wr;
        wr.pos = pos; wr.tn = tn; wr.send = send;
        rc = word_run(s, n, corpus, &wr, tv, err);
        pos = wr.pos; e = wr.e; tn = wr.tn; send = wr.send;
        if (rc != CP_OK) break;
      }
      else e = alnum_run(s, n, pos + 1);
      if (e < n && s[e] != ' ' && s[e] != '\n' && !word_ends(s, n, pos, e))
        e = seg_next(s, n, pos, mode);
      kind = 1;
      snl = 0;
    }
    else if (s[pos] < 0x80 && punct_alone(s, n, pos)) {
      e = pos + 1;
      kind = 2;
      snl = 0;
    }
    else {
      e = seg_next(s, n, pos, mode);
      kind = seg_kind(s, pos, e, &snl);
    }
    if (kind == 0) {
      if (snl > 0) {
        if (pos - linestart > maxline) maxline = pos - linestart;
        linestart = e;
      }
      nl += snl;
      pos = e;
      continue;
    }
    if (kind == 2) flags |= CP_TF_PUNCT;
    if (tn == 0) flags |= CP_TF_SSTART | CP_TF_PSTART;
    else if (nl >= 2) { flags |= CP_TF_SSTART | CP_TF_PSTART; blank = 1; }
    else if (nl == 1) {
      flags |= TF_LINE;
      if (pos > linestart) { flags |= TF_INDENT; indent = 1; }
      if ((rc = ov_push(&lt, tn, err)) != CP_OK) break;
    }
    if (flags & CP_TF_PSTART) {
      /* the sentence segmenter restarts at the paragraph (the sentences
      ** before it need not be found: it has CP_TF_SSTART already) */
      send = sb_next(s, n, pos, corpus);
    }
    else flags |= sent_starts(s, n, pos, &send, corpus);
    if ((rc = tok_push(tv, tn, pos, e, flags, err)) != CP_OK) break;
    tn++;
    nl = 0;
    /* the blank after a token, here rather than in a turn of the loop
    ** of its own: one turn less a token, 5% of cp_tok_run */
    pos = (e < n && s[e] == ' ') ? blanks_end(s, n, e) : e;
  }
  tv->n = tn;
  if (rc == CP_OK && lt.n > 0) {
    if (n - linestart > maxline) maxline = n - linestart;
    line_paragraphs(tv->v, &lt, blank, indent && maxline <= WRAPWIDTH);
  }
  free(lt.v);
  return rc;
}

/* }================================================================== */


/* {==================================================================
** Boundary lists
** ===================================================================*/

static int ov_done (offvec *ov, int rc, size_t **out, size_t *nout) {
  if (rc != CP_OK) {
    free(ov->v);
    return rc;
  }
  *out = ov->v;
  *nout = ov->n;
  return CP_OK;
}

int cp_tok_wordbreaks (const char *str, size_t n, int mode,
                       size_t **out, size_t *nout, cp_err *err) {
  const unsigned char *s = (const unsigned char *)str;
  offvec ov = {NULL, 0, 0};
  size_t pos = 0;
  int rc;
  if (out == NULL || nout == NULL)
    return cp_err_set(err, CP_EINVAL, "cp_tok_wordbreaks: NULL result pointer");
  *out = NULL; *nout = 0;
  if ((rc = check_args(str, n, mode, "cp_tok_wordbreaks", err)) != CP_OK)
    return rc;
  if (n == 0) return CP_OK;
  rc = ov_push(&ov, 0, err);
  while (rc == CP_OK && pos < n) {
    pos = seg_next(s, n, pos, mode);
    rc = ov_push(&ov, pos, err);
  }
  return ov_done(&ov, rc, out, nout);
}

/*
** Strict mode: the UAX #29 boundaries.  Corpus mode: the start of each
** sentence's first token (as flagged by cp_tok_run), with 0 and n.
*/
int cp_tok_sentbreaks (const char *str, size_t n, int mode,
                       size_t **out, size_t *nout, cp_err *err) {
  const unsigned char *s = (const unsigned char *)str;
  offvec ov = {NULL, 0, 0};
  int rc;
  if (out == NULL || nout == NULL)
    return cp_err_set(err, CP_EINVAL, "cp_tok_sentbreaks: NULL result pointer");
  *out = NULL; *nout = 0;
  if ((rc = check_args(str, n, mode, "cp_tok_sentbreaks", err)) != CP_OK)
    return rc;
  if (n == 0) return CP_OK;
  rc = ov_push(&ov, 0, err);
  if (mode == CP_TOK_STRICT) {
    size_t pos = 0;
    while (rc == CP_OK && pos < n) {
      pos = sb_next(s, n, pos, 0);
      rc = ov_push(&ov, pos, err);
    }
  }
  else {
    cp_tokvec tv = {NULL, 0, 0};
    size_t i;
    rc = cp_tok_run(str, n, mode, &tv, err);
    for (i = 1; rc == CP_OK && i < tv.n; i++)
      if (tv.v[i].flags & CP_TF_SSTART)
        rc = ov_push(&ov, tv.v[i].start, err);
    if (rc == CP_OK) rc = ov_push(&ov, n, err);
    cp_tokvec_free(&tv);
  }
  return ov_done(&ov, rc, out, nout);
}

/* }================================================================== */
