# A private containerd (own config, root, state and socket under the work dir; CRI plugin on)
# driven by ctr with `--runc-binary` pointing at the runtime under test.

# eco_containerd_config FILE [DIR [SYSTEMD_CGROUP]]: writes the private config of a containerd
# whose state lives in DIR (default $ECO_T/containerd); SYSTEMD_CGROUP=true gives runc the
# systemd cgroup driver, which the installer copies. The runtime under test is registered
# as CRI runtime handler "$CRI_HANDLER" by the node installer itself (`runwasm node install
# --containerd-config FILE`, BinaryName = the wrapper), as it would be on a node.
eco_containerd_config() {
  local c=${2:-$ECO_T/containerd} cri='plugins."io.containerd.grpc.v1.cri"'
  mkdir -p "$c/cni" "$c/runc-root"
  cat >"$1" <<EOF
version = 2
root = "$c/root"
state = "$c/state"

[grpc]
  address = "$c/containerd.sock"
[ttrpc]
  address = "$c/containerd.sock.ttrpc"
[debug]
  address = ""
[metrics]
  address = ""

[plugins]
  [plugins."io.containerd.internal.v1.opt"]
    path = "$c/opt"
  [$cri]
    sandbox_image = "localhost/eco-pause:latest"
    # No CAP_SYS_RESOURCE here: the pause container must not get a lower oom_score_adj.
    restrict_oom_score_adj = true
    disable_apparmor = true
    [$cri.cni]
      bin_dir = "/usr/lib/cni"
      conf_dir = "$c/cni"
    [$cri.containerd]
      snapshotter = "overlayfs"
      default_runtime_name = "runc"
      [$cri.containerd.runtimes.runc]
        runtime_type = "io.containerd.runc.v2"
        [$cri.containerd.runtimes.runc.options]
          Root = "$c/runc-root"
EOF
  [ "${3:-false}" = true ] && printf '          SystemdCgroup = true\n' >>"$1"
  "$REPO_DIR/build/runwasm" node install --runtime containerd --containerd-config "$1" --handler "$CRI_HANDLER" \
    --bin-dir "$(dirname "$WRAPPER")" --binary "$WRAPPER" --state-dir "$c/runc-root" --no-restart
}

CTR_NS=""
CRI_HANDLER=under-test
ctrc() { timeout "${ECO_CMD_TIMEOUT:-90}" ctr -a "$ECO_T/containerd/containerd.sock" -n "$CTR_NS" "$@"; }

eco_containerd_start() {
  local c="$ECO_T/containerd"
  CTR_NS="$ECO_ID"
  mkdir -p "$c"
  eco_containerd_config "$c/config.toml"
  # Things containerd and its shims create outside the work dir; removed at the end if new.
  ECO_RUN_CONTAINERD_EXISTED=0; [ -e /run/containerd ] && ECO_RUN_CONTAINERD_EXISTED=1
  eco_on_exit 'eco_containerd_stop'
  containerd --config "$c/config.toml" --log-level info >"$c/containerd.log" 2>&1 &
  ECO_CONTAINERD_PID=$!
  wait_for 20 ctr -a "$c/containerd.sock" version || { tail -20 "$c/containerd.log"; return 1; }
  local a
  for a in busybox wasm mixed; do
    ctrc images import "$ECO_T/archives/eco-$a.tar" || return 1
  done
  ctrc images ls
}

eco_containerd_stop() {
  local ns t
  [ -n "${ECO_CONTAINERD_PID:-}" ] || return 0
  # Tasks first, so that no shim outlives containerd; then containers and images.
  for ns in "$CTR_NS" k8s.io; do
    for t in $(CTR_NS=$ns ctrc tasks ls -q 2>/dev/null); do
      CTR_NS=$ns ctrc tasks kill -s SIGKILL "$t"; sleep 0.2; CTR_NS=$ns ctrc tasks rm -f "$t"
    done
    for t in $(CTR_NS=$ns ctrc containers ls -q 2>/dev/null); do CTR_NS=$ns ctrc containers rm "$t"; done
    CTR_NS=$ns ctrc images rm $(CTR_NS=$ns ctrc images ls -q 2>/dev/null) 2>/dev/null
  done
  kill "$ECO_CONTAINERD_PID" 2>/dev/null
  for t in $(seq 50); do kill -0 "$ECO_CONTAINERD_PID" 2>/dev/null || break; sleep 0.1; done
  kill -9 "$ECO_CONTAINERD_PID" 2>/dev/null
  wait "$ECO_CONTAINERD_PID" 2>/dev/null
  eco_kill_procs_mentioning "$ECO_T/"
  eco_umount_under "$ECO_T"
  # The shim runs runc with --root /run/containerd/runc/<namespace> unless told otherwise.
  rm -rf "/run/containerd/runc/$CTR_NS"
  if [ "$ECO_RUN_CONTAINERD_EXISTED" = 0 ]; then
    find /run/containerd -depth -type d -empty -delete 2>/dev/null
  fi
  ECO_CONTAINERD_PID=""
}

BB=localhost/eco-busybox:latest WASM=localhost/eco-wasm:latest MIXED=localhost/eco-mixed:latest
ctr_run() { ctrc run --runc-binary "$WRAPPER" --cgroup "/$ECO_ID/$1" "${@:2}"; }
# ctr_run_rm ID ARGS...: ctr run --rm; ARGS are ctr run options, then image and command.
ctr_run_rm() { local id=$1; shift; ctrc run --rm --runc-binary "$WRAPPER" --cgroup "/$ECO_ID/$id" "$@"; }

t_ctr_images() {
  local out; out=$(ctrc images ls) || return 1; echo "$out"
  expect_match busybox 'localhost/eco-busybox:latest .*linux/amd64' "$out" &&
    expect_match wasm 'localhost/eco-wasm:latest .*wasi/wasm' "$out"
}

t_ctr_docker_archive() {
  local out
  ctrc images import "$ECO_T/archives/eco-busybox-docker.tar" || return 1
  out=$(ctr_run_rm c-docker localhost/eco-busybox-docker:latest c-docker echo from-docker-archive) || return 1
  expect_eq output from-docker-archive "$out" || return 1
  ctrc images rm localhost/eco-busybox-docker:latest
}

t_ctr_run() {
  local mark out; mark=$(calls_mark)
  out=$(ctrc run --rm --runc-binary "$WRAPPER" --cgroup "/$ECO_ID/c-echo" "$BB" c-echo echo hello-ctr) || return 1
  expect_eq output hello-ctr "$out" || return 1
  out=$(calls_since "$mark"); echo "$out"
  expect_match "shim create" "containerd-shim: --root [^ ]+ --log [^ ]+/log.json --log-format json create --bundle [^ ]+ --pid-file [^ ]+/init.pid c-echo$" "$out" &&
    expect_match "shim start" "containerd-shim: .* start c-echo$" "$out" &&
    expect_match "shim delete" "containerd-shim: .* delete c-echo$" "$out"
}

t_ctr_exit_code() {
  ctr_run_rm c-exit "$BB" c-exit sh -c 'exit 9'
  expect_eq "exit status" 9 $?
}

# ctr -t wants its own stdin to be a terminal: script(1) gives it one.
t_ctr_tty() {
  local out
  out=$(timeout 60 script -qec "ctr -a $ECO_T/containerd/containerd.sock -n $CTR_NS run --rm -t --runc-binary $WRAPPER --cgroup /$ECO_ID/c-tty $BB c-tty sh -c 'test -t 0 && test -t 1 && tty'" /dev/null </dev/null) || { echo "$out"; return 1; }
  expect_match tty '/dev/pts/[0-9]+' "${out//$'\r'/}"
}

t_ctr_detached() {
  ctr_run c-long -d "$BB" c-long sh -c 'exec sleep 300' || return 1
  wait_for 10 sh -c "ctr -a '$ECO_T/containerd/containerd.sock' -n '$CTR_NS' tasks ls | grep -q 'c-long .*RUNNING'"
}

t_ctr_ps() {
  local mark out; mark=$(calls_mark)
  out=$(ctrc tasks ps c-long) || return 1; echo "$out"
  expect_match "a pid" '^[0-9]+ ' "$(tail -n +2 <<<"$out")" || return 1
  expect_match "runtime ps" "containerd-shim: .* ps --format json c-long$" "$(calls_since "$mark")"
}

t_ctr_exec() {
  local mark out; mark=$(calls_mark)
  out=$(ctrc tasks exec --exec-id e1 c-long sh -c 'echo exec-out; exit 4')
  expect_eq "exec exit status" 4 $? || return 1
  expect_eq "exec output" exec-out "$out" || return 1
  out=$(calls_since "$mark"); echo "$out"
  expect_match "runtime exec" "containerd-shim: .* exec --process [^ ]+ --detach --pid-file [^ ]+ c-long$" "$out"
}

t_ctr_pause_resume() {
  local out mark; mark=$(calls_mark)
  ctrc tasks pause c-long || return 1
  out=$(ctrc tasks ls | grep c-long); echo "$out"
  expect_match paused 'PAUSED' "$out" || return 1
  ctrc tasks resume c-long || return 1
  out=$(ctrc tasks ls | grep c-long); echo "$out"
  expect_match running 'RUNNING' "$out" || return 1
  out=$(calls_since "$mark"); echo "$out"
  expect_match "runtime pause" ": .* pause c-long$" "$out" && expect_match "runtime resume" ": .* resume c-long$" "$out"
}

t_ctr_kill() {
  local mark out; mark=$(calls_mark)
  ctrc tasks kill -s SIGKILL c-long || return 1
  wait_for 10 sh -c "ctr -a '$ECO_T/containerd/containerd.sock' -n '$CTR_NS' tasks ls | grep -q 'c-long .*STOPPED'" || return 1
  ctrc tasks rm c-long && ctrc containers rm c-long || return 1
  out=$(calls_since "$mark"); echo "$out"
  expect_match "runtime kill" ": .* kill c-long 9$" "$out" && expect_match "runtime delete" ": .* delete c-long$" "$out"
}

# containerd copies --annotation into config.json, image annotations it does not.
t_ctr_annotation() {
  ctr_run_rm c-annot --annotation module.wasm.image/variant=compat "$WASM" c-annot >/dev/null 2>&1
  expect_eq "annotation in config.json" compat "$(config_annotation c-annot module.wasm.image/variant)"
}
t_ctr_image_annotation_not_copied() {
  ctr_run_rm c-noannot --annotation eco.test/marker=1 "$WASM" c-noannot >/dev/null 2>&1
  expect_eq "config captured" 1 "$(config_annotation c-noannot eco.test/marker)" || return 1
  expect_eq "image annotation in config.json" "" "$(config_annotation c-noannot module.wasm.image/variant)"
}

# ---- Wasm cases
t_ctr_wasm_run() {
  local out
  out=$(ctr_run_rm c-wasm --annotation module.wasm.image/variant=compat --env GREETING=ctr "$WASM" c-wasm 2>&1) || { echo "$out"; return 1; }
  expect_match greeting 'hello from wasm, argc=1' "$out" && expect_match env 'GREETING=ctr' "$out"
}
t_ctr_wasm_exit() {
  ctr_run_rm c-wasm-exit --annotation run.oci.handler=wasm "$MIXED" c-wasm-exit /hello.wasm exit 3
  expect_eq "exit status" 3 $?
}
t_ctr_wasm_kill() {
  ctr_run c-wasm-long -d --annotation module.wasm.image/variant=compat "$WASM" c-wasm-long /hello.wasm sleep 300 || return 1
  wait_for 10 sh -c "ctr -a '$ECO_T/containerd/containerd.sock' -n '$CTR_NS' tasks ls | grep -q 'c-wasm-long .*RUNNING'" || return 1
  ctrc tasks ps c-wasm-long
  ctrc tasks kill -s SIGKILL c-wasm-long || return 1
  wait_for 10 sh -c "ctr -a '$ECO_T/containerd/containerd.sock' -n '$CTR_NS' tasks ls | grep -q 'c-wasm-long .*STOPPED'" || return 1
  ctrc tasks rm c-wasm-long && ctrc containers rm c-wasm-long
}

eco_containerd_tests() {
  tcase "ctr: images import of the skopeo OCI archives (linux/amd64 and wasi/wasm)" t_ctr_images
  tcase "ctr: images import of a docker-archive, run it" t_ctr_docker_archive
  tcase "ctr: run --runc-binary goes through containerd-shim-runc-v2 and the runtime" t_ctr_run
  tcase "ctr: exit code" t_ctr_exit_code
  tcase "ctr: run -t gives a tty" t_ctr_tty
  tcase "ctr: run -d a long-running task" t_ctr_detached
  tcase "ctr: task ps (runtime ps --format json)" t_ctr_ps
  tcase "ctr: task exec output and exit code" t_ctr_exec
  tcase "ctr: task pause and resume" t_ctr_pause_resume
  tcase "ctr: task kill SIGKILL, then delete" t_ctr_kill
  tcase "ctr: --annotation module.wasm.image/variant=compat reaches config.json" t_ctr_annotation
  tcase "ctr: image annotations are not copied into config.json" t_ctr_image_annotation_not_copied
  wcase "ctr: Wasm compat image runs (with --annotation and env)" t_ctr_wasm_run
  wcase "ctr: run.oci.handler=wasm and exit code" t_ctr_wasm_exit
  wcase "ctr: kill of a running Wasm task" t_ctr_wasm_kill
}
