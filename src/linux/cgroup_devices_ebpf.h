/* Device access control on cgroup v2: linux.resources.devices compiled into an eBPF program
 * of type BPF_PROG_TYPE_CGROUP_DEVICE and attached to the container's cgroup with bpf(2). */
#ifndef RUNWASM_LINUX_CGROUP_DEVICES_EBPF_H
#define RUNWASM_LINUX_CGROUP_DEVICES_EBPF_H

#include <linux/bpf.h>
#include <stddef.h>

#include "common/error.h"
#include "linux/cgroup_resources.h"

/* The program the kernel runs on every device access (ctx: struct bpf_cgroup_dev_ctx).
 * Rules are checked from the last to the first; the first match decides (so later rules
 * override earlier ones, as writing them one by one to v1 devices.allow/deny does); no
 * match denies. *insns is malloc'd. */
int cgroup_devices_ebpf_generate (const struct cgroup_device_rule *rules, size_t n, struct bpf_insn **insns,
                                  size_t *n_insns, struct rw_error **err);
/* Load the program and attach it to the cgroup directory `dir` (BPF_F_ALLOW_MULTI), then
 * detach the programs that were there before (so `update` replaces, never stacks). */
int cgroup_devices_ebpf_attach (const char *dir, const struct cgroup_device_rule *rules, size_t n,
                                struct rw_error **err);

#endif
