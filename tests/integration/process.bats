#!/usr/bin/env bats
# The process: user, groups, umask, env, cwd, oomScoreAdj, fds, terminal.
load helpers

@test "user uid, gid and additionalGids" {
  config '.process.user = {"uid": 1000, "gid": 1001, "additionalGids": [5, 7]}'
  process sh -c 'id -u; id -g; id -G'
  run_container
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = 1000 ]
  [ "${lines[1]}" = 1001 ]
  [[ "${lines[2]}" == *5*7* ]]
}

@test "umask" {
  config '.process.user.umask = 63'
  process sh -c 'umask'
  run_container
  [ "$output" = 0077 ]
}

@test "env and cwd" {
  mkdir -p "$BUNDLE/rootfs/work"
  config '.process.env += ["FOO=bar baz"] | .process.cwd = "/work"'
  process sh -c 'echo "$FOO"; pwd; echo "$HOME"'
  run_container
  [ "${lines[0]}" = "bar baz" ]
  [ "${lines[1]}" = /work ]
  [ "${lines[2]}" = /root ]
}

@test "a missing cwd fails clearly" {
  config '.process.cwd = "/does/not/exist"'
  run_container
  [ "$status" -ne 0 ]
  [[ "$output" == *"process.cwd"* ]]
}

@test "oomScoreAdj" {
  config '.process.oomScoreAdj = 123'
  process cat /proc/self/oom_score_adj
  run_container
  [ "$output" = 123 ]
}

@test "no runtime fds leak into the container" {
  exec 7</dev/null
  process sh -c 'ls /proc/self/fd'
  run_container
  exec 7<&-
  # 0 1 2 and the fd ls itself opens on the directory
  [ "$(echo "$output" | wc -l)" -le 4 ]
  ! echo "$output" | grep -qx 7
}

@test "--preserve-fds passes fds 3.. to the container" {
  echo preserved > "$BATS_TEST_TMPDIR/f"
  process sh -c 'cat <&3'
  run "$RUNWASM" --root "$ROOT" run --preserve-fds 1 --bundle "$BUNDLE" "$ID" 3<"$BATS_TEST_TMPDIR/f"
  [ "$status" -eq 0 ]
  [ "$output" = preserved ]
}

@test "LISTEN_FDS: socket-activation fds and variables are passed on" {
  echo activated > "$BATS_TEST_TMPDIR/f"
  process sh -c 'echo $LISTEN_FDS $LISTEN_PID; cat <&3'
  run env LISTEN_FDS=1 LISTEN_PID=$$ "$RUNWASM" --root "$ROOT" run --bundle "$BUNDLE" "$ID" 3<"$BATS_TEST_TMPDIR/f"
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = "1 1" ]
  [ "${lines[1]}" = activated ]
}

@test "terminal: the pty master goes to the console socket" {
  sock=$BATS_TEST_TMPDIR/console.sock
  out=$BATS_TEST_TMPDIR/console.out
  "$REPO/tests/lib/console-receiver" "$sock" "$out" &
  receiver=$!
  for i in $(seq 100); do [ -S "$sock" ] && break; sleep 0.05; done
  config '.process.terminal = true | .process.consoleSize = {"height": 30, "width": 100}'
  process sh -c 'tty; stty size; echo on-the-tty'
  rw create --console-socket "$sock" --bundle "$BUNDLE" "$ID" </dev/null >/dev/null 2>&1
  rw start "$ID"
  wait "$receiver"
  cat "$out"
  [[ "$(head -1 "$out")" == /dev/pts/* ]]
  grep -q "^/dev/console\|^/dev/pts/" <(tail -n +2 "$out")
  grep -q "30 100" "$out"
  grep -q on-the-tty "$out"
}

@test "terminal in a foreground run without --console-socket: runwasm relays the tty" {
  config '.process.terminal = true'
  process sh -c 'tty; echo relayed; exit 4'
  run_container
  [ "$status" -eq 4 ]
  [[ "${lines[0]}" == /dev/pts/* ]]
  [[ "$output" == *relayed* ]]
}
