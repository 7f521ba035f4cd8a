# The Kubernetes path with the systemd cgroup driver. This host's PID 1 is not systemd, so
# tests/lib/boot-systemd boots the host's systemd as PID 1 of private namespaces and a second
# containerd runs inside it (host network, /tmp shared): CRI plugin on, runc with
# `SystemdCgroup = true`, the runtime under test registered by `runwasm node install` (which
# copies SystemdCgroup to its handler). The CRI client runs a compat pod and a compat-smart
# pod whose cgroup_parent is a systemd slice, as the kubelet sends with the systemd driver.
# Checked: every container (the native pause, the sidecar, the Wasm ones) is a transient scope
# cri-containerd-ID.scope in the pod's slice while it runs, what they print, and that
# stop/remove leaves no unit, cgroup or runtime state.

SD_PID="" SD_C="" SD_CONTAINERD=""
in_sd() { nsenter -t "$SD_PID" -m -p -C "$@"; }
sd_prop() { in_sd systemctl show -P "$2" "$1"; }
# sd_slice POD-NAME: the pod's slice as the kubelet names it (uid's "-" escaped as "_").
sd_slice() { local uid="$1-uid"; echo "kubepods-besteffort-pod${uid//-/_}.slice"; }

eco_systemd_start() {
  local a
  SD_C=$ECO_T/sd-containerd
  SD_PID=$("$REPO_DIR/tests/lib/boot-systemd" "$ECO_T/$ECO_ID-systemd") || return 1
  eco_on_exit 'eco_systemd_stop'
  eco_containerd_config "$SD_C/config.toml" "$SD_C" true || return 1
  cat "$SD_C/config.toml"
  SD_CONTAINERD=$(in_sd sh -c "containerd --config '$SD_C/config.toml' --log-level info >'$SD_C/containerd.log' 2>&1 & echo \$!")
  wait_for 20 ctr -a "$SD_C/containerd.sock" version || { tail -20 "$SD_C/containerd.log"; return 1; }
  for a in pause busybox wasm; do
    timeout 60 ctr -a "$SD_C/containerd.sock" -n k8s.io images import "$ECO_T/archives/eco-$a.tar" || return 1
  done
}

# Killing that systemd ends its pid namespace (containerd, shims, containers) and with it the
# mount namespace holding containerd's mounts; boot-systemd removes its cgroup subtree (named
# after its directory, so unique to this run).
eco_systemd_stop() {
  [ -n "$SD_PID" ] || return 0
  [ -z "$SD_CONTAINERD" ] || in_sd kill "$SD_CONTAINERD"
  "$REPO_DIR/tests/lib/boot-systemd" --stop "$ECO_T/$ECO_ID-systemd" "$SD_PID"
  SD_PID=""
}

# The handler the installer wrote has runc's SystemdCgroup, and the CRI plugin answers.
t_sd_cri_handler() {
  "$PY" -c 'import sys, tomllib
c = tomllib.load(open(sys.argv[1], "rb"))
rt = c["plugins"]["io.containerd.grpc.v1.cri"]["containerd"]["runtimes"][sys.argv[2]]
print(rt)
sys.exit(0 if rt["options"].get("SystemdCgroup") is True else 1)' "$SD_C/config.toml" "$CRI_HANDLER" ||
    { echo "FAIL handler $CRI_HANDLER has no SystemdCgroup = true"; return 1; }
  local out; out=$(cri version) || return 1
  expect_eq runtime_name containerd "$(jget runtime_name <<<"$out")"
}

# sd_expect_scope ID SLICE COMM: the container is the active scope cri-containerd-ID.scope in
# SLICE, its init (named COMM, "" for any) in that cgroup, and containerd passed the
# systemd-style cgroupsPath.
sd_expect_scope() {
  local unit=cri-containerd-$1.scope cg pid
  cg=/kubepods.slice/kubepods-besteffort.slice/$2/$unit
  expect_eq "$unit ActiveState" active "$(sd_prop "$unit" ActiveState)" || return 1
  expect_eq "$unit Slice" "$2" "$(sd_prop "$unit" Slice)" || return 1
  expect_eq "$unit ControlGroup" "$cg" "$(sd_prop "$unit" ControlGroup)" || return 1
  expect_eq "linux.cgroupsPath" "$2:cri-containerd:$1" \
    "$(captured_config "$1" | "$PY" -c 'import json,sys; print(json.load(sys.stdin)["linux"]["cgroupsPath"])')" || return 1
  pid=$(in_sd "$RUNTIME" --root "$SD_C/runc-root/k8s.io" state "$1" | jget pid) || return 1
  expect_match "cgroups of $1's init ($pid)" ":$cg\$" "$(in_sd cat "/proc/$pid/cgroup")" || return 1
  [ -z "$3" ] || expect_eq "command of $1's init" "$3" "$(in_sd cat "/proc/$pid/comm")"
}

# sd_expect_gone ID: systemd knows no unit of the container and no cgroup of it is left.
sd_expect_gone() {
  local unit=cri-containerd-$1.scope out
  in_sd systemctl status "$unit" >/dev/null 2>&1
  expect_eq "systemctl status $unit (4: no such unit)" 4 $? || return 1
  out=$(in_sd find /sys/fs/cgroup -name "$unit")
  expect_eq "cgroups of $unit" "" "$out"
}

# sd_create POD POD-NAME ANN NAME IMAGE COMMAND-JSON: creates and starts; prints the id.
sd_create() {
  local out id
  out=$(cri create "$1" "$(container_config "$4" "$5" "$6")" "$(pod_config "$2" "$3" "$(sd_slice "$2")")") ||
    { echo "$out" >&2; return 1; }
  id=$(jget container_id <<<"$out")
  cri start "$id" >&2 || return 1
  echo "$id"
}

# sd_remove ID...: StopContainer, RemoveContainer, then the scopes are gone.
sd_remove() {
  local id
  for id in "$@"; do
    cri stop "$id" 10 >/dev/null && cri rm "$id" >/dev/null || return 1
    sd_expect_gone "$id" || return 1
  done
}

# sd_remove_pod POD: StopPodSandbox, RemovePodSandbox; no scope, no runtime state left.
sd_remove_pod() {
  cri stopp "$1" >/dev/null && cri rmp "$1" >/dev/null || return 1
  sd_expect_gone "$1" || return 1
  in_sd "$RUNTIME" --root "$SD_C/runc-root/k8s.io" state "$1" >/dev/null 2>&1 &&
    { echo "FAIL the runtime still knows sandbox $1"; return 1; }
  return 0
}

t_sd_compat_pod() {
  local slice pod app hello
  slice=$(sd_slice sd-compat)
  pod=$(cri_runp sd-compat "$POD_COMPAT_ANN" "$slice") || return 1
  echo "pod $pod"
  sd_expect_scope "$pod" "$slice" pause || return 1
  app=$(sd_create "$pod" sd-compat "$POD_COMPAT_ANN" app "$WASM" '["/hello.wasm","sleep","60"]') || return 1
  wait_for 20 grep -q 'stdout F sleeping' "$ECO_T/pods/sd-compat/app.log" || return 1
  sd_expect_scope "$app" "$slice" "" || return 1
  hello=$(sd_create "$pod" sd-compat "$POD_COMPAT_ANN" hello "$WASM" '[]') || return 1
  cri_expect_wasm_output "$hello" "$ECO_T/pods/sd-compat/hello.log" || return 1
  sd_remove "$app" "$hello" && sd_remove_pod "$pod"
}

t_sd_smart_pod() {
  local slice pod sidecar wasm
  slice=$(sd_slice sd-smart)
  pod=$(cri_runp sd-smart "$POD_SMART_ANN" "$slice") || return 1
  echo "pod $pod"
  sd_expect_scope "$pod" "$slice" pause || return 1
  sidecar=$(sd_create "$pod" sd-smart "$POD_SMART_ANN" sidecar "$BB" \
    '["sh","-c","trap \"exit 0\" TERM; echo sidecar $GREETING; sleep 300 & wait"]') || return 1
  wasm=$(sd_create "$pod" sd-smart "$POD_SMART_ANN" wasm "$WASM" '["/hello.wasm","sleep","60"]') || return 1
  wait_for 20 grep -q 'sidecar from-cri' "$ECO_T/pods/sd-smart/sidecar.log" || return 1
  wait_for 20 grep -q 'stdout F sleeping' "$ECO_T/pods/sd-smart/wasm.log" || return 1
  sd_expect_scope "$sidecar" "$slice" sh && sd_expect_scope "$wasm" "$slice" "" || return 1
  sd_remove "$sidecar" "$wasm" && sd_remove_pod "$pod"
}

# Nothing of either pod is left: no pod known to the CRI plugin, no container scope in the
# booted systemd, no runtime state.
t_sd_nothing_left() {
  local out
  out=$(cri pods) || return 1
  expect_eq "pods left" '[]' "$(jget items <<<"$out")" || return 1
  expect_eq "cri-containerd scopes left" "" "$(in_sd systemctl list-units --all --no-legend 'cri-containerd-*')" || return 1
  expect_eq "runtime state left" "" "$(ls "$SD_C/runc-root/k8s.io" 2>/dev/null)"
}

eco_systemd_tests() {
  if [ ! -x /lib/systemd/systemd ] || ! command -v nsenter >/dev/null; then
    tap_skip "systemd: CRI with the systemd cgroup driver" "needs /lib/systemd/systemd and nsenter"
    return
  fi
  if ! "$PY" -c 'import grpc, grpc_tools, google.protobuf' 2>/dev/null; then
    tap_skip "systemd: CRI with the systemd cgroup driver" "python3-grpcio/python3-grpc-tools/python3-protobuf not installed"
    return
  fi
  local sock_before=$CRI_SOCK
  mkdir -p "$ECO_T/pods"
  export ECO_CRI_DESC="$ECO_T/cri-subset.desc"
  if ! eco_systemd_start >"$ECO_T/logs/systemd-start.log" 2>&1; then
    tap_fail "systemd: containerd with the CRI plugin inside a booted systemd" "$ECO_T/logs/systemd-start.log"
    return
  fi
  CRI_SOCK=$SD_C/containerd.sock
  tcase "systemd: containerd's CRI plugin inside a booted systemd, handler from node install with runc's SystemdCgroup = true" t_sd_cri_handler
  wcase "systemd: a compat pod in a kubepods slice: pause (native) and Wasm containers are scopes in the slice, gone after removal" t_sd_compat_pod
  wcase "systemd: a compat-smart pod: native sidecar and Wasm container are scopes in the pod's slice, gone after removal" t_sd_smart_pod
  tcase "systemd: no pod, scope or runtime state left" t_sd_nothing_left
  CRI_SOCK=$sock_before
  eco_systemd_stop >>"$ECO_T/cleanup.log" 2>&1
}
