#!/usr/bin/env bats
# `create` killed with SIGKILL at any moment leaves nothing that `delete --force` cannot
# find and remove: the state records the cgroup before it exists (issue #10, item 4).
load helpers

teardown () {
  for id in $(rw list -q 2>/dev/null); do
    rw delete --force "$id" >/dev/null 2>&1 || true
  done
  # What a runtime without the fix leaves behind, so a failing run does not leak either.
  rmdir /sys/fs/cgroup/*/runwasm/"$ID"-* 2>/dev/null || true
  rm -rf "$ROOT"
}

# Is anything of container $1 left: state dir, cgroup in any hierarchy, a process, a mount?
leftovers () {
  [ ! -e "$ROOT/$1" ] || echo "state dir $ROOT/$1"
  ls -d /sys/fs/cgroup/*/runwasm/"$1" /sys/fs/cgroup/runwasm/"$1" 2>/dev/null || true
  pgrep -af -- "$1( |\$)|sleep 31337" || true
  grep "$BUNDLE" /proc/self/mountinfo || true
}

@test "create killed at 0..40 ms, then delete --force: no cgroup, state, process or mount left" {
  process sleep 31337
  for ms in $(seq 0 40) 50 60 80 100; do
    id=$ID-$ms
    timeout -s KILL "$(printf '0.%03d' "$ms")" "$RUNWASM" --root "$ROOT" create --bundle "$BUNDLE" "$id" \
      </dev/null >/dev/null 2>&1 || true
    run rw delete --force "$id"
    [ "$status" -eq 0 ] || { echo "delete --force $id after ${ms} ms: $output"; return 1; }
    left=$(leftovers "$id")
    [ -z "$left" ] || { echo "killed after ${ms} ms, left: $left"; return 1; }
  done
}
