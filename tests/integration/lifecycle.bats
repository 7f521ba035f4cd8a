#!/usr/bin/env bats
# create / start / state / kill / delete, run, list, and the state store.
load helpers

@test "run returns the container's exit status and leaves nothing behind" {
  process sh -c 'echo out; exit 7'
  run_container
  [ "$status" -eq 7 ]
  [[ "$output" == *out* ]]
  assert_nothing_left "$ID"
}

@test "run reports a signal death as 128+N" {
  process sleep 100
  pidfile=$BATS_TEST_TMPDIR/pid
  rw run --pid-file "$pidfile" --bundle "$BUNDLE" "$ID" </dev/null >/dev/null 2>&1 &
  runner=$!
  # Running once the init has become `sleep 100`.
  for i in $(seq 200); do
    [ -s "$pidfile" ] && [ "$(tr '\0' ' ' < /proc/$(cat "$pidfile")/cmdline 2>/dev/null)" = "sleep 100 " ] && break
    sleep 0.05
  done
  kill -KILL "$(cat "$pidfile")"
  status=0
  wait "$runner" || status=$?
  [ "$status" -eq 137 ]
  assert_nothing_left "$ID"
}

@test "create, start, state, kill, delete walk through created, running and stopped" {
  process sleep 100
  create_detached --pid-file "$BATS_TEST_TMPDIR/pid"
  [ "$(status_of "$ID")" = created ]
  pid=$(cat "$BATS_TEST_TMPDIR/pid")
  [ "$(rw state "$ID" | jq .pid)" -eq "$pid" ]
  rw state "$ID" | jq -e --arg b "$BUNDLE" '.bundle == $b and .ociVersion != null and .id != null'
  # Created: the process is still the runtime, blocked until start.
  [[ "$(cat /proc/$pid/cmdline | tr '\0' ' ')" == *runwasm* ]]
  rw start "$ID"
  [ "$(status_of "$ID")" = running ]
  [[ "$(cat /proc/$pid/cmdline | tr '\0' ' ')" == "sleep 100 " ]]
  run rw start "$ID"
  [ "$status" -eq 1 ]
  [[ "$output" == *"running"* ]]
  rw kill "$ID" KILL
  for i in $(seq 50); do [ "$(status_of "$ID")" = stopped ] && break; sleep 0.1; done
  [ "$(status_of "$ID")" = stopped ]
  [ "$(rw state "$ID" | jq .pid)" -eq 0 ]
  rw delete "$ID"
  assert_nothing_left "$ID"
}

@test "kill takes signal names and numbers; the default is TERM" {
  process sh -c 'trap "echo got-usr1" USR1; trap "echo got-term; exit 0" TERM; while :; do sleep 0.1; done'
  create_detached
  rw start "$ID"
  sleep 0.3
  rw kill "$ID" SIGUSR1
  sleep 0.3
  rw kill "$ID" 10
  sleep 0.3
  rw kill "$ID"
  for i in $(seq 50); do [ "$(status_of "$ID")" = stopped ] && break; sleep 0.1; done
  [ "$(grep -c got-usr1 "$BATS_TEST_TMPDIR/stdio")" -eq 2 ]
  grep -q got-term "$BATS_TEST_TMPDIR/stdio"
  run rw kill "$ID" NOTASIGNAL
  [ "$status" -eq 1 ]
}

@test "kill --all signals every process of the container" {
  process sh -c 'sleep 100 & sleep 100'
  create_detached
  rw start "$ID"
  sleep 0.3
  rw kill --all "$ID" KILL
  for i in $(seq 50); do [ "$(status_of "$ID")" = stopped ] && break; sleep 0.1; done
  [ "$(status_of "$ID")" = stopped ]
}

@test "kill of a stopped container: --all succeeds, a plain kill says container not running" {
  process true
  create_detached
  rw start "$ID"
  for i in $(seq 50); do [ "$(status_of "$ID")" = stopped ] && break; sleep 0.1; done
  [ "$(status_of "$ID")" = stopped ]
  # containerd's CRI sweeps every exited container with `kill --all ID 9`.
  rw kill --all "$ID" KILL
  run rw kill "$ID" KILL
  [ "$status" -eq 1 ]
  [[ "$output" == *"container not running"* ]]
}

@test "delete refuses a running container; --force kills and deletes it" {
  process sleep 100
  create_detached
  rw start "$ID"
  run rw delete "$ID"
  [ "$status" -eq 1 ]
  [[ "$output" == *"running"* ]]
  rw delete --force "$ID"
  assert_nothing_left "$ID"
}

@test "delete of a created container kills its blocked init" {
  process sleep 100
  create_detached --pid-file "$BATS_TEST_TMPDIR/pid"
  pid=$(cat "$BATS_TEST_TMPDIR/pid")
  rw delete "$ID"
  ! kill -0 "$pid" 2>/dev/null
  assert_nothing_left "$ID"
}

@test "delete --force of a missing container succeeds; without --force it fails" {
  run rw delete nosuch
  [ "$status" -eq 1 ]
  [[ "$output" == *"does not exist"* ]]
  rw delete --force nosuch
}

@test "a second create with the same id fails and does not disturb the first" {
  process sleep 100
  create_detached
  run rw create --bundle "$BUNDLE" "$ID"
  [ "$status" -eq 1 ]
  [[ "$output" == *"already exists"* ]]
  [ "$(status_of "$ID")" = created ]
}

@test "run --detach returns at once and leaves the container running" {
  process sleep 100
  rw run --detach --bundle "$BUNDLE" "$ID" </dev/null >/dev/null 2>&1
  [ "$(status_of "$ID")" = running ]
}

@test "list shows containers as a table, as ids and as JSON" {
  process sleep 100
  create_detached
  run rw list
  [ "$status" -eq 0 ]
  [[ "${lines[0]}" == *ID*PID*STATUS*BUNDLE* ]]
  [[ "$output" == *"$ID"*created* ]]
  run rw list -q
  [ "$output" = "$ID" ]
  rw list --format json | jq -e --arg id "$ID" '.[0].id == $id and .[0].status == "created"'
}

@test "concurrent creates of different containers do not interfere" {
  process sleep 100
  for i in 1 2 3 4; do
    rw create --bundle "$BUNDLE" "$ID-$i" </dev/null >/dev/null 2>&1 &
  done
  wait
  for i in 1 2 3 4; do [ "$(status_of "$ID-$i")" = created ]; done
  for i in 1 2 3 4; do rw start "$ID-$i" & done
  wait
  for i in 1 2 3 4; do [ "$(status_of "$ID-$i")" = running ]; done
}

@test "the state file is replaced atomically and the lock is per container" {
  process sleep 100
  create_detached
  [ -f "$ROOT/$ID/state.json" ]
  ! ls "$ROOT/$ID"/.*.tmp 2>/dev/null
  [ -p "$ROOT/$ID/exec.fifo" ]
  rw start "$ID"
  [ ! -e "$ROOT/$ID/exec.fifo" ]
}

@test "delete --force cleans up after a runtime killed in the middle of create" {
  process true
  # A hook that waits long enough to be caught in the act; its duration marks it as ours.
  config '.hooks.createRuntime = [{"path": "/bin/sleep", "args": ["sleep", "1002"]}]'
  "$RUNWASM" --root "$ROOT" create --bundle "$BUNDLE" "$ID" </dev/null >/dev/null 2>&1 &
  creator=$!
  for i in $(seq 200); do pgrep -fx "sleep 1002" >/dev/null && break; sleep 0.05; done
  [ "$(status_of "$ID")" = creating ]
  kill -9 "$creator"
  pkill -fx "sleep 1002" || true
  wait "$creator" || true
  [ "$(status_of "$ID")" = stopped ]
  rw delete --force "$ID"
  assert_nothing_left "$ID"
}

@test "a config with ociVersion 1.0.2-dev is accepted; 1.3.0 warns; 2.0.0 fails" {
  process true
  config '.ociVersion = "1.0.2-dev"'
  run_container
  [ "$status" -eq 0 ]
  config '.ociVersion = "1.3.0"'
  run_container
  [ "$status" -eq 0 ]
  [[ "$output" == *"warning"*"1.3.0"* ]]
  config '.ociVersion = "2.0.0"'
  run_container
  [ "$status" -eq 1 ]
  [[ "$output" == *"ociVersion"* ]]
}

@test "a foreground run does not hold the container's lock: kill and exec work meanwhile" {
  process sleep 100
  rw run --bundle "$BUNDLE" "$ID" </dev/null >/dev/null 2>&1 &
  runner=$!
  for i in $(seq 200); do [ "$(status_of "$ID" 2>/dev/null)" = running ] && break; sleep 0.05; done
  run timeout 20 "$RUNWASM" --root "$ROOT" exec "$ID" echo inside
  [ "$status" -eq 0 ]
  [ "$output" = inside ]
  timeout 20 "$RUNWASM" --root "$ROOT" kill "$ID" KILL
  status=0
  wait "$runner" || status=$?
  [ "$status" -eq 137 ]
}
