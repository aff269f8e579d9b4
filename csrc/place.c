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

/* low 16 bits: index + 1 into cp_place_table, 0 empty; high 16 bits:
** bits of the name's hash, which a probe compares before it reads the
** table's entry and name (two loads far from the processor, for the
** many candidates that are no place) */
static uint32_t slots[HSIZE];
static int usable;              /* the index holds every name */
static pthread_once_t once = PTHREAD_ONCE_INIT;

static size_t maxlen;            /* the longest name: longer never match */

#define ONES 0x0101010101010101ull

/* the 8 bytes w with ASCII 'A'..'Z' lowered (bytes >= 0x80 unchanged) */
static uint64_t lower8 (uint64_t w) {
  uint64_t h = w & (0x7F * ONES);
  uint64_t a = h + (0x80 - 'A') * ONES;          /* high bit: >= 'A' */
  uint64_t z = h + (0x80 - 'Z' - 1) * ONES;      /* high bit: > 'Z' */
  return w | (((a & ~z) & ~w & (0x80 * ONES)) >> 2);
}

/* a hash of s[0..len) lower-cased (ASCII), eight bytes a step: the
** candidates entity.c asks for are whole runs of words, most of which
** are no place; names equal under cmp hash equal */
static uint32_t hash (const char *s, size_t len) {
  uint64_t h = (uint64_t)len * 0x9E3779B97F4A7C15ull, w;
  size_t i = 0;
  for (; i + 8 <= len; i += 8) {
    memcpy(&w, s + i, 8);
    h = (h ^ lower8(w)) * 0xC2B2AE3D27D4EB4Full;
    h ^= h >> 31;
  }
  if (i < len) {
    unsigned char t[8] = {0};
    memcpy(t, s + i, len - i);
    memcpy(&w, t, 8);
    h = (h ^ lower8(w)) * 0xC2B2AE3D27D4EB4Full;
    h ^= h >> 31;
  }
  h *= 0x9E3779B97F4A7C15ull;
  return (uint32_t)(h >> 32);
}

static void build (void) {
  size_t i;
  if (cp_place_size >= HSIZE / 2 || cp_place_size > UINT16_MAX - 1) return;
  for (i = 0; i < cp_place_size; i++) {
    const char *nm = cp_place_table[i].name;
    size_t len = strlen(nm);
    uint32_t h = hash(nm, len);
    size_t j = h & (HSIZE - 1);
    if (len > maxlen) maxlen = len;
    while (slots[j] != 0) j = (j + 1) & (HSIZE - 1);
    slots[j] = (h & 0xFFFF0000u) | (uint32_t)(i + 1);
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
    size_t j;
    uint32_t h;
    if (len > maxlen) return 0;
    h = hash(s, len);
    for (j = h & (HSIZE - 1); slots[j] != 0; j = (j + 1) & (HSIZE - 1)) {
      const cp_place *p;
      if ((slots[j] ^ h) & 0xFFFF0000u) continue;   /* not this name */
      p = &cp_place_table[(slots[j] & 0xFFFFu) - 1];
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
