/*
** conc.h -- concordances: the hits of a query held as positions (not
** strings), so they can be sorted by their context and cut into KWIC
** windows again and again without searching again.
**
** A hit is a document (global number, 0-based) and a token span
** [start, stop) relative to the document.  Sorting computes, for each
** key, one rank per hit from the key's string (folded unless 'exact'),
** then orders the hits by their ranks, stably: ties keep the order they
** had.  Windows are byte ranges into the document's stored text.
*/
#ifndef CP_CONC_H
#define CP_CONC_H

#include <stddef.h>
#include <stdint.h>

#include "cp.h"
#include "corpus.h"
#include "exec.h"

typedef struct cp_conc_hit {
  uint64_t doc;            /* global document number */
  uint32_t start, stop;    /* token span [start, stop) within the document */
} cp_conc_hit;

typedef struct cp_conc {
  cp_corpus *c;            /* not owned: the corpus must outlive it */
  cp_conc_hit *v;
  size_t n;
  uint64_t epoch;          /* cp_corpus_epoch when the hits were taken */
} cp_conc;

/*
** CP_OK while the corpus still numbers its documents as when k was
** made; CP_EINVAL with a message once a refresh, rollback, delete or
** renumbering merge has moved cp_corpus_epoch (the hits could name
** other documents or positions).  cp_conc_sort and cp_conc_sample
** check it; callers of cp_conc_window on k's hits must.
*/
int cp_conc_check (const cp_conc *k, cp_err *err);

/*
** A concordance of the matches 'm' (global positions, as cp_exec gives
** them), keeping only documents whose bit is set in 'sel' (bit d of
** byte d/8, LSB first; NULL keeps every document).  Matches of deleted
** documents are dropped.  *out is freed with cp_conc_free.
*/
int cp_conc_new (cp_corpus *c, const cp_matches *m, const unsigned char *sel,
                 uint64_t nsel, cp_conc **out, cp_err *err);
void cp_conc_free (cp_conc *k);

/* sort keys */
enum {
  CP_CK_MATCH,   /* the matched tokens */
  CP_CK_LEFT,    /* the n-th word left of the match (1 = adjacent) */
  CP_CK_RIGHT,   /* the n-th word right of the match */
  CP_CK_META     /* a metadata field of the document */
};

typedef struct cp_conc_key {
  int kind;                 /* CP_CK_* */
  uint32_t n;               /* LEFT / RIGHT: which word, >= 1 */
  int layer;                /* CP_WORD, CP_NORM or CP_STEM (token keys) */
  const char *field;        /* META: the field name */
  size_t fieldlen;
  int desc;                 /* descending */
  int reverse;              /* compare the strings read backwards (a
                               tergo: sorts by suffix) */
  int exact;                /* 0: case- and diacritic-insensitive */
} cp_conc_key;

/*
** Sort k in place by keys[0..nkeys) (nkeys <= 16).  Word keys count
** words only: punctuation tokens are skipped, as in the windows.  A
** word beyond the document's edge, or a missing field, is the empty
** string and sorts first.  Numeric metadata sorts numerically, before
** any string value.
*/
int cp_conc_sort (cp_conc *k, const cp_conc_key *keys, size_t nkeys,
                  cp_err *err);

/* n hits of k drawn at random (all when n >= k->n), in k's order;
** 'seed' makes the draw reproducible (the same on every platform) */
int cp_conc_sample (const cp_conc *k, size_t n, uint64_t seed,
                    cp_conc **out, cp_err *err);

/* context units of a window */
enum {
  CP_CW_WORDS,   /* 'left' / 'right' words; punctuation shown, not counted */
  CP_CW_CHARS,   /* 'left' / 'right' characters (code points) */
  CP_CW_SENT,    /* the sentence(s) the match is in */
  CP_CW_PARA     /* the paragraph(s) the match is in */
};

typedef struct cp_conc_win {
  int unit;                 /* CP_CW_* */
  uint32_t left, right;     /* WORDS / CHARS */
} cp_conc_win;

/*
** The window around one hit: byte ranges [lb0, lb1) left context,
** [mb0, mb1) match, [rb0, rb1) right context of 'text' (the document's
** stored text), and the tokens [first, last) the window covers.  For
** words and sentences, whitespace between the match and its context is
** left out; for characters, the context is exactly the characters
** around the match (fewer at the document's edges).
*/
typedef struct cp_window {
  const char *text; size_t textlen;
  const char *id;   size_t idlen;
  const void *meta; size_t metalen;   /* the document's metadata */
  size_t lb0, lb1, mb0, mb1, rb0, rb1;
  uint32_t first, last;
} cp_window;

int cp_conc_window (cp_corpus *c, const cp_conc_hit *h, const cp_conc_win *w,
                    cp_window *out, cp_err *err);

#endif
