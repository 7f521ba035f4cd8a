/* The container process from clone() until the handler runs: it joins or finishes its
 * namespaces, builds the rootfs, reports to the runtime over the sync socket, blocks on
 * exec.fifo until `start`, then becomes the configured process. */
#ifndef RUNWASM_RUNTIME_INIT_H
#define RUNWASM_RUNTIME_INIT_H

#include <stdbool.h>

#include "linux/cgroup.h"
#include "runtime/config.h"
#include "runtime/handler.h"
#include "runtime/policy.h"

struct init_options {
  const struct oci_config *config;
  const struct container_policy *container_policy;
  const struct process_policy *process_policy;
  const struct handler *handler;
  const char *bundle;
  int sync_fd;
  int fifo_fd;            /* O_PATH fd of ROOT/ID/exec.fifo */
  int console_fd;         /* connected --console-socket, or -1 */
  int *idmapped_trees;     /* per mount: a detached idmapped tree or -1 (mount_idmap.h); may be NULL */
  struct cgroup_join *cgroup_join; /* the cgroup to join after GO (empty: none, or joined by the runtime) */
  bool no_pivot;
  bool new_keyring;
  bool non_dumpable;      /* hide /proc/PID/exe from the container (selfexe.h) */       /* a fresh session keyring unless --no-new-keyring */
  int n_preserved_fds;
  int listen_fds;
  int clone_flags;        /* the namespaces clone() created */
  int unshare_flags;      /* created after the cgroup was joined (cgroup namespace) */
};

/* Never returns: exits 127 (or 255 when the error was already sent to the runtime). */
__attribute__ ((noreturn)) void container_init (const struct init_options *o);

#endif
