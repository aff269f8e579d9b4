/*
** conllu.h -- CoNLL-U input (Universal Dependencies v2): a file's bytes
** become documents given as tokens (cp_tokdoc), ready for
** cp_corpus_add.
**
** One document per "# newdoc" (or one for the whole file when it has
** none, with the default id); sentences are blank-line blocks, stored
** as span set "s" with attribute sent_id; "# newpar" starts a paragraph
** (span set "p").  Positions are syntactic words (integer IDs); the
** words of a multiword token (ID "3-4") share its byte span and its
** surface form is what the text shows; empty nodes ("8.1") are skipped.
** Layers: word (FORM), lemma, upos, xpos, feats, deprel, and head: the
** position of the head word in its document (0-based, decimal; empty
** for the root).  The text is rebuilt from "# text" lines when present,
** else from the forms with SpaceAfter=No honoured; sentences are
** joined by a space, paragraphs by a blank line.
**
** Errors carry the line number and nothing is returned on error: a
** wrong column count, an empty column, a bad or out-of-order ID, a non-integer or
** out-of-range HEAD, a form not found in "# text", a missing blank line
** after the last sentence, invalid UTF-8.
*/
#ifndef CP_CONLLU_H
#define CP_CONLLU_H

#include <stddef.h>

#include "corpus.h"

typedef struct cp_conllu cp_conllu;

/* parse buf[0..len) (borrowed: it must outlive the result); documents
** without "# newdoc id" are named defid, defid-2, ... */
int cp_conllu_parse (const char *buf, size_t len, const char *defid,
                     size_t defidlen, cp_conllu **out, cp_err *err);

/* the documents, with 'meta' (borrowed) attached to each */
size_t cp_conllu_docs (cp_conllu *cu, const cp_meta *meta, size_t nmeta,
                       const cp_docin **docs);

void cp_conllu_free (cp_conllu *cu);

/* parse and add every document of buf[0..len) all-or-nothing;
** *ndocs gets the number added */
int cp_corpus_add_conllu (cp_corpus *c, const char *buf, size_t len,
                          const char *defid, size_t defidlen,
                          const cp_meta *meta, size_t nmeta, size_t *ndocs,
                          cp_err *err);

#endif
