#include "runtime/policy.h"

#include <errno.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>

static json_object *section (json_object *obj, const char *key)
{
  json_object *v = NULL;
  if (obj == NULL || !json_object_object_get_ex (obj, key, &v))
    return NULL;
  return v;
}

int process_policy_parse (const struct oci_process *p, json_object *linux_json, struct process_policy *out,
                          struct rw_error **err)
{
  memset (out, 0, sizeof *out);
  if (capabilities_parse (p->capabilities, &out->capabilities, err) < 0
      || rlimits_parse (p->rlimits, &out->rlimits, err) < 0
      || lsm_parse (p->json, linux_json, &out->labels, err) < 0)
    {
      process_policy_release (out);
      return -1;
    }
  return 0;
}

bool policy_runtime_non_dumpable (const struct oci_config *c)
{
  return oci_config_namespace (c, CLONE_NEWUSER) == NULL;
}

void process_policy_release (struct process_policy *pp)
{
  capabilities_free (pp->capabilities);
  rlimits_free (pp->rlimits);
  lsm_free (pp->labels);
  memset (pp, 0, sizeof *pp);
}

/* Devices the container is given (linux.devices) must also be usable through the device
 * cgroup, as in runc; then the defaults every container gets. */
static int allow_config_devices (const struct oci_config *c, struct cgroup_resources *r, struct rw_error **err)
{
  for (size_t i = 0; i < c->n_devices; i++)
    {
      const struct oci_device *d = &c->devices[i];
      if (d->type == 'p')
        continue;
      struct cgroup_device_rule *grown = realloc (r->devices, (r->n_devices + 1) * sizeof *grown);
      if (grown == NULL)
        return rw_error_set (err, ENOMEM, "linux.devices");
      grown[r->n_devices++] = (struct cgroup_device_rule){ true, d->type == 'b' ? 'b' : 'c', d->major, d->minor, "rwm" };
      r->devices = grown;
    }
  return cgroup_resources_add_default_devices (r, err);
}

int container_policy_parse (const struct oci_config *c, struct container_policy *out, struct rw_error **err)
{
  memset (out, 0, sizeof *out);
  struct sysctl_namespaces ns = {
    .ipc = oci_config_namespace (c, CLONE_NEWIPC) != NULL,
    .net = oci_config_namespace (c, CLONE_NEWNET) != NULL,
    .uts = oci_config_namespace (c, CLONE_NEWUTS) != NULL,
  };
  if (cgroup_resources_parse (section (c->linux_json, "resources"), "linux.resources", &out->resources, err) < 0
      || allow_config_devices (c, out->resources, err) < 0
      || sysctl_parse (section (c->linux_json, "sysctl"), &ns, &out->sysctls, err) < 0
      || seccomp_profile_parse (section (c->linux_json, "seccomp"), &out->seccomp, err) < 0
      || personality_parse (section (c->linux_json, "personality"), &out->personality, err) < 0)
    {
      container_policy_release (out);
      return -1;
    }
  return 0;
}

void container_policy_release (struct container_policy *cp)
{
  cgroup_resources_free (cp->resources);
  sysctl_free (cp->sysctls);
  seccomp_profile_free (cp->seccomp);
  personality_free (cp->personality);
  memset (cp, 0, sizeof *cp);
}
