/*
** segw.c -- the segment builder: collects documents in memory and
** writes a segment image (format: see the comment at the top of seg.c
** and docs/FORMAT.md).
**
** Per token the builder does one hash probe (raw token bytes -> word
** id) and a few appends to arrays reserved once per document.  All the
** work that depends on the *type* -- NFC, norm, stem, punctuation flag
** -- happens once, when a raw form is first seen.  Frequencies, document
** frequencies and postings are not maintained while adding: finish()
** derives them from the token stream in two linear passes, which is
** both cheaper and what makes truncate() trivially exact.
**
** Ids handed out while building are insertion-ordered; finish() sorts
** each lexicon bytewise, drops types no remaining token uses (left over
** by truncate() or a failed add) and remaps everything to the ranks.
*/
#include <stdlib.h>
#include <string.h>

#include <utf8proc.h>

#include "blksum.h"
#include "jobs.h"
#include "lex.h"
#include "seg.h"
#include "segattr.h"
#include "segfield.h"
#include "segfmt.h"
#include "segpack.h"
#include "tok.h"
#include "unitab.h"
#include "ztext.h"
#include "utf8.h"

/* the image's header size, and where TEXT starts: the builder keeps the
** texts at this offset of the block that becomes the image */
#define SEGW_ZLEVEL 3   /* zstd level of the stored text */
#define TEXT0 ((size_t)CP_SEG_FIXED + CP_SEG_SECENT * (CP_SEC_COUNT - 1) + 8)

/* per-layer lexicon string bytes: offsets are uint32 in the image */
#define MAXLEXBYTES ((size_t)UINT32_MAX - 1)

typedef struct docrec {
  uint32_t tok_start, tok_count;
  uint32_t idlen, metalen;
  size_t text_off, text_len, id_off, meta_off;   /* text / docstr */
  size_t nsents, nparas;        /* lengths of sents/paras before this doc */
  size_t nspanx;                /* length of spanx before this doc */
  uint64_t invalid;             /* U+FFFD substitutions in this doc */
} docrec;

struct cp_segw {
  cp_an *an;
  int mode;
  cp_rawmap raw;          /* token bytes as written -> word id */
  cp_lex lex[CP_NLAYERS]; /* word (NFC), norm, stem strings */
  cp_vec32 word_norm;     /* word id -> norm id */
  cp_bytes word_flags;    /* word id -> CP_WF_* */
  cp_vec32 norm_stem;     /* norm id -> stem id */
  cp_vec32 stream;        /* word id per position */
  cp_bytes spang;         /* (gap, len) bytes per position */
  cp_vec32 spanc;         /* start of every CP_SPAN_EVERY-th token */
  cp_vec32 spanx;         /* (pos, start, stop) of escaped tokens */
  cp_vec32 sents, paras;  /* start positions */
  char *tbuf;             /* TEXT0 bytes for the header, then the stored
                          ** (repaired) texts back to back: finish()
                          ** grows this block into the image */
  size_t tn, tcap;
  cp_ztw *zw;             /* the texts compressed as they come (ztext.c):
                          ** a worker thread compresses each block once
                          ** its documents are in, off the seal's path */
  cp_bytes docstr;        /* ids and encoded metadata */
  docrec *docs;
  size_t ndocs, capdocs;
  uint64_t invalid;
  cp_tokvec tv;           /* reused token vector */
  cp_abuild ab;           /* stored layers and span sets */
  const cp_producer *prods;
  size_t nprods;
  cp_spanout *so;         /* producers' output, reused */
  cp_tokvec ftv, stv;     /* forms and byte spans of a token document */
  cp_bytes fbuf;          /* the forms, back to back */
  cp_fbuild fb;           /* indexed metadata fields (segfield.c) */
  const cp_seg *csrc;     /* while a document is copied: its segment */
  uint32_t cdoc;          /* and number there (field tokens are copied) */
};

/* spans emitted by producers for the document being added, with their
** strings copied into 'pool' (a producer's strings may be transient),
** but for the names of cp_spanout_add_known, literals kept as they are
** (copying them was half of cp_spanout_add_known) */
typedef struct soent {
  const char *lit;        /* the set's name if a literal, else NULL */
  size_t set, setlen, attr, nattrs;   /* set: offset in pool */
  uint32_t start, end;
} soent;

struct cp_spanout {
  soent *v;
  size_t n, cap;
  cp_bytes pool;
  cp_attr *attrs;         /* key: the literal or NULL, val: NULL until
                          ** spanout_fix, when the producers are done */
  size_t *aoff;           /* 2 per attribute: key's and value's offsets
                          ** in pool */
  size_t na, capa;
  uint32_t ntok;          /* tokens of the document */
};

static void spanout_free (cp_spanout *o);
static int spanout_push (cp_spanout *o, const char *set, size_t setlen,
                         int lit, uint32_t start, uint32_t end,
                         const cp_attr *attrs, size_t nattrs, cp_err *err);


cp_segw *cp_segw_new (cp_an *an, int mode, cp_err *err) {
  cp_segw *w;
  if (an == NULL) {
    cp_err_set(err, CP_EINVAL, "segment builder needs an analyser");
    return NULL;
  }
  if (mode != CP_TOK_CORPUS && mode != CP_TOK_STRICT) {
    cp_err_set(err, CP_EINVAL, "bad tokenizer mode %d", mode);
    return NULL;
  }
  w = (cp_segw *)calloc(1, sizeof(*w));
  if (w == NULL) {
    cp_err_set(err, CP_ENOMEM, "out of memory creating a segment builder");
    return NULL;
  }
  w->an = an;
  w->mode = mode;
  /* level 3, not ztext's default 6: on the UN debates it costs 1.2 s
  ** instead of 2.9 s of CPU for 30.7 MB instead of 29.0 (bench/RESULTS.md),
  ** and the build is the cost every user pays */
  w->zw = cp_ztw_new(0, SEGW_ZLEVEL, 1, err);
  if (w->zw == NULL) { free(w);  return NULL; }
  cp_rawmap_init(&w->raw);
  return w;
}

/* release every buffer, keeping analyser and mode */
static void reset (cp_segw *w) {
  int l;
  cp_rawmap_free(&w->raw);
  for (l = 0; l < CP_NLAYERS; l++) cp_lex_free(&w->lex[l]);
  cp_vec32_free(&w->word_norm);
  cp_bytes_free(&w->word_flags);
  cp_vec32_free(&w->norm_stem);
  cp_vec32_free(&w->stream);
  cp_bytes_free(&w->spang);
  cp_vec32_free(&w->spanc);
  cp_vec32_free(&w->spanx);
  cp_vec32_free(&w->sents);
  cp_vec32_free(&w->paras);
  cp_ztw_reset(w->zw);      /* first: its worker reads tbuf */
  free(w->tbuf);
  w->tbuf = NULL;
  w->tn = w->tcap = 0;
  cp_bytes_free(&w->docstr);
  free(w->docs);
  w->docs = NULL;
  w->ndocs = w->capdocs = 0;
  w->invalid = 0;
  cp_tokvec_free(&w->tv);
  cp_ab_free(&w->ab);
  cp_tokvec_free(&w->ftv);
  cp_tokvec_free(&w->stv);
  cp_bytes_free(&w->fbuf);
  spanout_free(w->so);
  w->so = NULL;
  cp_fb_free(&w->fb);
}

/* keep a buffer for the next segment only up to this size */
#define KEEP ((size_t)64 << 20)

/*
** Empty the builder after finish().  Per-segment buffers of moderate
** size are kept: first-touching fresh memory is a large part of the
** build cost (page faults), and the next segment needs the same amount.
** Lexicons and per-type arrays start afresh.
*/
static void clear (cp_segw *w) {
  int l;
  cp_rawmap_free(&w->raw);
  for (l = 0; l < CP_NLAYERS; l++) cp_lex_free(&w->lex[l]);
  cp_vec32_free(&w->word_norm);
  cp_bytes_free(&w->word_flags);
  cp_vec32_free(&w->norm_stem);
  if (w->stream.cap * 4 > KEEP) cp_vec32_free(&w->stream);
  if (w->spang.cap > KEEP) cp_bytes_free(&w->spang);
  if (w->spanc.cap * 4 > KEEP) cp_vec32_free(&w->spanc);
  if (w->spanx.cap * 4 > KEEP) cp_vec32_free(&w->spanx);
  if (w->docstr.cap > KEEP) cp_bytes_free(&w->docstr);
  w->stream.n = w->spang.n = w->spanc.n = w->spanx.n = 0;
  w->sents.n = w->paras.n = 0;
  w->tn = w->tbuf ? TEXT0 : 0;
  cp_ztw_reset(w->zw);
  w->docstr.n = 0;
  w->ndocs = 0;
  w->invalid = 0;
  cp_ab_free(&w->ab);
  cp_fb_clear(&w->fb);   /* the field names stay */
}

void cp_segw_free (cp_segw *w) {
  if (w == NULL) return;
  reset(w);
  cp_ztw_free(w->zw);
  free(w);
}

uint32_t cp_segw_ndocs (const cp_segw *w) {
  return w ? (uint32_t)w->ndocs : 0;
}

uint64_t cp_segw_ntokens (const cp_segw *w) {
  return w ? w->stream.n : 0;
}

uint64_t cp_segw_invalid (const cp_segw *w) {
  return w ? w->invalid : 0;
}


/* {================================================================
** Adding documents
** ================================================================= */

static int lexerr (int r, const char *what, cp_err *err) {
  if (r == -1)
    return cp_err_set(err, CP_ENOMEM, "out of memory adding a %s type", what);
  return cp_err_set(err, CP_ELIMIT, "%s lexicon of the segment is full",
                    what);
}

/*
** Create the word type of NFC form 's' (not yet in the word lexicon)
** with its norm and stem types.  Stemming runs only for a new norm,
** since a norm determines its stem.  On failure the word lexicon is
** unchanged; a norm or stem added on the way has no word and is dropped
** by finish().
*/
static int newword (cp_segw *w, const char *s, size_t n, unsigned flags,
                    uint32_t *wid, cp_err *err) {
  const char *ns;
  size_t nlen;
  uint32_t nid;
  int r;
  if (!cp_vec32_reserve(&w->word_norm, 1) ||
      !cp_bytes_reserve(&w->word_flags, 1) ||
      !cp_vec32_reserve(&w->norm_stem, 1))
    return cp_err_set(err, CP_ENOMEM, "out of memory adding a word type");
  ns = cp_an_norm(w->an, s, n, &nlen);
  if (ns == NULL)
    return cp_err_set(err, CP_ENOMEM, "out of memory normalizing a word");
  r = cp_lex_intern(&w->lex[CP_NORM], ns, nlen, cp_lex_hash(ns, nlen),
                    MAXLEXBYTES, &nid);
  if (r < 0) return lexerr(r, "norm", err);
  if (r == 1)   /* new norm: no stem yet */
    w->norm_stem.v[w->norm_stem.n++] = UINT32_MAX;
  if (w->norm_stem.v[nid] == UINT32_MAX) {
    /* stem it; a norm left without stem by a failure here has no word
    ** yet, and the next word reaching it tries again */
    const char *ss;
    size_t slen;
    uint32_t sid;
    ns = cp_lex_str(&w->lex[CP_NORM], nid, &nlen);
    ss = cp_an_stem(w->an, ns, nlen, &slen);
    if (ss == NULL)
      return cp_err_set(err, CP_ENOMEM, "out of memory stemming a word");
    r = cp_lex_intern(&w->lex[CP_STEM], ss, slen, cp_lex_hash(ss, slen),
                      MAXLEXBYTES, &sid);
    if (r < 0) return lexerr(r, "stem", err);
    w->norm_stem.v[nid] = sid;
  }
  r = cp_lex_intern(&w->lex[CP_WORD], s, n, cp_lex_hash(s, n), MAXLEXBYTES,
                    wid);
  if (r < 0) return lexerr(r, "word", err);
  /* r == 1 always: the caller looked the NFC form up first */
  w->word_norm.v[w->word_norm.n++] = nid;
  w->word_flags.v[w->word_flags.n++] = (char)((flags & CP_TF_PUNCT) ?
                                               CP_WF_PUNCT : 0);
  return CP_OK;
}

/*
** A raw form seen for the first time: find its word type through its
** NFC form (two spellings with the same NFC share a word id), creating
** the word type if needed, and remember raw -> word.
*/
static int newraw (cp_segw *w, const char *p, size_t n, cp_rawk key,
                   uint64_t h, unsigned flags, uint32_t *wid, cp_err *err) {
  utf8proc_uint8_t *nfc = NULL;
  const char *s = p;
  size_t sn = n, i;
  int64_t f;
  int rc = CP_OK;
  for (i = 0; i < n; i++)
    if ((unsigned char)p[i] >= 0x80) break;
  if (i < n) {  /* not ASCII: ASCII is its own NFC */
    utf8proc_ssize_t k = -1;
    if (n <= ((size_t)1 << 30))
      k = utf8proc_map((const utf8proc_uint8_t *)p, (utf8proc_ssize_t)n, &nfc,
                       (utf8proc_option_t)(UTF8PROC_STABLE | UTF8PROC_COMPOSE));
    if (k == UTF8PROC_ERROR_NOMEM)
      return cp_err_set(err, CP_ENOMEM, "out of memory normalizing a word");
    if (k >= 0) { s = (const char *)nfc;  sn = (size_t)k; }
    /* else: cannot happen on repaired text; keep the bytes as they are */
  }
  f = cp_lex_find(&w->lex[CP_WORD], s, sn, cp_lex_hash(s, sn));
  if (f >= 0)
    *wid = (uint32_t)f;
  else if ((rc = newword(w, s, sn, flags, wid, err)) != CP_OK)
    goto done;
  if (!cp_rawmap_add(&w->raw, p, n, key, h, *wid))
    rc = cp_err_set(err, CP_ENOMEM, "out of memory adding a token type");
done:
  free(nfc);
  return rc;
}

/* drop everything after the first 'nd' documents (nd <= ndocs) */
static void cut (cp_segw *w, size_t nd) {
  if (nd < w->ndocs) {
    const docrec *d = &w->docs[nd];
    size_t i;
    for (i = nd; i < w->ndocs; i++) w->invalid -= w->docs[i].invalid;
    w->stream.n = d->tok_start;
    w->spang.n = 2 * (size_t)d->tok_start;
    w->spanc.n = ((size_t)d->tok_start + CP_SPAN_EVERY - 1) >> CP_SPAN_SHIFT;
    w->spanx.n = d->nspanx;
    w->sents.n = d->nsents;
    w->paras.n = d->nparas;
    w->tn = TEXT0 + d->text_off;
    w->docstr.n = d->id_off;
    w->ndocs = nd;
    cp_ztw_truncate(w->zw, nd);
    cp_ab_cut(&w->ab, (uint32_t)nd, d->tok_start);
    cp_fb_cut(&w->fb, nd);
  }
}

#define PREF 32   /* tokens hashed ahead */
#if defined(__GNUC__)
#define PREFETCH(a, i) do { if ((a) != NULL) __builtin_prefetch(&(a)[i]); } while (0)
#else
#define PREFETCH(a, i) ((void)0)
#endif

/*
** The token loop, on text already repaired and tokenized into 'tv'.
** Everything it appends was reserved by the caller, except on new types.
*/
static int addtokens (cp_segw *w, const cp_tokvec *tv, const char *text,
                      size_t len, const cp_tok *sp, cp_err *err) {
  const cp_tok *t, *e;
  uint32_t *st, *sc;
  unsigned char *sg;
  uint32_t pos = (uint32_t)w->stream.n, prev = 0;
  int rc = CP_OK;
  /* an empty document: the vectors may still be NULL, and NULL + 0 is
  ** undefined behaviour in C */
  if (tv->n == 0) return CP_OK;
  t = tv->v; e = t + tv->n;
  st = w->stream.v + w->stream.n;
  sg = (unsigned char *)w->spang.v + w->spang.n;
  sc = w->spanc.v + w->spanc.n;
  /* keys and hashes are computed a block ahead, with a prefetch of each
  ** slot, so the probes' cache misses overlap instead of queueing (the
  ** probe was half of this loop's time); the hashes stay valid if the
  ** table grows meanwhile, only the prefetches were wasted */
  cp_rawk kb[PREF];
  uint64_t hb[PREF];
  size_t j = PREF;
  for (; t < e; t++, pos++, j++) {
    const char *p = text + t->start;
    size_t n = t->stop - t->start;
    uint32_t wid;
    uint32_t x = (uint32_t)t->start, y = (uint32_t)t->stop;
    if (sp != NULL) {   /* a token document: forms and spans apart */
      x = (uint32_t)sp[t - tv->v].start;
      y = (uint32_t)sp[t - tv->v].stop;
    }
    if (j == PREF) {   /* next block */
      size_t q, nb = (size_t)(e - t) < PREF ? (size_t)(e - t) : PREF;
      for (q = 0; q < nb; q++) {
        const char *pq = text + t[q].start;
        size_t nq = t[q].stop - t[q].start;
        kb[q].a = kb[q].b = 0;
        if (nq <= CP_RAW_INLINE) kb[q] = cp_rawkey(pq, nq, text + len);
        hb[q] = cp_rawhash(pq, nq, kb[q]);
        PREFETCH(w->raw.slots, hb[q] & w->raw.mask);
      }
      j = 0;
    }
    wid = cp_rawmap_find(&w->raw, p, n, kb[j], hb[j]);
    if (wid == UINT32_MAX &&
        (rc = newraw(w, p, n, kb[j], hb[j], t->flags, &wid, err)) != CP_OK)
      break;
    *st++ = wid;
    if ((pos & (CP_SPAN_EVERY - 1)) == 0) *sc++ = x;
    if (x - prev < CP_SPAN_ESC && y - x < CP_SPAN_ESC && x >= prev) {
      sg[0] = (unsigned char)(x - prev);
      sg[1] = (unsigned char)(y - x);
    }
    else {   /* rare: a long token or a long gap */
      sg[0] = sg[1] = CP_SPAN_ESC;
      if (!cp_vec32_reserve(&w->spanx, 3)) break;
      w->spanx.v[w->spanx.n++] = pos;
      w->spanx.v[w->spanx.n++] = x;
      w->spanx.v[w->spanx.n++] = y;
    }
    sg += 2;
    prev = y;
    if (t->flags & (CP_TF_SSTART | CP_TF_PSTART)) {
      if ((t->flags & CP_TF_SSTART) && !cp_vec32_push(&w->sents, pos)) break;
      if ((t->flags & CP_TF_PSTART) && !cp_vec32_push(&w->paras, pos)) break;
    }
  }
  if (t < e && rc == CP_OK)
    rc = cp_err_set(err, CP_ENOMEM, "out of memory adding token spans");
  w->stream.n = (size_t)(st - w->stream.v);
  w->spang.n = (size_t)(sg - (unsigned char *)w->spang.v);
  w->spanc.n = (size_t)(sc - w->spanc.v);
  return rc;
}

/*
** Room for 'extra' more text bytes.  The block is plain malloc'd (it
** becomes the image, which the caller frees with free()), grown by
** doubling with realloc; glibc grows big blocks with mremap, no copy.
*/
static int text_reserve (cp_segw *w, size_t extra) {
  size_t need = (w->tbuf ? w->tn : TEXT0) + extra;
  if (need < extra) return 0;
  if (w->tbuf == NULL || need > w->tcap) {
    size_t nc = w->tcap ? w->tcap : 4096;
    char *nb;
    while (nc < need) {
      if (nc > SIZE_MAX / 4) return 0;
      nc *= 2;
    }
    /* the compressor's worker reads the texts: it waits while they move */
    cp_ztw_lock(w->zw);
    nb = (char *)realloc(w->tbuf, nc);
    cp_ztw_unlock(w->zw, (nb ? nb : w->tbuf) + TEXT0);
    if (nb == NULL) return 0;
    cp_advise_block(nb);
    if (w->tbuf == NULL) w->tn = TEXT0;
    w->tbuf = nb;
    w->tcap = nc;
    /* the pages past the texts are fresh: the compressor's thread
    ** zeroes them (faults them in) before the copies reach them */
    cp_ztw_prefault(w->zw, w->tn - TEXT0, nc - TEXT0);
  }
  return 1;
}

int cp_segw_prepare (int mode, const char *text, size_t len, cp_segprep *p) {
  size_t flen = 0;
  int rc;
  if (p == NULL) return CP_EINVAL;
  free(p->fixed);
  p->fixed = NULL;
  p->text = "";
  p->len = 0;
  p->ninvalid = 0;
  p->tv.n = 0;
  p->mode = mode;
  p->err.code = CP_OK;
  p->err.msg[0] = '\0';
  p->pprods = NULL;   /* no spans produced for this text yet */
  p->npprods = 0;
  if (mode != CP_TOK_CORPUS && mode != CP_TOK_STRICT)
    return p->rc = cp_err_set(&p->err, CP_EINVAL, "bad tokenizer mode %d",
                              mode);
  if (text == NULL && len > 0)
    return p->rc = cp_err_set(&p->err, CP_EINVAL, "document text is NULL");
  if (text == NULL) text = "";
  rc = cp_utf8_repair(text, len, &p->fixed, &flen, &p->ninvalid, &p->err);
  if (rc != CP_OK) { p->fixed = NULL;  return p->rc = rc; }
  p->text = p->fixed ? p->fixed : text;
  p->len = p->fixed ? flen : len;
  /* a text of 4 GiB or more is not tokenized: the add rejects it, naming
  ** the document, which only the add knows */
  if (p->len < UINT32_MAX)
    rc = cp_tok_run(p->text, p->len, mode, &p->tv, &p->err);
  return p->rc = rc;
}

void cp_segprep_free (cp_segprep *p) {
  size_t k;
  if (p == NULL) return;
  free(p->fixed);
  p->fixed = NULL;
  cp_tokvec_free(&p->tv);
  p->text = NULL;
  p->len = 0;
  spanout_free(p->so);
  p->so = NULL;
  p->pprods = NULL;
  p->npprods = 0;
  for (k = 0; k < CP_PREP_MAXPROD; k++) {
    if (p->scratch[k] != NULL && p->scratchfree[k] != NULL)
      p->scratchfree[k](p->scratch[k]);
    p->scratch[k] = NULL;
    p->scratchfree[k] = NULL;
  }
}

/* the checks on the arguments, split in two around the text's check
** so that both entry points make them in the same order */
static int checkargs (cp_segw *w, const char *id, size_t idlen,
                      cp_err *err) {
  if (w == NULL)
    return cp_err_set(err, CP_EINVAL, "no segment builder");
  if (id == NULL || idlen == 0)
    return cp_err_set(err, CP_EINVAL, "document id must be non-empty");
  return CP_OK;
}

/* *msz gets the size of the encoded metadata */
static int checkmeta (cp_segw *w, size_t idlen, const cp_meta *meta,
                      size_t nmeta, size_t *msz, cp_err *err) {
  if (meta == NULL && nmeta > 0)
    return cp_err_set(err, CP_EINVAL, "document metadata is NULL");
  if ((*msz = cp_meta_size(meta, nmeta)) == SIZE_MAX)
    return cp_err_set(err, CP_EINVAL, "malformed metadata field (bad type, "
                      "NULL string or field over 4 GiB)");
  if (idlen > UINT32_MAX)
    return cp_err_set(err, CP_ELIMIT, "document id longer than 4 GiB");
  if (w->ndocs >= UINT32_MAX - 1)
    return cp_err_set(err, CP_ELIMIT, "segment is full (documents)");
  return CP_OK;
}

/* {================================================================
** Span output of producers
** ================================================================= */

int cp_spanout_add (cp_spanout *o, const char *set, size_t setlen,
                    uint32_t start, uint32_t end,
                    const cp_attr *attrs, size_t nattrs, cp_err *err) {
  size_t i;
  if (o == NULL) return cp_err_set(err, CP_EINVAL, "no span output");
  if (!cp_ab_name_ok(set, setlen))
    return cp_err_set(err, CP_EINVAL, "bad span set name '%.*s' (span sets "
                      "are named [a-z][a-z0-9_]*, at most 64 bytes)",
                      (int)(setlen > 64 ? 64 : setlen), set ? set : "");
  if (start >= end || end > o->ntok)
    return cp_err_set(err, CP_EINVAL, "span [%lu, %lu) of set '%.*s' is "
                      "empty or outside the document's %lu tokens",
                      (unsigned long)start, (unsigned long)end, (int)setlen,
                      set, (unsigned long)o->ntok);
  if (attrs == NULL && nattrs > 0)
    return cp_err_set(err, CP_EINVAL, "span attributes are NULL");
  for (i = 0; i < nattrs; i++)
    if (!cp_ab_name_ok(attrs[i].key, attrs[i].keylen) ||
        (attrs[i].val == NULL && attrs[i].vallen > 0) ||
        attrs[i].vallen > UINT32_MAX / 2)
      return cp_err_set(err, CP_EINVAL, "bad attribute in a span of set "
                        "'%.*s' (keys are named [a-z][a-z0-9_]*)",
                        (int)setlen, set);
  return spanout_push(o, set, setlen, 0, start, end, attrs, nattrs, err);
}

/* the names are literals (seg.h): kept by address, never copied */
int cp_spanout_add_known (cp_spanout *o, const char *set, size_t setlen,
                          uint32_t start, uint32_t end,
                          const cp_attr *attrs, size_t nattrs, cp_err *err) {
  if (o == NULL || set == NULL || (attrs == NULL && nattrs > 0))
    return cp_err_set(err, CP_EINVAL, "cp_spanout_add_known: missing argument");
  if (start >= end || end > o->ntok)
    return cp_err_set(err, CP_EINVAL, "span [%lu, %lu) of set '%.*s' is "
                      "empty or outside the document's %lu tokens",
                      (unsigned long)start, (unsigned long)end, (int)setlen,
                      set, (unsigned long)o->ntok);
  /* the attributes are checked as they are copied */
  return spanout_push(o, set, setlen, 1, start, end, attrs, nattrs, err);
}

/* append a checked span and copies of its strings; when 'lit' the names
** are literals, not copied, and the attributes are checked here, in the
** loop that copies them (a loop of their own was a fifth of
** cp_spanout_add_known): a bad one adds nothing */
static int spanout_push (cp_spanout *o, const char *set, size_t setlen,
                         int lit, uint32_t start, uint32_t end,
                         const cp_attr *attrs, size_t nattrs, cp_err *err) {
  soent *e;
  size_t i, pool0 = o->pool.n;
  if (o->n == o->cap) {
    size_t nc = o->cap ? 2 * o->cap : 16;
    soent *nv = (soent *)realloc(o->v, nc * sizeof(soent));
    if (nv == NULL) goto oom;
    o->v = nv;
    o->cap = nc;
  }
  if (o->na + nattrs > o->capa) {
    size_t nc = o->capa ? 2 * o->capa : 16;
    cp_attr *na;
    size_t *no;
    while (nc < o->na + nattrs) nc *= 2;
    if ((na = (cp_attr *)realloc(o->attrs, nc * sizeof(cp_attr))) == NULL)
      goto oom;
    o->attrs = na;
    if ((no = (size_t *)realloc(o->aoff, nc * 2 * sizeof(size_t))) == NULL)
      goto oom;
    o->aoff = no;
    o->capa = nc;
  }
  e = &o->v[o->n];
  e->lit = lit ? set : NULL;
  e->set = o->pool.n;
  e->setlen = setlen;
  if (!lit && !cp_bytes_append(&o->pool, set, setlen)) goto oom;
  e->attr = o->na;
  e->nattrs = nattrs;
  e->start = start;
  e->end = end;
  for (i = 0; i < nattrs; i++) {
    cp_attr *q = o->attrs + o->na + i;
    size_t *off = o->aoff + 2 * (o->na + i);
    if (lit && (attrs[i].key == NULL || attrs[i].vallen > UINT32_MAX / 2
                || (attrs[i].val == NULL && attrs[i].vallen > 0))) {
      o->pool.n = pool0;
      return cp_err_set(err, CP_EINVAL, "bad attribute in a span of set "
                        "'%.*s'", (int)setlen, set);
    }
    q->key = lit ? attrs[i].key : NULL;
    q->keylen = attrs[i].keylen;
    off[0] = o->pool.n;
    if (!lit && !cp_bytes_append(&o->pool, attrs[i].key, attrs[i].keylen))
      goto oom;
    q->val = NULL;
    q->vallen = attrs[i].vallen;
    off[1] = o->pool.n;
    if (!cp_bytes_append(&o->pool, attrs[i].val, attrs[i].vallen)) goto oom;
  }
  o->na += nattrs;
  o->n++;
  return CP_OK;
oom:
  return cp_err_set(err, CP_ENOMEM, "out of memory adding a span");
}

void cp_segw_set_producers (cp_segw *w, const cp_producer *p, size_t n) {
  if (w == NULL) return;
  w->prods = n ? p : NULL;
  w->nprods = p ? n : 0;
}

static void spanout_free (cp_spanout *o) {
  if (o == NULL) return;
  free(o->v);
  cp_bytes_free(&o->pool);
  free(o->attrs);
  free(o->aoff);
  free(o);
}

/* the producers are done: the attributes point into the pool, which no
** longer moves, so that the builder takes them as they are (making
** them there, span by span, was a sixth of adding the spans) */
static void spanout_fix (cp_spanout *o) {
  size_t i;
  for (i = 0; i < o->na; i++) {
    cp_attr *a = &o->attrs[i];
    if (a->key == NULL) a->key = o->pool.v + o->aoff[2 * i];
    a->val = a->vallen ? o->pool.v + o->aoff[2 * i + 1] : "";
  }
}

/*
** Run producers prods[0..n) on a text document, their spans into *so
** (made if NULL): with fn in the builder's thread (scratch NULL), or
** with mtfn and the prepared slot's scratch.
*/
static int produce (const cp_producer *prods, size_t n, void **scratch,
                    cp_spanout **so, const char *text, size_t len,
                    const cp_tokvec *tv, const cp_meta *meta, size_t nmeta,
                    cp_err *err) {
  size_t i;
  if (*so == NULL) {
    *so = (cp_spanout *)calloc(1, sizeof(cp_spanout));
    if (*so == NULL)
      return cp_err_set(err, CP_ENOMEM, "out of memory running producers");
  }
  (*so)->n = (*so)->na = (*so)->pool.n = 0;
  (*so)->ntok = (uint32_t)tv->n;
  for (i = 0; i < n; i++) {
    cp_err e2;
    int rc;
    e2.code = CP_OK;
    e2.msg[0] = '\0';
    rc = scratch ? prods[i].mtfn(prods[i].ud, &scratch[i], text, len, tv, meta,
                                 nmeta, *so, &e2)
                 : prods[i].fn(prods[i].ud, text, len, tv, meta, nmeta, *so, &e2);
    if (rc != CP_OK)
      return cp_err_set(err, rc, "producer '%s': %s",
                        prods[i].name ? prods[i].name : "?",
                        e2.msg[0] ? e2.msg : cp_code_name(rc));
  }
  spanout_fix(*so);
  return CP_OK;
}

/* run the producers on a text document; its spans wait in w->so */
static int run_producers (cp_segw *w, const char *text, size_t len,
                          const cp_tokvec *tv, const cp_meta *meta,
                          size_t nmeta, cp_err *err) {
  return produce(w->prods, w->nprods, NULL, &w->so, text, len, tv, meta,
                 nmeta, err);
}

void cp_segprep_produce (cp_segprep *p, const cp_producer *prods, size_t n,
                         const cp_meta *meta, size_t nmeta) {
  size_t i;
  if (p == NULL) return;
  p->pprods = NULL;
  p->npprods = 0;
  if (prods == NULL || n == 0 || n > CP_PREP_MAXPROD || p->rc != CP_OK
      || p->len >= UINT32_MAX || (meta == NULL && nmeta > 0))
    return;
  for (i = 0; i < n; i++) if (prods[i].mtfn == NULL) return;
  for (i = 0; i < n; i++) {
    /* a slot reused for another list: scratch of another kind goes */
    if (p->scratch[i] != NULL && p->scratchfree[i] != prods[i].mtfree) {
      if (p->scratchfree[i] != NULL) p->scratchfree[i](p->scratch[i]);
      p->scratch[i] = NULL;
    }
    p->scratchfree[i] = prods[i].mtfree;
  }
  p->perr.code = CP_OK;
  p->perr.msg[0] = '\0';
  p->prc = produce(prods, n, p->scratch, &p->so, p->text, p->len, &p->tv,
                   meta, nmeta, &p->perr);
  p->pprods = prods;
  p->npprods = n;
}

/* }================================================================ */


/* {================================================================
** Committing a document
** ================================================================= */

/* add one span (document-relative positions) to set 'name' */
static int put_span (cp_segw *w, const char *name, size_t nlen,
                     uint32_t base, uint32_t start, uint32_t end,
                     const cp_attr *a, size_t na, cp_err *err) {
  size_t set;
  int rc = cp_ab_set(&w->ab, name, nlen, (uint32_t)(w->ndocs - 1), &set, err);
  if (rc != CP_OK) return rc;
  return cp_ab_span(&w->ab, set, base + start, base + end, a, na, err);
}

/* the same for names that are literals (cp_spanout_add_known) */
static int put_span_lit (cp_segw *w, const char *name, size_t nlen,
                         uint32_t base, uint32_t start, uint32_t end,
                         const cp_attr *a, size_t na, cp_err *err) {
  size_t set;
  int rc = cp_ab_set_lit(&w->ab, name, nlen, (uint32_t)(w->ndocs - 1), &set,
                         err);
  if (rc != CP_OK) return rc;
  return cp_ab_span_lit(&w->ab, set, base + start, base + end, a, na, err);
}

/* the sentence (paragraph) spans of a document from its starts
** starts[from..to), which tile [.., dend) */
static int tile_spans (cp_segw *w, const char *name, const cp_vec32 *st,
                       size_t from, uint32_t dend, cp_err *err) {
  size_t i;
  int rc = CP_OK;
  for (i = from; i < st->n && rc == CP_OK; i++) {
    uint32_t e = i + 1 < st->n ? st->v[i + 1] : dend;
    rc = put_span(w, name, 1, 0, st->v[i], e, NULL, 0, err);
  }
  return rc;
}

static int is_sp (const char *set, size_t len, char c) {
  return len == 1 && set[0] == c;
}

/*
** The layers and spans of the document just added (tokens at
** [base, base + ntok)): stored layers and spans of a token document
** ('td'), or the producers' spans of a text document; "s" and "p" spans
** from the sentence and paragraph starts when not given.
*/
static int add_attrs (cp_segw *w, const cp_tokdoc *td, const cp_spanout *so,
                      uint32_t base, uint32_t ntok, size_t s0, size_t p0,
                      cp_err *err) {
  size_t i, k;
  int rc = CP_OK, have_s = 0, have_p = 0;
  if (td != NULL) {
    for (i = 0; i < td->nlayers && rc == CP_OK; i++) {
      const cp_layerin *li = &td->layers[i];
      size_t idx;
      rc = cp_ab_layer(&w->ab, li->name, li->namelen, (uint32_t)(w->ndocs - 1),
                       base, &idx, err);
      for (k = 0; k < ntok && rc == CP_OK; k++)
        rc = cp_ab_layer_put(&w->ab, idx, base + k, li->vals[k] ? li->vals[k] : "",
                             li->vals[k] ? li->lens[k] : 0, err);
    }
    for (i = 0; i < td->nspans && rc == CP_OK; i++) {
      const cp_spanin *si = &td->spans[i];
      if (si->start >= si->end || si->end > ntok)
        return cp_err_set(err, CP_EINVAL, "span [%lu, %lu) of set '%.*s' is "
                          "empty or outside the document's %lu tokens",
                          (unsigned long)si->start, (unsigned long)si->end,
                          (int)(si->setlen > 64 ? 64 : si->setlen),
                          si->set ? si->set : "", (unsigned long)ntok);
      if (is_sp(si->set, si->setlen, 's')) have_s = 1;
      if (is_sp(si->set, si->setlen, 'p')) have_p = 1;
      rc = put_span(w, si->set, si->setlen, base, si->start, si->end,
                    si->attrs, si->nattrs, err);
    }
  }
  else if (w->nprods > 0 && so != NULL) {
    const cp_spanout *o = so;
    for (i = 0; i < o->n && rc == CP_OK; i++) {
      const soent *e = &o->v[i];
      const char *set = e->lit ? e->lit : o->pool.v + e->set;
      const cp_attr *av = e->nattrs ? o->attrs + e->attr : NULL;
      if (is_sp(set, e->setlen, 's') || is_sp(set, e->setlen, 'p')) {
        rc = cp_err_set(err, CP_EINVAL, "producers may not add to the "
                        "built-in span sets 's' and 'p'");
        break;
      }
      rc = e->lit ? put_span_lit(w, set, e->setlen, base, e->start, e->end,
                                 av, e->nattrs, err)
                  : put_span(w, set, e->setlen, base, e->start, e->end, av,
                             e->nattrs, err);
    }
  }
  if (rc == CP_OK && !have_s)
    rc = tile_spans(w, "s", &w->sents, s0, base + ntok, err);
  if (rc == CP_OK && !have_p)
    rc = tile_spans(w, "p", &w->paras, p0, base + ntok, err);
  return rc;
}

/*
** Add a document (arguments checked): tokens 'tv' (forms in text, or in
** 'forms' for a token document, whose byte spans are then 'sp'), then
** its layers and spans.  On error the builder is unchanged.
*/
static int commit_doc (cp_segw *w, const char *id, size_t idlen,
                       const char *text, size_t len, const cp_tokvec *tv,
                       const char *forms, size_t formslen, const cp_tok *sp,
                       size_t ninvalid, const cp_tokdoc *td,
                       const cp_segprep *pre, const cp_meta *meta,
                       size_t nmeta, size_t msz, cp_err *err) {
  size_t i;
  docrec d;
  int rc;
  const cp_spanout *so;
  if (len >= UINT32_MAX)   /* spans are uint32 byte offsets */
    return cp_err_set(err, CP_ELIMIT, "document '%.*s' is larger than 4 GiB",
                      (int)(idlen > 64 ? 64 : idlen), id);
  if (tv->n > CP_SEG_MAXTOK - w->stream.n)
    return cp_err_set(err, CP_ELIMIT, "document '%.*s' would overflow the "
                      "segment (more than %lu tokens)",
                      (int)(idlen > 64 ? 64 : idlen), id,
                      (unsigned long)CP_SEG_MAXTOK);
  {
    const cp_tok *q = sp ? sp : tv->v;
    for (i = 0; i < tv->n; i++)   /* the tokenizer's contract, enforced */
      if (q[i].start > q[i].stop || q[i].stop > len ||
          (sp && i > 0 && q[i].start < q[i - 1].start))
        return cp_err_set(err, CP_EINVAL, "token %lu of document '%.*s' has "
                          "a byte span out of range or out of order",
                          (unsigned long)i, (int)(idlen > 64 ? 64 : idlen), id);
  }
  /* the producers' spans: made at prepare time ('pre', same list), or now */
  so = w->so;
  if (td == NULL && w->nprods > 0) {
    if (pre != NULL) {
      if (pre->prc != CP_OK) {
        if (err != NULL) *err = pre->perr;
        return pre->prc;
      }
      so = pre->so;
    }
    else if ((rc = run_producers(w, text, len, tv, meta, nmeta, err)) != CP_OK)
      return rc;
    else so = w->so;
  }
  if (w->ndocs == w->capdocs) {
    size_t nc = w->capdocs ? 2 * w->capdocs : 64;
    docrec *nd = (docrec *)realloc(w->docs, nc * sizeof(docrec));
    if (nd == NULL) goto oom;
    w->docs = nd;
    w->capdocs = nc;
  }
  if (!cp_vec32_reserve(&w->stream, tv->n) ||
      !cp_bytes_reserve(&w->spang, 2 * tv->n) ||
      !cp_vec32_reserve(&w->spanc, (tv->n >> CP_SPAN_SHIFT) + 1) ||
      !text_reserve(w, len) ||
      !cp_bytes_reserve(&w->docstr, idlen + msz))
    goto oom;
  d.tok_start = (uint32_t)w->stream.n;
  d.tok_count = (uint32_t)tv->n;
  d.idlen = (uint32_t)idlen;
  d.metalen = (uint32_t)msz;
  d.text_off = w->tn - TEXT0;
  d.text_len = len;
  d.id_off = w->docstr.n;
  d.meta_off = w->docstr.n + idlen;
  d.nsents = w->sents.n;
  d.nparas = w->paras.n;
  d.nspanx = w->spanx.n;
  d.invalid = ninvalid;
  /* record the document first, so that cut() can undo a failed loop */
  w->docs[w->ndocs++] = d;
  rc = addtokens(w, tv, sp ? forms : text, sp ? formslen : len, sp, err);
  if (rc == CP_OK)
    rc = add_attrs(w, td, so, d.tok_start, d.tok_count, d.nsents, d.nparas, err);
  if (rc != CP_OK) { cut(w, w->ndocs - 1);  return rc; }
  if (len) memcpy(w->tbuf + w->tn, text, len);   /* reserved above */
  if ((rc = cp_ztw_add(w->zw, w->tn + len - TEXT0, err)) != CP_OK) {
    cut(w, w->ndocs - 1);
    return rc;
  }
  w->tn += len;
  cp_bytes_append(&w->docstr, id, idlen);
  cp_meta_put((unsigned char *)w->docstr.v + w->docstr.n, meta, nmeta);
  w->docstr.n += msz;
  w->invalid += ninvalid;
  /* the indexed fields, from the metadata as stored (what BM25F reads
  ** back at query time), or copied with the document */
  rc = cp_fb_doc(&w->fb, w->an, w->mode, w->docstr.v + d.meta_off, msz,
                 w->csrc, w->cdoc, err);
  if (rc != CP_OK) { cut(w, w->ndocs - 1);  return rc; }
  return CP_OK;
oom:
  return cp_err_set(err, CP_ENOMEM, "out of memory adding document '%.*s'",
                    (int)(idlen > 64 ? 64 : idlen), id);
}

/* a prepared text document */
static int commit (cp_segw *w, const char *id, size_t idlen,
                   const cp_segprep *p, const cp_meta *meta, size_t nmeta,
                   size_t msz, cp_err *err) {
  if (p->rc != CP_OK) {
    if (err != NULL) *err = p->err;
    return p->rc;
  }
  /* spans produced at prepare time count only for the same producers */
  return commit_doc(w, id, idlen, p->text, p->len, &p->tv, NULL, 0, NULL,
                    p->ninvalid, NULL,
                    (p->pprods != NULL && p->pprods == w->prods
                     && p->npprods == w->nprods) ? p : NULL,
                    meta, nmeta, msz, err);
}

/* no letter, digit or mark: what the tokenizer flags as punctuation */
static int form_punct (const char *s, size_t n) {
  size_t i = 0, l;
  while (i < n) {
    uint32_t c = cp_utf8_decode((const unsigned char *)s + i, n - i, &l);
    if (cp_uni_prop(c) & CP_UNI_WORD) return 0;
    i += l;
  }
  return 1;
}

int cp_segw_add_tokens (cp_segw *w, const char *id, size_t idlen,
                        const cp_tokdoc *td, const cp_meta *meta,
                        size_t nmeta, cp_err *err) {
  size_t msz = 0, i, k;
  int rc = checkargs(w, id, idlen, err), have_s = 0, have_p = 0;
  if (rc != CP_OK) return rc;
  if (td == NULL || (td->text == NULL && td->textlen > 0) ||
      (td->tok == NULL && td->ntok > 0) ||
      (td->layers == NULL && td->nlayers > 0) ||
      (td->spans == NULL && td->nspans > 0))
    return cp_err_set(err, CP_EINVAL, "bad token document");
  if ((rc = checkmeta(w, idlen, meta, nmeta, &msz, err)) != CP_OK) return rc;
  if (cp_utf8_validlen(td->text ? td->text : "", td->textlen) != td->textlen)
    return cp_err_set(err, CP_EINVAL, "text of document '%.*s' is not valid "
                      "UTF-8", (int)(idlen > 64 ? 64 : idlen), id);
  for (i = 0; i < td->nlayers; i++) {
    const cp_layerin *li = &td->layers[i];
    if (li->vals == NULL && td->ntok > 0)
      return cp_err_set(err, CP_EINVAL, "layer %lu has no values",
                        (unsigned long)i);
    for (k = 0; k < td->ntok; k++)
      if (li->vals[k] && cp_utf8_validlen(li->vals[k], li->lens[k]) != li->lens[k])
        return cp_err_set(err, CP_EINVAL, "value of token %lu in layer '%.*s' "
                          "is not valid UTF-8", (unsigned long)k,
                          (int)(li->namelen > 64 ? 64 : li->namelen), li->name);
  }
  for (i = 0; i < td->nspans; i++) {
    if (is_sp(td->spans[i].set, td->spans[i].setlen, 's')) have_s = 1;
    if (is_sp(td->spans[i].set, td->spans[i].setlen, 'p')) have_p = 1;
  }
  w->ftv.n = w->stv.n = w->fbuf.n = 0;
  if (td->ntok > 0) {
    if (td->ntok > SIZE_MAX / sizeof(cp_tok) / 2) goto oom;
    if (w->ftv.cap < td->ntok) {
      cp_tok *a = (cp_tok *)realloc(w->ftv.v, td->ntok * sizeof(cp_tok));
      if (a == NULL) goto oom;
      w->ftv.v = a;  w->ftv.cap = td->ntok;
    }
    if (w->stv.cap < td->ntok) {
      cp_tok *a = (cp_tok *)realloc(w->stv.v, td->ntok * sizeof(cp_tok));
      if (a == NULL) goto oom;
      w->stv.v = a;  w->stv.cap = td->ntok;
    }
  }
  for (i = 0; i < td->ntok; i++) {
    const cp_tokin *t = &td->tok[i];
    const char *f = t->form;
    size_t fl = t->formlen;
    unsigned fg;
    if (f == NULL) {   /* the form is the text's slice */
      if (t->start > t->stop || t->stop > td->textlen) {
        return cp_err_set(err, CP_EINVAL, "token %lu of document '%.*s' has "
                          "a byte span out of range", (unsigned long)i,
                          (int)(idlen > 64 ? 64 : idlen), id);
      }
      f = td->text + t->start;
      fl = t->stop - t->start;
    }
    else if (cp_utf8_validlen(f, fl) != fl)
      return cp_err_set(err, CP_EINVAL, "form of token %lu of document '%.*s' "
                        "is not valid UTF-8", (unsigned long)i,
                        (int)(idlen > 64 ? 64 : idlen), id);
    w->ftv.v[i].start = w->fbuf.n;
    if (!cp_bytes_append(&w->fbuf, f, fl)) goto oom;
    w->ftv.v[i].stop = w->fbuf.n;
    fg = 0;
    if (td->punct_given ? (t->flags & CP_TF_PUNCT) != 0 : form_punct(f, fl))
      fg |= CP_TF_PUNCT;
    if (!have_s) fg |= t->flags & CP_TF_SSTART;
    if (!have_p) fg |= t->flags & CP_TF_PSTART;
    if (i == 0) fg |= CP_TF_SSTART | CP_TF_PSTART;
    w->ftv.v[i].flags = fg;
    w->stv.v[i].start = t->start;
    w->stv.v[i].stop = t->stop;
    w->stv.v[i].flags = 0;
  }
  w->ftv.n = w->stv.n = td->ntok;
  /* sentences and paragraphs from the "s" and "p" spans */
  for (i = 0; i < td->nspans; i++) {
    const cp_spanin *si = &td->spans[i];
    unsigned f = is_sp(si->set, si->setlen, 's') ? CP_TF_SSTART :
                 is_sp(si->set, si->setlen, 'p') ? CP_TF_PSTART : 0;
    if (f == 0 || si->start >= si->end || si->end > td->ntok) continue;
    w->ftv.v[si->start].flags |= f;
    if (si->end < td->ntok) w->ftv.v[si->end].flags |= f;
  }
  /* room past the forms for the 16-byte key reads of the token loop */
  if (!cp_bytes_reserve(&w->fbuf, 16)) goto oom;
  return commit_doc(w, id, idlen, td->text ? td->text : "", td->textlen,
                    &w->ftv, w->fbuf.v ? w->fbuf.v : "", w->fbuf.n,
                    td->ntok ? w->stv.v : w->ftv.v, 0, td, NULL, meta, nmeta,
                    msz, err);
oom:
  return cp_err_set(err, CP_ENOMEM, "out of memory adding document '%.*s'",
                    (int)(idlen > 64 ? 64 : idlen), id);
}

/* scratch of a copy: per-token arrays and the spans of one document */
typedef struct copybuf {
  cp_tokin *tok;
  const char **vals;     /* nstored * ntok */
  size_t *lens;
  cp_layerin *layers;
  cp_spanin *spans;
  size_t nspans, capspans;
  cp_attr *attrs;
  size_t nattrs, capattrs;
  size_t *attr_at;       /* index into attrs of each span's first */
  size_t capat;
} copybuf;

static void copybuf_free (copybuf *b) {
  free(b->tok); free(b->vals); free(b->lens); free(b->layers);
  free(b->spans); free(b->attrs); free(b->attr_at);
}

static int grow_arr (void **p, size_t *cap, size_t need, size_t sz) {
  size_t nc;
  void *np;
  if (need <= *cap) return 1;
  nc = *cap ? *cap : 16;
  while (nc < need) nc *= 2;
  if (nc > SIZE_MAX / sz) return 0;
  np = realloc(*p, nc * sz);
  if (np == NULL) return 0;
  *p = np;
  *cap = nc;
  return 1;
}

/* the spans of every set of 's' starting inside [ds, de), relative to ds */
static int copy_spans (copybuf *b, const cp_seg *s, uint32_t ds, uint32_t de) {
  size_t set, nsets = cp_seg_nspansets(s), i;
  b->nspans = b->nattrs = 0;
  for (set = 0; set < nsets; set++) {
    uint32_t i0 = cp_seg_span_lower(s, set, ds), n = cp_seg_nspans(s, set), k;
    size_t nl;
    const char *name = cp_seg_spanset_name(s, set, &nl);
    for (k = i0; k < n; k++) {
      uint32_t st, en;
      size_t it = 0;
      cp_attr a;
      cp_seg_span(s, set, k, &st, &en);
      if (st >= de) break;
      if (en > de) return 0;   /* a span across documents: damage */
      if (!grow_arr((void **)&b->spans, &b->capspans, b->nspans + 1,
                    sizeof(cp_spanin)))
        return -1;
      if (!grow_arr((void **)&b->attr_at, &b->capat, b->nspans + 1,
                    sizeof(size_t)))
        return -1;
      b->attr_at[b->nspans] = b->nattrs;
      while (cp_seg_span_attr_next(s, set, k, &it, &a)) {
        if (!grow_arr((void **)&b->attrs, &b->capattrs, b->nattrs + 1,
                      sizeof(cp_attr)))
          return -1;
        b->attrs[b->nattrs++] = a;
      }
      b->spans[b->nspans].set = name;
      b->spans[b->nspans].setlen = nl;
      b->spans[b->nspans].start = st - ds;
      b->spans[b->nspans].end = en - ds;
      b->spans[b->nspans].nattrs = b->nattrs - b->attr_at[b->nspans];
      b->nspans++;
    }
  }
  for (i = 0; i < b->nspans; i++)   /* attrs is final now */
    b->spans[i].attrs = b->spans[i].nattrs ? b->attrs + b->attr_at[i] : NULL;
  return 1;
}

/* drop the spans of set 'name' from b (an empty name drops none) */
static void drop_set (copybuf *b, const char *name, size_t len) {
  size_t i, m = 0;
  if (len == 0) return;
  for (i = 0; i < b->nspans; i++)
    if (!(b->spans[i].setlen == len && memcmp(b->spans[i].set, name, len) == 0))
      b->spans[m++] = b->spans[i];
  b->nspans = m;
}

/* append n spans to b (their attributes stay borrowed); 0 on no memory */
static int add_spans (copybuf *b, const cp_spanin *sp, size_t n) {
  if (n == 0) return 1;
  if (!grow_arr((void **)&b->spans, &b->capspans, b->nspans + n,
                sizeof(cp_spanin)))
    return 0;
  memcpy(b->spans + b->nspans, sp, n * sizeof(cp_spanin));
  b->nspans += n;
  return 1;
}

int cp_segw_add_copy (cp_segw *w, const cp_seg *s, uint32_t d,
                      const cp_meta *meta, size_t nmeta, cp_err *err) {
  return cp_segw_add_copy_spans(w, s, d, meta, nmeta, NULL, 0, NULL, 0, err);
}

int cp_segw_add_copy_spans (cp_segw *w, const cp_seg *s, uint32_t d,
                            const cp_meta *meta, size_t nmeta,
                            const char *set, size_t setlen,
                            const cp_spanin *extra, size_t nextra,
                            cp_err *err) {
  cp_docinfo di;
  cp_tokdoc td;
  copybuf b;
  size_t nl, ns, l, k;
  const uint32_t *stream;
  int rc;
  if (w == NULL || s == NULL || (set == NULL && setlen > 0)
      || (extra == NULL && nextra > 0))
    return cp_err_set(err, CP_EINVAL, "bad arguments to cp_segw_add_copy");
  if (cp_seg_doc(s, d, &di) != CP_OK)
    return cp_err_set(err, CP_EINVAL, "no document %lu in the segment",
                      (unsigned long)d);
  memset(&b, 0, sizeof(b));
  memset(&td, 0, sizeof(td));
  nl = cp_seg_nlayers(s);
  ns = nl > CP_NLAYERS ? nl - CP_NLAYERS : 0;
  stream = cp_seg_stream(s);
  b.tok = (cp_tokin *)malloc(((size_t)di.tok_count + 1) * sizeof(cp_tokin));
  b.vals = (const char **)malloc((ns * di.tok_count + 1) * sizeof(char *));
  b.lens = (size_t *)malloc((ns * di.tok_count + 1) * sizeof(size_t));
  b.layers = (cp_layerin *)malloc((ns + 1) * sizeof(cp_layerin));
  if (!b.tok || !b.vals || !b.lens || !b.layers) goto oom;
  for (k = 0; k < di.tok_count; k++) {
    uint32_t pos = di.tok_start + (uint32_t)k, x, y, wid = stream[pos];
    cp_tokin *t = &b.tok[k];
    t->form = cp_seg_type(s, CP_WORD, wid, &t->formlen);
    if (t->form == NULL || cp_seg_tok_span(s, pos, &x, &y) != CP_OK) {
      copybuf_free(&b);
      return cp_err_set(err, CP_ECORRUPT, "corrupt segment: token %lu of "
                        "document %lu", (unsigned long)k, (unsigned long)d);
    }
    t->start = x;
    t->stop = y;
    t->flags = cp_seg_type_punct(s, wid) ? CP_TF_PUNCT : 0;
  }
  for (l = 0; l < ns; l++) {
    cp_layerin *li = &b.layers[l];
    const uint32_t *ids = cp_seg_layer_stream(s, CP_NLAYERS + l);
    li->name = cp_seg_layer_name(s, CP_NLAYERS + l, &li->namelen);
    li->vals = b.vals + l * di.tok_count;
    li->lens = b.lens + l * di.tok_count;
    for (k = 0; k < di.tok_count; k++) {
      b.vals[l * di.tok_count + k] =
        cp_seg_type(s, (int)(CP_NLAYERS + l), ids[di.tok_start + k],
                    &b.lens[l * di.tok_count + k]);
      if (b.vals[l * di.tok_count + k] == NULL) {
        copybuf_free(&b);
        return cp_err_set(err, CP_ECORRUPT, "corrupt segment: layer value");
      }
    }
  }
  rc = copy_spans(&b, s, di.tok_start, di.tok_start + di.tok_count);
  if (rc < 0) goto oom;
  if (rc == 0) {
    copybuf_free(&b);
    return cp_err_set(err, CP_ECORRUPT, "corrupt segment: a span crosses "
                      "documents");
  }
  drop_set(&b, set, setlen);
  if (!add_spans(&b, extra, nextra)) goto oom;
  td.text = di.text;
  td.textlen = di.textlen;
  td.tok = b.tok;
  td.ntok = di.tok_count;
  td.layers = b.layers;
  td.nlayers = ns;
  td.spans = b.spans;
  td.nspans = b.nspans;
  td.punct_given = 1;
  w->csrc = s;   /* the field tokens are copied too (segfield.c) */
  w->cdoc = d;
  rc = cp_segw_add_tokens(w, di.id, di.idlen, &td, meta, nmeta, err);
  w->csrc = NULL;
  copybuf_free(&b);
  return rc;
oom:
  copybuf_free(&b);
  return cp_err_set(err, CP_ENOMEM, "out of memory copying a document");
}

int cp_segw_add (cp_segw *w, const char *id, size_t idlen,
                 const char *text, size_t len,
                 const cp_meta *meta, size_t nmeta, cp_err *err) {
  cp_segprep p;
  size_t msz = 0;
  int rc = checkargs(w, id, idlen, err);
  if (rc != CP_OK) return rc;
  if (text == NULL && len > 0)
    return cp_err_set(err, CP_EINVAL, "document text is NULL");
  if ((rc = checkmeta(w, idlen, meta, nmeta, &msz, err)) != CP_OK) return rc;
  /* the two steps in a row, with the builder's token vector lent to the
  ** prepare so that it is reused from document to document */
  memset(&p, 0, sizeof(p));
  p.tv = w->tv;
  cp_segw_prepare(w->mode, text, len, &p);
  rc = commit(w, id, idlen, &p, meta, nmeta, msz, err);
  w->tv = p.tv;
  free(p.fixed);
  return rc;
}

int cp_segw_add_prepared (cp_segw *w, const char *id, size_t idlen,
                          const cp_segprep *p, const cp_meta *meta,
                          size_t nmeta, cp_err *err) {
  size_t msz = 0;
  int rc = checkargs(w, id, idlen, err);
  if (rc != CP_OK) return rc;
  if (p == NULL)
    return cp_err_set(err, CP_EINVAL, "no prepared document");
  if ((rc = checkmeta(w, idlen, meta, nmeta, &msz, err)) != CP_OK) return rc;
  if (p->mode != w->mode)
    return cp_err_set(err, CP_EINVAL, "document prepared in tokenizer mode "
                      "%d for a builder in mode %d", p->mode, w->mode);
  return commit(w, id, idlen, p, meta, nmeta, msz, err);
}

int cp_segw_truncate (cp_segw *w, uint32_t ndocs, cp_err *err) {
  if (w == NULL)
    return cp_err_set(err, CP_EINVAL, "no segment builder");
  if (ndocs > w->ndocs)
    return cp_err_set(err, CP_EINVAL, "cannot truncate %lu documents to %lu",
                      (unsigned long)w->ndocs, (unsigned long)ndocs);
  cut(w, ndocs);
  return CP_OK;
}

/* }================================================================ */


/* {================================================================
** Writing the image
** ================================================================= */

typedef struct sortent {
  uint64_t pre;           /* first 8 bytes, big-endian, zero padded */
  const char *s;
  uint32_t len, id;
} sortent;

/* x orders before y: bytewise, a proper prefix first; ties (doc ids
** only) by number.  Inlined in sortents: through qsort's function
** pointer the calls cost as much as the comparing */
static int before (const sortent *x, const sortent *y) {
  uint32_t m;
  int c;
  /* zero padding orders a shorter string first, as memcmp + length does,
  ** so unequal prefixes decide alone (most comparisons) */
  if (x->pre != y->pre) return x->pre < y->pre;
  m = x->len < y->len ? x->len : y->len;
  c = m ? memcmp(x->s, y->s, m) : 0;
  if (c != 0) return c < 0;
  if (x->len != y->len) return x->len < y->len;
  return x->id < y->id;
}

/*
** Sort e[0..n) by before(): runs of 16 by insertion, then merged bottom
** up through a buffer.  The order is total (ids differ), so the result
** is the one qsort gave.  0 on out of memory (e then unsorted).
*/
#define SORTRUN 16
static int sortents (sortent *e, size_t n) {
  sortent *tmp, *a = e, *b;
  size_t i, j, w;
  for (i = 0; i < n; i += SORTRUN) {
    size_t end = n - i < SORTRUN ? n : i + SORTRUN;
    for (j = i + 1; j < end; j++) {
      sortent x = e[j];
      size_t k = j;
      while (k > i && before(&x, &e[k - 1])) { e[k] = e[k - 1];  k--; }
      e[k] = x;
    }
  }
  if (n <= SORTRUN) return 1;
  if ((tmp = (sortent *)malloc(n * sizeof(sortent))) == NULL) return 0;
  b = tmp;
  for (w = SORTRUN; w < n; w *= 2) {   /* a's runs of w into b's of 2w */
    for (i = 0; i < n; i += 2 * w) {
      size_t m = n - i < w ? n : i + w, end = n - i < 2 * w ? n : i + 2 * w;
      size_t l = i, r = m, o = i;
      while (l < m && r < end) b[o++] = before(&a[r], &a[l]) ? a[r++] : a[l++];
      while (l < m) b[o++] = a[l++];
      while (r < end) b[o++] = a[r++];
    }
    { sortent *t = a;  a = b;  b = t; }
  }
  if (a != e) memcpy(e, a, n * sizeof(sortent));
  free(tmp);
  return 1;
}

static uint64_t prefix8 (const char *s, size_t len) {
  uint64_t p = 0;
  size_t i;
  for (i = 0; i < 8; i++)
    p = (p << 8) | (i < len ? (unsigned char)s[i] : 0);
  return p;
}

/*
** Sort the types of 'x' with nonzero 'freq' and fill map[old] = rank
** (UINT32_MAX for dropped types).  *nlive receives the number kept and
** *out the sorted entries (malloc'd).
*/
static int sortlex (const cp_lex *x, const uint32_t *freq, uint32_t *map,
                    sortent **out, uint32_t *nlive) {
  sortent *e = (sortent *)malloc(((size_t)x->n + 1) * sizeof(sortent));
  uint32_t i, k = 0;
  if (e == NULL) return 0;
  for (i = 0; i < x->n; i++) {
    map[i] = UINT32_MAX;
    if (freq[i] > 0) {
      size_t len;
      e[k].s = cp_lex_str(x, i, &len);
      e[k].len = (uint32_t)len;
      e[k].pre = prefix8(e[k].s, len);
      e[k].id = i;
      k++;
    }
  }
  if (!sortents(e, k)) { free(e);  return 0; }
  for (i = 0; i < k; i++) map[e[i].id] = i;
  *out = e;
  *nlive = k;
  return 1;
}

/* what the sorting jobs of cp_segw_finish share: job l < CP_NLAYERS
** sorts layer l's lexicon into ent[l], map[l], nt[l]; job CP_NLAYERS
** the documents by id */
typedef struct sortjob {
  const cp_segw *w;
  uint32_t **freq, **map;
  sortent **ent;
  uint32_t *nt;
  sortent *byid;
  size_t D;
} sortjob;

static int job_sort (cp_job *j, cp_err *err) {
  const sortjob *c = (const sortjob *)j->ctx;
  int l = (int)j->arg;
  if (l < CP_NLAYERS)
    return sortlex(&c->w->lex[l], c->freq[l], c->map[l], &c->ent[l], &c->nt[l])
           ? CP_OK
           : cp_err_set(err, CP_ENOMEM, "out of memory writing the segment");
  return sortents(c->byid, c->D)
         ? CP_OK
         : cp_err_set(err, CP_ENOMEM, "out of memory writing the segment");
}

typedef struct secinfo {
  uint64_t off, size;
} secinfo;

static size_t align8 (size_t x) { return (x + 7) & ~(size_t)7; }

/* glibc serves a big block 16 bytes into its own page-aligned mapping,
** so image offset PAGEOFF (mod PAGE) is a page boundary in memory;
** movein() checks the actual address, so a wrong guess only costs the
** copy it would have saved */
#define PAGE ((size_t)4096)
#define PAGEOFF (PAGE - 2 * sizeof(size_t))

/*
** Move the pages of a big builder vector (stream or spans) into the
** image at section 'sc' instead of copying them: on Linux the page
** tables change, no byte moves, and the image does not first-touch
** (page fault, zero) fresh memory for the section.  The pages past the
** section's end land on bytes of the next sections or their gaps, which
** are written or zeroed afterwards.  Returns 1 if moved (the caller
** then forgets the block), 0 if it must copy.
*/
static int movein (void *v, size_t capbytes, unsigned char *out,
                   const secinfo *sc) {
  return v != NULL && sc->size > 0 &&
         cp_pages_move(v, capbytes, out + sc->off, (size_t)sc->size);
}

/* section 'id' from 'src' into the image (no checksum: see step 7) */
static void copysec (unsigned char *out, const secinfo *sec, int id,
                     const void *src) {
  if (sec[id].size > 0) memcpy(out + sec[id].off, src, (size_t)sec[id].size);
}

/*
** The postings pass (step 5 of cp_segw_finish) as jobs, one per range
** of whole documents (about T / jobs tokens each): job k reads only its
** positions, once.  Everything a token needs is packed per type (16
** bytes for a word, 16 for a norm, 8 for a stem), because the pass is
** bound by random accesses, not by arithmetic; each job has its own
** copy of the states.  A norm's run of POST is filled in position
** order: job k's cursor for it starts past the norm's positions in the
** ranges before k (counted in step 1, per range), so the lists are the
** same whatever the number of jobs.  A document lies in one range, so
** each job's document frequencies add up.  The job also turns its
** positions' build ids into word ranks (in place when the stream was
** moved in: no other job reads them).
*/
typedef struct { uint32_t wid, nid, last, df; } winfo;
typedef struct { uint32_t cursor, last, df, sid; } ninfo;
typedef struct { uint32_t last, df; } sinfo;

typedef struct postjob {
  const uint32_t *bs;         /* build word id per position */
  const docrec *docs;
  const uint32_t *map;        /* build word id -> rank (UINT32_MAX: dropped) */
  const uint32_t *wn, *ns, *po;   /* the image's WNORM, NSTEM, POSTO */
  uint32_t *const *cnt;       /* per range: build word id -> tokens there */
  uint32_t nb, Nn, Ns;
  winfo *wi[CP_JOBS_MAXTHREADS];
  ninfo *ni[CP_JOBS_MAXTHREADS];
  sinfo *si[CP_JOBS_MAXTHREADS];
  uint32_t *post, *st;
  uint32_t dcut[CP_JOBS_MAXTHREADS + 1];   /* range k: documents */
  uint32_t pcut[CP_JOBS_MAXTHREADS + 1];   /* and their positions */
} postjob;

/* step 1's count of the build word ids of range j->arg */
static int job_count (cp_job *j, cp_err *err) {
  const postjob *c = (const postjob *)j->ctx;
  uint32_t *f = c->cnt[j->arg], p;
  (void)err;
  for (p = c->pcut[j->arg]; p < c->pcut[j->arg + 1]; p++) f[c->bs[p]]++;
  return CP_OK;
}

static int job_postings (cp_job *j, cp_err *err) {
  const postjob *c = (const postjob *)j->ctx;
  const uint32_t *bs = c->bs;
  size_t me = j->arg, q;
  winfo *wi = c->wi[me];
  ninfo *ni = c->ni[me];
  sinfo *si = c->si[me];
  uint32_t *post = c->post, *st = c->st, end = c->pcut[me + 1], d, k;
  (void)err;
  for (k = 0; k < c->nb; k++) {   /* dropped types are never reached */
    uint32_t f = c->map[k];
    wi[k].wid = f;
    wi[k].nid = f != UINT32_MAX ? c->wn[f] : 0;
    wi[k].last = UINT32_MAX;
    wi[k].df = 0;
  }
  for (k = 0; k < c->Nn; k++) {
    ni[k].cursor = c->po[k];
    ni[k].sid = c->ns[k];
    ni[k].last = UINT32_MAX;
    ni[k].df = 0;
  }
  for (q = 0; q < me; q++) {   /* past the norms' positions before */
    const uint32_t *f = c->cnt[q];
    for (k = 0; k < c->nb; k++)
      if (f[k] != 0) ni[wi[k].nid].cursor += f[k];
  }
  for (k = 0; k < c->Ns; k++) { si[k].last = UINT32_MAX;  si[k].df = 0; }
  for (d = c->dcut[me]; d < c->dcut[me + 1]; d++) {
    uint32_t p = c->docs[d].tok_start, e = p + c->docs[d].tok_count;
    for (; p < e; p++) {
      uint32_t b = bs[p];
      winfo *x;
      ninfo *y;
      sinfo *z;
      /* the word state of a later token, and the norm state of a
      ** nearer one (its word state was fetched 8 tokens ago); only in
      ** this range: the next one's ids may be ranks already */
      if (p + 16 < end) PREFETCH(wi, bs[p + 16]);
      if (p + 8 < end) PREFETCH(ni, wi[bs[p + 8]].nid);
      x = &wi[b];
      y = &ni[x->nid];
      z = &si[y->sid];
      post[y->cursor++] = p;
      st[p] = x->wid;
      if (x->last != d) { x->last = d;  x->df++; }
      if (y->last != d) { y->last = d;  y->df++; }
      if (z->last != d) { z->last = d;  z->df++; }
    }
  }
  return CP_OK;
}

int cp_segw_finish (cp_segw *w, void **img, size_t *size, cp_err *err) {
  uint32_t *freq[CP_NLAYERS] = {NULL, NULL, NULL};
  uint32_t *map[CP_NLAYERS] = {NULL, NULL, NULL};
  uint32_t *last[CP_NLAYERS] = {NULL, NULL, NULL};
  sortent *ent[CP_NLAYERS] = {NULL, NULL, NULL};
  sortent *byid = NULL;
  uint32_t nt[CP_NLAYERS] = {0, 0, 0};
  secinfo sec[CP_SEC_COUNT];
  unsigned char *out = NULL;
  size_t T, D, total, hdrsize, i, textlen;
  int l, s, rc = CP_OK;
  postjob pj;                       /* steps 1 and 5 */
  uint32_t *cnt[CP_JOBS_MAXTHREADS];  /* per range: word counts */
  unsigned nj = cp_jobs_threads(), jq;
  cp_job pjob[CP_JOBS_MAXTHREADS];
  int order[CP_SEC_COUNT], stream_in = 0, spans_in = 0;
  size_t q;
  cp_bytes schema = {NULL, 0, 0}, attrs = {NULL, 0, 0};
  cp_bytes fields = {NULL, 0, 0};
  uint32_t *dstart = NULL;
  size_t zlen = 0;
  if (w == NULL || img == NULL || size == NULL)
    return cp_err_set(err, CP_EINVAL, "bad arguments to cp_segw_finish");
  *img = NULL;  *size = 0;
  if (!cp_seg_host_le())
    return cp_err_set(err, CP_EINVAL, "segments need a little-endian host");
  T = w->stream.n;
  D = w->ndocs;
  memset(&pj, 0, sizeof(pj));
  memset(cnt, 0, sizeof(cnt));
  if (nj < 1) nj = 1;
  if (nj > CP_JOBS_MAXTHREADS) nj = CP_JOBS_MAXTHREADS;
  /* the ranges of the postings jobs (step 5): whole documents, about
  ** T / nj tokens each; docs[] cover [0, T) back to back */
  {
    uint32_t d = 0;
    for (jq = 0; jq < nj; jq++) {
      uint64_t want = (uint64_t)T * jq / nj;
      while (d < D && w->docs[d].tok_start < want) d++;
      pj.dcut[jq] = d;
      pj.pcut[jq] = d < D ? w->docs[d].tok_start : (uint32_t)T;
    }
    pj.dcut[nj] = (uint32_t)D;
    pj.pcut[nj] = (uint32_t)T;
  }
  /* 1. frequencies of the build ids, from the stream: counted per range
  ** as jobs (job_count; step 5 needs the ranges' counts) */
  for (l = 0; l < CP_NLAYERS; l++) {
    size_t n = (size_t)w->lex[l].n + 1;
    freq[l] = (uint32_t *)calloc(n, sizeof(uint32_t));
    map[l] = (uint32_t *)malloc(n * sizeof(uint32_t));
    last[l] = (uint32_t *)malloc(n * sizeof(uint32_t));
    if (!freq[l] || !map[l] || !last[l]) goto oom;
  }
  for (jq = 0; jq < nj; jq++) {
    cnt[jq] = (uint32_t *)calloc((size_t)w->lex[CP_WORD].n + 1, sizeof(uint32_t));
    if (cnt[jq] == NULL) goto oom;
    pjob[jq].fn = job_count;  pjob[jq].ctx = &pj;  pjob[jq].arg = jq;
  }
  pj.bs = w->stream.v;
  pj.cnt = cnt;
  (void)cp_jobs_run(pjob, nj, nj, NULL);   /* cannot fail */
  for (jq = 0; jq < nj; jq++)
    for (i = 0; i < w->lex[CP_WORD].n; i++) freq[CP_WORD][i] += cnt[jq][i];
  for (i = 0; i < w->lex[CP_WORD].n; i++)
    freq[CP_NORM][w->word_norm.v[i]] += freq[CP_WORD][i];
  for (i = 0; i < w->lex[CP_NORM].n; i++)
    if (freq[CP_NORM][i] > 0)  /* only unused norms can lack a stem */
      freq[CP_STEM][w->norm_stem.v[i]] += freq[CP_NORM][i];
  /* 2. sorted lexicons of the live types, and documents by id: four
  ** sorts, jobs on the machine's cores (job_sort) */
  byid = (sortent *)malloc((D + 1) * sizeof(sortent));
  if (byid == NULL) goto oom;
  for (i = 0; i < D; i++) {
    byid[i].s = w->docstr.v + w->docs[i].id_off;
    byid[i].len = w->docs[i].idlen;
    byid[i].pre = prefix8(byid[i].s, byid[i].len);
    byid[i].id = (uint32_t)i;
  }
  {
    sortjob sj;
    cp_job job[CP_NLAYERS + 1];
    sj.w = w;  sj.freq = freq;  sj.map = map;  sj.ent = ent;  sj.nt = nt;
    sj.byid = byid;  sj.D = D;
    for (l = 0; l <= CP_NLAYERS; l++) {   /* words first: the biggest */
      job[l].fn = job_sort;  job[l].ctx = &sj;  job[l].arg = (size_t)l;
    }
    if ((rc = cp_jobs_run(job, CP_NLAYERS + 1, cp_jobs_threads(), err)) != CP_OK)
      goto done;
  }
  /* 2b. named layers and span sets ("s" and "p" always exist) */
  {
    size_t k;
    dstart = (uint32_t *)malloc((D + 1) * sizeof(uint32_t));
    if (dstart == NULL) goto oom;
    for (k = 0; k < D; k++) dstart[k] = w->docs[k].tok_start;
    dstart[D] = (uint32_t)T;
    if ((rc = cp_ab_set(&w->ab, "s", 1, 0, &k, err)) != CP_OK ||
        (rc = cp_ab_set(&w->ab, "p", 1, 0, &k, err)) != CP_OK ||
        (rc = cp_ab_encode(&w->ab, T, dstart, D, nt, &schema, &attrs,
                           err)) != CP_OK ||
        (rc = cp_fb_encode(&w->fb, D, &fields, err)) != CP_OK)
      goto done;
  }
  /* 3. layout */
  memset(sec, 0, sizeof(sec));
  for (l = 0; l < CP_NLAYERS; l++) {
    size_t b = 0;
    uint32_t k;
    for (k = 0; k < nt[l]; k++) b += ent[l][k].len;
    sec[CP_SEC_LEXO(l)].size = 4 * ((uint64_t)nt[l] + 1);
    sec[CP_SEC_LEXS(l)].size = b;
    sec[CP_SEC_FREQ(l)].size = 8 * (uint64_t)nt[l];
  }
  sec[CP_SEC_WNORM].size = 4 * (uint64_t)nt[CP_WORD];
  sec[CP_SEC_NSTEM].size = 4 * (uint64_t)nt[CP_NORM];
  sec[CP_SEC_WFLAGS].size = nt[CP_WORD];
  sec[CP_SEC_SNORMO].size = 4 * ((uint64_t)nt[CP_STEM] + 1);
  sec[CP_SEC_SNORM].size = 4 * (uint64_t)nt[CP_NORM];
  sec[CP_SEC_STREAM].size = 4 * (uint64_t)T;
  sec[CP_SEC_POSTO].size = 4 * ((uint64_t)nt[CP_NORM] + 1);
  sec[CP_SEC_POST].size = 4 * (uint64_t)T;
  sec[CP_SEC_SPANS].size = 2 * (uint64_t)T;
  sec[CP_SEC_SPANC].size = 4 * (((uint64_t)T + CP_SPAN_EVERY - 1) >> CP_SPAN_SHIFT);
  sec[CP_SEC_SPANX].size = 4 * (uint64_t)w->spanx.n;
  sec[CP_SEC_SENTS].size = 4 * (uint64_t)w->sents.n;
  sec[CP_SEC_PARAS].size = 4 * (uint64_t)w->paras.n;
  sec[CP_SEC_DOCS].size = CP_SEG_DOCREC * (uint64_t)D;
  sec[CP_SEC_DOCSTR].size = w->docstr.n;
  if (!text_reserve(w, 0)) goto oom;   /* an empty builder has no block */
  textlen = w->tn - TEXT0;
  /* the stored text, compressed in zstd blocks (format 2.2, ztext.c):
  ** most of it was compressed while the documents came in */
  if ((rc = cp_ztw_finish(w->zw, &zlen, err)) != CP_OK) goto done;
  sec[CP_SEC_TEXT].size = zlen;
  sec[CP_SEC_BYID].size = 4 * (uint64_t)D;
  sec[CP_SEC_SCHEMA].size = schema.n;
  sec[CP_SEC_ATTRS].size = attrs.n;
  sec[CP_SEC_FIELDS].size = fields.n;
  sec[CP_SEC_BLKSUM].size = 0;
  for (s = 0; s < CP_SEG_NBLKSECS; s++)
    sec[CP_SEC_BLKSUM].size += 8 * cp_blksum_count(sec[cp_seg_blksec(s)].size);
  /* TEXT comes right after the header, where the builder keeps it; the
  ** other sections follow in id order.  STREAM and SPANS start on a page
  ** of the image when the builder's blocks for them are big: their pages
  ** can then be moved into the image instead of copied (see movein) */
  hdrsize = TEXT0;
  sec[CP_SEC_TEXT].off = TEXT0;
  total = align8(TEXT0 + zlen);
  order[0] = CP_SEC_TEXT;
  for (s = 1, q = 1; s < CP_SEC_COUNT; s++) {
    if (s == CP_SEC_TEXT) continue;
    if (s == CP_SEC_STREAM || s == CP_SEC_SPANS)
      total += (PAGEOFF - total % PAGE) % PAGE;   /* stays 8-aligned */
    sec[s].off = total;
    order[q++] = s;
    if (sec[s].size > SIZE_MAX / 2 - total) goto oom;
    total = align8(total + (size_t)sec[s].size);
  }
  /* a moved range ends on a page boundary, maybe past the last section */
  for (s = CP_SEC_STREAM; s <= CP_SEC_SPANS; s += CP_SEC_SPANS - CP_SEC_STREAM) {
    size_t e = (size_t)(sec[s].off + (sec[s].size + PAGE - 1) / PAGE * PAGE);
    if (e > total) total = e;
  }
  /* the last allocations that can fail come before the image exists */
  for (jq = 0; jq < nj; jq++) {
    pj.wi[jq] = (winfo *)malloc(((size_t)w->lex[CP_WORD].n + 1) * sizeof(winfo));
    pj.ni[jq] = (ninfo *)malloc(((size_t)nt[CP_NORM] + 1) * sizeof(ninfo));
    pj.si[jq] = (sinfo *)malloc(((size_t)nt[CP_STEM] + 1) * sizeof(sinfo));
    if (pj.wi[jq] == NULL || pj.ni[jq] == NULL || pj.si[jq] == NULL) goto oom;
  }
  out = (unsigned char *)realloc(w->tbuf, total);
  if (out == NULL) goto oom;        /* the builder still has its block */
  cp_advise_block(out);
  w->tbuf = NULL;                   /* it is the image now */
  w->tn = w->tcap = 0;
  if (w->stream.cap <= SIZE_MAX / 4 &&
      movein(w->stream.v, w->stream.cap * 4, out, &sec[CP_SEC_STREAM])) {
    stream_in = 1;   /* the builder's block is gone: forget it */
    w->stream.v = NULL;
    w->stream.n = w->stream.cap = 0;
  }
  if (movein(w->spang.v, w->spang.cap, out, &sec[CP_SEC_SPANS])) {
    spans_in = 1;
    w->spang.v = NULL;
    w->spang.n = w->spang.cap = 0;
  }
  /* every section is written in full below (or was moved in); only the
  ** gaps between them must be zeroed (realloc'd bytes are undefined) */
  for (q = 0; q < CP_SEC_COUNT - 1; q++) {
    size_t a = (size_t)(sec[order[q]].off + sec[order[q]].size);
    size_t b = q + 1 < CP_SEC_COUNT - 1 ? (size_t)sec[order[q + 1]].off : total;
    memset(out + a, 0, b - a);
  }
  /* the compressed text over the raw text, first: its frames' memory
  ** goes before the next steps touch the image's fresh pages, so the
  ** peak holds the text once */
  cp_ztw_write(w->zw, out + sec[CP_SEC_TEXT].off);
  cp_ztw_reset(w->zw);
  /* 4. lexicons, maps, flags */
  for (l = 0; l < CP_NLAYERS; l++) {
    uint32_t *o = (uint32_t *)(out + sec[CP_SEC_LEXO(l)].off);
    char *str = (char *)(out + sec[CP_SEC_LEXS(l)].off);
    uint32_t *f = (uint32_t *)(out + sec[CP_SEC_FREQ(l)].off);
    uint32_t k, b = 0;
    for (k = 0; k < nt[l]; k++) {
      o[k] = b;
      memcpy(str + b, ent[l][k].s, ent[l][k].len);
      b += ent[l][k].len;
      f[k] = freq[l][ent[l][k].id];
    }
    o[nt[l]] = b;
  }
  {
    uint32_t *wn = (uint32_t *)(out + sec[CP_SEC_WNORM].off);
    uint32_t *ns = (uint32_t *)(out + sec[CP_SEC_NSTEM].off);
    unsigned char *fl = out + sec[CP_SEC_WFLAGS].off;
    uint32_t *so = (uint32_t *)(out + sec[CP_SEC_SNORMO].off);
    uint32_t *sn = (uint32_t *)(out + sec[CP_SEC_SNORM].off);
    uint32_t k;
    for (k = 0; k < nt[CP_WORD]; k++) {
      uint32_t old = ent[CP_WORD][k].id;
      wn[k] = map[CP_NORM][w->word_norm.v[old]];
      fl[k] = (unsigned char)w->word_flags.v[old];
    }
    for (k = 0; k < nt[CP_NORM]; k++)
      ns[k] = map[CP_STEM][w->norm_stem.v[ent[CP_NORM][k].id]];
    /* stem -> norms by counting sort; norms come in ascending order, so
    ** each list is sorted.  'last' of the stem layer is the cursor. */
    so[0] = 0;
    for (k = 0; k < nt[CP_STEM]; k++) so[k + 1] = 0;
    for (k = 0; k < nt[CP_NORM]; k++) so[ns[k] + 1]++;
    for (k = 0; k < nt[CP_STEM]; k++) so[k + 1] += so[k];
    for (k = 0; k < nt[CP_STEM]; k++) last[CP_STEM][k] = so[k];
    for (k = 0; k < nt[CP_NORM]; k++) sn[last[CP_STEM][ns[k]]++] = k;
  }
  /* 5. stream, postings, document frequencies: jobs (job_postings),
  ** each over a range of documents */
  {
    uint32_t *st = (uint32_t *)(out + sec[CP_SEC_STREAM].off);
    uint32_t *po = (uint32_t *)(out + sec[CP_SEC_POSTO].off);
    const uint32_t *nf = (const uint32_t *)(out + sec[CP_SEC_FREQ(CP_NORM)].off);
    uint32_t nb = w->lex[CP_WORD].n, k;
    po[0] = 0;
    for (k = 0; k < nt[CP_NORM]; k++) po[k + 1] = po[k] + nf[k];
    pj.bs = stream_in ? st : w->stream.v;   /* build ids */
    pj.docs = w->docs;
    pj.map = map[CP_WORD];
    pj.wn = (const uint32_t *)(out + sec[CP_SEC_WNORM].off);
    pj.ns = (const uint32_t *)(out + sec[CP_SEC_NSTEM].off);
    pj.po = po;
    pj.nb = nb;  pj.Nn = nt[CP_NORM];  pj.Ns = nt[CP_STEM];
    pj.post = (uint32_t *)(out + sec[CP_SEC_POST].off);
    pj.st = st;
    for (jq = 0; jq < nj; jq++) pjob[jq].fn = job_postings;
    /* these jobs cannot fail, and cp_jobs_run fails only through its
    ** jobs or on bad arguments: the builder's state is the image's now,
    ** so nothing here may fail */
    (void)cp_jobs_run(pjob, nj, nj, NULL);
    {
      uint32_t *dw = (uint32_t *)(out + sec[CP_SEC_FREQ(CP_WORD)].off) + nt[CP_WORD];
      uint32_t *dn = (uint32_t *)(out + sec[CP_SEC_FREQ(CP_NORM)].off) + nt[CP_NORM];
      uint32_t *ds = (uint32_t *)(out + sec[CP_SEC_FREQ(CP_STEM)].off) + nt[CP_STEM];
      memset(dw, 0, 4 * (size_t)nt[CP_WORD]);
      memset(dn, 0, 4 * (size_t)nt[CP_NORM]);
      memset(ds, 0, 4 * (size_t)nt[CP_STEM]);
      for (jq = 0; jq < nj; jq++) {   /* a document is in one range */
        const winfo *wi = pj.wi[jq];
        const ninfo *ni = pj.ni[jq];
        const sinfo *si = pj.si[jq];
        for (k = 0; k < nb; k++)
          if (wi[k].wid != UINT32_MAX) dw[wi[k].wid] += wi[k].df;
        for (k = 0; k < nt[CP_NORM]; k++) dn[k] += ni[k].df;
        for (k = 0; k < nt[CP_STEM]; k++) ds[k] += si[k].df;
      }
    }
  }
  /* 6. spans, structure, documents */
  if (!spans_in) copysec(out, sec, CP_SEC_SPANS, w->spang.v);
  copysec(out, sec, CP_SEC_SPANC, w->spanc.v);
  copysec(out, sec, CP_SEC_SPANX, w->spanx.v);
  copysec(out, sec, CP_SEC_SENTS, w->sents.v);
  copysec(out, sec, CP_SEC_PARAS, w->paras.v);
  copysec(out, sec, CP_SEC_DOCSTR, w->docstr.v);
  copysec(out, sec, CP_SEC_SCHEMA, schema.v);
  copysec(out, sec, CP_SEC_ATTRS, attrs.v);
  copysec(out, sec, CP_SEC_FIELDS, fields.v);
  for (i = 0; i < D; i++) {
    unsigned char *r = out + sec[CP_SEC_DOCS].off + CP_SEG_DOCREC * i;
    const docrec *d = &w->docs[i];
    cp_wr32(r + CP_D_TOKSTART, d->tok_start);
    cp_wr32(r + CP_D_TOKCOUNT, d->tok_count);
    cp_wr64(r + CP_D_TEXTOFF, d->text_off);
    cp_wr64(r + CP_D_TEXTLEN, d->text_len);
    cp_wr64(r + CP_D_IDOFF, d->id_off);
    cp_wr32(r + CP_D_IDLEN, d->idlen);
    cp_wr32(r + CP_D_METALEN, d->metalen);
    cp_wr64(r + CP_D_METAOFF, d->meta_off);
    cp_wr32(out + sec[CP_SEC_BYID].off + 4 * i, byid[i].id);
  }
  /* 7. no checksums: this plain image is only the input of
  ** cp_seg_pack_image, which recomputes every one (sections, BLKSUM,
  ** header) for the image it makes; hashing the plain sections here was
  ** a pass over 200 MB for the UN debates, thrown away */
  memset(out + sec[CP_SEC_BLKSUM].off, 0, (size_t)sec[CP_SEC_BLKSUM].size);
  memcpy(out + CP_H_MAGIC, CP_SEG_MAGIC, 8);
  cp_wr32(out + CP_H_VERSION, CP_SEG_VERSION);
  cp_wr32(out + CP_H_BOM, CP_SEG_BOM);
  cp_wr32(out + CP_H_HDRSIZE, (uint32_t)hdrsize);
  cp_wr32(out + CP_H_NSECS, CP_SEC_COUNT - 1);
  cp_wr32(out + CP_H_NDOCS, (uint32_t)D);
  cp_wr32(out + CP_H_NTOK, (uint32_t)T);
  for (l = 0; l < CP_NLAYERS; l++) cp_wr32(out + CP_H_NTYPES + 4 * l, nt[l]);
  cp_wr32(out + CP_H_NSENTS, (uint32_t)w->sents.n);
  cp_wr32(out + CP_H_NPARAS, (uint32_t)w->paras.n);
  cp_wr32(out + CP_H_MINOR, CP_SEG_MINOR);
  cp_wr64(out + CP_H_INVALID, w->invalid);
  cp_wr64(out + CP_H_TEXTBYTES, textlen);
  cp_wr64(out + CP_H_SIZE, total);
  for (s = 1; s < CP_SEC_COUNT; s++)
    cp_seg_put_secent(out, (uint32_t)s - 1, (uint32_t)s, sec[s].off,
                      sec[s].size, 0);
  cp_wr64(out + hdrsize - 8, 0);
  /* the stored format packs stream and postings (format 2.3) */
  {
    void *pimg = out;
    if ((rc = cp_seg_pack_image(&pimg, &total, err)) != CP_OK) goto done;
    out = NULL;
    *img = pimg;
  }
  *size = total;
  clear(w);
  goto done;
oom:
  rc = cp_err_set(err, CP_ENOMEM, "out of memory writing the segment");
done:
  for (l = 0; l < CP_NLAYERS; l++) {
    free(freq[l]);  free(map[l]);  free(last[l]);  free(ent[l]);
  }
  free(byid);
  for (jq = 0; jq < CP_JOBS_MAXTHREADS; jq++) {
    free(pj.wi[jq]);  free(pj.ni[jq]);  free(pj.si[jq]);  free(cnt[jq]);
  }
  free(out);
  cp_bytes_free(&schema);  cp_bytes_free(&attrs);  free(dstart);
  if (rc != CP_OK) cp_ztw_truncate(w->zw, w->ndocs);   /* can add again */
  cp_bytes_free(&fields);
  return rc;
}

/* }================================================================ */

int cp_segw_set_fields (cp_segw *w, const char *list, cp_err *err) {
  if (w == NULL) return cp_err_set(err, CP_EINVAL, "no segment builder");
  return cp_fb_set(&w->fb, list, w->ndocs, err);
}

int cp_segw_fields_from (cp_segw *w, const cp_seg *const *segs, size_t n,
                         cp_err *err) {
  if (w == NULL) return cp_err_set(err, CP_EINVAL, "no segment builder");
  return cp_fb_union(&w->fb, segs, n, w->ndocs, err);
}

void cp_segw_fields (const cp_segw *w, char *buf) {
  cp_fb_list(w != NULL ? &w->fb : NULL, buf);
}
