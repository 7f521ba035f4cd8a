/* The container's root: propagation, the bind of the rootfs onto itself, pivot_root (or
 * MS_MOVE + chroot with --no-pivot) and the final read-only remount. */
#ifndef RUNWASM_LINUX_ROOTFS_H
#define RUNWASM_LINUX_ROOTFS_H

#include <stdbool.h>

#include "common/error.h"
#include "runtime/config.h"

/* In the new mount namespace: stop mount events from reaching the host and make the rootfs a
 * mount point. Returns an fd of the rootfs directory (the root for path_in_root). */
int rootfs_prepare (const struct oci_config *c, struct rw_error **err);
/* Makes rootfd the root of the mount namespace; the old root is detached. */
int rootfs_enter (int rootfd, const char *rootfs, bool no_pivot, struct rw_error **err);
/* After pivot: linux.rootfsPropagation, then root.readonly. */
int rootfs_finish (const struct oci_config *c, struct rw_error **err);

#endif
