/*
** number.c -- rule-based numbers (number.h).
**
** A number is a numeral in digits ("10,000", "2.5", "1,00,000" read as
** 100000, "10.000.000" -- dots grouping thousands -- as 10000000) or a
** run of number words ("eight million", "twenty five"), optionally
** times a scale word ("5.93 mln", "2 billion"), with a unit from the
** currency sign before it ("$", "£", "€", "¥") or the unit word after it
** ("pct", "%", "per cent", "dlrs", "yen").  Ordinals ("third", "21st")
** have the unit "ordinal".  Tokens inside date spans are skipped, and
** "one" is not a number before "of" ("one of the camps").
*/
#include <stdlib.h>
#include <string.h>

#include "number.h"
#include "lxscan.h"

void cp_numbers_free (cp_numbers *t) {
  if (t == NULL) return;
  free(t->v);
  t->v = NULL;
  t->n = t->cap = 0;
}

int cp_number_parse (const char *s, size_t n, double *v) {
  size_t i, ndots = 0, ncommas = 0;
  double x = 0, frac = 0, scale = 1;
  int dots_group = 1;
  if (s == NULL || v == NULL || n == 0 || n > 40) return 0;
  if (s[0] < '0' || s[0] > '9') return 0;
  for (i = 0; i < n; i++) {
    char c = s[i];
    if (c >= '0' && c <= '9') continue;
    if (c != ',' && c != '.') return 0;
    if (i + 1 >= n || s[i + 1] < '0' || s[i + 1] > '9') return 0;
    if (c == '.') {
      ndots++;
      /* dots grouping thousands: every group after a dot has 3 digits */
      { size_t k = i + 1, d = 0; while (k < n && s[k] >= '0' && s[k] <= '9') { k++; d++; }
        if (d != 3) dots_group = 0; }
    } else ncommas++;
  }
  if (ndots > 1 && !dots_group) return 0;
  if (ndots > 1 && ncommas) return 0;
  for (i = 0; i < n; i++) {
    char c = s[i];
    if (c == ',') continue;
    if (c == '.') {
      if (ndots > 1) continue;          /* thousands */
      scale = 0.1;                      /* 2.5, 1,234.5 */
      continue;
    }
    if (scale < 1) { frac += (c - '0') * scale; scale /= 10; }
    else x = x * 10 + (c - '0');
  }
  *v = x + frac;
  return 1;
}

typedef struct ctx {
  const char *s;
  const cp_tokvec *tv;
  const cp_lxtok *lx;
  const char *skip;   /* skip[i]: token i is in a date */
  cp_numbers *out;
} ctx;

static int tokeq (const ctx *x, size_t i, const char *w) {
  return i < x->tv->n && cp_lx_is(x->s, &x->tv->v[i], w);
}

static uint32_t flags (const ctx *x, size_t i) {
  return i < x->tv->n ? cp_lx_flags(&x->lx[i]) : 0;
}

static int free_tok (const ctx *x, size_t i) {
  return i < x->tv->n && !x->skip[i];
}

static int scale_word (const ctx *x, size_t i) {
  return free_tok(x, i) && (flags(x, i) & CP_LX_NUMW) && x->lx[i].lx->num >= 100
         && (x->lx[i].shape & CP_SH_LOWER);
}

static int push (ctx *x, size_t a, size_t b, double v, const char *unit) {
  cp_number *r;
  if (x->out->n == x->out->cap) {
    size_t nc = x->out->cap ? x->out->cap * 2 : 16;
    cp_number *nv = (cp_number *)realloc(x->out->v, nc * sizeof *nv);
    if (nv == NULL) return -1;
    x->out->v = nv;
    x->out->cap = nc;
  }
  r = &x->out->v[x->out->n++];
  r->t0 = (uint32_t)a;
  r->t1 = (uint32_t)b;
  r->start = x->tv->v[a].start;
  r->stop = x->tv->v[b - 1].stop;
  r->value = v;
  r->unit = unit;
  return (int)(b - a);
}

/* unit after the number ending before token j; *j moves past it */
static const char *unit_after (const ctx *x, size_t *j) {
  if (!free_tok(x, *j)) return NULL;
  if (tokeq(x, *j, "per") && tokeq(x, *j + 1, "cent")) { *j += 2; return "percent"; }
  if (flags(x, *j) & CP_LX_UNIT) {
    const char *u = x->lx[*j].lx->unit;
    /* "marks" and "pounds" are units only in lower case after a number */
    if (x->lx[*j].shape & CP_SH_CAP && !tokeq(x, *j, "%")) return NULL;
    (*j)++;
    return u;
  }
  return NULL;
}

static const char *currency_before (const ctx *x, size_t i, size_t *a) {
  static const char *const sign[] = {"$", "USD", "US$", "USD", "\xC2\xA3", "GBP",
    "\xE2\x82\xAC", "EUR", "\xC2\xA5", "JPY", NULL};
  size_t k;
  if (i == 0 || !free_tok(x, i - 1)) return NULL;
  for (k = 0; sign[k]; k += 2)
    if (tokeq(x, i - 1, sign[k])) { *a = i - 1; return sign[k + 1]; }
  return NULL;
}

/* number words from i: "eight million", "twenty five"; *j ends it */
static int words (const ctx *x, size_t i, size_t *j, double *v) {
  double total = 0, cur = 0;
  size_t k = i;
  int any = 0;
  while (free_tok(x, k) && (flags(x, k) & CP_LX_NUMW) && !(x->lx[k].shape & CP_SH_UPPER)) {
    double w = x->lx[k].lx->num;
    if (w >= 1000) { total += (cur ? cur : (any ? 0 : 1)) * w; cur = 0; }
    else if (w == 100) cur = (cur ? cur : 1) * 100;
    else cur += w;
    any = 1;
    k++;
    if (tokeq(x, k, "and") && free_tok(x, k + 1) && (flags(x, k + 1) & CP_LX_NUMW)
        && x->lx[k + 1].lx->num < 100 && cur >= 100) k++;
  }
  if (!any) return 0;
  *j = k;
  *v = total + cur;
  return 1;
}

static int one_number (ctx *x, size_t i) {
  const cp_tok *t = &x->tv->v[i];
  size_t a = i, j = i + 1;
  double v;
  const char *unit, *cur;
  if (x->lx[i].shape & CP_SH_DIGIT) {
    size_t len = t->stop - t->start, k;
    if (!cp_number_parse(x->s + t->start, len, &v)) {
      /* ordinals in digits: 21st, 2nd */
      for (k = t->start; k < t->stop && x->s[k] >= '0' && x->s[k] <= '9'; k++) ;
      if (t->stop - k == 2 && k > t->start) {
        cp_tok suf = {k, t->stop, 0};
        if (cp_lx_is(x->s, &suf, "st") || cp_lx_is(x->s, &suf, "nd")
            || cp_lx_is(x->s, &suf, "rd") || cp_lx_is(x->s, &suf, "th")) {
          double o = 0;
          for (k = t->start; x->s[k] >= '0' && x->s[k] <= '9'; k++) o = o * 10 + (x->s[k] - '0');
          return push(x, i, i + 1, o, "ordinal");
        }
      }
      return 0;
    }
    if (scale_word(x, j)) { v *= x->lx[j].lx->num; j++; }
  } else if ((flags(x, i) & CP_LX_ORDW) && (x->lx[i].shape & CP_SH_LOWER)) {
    return push(x, i, i + 1, x->lx[i].lx->small, "ordinal");
  } else if ((flags(x, i) & CP_LX_NUMW) && !(x->lx[i].shape & CP_SH_UPPER)) {
    if (x->lx[i].lx->num >= 100) return 0;   /* "hundreds", "million" alone */
    if (!words(x, i, &j, &v)) return 0;
    if (j == i + 1 && tokeq(x, i, "one") && (tokeq(x, j, "of") || tokeq(x, j, "another")))
      return 0;
  } else return 0;
  cur = currency_before(x, i, &a);
  unit = unit_after(x, &j);
  if (cur && unit == NULL) unit = cur;
  if (push(x, a, j, v, unit) < 0) return -1;
  return (int)(j - i);    /* tokens consumed from i */
}

int cp_number_run (const char *s, size_t n, const cp_tokvec *tv,
                   const cp_lxtok *lx, const cp_timexes *dates,
                   cp_numbers *out, cp_err *err) {
  ctx x;
  size_t i;
  char *skip;
  uint64_t start;
  if ((s == NULL && n > 0) || tv == NULL || (lx == NULL && tv->n > 0) || out == NULL)
    return cp_err_set(err, CP_EINVAL, "cp_number_run: missing argument");
  out->n = 0;
  skip = (char *)calloc(tv->n ? tv->n : 1, 1);
  if (skip == NULL) return cp_err_set(err, CP_ENOMEM, "out of memory");
  if (dates)
    for (i = 0; i < dates->n; i++) {
      uint32_t k;
      for (k = dates->v[i].t0; k < dates->v[i].t1 && k < tv->n; k++) skip[k] = 1;
    }
  x.s = s; x.tv = tv; x.lx = lx; x.skip = skip; x.out = out;
  /* only a digit, a number word or an ordinal word starts a number
  ** (one_number's first tests), most tokens none: skipping them on one
  ** word of their facts, not token by token, was 60% of the run (18.2M
  ** instructions on 5 MB of UN debates) */
  start = cp_lxscan_mask(CP_SH_DIGIT, 0, CP_LX_ORDW | CP_LX_NUMW);
  for (i = cp_lxscan_next(lx, 0, tv->n, start); i < tv->n;
       i = cp_lxscan_next(lx, i, tv->n, start)) {
    int k = 0;
    if (!skip[i] && !(lx[i].shape & CP_SH_PUNCT)) k = one_number(&x, i);
    if (k < 0) { free(skip); return cp_err_set(err, CP_ENOMEM, "out of memory"); }
    i += k ? (size_t)k : 1;
  }
  free(skip);
  return CP_OK;
}
