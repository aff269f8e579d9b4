/*
** vrt.c -- CWB vertical text input (see vrt.h).  Hand-written: Debian
** packages no VRT reader in C, and the format is one token or one tag
** per line.  Every string read (decoded) goes to one pool and is named
** by its offset; the cp_docin / cp_tokdoc records are made at the end,
** when the pool no longer moves.
*/
#include <stdlib.h>
#include <string.h>
#include <stdio.h>

#include "vrt.h"
#include "lex.h"
#include "segattr.h"
#include "utf8.h"

#define MAXCOLS 32
#define MAXDEPTH 64
#define MAXATTRS 32

typedef struct sref { size_t off, len; } sref;

typedef struct vspan {
  sref set;
  uint32_t start, end;   /* document-relative tokens */
  size_t a0, na;         /* attributes in 'attr' */
} vspan;

typedef struct vdoc {
  size_t tok0, ntok, sp0, nsp, text0, textlen, m0, nm;
  sref id;
} vdoc;

typedef struct open_tag {
  sref name;
  size_t a0, na;
  uint32_t start;
  size_t line;
} open_tag;

typedef struct vr {
  const char *buf;
  size_t ncols, wcol;
  cp_bytes pool, text;
  sref *val;  size_t nval, capval;     /* ncols per token */
  cp_tokin *tok;  size_t ntok, captok; /* start/stop; form set at the end */
  vspan *sp;  size_t nsp, capsp;
  sref *attr;  size_t nattr, capattr;  /* key, value pairs */
  vdoc *doc;  size_t ndoc, capdoc;
  open_tag stack[MAXDEPTH];
  size_t depth;
  int intext;
  char pending_sep;       /* what goes before the next token: ' ', 's', 'p' */
} vr;

#define OOM() cp_err_set(err, CP_ENOMEM, "out of memory reading VRT")

static int lerr (cp_err *err, size_t no, const char *msg) {
  return cp_err_set(err, CP_ESYNTAX, "VRT line %zu: %s", no, msg);
}

/* append s[0..n) to the pool with the five XML entities decoded */
static int put_decoded (vr *v, const char *s, size_t n, sref *out) {
  size_t i = 0;
  out->off = v->pool.n;
  while (i < n) {
    const char *amp = memchr(s + i, '&', n - i);
    size_t k = amp ? (size_t)(amp - s) : n;
    if (!cp_bytes_append(&v->pool, s + i, k - i)) return 0;
    i = k;
    if (amp == NULL) break;
    {
      static const struct { const char *e; char c; } ent[] = {
        {"&amp;", '&'}, {"&lt;", '<'}, {"&gt;", '>'}, {"&quot;", '"'},
        {"&apos;", '\''}};
      size_t j;
      int hit = 0;
      for (j = 0; j < 5 && !hit; j++) {
        size_t el = strlen(ent[j].e);
        if (n - i >= el && memcmp(s + i, ent[j].e, el) == 0) {
          if (!cp_bytes_append(&v->pool, &ent[j].c, 1)) return 0;
          i += el;
          hit = 1;
        }
      }
      if (!hit) {   /* a lone '&' is kept */
        if (!cp_bytes_append(&v->pool, "&", 1)) return 0;
        i++;
      }
    }
  }
  out->len = v->pool.n - out->off;
  return 1;
}

/* a pooled string ("" when empty: the pool may have no bytes yet) */
static const char *P (const vr *v, sref r) {
  return r.len ? v->pool.v + r.off : "";
}

static int is_namec (char c, int first) {
  return (c >= 'a' && c <= 'z') || c == '_' ||
         (!first && c >= '0' && c <= '9');
}

/*
** Parse a tag line "<name a="v" ...>", "</name>" or "<name .../>":
** *kind is 1 open, 2 close, 3 empty; attributes are appended to v->attr.
** Returns 0 for a bad tag.
*/
static int parse_tag (vr *v, const char *s, size_t n, int *kind, sref *name,
                      size_t *a0, size_t *na, int *oom) {
  size_t i = 1, ns;
  *oom = 0;
  *a0 = v->nattr;
  *na = 0;
  if (n < 3 || s[0] != '<' || s[n - 1] != '>') return 0;
  n--;                          /* drop '>' */
  *kind = 1;
  if (s[i] == '/') { *kind = 2; i++; }
  else if (s[n - 1] == '/') { *kind = 3; n--; }
  ns = i;
  if (i >= n || !is_namec(s[i], 1)) return 0;
  while (i < n && is_namec(s[i], 0)) i++;
  name->off = v->pool.n;
  if (!cp_bytes_append(&v->pool, s + ns, i - ns)) { *oom = 1; return 0; }
  name->len = i - ns;
  for (;;) {
    size_t k0, v0;
    while (i < n && (s[i] == ' ' || s[i] == '\t')) i++;
    if (i >= n) break;
    if (*kind == 2) return 0;   /* a closing tag has no attributes */
    k0 = i;
    if (!is_namec(s[i], 1)) return 0;
    while (i < n && is_namec(s[i], 0)) i++;
    if (i >= n || s[i] != '=') return 0;
    if (*na >= MAXATTRS) return 0;
    {
      size_t kl = i - k0;
      char q;
      i++;
      if (i >= n || (s[i] != '"' && s[i] != '\'')) return 0;
      q = s[i++];
      v0 = i;
      while (i < n && s[i] != q) i++;
      if (i >= n) return 0;
      if (!cp_grow((void **)&v->attr, &v->capattr, v->nattr + 2, sizeof(sref))) {
        *oom = 1;
        return 0;
      }
      v->attr[v->nattr].off = v->pool.n;
      v->attr[v->nattr].len = kl;
      if (!cp_bytes_append(&v->pool, s + k0, kl) ||
          !put_decoded(v, s + v0, i - v0, &v->attr[v->nattr + 1])) {
        *oom = 1;
        return 0;
      }
      v->nattr += 2;
      (*na)++;
      i++;
    }
  }
  return 1;
}

static int same (const vr *v, sref a, sref b) {
  return a.len == b.len && memcmp(P(v, a), P(v, b), a.len) == 0;
}

static int isname (const vr *v, sref a, const char *w) {
  return a.len == strlen(w) && memcmp(P(v, a), w, a.len) == 0;
}

static vdoc *cur (vr *v) { return &v->doc[v->ndoc - 1]; }

static int do_tag (vr *v, const char *s, size_t n, size_t no,
                   const char *defid, size_t defidlen, size_t *ndef,
                   cp_err *err) {
  int kind, oom;
  sref name;
  size_t a0, na, k;
  if (!parse_tag(v, s, n, &kind, &name, &a0, &na, &oom))
    return oom ? OOM() : lerr(err, no, "bad tag");
  if (isname(v, name, "text")) {
    if (kind == 1) {
      vdoc *d;
      if (v->intext) return lerr(err, no, "<text> inside <text>");
      if (!cp_grow((void **)&v->doc, &v->capdoc, v->ndoc + 1, sizeof(vdoc)))
        return OOM();
      d = &v->doc[v->ndoc++];
      memset(d, 0, sizeof(*d));
      d->tok0 = v->ntok;
      d->sp0 = v->nsp;
      d->text0 = v->text.n;
      d->m0 = a0;
      d->nm = na;
      d->id.len = 0;
      for (k = 0; k < na; k++)
        if (isname(v, v->attr[a0 + 2 * k], "id")) d->id = v->attr[a0 + 2 * k + 1];
      if (d->id.len == 0) {   /* a default id */
        char b[32];
        int bn = snprintf(b, sizeof(b), *ndef ? "-%zu" : "", *ndef + 1);
        d->id.off = v->pool.n;
        if (!cp_bytes_append(&v->pool, defid, defidlen) ||
            !cp_bytes_append(&v->pool, b, (size_t)bn))
          return OOM();
        d->id.len = defidlen + (size_t)bn;
        (*ndef)++;
      }
      v->intext = 1;
      v->depth = 0;
      v->pending_sep = 0;
      return CP_OK;
    }
    if (kind == 2) {
      if (!v->intext) return lerr(err, no, "</text> without <text>");
      if (v->depth > 0) {
        char m[160];
        snprintf(m, sizeof(m), "unclosed <%.*s> (opened on line %zu) at "
                 "</text>", (int)v->stack[v->depth - 1].name.len,
                 P(v, v->stack[v->depth - 1].name), v->stack[v->depth - 1].line);
        return lerr(err, no, m);
      }
      v->intext = 0;
      cur(v)->textlen = v->text.n - cur(v)->text0;
      return CP_OK;
    }
    return lerr(err, no, "an empty <text/>");
  }
  if (!v->intext) return lerr(err, no, "a tag outside <text>");
  if (!cp_ab_name_ok(P(v, name), name.len))
    return lerr(err, no, "bad tag name (span sets are named [a-z][a-z0-9_]*)");
  if (kind == 3) return CP_OK;   /* an empty element holds no token */
  if (kind == 1) {
    open_tag *o;
    if (v->depth == MAXDEPTH) return lerr(err, no, "tags nested too deeply");
    o = &v->stack[v->depth++];
    o->name = name;
    o->a0 = a0;
    o->na = na;
    o->start = (uint32_t)cur(v)->ntok;
    o->line = no;
    return CP_OK;
  }
  /* closing: must match the innermost open tag */
  if (v->depth == 0 || !same(v, v->stack[v->depth - 1].name, name)) {
    char m[200];
    if (v->depth == 0)
      snprintf(m, sizeof(m), "</%.*s> closes no open tag", (int)name.len,
               P(v, name));
    else
      snprintf(m, sizeof(m), "</%.*s> crosses <%.*s> opened on line %zu",
               (int)name.len, P(v, name),
               (int)v->stack[v->depth - 1].name.len,
               P(v, v->stack[v->depth - 1].name), v->stack[v->depth - 1].line);
    return lerr(err, no, m);
  }
  {
    open_tag *o = &v->stack[--v->depth];
    uint32_t end = (uint32_t)cur(v)->ntok;
    if (end > o->start) {
      vspan *x;
      if (!cp_grow((void **)&v->sp, &v->capsp, v->nsp + 1, sizeof(vspan)))
        return OOM();
      x = &v->sp[v->nsp++];
      x->set = o->name;
      x->start = o->start;
      x->end = end;
      x->a0 = o->a0;
      x->na = o->na;
      cur(v)->nsp++;
    }
    if (isname(v, name, "p")) v->pending_sep = 'p';
    else if (isname(v, name, "s") && v->pending_sep != 'p') v->pending_sep = 's';
  }
  return CP_OK;
}

static int do_token (vr *v, const char *s, size_t n, size_t no, cp_err *err) {
  size_t i, k = 0, st = 0;
  vdoc *d;
  cp_tokin *t;
  if (!v->intext) return lerr(err, no, "a token outside <text>");
  d = cur(v);
  if (!cp_grow((void **)&v->val, &v->capval, (v->ntok + 1) * v->ncols, sizeof(sref)) ||
      !cp_grow((void **)&v->tok, &v->captok, v->ntok + 1, sizeof(cp_tokin)))
    return OOM();
  for (i = 0; i <= n; i++)
    if (i == n || s[i] == '\t') {
      if (k == v->ncols) {
        char m[96];
        snprintf(m, sizeof(m), "more than the %zu columns named", v->ncols);
        return lerr(err, no, m);
      }
      if (!put_decoded(v, s + st, i - st, &v->val[v->ntok * v->ncols + k]))
        return OOM();
      k++;
      st = i + 1;
    }
  if (k != v->ncols) {
    char m[96];
    snprintf(m, sizeof(m), "%zu columns where %zu are named", k, v->ncols);
    return lerr(err, no, m);
  }
  if (v->val[v->ntok * v->ncols + v->wcol].len == 0)
    return lerr(err, no, "an empty word");   /* a token of no bytes */
  if (d->ntok > 0) {
    const char *sep = v->pending_sep == 'p' ? "\n\n" : v->pending_sep == 's' ? "\n" : " ";
    if (!cp_bytes_append(&v->text, sep, strlen(sep))) return OOM();
  }
  v->pending_sep = 0;
  t = &v->tok[v->ntok];
  {
    sref w = v->val[v->ntok * v->ncols + v->wcol];
    t->start = (uint32_t)(v->text.n - d->text0);
    if (!cp_bytes_append(&v->text, P(v, w), w.len)) return OOM();
    t->stop = (uint32_t)(v->text.n - d->text0);
    if (v->text.n - d->text0 >= UINT32_MAX / 2)
      return lerr(err, no, "document text too long");
  }
  t->form = NULL;
  t->formlen = 0;
  t->flags = 0;
  v->ntok++;
  d->ntok++;
  return CP_OK;
}

int cp_corpus_add_vrt (cp_corpus *c, const char *buf, size_t len,
                       const char *defid, size_t defidlen,
                       const char *const *columns, const size_t *collens,
                       size_t ncols, const cp_meta *meta, size_t nmeta,
                       size_t *ndocs, cp_err *err) {
  vr v;
  size_t pos = 0, no = 0, ndef = 0, i, k, vlen;
  int rc = CP_OK, haveword = 0;
  cp_docin *di = NULL;
  cp_tokdoc *td = NULL;
  cp_layerin *li = NULL;
  const char **vp = NULL;
  size_t *vl = NULL;
  cp_spanin *spin = NULL;
  cp_attr *at = NULL;
  cp_meta *mt = NULL;
  if (ndocs) *ndocs = 0;
  if (c == NULL || (buf == NULL && len > 0) || defid == NULL || defidlen == 0
      || columns == NULL || collens == NULL || ncols == 0 || ncols > MAXCOLS
      || (meta == NULL && nmeta > 0))
    return cp_err_set(err, CP_EINVAL, "cp_corpus_add_vrt: bad arguments");
  memset(&v, 0, sizeof(v));
  v.buf = buf;
  v.ncols = ncols;
  for (i = 0; i < ncols; i++) {
    if (!cp_ab_name_ok(columns[i], collens[i]) ||
        (collens[i] == 4 && (memcmp(columns[i], "norm", 4) == 0 ||
                             memcmp(columns[i], "stem", 4) == 0)))
      return cp_err_set(err, CP_EINVAL, "bad column name '%.*s' (columns "
                        "are named [a-z][a-z0-9_]*, not norm or stem)",
                        (int)(collens[i] > 64 ? 64 : collens[i]), columns[i]);
    for (k = 0; k < i; k++)
      if (collens[k] == collens[i] && memcmp(columns[k], columns[i], collens[i]) == 0)
        return cp_err_set(err, CP_EINVAL, "column '%.*s' named twice",
                          (int)collens[i], columns[i]);
    if (collens[i] == 4 && memcmp(columns[i], "word", 4) == 0) {
      v.wcol = i;
      haveword = 1;
    }
  }
  if (!haveword)
    return cp_err_set(err, CP_EINVAL, "VRT columns must name one 'word'");
  vlen = cp_utf8_validlen(buf ? buf : "", len);
  if (vlen != len) {
    size_t ln = 1;
    for (i = 0; i < vlen; i++) ln += buf[i] == '\n';
    return cp_err_set(err, CP_ESYNTAX, "VRT line %zu: invalid UTF-8", ln);
  }
  while (pos < len && rc == CP_OK) {
    const char *nl = memchr(buf + pos, '\n', len - pos);
    size_t e = nl ? (size_t)(nl - buf) : len, n = e - pos;
    const char *s = buf + pos;
    no++;
    if (n > 0 && s[n - 1] == '\r') n--;
    while (n > 0 && s[n - 1] == ' ') n--;
    if (n == 0) { /* blank lines carry nothing */ }
    else if (n >= 4 && memcmp(s, "<!--", 4) == 0) { /* a comment */ }
    else if (s[0] == '<' && n >= 2 && s[n - 1] == '>' && s[1] != '\t')
      rc = do_tag(&v, s, n, no, defid, defidlen, &ndef, err);
    else if (s[0] == '<' && n >= 2 && s[1] != '\t' && s[1] != '<' && s[1] != ' ')
      rc = lerr(err, no, "bad tag");
    else
      rc = do_token(&v, s, n, no, err);
    pos = nl ? e + 1 : len;
  }
  if (rc == CP_OK && v.intext)
    rc = lerr(err, no, v.depth > 0 ? "unclosed tags at the end of the file"
                                   : "unclosed <text> at the end of the file");
  if (rc != CP_OK) goto done;
  /* the records, now that the pools no longer move */
  di = (cp_docin *)calloc(v.ndoc + 1, sizeof(cp_docin));
  td = (cp_tokdoc *)calloc(v.ndoc + 1, sizeof(cp_tokdoc));
  li = (cp_layerin *)calloc(v.ndoc * ncols + 1, sizeof(cp_layerin));
  vp = (const char **)calloc(v.ntok * ncols + 1, sizeof(char *));
  vl = (size_t *)calloc(v.ntok * ncols + 1, sizeof(size_t));
  spin = (cp_spanin *)calloc(v.nsp + 1, sizeof(cp_spanin));
  at = (cp_attr *)calloc(v.nattr / 2 + 1, sizeof(cp_attr));
  mt = (cp_meta *)calloc(v.nattr / 2 + nmeta * v.ndoc + 1, sizeof(cp_meta));
  if (!di || !td || !li || !vp || !vl || !spin || !at || !mt) { rc = OOM(); goto done; }
  for (i = 0; i < v.nattr / 2; i++) {
    at[i].key = P(&v, v.attr[2 * i]);      at[i].keylen = v.attr[2 * i].len;
    at[i].val = P(&v, v.attr[2 * i + 1]);  at[i].vallen = v.attr[2 * i + 1].len;
  }
  {
    size_t nm = 0, nl = 0;
    for (i = 0; i < v.ndoc; i++) {
      vdoc *d = &v.doc[i];
      size_t m0 = nm, l, t;
      for (k = 0; k < d->nm; k++) {   /* <text> attributes but id */
        cp_attr *a = &at[d->m0 / 2 + k];
        if (a->keylen == 2 && memcmp(a->key, "id", 2) == 0) continue;
        mt[nm].key = a->key;  mt[nm].keylen = a->keylen;
        mt[nm].type = CP_MSTR;
        mt[nm].str = a->val;  mt[nm].strlen = a->vallen;
        nm++;
      }
      for (k = 0; k < nmeta; k++) mt[nm++] = meta[k];
      for (l = 0; l < ncols; l++) {
        if (l == v.wcol) continue;
        li[nl].name = columns[l];
        li[nl].namelen = collens[l];
        li[nl].vals = vp + l * v.ntok + d->tok0;
        li[nl].lens = vl + l * v.ntok + d->tok0;
        for (t = 0; t < d->ntok; t++) {
          sref r = v.val[(d->tok0 + t) * ncols + l];
          vp[l * v.ntok + d->tok0 + t] = P(&v, r);
          vl[l * v.ntok + d->tok0 + t] = r.len;
        }
        nl++;
      }
      for (k = 0; k < d->nsp; k++) {
        const vspan *x = &v.sp[d->sp0 + k];
        cp_spanin *y = &spin[d->sp0 + k];
        y->set = P(&v, x->set);
        y->setlen = x->set.len;
        y->start = x->start;
        y->end = x->end;
        y->attrs = x->na ? at + x->a0 / 2 : NULL;
        y->nattrs = x->na;
      }
      td[i].text = v.text.v ? v.text.v + d->text0 : "";
      td[i].textlen = d->textlen;
      td[i].tok = v.tok != NULL ? v.tok + d->tok0 : NULL;   /* no token at all */
      td[i].ntok = d->ntok;
      td[i].layers = li + nl - (ncols - 1);
      td[i].nlayers = ncols - 1;
      td[i].spans = spin + d->sp0;
      td[i].nspans = d->nsp;
      di[i].id = P(&v, d->id);
      di[i].idlen = d->id.len;
      di[i].meta = mt + m0;
      di[i].nmeta = nm - m0;
      di[i].tokens = &td[i];
    }
  }
  rc = cp_corpus_add(c, di, v.ndoc, err);
  if (rc == CP_OK && ndocs) *ndocs = v.ndoc;
done:
  free(di); free(td); free(li); free(vp); free(vl); free(spin); free(at);
  free(mt);
  cp_bytes_free(&v.pool);
  cp_bytes_free(&v.text);
  free(v.val); free(v.tok); free(v.sp); free(v.attr); free(v.doc);
  return rc;
}
