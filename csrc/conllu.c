/*
** conllu.c -- CoNLL-U input (see conllu.h).  Hand-written: Debian
** packages no C reader of CoNLL-U, and the format is ten TAB-separated
** columns per line.  The file is read sentence by sentence; everything
** is collected in arrays of offsets (into the file, or into the pools
** this reader owns) and turned into cp_docin / cp_tokdoc records only
** at the end, when no array moves any more.
*/
#include <stdlib.h>
#include <string.h>
#include <stdio.h>

#include "conllu.h"
#include "lex.h"
#include "utf8.h"

#define NL 6   /* stored layers, in this order */
static const char *const LNAME[NL] = {
  "lemma", "upos", "xpos", "feats", "deprel", "head"
};
/* the column of each stored layer (HEAD is column 6, converted) */
static const int LCOL[NL] = {2, 3, 4, 5, 7, 6};

/* a string: in the file (pool = 0) or in cu->pool (pool = 1) */
typedef struct sref { size_t off, len; int pool; } sref;

typedef struct cspan {
  char set;                 /* 's' or 'p' */
  uint32_t start, end;      /* document-relative words */
  sref sid;                 /* sent_id (len 0: none) */
  int has_sid;
} cspan;

typedef struct cdoc {
  size_t tok0, ntok, sp0, nsp, text0, textlen;
  sref id;
} cdoc;

struct cp_conllu {
  const char *buf;
  cp_bytes text, pool;
  cp_tokin *tok;  size_t ntok, captok;
  sref *val;      size_t capval;            /* NL per token */
  cspan *sp;      size_t nsp, capsp;
  cdoc *doc;      size_t ndoc, capdoc;
  size_t openp;                             /* open paragraph span + 1, 0: none */
  /* the output, made by cp_conllu_docs */
  cp_docin *di;  cp_tokdoc *td;  cp_layerin *li;
  const char **vp;  size_t *vl;
  cp_spanin *spin;  cp_attr *attrs;
};

static const char *sstr (const cp_conllu *cu, sref r) {
  if (r.len == 0) return "";   /* the pool may have no bytes yet */
  return r.pool ? cu->pool.v + r.off : cu->buf + r.off;
}

/* {================================================================
** Lines and fields
** ================================================================= */

typedef struct line {
  size_t off, len;   /* without the newline (and a CR before it) */
  size_t no;         /* 1-based line number */
} line;

/* the sentence being read */
typedef struct sent {
  line *tl;  size_t ntl, captl;   /* token lines */
  sref text, sid;
  int has_text, has_sid, newdoc, newpar;
  sref docid;  int has_docid;
  size_t first_no;
} sent;

static int err_at (cp_err *err, int code, size_t no, const char *msg,
                   const char *a, size_t al) {
  if (a != NULL)
    return cp_err_set(err, code, "CoNLL-U line %zu: %s '%.*s'", no, msg,
                      (int)(al > 60 ? 60 : al), a);
  return cp_err_set(err, code, "CoNLL-U line %zu: %s", no, msg);
}

/* split a token line into exactly 10 fields; 0 if the count differs */
static int fields (const char *s, size_t n, const char **f, size_t *fl) {
  size_t i, k = 0, st = 0;
  for (i = 0; i <= n; i++)
    if (i == n || s[i] == '\t') {
      if (k == 10) return 0;
      f[k] = s + st;
      fl[k] = i - st;
      k++;
      st = i + 1;
    }
  return k == 10;
}

/* a decimal number of 1..9 digits; -1 if not */
static long num (const char *s, size_t n) {
  long v = 0;
  size_t i;
  if (n == 0 || n > 9) return -1;
  for (i = 0; i < n; i++) {
    if (s[i] < '0' || s[i] > '9') return -1;
    v = v * 10 + (s[i] - '0');
  }
  return v;
}

/* does MISC contain SpaceAfter=No? */
static int no_space_after (const char *m, size_t n) {
  size_t i = 0;
  while (i < n) {
    size_t j = i;
    while (j < n && m[j] != '|') j++;
    if (j - i == 12 && memcmp(m + i, "SpaceAfter=No", 12) == 0) return 1;
    if (j - i == 13 && memcmp(m + i, "SpaceAfter=No", 13) == 0) return 1;
    i = j + 1;
  }
  return 0;
}

/* }================================================================ */


/* {================================================================
** Sentences
** ================================================================= */

typedef struct unit {     /* a surface token: a word or a multiword token */
  const char *form;  size_t flen;
  int nospace;
  size_t w0, w1;          /* its words [w0, w1) in the sentence */
  size_t b0, b1;          /* its bytes in the sentence text */
} unit;

static cdoc *cur_doc (cp_conllu *cu) { return &cu->doc[cu->ndoc - 1]; }

static int new_doc (cp_conllu *cu, sref id, cp_err *err) {
  cdoc *d;
  if (!cp_grow((void **)&cu->doc, &cu->capdoc, cu->ndoc + 1, sizeof(cdoc)))
    return cp_err_set(err, CP_ENOMEM, "out of memory reading CoNLL-U");
  d = &cu->doc[cu->ndoc++];
  memset(d, 0, sizeof(*d));
  d->tok0 = cu->ntok;
  d->sp0 = cu->nsp;
  d->text0 = cu->text.n;
  d->id = id;
  cu->openp = 0;
  return CP_OK;
}

static int add_span (cp_conllu *cu, char set, uint32_t s, uint32_t e,
                     sref sid, int has_sid) {
  cspan *x;
  if (!cp_grow((void **)&cu->sp, &cu->capsp, cu->nsp + 1, sizeof(cspan)))
    return 0;
  x = &cu->sp[cu->nsp++];
  x->set = set;  x->start = s;  x->end = e;
  x->sid = sid;  x->has_sid = has_sid;
  cur_doc(cu)->nsp++;
  return 1;
}

#define OOM() cp_err_set(err, CP_ENOMEM, "out of memory reading CoNLL-U")

/*
** A complete sentence (its blank line was read): check and convert its
** token lines, place its text in the document's text, add its words.
*/
static int do_sentence (cp_conllu *cu, sent *st, unit **ub, size_t *ucap,
                        int *parstart, cp_err *err) {
  const char *f[10];
  size_t fl[10], i, nw = 0, nu = 0, mwt_end = 0, base, tbase, textlen;
  cdoc *d = cur_doc(cu);
  unit *u;
  char sep[2];
  size_t nsep = 0;
  if (st->ntl == 0) return CP_OK;
  if (!cp_grow((void **)ub, ucap, st->ntl + 1, sizeof(unit))) return OOM();
  u = *ub;
  base = d->ntok;
  /* 1. ids, forms, units */
  for (i = 0; i < st->ntl; i++) {
    const line *ln = &st->tl[i];
    const char *s = cu->buf + ln->off;
    const char *dash, *dot;
    if (!fields(s, ln->len, f, fl))
      return err_at(err, CP_ESYNTAX, ln->no, "a token line needs 10 "
                    "TAB-separated columns", NULL, 0);
    {   /* CoNLL-U: fields are never empty ("_" is "none") */
      size_t k;
      for (k = 0; k < 10; k++)
        if (fl[k] == 0)
          return err_at(err, CP_ESYNTAX, ln->no, "an empty column (CoNLL-U "
                        "writes _ for none)", NULL, 0);
    }
    dash = memchr(f[0], '-', fl[0]);
    dot = memchr(f[0], '.', fl[0]);
    if (dot != NULL) {   /* an empty node: skipped, but well-formed */
      if (num(f[0], (size_t)(dot - f[0])) < 0 ||
          num(dot + 1, fl[0] - (size_t)(dot - f[0]) - 1) < 1)
        return err_at(err, CP_ESYNTAX, ln->no, "bad ID", f[0], fl[0]);
      continue;
    }
    if (dash != NULL) {   /* a multiword token a-b */
      long a = num(f[0], (size_t)(dash - f[0]));
      long b = num(dash + 1, fl[0] - (size_t)(dash - f[0]) - 1);
      if (a < 1 || b < a)
        return err_at(err, CP_ESYNTAX, ln->no, "bad ID", f[0], fl[0]);
      if ((size_t)a != nw + 1 || mwt_end > nw)
        return err_at(err, CP_ESYNTAX, ln->no, "ID out of order", f[0], fl[0]);
      u[nu].form = f[1];  u[nu].flen = fl[1];
      u[nu].nospace = no_space_after(f[9], fl[9]);
      u[nu].w0 = nw;  u[nu].w1 = (size_t)b;
      nu++;
      mwt_end = (size_t)b;
      continue;
    }
    {
      long id = num(f[0], fl[0]);
      if (id < 1)
        return err_at(err, CP_ESYNTAX, ln->no, "bad ID", f[0], fl[0]);
      if ((size_t)id != nw + 1)
        return err_at(err, CP_ESYNTAX, ln->no, "ID out of order", f[0], fl[0]);
    }
    if (mwt_end <= nw) {   /* a word on its own is a unit */
      u[nu].form = f[1];  u[nu].flen = fl[1];
      u[nu].nospace = no_space_after(f[9], fl[9]);
      u[nu].w0 = nw;  u[nu].w1 = nw + 1;
      nu++;
    }
    nw++;
  }
  if (mwt_end > nw)
    return err_at(err, CP_ESYNTAX, st->tl[st->ntl - 1].no, "multiword token "
                  "range goes past the sentence's last word", NULL, 0);
  if (nw == 0) return CP_OK;
  if (base + nw > UINT32_MAX / 2) return cp_err_set(err, CP_ELIMIT, "document too long");
  /* 2. the sentence's text: '# text', or the forms */
  if (d->ntok > 0) { sep[0] = sep[1] = *parstart ? '\n' : ' '; nsep = *parstart ? 2 : 1; }
  if (!cp_bytes_append(&cu->text, sep, nsep)) return OOM();
  tbase = cu->text.n - d->text0;
  if (st->has_text) {
    const char *t = sstr(cu, st->text);
    size_t tl = st->text.len, at = 0, k;
    for (k = 0; k < nu; k++) {
      const char *hit = NULL;
      while (at < tl && (t[at] == ' ' || t[at] == '\t')) at++;
      if (u[k].flen <= tl - at && memcmp(t + at, u[k].form, u[k].flen) == 0)
        hit = t + at;
      if (hit == NULL)
        return err_at(err, CP_ESYNTAX, st->first_no, "form not found in "
                      "'# text' of the sentence", u[k].form, u[k].flen);
      u[k].b0 = (size_t)(hit - t);
      u[k].b1 = u[k].b0 + u[k].flen;
      at = u[k].b1;
    }
    if (!cp_bytes_append(&cu->text, t, tl)) return OOM();
    textlen = tl;
  }
  else {
    size_t k, at = 0;
    for (k = 0; k < nu; k++) {
      u[k].b0 = at;
      u[k].b1 = at + u[k].flen;
      if (!cp_bytes_append(&cu->text, u[k].form, u[k].flen)) return OOM();
      at += u[k].flen;
      if (k + 1 < nu && !u[k].nospace) {
        if (!cp_bytes_append(&cu->text, " ", 1)) return OOM();
        at++;
      }
    }
    textlen = at;
  }
  (void)textlen;
  /* 3. words: form, span, layers (HEAD becomes a document position) */
  if (!cp_grow((void **)&cu->tok, &cu->captok, cu->ntok + nw, sizeof(cp_tokin)) ||
      !cp_grow((void **)&cu->val, &cu->capval, (cu->ntok + nw) * NL, sizeof(sref)))
    return OOM();
  {
    size_t k = 0, w = 0;
    for (i = 0; i < st->ntl; i++) {
      const line *ln = &st->tl[i];
      const char *s = cu->buf + ln->off;
      cp_tokin *t;
      sref *v;
      int l;
      long head;
      fields(s, ln->len, f, fl);
      if (memchr(f[0], '-', fl[0]) || memchr(f[0], '.', fl[0])) continue;
      while (k < nu && u[k].w1 <= w) k++;
      t = &cu->tok[cu->ntok + w];
      v = &cu->val[(cu->ntok + w) * NL];
      t->form = f[1];
      t->formlen = fl[1];
      t->start = (uint32_t)(tbase + u[k].b0);
      t->stop = (uint32_t)(tbase + u[k].b1);
      t->flags = 0;
      for (l = 0; l < NL - 1; l++) {
        v[l].off = (size_t)(f[LCOL[l]] - cu->buf);
        v[l].len = fl[LCOL[l]];
        v[l].pool = 0;
      }
      head = num(f[6], fl[6]);
      if (head < 0)
        return err_at(err, CP_ESYNTAX, ln->no, "HEAD is not an integer",
                      f[6], fl[6]);
      if ((size_t)head > nw)
        return err_at(err, CP_ESYNTAX, ln->no, "HEAD is past the sentence's "
                      "last word", f[6], fl[6]);
      v[NL - 1].pool = 1;
      v[NL - 1].off = cu->pool.n;
      if (head > 0) {
        char b[24];
        int bn = snprintf(b, sizeof(b), "%zu", base + (size_t)head - 1);
        if (!cp_bytes_append(&cu->pool, b, (size_t)bn)) return OOM();
        v[NL - 1].len = (size_t)bn;
      }
      else v[NL - 1].len = 0;
      w++;
    }
  }
  cu->ntok += nw;
  d->ntok += nw;
  /* 4. the sentence span, and the paragraph bookkeeping */
  if (!add_span(cu, 's', (uint32_t)base, (uint32_t)(base + nw), st->sid,
                st->has_sid))
    return OOM();
  if (*parstart) {
    sref none = {0, 0, 0};
    if (!add_span(cu, 'p', (uint32_t)base, (uint32_t)(base + nw), none, 0))
      return OOM();
    cu->openp = cu->nsp;
  }
  else if (cu->openp > 0)   /* extend the document's open paragraph */
    cu->sp[cu->openp - 1].end = (uint32_t)(base + nw);
  *parstart = 0;
  return CP_OK;
}

/* }================================================================ */


/* "# key = value" or "# key": *k, *v set (v may be empty) */
static void comment (const char *s, size_t n, const char **k, size_t *kl,
                     const char **v, size_t *vl) {
  size_t i = 1, j;
  while (i < n && s[i] == ' ') i++;
  j = i;
  while (j < n && s[j] != '=') j++;
  *k = s + i;
  *kl = j - i;
  while (*kl > 0 && (*k)[*kl - 1] == ' ') (*kl)--;
  if (j < n) {
    j++;
    while (j < n && s[j] == ' ') j++;
    *v = s + j;
    *vl = n - j;
    while (*vl > 0 && ((*v)[*vl - 1] == ' ' || (*v)[*vl - 1] == '\t')) (*vl)--;
  }
  else { *v = s + n; *vl = 0; }
}

static int keyis (const char *k, size_t kl, const char *w) {
  return kl == strlen(w) && memcmp(k, w, kl) == 0;
}

int cp_conllu_parse (const char *buf, size_t len, const char *defid,
                     size_t defidlen, cp_conllu **out, cp_err *err) {
  cp_conllu *cu;
  sent st;
  unit *ub = NULL;
  size_t ucap = 0, pos = 0, no = 0, ndef = 0, vlen;
  int rc = CP_OK, parstart = 1, inblock = 0;
  if (out == NULL || (buf == NULL && len > 0) || defid == NULL || defidlen == 0)
    return cp_err_set(err, CP_EINVAL, "cp_conllu_parse: bad arguments");
  *out = NULL;
  vlen = cp_utf8_validlen(buf ? buf : "", len);
  if (vlen != len) {
    size_t i, ln = 1;
    for (i = 0; i < vlen; i++) ln += buf[i] == '\n';
    return cp_err_set(err, CP_ESYNTAX, "CoNLL-U line %zu: invalid UTF-8", ln);
  }
  if ((cu = (cp_conllu *)calloc(1, sizeof(*cu))) == NULL) return OOM();
  cu->buf = buf;
  memset(&st, 0, sizeof(st));
  while (pos < len && rc == CP_OK) {
    const char *nl = memchr(buf + pos, '\n', len - pos);
    size_t e = nl ? (size_t)(nl - buf) : len, n = e - pos;
    const char *s = buf + pos;
    no++;
    if (n > 0 && s[n - 1] == '\r') n--;
    if (nl == NULL && n > 0 && s[0] != '#') {
      /* a last line without its newline: still a line, but the blank
      ** line that must end the sentence is missing */
    }
    if (n == 0) {                             /* blank: end of a sentence */
      if (inblock) {
        if (cu->ndoc == 0 || st.newdoc) {
          sref id;
          if (st.has_docid) id = st.docid;
          else {
            char b[32];
            int bn = snprintf(b, sizeof(b), ndef ? "-%zu" : "", ndef + 1);
            id.pool = 1;
            id.off = cu->pool.n;
            if (!cp_bytes_append(&cu->pool, defid, defidlen) ||
                !cp_bytes_append(&cu->pool, b, (size_t)bn)) { rc = OOM(); break; }
            id.len = defidlen + (size_t)bn;
            ndef++;
          }
          if ((rc = new_doc(cu, id, err)) != CP_OK) break;
          parstart = 1;
        }
        if (st.newpar) parstart = 1;
        rc = do_sentence(cu, &st, &ub, &ucap, &parstart, err);
      }
      st.ntl = 0;
      st.has_text = st.has_sid = st.newdoc = st.newpar = st.has_docid = 0;
      inblock = 0;
    }
    else if (s[0] == '#') {
      const char *k, *v;
      size_t kl, vl;
      if (st.ntl > 0) {
        rc = err_at(err, CP_ESYNTAX, no, "a comment inside a sentence", NULL, 0);
        break;
      }
      if (!inblock) st.first_no = no;
      inblock = 1;
      comment(s, n, &k, &kl, &v, &vl);
      if (keyis(k, kl, "newdoc") || keyis(k, kl, "newdoc id")) {
        st.newdoc = 1;
        if (vl > 0) {
          st.has_docid = 1;
          st.docid.off = (size_t)(v - buf);  st.docid.len = vl;  st.docid.pool = 0;
        }
      }
      else if (keyis(k, kl, "newpar") || keyis(k, kl, "newpar id"))
        st.newpar = 1;
      else if (keyis(k, kl, "sent_id")) {
        st.has_sid = 1;
        st.sid.off = (size_t)(v - buf);  st.sid.len = vl;  st.sid.pool = 0;
      }
      else if (keyis(k, kl, "text")) {
        st.has_text = 1;
        st.text.off = (size_t)(v - buf);  st.text.len = vl;  st.text.pool = 0;
      }
    }
    else {
      if (!inblock) st.first_no = no;
      inblock = 1;
      if (!cp_grow((void **)&st.tl, &st.captl, st.ntl + 1, sizeof(line))) {
        rc = OOM();
        break;
      }
      st.tl[st.ntl].off = pos;
      st.tl[st.ntl].len = n;
      st.tl[st.ntl].no = no;
      st.ntl++;
    }
    pos = nl ? e + 1 : len;
  }
  if (rc == CP_OK && st.ntl > 0)
    rc = err_at(err, CP_ESYNTAX, no, "missing blank line after the last "
                "sentence", NULL, 0);
  free(st.tl);
  free(ub);
  if (rc == CP_OK)
    for (pos = 0; pos < cu->ndoc; pos++)
      cu->doc[pos].textlen = (pos + 1 < cu->ndoc ? cu->doc[pos + 1].text0
                                                 : cu->text.n) - cu->doc[pos].text0;
  if (rc != CP_OK) { cp_conllu_free(cu); return rc; }
  *out = cu;
  return CP_OK;
}

size_t cp_conllu_docs (cp_conllu *cu, const cp_meta *meta, size_t nmeta,
                       const cp_docin **docs) {
  size_t d, i, l, nsa = 0;
  if (cu == NULL) { *docs = NULL; return 0; }
  free(cu->di); free(cu->td); free(cu->li); free(cu->vp); free(cu->vl);
  free(cu->spin); free(cu->attrs);
  cu->di = (cp_docin *)calloc(cu->ndoc + 1, sizeof(cp_docin));
  cu->td = (cp_tokdoc *)calloc(cu->ndoc + 1, sizeof(cp_tokdoc));
  cu->li = (cp_layerin *)calloc(cu->ndoc * NL + 1, sizeof(cp_layerin));
  cu->vp = (const char **)calloc(cu->ntok * NL + 1, sizeof(char *));
  cu->vl = (size_t *)calloc(cu->ntok * NL + 1, sizeof(size_t));
  cu->spin = (cp_spanin *)calloc(cu->nsp + 1, sizeof(cp_spanin));
  cu->attrs = (cp_attr *)calloc(cu->nsp + 1, sizeof(cp_attr));
  if (!cu->di || !cu->td || !cu->li || !cu->vp || !cu->vl || !cu->spin ||
      !cu->attrs) {
    *docs = NULL;
    return 0;
  }
  for (d = 0; d < cu->ndoc; d++) {
    const cdoc *c = &cu->doc[d];
    cp_tokdoc *t = &cu->td[d];
    for (l = 0; l < NL; l++) {
      cp_layerin *li = &cu->li[d * NL + l];
      li->name = LNAME[l];
      li->namelen = strlen(LNAME[l]);
      for (i = 0; i < c->ntok; i++) {
        const sref *v = &cu->val[(c->tok0 + i) * NL + l];
        cu->vp[l * cu->ntok + c->tok0 + i] = sstr(cu, *v);
        cu->vl[l * cu->ntok + c->tok0 + i] = v->len;
      }
      li->vals = cu->vp + l * cu->ntok + c->tok0;
      li->lens = cu->vl + l * cu->ntok + c->tok0;
    }
    for (i = 0; i < c->nsp; i++) {
      const cspan *x = &cu->sp[c->sp0 + i];
      cp_spanin *y = &cu->spin[c->sp0 + i];
      y->set = x->set == 's' ? "s" : "p";
      y->setlen = 1;
      y->start = x->start;
      y->end = x->end;
      if (x->has_sid) {
        cp_attr *a = &cu->attrs[nsa++];
        a->key = "sent_id";  a->keylen = 7;
        a->val = sstr(cu, x->sid);  a->vallen = x->sid.len;
        y->attrs = a;
        y->nattrs = 1;
      }
    }
    t->text = cu->text.v ? cu->text.v + c->text0 : "";
    t->textlen = c->textlen;
    t->tok = cu->tok != NULL ? cu->tok + c->tok0 : NULL;   /* no token at all */
    t->ntok = c->ntok;
    t->layers = cu->li + d * NL;
    t->nlayers = NL;
    t->spans = cu->spin + c->sp0;
    t->nspans = c->nsp;
    cu->di[d].id = sstr(cu, c->id);
    cu->di[d].idlen = c->id.len;
    cu->di[d].meta = meta;
    cu->di[d].nmeta = nmeta;
    cu->di[d].tokens = t;
  }
  *docs = cu->di;
  return cu->ndoc;
}

void cp_conllu_free (cp_conllu *cu) {
  if (cu == NULL) return;
  cp_bytes_free(&cu->text);
  cp_bytes_free(&cu->pool);
  free(cu->tok); free(cu->val); free(cu->sp); free(cu->doc);
  free(cu->di); free(cu->td); free(cu->li); free(cu->vp); free(cu->vl);
  free(cu->spin); free(cu->attrs);
  free(cu);
}

int cp_corpus_add_conllu (cp_corpus *c, const char *buf, size_t len,
                          const char *defid, size_t defidlen,
                          const cp_meta *meta, size_t nmeta, size_t *ndocs,
                          cp_err *err) {
  cp_conllu *cu;
  const cp_docin *docs;
  size_t n;
  int rc;
  if (ndocs) *ndocs = 0;
  if (c == NULL) return cp_err_set(err, CP_EINVAL, "no corpus");
  if ((rc = cp_conllu_parse(buf, len, defid, defidlen, &cu, err)) != CP_OK)
    return rc;
  n = cp_conllu_docs(cu, meta, nmeta, &docs);
  if (docs == NULL) {
    cp_conllu_free(cu);
    return cp_err_set(err, CP_ENOMEM, "out of memory reading CoNLL-U");
  }
  rc = cp_corpus_add(c, docs, n, err);
  if (rc == CP_OK && ndocs) *ndocs = n;
  cp_conllu_free(cu);
  return rc;
}
