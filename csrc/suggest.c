/*
** suggest.c -- closest-name suggestions (suggest.h).
**
** Hand-written: a dozen lines of dynamic programming over names of a
** few bytes; no packaged library offers just this.  Three rows of the
** DP table live on the stack, bounded by CP_SUGGEST_MAXLEN; longer
** input is simply never "close".
*/
#include <ctype.h>
#include <string.h>

#include "suggest.h"

static size_t min3 (size_t a, size_t b, size_t c) {
  size_t m = a < b ? a : b;
  return m < c ? m : c;
}

size_t cp_suggest_distance (const char *a, size_t alen,
                            const char *b, size_t blen) {
  size_t rows[3][CP_SUGGEST_MAXLEN + 1];
  size_t *pp = rows[0], *prev = rows[1], *cur = rows[2];
  size_t i, j;
  if (a == NULL || b == NULL) return (size_t)-1;
  if (alen > CP_SUGGEST_MAXLEN || blen > CP_SUGGEST_MAXLEN) return (size_t)-1;
  for (j = 0; j <= blen; j++) prev[j] = j;
  for (i = 1; i <= alen; i++) {
    size_t *t;
    cur[0] = i;
    for (j = 1; j <= blen; j++) {
      size_t cost = (a[i - 1] == b[j - 1]) ? 0 : 1;
      cur[j] = min3(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]
          && pp[j - 2] + 1 < cur[j])
        cur[j] = pp[j - 2] + 1;
    }
    t = pp; pp = prev; prev = cur; cur = t;
  }
  return prev[blen];
}

static int same_nocase (const char *a, size_t alen, const char *b) {
  size_t i;
  if (strlen(b) != alen) return 0;
  for (i = 0; i < alen; i++)
    if (tolower((unsigned char)a[i]) != tolower((unsigned char)b[i]))
      return 0;
  return 1;
}

long cp_suggest (const char *name, size_t len,
                 const char *const *cands, size_t n) {
  size_t i, best = (size_t)-1, limit = len <= 4 ? 1 : 2;
  long at = -1;
  if (name == NULL || cands == NULL) return -1;
  for (i = 0; i < n; i++) {
    size_t d;
    if (cands[i] == NULL) continue;
    if (same_nocase(name, len, cands[i])) return (long)i;
    /* a clipped or changed ending ("contains" for "containing"): a
    ** common prefix of 4 bytes or more that covers all but one byte of
    ** the shorter name */
    {
      size_t cl = strlen(cands[i]), sh = len < cl ? len : cl, p = 0;
      while (p < sh && name[p] == cands[i][p]) p++;
      if (p >= 4 && p + 1 >= sh) {
        if (1 < best) { best = 1; at = (long)i; }
        continue;
      }
    }
    d = cp_suggest_distance(name, len, cands[i], strlen(cands[i]));
    if (d <= limit && d < best) { best = d; at = (long)i; }
  }
  return at;
}
