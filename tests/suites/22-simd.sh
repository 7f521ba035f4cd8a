#!/usr/bin/env bash
# SIMD end to end: tests/simd/kernels.c, compiled to wasm32-wasi with SIMD by clang, runs in
# runwasm and in V8 (node's WASI); each output line (one operation's hash over the data
# set) must be the same in both. One TAP line per kernel line. Skips without clang's wasm
# target or node.
set -u
cd "$(dirname "$0")/../.."
clang=$(command -v clang-19 || command -v clang)
tmp=$(mktemp -d /tmp/runwasm-simd.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

if [ -z "$clang" ] || ! command -v node >/dev/null \
   || ! "$clang" --target=wasm32-wasi -O2 -msimd128 tests/simd/kernels.c -o "$tmp/kernels.wasm" 2>"$tmp/cc.log"; then
  echo "ok 1 # skip needs clang with the wasm32-wasi target and node"
  sed 's/^/# /' "$tmp/cc.log" 2>/dev/null | head -5
  exit 0
fi
if command -v wasm-objdump >/dev/null; then
  echo "# $(wasm-objdump -d "$tmp/kernels.wasm" | grep -c ': fd ') SIMD instructions in the module"
fi

build/runwasm wasm "$tmp/kernels.wasm" >"$tmp/runwasm.out" 2>"$tmp/runwasm.err"
status=$?
node --no-warnings -e '
  const { WASI } = require ("node:wasi");
  const wasi = new WASI ({ version: "preview1", args: ["kernels"], env: {} });
  WebAssembly.instantiate (require ("fs").readFileSync (process.argv[1]), wasi.getImportObject ())
    .then (({ instance }) => wasi.start (instance));' "$tmp/kernels.wasm" >"$tmp/v8.out"

echo "$([ "$status" -eq 0 ] && echo ok || echo not ok) - runwasm runs the kernels (exit $status)"
sed 's/^/# /' "$tmp/runwasm.err" | head -5
# Line by line: the V8 line names the kernel; runwasm's line at the same place must match.
awk -v ours="$tmp/runwasm.out" '
  BEGIN { while ((getline line < ours) > 0) got[++n] = line }
  { if (got[FNR] == $0) print "ok - " $1
    else { print "not ok - " $1; print "#   V8:      " $0; print "#   runwasm: " got[FNR] } }
  END { if (NR == 0) print "not ok - V8 printed nothing" }' "$tmp/v8.out"
