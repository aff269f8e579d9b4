/*
** ztext.c -- stored text in zstd blocks, with random access by range.
**
** {================================================================
** COMPRESSED TEXT IMAGE  (also in docs/FORMAT.md)
**
**   0  u32  nb, the number of blocks
**   4  u32  dictlen: bytes of the zstd dictionary (0: none)
**   8  u64  raw size: bytes of text in all blocks
**  16  u64  XXH64 (seed 0) of the dictionary (0 when none)
**  24  nb entries of 32 bytes:
**        u64 raw_start   offset of the block's first text byte
**        u64 comp_off    offset of its zstd frame in the data area
**        u32 comp_len    bytes of the frame (>= 1)
**        u32 raw_len     bytes of text it holds (>= 1)
**        u64 XXH64 (seed 0) of the frame's comp_len bytes
**  24 + 32 nb: the dictionary (dictlen bytes), then the data area, the
**        frames back to back, each compressed with the dictionary when
**        there is one
** Blocks tile the text in order (raw_start of block 0 is 0, each next
** one starts where the previous ends, the last ends at the raw size)
** and their frames tile the data area the same way.  Each frame is one
** standard zstd frame with its content size, decompressible alone.
** }================================================================
**
** Why blocks of ~16 KiB cut at document ends: a query that shows one
** document (a KWIC line, a snippet) decompresses one block, about two
** UN speeches, in tens of microseconds, while zstd still finds most of
** the redundancy of English text; larger blocks compress a little
** better and make every document read slower.  The checksum per block
** is what the reader verifies before trusting a frame, so opening a
** segment never hashes its whole text.  Why a dictionary: 16 KiB blocks
** lose the redundancy between blocks; a dictionary trained (zstd's
** ZDICT, on ~2 MB of the segment's own blocks, a quarter of a second)
** gives it back: on the UN debates 35.4 -> 29.0 MB.
*/
#include <stdlib.h>
#include <string.h>

#include <xxhash.h>
#include <zdict.h>
#include <zstd.h>

#include "segfmt.h"
#include "ztext.h"

#define ZT_HEAD 24u
#define ZT_ENT  32u

static int corrupt (cp_err *err, const char *what) {
  return cp_err_set(err, CP_ECORRUPT, "corrupt compressed text: %s", what);
}

static const uint8_t *ent (const cp_zt *z, uint32_t b) {
  return z->tab + (size_t)b * ZT_ENT;
}


/* {================================================================
** Writing
** ================================================================= */

typedef struct zblk { uint64_t raw_start, raw_len; } zblk;

/* cut [0, ends[ndocs-1]) into blocks: at the first document end at or
** past 'target'; a stretch longer than 2 * target (one long document)
** every 'target' bytes */
static int cut (const uint64_t *ends, size_t ndocs, size_t target,
                zblk **out, uint32_t *nout, cp_err *err) {
  uint64_t total = (ndocs > 0) ? ends[ndocs - 1] : 0, start = 0;
  size_t d = 0, cap = 16, n = 0;
  zblk *v = malloc(cap * sizeof(*v));
  if (v == NULL) return cp_err_set(err, CP_ENOMEM, "out of memory");
  while (start < total) {
    uint64_t stop;
    while (d < ndocs && ends[d] < start + target) d++;
    stop = (d < ndocs) ? ends[d] : total;
    if (stop - start > 2 * (uint64_t)target) stop = start + target;
    if (stop > total) stop = total;
    if (n == cap) {
      zblk *nv;
      if (cap > UINT32_MAX / 4) { free(v); return cp_err_set(err, CP_ELIMIT, "text too long"); }
      nv = realloc(v, 2 * cap * sizeof(*v));
      if (nv == NULL) { free(v); return cp_err_set(err, CP_ENOMEM, "out of memory"); }
      v = nv; cap *= 2;
    }
    v[n].raw_start = start; v[n].raw_len = stop - start; n++;
    start = stop;
  }
  *out = v; *nout = (uint32_t)n;
  return CP_OK;
}

/*
** A dictionary trained on every k-th block, about CP_ZT_SAMPLE bytes
** in all.  Training can fail on text without repeats: then there is no
** dictionary (*dictlen 0), which is not an error.
*/
static int train (const char *text, const zblk *bl, uint32_t nb,
                  void **dict, size_t *dictlen, cp_err *err) {
  uint64_t total = bl[nb - 1].raw_start + bl[nb - 1].raw_len, want = 0;
  uint32_t step = (uint32_t)(total / CP_ZT_SAMPLE + 1), b, ns = 0;
  size_t at = 0, n;
  char *buf;
  size_t *sizes;
  void *d;
  *dict = NULL; *dictlen = 0;
  for (b = 0; b < nb; b += step) want += bl[b].raw_len;
  buf = malloc((size_t)want + 1);
  sizes = malloc(((size_t)nb / step + 1) * sizeof(size_t));
  d = malloc(CP_ZT_DICT_MAX);
  if (buf == NULL || sizes == NULL || d == NULL) {
    free(buf); free(sizes); free(d);
    return cp_err_set(err, CP_ENOMEM, "out of memory");
  }
  for (b = 0; b < nb; b += step) {
    memcpy(buf + at, text + bl[b].raw_start, (size_t)bl[b].raw_len);
    at += (size_t)bl[b].raw_len;
    sizes[ns++] = (size_t)bl[b].raw_len;
  }
  n = ZDICT_trainFromBuffer(d, CP_ZT_DICT_MAX, buf, sizes, ns);
  free(buf); free(sizes);
  if (ZDICT_isError(n) || n == 0) { free(d); return CP_OK; }
  *dict = d; *dictlen = n;
  return CP_OK;
}

int cp_zt_encode (const char *text, const uint64_t *ends, size_t ndocs,
                  size_t target, int level, uint8_t **out, size_t *len,
                  cp_err *err) {
  zblk *bl = NULL;
  uint32_t nb = 0, b;
  size_t i, cap, pos, data0, dictlen = 0;
  uint64_t total;
  uint8_t *img;
  void *dict = NULL;
  ZSTD_CCtx *cc;
  ZSTD_CDict *cd;
  int rc;
  if ((ndocs > 0 && (text == NULL || ends == NULL)) || out == NULL
      || len == NULL)
    return cp_err_set(err, CP_EINVAL, "cp_zt_encode: bad arguments");
  for (i = 1; i < ndocs; i++)
    if (ends[i] < ends[i - 1])
      return cp_err_set(err, CP_EINVAL, "cp_zt_encode: document ends "
                        "decrease at %zu", i);
  if (target == 0) target = CP_ZT_BLOCK;
  if (target > UINT32_MAX / 4) target = UINT32_MAX / 4;  /* raw_len is u32 */
  if (level == 0) level = CP_ZT_LEVEL;
  if ((rc = cut(ends, ndocs, target, &bl, &nb, err)) != CP_OK) return rc;
  total = (ndocs > 0) ? ends[ndocs - 1] : 0;
  if (total >= CP_ZT_DICT_MIN
      && (rc = train(text, bl, nb, &dict, &dictlen, err)) != CP_OK) {
    free(bl);
    return rc;
  }
  cap = ZT_HEAD + (size_t)nb * ZT_ENT + dictlen;
  for (b = 0; b < nb; b++) cap += ZSTD_compressBound((size_t)bl[b].raw_len);
  img = malloc(cap);
  cc = ZSTD_createCCtx();
  cd = (dictlen > 0) ? ZSTD_createCDict(dict, dictlen, level) : NULL;
  if (img == NULL || cc == NULL || (dictlen > 0 && cd == NULL)) {
    free(img); free(bl); free(dict); ZSTD_freeCCtx(cc); ZSTD_freeCDict(cd);
    return cp_err_set(err, CP_ENOMEM, "out of memory");
  }
  memset(img, 0, ZT_HEAD + (size_t)nb * ZT_ENT);
  cp_wr32(img, nb);
  cp_wr32(img + 4, (uint32_t)dictlen);
  cp_wr64(img + 8, total);
  pos = ZT_HEAD + (size_t)nb * ZT_ENT;
  if (dictlen > 0) {
    memcpy(img + pos, dict, dictlen);
    cp_wr64(img + 16, (uint64_t)XXH64(dict, dictlen, 0));
    pos += dictlen;
  }
  free(dict);
  data0 = pos;
  for (b = 0; b < nb; b++) {
    uint8_t *e = img + ZT_HEAD + (size_t)b * ZT_ENT;
    size_t n = (cd != NULL)
      ? ZSTD_compress_usingCDict(cc, img + pos, cap - pos,
                                 text + bl[b].raw_start,
                                 (size_t)bl[b].raw_len, cd)
      : ZSTD_compressCCtx(cc, img + pos, cap - pos, text + bl[b].raw_start,
                          (size_t)bl[b].raw_len, level);
    if (ZSTD_isError(n) || n > UINT32_MAX) {
      free(img); free(bl); ZSTD_freeCCtx(cc); ZSTD_freeCDict(cd);
      return cp_err_set(err, CP_ENOMEM, "zstd: %s", ZSTD_isError(n)
                        ? ZSTD_getErrorName(n) : "frame too large");
    }
    cp_wr64(e, bl[b].raw_start);
    cp_wr64(e + 8, pos - data0);
    cp_wr32(e + 16, (uint32_t)n);
    cp_wr32(e + 20, (uint32_t)bl[b].raw_len);
    cp_wr64(e + 24, (uint64_t)XXH64(img + pos, n, 0));
    pos += n;
  }
  ZSTD_freeCCtx(cc);
  ZSTD_freeCDict(cd);
  free(bl);
  *out = img; *len = pos;
  return CP_OK;
}

/* }================================================================ */


/* {================================================================
** Reading
** ================================================================= */

int cp_zt_open (cp_zt *z, const void *p, size_t len, cp_err *err) {
  const uint8_t *b = p;
  uint64_t raw = 0, comp = 0;
  uint32_t nb, i;
  if (z == NULL || (p == NULL && len > 0))
    return cp_err_set(err, CP_EINVAL, "cp_zt_open: bad arguments");
  memset(z, 0, sizeof(*z));
  if (len < ZT_HEAD) return corrupt(err, "shorter than its header");
  nb = cp_rd32(b);
  if ((uint64_t)nb > (len - ZT_HEAD) / ZT_ENT)
    return corrupt(err, "block table past the end");
  z->dictlen = cp_rd32(b + 4);
  if (z->dictlen > len - ZT_HEAD - (size_t)nb * ZT_ENT)
    return corrupt(err, "dictionary past the end");
  z->nb = nb;
  z->rawsize = cp_rd64(b + 8);
  z->tab = b + ZT_HEAD;
  z->dict = z->tab + (size_t)nb * ZT_ENT;
  z->data = z->dict + z->dictlen;
  z->datalen = len - ZT_HEAD - (size_t)nb * ZT_ENT - z->dictlen;
  if (z->dictlen == 0 ? cp_rd64(b + 16) != 0
      : (uint64_t)XXH64(z->dict, z->dictlen, 0) != cp_rd64(b + 16))
    return corrupt(err, "dictionary checksum mismatch");
  for (i = 0; i < nb; i++) {
    const uint8_t *e = ent(z, i);
    uint32_t clen = cp_rd32(e + 16), rlen = cp_rd32(e + 20);
    if (cp_rd64(e) != raw || cp_rd64(e + 8) != comp)
      return corrupt(err, "blocks do not tile the text");
    if (clen == 0 || rlen == 0) return corrupt(err, "empty block");
    raw += rlen; comp += clen;
    if (rlen > z->maxraw) z->maxraw = rlen;
  }
  if (raw != z->rawsize) return corrupt(err, "text size differs from blocks");
  if (comp != z->datalen) return corrupt(err, "data size differs from blocks");
  if (z->dictlen > 0) {
    z->ddict = ZSTD_createDDict(z->dict, z->dictlen);
    if (z->ddict == NULL) return cp_err_set(err, CP_ENOMEM, "out of memory");
  }
  return CP_OK;
}

void cp_zt_close (cp_zt *z) {
  if (z == NULL) return;
  ZSTD_freeDDict(z->ddict);
  memset(z, 0, sizeof(*z));
}

uint64_t cp_zt_size (const cp_zt *z) {
  return (z != NULL) ? z->rawsize : 0;
}

void cp_ztcache_init (cp_ztcache *c) {
  if (c != NULL) memset(c, 0, sizeof(*c));
}

void cp_ztcache_free (cp_ztcache *c) {
  int i;
  if (c == NULL) return;
  for (i = 0; i < CP_ZT_CACHED; i++) free(c->e[i].buf);
  free(c->scratch);
  ZSTD_freeDCtx(c->dctx);
  memset(c, 0, sizeof(*c));
}

/* decompress block b into dst (raw_len bytes), after its checksum */
static int inflate (const cp_zt *z, ZSTD_DCtx *dc, uint32_t b, char *dst,
                    cp_err *err) {
  const uint8_t *e = ent(z, b);
  const uint8_t *src = z->data + cp_rd64(e + 8);
  size_t clen = cp_rd32(e + 16), rlen = cp_rd32(e + 20), n;
  unsigned long long want;
  if ((uint64_t)XXH64(src, clen, 0) != cp_rd64(e + 24))
    return corrupt(err, "block checksum mismatch");
  want = ZSTD_getFrameContentSize(src, clen);
  if (want != (unsigned long long)rlen)
    return corrupt(err, "frame size differs from its block");
  n = (z->ddict != NULL)
      ? ZSTD_decompress_usingDDict(dc, dst, rlen, src, clen, z->ddict)
      : ZSTD_decompressDCtx(dc, dst, rlen, src, clen);
  if (ZSTD_isError(n) || n != rlen) return corrupt(err, "bad zstd frame");
  return CP_OK;
}

/* block b decompressed, from the cache or into it */
static int cached (const cp_zt *z, cp_ztcache *c, uint32_t b,
                   const char **p, cp_err *err) {
  size_t rlen = cp_rd32(ent(z, b) + 20);
  unsigned i;
  int rc;
  if (c->z != z) {   /* another image: nothing cached belongs to it */
    for (i = 0; i < CP_ZT_CACHED; i++) c->e[i].valid = 0;
    c->z = z;
  }
  for (i = 0; i < CP_ZT_CACHED; i++)
    if (c->e[i].valid && c->e[i].block == b) { *p = c->e[i].buf; return CP_OK; }
  i = c->next;
  c->next = (c->next + 1) % CP_ZT_CACHED;
  c->e[i].valid = 0;
  if (c->e[i].cap < rlen) {
    char *nb = realloc(c->e[i].buf, rlen);
    if (nb == NULL) return cp_err_set(err, CP_ENOMEM, "out of memory");
    c->e[i].buf = nb; c->e[i].cap = rlen;
  }
  if (c->dctx == NULL && (c->dctx = ZSTD_createDCtx()) == NULL)
    return cp_err_set(err, CP_ENOMEM, "out of memory");
  if ((rc = inflate(z, c->dctx, b, c->e[i].buf, err)) != CP_OK) return rc;
  c->e[i].block = b; c->e[i].valid = 1;
  *p = c->e[i].buf;
  return CP_OK;
}

/* the block holding text offset 'off' (< rawsize) */
static uint32_t find (const cp_zt *z, uint64_t off) {
  uint32_t lo = 0, hi = z->nb;
  while (hi - lo > 1) {
    uint32_t mid = lo + (hi - lo) / 2;
    if (cp_rd64(ent(z, mid)) <= off) lo = mid; else hi = mid;
  }
  return lo;
}

int cp_zt_read (const cp_zt *z, cp_ztcache *c, uint64_t off, size_t len,
                const char **p, cp_err *err) {
  uint32_t b;
  uint64_t bstart, bend;
  const char *blk;
  size_t done = 0;
  int rc;
  if (z == NULL || c == NULL || p == NULL)
    return cp_err_set(err, CP_EINVAL, "cp_zt_read: bad arguments");
  if (off > z->rawsize || len > z->rawsize - off)
    return cp_err_set(err, CP_EINVAL, "cp_zt_read: range past the text");
  if (len == 0) { *p = ""; return CP_OK; }
  b = find(z, off);
  bstart = cp_rd64(ent(z, b));
  bend = bstart + cp_rd32(ent(z, b) + 20);
  if ((rc = cached(z, c, b, &blk, err)) != CP_OK) return rc;
  if (off + len <= bend) { *p = blk + (off - bstart); return CP_OK; }
  /* across blocks: assemble in the scratch buffer */
  if (c->scap < len) {
    char *ns = realloc(c->scratch, len);
    if (ns == NULL) return cp_err_set(err, CP_ENOMEM, "out of memory");
    c->scratch = ns; c->scap = len;
  }
  while (done < len) {
    size_t take;
    bstart = cp_rd64(ent(z, b));
    bend = bstart + cp_rd32(ent(z, b) + 20);
    if (done > 0 && (rc = cached(z, c, b, &blk, err)) != CP_OK) return rc;
    take = (size_t)(bend - (off + done));
    if (take > len - done) take = len - done;
    memcpy(c->scratch + done, blk + (off + done - bstart), take);
    done += take;
    b++;
  }
  *p = c->scratch;
  return CP_OK;
}

uint32_t cp_zt_find (const cp_zt *z, uint64_t off) {
  return (z == NULL || z->nb == 0) ? 0 : find(z, off);
}

void cp_zt_block_range (const cp_zt *z, uint32_t b, uint64_t *start,
                        size_t *len) {
  if (z == NULL || b >= z->nb) { *start = 0; *len = 0; return; }
  *start = cp_rd64(ent(z, b));
  *len = cp_rd32(ent(z, b) + 20);
}

int cp_zt_inflate (const cp_zt *z, ZSTD_DCtx *dc, uint32_t b, char *dst,
                   cp_err *err) {
  ZSTD_DCtx *mine = NULL;
  int rc;
  if (z == NULL || b >= z->nb || dst == NULL)
    return cp_err_set(err, CP_EINVAL, "cp_zt_inflate: bad arguments");
  if (dc == NULL && (dc = mine = ZSTD_createDCtx()) == NULL)
    return cp_err_set(err, CP_ENOMEM, "out of memory");
  rc = inflate(z, dc, b, dst, err);
  ZSTD_freeDCtx(mine);
  return rc;
}

int cp_zt_check (const cp_zt *z, cp_err *err) {
  char *buf;
  ZSTD_DCtx *dc;
  uint32_t b;
  int rc = CP_OK;
  if (z == NULL) return cp_err_set(err, CP_EINVAL, "cp_zt_check: NULL");
  if (z->nb == 0) return CP_OK;
  buf = malloc(z->maxraw);
  dc = ZSTD_createDCtx();
  if (buf == NULL || dc == NULL) {
    free(buf); ZSTD_freeDCtx(dc);
    return cp_err_set(err, CP_ENOMEM, "out of memory");
  }
  for (b = 0; b < z->nb && rc == CP_OK; b++) rc = inflate(z, dc, b, buf, err);
  free(buf);
  ZSTD_freeDCtx(dc);
  return rc;
}

/* }================================================================ */
