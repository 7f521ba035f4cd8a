/* `runwasm node install|uninstall`: puts runwasm on a Kubernetes node and registers it as a
 * runtime handler with the node's containerd (config versions 1, 2, 3; k3s and RKE2
 * templates) and/or CRI-O, then restarts that runtime. Every edit is made on the parsed
 * configuration, touches only the handler's own tables, is checked by the runtime's own
 * parser where the node has one, and is a no-op when already in place. */
#ifndef RUNWASM_NODE_NODE_H
#define RUNWASM_NODE_NODE_H

#include <stdbool.h>
#include <stddef.h>

#include "common/error.h"

enum node_runtime { NODE_CONTAINERD, NODE_K3S, NODE_RKE2, NODE_CRIO, NODE_RUNTIMES };

struct node_options {
  const char *host_root;    /* the node's root filesystem as we see it ("/" on the node) */
  const char *handler;      /* runtime handler name (runwasm) */
  const char *bin_dir;      /* where the binary goes, as the node sees it (/usr/local/bin) */
  const char *binary;       /* the runwasm to install (/proc/self/exe) */
  const char *systemctl;    /* program that restarts units (systemctl) */
  const char *containerd_config; /* containerd's config file, as the node sees it */
  const char *state_dir;    /* runwasm's --root for the handler (NULL: the runtime's default) */
  bool want[NODE_RUNTIMES]; /* runtimes asked for; none = every one found */
  bool restart;             /* restart the runtime after a change */
  bool check;               /* validate with the runtime's own parser when it is there */
  bool enter_node;          /* run node commands in PID 1's namespaces (hostPID pods) */
  int crio_annotations;     /* 1 list them, 0 omit them, -1 decide by `crio config` */
  int restart_attempts;
};

int node_install (const struct node_options *o, struct rw_error **err);
int node_uninstall (const struct node_options *o, struct rw_error **err);
/* NODE_CONTAINERD.. for "containerd", "k3s", "rke2", "crio"; -1 for anything else. */
int node_runtime_from_name (const char *name);

/* --------------------------------------------------------- shared by the node_*.c files */
/* The path `p` (absolute, as the node sees it) below the host root. malloc'd. */
char *node_path (const struct node_options *o, const char *p);
/* The path a command run on the node should be given for `p`. malloc'd. */
char *node_cmd_path (const struct node_options *o, const char *p);
bool node_exists (const char *path);
int node_read (const char *path, char **text, size_t *len, struct rw_error **err);
/* Replaces `path` atomically (temporary file + rename), keeping the old file's mode. */
int node_write (const char *path, const char *text, size_t len, struct rw_error **err);
/* Runs argv on the node; its output goes to *out (malloc'd, may be NULL). Returns the exit
 * status (127 when it cannot be run), or negative with *err set. */
int node_run (const struct node_options *o, char *const argv[], char **out, struct rw_error **err);
void node_log (const char *fmt, ...) __attribute__ ((format (printf, 1, 2)));

/* A configuration file the installer changed: what it held before, to undo the change. */
struct node_change {
  char *path;
  char *old_text;   /* NULL: the file did not exist */
  size_t old_len;
};
struct node_changes {
  struct node_change *items;
  size_t n;
};
/* Writes `text` to `path`, recording the old content in `ch`. */
int node_change_write (struct node_changes *ch, const char *path, const char *text, size_t len,
                       struct rw_error **err);
int node_change_remove (struct node_changes *ch, const char *path, struct rw_error **err);
/* Puts every recorded file back as it was. */
void node_changes_undo (struct node_changes *ch);
void node_changes_free (struct node_changes *ch);

/* containerd / k3s / RKE2 (node_containerd.c). Return 1 when something changed, 0 when all
 * was in place, negative on error; `changes` records what was written. */
int node_containerd_apply (const struct node_options *o, enum node_runtime rt, bool install,
                           struct node_changes *changes, struct rw_error **err);
/* Whether the runtime seems to be on the node. */
bool node_containerd_present (const struct node_options *o, enum node_runtime rt);
/* The edit itself, on one file's text (exposed for the unit test): version_hint is used when
 * the text has no `version` (a k3s template based on "base"); template: a Go template. */
int node_containerd_edit (const char *text, size_t len, const char *name, bool template, int version_hint,
                          const char *handler, const char *binary_path, const char *state_dir, bool install,
                          char **out, size_t *out_len, struct rw_error **err);

/* CRI-O (node_crio.c), same conventions. */
int node_crio_apply (const struct node_options *o, bool install, struct node_changes *changes,
                     struct rw_error **err);
bool node_crio_present (const struct node_options *o);

#endif
