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
** fastCover, on the first ~2 MB of the segment's blocks, 0.05-0.1 s)
** gives it back: on the UN debates 35.4 -> 29.0 MB (level 6).
*/
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include <xxhash.h>
#define ZDICT_STATIC_LINKING_ONLY   /* ZDICT_trainFromBuffer_fastCover */
#include <zdict.h>
#define ZSTD_STATIC_LINKING_ONLY    /* ZSTD_c_forceAttachDict */
#include <zstd.h>

#include "lex.h"
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
** Writing: blocks compressed as their documents complete
** ================================================================= */

/*
** The builder hands the writer each document end as the document is
** added (cp_ztw_add).  A block's extent is final as soon as a document
** ends at or past its start + target (see cut_some), so blocks are cut
** during the adds, not at the seal.  Once the first CP_ZT_SAMPLE bytes
** of blocks exist, a worker thread trains the dictionary on them and
** then compresses every block cut since, while the caller goes on
** adding: compressing was a third of a build's time, all of it on the
** critical path in the seal.  cp_ztw_finish cuts the last block and
** compresses what the worker has not reached, on the caller's thread
** and the worker's at once.
**
** The image does not depend on the threads: block extents depend only
** on the document ends, the dictionary only on the sample blocks (the
** first blocks holding CP_ZT_SAMPLE bytes, all of them in a smaller
** text), and each frame only on its block, the dictionary and the
** level.  A build with the worker, without it (cp_zt_encode, or a
** thread that could not start) and after any truncation give the same
** bytes.
**
** The texts live in the caller's buffer, which moves when it grows
** (realloc): the worker reads it only while holding 'textmu', and the
** caller holds 'textmu' around every move (cp_ztw_lock/unlock).  Bytes
** of a block are written by the caller before the block is queued
** under 'mu', and never written again while the block exists.
*/

typedef struct zblk {
  uint64_t raw_start, raw_len;
  uint64_t off;            /* frame offset in its buffer (once done) */
  uint32_t clen;           /* frame length, 0 until compressed */
  int buf;                 /* 0: the worker's buffer, 1: the caller's */
  uint64_t hash;           /* XXH64 of the frame */
} zblk;

struct cp_ztw {
  size_t target;
  int level;
  int threaded;            /* may start the worker */
  /* the caller's (written under mu when the worker may look) */
  uint64_t *ends;          /* document ends, as added */
  size_t nends, capends;
  size_t cd;               /* cut_some's scan position in ends */
  uint64_t cs;             /* start of the next block to cut */
  int final;               /* cp_ztw_finish cut the last block */
  size_t nfinal;           /* blocks before finish's cut of the last */
  int nfinal_set;          /* 'nfinal' holds (finish was called) */
  /* guarded by mu */
  pthread_mutex_t mu;
  pthread_cond_t wake;     /* caller -> worker: work queued, or stop */
  pthread_cond_t idle;     /* worker -> caller: a job finished */
  zblk *bl;                /* blocks cut so far */
  size_t nb, capb;
  size_t nsample;          /* blocks in the dictionary sample, 0 until known */
  int dstate;              /* 0 undecided, 1 being trained, 2 decided */
  size_t next;             /* the next block to compress */
  int busy;                /* jobs running (worker and caller) */
  int stop;                /* the worker should exit */
  uint64_t pf_at, pf_end;  /* text offsets the worker pre-faults */
  int pf_off;              /* pre-faulting failed here: no more */
  uint64_t last;           /* the last document end (for the worker) */
  int wrc;                 /* the worker's failure (CP_ENOMEM), sticky */
  void *dict;
  size_t dictlen;
  ZSTD_CDict *cd_;
  cp_bytes out[2];         /* frames: the worker's, the caller's (big
                           ** ones mmap'd, grown without copies: lex.c) */
  /* the text */
  pthread_mutex_t textmu;
  const char *base;
  /* the thread */
  pthread_t th;
  int running;
  int sync_ok;             /* the mutexes and conditions exist */
  ZSTD_CCtx *cc[2];        /* a context per thread */
  const ZSTD_CDict *ccd[2];/* the dictionary each context is set up for */
  int ccset[2];            /* the context is set up */
};

/*
** Cut every block whose extent is final: at the first document end at
** or past start + target; a stretch longer than 2 * target (one long
** document) every 'target' bytes.  After finish's call ('final') the
** rest of the text is the last block.  Under mu when the worker runs.
** 0 when out of memory (the blocks cut so far stay).
*/
static int cut_some (cp_ztw *z) {
  uint64_t total = z->nends ? z->ends[z->nends - 1] : 0;
  while (z->cs < total) {
    uint64_t stop;
    while (z->cd < z->nends && z->ends[z->cd] < z->cs + z->target) z->cd++;
    if (z->cd < z->nends) stop = z->ends[z->cd];
    else if (z->final) stop = total;
    else return 1;   /* a later document decides this block */
    if (stop - z->cs > 2 * (uint64_t)z->target) stop = z->cs + z->target;
    if (z->nb == z->capb) {
      size_t nc = z->capb ? 2 * z->capb : 64;
      zblk *nv;
      if (nc > UINT32_MAX) return 0;
      nv = (zblk *)realloc(z->bl, nc * sizeof(*nv));
      if (nv == NULL) return 0;
      z->bl = nv; z->capb = nc;
    }
    memset(&z->bl[z->nb], 0, sizeof(zblk));
    z->bl[z->nb].raw_start = z->cs;
    z->bl[z->nb].raw_len = stop - z->cs;
    z->nb++;
    z->cs = stop;
    if (z->nsample == 0) {   /* the sample: the first CP_ZT_SAMPLE bytes */
      if (z->cs >= CP_ZT_SAMPLE) z->nsample = z->nb;
    }
  }
  if (z->final && z->nsample == 0) z->nsample = z->nb;
  return 1;
}

/*
** A dictionary trained on the sample blocks (the text at z->base, read
** under textmu when 'sync').
** Training can fail on text without repeats: then there is no
** dictionary (*dictlen 0), which is not an error.  0 when out of
** memory.
*/
static int train (cp_ztw *z, const zblk *bl, size_t ns, void **dict,
                  size_t *dictlen, int sync) {
  uint64_t want = 0;
  size_t n, b;
  char *buf;
  size_t *sizes;
  void *d;
  *dict = NULL; *dictlen = 0;
  for (b = 0; b < ns; b++) want += bl[b].raw_len;
  buf = (char *)malloc((size_t)want + 1);
  sizes = (size_t *)malloc((ns + 1) * sizeof(size_t));
  d = malloc(CP_ZT_DICT_MAX);
  if (buf == NULL || sizes == NULL || d == NULL) {
    free(buf); free(sizes); free(d);
    return 0;
  }
  if (sync) pthread_mutex_lock(&z->textmu);
  memcpy(buf, z->base, (size_t)want);   /* the sample starts the text */
  if (sync) pthread_mutex_unlock(&z->textmu);
  for (b = 0; b < ns; b++) sizes[b] = (size_t)bl[b].raw_len;
  {
    /* fastCover with fixed parameters, not ZDICT_trainFromBuffer's
    ** search over them: on the UN debates' first 2 MB it trains in a
    ** sixth of the time and compresses as well (bench/RESULTS.md) */
    ZDICT_fastCover_params_t fp;
    memset(&fp, 0, sizeof(fp));
    fp.k = 100;
    fp.d = 8;
    fp.f = 20;
    fp.accel = 1;
    fp.splitPoint = 1.0;
    fp.zParams.compressionLevel = z->level;
    n = ZDICT_trainFromBuffer_fastCover(d, CP_ZT_DICT_MAX, buf, sizes,
                                        (unsigned)ns, fp);
  }
  free(buf); free(sizes);
  if (ZDICT_isError(n) || n == 0) { free(d); return 1; }
  *dict = d; *dictlen = n;
  return 1;
}

/* the dictionary's training, if it is due and nobody runs it: called
** with mu held (when 'sync'), which it drops while training */
static void train_job (cp_ztw *z, int sync) {
  void *dict = NULL;
  size_t dictlen = 0, ns = z->nsample;
  uint64_t total = ns ? z->bl[ns - 1].raw_start + z->bl[ns - 1].raw_len : 0;
  int ok = 1;
  ZSTD_CDict *cd = NULL;
  z->dstate = 1;
  z->busy++;
  if (sync) pthread_mutex_unlock(&z->mu);
  if (total >= CP_ZT_DICT_MIN) {
    zblk *copy = (zblk *)malloc((ns + 1) * sizeof(zblk));
    /* a copy of the sample's extents: the caller may grow z->bl */
    if (copy == NULL) ok = 0;
    else {
      if (sync) pthread_mutex_lock(&z->mu);
      memcpy(copy, z->bl, ns * sizeof(zblk));
      if (sync) pthread_mutex_unlock(&z->mu);
      ok = train(z, copy, ns, &dict, &dictlen, sync);
      free(copy);
    }
    if (ok && dictlen > 0) {
      cd = ZSTD_createCDict(dict, dictlen, z->level);
      if (cd == NULL) { ok = 0; free(dict); dict = NULL; dictlen = 0; }
    }
  }
  if (sync) pthread_mutex_lock(&z->mu);
  z->busy--;
  if (!ok) { z->wrc = CP_ENOMEM;  z->dstate = 0;  return; }
  z->dict = dict; z->dictlen = dictlen; z->cd_ = cd;
  z->dstate = 2;
}

/* compress block b into buffer k (k: 0 the worker's, 1 the caller's);
** called with mu held (when 'sync'), which it drops while compressing */
/*
** Thread k's context, set up for the current dictionary: the level, and
** the dictionary's tables attached rather than copied into the context
** for each frame (zstd copies them for inputs of 16 KiB or more, our
** block size: 10% of the compression time on the UN debates).  NULL
** when out of memory.
*/
static ZSTD_CCtx *cctx_for (cp_ztw *z, int k) {
  ZSTD_CCtx *cc = z->cc[k];
  if (cc == NULL && (cc = z->cc[k] = ZSTD_createCCtx()) == NULL) return NULL;
  if (z->ccset[k] && z->ccd[k] == z->cd_) return cc;
  ZSTD_CCtx_reset(cc, ZSTD_reset_session_and_parameters);
  if (ZSTD_isError(ZSTD_CCtx_setParameter(cc, ZSTD_c_compressionLevel, z->level)))
    return NULL;
  if (z->cd_ != NULL &&
      (ZSTD_isError(ZSTD_CCtx_setParameter(cc, ZSTD_c_forceAttachDict,
                                           ZSTD_dictForceAttach)) ||
       ZSTD_isError(ZSTD_CCtx_refCDict(cc, z->cd_))))
    return NULL;
  z->ccd[k] = z->cd_;
  z->ccset[k] = 1;
  return cc;
}

static void block_job (cp_ztw *z, size_t b, int k, int sync) {
  uint64_t rs = z->bl[b].raw_start;
  size_t rl = (size_t)z->bl[b].raw_len, bound = ZSTD_compressBound(rl), n;
  cp_bytes *o = &z->out[k];
  int ok;
  z->busy++;
  if (sync) pthread_mutex_unlock(&z->mu);
  ZSTD_CCtx *cc;
  ok = cp_bytes_reserve(o, bound) && (cc = cctx_for(z, k)) != NULL;
  if (ok) {
    if (sync && k == 0) pthread_mutex_lock(&z->textmu);
    n = ZSTD_compress2(cc, (uint8_t *)o->v + o->n, bound, z->base + rs, rl);
    if (sync && k == 0) pthread_mutex_unlock(&z->textmu);
    /* within the bound zstd cannot fail, and a frame of < 4 GiB of text
    ** is < 4 GiB */
    if (ZSTD_isError(n) || n == 0 || n > UINT32_MAX) ok = 0;
  }
  if (sync) pthread_mutex_lock(&z->mu);
  z->busy--;
  if (!ok) { z->wrc = CP_ENOMEM;  return; }
  z->bl[b].off = o->n;
  z->bl[b].clen = (uint32_t)n;
  z->bl[b].buf = k;
  z->bl[b].hash = (uint64_t)XXH64((uint8_t *)o->v + o->n, n, 0);
  o->n += n;
}

#define PF_STEP ((uint64_t)2 << 20)   /* bytes pre-faulted per job */
#if defined(__linux__) && defined(MADV_POPULATE_WRITE)
/*
** Fault in the next PF_STEP bytes of the caller's fresh text memory
** (cp_ztw_prefault), under textmu so the text does not move meanwhile:
** the kernel zeroes each new page on the thread that first touches it,
** and this thread is idle more often than the caller, which copies
** every text in.  Faulting in is invisible to the caller (the pages
** are zero either way), so it may write there at the same time.
*/
static int prefault_job (cp_ztw *z, int sync) {
  uint64_t a = z->pf_at, e = z->pf_end, lim;
  uintptr_t p, q;
  int bad = 0;
  /* only a few steps ahead of the texts: the block's capacity beyond
  ** the last text may never be used, and faulted in it would count */
  lim = z->last + 4 * PF_STEP;
  if (e > lim) e = lim;
  if (a >= e || z->pf_off) return 0;
  if (e - a > PF_STEP) e = a + PF_STEP;
  z->pf_at = e;
  z->busy++;
  if (sync) pthread_mutex_unlock(&z->mu);
  if (sync) pthread_mutex_lock(&z->textmu);
  p = ((uintptr_t)z->base + (uintptr_t)a + 4095) & ~(uintptr_t)4095;
  q = ((uintptr_t)z->base + (uintptr_t)e) & ~(uintptr_t)4095;
  if (q > p && madvise((void *)p, q - p, MADV_POPULATE_WRITE) != 0)
    bad = 1;   /* an older kernel: the caller faults its pages itself */
  if (sync) pthread_mutex_unlock(&z->textmu);
  if (sync) pthread_mutex_lock(&z->mu);
  if (bad) z->pf_off = 1;
  z->busy--;
  return 1;
}
#else
static int prefault_job (cp_ztw *z, int sync) {
  (void)z;  (void)sync;
  return 0;
}
#endif

/* the next job for thread k, run with mu held; 0 when there is none */
static int one_job (cp_ztw *z, int k, int sync) {
  if (z->wrc != CP_OK) return 0;
  if (k == 0 && prefault_job(z, sync)) return 1;
  if (z->dstate == 0 && z->nsample > 0) { train_job(z, sync);  return 1; }
  if (z->dstate == 2 && z->next < z->nb) {
    block_job(z, z->next++, k, sync);
    return 1;
  }
  return 0;
}

static void *worker (void *arg) {
  cp_ztw *z = (cp_ztw *)arg;
  pthread_mutex_lock(&z->mu);
  while (!z->stop) {
    if (!one_job(z, 0, 1)) pthread_cond_wait(&z->wake, &z->mu);
    else pthread_cond_broadcast(&z->idle);
  }
  pthread_mutex_unlock(&z->mu);
  return NULL;
}

/* stop and join the worker (its jobs are finished after this) */
static void stop_worker (cp_ztw *z) {
  if (!z->running) return;
  pthread_mutex_lock(&z->mu);
  z->stop = 1;
  pthread_cond_signal(&z->wake);
  pthread_mutex_unlock(&z->mu);
  pthread_join(z->th, NULL);
  z->running = 0;
  z->stop = 0;
}

cp_ztw *cp_ztw_new (size_t target, int level, int threaded, cp_err *err) {
  cp_ztw *z = (cp_ztw *)calloc(1, sizeof(*z));
  if (z == NULL) {
    cp_err_set(err, CP_ENOMEM, "out of memory");
    return NULL;
  }
  if (target == 0) target = CP_ZT_BLOCK;
  if (target > UINT32_MAX / 4) target = UINT32_MAX / 4;  /* raw_len is u32 */
  z->target = target;
  z->level = level == 0 ? CP_ZT_LEVEL : level;
  z->threaded = threaded;
  if (threaded) {
    if (pthread_mutex_init(&z->mu, NULL) != 0) z->threaded = 0;
    else if (pthread_mutex_init(&z->textmu, NULL) != 0) {
      pthread_mutex_destroy(&z->mu);
      z->threaded = 0;
    }
    else if (pthread_cond_init(&z->wake, NULL) != 0) {
      pthread_mutex_destroy(&z->textmu);
      pthread_mutex_destroy(&z->mu);
      z->threaded = 0;
    }
    else if (pthread_cond_init(&z->idle, NULL) != 0) {
      pthread_cond_destroy(&z->wake);
      pthread_mutex_destroy(&z->textmu);
      pthread_mutex_destroy(&z->mu);
      z->threaded = 0;
    }
    else z->sync_ok = 1;
  }
  return z;
}

/* forget the dictionary and every frame (blocks stay cut) */
static void drop_frames (cp_ztw *z) {
  size_t b;
  int k;
  for (k = 0; k < 2; k++) {   /* no context may refer to the old one */
    if (z->cc[k] != NULL) ZSTD_CCtx_reset(z->cc[k], ZSTD_reset_session_and_parameters);
    z->ccset[k] = 0;
  }
  ZSTD_freeCDict(z->cd_);
  free(z->dict);
  z->cd_ = NULL; z->dict = NULL; z->dictlen = 0;
  z->dstate = 0;
  z->next = 0;
  z->out[0].n = z->out[1].n = 0;
  for (b = 0; b < z->nb; b++) z->bl[b].clen = 0;
}

void cp_ztw_reset (cp_ztw *z) {
  int k;
  if (z == NULL) return;
  stop_worker(z);
  drop_frames(z);
  /* the frames were copied into the image: their memory goes now, as
  ** the builder's one-shot buffer did (the contexts, ~1 MB, too) */
  for (k = 0; k < 2; k++) {
    cp_bytes_free(&z->out[k]);
    ZSTD_freeCCtx(z->cc[k]);
    z->cc[k] = NULL;
  }
  z->nends = z->cd = 0;
  z->cs = 0;
  z->final = z->nfinal_set = 0;
  z->nb = z->nsample = 0;
  z->pf_at = z->pf_end = z->last = 0;
  z->wrc = CP_OK;
}

void cp_ztw_free (cp_ztw *z) {
  if (z == NULL) return;
  cp_ztw_reset(z);
  if (z->sync_ok) {
    pthread_cond_destroy(&z->idle);
    pthread_cond_destroy(&z->wake);
    pthread_mutex_destroy(&z->textmu);
    pthread_mutex_destroy(&z->mu);
  }
  free(z->ends);
  free(z->bl);
  free(z);
}

/* start the worker once the sample is complete (a thread that cannot
** start leaves the work to cp_ztw_finish) */
static void start_worker (cp_ztw *z) {
  if (!z->threaded || z->running || z->nsample == 0 || z->wrc != CP_OK) return;
  z->running = pthread_create(&z->th, NULL, worker, z) == 0;
  if (!z->running) z->threaded = 0;
}

void cp_ztw_lock (cp_ztw *z) {
  if (z != NULL && z->sync_ok) pthread_mutex_lock(&z->textmu);
}

void cp_ztw_unlock (cp_ztw *z, const char *base) {
  if (z == NULL) return;
  z->base = base;
  if (z->sync_ok) pthread_mutex_unlock(&z->textmu);
}

void cp_ztw_prefault (cp_ztw *z, uint64_t from, uint64_t to) {
  if (z == NULL || !z->threaded || from >= to) return;
  if (z->running) pthread_mutex_lock(&z->mu);
  z->pf_at = from;
  z->pf_end = to;
  if (z->running) {
    pthread_cond_signal(&z->wake);
    pthread_mutex_unlock(&z->mu);
  }
}

int cp_ztw_add (cp_ztw *z, uint64_t end, cp_err *err) {
  int ok;
  if (z == NULL || z->final || (z->nends > 0 && end < z->ends[z->nends - 1]))
    return cp_err_set(err, CP_EINVAL, "cp_ztw_add: bad arguments");
  if (z->nends == z->capends) {
    size_t nc = z->capends ? 2 * z->capends : 256;
    uint64_t *nv = (uint64_t *)realloc(z->ends, nc * sizeof(*nv));
    if (nv == NULL) return cp_err_set(err, CP_ENOMEM, "out of memory");
    z->ends = nv; z->capends = nc;
  }
  z->ends[z->nends++] = end;
  if (z->running) pthread_mutex_lock(&z->mu);
  z->last = end;
  ok = cut_some(z);
  if (z->running) {
    if (z->next < z->nb || (z->dstate == 0 && z->nsample > 0) ||
        (z->pf_at < z->pf_end && z->pf_at < end + 2 * PF_STEP && !z->pf_off))
      pthread_cond_signal(&z->wake);
    pthread_mutex_unlock(&z->mu);
  }
  else start_worker(z);   /* from the sample's end on, it trains and
                          ** compresses (nothing shared before) */
  /* a block that could not be cut is cut by a later call */
  (void)ok;
  return CP_OK;
}

/*
** Keep blocks [0, keep) (the worker stopped): their frames stay unless
** the dictionary was trained on a block that goes, then every frame
** goes with it.  The cutting resumes where block keep - 1 ends.
*/
static void keep_blocks (cp_ztw *z, size_t keep) {
  size_t b;
  if (z->nsample > keep) {   /* the dictionary saw text that is gone */
    drop_frames(z);
    z->nsample = 0;
  }
  z->out[0].n = z->out[1].n = 0;
  z->next = keep;
  for (b = 0; b < keep; b++) {
    const zblk *k = &z->bl[b];
    if (k->clen == 0) { if (b < z->next) z->next = b;  continue; }
    if (k->off + k->clen > z->out[k->buf].n) z->out[k->buf].n = k->off + k->clen;
  }
  z->nb = keep;
  z->cs = keep ? z->bl[keep - 1].raw_start + z->bl[keep - 1].raw_len : 0;
  z->cd = 0;
  z->wrc = CP_OK;
  for (b = 0; b < keep && z->nsample == 0; b++)   /* recount the sample */
    if (z->bl[b].raw_start + z->bl[b].raw_len >= CP_ZT_SAMPLE) z->nsample = b + 1;
  start_worker(z);
}

int cp_ztw_truncate (cp_ztw *z, size_t ndocs) {
  uint64_t total;
  size_t keep;
  if (z == NULL) return CP_EINVAL;
  if (ndocs >= z->nends && !z->final) return CP_OK;
  stop_worker(z);
  if (ndocs < z->nends) z->nends = ndocs;
  z->final = 0;
  z->last = z->nends ? z->ends[z->nends - 1] : 0;
  total = z->nends ? z->ends[z->nends - 1] : 0;
  for (keep = 0; keep < z->nb; keep++) {
    const zblk *k = &z->bl[keep];
    /* a block ends where a document ends or 'target' into one, never
    ** at the text's end unless the last document decided it */
    if (k->raw_start + k->raw_len > total) break;
    if (keep >= z->nfinal && z->nfinal_set) break;
  }
  z->nfinal_set = 0;
  keep_blocks(z, keep);
  return CP_OK;
}

int cp_ztw_finish (cp_ztw *z, size_t *len, cp_err *err) {
  size_t b, size;
  if (z == NULL || len == NULL)
    return cp_err_set(err, CP_EINVAL, "cp_ztw_finish: bad arguments");
  if (z->running) pthread_mutex_lock(&z->mu);
  z->final = 1;
  z->nfinal = z->nb;      /* blocks the documents decided: what a */
  z->nfinal_set = 1;      /* cp_ztw_truncate after this keeps */
  if (!cut_some(z)) z->wrc = CP_ENOMEM;
  if (z->running) {
    /* help the worker: both threads take jobs until none is left */
    pthread_cond_signal(&z->wake);
    while (one_job(z, 1, 1)) ;
    while (z->busy > 0) pthread_cond_wait(&z->idle, &z->mu);
    pthread_mutex_unlock(&z->mu);
    stop_worker(z);
  }
  else
    while (one_job(z, 1, 0)) ;
  if (z->wrc != CP_OK) {
    cp_ztw_truncate(z, z->nends);   /* as before the call, to retry */
    return cp_err_set(err, CP_ENOMEM, "out of memory compressing the text");
  }
  size = ZT_HEAD + (size_t)z->nb * ZT_ENT + z->dictlen;
  for (b = 0; b < z->nb; b++) size += z->bl[b].clen;
  *len = size;
  return CP_OK;
}

void cp_ztw_write (const cp_ztw *z, uint8_t *dst) {
  uint64_t total = z->nends ? z->ends[z->nends - 1] : 0, comp = 0;
  size_t pos = ZT_HEAD + (size_t)z->nb * ZT_ENT, b;
  memset(dst, 0, ZT_HEAD);
  cp_wr32(dst, (uint32_t)z->nb);
  cp_wr32(dst + 4, (uint32_t)z->dictlen);
  cp_wr64(dst + 8, total);
  if (z->dictlen > 0) {
    memcpy(dst + pos, z->dict, z->dictlen);
    cp_wr64(dst + 16, (uint64_t)XXH64(z->dict, z->dictlen, 0));
    pos += z->dictlen;
  }
  for (b = 0; b < z->nb; b++) {
    const zblk *k = &z->bl[b];
    uint8_t *e = dst + ZT_HEAD + b * ZT_ENT;
    cp_wr64(e, k->raw_start);
    cp_wr64(e + 8, comp);
    cp_wr32(e + 16, k->clen);
    cp_wr32(e + 20, (uint32_t)k->raw_len);
    cp_wr64(e + 24, k->hash);
    memcpy(dst + pos, z->out[k->buf].v + k->off, k->clen);
    pos += k->clen;
    comp += k->clen;
  }
}

int cp_zt_encode (const char *text, const uint64_t *ends, size_t ndocs,
                  size_t target, int level, uint8_t **out, size_t *len,
                  cp_err *err) {
  cp_ztw *z;
  size_t i;
  int rc = CP_OK;
  if ((ndocs > 0 && (text == NULL || ends == NULL)) || out == NULL
      || len == NULL)
    return cp_err_set(err, CP_EINVAL, "cp_zt_encode: bad arguments");
  for (i = 1; i < ndocs; i++)
    if (ends[i] < ends[i - 1])
      return cp_err_set(err, CP_EINVAL, "cp_zt_encode: document ends "
                        "decrease at %zu", i);
  if ((z = cp_ztw_new(target, level, 0, err)) == NULL) return CP_ENOMEM;
  cp_ztw_unlock(z, text);
  for (i = 0; i < ndocs && rc == CP_OK; i++) rc = cp_ztw_add(z, ends[i], err);
  if (rc == CP_OK) rc = cp_ztw_finish(z, len, err);
  if (rc == CP_OK && (*out = (uint8_t *)malloc(*len)) == NULL)
    rc = cp_err_set(err, CP_ENOMEM, "out of memory");
  if (rc == CP_OK) cp_ztw_write(z, *out);
  cp_ztw_free(z);
  return rc;
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
