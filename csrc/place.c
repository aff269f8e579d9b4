/*
** place.c -- lookup in the generated place gazetteer (placetab.c).
*/
#include <stdlib.h>
#include <string.h>

#include "place.h"

/* compare s[0..len) lower-cased (ASCII) with a table name */
static int cmp (const char *s, size_t len, const char *key) {
  size_t i;
  for (i = 0; i < len; i++) {
    unsigned char a = (unsigned char)s[i], b = (unsigned char)key[i];
    if (a >= 'A' && a <= 'Z') a = (unsigned char)(a + 32);
    if (b == 0) return 1;
    if (a != b) return a < b ? -1 : 1;
  }
  return key[len] == 0 ? 0 : -1;
}

int cp_place_kind (const char *s, size_t len) {
  size_t lo = 0, hi = cp_place_size;
  if (s == NULL || len == 0) return 0;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    int c = cmp(s, len, cp_place_table[mid].name);
    if (c == 0) return cp_place_table[mid].kind;
    if (c < 0) hi = mid; else lo = mid + 1;
  }
  return 0;
}
