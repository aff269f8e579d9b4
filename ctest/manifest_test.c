/*
** manifest_test.c -- the manifest parser range-checks every value even
** when the checksum is valid (issue 10, item 5).
*/
#include <stdio.h>
#include <string.h>

#include <xxhash.h>

#include "manifest.h"
#include "tap.h"

/* parse 'body' closed by a correct checksum line */
static int parse_sealed (const char *body, cp_man *m, cp_err *e) {
  char buf[1024];
  size_t n = strlen(body);
  memcpy(buf, body, n);
  n += (size_t)snprintf(buf + n, sizeof(buf) - n, "checksum %016llx\n",
                        (unsigned long long)XXH64(buf, n, 0));
  return cp_man_parse(m, buf, n, "MANIFEST", e);
}

static int try_head (const char *gen, const char *next, cp_err *e) {
  char body[512];
  cp_man m;
  int rc;
  snprintf(body, sizeof(body), "corpus-index 1\ngeneration %s\nlanguage "
           "english\nmode 0\nnext-segment %s\nsegments 0\n", gen, next);
  rc = parse_sealed(body, &m, e);
  if (rc == CP_OK) cp_man_clear(&m);
  return rc;
}

int main (void) {
  cp_err e;
  TAP_OK(try_head("3", "2", &e) == CP_OK, "a plain manifest parses");
  TAP_OK(try_head("3", "18446744073709551615", &e) == CP_ECORRUPT &&
         strstr(e.msg, "next-segment") != NULL,
         "next-segment 2^64-1 with a valid checksum is ECORRUPT (%s)", e.msg);
  TAP_OK(try_head("18446744073709551615", "2", &e) == CP_ECORRUPT &&
         strstr(e.msg, "generation") != NULL,
         "a generation that would wrap is ECORRUPT (%s)", e.msg);
  TAP_OK(try_head("0", "2", &e) == CP_ECORRUPT, "generation 0 is ECORRUPT");
  TAP_OK(try_head("3", "0", &e) == CP_ECORRUPT, "next-segment 0 is ECORRUPT");
  TAP_OK(try_head("281474976710656", "281474976710656", &e) == CP_OK,
         "2^48 is the largest accepted");
  TAP_OK(try_head("281474976710657", "2", &e) == CP_ECORRUPT,
         "2^48 + 1 is not");
  {
    cp_man m;
    TAP_OK(parse_sealed("corpus-index 1\ngeneration 3\nlanguage english\n"
                        "mode 0\nnext-segment 9\nsegments 1\nseg "
                        "seg-0000000000000001.cps 999999999999999999 "
                        "0123456789abcdef 1 0\n", &m, &e) == CP_ECORRUPT,
           "an absurd segment size is ECORRUPT");
  }
  return tap_done();
}
