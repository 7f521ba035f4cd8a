/* Protection against a container overwriting the runtime binary (CVE-2019-5736): the
 * runtime re-executes itself from a sealed memfd copy before it enters a container, so
 * /proc/PID/exe as seen from inside points at an immutable, anonymous file. */
#ifndef RUNWASM_LINUX_SELFEXE_H
#define RUNWASM_LINUX_SELFEXE_H

#include "common/error.h"

/* Returns 0 when already running from a sealed copy; otherwise re-executes itself with the
 * same argv/environment and does not return, or fails with *err set. */
int selfexe_ensure_sealed (char **argv, struct rw_error **err);

#endif
