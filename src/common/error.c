#include "common/error.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *vformat (const char *fmt, va_list ap)
{
  char *s = NULL;
  if (vasprintf (&s, fmt, ap) < 0)
    return NULL;
  return s;
}

int rw_error_set (struct rw_error **err, int errno_, const char *fmt, ...)
{
  if (err == NULL || *err != NULL)
    return -1;
  va_list ap;
  va_start (ap, fmt);
  char *msg = vformat (fmt, ap);
  va_end (ap);
  struct rw_error *e = calloc (1, sizeof *e);
  if (e == NULL || msg == NULL)
    {
      /* Out of memory while reporting: keep the errno so the caller still fails clearly. */
      free (msg);
      free (e);
      return -1;
    }
  if (errno_ != 0)
    {
      char *full = NULL;
      if (asprintf (&full, "%s: %s", msg, strerror (errno_)) >= 0)
        {
          free (msg);
          msg = full;
        }
    }
  e->status = errno_;
  e->msg = msg;
  *err = e;
  return -1;
}

int rw_error_wrap (struct rw_error **err, const char *fmt, ...)
{
  if (err == NULL || *err == NULL)
    return -1;
  va_list ap;
  va_start (ap, fmt);
  char *prefix = vformat (fmt, ap);
  va_end (ap);
  char *full = NULL;
  if (prefix != NULL && asprintf (&full, "%s: %s", prefix, (*err)->msg) >= 0)
    {
      free ((*err)->msg);
      (*err)->msg = full;
    }
  free (prefix);
  return -1;
}

void rw_error_free (struct rw_error **err)
{
  if (err == NULL || *err == NULL)
    return;
  free ((*err)->msg);
  free (*err);
  *err = NULL;
}

void rw_error_merge (struct rw_error **dst, struct rw_error **src)
{
  if (*dst == NULL)
    {
      *dst = *src;
      *src = NULL;
    }
  else
    rw_error_free (src);
}

static void (*warning_sink) (const char *msg);

void rw_warning_set_sink (void (*sink) (const char *msg))
{
  warning_sink = sink;
}

void rw_warning (const char *fmt, ...)
{
  va_list ap;
  va_start (ap, fmt);
  char *msg = vformat (fmt, ap);
  va_end (ap);
  if (msg == NULL)
    return;
  if (warning_sink)
    warning_sink (msg);
  else
    fprintf (stderr, "runwasm: warning: %s\n", msg);
  free (msg);
}
