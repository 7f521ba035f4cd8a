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
/* Whether the process may hold CAP_SYS_PTRACE (no capabilities section keeps them all):
 * such a process could open the runtime's /proc/PID/exe despite it being non-dumpable. */
bool process_policy_may_ptrace (const struct process_policy *pp);
/* Whether the runtime must run from a sealed copy of itself before it enters this
 * container (linux/selfexe.h explains the two protections); otherwise non-dumpable is enough. */
bool policy_needs_sealed_runtime (const struct oci_config *c, const struct process_policy *pp);
int container_policy_parse (const struct oci_config *c, struct container_policy *out, struct rw_error **err);
void container_policy_release (struct container_policy *cp);

#endif
