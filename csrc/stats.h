/*
** stats.h -- corpus statistics: frequency lists, n-grams, collocations,
** association measures, keyness, dispersion, document similarity and
** dictionary lookup.  docs/STATS.md gives every formula and its source.
**
** Files: assoc.c (association and keyness math, pure functions),
** disp.c (dispersion), stats.c (merged lexicons, segment views, id
** tables, document selections), freq.c (frequency lists and n-grams),
** colloc.c (collocates of a node, all-pairs collocations), keyness.c,
** sim.c (tf-idf similarity, document-term matrix), dict.c (dictionary
** lookup), counts.c (partial counts of sharded analyses).  Each counts
** over the word-id streams of the segments with
** arrays indexed by type id.
**
** Conventions.  Deleted documents are skipped everywhere.  Punctuation
** tokens (cp_seg_type_punct) are removed from the stream before
** counting unless cp_sopt.punct is set: windows, n-grams and sizes are
** then measured in non-punctuation tokens.  Counting uses global type
** ids (cp_glex: the segments' lexicons merged by string, ids in
** bytewise order), so tuples of ids (n-grams, pairs) are counted in one
** table for all segments and only results that are returned become
** strings.
*/
#ifndef CP_STATS_H
#define CP_STATS_H

#include <stddef.h>
#include <stdint.h>

#include "cp.h"
#include "budget.h"
#include "corpus.h"
#include "exec.h"
#include "plan.h"


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

/*
** Per-document counts of the matches 'm' (sorted by start): one part
** per counted document of the selection, in document order, with its
** size in kept tokens, its number of matches and their positions (token
** index of each match's start within the document, 0-based) in
** pos[first[i] .. first[i+1]).
*/
typedef struct cp_disp {
  size_t nparts;
  uint64_t *doc, *size, *count;    /* per part: global doc, size, count */
  size_t *first;                   /* nparts + 1 offsets into pos */
  uint32_t *pos;
  uint64_t matches;                /* matches in counted documents */
} cp_disp;

/* }================================================================ */


/* {================================================================
** Merged lexicons and segment views (stats.c)
** ================================================================= */

/*
** The types of one layer over every segment, merged by string: global
** id = rank in bytewise order (so sorting by id sorts by string), with
** each segment's local id -> global id map.  Strings are borrowed from
** the segments and stay valid while the corpus keeps them.
*/
typedef struct cp_glex {
  int layer;
  int *segl;                     /* per segment: its layer number, -1 absent */
  size_t nsegs;
  uint32_t n;                    /* global types */
  const char **str;              /* n strings (not NUL-terminated) */
  uint32_t *len;
  uint32_t **l2g;                /* per segment: local id -> global id */
} cp_glex;

int cp_glex_build (cp_corpus *c, int layer, cp_glex *g, cp_err *err);
/* the layer of the options: built-in, or o->lname (CP_LAYER_NAMED; an
** error listing the corpus's layers when no segment has it) */
struct cp_sopt;
int cp_glex_build_sopt (cp_corpus *c, const struct cp_sopt *o, cp_glex *g,
                        cp_err *err);
void cp_glex_free (cp_glex *g);

/* the value lexicon of key 'key' of span set 'set' merged over the
** segments (g->layer = -1; g->segl[i] the set's index in segment i, -1
** when it lacks the set or the key); *keyl (malloc'd, one per segment)
** the key's index there */
int cp_glex_build_spankey (cp_corpus *c, const char *set, size_t setlen,
                           const char *key, size_t keylen, cp_glex *g,
                           int **keyl, cp_err *err);

/* global id of a string, or -1 */
int64_t cp_glex_find (const cp_glex *g, const char *s, size_t len);

typedef struct cp_sopt {
  int layer;                   /* CP_WORD, CP_NORM, CP_STEM or CP_LAYER_NAMED */
  const char *lname;           /* CP_LAYER_NAMED: the stored layer's name */
  size_t lnlen;
  int punct;                   /* 1: keep punctuation tokens */
  const unsigned char *sel;    /* document bitmap (bit d%8 of byte d/8
                                  for global doc d), NULL: all */
  uint64_t nsel;               /* number of bits in sel; docs beyond
                                  are not selected */
  int invert;                  /* select the documents NOT in sel */
  cp_budget *budget;           /* work / memory / time of the call
                                  (budget.h); NULL: unbounded */
} cp_sopt;

/* is global doc 'd' selected by 'o' (deletions not considered)? */
int cp_sopt_has (const cp_sopt *o, uint64_t d);

/* check the common options (layer range); CP_EINVAL with a message */
int cp_sopt_check (const cp_sopt *o, cp_err *err);

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
** What the counting loops need about one segment: its word stream, the
** map word id -> global layer id with CP_SKIP for removed tokens
** (punctuation), and which local documents are counted (selected and
** not deleted).
*/
typedef struct cp_view {
  const cp_seg *seg;
  uint64_t doc_base, pos_base;
  uint32_t ntok, ndocs;
  const uint32_t *stream;
  uint32_t *map;                   /* word id -> global id | CP_SKIP */
  uint32_t *own;                   /* a stored layer's ids (stream) */
  unsigned char *on;               /* per local doc: 1 if counted */
  uint32_t non;                    /* documents on */
} cp_view;

int cp_view_open (cp_corpus *c, size_t seg, const cp_sopt *o,
                  const cp_glex *g, cp_view *v, cp_err *err);
void cp_view_close (cp_view *v);

/* token range [*t0, *t1) of local document d (clamped to the stream) */
int cp_view_doc (const cp_view *v, uint32_t d, uint32_t *t0, uint32_t *t1);

/*
** A hash table counting tuples of n global ids (n-grams, pairs) with
** document frequency: cp_idtab_add counts one occurrence of 'key' in
** global document d and returns 0 on out of memory.  Entry i has key
** keys[i*n .. i*n+n-1].
*/
typedef struct cp_idtab {
  int n;
  uint32_t *keys;
  uint64_t *cnt, *df, *last;
  size_t count, cap;
  uint32_t *slot;  size_t nslot;   /* private */
} cp_idtab;

void cp_idtab_init (cp_idtab *h, int n);
void cp_idtab_free (cp_idtab *h);
int cp_idtab_add (cp_idtab *h, const uint32_t *key, uint64_t d);
/* size the table for about 'expect' entries (a hint; 0 on OOM) */
int cp_idtab_reserve (cp_idtab *h, size_t expect);
/* the bytes the table holds */
size_t cp_idtab_bytes (const cp_idtab *h);

/* }================================================================ */


/* disp.c: fill 'out' (free with cp_disp_free, also on error) */
int cp_dispersion (cp_corpus *c, const cp_sopt *o, const cp_match *m,
                   size_t n, cp_disp *out, cp_err *err);
void cp_disp_free (cp_disp *d);

/* {================================================================
** Frequency lists and n-grams (freq.c)
** ================================================================= */

/*
** A frequency list: for every global type of the layer its count and
** document frequency in the selection; the size of the subcorpus.
*/
typedef struct cp_flist {
  cp_glex lex;
  uint64_t *count, *docs;          /* lex.n entries each */
  uint64_t tokens, ndocs;
} cp_flist;

/* 'out' is overwritten; free it with cp_flist_free, also on error */
int cp_freq (cp_corpus *c, const cp_sopt *o, cp_flist *out, cp_err *err);

/*
** The frequency list of the values of attribute 'key' of span set 'set'
** (the analysers' entity canonical names, quote speakers, ...): count =
** spans with the value, docs = documents with one, in the selected live
** documents of o (layer and punct are not used); tokens = the tokens of
** those documents, so rates are per million tokens as in cp_freq.  An
** unknown set or key is CP_EINVAL naming the sets (keys) there are.
** One budget unit per span.
*/
int cp_span_freq (cp_corpus *c, const cp_sopt *o, const char *set,
                  size_t setlen, const char *key, size_t keylen,
                  cp_flist *out, cp_err *err);
void cp_flist_free (cp_flist *f);

/*
** Global ids with count >= min, sorted by count descending, then id
** (= string) ascending: *ids malloc'd, *n entries.
*/
int cp_flist_rank (const cp_flist *f, uint64_t min, uint32_t **ids,
                   size_t *n, cp_err *err);

#define CP_NGRAM_MAX 16

/* spans of global token positions [start, stop) are query matches
** (cp_match of exec.h: doc, start, stop), sorted by start */

/*
** A table of id tuples: n-grams or window pairs, with the merged
** lexicon their ids refer to and (pairs) the frequency of every type.
*/
typedef struct cp_grams {
  cp_glex lex;
  cp_idtab tab;                    /* tab.n is the tuple length */
  int sorted;                      /* entries are in key (string) order */
  uint64_t *freq;                  /* pairs: per global type, else NULL */
  uint64_t tokens, ndocs;
} cp_grams;

void cp_grams_free (cp_grams *g);

/*
** n-grams (1 <= n <= CP_NGRAM_MAX) inside sentences: n consecutive kept
** tokens of one sentence.  'must' (sorted by start, may be NULL)
** restricts them to n-grams whose token range covers one of the spans
** (AntConc's clusters).
*/
int cp_ngrams (cp_corpus *c, const cp_sopt *o, int n, const cp_match *must,
               size_t nmust, cp_grams *out, cp_err *err);

/*
** Sort-based counting of id tuples (freq.c), shared by n-grams and
** window pairs: when n ids fit in 64 bits, every occurrence is one
** packed key (with the document's sequence number in the low bits, or
** in d, if 'withdocs'), radix-sorted, and equal runs counted into a
** cp_grams table in key (= string) order.  cp_packed_init returns 0
** when the tuple is too wide or memory is short: hash instead.
*/
typedef struct cp_packed {
  uint64_t *k;  uint32_t *d;  size_t m, cap;
  int bits;                        /* bits per id */
  int dbits;                       /* > 0: document number in the low
                                      dbits of each key, d unused */
  uint64_t mask;                   /* n*bits ones */
} cp_packed;

int cp_packed_init (cp_packed *pk, int n, uint32_t ntypes, uint64_t ndocs,
                    uint64_t cap, int withdocs);
int cp_packed_finish (cp_packed *pk, cp_grams *g, cp_err *err);
void cp_packed_free (cp_packed *pk);

/*
** Entries with count >= min sorted by count descending, then by their
** tuple of ids (= their strings) ascending.
*/
int cp_grams_rank (const cp_grams *g, uint64_t min, uint32_t **idx,
                   size_t *n, cp_err *err);

/* }================================================================ */


/* {================================================================
** Collocations (colloc.c)
** ================================================================= */

/* collocates of a node: obs[i] co-occurrences of type ids[i] (in no
** particular order) */
typedef struct cp_coll {
  cp_glex lex;
  uint64_t *freq;                  /* per global type, in the selection */
  uint32_t *ids;  uint64_t *obs;  size_t n;
  uint64_t nodes;                  /* node matches counted */
  uint64_t r1;                     /* tokens in the window region */
  uint64_t tokens, ndocs;          /* N, and documents counted */
} cp_coll;

void cp_coll_free (cp_coll *k);

/*
** Collocates of a node.  'nodes' are the node's matches (sorted by
** start).  The window region is the union, over the matches in counted
** documents, of the 'left' kept tokens before the match and the 'right'
** kept tokens after it (within its document), minus the tokens of the
** matches themselves: each token of the corpus is in the region or not,
** so the 2x2 table is a true partition (Evert 2008, 5.2):
** O11 = obs (region tokens of the type), R1 = r1 (region size),
** C1 = freq[id], N = tokens.
*/
int cp_collocates (cp_corpus *c, const cp_sopt *o, const cp_match *nodes,
                   size_t n, int left, int right, cp_coll *out,
                   cp_err *err);

/* the same for the matches of a query plan (a single norm term is read
** from the postings, without the executor) */
int cp_collocates_plan (cp_corpus *c, const cp_sopt *o, const cp_plan *p,
                        int left, int right, cp_coll *out, cp_err *err);

/*
** All ordered pairs (w1, w2) with w2 among the window-1 kept tokens
** following w1 in the same document (NLTK's
** BigramCollocationFinder.from_words, per document); out->freq holds
** f(w) for every type.
*/
int cp_pairs (cp_corpus *c, const cp_sopt *o, int window, cp_grams *out,
              cp_err *err);

/* }================================================================ */


/* {================================================================
** Keyness (keyness.c)
** ================================================================= */

typedef struct cp_keyrow {
  const char *str;  size_t len;   /* borrowed from the lexicons */
  uint64_t a, b;                  /* frequency in target, reference */
  cp_key k;
} cp_keyrow;

/* statistics to sort keyness rows by */
enum { CP_K_G2 = 0, CP_K_CHI2, CP_K_LOGRATIO, CP_K_PDIFF };

/*
** Join the frequency lists of a target 't' and a reference 'r' (of the
** same corpus or not) by string into rows, one per term present in
** either, with the statistics of cp_keyness_calc; 'bonferroni'
** multiplies each p by the number of rows (capped at 1).  *rows is
** malloc'd.
*/
int cp_keyness (const cp_flist *t, const cp_flist *r, int bonferroni,
                cp_keyrow **rows, size_t *nrows, cp_err *err);

/* sort rows by a CP_K_* statistic, descending, ties by string */
void cp_keyness_sort (cp_keyrow *rows, size_t n, int by);

/* }================================================================ */


/* {================================================================
** Partial counts for sharded analyses (counts.c)
** ================================================================= */

/*
** A map task counts one shard's documents of the opened sharded corpus
** (a document selection), so its ids are the global ids of the merged
** lexicon; it saves the counts to a file (format at the top of
** counts.c).  The reduce builds the same lexicon into out->lex (and
** t->lex, r->lex) with the analysis's layer, sums the parts into 'out'
** (the rest of it zeroed) and scores them with the single-corpus code.
** A part counted with another lexicon, window or analysis is
** CP_ECORRUPT.
*/
enum { CP_COUNTS_PAIRS = 1, CP_COUNTS_COLL = 2, CP_COUNTS_KEY = 3 };

/* XXH64 of the lexicon's strings (the identity a part is checked by) */
uint64_t cp_glex_sum (const cp_glex *g);

int cp_pairs_save (const char *path, const cp_grams *g, int window,
                   cp_err *err);
int cp_coll_save (const char *path, const cp_coll *k, int left, int right,
                  cp_err *err);
int cp_keyness_save (const char *path, const cp_flist *t, const cp_flist *r,
                     cp_err *err);

/* 'b' (may be NULL) is spent one unit per entry read; the summed
** pairs count against its max_mem (CP_ELIMIT) */
int cp_pairs_sum (const char *const *paths, size_t n, int window,
                  cp_budget *b, cp_grams *out, cp_err *err);
int cp_coll_sum (const char *const *paths, size_t n, int left, int right,
                 cp_budget *b, cp_coll *out, cp_err *err);
int cp_keyness_sum (const char *const *paths, size_t n, cp_budget *b,
                    cp_flist *t, cp_flist *r, cp_err *err);

/* }================================================================ */


/* {================================================================
** Ranking (topk.c)
** ================================================================= */

/* a scored row: its value, a tie-breaking key (ascending), and the
** index of what it scores */
typedef struct cp_srow { double v; uint64_t key; size_t i; } cp_srow;

/*
** Keep the best k of r[0..n) (k = 0: all), sorted best first: value
** descending, NaN last, ties by key ascending.  Returns how many are
** kept (min(k, n)).  No allocation; r NULL gives 0.
*/
size_t cp_rank_rows (cp_srow *r, size_t n, size_t k);

/* }================================================================ */


/* {================================================================
** Similarity and document-term matrix (sim.c)
** ================================================================= */

/* cosine of tf-idf vectors of one document with every counted one */
typedef struct cp_sim {
  cp_glex lex;
  uint64_t *df;                    /* per global type, in the selection */
  uint64_t ndocs;                  /* counted documents (D of the idf) */
  uint64_t *doc;  double *score;  size_t n, cap;
} cp_sim;

/* 'target' is a global document number; it is compared with every
** counted document, itself included (score 1) */
int cp_similar (cp_corpus *c, const cp_sopt *o, uint64_t target,
                cp_sim *out, cp_err *err);
void cp_sim_free (cp_sim *s);

/* a document and its score, as cp_similar_top gives them */
typedef struct cp_simhit { uint64_t doc; double score; } cp_simhit;

/*
** The 'limit' documents most similar to 'target' (0: all), best first
** (score descending, ties by document number), 'target' itself left
** out: cp_similar sorted.  *out (malloc'd, free with free()) gets *n
** rows.
*/
int cp_similar_top (cp_corpus *c, const cp_sopt *o, uint64_t target,
                    size_t limit, cp_simhit **out, size_t *n, cp_err *err);

/* a sparse document-term matrix as triplets (i row, j column, x count),
** rows = counted documents (doc[i]), columns = terms[j] (global ids in
** string order) */
typedef struct cp_dtmat {
  cp_glex lex;
  uint32_t *col;                   /* global id -> column | UINT32_MAX */
  uint32_t *terms;  size_t nterms;
  uint64_t *doc;    size_t ndocs;
  uint32_t *i, *j;  uint64_t *x;  size_t nnz, cap;
} cp_dtmat;

/* terms with count >= min, the 'limit' most frequent (0: all) */
int cp_dtm (cp_corpus *c, const cp_sopt *o, uint64_t min, size_t limit,
            cp_dtmat *out, cp_err *err);
void cp_dtm_free (cp_dtmat *m);

/* }================================================================ */


/* {================================================================
** Dictionary lookup (dict.c)
** ================================================================= */

/* an entry: whitespace-separated token patterns, and its category */
typedef struct cp_dentry {
  const char *str;  size_t len;
  uint32_t cat;
} cp_dentry;

typedef struct cp_lookup_res {
  size_t nparts;                   /* counted documents */
  uint32_t ncats;
  size_t nents;
  uint64_t *doc, *size;            /* per part: global doc, kept tokens */
  uint64_t *count;                 /* nparts x ncats matches */
  uint64_t *total;                 /* per category */
  uint64_t *hits;                  /* per entry: matches it won */
} cp_lookup_res;

/*
** Count the matches of every category in every counted document.
** Patterns are normalized like the layer (see dict.c); a token pattern
** matching no type makes its entry match nothing.
*/
int cp_lookup (cp_corpus *c, const cp_sopt *o, const cp_dentry *ents,
               size_t nents, uint32_t ncats, cp_lookup_res *out,
               cp_err *err);
void cp_lookup_free (cp_lookup_res *r);

/* }================================================================ */

#endif
