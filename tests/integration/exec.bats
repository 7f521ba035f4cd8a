#!/usr/bin/env bats
# exec into a running container; ps, pause and resume; update.
load helpers

start_sleeper () {
  process sleep 100
  config '.hostname = "execbox"'
  create_detached --pid-file "$BATS_TEST_TMPDIR/pid"
  rw start "$ID"
}

@test "exec runs in the container's namespaces and returns the exit status" {
  start_sleeper
  run rw exec "$ID" sh -c 'hostname; readlink /proc/self/ns/pid; exit 5'
  [ "$status" -eq 5 ]
  [ "${lines[0]}" = execbox ]
  [ "${lines[1]}" = "$(readlink /proc/$(cat "$BATS_TEST_TMPDIR/pid")/ns/pid)" ]
}

@test "exec --env, --cwd and --user" {
  start_sleeper
  run rw exec --env A=1 -e B=2 --cwd /tmp --user 1000:1000 "$ID" sh -c 'echo $A$B; pwd; id -u; id -g'
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = 12 ]
  [ "${lines[1]}" = /tmp ]
  [ "${lines[2]}" = 1000 ]
  [ "${lines[3]}" = 1000 ]
}

@test "exec --process with a process JSON file" {
  start_sleeper
  jq '.process | .args = ["sh", "-c", "echo from-json $X"] | .env += ["X=y"]' "$BUNDLE/config.json" > "$BATS_TEST_TMPDIR/process.json"
  run rw exec --process "$BATS_TEST_TMPDIR/process.json" "$ID"
  [ "$status" -eq 0 ]
  [ "$output" = "from-json y" ]
}

@test "exec --detach --pid-file returns while the process runs" {
  start_sleeper
  rw exec --detach --pid-file "$BATS_TEST_TMPDIR/exec.pid" "$ID" sleep 50 </dev/null >/dev/null 2>&1
  pid=$(cat "$BATS_TEST_TMPDIR/exec.pid")
  kill -0 "$pid"
  [[ "$(cat /proc/$pid/cmdline | tr '\0' ' ')" == "sleep 50 " ]]
  # It is in the container's cgroup.
  [ "$(grep pids /proc/$pid/cgroup)" = "$(grep pids /proc/$(cat "$BATS_TEST_TMPDIR/pid")/cgroup)" ]
}

@test "exec of a missing program fails clearly" {
  start_sleeper
  run rw exec "$ID" /nonexistent
  [ "$status" -ne 0 ]
  [[ "$output" == *"/nonexistent"* ]]
}

@test "exec into a stopped or missing container fails" {
  run rw exec nosuch true
  [ "$status" -ne 0 ]
  [[ "$output" == *"does not exist"* ]]
}

@test "ps lists the container's processes as JSON and as a table" {
  start_sleeper
  pid=$(cat "$BATS_TEST_TMPDIR/pid")
  rw ps --format json "$ID" | jq -e --argjson p "$pid" 'index($p) != null'
  run rw ps "$ID"
  [ "$status" -eq 0 ]
  [[ "${lines[0]}" == *PID* ]]
  [[ "$output" == *"sleep 100"* ]]
}

@test "pause and resume freeze and thaw the container" {
  start_sleeper
  pid=$(cat "$BATS_TEST_TMPDIR/pid")
  rw pause "$ID"
  [ "$(status_of "$ID")" = paused ]
  grep -q FROZEN /sys/fs/cgroup/freezer/runwasm/"$ID"/freezer.state
  run rw pause "$ID"
  [ "$status" -eq 1 ]
  rw resume "$ID"
  [ "$(status_of "$ID")" = running ]
  grep -q THAWED /sys/fs/cgroup/freezer/runwasm/"$ID"/freezer.state
}

@test "update changes the pids limit" {
  start_sleeper
  rw update --pids-limit 42 "$ID"
  [ "$(cat /sys/fs/cgroup/pids/runwasm/"$ID"/pids.max)" = 42 ]
  echo '{"pids": {"limit": 43}}' > "$BATS_TEST_TMPDIR/r.json"
  rw update --resources "$BATS_TEST_TMPDIR/r.json" "$ID"
  [ "$(cat /sys/fs/cgroup/pids/runwasm/"$ID"/pids.max)" = 43 ]
}
