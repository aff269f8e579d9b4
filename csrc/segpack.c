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
** while both exist.  The sections are independent, so they are packed
** (and then copied into the new image) as jobs on the machine's cores
** (jobs.c): SPANS' two lists, STREAM, POST in ranges of norm types,
** SENTS, PARAS;
** each job writes only its own output, so the bytes are the same
** whatever ran where.  An encoder of another section slots in as one
** more job writing its slot of packctx.out.
*/
#include <stdlib.h>
#include <string.h>

/* the state type of the streaming hash is in the inline definitions */
#define XXH_INLINE_ALL
#include <xxhash.h>

#include "blksum.h"
#include "jobs.h"
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

/* POST is encoded in this many pieces (ranges of norm types of about
** equal numbers of positions), so that two threads share it and the
** one that finishes SPANS first takes what is left */
#define POST_PIECES 4

/*
** What the packing jobs share.  'in' are the plain image's sections,
** only read while the jobs run; each job writes its own slots of 'out'
** (or its own piece of POST), so the bytes do not depend on which
** thread ran it.
*/
typedef struct packctx {
  psec in[CP_SEC_COUNT];
  psec out[CP_SEC_COUNT];
  uint32_t T, D, Nw, Nn;
  uint64_t *off;                    /* POSTO, filled by the pieces */
  unsigned char *post;              /* POST, pieces at their regions */
  uint32_t plo[POST_PIECES + 1];    /* piece k: types [plo[k], plo[k+1]) */
  size_t pat[POST_PIECES + 1];      /* its region of 'post' */
  size_t plen[POST_PIECES];         /* bytes it wrote there */
  unsigned char *spans;             /* SPANS: u64, GAPS at 8, LENS at
                                    ** 8 + sbound until spans_join */
  size_t sbound, slen[2];           /* room for a list; GAPS, LENS bytes */
  uint32_t *chk;                    /* SPANC */
} packctx;

static int oom (cp_err *err) {
  return cp_err_set(err, CP_ENOMEM, "out of memory packing a segment");
}

/* u64 keys: (UINT32_MAX - frequency) << 32 | id, so ascending order is
** descending frequency, then ascending id */
static int cmp64 (const void *a, const void *b) {
  uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
  return x < y ? -1 : x > y;
}

/* a packed list (CP_SEG_PK_PART) of v[0..n) becomes section x; v is
** freed */
static int put_list (psec *x, uint32_t *v, uint32_t n, cp_err *err) {
  size_t cap = cp_pack_bound(n), len = 0;
  unsigned char *out = (unsigned char *)malloc(cap + 1);
  int rc;
  if (out == NULL) {
    free(v);
    return oom(err);
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
  if (v == NULL) oom(err);
  return v;
}

/* a u32 table (WNORM, NSTEM, SNORM: j->arg) as a packed list of its
** values */
static int job_u32 (cp_job *j, cp_err *err) {
  packctx *c = (packctx *)j->ctx;
  const psec *x = &c->in[j->arg];
  uint32_t n = (uint32_t)(x->size / 4), *v = new_u32(n, err);
  if (v == NULL) return CP_ENOMEM;
  if (n > 0) memcpy(v, x->p, (size_t)n * 4);
  return put_list(&c->out[j->arg], v, n, err);
}

/* the frequency table of layer j->arg (u32 f[n], then df[n]) as one
** packed list of f - 1, then f - df: both mostly 0 (hapaxes, types in
** one document) */
static int job_freq (cp_job *j, cp_err *err) {
  packctx *c = (packctx *)j->ctx;
  int id = CP_SEC_FREQ((int)j->arg);
  const psec *x = &c->in[id];
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
  return put_list(&c->out[id], v, 2 * n, err);
}

/* an offset table (SNORMO: u32 o[n + 1], o[0] = 0) as the packed list
** of its n differences */
static int job_offsets (cp_job *j, cp_err *err) {
  packctx *c = (packctx *)j->ctx;
  const psec *x = &c->in[j->arg];
  uint32_t n = (uint32_t)(x->size / 4), i, *v;
  const uint32_t *o = (const uint32_t *)x->p;
  if (n == 0) return cp_err_set(err, CP_EINVAL, "cp_seg_pack_image: no offsets");
  if ((v = new_u32(--n, err)) == NULL) return CP_ENOMEM;
  for (i = 0; i < n; i++) v[i] = o[i + 1] - o[i];
  return put_list(&c->out[j->arg], v, n, err);
}

/* lexicon j->arg: LEXS becomes the packed lexicon (lexpack.c), LEXO
** empty */
static int job_lex (cp_job *j, cp_err *err) {
  packctx *c = (packctx *)j->ctx;
  int layer = (int)j->arg;
  const psec *o = &c->in[CP_SEC_LEXO(layer)], *x = &c->in[CP_SEC_LEXS(layer)];
  psec *ox = &c->out[CP_SEC_LEXO(layer)], *xx = &c->out[CP_SEC_LEXS(layer)];
  uint32_t n = (uint32_t)(o->size / 4) - 1;
  unsigned char *out;
  size_t len;
  int rc;
  if (o->size < 4 || ((const uint32_t *)o->p)[n] != x->size)
    return cp_err_set(err, CP_EINVAL, "cp_seg_pack_image: bad lexicon");
  rc = cp_lex_pack((const uint32_t *)o->p, (const char *)x->p, n, &out, &len,
                   err);
  if (rc != CP_OK) return rc;
  xx->own = out;
  xx->p = out;
  xx->size = len;
  ox->p = (const unsigned char *)"";   /* an empty section, not the input */
  ox->size = 0;
  return CP_OK;
}

/* DOCSTR (format 2.4) as a compressed image of zstd blocks (ztext.c),
** a record (id, then metadata) per document: the ids and metadata of
** the UN debates, 1.8 MB, are mostly the same keys and sources over
** again.  Small blocks, because a lookup by id reads the ids of about
** log2(D) documents.  The builder writes the records back to back */
#define DOCSTR_BLOCK 4096u
#define DOCSTR_LEVEL 6

static int job_docstr (cp_job *j, cp_err *err) {
  packctx *c = (packctx *)j->ctx;
  const unsigned char *docs = c->in[CP_SEC_DOCS].p;
  const psec *x = &c->in[CP_SEC_DOCSTR];
  uint32_t D = c->D, d;
  uint64_t *ends = (uint64_t *)malloc(((size_t)D + 1) * 8), at = 0;
  uint8_t *out = NULL;
  size_t len = 0;
  int rc;
  if (ends == NULL) return oom(err);
  for (d = 0; d < D; d++) {
    const unsigned char *r = docs + (size_t)CP_SEG_DOCREC * d;
    uint64_t io = cp_rd64(r + CP_D_IDOFF), mo = cp_rd64(r + CP_D_METAOFF);
    uint32_t il = cp_rd32(r + CP_D_IDLEN), ml = cp_rd32(r + CP_D_METALEN);
    if (io != at || mo != io + il || mo + ml > x->size) {
      free(ends);
      return cp_err_set(err, CP_EINVAL, "cp_seg_pack_image: document records "
                        "not back to back");
    }
    at = ends[d] = mo + ml;
  }
  if (at != x->size) {
    free(ends);
    return cp_err_set(err, CP_EINVAL, "cp_seg_pack_image: bytes after the "
                      "document records");
  }
  rc = cp_zt_encode((const char *)x->p, ends, D, DOCSTR_BLOCK, DOCSTR_LEVEL,
                    &out, &len, err);
  free(ends);
  if (rc != CP_OK) return rc;
  c->out[CP_SEC_DOCSTR].own = out;
  c->out[CP_SEC_DOCSTR].p = out;
  c->out[CP_SEC_DOCSTR].size = len;
  return CP_OK;
}

/* STREAM and WRANK: the ranks are taken a block at a time as they are
** encoded, so no array of T ranks is written and read again */
static int job_stream (cp_job *j, cp_err *err) {
  packctx *c = (packctx *)j->ctx;
  const uint32_t *st = (const uint32_t *)c->in[CP_SEC_STREAM].p;
  const uint32_t *wf = (const uint32_t *)c->in[CP_SEC_WFREQ].p;
  uint32_t T = c->T, Nw = c->Nw, tmp[CP_PACK_BLOCK], lo;
  uint64_t *key = (uint64_t *)malloc(((size_t)Nw + 1) * 8);
  uint32_t *ord = (uint32_t *)malloc(((size_t)Nw + 1) * 4);
  uint32_t *rank = (uint32_t *)malloc(((size_t)Nw + 1) * 4);
  size_t cap = cp_pack_bound(T), len = 0, i;
  unsigned char *out = (unsigned char *)malloc(cap + 1);
  cp_packw pw;
  int rc;
  if (key == NULL || ord == NULL || rank == NULL || out == NULL) {
    free(key); free(ord); free(rank); free(out);
    return oom(err);
  }
  for (i = 0; i < Nw; i++)
    key[i] = (uint64_t)(UINT32_MAX - wf[i]) << 32 | (uint64_t)i;
  qsort(key, Nw, 8, cmp64);
  for (i = 0; i < Nw; i++) ord[i] = (uint32_t)key[i];
  free(key);
  for (i = 0; i < Nw; i++) rank[ord[i]] = (uint32_t)i;
  rc = cp_packw_begin(&pw, T, CP_SEG_PK_STREAM, out, cap, err);
  for (lo = 0; rc == CP_OK && lo < T; lo += CP_PACK_BLOCK) {
    uint32_t n = T - lo < CP_PACK_BLOCK ? T - lo : CP_PACK_BLOCK, k;
    for (k = 0; k < n; k++) tmp[k] = rank[st[lo + k]];
    rc = cp_packw_put(&pw, tmp, n, err);
  }
  if (rc == CP_OK) rc = cp_packw_end(&pw, &len, err);
  free(rank);
  if (rc != CP_OK) { free(ord); free(out); return rc; }
  c->out[CP_SEC_STREAM].own = out;
  c->out[CP_SEC_STREAM].p = out;
  c->out[CP_SEC_STREAM].size = len;
  /* WRANK: the word id of each rank, packed (format 2.4) */
  return put_list(&c->out[CP_SEC_WRANK], ord, Nw, err);
}

static uint32_t zig (int64_t d) {
  return d < 0 ? (uint32_t)(-2 * d - 1) : (uint32_t)(2 * d);
}

/*
** SPANS and SPANC, from the builder's (gap, len) pairs and escapes: two
** jobs over the tokens, GAPS with SPANC (j->arg 0) and LENS (1, which
** reads the plain STREAM for the word lengths), each made and encoded
** a block at a time into its half of one buffer (room for either list
** at its bound); spans_join moves LENS down behind GAPS.  Each job has
** its own loop, over a document's tokens up to the next block end:
** GAPS are the gap bytes as they are (an escape's is CP_SPAN_ESC too)
** and need the token starts only for SPANC; LENS need no starts.
*/
static int job_spans (cp_job *j, cp_err *err) {
  packctx *c = (packctx *)j->ctx;
  const unsigned char *g = c->in[CP_SEC_SPANS].p, *docs = c->in[CP_SEC_DOCS].p;
  const uint32_t *sx = (const uint32_t *)c->in[CP_SEC_SPANX].p;
  const uint32_t *st = (const uint32_t *)c->in[CP_SEC_STREAM].p;
  const uint32_t *wo = (const uint32_t *)c->in[CP_SEC_WLEXO].p;
  uint32_t T = c->T, D = c->D, next = 0, k = 0, d;
  uint64_t nx = c->in[CP_SEC_SPANX].size / 12, xi = 0;
  uint32_t v[CP_PACK_BLOCK], *chk = c->chk;
  int lens = j->arg == 1, rc;
  cp_packw pw;
  rc = cp_packw_begin(&pw, T, CP_SEG_PK_SPANS, c->spans + 8 + lens * c->sbound,
                      c->sbound, err);
  for (d = 0; d < D && rc == CP_OK; d++) {
    const unsigned char *r = docs + (size_t)CP_SEG_DOCREC * d;
    uint32_t p = cp_rd32(r + CP_D_TOKSTART), e = p + cp_rd32(r + CP_D_TOKCOUNT);
    uint64_t prev = 0;
    if (p != next || e < p || e > T) {   /* the builder's are back to back */
      rc = cp_err_set(err, CP_EINVAL, "cp_seg_pack_image: document %u's "
                      "tokens do not follow the last", d);
      break;
    }
    while (p < e) {
      /* up to the block's end or the document's: no test per token */
      uint32_t stop = (p / CP_PACK_BLOCK + 1) * CP_PACK_BLOCK;
      if (stop > e || stop < p) stop = e;
      if (!lens) {
        if (p % CP_PACK_BLOCK == 0) {   /* SPANC: the block's first start */
          const unsigned char *q = g + 2 * (size_t)p;
          chk[p / CP_PACK_BLOCK] = (uint32_t)(
            q[0] == CP_SPAN_ESC && q[1] == CP_SPAN_ESC && xi < nx &&
            sx[3 * xi] == p ? sx[3 * xi + 1] : prev + q[0]);
        }
        for (; p < stop; p++) {
          const unsigned char *q = g + 2 * (size_t)p;
          v[k++] = q[0];
          if (q[0] == CP_SPAN_ESC && q[1] == CP_SPAN_ESC && xi < nx &&
              sx[3 * xi] == p) {
            prev = sx[3 * xi + 2];
            xi++;
          }
          else prev += (uint64_t)q[0] + q[1];
        }
      }
      else
        for (; p < stop; p++) {
          const unsigned char *q = g + 2 * (size_t)p;
          if (q[0] == CP_SPAN_ESC && q[1] == CP_SPAN_ESC && xi < nx &&
              sx[3 * xi] == p) {
            v[k++] = 0;
            xi++;
          }
          else {
            uint32_t wd = st[p];
            v[k++] = zig((int64_t)q[1] - (int64_t)(wo[wd + 1] - wo[wd]));
          }
        }
      if (k == CP_PACK_BLOCK || p == T) {
        if ((rc = cp_packw_put(&pw, v, k, err)) != CP_OK) break;
        k = 0;
      }
    }
    next = e;
  }
  if (rc == CP_OK && next != T)
    rc = cp_err_set(err, CP_EINVAL, "cp_seg_pack_image: tokens outside "
                    "the documents");
  if (rc == CP_OK) rc = cp_packw_end(&pw, &c->slen[lens], err);
  return rc;
}

static void spans_join (packctx *c) {
  size_t gl = c->slen[0], ll = c->slen[1];
  unsigned char *q;
  memmove(c->spans + 8 + gl, c->spans + 8 + c->sbound, ll);
  cp_wr64(c->spans, gl);
  /* LENS's first pages, and the room neither list used, go back */
  if ((q = (unsigned char *)realloc(c->spans, 8 + gl + ll)) != NULL)
    c->spans = q;
  c->out[CP_SEC_SPANS].own = c->spans;
  c->out[CP_SEC_SPANS].p = c->spans;
  c->out[CP_SEC_SPANS].size = 8 + gl + ll;
  c->out[CP_SEC_SPANC].own = (unsigned char *)c->chk;
  c->out[CP_SEC_SPANC].p = (unsigned char *)c->chk;
  c->out[CP_SEC_SPANC].size = 4 * (uint64_t)(c->T / CP_PACK_BLOCK +
                                             (c->T % CP_PACK_BLOCK != 0));
  c->spans = NULL;
  c->chk = NULL;
}

/* POST piece j->arg: the lists of its norm types at its region */
static int job_post (cp_job *j, cp_err *err) {
  packctx *c = (packctx *)j->ctx;
  const uint32_t *po = (const uint32_t *)c->in[CP_SEC_POSTO].p;
  const uint32_t *pp = (const uint32_t *)c->in[CP_SEC_POST].p;
  size_t at = c->pat[j->arg], end = c->pat[j->arg + 1], len;
  uint32_t i;
  int rc = CP_OK;
  for (i = c->plo[j->arg]; i < c->plo[j->arg + 1] && rc == CP_OK; i++) {
    c->off[i] = at;
    rc = cp_pack_encode(pp + po[i], po[i + 1] - po[i], CP_SEG_PK_POST,
                        c->post + at, end - at, &len, err);
    at += len;
  }
  c->plen[j->arg] = at - c->pat[j->arg];
  return rc;
}

/*
** POSTO and POST, before the jobs: the pieces' type ranges and
** regions (each list's cp_pack_bound, so every piece has room whatever
** the others write).
*/
static int post_plan (packctx *c, cp_err *err) {
  const uint32_t *po = (const uint32_t *)c->in[CP_SEC_POSTO].p;
  uint32_t i, k = 1, Nn = c->Nn;
  size_t cap = 0;
  uint64_t want = ((uint64_t)c->T + POST_PIECES - 1) / POST_PIECES;
  c->off = (uint64_t *)malloc(((size_t)Nn + 1) * 8);
  if (c->off == NULL) return oom(err);
  c->plo[0] = 0;
  c->pat[0] = 0;
  for (i = 0; i < Nn; i++) {
    if (k < POST_PIECES && po[i] >= want * k) {   /* piece k starts here */
      c->plo[k] = i;
      c->pat[k] = cap;
      k++;
    }
    cap += cp_pack_bound(po[i + 1] - po[i]);
  }
  for (; k <= POST_PIECES; k++) { c->plo[k] = Nn;  c->pat[k] = cap; }
  if ((c->post = (unsigned char *)malloc(cap + 1)) == NULL) return oom(err);
  return CP_OK;
}

/* after the jobs: the pieces moved down behind one another; POSTO
** (format 2.4) the byte length of each list, packed */
static int post_join (packctx *c, cp_err *err) {
  size_t at = c->plen[0];
  uint32_t k, i;
  for (k = 1; k < POST_PIECES; k++) {
    size_t shift = c->pat[k] - at;
    memmove(c->post + at, c->post + c->pat[k], c->plen[k]);
    for (i = c->plo[k]; i < c->plo[k + 1]; i++) c->off[i] -= shift;
    at += c->plen[k];
  }
  c->off[c->Nn] = at;
  /* the regions' slack and the pieces' old pages past the end go back
  ** before the image is assembled (glibc shrinks a mapped block with
  ** mremap); a failed shrink keeps the block */
  {
    unsigned char *q = (unsigned char *)realloc(c->post, at + 1);
    if (q != NULL) c->post = q;
  }
  c->out[CP_SEC_POST].own = c->post;
  c->out[CP_SEC_POST].p = c->post;
  c->out[CP_SEC_POST].size = at;
  c->post = NULL;
  {
    uint32_t *lens = new_u32(c->Nn, err);
    if (lens == NULL) return CP_ENOMEM;
    for (i = 0; i < c->Nn; i++) {
      if (c->off[i + 1] - c->off[i] > UINT32_MAX) {
        free(lens);
        return cp_err_set(err, CP_ELIMIT, "a postings list over 4 GiB");
      }
      lens[i] = (uint32_t)(c->off[i + 1] - c->off[i]);
    }
    return put_list(&c->out[CP_SEC_POSTO], lens, c->Nn, err);
  }
}

/* an ascending u32 section (SENTS, PARAS: j->arg) as one packed list */
static int job_asc (cp_job *j, cp_err *err) {
  packctx *c = (packctx *)j->ctx;
  const psec *x = &c->in[j->arg];
  uint32_t n = (uint32_t)(x->size / 4);
  size_t cap = cp_pack_bound(n), len = 0;
  unsigned char *out = (unsigned char *)malloc(cap + 1);
  int rc;
  if (out == NULL) return oom(err);
  rc = cp_pack_encode((const uint32_t *)x->p, n, CP_SEG_PK_STARTS, out, cap,
                      &len, err);
  if (rc != CP_OK) { free(out);  return rc; }
  c->out[j->arg].own = out;
  c->out[j->arg].p = out;
  c->out[j->arg].size = len;
  return CP_OK;
}

static uint64_t align8 (uint64_t x) { return (x + 7) & ~(uint64_t)7; }

/* what the assembling jobs share: each copies one section into the
** image and hashes it (and builds its block checksums) while hot */
typedef struct asmctx {
  unsigned char *out;
  const psec *sec;
  uint64_t off[CP_SEC_COUNT];
  uint64_t bsat[CP_SEC_COUNT];      /* a block-summed section's table */
  uint64_t sum[CP_SEC_COUNT];
} asmctx;

static int job_copy (cp_job *j, cp_err *err) {
  asmctx *a = (asmctx *)j->ctx;
  const size_t blk = (size_t)1 << 16;
  int id = (int)j->arg, k;
  size_t n = (size_t)a->sec[id].size, o;
  unsigned char *dst = a->out + a->off[id];
  XXH64_state_t st;
  (void)err;
  XXH64_reset(&st, 0);
  for (o = 0; o < n; o += blk) {
    size_t m = n - o < blk ? n - o : blk;
    memmove(dst + o, a->sec[id].p + o, m);   /* in place: dst <= src */
    XXH64_update(&st, dst + o, m);
  }
  a->sum[id] = XXH64_digest(&st);
  for (k = 0; k < CP_SEG_NBLKSECS; k++)
    if (cp_seg_blksec(k) == id)
      cp_blksum_build(dst, n, a->out + a->off[CP_SEC_BLKSUM] + a->bsat[id]);
  return CP_OK;
}

/*
** Whether the new image can be written over the old one ('oldlen'
** bytes at 'old'), one section after another in the order of their new
** offsets (into ord[0, *n)): every section taken from the old image must
** start at or after its new place and after everything written before
** it, and outside BLKSUM, which the copies fill as they go.  Packing
** shrinks the big sections, so a real segment's image fits; one that
** does not gets a fresh block.  Over the old block, the packed image
** touches no fresh memory (the kernel zeroed 90 MB for it on the UN
** debates) and the two never coexist, which was the seal's peak.
*/
static int fits_in_place (const unsigned char *old, size_t oldlen,
                          const psec *sec, const uint64_t *off,
                          uint64_t total, int *ord, int *n) {
  uint64_t reach = 0, b0 = off[CP_SEC_BLKSUM];
  uint64_t b1 = b0 + sec[CP_SEC_BLKSUM].size;
  int s, q, k = 0;
  if (total > oldlen) return 0;
  for (s = 1; s < CP_SEC_COUNT; s++) {   /* by new offset (few: insertion) */
    if (s == CP_SEC_BLKSUM) continue;
    for (q = k; q > 0 && off[ord[q - 1]] > off[s]; q--) ord[q] = ord[q - 1];
    ord[q] = s;
    k++;
  }
  for (q = 0; q < k; q++) {
    const psec *x = &sec[ord[q]];
    uint64_t at = off[ord[q]];
    uintptr_t p = (uintptr_t)x->p, o = (uintptr_t)old;
    if (x->size > 0 && p >= o && p < o + oldlen) {
      uint64_t src = (uint64_t)(p - o);
      if (src < at || src < reach || (src < b1 && src + x->size > b0))
        return 0;
    }
    if (at + x->size > reach) reach = at + x->size;
  }
  *n = k;
  return 1;
}

/* in place: zero what no section covers past the header (calloc's
** zeroes in a fresh block), once every section is in */
static void zero_gaps (unsigned char *out, const psec *sec,
                       const uint64_t *off, uint64_t hdr, uint64_t total) {
  int ord[CP_SEC_COUNT], k = 0, s, q;
  uint64_t at = hdr;
  for (s = 1; s < CP_SEC_COUNT; s++) {   /* by offset (few: insertion) */
    if (sec[s].size == 0) continue;
    for (q = k; q > 0 && off[ord[q - 1]] > off[s]; q--) ord[q] = ord[q - 1];
    ord[q] = s;
    k++;
  }
  for (q = 0; q < k; q++) {
    uint64_t o = off[ord[q]], e = o + sec[ord[q]].size;
    if (o > at) memset(out + at, 0, (size_t)(o - at));
    if (e > at) at = e;
  }
  if (total > at) memset(out + at, 0, (size_t)(total - at));
}

/* the new image: the old header's counts, TEXT first (as the builder
** puts it), then the other sections by id; over the old block
** ('oldlen' bytes, *inplace set) when it fits */
static int assemble (unsigned char *old, size_t oldlen, psec *sec,
                     void **img, size_t *size, int *inplace, cp_err *err) {
  uint32_t nsecs = CP_SEC_COUNT - 1, hdr = CP_SEG_FIXED + CP_SEG_SECENT * nsecs + 8;
  uint64_t total = align8(hdr), bs = 0;
  asmctx a;
  cp_job job[CP_SEC_COUNT];
  size_t nj = 0, q, r;
  int s, k, rc;
  sec[CP_SEC_BLKSUM].size = 0;   /* it depends on the sizes only */
  for (k = 0; k < CP_SEG_NBLKSECS; k++) {
    a.bsat[cp_seg_blksec(k)] = bs;
    bs += 8 * cp_blksum_count(sec[cp_seg_blksec(k)].size);
  }
  sec[CP_SEC_BLKSUM].size = bs;
  a.off[CP_SEC_TEXT] = total;
  total = align8(total + sec[CP_SEC_TEXT].size);
  for (s = 1; s < CP_SEC_COUNT; s++) {
    if (s == CP_SEC_TEXT) continue;
    a.off[s] = total;
    total = align8(total + sec[s].size);
  }
  if (total > SIZE_MAX) return cp_err_set(err, CP_ELIMIT, "segment too big");
  a.sec = sec;
  *inplace = 0;
  {
    int ord[CP_SEC_COUNT], n = 0;
    if (fits_in_place(old, oldlen, sec, a.off, total, ord, &n)) {
      a.out = old;   /* the fixed header stays where it is */
      for (q = 0; q < (size_t)n; q++) {
        s = ord[q];
        if (sec[s].size == 0) { a.sum[s] = (uint64_t)XXH64(a.out, 0, 0); continue; }
        job[0].fn = job_copy;  job[0].ctx = &a;  job[0].arg = (size_t)s;
        (void)job_copy(&job[0], err);   /* cannot fail */
      }
      zero_gaps(a.out, sec, a.off, hdr, total);
      *inplace = 1;
      goto sums;
    }
  }
  if ((a.out = (unsigned char *)calloc(1, (size_t)total)) == NULL)
    return oom(err);
  memcpy(a.out, old, CP_SEG_FIXED);
  /* one job per section, the biggest first (insertion sort: few) */
  for (s = 1; s < CP_SEC_COUNT; s++) {
    if (s == CP_SEC_BLKSUM) continue;
    if (sec[s].size == 0) { a.sum[s] = (uint64_t)XXH64(a.out, 0, 0); continue; }
    for (q = nj; q > 0 && sec[job[q - 1].arg].size < sec[s].size; q--) {}
    for (r = nj; r > q; r--) job[r] = job[r - 1];
    job[q].fn = job_copy;
    job[q].ctx = &a;
    job[q].arg = (size_t)s;
    nj++;
  }
  if ((rc = cp_jobs_run(job, nj, cp_jobs_threads(), err)) != CP_OK) {
    free(a.out);
    return rc;
  }
sums:
  a.sum[CP_SEC_BLKSUM] = (uint64_t)XXH64(a.out + a.off[CP_SEC_BLKSUM],
                                         (size_t)bs, 0);
  cp_wr32(a.out + CP_H_HDRSIZE, hdr);
  cp_wr32(a.out + CP_H_NSECS, nsecs);
  cp_wr32(a.out + CP_H_MINOR, CP_SEG_MINOR);
  cp_wr64(a.out + CP_H_SIZE, total);
  for (s = 1; s < CP_SEC_COUNT; s++)
    cp_seg_put_secent(a.out, (uint32_t)s - 1, (uint32_t)s, a.off[s],
                      sec[s].size, a.sum[s]);
  cp_wr64(a.out + hdr - 8, (uint64_t)XXH64(a.out, hdr - 8, 0));
  if (*inplace && total < oldlen) {   /* the old tail goes (mremap) */
    unsigned char *q2 = (unsigned char *)realloc(a.out, (size_t)total);
    if (q2 != NULL) a.out = q2;
  }
  *img = a.out;
  *size = (size_t)total;
  return CP_OK;
}

int cp_seg_pack_image (void **img, size_t *size, cp_err *err) {
  packctx c;
  psec sec[CP_SEC_COUNT];
  cp_job job[5 + POST_PIECES + 3 * CP_NLAYERS + 5];
  const unsigned char *b;
  uint32_t i, nsecs;
  void *nimg = NULL;
  size_t nsize = 0, nj = 0;
  int rc, s, inplace = 0;
  if (img == NULL || *img == NULL || size == NULL || *size < CP_SEG_FIXED)
    return cp_err_set(err, CP_EINVAL, "cp_seg_pack_image: bad arguments");
  b = (const unsigned char *)*img;
  memset(&c, 0, sizeof(c));
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
    c.in[id].p = b + off;
    c.in[id].size = sz;
  }
  c.T = cp_rd32(b + CP_H_NTOK);
  c.D = cp_rd32(b + CP_H_NDOCS);
  c.Nw = cp_rd32(b + CP_H_NTYPES + 4 * CP_WORD);
  c.Nn = cp_rd32(b + CP_H_NTYPES + 4 * CP_NORM);
  if (c.in[CP_SEC_STREAM].size != 4 * (uint64_t)c.T ||
      c.in[CP_SEC_POST].size != 4 * (uint64_t)c.T ||
      c.in[CP_SEC_POSTO].size != 4 * ((uint64_t)c.Nn + 1) ||
      c.in[CP_SEC_WFREQ].size != 8 * (uint64_t)c.Nw ||
      c.in[CP_SEC_SPANS].size != 2 * (uint64_t)c.T ||
      c.in[CP_SEC_DOCS].size != CP_SEG_DOCREC * (uint64_t)c.D)
    return cp_err_set(err, CP_EINVAL, "cp_seg_pack_image: not a plain image");
  /* the jobs, the biggest first */
  job[nj].fn = job_spans;  job[nj++].arg = 0;
  job[nj].fn = job_spans;  job[nj++].arg = 1;
  job[nj].fn = job_stream;  job[nj++].arg = 0;
  for (i = 0; i < POST_PIECES; i++) { job[nj].fn = job_post;  job[nj++].arg = i; }
  job[nj].fn = job_asc;  job[nj++].arg = CP_SEC_SENTS;
  job[nj].fn = job_asc;  job[nj++].arg = CP_SEC_PARAS;
  job[nj].fn = job_docstr;  job[nj++].arg = 0;
  for (i = 0; i < CP_NLAYERS; i++) { job[nj].fn = job_lex;  job[nj++].arg = i; }
  for (i = 0; i < CP_NLAYERS; i++) { job[nj].fn = job_freq;  job[nj++].arg = i; }
  job[nj].fn = job_u32;  job[nj++].arg = CP_SEC_WNORM;
  job[nj].fn = job_u32;  job[nj++].arg = CP_SEC_NSTEM;
  job[nj].fn = job_u32;  job[nj++].arg = CP_SEC_SNORM;
  job[nj].fn = job_offsets;  job[nj++].arg = CP_SEC_SNORMO;
  for (i = 0; i < nj; i++) job[i].ctx = &c;
  c.sbound = cp_pack_bound(c.T);
  c.spans = (unsigned char *)malloc(8 + 2 * c.sbound);
  c.chk = (uint32_t *)malloc(((size_t)c.T / CP_PACK_BLOCK + 2) * 4);
  rc = (c.spans == NULL || c.chk == NULL) ? oom(err) : post_plan(&c, err);
  if (rc == CP_OK) rc = cp_jobs_run(job, nj, cp_jobs_threads(), err);
  if (rc == CP_OK) rc = post_join(&c, err);
  if (rc == CP_OK) spans_join(&c);
  if (rc == CP_OK) {
    for (s = 0; s < CP_SEC_COUNT; s++) sec[s] = c.out[s].p ? c.out[s] : c.in[s];
    rc = assemble((unsigned char *)*img, *size, sec, &nimg, &nsize,
                  &inplace, err);
  }
  for (s = 0; s < CP_SEC_COUNT; s++) free(c.out[s].own);
  free(c.off);
  free(c.post);
  free(c.spans);
  free(c.chk);
  if (rc != CP_OK) return rc;
  if (!inplace) free(*img);
  *img = nimg;
  *size = nsize;
  return CP_OK;
}
