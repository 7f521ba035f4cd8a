/* Protection against a container overwriting the runtime binary (CVE-2019-5736) through
 * /proc/PID/exe of a process it can see: every runtime command whose code keeps running in
 * a container's view (`create`/`run`: the init up to execve, and for the whole life of a
 * Wasm workload; `exec`: the process up to execve, or the whole Wasm process) first
 * switches to a sealed memfd copy of itself. /proc/PID/exe of such a process is then an
 * anonymous, immutable file, never the host binary's inode, whatever capabilities or
 * namespaces the container has. Only the loaded part of the ELF file is copied (no debug
 * sections). The process becomes the copy in place (its mappings moved onto the copy, then
 * PR_SET_MM_MAP), which spares a second execve; where the kernel refuses that, it
 * re-executes itself from the copy (docs/security.md). */
#ifndef RUNWASM_LINUX_SELFEXE_H
#define RUNWASM_LINUX_SELFEXE_H

#include "common/error.h"

/* Returns 0 when running from a sealed copy (already, or after switching in place);
 * otherwise re-executes itself from the copy with the same argv/environment and does not
 * return, or fails with *err set. */
int selfexe_ensure_sealed (char **argv, struct rw_error **err);

#endif
