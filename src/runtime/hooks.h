/* OCI hooks: each runs with the container state JSON on stdin, its own args and env, and an
 * optional timeout; a failure is reported naming the hook ("hooks.prestart[0]"). */
#ifndef RUNWASM_RUNTIME_HOOKS_H
#define RUNWASM_RUNTIME_HOOKS_H

#include "common/error.h"
#include "runtime/config.h"

/* Runs every hook of `kind` in order; stops at the first failure. */
int hooks_run (const struct oci_config *c, enum oci_hook_kind kind, const char *state_json,
               struct rw_error **err);

#endif
