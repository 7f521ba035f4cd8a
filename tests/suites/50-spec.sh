#!/usr/bin/env bash
# WebAssembly core spec suite: one TAP line per .wast script, from build/spectest --tap, run
# once with the interpreter and once with the compiler ("jit: NAME" lines; skipped where
# the compiler is not available), then both again translating every body while loading
# instead of on first call (RUNWASM_COMPILE=eager, "eager: " lines). Scripts whose only failures are text-format assertions
# while the text parser is not built are skips; SPEC_DIR (default ../shared/wasm-spec)
# missing skips the whole suite.
set -u
cd "$(dirname "$0")/../.."
SPEC_DIR=${SPEC_DIR:-../shared/wasm-spec}
if [ ! -d "$SPEC_DIR/json" ]; then
  echo "ok 1 - core spec suite # skip SPEC_DIR $SPEC_DIR not found"
  exit 0
fi
if ! make -s build/spectest >/dev/null 2>&1; then
  echo "not ok 1 - build spectest"
  exit 1
fi
status=0
build/spectest --tap --engine interp "$SPEC_DIR"/json/*.json 2>/dev/null || status=1
if [ "$(uname -m)" = x86_64 ]; then
  build/spectest --tap --engine jit "$SPEC_DIR"/json/*.json 2>/dev/null || status=1
else
  echo "ok - jit: core spec suite # skip the compiler targets x86-64 only"
fi
set -o pipefail
for engine in interp jit; do
  [ $engine = jit ] && [ "$(uname -m)" != x86_64 ] && continue
  RUNWASM_COMPILE=eager build/spectest --tap --engine $engine "$SPEC_DIR"/json/*.json 2>/dev/null \
    | sed -E 's/^((not )?ok [0-9]+ - )/\1eager: /' || status=1
done
exit $status
