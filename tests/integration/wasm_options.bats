#!/usr/bin/env bats
# io.runwasm.wasm.* annotations of Wasm containers (issue #14): trap backtraces on the
# container's stderr, the per-run limits, and a TCP listener opened in the container's
# network namespace at create. The modules are tests/wasi/{backtrace,limits,server}.c.

load helpers

W=$REPO/build/tests/wasi

setup () {
  ROOT=$(mktemp -d /tmp/rw-it-root.XXXXXX)
  BUNDLE=$BATS_TEST_TMPDIR/bundle
  RUNWASM=$RUNWASM "$REPO/tests/lib/make-busybox-bundle" "$BUNDLE" /m.wasm
  ID=wo$$-$BATS_TEST_NUMBER
  make -C "$REPO" -s wasi-tests >/dev/null
}

teardown () {
  for id in $("$RUNWASM" --root "$ROOT" list -q 2>/dev/null); do
    "$RUNWASM" --root "$ROOT" delete --force "$id" >/dev/null 2>&1 || true
  done
  rm -rf "$ROOT"
  [ -z "${NETNS:-}" ] || ip netns delete "$NETNS" 2>/dev/null || true
}

# module NAME ARG...: runs build/tests/wasi/NAME.wasm as the entrypoint, with annotations
# run.oci.handler=wasm plus the JSON object in $ANNOTATIONS.
module () {
  cp "$W/$1.wasm" "$BUNDLE/rootfs/m.wasm"
  shift
  process /m.wasm "$@"
  config ".annotations = ({\"run.oci.handler\": \"wasm\"} + ${ANNOTATIONS:-{\}})"
}

@test "a trap prints the wasm backtrace with names on stderr" {
  module backtrace
  run_container
  [ "$status" -eq 134 ]
  echo "$output"
  [ "$(sed -n 1p <<<"$output" | cut -c1-29)" = "error: wasm trap: unreachable" ]
  [ "$(sed -n 2p <<<"$output")" = "wasm backtrace:" ]
  # The module names itself backtrace.wasm in its name section (wasm-ld does that).
  [[ "$(sed -n 3p <<<"$output")" =~ ^\ +0:\ +0x[0-9a-f]+\ -\ backtrace\.wasm!crash$ ]]
  [[ "$(sed -n 4p <<<"$output")" =~ ^\ +1:\ +0x[0-9a-f]+\ -\ backtrace\.wasm!middle$ ]]
  [[ "$(sed -n 5p <<<"$output")" =~ ^\ +2:\ +0x[0-9a-f]+\ -\ backtrace\.wasm!main$ ]]
}

@test "io.runwasm.wasm.backtrace=false: only the trap line" {
  ANNOTATIONS='{"io.runwasm.wasm.backtrace": "false"}' module backtrace
  run_container
  [ "$status" -eq 134 ]
  [ "$output" = "$(printf 'error: wasm trap: unreachable (in func %s)' "$(sed 's/.*func \([0-9]*\)).*/\1/' <<<"$output")")" ]
}

@test "io.runwasm.wasm.fuel stops a spinning module: 134, all fuel consumed" {
  ANNOTATIONS='{"io.runwasm.wasm.fuel": "100000"}' module limits spin
  run_container
  [ "$status" -eq 134 ]
  [ "$(sed -n 1p <<<"$output")" = "error: wasm trap: all fuel consumed (io.runwasm.wasm.fuel 100000)" ]
}

@test "io.runwasm.wasm.timeout stops a spinning module: 124" {
  ANNOTATIONS='{"io.runwasm.wasm.timeout": "300ms"}' module limits spin
  run_container
  [ "$status" -eq 124 ]
  [ "$(sed -n 1p <<<"$output")" = "error: wasm trap: interrupted: io.runwasm.wasm.timeout 300ms expired" ]
}

@test "io.runwasm.wasm.max-wasm-stack: call stack exhausted, 134" {
  ANNOTATIONS='{"io.runwasm.wasm.max-wasm-stack": "64KiB"}' module limits recurse 5000
  run_container
  [ "$status" -eq 134 ]
  [[ "$(sed -n 1p <<<"$output")" == "error: wasm trap: call stack exhausted"* ]]
  ANNOTATIONS='{}' module limits recurse 5000
  run_container
  [ "$status" -eq 0 ]
  [ "$output" = "ok - recursed" ]
}

@test "io.runwasm.wasm.trap-on-grow-failure with a memory limit: 134" {
  ANNOTATIONS='{"io.runwasm.wasm.trap-on-grow-failure": "true"}' module limits grow
  config '.linux.resources.memory = {"limit": 33554432}'
  run_container
  [ "$status" -eq 134 ]
  [[ "$output" == *"error: wasm trap: memory.grow failed (trap on grow failure)"* ]]
}

@test "a bad or unknown io.runwasm.wasm annotation is refused at create, leaving nothing behind" {
  ANNOTATIONS='{"io.runwasm.wasm.fuel": "lots"}' module limits spin
  run rw create --bundle "$BUNDLE" "$ID"
  [ "$status" -ne 0 ]
  [[ "$output" == *"annotation \`io.runwasm.wasm.fuel\`: \`lots\` is not a number"* ]]
  assert_nothing_left "$ID"
  ANNOTATIONS='{"io.runwasm.wasm.fule": "10"}' module limits spin
  run rw create --bundle "$BUNDLE" "$ID"
  [ "$status" -ne 0 ]
  [[ "$output" == *"annotation \`io.runwasm.wasm.fule\`: unknown"* ]]
  assert_nothing_left "$ID"
  ANNOTATIONS='{"io.runwasm.wasm.tcplisten": "127.0.0.1"}' module server
  run rw create --bundle "$BUNDLE" "$ID"
  [ "$status" -ne 0 ]
  [[ "$output" == *"expected HOST:PORT"* ]]
  assert_nothing_left "$ID"
}

@test "io.runwasm.wasm.tcplisten: a WASI server in its own network namespace answers a client" {
  command -v python3 || skip "python3 not installed"
  NETNS=rwwo$$
  ip netns add "$NETNS"
  ip -n "$NETNS" link set lo up
  ANNOTATIONS='{"io.runwasm.wasm.tcplisten": "127.0.0.1:8080"}' module server 2
  config "(.linux.namespaces[] | select(.type == \"network\")) |= {type: \"network\", path: \"/var/run/netns/$NETNS\"}"
  # The listener exists from `create` on, in the container's namespace only.
  create_detached
  ip netns exec "$NETNS" python3 -c 'import socket; socket.create_connection(("127.0.0.1", 8080), timeout=5).close()'
  rw start "$ID"
  run ip netns exec "$NETNS" python3 -c '
import socket
c = socket.create_connection(("127.0.0.1", 8080), timeout=10)
c.sendall(b"ping\n")
data = b""
while True:
    chunk = c.recv(100)
    if not chunk:
        break
    data += chunk
print(data.decode().strip())'
  [ "$status" -eq 0 ]
  [ "$output" = "pong: ping" ]
  for _ in $(seq 100); do [ "$(status_of "$ID")" = stopped ] && break; sleep 0.05; done
  [ "$(status_of "$ID")" = stopped ]
  grep -qx "served 2" "$BATS_TEST_TMPDIR/stdio"
}

# exec_mappings_of_running: anonymous executable mappings of the running container's process:
# compiled code (and its entry trampoline) is mapped read+execute, the interpreter maps
# neither (the count may include others, the same for both).
exec_mappings_of_running () {
  local pid
  pid=$(rw state "$ID" | jq -r .pid)
  grep -c ' r-xp 00000000 00:00 0 ' "/proc/$pid/maps" || true
}

@test "io.runwasm.wasm.engine: jit runs machine code, interp the interpreter; the default is jit" {
  [ "$(uname -m)" = x86_64 ] || skip "the compiler is x86-64 only"
  local -A n
  for engine in jit interp default; do
    if [ $engine = default ]; then ANNOTATIONS='{}'; else ANNOTATIONS="{\"io.runwasm.wasm.engine\": \"$engine\"}"; fi
    module limits spin
    create_detached
    rw start "$ID"
    n[$engine]=$(exec_mappings_of_running)
    echo "$engine: ${n[$engine]} executable anonymous mappings"
    rw delete --force "$ID"
  done
  [ "${n[jit]}" -gt "${n[interp]}" ] # the module's code (and the trampoline: the kernel may merge them)
  [ "${n[default]}" -eq "${n[jit]}" ]
  ANNOTATIONS='{"io.runwasm.wasm.engine": "fast"}' module limits spin
  run rw create --bundle "$BUNDLE" "$ID"
  [ "$status" -ne 0 ]
  [[ "$output" == *"annotation \`io.runwasm.wasm.engine\`: \`fast\` is not jit or interp"* ]]
  assert_nothing_left "$ID"
}

# The signal reaches the process directly (no runtime start-up in the measurement); the
# time is until the process is gone or a zombie. Best of three, as the machine is shared.
@test "SIGTERM stops a busy compiled loop within 100 ms" {
  [ "$(uname -m)" = x86_64 ] || skip "the compiler is x86-64 only"
  local best=999999
  for _ in 1 2 3; do
    ANNOTATIONS='{"io.runwasm.wasm.engine": "jit"}' module limits spin
    create_detached
    rw start "$ID"
    local pid state start now
    pid=$(rw state "$ID" | jq -r .pid)
    sleep 0.2 # well inside the loop
    start=$(date +%s%N)
    kill -TERM "$pid"
    while read -r _ _ state _ < "/proc/$pid/stat" 2>/dev/null && [ "$state" != Z ]; do :; done
    now=$(date +%s%N)
    local us=$(( (now - start) / 1000 ))
    echo "stopped in $us us"
    [ "$us" -lt "$best" ] && best=$us
    rw delete --force "$ID"
  done
  echo "best: $best us"
  [ "$best" -lt 100000 ]
}

@test "features lists the io.runwasm.wasm annotations" {
  run rw features
  [ "$status" -eq 0 ]
  for key in fuel timeout max-wasm-stack trap-on-grow-failure backtrace tcplisten engine; do
    echo "$output" | jq -e --arg k "io.runwasm.wasm.$key" '.annotations | has($k)'
  done
}
