# The Kubernetes path: containerd's CRI plugin with the runtime under test registered as runtime
# handler $CRI_HANDLER (runtime_type io.containerd.runc.v2, options.BinaryName = the wrapper,
# pod_annotations allow-list), driven over gRPC by src/cri_client.py as the kubelet would:
# RunPodSandbox (pause image built here), CreateContainer, StartContainer, ExecSync, Stop/Remove.
# Pods use the host network (NamespaceMode NODE), so no CNI plugin is involved.

# CRI_SOCK: the containerd the client speaks to (the systemd part points it at its own).
CRI_SOCK=""
cri() { timeout "${ECO_CMD_TIMEOUT:-90}" "$PY" "$ECO_DIR/src/cri_client.py" "${CRI_SOCK:-$ECO_T/containerd/containerd.sock}" "$@"; }
# jget PATH: a field of the JSON on stdin, PATH like status.state ("" when absent).
jget() {
  "$PY" -c 'import json,sys
v=json.load(sys.stdin)
for k in sys.argv[1].split("."):
    v=v.get(k, "") if isinstance(v, dict) else ""
print(v if not isinstance(v,(dict,list)) else json.dumps(v, sort_keys=True))' "$1"
}

# pod_config NAME ANNOTATION-JSON [CGROUP-PARENT]: a PodSandboxConfig as the kubelet would
# send it; the cgroup parent is a path below the work dir's cgroup unless given.
pod_config() {
  printf '{"metadata":{"name":"%s","uid":"%s-uid","namespace":"eco"},"log_directory":"%s",' \
    "$1" "$1" "$ECO_T/pods/$1"
  printf '"annotations":%s,"labels":{"app":"%s"},' "$2" "$1"
  printf '"linux":{"cgroup_parent":"%s","security_context":{"namespace_options":{"network":"NODE","pid":"CONTAINER"}}}}' \
    "${3:-/$ECO_ID/$1}"
}
# container_config NAME IMAGE COMMAND-JSON: a ContainerConfig; COMMAND-JSON [] keeps the image's.
container_config() {
  printf '{"metadata":{"name":"%s"},"image":{"image":"%s"},"command":%s,"log_path":"%s.log",' "$1" "$2" "$3" "$1"
  printf '"envs":[{"key":"GREETING","value":"from-cri"}],'
  printf '"linux":{"security_context":{"namespace_options":{"network":"NODE","pid":"CONTAINER"}}}}'
}

CRI_POD_SMART="" CRI_POD_COMPAT="" CRI_SIDECAR="" CRI_WASM_SMART=""
POD_SMART_ANN='{"module.wasm.image/variant":"compat-smart","eco.test/not-listed":"x"}'
POD_COMPAT_ANN='{"module.wasm.image/variant":"compat"}'

eco_cri_prepare() {
  local a
  mkdir -p "$ECO_T/pods"
  export ECO_CRI_DESC="$ECO_T/cri-subset.desc"
  # The CRI plugin sees the images of containerd namespace k8s.io.
  for a in pause busybox wasm mixed; do
    CTR_NS=k8s.io ctrc images import "$ECO_T/archives/eco-$a.tar" || return 1
  done
}

t_cri_version() {
  local out; out=$(cri version) || return 1; echo "$out"
  expect_eq runtime_name containerd "$(jget runtime_name <<<"$out")" &&
    expect_eq runtime_api_version v1 "$(jget runtime_api_version <<<"$out")"
}

t_cri_status() {
  local out; out=$(cri status) || return 1; echo "$out"
  "$PY" -c 'import json,sys
c={x["type"]: x["status"] for x in json.load(sys.stdin)["status"]["conditions"]}
sys.exit(0 if c.get("RuntimeReady") else 1)' <<<"$out" || { echo "FAIL RuntimeReady not true"; return 1; }
}

t_cri_images() {
  local a out
  for a in pause busybox wasm mixed; do
    out=$(cri inspecti "localhost/eco-$a:latest") || return 1
    expect_match "image eco-$a known to CRI" "localhost/eco-$a:latest" "$(jget image.repo_tags <<<"$out")" || return 1
  done
}

# cri_runp NAME ANNOTATIONS [CGROUP-PARENT]: RunPodSandbox with the handler under test;
# prints the pod id.
cri_runp() {
  local out
  out=$(cri runp "$CRI_HANDLER" "$(pod_config "$@")") || { echo "$out" >&2; return 1; }
  jget pod_sandbox_id <<<"$out"
}

t_cri_runp_smart() {
  local mark out; mark=$(calls_mark)
  CRI_POD_SMART=$(cri_runp eco-smart "$POD_SMART_ANN") || return 1
  echo "pod $CRI_POD_SMART"
  out=$(cri podstatus "$CRI_POD_SMART") || return 1
  expect_eq state SANDBOX_READY "$(jget status.state <<<"$out")" || return 1
  expect_eq runtime_handler "$CRI_HANDLER" "$(jget status.runtime_handler <<<"$out")" || return 1
  # The handler's BinaryName really is what the shim ran.
  out=$(calls_since "$mark"); echo "$out"
  expect_match "shim create of the sandbox" "containerd-shim: .* create --bundle [^ ]+ --pid-file [^ ]+ $CRI_POD_SMART$" "$out"
}

t_cri_sandbox_annotations() {
  [ -n "$CRI_POD_SMART" ] || { echo "FAIL no pod"; return 1; }
  expect_eq container-type sandbox "$(config_annotation "$CRI_POD_SMART" io.kubernetes.cri.container-type)" &&
    expect_eq "allow-listed pod annotation" compat-smart "$(config_annotation "$CRI_POD_SMART" module.wasm.image/variant)" &&
    expect_eq "pod annotation not in pod_annotations" "" "$(config_annotation "$CRI_POD_SMART" eco.test/not-listed)"
}

t_cri_sidecar() {
  local out
  [ -n "$CRI_POD_SMART" ] || { echo "FAIL no pod"; return 1; }
  out=$(cri create "$CRI_POD_SMART" \
      "$(container_config sidecar localhost/eco-busybox:latest '["sh","-c","trap \"exit 0\" TERM; echo sidecar $GREETING; sleep 300 & wait"]')" \
      "$(pod_config eco-smart "$POD_SMART_ANN")") || return 1
  CRI_SIDECAR=$(jget container_id <<<"$out")
  cri start "$CRI_SIDECAR" || return 1
  wait_for 20 grep -q 'sidecar from-cri' "$ECO_T/pods/eco-smart/sidecar.log" || return 1
  out=$(cri inspect "$CRI_SIDECAR") || return 1
  expect_eq state CONTAINER_RUNNING "$(jget status.state <<<"$out")" || return 1
  expect_eq container-type container "$(config_annotation "$CRI_SIDECAR" io.kubernetes.cri.container-type)" &&
    expect_eq "pod annotation on the container" compat-smart "$(config_annotation "$CRI_SIDECAR" module.wasm.image/variant)"
}

t_cri_exec() {
  local out mark; mark=$(calls_mark)
  out=$(cri exec "$CRI_SIDECAR" 20 sh -c 'echo exec-in-pod; exit 6')
  expect_eq "exec exit status" 6 $? || return 1
  expect_eq "exec output" exec-in-pod "$out" || return 1
  expect_match "runtime exec" "containerd-shim: .* exec --process [^ ]+ --detach --pid-file [^ ]+ $CRI_SIDECAR$" "$(calls_since "$mark")"
}

# cri_create_wasm POD POD-NAME POD-ANN NAME: creates (not starts) a container of the Wasm
# image; prints its id.
cri_create_wasm() {
  local out
  out=$(cri create "$1" "$(container_config "$4" localhost/eco-wasm:latest '[]')" "$(pod_config "$2" "$3")") || { echo "$out" >&2; return 1; }
  jget container_id <<<"$out"
}

# The Wasm container's config.json carries the pod's compat-smart annotation (any runtime).
t_cri_wasm_annotations() {
  [ -n "$CRI_POD_SMART" ] || { echo "FAIL no pod"; return 1; }
  CRI_WASM_SMART=$(cri_create_wasm "$CRI_POD_SMART" eco-smart "$POD_SMART_ANN" wasm) || return 1
  if [ "$ECO_WASM" = 1 ]; then cri start "$CRI_WASM_SMART" || return 1
  else cri start "$CRI_WASM_SMART" >/dev/null 2>&1; fi    # runc: exec format error, expected
  expect_eq container-type container "$(config_annotation "$CRI_WASM_SMART" io.kubernetes.cri.container-type)" &&
    expect_eq "pod annotation" compat-smart "$(config_annotation "$CRI_WASM_SMART" module.wasm.image/variant)"
}

# cri_expect_exit ID LOG STATUS: waits for the container to exit, checks status and log.
cri_expect_wasm_output() {
  local out
  wait_for 30 sh -c "'$PY' '$ECO_DIR/src/cri_client.py' '${CRI_SOCK:-$ECO_T/containerd/containerd.sock}' inspect '$1' | grep -q CONTAINER_EXITED" || return 1
  out=$(cri inspect "$1"); echo "$out"
  expect_eq "exit code" 0 "$(jget status.exit_code <<<"$out")" || return 1
  out=$(cat "$2"); echo "$out"
  expect_match "wasm output in the CRI log" 'stdout F hello from wasm, argc=1' "$out" &&
    expect_match "env from the CRI config" 'stdout F GREETING=from-cri' "$out"
}

t_cri_wasm_smart_runs() {
  cri_expect_wasm_output "$CRI_WASM_SMART" "$ECO_T/pods/eco-smart/wasm.log"
}

# A pod annotated compat (not smart): its sandbox is still native, its containers are Wasm.
t_cri_compat_pod() {
  local out
  CRI_POD_COMPAT=$(cri_runp eco-compat "$POD_COMPAT_ANN") || return 1
  out=$(cri podstatus "$CRI_POD_COMPAT") || return 1
  expect_eq "sandbox of a compat pod" SANDBOX_READY "$(jget status.state <<<"$out")" &&
    expect_eq "annotation on the sandbox" compat "$(config_annotation "$CRI_POD_COMPAT" module.wasm.image/variant)"
}

t_cri_compat_wasm() {
  local id
  [ -n "$CRI_POD_COMPAT" ] || { echo "FAIL no pod"; return 1; }
  id=$(cri_create_wasm "$CRI_POD_COMPAT" eco-compat "$POD_COMPAT_ANN" app) || return 1
  cri start "$id" || return 1
  cri_expect_wasm_output "$id" "$ECO_T/pods/eco-compat/app.log"
}

t_cri_teardown() {
  local pod out
  if [ -n "$CRI_SIDECAR" ]; then
    cri stop "$CRI_SIDECAR" 20 >/dev/null || return 1
    out=$(cri inspect "$CRI_SIDECAR")
    expect_eq "sidecar after StopContainer" CONTAINER_EXITED "$(jget status.state <<<"$out")" || return 1
    expect_eq "sidecar exit code (SIGTERM trapped)" 0 "$(jget status.exit_code <<<"$out")" || return 1
    cri rm "$CRI_SIDECAR" >/dev/null || return 1
  fi
  for pod in $CRI_POD_SMART $CRI_POD_COMPAT; do
    cri stopp "$pod" >/dev/null && cri rmp "$pod" >/dev/null || return 1
    "$RUNTIME" --root "$ECO_T/containerd/runc-root/k8s.io" state "$pod" >/dev/null 2>&1 &&
      { echo "FAIL the runtime still knows sandbox $pod"; return 1; }
  done
  out=$(cri pods) || return 1
  expect_eq "pods left" '[]' "$(jget items <<<"$out")"
}

eco_cri_tests() {
  if ! "$PY" -c 'import grpc, grpc_tools, google.protobuf' 2>/dev/null; then
    tap_skip "cri: CRI cases" "python3-grpcio/python3-grpc-tools/python3-protobuf not installed (run scripts/install-ecosystem-deps)"
    return
  fi
  if ! eco_cri_prepare >"$ECO_T/logs/cri-prepare.log" 2>&1; then
    tap_fail "cri: images imported into namespace k8s.io" "$ECO_T/logs/cri-prepare.log"; return
  fi
  tcase "cri: Version over the CRI v1 gRPC API" t_cri_version
  tcase "cri: Status says RuntimeReady" t_cri_status
  tcase "cri: ImageStatus finds the locally built images (pause, busybox, wasm, mixed)" t_cri_images
  tcase "cri: RunPodSandbox with runtime handler $CRI_HANDLER (pause built here, host network)" t_cri_runp_smart
  tcase "cri: sandbox config.json has container-type=sandbox and only the allow-listed pod annotations" t_cri_sandbox_annotations
  tcase "cri: CreateContainer/StartContainer a native sidecar in a compat-smart pod" t_cri_sidecar
  tcase "cri: ExecSync in the sidecar" t_cri_exec
  tcase "cri: the Wasm container of the pod gets the pod annotation in config.json" t_cri_wasm_annotations
  wcase "cri: the Wasm container of the compat-smart pod runs as Wasm next to the sidecar" t_cri_wasm_smart_runs
  tcase "cri: a pod annotated compat still gets a (native) sandbox" t_cri_compat_pod
  wcase "cri: a container in the compat pod runs as Wasm" t_cri_compat_wasm
  tcase "cri: StopContainer, RemoveContainer, StopPodSandbox, RemovePodSandbox leave nothing" t_cri_teardown
}
