# The shipped configuration (docs/) checked with the real tools where they exist here:
# containerd parses its config, python3-yaml and tomllib parse the rest (the node installer
# has its own part, installer.sh). docs/podman/containers.conf is exercised by podman itself in
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

# The Deployment's Wasm app (examples/wasm-ticker) builds as documented and runs under the
# runtime as a compat-smart container, picked by its entrypoint.
t_docs_ticker() {
  local d="$ECO_T/docs/ticker" out
  mkdir -p "$d"
  cp "$REPO_DIR/examples/wasm-ticker/Containerfile" "$d/"
  clang-19 --target=wasm32-wasi -O2 "$REPO_DIR/examples/wasm-ticker/ticker.c" -o "$d/ticker.wasm" || return 1
  buildah build --quiet --platform wasi/wasm -t localhost/eco-wasm-ticker:latest "$d" || return 1
  out=$(podman run --rm --name "eco-ticker-$ECO_ID" --annotation module.wasm.image/variant=compat-smart \
    -e TICKS=2 -e INTERVAL=1 localhost/eco-wasm-ticker:latest 2>&1) || { echo "$out"; return 1; }
  echo "$out"
  expect_eq "ticker output" $'wasm-ticker: tick 1\nwasm-ticker: tick 2' "$(grep -v '^WARNING' <<<"$out")"
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
  else
    tap_skip "docs: containerd config checks" "containerd not installed (run scripts/install-ecosystem-deps)"
  fi
  tcase "docs: crio.conf.d/10-runwasm.conf parses (tomllib; CRI-O is not packaged in Debian 12)" t_docs_crio
  tcase "docs: Kubernetes manifests parse, kinds/apiVersions and cross-references agree" t_docs_k8s
}
