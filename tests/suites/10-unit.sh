#!/usr/bin/env bash
# Unit tests: every build/tests/unit/* program (built with ASan+UBSan by `make unit-tests`).
set -u
cd "$(dirname "$0")/../.."
status=0
for t in build/tests/unit/*_test; do
  [ -x "$t" ] || continue
  echo "# $t"
  "$t" || status=1
done
exit $status
