#!/usr/bin/env bats
# No process a container can see runs the host's runtime binary (CVE-2019-5736 class, issue
# #10 item 1): not the init waiting for start, not a Wasm workload's engine for its whole
# life, not an exec'd process, whatever capabilities the container or a sidecar in the same
# PID namespace has. The runtime under test is a copy, so an attack that works damages only it.
load helpers

setup () {
  ROOT=$(mktemp -d /tmp/rw-it-root.XXXXXX)
  ID=t$$-$BATS_TEST_NUMBER
  HOST_BIN=$BATS_TEST_TMPDIR/runwasm
  cp "$RUNWASM" "$HOST_BIN"
  HOST_INODE=$(stat -c %d:%i "$HOST_BIN")
  HOST_SUM=$(sha256sum < "$HOST_BIN")
  RUNWASM=$HOST_BIN
}

# bundle NAME ARG...: a busybox bundle in $BATS_TEST_TMPDIR/NAME running ARG...
bundle () {
  local dir=$BATS_TEST_TMPDIR/$1
  shift
  RUNWASM=$HOST_BIN "$REPO/tests/lib/make-busybox-bundle" "$dir" "$@"
  cp "$REPO/tests/wasm/sleep.wat" "$dir/rootfs/sleep.wat"
}

# edit NAME 'JQ FILTER'
edit () {
  local c=$BATS_TEST_TMPDIR/$1/config.json
  jq "$2" "$c" > "$c.new" && mv "$c.new" "$c"
}

with_ptrace='.process.capabilities |= with_entries(.value += ["CAP_SYS_PTRACE"])'

# start NAME ID: create and start, stdio on $BATS_TEST_TMPDIR/NAME.out
start () {
  rw create --bundle "$BATS_TEST_TMPDIR/$1" "$2" </dev/null >"$BATS_TEST_TMPDIR/$1.out" 2>&1
  rw start "$2"
}

pid_of () {
  rw state "$1" | jq -r .pid
}

# A pod: a pause container owning the PID namespace, a Wasm workload joining it.
start_pod () {
  bundle pause sleep 1000
  start pause "$ID-pause"
  bundle wasm /sleep.wat
  edit wasm ".annotations = {\"run.oci.handler\": \"wasm\"}
    | .linux.namespaces |= map(if .type == \"pid\" then .path = \"/proc/$(pid_of "$ID-pause")/ns/pid\" else . end)"
  start wasm "$ID-wasm"
}

@test "a Wasm init, created and running, never has the host binary as /proc/PID/exe" {
  bundle wasm /sleep.wat
  edit wasm '.annotations = {"run.oci.handler": "wasm"}'
  rw create --bundle "$BATS_TEST_TMPDIR/wasm" "$ID" </dev/null >/dev/null 2>&1
  [ "$(stat -L -c %d:%i "/proc/$(pid_of "$ID")/exe")" != "$HOST_INODE" ]
  rw start "$ID"
  [ "$(stat -L -c %d:%i "/proc/$(pid_of "$ID")/exe")" != "$HOST_INODE" ]
  [[ "$(readlink "/proc/$(pid_of "$ID")/exe")" == */memfd:runwasm* ]]
}

@test "a native init waiting for start never has the host binary as /proc/PID/exe" {
  bundle native sleep 1000
  rw create --bundle "$BATS_TEST_TMPDIR/native" "$ID" </dev/null >/dev/null 2>&1
  [ "$(stat -L -c %d:%i "/proc/$(pid_of "$ID")/exe")" != "$HOST_INODE" ]
}

@test "a sidecar with CAP_SYS_PTRACE in a Wasm pod cannot overwrite the runtime binary" {
  start_pod
  # The sidecar finds the Wasm engine, keeps its exe open, waits until the workload is gone
  # (so the binary is no longer busy) and reopens the file for writing.
  bundle sidecar sh -c '
    for f in /proc/[0-9]*/cmdline; do grep -q -- "$TARGET" "$f" 2>/dev/null && p=${f%/cmdline}; done
    [ -n "$p" ] || { echo "no wasm process"; exit 1; }
    exec 3< "$p/exe" || { echo "open refused"; exit 0; }
    echo "exe $(stat -L -c %d:%i /proc/self/fd/3)"
    while [ ! -e /go ]; do sleep 0.05; done
    { echo pwned >> /proc/self/fd/3; } 2>/dev/null && echo written || echo refused
    sleep 1000'
  edit sidecar "$with_ptrace | .process.env += [\"TARGET=$ID-wasm\"]
    | .linux.namespaces |= map(if .type == \"pid\" then .path = \"/proc/$(pid_of "$ID-pause")/ns/pid\" else . end)"
  start sidecar "$ID-sidecar"
  for _ in $(seq 100); do grep -q '^exe\|refused\|no wasm' "$BATS_TEST_TMPDIR/sidecar.out" && break; sleep 0.05; done
  rw kill "$ID-wasm" KILL
  for _ in $(seq 100); do [ "$(rw state "$ID-wasm" | jq -r .status)" = stopped ] && break; sleep 0.05; done
  touch "$BATS_TEST_TMPDIR/sidecar/rootfs/go"
  for _ in $(seq 100); do grep -q 'written\|refused' "$BATS_TEST_TMPDIR/sidecar.out" && break; sleep 0.05; done
  echo "sidecar: $(cat "$BATS_TEST_TMPDIR/sidecar.out")"
  [ "$(sha256sum < "$HOST_BIN")" = "$HOST_SUM" ]
  ! grep -q "exe $HOST_INODE" "$BATS_TEST_TMPDIR/sidecar.out"
  grep -q refused "$BATS_TEST_TMPDIR/sidecar.out"
}

@test "exec with CAP_SYS_PTRACE into a Wasm container sees no process running the host binary" {
  start_pod
  jq "$with_ptrace | .process.args = [\"sh\", \"-c\", \"stat -L -c %d:%i /proc/[0-9]*/exe\"]" \
    "$BATS_TEST_TMPDIR/wasm/config.json" | jq .process > "$BATS_TEST_TMPDIR/process.json"
  # An exec'd Wasm process runs the engine for its whole life too.
  rw exec "$ID-wasm" /sleep.wat </dev/null >"$BATS_TEST_TMPDIR/exec.out" 2>&1 &
  for _ in $(seq 100); do [ "$(rw ps "$ID-wasm" | wc -l)" -ge 3 ] && break; sleep 0.05; done
  run rw exec --process "$BATS_TEST_TMPDIR/process.json" "$ID-wasm"
  [ "$status" -eq 0 ]
  [ "${#lines[@]}" -ge 4 ]
  for inode in "${lines[@]}"; do
    [ "$inode" != "$HOST_INODE" ] || { echo "a process runs the host binary: $output"; return 1; }
  done
}

# How the runtime becomes its sealed copy: in place (mappings moved onto the copy, then
# PR_SET_MM_MAP), and by execve where the kernel refuses that. /proc/self/map_files exists
# only with CONFIG_CHECKPOINT_RESTORE, which PR_SET_MM_MAP needs.
@test "the runtime switches to its sealed copy without a second execve" {
  command -v strace >/dev/null || skip "needs strace"
  [ -d /proc/self/map_files ] || skip "kernel without CONFIG_CHECKPOINT_RESTORE: the execve fallback is used"
  run strace -f -e trace=execve,execveat,prctl -o "$BATS_TEST_TMPDIR/trace" "$RUNWASM" --root "$ROOT" run --bundle /nonexistent "$ID"
  [ "$status" -ne 0 ]
  [[ "$output" == *"bundle \`/nonexistent\`"* ]]
  grep -q 'PR_SET_MM_MAP.* = 0' "$BATS_TEST_TMPDIR/trace"
  [ "$(grep -c 'execve' "$BATS_TEST_TMPDIR/trace")" -eq 1 ]  # the one that started the host binary
}

@test "without CAP_SYS_ADMIN and CAP_CHECKPOINT_RESTORE the runtime re-executes from its sealed copy" {
  command -v strace >/dev/null && command -v capsh >/dev/null || skip "needs strace and capsh"
  run capsh --drop=cap_sys_admin,cap_checkpoint_restore -- -c \
    "strace -f -e trace=execve,execveat,prctl -o '$BATS_TEST_TMPDIR/trace' '$RUNWASM' --root '$ROOT' run --bundle /nonexistent '$ID'"
  [ "$status" -ne 0 ]
  [[ "$output" == *"bundle \`/nonexistent\`"* ]]
  grep -q 'PR_SET_MM_MAP.* = -1 EPERM' "$BATS_TEST_TMPDIR/trace"
  grep -q 'execveat(.*AT_EMPTY_PATH) = 0' "$BATS_TEST_TMPDIR/trace"
}
