/*
** lex.c -- growable vectors and the interning string table of the
** segment builder (see lex.h).
*/
#include <stdint.h>
#include <stdlib.h>
#if defined(__GLIBC__)
#include <malloc.h>
#endif
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "lex.h"

/*
** Ask for transparent huge pages on a big malloc'd block.  Building a
** segment first-touches hundreds of MB; with 4 KiB pages the page faults
** cost more than the indexing itself (measured: over half the build
** time on a VM).  glibc serves big blocks from their own mapping, 16
** bytes after its page-aligned start and ending malloc_usable_size()
** later; advising exactly that mapping keeps it whole, so glibc's
** realloc can still grow it with mremap instead of copying.  Anything
** else (another allocator, a heap block) is left alone: the advice is
** only a hint.
*/
void cp_advise_block (void *p) {
#if defined(__GLIBC__) && defined(MADV_HUGEPAGE)
  size_t u;
  uintptr_t a;
  long pg = sysconf(_SC_PAGESIZE);
  if (p == NULL || pg <= 0) return;
  u = malloc_usable_size(p);
  a = (uintptr_t)p - 2 * sizeof(size_t);
  if (u >= ((size_t)4 << 20) && a % (uintptr_t)pg == 0)
    (void)madvise((void *)a, u + 2 * sizeof(size_t), MADV_HUGEPAGE);
#else
  (void)p;
#endif
}

/* new capacity >= need, doubling from 'cap'; 0 if it would overflow
** 'limit' elements */
static size_t grow (size_t cap, size_t need, size_t limit) {
  size_t nc = cap ? cap : 16;
  if (need > limit) return 0;
  while (nc < need) {
    if (nc > limit / 2) return limit;
    nc *= 2;
  }
  return nc;
}

/*
** Big blocks (>= BIG bytes) are mmap'd and grown with mremap, which moves
** page tables instead of copying; they get huge-page advice as a whole
** mapping (advising part of a malloc'd block would split its mapping and
** stop glibc's own mremap, turning every doubling into a copy).  Whether
** a block is big follows from its capacity, so nothing else is stored.
*/
#define BIG ((size_t)8 << 20)

#if defined(__linux__) && defined(MREMAP_MAYMOVE)
static void *bigresize (void *p, size_t old, size_t nsz) {
  void *q;
  if (old >= BIG) {
    q = mremap(p, old, nsz, MREMAP_MAYMOVE);
    if (q == MAP_FAILED) return NULL;
  }
  else {
    q = mmap(NULL, nsz, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
             -1, 0);
    if (q == MAP_FAILED) return NULL;
    if (old) memcpy(q, p, old);
    free(p);
  }
#if defined(MADV_HUGEPAGE)
  (void)madvise(q, nsz, MADV_HUGEPAGE);
#endif
  return q;
}

static void bigfree (void *p, size_t sz) {
  if (sz >= BIG) munmap(p, sz);
  else free(p);
}

int cp_pages_move (void *src, size_t cap, void *dst, size_t n) {
  long pg = sysconf(_SC_PAGESIZE);
  size_t len;
  if (src == NULL || cap < BIG || pg <= 0 || n == 0 ||
      (uintptr_t)dst % (uintptr_t)pg != 0 || cap % (size_t)pg != 0)
    return 0;
  len = (n + (size_t)pg - 1) / (size_t)pg * (size_t)pg;
  if (len > cap) return 0;
  if (mremap(src, len, len, MREMAP_MAYMOVE | MREMAP_FIXED, dst) == MAP_FAILED)
    return 0;
  if (cap > len) munmap((char *)src + len, cap - len);
  return 1;
}
#else
int cp_pages_move (void *src, size_t cap, void *dst, size_t n) {
  (void)src;  (void)cap;  (void)dst;  (void)n;
  return 0;
}

static void *bigresize (void *p, size_t old, size_t nsz) {
  (void)old;
  return realloc(p, nsz);
}

static void bigfree (void *p, size_t sz) {
  (void)sz;
  free(p);
}
#endif

/* grow block p (capacity 'cap' elements of 'esz' bytes) to 'nc' */
static void *resize (void *p, size_t cap, size_t nc, size_t esz) {
  if (nc * esz >= BIG) return bigresize(p, cap * esz, nc * esz);
  return realloc(p, nc * esz);
}

int cp_grow (void **p, size_t *cap, size_t need, size_t size) {
  size_t nc;
  void *np;
  if (p == NULL || cap == NULL || size == 0) return 0;
  if (need <= *cap) return 1;
  nc = *cap ? *cap : 64;
  while (nc < need) {
    if (nc > SIZE_MAX / 2 / size) return 0;
    nc *= 2;
  }
  if ((np = realloc(*p, nc * size)) == NULL) return 0;
  *p = np;
  *cap = nc;
  return 1;
}

int cp_vec32_reserve (cp_vec32 *a, size_t extra) {
  if (a->cap - a->n < extra) {
    size_t nc = grow(a->cap, a->n + extra, SIZE_MAX / sizeof(uint32_t));
    uint32_t *nv;
    if (nc == 0 || a->n + extra < a->n) return 0;
    nv = (uint32_t *)resize(a->v, a->cap, nc, sizeof(uint32_t));
    if (nv == NULL) return 0;
    a->v = nv;
    a->cap = nc;
  }
  return 1;
}

int cp_bytes_reserve (cp_bytes *b, size_t extra) {
  if (b->cap - b->n < extra) {
    size_t nc = grow(b->cap, b->n + extra, SIZE_MAX / 2);
    char *nv;
    if (nc == 0 || b->n + extra < b->n) return 0;
    nv = (char *)resize(b->v, b->cap, nc, 1);
    if (nv == NULL) return 0;
    b->v = nv;
    b->cap = nc;
  }
  return 1;
}

void cp_vec32_free (cp_vec32 *a) {
  if (a->v) bigfree(a->v, a->cap * sizeof(uint32_t));
  a->v = NULL;  a->n = a->cap = 0;
}

void cp_bytes_free (cp_bytes *b) {
  if (b->v) bigfree(b->v, b->cap);
  b->v = NULL;  b->n = b->cap = 0;
}

void cp_lex_free (cp_lex *x) {
  cp_bytes_free(&x->str);
  free(x->off);
  free(x->slots);
  memset(x, 0, sizeof(*x));
}

/* put id 'id' (hash 'h') into a table known not to hold it */
static void place (uint64_t *slots, size_t mask, uint64_t h, uint32_t id) {
  size_t i = (size_t)h & mask;
  while (slots[i] != 0) i = (i + 1) & mask;
  slots[i] = ((uint64_t)(uint32_t)h << 32) | ((uint64_t)id + 1);
}

/* double the slot table: the tags are the hashes' low bits, which is
** all placing needs while the table has at most 2^32 slots */
static int rehash (cp_lex *x) {
  size_t ns = x->mask ? (x->mask + 1) * 2 : 64, i;
  uint64_t *slots;
  if (ns > SIZE_MAX / sizeof(uint64_t)) return 0;
  slots = (uint64_t *)calloc(ns, sizeof(uint64_t));
  if (slots == NULL) return 0;
  if (ns - 1 <= 0xffffffffu) {
    for (i = 0; x->mask && i <= x->mask; i++)
      if (x->slots[i] != 0)
        place(slots, ns - 1, x->slots[i] >> 32, (uint32_t)x->slots[i] - 1);
  }
  else {
    uint32_t id;
    for (id = 0; id < x->n; id++) {
      size_t len;
      const char *s = cp_lex_str(x, id, &len);
      place(slots, ns - 1, cp_lex_hash(s, len), id);
    }
  }
  free(x->slots);
  x->slots = slots;
  x->mask = ns - 1;
  return 1;
}

int cp_lex_intern (cp_lex *x, const char *s, size_t n, uint64_t h,
                   size_t maxbytes, uint32_t *id) {
  int64_t f = cp_lex_find(x, s, n, h);
  if (f >= 0) { *id = (uint32_t)f; return 0; }
  if (x->n >= UINT32_MAX - 2 || x->str.n + n > maxbytes || x->str.n + n < n)
    return -2;
  /* keep the load factor <= 1/2 */
  if (((size_t)x->n + 1) * 2 > x->mask + 1 && !rehash(x)) return -1;
  if (x->n + 2 > x->cap) {
    size_t nc = grow(x->cap, (size_t)x->n + 2, UINT32_MAX);
    size_t *no;
    if (nc == 0 || nc > SIZE_MAX / sizeof(size_t)) return -1;
    no = (size_t *)realloc(x->off, nc * sizeof(size_t));
    if (no == NULL) return -1;
    if (x->off == NULL) no[0] = 0;
    x->off = no;
    x->cap = (uint32_t)nc;
  }
  if (!cp_bytes_append(&x->str, s, n)) return -1;
  x->off[x->n + 1] = x->str.n;
  place(x->slots, x->mask, h, x->n);
  *id = x->n++;
  return 1;
}


void cp_rawmap_init (cp_rawmap *m) {
  memset(m, 0, sizeof(*m));
  m->empty = UINT32_MAX;
}

void cp_rawmap_free (cp_rawmap *m) {
  free(m->slots);
  cp_bytes_free(&m->str);
  cp_rawmap_init(m);
}

static void rawplace (cp_rawslot *slots, size_t mask, uint64_t h,
                      const cp_rawslot *e) {
  size_t i = (size_t)h & mask;
  while (slots[i].len != 0) i = (i + 1) & mask;
  slots[i] = *e;
}

static int rawgrow (cp_rawmap *m) {
  size_t ns = m->mask ? (m->mask + 1) * 2 : 1024, i;
  cp_rawslot *slots;
  if (ns > SIZE_MAX / sizeof(cp_rawslot)) return 0;
  slots = (cp_rawslot *)calloc(ns, sizeof(cp_rawslot));
  if (slots == NULL) return 0;
  cp_advise_block(slots);   /* probed at random once per token: TLB */
  if (m->mask != 0)
    for (i = 0; i <= m->mask; i++) {
      const cp_rawslot *e = &m->slots[i];
      const char *p = NULL;
      unsigned char t[16];
      if (e->len == 0) continue;
      if (e->len > CP_RAW_INLINE) p = m->str.v + e->k.a;
      else {   /* rebuild the bytes only for the hash's signature */
        memcpy(t, &e->k.a, 8);
        memcpy(t + 8, &e->k.b, 8);
        p = (const char *)t;
      }
      rawplace(slots, ns - 1, cp_rawhash(p, e->len, e->k), e);
    }
  free(m->slots);
  m->slots = slots;
  m->mask = ns - 1;
  return 1;
}

int cp_rawmap_add (cp_rawmap *m, const char *p, size_t n, cp_rawk k,
                   uint64_t h, uint32_t val) {
  cp_rawslot e;
  if (n == 0) { m->empty = val;  return 1; }
  if (n > UINT32_MAX) return 0;
  if ((m->n + 1) * 2 > m->mask + 1 && !rawgrow(m)) return 0;
  e.val = val;
  e.len = (uint32_t)n;
  e.k = k;
  if (n > CP_RAW_INLINE) {
    e.k.a = m->str.n;
    e.k.b = 0;
    if (!cp_bytes_append(&m->str, p, n)) return 0;
  }
  rawplace(m->slots, m->mask, h, &e);
  m->n++;
  return 1;
}
