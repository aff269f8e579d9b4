/*
** place.c -- lookup in the generated place gazetteer (placetab.c).
**
** The table is sorted; lookups go through a hash index of it built
** once per process (pthread_once, so threads may share it): entity.c
** asks for every candidate name, and a binary search of 6,684 names
** was 8% of the analysers' time.
*/
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "place.h"

#define HBITS 14                /* 16,384 slots for 6,684 names */
#define HSIZE ((size_t)1 << HBITS)

static uint16_t slots[HSIZE];   /* index + 1 into cp_place_table, 0 empty */
static int usable;              /* the index holds every name */
static pthread_once_t once = PTHREAD_ONCE_INIT;

/* FNV-1a of s[0..len) lower-cased (ASCII) */
static uint32_t hash (const char *s, size_t len) {
  uint32_t h = 2166136261u;
  size_t i;
  for (i = 0; i < len; i++) {
    unsigned char a = (unsigned char)s[i];
    if (a >= 'A' && a <= 'Z') a = (unsigned char)(a + 32);
    h = (h ^ a) * 16777619u;
  }
  return h;
}

static void build (void) {
  size_t i;
  if (cp_place_size >= HSIZE / 2 || cp_place_size > UINT16_MAX - 1) return;
  for (i = 0; i < cp_place_size; i++) {
    const char *nm = cp_place_table[i].name;
    size_t j = hash(nm, strlen(nm)) & (HSIZE - 1);
    while (slots[j] != 0) j = (j + 1) & (HSIZE - 1);
    slots[j] = (uint16_t)(i + 1);
  }
  usable = 1;
}

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
  pthread_once(&once, build);
  if (usable) {
    size_t j = hash(s, len) & (HSIZE - 1);
    for (; slots[j] != 0; j = (j + 1) & (HSIZE - 1)) {
      const cp_place *p = &cp_place_table[slots[j] - 1];
      if (cmp(s, len, p->name) == 0) return p->kind;
    }
    return 0;
  }
  while (lo < hi) {              /* no index: the binary search */
    size_t mid = lo + (hi - lo) / 2;
    int c = cmp(s, len, cp_place_table[mid].name);
    if (c == 0) return cp_place_table[mid].kind;
    if (c < 0) hi = mid; else lo = mid + 1;
  }
  return 0;
}
