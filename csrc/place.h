/*
** place.h -- the place gazetteer: ISO 3166 countries and subdivisions
** (from Debian's iso-codes, generated into placetab.c by
** tools/gen_places.lua) and common short forms ("U.S.", "West Africa").
*/
#ifndef CP_PLACE_H
#define CP_PLACE_H

#include <stddef.h>

typedef struct cp_place {
  const char *name;   /* lower case */
  char kind;          /* 'c' country, 's' subdivision, 'r' other */
} cp_place;

extern const cp_place cp_place_table[];
extern const size_t cp_place_size;

/* kind of the place named s[0..len) (any case), or 0 if unknown */
int cp_place_kind (const char *s, size_t len);

#endif
