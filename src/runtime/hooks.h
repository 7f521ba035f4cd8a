/* OCI hooks: each runs with the container state JSON on stdin, its own args and env, and an
 * optional timeout; a failure is reported naming the hook ("hooks.prestart[0]"). */
#ifndef RUNWASM_RUNTIME_HOOKS_H
#define RUNWASM_RUNTIME_HOOKS_H

#include "common/error.h"
#include "runtime/config.h"

/* Runs every hook of `kind` in order; stops at the first failure. */
int hooks_run (const struct oci_config *c, enum oci_hook_kind kind, const char *state_json,
               struct rw_error **err);
/* Runs every hook of `kind` in order for the points where a failure must not stop the
 * lifecycle (poststart, poststop): each failure is logged as a warning and the next hook
 * still runs. Returns the number of hooks that failed. */
int hooks_run_warn (const struct oci_config *c, enum oci_hook_kind kind, const char *state_json);

#endif
