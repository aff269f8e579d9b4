/*
** entity.h -- names of a text: capitalised runs with their connectors
** ("Global Coalition to Defeat ISIS", "Government of Iraq"), acronyms,
** slash aliases ("Daesh/ISIS"), particles ("Al-Hol"); each with a kind
** (person, organisation, place, other) and a canonical form (the
** longest form of the same name in the text: "Godfrey" -> "John
** Godfrey").  Rules only; see docs/EXTRACT.md for what they do and miss.
*/
#ifndef CP_ENTITY_H
#define CP_ENTITY_H

#include <stddef.h>
#include <stdint.h>

#include "cp.h"
#include "tok.h"
#include "lexicon.h"

enum { CP_ENT_PERSON = 0, CP_ENT_ORG, CP_ENT_PLACE, CP_ENT_OTHER };

/* "person", "org", "place", "other" */
const char *cp_entity_kind_name (int kind);

typedef struct cp_entity {
  uint32_t t0, t1;      /* tokens [t0, t1) */
  size_t start, stop;   /* bytes [start, stop) */
  int kind;
  size_t canon;         /* index of the entity giving the canonical form
                           (itself when none is longer) */
  int speaks;           /* a reporting verb follows: "Godfrey said" */
} cp_entity;

/* sorted by t0; zero-init is empty */
typedef struct cp_entities { cp_entity *v; size_t n, cap; } cp_entities;

void cp_entities_free (cp_entities *e);

/*
** Find the names of text s (n bytes) with its tokens tv and their
** lexicon facts lx (cp_lx_tokens).  'out' is cleared first.  Linear in
** the number of tokens.
*/
int cp_entity_run (const char *s, size_t n, const cp_tokvec *tv,
                   const cp_lxtok *lx, cp_entities *out, cp_err *err);

/* the entity covering token i, or -1 (binary search) */
int64_t cp_entity_at (const cp_entities *e, uint32_t i);

#endif
