#!/usr/bin/env bash
# Engine checks beyond the unit tests: fuzz regressions replay cleanly under ASan/UBSan, and
# the memory-heavy spec scripts pass in both memory modes: forced explicit bounds checks
# (RUNWASM_MEMORY=checked) and an address-space limit too small for the guard-page
# reservation (ulimit -v), where the engine must fall back by itself; the engine choice on the
# command line; Wasm containers with the interpreter (40-integration.sh runs them with the
# default, the compiler); and the compiler agrees with the interpreter on random modules.
set -u
cd "$(dirname "$0")/../.."
SPEC_DIR=${SPEC_DIR:-../shared/wasm-spec}
n=0
check () { # check NAME COMMAND...
  local name=$1 out
  shift
  n=$((n + 1))
  if out=$("$@" 2>&1); then
    echo "ok $n - $name"
  else
    echo "not ok $n - $name"
    printf '%s\n' "$out" | tail -5 | sed 's/^/#   /'
  fi
}

if make -s build/fuzz-replay >/dev/null 2>&1; then
  regressions=(tests/fuzz/regressions/*.wasm)
  check "fuzz regressions replay (${#regressions[@]} inputs)" build/fuzz-replay "${regressions[@]}"
else
  n=$((n + 1)); echo "not ok $n - build fuzz-replay"
fi

# Engine choice on the command line.
if make -s build/runwasm >/dev/null 2>&1; then
  same_output () { # same stdout and exit status with both engines
    local a b sa sb
    a=$(build/runwasm wasm --engine interp "$@"); sa=$?
    b=$(build/runwasm wasm --engine jit "$@"); sb=$?
    [ "$a" = "$b" ] && [ "$sa" = "$sb" ] && [ -n "$a" ]
  }
  bad_engine () { # rejected with an error naming the value, non-zero status
    ! build/runwasm wasm --engine bogus tests/wasi/hello.wat 2>"$1" && grep -q "engine \`bogus\`" "$1"
  }
  if [ "$(uname -m)" = x86_64 ]; then
    check "runwasm wasm --engine jit and --engine interp agree" same_output tests/wasi/hello.wat
    check "runwasm --version lists the jit engine" sh -c 'build/runwasm --version | grep -q "^wasm engines: interp, jit"'
  fi
  check "runwasm wasm --engine bogus is an error" bad_engine /tmp/runwasm-engine-err.$$
  rm -f /tmp/runwasm-engine-err.$$
fi

# Wasm containers with the interpreter, now that the compiler is the default on x86-64: the
# handler's tests (exit codes, traps, SIGTERM stopping a spinning module) with
# RUNWASM_ENGINE=interp. Root, bats and busybox as for 40-integration.sh.
if [ "$(uname -m)" = x86_64 ] && [ "$(id -u)" -eq 0 ] && command -v bats >/dev/null && command -v jq >/dev/null \
   && [ -x /bin/busybox ] && [ -x build/runwasm ]; then
  check "wasm container handler tests with RUNWASM_ENGINE=interp" env RUNWASM_ENGINE=interp bats --tap tests/integration/wasm_handler.bats
else
  n=$((n + 1)); echo "ok $n - wasm container handler tests with the interpreter # skip needs x86-64, root, bats, jq, busybox"
fi

# The compiler against the interpreter on random valid modules (tests/fuzz/diff_engines.c),
# and on the modules where they once disagreed (tests/fuzz/diff-regressions).
if make -s build/diff-engines >/dev/null 2>&1; then
  diff_regressions=(tests/fuzz/diff-regressions/*.wasm)
  check "compiler agrees with the interpreter on its ${#diff_regressions[@]} past mismatches" build/diff-engines "${diff_regressions[@]}"
  check "compiler agrees with the interpreter on 500 random modules" build/diff-engines -n 500 -o /tmp/runwasm-diff-engines-failure.wasm
else
  n=$((n + 1)); echo "not ok $n - build diff-engines"
fi

if [ -d "$SPEC_DIR/json" ] && make -s build/spectest >/dev/null 2>&1; then
  scripts=()
  for s in address align bulk endianness float_memory left-to-right load memory memory_copy \
           memory_fill memory_grow memory_init memory_size memory_trap store traps simd_address \
           simd_load simd_store simd_load_lane simd_store_lane; do
    [ -f "$SPEC_DIR/json/$s.json" ] && scripts+=("$SPEC_DIR/json/$s.json")
  done
  binary_only () { # spec runner output minus text-format failures must show no failure
    "$@" 2>&1 | awk '$3 == "passed" && $5 == "failed" && $4 > 0 && !/text format/ { bad = 1; print } END { exit bad }'
  }
  check "memory spec scripts, guard pages" binary_only build/spectest "${scripts[@]}"
  check "memory spec scripts, RUNWASM_MEMORY=checked" binary_only env RUNWASM_MEMORY=checked build/spectest "${scripts[@]}"
  check "memory spec scripts, ulimit -v 2 GiB (fallback)" binary_only bash -c 'ulimit -v 2097152 && exec "$0" "$@"' build/spectest "${scripts[@]}"
else
  n=$((n + 1)); echo "ok $n - memory spec scripts # skip SPEC_DIR $SPEC_DIR not found"
fi
echo "1..$n"
