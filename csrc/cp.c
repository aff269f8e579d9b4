/*
** cp.c -- error records and layer names shared by every module.
*/
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "cp.h"

int cp_err_set (cp_err *e, int code, const char *fmt, ...) {
  if (e != NULL) {
    va_list ap;
    e->code = code;
    va_start(ap, fmt);
    vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
    va_end(ap);
  }
  return code;
}

const char *cp_code_name (int code) {
  static const char *const names[] = {
    "OK", "ENOMEM", "EINVAL", "ECORRUPT", "ENOENT", "EIO", "ESYNTAX",
    "ELIMIT", "EEXIST", "ELOCKED", "EVERSION", "ELANG",
    "EEMPTY"
  };
  if (code < 0 || code >= (int)(sizeof(names) / sizeof(names[0])))
    return "EUNKNOWN";
  return names[code];
}

static const char *const layer_names[CP_NLAYERS] = {"word", "norm", "stem"};

int cp_layer_id (const char *name) {
  int i;
  if (name == NULL) return -1;
  for (i = 0; i < CP_NLAYERS; i++)
    if (strcmp(name, layer_names[i]) == 0) return i;
  return -1;
}

const char *cp_layer_name (int layer) {
  return (layer >= 0 && layer < CP_NLAYERS) ? layer_names[layer] : NULL;
}
