/*
** exec.h -- the query executor: runs a plan (plan.h) over the segments
** of a corpus.
**
** Model.  Each segment is evaluated on its own; a node yields sorted
** token spans (local positions) and the set of documents it matches.
** Token conditions compile to sets of word types, with the norm types
** whose postings hold every candidate position; sequences (phrases,
** token patterns) start from the rarest fixed item's postings and find
** their neighbours in the other items' postings (or, for items that
** repeat, in the token stream).  AND / OR / NOT combine at the document
** level (AND: the documents of every argument, hits are the union of
** the positive arguments' spans; NOT removes documents).  A document
** matched only through filters (NOT, metadata) yields one match
** covering the whole document.  Deleted documents never appear.
** docs/QUERY.md ("How it runs") has the details.
**
** Matches are (global doc number, global token positions [start,
** stop)), sorted by position.
*/
#ifndef CP_EXEC_H
#define CP_EXEC_H

#include <stddef.h>
#include <stdint.h>

#include "cp.h"
#include "corpus.h"
#include "plan.h"
#include "budget.h"

typedef struct cp_match { uint64_t doc, start, stop; } cp_match;
typedef struct cp_matches { cp_match *v; size_t n, cap; } cp_matches;

/* zero means "no limit" for each */
typedef struct cp_limits {
  uint64_t max_matches;   /* more matches than this: CP_ELIMIT */
  uint64_t max_expand;    /* a wildcard/regex expanding to more lexicon
                             entries than this (per segment): CP_ELIMIT */
  uint64_t max_work;      /* units of work of the call (budget.h) */
  double timeout;         /* seconds of wall clock (0: none) */
  cp_budget *budget;      /* NULL: each entry point starts its own from
                             max_work and timeout; a caller running
                             several queries in one call shares one */
} cp_limits;

#define CP_DEFAULT_MAX_MATCHES 10000000u
#define CP_DEFAULT_MAX_EXPAND 10000u

void cp_matches_free (cp_matches *m);

/*
** Run 'p' over the corpus and append the matches to 'out' (which the
** caller frees with cp_matches_free, also after an error).  'lim' may
** be NULL (defaults above).
*/
int cp_exec (cp_corpus *c, const cp_plan *p, const cp_limits *lim,
             cp_matches *out, cp_err *err);

/* the number of matches only (no match array is built) */
int cp_exec_count (cp_corpus *c, const cp_plan *p, const cp_limits *lim,
                   uint64_t *n, cp_err *err);

/* the matches of 'p' inside one document (global number 'doc') */
int cp_exec_doc (cp_corpus *c, const cp_plan *p, const cp_limits *lim,
                 uint64_t doc, cp_matches *out, cp_err *err);

/*
** Per-corpus cache of query-independent facts about segments (document
** starts and lengths, punctuation norms, field lengths for BM25F), which
** would otherwise be recomputed by every query.  Keyed by segment (and a
** hash of its header), so it stays valid as segments come and go.  NULL
** may be passed wherever a cache is taken: the facts are then computed
** for the one call.
*/
typedef struct cp_qcache cp_qcache;
cp_qcache *cp_qcache_new (void);
void cp_qcache_free (cp_qcache *qc);

/* what cp_exec_countq counts */
enum { CP_COUNT_HITS = 0, CP_COUNT_DOCS = 1 };

/*
** cp_exec_count with a cache, counting either matches (CP_COUNT_HITS,
** as cp_exec_count) or matching live documents (CP_COUNT_DOCS), which
** is evaluated at document level: a term's documents come from its
** postings without building spans, a sequence skips to the next
** document after its first hit, AND/OR/NOT combine document lists.
** max_matches does not apply to a document count.
*/
int cp_exec_countq (cp_corpus *c, cp_qcache *qc, const cp_plan *p,
                    const cp_limits *lim, int what, uint64_t *n,
                    cp_err *err);

/* cp_exec and cp_exec_doc with a cache */
int cp_execq (cp_corpus *c, cp_qcache *qc, const cp_plan *p,
              const cp_limits *lim, cp_matches *out, cp_err *err);
int cp_exec_docq (cp_corpus *c, cp_qcache *qc, const cp_plan *p,
                  const cp_limits *lim, uint64_t doc, cp_matches *out,
                  cp_err *err);

/* {================================================================
** Ranked search (BM25)
** ================================================================= */

/* a field weight for BM25F: "text" is the indexed body, any other
** name a string metadata field */
typedef struct cp_search_field {
  const char *name;
  size_t len;
  double weight;             /* >= 0 */
} cp_search_field;

typedef struct cp_search_opts {
  double k1, b;              /* BM25 parameters (1.2, 0.75) */
  size_t offset, limit;      /* page of the ranking */
  const cp_search_field *fields;   /* NULL / 0: the text alone (BM25) */
  size_t nfields;
} cp_search_opts;

typedef struct cp_hit {
  uint64_t doc;              /* global doc number */
  double score;              /* BM25, higher is better */
  size_t m0, m1;             /* its matches: [m0, m1) of the result's
                                match array */
} cp_hit;

typedef struct cp_hits {
  cp_hit *v; size_t n;
  cp_matches m;              /* matches of the returned hits */
  uint64_t total;            /* documents matching the query */
} cp_hits;

void cp_hits_free (cp_hits *h);

/*
** Rank the documents matching 'p' by BM25 as SQLite FTS5 computes it:
** every positional part of the query outside NOT (a term, a phrase, a
** pattern, a NEAR group) is a "phrase" with
**   idf = log((N - n + 0.5) / (n + 0.5)), floored at 1e-6,
**   score = sum idf * f * (k1 + 1) / (f + k1 * (1 - b + b * dl / avgdl))
** where N counts live documents, n those containing the phrase, f its
** matches in the document, dl the document's word tokens, avgdl their
** mean.  Ties are broken by document number.
*/
int cp_search (cp_corpus *c, cp_qcache *qc, const cp_plan *p,
               const cp_limits *lim, const cp_search_opts *o,
               cp_hits *out, cp_err *err);

/* }================================================================ */

/* {================================================================
** Marking matches in a document's text (snippets, highlighting)
** ================================================================= */

typedef struct cp_mark_opts {
  const char *before, *after;    /* around each match ("[" "]") */
  const char *ellipsis;          /* where the snippet cuts ("...") */
  uint32_t window;               /* snippet length in tokens; 0 = whole
                                    text (highlight) */
} cp_mark_opts;

/*
** The text of document 'doc' (or the best window of 'window' tokens,
** the one covering the most matches) with every match marked;
** overlapping matches are merged.  'm' are matches of that document,
** sorted.  *out is malloc'd and NUL-terminated.
*/
int cp_mark (cp_corpus *c, uint64_t doc, const cp_match *m, size_t n,
             const cp_mark_opts *o, char **out, size_t *outlen,
             cp_err *err);

/* }================================================================ */

#endif
