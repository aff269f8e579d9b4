/*
** tap.h -- the smallest TAP producer for the C tests: each check prints
** "ok N - what" or "not ok N - what"; tap_done() returns the exit code.
*/
#ifndef CP_TAP_H
#define CP_TAP_H

#include <stdio.h>

static int tap_n = 0, tap_failed = 0;

#define TAP_OK(cond, ...) do { \
    int tap_c_ = (cond) ? 1 : 0; \
    tap_n++; \
    if (!tap_c_) tap_failed++; \
    printf("%sok %d - ", tap_c_ ? "" : "not ", tap_n); \
    printf(__VA_ARGS__); \
    printf("\n"); \
    if (!tap_c_) printf("#   failed at %s:%d\n", __FILE__, __LINE__); \
  } while (0)

static int tap_done (void) {
  printf("1..%d\n", tap_n);
  return tap_failed ? 1 : 0;
}

#endif
