#include "linux/capabilities.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/capability.h>
#include <sys/prctl.h>

#include "common/cleanup.h"

/* Kernel numbering (include/uapi/linux/capability.h); ours so that names the installed
 * libcap does not know yet still parse. */
static const char *const cap_names[] = {
  "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_DAC_READ_SEARCH", "CAP_FOWNER", "CAP_FSETID",
  "CAP_KILL", "CAP_SETGID", "CAP_SETUID", "CAP_SETPCAP", "CAP_LINUX_IMMUTABLE",
  "CAP_NET_BIND_SERVICE", "CAP_NET_BROADCAST", "CAP_NET_ADMIN", "CAP_NET_RAW", "CAP_IPC_LOCK",
  "CAP_IPC_OWNER", "CAP_SYS_MODULE", "CAP_SYS_RAWIO", "CAP_SYS_CHROOT", "CAP_SYS_PTRACE",
  "CAP_SYS_PACCT", "CAP_SYS_ADMIN", "CAP_SYS_BOOT", "CAP_SYS_NICE", "CAP_SYS_RESOURCE",
  "CAP_SYS_TIME", "CAP_SYS_TTY_CONFIG", "CAP_MKNOD", "CAP_LEASE", "CAP_AUDIT_WRITE",
  "CAP_AUDIT_CONTROL", "CAP_SETFCAP", "CAP_MAC_OVERRIDE", "CAP_MAC_ADMIN", "CAP_SYSLOG",
  "CAP_WAKE_ALARM", "CAP_BLOCK_SUSPEND", "CAP_AUDIT_READ", "CAP_PERFMON", "CAP_BPF",
  "CAP_CHECKPOINT_RESTORE",
};
#define N_CAP_NAMES ((int) (sizeof cap_names / sizeof cap_names[0]))

int capabilities_from_name (const char *name)
{
  for (int i = 0; i < N_CAP_NAMES; i++)
    if (strcasecmp (cap_names[i], name) == 0)
      return i;
  return -1;
}

const char *capabilities_name (int cap)
{
  return cap >= 0 && cap < N_CAP_NAMES ? cap_names[cap] : NULL;
}

/* The running kernel's highest capability number. */
int capabilities_last_cap (void)
{
  cleanup_fclose FILE *f = fopen ("/proc/sys/kernel/cap_last_cap", "re");
  int last;
  if (f == NULL || fscanf (f, "%d", &last) != 1)
    return N_CAP_NAMES - 1;
  return last;
}

void capabilities_free (struct capabilities *caps)
{
  free (caps);
}

static int parse_set (json_object *caps, const char *key, uint64_t *set, struct rw_error **err)
{
  json_object *list;
  *set = 0;
  if (!json_object_object_get_ex (caps, key, &list) || list == NULL)
    return 0;
  if (!json_object_is_type (list, json_type_array))
    return rw_error_set (err, 0, "process.capabilities.%s: expected an array", key);
  for (size_t i = 0; i < json_object_array_length (list); i++)
    {
      json_object *item = json_object_array_get_idx (list, i);
      if (!json_object_is_type (item, json_type_string))
        return rw_error_set (err, 0, "process.capabilities.%s[%zu]: expected a string", key, i);
      int cap = capabilities_from_name (json_object_get_string (item));
      if (cap < 0)
        return rw_error_set (err, 0, "process.capabilities.%s[%zu]: unknown capability `%s`", key, i,
                             json_object_get_string (item));
      *set |= UINT64_C (1) << cap;
    }
  return 0;
}

/* Report the first capability of `extra` (a set that must be empty) by name. */
static int not_subset (uint64_t extra, const char *set, const char *of, struct rw_error **err)
{
  int cap = __builtin_ctzll (extra);
  return rw_error_set (err, 0, "process.capabilities.%s: %s is not in the %s set, so it cannot be raised",
                       set, cap_names[cap], of);
}

int capabilities_parse (json_object *caps, struct capabilities **out, struct rw_error **err)
{
  *out = NULL;
  if (caps == NULL)
    return 0;
  if (!json_object_is_type (caps, json_type_object))
    return rw_error_set (err, 0, "process.capabilities: expected an object");
  struct capabilities c;
  if (parse_set (caps, "bounding", &c.bounding, err) < 0 || parse_set (caps, "effective", &c.effective, err) < 0
      || parse_set (caps, "inheritable", &c.inheritable, err) < 0
      || parse_set (caps, "permitted", &c.permitted, err) < 0 || parse_set (caps, "ambient", &c.ambient, err) < 0)
    return -1;
  /* The kernel refuses these with a bare EPERM at capset time; say which one is wrong. */
  if (c.effective & ~c.permitted)
    return not_subset (c.effective & ~c.permitted, "effective", "permitted", err);
  /* The kernel raises an ambient capability only if it is permitted and inheritable. runc
   * skips the others with a warning, and `runc spec` writes ambient caps with no inheritable
   * set, so refusing them would reject the configs users already have. */
  c.ambient &= c.permitted & c.inheritable;
  *out = malloc (sizeof **out);
  if (*out == NULL)
    return rw_error_set (err, ENOMEM, "process.capabilities");
  **out = c;
  return 0;
}

int capabilities_prepare_setuid (const struct capabilities *caps, struct rw_error **err)
{
  if (caps == NULL)
    return 0;
  if (prctl (PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0)
    return rw_error_set (err, errno, "prctl PR_SET_KEEPCAPS");
  int last = capabilities_last_cap ();
  for (int cap = 0; cap <= last && cap < 64; cap++)
    if (!(caps->bounding & (UINT64_C (1) << cap)) && prctl (PR_CAPBSET_DROP, cap, 0, 0, 0) < 0)
      return rw_error_set (err, errno, "drop %s from the bounding set",
                           capabilities_name (cap) ? capabilities_name (cap) : "capability");
  return 0;
}

static int fill_flag (cap_t c, cap_flag_t flag, uint64_t set, int last)
{
  for (int cap = 0; cap <= last && cap < 64; cap++)
    if (set & (UINT64_C (1) << cap))
      {
        cap_value_t v = cap;
        if (cap_set_flag (c, flag, 1, &v, CAP_SET) < 0)
          return -1;
      }
  return 0;
}

int capabilities_apply (const struct capabilities *caps, struct rw_error **err)
{
  if (caps == NULL)
    return 0;
  int last = capabilities_last_cap ();
  cap_t c = cap_init ();
  if (c == NULL)
    return rw_error_set (err, errno, "cap_init");
  int r = 0;
  if (fill_flag (c, CAP_EFFECTIVE, caps->effective, last) < 0 || fill_flag (c, CAP_PERMITTED, caps->permitted, last) < 0
      || fill_flag (c, CAP_INHERITABLE, caps->inheritable, last) < 0)
    r = rw_error_set (err, errno, "cap_set_flag");
  else if (cap_set_proc (c) < 0)
    r = rw_error_set (err, errno, "capset (effective, permitted, inheritable)");
  cap_free (c);
  if (r < 0)
    return r;
  if (prctl (PR_SET_KEEPCAPS, 0, 0, 0, 0) < 0)
    return rw_error_set (err, errno, "prctl PR_SET_KEEPCAPS 0");
  if (prctl (PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0)
    return rw_error_set (err, errno, "clear the ambient set");
  for (int cap = 0; cap <= last && cap < 64; cap++)
    if ((caps->ambient & (UINT64_C (1) << cap)) && prctl (PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, cap, 0, 0) < 0)
      return rw_error_set (err, errno, "raise %s in the ambient set", capabilities_name (cap));
  return 0;
}
