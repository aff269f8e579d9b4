/*
** stats.h -- corpus statistics: frequency lists, n-grams, collocations,
** association measures, keyness, dispersion, document similarity and
** dictionary lookup.  docs/STATS.md gives every formula and its source.
**
** Files: assoc.c (association and keyness math, pure functions),
** disp.c (dispersion), stats.c (term lists, segment views, document
** selections), freq.c (frequency lists and n-grams),
** colloc.c (collocates of a node, all-pairs collocations), keyness.c,
** sim.c (tf-idf similarity, document-term matrix), dict.c (dictionary
** lookup).  Each counts over the word-id streams of the segments with
** arrays indexed by type id; results from several segments are merged
** by string, since each segment has its own lexicons.
**
** Conventions.  Deleted documents are skipped everywhere.  Punctuation
** tokens (cp_seg_type_punct) are removed from the stream before
** counting unless cp_sopt.punct is set: windows, n-grams and sizes are
** then measured in non-punctuation tokens.  Strings in results are
** owned by the result (cp_terms) and stay valid until it is freed.
*/
#ifndef CP_STATS_H
#define CP_STATS_H

#include <stddef.h>
#include <stdint.h>

#include "cp.h"
#include "corpus.h"


/* {================================================================
** Association measures (assoc.c) -- pure functions
** ================================================================= */

/* measures of a 2x2 contingency table, in the order of docs/STATS.md */
enum {
  CP_AM_OBS = 0,    /* observed co-occurrence frequency O11 */
  CP_AM_EXP,        /* expected frequency E11 = R1*C1/N */
  CP_AM_MI,         /* log2(O11/E11) */
  CP_AM_MI3,        /* log2(O11^3/E11) */
  CP_AM_T,          /* (O11-E11)/sqrt(O11) */
  CP_AM_Z,          /* (O11-E11)/sqrt(E11) */
  CP_AM_LLR,        /* G^2 = 2 sum Oij ln(Oij/Eij) */
  CP_AM_CHI2,       /* Pearson X^2 (no continuity correction) */
  CP_AM_DICE,       /* 2 O11/(R1+C1) */
  CP_AM_LOGDICE,    /* 14 + log2(Dice) */
  CP_AM_NMEASURES
};

/*
** A 2x2 table given by its observed cell and margins: o11 joint
** frequency, r1 row total of the node (its window slots), c1 column
** total of the collocate, n sample size.  Doubles, since NLTK-style
** tables scale counts.
*/
typedef struct cp_ctab {
  double o11, r1, c1, n;
} cp_ctab;

/* name <-> CP_AM_* ("obs", "exp", "mi", "mi3", "t", "z", "llr",
** "chi2", "dice", "logdice"); -1 for an unknown name */
int cp_am_id (const char *name);
const char *cp_am_name (int am);

/* value of measure 'am' for table 't'; NaN for an unknown measure or a
** degenerate table (n <= 0).  -inf for log measures when o11 == 0. */
double cp_am (const cp_ctab *t, int am);

/*
** Keyness of a term: a occurrences in a target of c tokens, b in a
** reference of d tokens.
*/
typedef struct cp_key {
  double g2;        /* log-likelihood G^2 (4 cells), signed: < 0 when
                       the term is relatively rarer in the target */
  double chi2;      /* Pearson X^2, same sign convention */
  double logratio;  /* log2 of the ratio of relative frequencies, 0.5
                       substituted for a zero count (Hardie 2014) */
  double pdiff;     /* %DIFF (Gabrielatos & Marchi 2012); +inf when b==0 */
  double p;         /* p-value of G^2 under chi^2 with 1 df */
} cp_key;

void cp_keyness_calc (double a, double b, double c, double d, cp_key *k);

/* upper tail of the chi^2 distribution with 1 degree of freedom */
double cp_chi2_p1 (double x);

/* }================================================================ */


/* {================================================================
** Dispersion (disp.c) -- pure functions over parts (documents)
** ================================================================= */

/*
** f[i] occurrences in part i of size s[i] tokens, n parts.
** Juilland's D over relative frequencies f[i]/s[i]:
**   D = 1 - (sd/mean)/sqrt(n-1), sd the population standard deviation;
** Gries' DP = 0.5 * sum |f[i]/F - s[i]/S| and DPnorm = DP/(1-min s/S).
** Parts of size 0 are ignored.  NaN when undefined (no occurrence, or
** fewer than two parts).
*/
double cp_juilland_d (const double *f, const double *s, size_t n);
double cp_gries_dp (const double *f, const double *s, size_t n,
                    double *dpnorm);

/* }================================================================ */


/* {================================================================
** Term lists (stats.c): string -> counts, with stable strings
** ================================================================= */

typedef struct cp_term {
  const char *str;  size_t len;     /* owned by the list */
  uint64_t count;                   /* frequency (or joint frequency) */
  uint64_t docs;                    /* documents containing it */
  uint64_t aux[2];                  /* per method, see its comment */
  size_t part;                      /* pairs: length of the first word */
} cp_term;

typedef struct cp_chunk cp_chunk;

typedef struct cp_terms {
  cp_term *v;  size_t n, cap;
  uint64_t tokens;                  /* tokens in the counted subcorpus */
  uint64_t docs;                    /* documents in it */
  /* private: hash index over v and the string arena */
  uint32_t *slot;  size_t nslot;
  cp_chunk *arena;
} cp_terms;

void cp_terms_init (cp_terms *t);
void cp_terms_free (cp_terms *t);

/* *idx receives the index of the entry for string s, created with zero
** counts if absent (CP_ENOMEM on out of memory).  Pointers into v move
** when the list grows: keep the index. */
int cp_terms_get (cp_terms *t, const char *s, size_t len, size_t *idx,
                  cp_err *err);

/* index of s, or -1 */
int64_t cp_terms_find (const cp_terms *t, const char *s, size_t len);

/* sort orders */
enum { CP_BYSTR = 0, CP_BYCOUNT = 1 };

/* sort v (the hash index is dropped: find/get no longer work) */
void cp_terms_sort (cp_terms *t, int by);

/* keep entries with count >= min (order kept) */
void cp_terms_filter (cp_terms *t, uint64_t min);

/* }================================================================ */


/* {================================================================
** Counting options and segment views (stats.c)
** ================================================================= */

typedef struct cp_sopt {
  int layer;                   /* CP_WORD, CP_NORM or CP_STEM */
  int punct;                   /* 1: keep punctuation tokens */
  const unsigned char *sel;    /* document bitmap (bit d%8 of byte d/8
                                  for global doc d), NULL: all */
  uint64_t nsel;               /* number of bits in sel; docs beyond
                                  are not selected */
  int invert;                  /* select the documents NOT in sel */
} cp_sopt;

/* is global doc 'd' selected by 'o' (deletions not considered)? */
int cp_sopt_has (const cp_sopt *o, uint64_t d);

/*
** A metadata condition: field 'key' equal to a value (lo) or within
** [lo, hi] (inclusive).  Numbers compare numerically with numeric
** fields and with string fields that parse as numbers; strings compare
** bytewise (so ISO dates order correctly).  A field with several values
** satisfies the condition if one of them does.
*/
enum { CP_MC_EQ = 0, CP_MC_RANGE = 1 };

typedef struct cp_mcond {
  const char *key;  size_t keylen;
  int op;                          /* CP_MC_EQ or CP_MC_RANGE */
  int type;                        /* CP_MSTR or CP_MNUM, of lo and hi */
  const char *lo, *hi;  size_t lolen, hilen;
  double nlo, nhi;
} cp_mcond;

/*
** Set bit d of 'bits' (nbits bits, zeroed first) for every live
** document satisfying all of the n conditions.
*/
int cp_select_meta (cp_corpus *c, const cp_mcond *conds, size_t n,
                    unsigned char *bits, uint64_t nbits, cp_err *err);

#define CP_SKIP UINT32_MAX

/*
** What the counting loops of every stats module need about one
** segment: its word stream, the map word id -> layer id with CP_SKIP
** for tokens that are removed (punctuation), and which local documents
** are in (selected and not deleted).
*/
typedef struct cp_view {
  const cp_seg *seg;
  uint64_t doc_base, pos_base;
  uint32_t ntok, ndocs, ntypes;    /* ntypes: of the layer */
  const uint32_t *stream;
  uint32_t *map;                   /* word id -> layer id | CP_SKIP */
  unsigned char *on;               /* per local doc: 1 if counted */
  uint32_t non;                    /* documents on */
  int layer;
} cp_view;

int cp_view_open (cp_corpus *c, size_t seg, const cp_sopt *o, cp_view *v,
                  cp_err *err);
void cp_view_close (cp_view *v);

/*
** A hash table counting tuples of n type ids of one segment (n-grams,
** pairs), with document frequency: cp_idtab_add counts one occurrence
** of 'key' in local document d and returns 0 on out of memory.
** Entry i has key keys[i*n .. i*n+n-1].
*/
typedef struct cp_idtab {
  int n;
  uint32_t *keys;
  uint32_t *cnt, *df, *last;
  size_t count, cap;
  uint32_t *slot;  size_t nslot;   /* private */
} cp_idtab;

void cp_idtab_init (cp_idtab *h, int n);
void cp_idtab_free (cp_idtab *h);
int cp_idtab_add (cp_idtab *h, const uint32_t *key, uint32_t d);

/* check the common options (layer range); CP_EINVAL with a message */
int cp_sopt_check (const cp_sopt *o, cp_err *err);

/* }================================================================ */


/* {================================================================
** Frequency lists and n-grams (freq.c)
** ================================================================= */

/*
** Frequency list of the layer over the selection: one entry per type
** with count and docs (document frequency); out->tokens and out->docs
** give the size of the subcorpus.  'out' must be initialized; entries
** come in no particular order (sort with cp_terms_sort).
*/
int cp_freq (cp_corpus *c, const cp_sopt *o, cp_terms *out, cp_err *err);

#define CP_NGRAM_MAX 16

/* a span of global token positions [start, stop) */
typedef struct cp_span {
  uint64_t start, stop;
} cp_span;

/*
** n-grams (1 <= n <= CP_NGRAM_MAX) inside sentences: the types of n
** consecutive kept tokens of one sentence, joined by one space.
** 'must' (sorted by start, may be NULL) restricts them to n-grams whose
** token range covers one of the spans (AntConc's clusters).
*/
int cp_ngrams (cp_corpus *c, const cp_sopt *o, int n, const cp_span *must,
               size_t nmust, cp_terms *out, cp_err *err);

/* }================================================================ */


/* {================================================================
** Collocations (colloc.c)
** ================================================================= */

/*
** Collocates of a node.  'nodes' are the node's matches (sorted by
** start); for each match in a counted document, the 'left' kept tokens
** before it and the 'right' kept tokens after it, within its document,
** are counted.  Entries: count = O11 (co-occurrences), aux[0] = C1 (the
** collocate's frequency in the selection).  *nnodes receives the node
** matches counted (so R1 = nnodes*(left+right)); out->tokens is N.
*/
int cp_collocates (cp_corpus *c, const cp_sopt *o, const cp_span *nodes,
                   size_t n, int left, int right, uint64_t *nnodes,
                   cp_terms *out, cp_err *err);

/*
** All ordered pairs (w1, w2) with w2 among the window-1 kept tokens
** following w1 in the same document (NLTK's
** BigramCollocationFinder.from_words, per document).  Entries: the
** string is "w1 w2", aux[0] = f(w1), aux[1] = f(w2); count = pair
** frequency; docs is left 0.  Pairs with count < min are dropped.
*/
int cp_pairs (cp_corpus *c, const cp_sopt *o, int window, uint64_t min,
              cp_terms *out, cp_err *err);

/* }================================================================ */


/* {================================================================
** Keyness (keyness.c)
** ================================================================= */

typedef struct cp_keyrow {
  const char *str;  size_t len;   /* borrowed from the term lists */
  uint64_t a, b;                  /* frequency in target, reference */
  cp_key k;
} cp_keyrow;

/* statistics to sort keyness rows by */
enum { CP_K_G2 = 0, CP_K_CHI2, CP_K_LOGRATIO, CP_K_PDIFF };

/*
** Join the frequency lists of a target 't' and a reference 'r' (as
** filled by cp_freq, not sorted: their hash index is used) into rows,
** one per term present in either, with the statistics of
** cp_keyness_calc; 'bonferroni' multiplies each p by the number of rows
** (capped at 1).  *rows is malloc'd; the strings stay owned by t and r.
*/
int cp_keyness (const cp_terms *t, const cp_terms *r, int bonferroni,
                cp_keyrow **rows, size_t *nrows, cp_err *err);

/* sort rows by a CP_K_* statistic, descending, ties by string */
void cp_keyness_sort (cp_keyrow *rows, size_t n, int by);

/* }================================================================ */

#endif
