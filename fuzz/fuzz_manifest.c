/*
** fuzz_manifest.c -- libFuzzer harness: the manifest parser.  Each
** input is parsed as it is and with a correct checksum line appended
** (so that the field checks behind the checksum are reached).  A
** manifest that parses must format back to text that parses to the
** same values (anything else aborts: a bug).
*/
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <xxhash.h>

#include "manifest.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static void same (const cp_man *a, const cp_man *b) {
  size_t i;
  if (a->gen != b->gen || a->next != b->next || a->mode != b->mode ||
      strcmp(a->language, b->language) != 0 || a->nsegs != b->nsegs)
    abort();
  for (i = 0; i < a->nsegs; i++)
    if (strcmp(a->segs[i].name, b->segs[i].name) != 0 ||
        a->segs[i].size != b->segs[i].size ||
        a->segs[i].hash != b->segs[i].hash ||
        a->segs[i].ndocs != b->segs[i].ndocs ||
        a->segs[i].ndel != b->segs[i].ndel ||
        (a->segs[i].ndel &&
         memcmp(a->segs[i].del, b->segs[i].del, 4 * a->segs[i].ndel) != 0))
      abort();
}

static void parse (const char *buf, size_t len) {
  cp_man m, r;
  cp_err e;
  char *text;
  size_t tlen;
  if (cp_man_parse(&m, buf, len, "MANIFEST", &e) != CP_OK) return;
  if (cp_man_format(&m, &text, &tlen, &e) != CP_OK) abort();
  if (cp_man_parse(&r, text, tlen, "MANIFEST", &e) != CP_OK) abort();
  same(&m, &r);
  cp_man_clear(&r);
  cp_man_clear(&m);
  free(text);
}

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size) {
  char *buf;
  size_t n = size;
  parse((const char *)data, size);
  if ((buf = (char *)malloc(size + 32)) == NULL) return 0;
  memcpy(buf, data, size);
  if (n == 0 || buf[n - 1] != '\n') buf[n++] = '\n';
  n += (size_t)snprintf(buf + n, 32, "checksum %016llx\n",
                        (unsigned long long)XXH64(buf, n, 0));
  parse(buf, n);
  free(buf);
  return 0;
}
