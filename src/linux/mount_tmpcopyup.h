/* tmpcopyup: a new tmpfs starts with a copy of the directory it covers (crun's option). */
#ifndef RUNWASM_LINUX_MOUNT_TMPCOPYUP_H
#define RUNWASM_LINUX_MOUNT_TMPCOPYUP_H

#include "common/error.h"

/* Copies the tree under `shadowed` (a directory fd opened before the mount) into `top`
 * (an fd of the new tmpfs): files, directories, symlinks, device nodes and fifos, with their
 * owners, modes and times; hard links become copies, xattrs are not copied. The tmpfs root
 * takes the shadowed directory's owner and mode unless `data` sets mode=, uid= or gid=. */
int mount_tmpcopyup (int shadowed, int top, const char *data, struct rw_error **err);

#endif
