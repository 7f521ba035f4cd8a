#include "linux/cgroup.h"

#include <errno.h>

int cgroup_detect_mode (const char *root, enum cgroup_mode *mode, struct rw_error **err)
{
  return rw_error_set (err, ENOSYS, "cgroup_detect_mode: not implemented yet");
}

const char *cgroup_mode_name (enum cgroup_mode mode)
{
  return mode == CGROUP_MODE_V2 ? "v2" : mode == CGROUP_MODE_HYBRID ? "hybrid" : "v1";
}

int cgroup_mode_from_name (const char *name, enum cgroup_mode *mode, struct rw_error **err)
{
  return rw_error_set (err, ENOSYS, "cgroup_mode_from_name: not implemented yet");
}

int cgroup_manager_choose (bool systemd_cgroup, enum cgroup_manager *out, struct rw_error **err)
{
  return rw_error_set (err, ENOSYS, "cgroup_manager_choose: not implemented yet");
}

int cgroup_compute_path (const struct cgroup_create_options *opts, enum cgroup_mode mode, char **path,
                         struct rw_error **err)
{
  return rw_error_set (err, ENOSYS, "cgroup_compute_path: not implemented yet");
}

int cgroup_create (const struct cgroup_create_options *opts, struct cgroup **out, struct rw_error **err)
{
  return rw_error_set (err, ENOSYS, "cgroup_create: not implemented yet");
}

int cgroup_enter (const struct cgroup *cg, pid_t pid, struct rw_error **err)
{
  return rw_error_set (err, ENOSYS, "cgroup_enter: not implemented yet");
}

int cgroup_apply_resources (const struct cgroup *cg, const struct cgroup_resources *res, struct rw_error **err)
{
  return rw_error_set (err, ENOSYS, "cgroup_apply_resources: not implemented yet");
}

int cgroup_update (const struct cgroup *cg, json_object *resources, struct rw_error **err)
{
  return rw_error_set (err, ENOSYS, "cgroup_update: not implemented yet");
}

int cgroup_freeze (const struct cgroup *cg, bool frozen, struct rw_error **err)
{
  return rw_error_set (err, ENOSYS, "cgroup_freeze: not implemented yet");
}

int cgroup_list_pids (const struct cgroup *cg, pid_t **pids, size_t *n, struct rw_error **err)
{
  return rw_error_set (err, ENOSYS, "cgroup_list_pids: not implemented yet");
}

int cgroup_kill_all (const struct cgroup *cg, int signo, struct rw_error **err)
{
  return rw_error_set (err, ENOSYS, "cgroup_kill_all: not implemented yet");
}

int cgroup_destroy (const struct cgroup *cg, struct rw_error **err)
{
  return rw_error_set (err, ENOSYS, "cgroup_destroy: not implemented yet");
}

int cgroup_read_memory_limit (const struct cgroup *cg, bool *limited, uint64_t *bytes, struct rw_error **err)
{
  return rw_error_set (err, ENOSYS, "cgroup_read_memory_limit: not implemented yet");
}

json_object *cgroup_to_json (const struct cgroup *cg)
{
  return NULL;
}

int cgroup_from_json (json_object *obj, struct cgroup **out, struct rw_error **err)
{
  return rw_error_set (err, ENOSYS, "cgroup_from_json: not implemented yet");
}

void cgroup_free (struct cgroup *cg)
{
}
