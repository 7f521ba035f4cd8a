/* config.json `mounts`, performed under the container's rootfs before pivot_root. */
#ifndef RUNWASM_LINUX_MOUNTS_H
#define RUNWASM_LINUX_MOUNTS_H

#include <stdbool.h>

#include "common/error.h"
#include "runtime/config.h"

/* Mounts every entry of c->mounts under rootfd (an fd of the rootfs), in order. Relative
 * bind sources resolve against the current directory (the bundle). `idmapped_trees` (may be
 * NULL) holds the detached trees of idmapped mounts (mount_idmap.h), -1 for the others;
 * each is closed once attached, so the container keeps none of them.
 * Errors name the entry: "mounts[N] `/dest`: ...". */
int mounts_setup (const struct oci_config *c, int rootfd, int *idmapped_trees, struct rw_error **err);

/* mount(2) wrapper that names the target in the error. */
int mounts_do (const char *source, const char *target, const char *type, unsigned long flags,
               const char *data, const char *what, struct rw_error **err);

/* Remount the mount at `fd` with `flags` | MS_REMOUNT | MS_BIND, keeping the flags the kernel
 * locks (nosuid, nodev, noexec, atime flags) that are already set on it. */
int mounts_remount_bind (int fd, unsigned long flags, const char *what, struct rw_error **err);

#endif
