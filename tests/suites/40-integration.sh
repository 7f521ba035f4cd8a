#!/usr/bin/env bash
# Integration tests of the OCI runtime: every tests/integration/*.bats file, run as root
# against build/runwasm with busybox bundles built at test time.
set -u
cd "$(dirname "$0")/../.."
if [ "$(id -u)" -ne 0 ]; then
  echo "ok 1 # skip integration tests need root"
  exit 0
fi
for tool in bats jq /bin/busybox; do
  command -v "$tool" >/dev/null || { echo "not ok 1 - $tool is required by the integration tests"; exit 1; }
done
[ -x build/runwasm ] || { echo "not ok 1 - build/runwasm is missing (run make)"; exit 1; }
# All of them, the policy engineer's policy_*.bats included.
exec bats --tap tests/integration/
