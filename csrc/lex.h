/*
** lex.h -- private helpers of the segment builder: growable vectors and
** an interning string table (string -> dense id in insertion order).
**
** The hot path of indexing is "find the id of these token bytes", so the
** hash and the probe loop are static inline here, to be inlined into
** the builder's token loop; growth and insertion live in lex.c.
*/
#ifndef CP_LEX_H
#define CP_LEX_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define XXH_INLINE_ALL
#include <xxhash.h>

/* {================================================================
** Growable vectors (zero-init is empty; amortized doubling)
** ================================================================= */

typedef struct cp_vec32 {
  uint32_t *v;
  size_t n, cap;
} cp_vec32;

typedef struct cp_bytes {
  char *v;
  size_t n, cap;
} cp_bytes;

/* make room for 'extra' more elements; 0 on out of memory */
int cp_vec32_reserve (cp_vec32 *a, size_t extra);
int cp_bytes_reserve (cp_bytes *b, size_t extra);
void cp_vec32_free (cp_vec32 *a);

/* an array of any element type: make *p hold at least 'need' elements
** of 'size' bytes (capacity *cap, doubled from 64); 0 on out of memory
** or when the byte size would overflow, *p and *cap unchanged */
int cp_grow (void **p, size_t *cap, size_t need, size_t size);

/*
** Move the first n bytes (rounded up to whole pages) of a big vector
** block (v, capacity 'cap' bytes) to the page-aligned address 'dst',
** which must lie in a writable mapping whose old contents there may be
** replaced: the pages change address, nothing is copied.  On success
** (1) the whole block is gone and the vector must be emptied without
** freeing; 0 means nothing was done (small block, unaligned 'dst', not
** Linux, or mremap refused) and the caller copies instead.
*/
int cp_pages_move (void *v, size_t cap, void *dst, size_t n);

/* hint that the big malloc'd block p should use huge pages */
void cp_advise_block (void *p);
void cp_bytes_free (cp_bytes *b);

static inline int cp_vec32_push (cp_vec32 *a, uint32_t x) {
  if (a->n == a->cap && !cp_vec32_reserve(a, 1)) return 0;
  a->v[a->n++] = x;
  return 1;
}

static inline int cp_bytes_append (cp_bytes *b, const void *p, size_t n) {
  if (b->cap - b->n < n && !cp_bytes_reserve(b, n)) return 0;
  if (n > 0) memcpy(b->v + b->n, p, n);
  b->n += n;
  return 1;
}

/* }================================================================ */


/* {================================================================
** Interning table
** ================================================================= */

/*
** Strings live back to back in 'str'; string i is
** str[off[i] .. off[i+1]).  'slots' is an open-addressing table (linear
** probing, load <= 1/2) of (low 32 bits of the hash << 32 | id + 1), 0
** meaning empty.  The tag rejects almost every non-matching slot without
** touching the strings, and since the home slot is hash & mask, growing
** the table needs neither the strings nor their hashes.
*/
typedef struct cp_lex {
  cp_bytes str;
  size_t *off;          /* n + 1 entries once anything was added */
  uint32_t n, cap;
  uint64_t *slots;
  size_t mask;          /* nslots - 1 (nslots a power of 2), 0 if none */
} cp_lex;

static inline uint64_t cp_lex_hash (const void *s, size_t n) {
  return XXH3_64bits(s, n);
}

/* id of the string with hash 'h', or -1 */
static inline int64_t cp_lex_find (const cp_lex *x, const char *s, size_t n,
                                   uint64_t h) {
  size_t i;
  uint64_t tag = (uint32_t)h;
  if (x->mask == 0) return -1;
  for (i = (size_t)h & x->mask; ; i = (i + 1) & x->mask) {
    uint64_t sl = x->slots[i];
    if (sl == 0) return -1;
    if ((sl >> 32) == tag) {
      uint32_t id = (uint32_t)sl - 1;
      size_t o = x->off[id];
      if (x->off[id + 1] - o == n && (n == 0 || memcmp(x->str.v + o, s, n) == 0))
        return id;
    }
  }
}

/*
** Find or add 's' (hash 'h'): *id receives its id.  Returns 1 if it was
** added, 0 if it was there, -1 on out of memory, -2 if the table would
** exceed 'maxbytes' string bytes or 2^32 - 2 entries.
*/
int cp_lex_intern (cp_lex *x, const char *s, size_t n, uint64_t h,
                   size_t maxbytes, uint32_t *id);

static inline const char *cp_lex_str (const cp_lex *x, uint32_t id,
                                      size_t *len) {
  *len = x->off[id + 1] - x->off[id];
  /* no bytes yet: every string is "" */
  return x->str.v != NULL ? x->str.v + x->off[id] : "";
}

void cp_lex_free (cp_lex *x);

/* }================================================================ */


/* {================================================================
** Raw-form map: token bytes -> word id, the one probe per token
** ================================================================= */

/*
** Tuned for the token loop: a slot holds the length, the value and
** either the bytes themselves (tokens of <= 16 bytes: nearly all of
** them, and the probe then never leaves the slot) or, in 'a', the offset
** of the bytes in 'str'.  Open addressing, linear probing, load <= 1/2;
** len 0 marks an empty slot, so the empty token is kept aside in
** 'empty'.
*/
#define CP_RAW_INLINE 16

typedef struct cp_rawk {
  uint64_t a, b;    /* bytes 0-7 and 8-15, zero padded (little-endian) */
} cp_rawk;

typedef struct cp_rawslot {
  cp_rawk k;
  uint32_t val;
  uint32_t len;
} cp_rawslot;

typedef struct cp_rawmap {
  cp_rawslot *slots;
  size_t mask, n;   /* nslots - 1 (0 if none), entries */
  cp_bytes str;     /* bytes of the long keys */
  uint32_t empty;   /* value of the empty token, UINT32_MAX if none */
} cp_rawmap;

/* the key of p[0..n) for n <= 16; 'end' bounds a safe 16-byte read */
static inline cp_rawk cp_rawkey (const char *p, size_t n, const char *end) {
  cp_rawk k = {0, 0};
  if (end - p >= 16) {
    memcpy(&k.a, p, 8);
    memcpy(&k.b, p + 8, 8);
    if (n < 8) { k.a &= ((uint64_t)1 << (8 * n)) - 1;  k.b = 0; }
    else if (n < 16) k.b &= ((uint64_t)1 << (8 * (n - 8))) - 1;
  }
  else {
    unsigned char t[16] = {0};
    memcpy(t, p, n);
    memcpy(&k.a, t, 8);
    memcpy(&k.b, t + 8, 8);
  }
  return k;
}

static inline uint64_t cp_rawhash (const char *p, size_t n, cp_rawk k) {
  uint64_t h;
  if (n > CP_RAW_INLINE) return XXH3_64bits(p, n);
  h = (k.a ^ ((uint64_t)n << 59)) * 0x9E3779B97F4A7C15ull;
  h ^= (k.b + (h >> 31)) * 0xC2B2AE3D27D4EB4Full;
  return h ^ (h >> 29);
}

/* value of p[0..n) or UINT32_MAX; k/h from cp_rawkey/cp_rawhash */
static inline uint32_t cp_rawmap_find (const cp_rawmap *m, const char *p,
                                       size_t n, cp_rawk k, uint64_t h) {
  size_t i;
  if (n == 0) return m->empty;
  if (m->mask == 0) return UINT32_MAX;
  for (i = (size_t)h & m->mask; ; i = (i + 1) & m->mask) {
    const cp_rawslot *s = &m->slots[i];
    if (s->len == n) {
      if (n <= CP_RAW_INLINE ? (s->k.a == k.a && s->k.b == k.b)
                             : memcmp(m->str.v + s->k.a, p, n) == 0)
        return s->val;
    }
    else if (s->len == 0) return UINT32_MAX;
  }
}

/* add p[0..n) (known absent, n < 2^32) -> val; 0 on out of memory */
int cp_rawmap_add (cp_rawmap *m, const char *p, size_t n, cp_rawk k,
                   uint64_t h, uint32_t val);
void cp_rawmap_init (cp_rawmap *m);
void cp_rawmap_free (cp_rawmap *m);

/* }================================================================ */

#endif
