/* process.terminal: a pty created inside the container (from its own devpts), whose master
 * is sent to the caller's --console-socket with SCM_RIGHTS, as runc and crun do. */
#ifndef RUNWASM_LINUX_TERMINAL_H
#define RUNWASM_LINUX_TERMINAL_H

#include "common/error.h"

/* Runtime side: connect to the unix socket `path`. */
int terminal_connect_console_socket (const char *path, struct rw_error **err);

/* Opens a new pty through `ptmx` (an fd of a ptmx device), sets its size when given. */
int terminal_open_pty (int ptmx_dirfd, const char *ptmx_path, unsigned int height, unsigned int width,
                       int *master, int *slave, struct rw_error **err);

/* Sends `master` over the connected console socket, with the pty name as payload. */
int terminal_send_master (int socket_fd, int master, struct rw_error **err);

/* New session with `slave` as controlling terminal and as stdin, stdout and stderr. */
int terminal_become_controlling (int slave, struct rw_error **err);

#endif
