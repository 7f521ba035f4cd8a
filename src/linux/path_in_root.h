/* Paths inside a container's rootfs, resolved as if the rootfs were "/": a symlink in the
 * image can never lead a mount or a device node outside it (openat2 RESOLVE_IN_ROOT). */
#ifndef RUNWASM_LINUX_PATH_IN_ROOT_H
#define RUNWASM_LINUX_PATH_IN_ROOT_H

#include "common/error.h"

enum path_leaf {
  PATH_LEAF_EXISTING,   /* do not create anything */
  PATH_LEAF_DIR,        /* create missing components and the last as a directory */
  PATH_LEAF_FILE,       /* create missing parents as directories and the last as an empty file */
};

/* openat2 (rootfd, path, flags, RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS). */
int path_in_root_open (int rootfd, const char *path, int flags, struct rw_error **err);

/* An O_PATH fd of `path` under rootfd, creating what `leaf` asks for. */
int path_in_root_prepare (int rootfd, const char *path, enum path_leaf leaf, struct rw_error **err);

/* "/proc/self/fd/N": how mount(2) is pointed at an fd (the kernel follows the magic link). */
struct fd_path {
  char s[32];
};
struct fd_path fd_path (int fd);

#endif
