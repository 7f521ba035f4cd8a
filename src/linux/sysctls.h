/* linux.sysctl: only sysctls that are namespaced (and whose namespace the container owns) are
 * accepted, as runc validates them; they are written to /proc/sys in the container. */
#ifndef RUNWASM_LINUX_SYSCTLS_H
#define RUNWASM_LINUX_SYSCTLS_H

#include <stdbool.h>
#include <stddef.h>
#include <json-c/json.h>

#include "common/error.h"

/* Which namespaces the container gets of its own (from linux.namespaces). */
struct sysctl_namespaces
{
  bool ipc, net, uts;
};

struct sysctl_entry
{
  char *key;   /* "net.ipv4.ip_forward" */
  char *value;
};

struct sysctls
{
  struct sysctl_entry *entries;
  size_t n;
};

/* Parse and validate linux.sysctl; NULL gives an empty list. Rejected:
 * "linux.sysctl.kernel.pid_max: sysctl is not namespaced" or
 * "linux.sysctl.net.ipv4.ip_forward: needs a private network namespace". */
int sysctl_parse (json_object *sysctl, const struct sysctl_namespaces *ns, struct sysctls **out,
                  struct rw_error **err);
void sysctl_free (struct sysctls *s);
/* Write each value to <proc_sys>/<key with dots as slashes>; proc_sys NULL means
 * "/proc/sys". Call in the container process once its namespaces exist, before pivot_root
 * hides the host /proc or after the container /proc is mounted. */
int sysctl_apply (const struct sysctls *s, const char *proc_sys, struct rw_error **err);

#endif
