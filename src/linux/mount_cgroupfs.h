/* A `cgroup` mount inside the container: on a v2 host a cgroup2 mount; on v1/hybrid hosts a
 * tmpfs with one directory per hierarchy, each showing the container's own cgroup. */
#ifndef RUNWASM_LINUX_MOUNT_CGROUPFS_H
#define RUNWASM_LINUX_MOUNT_CGROUPFS_H

#include <stdbool.h>

#include "common/error.h"
#include "runtime/config.h"

/* `private_cgroupns`: the container has its own cgroup namespace, so fresh cgroup mounts show
 * its cgroup as their root; otherwise the host hierarchies are bind-mounted at that cgroup. */
int mount_cgroupfs (int rootfd, const struct oci_mount *m, bool private_cgroupns, struct rw_error **err);

#endif
