/*
** jsonl.h -- adding JSON Lines in C: one JSON object per line with
** "text", an optional "id" and metadata fields, parsed (yajl, jansson
** for a few lines: jsonl.c) on worker threads, each of which also
** tokenizes the documents it parsed (pipe.h), while the caller adds
** them to the builder in line order.
** The rules are c:add_jsonl's (docs/API.md):
**   - blank lines (only spaces, tabs, CR, VT, FF) are skipped; a UTF-8
**     byte order mark opening the file is dropped;
**   - "text" must be a string; "id" a non-empty string, an integer of
**     magnitude below 2^53 (written in decimal) or absent/null (the next
**     sequence number);
**   - every other non-null field is metadata: a string, number, boolean,
**     or a list of those (repeated fields; an empty list or object adds
**     none); numbers are doubles; booleans become "true" / "false";
**   - all or nothing: the first malformed line (by line number) is the
**     error, "name:line: message" with code CP_ESYNTAX; otherwise the
**     first failing add, "name: document N: message".
*/
#ifndef CP_JSONL_H
#define CP_JSONL_H

#include <stddef.h>
#include <stdint.h>

#include "corpus.h"

/*
** Read the lines of file 'path' that start in [offset, offset + length)
** (length SIZE_MAX: to the end) into a malloc'd *buf, *len: the last
** such line is read to its end.  CP_ENOENT / CP_EIO with "path: reason".
*/
int cp_jsonl_read (const char *path, uint64_t offset, uint64_t length,
                   char **buf, size_t *len, cp_err *err);

/*
** Add the JSON Lines of buf[0..len) to corpus c, naming them 'name' in
** messages, the first line being number line0 + 1; 'bom': the buffer
** opens the file (a byte order mark there is dropped).  *added gets the
** number of documents.  *parser (may be NULL) is set to 1 when the
** error is a line the parsers rejected (the caller may want another
** parser's message for it).
*/
int cp_corpus_add_jsonl (cp_corpus *c, const char *buf, size_t len,
                         const char *name, uint64_t line0, int bom,
                         size_t *added, int *parser, cp_err *err);

#endif
