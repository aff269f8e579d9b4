/*
** seg.c -- the segment reader: bounds-checked access to a segment image.
**
** {================================================================
** SEGMENT IMAGE, version 2.4  (also in docs/FORMAT.md)
**
** All integers are little-endian and fixed width (u32, u64); doubles
** are IEEE-754 binary64, little-endian.  The tables are fixed width and
** read in place (O(1) random access); the large parts (stream,
** postings, token spans, sentence starts, span sets) are packed lists
** since format 2.3 (pack.c, segpack.c), decoded on first use into
** caches of the reader ("Packed sections" below); little-endian because every host we target is, and
** the header's byte-order mark makes a mismatch detectable.  The image
** starts 8-byte aligned and every section starts at a multiple of 8.
**
** Header (80 bytes, then the section table, then a checksum):
**   0  u8[8]  magic "CPSEG\0\r\n"
**   8  u32    version = 2 (1: EVERSION, saying to rebuild)
**  12  u32    byte-order mark 0x01020304 (bytes 04 03 02 01)
**  16  u32    hdrsize = 80 + 32 * nsections + 8
**  20  u32    nsections (<= 64)
**  24  u32    ndocs         28  u32  ntokens (T, < 2^32 - 1)
**  32  u32    ntypes word   36  u32  ntypes norm   40  u32  ntypes stem
**  44  u32    nsents        48  u32  nparas        52  u32  minor = 4
**                            (format 2.4; minor 0-3: EVERSION, rebuild)
**  56  u64    invalid UTF-8 substitutions (U+FFFD) made while adding
**  64  u64    text bytes (sum of the documents' stored text lengths)
**  72  u64    image size in bytes (the whole image, padding included)
**  80  section table: nsections entries of 32 bytes:
**        u32 id, u32 reserved (0), u64 offset, u64 size (exact, without
**        padding), u64 XXH64 (seed 0) of the section's 'size' bytes
**  hdrsize-8: u64 XXH64 (seed 0) of bytes [0, hdrsize - 8)
** Sections follow, each at an 8-aligned offset >= hdrsize, zero padded.
** A reader ignores section ids it does not know; all ids below are
** required but 31 (FIELDS); their order in the image and the padding between them
** are free (the writer puts TEXT first, then the others by id, with
** extra padding that page-aligns STREAM and SPANS).  Nw, Nn, Ns are the type counts, D = ndocs.
**
**   1 WLEXO  empty      (2.3: word lexicon offsets)
**   2 WLEXS  lexpack    the word types, a packed lexicon (lexpack.c:
**                         front-coded, one zstd frame), decoded at open
**                         into offsets and bytes.  Types are sorted
**                         bytewise (memcmp, a proper prefix first) and
**                         unique, so ids are ranks.
** Format 2.4: "packed" below is one pack.c list of the SEQ layout
** (CP_SEG_PK_PART) unless said; the tables are decoded at open.
**   3 NLEXO, 4 NLEXS      norm lexicon, same layout
**   5 SLEXO, 6 SLEXS      stem lexicon, same layout
**   7 WNORM  packed Nw  norm id of each word type
**   8 NSTEM  packed Nn  stem id of each norm type
**   9 WFLAGS u8[Nw]     bit 0: punctuation/symbol (no letter or digit)
**  10 WFREQ  packed 2Nw f - 1 of each type's token frequency f, then
**  11 NFREQ  packed 2Nn   f - df of its document frequency df; every
**  12 SFREQ  packed 2Ns   type has f >= df >= 1
**  13 SNORMO packed Ns  stem -> norms: the number of norms of each
**  14 SNORM  packed Nn    stem; norms of stem i are SNORM[o[i], o[i+1])
**                         (o the running sums), ascending
**  15 STREAM packed     the word at each position, by frequency rank
**                       (segpack.c: one PLAIN list, ENDS layout; WRANK
**                       maps back)
**  16 POSTO  packed Nn  the byte length of each norm's list in POST
**  17 POST   packed     positions of norm i: an ASC list (SEQ) of its
**                       frequency of values, the lists back to back
**  18 SPANS  packed     byte spans of the tokens, relative to the text of
**                       their document, as (gap, len): start = stop of
**                       the previous token of the same document (0 for
**                       a document's first token) + gap, stop = start +
**                       len; stored as u64 G, GAPS (G bytes), LENS
**                       (len minus the word type's length, zigzag), two
**                       PLAIN lists of T values (ENDS layout).  A token whose gap or
**                       len is >= 255 (or that starts before the
**                       previous one stops) has GAPS 255 and is listed
**                       in SPANX.
**  19 SENTS  packed     sentence start positions (ASC list)
**  20 PARAS  packed     paragraph start positions (ASC list)
**  21 DOCS   D records of 48 bytes:
**        0 u32 tok_start   4 u32 tok_count  (documents tile [0, T) in
**                                            order)
**        8 u64 text_off   16 u64 text_len   (in TEXT; documents tile it
**                                            in order)
**       24 u64 id_off     32 u32 id_len     (in DOCSTR)
**       36 u32 meta_len   40 u64 meta_off   (in DOCSTR)
**  22 DOCSTR ztext      document ids and encoded metadata: a record
**                       per document (id, then metadata; they tile the
**                       raw bytes in order) in zstd blocks of ~4 KiB
**  23 TEXT   bytes      stored text of every document (valid UTF-8),
**                       format 2.2: a compressed text image (ztext.c,
**                       zstd blocks); the DOCS offsets are into the raw
**                       text, whose size is the header's text bytes
**  24 BYID   u32[D]     document numbers sorted by id (bytewise; equal
**                       ids by number)
**  25 SPANC  u32[ceil(T/128)]  start of token 128k, so each 128-token
**                       block of SPANS decodes on its own
**  26 SPANX  u32[3*K]   (pos, start, stop) of the K escaped tokens,
**                       ascending by pos
**  27 SCHEMA            named layers and span sets: u32 nlayers, then
**                       per layer u32 kind (0 word, 1 norm, 2 stem: the
**                       sections above; 3 stored), u32 ntypes, a name
**                       (u32 len 1..64, bytes, zero pad to 4) and for a
**                       stored layer 6 parts: LEXO u32[n+1], LEXS, FREQ
**                       u32[2n], STREAM u32[T], POSTO u32[n+1], POST
**                       u32[T]; u32 nsets, then per set u32 nspans N,
**                       u32 nkeys, name, parts STARTS u32[N], ENDS u32[N]
**                       (sorted by start, then end descending), MAXEND
**                       u32[N] (running max of ENDS; 2.4: u32 layout of
**                       ENDS, 0 lengths, 1 zigzag of ENDS[i] -
**                       STARTS[i+1]), then per key u32
**                       nvals V, name, parts VLEXO u32[V+1], VLEXS, VALS
**                       u32[N] (value id or 0xffffffff: absent); format
**                       2.3 packs STARTS (gaps), ENDS (lengths) and VALS
**                       (id + 1, 0: absent) as PLAIN lists and leaves
**                       MAXEND empty (recomputed); 2.4 leaves every
**                       LEXO and VLEXO empty and packs LEXS and VLEXS
**                       (lexpack.c); u32 0
**                       (field token streams, reserved).  A part is u64
**                       offset into ATTRS (8-aligned), u64 size, u64
**                       XXH64 of its bytes.
**  28 ATTRS  bytes      the parts
**  29 BLKSUM u64[]      format 2.1: XXH3-64 of every 64 KiB block of
**                       POST, SPANS, SPANC, DOCSTR, STREAM in that order
**                       (ceil(size / 65536) per section; csrc/blksum.c)
**  30 WRANK  packed Nw  format 2.3: word id of each frequency rank
**  31 FIELDS            optional (absent in images written before it):
**                       token streams of the text metadata fields named
**                       at build time; empty when none is.  Specified and
**                       parsed in csrc/segfield.c
** Packed sections.  The accessors still return u32 arrays: the reader
** decodes the stream per 128-value block, each postings list whole,
** the spans per 128-token block (into the (gap, len) pairs and 16-token
** checkpoints span_decode reads), SENTS/PARAS and the span sets whole,
** on first use, checking each block as it decodes it, and keeps what it
** decoded until close: at most what format 2.2 mapped, and only what
** was read (FORMAT.md, "Decoding the packed sections").
**
** Encoded metadata: a sequence of fields, each
**   u8 type (0 string, 1 number), u32 keylen, key bytes, then
**   for a string u32 len + bytes, for a number a binary64.
** }================================================================
**
** cp_seg_open checks, in O(types + docs), everything the table
** accessors rely on to stay in bounds: header, checksum of the header,
** section bounds and alignment, exact sizes, every offset array
** (monotonic, ending at its data size), every id stored in a map (< its
** count), the document table and the checksum of BLKSUM.  The data is
** checked lazily ("Lazy checks" below and in seg.h): whole sections by
** cp_seg_need (their checksum and range scans: stream ids < Nw,
** structure starts < T, ...), postings, spans, ids, metadata and text
** per 64 KiB block by the accessors that return them.  cp_seg_verify
** runs every lazy check; cp_seg_check adds every section checksum and
** every semantic invariant, recomputed from the stream.
*/
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <xxhash.h>
#include <zstd.h>

#include "blksum.h"
#include "lexpack.h"
#include "pack.h"
#include "seg.h"
#include "segfield.h"
#include "segfmt.h"
#include "ztext.h"

typedef struct section {
  const unsigned char *p;
  uint64_t size, sum;
  int present;
} section;

/* a span set attribute: value lexicon and a value id per span */
typedef struct rkey {
  const char *name;
  uint32_t len, nv;
  const uint32_t *lexo, *vals;      /* vals[i] < nv, or UINT32_MAX */
  const char *lexs;                 /* lexo, lexs: decoded at open (2.4) */
  const unsigned char *pv;          /* packed VALS (format 2.3) */
  uint64_t npv;
} rkey;

/* st, en, mx and the keys' vals point into 'own', decoded from the
** packed parts on first use (attrs_decode): 4 * (3 + nkeys) bytes per
** span, kept until close */
typedef struct rset {
  const char *name;
  uint32_t len, n, nkeys;
  const uint32_t *st, *en, *mx;     /* starts, ends, running max of ends */
  rkey *keys;
  const unsigned char *pst, *pen;   /* packed STARTS (gaps), ENDS (lengths) */
  uint64_t npst, npen;
  uint32_t elay;                    /* ENDS layout (2.4): 0 lengths, 1 to
                                       the next start */
  uint32_t *own;
} rset;

/* a checksummed part of ATTRS */
typedef struct rpart {
  const unsigned char *p;
  uint64_t size, sum;
  size_t at;          /* image offset of the sum (cp_seg_fix_sums) */
} rpart;

#define MAXL 64   /* layers: word, norm, stem and CP_AB_MAXLAYERS stored */

/*
** What the lazy checks found so far (format 2.1): mutable behind the
** const reader, its bytes read and written atomically, so readers on
** several threads may check at once (a section or block may then be
** hashed twice, harmlessly).
*/
#if defined(__GNUC__)
#define LZ_LOAD(p)     __atomic_load_n((p), __ATOMIC_ACQUIRE)
#define LZ_STORE(p, v) __atomic_store_n((p), (v), __ATOMIC_RELEASE)
#else
#define LZ_LOAD(p)     (*(p))
#define LZ_STORE(p, v) (*(p) = (v))
#endif
enum { LZ_UNCHECKED = 0, LZ_GOOD = 1, LZ_BAD = 2 };

/* a compressed image of zstd blocks (ztext.c) read by byte range, its
** blocks decompressed on first use and kept until close, so a pointer
** a read returns stays valid for the reader's life; a document's range
** across blocks is assembled once.  Two: the stored text (format 2.2)
** and the document ids and metadata (DOCSTR, format 2.4) */
typedef struct zimg {
  int zopen;                        /* 0 not yet, 1 open, 2 damaged */
  cp_zt zt;
  char **ztb;                       /* per block, or NULL */
  char **dtext;                     /* per document across blocks */
} zimg;
enum { ZI_TEXT = 0, ZI_DOCSTR = 1 };
#define LZ_NEEDS 5          /* one state per CP_SEGNEED_* bit */
typedef struct lazy {
  cp_blksum blk[CP_SEG_NBLKSECS];   /* POST, SPANS, SPANC, DOCSTR, STREAM */
  /* the stored text (format 2.2): zstd blocks decompressed on first use
  ** and kept until close, so a document's text pointer stays valid for
  ** the reader's life; a document across blocks is assembled once */
  pthread_mutex_t mu;               /* taken to fill blk/dtext only */
  zimg zi[2];                       /* ZI_TEXT, ZI_DOCSTR (format 2.4) */
  ZSTD_DCtx *dctx;                  /* made on first use, under mu */
  unsigned char whole[LZ_NEEDS];
  /* the packed stream and postings (format 2.3), decoded on first use
  ** and kept until close: at most 4 bytes per token each, what format
  ** 2.2 mapped; the stream per 128-value block (state per block: 0
  ** undecoded, 1 decoded, 2 damaged, written under mu), the postings per
  ** list (published by compare-and-swap) */
  int spopen;                       /* 0 not yet, 1 open, 2 damaged */
  int sall;                         /* every stream block decoded */
  cp_pack sp;                       /* the packed stream */
  uint32_t *dst;                    /* decoded word ids, T + 1 */
  unsigned char *sblk;              /* per stream block */
  uint32_t **pl;                    /* decoded postings per norm type */
  int adec;                         /* span sets: 0 not yet, 1 decoded, 2 bad */
  int sdec;                         /* SENTS and PARAS: the same */
  uint32_t *ds, *dp;                /* decoded starts (dp inside ds's block) */
  /* token spans, decoded per 128-token block (state per block as for
  ** the stream, under mu) into the (gap, len) byte pairs and 16-token
  ** checkpoints span_decode reads: 2.25 bytes per token */
  int gopen;                        /* 0 not yet, 1 open, 2 damaged */
  int gall;                         /* every block decoded */
  cp_pack gp, lp;                   /* GAPS and LENS */
  unsigned char *spg, *gblk;        /* pairs u8[2T]; per block */
  uint32_t *spc;                    /* checkpoints u32[ceil(T/16)] */
  int trusted;                      /* built here: nothing to check */
  int damaged;                      /* a check failed (sticky) */
  uint32_t *zeros;                  /* what a damaged array reads as */
} lazy;
enum { BK_POST = 0, BK_SPANS, BK_SPANC, BK_DOCSTR, BK_STREAM };

struct cp_seg {
  const unsigned char *base;
  size_t size;
  uint32_t ndocs, ntok, nsents, nparas;
  uint32_t nlayers, nt[MAXL];
  uint64_t invalid, textbytes;
  section sec[CP_SEC_COUNT];
  const uint32_t *lexo[MAXL];
  const char *lexs[MAXL];
  uint64_t lexsz[MAXL];
  const uint32_t *freq[MAXL];         /* freq[i], then df at freq[n + i] */
  const char *lname[MAXL];
  uint32_t lnamelen[MAXL];
  const uint32_t *lstream[MAXL], *lposto[MAXL], *lpost[MAXL]; /* stored */
  rset *sets;
  uint32_t nsets;
  rpart *parts;                       /* every part, for cp_seg_check */
  size_t nparts;
  const uint32_t *wnorm, *nstem, *snormo, *snorm, *wrank;
  const unsigned char *stream, *posto, *post;   /* packed (format 2.3) */
  const uint32_t *spanc, *spanx, *byid;
  uint32_t nspanx;                    /* escaped spans (triples) */
  const unsigned char *wflags, *docs, *spang;   /* spang: packed (2.3) */
  uint64_t docstrsz;                  /* DOCSTR's raw bytes (format 2.4) */
  lazy *lz;
  void *own[3 * CP_NLAYERS + 8];      /* decoded tables (format 2.4) */
  int nown;
  void **sown;                        /* decoded lexicons of SCHEMA's parts */
  size_t nsown, capsown;
};

#define U32(s, id) ((const uint32_t *)(s)->sec[id].p)


/* {================================================================
** Opening
** ================================================================= */

static int corrupt (cp_err *err, const char *what) {
  return cp_err_set(err, CP_ECORRUPT, "corrupt segment: %s", what);
}

/* a[0] == 0, non-decreasing, a[n] == end */
static int offsets_ok (const uint32_t *a, uint32_t n, uint64_t end) {
  uint32_t i;
  if (a[0] != 0 || a[n] != end) return 0;
  for (i = 0; i < n; i++)
    if (a[i] > a[i + 1]) return 0;
  return 1;
}

/* the same for u64 offsets (read unaligned-safe) */
static int offsets64_ok (const unsigned char *a, uint32_t n, uint64_t end) {
  uint32_t i;
  if (cp_rd64(a) != 0 || cp_rd64(a + 8 * (size_t)n) != end) return 0;
  for (i = 0; i < n; i++)
    if (cp_rd64(a + 8 * (size_t)i) > cp_rd64(a + 8 * (size_t)i + 8)) return 0;
  return 1;
}

/* every a[i] < lim; the loop is branch-free so it vectorizes */
static int below (const uint32_t *a, size_t n, uint32_t lim) {
  uint32_t mx = 0;
  size_t i;
  if (n == 0) return 1;
  for (i = 0; i < n; i++) mx = a[i] > mx ? a[i] : mx;
  return mx < lim;
}

static int read_header (cp_seg *s, cp_err *err) {
  const unsigned char *b = s->base;
  uint32_t hdrsize, nsecs, i;
  int l;
  if (s->size < CP_SEG_FIXED + 8) return corrupt(err, "image too short");
  if (memcmp(b, CP_SEG_MAGIC, 8) != 0) return corrupt(err, "bad magic");
  if (cp_rd32(b + CP_H_BOM) != CP_SEG_BOM)
    return corrupt(err, "byte order does not match this host");
  if (cp_rd32(b + CP_H_VERSION) == 1)
    return cp_err_set(err, CP_EVERSION, "segment format 1 is not read by "
                      "this build (format %u): rebuild the index from the "
                      "original documents (corpus.create + add, or `corpus "
                      "index NEW FILES`)", CP_SEG_VERSION);
  if (cp_rd32(b + CP_H_VERSION) != CP_SEG_VERSION)
    return cp_err_set(err, CP_EVERSION, "unsupported segment version %lu "
                      "(this build reads version %u)",
                      (unsigned long)cp_rd32(b + CP_H_VERSION),
                      CP_SEG_VERSION);
  if (cp_rd32(b + CP_H_MINOR) < CP_SEG_MINOR)
    return cp_err_set(err, CP_EVERSION, "segment format 2.%lu is not read by "
                      "this build (format 2.%u: checked per block; text, "
                      "stream, postings, tables and lexicons compressed): rebuild "
                      "the index from the original documents (corpus.create "
                      "+ add, or `corpus index NEW FILES`)",
                      (unsigned long)cp_rd32(b + CP_H_MINOR), CP_SEG_MINOR);
  if (cp_rd32(b + CP_H_MINOR) != CP_SEG_MINOR)
    return cp_err_set(err, CP_EVERSION, "unsupported segment format 2.%lu "
                      "(this build reads 2.%u)",
                      (unsigned long)cp_rd32(b + CP_H_MINOR), CP_SEG_MINOR);
  nsecs = cp_rd32(b + CP_H_NSECS);
  hdrsize = cp_rd32(b + CP_H_HDRSIZE);
  if (nsecs > CP_SEG_MAXSECS || hdrsize != CP_SEG_FIXED + CP_SEG_SECENT * nsecs + 8
      || hdrsize > s->size)
    return corrupt(err, "bad section table size");
  if (XXH64(b, hdrsize - 8, 0) != cp_rd64(b + hdrsize - 8))
    return corrupt(err, "header checksum mismatch");
  if (cp_rd64(b + CP_H_SIZE) != s->size)
    return corrupt(err, "image size does not match the header");
  s->ndocs = cp_rd32(b + CP_H_NDOCS);
  s->ntok = cp_rd32(b + CP_H_NTOK);
  for (l = 0; l < CP_NLAYERS; l++) s->nt[l] = cp_rd32(b + CP_H_NTYPES + 4 * l);
  s->nsents = cp_rd32(b + CP_H_NSENTS);
  s->nparas = cp_rd32(b + CP_H_NPARAS);
  s->invalid = cp_rd64(b + CP_H_INVALID);
  s->textbytes = cp_rd64(b + CP_H_TEXTBYTES);
  if (s->ntok > CP_SEG_MAXTOK || s->ndocs == UINT32_MAX)
    return corrupt(err, "counts out of range");
  for (i = 0; i < nsecs; i++) {
    const unsigned char *e = b + CP_SEG_FIXED + CP_SEG_SECENT * i;
    uint32_t id = cp_rd32(e);
    uint64_t off = cp_rd64(e + 8), sz = cp_rd64(e + 16);
    if (off % 8 != 0 || off < hdrsize || off > s->size || sz > s->size - off)
      return corrupt(err, "section out of bounds or misaligned");
    if (id == 0 || id >= CP_SEC_COUNT) continue;   /* unknown: ignored */
    if (s->sec[id].present) return corrupt(err, "duplicate section");
    s->sec[id].present = 1;
    s->sec[id].p = b + off;
    s->sec[id].size = sz;
    s->sec[id].sum = cp_rd64(e + 24);
  }
  for (i = 1; i < CP_SEC_COUNT; i++)   /* FIELDS may be absent (2.2) */
    if (!s->sec[i].present && i != CP_SEC_FIELDS)
      return corrupt(err, "missing section");
  return CP_OK;
}

/* the fewest bytes a packed list of n values takes (pack.c: a byte per
** block, and a skip table of 8 bytes per block when there are several):
** checked at open, so that the counts of the header and the schema, from
** which the reader sizes its caches, are bounded by the image size */
static uint64_t pk_min (uint64_t n, int mode) {
  uint64_t nb = (n + CP_PACK_BLOCK - 1) / CP_PACK_BLOCK;
  uint64_t ent = (mode & CP_PACK_SEQ) ? 0 : (mode & CP_PACK_ENDS) ? 4 : 8;
  return nb > 1 ? (ent + 1) * nb : nb;
}

/* exact byte size every section must have, from the header counts */
static int check_sizes (cp_seg *s, cp_err *err) {
  uint64_t want[CP_SEC_COUNT];
  uint64_t T = s->ntok, D = s->ndocs;
  int l, i;
  memset(want, 0, sizeof(want));
  /* format 2.4: the lexicons (in LEXS, LEXO empty) and the tables are
  ** packed; each packed table must be long enough for its count, which
  ** sizes what the reader decodes it into */
  for (l = 0; l < CP_NLAYERS; l++) {
    want[CP_SEC_LEXO(l)] = 0;
    want[CP_SEC_LEXS(l)] = s->sec[CP_SEC_LEXS(l)].size;  /* lexpack.c */
    want[CP_SEC_FREQ(l)] = s->sec[CP_SEC_FREQ(l)].size;
    if (want[CP_SEC_FREQ(l)] < pk_min(2 * (uint64_t)s->nt[l], CP_SEG_PK_PART) ||
        want[CP_SEC_LEXS(l)] < 16 + 2 * (uint64_t)s->nt[l] / CP_LEX_MAXRATIO)
      return corrupt(err, "packed tables too short for their counts");
  }
  want[CP_SEC_WNORM] = s->sec[CP_SEC_WNORM].size;
  want[CP_SEC_NSTEM] = s->sec[CP_SEC_NSTEM].size;
  want[CP_SEC_WFLAGS] = s->nt[CP_WORD];
  want[CP_SEC_SNORMO] = s->sec[CP_SEC_SNORMO].size;
  want[CP_SEC_SNORM] = s->sec[CP_SEC_SNORM].size;
  want[CP_SEC_WRANK] = s->sec[CP_SEC_WRANK].size;
  want[CP_SEC_POSTO] = s->sec[CP_SEC_POSTO].size;
  if (want[CP_SEC_WNORM] < pk_min(s->nt[CP_WORD], CP_SEG_PK_PART) ||
      want[CP_SEC_WRANK] < pk_min(s->nt[CP_WORD], CP_SEG_PK_PART) ||
      want[CP_SEC_NSTEM] < pk_min(s->nt[CP_NORM], CP_SEG_PK_PART) ||
      want[CP_SEC_SNORM] < pk_min(s->nt[CP_NORM], CP_SEG_PK_PART) ||
      want[CP_SEC_POSTO] < pk_min(s->nt[CP_NORM], CP_SEG_PK_PART) ||
      want[CP_SEC_SNORMO] < pk_min(s->nt[CP_STEM], CP_SEG_PK_PART))
    return corrupt(err, "packed tables too short for their counts");
  want[CP_SEC_STREAM] = s->sec[CP_SEC_STREAM].size;   /* packed */
  if (s->sec[CP_SEC_STREAM].size < pk_min(T, CP_SEG_PK_STREAM) ||
      s->sec[CP_SEC_SPANS].size < 8 + 2 * pk_min(T, CP_SEG_PK_SPANS) ||
      s->sec[CP_SEC_SENTS].size < pk_min(s->nsents, CP_SEG_PK_STARTS) ||
      s->sec[CP_SEC_PARAS].size < pk_min(s->nparas, CP_SEG_PK_STARTS))
    return corrupt(err, "packed sections too short for their counts");
  want[CP_SEC_POST] = s->sec[CP_SEC_POST].size;       /* packed */
  want[CP_SEC_SPANS] = s->sec[CP_SEC_SPANS].size;      /* packed */
  want[CP_SEC_SPANC] = 4 * ((T + CP_PACK_BLOCK - 1) / CP_PACK_BLOCK);
  want[CP_SEC_SPANX] = s->sec[CP_SEC_SPANX].size % 12 == 0 &&
                       s->sec[CP_SEC_SPANX].size / 12 <= T ?
                       s->sec[CP_SEC_SPANX].size : 0;
  want[CP_SEC_SENTS] = s->sec[CP_SEC_SENTS].size;      /* packed */
  want[CP_SEC_PARAS] = s->sec[CP_SEC_PARAS].size;      /* packed */
  want[CP_SEC_DOCS] = CP_SEG_DOCREC * D;
  want[CP_SEC_DOCSTR] = s->sec[CP_SEC_DOCSTR].size;  /* free */
  want[CP_SEC_TEXT] = s->sec[CP_SEC_TEXT].size;      /* zstd blocks */
  want[CP_SEC_BYID] = 4 * D;
  want[CP_SEC_SCHEMA] = s->sec[CP_SEC_SCHEMA].size;  /* free */
  want[CP_SEC_ATTRS] = s->sec[CP_SEC_ATTRS].size;    /* free */
  want[CP_SEC_FIELDS] = s->sec[CP_SEC_FIELDS].size;  /* free: segfield.c */
  want[CP_SEC_BLKSUM] = 0;
  for (i = 0; i < CP_SEG_NBLKSECS; i++)
    want[CP_SEC_BLKSUM] += 8 * cp_blksum_count(want[cp_seg_blksec(i)]);
  for (i = 1; i < CP_SEC_COUNT; i++)
    if (s->sec[i].size != want[i]) {
      cp_err_set(err, CP_ECORRUPT, "corrupt segment: section %d has %llu "
                 "bytes, expected %llu", i, (unsigned long long)s->sec[i].size,
                 (unsigned long long)want[i]);
      return CP_ECORRUPT;
    }
  return CP_OK;
}

static int check_docs (cp_seg *s, cp_err *err) {
  uint64_t tok = 0, text = 0, str = 0;
  uint32_t i;
  for (i = 0; i < s->ndocs; i++) {
    const unsigned char *r = s->docs + (size_t)CP_SEG_DOCREC * i;
    uint64_t toff = cp_rd64(r + CP_D_TEXTOFF), tlen = cp_rd64(r + CP_D_TEXTLEN);
    uint64_t ioff = cp_rd64(r + CP_D_IDOFF), moff = cp_rd64(r + CP_D_METAOFF);
    uint32_t ilen = cp_rd32(r + CP_D_IDLEN), mlen = cp_rd32(r + CP_D_METALEN);
    if (cp_rd32(r + CP_D_TOKSTART) != tok)
      return corrupt(err, "document token ranges do not tile the stream");
    tok += cp_rd32(r + CP_D_TOKCOUNT);
    if (toff != text || tlen >= UINT32_MAX || tlen > s->textbytes - text)
      return corrupt(err, "document text ranges do not tile the text");
    text += tlen;
    /* format 2.4: id then metadata, document after document */
    if (ioff != str || moff != ioff + ilen ||
        (uint64_t)ilen + mlen > s->docstrsz - str)
      return corrupt(err, "document ids and metadata do not tile DOCSTR");
    str += (uint64_t)ilen + mlen;
    if (tok > s->ntok) break;
  }
  if (tok != s->ntok || text != s->textbytes || str != s->docstrsz)
    return corrupt(err, "document table does not cover the stream or text");
  return CP_OK;
}

/* {================================================================
** Schema: named layers and span sets (SCHEMA describes, ATTRS holds)
** ================================================================= */

typedef struct cur {
  const unsigned char *p;
  uint64_t n, i;
  const unsigned char *att;
  uint64_t attn;
  int bad;
} cur;

static uint32_t get32 (cur *c) {
  uint32_t x;
  if (c->bad || c->n - c->i < 4) { c->bad = 1; return 0; }
  x = cp_rd32(c->p + c->i);
  c->i += 4;
  return x;
}

/* a name: u32 length (1..64), bytes, zero padding to 4 */
static const char *getname (cur *c, uint32_t *len) {
  uint32_t n = get32(c), pad;
  const char *r;
  *len = 0;
  if (c->bad || n == 0 || n > 64) { c->bad = 1; return NULL; }
  pad = (n + 3) & ~3u;
  if (c->n - c->i < pad) { c->bad = 1; return NULL; }
  r = (const char *)c->p + c->i;
  c->i += pad;
  *len = n;
  return r;
}

/* a part of ATTRS: u64 offset, u64 size, u64 XXH64; 'want' is its
** exact size (UINT64_MAX: any) */
static const unsigned char *getpart (cur *c, cp_seg *s, uint64_t want,
                                     uint64_t *size) {
  uint64_t off, sz;
  rpart *pt;
  if (c->bad || c->n - c->i < 24) { c->bad = 1; return NULL; }
  off = cp_rd64(c->p + c->i);
  sz = cp_rd64(c->p + c->i + 8);
  if (off % 8 != 0 || off > c->attn || sz > c->attn - off ||
      (want != UINT64_MAX && sz != want)) {
    c->bad = 1;
    return NULL;
  }
  pt = &s->parts[s->nparts++];
  pt->p = c->att + off;
  pt->size = sz;
  pt->sum = cp_rd64(c->p + c->i + 16);
  pt->at = (size_t)(c->p + c->i + 16 - s->base);
  c->i += 24;
  if (size) *size = sz;
  return c->att + off;
}

/* the number of parts the schema can name at most, from its size */
static size_t maxparts (uint64_t schemasize) { return (size_t)(schemasize / 24) + 1; }

static int ok_name (const char *n, uint32_t len) {
  uint32_t i;
  if (len == 0 || n[0] < 'a' || n[0] > 'z') return 0;
  for (i = 1; i < len; i++)
    if (!((n[i] >= 'a' && n[i] <= 'z') || (n[i] >= '0' && n[i] <= '9') ||
          n[i] == '_'))
      return 0;
  return 1;
}

static int same (const char *a, uint32_t al, const char *b, uint32_t bl) {
  return al == bl && memcmp(a, b, al) == 0;
}

/* a packed lexicon part (format 2.4) decoded, kept in the schema's
** own list until close */
static int get_lex (cp_seg *s, const unsigned char *p, uint64_t len,
                    uint32_t n, const uint32_t **lexo, const char **lexs,
                    uint64_t *size) {
  uint32_t *o;
  char *b;
  cp_err e;
  int rc;
  if (s->nsown + 2 > s->capsown) {
    size_t cap = s->capsown ? 2 * s->capsown : 16;
    void **v = (void **)realloc(s->sown, cap * sizeof(void *));
    if (v == NULL) return CP_ENOMEM;
    s->sown = v;
    s->capsown = cap;
  }
  if (len < 16 + 2 * (uint64_t)n / CP_LEX_MAXRATIO) return CP_ECORRUPT;
  rc = cp_lex_unpack(p, (size_t)len, n, &o, &b, size, &e);
  if (rc != CP_OK) return rc;
  s->sown[s->nsown++] = o;
  s->sown[s->nsown++] = b;
  *lexo = o;
  *lexs = b;
  return CP_OK;
}

static int read_layers (cp_seg *s, cur *c) {
  static const char *const bi[3] = {"word", "norm", "stem"};
  uint32_t nl = get32(c), l, j;
  uint64_t T = s->ntok;
  if (c->bad || nl < 3 || nl > MAXL) return 0;
  for (l = 0; l < nl; l++) {
    uint32_t kind = get32(c), nt = get32(c), len;
    const char *name = getname(c, &len);
    if (c->bad) return 0;
    if (l < 3) {   /* the built-in layers, first and in order */
      if (kind != l || nt != s->nt[l] || !same(name, len, bi[l], 4)) return 0;
    }
    else {
      uint64_t lsz;
      if (kind != CP_LK_STORED || !ok_name(name, len)) return 0;
      const unsigned char *lp;
      s->nt[l] = nt;
      getpart(c, s, 0, NULL);        /* LEXO: empty in format 2.4 */
      lp = getpart(c, s, UINT64_MAX, &lsz);
      if (c->bad || get_lex(s, lp, lsz, nt, &s->lexo[l], &s->lexs[l],
                            &s->lexsz[l]) != CP_OK)
        return 0;
      s->freq[l] = (const uint32_t *)getpart(c, s, 8 * (uint64_t)nt, NULL);
      s->lstream[l] = (const uint32_t *)getpart(c, s, 4 * T, NULL);
      s->lposto[l] = (const uint32_t *)getpart(c, s, 4 * ((uint64_t)nt + 1), NULL);
      s->lpost[l] = (const uint32_t *)getpart(c, s, 4 * T, NULL);
      if (c->bad || !offsets_ok(s->lposto[l], nt, T))
        return 0;
    }
    for (j = 0; j < l; j++)
      if (same(name, len, s->lname[j], s->lnamelen[j])) return 0;
    s->lname[l] = name;
    s->lnamelen[l] = len;
  }
  s->nlayers = nl;
  return 1;
}

static int read_sets (cp_seg *s, cur *c) {
  uint32_t ns = get32(c), i, k, j;
  size_t nkeys = 0;
  if (c->bad || ns > (c->n - c->i) / 8) return 0;
  s->sets = (rset *)calloc((size_t)ns + 1, sizeof(rset));
  if (s->sets == NULL) return -1;
  s->nsets = ns;
  for (i = 0; i < ns; i++) {
    rset *r = &s->sets[i];
    r->n = get32(c);
    r->nkeys = get32(c);
    r->name = getname(c, &r->len);
    if (c->bad || !ok_name(r->name, r->len) || r->nkeys > 64) return 0;
    for (j = 0; j < i; j++)
      if (same(r->name, r->len, s->sets[j].name, s->sets[j].len)) return 0;
    r->pst = getpart(c, s, UINT64_MAX, &r->npst);
    r->pen = getpart(c, s, UINT64_MAX, &r->npen);
    {   /* MAXEND's place: recomputed (2.3); u32 ENDS layout (2.4) */
      const unsigned char *lay = getpart(c, s, 4, NULL);
      r->elay = lay ? cp_rd32(lay) : 2;
      if (r->elay > 1) c->bad = 1;
    }
    if (c->bad || r->npst < pk_min(r->n, CP_SEG_PK_PART) ||
        r->npen < pk_min(r->n, CP_SEG_PK_PART)) return 0;
    r->keys = (rkey *)calloc((size_t)r->nkeys + 1, sizeof(rkey));
    if (r->keys == NULL) return -1;
    for (k = 0; k < r->nkeys; k++) {
      rkey *y = &r->keys[k];
      uint64_t lsz;
      y->nv = get32(c);
      y->name = getname(c, &y->len);
      if (c->bad || !ok_name(y->name, y->len)) return 0;
      for (j = 0; j < k; j++)
        if (same(y->name, y->len, r->keys[j].name, r->keys[j].len)) return 0;
      {
        const unsigned char *lp;
        uint64_t vsz;
        getpart(c, s, 0, NULL);      /* VLEXO: empty in format 2.4 */
        lp = getpart(c, s, UINT64_MAX, &lsz);
        if (c->bad || get_lex(s, lp, lsz, y->nv, &y->lexo, &y->lexs, &vsz)
            != CP_OK)
          return 0;
      }
      y->pv = getpart(c, s, UINT64_MAX, &y->npv);
      if (!c->bad && y->npv < pk_min(r->n, CP_SEG_PK_PART)) c->bad = 1;
      if (c->bad) return 0;
      nkeys++;
    }
  }
  (void)nkeys;
  return 1;
}

static int read_schema (cp_seg *s, cp_err *err) {
  cur c;
  int r;
  c.p = s->sec[CP_SEC_SCHEMA].p;
  c.n = s->sec[CP_SEC_SCHEMA].size;
  c.i = 0;
  c.att = s->sec[CP_SEC_ATTRS].p;
  c.attn = s->sec[CP_SEC_ATTRS].size;
  c.bad = 0;
  s->parts = (rpart *)calloc(maxparts(c.n), sizeof(rpart));
  if (s->parts == NULL)
    return cp_err_set(err, CP_ENOMEM, "out of memory opening a segment");
  if (!read_layers(s, &c)) return corrupt(err, "schema: bad layer table");
  r = read_sets(s, &c);
  if (r < 0) return cp_err_set(err, CP_ENOMEM, "out of memory opening a segment");
  if (r == 0) return corrupt(err, "schema: bad span set table");
  if (get32(&c) != 0 || c.bad || c.i != c.n)
    return corrupt(err, "schema: trailing bytes or field streams");
  return CP_OK;
}

static void free_schema (cp_seg *s) {
  uint32_t i;
  if (s->sets != NULL)
    for (i = 0; i < s->nsets; i++) {
      free(s->sets[i].keys);
      free(s->sets[i].own);
    }
  free(s->sets);
  free(s->parts);
  s->sets = NULL;
  s->parts = NULL;
  while (s->nsown > 0) free(s->sown[--s->nsown]);
  free(s->sown);
  s->sown = NULL;
  s->capsown = 0;
}

/* }================================================================ */


/* {================================================================
** Lazy checks (format 2.1)
** ================================================================= */

static void close_lazy (cp_seg *s) {
  int k;
  size_t i;
  if (s->lz == NULL) return;
  for (k = 0; k < CP_SEG_NBLKSECS; k++) cp_blksum_close(&s->lz->blk[k]);
  for (k = 0; k < 2; k++) {
    zimg *zi = &s->lz->zi[k];
    if (zi->ztb != NULL)
      for (i = 0; i < zi->zt.nb; i++) free(zi->ztb[i]);
    if (zi->dtext != NULL)
      for (i = 0; i < s->ndocs; i++) free(zi->dtext[i]);
    free(zi->ztb);
    free(zi->dtext);
    if (zi->zopen == 1) cp_zt_close(&zi->zt);
  }
  if (s->lz->pl != NULL)
    for (i = 0; i < s->nt[CP_NORM]; i++) free(s->lz->pl[i]);
  free(s->lz->pl);
  free(s->lz->dst);
  free(s->lz->sblk);
  free(s->lz->ds);
  free(s->lz->spg);
  free(s->lz->gblk);
  free(s->lz->spc);
  ZSTD_freeDCtx(s->lz->dctx);
  pthread_mutex_destroy(&s->lz->mu);
  free(s->lz->zeros);
  free(s->lz);
  s->lz = NULL;
}

/* the block table is checked here (it is 1/8192 of what it covers) */
static int open_lazy (cp_seg *s, cp_err *err) {
  const section *bt = &s->sec[CP_SEC_BLKSUM];
  uint64_t at = 0;
  int k;
  if (XXH64(bt->p, (size_t)bt->size, 0) != bt->sum)
    return corrupt(err, "checksum mismatch in the block checksum table");
  s->lz = (lazy *)calloc(1, sizeof(lazy));
  if (s->lz == NULL)
    return cp_err_set(err, CP_ENOMEM, "out of memory opening a segment");
  if (pthread_mutex_init(&s->lz->mu, NULL) != 0) {
    free(s->lz);
    s->lz = NULL;
    return cp_err_set(err, CP_ENOMEM, "cannot make a mutex");
  }
  for (k = 0; k < CP_SEG_NBLKSECS; k++) {
    const section *x = &s->sec[cp_seg_blksec(k)];
    uint64_t n = 8 * cp_blksum_count(x->size);
    int rc = cp_blksum_open(&s->lz->blk[k], x->p, x->size, bt->p + at,
                            (size_t)n, err);
    if (rc != CP_OK) return rc;
    at += n;
  }
  return CP_OK;
}

void cp_seg_trust (cp_seg *s) {
  if (s != NULL && s->lz != NULL) s->lz->trusted = 1;
}

int cp_seg_damaged (const cp_seg *s) {
  return s != NULL && s->lz != NULL && LZ_LOAD(&s->lz->damaged);
}

static void set_damaged (const cp_seg *s) { LZ_STORE(&s->lz->damaged, 1); }

static int sec_ok (const cp_seg *s, int id) {
  return XXH64(s->sec[id].p, (size_t)s->sec[id].size, 0) == s->sec[id].sum;
}

static int verify_attrs (const cp_seg *s, cp_err *err);
static int check_postings (const cp_seg *s);
static int attrs_decode (const cp_seg *s);
static int struct_decode (const cp_seg *s);
static int stream_all (const cp_seg *s, cp_err *err);

/* the check of one CP_SEGNEED_* bit (index k): 1 when intact */
static int check_need (const cp_seg *s, int k) {
  static const int base[] = {
    CP_SEC_WLEXO, CP_SEC_WLEXS, CP_SEC_NLEXO, CP_SEC_NLEXS, CP_SEC_SLEXO,
    CP_SEC_SLEXS, CP_SEC_WNORM, CP_SEC_NSTEM, CP_SEC_WFLAGS, CP_SEC_WFREQ,
    CP_SEC_NFREQ, CP_SEC_SFREQ, CP_SEC_SNORMO, CP_SEC_SNORM, CP_SEC_POSTO,
    CP_SEC_DOCS, CP_SEC_BYID, CP_SEC_SCHEMA, CP_SEC_WRANK
  };
  size_t i;
  switch (k) {
    case 0:
      for (i = 0; i < sizeof(base) / sizeof(base[0]); i++)
        if (!sec_ok(s, base[i])) return 0;
      return 1;
    case 1: {   /* every block: its checksum, decoding, ranks < Nw */
      cp_err e;
      return stream_all(s, &e) == CP_OK;
    }
    case 2:
      return sec_ok(s, CP_SEC_SENTS) && sec_ok(s, CP_SEC_PARAS) &&
             struct_decode(s) == CP_OK &&
             below(s->lz->ds, s->nsents, s->ntok) &&
             below(s->lz->dp, s->nparas, s->ntok);
    case 3: {
      cp_err e;
      return sec_ok(s, CP_SEC_ATTRS) && attrs_decode(s) == CP_OK &&
             verify_attrs(s, &e) == CP_OK;
    }
    default: return sec_ok(s, CP_SEC_SPANX);
  }
}

static const char *const need_what[LZ_NEEDS] = {
  "the lexicons or document table", "the token stream",
  "the sentence or paragraph starts", "a stored layer or span set",
  "the escaped token spans"
};

int cp_seg_need (const cp_seg *s, unsigned what, cp_err *err) {
  int k;
  if (s == NULL || s->lz == NULL)
    return cp_err_set(err, CP_EINVAL, "cp_seg_need: no segment");
  if (s->lz->trusted) return CP_OK;
  for (k = 0; k < LZ_NEEDS; k++) {
    unsigned char st;
    if (!(what & (1u << k))) continue;
    st = LZ_LOAD(&s->lz->whole[k]);
    if (st == LZ_UNCHECKED) {
      st = check_need(s, k) ? LZ_GOOD : LZ_BAD;
      LZ_STORE(&s->lz->whole[k], st);
    }
    if (st == LZ_BAD) {
      set_damaged(s);
      return cp_err_set(err, CP_ECORRUPT, "corrupt segment: checksum or "
                        "range mismatch in %s (data damaged)", need_what[k]);
    }
  }
  return CP_OK;
}

/* an accessor with no error result: 1 when bit 'what' is intact (else
** the segment is marked damaged) */
static int need_quiet (const cp_seg *s, unsigned what) {
  cp_err e;
  return cp_seg_need(s, what, &e) == CP_OK;
}

/* the fast path of need_quiet for bit index k */
#define NEED(s, k) ((s)->lz->trusted || \
                    LZ_LOAD(&(s)->lz->whole[k]) == LZ_GOOD || \
                    need_quiet((s), 1u << (k)))
enum { NK_BASE = 0, NK_STREAM, NK_STRUCT, NK_ATTRS, NK_SPANX };

/* T + 1 zero ids: what a damaged array reads as; NULL without memory */
static const uint32_t *zeros (const cp_seg *s) {
  uint32_t *z = LZ_LOAD(&s->lz->zeros);
  if (z == NULL) {
    uint32_t *mine = (uint32_t *)calloc((size_t)s->ntok + 1, sizeof(uint32_t));
#if defined(__GNUC__)
    uint32_t *expect = NULL;
    if (mine != NULL &&
        !__atomic_compare_exchange_n(&s->lz->zeros, &expect, mine, 0,
                                     __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) {
      free(mine);
      mine = expect;
    }
#else
    s->lz->zeros = mine;
#endif
    z = mine;
  }
  return z;
}

/* bytes [off, off + len) of block section k are intact */
static int need_blk (const cp_seg *s, int k, uint64_t off, uint64_t len,
                     cp_err *err) {
  cp_err e;
  int rc;
  if (s->lz->trusted) return CP_OK;
  /* the values of the packed sections are range-checked as they are
  ** decoded (stream_block, post_decode) */
  rc = cp_blksum_need(&s->lz->blk[k], off, len, &e);
  if (rc == CP_OK) return CP_OK;
  set_damaged(s);
  return cp_err_set(err, CP_ECORRUPT, "corrupt segment: %s", e.msg);
}

/* {================================================================
** Packed stream and postings (format 2.3, segpack.c)
** ================================================================= */

/* the outcome of opening or decoding a part whose state is st (1 good,
** else damaged: 'what' says which) */
static int part_state (const cp_seg *s, int st, const char *what,
                       cp_err *err) {
  if (st == 1) return CP_OK;
  set_damaged(s);
  return corrupt(err, what);
}

/* open the packed stream on first use (under lz->mu): its skip table
** checked by BLKSUM and by cp_pack_open */
static int stream_open (const cp_seg *s, cp_err *err) {
  lazy *z = s->lz;
  if (z->spopen == 0) {
    uint32_t nb = s->ntok / CP_PACK_BLOCK + (s->ntok % CP_PACK_BLOCK != 0);
    uint64_t tab = nb > 1 ? 4 * (uint64_t)nb : 0, sz = s->sec[CP_SEC_STREAM].size;
    cp_err e;
    int rc = tab > sz ? CP_ECORRUPT : need_blk(s, BK_STREAM, 0, tab, &e);
    if (rc == CP_OK)
      rc = cp_pack_open(&z->sp, s->stream, (size_t)sz, s->ntok,
                        CP_SEG_PK_STREAM, &e);
    if (rc == CP_OK) {
      z->dst = (uint32_t *)calloc((size_t)s->ntok + 1, sizeof(uint32_t));
      z->sblk = (unsigned char *)calloc((size_t)nb + 1, 1);
      if (z->dst == NULL || z->sblk == NULL) {
        free(z->dst);  free(z->sblk);
        z->dst = NULL;  z->sblk = NULL;
        return cp_err_set(err, CP_ENOMEM, "out of memory reading the stream");
      }
    }
    LZ_STORE(&z->spopen, rc == CP_OK ? 1 : 2);
  }
  return part_state(s, z->spopen, "packed stream table damaged", err);
}

/* decode stream block b into lz->dst (under lz->mu): its bytes checked
** by BLKSUM, its values by pack.c, ranks below the word types */
static int stream_block (const cp_seg *s, uint32_t b, cp_err *err) {
  lazy *z = s->lz;
  uint32_t v[CP_PACK_BLOCK], cnt = 0, i, nw = s->nt[CP_WORD];
  uint64_t st, len;
  cp_err e;
  int rc;
  if (z->sblk[b] == 1) return CP_OK;
  if (z->sblk[b] == 0) {
    cp_pack_extent(&z->sp, b, &st, &len);
    rc = need_blk(s, BK_STREAM, st, len, &e);
    if (rc == CP_OK) rc = cp_pack_block(&z->sp, b, v, &cnt, &e);
    for (i = 0; rc == CP_OK && i < cnt; i++)
      if (v[i] >= nw) rc = CP_ECORRUPT;
      else z->dst[(size_t)b * CP_PACK_BLOCK + i] = s->wrank[v[i]];
    LZ_STORE(&z->sblk[b], rc == CP_OK ? 1 : 2);
  }
  return part_state(s, z->sblk[b], "checksum or range mismatch in a block "
                    "of the token stream (data damaged)", err);
}

typedef int (*blk_open) (const cp_seg *s, cp_err *err);
typedef int (*blk_fill) (const cp_seg *s, uint32_t b, cp_err *err);

/*
** The 128-value blocks holding positions [a, a + n) of a block-decoded
** part (the stream, the spans) decoded: 'all' is set once every block
** is, 'opened' and *state (per block) by 'op'; the fast path (every
** block already decoded) takes no lock.
*/
static int decode_range (const cp_seg *s, uint32_t a, uint32_t n,
                         const int *all, const int *opened,
                         unsigned char *const *state, blk_open op,
                         blk_fill fill, cp_err *err) {
  lazy *z = s->lz;
  uint32_t b, b0, b1;
  int rc;
  if (n == 0 || LZ_LOAD(all)) return CP_OK;
  b0 = a / CP_PACK_BLOCK;
  b1 = (uint32_t)(((uint64_t)a + n - 1) / CP_PACK_BLOCK);
  if (LZ_LOAD(opened) == 1) {
    for (b = b0; b <= b1 && LZ_LOAD(&(*state)[b]) == 1; b++) ;
    if (b > b1) return CP_OK;
  }
  pthread_mutex_lock(&z->mu);
  rc = op(s, err);
  for (b = b0; rc == CP_OK && b <= b1; b++) rc = fill(s, b, err);
  pthread_mutex_unlock(&z->mu);
  return rc;
}

/* positions [a, a + n) of the stream decoded into lz->dst */
static int stream_range (const cp_seg *s, uint32_t a, uint32_t n,
                         cp_err *err) {
  return decode_range(s, a, n, &s->lz->sall, &s->lz->spopen, &s->lz->sblk,
                      stream_open, stream_block, err);
}

/* every block of a block-decoded part (as decode_range), then 'all' set;
** an empty segment still opens the part (its caches of one entry) */
static int decode_all (const cp_seg *s, int *all, const int *opened,
                       unsigned char *const *state, blk_open op,
                       blk_fill fill, cp_err *err) {
  int rc;
  if (LZ_LOAD(all)) return CP_OK;
  if (s->ntok == 0) {
    pthread_mutex_lock(&s->lz->mu);
    rc = op(s, err);
    pthread_mutex_unlock(&s->lz->mu);
  }
  else rc = decode_range(s, 0, s->ntok, all, opened, state, op, fill, err);
  if (rc == CP_OK) LZ_STORE(all, 1);
  return rc;
}

/* the whole stream decoded (and checked, unless trusted) */
static int stream_all (const cp_seg *s, cp_err *err) {
  return decode_all(s, &s->lz->sall, &s->lz->spopen, &s->lz->sblk,
                    stream_open, stream_block, err);
}

static int span_esc (const cp_seg *s, uint32_t pos, uint32_t *x, uint32_t *y);

/* open the packed token spans on first use (under lz->mu) */
static int spans_open (const cp_seg *s, cp_err *err) {
  lazy *z = s->lz;
  if (z->gopen == 0) {
    uint32_t T = s->ntok, nb = T / CP_PACK_BLOCK + (T % CP_PACK_BLOCK != 0);
    uint64_t tab = nb > 1 ? 4 * (uint64_t)nb : 0, sz = s->sec[CP_SEC_SPANS].size;
    uint64_t gl = sz >= 8 ? cp_rd64(s->spang) : 0;
    cp_err e;
    int rc = (sz < 8 || gl > sz - 8 || tab > gl || tab > sz - 8 - gl)
             ? CP_ECORRUPT : need_blk(s, BK_SPANS, 0, 8 + tab, &e);
    if (rc == CP_OK) rc = need_blk(s, BK_SPANS, 8 + gl, tab, &e);
    if (rc == CP_OK)
      rc = cp_pack_open(&z->gp, s->spang + 8, (size_t)gl, T, CP_SEG_PK_SPANS, &e);
    if (rc == CP_OK)
      rc = cp_pack_open(&z->lp, s->spang + 8 + gl, (size_t)(sz - 8 - gl), T,
                        CP_SEG_PK_SPANS, &e);
    if (rc == CP_OK) {
      z->spg = (unsigned char *)calloc(2 * (size_t)T + 1, 1);
      z->gblk = (unsigned char *)calloc((size_t)nb + 1, 1);
      z->spc = (uint32_t *)calloc(((size_t)T >> CP_SPAN_SHIFT) + 2, 4);
      if (z->spg == NULL || z->gblk == NULL || z->spc == NULL) {
        free(z->spg);  free(z->gblk);  free(z->spc);
        z->spg = z->gblk = NULL;  z->spc = NULL;
        return cp_err_set(err, CP_ENOMEM, "out of memory reading spans");
      }
    }
    LZ_STORE(&z->gopen, rc == CP_OK ? 1 : 2);
  }
  return part_state(s, z->gopen, "packed token spans table damaged", err);
}

/* bytes [*st, *en) of block b of a list at 'base' in its section */
static void pk_range (const cp_pack *l, uint64_t base, uint32_t b,
                      uint64_t *st, uint64_t *en) {
  uint64_t off, len;
  cp_pack_extent(l, b, &off, &len);
  *st = base + off;
  *en = base + off + len;
}

static uint64_t doc_tokstart (const cp_seg *s, uint32_t d) {
  return cp_rd32(s->docs + (size_t)CP_SEG_DOCREC * d + CP_D_TOKSTART);
}

/*
** Decode span block b (tokens [128b, 128b + 128)) into the pairs and
** checkpoints (under lz->mu): GAPS, LENS, SPANC checked by BLKSUM, the
** stream block for the word lengths; a length that does not fit a byte
** or a missing escape is damage.
*/
static int spans_block (const cp_seg *s, uint32_t b, cp_err *err) {
  lazy *z = s->lz;
  uint32_t gv[CP_PACK_BLOCK], lv[CP_PACK_BLOCK], cnt = 0, c2 = 0, i, d;
  uint64_t gl = cp_rd64(s->spang), st, en, st2, en2, prev = 0, nds;
  uint32_t a0 = b * CP_PACK_BLOCK;
  cp_err e;
  int rc;
  if (z->gblk[b] == 0) {
    pk_range(&z->gp, 8, b, &st, &en);
    pk_range(&z->lp, 8 + gl, b, &st2, &en2);
    rc = stream_block(s, b, &e);
    if (rc == CP_OK) rc = need_blk(s, BK_SPANS, st, en - st, &e);
    if (rc == CP_OK) rc = need_blk(s, BK_SPANS, st2, en2 - st2, &e);
    if (rc == CP_OK) rc = need_blk(s, BK_SPANC, 4 * (uint64_t)b, 4, &e);
    if (rc == CP_OK) rc = cp_pack_block(&z->gp, b, gv, &cnt, &e);
    if (rc == CP_OK) rc = cp_pack_block(&z->lp, b, lv, &c2, &e);
    d = cp_seg_doc_of(s, a0);
    if (d == UINT32_MAX) rc = CP_ECORRUPT, d = 0;
    nds = d + 1 < s->ndocs ? doc_tokstart(s, d + 1) : s->ntok;
    prev = s->spanc[b];   /* x of token a0 */
    for (i = 0; rc == CP_OK && i < cnt; i++) {
      uint32_t a = a0 + i, w = z->dst[a], x, y;
      unsigned char *g = z->spg + 2 * (size_t)a;
      int64_t len;
      while (a >= nds && d + 1 < s->ndocs) {   /* a document starts here */
        d++;
        nds = d + 1 < s->ndocs ? doc_tokstart(s, d + 1) : s->ntok;
        prev = 0;
      }
      if (gv[i] == CP_SPAN_ESC) {
        if (!span_esc(s, a, &x, &y)) { rc = CP_ECORRUPT;  break; }
        g[0] = g[1] = CP_SPAN_ESC;
      }
      else {
        uint32_t u = lv[i];
        len = (int64_t)(s->lexo[CP_WORD][w + 1] - s->lexo[CP_WORD][w]) +
              ((u & 1) ? -(int64_t)(u >> 1) - 1 : (int64_t)(u >> 1));
        if (gv[i] > CP_SPAN_ESC || len < 0 || len >= CP_SPAN_ESC) {
          rc = CP_ECORRUPT;
          break;
        }
        /* a block's first token starts at its checkpoint */
        x = i == 0 ? (uint32_t)prev : (uint32_t)(prev + gv[i]);
        y = x + (uint32_t)len;
        g[0] = (unsigned char)gv[i];
        g[1] = (unsigned char)len;
      }
      if ((a & (CP_SPAN_EVERY - 1)) == 0) z->spc[a >> CP_SPAN_SHIFT] = x;
      prev = y;
    }
    LZ_STORE(&z->gblk[b], rc == CP_OK ? 1 : 2);
  }
  return part_state(s, z->gblk[b], "checksum or range mismatch in a block "
                    "of the token spans (data damaged)", err);
}

/* the spans need the stream's blocks too (the word lengths) */
static int spans_open2 (const cp_seg *s, cp_err *err) {
  int rc = stream_open(s, err);
  return rc == CP_OK ? spans_open(s, err) : rc;
}

/* the spans of tokens [a, a + n) decoded */
static int spans_range (const cp_seg *s, uint32_t a, uint32_t n,
                        cp_err *err) {
  return decode_range(s, a, n, &s->lz->gall, &s->lz->gopen, &s->lz->gblk,
                      spans_open2, spans_block, err);
}

static int spans_all (const cp_seg *s, cp_err *err) {
  return decode_all(s, &s->lz->gall, &s->lz->gopen, &s->lz->gblk,
                    spans_open2, spans_block, err);
}

/* n values of the packed list [p, p + len) into out */
static int unpack_part (const unsigned char *p, uint64_t len, uint32_t n,
                        uint32_t *out) {
  cp_pack l;
  cp_err e;
  return cp_pack_open(&l, p, (size_t)len, n, CP_SEG_PK_PART, &e) == CP_OK &&
         cp_pack_decode(&l, out, &e) == CP_OK;
}

/* one span set's arrays from its packed parts */
static int set_decode (rset *r) {
  uint32_t n = r->n, i, k, *st, *en, *mx;
  uint64_t acc = 0, m = 0;
  r->own = (uint32_t *)malloc(((size_t)3 + r->nkeys) * ((size_t)n + 1) * 4);
  if (r->own == NULL) return CP_ENOMEM;
  st = r->own;  en = st + n + 1;  mx = en + n + 1;
  if (!unpack_part(r->pst, r->npst, n, st) || !unpack_part(r->pen, r->npen, n, en))
    return CP_ECORRUPT;
  for (i = 0; i < n; i++) {   /* gaps -> starts */
    acc += st[i];
    if (acc > UINT32_MAX) return CP_ECORRUPT;
    st[i] = (uint32_t)acc;
  }
  for (i = 0; i < n; i++) {   /* lengths, or distances to the next start */
    int64_t e = (int64_t)st[i] + en[i];
    if (r->elay == 1 && i + 1 < n) {
      uint32_t u = en[i];
      e = (int64_t)st[i + 1] + ((u & 1) ? -(int64_t)(u >> 1) - 1 : (int64_t)(u >> 1));
    }
    if (e < (int64_t)st[i] || e > UINT32_MAX) return CP_ECORRUPT;
    en[i] = (uint32_t)e;
    m = en[i] > m ? en[i] : m;
    mx[i] = (uint32_t)m;
  }
  for (k = 0; k < r->nkeys; k++) {
    rkey *y = &r->keys[k];
    uint32_t *v = mx + (size_t)(k + 1) * (n + 1);
    if (!unpack_part(y->pv, y->npv, n, v)) return CP_ECORRUPT;
    for (i = 0; i < n; i++) v[i] = v[i] == 0 ? UINT32_MAX : v[i] - 1;
    y->vals = v;
  }
  r->st = st;  r->en = en;  r->mx = mx;
  return CP_OK;
}

/* every span set decoded (once; under lz->mu) */
static int attrs_decode (const cp_seg *s) {
  lazy *z = s->lz;
  int rc = CP_OK;
  uint32_t i;
  if (LZ_LOAD(&z->adec) == 1) return CP_OK;
  pthread_mutex_lock(&z->mu);
  if (z->adec == 0) {
    for (i = 0; i < s->nsets && rc == CP_OK; i++)
      rc = set_decode(&s->sets[i]);
    if (rc == CP_ENOMEM)   /* may be retried: free what was made */
      for (i = 0; i < s->nsets; i++) {
        free(s->sets[i].own);
        s->sets[i].own = NULL;
      }
    else LZ_STORE(&z->adec, rc == CP_OK ? 1 : 2);
  }
  rc = z->adec == 1 ? CP_OK : z->adec == 2 ? CP_ECORRUPT : CP_ENOMEM;
  pthread_mutex_unlock(&z->mu);
  if (rc == CP_ECORRUPT) set_damaged(s);
  return rc;
}

/* SENTS and PARAS (packed ASC lists, format 2.3) decoded, once; 4 bytes
** per sentence and paragraph */
static int struct_decode (const cp_seg *s) {
  lazy *z = s->lz;
  int rc = CP_OK;
  if (LZ_LOAD(&z->sdec) == 1) return CP_OK;
  pthread_mutex_lock(&z->mu);
  if (z->sdec == 0) {
    uint32_t *a = (uint32_t *)malloc(((size_t)s->nsents + s->nparas + 2) * 4);
    cp_pack l;
    cp_err e;
    if (a == NULL) rc = CP_ENOMEM;
    else if (cp_pack_open(&l, s->sec[CP_SEC_SENTS].p,
                          (size_t)s->sec[CP_SEC_SENTS].size, s->nsents,
                          CP_SEG_PK_STARTS, &e) != CP_OK ||
             cp_pack_decode(&l, a, &e) != CP_OK ||
             cp_pack_open(&l, s->sec[CP_SEC_PARAS].p,
                          (size_t)s->sec[CP_SEC_PARAS].size, s->nparas,
                          CP_SEG_PK_STARTS, &e) != CP_OK ||
             cp_pack_decode(&l, a + s->nsents + 1, &e) != CP_OK)
      rc = CP_ECORRUPT;
    if (rc == CP_OK) {
      z->ds = a;
      z->dp = a + s->nsents + 1;
    }
    else free(a);
    if (rc != CP_ENOMEM) LZ_STORE(&z->sdec, rc == CP_OK ? 1 : 2);
  }
  rc = z->sdec == 1 ? CP_OK : z->sdec == 2 ? CP_ECORRUPT : CP_ENOMEM;
  pthread_mutex_unlock(&z->mu);
  if (rc == CP_ECORRUPT) set_damaged(s);
  return rc;
}

/* a part decoded whole ('dec' its state, 'bit' its CP_SEGNEED_* index)
** may be read: checked (unless trusted) and decoded */
static int whole_ready (const cp_seg *s, const int *dec, int bit,
                        int (*decode) (const cp_seg *)) {
  if (LZ_LOAD(dec) == 1 &&
      (s->lz->trusted || LZ_LOAD(&s->lz->whole[bit]) == LZ_GOOD))
    return 1;
  if (!s->lz->trusted) return need_quiet(s, 1u << bit);
  return decode(s) == CP_OK;
}

/* the sentence and paragraph starts; the span sets and stored layers */
static int struct_ready (const cp_seg *s) {
  return whole_ready(s, &s->lz->sdec, 2, struct_decode);
}

static int attrs_ready (const cp_seg *s) {
  return whole_ready(s, &s->lz->adec, 3, attrs_decode);
}

/*
** Decode the postings of norm type 'id' into out (room for *n values;
** *n is set from NFREQ first when out is NULL): the bytes checked by
** BLKSUM, the list by pack.c (strictly ascending), the last position
** below the token count.
*/
static int post_decode (const cp_seg *s, uint32_t id, uint32_t *out,
                        uint32_t *n, cp_err *err) {
  uint64_t a = cp_rd64(s->posto + 8 * (size_t)id);      /* checked at open */
  uint64_t b = cp_rd64(s->posto + 8 * (size_t)id + 8);
  uint32_t cnt = s->freq[CP_NORM][id];
  cp_pack l;
  cp_err e;
  int rc;
  if (out == NULL) { *n = cnt;  return CP_OK; }
  rc = cnt > s->ntok ? CP_ECORRUPT : need_blk(s, BK_POST, a, b - a, &e);
  if (rc == CP_OK)
    rc = cp_pack_open(&l, s->post + a, (size_t)(b - a), cnt, CP_SEG_PK_POST, &e);
  if (rc == CP_OK) rc = cp_pack_decode(&l, out, &e);
  if (rc == CP_OK && cnt > 0 && out[cnt - 1] >= s->ntok) rc = CP_ECORRUPT;
  if (rc != CP_OK) {
    if (rc == CP_ENOMEM) return cp_err_set(err, rc, "%s", e.msg);
    set_damaged(s);
    return corrupt(err, "checksum or range mismatch in a block of the "
                   "postings (data damaged)");
  }
  *n = cnt;
  return CP_OK;
}

/* the decoded postings of norm type 'id', decoded on first use and kept
** (published by compare-and-swap: two threads may both decode, one
** keeps its copy) */
static int post_list (const cp_seg *s, uint32_t id, const uint32_t **p,
                      uint32_t *n, cp_err *err) {
  lazy *z = s->lz;
  uint32_t **pl = LZ_LOAD(&z->pl), *l, cnt;
  int rc;
  if (pl == NULL) {
    uint32_t **mine = (uint32_t **)calloc((size_t)s->nt[CP_NORM] + 1,
                                          sizeof(uint32_t *));
    if (mine == NULL)
      return cp_err_set(err, CP_ENOMEM, "out of memory reading postings");
#if defined(__GNUC__)
    {
      uint32_t **expect = NULL;
      if (!__atomic_compare_exchange_n(&z->pl, &expect, mine, 0,
                                       __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) {
        free(mine);
        mine = expect;
      }
    }
#else
    z->pl = mine;
#endif
    pl = mine;
  }
  post_decode(s, id, NULL, &cnt, err);
  if ((l = LZ_LOAD(&pl[id])) == NULL) {
    uint32_t *buf = (uint32_t *)malloc(((size_t)cnt + 1) * sizeof(uint32_t));
    if (buf == NULL)
      return cp_err_set(err, CP_ENOMEM, "out of memory reading postings");
    if ((rc = post_decode(s, id, buf, &cnt, err)) != CP_OK) {
      free(buf);
      return rc;
    }
#if defined(__GNUC__)
    {
      uint32_t *expect = NULL;
      if (!__atomic_compare_exchange_n(&pl[id], &expect, buf, 0,
                                       __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) {
        free(buf);
        buf = expect;
      }
    }
#else
    pl[id] = buf;
#endif
    l = buf;
  }
  *p = l;
  *n = cnt;
  return CP_OK;
}

/* }================================================================ */

static const char *const zi_what[2] = {"text", "document ids and metadata"};

/* open the block table of image k on first use (under lz->mu) */
static int zt_ready (const cp_seg *s, int k, cp_err *err) {
  zimg *z = &s->lz->zi[k];
  cp_err e;
  if (z->zopen == 0) {
    int id = k == ZI_TEXT ? CP_SEC_TEXT : CP_SEC_DOCSTR;
    int rc = cp_zt_open(&z->zt, s->sec[id].p, (size_t)s->sec[id].size, &e);
    if (rc == CP_OK && cp_zt_size(&z->zt) !=
        (k == ZI_TEXT ? s->textbytes : s->docstrsz)) {
      cp_zt_close(&z->zt);
      rc = CP_ECORRUPT;
    }
    if (rc == CP_OK) {
      z->ztb = (char **)calloc((size_t)z->zt.nb + 1, sizeof(char *));
      z->dtext = (char **)calloc((size_t)s->ndocs + 1, sizeof(char *));
      if (z->ztb == NULL || z->dtext == NULL) {
        free(z->ztb);  free(z->dtext);
        z->ztb = NULL;  z->dtext = NULL;
        cp_zt_close(&z->zt);
        return cp_err_set(err, CP_ENOMEM, "out of memory reading %s", zi_what[k]);
      }
      LZ_STORE(&z->zopen, 1);
    }
    else if (rc == CP_ENOMEM)
      return cp_err_set(err, CP_ENOMEM, "out of memory reading %s", zi_what[k]);
    else z->zopen = 2;
  }
  if (z->zopen != 1) {
    set_damaged(s);
    return cp_err_set(err, CP_ECORRUPT, "corrupt segment: stored %s "
                      "table damaged", zi_what[k]);
  }
  return CP_OK;
}

/* block b of image k decompressed (under lz->mu) */
static int zt_block (const cp_seg *s, int k, uint32_t b, const char **p,
                     cp_err *err) {
  zimg *z = &s->lz->zi[k];
  uint64_t st;
  size_t len;
  if (z->ztb[b] == NULL) {
    char *buf;
    int rc;
    cp_zt_block_range(&z->zt, b, &st, &len);
    if ((buf = (char *)malloc(len ? len : 1)) == NULL ||
        (s->lz->dctx == NULL && (s->lz->dctx = ZSTD_createDCtx()) == NULL)) {
      free(buf);
      return cp_err_set(err, CP_ENOMEM, "out of memory reading %s", zi_what[k]);
    }
    if ((rc = cp_zt_inflate(&z->zt, s->lz->dctx, b, buf, err)) != CP_OK) {
      free(buf);
      if (rc == CP_ECORRUPT) set_damaged(s);
      return rc;
    }
    LZ_STORE(&z->ztb[b], buf);
  }
  *p = z->ztb[b];
  return CP_OK;
}

/*
** Bytes [off, off + len) of document 'doc' in image k, decompressed: a
** pointer into its block, or (across blocks) into a copy assembled
** once.  Valid until cp_seg_close.  The fast path (a block already
** decompressed) takes no lock.
*/
static int zi_range (const cp_seg *s, int k, uint32_t doc, uint64_t off,
                     size_t len, const char **p, cp_err *err) {
  zimg *z = &s->lz->zi[k];
  uint32_t b;
  uint64_t st;
  size_t bl, done;
  const char *blk;
  char *buf;
  int rc = CP_OK;
  if (len == 0) { *p = "";  return CP_OK; }
  if (LZ_LOAD(&z->zopen) == 1) {
    b = cp_zt_find(&z->zt, off);
    cp_zt_block_range(&z->zt, b, &st, &bl);
    if (off + len <= st + bl && (blk = LZ_LOAD(&z->ztb[b])) != NULL) {
      *p = blk + (off - st);
      return CP_OK;
    }
    if ((buf = LZ_LOAD(&z->dtext[doc])) != NULL) { *p = buf;  return CP_OK; }
  }
  pthread_mutex_lock(&s->lz->mu);
  if ((rc = zt_ready(s, k, err)) != CP_OK) goto out;
  if (off > z->zt.rawsize || len > z->zt.rawsize - off) {
    set_damaged(s);
    rc = cp_err_set(err, CP_ECORRUPT, "corrupt segment: a document's %s "
                    "past the stored bytes", zi_what[k]);
    goto out;
  }
  b = cp_zt_find(&z->zt, off);
  cp_zt_block_range(&z->zt, b, &st, &bl);
  if (off + len <= st + bl) {
    if ((rc = zt_block(s, k, b, &blk, err)) == CP_OK) *p = blk + (off - st);
    goto out;
  }
  if (z->dtext[doc] == NULL) {      /* across blocks: assemble once */
    if ((buf = (char *)malloc(len)) == NULL) {
      rc = cp_err_set(err, CP_ENOMEM, "out of memory reading %s", zi_what[k]);
      goto out;
    }
    for (done = 0; done < len && rc == CP_OK; b++) {
      size_t take;
      cp_zt_block_range(&z->zt, b, &st, &bl);
      if ((rc = zt_block(s, k, b, &blk, err)) != CP_OK) break;
      take = (size_t)(st + bl - (off + done));
      if (take > len - done) take = len - done;
      memcpy(buf + done, blk + (off + done - st), take);
      done += take;
    }
    if (rc != CP_OK) { free(buf);  goto out; }
    LZ_STORE(&z->dtext[doc], buf);
  }
  *p = z->dtext[doc];
out:
  pthread_mutex_unlock(&s->lz->mu);
  return rc;
}

static int doc_text (const cp_seg *s, uint32_t doc, uint64_t off,
                     size_t len, const char **p, cp_err *err) {
  return zi_range(s, ZI_TEXT, doc, off, len, p, err);
}

/* document d's id and metadata (DOCSTR, format 2.4: they tile it, id
** then metadata, document after document) */
static int doc_str (const cp_seg *s, uint32_t d, const char **id,
                    const char **meta, cp_err *err) {
  const unsigned char *r = s->docs + (size_t)CP_SEG_DOCREC * d;
  uint64_t off = cp_rd64(r + CP_D_IDOFF);
  uint32_t il = cp_rd32(r + CP_D_IDLEN), ml = cp_rd32(r + CP_D_METALEN);
  const char *p;
  int rc = zi_range(s, ZI_DOCSTR, d, off, (size_t)il + ml, &p, err);
  if (rc != CP_OK) return rc;
  *id = p;
  *meta = p + il;
  return CP_OK;
}

/* }================================================================ */

/* {================================================================
** Tables (format 2.4): decoded at open into memory the reader owns
** ================================================================= */

static void *own (cp_seg *s, void *p) {
  if (p != NULL) s->own[s->nown++] = p;
  return p;
}

/* section id as a packed list of n values into a new array (n + 1) */
static int unpack_tab (cp_seg *s, int id, uint64_t n, uint32_t **out,
                       cp_err *err) {
  uint32_t *v;
  cp_pack l;
  cp_err e;
  if (n >= UINT32_MAX) return corrupt(err, "table count out of range");
  if ((v = (uint32_t *)own(s, malloc(((size_t)n + 1) * 4))) == NULL)
    return cp_err_set(err, CP_ENOMEM, "out of memory opening a segment");
  if (cp_pack_open(&l, s->sec[id].p, (size_t)s->sec[id].size, (uint32_t)n,
                   CP_SEG_PK_PART, &e) != CP_OK ||
      cp_pack_decode(&l, v, &e) != CP_OK)
    return corrupt(err, "a packed table does not decode");
  *out = v;
  return CP_OK;
}

/* frequencies: f - 1, then f - df; every type has f >= df >= 1 */
static int unpack_freq (cp_seg *s, int l, cp_err *err) {
  uint32_t n = s->nt[l], i, *v;
  int rc = unpack_tab(s, CP_SEC_FREQ(l), 2 * (uint64_t)n, &v, err);
  if (rc != CP_OK) return rc;
  for (i = 0; i < n; i++) {
    if (v[i] == UINT32_MAX || v[n + i] > v[i])
      return corrupt(err, "frequencies out of range");
    v[i] += 1;
    v[n + i] = v[i] - v[n + i];
  }
  s->freq[l] = v;
  return CP_OK;
}

/* offsets from their differences: o[0] = 0, o[n] = end */
static int unpack_offsets (cp_seg *s, int id, uint32_t n, uint64_t end,
                           uint32_t **out, cp_err *err) {
  uint32_t *v, i;
  uint64_t at = 0;
  int rc = unpack_tab(s, id, n, &v, err);
  if (rc != CP_OK) return rc;
  for (i = 0; i < n; i++) {
    uint32_t d = v[i];
    v[i] = (uint32_t)at;
    at += d;
    if (at > end) return corrupt(err, "offsets past their data");
  }
  if (at != end) return corrupt(err, "offsets do not reach their data");
  v[n] = (uint32_t)at;
  *out = v;
  return CP_OK;
}

/* POSTO: the byte length of each postings list, into u64 offsets */
static int unpack_posto (cp_seg *s, cp_err *err) {
  uint32_t n = s->nt[CP_NORM], i, *v;
  uint64_t *o, at = 0, end = s->sec[CP_SEC_POST].size;
  int rc = unpack_tab(s, CP_SEC_POSTO, n, &v, err);
  if (rc != CP_OK) return rc;
  if ((o = (uint64_t *)own(s, malloc(((size_t)n + 1) * 8))) == NULL)
    return cp_err_set(err, CP_ENOMEM, "out of memory opening a segment");
  for (i = 0; i < n; i++) {
    o[i] = at;
    at += v[i];
    if (at > end) return corrupt(err, "postings offsets past the postings");
  }
  o[n] = at;
  if (at != end) return corrupt(err, "postings offsets do not cover the postings");
  s->posto = (const unsigned char *)o;
  return CP_OK;
}

static int open_tables (cp_seg *s, cp_err *err) {
  int l, rc = CP_OK;
  for (l = 0; l < CP_NLAYERS && rc == CP_OK; l++) {
    uint32_t *lo;
    char *ls;
    uint64_t sz;
    rc = cp_lex_unpack(s->sec[CP_SEC_LEXS(l)].p,
                       (size_t)s->sec[CP_SEC_LEXS(l)].size, s->nt[l], &lo, &ls,
                       &sz, err);
    if (rc != CP_OK) break;
    own(s, lo);
    own(s, ls);
    s->lexo[l] = lo;
    s->lexs[l] = ls;
    s->lexsz[l] = sz;
    rc = unpack_freq(s, l, err);
  }
  if (rc == CP_OK) rc = unpack_tab(s, CP_SEC_WNORM, s->nt[CP_WORD], (uint32_t **)&s->wnorm, err);
  if (rc == CP_OK) rc = unpack_tab(s, CP_SEC_NSTEM, s->nt[CP_NORM], (uint32_t **)&s->nstem, err);
  if (rc == CP_OK) rc = unpack_tab(s, CP_SEC_SNORM, s->nt[CP_NORM], (uint32_t **)&s->snorm, err);
  if (rc == CP_OK) rc = unpack_tab(s, CP_SEC_WRANK, s->nt[CP_WORD], (uint32_t **)&s->wrank, err);
  if (rc == CP_OK)
    rc = unpack_offsets(s, CP_SEC_SNORMO, s->nt[CP_STEM], s->nt[CP_NORM],
                        (uint32_t **)&s->snormo, err);
  if (rc == CP_OK) rc = unpack_posto(s, err);
  return rc;
}

static void free_tables (cp_seg *s) {
  while (s->nown > 0) free(s->own[--s->nown]);
}

/* }================================================================ */

int cp_seg_open (cp_seg **out, const void *data, size_t size, cp_err *err) {
  cp_seg *s;
  int rc;
  if (out == NULL)
    return cp_err_set(err, CP_EINVAL, "cp_seg_open: NULL result pointer");
  *out = NULL;
  if (data == NULL)
    return cp_err_set(err, CP_EINVAL, "cp_seg_open: NULL data");
  if ((uintptr_t)data % 8 != 0)
    return cp_err_set(err, CP_EINVAL, "cp_seg_open: image not 8-byte aligned");
  if (!cp_seg_host_le())
    return cp_err_set(err, CP_EINVAL, "segments need a little-endian host");
  s = (cp_seg *)calloc(1, sizeof(*s));
  if (s == NULL)
    return cp_err_set(err, CP_ENOMEM, "out of memory opening a segment");
  s->base = (const unsigned char *)data;
  s->size = size;
  if ((rc = read_header(s, err)) != CP_OK || (rc = check_sizes(s, err)) != CP_OK)
    goto fail;
  if ((rc = open_tables(s, err)) != CP_OK) goto fail;
  s->wflags = s->sec[CP_SEC_WFLAGS].p;
  s->stream = s->sec[CP_SEC_STREAM].p;
  s->post = s->sec[CP_SEC_POST].p;
  s->spang = s->sec[CP_SEC_SPANS].p;
  s->spanc = U32(s, CP_SEC_SPANC);
  s->spanx = U32(s, CP_SEC_SPANX);
  s->nspanx = (uint32_t)(s->sec[CP_SEC_SPANX].size / 12);
  s->docs = s->sec[CP_SEC_DOCS].p;
  /* DOCSTR is a compressed image (ztext.c) whose raw size is at byte 8
  ** of its header: the document table is checked against it here, the
  ** image when a document's id or metadata is first read */
  if (s->sec[CP_SEC_DOCSTR].size < 24) {
    rc = corrupt(err, "document ids and metadata: no block table");
    goto fail;
  }
  s->docstrsz = cp_rd64(s->sec[CP_SEC_DOCSTR].p + 8);
  s->byid = U32(s, CP_SEC_BYID);
  rc = CP_ECORRUPT;
  if (!below(s->wnorm, s->nt[CP_WORD], s->nt[CP_NORM]) ||
      !below(s->nstem, s->nt[CP_NORM], s->nt[CP_STEM]) ||
      !offsets_ok(s->snormo, s->nt[CP_STEM], s->nt[CP_NORM]) ||
      !below(s->snorm, s->nt[CP_NORM], s->nt[CP_NORM]) ||
      !offsets64_ok(s->posto, s->nt[CP_NORM], s->sec[CP_SEC_POST].size) ||
      !below(s->wrank, s->nt[CP_WORD], s->nt[CP_WORD]) ||
      !below(s->byid, s->ndocs, s->ndocs)) {
    corrupt(err, "layer maps or offsets out of range");
    goto fail;
  }
  if ((rc = check_docs(s, err)) != CP_OK) goto fail;
  if ((rc = read_schema(s, err)) != CP_OK) goto fail;
  if ((rc = open_lazy(s, err)) != CP_OK) goto fail;
  /* the checks of the data are lazy (cp_seg_need, and per block): open
  ** stays O(types + docs), so opening an index of any size reads only
  ** its tables */
  *out = s;
  return CP_OK;
fail:
  close_lazy(s);
  free_schema(s);
  free_tables(s);
  free(s);
  return rc;
}

void cp_seg_close (cp_seg *s) {
  if (s == NULL) return;
  close_lazy(s);
  free_schema(s);
  free_tables(s);
  free(s);
}

/* the header's size fields, every section's sum, then the header's */
/* the table entry of section 'id', or NULL (when out of bounds too) */
static unsigned char *fix_entry (unsigned char *b, size_t size,
                                 uint32_t nsecs, uint32_t id) {
  uint32_t i;
  for (i = 0; i < nsecs; i++) {
    unsigned char *e = b + CP_SEG_FIXED + CP_SEG_SECENT * i;
    uint64_t off = cp_rd64(e + 8), sz = cp_rd64(e + 16);
    if (cp_rd32(e) == id)
      return off <= size && sz <= size - off ? e : NULL;
  }
  return NULL;
}

/* rewrite BLKSUM from the block-checked sections, when it has their size */
static void fix_blocks (unsigned char *b, size_t size, uint32_t nsecs) {
  unsigned char *t = fix_entry(b, size, nsecs, CP_SEC_BLKSUM), *e;
  uint64_t need = 0, at = 0, toff, off[CP_SEG_NBLKSECS], sz[CP_SEG_NBLKSECS];
  int k;
  if (t == NULL) return;
  /* the entries are read once, before any write: in a damaged image
  ** BLKSUM may lie over the section table, and the sums written would
  ** change the entries read after them */
  for (k = 0; k < CP_SEG_NBLKSECS; k++) {
    if ((e = fix_entry(b, size, nsecs, (uint32_t)cp_seg_blksec(k))) == NULL)
      return;
    off[k] = cp_rd64(e + 8);
    sz[k] = cp_rd64(e + 16);
    need += 8 * cp_blksum_count(sz[k]);
  }
  if (cp_rd64(t + 16) != need) return;
  toff = cp_rd64(t + 8);
  for (k = 0; k < CP_SEG_NBLKSECS; k++) {
    cp_blksum_build(b + off[k], sz[k], b + toff + at);
    at += 8 * cp_blksum_count(sz[k]);
  }
}

static void fix_table (unsigned char *b, size_t size) {
  uint32_t nsecs = cp_rd32(b + CP_H_NSECS), hdr, i;
  if (nsecs > CP_SEG_MAXSECS) return;
  hdr = CP_SEG_FIXED + CP_SEG_SECENT * nsecs + 8;
  if (hdr > size) return;
  cp_wr32(b + CP_H_HDRSIZE, hdr);
  cp_wr64(b + CP_H_SIZE, (uint64_t)size);
  fix_blocks(b, size, nsecs);
  for (i = 0; i < nsecs; i++) {
    unsigned char *e = b + CP_SEG_FIXED + CP_SEG_SECENT * i;
    uint64_t off = cp_rd64(e + 8), sz = cp_rd64(e + 16);
    if (off <= size && sz <= size - off)
      cp_wr64(e + 24, (uint64_t)XXH64(b + off, (size_t)sz, 0));
  }
  cp_wr64(b + hdr - 8, (uint64_t)XXH64(b, hdr - 8, 0));
}

int cp_seg_fix_sums (void *data, size_t size, cp_err *err) {
  unsigned char *b = (unsigned char *)data;
  cp_seg *s;
  size_t i;
  int rc;
  if (data == NULL)
    return cp_err_set(err, CP_EINVAL, "cp_seg_fix_sums: NULL data");
  if (size < CP_SEG_FIXED + 8) return corrupt(err, "image too short");
  fix_table(b, size);
  /* the parts are found by parsing SCHEMA, which the open just did;
  ** their sums live in SCHEMA, so its section sum changes after */
  if ((rc = cp_seg_open(&s, data, size, err)) != CP_OK) return rc;
  for (i = 0; i < s->nparts; i++)
    cp_wr64(b + s->parts[i].at,
            (uint64_t)XXH64(s->parts[i].p, (size_t)s->parts[i].size, 0));
  cp_seg_close(s);
  fix_table(b, size);
  return CP_OK;
}

/* }================================================================ */


/* {================================================================
** Counts and lexicons
** ================================================================= */

uint32_t cp_seg_ndocs (const cp_seg *s) { return s ? s->ndocs : 0; }
uint32_t cp_seg_ntokens (const cp_seg *s) { return s ? s->ntok : 0; }
uint64_t cp_seg_invalid (const cp_seg *s) { return s ? s->invalid : 0; }
uint64_t cp_seg_textbytes (const cp_seg *s) { return s ? s->textbytes : 0; }

static int badlayer (const cp_seg *s, int layer) {
  return s == NULL || layer < 0 || (uint32_t)layer >= s->nlayers;
}

uint32_t cp_seg_ntypes (const cp_seg *s, int layer) {
  return badlayer(s, layer) ? 0 : s->nt[layer];
}

const char *cp_seg_type (const cp_seg *s, int layer, uint32_t id,
                         size_t *len) {
  uint32_t o;
  if (badlayer(s, layer) || id >= s->nt[layer]) {
    if (len) *len = 0;
    return NULL;
  }
  o = s->lexo[layer][id];
  if (len) *len = s->lexo[layer][id + 1] - o;
  return s->lexs[layer] + o;
}

/* compare type 'id' with str[0..n), bytewise with a proper prefix first */
static int cmptype (const cp_seg *s, int layer, uint32_t id,
                    const char *str, size_t n) {
  uint32_t o = s->lexo[layer][id];
  size_t tl = s->lexo[layer][id + 1] - o, m = tl < n ? tl : n;
  int c = m ? memcmp(s->lexs[layer] + o, str, m) : 0;
  if (c != 0) return c;
  return tl < n ? -1 : tl > n;
}

/* first id whose type is >= str (or, if 'prefix', whose first n bytes
** are > str) */
static uint32_t lowerb (const cp_seg *s, int layer, const char *str,
                        size_t n, int prefix) {
  uint32_t lo = 0, hi = s->nt[layer];
  while (lo < hi) {
    uint32_t mid = lo + (hi - lo) / 2;
    int c;
    if (prefix) {
      uint32_t o = s->lexo[layer][mid];
      size_t tl = s->lexo[layer][mid + 1] - o, m = tl < n ? tl : n;
      c = m ? memcmp(s->lexs[layer] + o, str, m) : 0;
      if (c == 0 && tl < n) c = -1;  /* shorter than the prefix: before */
      c = (c <= 0) ? -1 : 1;         /* keep going right while <= prefix */
    }
    else c = cmptype(s, layer, mid, str, n);
    if (c < 0) lo = mid + 1; else hi = mid;
  }
  return lo;
}

int64_t cp_seg_lookup (const cp_seg *s, int layer, const char *str,
                       size_t len) {
  uint32_t i;
  if (badlayer(s, layer) || (str == NULL && len > 0)) return -1;
  i = lowerb(s, layer, str, len, 0);
  if (i < s->nt[layer] && cmptype(s, layer, i, str, len) == 0) return i;
  return -1;
}

void cp_seg_lex_range (const cp_seg *s, int layer, const char *prefix,
                       size_t len, uint32_t *lo, uint32_t *hi) {
  uint32_t a = 0, b = 0;
  if (!badlayer(s, layer) && (prefix != NULL || len == 0)) {
    a = lowerb(s, layer, prefix, len, 0);
    b = lowerb(s, layer, prefix, len, 1);
    if (b < a) b = a;
  }
  if (lo) *lo = a;
  if (hi) *hi = b;
}

uint32_t cp_seg_type_freq (const cp_seg *s, int layer, uint32_t id) {
  if (badlayer(s, layer) || id >= s->nt[layer]) return 0;
  return s->freq[layer][id];
}

uint32_t cp_seg_type_docfreq (const cp_seg *s, int layer, uint32_t id) {
  if (badlayer(s, layer) || id >= s->nt[layer]) return 0;
  return s->freq[layer][s->nt[layer] + id];
}

int cp_seg_type_punct (const cp_seg *s, uint32_t word_id) {
  if (s == NULL || word_id >= s->nt[CP_WORD]) return 0;
  return (s->wflags[word_id] & CP_WF_PUNCT) != 0;
}

uint32_t cp_seg_map (const cp_seg *s, int layer, uint32_t word_id) {
  if (badlayer(s, layer) || word_id >= s->nt[CP_WORD]) return UINT32_MAX;
  if (layer == CP_WORD) return word_id;
  if (layer == CP_NORM) return s->wnorm[word_id];
  if (layer == CP_STEM) return s->nstem[s->wnorm[word_id]];  /* checked at open */
  return UINT32_MAX;   /* a stored layer is not a function of the word */
}

uint32_t cp_seg_norm_stem (const cp_seg *s, uint32_t norm_id) {
  if (s == NULL || norm_id >= s->nt[CP_NORM]) return UINT32_MAX;
  return s->nstem[norm_id];
}

const uint32_t *cp_seg_stem_norms (const cp_seg *s, uint32_t stem_id,
                                   uint32_t *n) {
  if (s == NULL || stem_id >= s->nt[CP_STEM]) {
    if (n) *n = 0;
    return NULL;
  }
  if (n) *n = s->snormo[stem_id + 1] - s->snormo[stem_id];
  return s->snorm + s->snormo[stem_id];
}

/* }================================================================ */



/* {================================================================
** Named layers
** ================================================================= */

size_t cp_seg_nlayers (const cp_seg *s) { return s ? s->nlayers : 0; }

const char *cp_seg_layer_name (const cp_seg *s, size_t layer, size_t *len) {
  if (s == NULL || layer >= s->nlayers) { if (len) *len = 0; return NULL; }
  if (len) *len = s->lnamelen[layer];
  return s->lname[layer];
}

int64_t cp_seg_layer (const cp_seg *s, const char *name, size_t len) {
  uint32_t l;
  if (s == NULL || name == NULL) return -1;
  for (l = 0; l < s->nlayers; l++)
    if (s->lnamelen[l] == len && memcmp(s->lname[l], name, len) == 0)
      return l;
  return -1;
}

int cp_seg_layer_kind (const cp_seg *s, size_t layer) {
  if (s == NULL || layer >= s->nlayers) return -1;
  return layer < CP_NLAYERS ? (int)layer : CP_LK_STORED;
}

const uint32_t *cp_seg_layer_stream (const cp_seg *s, size_t layer) {
  if (s == NULL || layer >= s->nlayers) return NULL;
  if (layer == CP_WORD) return cp_seg_stream(s);
  if (layer < CP_NLAYERS) return NULL;
  return attrs_ready(s) ? s->lstream[layer] : zeros(s);
}

int cp_seg_plist (const cp_seg *s, size_t layer, uint32_t id,
                  const uint32_t **p, uint32_t *n, cp_err *err) {
  uint32_t a, b;
  int rc;
  if (p == NULL || n == NULL)
    return cp_err_set(err, CP_EINVAL, "cp_seg_plist: NULL result");
  *p = NULL;
  *n = 0;
  if (s == NULL || layer >= s->nlayers || id >= s->nt[layer] ||
      (layer < CP_NLAYERS && layer != CP_NORM))
    return CP_OK;
  if (layer == CP_NORM) {
    return post_list(s, id, p, n, err);
  }
  else {
    if ((rc = cp_seg_need(s, CP_SEGNEED_ATTRS, err)) != CP_OK) return rc;
    a = s->lposto[layer][id];  b = s->lposto[layer][id + 1];
    *p = s->lpost[layer] + a;
  }
  *n = b - a;
  return CP_OK;
}

const uint32_t *cp_seg_layer_postings (const cp_seg *s, size_t layer,
                                       uint32_t id, uint32_t *n) {
  const uint32_t *p;
  uint32_t k;
  cp_err e;
  if (cp_seg_plist(s, layer, id, &p, &k, &e) != CP_OK) { p = NULL; k = 0; }
  if (n) *n = k;
  return p;
}

uint32_t cp_seg_value (const cp_seg *s, size_t layer, uint32_t pos) {
  if (s == NULL || layer >= s->nlayers || pos >= s->ntok) return UINT32_MAX;
  if (layer < CP_NLAYERS) return cp_seg_map(s, (int)layer, cp_seg_stream(s)[pos]);
  return attrs_ready(s) ? s->lstream[layer][pos] : UINT32_MAX;
}

/* }================================================================ */


/* {================================================================
** Span sets
** ================================================================= */

size_t cp_seg_nspansets (const cp_seg *s) { return s ? s->nsets : 0; }

const char *cp_seg_spanset_name (const cp_seg *s, size_t set, size_t *len) {
  if (s == NULL || set >= s->nsets) { if (len) *len = 0; return NULL; }
  if (len) *len = s->sets[set].len;
  return s->sets[set].name;
}

int64_t cp_seg_spanset (const cp_seg *s, const char *name, size_t len) {
  uint32_t i;
  if (s == NULL || name == NULL) return -1;
  for (i = 0; i < s->nsets; i++)
    if (same(s->sets[i].name, s->sets[i].len, name, (uint32_t)len) &&
        len == s->sets[i].len)
      return i;
  return -1;
}

/* span set accessors answer nothing from a damaged ATTRS */
#define BADSET(s, set) ((s) == NULL || (set) >= (s)->nsets || !attrs_ready(s))

uint32_t cp_seg_nspans (const cp_seg *s, size_t set) {
  return BADSET(s, set) ? 0 : s->sets[set].n;
}

int cp_seg_span (const cp_seg *s, size_t set, uint32_t i, uint32_t *start,
                 uint32_t *end) {
  if (s == NULL || set >= s->nsets || i >= s->sets[set].n) return CP_EINVAL;
  if (!attrs_ready(s)) return CP_ECORRUPT;
  if (start) *start = s->sets[set].st[i];
  if (end) *end = s->sets[set].en[i];
  return CP_OK;
}

const uint32_t *cp_seg_span_starts (const cp_seg *s, size_t set) {
  return BADSET(s, set) ? NULL : s->sets[set].st;
}

const uint32_t *cp_seg_span_ends (const cp_seg *s, size_t set) {
  return BADSET(s, set) ? NULL : s->sets[set].en;
}

size_t cp_seg_spanset_nkeys (const cp_seg *s, size_t set) {
  return (s == NULL || set >= s->nsets) ? 0 : s->sets[set].nkeys;
}

const char *cp_seg_spanset_key (const cp_seg *s, size_t set, size_t k,
                                size_t *len) {
  if (s == NULL || set >= s->nsets || k >= s->sets[set].nkeys) {
    if (len) *len = 0;
    return NULL;
  }
  if (len) *len = s->sets[set].keys[k].len;
  return s->sets[set].keys[k].name;
}

/* value of key k of span i, or NULL */
static const char *keyval (const rkey *y, uint32_t i, size_t *vlen) {
  uint32_t v = y->vals[i];
  if (v >= y->nv) { if (vlen) *vlen = 0; return NULL; }
  if (vlen) *vlen = y->lexo[v + 1] - y->lexo[v];
  return y->lexs + y->lexo[v];
}

const char *cp_seg_span_attr (const cp_seg *s, size_t set, uint32_t i,
                              const char *key, size_t keylen, size_t *vlen) {
  const rset *r;
  uint32_t k;
  if (vlen) *vlen = 0;
  if (BADSET(s, set) || key == NULL) return NULL;
  r = &s->sets[set];
  if (i >= r->n) return NULL;
  for (k = 0; k < r->nkeys; k++)
    if (r->keys[k].len == keylen && memcmp(r->keys[k].name, key, keylen) == 0)
      return keyval(&r->keys[k], i, vlen);
  return NULL;
}

int cp_seg_span_attr_next (const cp_seg *s, size_t set, uint32_t i,
                           size_t *it, cp_attr *a) {
  const rset *r;
  if (BADSET(s, set) || it == NULL || a == NULL) return 0;
  r = &s->sets[set];
  if (i >= r->n) return 0;
  while (*it < r->nkeys) {
    const rkey *y = &r->keys[(*it)++];
    size_t vl;
    const char *v = keyval(y, i, &vl);
    if (v != NULL) {
      a->key = y->name;  a->keylen = y->len;
      a->val = v;        a->vallen = vl;
      return 1;
    }
  }
  return 0;
}

/* value id of key k of span i (UINT32_MAX if absent) and the key's
** value lexicon, for the executor's attribute filters */
int64_t cp_seg_span_key_value (const cp_seg *s, size_t set, size_t k,
                               const char *val, size_t vlen) {
  const rkey *y;
  uint32_t lo = 0, hi;
  if (BADSET(s, set) || k >= s->sets[set].nkeys) return -1;
  y = &s->sets[set].keys[k];
  hi = y->nv;
  while (lo < hi) {
    uint32_t mid = lo + (hi - lo) / 2, o = y->lexo[mid];
    size_t tl = y->lexo[mid + 1] - o, m = tl < vlen ? tl : vlen;
    int c = m ? memcmp(y->lexs + o, val, m) : 0;
    if (c == 0) c = tl < vlen ? -1 : tl > vlen;
    if (c < 0) lo = mid + 1; else hi = mid;
  }
  if (lo < y->nv) {
    uint32_t o = y->lexo[lo];
    size_t tl = y->lexo[lo + 1] - o;
    if (tl == vlen && (vlen == 0 || memcmp(y->lexs + o, val, vlen) == 0))
      return lo;
  }
  return -1;
}

const uint32_t *cp_seg_span_key_ids (const cp_seg *s, size_t set, size_t k) {
  if (BADSET(s, set) || k >= s->sets[set].nkeys) return NULL;
  return s->sets[set].keys[k].vals;
}

uint32_t cp_seg_span_key_nvalues (const cp_seg *s, size_t set, size_t k) {
  if (s == NULL || set >= s->nsets || k >= s->sets[set].nkeys) return 0;
  return s->sets[set].keys[k].nv;
}

const char *cp_seg_span_key_str (const cp_seg *s, size_t set, size_t k,
                                 uint32_t v, size_t *len) {
  const rkey *y;
  if (len) *len = 0;
  if (s == NULL || set >= s->nsets || k >= s->sets[set].nkeys) return NULL;
  y = &s->sets[set].keys[k];
  if (v >= y->nv) return NULL;
  if (len) *len = y->lexo[v + 1] - y->lexo[v];
  return y->lexs + y->lexo[v];
}

/* first span whose start is >= pos */
uint32_t cp_seg_span_lower (const cp_seg *s, size_t set, uint32_t pos) {
  const rset *r;
  uint32_t lo = 0, hi;
  if (BADSET(s, set)) return 0;
  r = &s->sets[set];
  hi = r->n;
  while (lo < hi) {
    uint32_t mid = lo + (hi - lo) / 2;
    if (r->st[mid] < pos) lo = mid + 1; else hi = mid;
  }
  return lo;
}

/*
** The spans of 'set' containing 'pos' (start <= pos < end), innermost
** (latest start) first: from the last span starting at or before pos,
** back while the running maximum of ends says an earlier span can still
** reach pos.  Writes up to 'max' indexes; returns how many there are.
*/
uint32_t cp_seg_spans_at (const cp_seg *s, size_t set, uint32_t pos,
                          uint32_t *out, uint32_t max) {
  const rset *r;
  uint32_t i, k = 0;
  if (BADSET(s, set)) return 0;
  r = &s->sets[set];
  i = cp_seg_span_lower(s, set, pos + 1);   /* spans [0, i) start <= pos */
  while (i > 0 && r->mx[i - 1] > pos) {
    i--;
    if (r->en[i] > pos) {
      if (k < max && out) out[k] = i;
      k++;
    }
  }
  return k;
}

/* }================================================================ */

/* {================================================================
** Stream, postings, structure, documents
** ================================================================= */

const uint32_t *cp_seg_stream (const cp_seg *s) {
  cp_err e;
  if (s == NULL) return NULL;
  if (s->lz->trusted || LZ_LOAD(&s->lz->whole[NK_STREAM]) == LZ_GOOD ||
      need_quiet(s, 1u << NK_STREAM))
    if (stream_all(s, &e) == CP_OK) return s->lz->dst;
  return zeros(s);
}

int cp_seg_doc_stream (const cp_seg *s, const cp_docinfo *d,
                       const uint32_t **p, cp_err *err) {
  int rc;
  if (s == NULL || d == NULL || p == NULL ||
      d->tok_start > s->ntok || d->tok_count > s->ntok - d->tok_start)
    return cp_err_set(err, CP_EINVAL, "cp_seg_doc_stream: bad arguments");
  *p = NULL;
  if ((rc = stream_range(s, d->tok_start, d->tok_count, err)) != CP_OK)
    return rc;
  *p = s->lz->dst;
  return CP_OK;
}

int cp_seg_stream_checked (const cp_seg *s) {
  return s != NULL && (s->lz->trusted ||
                       LZ_LOAD(&s->lz->whole[NK_STREAM]) == LZ_GOOD);
}

uint32_t cp_seg_word_at (const cp_seg *s, uint32_t pos, int *bad) {
  cp_err e;
  if (s == NULL || pos >= s->ntok || stream_range(s, pos, 1, &e) != CP_OK) {
    *bad = 1;
    return 0;
  }
  return s->lz->dst[pos];
}

const uint32_t *cp_seg_stream_if_checked (const cp_seg *s) {
  cp_err e;
  if (s == NULL) return NULL;
  if ((s->lz->trusted || LZ_LOAD(&s->lz->whole[NK_STREAM]) == LZ_GOOD) &&
      stream_all(s, &e) == CP_OK)
    return s->lz->dst;
  return zeros(s);
}

const uint32_t *cp_seg_postings (const cp_seg *s, uint32_t norm_id,
                                 uint32_t *n) {
  return cp_seg_layer_postings(s, CP_NORM, norm_id, n);
}

/* index of the last element <= pos in the ascending array a[0..n), or
** UINT32_MAX if there is none */
static uint32_t lastle (const uint32_t *a, uint32_t n, uint32_t pos) {
  uint32_t lo = 0, hi = n;
  while (lo < hi) {
    uint32_t mid = lo + (hi - lo) / 2;
    if (a[mid] <= pos) lo = mid + 1; else hi = mid;
  }
  return lo == 0 ? UINT32_MAX : lo - 1;
}

uint32_t cp_seg_doc_of (const cp_seg *s, uint32_t pos) {
  uint32_t lo = 0, hi;
  if (s == NULL || pos >= s->ntok) return UINT32_MAX;
  hi = s->ndocs;
  while (lo < hi) {   /* last document with tok_start <= pos */
    uint32_t mid = lo + (hi - lo) / 2;
    if (cp_rd32(s->docs + (size_t)CP_SEG_DOCREC * mid + CP_D_TOKSTART) <= pos)
      lo = mid + 1;
    else
      hi = mid;
  }
  return lo == 0 ? UINT32_MAX : lo - 1;
}

/* the (start, stop) triple of escaped token 'pos'; 0 if absent */
static int span_esc (const cp_seg *s, uint32_t pos, uint32_t *x, uint32_t *y) {
  uint32_t lo = 0, hi = s->nspanx;
  while (lo < hi) {
    uint32_t mid = lo + (hi - lo) / 2;
    if (s->spanx[3 * (size_t)mid] < pos) lo = mid + 1; else hi = mid;
  }
  if (lo == s->nspanx || s->spanx[3 * (size_t)lo] != pos) return 0;
  *x = s->spanx[3 * (size_t)lo + 1];
  *y = s->spanx[3 * (size_t)lo + 2];
  return 1;
}

/*
** Decode the span of token 'pos' of document 'd' (first token 'ds'):
** from the checkpoint at or before it, or from the document's first
** token (whose gap counts from byte 0), whichever is later; at most
** CP_SPAN_EVERY steps.  Arithmetic wraps harmlessly on damaged data; the
** caller checks the result against the document's text.
*/
static int span_decode (const cp_seg *s, uint32_t pos, uint32_t ds,
                        uint32_t *x, uint32_t *y) {
  uint32_t c = pos & ~(CP_SPAN_EVERY - 1), q;
  uint32_t a, b = 0;
  q = c >= ds ? c : ds;
  for (a = q; a <= pos; a++) {
    const unsigned char *g = s->lz->spg + 2 * (size_t)a;
    uint32_t x0, y0;
    if (g[0] == CP_SPAN_ESC && g[1] == CP_SPAN_ESC) {
      if (!span_esc(s, a, &x0, &y0)) return 0;
    }
    else {
      x0 = (a == c && c >= ds) ? s->lz->spc[a >> CP_SPAN_SHIFT] :
           (a == ds ? 0 : b) + g[0];
      y0 = x0 + g[1];
    }
    if (a == c && c >= ds && x0 != s->lz->spc[a >> CP_SPAN_SHIFT]) return 0;
    b = y0;
    if (a == pos) { *x = x0;  *y = y0; }
  }
  return 1;
}

int cp_seg_tok_span (const cp_seg *s, uint32_t pos, uint32_t *b0,
                     uint32_t *b1) {
  uint32_t d, x = 0, y = 0, c, q, ds;
  const unsigned char *r;
  cp_err e;
  if (s == NULL || pos >= s->ntok) return CP_EINVAL;
  d = cp_seg_doc_of(s, pos);
  if (d == UINT32_MAX) return CP_ECORRUPT;
  r = s->docs + (size_t)CP_SEG_DOCREC * d;
  /* the bytes span_decode reads: SPANS from q to pos, the checkpoint */
  ds = cp_rd32(r + CP_D_TOKSTART);
  c = pos & ~(CP_SPAN_EVERY - 1);
  q = c >= ds ? c : ds;
  if (!NEED(s, NK_SPANX) || spans_range(s, q, pos - q + 1, &e) != CP_OK)
    return CP_ECORRUPT;
  /* damaged spans must not let the caller slice outside the text */
  if (!span_decode(s, pos, cp_rd32(r + CP_D_TOKSTART), &x, &y) || x > y ||
      y > cp_rd64(r + CP_D_TEXTLEN))
    return CP_ECORRUPT;
  if (b0) *b0 = x;
  if (b1) *b1 = y;
  return CP_OK;
}

/* a damaged SENTS or PARAS reads as no sentences and paragraphs */
#define BADSTRUCT(s) ((s) == NULL || !struct_ready(s))

const uint32_t *cp_seg_sents (const cp_seg *s, uint32_t *n) {
  if (n) *n = BADSTRUCT(s) ? 0 : s->nsents;
  return BADSTRUCT(s) ? NULL : s->lz->ds;
}

const uint32_t *cp_seg_paras (const cp_seg *s, uint32_t *n) {
  if (n) *n = BADSTRUCT(s) ? 0 : s->nparas;
  return BADSTRUCT(s) ? NULL : s->lz->dp;
}

uint32_t cp_seg_sent_of (const cp_seg *s, uint32_t pos) {
  if (BADSTRUCT(s) || pos >= s->ntok) return UINT32_MAX;
  return lastle(s->lz->ds, s->nsents, pos);
}

uint32_t cp_seg_para_of (const cp_seg *s, uint32_t pos) {
  if (BADSTRUCT(s) || pos >= s->ntok) return UINT32_MAX;
  return lastle(s->lz->dp, s->nparas, pos);
}

int cp_seg_doc (const cp_seg *s, uint32_t doc, cp_docinfo *d) {
  const unsigned char *r;
  cp_err e;
  int rc = cp_seg_doc_head(s, doc, d);
  if (rc != CP_OK) return rc;
  r = s->docs + (size_t)CP_SEG_DOCREC * doc;
  rc = doc_text(s, doc, cp_rd64(r + CP_D_TEXTOFF), d->textlen, &d->text, &e);
  if (rc != CP_OK) d->text = NULL;
  return rc == CP_ENOMEM ? rc : (rc != CP_OK ? CP_ECORRUPT : CP_OK);
}

int cp_seg_doc_head (const cp_seg *s, uint32_t doc, cp_docinfo *d) {
  const unsigned char *r;
  if (s == NULL || d == NULL || doc >= s->ndocs) return CP_EINVAL;
  r = s->docs + (size_t)CP_SEG_DOCREC * doc;   /* bounds checked at open */
  d->tok_start = cp_rd32(r + CP_D_TOKSTART);
  d->tok_count = cp_rd32(r + CP_D_TOKCOUNT);
  d->idlen = cp_rd32(r + CP_D_IDLEN);
  d->text = NULL;
  d->textlen = (size_t)cp_rd64(r + CP_D_TEXTLEN);
  d->metalen = cp_rd32(r + CP_D_METALEN);
  {
    cp_err e;
    const char *id, *meta;
    /* the zstd block's own checksum, checked before it is decompressed */
    if (doc_str(s, doc, &id, &meta, &e) != CP_OK) {
      d->id = d->meta = NULL;
      return e.code == CP_ENOMEM ? CP_ENOMEM : CP_ECORRUPT;
    }
    d->id = id;
    d->meta = meta;
  }
  return CP_OK;
}

/* compare the id of document 'doc' with id[0..n) */
int cp_seg_doc_toks (const cp_seg *s, uint32_t doc, uint32_t *start,
                     uint32_t *count) {
  const unsigned char *r;
  if (s == NULL || start == NULL || count == NULL || doc >= s->ndocs)
    return CP_EINVAL;
  r = s->docs + (size_t)CP_SEG_DOCREC * doc;   /* bounds checked at open */
  *start = cp_rd32(r + CP_D_TOKSTART);
  *count = cp_rd32(r + CP_D_TOKCOUNT);
  return CP_OK;
}

static int cmpid (const cp_seg *s, uint32_t doc, const char *id, size_t n) {
  const unsigned char *r = s->docs + (size_t)CP_SEG_DOCREC * doc;
  const char *x, *meta;
  size_t xl = cp_rd32(r + CP_D_IDLEN), m = xl < n ? xl : n;
  int c;
  cp_err e;
  if (doc_str(s, doc, &x, &meta, &e) != CP_OK)
    return 1;            /* damaged (marked): compares as not found */
  c = m ? memcmp(x, id, m) : 0;
  if (c != 0) return c;
  return xl < n ? -1 : xl > n;
}

int64_t cp_seg_find_id (const cp_seg *s, const char *id, size_t len) {
  uint32_t lo = 0, hi;
  if (s == NULL || (id == NULL && len > 0)) return -1;
  hi = s->ndocs;
  while (lo < hi) {
    uint32_t mid = lo + (hi - lo) / 2;
    if (cmpid(s, s->byid[mid], id, len) < 0) lo = mid + 1; else hi = mid;
  }
  if (lo < s->ndocs && cmpid(s, s->byid[lo], id, len) == 0)
    return s->byid[lo];
  return -1;
}

/* metadata fields: encoded and decoded by meta.c (cp_meta_next) */

/* }================================================================ */


/* {================================================================
** Full verification
** ================================================================= */

static int lex_sorted (const cp_seg *s, int layer) {
  uint32_t i;
  for (i = 1; i < s->nt[layer]; i++) {
    size_t len;
    const char *t = cp_seg_type(s, layer, i, &len);
    if (cmptype(s, layer, i - 1, t, len) >= 0) return 0;
  }
  return 1;
}

/* recompute token and document frequencies of every layer and compare */
static int check_freqs (const cp_seg *s, cp_err *err) {
  uint32_t *cnt[CP_NLAYERS], *last[CP_NLAYERS], *df[CP_NLAYERS];
  int l, rc = CP_OK;
  uint32_t d, i;
  const uint32_t *st = s->lz->dst;    /* decoded by verify_fresh */
  for (l = 0; l < CP_NLAYERS; l++) cnt[l] = last[l] = df[l] = NULL;
  for (l = 0; l < CP_NLAYERS; l++) {
    size_t n = (size_t)s->nt[l] + 1;
    cnt[l] = (uint32_t *)calloc(n, sizeof(uint32_t));
    df[l] = (uint32_t *)calloc(n, sizeof(uint32_t));
    last[l] = (uint32_t *)malloc(n * sizeof(uint32_t));
    if (!cnt[l] || !df[l] || !last[l]) {
      rc = cp_err_set(err, CP_ENOMEM, "out of memory checking a segment");
      goto done;
    }
    memset(last[l], 0xff, n * sizeof(uint32_t));
  }
  for (d = 0; d < s->ndocs; d++) {
    const unsigned char *r = s->docs + (size_t)CP_SEG_DOCREC * d;
    uint32_t p = cp_rd32(r + CP_D_TOKSTART), e = p + cp_rd32(r + CP_D_TOKCOUNT);
    for (; p < e; p++) {
      uint32_t id[CP_NLAYERS];
      id[CP_WORD] = st[p];
      id[CP_NORM] = s->wnorm[id[CP_WORD]];
      id[CP_STEM] = s->nstem[id[CP_NORM]];
      for (l = 0; l < CP_NLAYERS; l++) {
        cnt[l][id[l]]++;
        if (last[l][id[l]] != d) { last[l][id[l]] = d;  df[l][id[l]]++; }
      }
    }
  }
  for (l = 0; l < CP_NLAYERS && rc == CP_OK; l++)
    for (i = 0; i < s->nt[l]; i++)
      if (cnt[l][i] == 0 || cnt[l][i] != s->freq[l][i] ||
          df[l][i] != s->freq[l][s->nt[l] + i]) {
        rc = cp_err_set(err, CP_ECORRUPT, "corrupt segment: %s type %lu has "
                        "wrong or zero frequencies", cp_layer_name(l),
                        (unsigned long)i);
        break;
      }
done:
  for (l = 0; l < CP_NLAYERS; l++) { free(cnt[l]);  free(last[l]);  free(df[l]); }
  return rc;
}

/* every list decodes (ascending, below T: post_decode) and holds the
** positions of its norm, and the lists together hold T positions */
static int check_postings (const cp_seg *s) {
  const uint32_t *st = s->lz->dst;    /* decoded by verify_fresh */
  uint32_t n, k, *buf = NULL, cap = 0;
  uint64_t total = 0;
  for (n = 0; n < s->nt[CP_NORM]; n++) {
    uint32_t c;
    cp_err e;
    post_decode(s, n, NULL, &c, &e);
    if (c > s->ntok) goto bad;
    if (c + 1 > cap) {
      uint32_t *nb = (uint32_t *)realloc(buf, ((size_t)c + 1) * 4);
      if (nb == NULL) goto bad;
      buf = nb;
      cap = c + 1;
    }
    if (post_decode(s, n, buf, &c, &e) != CP_OK) goto bad;
    total += c;
    for (k = 0; k < c; k++)
      if (s->wnorm[st[buf[k]]] != n) goto bad;
  }
  free(buf);
  if (total != s->ntok) return 0;
  for (n = 0; n < s->nt[CP_STEM]; n++) {
    uint32_t a = s->snormo[n], b = s->snormo[n + 1];
    for (k = a; k < b; k++)
      if ((k > a && s->snorm[k] <= s->snorm[k - 1]) ||
          s->nstem[s->snorm[k]] != n)
        return 0;
  }
  return 1;
bad:
  free(buf);
  return 0;
}

/* starts strictly ascending, and every non-empty document begins one */
static int check_starts (const cp_seg *s, const uint32_t *a, uint32_t n) {
  uint32_t i, d;
  for (i = 1; i < n; i++)
    if (a[i] <= a[i - 1]) return 0;
  if (s->ntok > 0 && (n == 0 || a[0] != 0)) return 0;
  for (d = 0; d < s->ndocs; d++) {
    const unsigned char *r = s->docs + (size_t)CP_SEG_DOCREC * d;
    uint32_t p = cp_rd32(r + CP_D_TOKSTART), j;
    if (cp_rd32(r + CP_D_TOKCOUNT) == 0) continue;
    j = lastle(a, n, p);
    if (j == UINT32_MAX || a[j] != p) return 0;
  }
  return 1;
}

static int check_docs_full (const cp_seg *s) {
  uint32_t d, i, xi = 0;
  unsigned char *seen = (unsigned char *)calloc((size_t)s->ndocs + 1, 1);
  if (seen == NULL) return -1;
  for (d = 0; d < s->ndocs; d++) {
    const unsigned char *r = s->docs + (size_t)CP_SEG_DOCREC * d;
    uint32_t p = cp_rd32(r + CP_D_TOKSTART), e = p + cp_rd32(r + CP_D_TOKCOUNT);
    uint64_t tl = cp_rd64(r + CP_D_TEXTLEN), prev = 0, prevx = 0;
    cp_docinfo di;
    size_t it = 0;
    cp_meta m;
    int k;
    if (cp_rd32(r + CP_D_IDLEN) == 0) goto bad;
    for (; p < e; p++) {   /* spans decode sequentially, agree with the
                            ** checkpoints, ascend inside the text */
      const unsigned char *g = s->lz->spg + 2 * (size_t)p;
      uint64_t x, y;
      if (g[0] == CP_SPAN_ESC && g[1] == CP_SPAN_ESC) {
        if (xi >= s->nspanx || s->spanx[3 * (size_t)xi] != p) goto bad;
        x = s->spanx[3 * (size_t)xi + 1];
        y = s->spanx[3 * (size_t)xi + 2];
        xi++;
      }
      else {
        x = prev + g[0];
        y = x + g[1];
      }
      if ((p & (CP_SPAN_EVERY - 1)) == 0 && s->lz->spc[p >> CP_SPAN_SHIFT] != x)
        goto bad;
      /* starts never decrease; tokens may share a span (the words of
      ** a multiword token) */
      if (x < prevx || x > y || y > tl) goto bad;
      prev = y;
      prevx = x;
    }
    cp_seg_doc_head(s, d, &di);
    while ((k = cp_meta_next(di.meta, di.metalen, &it, &m)) == 1) ;
    if (k != 0) goto bad;
    i = s->byid[d];
    if (seen[i]) goto bad;
    seen[i] = 1;
    if (d > 0) {
      cp_seg_doc_head(s, s->byid[d - 1], &di);
      k = cmpid(s, i, di.id, di.idlen);
      if (k < 0 || (k == 0 && i < s->byid[d - 1])) goto bad;
    }
  }
  free(seen);
  return xi == s->nspanx;
bad:
  free(seen);
  return 0;
}

/*
** Sections must not overlap and every byte outside the header and the
** sections (alignment padding) must be zero, so that no byte of the
** image escapes verification.
*/
static int check_layout (const cp_seg *s) {
  uint64_t off[CP_SEG_MAXSECS], end[CP_SEG_MAXSECS], pos;
  uint32_t nsecs = cp_rd32(s->base + CP_H_NSECS), i, j, k, m = 0;
  for (i = 0; i < nsecs; i++) {   /* insertion sort by offset: <= 64 */
    const unsigned char *e = s->base + CP_SEG_FIXED + CP_SEG_SECENT * i;
    uint64_t o = cp_rd64(e + 8), z = cp_rd64(e + 16);
    if (cp_rd32(e + 4) != 0) return 0;
    if (z == 0) continue;         /* empty sections overlap nothing */
    for (j = m++; j > 0 && off[j - 1] > o; j--) {
      off[j] = off[j - 1];  end[j] = end[j - 1];
    }
    off[j] = o;  end[j] = o + z;
  }
  pos = cp_rd32(s->base + CP_H_HDRSIZE);
  for (k = 0; k <= m; k++) {
    uint64_t next = k < m ? off[k] : s->size;
    if (next < pos) return 0;   /* overlap */
    for (; pos < next; pos++)
      if (s->base[pos] != 0) return 0;
    if (k < m) pos = end[k];
  }
  return cp_rd32(s->base + CP_H_MINOR) == CP_SEG_MINOR;
}

/*
** The ranges the layer and span accessors rely on: stored ids below
** their type counts, postings and spans inside the segment, spans sorted
** with a correct running maximum of ends, attribute ids in range.
** O(tokens + spans).
*/
static int verify_attrs (const cp_seg *s, cp_err *err) {
  uint32_t l, i, k;
  for (l = CP_NLAYERS; l < s->nlayers; l++)
    if (!below(s->lstream[l], s->ntok, s->nt[l]) ||
        !below(s->lpost[l], s->ntok, s->ntok))
      return corrupt(err, "stored layer out of range");
  for (i = 0; i < s->nsets; i++) {
    const rset *r = &s->sets[i];
    uint32_t mx = 0;
    for (k = 0; k < r->n; k++) {
      if (r->st[k] >= r->en[k] || r->en[k] > s->ntok ||
          (k > 0 && (r->st[k] < r->st[k - 1] ||
                     (r->st[k] == r->st[k - 1] && r->en[k] > r->en[k - 1]))))
        return corrupt(err, "span set out of range or out of order");
      mx = r->en[k] > mx ? r->en[k] : mx;
      if (r->mx[k] != mx) return corrupt(err, "span set end index");
    }
    for (k = 0; k < r->nkeys; k++) {
      const rkey *y = &r->keys[k];
      uint32_t j;
      for (j = 0; j < r->n; j++)
        if (y->vals[j] != UINT32_MAX && y->vals[j] >= y->nv)
          return corrupt(err, "span attribute out of range");
    }
  }
  return CP_OK;
}

/*
** Every lazy check at once (O(size)): the whole sections and every block
** of the block-checked ones, with the postings' range check.
*/
int cp_seg_verify (const cp_seg *s, cp_err *err) {
  int k, rc;
  if (s == NULL || s->lz == NULL)
    return cp_err_set(err, CP_EINVAL, "cp_seg_verify: no segment");
  if ((rc = cp_seg_need(s, CP_SEGNEED_ALL, err)) != CP_OK) return rc;
  for (k = 0; k < CP_SEG_NBLKSECS; k++)
    if ((rc = need_blk(s, k, 0, s->sec[cp_seg_blksec(k)].size, err)) != CP_OK)
      return rc;
  /* every packed list decodes (the stream did in cp_seg_need) */
  if ((rc = spans_all(s, err)) != CP_OK) return rc;
  if (!check_postings(s)) {
    set_damaged(s);
    return corrupt(err, "postings damaged or inconsistent with the stream");
  }
  return CP_OK;
}

/* the same, ignoring what earlier checks (or cp_seg_trust) recorded */
static int verify_fresh (const cp_seg *s, cp_err *err) {
  int k;
  for (k = 0; k < LZ_NEEDS; k++)
    if (!check_need(s, k))
      return cp_err_set(err, CP_ECORRUPT, "corrupt segment: checksum or "
                        "range mismatch in %s", need_what[k]);
  for (k = 0; k < CP_SEG_NBLKSECS; k++) {
    cp_err e;
    if (cp_blksum_check(&s->lz->blk[k], &e) != CP_OK)
      return cp_err_set(err, CP_ECORRUPT, "corrupt segment: %s", e.msg);
  }
  if (!check_postings(s))
    return corrupt(err, "postings damaged or inconsistent with the stream");
  {
    cp_err e;
    if (spans_all(s, &e) != CP_OK)
      return corrupt(err, "token spans damaged");
  }
  {   /* the stored text: its table and every zstd block */
    cp_zt z;
    cp_err e;
    int rc = cp_zt_open(&z, s->sec[CP_SEC_TEXT].p,
                        (size_t)s->sec[CP_SEC_TEXT].size, &e);
    if (rc == CP_OK && cp_zt_size(&z) != s->textbytes)
      rc = cp_err_set(&e, CP_ECORRUPT, "stored text size differs");
    if (rc == CP_OK) rc = cp_zt_check(&z, &e);
    cp_zt_close(&z);
    if (rc != CP_OK)
      return cp_err_set(err, rc == CP_ENOMEM ? rc : CP_ECORRUPT,
                        "corrupt segment: %s", e.msg);
  }
  return CP_OK;
}

/*
** Stored layers and span sets: every part's checksum; each stored
** lexicon sorted, frequencies and postings equal to a recount from its
** stream; attribute value lexicons sorted.
*/
static int check_stored (const cp_seg *s, cp_err *err) {
  size_t i;
  uint32_t l, k, j;
  for (i = 0; i < s->nparts; i++)
    if (XXH64(s->parts[i].p, (size_t)s->parts[i].size, 0) != s->parts[i].sum)
      return corrupt(err, "checksum mismatch in a layer or span set part");
  for (l = CP_NLAYERS; l < s->nlayers; l++) {
    uint32_t n = s->nt[l], d;
    uint32_t *cnt, *df, *last;
    int ok = 1;
    if (!lex_sorted(s, (int)l))
      return corrupt(err, "stored layer lexicon not sorted and unique");
    cnt = (uint32_t *)calloc((size_t)n + 1, 4);
    df = (uint32_t *)calloc((size_t)n + 1, 4);
    last = (uint32_t *)malloc(((size_t)n + 1) * 4);
    if (!cnt || !df || !last) {
      free(cnt); free(df); free(last);
      return cp_err_set(err, CP_ENOMEM, "out of memory checking a segment");
    }
    memset(last, 0xff, ((size_t)n + 1) * 4);
    for (d = 0; d < s->ndocs; d++) {
      const unsigned char *r = s->docs + (size_t)CP_SEG_DOCREC * d;
      uint32_t p = cp_rd32(r + CP_D_TOKSTART), e = p + cp_rd32(r + CP_D_TOKCOUNT);
      for (; p < e; p++) {
        uint32_t id = s->lstream[l][p];
        cnt[id]++;
        if (last[id] != d) { last[id] = d;  df[id]++; }
      }
    }
    for (k = 0; k < n && ok; k++) {
      uint32_t a = s->lposto[l][k], b = s->lposto[l][k + 1];
      if (cnt[k] == 0 || cnt[k] != s->freq[l][k] || df[k] != s->freq[l][n + k]
          || b - a != cnt[k])
        ok = 0;
      for (j = a; j < b && ok; j++)
        if ((j > a && s->lpost[l][j] <= s->lpost[l][j - 1]) ||
            s->lstream[l][s->lpost[l][j]] != k)
          ok = 0;
    }
    free(cnt); free(df); free(last);
    if (!ok) return corrupt(err, "stored layer frequencies or postings");
  }
  for (i = 0; i < s->nsets; i++)
    for (k = 0; k < s->sets[i].nkeys; k++) {
      const rkey *y = &s->sets[i].keys[k];
      for (j = 1; j < y->nv; j++) {
        uint32_t a = y->lexo[j - 1], b = y->lexo[j], c = y->lexo[j + 1];
        size_t la = b - a, lb = c - b, m = la < lb ? la : lb;
        int cmp = m ? memcmp(y->lexs + a, y->lexs + b, m) : 0;
        if (cmp > 0 || (cmp == 0 && la >= lb))
          return corrupt(err, "span attribute values not sorted and unique");
      }
    }
  return CP_OK;
}

int cp_seg_check (const cp_seg *s, cp_err *err) {
  int i, l, rc;
  if (s == NULL || s->lz == NULL)
    return cp_err_set(err, CP_EINVAL, "cp_seg_check: no segment");
  if ((rc = verify_fresh(s, err)) != CP_OK) return rc;
  if (!check_layout(s))
    return corrupt(err, "overlapping sections or nonzero padding");
  for (i = 1; i < CP_SEC_COUNT; i++)
    if (s->sec[i].present &&
        XXH64(s->sec[i].p, (size_t)s->sec[i].size, 0) != s->sec[i].sum) {
      cp_err_set(err, CP_ECORRUPT, "corrupt segment: checksum mismatch in "
                 "section %d", i);
      return CP_ECORRUPT;
    }
  for (l = 0; l < CP_NLAYERS; l++)
    if (!lex_sorted(s, l))
      return cp_err_set(err, CP_ECORRUPT, "corrupt segment: %s lexicon not "
                        "sorted and unique", cp_layer_name(l));
  for (i = 0; i < (int)s->nt[CP_WORD]; i++)
    if (s->wflags[i] & ~CP_WF_PUNCT)
      return corrupt(err, "unknown word flags");
  if ((rc = check_freqs(s, err)) != CP_OK) return rc;
  if (!check_starts(s, s->lz->ds, s->nsents) ||
      !check_starts(s, s->lz->dp, s->nparas))
    return corrupt(err, "sentence or paragraph starts");
  rc = check_docs_full(s);
  if (rc < 0)
    return cp_err_set(err, CP_ENOMEM, "out of memory checking a segment");
  if (rc == 0)
    return corrupt(err, "document spans, ids or metadata");
  if ((rc = cp_sf_check(s, err)) != CP_OK) return rc;
  return check_stored(s, err);
}

int cp_seg_section (const cp_seg *s, int id, const unsigned char **p,
                    uint64_t *size, uint64_t *sum) {
  if (s == NULL || id <= 0 || id >= CP_SEC_COUNT || !s->sec[id].present)
    return 0;
  *p = s->sec[id].p;
  *size = s->sec[id].size;
  *sum = s->sec[id].sum;
  return 1;
}

/* }================================================================ */
