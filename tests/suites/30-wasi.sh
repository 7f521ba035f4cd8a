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

echo "1..$n"
