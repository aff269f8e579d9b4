/*
** meta.h -- document metadata: values, their encoding in a segment, and
** the list of fields a corpus has.
**
** A document's metadata is a sequence of fields key -> value.  A value
** is a string, a float, an integer, a boolean, or an element of a list
** (the 'list' flag: every element of a list carries it, so a list of
** one stays a list; an empty list is one CP_MEMPTY field).  A field
** that is not a list appears once.
*/
#ifndef CP_META_H
#define CP_META_H

#include <stddef.h>
#include <stdint.h>

#include "cp.h"

enum { CP_MSTR = 0, CP_MNUM = 1, CP_MINT = 2, CP_MBOOL = 3, CP_MEMPTY = 4 };

typedef struct cp_meta {
  const char *key;   size_t keylen;
  int type;                              /* CP_M* */
  const char *str;   size_t strlen;      /* CP_MSTR; CP_MBOOL "true"/"false" */
  double num;                            /* CP_MNUM; CP_MINT as a double */
  int64_t ival;                          /* CP_MINT; CP_MBOOL 0 or 1 */
  int list;                              /* an element of a list */
} cp_meta;

/* numbers compare as numbers, booleans as the strings true / false */
#define cp_meta_isnum(m) ((m)->type == CP_MNUM || (m)->type == CP_MINT)
#define cp_meta_isstr(m) ((m)->type == CP_MSTR || (m)->type == CP_MBOOL)

/*
** Encoding (stored per document in the segment, docs/FORMAT.md): per
** field u8 tag, u32 keylen, key, value.  The tag's low 7 bits are the
** type, bit 7 the list flag.  Values: CP_MSTR u32 len + bytes; CP_MNUM
** binary64; CP_MINT int64; CP_MBOOL u8; CP_MEMPTY nothing.  Segments
** written before integers, booleans and lists existed hold tags 0 and
** 1 only and decode unchanged.
*/

/* encoded size of the fields, or SIZE_MAX if one is malformed or the
** total does not fit in 32 bits */
size_t cp_meta_size (const cp_meta *meta, size_t nmeta);

/* encode the fields at 'o' (cp_meta_size bytes) */
void cp_meta_put (unsigned char *o, const cp_meta *meta, size_t nmeta);

/* iterate encoded metadata: *it starts at 0; returns 1 and fills 'm'
** while there are fields, 0 at the end, -1 if the encoding is damaged
** (every length is checked against what is left) */
int cp_meta_next (const void *meta, size_t metalen, size_t *it, cp_meta *m);

/* the field names that no metadata field may take: the keys c:doc(n)
** uses for the document itself (NULL-terminated) */
extern const char *const cp_meta_reserved[];
int cp_meta_is_reserved (const char *key, size_t len);

/* s case-folded (Unicode full case folding, NFC) in a malloc'd string
** *out of *outlen bytes; CP_OK, CP_ENOMEM, or CP_EINVAL for bad UTF-8 */
int cp_meta_fold (const char *s, size_t len, char **out, size_t *outlen);

/* {================================================================
** The fields of a corpus
** ================================================================= */

/* type names of cp_field.types bits */
enum { CP_FT_STRING = 1, CP_FT_NUMBER = 2, CP_FT_INTEGER = 4,
       CP_FT_BOOLEAN = 8, CP_FT_LIST = 16 };

typedef struct cp_field {
  char *name; size_t len;
  unsigned types;          /* CP_FT_* seen over all values */
  uint64_t docs;           /* live documents that have the field */
  uint64_t values;         /* values (list elements counted one by one) */
} cp_field;

typedef struct cp_fields {
  cp_field *v;
  size_t n, cap;
} cp_fields;

struct cp_corpus;
/* every metadata field of the live documents, sorted by name */
int cp_meta_fields (struct cp_corpus *c, cp_fields *out, cp_err *err);
void cp_fields_free (cp_fields *f);
/* the field named 'name' in f, or NULL */
const cp_field *cp_fields_find (const cp_fields *f, const char *name,
                                size_t len);

/* }================================================================ */

#endif
