#include "linux/cgroup_resources.h"

#include <errno.h>

int cgroup_resources_parse (json_object *resources, const char *where, struct cgroup_resources **out,
                            struct rw_error **err)
{
  return rw_error_set (err, ENOSYS, "cgroup_resources_parse: not implemented yet");
}

void cgroup_resources_free (struct cgroup_resources *res)
{
}

bool cgroup_resources_memory_limit (const struct cgroup_resources *res, uint64_t *bytes)
{
  return false;
}
