#include "linux/sysctls.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/cleanup.h"

/* Namespaced by the IPC namespace (see ipc_namespace in the kernel). */
static const char *const ipc_sysctls[] = {
  "kernel.msgmax", "kernel.msgmnb", "kernel.msgmni", "kernel.sem",
  "kernel.shmall", "kernel.shmmax", "kernel.shmmni", "kernel.shm_rmid_forced",
};

static bool key_is_well_formed (const char *key)
{
  if (*key == '\0' || *key == '.')
    return false;
  for (const char *p = key; *p; p++)
    {
      if (*p == '/' || (p[0] == '.' && (p[1] == '.' || p[1] == '\0')))
        return false;
    }
  return true;
}

static int validate_key (const char *key, const struct sysctl_namespaces *ns, struct rw_error **err)
{
  if (!key_is_well_formed (key))
    return rw_error_set (err, 0, "linux.sysctl.%s: malformed sysctl name", key);
  bool ipc = strncmp (key, "fs.mqueue.", 10) == 0;
  for (size_t i = 0; !ipc && i < sizeof ipc_sysctls / sizeof ipc_sysctls[0]; i++)
    ipc = strcmp (key, ipc_sysctls[i]) == 0;
  if (ipc)
    return ns->ipc ? 0 : rw_error_set (err, 0, "linux.sysctl.%s: needs a private ipc namespace", key);
  if (strncmp (key, "net.", 4) == 0)
    return ns->net ? 0 : rw_error_set (err, 0, "linux.sysctl.%s: needs a private network namespace", key);
  if (strcmp (key, "kernel.domainname") == 0)
    return ns->uts ? 0 : rw_error_set (err, 0, "linux.sysctl.%s: needs a private uts namespace", key);
  if (strcmp (key, "kernel.hostname") == 0)
    return rw_error_set (err, 0, "linux.sysctl.%s: not allowed, set the `hostname` field instead", key);
  return rw_error_set (err, 0, "linux.sysctl.%s: sysctl is not namespaced, so a container may not set it", key);
}

void sysctl_free (struct sysctls *s)
{
  if (s == NULL)
    return;
  for (size_t i = 0; i < s->n; i++)
    {
      free (s->entries[i].key);
      free (s->entries[i].value);
    }
  free (s->entries);
  free (s);
}

int sysctl_parse (json_object *sysctl, const struct sysctl_namespaces *ns, struct sysctls **out,
                  struct rw_error **err)
{
  *out = NULL;
  struct sysctls *s = calloc (1, sizeof *s);
  if (s == NULL)
    return rw_error_set (err, ENOMEM, "linux.sysctl");
  if (sysctl != NULL)
    {
      if (!json_object_is_type (sysctl, json_type_object))
        {
          sysctl_free (s);
          return rw_error_set (err, 0, "linux.sysctl: expected an object");
        }
      s->entries = calloc (json_object_object_length (sysctl) + 1, sizeof *s->entries);
      if (s->entries == NULL)
        {
          sysctl_free (s);
          return rw_error_set (err, ENOMEM, "linux.sysctl");
        }
      json_object_object_foreach (sysctl, key, val)
        {
          if (!json_object_is_type (val, json_type_string))
            {
              sysctl_free (s);
              return rw_error_set (err, 0, "linux.sysctl.%s: expected a string value", key);
            }
          if (validate_key (key, ns, err) < 0)
            {
              sysctl_free (s);
              return -1;
            }
          struct sysctl_entry *e = &s->entries[s->n++];
          e->key = strdup (key);
          e->value = strdup (json_object_get_string (val));
          if (e->key == NULL || e->value == NULL)
            {
              sysctl_free (s);
              return rw_error_set (err, ENOMEM, "linux.sysctl");
            }
        }
    }
  *out = s;
  return 0;
}

int sysctl_apply (const struct sysctls *s, const char *proc_sys, struct rw_error **err)
{
  for (size_t i = 0; s && i < s->n; i++)
    {
      cleanup_free char *path = NULL;
      if (asprintf (&path, "%s/%s", proc_sys ? proc_sys : "/proc/sys", s->entries[i].key) < 0)
        return rw_error_set (err, ENOMEM, "sysctl %s", s->entries[i].key);
      /* Dots separate components; the part after proc_sys has no '/' (checked at parse). */
      for (char *p = path + strlen (path) - strlen (s->entries[i].key); *p; p++)
        if (*p == '.')
          *p = '/';
      cleanup_close int fd = open (path, O_WRONLY | O_CLOEXEC | O_NOFOLLOW);
      if (fd < 0)
        return rw_error_set (err, errno, "sysctl %s: open `%s`", s->entries[i].key, path);
      size_t len = strlen (s->entries[i].value);
      if (write (fd, s->entries[i].value, len) != (ssize_t) len)
        return rw_error_set (err, errno, "sysctl %s: write `%s`", s->entries[i].key, s->entries[i].value);
    }
  return 0;
}
