/* The OCI runtime-spec configuration (config.json) as runwasm uses it. The parser validates
 * while it reads, so every later stage can trust the model; errors name the JSON field.
 * Unknown fields are ignored as the spec requires; known but unsupported ones are errors. */
#ifndef RUNWASM_RUNTIME_CONFIG_H
#define RUNWASM_RUNTIME_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <json-c/json.h>

#include "common/error.h"

struct oci_id_mapping {
  uint32_t container_id, host_id, size;
};

struct oci_mount {
  char *destination;
  char *source;          /* may be NULL (e.g. tmpfs) */
  char *type;            /* may be NULL: a bind mount when the options say so */
  unsigned long flags;   /* MS_* set by options */
  unsigned long clear_flags; /* MS_* an option asked to clear ("rw", "suid", ...) */
  unsigned long propagation; /* MS_SHARED/SLAVE/PRIVATE/UNBINDABLE [|MS_REC], 0 if none */
  bool recursive_readonly;   /* "rro": read-only on every submount (mount_setattr) */
  unsigned extensions;       /* MOUNT_EXT_*: options runwasm carries out itself */
  char *data;            /* options the kernel gets as a string ("mode=755,size=65536k") */
  /* uidMappings/gidMappings of an idmapped mount (empty: the container's own) */
  struct oci_id_mapping *uid_mappings, *gid_mappings;
  size_t n_uid_mappings, n_gid_mappings;
};

/* Mount options that are no kernel flag (crun's names); see docs/mounts.md. */
enum {
  MOUNT_EXT_TMPCOPYUP = 1 << 0,    /* copy the shadowed directory into the new tmpfs */
  MOUNT_EXT_IDMAP = 1 << 1,        /* idmapped bind mount of the top mount */
  MOUNT_EXT_RIDMAP = 1 << 2,       /* ... of every mount of an rbind */
  MOUNT_EXT_COPY_SYMLINK = 1 << 3, /* a symlink source is recreated, not mounted */
  MOUNT_EXT_SRC_NOFOLLOW = 1 << 4, /* a symlink source is bind mounted itself */
};

struct oci_namespace {
  int clone_flag;        /* CLONE_NEWPID, ... */
  char *path;            /* join this one instead of creating a new namespace */
};

struct oci_device {
  char *path;
  char type;             /* 'c', 'b', 'u' or 'p' */
  int64_t major, minor;
  mode_t file_mode;      /* permission bits, 0666 when unset */
  uid_t uid;
  gid_t gid;
};

enum oci_hook_kind {
  HOOK_PRESTART,
  HOOK_CREATE_RUNTIME,
  HOOK_CREATE_CONTAINER,
  HOOK_START_CONTAINER,
  HOOK_POSTSTART,
  HOOK_POSTSTOP,
  HOOK_KINDS
};

struct oci_hook {
  char *path;
  char **args;           /* NULL-terminated; NULL means { path } */
  char **env;            /* NULL-terminated, may be NULL */
  int timeout;           /* seconds, 0: none */
};

struct oci_hook_list {
  struct oci_hook *hooks;
  size_t len;
};

/* What to run: the container's init (config.json `process`) or an exec'd process. The
 * sections owned by the policy modules stay JSON; they are validated at parse time and
 * applied from JSON so an exec'd process uses exactly the same code. */
struct oci_process {
  bool terminal;
  unsigned int console_height, console_width;
  char *cwd;
  char **args;           /* NULL-terminated, at least one element */
  char **env;            /* NULL-terminated, may be empty */
  uid_t uid;
  gid_t gid;
  gid_t *additional_gids;
  size_t n_additional_gids;
  bool has_umask;
  mode_t umask;
  bool no_new_privileges;
  bool has_oom_score_adj;
  int oom_score_adj;
  json_object *capabilities;  /* process.capabilities, NULL if absent */
  json_object *rlimits;       /* process.rlimits */
  json_object *apparmor_profile; /* process.apparmorProfile */
  json_object *selinux_label;    /* process.selinuxLabel */
  json_object *json;          /* the whole section (a reference owned by the process) */
};

struct oci_config {
  json_object *json;     /* the parsed document; sections below point into it */
  char *oci_version;
  char *root_path;       /* absolute: resolved against the bundle */
  bool root_readonly;
  char *hostname;
  char *domainname;
  struct oci_process *process;
  struct oci_mount *mounts;
  size_t n_mounts;
  struct oci_hook_list hooks[HOOK_KINDS];
  json_object *annotations;

  /* linux */
  struct oci_namespace *namespaces;
  size_t n_namespaces;
  struct oci_id_mapping *uid_mappings, *gid_mappings;
  size_t n_uid_mappings, n_gid_mappings;
  struct oci_device *devices;
  size_t n_devices;
  char *cgroups_path;    /* may be NULL: the runtime picks one */
  unsigned long rootfs_propagation; /* 0: default */
  char **masked_paths;   /* NULL-terminated */
  char **readonly_paths; /* NULL-terminated */
  json_object *linux_json;     /* the `linux` section, for the policy modules */
};

/* Reads and validates `config_path`; `bundle` resolves a relative root.path. Fills
 * *warning with a message to log for a 1.x version runwasm was not written for. */
int oci_config_load (const char *config_path, const char *bundle, struct oci_config **out,
                     char **warning, struct rw_error **err);
/* Same from a JSON string (tests, state dir copies). */
int oci_config_parse_string (const char *text, const char *bundle, struct oci_config **out,
                             char **warning, struct rw_error **err);
void oci_config_free (struct oci_config *c);

/* Parses a `process` object: the config's, or `exec --process FILE`. `where` names the
 * section in errors ("process"). */
int oci_process_parse (json_object *section, const char *where, struct oci_process **out,
                       struct rw_error **err);
void oci_process_free (struct oci_process *p);

/* The namespace entry of a kind (CLONE_NEW*), or NULL when the config does not list it. */
const struct oci_namespace *oci_config_namespace (const struct oci_config *c, int clone_flag);
/* Annotation value or NULL. */
const char *oci_config_annotation (const struct oci_config *c, const char *key);

/* Translates one mount option into `m`; unknown options are appended to m->data. */
int oci_mount_add_option (struct oci_mount *m, const char *option, struct rw_error **err);
/* "prestart", "createRuntime", ... as config.json spells them. */
const char *oci_hook_kind_name (enum oci_hook_kind k);
/* The i-th mount option runwasm understands (for `features`), NULL past the last. */
const char *oci_mount_option_name (size_t i);
/* Name of the namespace ("pid", "network", ...) for a CLONE_NEW* flag. */
const char *oci_namespace_name (int clone_flag);

static inline void oci_config_freep (struct oci_config **c) { oci_config_free (*c); }
static inline void oci_process_freep (struct oci_process **p) { oci_process_free (*p); }
#define cleanup_config __attribute__ ((cleanup (oci_config_freep)))
#define cleanup_process __attribute__ ((cleanup (oci_process_freep)))

#endif
