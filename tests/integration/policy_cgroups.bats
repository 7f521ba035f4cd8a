#!/usr/bin/env bats
# linux.resources and the cgroup commands (ps, pause, resume, update, kill --all, delete)
# against this host's real hierarchies.

load policy_helpers

setup () {
  [ "$(id -u)" -eq 0 ] || skip "needs root"
  policy_setup 'sleep 1000 & sleep 1000'
  CGPATH=/runwasm-bats/$ID
  config_edit "c['linux']['cgroupsPath'] = '$CGPATH'
c['linux'].setdefault('resources', {})
c['linux']['resources']['memory'] = {'limit': 67108864}
c['linux']['resources']['pids'] = {'limit': 50}"
  MODE=$(python3 -c 'import os; print("v2" if os.path.exists("/sys/fs/cgroup/cgroup.controllers") else "v1")')
}

teardown () {
  policy_teardown
  # If the runtime got stuck, do its cleanup so the next test starts clean.
  for f in /sys/fs/cgroup/pids$CGPATH/cgroup.procs /sys/fs/cgroup$CGPATH/cgroup.procs; do
    [ -f "$f" ] && xargs -r kill -9 < "$f" 2>/dev/null
  done
  sleep 0.2
  rmdir /sys/fs/cgroup/*"$CGPATH" /sys/fs/cgroup"$CGPATH" 2>/dev/null || true
  rmdir /sys/fs/cgroup/*/runwasm-bats /sys/fs/cgroup/runwasm-bats 2>/dev/null || true
}

memory_file () {
  if [ "$MODE" = v2 ]; then echo "/sys/fs/cgroup$CGPATH/memory.max"; else echo "/sys/fs/cgroup/memory$CGPATH/memory.limit_in_bytes"; fi
}
pids_file () {
  if [ "$MODE" = v2 ]; then echo "/sys/fs/cgroup$CGPATH/pids.max"; else echo "/sys/fs/cgroup/pids$CGPATH/pids.max"; fi
}

@test "cgroups: create applies the limits, ps lists, pause/resume, update, kill --all, delete cleans up" {
  rw create --bundle "$BUNDLE" "$ID"
  [ "$(cat "$(memory_file)")" = 67108864 ]
  [ "$(cat "$(pids_file)")" = 50 ]
  rw start "$ID"
  for i in 1 2 3 4 5 6 7 8 9 10; do
    n=$(rw ps "$ID" | tail -n +2 | wc -l)
    [ "$n" -ge 2 ] && break
    sleep 0.1
  done
  [ "$n" -ge 2 ]   # two sleeps (sh execs the last command)

  rw pause "$ID"
  [ "$(rw state "$ID" | python3 -c 'import json,sys; print(json.load(sys.stdin)["status"])')" = paused ]
  if [ "$MODE" = v1 ]; then [ "$(cat /sys/fs/cgroup/freezer$CGPATH/freezer.state)" = FROZEN ]; fi
  rw resume "$ID"
  [ "$(rw state "$ID" | python3 -c 'import json,sys; print(json.load(sys.stdin)["status"])')" = running ]

  echo '{"memory": {"limit": 33554432}, "pids": {"limit": 20}}' > "$BUNDLE/res.json"
  rw update --resources "$BUNDLE/res.json" "$ID"
  [ "$(cat "$(memory_file)")" = 33554432 ]
  [ "$(cat "$(pids_file)")" = 20 ]

  rw kill --all "$ID" KILL
  for i in $(seq 50); do
    [ "$(rw state "$ID" | python3 -c 'import json,sys; print(json.load(sys.stdin)["status"])')" = stopped ] && break
    sleep 0.1
  done
  rw delete "$ID"
  run ls -d /sys/fs/cgroup/*"$CGPATH" /sys/fs/cgroup"$CGPATH"
  [ "$status" -ne 0 ]
}

@test "cgroups: a bad resources value is refused naming the field" {
  config_edit "c['linux']['resources']['memory'] = {'limit': '64M'}"
  run_container
  [ "$status" -ne 0 ]
  [[ "$output" == *"linux.resources.memory.limit: expected an integer"* ]]
}

@test "cgroups: --systemd-cgroup fails clearly when systemd is not running" {
  [ ! -d /run/systemd/system ] || skip "systemd is running here"
  config_edit "c['linux']['cgroupsPath'] = 'machine.slice:runwasm-bats:$ID'"
  run bash -c "cd '$BUNDLE' && '$RUNWASM' --root '$STATE' --systemd-cgroup run '$ID' 2>&1"
  [ "$status" -ne 0 ]
  [[ "$output" == *"--systemd-cgroup: cannot connect to systemd over D-Bus"* ]]
}

@test "cgroups: unified keys are refused on a v1 host, named" {
  [ "$MODE" = v1 ] || skip "v2 host"
  [ ! -f /sys/fs/cgroup/unified/cgroup.controllers ] || grep -q memory /sys/fs/cgroup/unified/cgroup.controllers && skip "memory on unified"
  config_edit "c['linux']['resources']['unified'] = {'memory.high': '1M'}"
  run_container
  [ "$status" -ne 0 ]
  [[ "$output" == *"linux.resources.unified.memory.high"* ]]
}

@test "cgroups: a device rule denies /dev/zero while /dev/null stays usable" {
  config_edit "c['process']['args'] = ['sh', '-c', 'echo x > /dev/null && echo null-ok; head -c 1 /dev/zero >/dev/null && echo zero-ok; true']
c['linux']['resources']['devices'].append({'allow': False, 'type': 'c', 'major': 1, 'minor': 5, 'access': 'rwm'})"
  run_container
  [ "$status" -eq 0 ]
  [[ "$output" == *null-ok* ]]
  [[ "$output" != *zero-ok* ]]
  [[ "$output" == *"Operation not permitted"* ]]
}
