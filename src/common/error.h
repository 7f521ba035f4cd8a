/* Errors, crun-style: a fallible function takes `struct rw_error **err`, returns a negative
 * status on failure and fills *err once, with context; callers wrap it on the way up. */
#ifndef RUNWASM_COMMON_ERROR_H
#define RUNWASM_COMMON_ERROR_H

#include <stdarg.h>

struct rw_error {
  int status;  /* errno of the failing call, 0 when there is none */
  char *msg;   /* "open `/x/config.json`: No such file or directory" */
};

/* Set *err (if err is non-NULL and *err is NULL), return -1. errno_ may be 0. */
int rw_error_set (struct rw_error **err, int errno_, const char *fmt, ...)
  __attribute__ ((format (printf, 3, 4)));
/* Prefix the message of an existing *err with more context ("create container `x`: ..."). */
int rw_error_wrap (struct rw_error **err, const char *fmt, ...) __attribute__ ((format (printf, 2, 3)));
void rw_error_free (struct rw_error **err);
/* Move src into *dst if *dst is empty, otherwise free src. */
void rw_error_merge (struct rw_error **dst, struct rw_error **src);

/* A warning from a layer below the logger (a setting accepted but not enforced by this host):
 * it goes to the sink the logger installs, or to stderr before there is one. */
void rw_warning (const char *fmt, ...) __attribute__ ((format (printf, 1, 2)));
void rw_warning_set_sink (void (*sink) (const char *msg));

#endif
