/*
** analysis.c -- the derived layers of a word form.
**
** norm: utf8proc NFKC + case folding, default-ignorable code points
**       (soft hyphen, zero-width joiners, ...) removed, then the
**       apostrophe look-alikes U+2019, U+2018 and U+02BC mapped to
**       U+0027, so "Ukraine’s" and "ukraine's" meet.
** stem: a libstemmer (Snowball) algorithm applied to the norm form.
**
** Both are computed once per word *type* by the segment builder, never
** per token, so clarity wins over speed here.
*/
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <libstemmer.h>
#include <utf8proc.h>

#include "analysis.h"

struct cp_an {
  struct sb_stemmer *stemmer;
  char *lang;                 /* canonical libstemmer name */
  char *buf;                  /* result of the last cp_an_norm */
  size_t cap;
};


/* {================================================================
** Known languages
** ================================================================= */

/* The list is built once from sb_stemmer_list(), so it always matches
** the installed libstemmer; pthread_once keeps the lazy build race-free
** (the only static state of the module, immutable after the first use). */
static char langlist[1024];
static pthread_once_t langonce = PTHREAD_ONCE_INIT;

static void buildlangs (void) {
  const char **l = sb_stemmer_list();
  size_t n = 0;
  for (; *l != NULL; l++) {
    size_t k = strlen(*l);
    if (n + k + 2 > sizeof(langlist)) break;  /* cannot happen in practice */
    if (n > 0) langlist[n++] = ',';
    memcpy(langlist + n, *l, k);
    n += k;
  }
  langlist[n] = '\0';
}

const char *cp_an_languages (void) {
  pthread_once(&langonce, buildlangs);
  return langlist;
}

/* }================================================================ */


cp_an *cp_an_new (const char *language, cp_err *err) {
  cp_an *an;
  const char **l;
  const char *canon = NULL;
  if (language == NULL) language = "english";
  /* accept only the names sb_stemmer_list() reports: libstemmer also
  ** takes ISO codes ("en"), but one spelling per language keeps stored
  ** indexes comparable */
  for (l = sb_stemmer_list(); *l != NULL; l++)
    if (strcmp(*l, language) == 0) { canon = *l; break; }
  if (canon == NULL) {
    cp_err_set(err, CP_ELANG, "unknown stemmer language '%.64s' (known: %s)",
               language, cp_an_languages());
    return NULL;
  }
  an = (cp_an *)calloc(1, sizeof(*an));
  if (an == NULL) goto oom;
  an->lang = strdup(canon);
  if (an->lang == NULL) goto oom;
  an->stemmer = sb_stemmer_new(canon, "UTF_8");
  if (an->stemmer == NULL) goto oom;   /* name was checked: only OOM left */
  return an;
oom:
  cp_an_free(an);
  cp_err_set(err, CP_ENOMEM, "out of memory creating the analyser");
  return NULL;
}

void cp_an_free (cp_an *an) {
  if (an == NULL) return;
  if (an->stemmer != NULL) sb_stemmer_delete(an->stemmer);
  free(an->lang);
  free(an->buf);
  free(an);
}

const char *cp_an_language (const cp_an *an) {
  return an != NULL ? an->lang : NULL;
}

/* make room for 'n' bytes plus a NUL in the result buffer */
static int reserve (cp_an *an, size_t n) {
  if (n + 1 > an->cap) {
    size_t nc = an->cap ? an->cap : 64;
    char *nb;
    while (nc < n + 1) nc *= 2;
    nb = (char *)realloc(an->buf, nc);
    if (nb == NULL) return 0;
    an->buf = nb;
    an->cap = nc;
  }
  return 1;
}

/*
** Copy 'src' into the result buffer, replacing U+2019, U+2018 and
** U+02BC by an ASCII apostrophe.  The output is never longer than the
** input (3 or 2 bytes become 1).
*/
static const char *unify_apostrophes (cp_an *an, const unsigned char *src,
                                      size_t n, size_t *outlen) {
  size_t i = 0, o = 0;
  if (!reserve(an, n)) return NULL;
  while (i < n) {
    unsigned char c = src[i];
    if (c == 0xE2 && i + 2 < n && src[i + 1] == 0x80 &&
        (src[i + 2] == 0x98 || src[i + 2] == 0x99)) {
      an->buf[o++] = '\'';  i += 3;
    }
    else if (c == 0xCA && i + 1 < n && src[i + 1] == 0xBC) {
      an->buf[o++] = '\'';  i += 2;
    }
    else an->buf[o++] = (char)src[i++];
  }
  an->buf[o] = '\0';
  *outlen = o;
  return an->buf;
}

/*
** NFKC + case folding with default ignorables removed.  A form that
** consists only of ignorables would vanish, so it keeps them instead:
** a norm is never empty for a non-empty input.  Input that is not valid
** UTF-8 (the builder always repairs first) is passed through unchanged
** apart from the apostrophes.
*/
const char *cp_an_norm (cp_an *an, const char *s, size_t n, size_t *outlen) {
  utf8proc_uint8_t *dst = NULL;
  utf8proc_ssize_t r;
  const char *res;
  int opts = UTF8PROC_STABLE | UTF8PROC_COMPOSE | UTF8PROC_COMPAT |
             UTF8PROC_CASEFOLD;
  if (an == NULL || outlen == NULL || (s == NULL && n > 0)) return NULL;
  if (n == 0) {
    if (!reserve(an, 0)) return NULL;
    an->buf[0] = '\0';  *outlen = 0;
    return an->buf;
  }
  {  /* ASCII (most word types): NFKC and case folding reduce to
     ** lower-casing, and ASCII has no ignorables or curly apostrophes */
    size_t i;
    for (i = 0; i < n; i++)
      if ((unsigned char)s[i] >= 0x80) break;
    if (i == n) {
      if (!reserve(an, n)) return NULL;
      for (i = 0; i < n; i++) {
        char c = s[i];
        an->buf[i] = (c >= 'A' && c <= 'Z') ? (char)(c + ('a' - 'A')) : c;
      }
      an->buf[n] = '\0';
      *outlen = n;
      return an->buf;
    }
  }
  if (n > ((size_t)1 << 30))  /* utf8proc sizes are signed and grow 4x */
    return unify_apostrophes(an, (const unsigned char *)s, n, outlen);
  r = utf8proc_map((const utf8proc_uint8_t *)s, (utf8proc_ssize_t)n, &dst,
                   (utf8proc_option_t)(opts | UTF8PROC_IGNORE));
  if (r == 0) {  /* only ignorables: keep them */
    free(dst);  dst = NULL;
    r = utf8proc_map((const utf8proc_uint8_t *)s, (utf8proc_ssize_t)n, &dst,
                     (utf8proc_option_t)opts);
  }
  if (r == UTF8PROC_ERROR_NOMEM) return NULL;
  if (r < 0)   /* invalid UTF-8 or similar: pass through */
    return unify_apostrophes(an, (const unsigned char *)s, n, outlen);
  res = unify_apostrophes(an, dst, (size_t)r, outlen);
  free(dst);
  return res;
}

/*
** Snowball stem of 's' (the caller passes a norm form: the algorithms
** expect lower case).  The result lives in the stemmer's own buffer,
** which belongs to 'an', so the lifetime rule of analysis.h holds.
*/
char *cp_an_key (cp_an *an, const char *s, size_t n, int stem,
                 size_t *outlen) {
  const char *r;
  char *k;
  size_t kl;
  if (an == NULL || outlen == NULL || (s == NULL && n > 0)) return NULL;
  if ((r = cp_an_norm(an, s, n, &kl)) == NULL) return NULL;
  /* the stemmer may write the buffer the norm is in: copy it first */
  if ((k = (char *)malloc(kl + 1)) == NULL) return NULL;
  memcpy(k, r, kl);
  if (stem) {
    char *t;
    if ((r = cp_an_stem(an, k, kl, &kl)) == NULL) { free(k);  return NULL; }
    if ((t = (char *)malloc(kl + 1)) == NULL) { free(k);  return NULL; }
    memcpy(t, r, kl);
    free(k);
    k = t;
  }
  k[kl] = '\0';
  *outlen = kl;
  return k;
}

const char *cp_an_stem (cp_an *an, const char *s, size_t n, size_t *outlen) {
  const sb_symbol *r;
  if (an == NULL || outlen == NULL || (s == NULL && n > 0)) return NULL;
  if (n > (size_t)0x7fffffff) {  /* libstemmer takes an int length */
    if (!reserve(an, n)) return NULL;
    memcpy(an->buf, s, n);
    an->buf[n] = '\0';
    *outlen = n;
    return an->buf;
  }
  r = sb_stemmer_stem(an->stemmer, (const sb_symbol *)(s ? s : ""), (int)n);
  if (r == NULL) return NULL;
  *outlen = (size_t)sb_stemmer_length(an->stemmer);
  return (const char *)r;
}
