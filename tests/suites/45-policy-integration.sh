#!/usr/bin/env bash
# Integration tests of the policy modules (cgroups, seccomp, capabilities, rlimits, sysctl,
# personality, LSM): tests/integration/policy_*.bats against build/runwasm, as root.
set -u
cd "$(dirname "$0")/../.."
if [ "$(id -u)" -ne 0 ]; then
  echo "ok 1 # skip policy integration tests need root"
  exit 0
fi
for tool in bats python3 /bin/busybox; do
  command -v "$tool" >/dev/null || { echo "not ok 1 - $tool is required by the policy integration tests"; exit 1; }
done
[ -x build/runwasm ] || { echo "not ok 1 - build/runwasm is missing (run make)"; exit 1; }
exec bats --tap tests/integration/policy_*.bats
