/*
** glob.c -- glob patterns of queries (glob.h).  By hand because the
** patterns are byte strings with a length, not C strings, and '?' must
** take a whole UTF-8 character: fnmatch(3) has neither.  Backtracking to
** the last '*' only, so the work is O(pn * sn) at worst.
*/
#include "glob.h"

int cp_glob_match (const char *p, size_t pn, const char *s, size_t sn) {
  size_t pi = 0, si = 0, star_p = (size_t)-1, star_s = 0;
  if ((p == NULL && pn > 0) || (s == NULL && sn > 0)) return 0;
  while (si < sn) {
    if (pi < pn && p[pi] == '?') {
      pi++;
      si++;
      while (si < sn && ((unsigned char)s[si] & 0xC0) == 0x80) si++;
    }
    else if (pi < pn && p[pi] == '*') { star_p = ++pi; star_s = si; }
    else if (pi < pn && p[pi] == s[si]) { pi++; si++; }
    else if (star_p != (size_t)-1) {
      pi = star_p;
      si = ++star_s;
      while (si < sn && ((unsigned char)s[si] & 0xC0) == 0x80) si = ++star_s;
    }
    else return 0;
  }
  while (pi < pn && p[pi] == '*') pi++;
  return pi == pn;
}

size_t cp_glob_literal (const char *p, size_t pn) {
  size_t i = 0;
  if (p == NULL) return 0;
  while (i < pn && p[i] != '*' && p[i] != '?') i++;
  return i;
}
