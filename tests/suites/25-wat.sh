#!/usr/bin/env bash
# Text-format parser against wabt as the oracle: every text module of the spec scripts must
# encode byte-for-byte like wast2json's .wasm, every assert_malformed .wat must be rejected
# (one TAP line per script); float literals must round exactly (checked with rational
# arithmetic); and tests/wat/modules/*.wat must match wat2wasm when installed.
set -u
cd "$(dirname "$0")/../.."
driver=build/tests/wat/wat2bin
spec=../shared/wasm-spec
make -s "$driver" >/dev/null || { echo "not ok - build $driver"; exit 1; }

status=0
if [ ! -d "$spec/wast" ] || [ ! -d "$spec/json" ]; then
  echo "ok - wat spec scripts # SKIP $spec is missing"
elif ! command -v python3 >/dev/null; then
  echo "ok - wat spec scripts # SKIP python3 is missing"
else
  python3 tests/wat/check_wast.py --driver "$driver" --spec "$spec" || status=1
fi
if command -v python3 >/dev/null; then
  python3 tests/wat/check_floats.py --driver "$driver" || status=1
else
  echo "ok - wat float rounding # SKIP python3 is missing"
fi

if ! command -v wat2wasm >/dev/null; then
  echo "ok - wat modules against wat2wasm # SKIP wat2wasm is missing"
else
  work=$(mktemp -d /tmp/wat-suite.XXXXXX)
  for module in tests/wat/modules/*.wat; do
    name=$(basename "$module" .wat)
    cp "$module" "$work/$name.wat"
    "$driver" "$work/$name.wat"
    if [ -f "$work/$name.wat.err" ]; then
      echo "not ok - $name: $(cat "$work/$name.wat.err")"
      status=1
    elif ! wat2wasm --no-check "$module" -o "$work/$name.ref.wasm"; then
      echo "not ok - $name: wat2wasm rejects it"
      status=1
    elif cmp -s "$work/$name.wat.wasm" "$work/$name.ref.wasm"; then
      echo "ok - $name: byte-equal to wat2wasm"
    else
      echo "not ok - $name: differs from wat2wasm"
      status=1
    fi
  done
  rm -rf "$work"
fi
exit $status
