/* Protection against a container overwriting the runtime binary (CVE-2019-5736) through
 * /proc/PID/exe of a runtime process that entered the container. Two layers, chosen per
 * container because the copy costs an execve (about 5 ms of CPU); policy_needs_sealed_runtime() decides:
 * - the runtime process in the container is made non-dumpable: opening its /proc/PID/exe
 *   then needs CAP_SYS_PTRACE in the initial user namespace, which a container without
 *   CAP_SYS_PTRACE and without a user namespace of its own cannot have;
 * - otherwise (CAP_SYS_PTRACE possible, or a user namespace whose root could pass the
 *   checks) the runtime re-executes itself from a sealed memfd copy first, so /proc/PID/exe
 *   is an immutable anonymous file. */
#ifndef RUNWASM_LINUX_SELFEXE_H
#define RUNWASM_LINUX_SELFEXE_H

#include "common/error.h"

/* Returns 0 when already running from a sealed copy; otherwise re-executes itself with the
 * same argv/environment and does not return, or fails with *err set. */
int selfexe_ensure_sealed (char **argv, struct rw_error **err);

#endif
