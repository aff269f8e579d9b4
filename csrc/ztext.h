/*
** ztext.h -- stored text compressed with zstd in independent blocks,
** read back by byte range (a document's text_off/text_len) without
** decompressing the rest.  Format and rationale: ztext.c.
**
** Reading is fuzz-friendly: cp_zt_open and cp_zt_read accept any bytes,
** check each block's XXH64 before decompressing it, and give
** CP_ECORRUPT for damage, never a read out of bounds.
*/
#ifndef CP_ZTEXT_H
#define CP_ZTEXT_H

#include <stddef.h>
#include <stdint.h>

#include "cp.h"

/* defaults: blocks of about 16 KiB of text (about two UN speeches: a
** document read decompresses little), zstd level 6; a text of at least
** CP_ZT_DICT_MIN bytes gets a dictionary of up to CP_ZT_DICT_MAX bytes
** trained on its first blocks, CP_ZT_SAMPLE bytes of them (the first
** blocks, so the training can start while the text still grows) */
#define CP_ZT_BLOCK    16384u
#define CP_ZT_LEVEL    6
#define CP_ZT_DICT_MIN (1u << 20)
#define CP_ZT_DICT_MAX 112640u
#define CP_ZT_SAMPLE   (2u << 20)

struct ZSTD_DDict_s;
struct ZSTD_DCtx_s;

/*
** Compress text[0, ends[ndocs-1]) (documents end at ends[i],
** non-decreasing) into a malloc'd image *out of *len bytes.  Blocks are
** cut at the first document end at or after 'target' bytes; a document
** longer than 2 * target is cut every 'target' bytes.  target 0 and
** level 0 take the defaults.
*/
int cp_zt_encode (const char *text, const uint64_t *ends, size_t ndocs,
                  size_t target, int level, uint8_t **out, size_t *len,
                  cp_err *err);

/*
** The same image built while the text grows (cp_zt_encode is this
** writer without a thread): the builder gives each document's end as it
** is added, blocks are cut as soon as their extent is final, and a
** worker thread ('threaded') trains the dictionary and compresses them
** meanwhile.  The image is the same whatever the threads did.
**
** The text is the caller's: cp_ztw_unlock(z, base) gives its address;
** to move it (realloc), hold cp_ztw_lock first and give the new address
** in cp_ztw_unlock.  Bytes before the last end given must not change.
*/
typedef struct cp_ztw cp_ztw;

cp_ztw *cp_ztw_new (size_t target, int level, int threaded, cp_err *err);
void cp_ztw_free (cp_ztw *z);
/* forget every document (the worker stopped); ready for a new text */
void cp_ztw_reset (cp_ztw *z);
void cp_ztw_lock (cp_ztw *z);
void cp_ztw_unlock (cp_ztw *z, const char *base);
/* text offsets [from, to) are fresh memory the caller will write: the
** worker faults them in ahead of it, when idle (Linux 5.14+) */
void cp_ztw_prefault (cp_ztw *z, uint64_t from, uint64_t to);
/* the next document ends at text offset 'end' (non-decreasing) */
int cp_ztw_add (cp_ztw *z, uint64_t end, cp_err *err);
/* keep the first 'ndocs' documents (also undoes a cp_ztw_finish) */
int cp_ztw_truncate (cp_ztw *z, size_t ndocs);
/* compress what is left (the caller's thread helps the worker); *len
** gets the image's size.  The text is not read after this returns. */
int cp_ztw_finish (cp_ztw *z, size_t *len, cp_err *err);
/* after cp_ztw_finish: the image, *len bytes, into dst */
void cp_ztw_write (const cp_ztw *z, uint8_t *dst);

/* a reader over one image (borrows the bytes) */
typedef struct cp_zt {
  const uint8_t *tab, *data, *dict;
  size_t datalen, dictlen;
  uint32_t nb;
  uint64_t rawsize;
  size_t maxraw;            /* largest block, uncompressed */
  struct ZSTD_DDict_s *ddict;   /* NULL without a dictionary */
} cp_zt;

/* checks the block table (O(blocks)) and the dictionary's checksum,
** not the blocks; cp_zt_close frees what open allocated */
int cp_zt_open (cp_zt *z, const void *p, size_t len, cp_err *err);
void cp_zt_close (cp_zt *z);

/* bytes of text the image holds */
uint64_t cp_zt_size (const cp_zt *z);

/* Decompressed blocks, kept by the caller (one per reader thread): at
** most CP_ZT_CACHED blocks, so its memory is bounded by CP_ZT_CACHED
** times the largest block (cp_zt.maxraw, <= 2 * target) plus the
** scratch of the longest range read across blocks. */
#define CP_ZT_CACHED 4
typedef struct cp_ztcache {
  const cp_zt *z;
  struct { uint32_t block; char *buf; size_t cap; int valid; } e[CP_ZT_CACHED];
  unsigned next;            /* round-robin victim */
  char *scratch;
  size_t scap;
  struct ZSTD_DCtx_s *dctx; /* made on first use */
} cp_ztcache;

void cp_ztcache_init (cp_ztcache *c);
void cp_ztcache_free (cp_ztcache *c);

/*
** Text bytes [off, off + len): *p points into the cache (valid until
** the next read through it).  A range within one block is not copied.
*/
int cp_zt_read (const cp_zt *z, cp_ztcache *c, uint64_t off, size_t len,
                const char **p, cp_err *err);

/* the block holding text offset off (< cp_zt_size), and block b's text
** range [*start, *start + *len) */
uint32_t cp_zt_find (const cp_zt *z, uint64_t off);
void cp_zt_block_range (const cp_zt *z, uint32_t b, uint64_t *start,
                        size_t *len);

/* decompress block b (< z->nb) into dst (its length), after checking
** its checksum; dc is a decompression context of the caller's, or NULL
** for one made and freed here */
int cp_zt_inflate (const cp_zt *z, struct ZSTD_DCtx_s *dc, uint32_t b,
                   char *dst, cp_err *err);

/* check every block (checksum, size, decompression): for check() */
int cp_zt_check (const cp_zt *z, cp_err *err);

#endif
