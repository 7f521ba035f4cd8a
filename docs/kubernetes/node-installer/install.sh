#!/bin/sh
# runwasm node installer. Runs in a privileged DaemonSet pod (daemonset.yaml) with the node's
# root filesystem mounted at $NODE_ROOT and the host PID namespace; it can also be run by hand
# on a node with NODE_ROOT=/.
#   1. installs the runwasm binary as $NODE_ROOT/usr/local/bin/runwasm (atomically);
#   2. registers runtime handler "runwasm" with containerd (config version 2 or 3) and/or CRI-O,
#      once: running it again changes nothing;
#   3. restarts the container runtime on the node so the handler takes effect (RESTART=0 skips).
# Environment: NODE_ROOT (/mnt/node-root), RUNWASM_BINARY (/assets/runwasm),
# HANDLER (runwasm), RESTART (1).
set -eu

NODE_ROOT=${NODE_ROOT:-/mnt/node-root}
RUNWASM_BINARY=${RUNWASM_BINARY:-/assets/runwasm}
HANDLER=${HANDLER:-runwasm}
RESTART=${RESTART:-1}
BIN_PATH=/usr/local/bin/runwasm            # as the node sees it
ANNOTATIONS='["module.wasm.image/variant", "run.oci.handler"]'

log() { echo "runwasm-installer: $*"; }

install_binary() {
  dest="$NODE_ROOT$BIN_PATH"
  mkdir -p "$(dirname "$dest")"
  if [ -f "$dest" ] && cmp -s "$RUNWASM_BINARY" "$dest"; then
    log "binary already installed at $BIN_PATH"
    return 1
  fi
  cp "$RUNWASM_BINARY" "$dest.new"
  chmod 0755 "$dest.new"
  mv -f "$dest.new" "$dest"        # a running container keeps its old inode
  log "installed $BIN_PATH"
}

# containerd: append the handler's tables unless the config already has them. Appending is
# valid TOML because a sub-table may be defined after its parents.
configure_containerd() {
  conf="$NODE_ROOT/etc/containerd/config.toml"
  [ -d "$NODE_ROOT/etc/containerd" ] || [ -x "$NODE_ROOT/usr/bin/containerd" ] ||
    [ -x "$NODE_ROOT/usr/local/bin/containerd" ] || return 1
  mkdir -p "$(dirname "$conf")"
  [ -f "$conf" ] || echo "version = 2" >"$conf"
  if grep -Eq '^[[:space:]]*version[[:space:]]*=[[:space:]]*3' "$conf"; then
    base='plugins."io.containerd.cri.v1.runtime".containerd.runtimes'
  else
    base='plugins."io.containerd.grpc.v1.cri".containerd.runtimes'
  fi
  if grep -Fq "[$base.$HANDLER]" "$conf"; then
    log "containerd already has runtime handler $HANDLER"
    return 1
  fi
  cp "$conf" "$conf.bak-runwasm"
  cat >>"$conf" <<EOF

# Added by the runwasm node installer.
[$base.$HANDLER]
  runtime_type = "io.containerd.runc.v2"
  pod_annotations = $ANNOTATIONS
  container_annotations = $ANNOTATIONS
[$base.$HANDLER.options]
  BinaryName = "$BIN_PATH"
EOF
  log "registered runtime handler $HANDLER in /etc/containerd/config.toml"
}

configure_crio() {
  [ -d "$NODE_ROOT/etc/crio" ] || return 1
  dropin="$NODE_ROOT/etc/crio/crio.conf.d/10-$HANDLER.conf"
  new=$(cat <<EOF
# Added by the runwasm node installer.
[crio.runtime.runtimes.$HANDLER]
runtime_path = "$BIN_PATH"
runtime_type = "oci"
runtime_root = "/run/$HANDLER"
allowed_annotations = $ANNOTATIONS
EOF
)
  if [ -f "$dropin" ] && [ "$(cat "$dropin")" = "$new" ]; then
    log "CRI-O already has runtime handler $HANDLER"
    return 1
  fi
  mkdir -p "$(dirname "$dropin")"
  printf '%s\n' "$new" >"$dropin"
  log "registered runtime handler $HANDLER in /etc/crio/crio.conf.d/"
}

# Runs a command in the node's namespaces (needs hostPID), e.g. its systemctl.
on_node() { nsenter --target 1 --mount --uts --ipc --net --pid -- "$@"; }

restart_runtime() {
  [ "$RESTART" = 1 ] || { log "RESTART=0: restart $1 yourself"; return 0; }
  log "restarting $1"
  on_node systemctl restart "$1"
}

[ -f "$RUNWASM_BINARY" ] || { log "no binary at $RUNWASM_BINARY"; exit 1; }
install_binary || true
if configure_containerd; then restart_runtime containerd; fi
if configure_crio; then restart_runtime crio; fi
log "done"
