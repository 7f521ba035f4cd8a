# The static binary (`make static`) on a "node" that has no shared libraries at all: a chroot
# holding only build/static/runwasm and the two bundles of scripts/demo (a busybox-static Linux
# container and a Wasm container whose rootfs is hello.wasm alone), with /proc, /sys and /dev
# of the host, in a mount namespace of its own where the chroot is a mount (as / is on a node). It must run both, as it would on Ubuntu 20.04, RHEL 8, Amazon Linux 2 or Flatcar.

STATIC_BIN="$REPO_DIR/build/static/runwasm"
STATIC_ROOT=""

t_static_binary() {
  make -C "$REPO_DIR" -s static || return 1
  local out; out=$(readelf -lW "$STATIC_BIN") || return 1
  expect_no_match "program headers" 'INTERP|interpreter' "$out" || return 1
  out=$(readelf -dW "$STATIC_BIN")
  expect_match "dynamic section" 'no dynamic section' "$out" &&
    expect_no_match "needed libraries" 'NEEDED' "$out"
}

# in_static_root CMD...: CMD chrooted into the static root, in a private mount namespace.
in_static_root() {
  unshare -m --propagation private sh -c 'r=$1; shift
    mount --bind "$r" "$r" || exit 1
    for d in proc sys dev; do mount --rbind "/$d" "$r/$d" || exit 1; done
    exec chroot "$r" "$@"' sh "$STATIC_ROOT" "$@"
}

# static_root: the chroot: /runwasm and the /linux and /wasm bundles, empty /proc, /sys, /dev.
static_root() {
  local r="$ECO_T/static-root" d
  rm -rf "$r"; mkdir -p "$r/state" "$r/tmp"
  install -m 0755 "$STATIC_BIN" "$r/runwasm"
  RUNWASM="$STATIC_BIN" "$REPO_DIR/tests/lib/make-busybox-bundle" "$r/linux" \
    sh -c 'echo "hello from a Linux container: pid $$"' || return 1
  mkdir -p "$r/wasm/rootfs"
  clang-19 --target=wasm32-wasi -O2 "$REPO_DIR/examples/hello-wasm/hello.c" -o "$r/wasm/rootfs/hello.wasm" || return 1
  "$STATIC_BIN" spec --bundle "$r/wasm" || return 1
  "$PY" - "$r/wasm/config.json" <<'PY' || return 1
import json, sys
path = sys.argv[1]
c = json.load(open(path))
c["process"].update(terminal=False, args=["/hello.wasm"], env=["GREETING=from-static"])
c["annotations"] = {"module.wasm.image/variant": "compat"}
json.dump(c, open(path, "w"), indent=2)
PY
  mkdir -p "$r/proc" "$r/sys" "$r/dev"
  STATIC_ROOT=$r
}

t_static_no_libs() {
  static_root || return 1
  # Nothing in the chroot but the static binary, the static busybox and hello.wasm.
  local libs
  libs=$(find "$STATIC_ROOT" -xdev \( -name '*.so' -o -name '*.so.*' -o -name 'ld-linux*' \) -print)
  expect_eq "shared libraries in the chroot" "" "$libs" || return 1
  [ ! -e "$STATIC_ROOT/lib" ] && [ ! -e "$STATIC_ROOT/lib64" ] && [ ! -e "$STATIC_ROOT/usr" ] ||
    { echo "FAIL the chroot has a /lib, /lib64 or /usr"; return 1; }
  in_static_root /runwasm --version
}

t_static_linux() {
  [ -n "$STATIC_ROOT" ] || { echo "FAIL no chroot"; return 1; }
  local out
  out=$(in_static_root /runwasm --root /state run --bundle /linux "eco-static-linux-$ECO_ID" 2>&1)
  echo "$out"
  expect_match "Linux container output" '^hello from a Linux container: pid 1$' "$out"
}

t_static_wasm() {
  [ -n "$STATIC_ROOT" ] || { echo "FAIL no chroot"; return 1; }
  local out
  out=$(in_static_root /runwasm --root /state run --bundle /wasm "eco-static-wasm-$ECO_ID" 2>&1)
  echo "$out"
  expect_match "Wasm container output" '^hello from a Wasm container: argv\[0\]=/hello.wasm, cwd=/, GREETING=from-static$' "$out" || return 1
  out=$(in_static_root /runwasm --root /state list -q)
  expect_eq "containers left" "" "$out"
}

# make release: the tarball has the static binary, the man page, the configs, the manifests and
# the installer image archive, named as the DaemonSet expects. Needs the private buildah
# storage (eco_podman_env).
t_static_release() {
  local version tarball x="$ECO_T/release" out
  version=$(sed -n 's/^#define RUNWASM_VERSION "\(.*\)"/\1/p' "$REPO_DIR/src/cli/cli.h")
  tarball="$REPO_DIR/build/runwasm-$version-$(uname -m).tar.gz"
  rm -f "$tarball" "$REPO_DIR/build/runwasm-node-installer.oci.tar"
  make -C "$REPO_DIR" -s release >/dev/null || return 1
  mkdir -p "$x" && tar -C "$x" -xzf "$tarball" || return 1
  x="$x/runwasm-$version-$(uname -m)"
  out=$(cd "$x" && find . -type f | sort); echo "$out"
  local f
  for f in bin/runwasm man/man8/runwasm.8 containerd/config.toml crio/10-runwasm.conf kubernetes/daemonset.yaml \
           kubernetes/runtimeclass.yaml kubernetes/pod-wasm.yaml runwasm-node-installer.oci.tar; do
    expect_match "file in the release" "^\./$f\$" "$out" || return 1
  done
  cmp "$x/bin/runwasm" "$STATIC_BIN" || { echo "FAIL bin/runwasm is not the static build"; return 1; }
  out=$(tar -xOf "$x/runwasm-node-installer.oci.tar" index.json)
  expect_match "image name in the archive" "\"org.opencontainers.image.ref.name\":\"localhost/runwasm-node-installer:$version\"" "$out" &&
    expect_match "the DaemonSet names it" "image: localhost/runwasm-node-installer:$version\$" "$(cat "$x/kubernetes/daemonset.yaml")"
}

eco_static_tests() {
  local tool
  for tool in readelf clang-19 chroot unshare; do
    command -v "$tool" >/dev/null || { tap_skip "static: the static binary" "$tool not installed (run scripts/install-deps)"; return; }
  done
  tcase "static: make static links no shared library (no INTERP, no dynamic section)" t_static_binary
  tcase "static: a chroot with no shared library anywhere runs it" t_static_no_libs
  tcase "static: it runs the demo's Linux container (busybox) in that chroot" t_static_linux
  tcase "static: it runs the demo's Wasm container (only hello.wasm in the rootfs) in that chroot" t_static_wasm
}
