#!/usr/bin/env bats
# Settings runwasm accepts with a warning where this host cannot honour them (as crun does),
# and the ones it keeps refusing because accepting them would weaken isolation
# (docs/conformance.md).
load helpers

@test "linux.resources.memory.kernel the kernel ignores: a warning, and the container runs" {
  [ -e /sys/fs/cgroup/memory/memory.kmem.limit_in_bytes ] || skip "no cgroup v1 memory.kmem"
  config '.linux.resources.memory = {"limit": 67108864, "kernel": 33554432}'
  process sh -c 'echo ran'
  run_container
  [ "$status" -eq 0 ]
  [[ "$output" == *ran* ]]
  # On kernels that still enforce kmem limits (< 5.16) there is nothing to warn about.
  if [ "$(uname -r | awk -F. '{print $1 * 100 + $2}')" -ge 516 ]; then
    [[ "$output" == *"warning: linux.resources.memory.kernel: ignored: this kernel no longer enforces kernel memory limits"* ]]
  fi
  assert_nothing_left "$ID"
}

@test "linux.mountLabel without SELinux: a warning, and the container runs" {
  [ ! -e /sys/fs/selinux/enforce ] || skip "SELinux is enabled here"
  config '.linux.mountLabel = "system_u:object_r:container_file_t:s0:c1,c2"'
  process sh -c 'echo ran'
  run_container
  [ "$status" -eq 0 ]
  [[ "$output" == *"warning: linux.mountLabel \`system_u:object_r:container_file_t:s0:c1,c2\`: ignored: SELinux is not enabled on this host"* ]]
  [[ "$output" == *ran* ]]
  assert_nothing_left "$ID"
}

@test "the warnings reach the --log file at level warning (what conmon and containerd read)" {
  [ ! -e /sys/fs/selinux/enforce ] || skip "SELinux is enabled here"
  config '.linux.mountLabel = "system_u:object_r:container_file_t:s0"'
  run_container --log "$BATS_TEST_TMPDIR/log.json" --log-format json
  [ "$status" -eq 0 ]
  jq -e 'select(.level == "warning" and (.msg | startswith("linux.mountLabel")))' "$BATS_TEST_TMPDIR/log.json"
}

@test "process.selinuxLabel without SELinux is still refused" {
  [ ! -e /sys/fs/selinux/enforce ] || skip "SELinux is enabled here"
  config '.process.selinuxLabel = "system_u:system_r:container_t:s0"'
  run_container
  [ "$status" -ne 0 ]
  [[ "$output" == *"process.selinuxLabel \`system_u:system_r:container_t:s0\`: SELinux is not enabled on this host"* ]]
  assert_nothing_left "$ID"
}

@test "a config without a mount namespace is refused, naming the field" {
  config '.linux.namespaces |= map(select(.type != "mount"))'
  run_container
  [ "$status" -ne 0 ]
  [[ "$output" == *"linux.namespaces: a mount namespace is required (runwasm does not mount a container's filesystems in the host's mount namespace)"* ]]
  assert_nothing_left "$ID"
}

@test "features lists the annotations that change what runwasm does (runtime-spec 1.2)" {
  run rw features
  [ "$status" -eq 0 ]
  echo "$output" | jq -e '.potentiallyUnsafeConfigAnnotations == ["run.oci.handler", "module.wasm.image/variant"]'
}
