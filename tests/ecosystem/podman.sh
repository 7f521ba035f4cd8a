# podman (with conmon) driving the runtime under test, registered by name in a private
# containers.conf. Every container gets the private cgroup parent and is removed afterwards.

pm() { timeout "${ECO_CMD_TIMEOUT:-90}" podman "$@"; }
pm_run() { pm run --cgroup-parent="$PODMAN_CG" "$@"; }
BB=localhost/eco-busybox:latest WASM=localhost/eco-wasm:latest MIXED=localhost/eco-mixed:latest

t_pm_info() {
  local out
  out=$(pm info --format '{{.Host.OCIRuntime.Name}} {{.Host.OCIRuntime.Path}} {{.Host.CgroupManager}}') || return 1
  echo "$out"
  expect_eq "podman info runtime" "$RT_NAME $WRAPPER cgroupfs" "$out"
}

t_pm_run_echo() {
  local mark out; mark=$(calls_mark)
  out=$(pm_run --rm "$BB" echo hello-podman) || return 1
  expect_eq output hello-podman "$out" || return 1
  # Proof that podman really went through the runtime under test: conmon's create, then start.
  out=$(calls_since "$mark"); echo "$out"
  expect_match "conmon create" "conmon: .* create --bundle [^ ]+ --pid-file [^ ]+ [0-9a-f]{64}$" "$out" &&
    expect_match "podman start" "podman: start [0-9a-f]{64}$" "$out" &&
    expect_match "json log flags" "--log-format=json --log " "$out"
}

t_pm_exit_code() {
  pm_run --rm "$BB" sh -c 'exit 7'
  expect_eq "exit status" 7 $?
}

t_pm_env() {
  local out
  out=$(pm_run --rm -e GREETING=from-env "$BB" sh -c 'echo "$GREETING"') || return 1
  expect_eq output from-env "$out"
}

t_pm_tty() {
  local out
  out=$(pm_run --rm -t "$BB" sh -c 'test -t 0 && test -t 1 && tty' </dev/null) || return 1
  out=${out//$'\r'/}
  expect_match "tty inside" '^/dev/pts/[0-9]+$' "$out" || return 1
  out=$(calls_since 0 | grep ' create ' | tail -1)
  expect_match "console socket passed" "--console-socket " "$out"
}

# One long-running container for exec, logs, stop and rm.
t_pm_detached() {
  # PID 1 gets no default signal actions: the trap makes SIGTERM (podman stop) visible.
  pm_run -d --name eco-sleeper "$BB" sh -c 'trap "echo got-TERM; exit 0" TERM; echo started; echo to-stderr >&2; sleep 300 & wait' || return 1
  wait_for 20 sh -c "podman logs eco-sleeper 2>&1 | grep -q started"
  expect_eq state running "$(pm inspect -f '{{.State.Status}}' eco-sleeper)"
}

t_pm_exec() {
  local mark out; mark=$(calls_mark)
  out=$(pm exec -e X=4 eco-sleeper sh -c 'echo $((X + 3))') || return 1
  expect_eq "exec output" 7 "$out" || return 1
  pm exec eco-sleeper sh -c 'exit 5'
  expect_eq "exec exit status" 5 $? || return 1
  out=$(calls_since "$mark"); echo "$out"
  expect_match "conmon exec" "conmon: .* exec --pid-file [^ ]+ --process [^ ]+ --detach " "$out"
}

t_pm_logs() {
  local out
  out=$(pm logs eco-sleeper 2>&1) || return 1
  expect_match stdout '^started$' "$out" && expect_match stderr '^to-stderr$' "$out"
}

t_pm_stop() {
  local mark out start=$SECONDS; mark=$(calls_mark)
  pm stop -t 20 eco-sleeper || return 1
  expect_eq "state and exit code" "exited 0" "$(pm inspect -f '{{.State.Status}} {{.State.ExitCode}}' eco-sleeper)" || return 1
  [ $((SECONDS - start)) -lt 15 ] || { echo "FAIL stop took $((SECONDS - start)) s: SIGTERM not delivered?"; return 1; }
  expect_match "SIGTERM reached the process" '^got-TERM$' "$(pm logs eco-sleeper 2>&1)" || return 1
  out=$(calls_since "$mark"); echo "$out"
  expect_match "kill with numeric signal" "podman: kill [0-9a-f]{64} 15$" "$out"
}

# podman deletes the runtime's container as soon as it has exited (cleanup after stop);
# after rm neither podman nor the runtime knows it.
t_pm_rm() {
  local id
  id=$(pm inspect -f '{{.Id}}' eco-sleeper) || return 1
  pm rm eco-sleeper || return 1
  pm container exists eco-sleeper && { echo "FAIL podman still has it"; return 1; }
  "$RUNTIME" state "$id" && { echo "FAIL the runtime still has it"; return 1; }
  expect_match "runtime delete" "podman: delete --force $id$" "$(calls_since 0)"
}

# The annotations the runtime decides by must reach config.json. Checked through podman
# create + init (runtime `create` only), so this holds for any runtime.
t_pm_annotation_flag() {
  local id v
  id=$(pm create --cgroup-parent="$PODMAN_CG" --annotation run.oci.handler=wasm "$MIXED" /hello.wasm) || return 1
  pm init "$id" >/dev/null; pm rm -f "$id" >/dev/null
  v=$(config_annotation "$id" run.oci.handler)
  expect_eq "run.oci.handler in config.json" wasm "$v"
}

t_pm_image_annotation() {
  local id v
  id=$(pm create --cgroup-parent="$PODMAN_CG" "$WASM") || return 1
  pm init "$id" >/dev/null; pm rm -f "$id" >/dev/null
  v=$(config_annotation "$id" module.wasm.image/variant)
  expect_eq "image annotation copied into config.json" compat "$v"
}

# Without any annotation a Wasm entrypoint is exec'd natively, which must fail.
t_pm_no_annotation_native() {
  local out
  out=$(pm_run --rm "$MIXED" /hello.wasm 2>&1)
  expect_eq "status" 1 $(( $? != 0 )) && expect_no_match "ran as wasm" 'hello from wasm' "$out"
}

t_pm_smart_native() {
  local out
  out=$(pm_run --rm --annotation run.oci.handler=wasm-smart "$MIXED" sh -c 'echo native-sidecar') || return 1
  expect_eq output native-sidecar "$out"
}

# ---- read-only root and tmpfs mounts (podman passes tmpcopyup on its tmpfs mounts)
t_pm_read_only() {
  local out
  out=$(pm_run --rm --read-only "$BB" sh -c 'touch /x 2>&1; touch /tmp/ok /var/tmp/ok /run/ok && echo tmpfs-writable; awk "\$5 == \"/\" { print substr(\$6, 1, 2) }" /proc/self/mountinfo') || { echo "$out"; return 1; }
  echo "$out"
  expect_match "root refuses writes" 'Read-only file system' "$out" &&
    expect_match "/tmp, /var/tmp, /run are tmpfs (--read-only-tmpfs)" '^tmpfs-writable$' "$out" &&
    expect_match "root mounted ro" '^ro$' "$out"
}

t_pm_read_only_no_tmpfs() {
  local out
  out=$(pm_run --rm --read-only --read-only-tmpfs=false "$BB" sh -c 'touch /tmp/x 2>&1; echo done') || { echo "$out"; return 1; }
  echo "$out"
  expect_match "/tmp stays read-only" 'Read-only file system' "$out"
}

t_pm_tmpfs_copyup() {
  local out
  out=$(pm_run --rm --tmpfs /etc "$BB" sh -c 'grep -c " /etc .* - tmpfs " /proc/self/mountinfo; grep ^root: /etc/passwd; echo x > /etc/new && echo etc-writable') || { echo "$out"; return 1; }
  echo "$out"
  expect_match "--tmpfs /etc is a tmpfs" '^1$' "$out" &&
    expect_match "the image's /etc/passwd copied up (tmpcopyup)" '^root:' "$out" &&
    expect_match "writable" '^etc-writable$' "$out"
}

t_pm_mount_tmpfs() {
  local out
  out=$(pm_run --rm --read-only --mount type=tmpfs,destination=/scratch,tmpfs-size=1m,tmpfs-mode=1770 "$BB" sh -c 'stat -c %a /scratch; grep " /scratch " /proc/self/mountinfo; touch /scratch/f && echo scratch-writable') || { echo "$out"; return 1; }
  echo "$out"
  expect_match mode '^1770$' "$out" && expect_match size 'size=1024k' "$out" && expect_match writable '^scratch-writable$' "$out"
}

# ---- Wasm cases
t_pm_wasm_image() {
  local out
  out=$(pm_run --rm -e GREETING=hi "$WASM" 2>&1) || { echo "$out"; return 1; }
  expect_match greeting '^hello from wasm, argc=1' "$out" && expect_match env '^GREETING=hi$' "$out"
}

t_pm_wasm_exit_code() {
  pm_run --rm "$WASM" exit 42
  expect_eq "exit status" 42 $?
}

t_pm_wasm_handler_annotation() {
  local out
  out=$(pm_run --rm --annotation run.oci.handler=wasm "$MIXED" /hello.wasm ls / 2>&1) || { echo "$out"; return 1; }
  expect_match "rootfs listing from wasm" '^hello\.wasm$' "$out" && expect_match "rootfs listing" '^bin$' "$out"
}

t_pm_wasm_smart() {
  local out
  out=$(pm_run --rm --annotation module.wasm.image/variant=compat-smart "$MIXED" /hello.wasm a b 2>&1) || { echo "$out"; return 1; }
  expect_match greeting '^hello from wasm, argc=3' "$out"
}

t_pm_wasm_read_only_tmpfs() {
  local out
  out=$(pm_run --rm --read-only --tmpfs /bin --annotation run.oci.handler=wasm "$MIXED" /hello.wasm ls /bin 2>&1) || { echo "$out"; return 1; }
  expect_match "the image's /bin copied into the tmpfs, listed by the module" '^busybox$' "$out"
}

t_pm_wasm_tty() {
  local out
  out=$(pm_run --rm -t "$WASM" </dev/null 2>&1) || { echo "$out"; return 1; }
  expect_match greeting 'hello from wasm' "$out"
}

t_pm_wasm_stop() {
  local start out
  pm_run -d --name eco-wasm-sleeper "$WASM" sleep 300 || return 1
  # Wait for the module's first line; give up early if the container is no longer running.
  wait_for 20 sh -c "podman logs eco-wasm-sleeper 2>&1 | grep -q sleeping || [ \"\$(podman inspect -f '{{.State.Running}}' eco-wasm-sleeper)\" != true ]"
  expect_eq "running" true "$(pm inspect -f '{{.State.Running}}' eco-wasm-sleeper)" || { pm logs eco-wasm-sleeper; pm rm -f eco-wasm-sleeper; return 1; }
  start=$SECONDS
  pm stop -t 3 eco-wasm-sleeper || { pm rm -f eco-wasm-sleeper; return 1; }
  out=$(pm inspect -f '{{.State.Status}} {{.State.ExitCode}}' eco-wasm-sleeper); echo "$out"
  pm rm -f eco-wasm-sleeper >/dev/null
  [ $((SECONDS - start)) -lt 30 ] || { echo "FAIL stop took $((SECONDS - start)) s"; return 1; }
  expect_match "stopped by signal" '^exited (137|143)$' "$out"
}

# docs/podman/containers.conf as podman reads it: its host-quirk lines uncommented, the runtime
# path pointed at the wrapper, podman's tmp dir kept private. `--runtime runwasm` must go
# through the wrapper, with --log-format=json since the name is in runtime_supports_json.
t_pm_docs_conf() {
  local conf="$ECO_T/podman/docs-containers.conf" mark out
  sed -E -e 's/^# (default_ulimits|cgroup_manager|events_logger|lock_type) =/\1 =/' \
      -e "s|\"/usr/local/bin/runwasm\"|\"$WRAPPER\"|" \
      -e "s|^\\[engine\\]\$|[engine]\\ntmp_dir = \"$ECO_T/podman/tmp\"|" \
      "$REPO_DIR/docs/podman/containers.conf" >"$conf"
  cat "$conf"
  mark=$(calls_mark)
  out=$(CONTAINERS_CONF="$conf" pm --runtime runwasm run --rm --net none --cgroup-parent="$PODMAN_CG" "$BB" echo via-docs-conf) || return 1
  expect_eq output via-docs-conf "$out" || return 1
  out=$(calls_since "$mark"); echo "$out"
  expect_match "json log for runtime named runwasm" "conmon: --log-format=json --log [^ ]+ create " "$out"
}

eco_podman_cleanup() {
  podman rm -a -f -t 0
  podman rmi -a -f
}

eco_podman_tests() {
  tcase "podman: info shows the runtime under test registered by name" t_pm_info
  tcase "podman: run echo goes through conmon and the runtime (create/start)" t_pm_run_echo
  tcase "podman: exit code of the container process" t_pm_exit_code
  tcase "podman: -e passes the environment" t_pm_env
  tcase "podman: -t gives a tty (console socket)" t_pm_tty
  tcase "podman: run -d a long-running container" t_pm_detached
  tcase "podman: exec output and exit code" t_pm_exec
  tcase "podman: logs has stdout and stderr" t_pm_logs
  tcase "podman: stop delivers SIGTERM (kill ID 15) and the container exits 0" t_pm_stop
  tcase "podman: rm deletes the container in the runtime" t_pm_rm
  tcase "podman: docs/podman/containers.conf registers runtime 'runwasm' (podman run --runtime runwasm)" t_pm_docs_conf
  tcase "podman: --read-only: read-only root, tmpfs /tmp /var/tmp /run" t_pm_read_only
  tcase "podman: --read-only --read-only-tmpfs=false keeps /tmp read-only" t_pm_read_only_no_tmpfs
  tcase "podman: --tmpfs /etc copies the image's files up" t_pm_tmpfs_copyup
  tcase "podman: --mount type=tmpfs with size and mode on a read-only root" t_pm_mount_tmpfs
  tcase "podman: --annotation run.oci.handler=wasm reaches config.json" t_pm_annotation_flag
  tcase "podman: image annotation module.wasm.image/variant=compat reaches config.json" t_pm_image_annotation
  tcase "podman: a Wasm entrypoint without annotation is not run as Wasm" t_pm_no_annotation_native
  tcase "podman: wasm-smart with a native entrypoint runs natively" t_pm_smart_native
  wcase "podman: Wasm compat image runs with env" t_pm_wasm_image
  wcase "podman: Wasm exit code" t_pm_wasm_exit_code
  wcase "podman: --annotation run.oci.handler=wasm runs a module from a Linux image" t_pm_wasm_handler_annotation
  wcase "podman: compat-smart with a Wasm entrypoint runs as Wasm" t_pm_wasm_smart
  wcase "podman: Wasm with --read-only and --tmpfs /bin (tmpcopyup)" t_pm_wasm_read_only_tmpfs
  wcase "podman: Wasm with -t" t_pm_wasm_tty
  wcase "podman: stop of a running Wasm container" t_pm_wasm_stop
}
