#include "runtime/config.h"

#include <errno.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>

#include "common/cleanup.h"

/* Typed accessors: each names the field in its error, so a bad config.json is reported as
 * "process.args[0]: expected a string" rather than a crash later. */

static int get_string (json_object *obj, const char *key, const char *where, bool required,
                       char **out, struct rw_error **err)
{
  json_object *v = NULL;
  *out = NULL;
  if (!json_object_object_get_ex (obj, key, &v) || v == NULL)
    {
      if (required)
        return rw_error_set (err, 0, "%s%s%s: required field missing", where, *where ? "." : "", key);
      return 0;
    }
  if (!json_object_is_type (v, json_type_string))
    return rw_error_set (err, 0, "%s%s%s: expected a string", where, *where ? "." : "", key);
  *out = strdup (json_object_get_string (v));
  if (*out == NULL)
    return rw_error_set (err, ENOMEM, "%s.%s", where, key);
  return 0;
}

static int get_bool (json_object *obj, const char *key, const char *where, bool *out, struct rw_error **err)
{
  json_object *v = NULL;
  if (!json_object_object_get_ex (obj, key, &v) || v == NULL)
    return 0;
  if (!json_object_is_type (v, json_type_boolean))
    return rw_error_set (err, 0, "%s.%s: expected true or false", where, key);
  *out = json_object_get_boolean (v);
  return 0;
}

static int get_int64 (json_object *obj, const char *key, const char *where, bool *present, int64_t min,
                      int64_t max, int64_t *out, struct rw_error **err)
{
  json_object *v = NULL;
  if (present)
    *present = false;
  if (!json_object_object_get_ex (obj, key, &v) || v == NULL)
    return 0;
  if (!json_object_is_type (v, json_type_int))
    return rw_error_set (err, 0, "%s.%s: expected an integer", where, key);
  errno = 0;
  int64_t n = json_object_get_int64 (v);
  /* json-c clamps out-of-range numbers to INT64_MAX/MIN; treat that as too large as well. */
  if (n < min || n > max || errno == ERANGE)
    return rw_error_set (err, 0, "%s.%s: %lld out of range [%lld, %lld]", where, key, (long long) n,
                         (long long) min, (long long) max);
  if (present)
    *present = true;
  *out = n;
  return 0;
}

static int get_object (json_object *obj, const char *key, const char *where, json_object **out,
                       struct rw_error **err)
{
  json_object *v = NULL;
  *out = NULL;
  if (!json_object_object_get_ex (obj, key, &v) || v == NULL)
    return 0;
  if (!json_object_is_type (v, json_type_object))
    return rw_error_set (err, 0, "%s%s%s: expected an object", where, *where ? "." : "", key);
  *out = v;
  return 0;
}

static int get_array (json_object *obj, const char *key, const char *where, json_object **out,
                      struct rw_error **err)
{
  json_object *v = NULL;
  *out = NULL;
  if (!json_object_object_get_ex (obj, key, &v) || v == NULL)
    return 0;
  if (!json_object_is_type (v, json_type_array))
    return rw_error_set (err, 0, "%s%s%s: expected an array", where, *where ? "." : "", key);
  *out = v;
  return 0;
}

static void free_strv (char **v)
{
  for (char **p = v; p && *p; p++)
    free (*p);
  free (v);
}

/* A JSON array of strings as a NULL-terminated vector; an absent array gives an empty one. */
static int get_strv (json_object *obj, const char *key, const char *where, char ***out, struct rw_error **err)
{
  json_object *arr = NULL;
  *out = NULL;
  if (get_array (obj, key, where, &arr, err) < 0)
    return -1;
  size_t n = arr ? json_object_array_length (arr) : 0;
  char **v = calloc (n + 1, sizeof *v);
  if (v == NULL)
    return rw_error_set (err, ENOMEM, "%s.%s", where, key);
  for (size_t i = 0; i < n; i++)
    {
      json_object *e = json_object_array_get_idx (arr, i);
      if (!json_object_is_type (e, json_type_string))
        {
          free_strv (v);
          return rw_error_set (err, 0, "%s.%s[%zu]: expected a string", where, key, i);
        }
      /* A C string would silently end at the NUL. */
      if (memchr (json_object_get_string (e), '\0', json_object_get_string_len (e)))
        {
          free_strv (v);
          return rw_error_set (err, 0, "%s.%s[%zu]: contains a NUL byte", where, key, i);
        }
      v[i] = strdup (json_object_get_string (e));
      if (v[i] == NULL)
        {
          free_strv (v);
          return rw_error_set (err, ENOMEM, "%s.%s", where, key);
        }
    }
  *out = v;
  return 0;
}

/* ---- process ---- */

void oci_process_free (struct oci_process *p)
{
  if (p == NULL)
    return;
  free (p->cwd);
  free_strv (p->args);
  free_strv (p->env);
  free (p->additional_gids);
  json_object_put (p->json);
  free (p);
}

int oci_process_parse (json_object *section, const char *where, struct oci_process **out,
                       struct rw_error **err)
{
  if (!json_object_is_type (section, json_type_object))
    return rw_error_set (err, 0, "%s: expected an object", where);
  struct oci_process *p = calloc (1, sizeof *p);
  if (p == NULL)
    return rw_error_set (err, ENOMEM, "%s", where);
  __attribute__ ((cleanup (oci_process_freep))) struct oci_process *owned = p;
  p->json = json_object_get (section);

  if (get_bool (section, "terminal", where, &p->terminal, err) < 0
      || get_string (section, "cwd", where, true, &p->cwd, err) < 0
      || get_strv (section, "args", where, &p->args, err) < 0
      || get_strv (section, "env", where, &p->env, err) < 0
      || get_bool (section, "noNewPrivileges", where, &p->no_new_privileges, err) < 0)
    return -1;
  if (p->args[0] == NULL)
    return rw_error_set (err, 0, "%s.args: must name at least the program to run", where);
  if (p->cwd[0] != '/')
    return rw_error_set (err, 0, "%s.cwd: `%s` is not an absolute path", where, p->cwd);
  for (char **e = p->env; *e; e++)
    if (strchr (*e, '=') == NULL)
      return rw_error_set (err, 0, "%s.env: `%s` is not KEY=VALUE", where, *e);

  json_object *console = NULL, *user = NULL;
  if (get_object (section, "consoleSize", where, &console, err) < 0)
    return -1;
  if (console)
    {
      int64_t h = 0, w = 0;
      if (get_int64 (console, "height", "process.consoleSize", NULL, 0, UINT16_MAX, &h, err) < 0
          || get_int64 (console, "width", "process.consoleSize", NULL, 0, UINT16_MAX, &w, err) < 0)
        return -1;
      p->console_height = h;
      p->console_width = w;
    }

  if (get_object (section, "user", where, &user, err) < 0)
    return -1;
  if (user == NULL)
    return rw_error_set (err, 0, "%s.user: required field missing", where);
  int64_t uid = 0, gid = 0, umask_value = 0;
  bool has_uid = false, has_gid = false;
  if (get_int64 (user, "uid", "process.user", &has_uid, 0, UINT32_MAX - 1, &uid, err) < 0
      || get_int64 (user, "gid", "process.user", &has_gid, 0, UINT32_MAX - 1, &gid, err) < 0
      || get_int64 (user, "umask", "process.user", &p->has_umask, 0, 07777, &umask_value, err) < 0)
    return -1;
  if (!has_uid || !has_gid)
    return rw_error_set (err, 0, "%s.user: `uid` and `gid` are required", where);
  p->uid = uid;
  p->gid = gid;
  p->umask = umask_value;
  json_object *gids = NULL;
  if (get_array (user, "additionalGids", "process.user", &gids, err) < 0)
    return -1;
  if (gids)
    {
      p->n_additional_gids = json_object_array_length (gids);
      p->additional_gids = calloc (p->n_additional_gids + 1, sizeof (gid_t));
      if (p->additional_gids == NULL)
        return rw_error_set (err, ENOMEM, "%s.user.additionalGids", where);
      for (size_t i = 0; i < p->n_additional_gids; i++)
        {
          json_object *g = json_object_array_get_idx (gids, i);
          if (!json_object_is_type (g, json_type_int) || json_object_get_int64 (g) < 0
              || json_object_get_int64 (g) >= UINT32_MAX)
            return rw_error_set (err, 0, "%s.user.additionalGids[%zu]: expected a group id", where, i);
          p->additional_gids[i] = json_object_get_int64 (g);
        }
    }

  int64_t oom = 0;
  if (get_int64 (section, "oomScoreAdj", where, &p->has_oom_score_adj, -1000, 1000, &oom, err) < 0)
    return -1;
  p->oom_score_adj = oom;

  /* Owned by the policy modules: kept as JSON, validated by them (policy.c). */
  json_object_object_get_ex (section, "capabilities", &p->capabilities);
  json_object_object_get_ex (section, "rlimits", &p->rlimits);
  json_object_object_get_ex (section, "apparmorProfile", &p->apparmor_profile);
  json_object_object_get_ex (section, "selinuxLabel", &p->selinux_label);

  *out = steal_pointer (&owned);
  return 0;
}

/* ---- mounts ---- */

struct mount_option {
  const char *name;
  unsigned long set, clear, propagation;
};

static const struct mount_option mount_options[] = {
  { "ro", MS_RDONLY, 0, 0 },
  { "rw", 0, MS_RDONLY, 0 },
  { "suid", 0, MS_NOSUID, 0 },
  { "nosuid", MS_NOSUID, 0, 0 },
  { "dev", 0, MS_NODEV, 0 },
  { "nodev", MS_NODEV, 0, 0 },
  { "exec", 0, MS_NOEXEC, 0 },
  { "noexec", MS_NOEXEC, 0, 0 },
  { "sync", MS_SYNCHRONOUS, 0, 0 },
  { "async", 0, MS_SYNCHRONOUS, 0 },
  { "dirsync", MS_DIRSYNC, 0, 0 },
  { "remount", MS_REMOUNT, 0, 0 },
  { "mand", MS_MANDLOCK, 0, 0 },
  { "nomand", 0, MS_MANDLOCK, 0 },
  { "atime", 0, MS_NOATIME, 0 },
  { "noatime", MS_NOATIME, 0, 0 },
  { "diratime", 0, MS_NODIRATIME, 0 },
  { "nodiratime", MS_NODIRATIME, 0, 0 },
  { "relatime", MS_RELATIME, 0, 0 },
  { "norelatime", 0, MS_RELATIME, 0 },
  { "strictatime", MS_STRICTATIME, 0, 0 },
  { "nostrictatime", 0, MS_STRICTATIME, 0 },
  { "lazytime", MS_LAZYTIME, 0, 0 },
  { "nolazytime", 0, MS_LAZYTIME, 0 },
  { "silent", MS_SILENT, 0, 0 },
  { "loud", 0, MS_SILENT, 0 },
  { "iversion", MS_I_VERSION, 0, 0 },
  { "noiversion", 0, MS_I_VERSION, 0 },
  { "bind", MS_BIND, 0, 0 },
  { "rbind", MS_BIND | MS_REC, 0, 0 },
  { "private", 0, 0, MS_PRIVATE },
  { "rprivate", 0, 0, MS_PRIVATE | MS_REC },
  { "shared", 0, 0, MS_SHARED },
  { "rshared", 0, 0, MS_SHARED | MS_REC },
  { "slave", 0, 0, MS_SLAVE },
  { "rslave", 0, 0, MS_SLAVE | MS_REC },
  { "unbindable", 0, 0, MS_UNBINDABLE },
  { "runbindable", 0, 0, MS_UNBINDABLE | MS_REC },
};

/* Options runwasm carries out itself (crun's names), described in docs/mounts.md. */
static const struct { const char *name; unsigned set, clear; } mount_extensions[] = {
  { "tmpcopyup", MOUNT_EXT_TMPCOPYUP, 0 },
  { "notmpcopyup", 0, MOUNT_EXT_TMPCOPYUP },
  { "idmap", MOUNT_EXT_IDMAP, MOUNT_EXT_RIDMAP },
  { "ridmap", MOUNT_EXT_RIDMAP, MOUNT_EXT_IDMAP },
  { "copy-symlink", MOUNT_EXT_COPY_SYMLINK, 0 },
  { "src-nofollow", MOUNT_EXT_SRC_NOFOLLOW, 0 },
};

static const char *mount_extension_name (unsigned bits)
{
  for (size_t i = 0; i < sizeof mount_extensions / sizeof mount_extensions[0]; i++)
    if (bits & mount_extensions[i].set)
      return mount_extensions[i].name;
  return "?";
}

/* crun's "A-B-C#D-E-F": on-disk id, host id, count; appended to *out. */
static int parse_idmap_ranges (const char *spec, size_t len, struct oci_id_mapping **out, size_t *n,
                               const char *option, struct rw_error **err)
{
  cleanup_free char *copy = strndup (spec, len);
  if (copy == NULL)
    return rw_error_set (err, ENOMEM, "mount option `%s`", option);
  char *save = NULL;
  for (char *r = strtok_r (copy, "#", &save); r; r = strtok_r (NULL, "#", &save))
    {
      unsigned long long a, b, c;
      int used = 0;
      if (r[0] == '@' || sscanf (r, "%llu-%llu-%llu%n", &a, &b, &c, &used) != 3 || r[used] != '\0'
          || a > UINT32_MAX || b > UINT32_MAX || c == 0 || c > UINT32_MAX)
        return rw_error_set (err, EINVAL, "mount option `%s`: `%s` is not FSID-HOSTID-COUNT%s", option, r,
                             r[0] == '@' ? " (relative '@' ranges are not supported)" : "");
      struct oci_id_mapping *grown = realloc (*out, (*n + 1) * sizeof **out);
      if (grown == NULL)
        return rw_error_set (err, ENOMEM, "mount option `%s`", option);
      *out = grown;
      (*out)[(*n)++] = (struct oci_id_mapping){ a, b, c };
    }
  return 0;
}

/* "idmap=uids=0-1000-1;gids=0-1000-1" (or ridmap=...): mappings for this mount only. */
static int parse_idmap_option (struct oci_mount *m, const char *option, struct rw_error **err)
{
  const char *spec = strchr (option, '=') + 1;
  while (*spec)
    {
      size_t len = strcspn (spec, ";");
      bool uids = strncmp (spec, "uids=", 5) == 0;
      if (!uids && strncmp (spec, "gids=", 5) != 0)
        return rw_error_set (err, EINVAL, "mount option `%s`: expected uids=... or gids=...", option);
      if (parse_idmap_ranges (spec + 5, len - 5, uids ? &m->uid_mappings : &m->gid_mappings,
                              uids ? &m->n_uid_mappings : &m->n_gid_mappings, option, err) < 0)
        return -1;
      spec += len + (spec[len] == ';');
    }
  return 0;
}

int oci_mount_add_option (struct oci_mount *m, const char *option, struct rw_error **err)
{
  for (size_t i = 0; i < sizeof mount_options / sizeof mount_options[0]; i++)
    if (strcmp (option, mount_options[i].name) == 0)
      {
        m->flags = (m->flags & ~mount_options[i].clear) | mount_options[i].set;
        m->clear_flags = (m->clear_flags & ~mount_options[i].set) | mount_options[i].clear;
        if (mount_options[i].propagation)
          m->propagation = mount_options[i].propagation;
        return 0;
      }
  if (strcmp (option, "rro") == 0)
    {
      m->recursive_readonly = true;
      return 0;
    }
  if (strcmp (option, "rrw") == 0)
    {
      m->recursive_readonly = false;
      return 0;
    }
  for (size_t i = 0; i < sizeof mount_extensions / sizeof mount_extensions[0]; i++)
    if (strcmp (option, mount_extensions[i].name) == 0)
      {
        m->extensions = (m->extensions & ~mount_extensions[i].clear) | mount_extensions[i].set;
        return 0;
      }
  if (strncmp (option, "idmap=", 6) == 0 || strncmp (option, "ridmap=", 7) == 0)
    {
      m->extensions = (m->extensions & ~(MOUNT_EXT_IDMAP | MOUNT_EXT_RIDMAP))
                      | (option[0] == 'r' ? MOUNT_EXT_RIDMAP : MOUNT_EXT_IDMAP);
      return parse_idmap_option (m, option, err);
    }
  char *data = NULL;
  if (asprintf (&data, "%s%s%s", m->data ? m->data : "", m->data ? "," : "", option) < 0)
    return rw_error_set (err, ENOMEM, "mount option `%s`", option);
  free (m->data);
  m->data = data;
  return 0;
}

const char *oci_mount_option_name (size_t i)
{
  static const char *const extra[] = { "rro", "rrw", "tmpcopyup", "notmpcopyup", "idmap", "ridmap", "copy-symlink",
                                       "src-nofollow" };
  size_t n = sizeof mount_options / sizeof mount_options[0];
  if (i < n)
    return mount_options[i].name;
  if (i - n < sizeof extra / sizeof extra[0])
    return extra[i - n];
  return NULL;
}

static void free_mounts (struct oci_mount *mounts, size_t n)
{
  for (size_t i = 0; i < n; i++)
    {
      free (mounts[i].destination);
      free (mounts[i].source);
      free (mounts[i].type);
      free (mounts[i].data);
      free (mounts[i].uid_mappings);
      free (mounts[i].gid_mappings);
    }
  free (mounts);
}

static int parse_id_mappings (json_object *obj, const char *section, const char *key, struct oci_id_mapping **out,
                              size_t *n_out, struct rw_error **err);

static int parse_mounts (json_object *root, struct oci_config *c, struct rw_error **err)
{
  json_object *arr = NULL;
  if (get_array (root, "mounts", "", &arr, err) < 0)
    return -1;
  size_t n = arr ? json_object_array_length (arr) : 0;
  c->mounts = calloc (n + 1, sizeof *c->mounts);
  if (c->mounts == NULL)
    return rw_error_set (err, ENOMEM, "mounts");
  for (size_t i = 0; i < n; i++)
    {
      char where[32];
      snprintf (where, sizeof where, "mounts[%zu]", i);
      json_object *e = json_object_array_get_idx (arr, i);
      struct oci_mount *m = &c->mounts[i];
      c->n_mounts = i + 1;
      if (!json_object_is_type (e, json_type_object))
        return rw_error_set (err, 0, "%s: expected an object", where);
      if (get_string (e, "destination", where, true, &m->destination, err) < 0
          || get_string (e, "source", where, false, &m->source, err) < 0
          || get_string (e, "type", where, false, &m->type, err) < 0)
        return -1;
      if (m->destination[0] != '/')
        return rw_error_set (err, 0, "%s.destination: `%s` is not an absolute path", where, m->destination);
      json_object *opts = NULL;
      if (get_array (e, "options", where, &opts, err) < 0)
        return -1;
      for (size_t j = 0; opts && j < json_object_array_length (opts); j++)
        {
          json_object *o = json_object_array_get_idx (opts, j);
          if (!json_object_is_type (o, json_type_string))
            return rw_error_set (err, 0, "%s.options[%zu]: expected a string", where, j);
          if (oci_mount_add_option (m, json_object_get_string (o), err) < 0)
            return rw_error_wrap (err, "%s.options[%zu]", where, j);
        }
      if (parse_id_mappings (e, where, "uidMappings", &m->uid_mappings, &m->n_uid_mappings, err) < 0
          || parse_id_mappings (e, where, "gidMappings", &m->gid_mappings, &m->n_gid_mappings, err) < 0)
        return -1;
      bool idmapped = m->extensions & (MOUNT_EXT_IDMAP | MOUNT_EXT_RIDMAP);
      if ((m->n_uid_mappings || m->n_gid_mappings) && !idmapped)
        return rw_error_set (err, 0, "%s: uidMappings/gidMappings need the `idmap` or `ridmap` option", where);
      if ((m->n_uid_mappings == 0) != (m->n_gid_mappings == 0))
        return rw_error_set (err, 0, "%s: an idmapped mount needs both uidMappings and gidMappings", where);
      bool is_bind = (m->flags & MS_BIND) || (m->type && strcmp (m->type, "bind") == 0);
      if (is_bind)
        m->flags |= MS_BIND;
      if (m->source == NULL && is_bind)
        return rw_error_set (err, 0, "%s.source: required for a bind mount", where);
      if (m->type == NULL && !is_bind)
        return rw_error_set (err, 0, "%s.type: required for a mount that is not a bind mount", where);
      if (m->extensions & ~MOUNT_EXT_TMPCOPYUP && !is_bind)
        return rw_error_set (err, 0, "%s: option `%s` needs a bind mount", where, mount_extension_name (m->extensions & ~MOUNT_EXT_TMPCOPYUP));
      if ((m->extensions & MOUNT_EXT_TMPCOPYUP) && (is_bind || strcmp (m->type, "tmpfs") != 0))
        return rw_error_set (err, 0, "%s: option `tmpcopyup` needs a tmpfs mount", where);
    }
  return 0;
}

/* ---- hooks ---- */

static const char *const hook_names[HOOK_KINDS] = {
  [HOOK_PRESTART] = "prestart",
  [HOOK_CREATE_RUNTIME] = "createRuntime",
  [HOOK_CREATE_CONTAINER] = "createContainer",
  [HOOK_START_CONTAINER] = "startContainer",
  [HOOK_POSTSTART] = "poststart",
  [HOOK_POSTSTOP] = "poststop",
};

static int parse_hooks (json_object *root, struct oci_config *c, struct rw_error **err)
{
  json_object *hooks = NULL;
  if (get_object (root, "hooks", "", &hooks, err) < 0)
    return -1;
  if (hooks == NULL)
    return 0;
  for (int k = 0; k < HOOK_KINDS; k++)
    {
      json_object *arr = NULL;
      if (get_array (hooks, hook_names[k], "hooks", &arr, err) < 0)
        return -1;
      size_t n = arr ? json_object_array_length (arr) : 0;
      struct oci_hook_list *list = &c->hooks[k];
      list->hooks = calloc (n + 1, sizeof *list->hooks);
      if (list->hooks == NULL)
        return rw_error_set (err, ENOMEM, "hooks");
      for (size_t i = 0; i < n; i++)
        {
          char where[64];
          snprintf (where, sizeof where, "hooks.%s[%zu]", hook_names[k], i);
          json_object *e = json_object_array_get_idx (arr, i);
          struct oci_hook *h = &list->hooks[i];
          list->len = i + 1;
          if (!json_object_is_type (e, json_type_object))
            return rw_error_set (err, 0, "%s: expected an object", where);
          int64_t timeout = 0;
          bool has_timeout = false;
          if (get_string (e, "path", where, true, &h->path, err) < 0
              || get_int64 (e, "timeout", where, &has_timeout, INT_MIN, INT_MAX, &timeout, err) < 0)
            return -1;
          if (h->path[0] != '/')
            return rw_error_set (err, 0, "%s.path: `%s` is not an absolute path", where, h->path);
          if (has_timeout && timeout <= 0)
            return rw_error_set (err, 0, "%s.timeout: must be greater than zero", where);
          h->timeout = timeout;
          if (json_object_object_get_ex (e, "args", NULL) && get_strv (e, "args", where, &h->args, err) < 0)
            return -1;
          if (json_object_object_get_ex (e, "env", NULL) && get_strv (e, "env", where, &h->env, err) < 0)
            return -1;
        }
    }
  return 0;
}

const char *oci_hook_kind_name (enum oci_hook_kind k) { return hook_names[k]; }

/* ---- linux ---- */

static const struct {
  const char *name;
  int flag;
} namespace_kinds[] = {
  { "pid", CLONE_NEWPID },       { "network", CLONE_NEWNET }, { "mount", CLONE_NEWNS },
  { "ipc", CLONE_NEWIPC },       { "uts", CLONE_NEWUTS },     { "user", CLONE_NEWUSER },
  { "cgroup", CLONE_NEWCGROUP }, { "time", CLONE_NEWTIME },
};

const char *oci_namespace_name (int clone_flag)
{
  for (size_t i = 0; i < sizeof namespace_kinds / sizeof namespace_kinds[0]; i++)
    if (namespace_kinds[i].flag == clone_flag)
      return namespace_kinds[i].name;
  return "unknown";
}

static int parse_namespaces (json_object *lx, struct oci_config *c, struct rw_error **err)
{
  json_object *arr = NULL;
  if (get_array (lx, "namespaces", "linux", &arr, err) < 0)
    return -1;
  size_t n = arr ? json_object_array_length (arr) : 0;
  c->namespaces = calloc (n + 1, sizeof *c->namespaces);
  if (c->namespaces == NULL)
    return rw_error_set (err, ENOMEM, "linux.namespaces");
  int seen = 0;
  for (size_t i = 0; i < n; i++)
    {
      char where[40];
      snprintf (where, sizeof where, "linux.namespaces[%zu]", i);
      json_object *e = json_object_array_get_idx (arr, i);
      if (!json_object_is_type (e, json_type_object))
        return rw_error_set (err, 0, "%s: expected an object", where);
      cleanup_free char *type = NULL;
      struct oci_namespace *ns = &c->namespaces[i];
      c->n_namespaces = i + 1;
      if (get_string (e, "type", where, true, &type, err) < 0 || get_string (e, "path", where, false, &ns->path, err) < 0)
        return -1;
      for (size_t k = 0; k < sizeof namespace_kinds / sizeof namespace_kinds[0]; k++)
        if (strcmp (type, namespace_kinds[k].name) == 0)
          ns->clone_flag = namespace_kinds[k].flag;
      if (ns->clone_flag == 0)
        return rw_error_set (err, 0, "%s.type: unknown namespace type `%s`", where, type);
      if (ns->clone_flag == CLONE_NEWTIME)
        return rw_error_set (err, ENOTSUP, "%s.type: time namespace not supported", where);
      if (seen & ns->clone_flag)
        return rw_error_set (err, 0, "%s.type: namespace `%s` listed twice", where, type);
      seen |= ns->clone_flag;
      if (ns->path && ns->path[0] != '/')
        return rw_error_set (err, 0, "%s.path: `%s` is not an absolute path", where, ns->path);
    }
  return 0;
}

static int parse_id_mappings (json_object *lx, const char *section, const char *key, struct oci_id_mapping **out,
                              size_t *n_out, struct rw_error **err)
{
  json_object *arr = NULL;
  if (get_array (lx, key, section, &arr, err) < 0)
    return -1;
  size_t n = arr ? json_object_array_length (arr) : 0;
  struct oci_id_mapping *grown = realloc (*out, (*n_out + n + 1) * sizeof **out);
  if (grown == NULL)
    return rw_error_set (err, ENOMEM, "%s.%s", section, key);
  *out = grown;
  for (size_t i = 0; i < n; i++)
    {
      char where[64];
      snprintf (where, sizeof where, "%s.%s[%zu]", section, key, i);
      json_object *e = json_object_array_get_idx (arr, i);
      if (!json_object_is_type (e, json_type_object))
        return rw_error_set (err, 0, "%s: expected an object", where);
      int64_t cid = 0, hid = 0, size = 0;
      bool a = false, b = false, s = false;
      if (get_int64 (e, "containerID", where, &a, 0, UINT32_MAX, &cid, err) < 0
          || get_int64 (e, "hostID", where, &b, 0, UINT32_MAX, &hid, err) < 0
          || get_int64 (e, "size", where, &s, 1, UINT32_MAX, &size, err) < 0)
        return -1;
      if (!a || !b || !s)
        return rw_error_set (err, 0, "%s: containerID, hostID and size are required", where);
      (*out)[(*n_out)++] = (struct oci_id_mapping){ cid, hid, size };
    }
  return 0;
}

static int parse_devices (json_object *lx, struct oci_config *c, struct rw_error **err)
{
  json_object *arr = NULL;
  if (get_array (lx, "devices", "linux", &arr, err) < 0)
    return -1;
  size_t n = arr ? json_object_array_length (arr) : 0;
  c->devices = calloc (n + 1, sizeof *c->devices);
  if (c->devices == NULL)
    return rw_error_set (err, ENOMEM, "linux.devices");
  for (size_t i = 0; i < n; i++)
    {
      char where[40];
      snprintf (where, sizeof where, "linux.devices[%zu]", i);
      json_object *e = json_object_array_get_idx (arr, i);
      struct oci_device *d = &c->devices[i];
      c->n_devices = i + 1;
      if (!json_object_is_type (e, json_type_object))
        return rw_error_set (err, 0, "%s: expected an object", where);
      cleanup_free char *type = NULL;
      int64_t major = 0, minor = 0, mode = 0666, uid = 0, gid = 0;
      bool has_major = false, has_minor = false;
      if (get_string (e, "path", where, true, &d->path, err) < 0 || get_string (e, "type", where, true, &type, err) < 0
          || get_int64 (e, "major", where, &has_major, 0, UINT32_MAX, &major, err) < 0
          || get_int64 (e, "minor", where, &has_minor, 0, UINT32_MAX, &minor, err) < 0
          || get_int64 (e, "fileMode", where, NULL, 0, 07777, &mode, err) < 0
          || get_int64 (e, "uid", where, NULL, 0, UINT32_MAX - 1, &uid, err) < 0
          || get_int64 (e, "gid", where, NULL, 0, UINT32_MAX - 1, &gid, err) < 0)
        return -1;
      if (d->path[0] != '/')
        return rw_error_set (err, 0, "%s.path: `%s` is not an absolute path", where, d->path);
      if (strlen (type) != 1 || strchr ("cbup", type[0]) == NULL)
        return rw_error_set (err, 0, "%s.type: `%s` is not one of c, b, u, p", where, type);
      if (type[0] != 'p' && (!has_major || !has_minor))
        return rw_error_set (err, 0, "%s: major and minor are required for type `%s`", where, type);
      d->type = type[0];
      d->major = major;
      d->minor = minor;
      d->file_mode = mode & 07777;
      d->uid = uid;
      d->gid = gid;
    }
  return 0;
}

static int parse_linux (json_object *root, struct oci_config *c, struct rw_error **err)
{
  json_object *lx = NULL;
  if (get_object (root, "linux", "", &lx, err) < 0)
    return -1;
  c->linux_json = lx;
  if (lx == NULL)
    {
      /* Everything below must still be valid (empty) for the later stages. */
      lx = json_object_new_object ();
      int r = parse_namespaces (lx, c, err) < 0 || parse_id_mappings (lx, "linux", "uidMappings", &c->uid_mappings, &c->n_uid_mappings, err) < 0
                  || parse_id_mappings (lx, "linux", "gidMappings", &c->gid_mappings, &c->n_gid_mappings, err) < 0
                  || parse_devices (lx, c, err) < 0 || get_strv (lx, "maskedPaths", "linux", &c->masked_paths, err) < 0
                  || get_strv (lx, "readonlyPaths", "linux", &c->readonly_paths, err) < 0
                ? -1
                : 0;
      json_object_put (lx);
      return r;
    }
  if (parse_namespaces (lx, c, err) < 0
      || parse_id_mappings (lx, "linux", "uidMappings", &c->uid_mappings, &c->n_uid_mappings, err) < 0
      || parse_id_mappings (lx, "linux", "gidMappings", &c->gid_mappings, &c->n_gid_mappings, err) < 0
      || parse_devices (lx, c, err) < 0 || get_string (lx, "cgroupsPath", "linux", false, &c->cgroups_path, err) < 0
      || get_strv (lx, "maskedPaths", "linux", &c->masked_paths, err) < 0
      || get_strv (lx, "readonlyPaths", "linux", &c->readonly_paths, err) < 0)
    return -1;

  const struct oci_namespace *user = oci_config_namespace (c, CLONE_NEWUSER);
  if (user && user->path == NULL && (c->n_uid_mappings == 0 || c->n_gid_mappings == 0))
    return rw_error_set (err, 0, "linux.uidMappings/gidMappings: required with a new user namespace");
  if ((c->n_uid_mappings || c->n_gid_mappings) && (user == NULL || user->path))
    return rw_error_set (err, 0, "linux.uidMappings: only valid with a new user namespace");

  cleanup_free char *propagation = NULL;
  if (get_string (lx, "rootfsPropagation", "linux", false, &propagation, err) < 0)
    return -1;
  if (propagation)
    {
      struct oci_mount m = { 0 };
      if (oci_mount_add_option (&m, propagation, NULL) < 0 || m.propagation == 0 || m.flags || m.clear_flags)
        {
          free (m.data);
          return rw_error_set (err, 0, "linux.rootfsPropagation: unknown propagation `%s`", propagation);
        }
      free (m.data);
      c->rootfs_propagation = m.propagation;
    }
  for (char **p = c->masked_paths; *p; p++)
    if (**p != '/')
      return rw_error_set (err, 0, "linux.maskedPaths: `%s` is not an absolute path", *p);
  for (char **p = c->readonly_paths; *p; p++)
    if (**p != '/')
      return rw_error_set (err, 0, "linux.readonlyPaths: `%s` is not an absolute path", *p);
  if (json_object_object_get_ex (lx, "intelRdt", NULL))
    return rw_error_set (err, ENOTSUP, "linux.intelRdt: not supported");
  return 0;
}

/* ---- document ---- */

static int check_version (const char *v, char **warning, struct rw_error **err)
{
  unsigned major = 0, minor = 0;
  if (sscanf (v, "%u.%u", &major, &minor) != 2)
    return rw_error_set (err, 0, "ociVersion: `%s` is not a version", v);
  if (major != 1)
    return rw_error_set (err, 0, "ociVersion: `%s` not supported (runwasm implements 1.0.0 to 1.2.x)", v);
  if (minor > 2 && warning && asprintf (warning, "ociVersion `%s` is newer than 1.2: continuing", v) < 0)
    *warning = NULL;
  return 0;
}

void oci_config_free (struct oci_config *c)
{
  if (c == NULL)
    return;
  free (c->oci_version);
  free (c->root_path);
  free (c->hostname);
  free (c->domainname);
  oci_process_free (c->process);
  free_mounts (c->mounts, c->n_mounts);
  for (int k = 0; k < HOOK_KINDS; k++)
    {
      for (size_t i = 0; i < c->hooks[k].len; i++)
        {
          free (c->hooks[k].hooks[i].path);
          free_strv (c->hooks[k].hooks[i].args);
          free_strv (c->hooks[k].hooks[i].env);
        }
      free (c->hooks[k].hooks);
    }
  for (size_t i = 0; i < c->n_namespaces; i++)
    free (c->namespaces[i].path);
  free (c->namespaces);
  free (c->uid_mappings);
  free (c->gid_mappings);
  for (size_t i = 0; i < c->n_devices; i++)
    free (c->devices[i].path);
  free (c->devices);
  free (c->cgroups_path);
  free_strv (c->masked_paths);
  free_strv (c->readonly_paths);
  json_object_put (c->json);
  free (c);
}

static int parse_document (json_object *root, const char *bundle, struct oci_config *c, char **warning,
                           struct rw_error **err)
{
  if (!json_object_is_type (root, json_type_object))
    return rw_error_set (err, 0, "expected a JSON object at the top level");
  if (get_string (root, "ociVersion", "", true, &c->oci_version, err) < 0
      || check_version (c->oci_version, warning, err) < 0)
    return -1;

  json_object *rootobj = NULL, *process = NULL;
  if (get_object (root, "root", "", &rootobj, err) < 0)
    return -1;
  if (rootobj == NULL)
    return rw_error_set (err, 0, "root: required field missing");
  cleanup_free char *root_path = NULL;
  if (get_string (rootobj, "path", "root", true, &root_path, err) < 0
      || get_bool (rootobj, "readonly", "root", &c->root_readonly, err) < 0)
    return -1;
  if (root_path[0] == '/' || bundle == NULL)
    c->root_path = steal_pointer (&root_path);
  else if (asprintf (&c->root_path, "%s/%s", bundle, root_path) < 0)
    return rw_error_set (err, ENOMEM, "root.path");

  if (get_object (root, "process", "", &process, err) < 0)
    return -1;
  if (process && oci_process_parse (process, "process", &c->process, err) < 0)
    return -1;
  if (get_string (root, "hostname", "", false, &c->hostname, err) < 0
      || get_string (root, "domainname", "", false, &c->domainname, err) < 0
      || get_object (root, "annotations", "", &c->annotations, err) < 0)
    return -1;
  if (c->annotations)
    {
      json_object_object_foreach (c->annotations, key, value)
        if (!json_object_is_type (value, json_type_string))
          return rw_error_set (err, 0, "annotations.%s: expected a string", key);
    }
  if (parse_mounts (root, c, err) < 0 || parse_hooks (root, c, err) < 0 || parse_linux (root, c, err) < 0)
    return -1;
  if (c->hostname && c->hostname[0] && !oci_config_namespace (c, CLONE_NEWUTS))
    return rw_error_set (err, 0, "hostname: setting it needs a new uts namespace in linux.namespaces");
  return 0;
}

int oci_config_parse_string (const char *text, const char *bundle, struct oci_config **out, char **warning,
                             struct rw_error **err)
{
  enum json_tokener_error jerr = json_tokener_success;
  json_object *root = json_tokener_parse_verbose (text, &jerr);
  if (root == NULL)
    return rw_error_set (err, 0, "invalid JSON: %s", json_tokener_error_desc (jerr));
  struct oci_config *c = calloc (1, sizeof *c);
  if (c == NULL)
    {
      json_object_put (root);
      return rw_error_set (err, ENOMEM, "config");
    }
  c->json = root;
  if (parse_document (root, bundle, c, warning, err) < 0)
    {
      oci_config_free (c);
      return -1;
    }
  *out = c;
  return 0;
}

int oci_config_load (const char *config_path, const char *bundle, struct oci_config **out, char **warning,
                     struct rw_error **err)
{
  cleanup_fclose FILE *f = fopen (config_path, "re");
  if (f == NULL)
    return rw_error_set (err, errno, "open `%s`", config_path);
  cleanup_free char *text = NULL;
  size_t len = 0;
  cleanup_fclose FILE *mem = open_memstream (&text, &len);
  if (mem == NULL)
    return rw_error_set (err, errno, "read `%s`", config_path);
  char buf[8192];
  size_t n;
  while ((n = fread (buf, 1, sizeof buf, f)) > 0)
    fwrite (buf, 1, n, mem);
  if (ferror (f))
    return rw_error_set (err, errno, "read `%s`", config_path);
  fclose (mem);
  mem = NULL;
  if (oci_config_parse_string (text, bundle, out, warning, err) < 0)
    return rw_error_wrap (err, "`%s`", config_path);
  return 0;
}

const struct oci_namespace *oci_config_namespace (const struct oci_config *c, int clone_flag)
{
  for (size_t i = 0; i < c->n_namespaces; i++)
    if (c->namespaces[i].clone_flag == clone_flag)
      return &c->namespaces[i];
  return NULL;
}

const char *oci_config_annotation (const struct oci_config *c, const char *key)
{
  json_object *v = NULL;
  if (c->annotations == NULL || !json_object_object_get_ex (c->annotations, key, &v))
    return NULL;
  return json_object_get_string (v);
}
