/*
** tap.h -- the smallest TAP producer for the C tests: each check prints
** "ok N - what" or "not ok N - what"; tap_done() returns the exit code.
*/
#ifndef CP_TAP_H
#define CP_TAP_H

#include <stdio.h>
#include <stdlib.h>

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

/* a whole file, malloc'd and NUL-terminated; NULL if unreadable */
static inline char *readfile (const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  char *b;
  long n;
  if (f == NULL) return NULL;
  fseek(f, 0, SEEK_END);
  n = ftell(f);
  fseek(f, 0, SEEK_SET);
  b = (n < 0) ? NULL : (char *)malloc((size_t)n + 1);
  if (b && fread(b, 1, (size_t)n, f) != (size_t)n) { free(b);  b = NULL; }
  fclose(f);
  if (b) { b[n] = '\0';  *len = (size_t)n; }
  return b;
}

static int tap_done (void) {
  printf("1..%d\n", tap_n);
  return tap_failed ? 1 : 0;
}

#endif
