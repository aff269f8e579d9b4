/*
** vrt.h -- CWB vertical text (VRT) input: a file's bytes become
** documents given as tokens (cp_tokdoc), ready for cp_corpus_add.
**
** "<text ...>" starts a document; its attributes become metadata
** (strings) and id= its id (else defid, defid-2, ...).  Every other tag
** pair ("<s>", "<p>", "<chapter n="3">") becomes a span of the span set
** of its name, with its attributes; a pair holding no token is dropped.
** A token line is TAB-separated columns named by 'columns': the one
** named "word" is the word layer, the others stored layers.  The text
** is the words joined by spaces, a line break after a sentence and a
** blank line after a paragraph; each token's byte span slices to its
** word.  The XML entities &amp; &lt; &gt; &quot; &apos; are decoded; a
** line starting "<!--" is a comment.
**
** Errors carry the line number and nothing is returned on error: a bad
** tag, crossed or unclosed tags, a token outside <text>, a column count
** that differs from 'columns', an empty word, invalid UTF-8.
*/
#ifndef CP_VRT_H
#define CP_VRT_H

#include <stddef.h>

#include "corpus.h"

/* parse buf[0..len) and add its documents all-or-nothing; 'columns'
** names the ncols columns ([a-z][a-z0-9_]*, one of them "word"); 'meta'
** (borrowed) goes to every document besides the <text> attributes */
int cp_corpus_add_vrt (cp_corpus *c, const char *buf, size_t len,
                       const char *defid, size_t defidlen,
                       const char *const *columns, const size_t *collens,
                       size_t ncols, const cp_meta *meta, size_t nmeta,
                       size_t *ndocs, cp_err *err);

#endif
