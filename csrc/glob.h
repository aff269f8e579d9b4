/*
** glob.h -- the glob patterns of queries: '*' any run of characters,
** '?' one UTF-8 character, anything else itself.  A term (`terror*`,
** `wom?n`), a metadata value (`country:Fr*`) and a variant key are all
** matched by this one function.
*/
#ifndef CP_GLOB_H
#define CP_GLOB_H

#include <stddef.h>

/* does the glob p[0..pn) match the whole of s[0..sn)? */
int cp_glob_match (const char *p, size_t pn, const char *s, size_t sn);

/* the length of p's literal prefix: the bytes before its first '*' or '?' */
size_t cp_glob_literal (const char *p, size_t pn);

#endif
