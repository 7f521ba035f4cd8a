/* idmap/ridmap mount options: a bind mount whose files appear with their owners shifted by
 * an ID mapping (mount_setattr MOUNT_ATTR_IDMAP). The kernel only idmaps a detached mount
 * and wants CAP_SYS_ADMIN over the source filesystem, which a container in a user namespace
 * lacks: the runtime builds the trees before clone() and the container process inherits
 * them and attaches them with move_mount (mounts_setup). */
#ifndef RUNWASM_LINUX_MOUNT_IDMAP_H
#define RUNWASM_LINUX_MOUNT_IDMAP_H

#include "common/error.h"
#include "runtime/config.h"

/* For every mount with idmap/ridmap: an fd of the detached, idmapped tree, else -1, in
 * *trees (c->n_mounts entries, NULL when no mount asks). The mapping is the mount's own
 * uidMappings/gidMappings or else the container's. Relative sources resolve in `bundle`. */
int mount_idmap_open_trees (const struct oci_config *c, const char *bundle, int **trees, struct rw_error **err);
void mount_idmap_close_trees (int *trees, size_t n);

#endif
