#!/usr/bin/env bats
# The Wasm handler: chosen by annotation, run inside the container sandbox, with WASI mapped
# from the OCI process. tests/wasm/probe.c is the module under test.

load helpers

PROBE=$REPO/build/tests/wasm/probe.wasm

setup () {
  ROOT=$(mktemp -d /tmp/rw-it-root.XXXXXX)
  BUNDLE=$BATS_TEST_TMPDIR/bundle
  RUNWASM=$RUNWASM "$REPO/tests/lib/make-busybox-bundle" "$BUNDLE" /probe.wasm
  cp "$PROBE" "$BUNDLE/rootfs/probe.wasm"
  ID=w$$-$BATS_TEST_NUMBER
}

annotate () {
  config ".annotations = {\"$1\": \"$2\"}"
}

@test "no annotation: the entrypoint is exec'd natively" {
  run_container
  [ "$status" -ne 0 ]
  [[ "$output" != *"hello from wasm"* ]]
  process sh -c 'echo native'
  run_container
  [ "$status" -eq 0 ]
  [ "$output" = native ]
}

@test "run.oci.handler=wasm runs the module in the engine" {
  annotate run.oci.handler wasm
  run_container
  [ "$status" -eq 0 ]
  [ "$output" = "hello from wasm" ]
}

@test "module.wasm.image/variant=compat runs the module in the engine" {
  annotate module.wasm.image/variant compat
  run_container
  [ "$status" -eq 0 ]
  [ "$output" = "hello from wasm" ]
}

@test "wasm-smart: a Wasm entrypoint runs in the engine, a native sidecar natively" {
  annotate run.oci.handler wasm-smart
  run_container
  [ "$output" = "hello from wasm" ]
  process sh -c 'echo sidecar; exit 5'
  run_container
  [ "$status" -eq 5 ]
  [ "$output" = sidecar ]
}

@test "compat-smart decides on content, not on the file name" {
  annotate module.wasm.image/variant compat-smart
  cp "$PROBE" "$BUNDLE/rootfs/bin/app"
  process app
  run_container
  [ "$output" = "hello from wasm" ]
  process sh -c 'echo native'
  run_container
  [ "$output" = native ]
}

@test "a pod sandbox with the compat annotation stays native" {
  config '.annotations = {"module.wasm.image/variant": "compat", "io.kubernetes.cri.container-type": "sandbox"}'
  process sh -c 'echo pause'
  run_container
  [ "$status" -eq 0 ]
  [ "$output" = pause ]
}

@test "an unknown handler is refused at create, leaving nothing behind" {
  annotate run.oci.handler wasmtime
  run rw create --bundle "$BUNDLE" "$ID"
  [ "$status" -ne 0 ]
  [[ "$output" == *"unknown value \`wasmtime\`"* ]]
  assert_nothing_left "$ID"
}

@test "argv maps from process.args, argv[0] as given" {
  annotate run.oci.handler wasm
  process /probe.wasm args "two words"
  run_container
  [ "${lines[0]}" = "argv[0]=/probe.wasm" ]
  [ "${lines[1]}" = "argv[1]=args" ]
  [ "${lines[2]}" = "argv[2]=two words" ]
}

@test "environment maps from process.env" {
  annotate run.oci.handler wasm
  config '.process.env += ["GREETING=hi there"]'
  process /probe.wasm env GREETING
  run_container
  [ "$output" = "GREETING=hi there" ]
}

@test "cwd and the container root are preopened" {
  annotate run.oci.handler wasm
  mkdir -p "$BUNDLE/rootfs/data"
  echo content > "$BUNDLE/rootfs/data/file.txt"
  config '.process.cwd = "/data"'
  process /probe.wasm ls .
  run_container
  [ "$output" = file.txt ]
  process /probe.wasm cat /data/file.txt
  run_container
  [ "$output" = content ]
  process /probe.wasm cat file.txt
  run_container
  [ "$output" = content ]
}

@test "the module sees the container's root, not the host's" {
  annotate run.oci.handler wasm
  process /probe.wasm ls /
  run_container
  [[ "$output" == *probe.wasm* ]]
  [[ "$output" != *home* ]]
  process /probe.wasm cat /../../etc/hostname
  run_container
  [[ "$output" != "$(cat /etc/hostname)" ]]
}

@test "stdin reaches the module" {
  annotate run.oci.handler wasm
  process /probe.wasm stdin
  run bash -c "printf 'one\ntwo\n' | '$RUNWASM' --root '$ROOT' run --bundle '$BUNDLE' '$ID'"
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = "read: one" ]
  [ "${lines[1]}" = "read: two" ]
}

@test "the exit code is proc_exit's" {
  annotate run.oci.handler wasm
  process /probe.wasm exit 42
  run_container
  [ "$status" -eq 42 ]
}

@test "a trap prints the trap and exits 134" {
  annotate run.oci.handler wasm
  echo '(module (func $boom unreachable) (func (export "_start") call $boom))' > "$BUNDLE/rootfs/trap.wat"
  process /trap.wat
  run_container
  [ "$status" -eq 134 ]
  [[ "$output" == *"wasm trap: unreachable"* ]]
}

@test "a missing import fails with a message naming it" {
  annotate run.oci.handler wasm
  echo '(module (import "env" "not_there" (func)) (func (export "_start")))' > "$BUNDLE/rootfs/imp.wat"
  process /imp.wat
  run_container
  [ "$status" -ne 0 ]
  [[ "$output" == *"env.not_there"* ]]
}

@test "a malformed module fails with a clear message" {
  annotate run.oci.handler wasm
  printf '\0asm\1\0\0\0\1\5garbage' > "$BUNDLE/rootfs/bad.wasm"
  process /bad.wasm
  run rw run --bundle "$BUNDLE" "$ID"
  [ "$status" -ne 0 ]
  [[ "$output" == *"bad.wasm"* ]]
  [[ "$output" == *malformed* ]]
  assert_nothing_left "$ID"
}

@test "SIGTERM stops a spinning module promptly with 128+15" {
  annotate run.oci.handler wasm
  echo '(module (func (export "_start") (loop (br 0))))' > "$BUNDLE/rootfs/spin.wat"
  process /spin.wat
  rw run --bundle "$BUNDLE" "$ID" </dev/null >"$BATS_TEST_TMPDIR/out" 2>&1 &
  local runner=$!
  for _ in $(seq 100); do [ "$(status_of "$ID" 2>/dev/null)" = running ] && break; sleep 0.05; done
  [ "$(status_of "$ID")" = running ]
  local start=$(date +%s%N)
  rw kill "$ID" TERM
  wait "$runner" && status=0 || status=$?
  local elapsed_ms=$(( ($(date +%s%N) - start) / 1000000 ))
  echo "stopped in $elapsed_ms ms with status $status"
  [ "$status" -eq 143 ]
  # The 100 ms target is measured by bench/; here only "promptly" on a loaded CI machine.
  [ "$elapsed_ms" -lt 3000 ]
}

@test "SIGTERM stops a module sleeping in poll_oneoff promptly with 128+15" {
  annotate run.oci.handler wasm
  # One clock subscription (tag 0 at 8, timeout at 24): a 60 s sleep, as wasi-libc's sleep().
  cat > "$BUNDLE/rootfs/sleep.wat" <<'WAT'
(module
  (import "wasi_snapshot_preview1" "poll_oneoff" (func $poll (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (func (export "_start")
    (i64.store (i32.const 24) (i64.const 60000000000))
    (drop (call $poll (i32.const 0) (i32.const 64) (i32.const 1) (i32.const 128)))))
WAT
  process /sleep.wat
  rw run --bundle "$BUNDLE" "$ID" </dev/null >"$BATS_TEST_TMPDIR/out" 2>&1 &
  local runner=$!
  for _ in $(seq 100); do [ "$(status_of "$ID" 2>/dev/null)" = running ] && break; sleep 0.05; done
  [ "$(status_of "$ID")" = running ]
  sleep 0.3
  local start=$(date +%s%N)
  rw kill "$ID" TERM
  wait "$runner" && status=0 || status=$?
  local elapsed_ms=$(( ($(date +%s%N) - start) / 1000000 ))
  echo "stopped in $elapsed_ms ms with status $status"
  [ "$status" -eq 143 ]
  [ "$elapsed_ms" -lt 3000 ]
}

@test "linux.resources.memory.limit caps linear memory" {
  annotate run.oci.handler wasm
  process /probe.wasm grow
  config '.linux.resources.memory = {"limit": 67108864}'
  run_container
  [ "$status" -eq 0 ]
  # Below the limit by the engine's own memory (handlers/wasm.c), not far below.
  [[ "$output" =~ ^"memory stopped at "([0-9]+)" pages" ]]
  [ "${BASH_REMATCH[1]}" -lt 1024 ] && [ "${BASH_REMATCH[1]}" -ge 768 ]
  config 'del(.linux.resources.memory)'
  run_container
  [ "$output" = "memory stopped at 65536 pages (4194304 KiB)" ]
}

@test "exec into a Wasm container: Wasm in the engine, native binaries natively" {
  annotate run.oci.handler wasm
  echo '(module (func (export "_start") (loop (br 0))))' > "$BUNDLE/rootfs/spin.wat"
  process /spin.wat
  create_detached
  rw start "$ID"
  run rw exec "$ID" /probe.wasm args from-exec
  [ "$status" -eq 0 ]
  [ "${lines[1]}" = "argv[1]=args" ]
  run rw exec "$ID" /bin/echo native-exec
  [ "$status" -eq 0 ]
  [ "$output" = native-exec ]
  rw kill "$ID" KILL
}

@test ".wat entrypoints work" {
  annotate run.oci.handler wasm
  cat > "$BUNDLE/rootfs/hello.wat" <<'WAT'
(module
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 16) "hello from text\n")
  (func (export "_start")
    (i32.store (i32.const 0) (i32.const 16))
    (i32.store (i32.const 4) (i32.const 16))
    (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))))
WAT
  process /hello.wat
  run_container
  [ "$status" -eq 0 ]
  [ "$output" = "hello from text" ]
}

@test "a terminal through the console socket" {
  annotate run.oci.handler wasm
  process /probe.wasm tty
  config '.process.terminal = true'
  local sock=$BATS_TEST_TMPDIR/console.sock out=$BATS_TEST_TMPDIR/console.out
  "$REPO/tests/lib/console-receiver" "$sock" "$out" &
  local receiver=$!
  for _ in $(seq 50); do [ -S "$sock" ] && break; sleep 0.05; done
  rw run --bundle "$BUNDLE" --console-socket "$sock" "$ID" </dev/null
  wait "$receiver"
  grep -q "stdout is a terminal" "$out"
}

@test "a read-only rootfs is read-only for the module too" {
  annotate run.oci.handler wasm
  config '.root.readonly = true'
  process /probe.wasm write /newfile
  run_container
  [ "$status" -eq 0 ]
  [[ "$output" == *"Read-only file system"* ]]
  [ ! -e "$BUNDLE/rootfs/newfile" ]
}
