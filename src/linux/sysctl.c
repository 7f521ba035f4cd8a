#include "linux/sysctl.h"

#include <errno.h>

int sysctl_parse (json_object *sysctl, const struct sysctl_namespaces *ns, struct sysctls **out,
                  struct rw_error **err)
{
  return rw_error_set (err, ENOSYS, "sysctl_parse: not implemented yet");
}

void sysctl_free (struct sysctls *s)
{
}

int sysctl_apply (const struct sysctls *s, const char *proc_sys, struct rw_error **err)
{
  return rw_error_set (err, ENOSYS, "sysctl_apply: not implemented yet");
}
