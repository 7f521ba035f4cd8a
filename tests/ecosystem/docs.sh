# The shipped configuration (docs/) checked with the real tools where they exist here:
# containerd parses its config, python3-yaml and tomllib parse the rest, the node installer
# runs against a fake node root. docs/podman/containers.conf is exercised by podman itself in
# podman.sh (t_pm_docs_conf).

DOCS="$REPO_DIR/docs"
check_docs() { "$PY" "$ECO_DIR/src/check_docs.py" "$@"; }

t_docs_containerd() {
  local dump="$ECO_T/docs/containerd-dump.toml"
  containerd --config "$DOCS/containerd/config.toml" config dump >"$dump" || return 1
  check_docs containerd-handler "$dump" runwasm /usr/local/bin/runwasm
}

# The handler the CRI tests register must be the one the docs ship.
t_docs_containerd_matches_harness() {
  local mine="$ECO_T/docs/harness-containerd.toml"
  eco_containerd_config "$mine"
  check_docs same-handler "$DOCS/containerd/config.toml" runwasm "$mine" "$CRI_HANDLER"
}

t_docs_crio() { check_docs crio "$DOCS/crio/crio.conf.d/10-runwasm.conf"; }

t_docs_k8s() { check_docs k8s "$DOCS/kubernetes"; }

t_docs_kind() {
  local cfg="$ECO_T/docs/kind-patch.toml"
  check_docs kind-patch "$DOCS/kubernetes/kind/kind-config.yaml" "$cfg" || return 1
  containerd --config "$cfg" config dump >"$cfg.dump" || return 1
  check_docs containerd-handler "$cfg.dump" runwasm /usr/local/bin/runwasm
}

# install.sh against a fake node: Debian's stock containerd config, an /etc/crio directory.
t_docs_installer() {
  local node="$ECO_T/docs/node" bin="$ECO_T/docs/runwasm-binary" sum1 sum2 out
  local script="$DOCS/kubernetes/node-installer/install.sh"
  mkdir -p "$node/etc/containerd" "$node/etc/crio"
  if [ -f /etc/containerd/config.toml ]; then cp /etc/containerd/config.toml "$node/etc/containerd/"
  else echo 'version = 2' >"$node/etc/containerd/config.toml"; fi
  printf '#!/bin/sh\necho fake runwasm\n' >"$bin"
  sh -n "$script" || return 1
  NODE_ROOT="$node" RUNWASM_BINARY="$bin" RESTART=0 sh "$script" || return 1
  cmp "$bin" "$node/usr/local/bin/runwasm" && [ -x "$node/usr/local/bin/runwasm" ] ||
    { echo "FAIL binary not installed"; return 1; }
  containerd --config "$node/etc/containerd/config.toml" config dump >"$node/dump.toml" || return 1
  check_docs containerd-handler "$node/dump.toml" runwasm /usr/local/bin/runwasm || return 1
  check_docs crio "$node/etc/crio/crio.conf.d/10-runwasm.conf" || return 1
  # A second run changes nothing.
  sum1=$(cat "$node/etc/containerd/config.toml" "$node/etc/crio/crio.conf.d/10-runwasm.conf" | md5sum)
  out=$(NODE_ROOT="$node" RUNWASM_BINARY="$bin" RESTART=0 sh "$script") || return 1
  echo "$out"
  sum2=$(cat "$node/etc/containerd/config.toml" "$node/etc/crio/crio.conf.d/10-runwasm.conf" | md5sum)
  expect_eq "configs after a second run" "$sum1" "$sum2" &&
    expect_match "second run says already" 'already has runtime handler' "$out"
}

eco_docs_tests() {
  mkdir -p "$ECO_T/docs"
  if ! "$PY" -c 'import yaml, tomllib' 2>/dev/null; then
    tap_skip "docs: configuration checks" "python3-yaml not installed (run scripts/install-ecosystem-deps)"
    return
  fi
  if command -v containerd >/dev/null; then
    tcase "docs: containerd/config.toml parses (containerd config dump) and registers handler runwasm" t_docs_containerd
    tcase "docs: containerd/config.toml handler = the one the CRI tests use" t_docs_containerd_matches_harness
    tcase "docs: kind-config.yaml containerd patch is accepted by containerd" t_docs_kind
    tcase "docs: node installer installs, registers containerd and CRI-O handlers, is idempotent" t_docs_installer
  else
    tap_skip "docs: containerd config checks" "containerd not installed (run scripts/install-ecosystem-deps)"
  fi
  tcase "docs: crio.conf.d/10-runwasm.conf parses (tomllib; CRI-O is not packaged in Debian 12)" t_docs_crio
  tcase "docs: Kubernetes manifests parse, kinds/apiVersions and cross-references agree" t_docs_k8s
}
