/* The policy sections of a config (owned by the policy modules in src/linux/), parsed once in
 * the runtime process so a bad config fails before anything is forked; the forked container
 * process inherits the parsed structures. */
#ifndef RUNWASM_RUNTIME_POLICY_H
#define RUNWASM_RUNTIME_POLICY_H

#include "runtime/config.h"
#include "linux/capabilities.h"
#include "linux/cgroup_resources.h"
#include "linux/lsm.h"
#include "linux/personality_config.h"
#include "linux/rlimits.h"
#include "linux/seccomp_profile.h"
#include "linux/sysctls.h"

/* What applies to one process (the init or an exec'd one). */
struct process_policy {
  struct capabilities *capabilities; /* NULL: keep the runtime's */
  struct rlimits *rlimits;
  struct lsm_labels *labels;
};

/* What applies to the whole container. */
struct container_policy {
  struct cgroup_resources *resources;
  struct sysctls *sysctls;
  struct seccomp_profile *seccomp;
  struct personality_config *personality;
};

int process_policy_parse (const struct oci_process *p, json_object *linux_json, struct process_policy *out,
                          struct rw_error **err);
void process_policy_release (struct process_policy *pp);
/* Whether the runtime's processes in this container are made non-dumpable (defence in depth
 * on top of the sealed copy, linux/selfexe.h: their /proc/PID files then need CAP_SYS_PTRACE
 * in the initial user namespace). Not with a user namespace of its own, where the container's
 * root could not reach its own /proc/self files any more. */
bool policy_runtime_non_dumpable (const struct oci_config *c);
int container_policy_parse (const struct oci_config *c, struct container_policy *out, struct rw_error **err);
void container_policy_release (struct container_policy *cp);

#endif
