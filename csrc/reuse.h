/*
** reuse.h -- text reuse: the passages one document shares with another,
** found from the index's token streams (docs/REUSE.md).
**
** Files: align.c (banded Gotoh extension with an X-drop, over word
** hashes), reuse.c (shingle candidates, seeds, passages, the threads),
** reuse_clu.c (clusters of passages that are the same text in several
** documents), reuse_keep.c (passages stored as span set "reuse").
**
** How.  Every document is read as its sequence of words (punctuation
** tokens are skipped, so punctuation never breaks a passage), each word
** a 64-bit hash of its string in the chosen layer, so two corpora (an
** 'against' corpus) compare without a shared lexicon.  Shingles of
** CP_REUSE_N consecutive words are collected, sorted by hash, and every
** shingle found in 2 to max_df documents (and at most max_df times)
** pairs its occurrences into seeds (doc a, doc b, word in a, word in b);
** the inverted list picks the pairs, never all pairs of documents.  A
** seed with another seed of its pair near it (the two-hit rule) is
** extended: its exact run taken as it is, then a gapped alignment
** (align.c) from both ends until the score falls CP_REUSE_XDROP below
** its best; seeds inside a region already extended are skipped;
** passages of one pair closer than CP_REUSE_JOIN words are joined.
**
** Memory.  Shingles are collected one hash partition at a time (the
** hash's low bits, P a power of two such that a partition holds at most
** CP_REUSE_POSTINGS entries), and seeds are kept for a range of 'a'
** documents at a time: a range whose seeds pass CP_REUSE_SEEDS is split
** in halves and redone.  The postings of seeding shingles (in 2..max_df
** documents: a small part of the words) are kept across ranges when
** they fit CP_REUSE_POSTINGS, and every document's words when they fit
** CP_REUSE_CACHE; past those budgets they are recomputed per range and
** per pair.  So memory is O(CP_REUSE_POSTINGS + CP_REUSE_SEEDS +
** CP_REUSE_CACHE + passages), whatever the number of documents.
**
** Threads.  CP_REUSE_THREADS threads (at most the cores online) take
** partitions (each thread's half the size), count seeds (half the
** documents each) and take document ranges (half the seed budget each);
** partitions are joined in order and passages sorted by a total order,
** so the result does not depend on the threads.
*/
#ifndef CP_REUSE_H
#define CP_REUSE_H

#include <stddef.h>
#include <stdint.h>

#include "cp.h"
#include "corpus.h"

#define CP_REUSE_N          4          /* words per shingle (passim: 5) */
#define CP_REUSE_XDROP      4.0        /* extension stops this far below
                                          its best score */
#define CP_REUSE_BAND       10         /* columns either side of the best
                                          cell of the previous row */
#define CP_REUSE_MAXGAP     8          /* longest insertion or deletion
                                          (longer ones: joined passages) */
#define CP_REUSE_JOIN       12         /* words between joined passages */
#define CP_REUSE_MIN_IDENTITY 0.6      /* passages with fewer equal words
                                          are two texts bridged by cheap
                                          gaps, not reuse: dropped */
#define CP_REUSE_POSTINGS   ((size_t)1 << 23)
#define CP_REUSE_SEEDS      ((size_t)1 << 23)
#define CP_REUSE_CACHE      ((uint64_t)1 << 25)  /* words kept in memory */
#define CP_REUSE_MAX_WORK   ((uint64_t)1 << 36)
#define CP_REUSE_THREADS    2          /* threads over document ranges */

typedef struct cp_reuse_opt {
  uint32_t min;            /* shortest passage, in words on each side (>= 1) */
  int layer;               /* CP_WORD, CP_NORM (default) or CP_STEM */
  const char *layer_name;  /* or a stored layer ("lemma", a CoNLL-U
                              column): its value per token, the norm
                              form where a token has none (and in
                              segments without the layer); CP_EINVAL
                              when no segment of a corpus stores it */
  uint32_t max_df;         /* shingles in more documents are boilerplate */
  double mismatch;         /* cost of a substituted word (match scores 1) */
  double gap;              /* cost of opening a gap (its first word) */
  double gap_extend;       /* cost of each further word of a gap */
  /* document bitmaps (bit d%8 of byte d/8 for global doc d) or NULL:
  ** 'a' sides come from 'source', 'b' sides from 'target' (of the
  ** 'against' corpus when there is one) */
  const unsigned char *source;  uint64_t nsource;
  const unsigned char *target;  uint64_t ntarget;
  uint64_t max_work;       /* postings + seeds + alignment cells; 0 =
                              CP_REUSE_MAX_WORK; passing it is CP_ELIMIT */
} cp_reuse_opt;

/* defaults: min 8, norm, max_df 100, mismatch 1, gap 1, gap_extend 0.1 */
void cp_reuse_opt_init (cp_reuse_opt *o);

/* one side of a passage */
typedef struct cp_reuse_side {
  uint64_t doc;            /* global document number in its corpus */
  uint32_t w0, w1;         /* words [w0, w1) of the document (0-based,
                              punctuation not counted) */
  uint32_t t0, t1;         /* tokens [t0, t1) relative to the document */
  uint32_t b0, b1;         /* bytes [b0, b1) of the document's text */
} cp_reuse_side;

typedef struct cp_passage {
  cp_reuse_side a, b;      /* a: this corpus; b: this or the 'against' one */
  uint32_t words;          /* alignment columns (matches, substitutions,
                              inserted and deleted words) */
  uint32_t same;           /* columns whose words are equal */
  double score;            /* alignment score */
} cp_passage;

typedef struct cp_reuse {
  cp_passage *v;  size_t n, cap;   /* sorted by score, best first */
  uint64_t seeds;          /* seeds made from shared shingles */
  uint64_t pairs;          /* document pairs with seeds */
  uint64_t boilerplate;    /* shingles dropped by max_df */
  uint64_t work;           /* work spent (postings + seeds + cells) */
  uint32_t partitions;     /* hash partitions of the last range */
  uint32_t ranges;         /* document ranges processed */
  int against;             /* b sides are documents of the other corpus */
} cp_reuse;

/*
** Find the passages shared by documents of 'c' (both sides from 'c'
** when other == NULL: each unordered pair once, or source -> target) or
** between 'c' (a side) and 'other' (b side).  'other' must use the
** tokenizer mode of 'c' (and its language when layer is CP_STEM):
** CP_EINVAL otherwise.  Deleted documents are skipped.  'out' starts
** zeroed and is released by cp_reuse_free (also after an error).
*/
int cp_reuse_find (cp_corpus *c, cp_corpus *other, const cp_reuse_opt *o,
                   cp_reuse *out, cp_err *err);
void cp_reuse_free (cp_reuse *r);

/* {================================================================
** Alignment (align.c)
** ================================================================= */

typedef struct cp_align_cost {
  double mismatch, gap, gap_extend, xdrop;
  uint32_t band;           /* columns either side of the best cell */
  uint32_t maxgap;         /* longest gap, in words (>= 1) */
} cp_align_cost;

typedef struct cp_ext {
  uint32_t la, lb;         /* words of a and b consumed by the best end */
  uint32_t cols, same;     /* alignment columns and equal ones up to it */
  double score;            /* its score (>= 0: the empty extension) */
} cp_ext;

/*
** Extend an alignment over a[0..na) and b[0..nb) (word hashes), from
** just before a[0], b[0] (a step of 'dir' = +1 reads a[0], a[1], ...;
** -1 reads a[-1], a[-2], ... with na, nb the words available that way).
** Matches score 1, costs as given; rows whose every cell is below the
** best score minus xdrop end the extension, and each row spans at most
** 'band' columns either side of the previous row's best cell.  'work'
** is incremented by the cells computed.  CP_ENOMEM only.
*/
int cp_align_extend (const uint64_t *a, uint32_t na, const uint64_t *b,
                     uint32_t nb, int dir, const cp_align_cost *k,
                     cp_ext *out, uint64_t *work, cp_err *err);

/* }================================================================ */

/* {================================================================
** Clusters (reuse_clu.c)
** ================================================================= */

/* a passage instance: one side of one or more passages */
typedef struct cp_clu_member {
  int corpus;              /* 0: c, 1: other */
  uint64_t doc;
  uint32_t b0, b1;         /* bytes, union of the sides merged */
  uint32_t t0, t1;
} cp_clu_member;

typedef struct cp_clusters {
  size_t n;                /* clusters */
  size_t *first;           /* n + 1 offsets into m */
  cp_clu_member *m;        /* members, by cluster, then document */
  uint32_t *ndocs;         /* distinct documents of each cluster */
  uint32_t *repeats;       /* members in a document holding another
                              member of the same cluster */
  size_t *of;              /* the cluster of each passage */
} cp_clusters;

/*
** Group the passages of 'r': sides in one document that overlap by at
** least half of the shorter (passim's relative overlap, 0.5) are one
** member; members linked by a passage are one cluster.  Clusters come
** in the order of their first member (corpus, document, byte), members
** likewise.
*/
int cp_reuse_clusters (const cp_reuse *r, cp_clusters *out, cp_err *err);
void cp_clusters_free (cp_clusters *cl);

/* }================================================================ */

/* {================================================================
** Keeping passages as a span set (reuse_keep.c)
** ================================================================= */

#define CP_REUSE_SET "reuse"

/*
** Store the passages of 'r' (found in 'c', with 'other' the 'against'
** corpus or NULL) as span set "reuse" of 'c': one span per side in 'c'
** (both sides without 'other', the a side with it), over the passage's
** tokens, with attributes 'other' (the id of the document on the other
** side) and 'cluster' (1-based, clusters as cp_reuse_clusters makes
** them).  Every segment of 'c' is rewritten by copy
** (cp_merge_respan, cp_corpus_rewrite_seg): the spans of an earlier
** "reuse" set are replaced, segments without passages lose theirs.
** An on-disk index stores them at its next commit.  *nspans gets the
** number of spans stored.
*/
int cp_reuse_keep (cp_corpus *c, cp_corpus *other, const cp_reuse *r,
                   uint64_t *nspans, cp_err *err);

/* }================================================================ */

#endif
