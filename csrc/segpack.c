/*
** segpack.c -- the packed sections of formats 2.3 and 2.4, written.
**
** {================================================================
** PACKED SECTIONS  (format 2.4; also in docs/FORMAT.md and seg.c)
**
**  15 STREAM  one packed list (pack.c, PLAIN) of T values: the
**             frequency rank of the word at each position
**  30 WRANK   u32[Nw]: the word id of each rank (rank 0 the most
**             frequent word; equal frequencies by id)
**  16 POSTO   u64[Nn+1]: byte offsets into POST, POSTO[0] = 0,
**             non-decreasing, POSTO[Nn] = size of POST
**  17 POST    per norm type i, its positions as one packed list
**             (pack.c, ASC) of NFREQ[i] values in POST[POSTO[i],
**             POSTO[i+1])
**  18 SPANS   u64 G, then two packed lists (pack.c, PLAIN) of T values:
**             GAPS in the next G bytes, then LENS.  GAPS[i] is token
**             i's gap (its start minus the previous token's stop, 0..254;
**             0 for a document's first token counts from byte 0), or 255
**             for a token listed in SPANX; LENS[i] is the zigzag code of
**             its length minus the byte length of its word type (0 for
**             a SPANX token): almost always 0, so most blocks take 1 byte
**  19 SENTS   sentence starts as one packed list (pack.c, ASC)
**  20 PARAS   paragraph starts, the same
**  25 SPANC   u32[ceil(T/128)]: start of token 128k, so a block of 128
**             tokens decodes on its own
** Format 2.4 (each a function of its own, "encode section k of a plain
** image", so that a parallel runner can call them):
**   STREAM, GAPS, LENS keep block ends only (CP_PACK_ENDS); POST lists,
**   SENTS, PARAS have no skip table (CP_PACK_SEQ);
**   WLEXS, NLEXS, SLEXS  the lexicons packed (lexpack.c), LEXO empty;
**   WFREQ..SFREQ  one packed list of f - 1, then f - df;
**   WNORM, NSTEM, SNORM, WRANK  their values packed;
**   SNORMO  the count of norms per stem, packed; POSTO  the byte length
**           of each postings list, packed;
**   DOCSTR  the records (id, metadata) in zstd blocks (ztext.c).
** }================================================================
**
** Why ranks: word ids are ranks in a bytewise-sorted lexicon, so a
** frequent word has any id and a block of the stream is as wide as its
** widest id (17-18 bits on the UN debates).  By frequency, most
** positions hold one of a few hundred ranks (8-10 bits), the rare ones
** are exceptions of the patched blocks (pack.c): 63.6 -> 26.3 MB there
** (bench/RESULTS.md).  The stream stays one list so that any range of
** positions (one document) decodes from its 128-value blocks.
**
** The builder writes the plain arrays (its pass over the tokens writes
** positions into the lists in place); this step packs them into a new
** image.  Costs one pass over stream and postings and a second image
** while both exist.
*/
#include <stdlib.h>
#include <string.h>

#include <xxhash.h>

#include "blksum.h"
#include "lexpack.h"
#include "pack.h"
#include "segfmt.h"
#include "segpack.h"
#include "ztext.h"

typedef struct psec {
  const unsigned char *p;
  uint64_t size;
  unsigned char *own;     /* replacement bytes (freed at the end) */
} psec;

/* u64 keys: (UINT32_MAX - frequency) << 32 | id, so ascending order is
** descending frequency, then ascending id */
static int cmp64 (const void *a, const void *b) {
  uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
  return x < y ? -1 : x > y;
}

/* STREAM and WRANK */
static int pack_stream (psec *sec, uint32_t T, uint32_t Nw, cp_err *err) {
  const uint32_t *st = (const uint32_t *)sec[CP_SEC_STREAM].p;
  const uint32_t *wf = (const uint32_t *)sec[CP_SEC_WFREQ].p;
  uint64_t *key = (uint64_t *)malloc(((size_t)Nw + 1) * 8);
  uint32_t *ord = (uint32_t *)malloc(((size_t)Nw + 1) * 4);
  uint32_t *rank = (uint32_t *)malloc(((size_t)Nw + 1) * 4);
  uint32_t *re = (uint32_t *)malloc(((size_t)T + 1) * 4);
  size_t cap = cp_pack_bound(T), len = 0, i;
  unsigned char *out = (unsigned char *)malloc(cap + 1);
  int rc;
  if (key == NULL || ord == NULL || rank == NULL || re == NULL || out == NULL) {
    free(key); free(ord); free(rank); free(re); free(out);
    return cp_err_set(err, CP_ENOMEM, "out of memory packing a segment");
  }
  for (i = 0; i < Nw; i++)
    key[i] = (uint64_t)(UINT32_MAX - wf[i]) << 32 | (uint64_t)i;
  qsort(key, Nw, 8, cmp64);
  for (i = 0; i < Nw; i++) ord[i] = (uint32_t)key[i];
  free(key);
  for (i = 0; i < Nw; i++) rank[ord[i]] = (uint32_t)i;
  for (i = 0; i < T; i++) re[i] = rank[st[i]];
  rc = cp_pack_encode(re, T, CP_SEG_PK_STREAM, out, cap, &len, err);
  free(rank);
  free(re);
  if (rc != CP_OK) { free(ord); free(out); return rc; }
  sec[CP_SEC_STREAM].own = out;
  sec[CP_SEC_STREAM].p = out;
  sec[CP_SEC_STREAM].size = len;
  sec[CP_SEC_WRANK].own = (unsigned char *)ord;
  sec[CP_SEC_WRANK].p = (unsigned char *)ord;
  sec[CP_SEC_WRANK].size = 4 * (uint64_t)Nw;
  return CP_OK;
}

static uint32_t zig (int64_t d) {
  return d < 0 ? (uint32_t)(-2 * d - 1) : (uint32_t)(2 * d);
}

/* SPANS and SPANC (from the builder's (gap, len) pairs, checkpoints
** every 16 tokens and escapes); reads the plain STREAM for the word
** lengths, so it runs before pack_stream */
static int pack_spans (psec *sec, uint32_t T, uint32_t D, cp_err *err) {
  const unsigned char *g = sec[CP_SEC_SPANS].p, *docs = sec[CP_SEC_DOCS].p;
  const uint32_t *sx = (const uint32_t *)sec[CP_SEC_SPANX].p;
  const uint32_t *st = (const uint32_t *)sec[CP_SEC_STREAM].p;
  const uint32_t *wo = (const uint32_t *)sec[CP_SEC_WLEXO].p;
  uint64_t nx = sec[CP_SEC_SPANX].size / 12, xi = 0;
  uint32_t nc = T / CP_PACK_BLOCK + (T % CP_PACK_BLOCK != 0), d;
  uint32_t *gaps = (uint32_t *)malloc(((size_t)T + 1) * 4);
  uint32_t *lens = (uint32_t *)malloc(((size_t)T + 1) * 4);
  uint32_t *chk = (uint32_t *)malloc(((size_t)nc + 1) * 4);
  size_t cap = 8 + 2 * cp_pack_bound(T), gl = 0, ll = 0;
  unsigned char *out = (unsigned char *)malloc(cap);
  int rc = CP_OK;
  if (gaps == NULL || lens == NULL || chk == NULL || out == NULL) {
    rc = cp_err_set(err, CP_ENOMEM, "out of memory packing a segment");
    goto done;
  }
  for (d = 0; d < D; d++) {
    const unsigned char *r = docs + (size_t)CP_SEG_DOCREC * d;
    uint32_t p = cp_rd32(r + CP_D_TOKSTART), e = p + cp_rd32(r + CP_D_TOKCOUNT);
    uint64_t prev = 0, x, y;
    for (; p < e; p++) {
      const unsigned char *q = g + 2 * (size_t)p;
      if (q[0] == CP_SPAN_ESC && q[1] == CP_SPAN_ESC && xi < nx &&
          sx[3 * xi] == p) {
        x = sx[3 * xi + 1];
        y = sx[3 * xi + 2];
        xi++;
        gaps[p] = CP_SPAN_ESC;
        lens[p] = 0;
      }
      else {
        x = prev + q[0];
        y = x + q[1];
        gaps[p] = q[0];
        lens[p] = zig((int64_t)q[1] - (int64_t)(wo[st[p] + 1] - wo[st[p]]));
      }
      if (p % CP_PACK_BLOCK == 0) chk[p / CP_PACK_BLOCK] = (uint32_t)x;
      prev = y;
    }
  }
  rc = cp_pack_encode(gaps, T, CP_SEG_PK_SPANS, out + 8, cap - 8, &gl, err);
  if (rc == CP_OK)
    rc = cp_pack_encode(lens, T, CP_SEG_PK_SPANS, out + 8 + gl, cap - 8 - gl,
                        &ll, err);
  if (rc != CP_OK) goto done;
  cp_wr64(out, gl);
  sec[CP_SEC_SPANS].own = out;
  sec[CP_SEC_SPANS].p = out;
  sec[CP_SEC_SPANS].size = 8 + gl + ll;
  sec[CP_SEC_SPANC].own = (unsigned char *)chk;
  sec[CP_SEC_SPANC].p = (unsigned char *)chk;
  sec[CP_SEC_SPANC].size = 4 * (uint64_t)nc;
  out = NULL;
  chk = NULL;
done:
  free(gaps);  free(lens);  free(chk);  free(out);
  return rc;
}

/* a packed list (CP_SEG_PK_PART) of v[0..n) replaces section x; v is
** freed */
static int put_list (psec *x, uint32_t *v, uint32_t n, cp_err *err) {
  size_t cap = cp_pack_bound(n), len = 0;
  unsigned char *out = (unsigned char *)malloc(cap + 1);
  int rc;
  if (out == NULL) {
    free(v);
    return cp_err_set(err, CP_ENOMEM, "out of memory packing a segment");
  }
  rc = cp_pack_encode(v, n, CP_SEG_PK_PART, out, cap, &len, err);
  free(v);
  if (rc != CP_OK) { free(out);  return rc; }
  free(x->own);
  x->own = out;
  x->p = out;
  x->size = len;
  return CP_OK;
}

static uint32_t *new_u32 (size_t n, cp_err *err) {
  uint32_t *v = (uint32_t *)malloc((n + 1) * sizeof(uint32_t));
  if (v == NULL) cp_err_set(err, CP_ENOMEM, "out of memory packing a segment");
  return v;
}

/* a u32 table (WNORM, NSTEM, SNORM, WRANK) as a packed list of its
** values */
static int pack_u32 (psec *x, cp_err *err) {
  uint32_t n = (uint32_t)(x->size / 4), *v = new_u32(n, err);
  if (v == NULL) return CP_ENOMEM;
  if (n > 0) memcpy(v, x->p, (size_t)n * 4);
  return put_list(x, v, n, err);
}

/* a frequency table (u32 f[n], then df[n]) as one packed list of
** f - 1, then f - df: both mostly 0 (hapaxes, types in one document) */
static int pack_freq (psec *x, cp_err *err) {
  uint32_t n = (uint32_t)(x->size / 8), i, *v = new_u32(2 * (size_t)n, err);
  const uint32_t *f = (const uint32_t *)x->p;
  if (v == NULL) return CP_ENOMEM;
  for (i = 0; i < n; i++) {
    if (f[i] == 0 || f[n + i] == 0 || f[n + i] > f[i]) {
      free(v);
      return cp_err_set(err, CP_EINVAL, "cp_seg_pack_image: a type with "
                        "frequency %u in %u documents", f[i], f[n + i]);
    }
    v[i] = f[i] - 1;
    v[n + i] = f[i] - f[n + i];
  }
  return put_list(x, v, 2 * n, err);
}

/* an offset table (u32 o[n + 1], o[0] = 0) as the packed list of its n
** differences */
static int pack_offsets (psec *x, cp_err *err) {
  uint32_t n = (uint32_t)(x->size / 4), i, *v;
  const uint32_t *o = (const uint32_t *)x->p;
  if (n == 0) return cp_err_set(err, CP_EINVAL, "cp_seg_pack_image: no offsets");
  if ((v = new_u32(--n, err)) == NULL) return CP_ENOMEM;
  for (i = 0; i < n; i++) v[i] = o[i + 1] - o[i];
  return put_list(x, v, n, err);
}

/* lexicon 'layer': LEXS becomes the packed lexicon (lexpack.c), LEXO
** empty */
static int pack_lex (psec *sec, int layer, cp_err *err) {
  psec *o = &sec[CP_SEC_LEXO(layer)], *x = &sec[CP_SEC_LEXS(layer)];
  uint32_t n = (uint32_t)(o->size / 4) - 1;
  unsigned char *out;
  size_t len;
  int rc;
  if (o->size < 4 || ((const uint32_t *)o->p)[n] != x->size)
    return cp_err_set(err, CP_EINVAL, "cp_seg_pack_image: bad lexicon");
  rc = cp_lex_pack((const uint32_t *)o->p, (const char *)x->p, n, &out, &len,
                   err);
  if (rc != CP_OK) return rc;
  free(x->own);
  x->own = out;
  x->p = out;
  x->size = len;
  o->size = 0;
  return CP_OK;
}

/* POSTO (the byte length of each list, packed) and POST */
static int pack_post (psec *sec, uint32_t Nn, cp_err *err) {
  const uint32_t *po = (const uint32_t *)sec[CP_SEC_POSTO].p;
  const uint32_t *pp = (const uint32_t *)sec[CP_SEC_POST].p;
  uint32_t *lens = new_u32(Nn, err);
  size_t cap = 0, at = 0, len;
  unsigned char *out;
  uint32_t i;
  int rc = CP_OK;
  if (lens == NULL) return CP_ENOMEM;
  for (i = 0; i < Nn; i++) cap += cp_pack_bound(po[i + 1] - po[i]);
  if ((out = (unsigned char *)malloc(cap + 1)) == NULL) {
    free(lens);
    return cp_err_set(err, CP_ENOMEM, "out of memory packing a segment");
  }
  for (i = 0; i < Nn && rc == CP_OK; i++) {
    rc = cp_pack_encode(pp + po[i], po[i + 1] - po[i], CP_SEG_PK_POST,
                        out + at, cap - at, &len, err);
    if (rc == CP_OK && len > UINT32_MAX)
      rc = cp_err_set(err, CP_ELIMIT, "a postings list over 4 GiB");
    lens[i] = (uint32_t)len;
    at += len;
  }
  if (rc != CP_OK) { free(lens); free(out); return rc; }
  if ((rc = put_list(&sec[CP_SEC_POSTO], lens, Nn, err)) != CP_OK) {
    free(out);
    return rc;
  }
  sec[CP_SEC_POST].own = out;
  sec[CP_SEC_POST].p = out;
  sec[CP_SEC_POST].size = at;
  return CP_OK;
}

/* an ascending u32 section (SENTS, PARAS) as one packed list */
static int pack_asc (psec *x, cp_err *err) {
  uint32_t n = (uint32_t)(x->size / 4);
  size_t cap = cp_pack_bound(n), len = 0;
  unsigned char *out = (unsigned char *)malloc(cap + 1);
  int rc;
  if (out == NULL)
    return cp_err_set(err, CP_ENOMEM, "out of memory packing a segment");
  rc = cp_pack_encode((const uint32_t *)x->p, n, CP_SEG_PK_STARTS, out, cap, &len,
                      err);
  if (rc != CP_OK) { free(out);  return rc; }
  x->own = out;
  x->p = out;
  x->size = len;
  return CP_OK;
}

/* DOCSTR (format 2.4) as a compressed image of zstd blocks (ztext.c),
** a record (id, then metadata) per document: the ids and metadata of
** the UN debates, 1.8 MB, are mostly the same keys and sources over
** again.  Small blocks, because a lookup by id reads the ids of about
** log2(D) documents.  The builder writes the records back to back */
#define DOCSTR_BLOCK 4096u
#define DOCSTR_LEVEL 6

static int pack_docstr (psec *sec, uint32_t D, cp_err *err) {
  const unsigned char *docs = sec[CP_SEC_DOCS].p;
  uint64_t *ends = (uint64_t *)malloc(((size_t)D + 1) * 8), at = 0;
  uint8_t *out = NULL;
  size_t len = 0;
  uint32_t d;
  int rc;
  if (ends == NULL)
    return cp_err_set(err, CP_ENOMEM, "out of memory packing a segment");
  for (d = 0; d < D; d++) {
    const unsigned char *r = docs + (size_t)CP_SEG_DOCREC * d;
    uint64_t io = cp_rd64(r + CP_D_IDOFF), mo = cp_rd64(r + CP_D_METAOFF);
    uint32_t il = cp_rd32(r + CP_D_IDLEN), ml = cp_rd32(r + CP_D_METALEN);
    if (io != at || mo != io + il || mo + ml > sec[CP_SEC_DOCSTR].size) {
      free(ends);
      return cp_err_set(err, CP_EINVAL, "cp_seg_pack_image: document records "
                        "not back to back");
    }
    at = ends[d] = mo + ml;
  }
  if (at != sec[CP_SEC_DOCSTR].size) {
    free(ends);
    return cp_err_set(err, CP_EINVAL, "cp_seg_pack_image: bytes after the "
                      "document records");
  }
  rc = cp_zt_encode((const char *)sec[CP_SEC_DOCSTR].p, ends, D, DOCSTR_BLOCK,
                    DOCSTR_LEVEL, &out, &len, err);
  free(ends);
  if (rc != CP_OK) return rc;
  sec[CP_SEC_DOCSTR].own = out;
  sec[CP_SEC_DOCSTR].p = out;
  sec[CP_SEC_DOCSTR].size = len;
  return CP_OK;
}

/* the tables (format 2.4), after the stream (which reads WFREQ) and
** the spans (WLEXO): each section on its own */
static int pack_tables (psec *sec, cp_err *err) {
  int rc = CP_OK, l;
  for (l = 0; l < CP_NLAYERS && rc == CP_OK; l++) rc = pack_lex(sec, l, err);
  for (l = 0; l < CP_NLAYERS && rc == CP_OK; l++)
    rc = pack_freq(&sec[CP_SEC_FREQ(l)], err);
  if (rc == CP_OK) rc = pack_u32(&sec[CP_SEC_WNORM], err);
  if (rc == CP_OK) rc = pack_u32(&sec[CP_SEC_NSTEM], err);
  if (rc == CP_OK) rc = pack_u32(&sec[CP_SEC_SNORM], err);
  if (rc == CP_OK) rc = pack_u32(&sec[CP_SEC_WRANK], err);
  if (rc == CP_OK) rc = pack_offsets(&sec[CP_SEC_SNORMO], err);
  return rc;
}

static uint64_t align8 (uint64_t x) { return (x + 7) & ~(uint64_t)7; }

/* the new image: the old header's counts, TEXT first (as the builder
** puts it), then the other sections by id */
static int assemble (const unsigned char *old, psec *sec, void **img,
                     size_t *size, cp_err *err) {
  uint32_t nsecs = CP_SEC_COUNT - 1, hdr = CP_SEG_FIXED + CP_SEG_SECENT * nsecs + 8;
  uint64_t off[CP_SEC_COUNT], total = align8(hdr);
  unsigned char *out, *bt;
  int s, k;
  sec[CP_SEC_BLKSUM].size = 0;   /* it depends on the sizes only */
  for (k = 0; k < CP_SEG_NBLKSECS; k++)
    sec[CP_SEC_BLKSUM].size += 8 * cp_blksum_count(sec[cp_seg_blksec(k)].size);
  off[CP_SEC_TEXT] = total;
  total = align8(total + sec[CP_SEC_TEXT].size);
  for (s = 1; s < CP_SEC_COUNT; s++) {
    if (s == CP_SEC_TEXT) continue;
    off[s] = total;
    total = align8(total + sec[s].size);
  }
  if (total > SIZE_MAX) return cp_err_set(err, CP_ELIMIT, "segment too big");
  if ((out = (unsigned char *)calloc(1, (size_t)total)) == NULL)
    return cp_err_set(err, CP_ENOMEM, "out of memory packing a segment");
  memcpy(out, old, CP_SEG_FIXED);
  for (s = 1; s < CP_SEC_COUNT; s++)
    if (s != CP_SEC_BLKSUM && sec[s].size > 0)
      memcpy(out + off[s], sec[s].p, (size_t)sec[s].size);
  bt = out + off[CP_SEC_BLKSUM];
  for (k = 0; k < CP_SEG_NBLKSECS; k++) {
    int id = cp_seg_blksec(k);
    cp_blksum_build(out + off[id], sec[id].size, bt);
    bt += 8 * cp_blksum_count(sec[id].size);
  }
  cp_wr32(out + CP_H_HDRSIZE, hdr);
  cp_wr32(out + CP_H_NSECS, nsecs);
  cp_wr32(out + CP_H_MINOR, CP_SEG_MINOR);
  cp_wr64(out + CP_H_SIZE, total);
  for (s = 1; s < CP_SEC_COUNT; s++)
    cp_seg_put_secent(out, (uint32_t)s - 1, (uint32_t)s, off[s], sec[s].size,
                      (uint64_t)XXH64(out + off[s], (size_t)sec[s].size, 0));
  cp_wr64(out + hdr - 8, (uint64_t)XXH64(out, hdr - 8, 0));
  *img = out;
  *size = (size_t)total;
  return CP_OK;
}

int cp_seg_pack_image (void **img, size_t *size, cp_err *err) {
  psec sec[CP_SEC_COUNT];
  const unsigned char *b;
  uint32_t i, nsecs, T, Nw, Nn;
  void *nimg = NULL;
  size_t nsize = 0;
  int rc, s;
  if (img == NULL || *img == NULL || size == NULL || *size < CP_SEG_FIXED)
    return cp_err_set(err, CP_EINVAL, "cp_seg_pack_image: bad arguments");
  b = (const unsigned char *)*img;
  memset(sec, 0, sizeof(sec));
  nsecs = cp_rd32(b + CP_H_NSECS);
  if (nsecs > CP_SEG_MAXSECS ||
      CP_SEG_FIXED + (size_t)CP_SEG_SECENT * nsecs > *size)
    return cp_err_set(err, CP_EINVAL, "cp_seg_pack_image: bad image");
  for (i = 0; i < nsecs; i++) {
    const unsigned char *e = b + CP_SEG_FIXED + CP_SEG_SECENT * i;
    uint32_t id = cp_rd32(e);
    uint64_t off = cp_rd64(e + 8), sz = cp_rd64(e + 16);
    if (id == 0 || id >= CP_SEC_COUNT || off > *size || sz > *size - off)
      return cp_err_set(err, CP_EINVAL, "cp_seg_pack_image: bad image");
    sec[id].p = b + off;
    sec[id].size = sz;
  }
  T = cp_rd32(b + CP_H_NTOK);
  Nw = cp_rd32(b + CP_H_NTYPES + 4 * CP_WORD);
  Nn = cp_rd32(b + CP_H_NTYPES + 4 * CP_NORM);
  if (sec[CP_SEC_STREAM].size != 4 * (uint64_t)T ||
      sec[CP_SEC_POST].size != 4 * (uint64_t)T ||
      sec[CP_SEC_POSTO].size != 4 * ((uint64_t)Nn + 1) ||
      sec[CP_SEC_WFREQ].size != 8 * (uint64_t)Nw)
    return cp_err_set(err, CP_EINVAL, "cp_seg_pack_image: not a plain image");
  rc = pack_spans(sec, T, cp_rd32(b + CP_H_NDOCS), err);
  if (rc == CP_OK) rc = pack_stream(sec, T, Nw, err);
  if (rc == CP_OK) rc = pack_post(sec, Nn, err);
  if (rc == CP_OK) rc = pack_asc(&sec[CP_SEC_SENTS], err);
  if (rc == CP_OK) rc = pack_asc(&sec[CP_SEC_PARAS], err);
  if (rc == CP_OK) rc = pack_tables(sec, err);
  if (rc == CP_OK) rc = pack_docstr(sec, cp_rd32(b + CP_H_NDOCS), err);
  if (rc == CP_OK) rc = assemble(b, sec, &nimg, &nsize, err);
  for (s = 0; s < CP_SEC_COUNT; s++) free(sec[s].own);
  if (rc != CP_OK) return rc;
  free(*img);
  *img = nimg;
  *size = nsize;
  return CP_OK;
}
