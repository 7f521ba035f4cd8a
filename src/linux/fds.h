/* File descriptors handed to the container: stdio, the caller's --preserve-fds and systemd's
 * LISTEN_FDS; everything else the runtime holds is closed by execve. */
#ifndef RUNWASM_LINUX_FDS_H
#define RUNWASM_LINUX_FDS_H

#include <stddef.h>

#include "common/error.h"

/* Number of fds from $LISTEN_FDS (socket activation) in the runtime's environment. */
int fds_listen_count (void);

/* Keeps fds 3 .. 3+n_preserved-1 across execve and marks every fd above close-on-exec. */
int fds_prepare_for_exec (int n_preserved, struct rw_error **err);

/* Closes every fd from `first` up except those in `keep` (any order, -1 entries ignored):
 * a cloned child must not hold the runtime's fds (e.g. the state dir lock) past create. */
int fds_close_except (int first, const int *keep, size_t n_keep, struct rw_error **err);

#endif
