/* /dev in the container: the default devices every container gets (null, zero, full,
 * random, urandom, tty), linux.devices, and the usual symlinks (/dev/fd, /dev/stdin, ...). */
#ifndef RUNWASM_LINUX_DEVICES_H
#define RUNWASM_LINUX_DEVICES_H

#include <stdbool.h>

#include "common/error.h"
#include "runtime/config.h"

/* Under rootfd, before pivot_root. `bind_from_host`: a user namespace cannot mknod, so the
 * host's device nodes are bind-mounted instead. */
int devices_setup (const struct oci_config *c, int rootfd, bool bind_from_host, struct rw_error **err);

#endif
