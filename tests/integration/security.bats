#!/usr/bin/env bats
# The container cannot reach or overwrite the runtime binary (CVE-2019-5736).
load helpers

@test "without CAP_SYS_PTRACE the runtime's /proc/PID/exe cannot be opened" {
  process sleep 100
  create_detached
  # pid 1 is still the runtime, blocked until start.
  run rw exec "$ID" sh -c 'cat /proc/1/exe > /dev/null 2>&1 && echo readable || echo denied'
  [ "$status" -eq 0 ]
  [ "$output" = denied ]
}

@test "with CAP_SYS_PTRACE the runtime runs from a sealed copy that cannot be written" {
  for set in bounding effective permitted; do
    config ".process.capabilities.$set += [\"CAP_SYS_PTRACE\"]"
  done
  process sleep 100
  create_detached
  run rw exec "$ID" sh -c 'readlink /proc/1/exe; { echo x >> /proc/1/exe; } 2>/dev/null && echo written || echo refused'
  [ "$status" -eq 0 ]
  [[ "${lines[0]}" == *memfd:runwasm* ]]
  [ "${lines[1]}" = refused ]
}
