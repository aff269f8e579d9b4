/*
** group.h -- documents grouped by metadata (the `by` of counts and
** statistics): one group per distinct value (or tuple of values, for
** several fields) that the selected documents carry.
**
** A document whose field holds a list belongs to one group per value
** (per combination, for several fields); a document without the field
** is in the group whose value is missing.  Groups are sorted by value:
** missing first, then numbers ascending, then strings in byte order.
*/
#ifndef CP_GROUP_H
#define CP_GROUP_H

#include <stddef.h>
#include <stdint.h>

#include "cp.h"
#include "corpus.h"
#include "exec.h"

#define CP_GROUP_MISSING (-1)   /* cp_meta.type of a missing value */
#define CP_GROUP_MAXFIELDS 8
#define CP_GROUP_MAXCOMBOS 4096 /* groups one document may be in */

typedef struct cp_groups {
  size_t ngroups, nfields;
  cp_meta *vals;        /* ngroups * nfields values (strings point into
                           the corpus's segments: valid while it lives) */
  uint64_t ndocs;       /* document slots of the corpus */
  size_t *first;        /* ndocs + 1 offsets into member */
  uint32_t *member;     /* the groups of each document */
  uint64_t *docs;       /* per group: documents in it */
  uint64_t *words;      /* per group: word tokens of its documents */
} cp_groups;

/*
** Group the live documents selected by 'sel' (as in cp_conc_new; NULL:
** all) by fields[0..nfields).  A field no selected document has is an
** error (CP_EINVAL: a typo), as is a field name repeated.  Free 'out'
** with cp_groups_free, also on error.
*/
int cp_groups_build (cp_corpus *c, const char *const *fields,
                     const size_t *lens, size_t nfields,
                     const unsigned char *sel, uint64_t nsel,
                     cp_groups *out, cp_err *err);
void cp_groups_free (cp_groups *g);

/*
** Matches 'm' (global positions) per group: hits[g] matches and
** docs_hit[g] documents with a match, arrays of g->ngroups.  Matches in
** documents outside every group are not counted.
*/
int cp_groups_count (const cp_groups *g, cp_corpus *c, const cp_matches *m,
                     uint64_t *hits, uint64_t *docs_hit, cp_err *err);

/* the bytes of one group's document bitmap (bit d of byte d/8, LSB
** first, for every document slot) */
size_t cp_groups_bitlen (const cp_groups *g);

/*
** Every group's document bitmap in one pass over the documents: group
** i's is bits[i * cp_groups_bitlen(g) ...], in a zeroed buffer of
** ngroups * cp_groups_bitlen(g) bytes the caller gives.
*/
void cp_groups_bits (const cp_groups *g, unsigned char *bits);

#endif
