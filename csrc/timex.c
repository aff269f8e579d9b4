/*
** timex.c -- rule-based temporal expressions (timex.h).
**
** Patterns, tried at each token, the first that matches wins:
**   Month [day [,] [year]] | day Month [year]    DATE 2020-06-04 / 2020-06
**     (a month without day or year only after "in", "since", "last", ...;
**     a day that does not exist -- February 30 -- keeps the month only)
**   Weekday                  DATE: the last such day up to the anchor
**   year, decade             DATE 2019 / 199 ("the 1990s", "’90s")
**   ordinal quarter [of] [year]          DATE 1987-Q1
**   last|this|next|coming + year|month|week|quarter   DATE from the anchor
**     (PAST_REF / PRESENT_REF / FUTURE_REF without one)
**   recent months, recently, today, yesterday, tomorrow, now
**   number|a|several + unit [ago]        DURATION P10Y ("a decade"), or
**     DATE with "ago"
**   every|each + unit, annually, monthly, weekly, daily   SET P1Y ...
**   3 p.m., 10:30, noon, midnight        TIME T15:00 (date from the anchor)
** The anchor is the document's date; without one the year is XXXX.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "timex.h"
#include "lxscan.h"

const char *cp_timex_type_name (int type) {
  switch (type) {
    case CP_TX_DATE: return "DATE";
    case CP_TX_DURATION: return "DURATION";
    case CP_TX_TIME: return "TIME";
    default: return "SET";
  }
}

void cp_timexes_free (cp_timexes *t) {
  if (t == NULL) return;
  free(t->v);
  t->v = NULL;
  t->n = t->cap = 0;
}

static int leap (int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

static int mdays (int y, int m) {
  static const int d[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (m < 1 || m > 12) return 0;
  return (m == 2 && (y == 0 || leap(y))) ? 29 : d[m - 1];
}

/* days since 1970-01-01 of a civil date, and back (proleptic Gregorian) */
static long days_from_civil (int y, int m, int d) {
  long era, yoe, doy, doe;
  y -= m <= 2;
  era = (y >= 0 ? y : y - 399) / 400;
  yoe = y - era * 400;
  doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

static void civil_from_days (long z, int *y, int *m, int *d) {
  long era, doe, yoe, doy, mp;
  z += 719468;
  era = (z >= 0 ? z : z - 146096) / 146097;
  doe = z - era * 146097;
  yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  mp = (5 * doy + 2) / 153;
  *d = (int)(doy - (153 * mp + 2) / 5 + 1);
  *m = (int)(mp < 10 ? mp + 3 : mp - 9);
  *y = (int)(yoe + era * 400 + (*m <= 2));
}

int cp_anchor_parse (const char *s, size_t n, cp_anchor *a) {
  int y = 0, m = 0, d = 0;
  size_t i;
  if (s == NULL || a == NULL || n < 4) return 0;
  for (i = 0; i < 4; i++) {
    if (s[i] < '0' || s[i] > '9') return 0;
    y = y * 10 + (s[i] - '0');
  }
  if (n >= 7 && s[4] == '-' && s[5] >= '0' && s[5] <= '9' && s[6] >= '0' && s[6] <= '9') {
    m = (s[5] - '0') * 10 + (s[6] - '0');
    if (m < 1 || m > 12) return 0;
    if (n >= 10 && s[7] == '-' && s[8] >= '0' && s[8] <= '9' && s[9] >= '0' && s[9] <= '9') {
      d = (s[8] - '0') * 10 + (s[9] - '0');
      if (d < 1 || d > mdays(y, m)) return 0;
      if (n > 10 && s[10] != 'T' && s[10] != ' ') return 0;
    } else if (n > 7) return 0;
  } else if (n > 4) return 0;
  if (y < 1) return 0;
  a->year = y; a->month = m; a->day = d;
  return 1;
}

typedef struct ctx {
  const char *s;
  const cp_tokvec *tv;
  const cp_lxtok *lx;
  cp_anchor an;
  cp_timexes *out;
  /* the lexicon's entries of "the", "a", "an", "in" (the table has one
  ** entry a word): the commonest words, told apart by pointer */
  const cp_lxent *w_the, *w_a, *w_an, *w_in;
} ctx;

/* token i spells w (any case), a possessive ending ignored:
** "yesterday's" is "yesterday" */
static inline int tokeq_n (const ctx *x, size_t i, const char *w, size_t wn) {
  cp_tok t;
  size_t n, k;
  if (i >= x->tv->n) return 0;
  t = x->tv->v[i];
  n = t.stop - t.start;
  if (n < wn || ((unsigned char)x->s[t.start] | 32) != ((unsigned char)w[0] | 32))
    return 0;
  if (n > 2 && x->s[t.stop - 2] == '\'' && (x->s[t.stop - 1] | 32) == 's') t.stop -= 2;
  else if (n > 4 && memcmp(x->s + t.stop - 4, "\xE2\x80\x99", 3) == 0
           && (x->s[t.stop - 1] | 32) == 's') t.stop -= 4;
  if (t.stop - t.start != wn) return 0;
  for (k = 0; k < wn; k++) {
    unsigned char c = (unsigned char)x->s[t.start + k];
    if (c >= 'A' && c <= 'Z') c = (unsigned char)(c + 32);
    if (c != (unsigned char)w[k]) return 0;
  }
  return 1;
}
/* the length of a literal w is folded at the call site */
#define tokeq(x, i, w) tokeq_n((x), (i), (w), strlen(w))

/* ISO week "YYYY-Www" of day z (days since 1970-01-01) */
static void fmt_week (char *v, size_t cap, long z, const char *suffix);

static uint32_t flags (const ctx *x, size_t i) {
  return i < x->tv->n ? cp_lx_flags(&x->lx[i]) : 0;
}

/* the first byte of token i, lower-cased (ASCII), 0 past the end: the
** word tests of a pattern most tokens fail on it */
static int first_lc (const ctx *x, size_t i) {
  return i < x->tv->n ? (unsigned char)x->s[x->tv->v[i].start] | 32 : 0;
}

/* value of an all-digit token of at most 9 digits, else -1; *nd digits */
static long digits (const ctx *x, size_t i, int *nd) {
  const cp_tok *t;
  long v = 0;
  size_t k;
  if (i >= x->tv->n) return -1;
  t = &x->tv->v[i];
  if (t->stop - t->start > 9) return -1;
  for (k = t->start; k < t->stop; k++) {
    if (x->s[k] < '0' || x->s[k] > '9') return -1;
    v = v * 10 + (x->s[k] - '0');
  }
  if (nd) *nd = (int)(t->stop - t->start);
  return v;
}

/* "21st", "2nd", "4th": value, else -1 */
static long ordinal_digits (const ctx *x, size_t i) {
  const cp_tok *t;
  long v = 0;
  size_t k;
  if (i >= x->tv->n) return -1;
  t = &x->tv->v[i];
  if (t->stop - t->start < 3 || t->stop - t->start > 6) return -1;
  for (k = t->start; k < t->stop && x->s[k] >= '0' && x->s[k] <= '9'; k++)
    v = v * 10 + (x->s[k] - '0');
  if (k == t->start || t->stop - k != 2) return -1;
  {
    cp_tok sfx;
    sfx.start = k; sfx.stop = t->stop; sfx.flags = 0;
    if (!cp_lx_is(x->s, &sfx, "st") && !cp_lx_is(x->s, &sfx, "nd")
        && !cp_lx_is(x->s, &sfx, "rd") && !cp_lx_is(x->s, &sfx, "th"))
      return -1;
  }
  return v;
}

/* a day of the month at token i: 21, 21st, "one" (news wire: April one) */
static int day_at (const ctx *x, size_t i) {
  int nd = 0;
  long v = digits(x, i, &nd);
  if (v >= 1 && v <= 31 && nd <= 2) return (int)v;
  v = ordinal_digits(x, i);
  if (v >= 1 && v <= 31) return (int)v;
  if (i < x->tv->n && (x->lx[i].shape & CP_SH_LOWER)) {
    if ((flags(x, i) & CP_LX_NUMW) && x->lx[i].lx->num >= 1 && x->lx[i].lx->num <= 31)
      return (int)x->lx[i].lx->num;
    if ((flags(x, i) & CP_LX_ORDW) && x->lx[i].lx->small <= 31) return x->lx[i].lx->small;
  }
  return 0;
}

static int year_at (const ctx *x, size_t i) {
  int nd = 0;
  long v = digits(x, i, &nd);
  return (nd == 4 && v >= 1000 && v <= 2999) ? (int)v : 0;
}

static int month_at (const ctx *x, size_t i) {
  if (!(flags(x, i) & CP_LX_MONTH) || !(x->lx[i].shape & CP_SH_CAP)) return 0;
  return x->lx[i].lx->small;
}

/* what snprintf(buf, cap, "%s", ...) writes of v[0..n), without the
** printf: the bytes that fit before the NUL */
static void copy_value (char *buf, size_t cap, const char *v, size_t n) {
  if (cap == 0) return;
  if (n > cap - 1) n = cap - 1;
  memcpy(buf, v, n);
  buf[n] = '\0';
}

static int push (ctx *x, size_t a, size_t b, int type, const char *val) {
  cp_timex *t;
  if (x->out->n == x->out->cap) {
    size_t nc = x->out->cap ? x->out->cap * 2 : 16;
    cp_timex *nv = (cp_timex *)realloc(x->out->v, nc * sizeof *nv);
    if (nv == NULL) return -1;
    x->out->v = nv;
    x->out->cap = nc;
  }
  t = &x->out->v[x->out->n++];
  t->t0 = (uint32_t)a;
  t->t1 = (uint32_t)b;
  t->start = x->tv->v[a].start;
  t->stop = x->tv->v[b - 1].stop;
  t->type = type;
  copy_value(t->value, sizeof t->value, val, strlen(val));
  return (int)(b - a);
}

/* YYYY, YYYY-MM, YYYY-MM-DD (XXXX for an unknown year; a day that does
** not exist in its month is dropped) */
static void fmt_date (char *buf, size_t cap, int y, int m, int d) {
  char ys[8], t[16];
  size_t k;
  if (d > 0 && d > mdays(y, m)) d = 0;
  /* the digits by hand (dates are most spans' values): "%04d" of
  ** 0..9999 and "%02d" of 0..99; anything else through snprintf */
  if ((m >= 0 && m <= 99) && (m == 0 || d == 0 || (d >= 0 && d <= 99))) {
    if (y > 0) {
      int v = y % 10000;
      t[0] = (char)('0' + v / 1000);  t[1] = (char)('0' + v / 100 % 10);
      t[2] = (char)('0' + v / 10 % 10);  t[3] = (char)('0' + v % 10);
    }
    else memcpy(t, "XXXX", 4);
    k = 4;
    if (m != 0) {
      t[k++] = '-';  t[k++] = (char)('0' + m / 10);  t[k++] = (char)('0' + m % 10);
      if (d != 0) {
        t[k++] = '-';  t[k++] = (char)('0' + d / 10);  t[k++] = (char)('0' + d % 10);
      }
    }
    copy_value(buf, cap, t, k);
    return;
  }
  if (y > 0) snprintf(ys, sizeof ys, "%04d", y % 10000); else strcpy(ys, "XXXX");
  if (m == 0) snprintf(buf, cap, "%s", ys);
  else if (d == 0) snprintf(buf, cap, "%s-%02d", ys, m);
  else snprintf(buf, cap, "%s-%02d-%02d", ys, m, d);
}

/* Month [day [,] [year]] | day Month [year] */
static int calendar (ctx *x, size_t i) {
  char v[CP_TX_VALUE];
  size_t j;
  int m = month_at(x, i), d = 0, y = 0;
  if (m) {
    j = i + 1;
    if ((d = day_at(x, j)) != 0) {
      j++;
      if (tokeq(x, j, ",") && year_at(x, j + 1)) j++;
      if ((y = year_at(x, j)) != 0) j++;
    } else if ((y = year_at(x, j)) != 0) {
      j++;
    } else {
      /* a bare month: capitalised inside a sentence ("for July
      ** delivery"), or after a word that takes a date ("In May") */
      if ((x->lx[i].shape & CP_SH_SSTART)
          && !(i > 0 && (flags(x, i - 1) & (CP_LX_YEARCTX | CP_LX_MONTH)))) return 0;
      /* last March / next May: the previous / next such month */
      if (i > 0 && (tokeq(x, i - 1, "last") || tokeq(x, i - 1, "next")) && x->an.year) {
        int yy = x->an.year, fwd = tokeq(x, i - 1, "next");
        if (!fwd && x->an.month && m >= x->an.month) yy--;
        if (fwd && x->an.month && m <= x->an.month) yy++;
        fmt_date(v, sizeof v, yy, m, 0);
        return push(x, i - 1, j, CP_TX_DATE, v) - 1;
      }
    }
    fmt_date(v, sizeof v, y ? y : x->an.year, m, d);
    if (d && !y && (tokeq(x, j, "to") || tokeq(x, j, "and") || tokeq(x, j, "through"))
        && day_at(x, j + 1) && digits(x, j + 1, NULL) >= 0 && !month_at(x, j + 2)) {
      /* April 26 to 29: two dates */
      char v2[CP_TX_VALUE];
      int r = push(x, i, j, CP_TX_DATE, v);
      if (r < 0) return r;
      fmt_date(v2, sizeof v2, x->an.year, m, day_at(x, j + 1));
      if (push(x, j + 1, j + 2, CP_TX_DATE, v2) < 0) return -1;
      return (int)(j + 2 - i);
    }
    return push(x, i, j, CP_TX_DATE, v);
  }
  if ((d = day_at(x, i)) != 0 && digits(x, i, NULL) >= 0 && (m = month_at(x, i + 1)) != 0) {
    j = i + 2;
    if ((y = year_at(x, j)) != 0) j++;
    fmt_date(v, sizeof v, y ? y : x->an.year, m, d);
    return push(x, i, j, CP_TX_DATE, v);
  }
  return 0;
}

static int weekday (ctx *x, size_t i) {
  char v[CP_TX_VALUE];
  int wd;
  if (!(flags(x, i) & CP_LX_WEEKDAY) || !(x->lx[i].shape & CP_SH_CAP)) return 0;
  wd = x->lx[i].lx->small;
  if (x->an.year && x->an.day) {
    long z = days_from_civil(x->an.year, x->an.month, x->an.day);
    int awd = (int)(((z % 7) + 7 + 3) % 7) + 1;   /* 1970-01-01 was a Thursday */
    int y, m, d;
    z -= (awd - wd + 7) % 7;
    civil_from_days(z, &y, &m, &d);
    fmt_date(v, sizeof v, y, m, d);
  } else snprintf(v, sizeof v, "XXXX-WXX-%d", wd);
  {
    static const char *const parts[] = {"morning", "TMO", "afternoon", "TAF",
      "evening", "TEV", "night", "TNI", NULL};
    size_t k;
    for (k = 0; parts[k]; k += 2)
      if (tokeq(x, i + 1, parts[k])) {
        size_t l = strlen(v);
        snprintf(v + l, sizeof v - l, "%s", parts[k + 1]);
        return push(x, i, i + 2, CP_TX_DATE, v);
      }
  }
  return push(x, i, i + 1, CP_TX_DATE, v);
}

/* mid-1987, end-1985 */
static int prefixed_year (ctx *x, size_t i) {
  char v[CP_TX_VALUE];
  const cp_tok *t = &x->tv->v[i];
  size_t len = t->stop - t->start;
  /* every prefix has a dash, and starts with 'm', 'e' or 'l' */
  if (!x->lx[i].dash || (x->s[t->start] != 'm' && x->s[t->start] != 'e'
                         && x->s[t->start] != 'l')) return 0;
  {
    static const char *const pre[] = {"mid-", "end-", "early-", "late-", NULL};
    size_t k;
    for (k = 0; pre[k]; k++) {
      size_t pl = strlen(pre[k]);
      if (len > pl && strncmp(x->s + t->start, pre[k], pl) == 0) {
        int yy = 0;
        size_t q;
        /* at most 5 digits are read: a year has 4, and a longer run
        ** (mid-9007199254) must neither overflow nor pass */
        for (q = t->start + pl; q < t->stop && q - (t->start + pl) < 5 &&
             x->s[q] >= '0' && x->s[q] <= '9'; q++)
          yy = yy * 10 + (x->s[q] - '0');
        if (q == t->stop && q - (t->start + pl) == 4 && yy >= 1000) {
          snprintf(v, sizeof v, "%04d", yy);
          return push(x, i, i + 1, CP_TX_DATE, v);
        }
      }
    }
  }
  return 0;
}

/* 1987, 1990s, ’90s */
static int year (ctx *x, size_t i) {
  char v[CP_TX_VALUE];
  const cp_tok *t = &x->tv->v[i];
  int y = year_at(x, i);
  size_t len = t->stop - t->start;
  if (!(x->lx[i].shape & CP_SH_DIGIT)) return prefixed_year(x, i);
  if (y) {
    uint32_t pf = i > 0 ? flags(x, i - 1) : 0, nf = flags(x, i + 1);
    int ok = 0;
    if (y < 1800 || y > 2099) return 0;
    if (i > 0 && tokeq(x, i - 1, "$")) return 0;
    if (nf & (CP_LX_UNIT | CP_LX_NUMW | CP_LX_TUNIT)) return 0;
    if (i > 0 && (pf & (CP_LX_YEARCTX | CP_LX_MONTH))) ok = 1;
    else if (y >= 1950 && y <= 2030) ok = 1;   /* news: the bank's 1986 results */
    else if (i + 1 >= x->tv->n || !(x->lx[i + 1].shape & CP_SH_LOWER)
             || (nf & (CP_LX_YEARCTX | CP_LX_COMMON))) ok = 1;
    if (!ok) return 0;
    fmt_date(v, sizeof v, y, 0, 0);   /* "%04d" of 1800..2099 */
    return push(x, i, i + 1, CP_TX_DATE, v);
  }
  /* decades: 1990s, 90s after ‘ or "the" */
  if ((len == 5 || len == 3) && (x->s[t->stop - 1] == 's')) {
    size_t k;
    for (k = t->start; k + 1 < t->stop; k++) if (x->s[k] < '0' || x->s[k] > '9') return 0;
    if (x->s[t->stop - 2] != '0') return 0;
    if (len == 5) snprintf(v, sizeof v, "%.3s", x->s + t->start);
    else if (i > 0 && (tokeq(x, i - 1, "the") || tokeq(x, i - 1, "\xE2\x80\x98")
                       || tokeq(x, i - 1, "\xE2\x80\x99") || tokeq(x, i - 1, "'")))
      snprintf(v, sizeof v, "19%c", x->s[t->start]);
    else return 0;
    return push(x, i, i + 1, CP_TX_DATE, v);
  }
  return 0;
}

/* mid-March, early-May: the month */
static int part_month (ctx *x, size_t i) {
  static const char *const pre[] = {"mid-", "early-", "late-", "end-", NULL};
  const cp_tok *t = &x->tv->v[i];
  size_t k;
  char v[CP_TX_VALUE];
  /* every prefix has a dash, and starts with 'm', 'e' or 'l' */
  if (!x->lx[i].dash || (x->s[t->start] != 'm' && x->s[t->start] != 'e'
                         && x->s[t->start] != 'l')) return 0;
  for (k = 0; pre[k]; k++) {
    size_t pl = strlen(pre[k]), ml;
    char buf[CP_LX_MAXWORD];
    const cp_lxent *e;
    if (t->stop - t->start <= pl || strncmp(x->s + t->start, pre[k], pl) != 0) continue;
    ml = cp_lx_lower(x->s + t->start + pl, t->stop - t->start - pl, buf, sizeof buf);
    e = ml ? cp_lx_find(buf, ml) : NULL;
    if (e && (e->flags & CP_LX_MONTH)) {
      fmt_date(v, sizeof v, x->an.year, e->small, 0);
      return push(x, i, i + 1, CP_TX_DATE, v);
    }
  }
  return 0;
}

/* first quarter [of] [1987] */
static int quarter (ctx *x, size_t i) {
  char v[CP_TX_VALUE];
  int q = 0, y;
  size_t j = i + 1;
  if ((flags(x, i) & CP_LX_ORDW) && x->lx[i].lx->small <= 4) q = x->lx[i].lx->small;
  else { long o = ordinal_digits(x, i); if (o >= 1 && o <= 4) q = (int)o; }
  if (!q || !(tokeq(x, j, "quarter") || tokeq(x, j, "qtr"))) return 0;
  j++;
  if (tokeq(x, j, "of") && year_at(x, j + 1)) j++;
  y = year_at(x, j);
  if (y) j++; else y = x->an.year;
  if (y) snprintf(v, sizeof v, "%04d-Q%d", y, q); else snprintf(v, sizeof v, "XXXX-Q%d", q);
  return push(x, i, j, CP_TX_DATE, v);
}

static void fmt_week (char *v, size_t cap, long z, const char *suffix) {
  int wd = (int)(((z % 7) + 7 + 3) % 7) + 1;   /* 1970-01-01 was a Thursday */
  long thu = z - wd + 4;                      /* the week's Thursday names it */
  int ty, tm, td;
  civil_from_days(thu, &ty, &tm, &td);
  snprintf(v, cap, "%04d-W%02ld%s", ty, (thu - days_from_civil(ty, 1, 1)) / 7 + 1, suffix);
}

/* the anchor day (plus off days) with a part of the day: 1987-10-20TMO */
static void fmt_part (const ctx *x, char *v, size_t cap, int off, const char *part) {
  char d[16];
  if (x->an.day) {
    int yy, mm, dd;
    civil_from_days(days_from_civil(x->an.year, x->an.month, x->an.day) + off, &yy, &mm, &dd);
    fmt_date(d, sizeof d, yy, mm, dd);
  } else strcpy(d, "XXXX-XX-XX");
  snprintf(v, cap, "%s%s", d, part);
}

/* last/this/next + unit, and the single words */
static int relative (ctx *x, size_t i) {
  char v[CP_TX_VALUE];
  int dir = 0, y = x->an.year, m = x->an.month, c = first_lc(x, i);
  /* the first letters of the words below */
  if (c != 'l' && c != 'p' && c != 't' && c != 'n' && c != 'c' && c != 'r'
      && c != 'y' && c != 'i') return 0;
  if (tokeq(x, i, "last") || tokeq(x, i, "past")) dir = -1;
  else if (tokeq(x, i, "this")) dir = 0;
  else if (tokeq(x, i, "next") || tokeq(x, i, "coming")) dir = 1;
  else if (tokeq(x, i, "recent") && (flags(x, i + 1) & CP_LX_TUNIT))
    return push(x, i, i + 2, CP_TX_DATE, "PAST_REF");
  else if (tokeq(x, i, "recently")) return push(x, i, i + 1, CP_TX_DATE, "PAST_REF");
  else if (tokeq(x, i, "now") || tokeq(x, i, "currently"))
    return push(x, i, i + 1, CP_TX_DATE, "PRESENT_REF");
  else if (tokeq(x, i, "today") || tokeq(x, i, "yesterday") || tokeq(x, i, "tomorrow")) {
    int off = tokeq(x, i, "today") ? 0 : tokeq(x, i, "yesterday") ? -1 : 1;
    if (x->an.day) {
      int yy, mm, dd;
      civil_from_days(days_from_civil(x->an.year, x->an.month, x->an.day) + off, &yy, &mm, &dd);
      fmt_date(v, sizeof v, yy, mm, dd);
    } else snprintf(v, sizeof v, "%s", off < 0 ? "PAST_REF" : off > 0 ? "FUTURE_REF" : "PRESENT_REF");
    return push(x, i, i + 1, CP_TX_DATE, v);
  } else if ((tokeq(x, i, "the") || tokeq(x, i, "in")) && (tokeq(x, i + 1, "future")
             || tokeq(x, i + 1, "past"))) {
    if (tokeq(x, i, "the") && (flags(x, i + 2) & (CP_LX_TUNIT | CP_LX_NUMW))) return 0;
    return push(x, i, i + 2, CP_TX_DATE, tokeq(x, i + 1, "future") ? "FUTURE_REF" : "PAST_REF");
  } else if (tokeq(x, i, "tonight")) {
    fmt_part(x, v, sizeof v, 0, "TNI");
    return push(x, i, i + 1, CP_TX_DATE, v);
  } else return 0;
  /* this morning, last night */
  {
    static const char *const parts[] = {"morning", "TMO", "afternoon", "TAF",
      "evening", "TEV", "night", "TNI", NULL};
    size_t k;
    for (k = 0; parts[k]; k += 2)
      if (tokeq(x, i + 1, parts[k]) && (dir == 0 || tokeq(x, i, "last"))) {
        fmt_part(x, v, sizeof v, dir < 0 ? -1 : 0, parts[k + 1]);
        return push(x, i, i + 2, CP_TX_DATE, v);
      }
  }
  /* the past few months: a vague reference */
  if (tokeq(x, i, "past") && (tokeq(x, i + 1, "few") || tokeq(x, i + 1, "several"))
      && (flags(x, i + 2) & CP_LX_TUNIT))
    return push(x, i, i + 3, CP_TX_DATE, "PAST_REF");
  if (tokeq(x, i + 1, "weekend")) {
    long z;
    if (!x->an.day) return push(x, i, i + 2, CP_TX_DATE, dir < 0 ? "PAST_REF" : "FUTURE_REF");
    z = days_from_civil(x->an.year, x->an.month, x->an.day) + 7 * dir;
    fmt_week(v, sizeof v, z, "-WE");
    return push(x, i, i + 2, CP_TX_DATE, v);
  }
  if (!(flags(x, i + 1) & CP_LX_TUNIT) || (x->lx[i].shape & CP_SH_UPPER)) return 0;
  {
    int u = x->lx[i + 1].lx->small;
    const cp_tok *t = &x->tv->v[i + 1];
    if (x->s[t->stop - 1] == 's') {   /* "past years": a vague reference */
      if (dir == 0) return 0;
      return push(x, i, i + 2, CP_TX_DATE, dir < 0 ? "PAST_REF" : "FUTURE_REF");
    }
    if (tokeq(x, i, "past")) return 0;   /* "the past year": a duration */
    if (y == 0 || (u != 'Y' && m == 0)) {
      snprintf(v, sizeof v, "%s", dir < 0 ? "PAST_REF" : dir > 0 ? "FUTURE_REF" : "PRESENT_REF");
    } else if (u == 'Y') snprintf(v, sizeof v, "%04d", y + dir);
    else if (u == 'N') {
      int mm = m + dir, yy = y;
      if (mm < 1) { mm = 12; yy--; } else if (mm > 12) { mm = 1; yy++; }
      snprintf(v, sizeof v, "%04d-%02d", yy, mm);
    } else if (u == 'Q') {
      int q = (m - 1) / 3 + 1 + dir, yy = y;
      if (q < 1) { q = 4; yy--; } else if (q > 4) { q = 1; yy++; }
      snprintf(v, sizeof v, "%04d-Q%d", yy, q);
    } else if (u == 'W' && x->an.day) {
      fmt_week(v, sizeof v, days_from_civil(y, m, x->an.day) + 7 * dir, "");
    } else snprintf(v, sizeof v, "%s", dir < 0 ? "PAST_REF" : dir > 0 ? "FUTURE_REF" : "PRESENT_REF");
    return push(x, i, i + 2, CP_TX_DATE, v);
  }
}

/* the decimal digits of n at t (room for 21 bytes); their count */
static size_t put_long (char *t, long n) {
  char d[24];
  size_t k = 0, l = 0;
  unsigned long u = n < 0 ? 0ul - (unsigned long)n : (unsigned long)n;
  if (n < 0) t[l++] = '-';
  do { d[k++] = (char)('0' + u % 10); u /= 10; } while (u > 0);
  while (k > 0) t[l++] = d[--k];
  return l;
}

/* the TIMEX3 duration of n units of time u: "P10Y", "PXM", "PT3H"; by
** hand, not snprintf (which was a fifth of the durations' count) */
static void fmt_duration (char *v, size_t cap, long n, int u, int vague) {
  char t[32];
  size_t k = 0;
  char unit;
  int in_time = 0;
  switch (u) {
    case 'Y': unit = 'Y'; break;
    case 'N': unit = 'M'; break;
    case 'W': unit = 'W'; break;
    case 'D': unit = 'D'; break;
    case 'E': if (vague) unit = 'E'; else { unit = 'Y'; n *= 10; } break;
    case 'C': if (vague) unit = 'C'; else { unit = 'Y'; n *= 100; } break;
    case 'Q': if (vague) unit = 'Q'; else { unit = 'M'; n *= 3; } break;
    case 'H': unit = 'H'; in_time = 1; break;
    default: unit = 'M'; in_time = 1; break;
  }
  t[k++] = 'P';
  if (in_time) t[k++] = 'T';
  if (vague) t[k++] = 'X'; else k += put_long(t + k, n);
  t[k++] = unit;
  copy_value(v, cap, t, k);
}

/* "ten years", "a decade", "two-year", "several months"; "N years ago" */
static int duration (ctx *x, size_t i) {
  char v[CP_TX_VALUE];
  long n = -1;
  int vague = 0, u;
  size_t j = i + 1;
  const cp_tok *t = &x->tv->v[i];
  /* one token: "two-year", "10-year" */
  if (x->lx[i].dash) {
    size_t k, dash = 0;
    for (k = t->start; k < t->stop; k++) if (x->s[k] == '-') dash = k;
    if (dash > t->start && dash + 1 < t->stop) {
      char buf[CP_LX_MAXWORD];
      size_t ul = cp_lx_lower(x->s + dash + 1, t->stop - dash - 1, buf, sizeof buf);
      const cp_lxent *ue = ul ? cp_lx_find(buf, ul) : NULL;
      if (ue && (ue->flags & CP_LX_TUNIT)) {
        size_t nl = cp_lx_lower(x->s + t->start, dash - t->start, buf, sizeof buf);
        const cp_lxent *ne = nl ? cp_lx_find(buf, nl) : NULL;
        if (ne && (ne->flags & CP_LX_NUMW) && ne->num < 100) n = (long)ne->num;
        else {
          long d = 0;
          for (k = t->start; k < dash && x->s[k] >= '0' && x->s[k] <= '9' && d < 100000; k++)
            d = d * 10 + (x->s[k] - '0');
          if (k == dash && dash > t->start) n = d;
        }
        if (n >= 0) {
          fmt_duration(v, sizeof v, n, ue->small, 0);
          return push(x, i, i + 1, CP_TX_DURATION, v);
        }
      }
    }
  }
  if (!((flags(x, j) & CP_LX_TUNIT) && (x->lx[j].shape & CP_SH_LOWER))
      && !((tokeq(x, i, "a") || tokeq(x, i, "the")) && (tokeq(x, j, "few") || tokeq(x, j, "several"))))
    return 0;
  if ((tokeq(x, i, "a") || tokeq(x, i, "the")) && (tokeq(x, j, "few") || tokeq(x, j, "several"))) {
    /* "a few months (ago)" */
    j++;
    vague = 1;
    if (!(flags(x, j) & CP_LX_TUNIT) || !(x->lx[j].shape & CP_SH_LOWER)) return 0;
  } else if (tokeq(x, i, "a") || tokeq(x, i, "an")) n = 1;
  else if (tokeq(x, i, "several") || tokeq(x, i, "few") || tokeq(x, i, "many")) vague = 1;
  else if ((flags(x, i) & CP_LX_NUMW) && (x->lx[i].shape & CP_SH_LOWER)
           && x->lx[i].lx->num < 1000) n = (long)x->lx[i].lx->num;
  else { int nd; long d = digits(x, i, &nd); if (d >= 0 && nd <= 4) n = d; }
  if (n < 0 && !vague) return 0;
  u = x->lx[j].lx->small;
  if (tokeq(x, j + 1, "ago")) {
    if (vague) return push(x, i, j + 2, CP_TX_DATE, "PAST_REF");
    if (u == 'Y' && x->an.year) snprintf(v, sizeof v, "%04ld", x->an.year - n);
    else snprintf(v, sizeof v, "PAST_REF");
    return push(x, i, j + 2, CP_TX_DATE, v);
  }
  fmt_duration(v, sizeof v, n, u, vague);
  return push(x, i, j + 1, CP_TX_DURATION, v);
}

static int set (ctx *x, size_t i) {
  /* with their lengths: a loop over the words folds no strlen */
#define SETW(s, v) {s, sizeof(s) - 1, v}
  static const struct { const char *w; size_t n; const char *v; } w[] = {
    SETW("annually", "P1Y"), SETW("yearly", "P1Y"), SETW("monthly", "P1M"),
    SETW("weekly", "P1W"), SETW("daily", "P1D"), SETW("hourly", "PT1H")};
#undef SETW
  size_t k;
  char v[CP_TX_VALUE];
  int c = first_lc(x, i);
  /* the first letters of the words here: a unit of time, or one of w,
  ** "every", "each", "per" */
  if (!(flags(x, i) & CP_LX_TUNIT) && c != 'a' && c != 'y' && c != 'm' && c != 'w'
      && c != 'd' && c != 'h' && c != 'e' && c != 'p') return 0;
  for (k = 0; k < sizeof(w) / sizeof(w[0]); k++)
    if (tokeq_n(x, i, w[k].w, w[k].n)) return push(x, i, i + 1, CP_TX_SET, w[k].v);
  if ((flags(x, i) & CP_LX_TUNIT) && tokeq(x, i + 1, "by") && tokeq(x, i + 2, "year")
      + tokeq(x, i + 2, "month") + tokeq(x, i + 2, "day") + tokeq(x, i + 2, "week")) {
    /* year by year */
    fmt_duration(v, sizeof v, 1, x->lx[i].lx->small, 0);
    return push(x, i, i + 3, CP_TX_SET, v);
  }
  if ((tokeq(x, i, "every") || tokeq(x, i, "each") || tokeq(x, i, "per"))
      && (flags(x, i + 1) & CP_LX_TUNIT)) {
    fmt_duration(v, sizeof v, 1, x->lx[i + 1].lx->small, 0);
    return push(x, i, i + 2, CP_TX_SET, v);
  }
  return 0;
}

static void fmt_time (const ctx *x, char *v, size_t cap, int h, int mi) {
  char d[16];
  if (x->an.day) fmt_date(d, sizeof d, x->an.year, x->an.month, x->an.day);
  else strcpy(d, "XXXX-XX-XX");
  snprintf(v, cap, "%sT%02d:%02d", d, h, mi);
}

static int clock (ctx *x, size_t i) {
  char v[CP_TX_VALUE];
  int nd = 0, nd2 = 0, c = first_lc(x, i);
  long h, mi = 0;
  size_t j = i + 1;
  /* digits, "noon" or "midnight" */
  if (!(c >= '0' && c <= '9') && c != 'n' && c != 'm') return 0;
  h = digits(x, i, &nd);
  if (tokeq(x, i, "noon") || tokeq(x, i, "midnight")) {
    fmt_time(x, v, sizeof v, tokeq(x, i, "noon") ? 12 : 0, 0);
    return push(x, i, i + 1, CP_TX_TIME, v);
  }
  if (nd == 4 && h >= 0 && (tokeq(x, j, "gmt") || tokeq(x, j, "est") || tokeq(x, j, "edt")
                             || tokeq(x, j, "utc") || tokeq(x, j, "local"))
      && h / 100 <= 23 && h % 100 <= 59) {
    /* 0800 GMT */
    fmt_time(x, v, sizeof v, (int)(h / 100), (int)(h % 100));
    return push(x, i, j + 1, CP_TX_TIME, v);
  }
  if (h < 0 || h > 23 || nd > 2) return 0;
  if (tokeq(x, j, ":") && j + 1 < x->tv->n && x->tv->v[j].start == x->tv->v[i].stop
      && x->tv->v[j + 1].start == x->tv->v[j].stop) {
    mi = digits(x, j + 1, &nd2);
    if (mi < 0 || mi > 59 || nd2 != 2) return 0;
    j += 2;
  } else if (!(tokeq(x, j, "a.m.") || tokeq(x, j, "p.m.") || tokeq(x, j, "am")
               || tokeq(x, j, "pm"))) return 0;
  if (tokeq(x, j, "a.m.") || tokeq(x, j, "am") || tokeq(x, j, "p.m.") || tokeq(x, j, "pm")) {
    if (h < 1 || h > 12) return 0;
    if (tokeq(x, j, "p.m.") || tokeq(x, j, "pm")) { if (h != 12) h += 12; }
    else if (h == 12) h = 0;
    j++;
  }
  if (tokeq(x, j, "gmt") || tokeq(x, j, "est") || tokeq(x, j, "edt") || tokeq(x, j, "utc")) j++;
  fmt_time(x, v, sizeof v, (int)h, (int)mi);
  return push(x, i, j, CP_TX_TIME, v);
}

/* the lexicon classes a pattern can start with (and digits, a dash) */
#define TX_START (CP_LX_MONTH | CP_LX_WEEKDAY | CP_LX_NUMW | CP_LX_ORDW \
                  | CP_LX_TUNIT | CP_LX_TIMEW)

/* can token i (after an article or "in") be "few", "several", "future"
** or "past": their first letters, before the word tests */
static int fsp_at (const ctx *x, size_t i) {
  unsigned char c;
  if (i >= x->tv->n) return 0;
  c = (unsigned char)(x->s[x->tv->v[i].start] | 32);
  return c == 'f' || c == 's' || c == 'p';
}

int cp_timex_run (const char *s, size_t n, const cp_tokvec *tv,
                  const cp_lxtok *lx, const cp_anchor *anchor,
                  cp_timexes *out, cp_err *err) {
  ctx x;
  size_t i;
  uint64_t start, word;
  if ((s == NULL && n > 0) || tv == NULL || (lx == NULL && tv->n > 0) || out == NULL)
    return cp_err_set(err, CP_EINVAL, "cp_timex_run: missing argument");
  out->n = 0;
  x.s = s; x.tv = tv; x.lx = lx; x.out = out;
  x.w_the = cp_lx_find("the", 3);  x.w_a = cp_lx_find("a", 1);
  x.w_an = cp_lx_find("an", 2);  x.w_in = cp_lx_find("in", 2);
  if (anchor) x.an = *anchor; else { x.an.year = x.an.month = x.an.day = 0; }
  if (x.an.year < 0 || x.an.year > 9999) x.an.year = 0;
  if (x.an.month < 1 || x.an.month > 12) x.an.month = x.an.day = 0;
  if (x.an.day < 0 || x.an.day > mdays(x.an.year, x.an.month)) x.an.day = 0;
  /* most tokens start no pattern: skipping them on one word of their
  ** facts, not three tests, was 40% of the run (47.7M instructions on
  ** 5 MB of UN debates) */
  start = cp_lxscan_mask(CP_SH_DIGIT, 1, TX_START);
  /* a token with none of these can start only a pattern of TIMEW words */
  word = cp_lxscan_mask(CP_SH_DIGIT, 1, TX_START & ~(uint32_t)CP_LX_TIMEW);
  for (i = cp_lxscan_next(lx, 0, tv->n, start); i < tv->n;
       i = cp_lxscan_next(lx, i, tv->n, start)) {
    int k;
    if (lx[i].shape & CP_SH_PUNCT) { i++; continue; }
    if (!(cp_lxscan_word(&lx[i]) & word)) {
      /* "the", "last", "every" ...: only these patterns start with them.
      ** The articles and "in" start one only before a unit of time ("a
      ** decade"), "few"/"several" ("the past few", "a few months") or
      ** "future"/"past" ("in the future" is "the future"): duration and
      ** relative need that, clock and set never take them */
      const cp_lxent *w = lx[i].lx;
      if (w != NULL && (w == x.w_the || w == x.w_a || w == x.w_an || w == x.w_in)
          && !(flags(&x, i + 1) & CP_LX_TUNIT)
          && (!fsp_at(&x, i + 1) || (!tokeq(&x, i + 1, "few")
          && !tokeq(&x, i + 1, "several") && !tokeq(&x, i + 1, "future")
          && !tokeq(&x, i + 1, "past"))))
        k = 0;
      else if ((k = clock(&x, i)) == 0 && (k = duration(&x, i)) == 0
               && (k = relative(&x, i)) == 0)
        k = set(&x, i);
    } else if ((k = calendar(&x, i)) == 0 && (k = quarter(&x, i)) == 0
        && (k = clock(&x, i)) == 0 && (k = duration(&x, i)) == 0
        && (k = part_month(&x, i)) == 0
        && (k = year(&x, i)) == 0 && (k = weekday(&x, i)) == 0
        && (k = relative(&x, i)) == 0)
      k = set(&x, i);
    if (k < 0) return cp_err_set(err, CP_ENOMEM, "out of memory");
    i += k ? (size_t)k : 1;
  }
  return CP_OK;
}
