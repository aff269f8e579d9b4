/*
** analyse.h -- the extractors (extract.h) as a span-set producer: run at
** add time on every document added as text, they store what they find
** as span sets of the index (docs/EXTRACT.md, "In the index"):
**
**   quote    one span per part of a quotation, the marks excluded (a
**            quote split by its attribution has two: the words between
**            are not inside it); attributes id (the quote's number in
**            its document, 1, 2, ...: the parts of one quote share it),
**            part (1, 2, ...: <quote part="1"/> counts quotes), kind,
**            speaker, cue, confidence ("0.85")
**   speaker  the speaker's mention; attributes name (canonical), quote (id)
**   cue      the reporting verb ("said", "according to"); attribute quote
**   entity   a name; attributes kind, canonical
**   date     a temporal expression; attributes type, value (TIMEX3)
**   number   a number; attributes value (shortest round-trip decimal),
**            unit (when there is one)
**
** Positions are token ranges [start, end) of the document; the bytes of
** a row are those of its first and last token (an entity's possessive
** ending excluded: cp_entity_possessive).  Relative dates are read from
** the document's "date" metadata field (a string starting YYYY,
** YYYY-MM or YYYY-MM-DD), as c:dates() does at call time.
*/
#ifndef CP_ANALYSE_H
#define CP_ANALYSE_H

#include <stddef.h>

#include "cp.h"
#include "seg.h"
#include "extract.h"

/* the analysers by name: "entities", "quotes", "dates", "numbers" (the
** CP_X_* bits, extract.h); NULL for a bit that is not one */
const char *cp_analyse_name (unsigned bit);
/* the bit of a name, 0 if unknown */
unsigned cp_analyse_bit (const char *name, size_t len);

typedef struct cp_analyser cp_analyser;

/* a producer state storing the sets of 'what' (CP_X_* bits, non-zero);
** NULL and *err on failure */
cp_analyser *cp_analyser_new (unsigned what, cp_err *err);
void cp_analyser_free (cp_analyser *a);
unsigned cp_analyser_what (const cp_analyser *a);
/* store the sets of 'what' from now on (0: none; the producer then
** does nothing) */
void cp_analyser_set_what (cp_analyser *a, unsigned what);

/* the cp_producer_fn; 'ud' is a cp_analyser */
int cp_analyse_producer (void *ud, const char *text, size_t len,
                         const cp_tokvec *tv, const cp_meta *meta,
                         size_t nmeta, cp_spanout *out, cp_err *err);

/* the same as a cp_producer_mtfn (seg.h): 'ud' is the cp_analyser,
** only read; its buffers live in the calling thread (freed when it
** ends), so *scratch is left NULL and the producer needs no mtfree */
int cp_analyse_mt (void *ud, void **scratch, const char *text, size_t len,
                   const cp_tokvec *tv, const cp_meta *meta, size_t nmeta,
                   cp_spanout *out, cp_err *err);

/* is 'set' (and, when key != NULL, its attribute 'key') one the
** analysers of 'what' store?  Such a set is known to queries and
** statistics even when no document has a span of it (it is empty) */
int cp_analyse_known (unsigned what, const char *set, size_t setlen,
                      const char *key, size_t keylen);

/* the anchor of a document's "date" field (s, n), as c:dates() reads
** it; 0 when there is none */
int cp_analyse_anchor (const char *s, size_t n, cp_anchor *a);

#endif
