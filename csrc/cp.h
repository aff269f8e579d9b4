/*
** cp.h -- shared definitions of the corpus C core: version, limits,
** error codes and the error record every fallible function fills.
**
** The core knows nothing of Lua.  Every fallible function returns an
** int code (CP_OK on success) and, when given a non-NULL cp_err, writes
** a human-readable message into it.  Nothing here is global or mutable.
*/
#ifndef CP_H
#define CP_H

#include <stddef.h>
#include <stdint.h>

#define CP_VERSION "0.2.0"

/* error codes; cp_code_name() gives their stable string names */
enum {
  CP_OK = 0,
  CP_ENOMEM,    /* out of memory */
  CP_EINVAL,    /* bad argument (programmer error) */
  CP_ECORRUPT,  /* damaged data: bad magic, checksum, out-of-range offset */
  CP_ENOENT,    /* missing file, directory or document */
  CP_EIO,       /* read/write/fsync failure */
  CP_ESYNTAX,   /* malformed query or input line */
  CP_ELIMIT,    /* a configured limit was exceeded */
  CP_EEXIST,    /* duplicate id, index already exists */
  CP_ELOCKED,   /* another writer holds the index lock */
  CP_EVERSION,  /* unsupported format version */
  CP_ELANG,     /* unknown stemmer language */
  CP_EEMPTY     /* a statistic over an empty (sub)corpus */
};

/* messages are truncated to fit; they never overflow */
#define CP_ERRMSG 512

typedef struct cp_err {
  int code;
  char msg[CP_ERRMSG];
} cp_err;

/* set code and formatted message (printf style); returns code.
** 'e' may be NULL, in which case only the code is returned. */
int cp_err_set (cp_err *e, int code, const char *fmt, ...)
#if defined(__GNUC__)
  __attribute__((format(printf, 3, 4)))
#endif
  ;

/* stable name of a code: "ENOMEM", "ECORRUPT", ... */
const char *cp_code_name (int code);

/* the three built-in token layers */
enum { CP_WORD = 0, CP_NORM = 1, CP_STEM = 2, CP_NLAYERS = 3 };

/* a layer named by string (a stored layer: lemma, upos, ...), resolved
** per segment by name */
#define CP_LAYER_NAMED 99

/* "word" / "norm" / "stem" <-> CP_WORD ...; -1 for an unknown name */
int cp_layer_id (const char *name);
const char *cp_layer_name (int layer);

#endif
