/* Runtime logging the way containerd and conmon read it: with `--log FILE --log-format json`
 * one JSON object per line with `level`, `msg` and `time`; errors also go to stderr. */
#ifndef RUNWASM_RUNTIME_LOG_H
#define RUNWASM_RUNTIME_LOG_H

#include <stdbool.h>

#include "common/error.h"

enum log_level { LOG_LEVEL_ERROR, LOG_LEVEL_WARNING, LOG_LEVEL_INFO, LOG_LEVEL_DEBUG };

/* `path` NULL: stderr only. `format` "text" or "json"; `level` "error", "warn[ing]",
 * "info", "debug" (NULL: warning). */
int log_setup (const char *path, const char *format, const char *level, struct rw_error **err);
void log_message (enum log_level level, const char *fmt, ...) __attribute__ ((format (printf, 2, 3)));
/* Reports an error to the log file (if any) and to stderr. */
void log_error (const struct rw_error *err);

#endif
