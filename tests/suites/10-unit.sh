#!/usr/bin/env bash
# Unit tests: every build/tests/unit/* program (built with ASan+UBSan by `make unit-tests`),
# with the default engine (the compiler on x86-64). The engine's tests run a second time
# with the interpreter (RUNWASM_ENGINE=interp, x86-64 only: elsewhere the interpreter is the
# default); their TAP names get an "interp: " prefix.
set -u
cd "$(dirname "$0")/../.."
unset RUNWASM_ENGINE
status=0
for t in build/tests/unit/*_test; do
  [ -x "$t" ] || continue
  echo "# $t"
  "$t" || status=1
done
if [ "$(uname -m)" = x86_64 ]; then
  for t in build/tests/unit/wasm_*_test build/tests/unit/simd_spec_test build/tests/unit/wasi_run_test; do
    [ -x "$t" ] || continue
    echo "# $t (interp)"
    set -o pipefail
    RUNWASM_ENGINE=interp "$t" | sed -E 's/^(not )?ok ([0-9]+) - /\1ok \2 - interp: /' || status=1
    set +o pipefail
  done
  # The compiled ops again as an SSE2-only CPU gets them (bsr/bsf, interpreter stubs).
  if [ -x build/tests/unit/jit_ops_test ]; then
    echo "# build/tests/unit/jit_ops_test (RUNWASM_JIT_CPU=baseline)"
    set -o pipefail
    RUNWASM_JIT_CPU=baseline build/tests/unit/jit_ops_test | sed -E 's/^(not )?ok ([0-9]+) - /\1ok \2 - baseline cpu: /' || status=1
    set +o pipefail
  fi
fi
exit $status
