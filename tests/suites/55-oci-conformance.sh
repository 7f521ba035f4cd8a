#!/usr/bin/env bash
# OCI runtime-tools validation suite against build/runwasm: builds the 58 programs from
# ../shared/runtime-tools (once per tarball, into build/runtime-tools) with Debian's Go, then
# tests/conformance/run prints one TAP line per check, per program and per cleanup check, with
# the host limits and documented disagreements of tests/conformance/known-failures as skips.
set -u
cd "$(dirname "$0")/../.."
SRC=${RUNTIME_TOOLS_SRC:-../shared/runtime-tools}
tarball=$SRC/runtime-tools-260e151.tar.gz
if [ ! -f "$tarball" ]; then
  echo "ok 1 - OCI runtime-tools suite # skip $tarball not found"
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "ok 1 - OCI runtime-tools suite # skip needs root"
  exit 0
fi
for tool in go python3 tar; do
  command -v "$tool" >/dev/null || { echo "not ok 1 - $tool is required (scripts/install-deps)"; exit 1; }
done
[ -x build/runwasm ] || { echo "not ok 1 - build/runwasm is missing (run make)"; exit 1; }

out=build/runtime-tools
sum=$(sha256sum "$tarball" | cut -d' ' -f1)
if [ "$(cat "$out/.built-from" 2>/dev/null)" != "$sum" ]; then
  rm -rf "$out" && mkdir -p "$out"
  log=$out.build.log
  if ! (tar xzf "$tarball" -C "$out" --strip-components=1 \
        && cd "$out" && HOME=$PWD GOCACHE=$PWD/.gocache GOFLAGS=-mod=vendor GOPROXY=off \
           make runtimetest validation-executables) >"$log" 2>&1; then
    echo "not ok 1 - build runtime-tools from $tarball"
    tail -20 "$log" | sed 's/^/#   /'
    exit 1
  fi
  rm -rf "$out/.gocache"
  echo "$sum" > "$out/.built-from"
fi
exec tests/conformance/run "$out" "$PWD/build/runwasm" tests/conformance/known-failures
