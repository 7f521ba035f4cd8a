/* Where a config.json mount lands: the destination resolved inside the rootfs, then refused
 * when it is the container's root or lies on procfs, whatever symlinks led there
 * (CVE-2019-19921: a volume over /proc/self/attr turns the LSM label write at exec into a
 * write to a plain file). The rules are in docs/mounts.md. */
#ifndef RUNWASM_LINUX_MOUNT_TARGET_H
#define RUNWASM_LINUX_MOUNT_TARGET_H

#include "common/error.h"
#include "linux/path_in_root.h"
#include "runtime/config.h"

/* An O_PATH fd of m->destination under rootfd (created as `leaf` asks), checked. The caller
 * mounts on exactly this fd (fd_path), so what was checked is what gets covered. */
int mount_target_open (int rootfd, const struct oci_mount *m, enum path_leaf leaf, struct rw_error **err);

#endif
