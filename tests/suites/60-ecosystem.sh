#!/usr/bin/env bash
# Ecosystem suite: real podman/conmon, buildah, skopeo, containerd (ctr and CRI) drive the
# runtime (tests/ecosystem/run; ECO_RUNTIME=runc validates the harness against runc).
# Prints one TAP skip while build/runwasm is not yet a working OCI runtime, and skips the
# parts whose tools are not installed (scripts/install-ecosystem-deps installs them).
cd "$(dirname "$0")/../.."
start=$SECONDS
# A failing run leaves its per-case logs and the runtime call log here (build/ is not tracked).
export ECO_FAIL_LOGS=${ECO_FAIL_LOGS:-$PWD/build/ecosystem-failures}
tests/ecosystem/run
status=$?
echo "# ecosystem suite took $((SECONDS - start)) s"
exit $status
