/* Namespaces: which to create (clone flags), joining existing ones by path, uid/gid maps. */
#ifndef RUNWASM_LINUX_NAMESPACES_H
#define RUNWASM_LINUX_NAMESPACES_H

#include <sys/types.h>

#include "common/error.h"
#include "runtime/config.h"

/* CLONE_NEW* flags of the namespaces the config asks to create (those without a path). */
int namespaces_clone_flags (const struct oci_config *c);

/* setns into every namespace of the config that has a path, except those in `skip`
 * (CLONE_NEW* flags); the user namespace first so the others are joined with its rights.
 * All paths are opened before the first setns, while the runtime's view still holds. */
int namespaces_join_paths (const struct oci_config *c, int skip, struct rw_error **err);

/* Joins one namespace file (pid namespaces: affects children created afterwards). */
int namespaces_join_path (const char *path, int clone_flag, struct rw_error **err);

/* Joins the namespaces of a running process `pid` (for exec), each only when it differs from
 * the caller's own; `only` restricts the set (CLONE_NEW* mask). */
int namespaces_join_process (pid_t pid, int only, struct rw_error **err);

/* Writes /proc/PID/uid_map and gid_map from the config. */
int namespaces_write_id_mappings (pid_t pid, const struct oci_config *c, struct rw_error **err);

#endif
