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

#include "bytes8.h"
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
/* the length of each name (0: over 255 bytes), so a probe compares a
** name eight bytes a step, not reading past its end */
static unsigned char nlen[HSIZE / 2];
static int ready;                /* build has run (GNU C: tested first, the
                                    pthread_once call was 18% of the lookups) */

#define ONES 0x0101010101010101ull

/* the 8 bytes w with ASCII 'A'..'Z' lowered (bytes >= 0x80 unchanged) */
static uint64_t lower8 (uint64_t w) {
  uint64_t h = w & (0x7F * ONES);
  uint64_t a = h + (0x80 - 'A') * ONES;          /* high bit: >= 'A' */
  uint64_t z = h + (0x80 - 'Z' - 1) * ONES;      /* high bit: > 'Z' */
  return w | (((a & ~z) & ~w & (0x80 * ONES)) >> 2);
}

/* the 8 bytes w with bit 5 set: bytes equal under lower8 are equal
** here ('A'..'Z' differ from 'a'..'z' in that bit only), which is all
** the hash and the first test need (one instruction, not eight) */
static uint64_t fold8 (uint64_t w) {
  return w | (0x20 * ONES);
}

/* a hash of s[0..len) lower-cased (ASCII), eight bytes a step: the
** candidates entity.c asks for are whole runs of words, most of which
** are no place; names equal under cmp hash equal.  The last step loads
** the last bytes (a copy into a zeroed buffer was 9% of the lookups) */
static uint32_t hash (const char *s, size_t len) {
  uint64_t h = (uint64_t)len * 0x9E3779B97F4A7C15ull;
  size_t i = 0;
  for (; i + 8 < len; i += 8) h = cp_b8_mix(h, fold8(cp_b8_load(s + i, 8)));
  h = cp_b8_mix(h, fold8(len > 8 ? cp_b8_load(s + len - 8, 8) : cp_b8_load(s, len)));
  h *= 0x9E3779B97F4A7C15ull;
  return (uint32_t)(h >> 32);
}

/* a first test of a name by its length and its first and last two bytes
** (lower-cased): one bit of FBITS for every name of the table.  Of the
** names entity.c asks for, most are no place, and most of these fail
** here, before the hash of all their bytes and a probe far in memory */
#define FBITS 16
static unsigned char filter[((size_t)1 << FBITS) / 8];

static uint32_t fkey (const char *s, size_t len) {
  uint64_t w = (unsigned char)s[0];
  if (len >= 2) {
    uint16_t a, z;
    memcpy(&a, s, 2);
    memcpy(&z, s + len - 2, 2);
    w = a | (uint64_t)z << 16;
  }
  w = (fold8(w) & 0xFFFFFFFFu) | (uint64_t)len << 32;
  return (uint32_t)((w * 0x9E3779B97F4A7C15ull) >> (64 - FBITS));
}

static void build (void) {
  size_t i;
  if (cp_place_size >= HSIZE / 2 || cp_place_size > UINT16_MAX - 1) return;
  for (i = 0; i < cp_place_size; i++) {
    const char *nm = cp_place_table[i].name;
    size_t len = strlen(nm);
    uint32_t h = hash(nm, len);
    size_t j = h & (HSIZE - 1);
    uint32_t f = fkey(nm, len);
    if (len > maxlen) maxlen = len;
    nlen[i] = len <= 255 ? (unsigned char)len : 0;
    filter[f >> 3] |= (unsigned char)(1u << (f & 7));
    while (slots[j] != 0) j = (j + 1) & (HSIZE - 1);
    slots[j] = (h & 0xFFFF0000u) | (uint32_t)(i + 1);
  }
  usable = 1;
}

static void init (void) {
  build();
#if defined(__GNUC__)
  __atomic_store_n(&ready, 1, __ATOMIC_RELEASE);
#endif
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

/* is s[0..len) lower-cased (ASCII) table name i?  Eight bytes a step
** (a byte a step was 28% of the lookups) when its length is known */
static int same (const char *s, size_t len, size_t i) {
  const char *key = cp_place_table[i].name;
  size_t k = 0;
  if (nlen[i] == 0) return cmp(s, len, key) == 0;
  if (nlen[i] != len) return 0;
  if (len < 8) return lower8(cp_b8_load(s, len)) == cp_b8_load(key, len);
  for (; k + 8 < len; k += 8)
    if (lower8(cp_b8_load(s + k, 8)) != cp_b8_load(key + k, 8)) return 0;
  return lower8(cp_b8_load(s + len - 8, 8)) == cp_b8_load(key + len - 8, 8);
}

int cp_place_kind (const char *s, size_t len) {
  size_t lo = 0, hi = cp_place_size;
  if (s == NULL || len == 0) return 0;
#if defined(__GNUC__)
  if (!__atomic_load_n(&ready, __ATOMIC_ACQUIRE))
#endif
    pthread_once(&once, init);
  if (usable) {
    size_t j;
    uint32_t h;
    if (len > maxlen) return 0;
    h = fkey(s, len);
    if (!(filter[h >> 3] & (1u << (h & 7)))) return 0;
    h = hash(s, len);
    for (j = h & (HSIZE - 1); slots[j] != 0; j = (j + 1) & (HSIZE - 1)) {
      size_t i = (slots[j] & 0xFFFFu) - 1;
      if ((slots[j] ^ h) & 0xFFFF0000u) continue;   /* not this name */
      if (same(s, len, i)) return cp_place_table[i].kind;
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
