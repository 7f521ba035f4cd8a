#!/usr/bin/env bash
# WASI preview1 end to end: the programs in tests/wasi (built by `make wasi-tests`) run under
# `runwasm wasm`. Programs that print "ok - ..." / "not ok - ..." lines are renumbered into
# this suite's TAP; the rest (args, exit codes, traps, link errors, the CLI) are checked here.
set -u
cd "$(dirname "$0")/../.."
RUNWASM=${RUNWASM:-$PWD/build/runwasm}  # override to test another build (e.g. with sanitizers)
M=$PWD/build/tests/wasi
n=0
ok () { n=$((n + 1)); echo "ok $n - $*"; }
not_ok () { n=$((n + 1)); echo "not ok $n - $*"; }
skip () { n=$((n + 1)); echo "ok $n - $1 # skip $2"; }
check () { local what=$1; shift; if "$@"; then ok "$what"; else not_ok "$what"; fi; }

if ! make -s wasi-tests >/dev/null 2>&1 || [ ! -x "$RUNWASM" ]; then
  not_ok "build runwasm and the WASI test modules (make all wasi-tests)"
  echo "1..$n"
  exit 1
fi

T=$(mktemp -d /tmp/runwasm-wasi.XXXXXX)
trap 'rm -rf "$T"' EXIT

# Run a module whose output is check lines; the module's exit status must be `want`.
run_checks () {
  local name=$1 want=$2; shift 2
  local out status line
  out=$("$@" 2>"$T/stderr")
  status=$?
  while IFS= read -r line; do
    case $line in
      "ok - "*) ok "$name: ${line#ok - }" ;;
      "not ok - "*) not_ok "$name: ${line#not ok - }" ;;
      "#"*) echo "$line" ;;
    esac
  done <<<"$out"
  if [ "$status" -ne "$want" ]; then
    not_ok "$name: exit status $status, want $want"
    sed 's/^/#   stderr: /' "$T/stderr"
  fi
}

# ---- The sandbox: escapes by .., absolute paths and every kind of symlink ----
mkdir -p "$T/sandbox/sub"
echo secret >"$T/outside.txt"
echo hello >"$T/sandbox/file.txt"
(cd "$T/sandbox" && ln -s file.txt link_in && ln -s ../outside.txt link_out \
   && ln -s /etc/passwd link_abs && ln -s ../nonexistent dangling_out && ln -s missing dangling_in \
   && ln -s chain2 chain1 && ln -s link_out chain2 && ln -s loop2 loop1 && ln -s loop1 loop2 \
   && ln -s .. sub/up && ln -s ../.. sub/upup)
run_checks sandbox 0 "$RUNWASM" wasm --dir "$T/sandbox::/sandbox" "$M/sandbox.wasm"
check "sandbox: outside.txt unchanged" test "$(cat "$T/outside.txt")" = secret
check "sandbox: nothing created next to the sandbox" \
  test "$(cd "$T" && ls -A | tr '\n' ' ')" = "outside.txt sandbox stderr "
check "sandbox: dangling_out still dangles" test ! -e "$T/nonexistent"

# ---- Files, directories, rights, readdir ----
mkdir -p "$T/files"
run_checks files 0 "$RUNWASM" wasm --dir "$T/files::/sandbox" "$M/files.wasm"
run_checks fault 0 "$RUNWASM" wasm --env FAULT_TEST=1 --dir "$T/files::/sandbox" "$M/fault.wasm"
run_checks clock_poll 0 sh -c 'printf "ping\n" | "$0" wasm --dir "$1::/sandbox" "$2"' "$RUNWASM" "$T/files" \
  "$M/clock_poll.wasm"
mkdir -p "$T/libc"
run_checks libc_files 0 "$RUNWASM" wasm --env RUNWASM_TEST=yes --dir "$T/libc::/sandbox" "$M/libc_files.wasm"
if command -v node >/dev/null; then
  # The same libc-level program under node's WASI: both hosts must agree.
  rm -rf "$T/libc" && mkdir -p "$T/libc"
  node_out=$(RUNWASM_TEST=yes node --no-warnings -e '
    const { WASI } = require("node:wasi"); const fs = require("fs");
    const wasi = new WASI({ version: "preview1", args: ["libc_files"], env: { RUNWASM_TEST: "yes" },
                            preopens: { "/sandbox": process.argv[2] } });
    const inst = new WebAssembly.Instance(new WebAssembly.Module(fs.readFileSync(process.argv[1])),
                                          { wasi_snapshot_preview1: wasi.wasiImport });
    process.exitCode = wasi.start(inst);' "$M/libc_files.wasm" "$T/libc" 2>&1 | grep -E '^(not )?ok')
  rm -rf "$T/libc" && mkdir -p "$T/libc"
  ours=$("$RUNWASM" wasm --env RUNWASM_TEST=yes --dir "$T/libc::/sandbox" "$M/libc_files.wasm" 2>&1 | grep -E '^(not )?ok')
  check "libc_files: same results as node:wasi" test "$node_out" = "$ours"
else
  skip "libc_files: same results as node:wasi" "node not installed"
fi

# ---- Sockets handed in with --listen-fd, or by socket activation (LISTEN_FDS) ----
serve_once () {
  python3 - "$RUNWASM" "$M/socket.wasm" "$1" >"$T/sock.out" 2>"$T/sock.err" <<'PY'
import os, socket, subprocess, sys
runwasm, module, mode = sys.argv[1:4]
srv = socket.socket()
srv.bind(("127.0.0.1", 0))
srv.listen(1)
if mode == "flag":
    fd = srv.fileno()
    p = subprocess.Popen([runwasm, "wasm", "--listen-fd", str(fd), module], pass_fds=[fd], stdout=subprocess.PIPE)
else:
    # systemd's protocol: the sockets start at fd 3 and LISTEN_PID names the process.
    os.dup2(srv.fileno(), 3, inheritable=True)
    p = subprocess.Popen(["sh", "-c", 'LISTEN_PID=$$ LISTEN_FDS=1 exec "$0" wasm "$1"', runwasm, module],
                         pass_fds=[3], stdout=subprocess.PIPE)
c = socket.create_connection(srv.getsockname(), timeout=20)
c.sendall(b"ping\n")
data = b""
while True:
    chunk = c.recv(100)
    if not chunk:
        break
    data += chunk
out, _ = p.communicate(timeout=20)
sys.stdout.write(out.decode())
sys.stdout.write("# reply: %s\n" % data.decode().strip())
sys.exit(p.returncode)
PY
}
if command -v python3 >/dev/null; then
  for mode in flag env; do
    serve_once $mode
    status=$?
    while IFS= read -r line; do
      case $line in
        "ok - "*) ok "socket ($mode): ${line#ok - }" ;;
        "not ok - "*) not_ok "socket ($mode): ${line#not ok - }" ;;
      esac
    done <"$T/sock.out"
    check "socket ($mode): exit status 0" test "$status" -eq 0
    check "socket ($mode): the client got its pong" grep -qx "# reply: pong: ping" "$T/sock.out"
  done
else
  skip "socket: sock_accept/recv/send" "python3 not installed"
fi

# ---- Arguments, environment, exit status ----
out=$("$RUNWASM" wasm --env A=1 --env "B=x=y" "$M/args_env.wasm" 7 "two words" 2>&1)
status=$?
check "args: the guest sees FILE then its arguments" \
  test "$(grep '^# arg' <<<"$out" | tr '\n' '|')" = "# arg $M/args_env.wasm|# arg 7|# arg two words|"
check "env: exactly the --env variables" test "$(grep '^# env' <<<"$out" | tr '\n' '|')" = "# env A=1|# env B=x=y|"
check "args/env: sizes agree with the data" test "$(grep -c '^not ok' <<<"$out")" -eq 0
check "exit status is proc_exit's code (7)" test "$status" -eq 7
"$RUNWASM" wasm "$M/args_env.wasm" 0 >/dev/null 2>&1
check "proc_exit(0) exits 0" test $? -eq 0
"$RUNWASM" wasm "$M/args_env.wasm" 300 >/dev/null 2>&1
check "proc_exit(300) exits 300 & 0xff = 44, as a native exit" test $? -eq 44
"$RUNWASM" wasm "$M/invoke.wasm" >/dev/null 2>&1
check "returning from _start exits 0" test $? -eq 0
"$RUNWASM" wasm --dir "$T/missing-dir" "$M/invoke.wasm" >/dev/null 2>"$T/err"
check "a --dir that does not exist: exit 1" test $? -eq 1
check "  and says which" grep -q "missing-dir" "$T/err"

# ---- Traps and load/link errors ----
out=$("$RUNWASM" wasm "$M/trap.wasm" 2>"$T/err")
check "trap: exit status 134" test $? -eq 134
check "trap: stderr says error: wasm trap: unreachable" grep -q "^error: wasm trap: unreachable" "$T/err"
check "trap: output before it is kept" test "$out" = "before the trap"
"$RUNWASM" wasm "$M/missing_import.wasm" >/dev/null 2>"$T/err"
check "missing import: exit status 1" test $? -eq 1
check "missing import: names env.foo" grep -q "unknown import: env.foo" "$T/err"
printf 'not a module' >"$T/junk.wasm"
"$RUNWASM" wasm "$T/junk.wasm" >/dev/null 2>"$T/err"
check "malformed module: exit status 1 with a message" test $? -eq 1 -a -s "$T/err"
"$RUNWASM" wasm "$T/nope.wasm" >/dev/null 2>"$T/err"
check "missing file: exit status 1" test $? -eq 1
check "missing file: says so" grep -q "nope.wasm" "$T/err"
"$RUNWASM" wasm "$M/args_env.wasm" 5 >&- 2>"$T/err"
check "a closed stdout stays closed for the guest, which still runs (exit 5)" test $? -eq 5
"$RUNWASM" wasm "$M/writer.wasm" 2>"$T/err" | head -c 10 >/dev/null
check "writing to a closed pipe is EPIPE for the guest, not SIGPIPE (exit 3)" test "${PIPESTATUS[0]}" -eq 3

# ---- The text format ----
"$RUNWASM" wasm tests/wasi/hello.wat >"$T/out" 2>"$T/err"
status=$?
if grep -q "not supported in this build" "$T/err"; then
  skip "wat input runs" "wat_to_wasm is still the placeholder ($(head -1 "$T/err"))"
  check "wat input: the placeholder's error is shown, exit 1" test "$status" -eq 1
else
  check "wat input: prints its line" test "$(cat "$T/out")" = "hello from wat"
  check "wat input: exit status 9 from proc_exit" test "$status" -eq 9
  printf ';; add\n(module (func (export "add") (param i32 i32) (result i32)\n  (i32.add (local.get 0) (local.get 1))))\n' >"$T/add.wat"
  check "wat input: --invoke add 40 2 prints 42" test "$("$RUNWASM" wasm --invoke add "$T/add.wat" 40 2)" = 42
  printf '(module\n  (junk' >"$T/bad.wat"
  "$RUNWASM" wasm "$T/bad.wat" 2>"$T/err"
  check "wat input with a syntax error: exit 1" test $? -eq 1
  check "  the error says FILE:LINE:COL" grep -q "bad.wat:2:[0-9]*: " "$T/err"
fi

# ---- --invoke and --max-memory ----
check "--invoke add 2 3 prints 5" test "$("$RUNWASM" wasm --invoke add "$M/invoke.wasm" 2 3)" = 5
check "--invoke add -7 0x10 prints 9" test "$("$RUNWASM" wasm --invoke add "$M/invoke.wasm" -7 0x10)" = 9
check "--invoke mul64 with i64 values" \
  test "$("$RUNWASM" wasm --invoke mul64 "$M/invoke.wasm" 4294967296 -3)" = -12884901888
check "--invoke half 5 prints 2.5" test "$("$RUNWASM" wasm --invoke half "$M/invoke.wasm" 5)" = 2.5
check "--invoke scale 1.5 4 prints 6" test "$("$RUNWASM" wasm --invoke scale "$M/invoke.wasm" 1.5 4)" = 6
"$RUNWASM" wasm --invoke add "$M/invoke.wasm" 1 >/dev/null 2>"$T/err"
check "--invoke with too few arguments: exit 1" test $? -eq 1
check "  says how many it takes" grep -q "takes 2 argument" "$T/err"
"$RUNWASM" wasm --invoke add "$M/invoke.wasm" 1 x >/dev/null 2>"$T/err"
check "--invoke with a non-number: exit 1" test $? -eq 1
"$RUNWASM" wasm --invoke nosuch "$M/invoke.wasm" >/dev/null 2>"$T/err"
check "--invoke of a missing export: exit 1" test $? -eq 1
"$RUNWASM" wasm --invoke divide "$M/invoke.wasm" 1 0 >/dev/null 2>"$T/err"
check "--invoke divide 1 0 traps: exit 134" test $? -eq 134
check "  integer divide by zero" grep -q "^error: wasm trap: integer divide by zero" "$T/err"
pages=$("$RUNWASM" wasm --invoke pages "$M/invoke.wasm")
check "--max-memory (pages): growing past it fails" \
  test "$("$RUNWASM" wasm --max-memory $((pages + 1)) --invoke grow "$M/invoke.wasm" 2)" = -1
check "--max-memory (pages): growing up to it works" \
  test "$("$RUNWASM" wasm --max-memory $((pages + 1)) --invoke grow "$M/invoke.wasm" 1)" = "$pages"
check "--max-memory 64MiB allows 1000 pages" \
  test "$("$RUNWASM" wasm --max-memory 64MiB --invoke grow "$M/invoke.wasm" 1000)" = "$pages"
check "--max-memory 1MiB (16 pages) refuses 100" \
  test "$("$RUNWASM" wasm --max-memory 1MiB --invoke grow "$M/invoke.wasm" 100)" = -1
"$RUNWASM" wasm --max-memory 12parsecs "$M/invoke.wasm" 2>"$T/err"
check "--max-memory with a bad unit: exit 1" test $? -eq 1
"$RUNWASM" wasm --bogus "$M/invoke.wasm" 2>/dev/null
check "unknown option: exit 1" test $? -eq 1
"$RUNWASM" wasm 2>/dev/null
check "no module: exit 1" test $? -eq 1
"$RUNWASM" wasm --dir 2>"$T/err"
check "an option without its value: exit 1" test $? -eq 1
check "  says which" grep -q "\`--dir\` needs a value" "$T/err"
check "--help prints the usage" sh -c '"$0" wasm --help | grep -q "^Usage: runwasm wasm"' "$RUNWASM"

# ---- Trap backtraces (issue #14): names from the name section, offsets always ----
# The expected offsets come from wasm-objdump's disassembly of the same module: the final
# `unreachable` in crash, and the calls in middle and main.
frame () { printf '  %3u: %9s - %s\n' "$1" "$2" "$3"; }
if command -v wasm-objdump >/dev/null; then
  wasm-objdump -d "$M/backtrace.wasm" >"$T/dis"
  at () {
    local o
    o=$(awk -v f="<$1>:" -v pat="$2" '/ func\[/ { inside = index($0, f) > 0 } inside && $0 ~ pat { o = $1 } END { sub(":", "", o); print o }' "$T/dis")
    printf '0x%x' "$((16#${o:-0}))"
  }
  want_crash=$(at crash '[|] unreachable$') want_middle=$(at middle 'call .*<crash>') want_main=$(at main 'call .*<middle>')
  "$RUNWASM" wasm "$M/backtrace.wasm" 2>"$T/err"
  check "backtrace: a trap still exits 134" test $? -eq 134
  check "backtrace: line 1 is the trap" grep -q '^error: wasm trap: unreachable' <(sed -n 1p "$T/err")
  check "backtrace: line 2 heads the backtrace" test "$(sed -n 2p "$T/err")" = "wasm backtrace:"
  check "backtrace: line 3 is crash at its unreachable ($want_crash)" \
    test "$(sed -n 3p "$T/err")" = "$(frame 0 "$want_crash" 'backtrace.wasm!crash')"
  check "backtrace: line 4 is middle at its call ($want_middle)" \
    test "$(sed -n 4p "$T/err")" = "$(frame 1 "$want_middle" 'backtrace.wasm!middle')"
  check "backtrace: line 5 is main at its call ($want_main)" \
    test "$(sed -n 5p "$T/err")" = "$(frame 2 "$want_main" 'backtrace.wasm!main')"
  check "backtrace: the outermost frame is _start's" grep -q '!_start' <(tail -2 "$T/err")
  "$RUNWASM" wasm "$M/backtrace.wasm" memory 2>"$T/err"
  check "backtrace of a memory fault: out of bounds, in crash" \
    test "$(sed -n 1p "$T/err" | cut -c1-45)|$(sed -n 3p "$T/err" | sed 's/.* - //')" = \
         "error: wasm trap: out of bounds memory access|backtrace.wasm!crash"
  check "backtrace of a memory fault: middle and main with their calls" \
    test "$(sed -n 4,5p "$T/err")" = "$(frame 1 "$want_middle" 'backtrace.wasm!middle'; frame 2 "$want_main" 'backtrace.wasm!main')"
  "$RUNWASM" wasm "$M/backtrace.wasm" indirect 2>"$T/err"
  check "backtrace of a null call_indirect: uninitialized element, crash <- middle" \
    test "$(sed -n 1p "$T/err" | cut -c1-39)|$(sed -n 3,4p "$T/err" | sed 's/.* - //' | tr '\n' ' ')" = \
         "error: wasm trap: uninitialized element|backtrace.wasm!crash backtrace.wasm!middle "
else
  skip "backtrace offsets" "wasm-objdump (wabt) not installed"
fi
"$RUNWASM" wasm --no-backtrace "$M/backtrace.wasm" 2>"$T/err"
check "--no-backtrace: only the trap line" test "$(wc -l <"$T/err")" -eq 1
RUNWASM_BACKTRACE=0 "$RUNWASM" wasm "$M/backtrace.wasm" 2>"$T/err"
check "RUNWASM_BACKTRACE=0: only the trap line" test "$(wc -l <"$T/err")" -eq 1
if command -v wasm-strip >/dev/null; then
  wasm-strip -o "$T/stripped.wasm" "$M/backtrace.wasm"
  "$RUNWASM" wasm "$T/stripped.wasm" 2>"$T/err"
  check "backtrace without a name section: FILE!<wasm function N>" \
    grep -qE '^    0: +0x[0-9a-f]+ - stripped.wasm!<wasm function [0-9]+>$' "$T/err"
fi
"$RUNWASM" wasm --max-wasm-stack 64KiB "$M/limits.wasm" recurse 100000 2>"$T/err"
check "a deep backtrace lists 32 frames and counts the rest" \
  test "$(grep -c '!recurse$' "$T/err")|$(tail -1 "$T/err" | grep -cE '^  \.\.\. [0-9]+ more frames$')" = "32|1"

# ---- Limits: each trips with its own message and exit status ----
"$RUNWASM" wasm --fuel 100000 "$M/limits.wasm" spin 2>"$T/err"
check "--fuel: a spinning module exits 134" test $? -eq 134
check "  all fuel consumed (--fuel 100000)" grep -qx 'error: wasm trap: all fuel consumed (--fuel 100000)' "$T/err"
check "--fuel: enough fuel lets a module finish (exit 0)" \
  test "$("$RUNWASM" wasm --fuel 100000 "$M/limits.wasm" count 2>&1)" = "ok - counted"
"$RUNWASM" wasm --fuel 50 "$M/limits.wasm" count >/dev/null 2>"$T/err"
check "--fuel 50 is too little for the same module (134)" test $? -eq 134
start=$(date +%s%N)
"$RUNWASM" wasm --timeout 300ms "$M/limits.wasm" spin 2>"$T/err"
status=$? elapsed=$((($(date +%s%N) - start) / 1000000))
check "--timeout: exit status 124" test "$status" -eq 124
check "  interrupted: --timeout 300ms expired" grep -qx 'error: wasm trap: interrupted: --timeout 300ms expired' "$T/err"
check "  after about 300ms (took ${elapsed}ms)" test "$elapsed" -ge 300 -a "$elapsed" -lt 5000
sh -c 'sleep 5 | "$0" wasm --timeout 200ms "$1"' "$RUNWASM" "$M/clock_poll.wasm" >/dev/null 2>"$T/err"
check "--timeout also stops a guest blocked in a host call (124)" test $? -eq 124
check "--timeout: a module that finishes in time exits normally" \
  test "$("$RUNWASM" wasm --timeout 10s "$M/limits.wasm" count 2>&1)" = "ok - counted"
"$RUNWASM" wasm --max-wasm-stack 64KiB "$M/limits.wasm" recurse 5000 >/dev/null 2>"$T/err"
check "--max-wasm-stack 64KiB: 5000 calls deep exits 134" test $? -eq 134
check "  call stack exhausted" grep -q '^error: wasm trap: call stack exhausted' "$T/err"
check "--max-wasm-stack: the same depth fits the default stack" \
  test "$("$RUNWASM" wasm "$M/limits.wasm" recurse 5000 2>&1)" = "ok - recursed"
check "--max-memory alone: a failed memory.grow returns -1" \
  test "$("$RUNWASM" wasm --max-memory 20 "$M/limits.wasm" grow 2>&1)" = "# memory.grow returned 4294967295"
"$RUNWASM" wasm --max-memory 20 --trap-on-grow-failure "$M/limits.wasm" grow >/dev/null 2>"$T/err"
check "--trap-on-grow-failure: exit status 134" test $? -eq 134
check "  memory.grow failed (trap on grow failure)" \
  grep -q '^error: wasm trap: memory.grow failed (trap on grow failure)' "$T/err"
for bad in "--fuel x" "--fuel -1" "--timeout 5parsecs" "--timeout 0" "--max-wasm-stack 0" "--max-wasm-stack 1Q"; do
  "$RUNWASM" wasm $bad "$M/limits.wasm" count >/dev/null 2>"$T/err"
  check "$bad: exit 1 naming the flag" test $? -eq 1 -a "$(grep -c -- "${bad%% *} " "$T/err")" -eq 1
done

# ---- Linking: --preload, unknown imports ----
"$RUNWASM" wasm --preload lib=tests/wasi/preload_lib.wat tests/wasi/preload_main.wat
check "--preload lib=FILE: the module calls into lib (exit 40 = triple(13) + 1 call)" test $? -eq 40
"$RUNWASM" wasm tests/wasi/preload_main.wat 2>"$T/err"
check "without --preload: unknown import lib.triple, exit 1" \
  test $? -eq 1 -a "$(grep -c 'unknown import: lib.triple' "$T/err")" -eq 1
"$RUNWASM" wasm --preload lib=tests/wasi/missing.wat tests/wasi/preload_main.wat 2>"$T/err"
check "--preload of a missing file: exit 1 naming it" test $? -eq 1 -a "$(grep -c 'preload lib.*missing.wat' "$T/err")" -eq 1
"$RUNWASM" wasm --preload lib tests/wasi/preload_main.wat 2>"$T/err"
check "--preload without =FILE: exit 1" test $? -eq 1 -a "$(grep -c 'expected NAME=FILE' "$T/err")" -eq 1
"$RUNWASM" wasm tests/wasi/unknown_imports.wat 2>"$T/err"
check "unknown imports: refused by default (exit 1, env.get)" \
  test $? -eq 1 -a "$(grep -c 'unknown import: env.get' "$T/err")" -eq 1
"$RUNWASM" wasm --default-values-unknown-imports tests/wasi/unknown_imports.wat
check "--default-values-unknown-imports: env.get returns 0 (exit 7)" test $? -eq 7
"$RUNWASM" wasm --trap-unknown-imports tests/wasi/unknown_imports.wat 2>"$T/err"
check "--trap-unknown-imports: the module starts, calling env.get traps (134)" test $? -eq 134
check "  naming the import" grep -q '^error: wasm trap: called the unknown import env.get' "$T/err"
"$RUNWASM" wasm --trap-unknown-imports --default-values-unknown-imports tests/wasi/unknown_imports.wat 2>"$T/err"
check "both unknown-import modes at once: exit 1" test $? -eq 1 -a "$(grep -c 'exclude each other' "$T/err")" -eq 1

# ---- wasmtime-style conveniences ----
out=$(RW_FROM_HOST=host-value "$RUNWASM" wasm --env RW_FROM_HOST --env RW_UNSET_VAR --argv0 myprog "$M/args_env.wasm" 0)
check "--env NAME takes the host's value; an unset NAME is left out" \
  test "$(grep '^# env' <<<"$out" | tr '\n' '|')" = "# env RW_FROM_HOST=host-value|"
check "--argv0 sets the guest's argv[0]" test "$(grep '^# arg' <<<"$out" | head -1)" = "# arg myprog"
"$RUNWASM" wasm --dir "$T/files:/data" "$M/invoke.wasm" 2>"$T/err"
check "--dir HOST:GUEST (one colon): exit 1" test $? -eq 1
check "  suggests HOST::GUEST" grep -q "separated by two colons: \`--dir $T/files::/data\`" "$T/err"
check "-h prints the usage" sh -c '"$0" wasm -h | grep -q "^Usage: runwasm wasm"' "$RUNWASM"
check "--version prints the version" sh -c '"$0" wasm --version | grep -q "^runwasm version "' "$RUNWASM"

# ---- errno parity: the file type is checked before the rights ----
mkdir -p "$T/errno"
run_checks errno_order 0 "$RUNWASM" wasm --dir "$T/errno" "$M/errno_order.wasm"

# ---- A WASI server on --tcplisten answers clients on loopback ----
if command -v python3 >/dev/null; then
  python3 - "$RUNWASM" "$M/server.wasm" >"$T/server.out" 2>&1 <<'PY'
import socket, subprocess, sys, time
runwasm, module = sys.argv[1:3]
probe = socket.socket(); probe.bind(("127.0.0.1", 0)); port = probe.getsockname()[1]; probe.close()
p = subprocess.Popen([runwasm, "wasm", "--tcplisten", "127.0.0.1:%d" % port, module, "2"], stdout=subprocess.PIPE)
replies = []
for i in range(2):
    for attempt in range(100):
        try:
            c = socket.create_connection(("127.0.0.1", port), timeout=10)
            break
        except ConnectionRefusedError:
            time.sleep(0.05)
    c.sendall(b"hello %d\n" % i)
    data = b""
    while True:
        chunk = c.recv(100)
        if not chunk:
            break
        data += chunk
    replies.append(data.decode().strip())
out, _ = p.communicate(timeout=20)
print("replies: " + " | ".join(replies))
print("server: " + out.decode().strip())
sys.exit(p.returncode)
PY
  status=$?
  check "--tcplisten: the server exits 0 after two clients" test "$status" -eq 0
  check "  both clients got their pong" grep -qx "replies: pong: hello 0 | pong: hello 1" "$T/server.out"
  check "  the server counted them" grep -qx "server: served 2" "$T/server.out"
else
  skip "--tcplisten server" "python3 not installed"
fi
"$RUNWASM" wasm --tcplisten localhost:80 "$M/server.wasm" 2>"$T/err"
check "--tcplisten with a host name: exit 1, numeric only" test $? -eq 1 -a "$(grep -c 'tcplisten.*numeric' "$T/err")" -eq 1
"$RUNWASM" wasm --tcplisten 127.0.0.1 "$M/server.wasm" 2>"$T/err"
check "--tcplisten without a port: exit 1" test $? -eq 1 -a "$(grep -c 'expected HOST:PORT' "$T/err")" -eq 1

echo "1..$n"
