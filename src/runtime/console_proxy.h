/* The terminal of a foreground `run` without --console-socket: runwasm itself receives the
 * pty master and copies between it and its own stdio until the container exits (as runc). */
#ifndef RUNWASM_RUNTIME_CONSOLE_PROXY_H
#define RUNWASM_RUNTIME_CONSOLE_PROXY_H

#include <sys/types.h>

#include "common/error.h"

/* Receives the fd the container sent with SCM_RIGHTS over `socket_fd`. */
int console_proxy_receive_master (int socket_fd, struct rw_error **err);

/* Copies stdin -> master and master -> stdout until `pid` exits; the local terminal, if
 * stdin is one, is raw meanwhile. */
int console_proxy_run (int master, pid_t pid, struct rw_error **err);

#endif
