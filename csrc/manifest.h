/*
** manifest.h -- the manifest of an on-disk index (format: manifest.c
** and docs/FORMAT.md): which segment files make up a commit.
*/
#ifndef CP_MANIFEST_H
#define CP_MANIFEST_H

#include <stddef.h>
#include <stdint.h>

#include "cp.h"
#include "segfield.h"    /* CP_FIELDS_TEXTMAX */

#define CP_MAN_VERSION 1
#define CP_MAN_NAMELEN 24            /* "seg-" 16 hex ".cps" */
/* the largest generation, next-segment or size a manifest may hold */
#define CP_MAN_MAX_NUMBER ((uint64_t)1 << 48)

typedef struct cp_man_seg {
  char name[CP_MAN_NAMELEN + 1];
  uint64_t size;                      /* file length in bytes */
  uint64_t hash;                      /* XXH64 (seed 0) of the file */
  uint32_t ndocs;
  uint32_t ndel;                      /* deleted local docs, sorted */
  uint32_t *del;
} cp_man_seg;

typedef struct cp_man {
  uint64_t gen;                       /* generation of the commit */
  uint64_t next;                      /* number of the next segment file */
  int mode;                           /* tokenizer mode */
  unsigned analyse;                   /* analysers at add time, 0 = none */
  char fields[CP_FIELDS_TEXTMAX];     /* indexed fields, space separated */
  char language[64];
  cp_man_seg *segs;
  size_t nsegs;
} cp_man;

/* free the arrays and zero 'm' */
void cp_man_clear (cp_man *m);

/* parse a manifest; 'fname' names it in messages.  On error 'm' is
** left empty (nothing to free). */
int cp_man_parse (cp_man *m, const char *buf, size_t len, const char *fname,
                  cp_err *err);

/* the manifest as text (malloc'd, with its checksum line) */
int cp_man_format (const cp_man *m, char **out, size_t *len, cp_err *err);

/* segment file names: "seg-%016x.cps" of a number; the check */
void cp_man_name (char *buf, uint64_t num);
int cp_man_valid_name (const char *s, size_t n);

#endif
