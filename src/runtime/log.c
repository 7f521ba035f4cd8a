#include "runtime/log.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <json-c/json.h>

static struct {
  int fd;                 /* -1: no log file */
  bool json;
  enum log_level level;
} logger = { -1, false, LOG_LEVEL_WARNING };

static const char *const level_names[] = { "error", "warning", "info", "debug" };

static void log_warning_sink (const char *msg)
{
  log_message (LOG_LEVEL_WARNING, "%s", msg);
}

int log_setup (const char *path, const char *format, const char *level, struct rw_error **err)
{
  rw_warning_set_sink (log_warning_sink);
  if (format && strcmp (format, "json") == 0)
    logger.json = true;
  else if (format && strcmp (format, "text") != 0)
    return rw_error_set (err, 0, "--log-format: unknown format `%s` (text or json)", format);
  if (level)
    {
      if (strcmp (level, "error") == 0 || strcmp (level, "fatal") == 0 || strcmp (level, "panic") == 0)
        logger.level = LOG_LEVEL_ERROR;
      else if (strcmp (level, "warn") == 0 || strcmp (level, "warning") == 0)
        logger.level = LOG_LEVEL_WARNING;
      else if (strcmp (level, "info") == 0)
        logger.level = LOG_LEVEL_INFO;
      else if (strcmp (level, "debug") == 0 || strcmp (level, "trace") == 0)
        logger.level = LOG_LEVEL_DEBUG;
      else
        return rw_error_set (err, 0, "--log-level: unknown level `%s`", level);
    }
  if (path && *path)
    {
      int fd = open (path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
      if (fd < 0)
        return rw_error_set (err, errno, "--log: open `%s`", path);
      logger.fd = fd;
    }
  return 0;
}

static void write_line (enum log_level level, const char *msg)
{
  if (logger.fd < 0)
    return;
  struct timespec ts;
  clock_gettime (CLOCK_REALTIME, &ts);
  struct tm tm;
  gmtime_r (&ts.tv_sec, &tm);
  char date[32], stamp[64];
  strftime (date, sizeof date, "%Y-%m-%dT%H:%M:%S", &tm);
  snprintf (stamp, sizeof stamp, "%s.%09ldZ", date, ts.tv_nsec);
  char *line = NULL;
  int len;
  if (logger.json)
    {
      json_object *o = json_object_new_object ();
      json_object_object_add (o, "level", json_object_new_string (level_names[level]));
      json_object_object_add (o, "msg", json_object_new_string (msg));
      json_object_object_add (o, "time", json_object_new_string (stamp));
      len = asprintf (&line, "%s\n", json_object_to_json_string_ext (o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
      json_object_put (o);
    }
  else
    len = asprintf (&line, "%s %s: %s\n", stamp, level_names[level], msg);
  if (len > 0 && write (logger.fd, line, len) < 0)
    {
      /* Nowhere left to report a failing log file; stderr still gets errors. */
    }
  free (line);
}

void log_message (enum log_level level, const char *fmt, ...)
{
  if (level > logger.level)
    return;
  char *msg = NULL;
  va_list ap;
  va_start (ap, fmt);
  int r = vasprintf (&msg, fmt, ap);
  va_end (ap);
  if (r < 0)
    return;
  write_line (level, msg);
  if (logger.fd < 0 || level <= LOG_LEVEL_WARNING)
    fprintf (stderr, "runwasm: %s%s\n", level == LOG_LEVEL_WARNING ? "warning: " : "", msg);
  free (msg);
}

void log_error (const struct rw_error *err)
{
  log_message (LOG_LEVEL_ERROR, "%s", err && err->msg ? err->msg : "unknown error");
}
