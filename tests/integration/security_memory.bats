#!/usr/bin/env bats
# linux.resources.memory.limit and a Wasm module that really uses its memory (issue #10
# item 3): memory.grow returns -1 before the cgroup limit is reached, at small and larger
# limits, and a container the OOM killer ends anyway says so.
load helpers

@test "a module growing 1 MiB at a time gets -1 from memory.grow, not the OOM killer, at 16-256 MiB" {
  cp "$REPO/tests/wasm/grow_touch.wat" "$BUNDLE/rootfs/grow.wat"
  config '.annotations = {"run.oci.handler": "wasm"}'
  process /grow.wat
  for mib in 16 32 64 128 256; do
    config ".linux.resources.memory.limit = $((mib << 20))"
    run_container
    [ "$status" -eq 0 ] || { echo "limit $mib MiB: status $status: $output"; return 1; }
    [[ "$output" =~ ^"memory.grow refused at "([0-9]+)" MiB"$ ]] || { echo "limit $mib MiB: $output"; return 1; }
    # The engine's own memory is left out of the cap, and not much more.
    got=${BASH_REMATCH[1]}
    [ "$got" -lt "$mib" ] && [ "$got" -ge $((mib - 16)) ] || { echo "limit $mib MiB: stopped at $got MiB"; return 1; }
  done
}

@test "a limit too small for the engine itself is a clear error at create" {
  cp "$REPO/tests/wasm/grow_touch.wat" "$BUNDLE/rootfs/grow.wat"
  config '.annotations = {"run.oci.handler": "wasm"} | .linux.resources.memory.limit = 4194304'
  process /grow.wat
  bats_require_minimum_version 1.5.0
  # The module is loaded and instantiated before create reports success, so create fails (1).
  run -1 "$RUNWASM" --root "$ROOT" run --bundle "$BUNDLE" "$ID"
  [[ "$output" == *"linux.resources.memory.limit: 4194304 bytes leave no room for linear memory"* ]]
  assert_nothing_left "$ID"
}

@test "a container killed by the OOM killer is reported by run, with status 137" {
  process sh -c 'tail /dev/zero'
  config '.linux.resources.memory.limit = 16777216'
  run_container
  [ "$status" -eq 137 ]
  [[ "$output" == *"container \`$ID\` was killed by the kernel's OOM killer: it reached its memory limit (linux.resources.memory.limit 16777216 bytes)"* ]]
  assert_nothing_left "$ID"
}

@test "an impossible memory limit (1 byte) gives the kernel's reason, not a sync error" {
  config '.linux.resources.memory.limit = 1'
  for i in 1 2 3; do
    run_container
    [ "$status" -eq 1 ]
    [[ "$output" == *"linux.resources.memory.limit: unable to set memory limit to 1"* ]] || { echo "$output"; return 1; }
    assert_nothing_left "$ID"
  done
}
