#!/usr/bin/env bats
# What the container's init does between `create` and the workload: everything that can fail
# happens before `create` reports success; after `start` only the exec fifo, the
# startContainer hooks and execve (or entering the Wasm module) remain.
load helpers

SPIN='(module (func (export "_start") (loop (br 0))))'

# A profile that allows everything but close_range, as profiles that do not list it do.
deny_close_range () {
  config '.linux.seccomp = {"defaultAction": "SCMP_ACT_ALLOW", "architectures": ["SCMP_ARCH_X86_64"],
          "syscalls": [{"names": ["close_range"], "action": "SCMP_ACT_ERRNO"}]}'
}

# create must fail naming $1, and leave nothing behind.
expect_create_failure () {
  run create_detached
  [ "$status" -ne 0 ]
  cat "$BATS_TEST_TMPDIR/stdio"
  grep -qF -- "$1" "$BATS_TEST_TMPDIR/stdio"
  assert_nothing_left "$ID"
}

# A startContainer hook that takes a while: `start` must still return only once the workload
# runs, so a signal sent right after it reaches the workload.
slow_start_hook () {
  config '.hooks.startContainer = [{"path": "/bin/sleep", "args": ["sleep", "0.3"]}]'
}

@test "a seccomp profile without close_range runs, with and without noNewPrivileges" {
  deny_close_range
  process echo fine
  config '.process.noNewPrivileges = false'
  run_container
  [ "$status" -eq 0 ]
  [ "$output" = fine ]
  config '.process.noNewPrivileges = true'
  run_container
  [ "$status" -eq 0 ]
  [ "$output" = fine ]
}

@test "a capability the host lacks fails create, naming process.capabilities, and leaves nothing" {
  # root here lacks CAP_SYS_RESOURCE (bit 24; HOST-NOTES); a host that has it cannot fail so.
  local bounding=$(awk '/^CapBnd:/ {print $2}' /proc/self/status)
  if (( (0x$bounding >> 24) & 1 )); then skip "this host has CAP_SYS_RESOURCE"; fi
  process true
  config '.process.capabilities.permitted += ["CAP_SYS_RESOURCE"] | .process.capabilities.effective += ["CAP_SYS_RESOURCE"]'
  expect_create_failure "process.capabilities"
}

@test "a uid the user namespace does not map fails create, naming process.user.uid" {
  # The mapped root must be able to reach the rootfs.
  BUNDLE=$(mktemp -d /tmp/rw-userns.XXXXXX)
  chmod 755 "$BUNDLE"
  RUNWASM=$RUNWASM "$REPO/tests/lib/make-busybox-bundle" "$BUNDLE" true
  chown -R 100000:100000 "$BUNDLE/rootfs"
  config '.process.user.uid = 70000 | .linux.namespaces += [{"type": "user"}]
          | .linux.uidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]
          | .linux.gidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]'
  expect_create_failure "process.user.uid: setuid 70000" && r=0 || r=$?
  rm -rf "$BUNDLE"
  return $r
}

@test "a program the process' user may not execute fails create, not the started container" {
  cp "$BUNDLE/rootfs/bin/busybox" "$BUNDLE/rootfs/bin/rootonly"
  chmod 0700 "$BUNDLE/rootfs/bin/rootonly"
  process /bin/rootonly true
  config '.process.user = {"uid": 1000, "gid": 1000}'
  expect_create_failure "process.args: \`/bin/rootonly\` cannot be executed by uid 1000"
}

@test "a TERM sent right after start reaches the workload's trap (5 times)" {
  slow_start_hook
  process sh -c 'trap "echo got-term; exit 0" TERM; sleep 20 & wait $!'
  for i in 1 2 3 4 5; do
    create_detached
    rw start "$ID"
    rw state "$ID" >/dev/null
    rw kill "$ID" TERM
    for _ in $(seq 50); do [ "$(status_of "$ID")" = stopped ] && break; sleep 0.1; done
    echo "round $i: $(status_of "$ID"), output: $(cat "$BATS_TEST_TMPDIR/stdio")"
    [ "$(status_of "$ID")" = stopped ]
    grep -q got-term "$BATS_TEST_TMPDIR/stdio"
    rw delete "$ID"
  done
}

@test "a TERM sent right after start stops a spinning Wasm module (5 times)" {
  slow_start_hook
  echo "$SPIN" > "$BUNDLE/rootfs/spin.wat"
  config '.annotations = {"run.oci.handler": "wasm"}'
  process /spin.wat
  for i in 1 2 3 4 5; do
    create_detached
    rw start "$ID"
    rw kill "$ID" TERM
    for _ in $(seq 50); do [ "$(status_of "$ID")" = stopped ] && break; sleep 0.1; done
    echo "round $i: $(status_of "$ID")"
    [ "$(status_of "$ID")" = stopped ]
    rw delete "$ID"
  done
}

@test "a TERM right after start makes a Wasm run exit 128+15" {
  slow_start_hook
  echo "$SPIN" > "$BUNDLE/rootfs/spin.wat"
  config '.annotations = {"run.oci.handler": "wasm"}'
  process /spin.wat
  rw run --bundle "$BUNDLE" "$ID" </dev/null >"$BATS_TEST_TMPDIR/out" 2>&1 &
  local runner=$!
  # While the startContainer hook sleeps the container is already running.
  for _ in $(seq 100); do [ "$(status_of "$ID" 2>/dev/null)" = running ] && break; sleep 0.01; done
  rw kill "$ID" TERM
  for _ in $(seq 50); do kill -0 "$runner" 2>/dev/null || break; sleep 0.1; done
  # A lost TERM leaves the module spinning: end it so the test fails rather than hangs.
  kill -0 "$runner" 2>/dev/null && rw kill "$ID" KILL
  wait "$runner" && status=0 || status=$?
  [ "$status" -eq 143 ]
}

@test "a module with a start function runs it only after start" {
  config '.annotations = {"run.oci.handler": "wasm"}'
  cat > "$BUNDLE/rootfs/startfn.wat" <<'EOF'
(module
  (import "wasi_snapshot_preview1" "fd_write" (func $w (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 16) "from-start\n")
  (func $s (i32.store (i32.const 0) (i32.const 16)) (i32.store (i32.const 4) (i32.const 11))
    (drop (call $w (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8))))
  (start $s)
  (func (export "_start")))
EOF
  process /startfn.wat
  create_detached
  [ ! -s "$BATS_TEST_TMPDIR/stdio" ]
  rw start "$ID"
  for _ in $(seq 50); do [ "$(status_of "$ID")" = stopped ] && break; sleep 0.1; done
  [ "$(cat "$BATS_TEST_TMPDIR/stdio")" = from-start ]
}

@test "exec --detach of a spinning Wasm module returns with its pid written" {
  echo "$SPIN" > "$BUNDLE/rootfs/spin.wat"
  config '.annotations = {"run.oci.handler": "wasm"}'
  process /spin.wat
  create_detached
  rw start "$ID"
  timeout 5 "$RUNWASM" --root "$ROOT" exec --detach --pid-file "$BATS_TEST_TMPDIR/exec.pid" "$ID" /spin.wat \
    </dev/null >/dev/null 2>&1
  pid=$(cat "$BATS_TEST_TMPDIR/exec.pid")
  kill -0 "$pid"
  [[ "$(tr '\0' ' ' < /proc/$pid/cmdline)" == *runwasm* ]]
  rw kill "$ID" KILL
}

@test "exec --detach under a profile without close_range runs the process" {
  deny_close_range
  config '.process.noNewPrivileges = false'
  process sleep 100
  create_detached
  rw start "$ID"
  rw exec --detach --pid-file "$BATS_TEST_TMPDIR/exec.pid" "$ID" sleep 50 </dev/null >/dev/null 2>&1
  kill -0 "$(cat "$BATS_TEST_TMPDIR/exec.pid")"
}

@test "run --keep leaves the stopped container for state and delete" {
  process true
  rw run --keep --bundle "$BUNDLE" "$ID" </dev/null
  [ "$(status_of "$ID")" = stopped ]
  rw delete "$ID"
  assert_nothing_left "$ID"
}

@test "run is the reaper of a container without a pid namespace; --no-subreaper is not" {
  config 'del(.linux.namespaces[] | select(.type == "pid"))'
  # The inner sh exits at once: its `sleep 4711` is orphaned while the container runs.
  process sh -c 'sh -c "sleep 4711 &"; sleep 30'
  for flag in "" --no-subreaper; do
    "$RUNWASM" --root "$ROOT" run $flag --bundle "$BUNDLE" "$ID" </dev/null >/dev/null 2>&1 &
    local runner=$!
    local orphan=
    for _ in $(seq 50); do orphan=$(pgrep -x -f "sleep 4711") && break; sleep 0.1; done
    local ppid=$(awk '/^PPid:/ {print $2}' /proc/$orphan/status)
    rw kill --all "$ID" KILL
    wait "$runner" || true
    echo "flag '$flag': orphan $orphan has parent $ppid, run is $runner"
    if [ -z "$flag" ]; then [ "$ppid" = "$runner" ]; else [ "$ppid" != "$runner" ]; fi
  done
}

@test "a NUL byte in process.args is refused naming the field" {
  config '.process.args = ["echo", "a\u0000b"]'
  expect_create_failure 'process.args[1]: contains a NUL byte'
}
