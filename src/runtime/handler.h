/* The seam between the sandbox and what runs in it. After the container process has every
 * namespace, mount, cgroup, id, capability and seccomp filter in place, the chosen handler
 * runs the process: the native one execve()s it; a Wasm handler runs the module in the
 * engine instead, inside the same sandbox. */
#ifndef RUNWASM_RUNTIME_HANDLER_H
#define RUNWASM_RUNTIME_HANDLER_H

#include "common/error.h"
#include "runtime/config.h"

struct handler_context {
  const struct oci_config *config;   /* the container's config (annotations, linux...) */
  const struct oci_process *process; /* args, cwd (already the current directory) */
  char **env;                        /* the final environment */
  /* Closed the moment the workload runs, which is how the runtime learns it does: execve
   * closes it (it is close-on-exec); the Wasm handler closes it before entering the module.
   * -1 if nobody waits. */
  int started_fd;
};

struct handler {
  const char *name;
  /* Optional. In the container, after pivot_root and before ids, capabilities and seccomp are
   * applied: find the entrypoint, load what must be loaded. May set up state kept in *data. */
  int (*prepare) (const struct handler_context *ctx, void **data, struct rw_error **err);
  /* Optional. With the final ids and capabilities, before the runtime reports the process
   * created (init) or running (exec): whatever else can fail, so that after it only `exec`
   * remains. */
  int (*ready) (const struct handler_context *ctx, void *data, struct rw_error **err);
  /* Runs the process; returns only on failure. */
  int (*exec) (const struct handler_context *ctx, void *data, struct rw_error **err);
};

/* The handler for a container, from its annotations (run.oci.handler,
 * module.wasm.image/variant, io.kubernetes.cri.container-type); `for_exec` for an exec'd
 * process, which runs in the engine only when it is Wasm. */
int handler_choose (const struct oci_config *c, bool for_exec, const struct handler **out, struct rw_error **err);

#endif
