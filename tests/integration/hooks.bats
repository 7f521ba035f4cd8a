#!/usr/bin/env bats
# Hooks: each kind runs at its point of the lifecycle with the state on stdin.
load helpers

hook () {
  # hook KIND: appends "KIND <status from stdin>" to $LOG
  printf '{"path": "/bin/sh", "args": ["sh", "-c", "s=$(cat); echo %s $(echo \\"$s\\" | /usr/bin/jq -r .status) $(echo \\"$s\\" | /usr/bin/jq -r .id) >> %s"]}' "$1" "$LOG"
}

@test "all six hooks run in lifecycle order with the state on stdin" {
  LOG=$BATS_TEST_TMPDIR/hooks.log
  # createContainer and startContainer run in the container's mount namespace: give them
  # a shell that exists there, and a log inside the bundle they can reach before pivot.
  for k in prestart createRuntime poststart poststop; do
    config ".hooks.$k = [$(hook $k)]"
  done
  mkdir -p "$BUNDLE/rootfs/log"
  config ".hooks.createContainer = [{\"path\": \"/bin/sh\", \"args\": [\"sh\", \"-c\", \"cat > $BUNDLE/createContainer.json\"]}]"
  config '.hooks.startContainer = [{"path": "/bin/sh", "args": ["sh", "-c", "cat > /log/startContainer.json"]}]'
  process true
  run_container
  [ "$status" -eq 0 ]
  cat "$LOG"
  [ "$(cut -d' ' -f1 "$LOG" | tr '\n' ' ')" = "prestart createRuntime poststart poststop " ]
  grep -q "^prestart created $ID" "$LOG"
  grep -q "^createRuntime created $ID" "$LOG"
  grep -q "^poststart running $ID" "$LOG"
  grep -q "^poststop stopped $ID" "$LOG"
  jq -e --arg id "$ID" '.id == $id and .pid > 0' "$BUNDLE/createContainer.json"
  jq -e --arg id "$ID" '.id == $id' "$BUNDLE/rootfs/log/startContainer.json"
}

@test "hook args and env are passed" {
  config ".hooks.prestart = [{\"path\": \"/bin/sh\", \"args\": [\"sh\", \"-c\", \"echo \$HOOKVAR \$0 > $BATS_TEST_TMPDIR/env.out\", \"zero\"], \"env\": [\"HOOKVAR=set\"]}]"
  process true
  run_container
  [ "$status" -eq 0 ]
  [ "$(cat "$BATS_TEST_TMPDIR/env.out")" = "set zero" ]
}

@test "a failing poststart hook is a warning, not a failure" {
  config '.hooks.poststart = [{"path": "/bin/false"}]'
  process true
  run_container
  [ "$status" -eq 0 ]
  [[ "$output" == *"warning"*"hooks.poststart[0]"* ]]
}

@test "a failing createRuntime hook rolls everything back" {
  config '.hooks.createRuntime = [{"path": "/bin/false"}]'
  process sleep 1001
  run rw create --bundle "$BUNDLE" "$ID"
  [ "$status" -ne 0 ]
  [[ "$output" == *"hooks.createRuntime[0]"* ]]
  assert_nothing_left "$ID"
  ! pgrep -fx "sleep 1001"
}

@test "a failing poststart hook is logged and the next poststart hook still runs" {
  config ".hooks.poststart = [{\"path\": \"/bin/false\"}, {\"path\": \"/bin/sh\", \"args\": [\"sh\", \"-c\", \"echo second >> $BATS_TEST_TMPDIR/post.out\"]}]"
  process true
  run_container
  [ "$status" -eq 0 ]
  [[ "$output" == *"warning"*"hooks.poststart[0]"*"exited with status 1"* ]]
  [ "$(cat "$BATS_TEST_TMPDIR/post.out")" = second ]
  assert_nothing_left "$ID"
}

@test "a failing poststop hook is logged, the next poststop hook runs and delete succeeds" {
  config ".hooks.poststop = [{\"path\": \"/bin/false\"}, {\"path\": \"/bin/sh\", \"args\": [\"sh\", \"-c\", \"echo second >> $BATS_TEST_TMPDIR/post.out\"]}]"
  process true
  create_detached
  rw start "$ID"
  for _ in $(seq 50); do [ "$(status_of "$ID")" = stopped ] && break; sleep 0.1; done
  run rw delete "$ID"
  [ "$status" -eq 0 ]
  [[ "$output" == *"warning"*"hooks.poststop[0]"*"exited with status 1"* ]]
  [ "$(cat "$BATS_TEST_TMPDIR/post.out")" = second ]
  assert_nothing_left "$ID"
}
