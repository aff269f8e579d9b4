/*
** snippet.c -- marking matches in a document's text: the best window
** for a snippet, or the whole text for highlighting (exec.h cp_mark).
*/
#include <stdlib.h>
#include <string.h>

#include "xint.h"
#include "seg.h"

typedef struct buf { char *p; size_t n, cap; int oom; } buf;

static void put (buf *b, const char *s, size_t n) {
  if (b->oom || n == 0) return;
  if (b->n + n + 1 > b->cap) {
    size_t nc = b->cap ? b->cap : 256;
    char *np;
    while (nc < b->n + n + 1) nc *= 2;
    if ((np = (char *)realloc(b->p, nc)) == NULL) { b->oom = 1; return; }
    b->p = np;
    b->cap = nc;
  }
  memcpy(b->p + b->n, s, n);
  b->n += n;
  b->p[b->n] = '\0';
}

static void puts_ (buf *b, const char *s) {
  if (s != NULL) put(b, s, strlen(s));
}

int cp_mark (cp_corpus *c, uint64_t doc, const cp_match *m, size_t n,
             const cp_mark_opts *o, char **out, size_t *outlen,
             cp_err *err) {
  size_t seg, i, k;
  uint32_t local, w0, w1, b0, b1, e0, e1;
  uint64_t pb;
  const cp_seg *s;
  cp_docinfo di;
  buf b = {NULL, 0, 0, 0};
  const char *before = "[", *after = "]", *ell = "...";
  uint32_t window = 0, cur;
  if (out == NULL || c == NULL)
    return cp_err_set(err, CP_EINVAL, "NULL argument to cp_mark");
  *out = NULL;
  if (outlen) *outlen = 0;
  if (o != NULL) {
    if (o->before) before = o->before;
    if (o->after) after = o->after;
    if (o->ellipsis) ell = o->ellipsis;
    window = o->window;
  }
  if (cp_corpus_locate(c, doc, &seg, &local) != CP_OK)
    return cp_err_set(err, CP_ENOENT, "no document %llu",
                      (unsigned long long)doc + 1);
  s = cp_corpus_seg(c, seg);
  pb = cp_corpus_pos_base(c, seg);
  if (cp_seg_doc(s, local, &di) != CP_OK)
    return cp_err_set(err, CP_ECORRUPT, "bad document table");
  /* the token window [w0, w1) shown */
  w0 = di.tok_start;
  w1 = di.tok_start + di.tok_count;
  if (window && di.tok_count > window) {
    size_t best = 0, bestn = 0, j = 0;
    /* slide over matches: the window starting at match i holding most */
    for (i = 0; i < n; i++) {
      if (j < i) j = i;
      while (j < n && m[j].stop - m[i].start <= window) j++;
      if (j - i > bestn) { bestn = j - i; best = i; }
    }
    if (bestn > 0) {
      uint64_t ms = m[best].start - pb, me = m[best + bestn - 1].stop - pb;
      uint64_t span = me > ms ? me - ms : 1, pad;
      if (span > window) span = window;
      pad = (window - span) / 2;
      w0 = ms > di.tok_start + pad ? (uint32_t)(ms - pad) : di.tok_start;
    }
    w1 = w0 + window;
    if (w1 > di.tok_start + di.tok_count) {
      w1 = di.tok_start + di.tok_count;
      w0 = w1 - window;
    }
  }
  if (di.tok_count == 0) {
    put(&b, di.text, di.textlen);
    if (b.p == NULL && !b.oom) b.p = (char *)calloc(1, 1);
    goto finish;
  }
  cp_seg_tok_span(s, w0, &b0, &b1);
  cp_seg_tok_span(s, w1 - 1, &e0, &e1);
  if (w0 > di.tok_start) puts_(&b, ell);
  else b0 = 0;                 /* whole start: keep leading text */
  if (w1 == di.tok_start + di.tok_count) e1 = (uint32_t)di.textlen;
  cur = b0;
  /* walk the (merged) matches inside the window */
  k = 0;
  while (k < n) {
    uint64_t ms = m[k].start, me = m[k].stop;
    uint32_t ls, le, mb0, mb1, t;
    k++;
    while (k < n && m[k].start < me) {      /* merge overlaps */
      if (m[k].stop > me) me = m[k].stop;
      k++;
    }
    if (ms < pb || me <= ms) continue;
    ls = (uint32_t)(ms - pb);
    le = (uint32_t)(me - pb);
    if (le <= w0 || ls >= w1) continue;
    if (ls < w0) ls = w0;
    if (le > w1) le = w1;
    cp_seg_tok_span(s, ls, &mb0, &t);
    cp_seg_tok_span(s, le - 1, &t, &mb1);
    if (mb0 < cur || mb1 > di.textlen) continue;
    put(&b, di.text + cur, mb0 - cur);
    puts_(&b, before);
    put(&b, di.text + mb0, mb1 - mb0);
    puts_(&b, after);
    cur = mb1;
  }
  if (e1 > cur && e1 <= di.textlen) put(&b, di.text + cur, e1 - cur);
  if (w1 < di.tok_start + di.tok_count) puts_(&b, ell);
  if (b.p == NULL && !b.oom) b.p = (char *)calloc(1, 1);
finish:
  if (b.oom || b.p == NULL) {
    free(b.p);
    return cp_err_set(err, CP_ENOMEM, "out of memory");
  }
  *out = b.p;
  if (outlen) *outlen = b.n;
  return CP_OK;
}
