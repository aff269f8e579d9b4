/*
** corpus.h -- the public C API of libcorpus, for host applications that
** index and query text corpora without Lua.
**
**   cc host.c $(pkg-config --cflags --libs corpus)
**
** Self-contained: this header includes only the C standard library and
** declares opaque handles; the internal headers of the library (csrc/)
** are not installed.  Every exported symbol of libcorpus.so starts with
** corpus_ (the internal cp_ functions are hidden), so this header is the
** whole ABI.  The soname's number (libcorpus.so.0) changes when it does.
**
** Errors: every fallible function returns CORPUS_OK (0) or an error code
** and, when 'err' is not NULL, fills it with the code and a message.
** Bad arguments (NULL handles, ...) give CORPUS_EINVAL; nothing aborts.
** Functions returning a handle return NULL on error.
**
** Queries.  The query language of the Lua module (docs/QUERY.md) is an
** LPeg grammar, so it is parsed in Lua.  A C host builds the same plans
** with the builder below (corpus_q_*): a query is a tree of nodes owned
** by a corpus_query.  corpus_q_words cuts a string into tokens exactly as
** the corpus cut its text, which is what the query language does with a
** word or a quoted phrase: "foreign terrorist fighters" in a query is
** corpus_q_words(q, c, CORPUS_NORM, "foreign terrorist fighters", n).
** A host that embeds Lua can use the language itself: see
** examples/embed/lua_host.c (require "corpus", c:count(q), ...).
**
** Thread safety.  The library has no global mutable state.  A corpus
** handle, and the queries and cursors used with it, must be used by one
** thread at a time (reads may seal pending documents and fill caches).
** Different handles are independent: any number of threads may each
** open their own read-only handle on one index directory (corpus_open),
** while one writer (CORPUS_OPEN_WRITE, or corpus_create) adds and
** commits in another process or thread; readers see a commit after they
** reopen.  A corpus_query is only read by the calls that run it, so one
** query may be run on several handles, one call at a time per handle.
*/
#ifndef CORPUS_PUBLIC_H
#define CORPUS_PUBLIC_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define CORPUS_VERSION "0.2.0"

/* error codes (corpus_code_name gives "ENOMEM", "EINVAL", ...) */
enum {
  CORPUS_OK = 0,
  CORPUS_ENOMEM,    /* out of memory */
  CORPUS_EINVAL,    /* bad argument */
  CORPUS_ECORRUPT,  /* damaged index file */
  CORPUS_ENOENT,    /* missing file, directory or document */
  CORPUS_EIO,       /* read/write failure */
  CORPUS_ESYNTAX,   /* malformed input line */
  CORPUS_ELIMIT,    /* a work limit was exceeded */
  CORPUS_EEXIST,    /* duplicate id, index already exists */
  CORPUS_ELOCKED,   /* another writer holds the index lock */
  CORPUS_EVERSION,  /* unsupported index format version */
  CORPUS_ELANG      /* unknown stemmer language */
};

/* what corpus_next returns besides an error code */
#define CORPUS_ROW  100   /* a match was written */
#define CORPUS_DONE 101   /* no more matches */

typedef struct corpus_error {
  int code;
  char msg[512];
} corpus_error;

const char *corpus_code_name (int code);
const char *corpus_version (void);        /* CORPUS_VERSION of the library */


/* {================================================================
** Corpora
** ================================================================= */

typedef struct corpus corpus;

/* a new in-memory corpus; language is a libstemmer name (NULL:
** "english") */
corpus *corpus_new (const char *language, corpus_error *err);

/* a new on-disk index at 'path' (which must not exist or be empty),
** open for writing */
corpus *corpus_create (const char *path, const char *language,
                       corpus_error *err);

/* open the last commit of the index at 'path'; read-only unless
** flags has CORPUS_OPEN_WRITE (which takes the writer lock) */
#define CORPUS_OPEN_WRITE 1u
corpus *corpus_open (const char *path, unsigned flags, corpus_error *err);

/* free the corpus (uncommitted documents of an index are dropped);
** NULL is ignored */
void corpus_close (corpus *c);

/* add one document; id NULL or "" means the next sequence number */
int corpus_add_text (corpus *c, const char *id, const char *text,
                     size_t len, corpus_error *err);

/* add a text file; its id is the file name without directory and
** extension */
int corpus_add_file (corpus *c, const char *path, corpus_error *err);

/*
** Add a JSON Lines file: one object per line with "text" (a string),
** an optional "id" (a string or an integer) and metadata fields
** (strings, numbers, booleans or arrays of those).  All or nothing: a
** malformed line gives CORPUS_ESYNTAX naming its line and adds nothing.
** *added (may be NULL) is the number of documents added.
*/
int corpus_add_jsonl (corpus *c, const char *path, size_t *added,
                      corpus_error *err);

/* an in-memory corpus: seal the added documents (reads do it too); an
** index opened for writing: make them durable and visible */
int corpus_commit (corpus *c, corpus_error *err);

typedef struct corpus_stats {
  uint64_t docs, tokens, words, punct, sentences, paragraphs, bytes;
  uint64_t types;              /* distinct normalized word types */
} corpus_stats;

int corpus_get_stats (corpus *c, corpus_stats *st, corpus_error *err);

/* the text and id of document 'doc' (0-based); the pointers stay valid
** until the corpus is changed or closed */
int corpus_doc (corpus *c, uint64_t doc, const char **text, size_t *textlen,
                const char **id, size_t *idlen, corpus_error *err);

/* }================================================================ */


/* {================================================================
** Queries (the plans the query language compiles to, docs/QUERY.md)
** ================================================================= */

typedef struct corpus_query corpus_query;
typedef struct corpus_node corpus_node;

/* token layers */
enum { CORPUS_WORD = 0, CORPUS_NORM = 1, CORPUS_STEM = 2 };

/* kinds of corpus_q_lex */
enum { CORPUS_Q_TERM = 0, CORPUS_Q_PREFIX, CORPUS_Q_GLOB, CORPUS_Q_REGEX };

/* kinds of corpus_q_list */
enum { CORPUS_Q_AND = 0, CORPUS_Q_OR };

/* units of corpus_q_within */
enum { CORPUS_SENTENCE = 1, CORPUS_PARAGRAPH = 2 };

/*
** Errors of the builder are sticky (as in SQLite's FTS5): after the
** first failure every constructor returns NULL and the run functions
** report the first error, so a host makes all its calls and checks once.
*/
corpus_query *corpus_query_new (void);      /* NULL on out of memory */
void corpus_query_free (corpus_query *q);

/* the words of 'text' as the corpus cuts its text: one term, or a
** phrase when there are several (punctuation tokens dropped) */
corpus_node *corpus_q_words (corpus_query *q, const corpus *c, int layer,
                             const char *text, size_t len);

/* one token condition on a layer: an exact term, a prefix, a glob
** (* and ?) or a PCRE2 regular expression matching whole tokens */
corpus_node *corpus_q_lex (corpus_query *q, int kind, int layer,
                           const char *s, size_t len);

/* documents matching all (AND) or any (OR) of the nodes added with
** corpus_q_add; the matches are those of the positive parts */
corpus_node *corpus_q_list (corpus_query *q, int kind);
corpus_node *corpus_q_add (corpus_query *q, corpus_node *list,
                           corpus_node *kid);

/* documents not matching 'arg' */
corpus_node *corpus_q_not (corpus_query *q, corpus_node *arg);

/* the nodes added with corpus_q_add within 'dist' words of each other
** (in the order added when 'ordered') */
corpus_node *corpus_q_near (corpus_query *q, uint32_t dist, int ordered);

/* matches of 'arg' inside one sentence or paragraph */
corpus_node *corpus_q_within (corpus_query *q, int unit, corpus_node *arg);

/* the node the query runs; returns its argument.  Its terms (outside
** token patterns) also find their variants — other diacritics, a word
** as the part of a compound (docs/QUERY.md "Compounds and diacritics")
** — as the query language's terms do by default; a quoted phrase of
** the query language also finds the compound of its words ("al hol" ->
** al-hol), which a corpus_q_words phrase does not */
corpus_node *corpus_q_root (corpus_query *q, corpus_node *root);

/* }================================================================ */


/* {================================================================
** Running queries
** ================================================================= */

/* number of matches; with 'docs' set, of matching documents */
int corpus_count (corpus *c, const corpus_query *q, int docs, uint64_t *n,
                  corpus_error *err);

/* a match: document (0-based) and token span [start, stop) within it */
typedef struct corpus_match {
  uint64_t doc;
  uint32_t start, stop;
} corpus_match;

/*
** Matches one at a time, in document and position order, computed a run
** of documents at a time: the first comes in about the time of a count
** and memory stays bounded whatever their number.  The query and the
** corpus must outlive the cursor.
*/
typedef struct corpus_cursor corpus_cursor;

corpus_cursor *corpus_matches (corpus *c, const corpus_query *q,
                               corpus_error *err);
/* CORPUS_ROW with *m set, CORPUS_DONE, or an error code */
int corpus_next (corpus_cursor *cur, corpus_match *m, corpus_error *err);
void corpus_cursor_free (corpus_cursor *cur);

/*
** A KWIC line of a match: up to 'width' words each side (punctuation
** shown but not counted), as byte ranges of the document's text, which
** is what the Lua c:kwic gives.  The pointers stay valid until the
** corpus is changed or closed.
*/
typedef struct corpus_kwic_line {
  const char *left;  size_t leftlen;
  const char *match; size_t matchlen;
  const char *right; size_t rightlen;
  const char *id;    size_t idlen;
} corpus_kwic_line;

int corpus_kwic (corpus *c, const corpus_match *m, uint32_t width,
                 corpus_kwic_line *out, corpus_error *err);

/* a ranked document (BM25, as the Lua c:search ranks; or a similarity
** score, corpus_similar) */
typedef struct corpus_hit {
  uint64_t doc;
  double score;
} corpus_hit;

/* the best 'limit' documents, best first (score descending, ties by
** document number; the same top-k selection as c:search), into
** hits[0..*n); *total (may be NULL) is the number of matching
** documents */
int corpus_search (corpus *c, const corpus_query *q, size_t limit,
                   corpus_hit *hits, size_t *n, uint64_t *total,
                   corpus_error *err);

/* }================================================================ */


/* {================================================================
** Statistics
** ================================================================= */

/* the number of document slots: documents are numbered 0..*n-1
** (deleted documents keep their numbers; corpus_get_stats counts the
** live ones) */
int corpus_ndocs (corpus *c, uint64_t *n, corpus_error *err);

/*
** The 'limit' documents most similar to 'doc' (cosine of tf-idf
** vectors over the 'layer' types, as the Lua c:similar), best first,
** 'doc' itself left out, into hits[0..*n).  Within the library's
** default work bound (CORPUS_ELIMIT past it).
*/
int corpus_similar (corpus *c, uint64_t doc, int layer, size_t limit,
                    corpus_hit *hits, size_t *n, corpus_error *err);

/* }================================================================ */

#ifdef __cplusplus
}
#endif

#endif
