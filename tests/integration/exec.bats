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

@test "ps and exec on a stopped container answer as runc: an empty list, and 255" {
  process true
  create_detached
  rw start "$ID"
  for _ in $(seq 50); do [ "$(status_of "$ID")" = stopped ] && break; sleep 0.1; done
  run rw ps "$ID"
  [ "$status" -eq 0 ]
  [ "${#lines[@]}" -eq 1 ]
  [[ "${lines[0]}" == *PID* ]]
  run rw ps --format json "$ID"
  [ "$status" -eq 0 ]
  [ "$output" = "[]" ]
  run rw exec "$ID" true
  [ "$status" -eq 255 ]
  [[ "$output" == *"container is stopped"* ]]
  run rw exec nosuch true
  [ "$status" -eq 255 ]
}

@test "exec --cap adds to the bounding, effective and permitted sets" {
  start_sleeper
  run rw exec "$ID" grep -E '^Cap(Bnd|Eff|Prm)' /proc/self/status
  [ "$status" -eq 0 ]
  before=$output
  run rw exec --cap CAP_NET_ADMIN -c CAP_SYS_PTRACE "$ID" grep -E '^Cap(Bnd|Eff|Prm|Inh)' /proc/self/status
  [ "$status" -eq 0 ]
  [ "$output" != "$before" ]
  # CAP_NET_ADMIN is bit 12, CAP_SYS_PTRACE bit 19.
  for set in Bnd Eff Prm; do
    mask=$(echo "$output" | awk -v s="Cap$set:" '$1 == s {print $2}')
    (( (0x$mask >> 12) & 1 )) && (( (0x$mask >> 19) & 1 ))
  done
  [[ "$output" == *"CapInh:"*"0000000000000000"* ]]
}

@test "exec --additional-gids adds supplementary groups" {
  start_sleeper
  run rw exec -g 44 --additional-gids 55 "$ID" id -G
  [ "$status" -eq 0 ]
  [[ " $output " == *" 44 "* ]]
  [[ " $output " == *" 55 "* ]]
  run rw exec -g abc "$ID" true
  [ "$status" -eq 255 ]
  [[ "$output" == *"--additional-gids \`abc\`"* ]]
}

@test "exec --apparmor and --process-label on a host without them are refused clearly" {
  start_sleeper
  if [ -e /sys/kernel/security/apparmor ]; then skip "this host has AppArmor"; fi
  run rw exec --apparmor some-profile "$ID" true
  [ "$status" -eq 255 ]
  [[ "$output" == *"AppArmor"* ]]
  if [ -e /sys/fs/selinux/enforce ]; then skip "this host has SELinux"; fi
  run rw exec --process-label system_u:system_r:container_t:s0 "$ID" true
  [ "$status" -eq 255 ]
  [[ "$output" == *"SELinux"* ]]
}

@test "exec --cgroup joins an existing sub-cgroup; bad paths are refused" {
  start_sleeper
  subs=$(ls -d /sys/fs/cgroup/*/runwasm/"$ID")
  for d in $subs; do mkdir "$d/sub"; done
  # A v1 cpuset cgroup takes no process before it has cpus and mems.
  for f in cpus mems; do
    [ ! -e "/sys/fs/cgroup/cpuset/runwasm/$ID/sub/cpuset.$f" ] \
      || cat "/sys/fs/cgroup/cpuset/runwasm/$ID/cpuset.$f" > "/sys/fs/cgroup/cpuset/runwasm/$ID/sub/cpuset.$f"
  done
  run rw exec --cgroup sub "$ID" cat /proc/self/cgroup
  for d in $subs; do rmdir "$d/sub"; done
  [ "$status" -eq 0 ]
  # In its cgroup namespace the container's cgroup is the root.
  [[ "$output" == *":pids:/sub"* ]]
  run rw exec --cgroup ../escape "$ID" true
  [ "$status" -eq 255 ]
  [[ "$output" == *"--cgroup \`../escape\`"* ]]
  run rw exec --cgroup pids:sub "$ID" true
  [ "$status" -eq 255 ]
  [[ "$output" == *"not supported"* ]]
}

@test "exec into a paused container needs --ignore-paused" {
  start_sleeper
  rw pause "$ID"
  run rw exec "$ID" echo hi
  [ "$status" -eq 255 ]
  [[ "$output" == *"--ignore-paused"* ]]
  # The process starts frozen, as with runc, and runs once the container is resumed.
  rw exec --ignore-paused "$ID" echo hi >"$BATS_TEST_TMPDIR/out" 2>&1 &
  local execer=$!
  sleep 0.5
  rw resume "$ID"
  wait "$execer"
  [ "$(cat "$BATS_TEST_TMPDIR/out")" = hi ]
}
