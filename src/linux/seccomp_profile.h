/* linux.seccomp: parsed and validated from config.json, then turned into a libseccomp filter
 * and loaded in the container process, last thing before execve (or before the Wasm engine). */
#ifndef RUNWASM_LINUX_SECCOMP_PROFILE_H
#define RUNWASM_LINUX_SECCOMP_PROFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <json-c/json.h>

#include "common/error.h"

struct seccomp_profile;

/* Parse linux.seccomp; NULL gives *out == NULL (no filter). Errors name the field:
 * "linux.seccomp.syscalls[3].action: unknown action `SCMP_ACT_FOO`". */
int seccomp_profile_parse (json_object *seccomp, struct seccomp_profile **out, struct rw_error **err);
void seccomp_profile_free (struct seccomp_profile *profile);

/* linux.seccomp.listenerPath, or NULL; when set and an action is SCMP_ACT_NOTIFY the runtime
 * must pass the notify fd to that socket (seccomp_send_notify_fd). */
const char *seccomp_profile_listener_path (const struct seccomp_profile *profile);
bool seccomp_profile_uses_notify (const struct seccomp_profile *profile);
/* Syscall names libseccomp does not know (newer than it, or typos): their rules are skipped,
 * as runc does; the CLI should log them at debug level. Returns the count. */
size_t seccomp_profile_unknown_syscalls (const struct seccomp_profile *profile, const char *const **names);

/* Load the filter into the calling thread (all threads with SECCOMP_FILTER_FLAG_TSYNC).
 * NNP is not set here (SCMP_FLTATR_CTL_NNP = 0): the caller sets no_new_privs when
 * process.noNewPrivileges asks for it; without it loading needs CAP_SYS_ADMIN.
 * *notify_fd receives the listener fd when the profile uses SCMP_ACT_NOTIFY, else -1. */
int seccomp_profile_apply (const struct seccomp_profile *profile, int *notify_fd, struct rw_error **err);

/* Send the notify fd with SCM_RIGHTS to the unix socket at listener_path, with
 * `state_json` (the container state, as runc sends it) as the message payload. The path is
 * a host path: call this from the runtime process (runc's way: the container process passes
 * the fd up over the sync socket), or split it in two below. */
int seccomp_send_notify_fd (const char *listener_path, int notify_fd, const char *state_json,
                            struct rw_error **err);
/* The same in two steps, for a container process: connect while the host's filesystem is
 * still visible (before pivot_root), send once the filter is loaded. *sock is CLOEXEC. */
int seccomp_listener_connect (const char *listener_path, int *sock, struct rw_error **err);
int seccomp_listener_send (int sock, const char *listener_path, int notify_fd, const char *state_json,
                           struct rw_error **err);

#endif
