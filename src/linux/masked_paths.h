/* linux.maskedPaths (hidden behind /dev/null or an empty read-only tmpfs) and
 * linux.readonlyPaths (bind-mounted read-only), applied after pivot_root. */
#ifndef RUNWASM_LINUX_MASKED_PATHS_H
#define RUNWASM_LINUX_MASKED_PATHS_H

#include "common/error.h"

int masked_paths_apply (char **paths, struct rw_error **err);
int readonly_paths_apply (char **paths, struct rw_error **err);

#endif
