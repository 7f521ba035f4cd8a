# The node installer (`runwasm node install|uninstall`) against fake node roots (--host-root):
# containerd 1.6 with config versions 1 and 2 (with and without imports), containerd 2
# (version 3), k3s, RKE2 and CRI-O layouts, each run twice. containerd 1.6's own parser
# (`containerd config dump --config`) and tomllib check the results; a fake systemctl checks
# the restart path; buildah builds the installer image. The CRI part (cri.sh) then runs its
# pods with the handler this installer wrote into the private containerd's config.

INSTALLER="$REPO_DIR/build/runwasm"
check_inst() { "$PY" "$ECO_DIR/src/check_installer.py" "$@"; }
CRI_V2='"io.containerd.grpc.v1.cri"'

# node_root NAME: a fresh fake node root; prints its path.
node_root() { local r="$ECO_T/nodes/$1"; rm -rf "$r"; mkdir -p "$r"; echo "$r"; }
# inst ROOT [ARGS...]: the installer with the fake binary, no restart.
inst() { "$INSTALLER" node install --host-root "$1" --binary "$ECO_T/nodes/fake-runwasm" --no-restart "${@:2}"; }
uninst() { "$INSTALLER" node uninstall --host-root "$1" --no-restart "${@:2}"; }
sums() { (cd "$1" && find . -type f ! -name runwasm -print0 | sort -z | xargs -0 md5sum); }

# twice ROOT [ARGS...]: install, then install again: the second run must change no byte and
# say so.
twice() {
  local before out
  inst "$@" || return 1
  before=$(sums "$1")
  out=$(inst "$@") || { echo "$out"; return 1; }
  echo "$out"
  expect_eq "files after a second run" "$before" "$(sums "$1")" &&
    expect_match "second run" 'already registered' "$out"
}

dump() { containerd --config "$1" config dump; }

# A kubeadm-style containerd 1.6 config, tables spelled with single quotes, runc with
# SystemdCgroup = true and a sandbox image of its own.
kubeadm_config() {
  cat <<'EOF'
version = 2
# kubeadm node
[plugins]
  [plugins.'io.containerd.grpc.v1.cri']
    sandbox_image = "registry.k8s.io/pause:3.9"
    [plugins.'io.containerd.grpc.v1.cri'.containerd]
      default_runtime_name = "runc"
      [plugins.'io.containerd.grpc.v1.cri'.containerd.runtimes.runc]
        runtime_type = "io.containerd.runc.v2"
        [plugins.'io.containerd.grpc.v1.cri'.containerd.runtimes.runc.options]
          SystemdCgroup = true   # the kubelet uses the systemd cgroup driver
EOF
}

t_inst_v2() {
  local r; r=$(node_root v2)
  mkdir -p "$r/etc/containerd"
  kubeadm_config >"$r/etc/containerd/config.toml"
  cp "$r/etc/containerd/config.toml" "$r/original.toml"
  dump "$r/original.toml" >"$r/before.dump" || return 1
  twice "$r" || return 1
  cmp "$ECO_T/nodes/fake-runwasm" "$r/usr/local/bin/runwasm" || { echo "FAIL binary not installed"; return 1; }
  dump "$r/etc/containerd/config.toml" >"$r/after.dump" || return 1
  check_inst dump-diff "$r/before.dump" "$r/after.dump" runwasm /usr/local/bin/runwasm true || return 1
  # Everything the file said before is still there, byte for byte, at its start.
  cmp -n "$(stat -c %s "$r/original.toml")" "$r/original.toml" "$r/etc/containerd/config.toml" ||
    { echo "FAIL the original text was changed"; return 1; }
  uninst "$r" || return 1
  cmp "$r/original.toml" "$r/etc/containerd/config.toml" || { echo "FAIL uninstall did not restore the file"; return 1; }
  [ ! -e "$r/usr/local/bin/runwasm" ] || { echo "FAIL uninstall left the binary"; return 1; }
}

t_inst_v1() {
  local r; r=$(node_root v1)
  mkdir -p "$r/etc/containerd"
  cat >"$r/etc/containerd/config.toml" <<'EOF'
# containerd 1.x, config version 1 (no `version` key)
[plugins.cri]
  sandbox_image = "registry.k8s.io/pause:3.6"
  [plugins.cri.containerd]
    default_runtime_name = "runc"
    [plugins.cri.containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"
      [plugins.cri.containerd.runtimes.runc.options]
        SystemdCgroup = false
EOF
  dump "$r/etc/containerd/config.toml" >"$r/before.dump" || return 1
  twice "$r" || return 1
  expect_match "version-1 table" '^\[plugins\.cri\.containerd\.runtimes\.runwasm\]$' "$(cat "$r/etc/containerd/config.toml")" || return 1
  dump "$r/etc/containerd/config.toml" >"$r/after.dump" || return 1
  check_inst dump-diff "$r/before.dump" "$r/after.dump" runwasm /usr/local/bin/runwasm false
}

# containerd 1.6 takes an imported file's CRI section whole: the handler must go into the file
# that has it, or the main file's sandbox_image and SystemdCgroup are lost.
t_inst_imports() {
  local r c; r=$(node_root imports); c="$r/etc/containerd"
  mkdir -p "$c/conf.d"
  printf 'version = 2\nimports = ["conf.d/10-cri.toml"]\n\n[plugins."io.containerd.internal.v1.opt"]\n  path = "/var/lib/containerd/opt"\n' >"$c/config.toml"
  kubeadm_config >"$c/conf.d/10-cri.toml"
  dump "$c/config.toml" >"$r/before.dump" || return 1
  twice "$r" || return 1
  expect_match "handler in the CRI section's file" 'runtimes\.runwasm\]' "$(cat "$c/conf.d/10-cri.toml")" &&
    expect_no_match "nothing added to the main file" 'runwasm' "$(cat "$c/config.toml")" || return 1
  dump "$c/config.toml" >"$r/after.dump" || return 1
  check_inst dump-diff "$r/before.dump" "$r/after.dump" runwasm /usr/local/bin/runwasm true
}

# The same tables spelled with other quoting count as present; an older handler table (the
# shell installer's) is replaced, never duplicated.
t_inst_quoting() {
  local r c before out; r=$(node_root quoting); c="$r/etc/containerd"
  mkdir -p "$c"
  kubeadm_config >"$c/config.toml"
  inst "$r" >/dev/null || return 1
  sed -i -e "s/\"io.containerd.grpc.v1.cri\"/'io.containerd.grpc.v1.cri'/g" -e 's/runtimes\.runwasm/runtimes."runwasm"/g' \
    -e 's/^  runtime_type = "io.containerd.runc.v2"$/  runtime_type = '"'"'io.containerd.runc.v2'"'"'/' "$c/config.toml"
  grep -n "runwasm" "$c/config.toml"
  before=$(md5sum <"$c/config.toml")
  out=$(inst "$r") || return 1; echo "$out"
  expect_eq "config with the handler spelled differently" "$before" "$(md5sum <"$c/config.toml")" || return 1
  # An old handler: other BinaryName, no SystemdCgroup, in the old installer's spelling.
  kubeadm_config >"$c/config.toml"
  cat >>"$c/config.toml" <<'EOF'

# Added by the runwasm node installer.
[plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runwasm]
  runtime_type = "io.containerd.runc.v2"
[plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runwasm.options]
  BinaryName = "/opt/old/runwasm"
EOF
  twice "$r" || return 1
  expect_eq "handler tables" 2 "$(grep -c 'runtimes\.runwasm' "$c/config.toml")" || return 1
  dump "$c/config.toml" >"$r/after.dump" || return 1
  kubeadm_config >"$r/plain.toml"; dump "$r/plain.toml" >"$r/before.dump" || return 1
  check_inst dump-diff "$r/before.dump" "$r/after.dump" runwasm /usr/local/bin/runwasm true
}

# containerd 2.x (config version 3) is not installable here: checked by parsing only.
t_inst_v3() {
  local r c; r=$(node_root v3); c="$r/etc/containerd"
  mkdir -p "$c"
  cat >"$c/config.toml" <<'EOF'
version = 3
[plugins.'io.containerd.cri.v1.images']
  [plugins.'io.containerd.cri.v1.images'.pinned_images]
    sandbox = "registry.k8s.io/pause:3.10"
[plugins.'io.containerd.cri.v1.runtime'.containerd.runtimes.runc]
  runtime_type = 'io.containerd.runc.v2'
[plugins.'io.containerd.cri.v1.runtime'.containerd.runtimes.runc.options]
  SystemdCgroup = true
EOF
  twice "$r" --no-check || return 1
  check_inst handler "$c/config.toml" io.containerd.cri.v1.runtime runwasm /usr/local/bin/runwasm true &&
    expect_match "sandbox image kept" 'sandbox = "registry.k8s.io/pause:3.10"' "$(cat "$c/config.toml")"
}

# What k3s (containerd 1.7, config version 2) generates; the base template renders to it.
k3s_generated() {
  cat <<'EOF'
# File generated by k3s. DO NOT EDIT. Use config.toml.tmpl instead.
version = 2

[plugins."io.containerd.internal.v1.opt"]
  path = "/var/lib/rancher/k3s/agent/containerd"
[plugins."io.containerd.grpc.v1.cri"]
  stream_server_address = "127.0.0.1"
  enable_selinux = false
  sandbox_image = "rancher/mirrored-pause:3.6"

[plugins."io.containerd.grpc.v1.cri".containerd]
  snapshotter = "overlayfs"
  disable_snapshot_annotations = true

[plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
  runtime_type = "io.containerd.runc.v2"

[plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
  SystemdCgroup = true
EOF
}

t_inst_k3s() {
  local r d; r=$(node_root k3s); d="$r/var/lib/rancher/k3s/agent/etc/containerd"
  mkdir -p "$d"
  k3s_generated >"$d/config.toml"
  twice "$r" || return 1
  expect_eq "template starts from k3s' base" '{{ template "base" . }}' "$(head -1 "$d/config.toml.tmpl")" || return 1
  check_inst template "$d/config.toml.tmpl" io.containerd.grpc.v1.cri runwasm /usr/local/bin/runwasm || return 1
  # Rendered as k3s would (base = what it generates), containerd 1.6 accepts it.
  k3s_generated >"$r/base.toml"
  check_inst render "$d/config.toml.tmpl" "$r/base.toml" "$r/rendered.toml" || return 1
  dump "$r/base.toml" >"$r/before.dump" && dump "$r/rendered.toml" >"$r/after.dump" || return 1
  check_inst dump-diff "$r/before.dump" "$r/after.dump" runwasm /usr/local/bin/runwasm true || return 1
  uninst "$r" || return 1
  [ ! -e "$d/config.toml.tmpl" ] || { echo "FAIL uninstall left the template it created"; return 1; }
}

# k3s with containerd 2: its generated config is version 3, it renders config-v3.toml.tmpl.
t_inst_k3s_v3() {
  local r d; r=$(node_root k3s-v3); d="$r/var/lib/rancher/k3s/agent/etc/containerd"
  mkdir -p "$d"
  printf '# File generated by k3s.\nversion = 3\n' >"$d/config.toml"
  twice "$r" || return 1
  [ ! -e "$d/config.toml.tmpl" ] || { echo "FAIL wrote the version-2 template"; return 1; }
  check_inst template "$d/config-v3.toml.tmpl" io.containerd.cri.v1.runtime runwasm /usr/local/bin/runwasm
}

# RKE2 with a template of the user's own, Go template actions and all: edited in place.
t_inst_rke2() {
  local r d; r=$(node_root rke2); d="$r/var/lib/rancher/rke2/agent/etc/containerd"
  mkdir -p "$d"
  cat >"$d/config.toml.tmpl" <<'EOF'
version = 2
[plugins."io.containerd.internal.v1.opt"]
  path = "{{ .NodeConfig.Containerd.Opt }}"
[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "{{ .NodeConfig.AgentConfig.PauseImage }}"
{{ if .NodeConfig.AgentConfig.Snapshotter }}
[plugins."io.containerd.grpc.v1.cri".containerd]
  snapshotter = "{{ .NodeConfig.AgentConfig.Snapshotter }}"
{{end}}
[plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
  runtime_type = "io.containerd.runc.v2"
[plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
  SystemdCgroup = {{ .SystemdCgroup }}
{{ if .PrivateRegistryConfig }}
[plugins."io.containerd.grpc.v1.cri".registry]
  config_path = "/var/lib/rancher/rke2/agent/etc/containerd/certs.d"
{{end}}
EOF
  cp "$d/config.toml.tmpl" "$r/original.tmpl"
  twice "$r" || return 1
  cmp -n "$(stat -c %s "$r/original.tmpl")" "$r/original.tmpl" "$d/config.toml.tmpl" || { echo "FAIL template text changed"; return 1; }
  check_inst template "$d/config.toml.tmpl" io.containerd.grpc.v1.cri runwasm /usr/local/bin/runwasm || return 1
  uninst "$r" --runtime rke2 || return 1
  cmp "$r/original.tmpl" "$d/config.toml.tmpl" || { echo "FAIL uninstall did not restore the template"; return 1; }
}

t_inst_crio() {
  local r; r=$(node_root crio)
  mkdir -p "$r/etc/crio/crio.conf.d"
  printf '[crio.runtime]\ndefault_runtime = "crun"\n' >"$r/etc/crio/crio.conf"
  twice "$r" || return 1
  check_inst crio "$r/etc/crio/crio.conf.d/10-runwasm.conf" runwasm /usr/local/bin/runwasm || return 1
  uninst "$r" || return 1
  [ ! -e "$r/etc/crio/crio.conf.d/10-runwasm.conf" ] || { echo "FAIL uninstall left the drop-in"; return 1; }
}

# The runtimes' own checkers, faked on PATH: a CRI-O from before CVE-2024-3154 refuses the
# allow-list (the installer must fall back to a drop-in without it, once), and a containerd
# that refuses the result makes the installer put the old file back and fail.
t_inst_checkers() {
  local r out fake="$ECO_T/nodes/fakebin"
  mkdir -p "$fake"
  cat >"$fake/crio" <<'EOF'
#!/bin/sh
while [ $# -gt 0 ]; do [ "$1" = --config-dir ] && dir=$2; shift; done
if grep -q '^allowed_annotations' "$dir"/*.conf; then echo 'invalid allowed_annotation: module.wasm.image/variant'; exit 1; fi
echo "[crio]"
EOF
  printf '#!/bin/sh
echo "containerd: failed to load TOML: (3, 1): refused by the fake"; exit 1
' >"$fake/containerd"
  chmod +x "$fake/crio" "$fake/containerd"
  r=$(node_root old-crio); mkdir -p "$r/etc/crio/crio.conf.d"
  PATH="$fake:$PATH" twice "$r" || return 1
  out=$(cat "$r/etc/crio/crio.conf.d/10-runwasm.conf"); echo "$out"
  expect_no_match "no allow-list for this CRI-O" '^allowed_annotations' "$out" || return 1
  PATH="$fake:$PATH" inst "$r" --crio-annotations yes >/dev/null 2>&1 && { echo "FAIL --crio-annotations yes accepted"; return 1; }
  expect_eq "drop-in after a refused --crio-annotations yes" "$out" "$(cat "$r/etc/crio/crio.conf.d/10-runwasm.conf")" || return 1
  r=$(node_root refused); mkdir -p "$r/etc/containerd"; kubeadm_config >"$r/etc/containerd/config.toml"
  cp "$r/etc/containerd/config.toml" "$r/original.toml"
  if out=$(PATH="$fake:$PATH" inst "$r" 2>&1); then echo "FAIL exit 0 when containerd refuses"; return 1; fi
  echo "$out"
  expect_match "error" 'containerd --config /etc/containerd/config.toml config dump. rejects the new configuration: containerd: failed to load TOML' "$out" &&
    cmp "$r/original.toml" "$r/etc/containerd/config.toml"
}

# A fake systemctl: `is-active containerd` succeeds, `restart` fails the first $fails times.
fake_systemctl() {
  local b="$ECO_T/nodes/systemctl"
  cat >"$b" <<EOF
#!/bin/sh
echo "\$*" >>'$ECO_T/nodes/systemctl.log'
case "\$1" in
  is-active) [ "\$2" = containerd ] || exit 3
             [ -e '$ECO_T/nodes/down' ] && exit 3; exit 0 ;;
  restart) n=\$(cat '$ECO_T/nodes/restarts' 2>/dev/null || echo 0); n=\$((n + 1)); echo \$n >'$ECO_T/nodes/restarts'
           if [ \$n -le \$(cat '$ECO_T/nodes/fails') ]; then touch '$ECO_T/nodes/down'; echo "Job for containerd.service failed."; exit 1; fi
           rm -f '$ECO_T/nodes/down'; exit 0 ;;
esac
exit 1
EOF
  chmod +x "$b"
  : >"$ECO_T/nodes/systemctl.log"; rm -f "$ECO_T/nodes/down"; echo 0 >"$ECO_T/nodes/restarts"; echo "$1" >"$ECO_T/nodes/fails"
}
inst_restart() {
  "$INSTALLER" node install --host-root "$1" --binary "$ECO_T/nodes/fake-runwasm" \
    --systemctl "$ECO_T/nodes/systemctl" --restart-attempts 2 "${@:2}"
}

t_inst_restart() {
  local r c out; r=$(node_root restart); c="$r/etc/containerd"
  mkdir -p "$c"; kubeadm_config >"$c/config.toml"; cp "$c/config.toml" "$r/original.toml"
  # One failure: retried, then fine.
  fake_systemctl 1
  out=$(inst_restart "$r") || { echo "$out"; return 1; }; echo "$out"
  expect_eq "restarts" 2 "$(grep -c '^restart containerd' "$ECO_T/nodes/systemctl.log")" || return 1
  out=$(inst_restart "$r") || return 1
  expect_eq "restarts when nothing changed" 2 "$(grep -c '^restart containerd' "$ECO_T/nodes/systemctl.log")" || return 1
  # Always failing: non-zero exit, the old configuration back.
  kubeadm_config >"$c/config.toml"
  fake_systemctl 100
  if out=$(inst_restart "$r" 2>&1); then echo "$out"; echo "FAIL exit 0 after failed restarts"; return 1; fi
  echo "$out"
  expect_match "error" 'restart `containerd` failed 2 times.*previous configuration is restored|previous configuration is restored.*restart `containerd` failed' "$out" || return 1
  cmp "$r/original.toml" "$c/config.toml" || { echo "FAIL configuration not restored"; return 1; }
  # A restart that failed without an edit to undo (killed half-way) is done by the next run.
  fake_systemctl 0
  inst "$r" >/dev/null && mkdir -p "$r/var/lib/runwasm/node" && touch "$r/var/lib/runwasm/node/restart-containerd-pending"
  out=$(inst_restart "$r") || { echo "$out"; return 1; }; echo "$out"
  expect_eq "pending restart done" 1 "$(grep -c '^restart containerd' "$ECO_T/nodes/systemctl.log")" &&
    [ ! -e "$r/var/lib/runwasm/node/restart-containerd-pending" ]
}

# The DaemonSet's way: --enter-node from a "pod" whose mount namespace differs from the "node"
# (PID 1 of a private PID namespace). The node has the fake config at /etc/containerd and a
# tmpfs at /usr/local/bin holding a fake systemctl; the pod sees the node at --host-root and
# has neither at its own paths, so systemctl, `containerd config dump` and the binary check
# only work if they really run in PID 1's namespaces.
t_inst_enter_node() {
  local r n out; r=$(node_root enter); n="$ECO_T/nodes/nodeview"
  mkdir -p "$r/etc/containerd" "$n"; kubeadm_config >"$r/etc/containerd/config.toml"
  fake_systemctl 0
  out=$(unshare -pfm --mount-proc --propagation private sh -c '
    r=$1 n=$2 inst=$3 fake=$4 bin=$5
    mount --bind "$r/etc/containerd" /etc/containerd && mount -t tmpfs tmpfs /usr/local/bin &&
      cp "$fake" /usr/local/bin/fake-systemctl || exit 1
    unshare -m --propagation private sh -c "
      mount --rbind / \"$n\" && umount /usr/local/bin && umount /etc/containerd || exit 1
      [ ! -e /usr/local/bin/fake-systemctl ] || exit 1
      \"$inst\" node install --host-root \"$n\" --enter-node --binary \"$bin\" --systemctl /usr/local/bin/fake-systemctl
      st=\$?; umount -l \"$n\"; exit \$st"' \
    sh "$r" "$n" "$INSTALLER" "$ECO_T/nodes/systemctl" "$ECO_T/nodes/fake-runwasm" 2>&1)
  local st=$?; echo "$out"
  expect_eq "installer exit status" 0 "$st" || return 1
  expect_match "checked in the node's namespaces" 'checked with `containerd config dump`' "$out" &&
    expect_match "restarted through the node's systemctl" 'containerd restarted' "$out" &&
    expect_eq "restarts" 1 "$(grep -c '^restart containerd' "$ECO_T/nodes/systemctl.log")" &&
    check_inst handler "$r/etc/containerd/config.toml" io.containerd.grpc.v1.cri runwasm /usr/local/bin/runwasm true
}

t_inst_errors() {
  local r out; r=$(node_root empty)
  if out=$(inst "$r" 2>&1); then echo "FAIL exit 0 with no runtime: $out"; return 1; fi
  expect_match "no runtime" 'no container runtime found under' "$out" || return 1
  [ ! -e "$r/usr" ] || { echo "FAIL installed a binary on a node with no runtime"; return 1; }
  r=$(node_root broken); mkdir -p "$r/etc/containerd"
  printf 'version = 2\n[plugins."io.containerd.grpc.v1.cri"]\n  sandbox_image = "x\n' >"$r/etc/containerd/config.toml"
  cp "$r/etc/containerd/config.toml" "$r/original.toml"
  if out=$(inst "$r" 2>&1); then echo "FAIL exit 0 on broken TOML"; return 1; fi
  echo "$out"
  expect_match "error names file and line" 'config.toml:3: newline in a single-line string' "$out" &&
    cmp "$r/original.toml" "$r/etc/containerd/config.toml" || return 1
  # A duplicate table (what a text-appending installer makes): refused, not made worse.
  printf 'version = 2\n[plugins."io.containerd.grpc.v1.cri"]\n[plugins.'"'"'io.containerd.grpc.v1.cri'"'"']\n' >"$r/etc/containerd/config.toml"
  if out=$(inst "$r" 2>&1); then echo "FAIL exit 0 on a duplicate table"; return 1; fi
  expect_match "duplicate" 'defined twice' "$out" || return 1
  # A binary that cannot run on the node (a dynamic build without its libraries): no handler.
  r=$(node_root nolibs); mkdir -p "$r/etc/containerd"; kubeadm_config >"$r/etc/containerd/config.toml"
  printf '#!/bin/sh\necho "runwasm: error while loading shared libraries: libjson-c.so.5" >&2; exit 127\n' >"$ECO_T/nodes/dynamic-runwasm"
  if out=$("$INSTALLER" node install --host-root "$r" --binary "$ECO_T/nodes/dynamic-runwasm" --no-restart 2>&1); then
    echo "FAIL exit 0 with a binary that does not run"; return 1
  fi
  echo "$out"
  expect_match "binary check" 'does not run on this node \(exit 127\): runwasm: error while loading shared libraries.*make static' "$out" &&
    expect_no_match "no handler" runwasm "$(cat "$r/etc/containerd/config.toml")"
}

# The installer image: buildah from the shipped Containerfile (FROM scratch, the static binary),
# run by podman with the runtime under test against a fake node root, with the DaemonSet's
# command and mount path.
t_inst_image() {
  local r out cmd mnt img=localhost/eco-node-installer:latest
  make -C "$REPO_DIR" -s static >/dev/null || return 1
  buildah build --quiet --layers=false -t "$img" -f "$REPO_DIR/docs/kubernetes/node-installer/Containerfile" "$REPO_DIR" || return 1
  out=$(podman image inspect --format '{{len .RootFS.Layers}} {{.Config.Entrypoint}}' "$img") || return 1
  expect_eq "image" '1 [/runwasm node install --host-root /host --enter-node]' "$out" || return 1
  read -r cmd mnt < <("$PY" -c 'import json,yaml,sys
d=[x for x in yaml.safe_load_all(open(sys.argv[1])) if x["kind"]=="DaemonSet"][0]["spec"]["template"]["spec"]
i=d["initContainers"][0]
print(json.dumps(i["command"], separators=(",", ":")), i["volumeMounts"][0]["mountPath"])' "$REPO_DIR/docs/kubernetes/node-installer/daemonset.yaml") || return 1
  r=$(node_root image); mkdir -p "$r/etc/containerd"; kubeadm_config >"$r/etc/containerd/config.toml"
  out=$(podman run --rm --name "eco-installer-$ECO_ID" -v "$r:$mnt" --entrypoint "$cmd" "$img" --no-restart --no-check) ||
    { echo "$out"; return 1; }
  echo "$out"
  cmp "$REPO_DIR/build/static/runwasm" "$r/usr/local/bin/runwasm" &&
    check_inst handler "$r/etc/containerd/config.toml" io.containerd.grpc.v1.cri runwasm /usr/local/bin/runwasm true
}

# The private containerd of cri.sh got its handler from the installer (eco_containerd_config).
t_inst_cri_config() {
  local cfg="$ECO_T/containerd/config.toml"
  expect_match "installer's tables in the CRI config" "^# Runtime handler \"$CRI_HANDLER\", added by .runwasm node install." "$(cat "$cfg")" || return 1
  dump "$cfg" >"$ECO_T/nodes/cri.dump" || return 1
  check_inst handler "$ECO_T/nodes/cri.dump" io.containerd.grpc.v1.cri "$CRI_HANDLER" "$WRAPPER" false
}

# The image archive loads into containerd's k8s.io namespace under the DaemonSet's image name,
# as `kind load image-archive` and `k3s ctr images import` do it.
t_inst_archive_import() {
  local archive="$REPO_DIR/build/runwasm-node-installer.oci.tar" image out
  image=$("$PY" -c 'import yaml,sys
d=[x for x in yaml.safe_load_all(open(sys.argv[1])) if x["kind"]=="DaemonSet"][0]
print(d["spec"]["template"]["spec"]["initContainers"][0]["image"])' "$REPO_DIR/docs/kubernetes/node-installer/daemonset.yaml") || return 1
  make -C "$REPO_DIR" -s installer-image >/dev/null || return 1
  CTR_NS=k8s.io ctrc images import "$archive" || return 1
  out=$(CTR_NS=k8s.io ctrc images ls -q); echo "$out"
  CTR_NS=k8s.io ctrc images rm "$image" >/dev/null
  expect_match "imported image" "^$image\$" "$out"
}

eco_installer_tests() {
  mkdir -p "$ECO_T/nodes"
  printf '#!/bin/sh\necho fake runwasm\n' >"$ECO_T/nodes/fake-runwasm"
  if ! "$INSTALLER" node --help >/dev/null 2>&1; then
    tap_fail "installer: build/runwasm has a node subcommand"; return
  fi
  if ! command -v containerd >/dev/null; then
    tap_skip "installer: containerd layouts" "containerd not installed (run scripts/install-ecosystem-deps)"
  else
    tcase "installer: containerd 1.6 config v2 (kubeadm, single-quoted tables): dump = before + handler with runc's SystemdCgroup; twice; uninstall restores the file" t_inst_v2
    tcase "installer: containerd 1.6 config v1 (plugins.cri): version-1 tables, dump = before + handler; twice" t_inst_v1
    tcase "installer: containerd 1.6 with imports: handler in the file holding the CRI section, sandbox_image/SystemdCgroup kept; twice" t_inst_imports
    tcase "installer: the handler spelled with other quoting counts as present; an old handler table is replaced, not duplicated" t_inst_quoting
    tcase "installer: k3s (base template, containerd 1.7): config.toml.tmpl renders to a config containerd accepts; uninstall removes it" t_inst_k3s
    tcase "installer: a failed restart is retried, a lasting one restores the config and exits non-zero, a pending one is redone" t_inst_restart
    tcase "installer: checkers refuse: an old CRI-O gets a drop-in without allowed_annotations; a refused containerd config is put back" t_inst_checkers
    tcase "installer: --enter-node from a pod's mount namespace runs systemctl, containerd and the binary in PID 1's" t_inst_enter_node
    tcase "installer: no runtime / broken TOML / duplicate table / a binary that does not run: non-zero exit naming the problem, nothing changed" t_inst_errors
  fi
  tcase "installer: containerd 2 config v3 (parsed only: containerd 2 is not packaged here); twice" t_inst_v3
  tcase "installer: k3s with containerd 2: config-v3.toml.tmpl; twice" t_inst_k3s_v3
  tcase "installer: RKE2 with its own Go template: edited in place, twice; uninstall restores it" t_inst_rke2
  tcase "installer: CRI-O drop-in with allowed_annotations CRI-O accepts; twice; uninstall removes it" t_inst_crio
}
