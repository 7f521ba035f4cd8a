#!/usr/bin/env bats
# --systemd-cgroup against a real systemd: tests/lib/boot-systemd boots the host's systemd as
# PID 1 of private namespaces, once with the host's cgroup layout (hybrid here) and once as a
# pure cgroup2 host, and runwasm runs inside them (nsenter). Checked there: the scope systemd
# reports (unit, slice, Delegate, pids), resources as unit properties and files, update,
# exec, delete and rollback leaving no unit and no cgroup behind.

load helpers

# Without root, systemd or nsenter the booted tests are skipped; a boot that fails where they
# are present fails them, with boot-systemd's message.
setup_file () {
  export SD_MISSING= SD_HOST_DIR=/tmp/rw-sd-host-$$ SD_V2_DIR=/tmp/rw-sd-v2-$$
  if [ "$(id -u)" -ne 0 ] || [ ! -x /lib/systemd/systemd ] || ! command -v nsenter >/dev/null; then
    SD_MISSING="needs root, /lib/systemd/systemd and nsenter"
    return 0
  fi
  SD_HOST_PID=$("$REPO/tests/lib/boot-systemd" "$SD_HOST_DIR" 2>"$BATS_FILE_TMPDIR/boot-host.err") || SD_HOST_PID=
  SD_V2_PID=$("$REPO/tests/lib/boot-systemd" --v2 "$SD_V2_DIR" 2>"$BATS_FILE_TMPDIR/boot-v2.err") || SD_V2_PID=
  export SD_HOST_PID SD_V2_PID
}

teardown_file () {
  [ -z "${SD_HOST_PID:-}" ] || "$REPO/tests/lib/boot-systemd" --stop "$SD_HOST_DIR" "$SD_HOST_PID"
  [ -z "${SD_V2_PID:-}" ] || "$REPO/tests/lib/boot-systemd" --stop "$SD_V2_DIR" "$SD_V2_PID"
}

# in_systemd PID CMD...: runs CMD in the namespaces of the systemd PID.
in_systemd () {
  local pid=$1
  shift
  nsenter -t "$pid" -m -p -C "$@"
}

# need_systemd SD_HOST_PID|SD_V2_PID: the booted systemd to use, as $SD.
need_systemd () {
  [ -z "$SD_MISSING" ] || skip "$SD_MISSING"
  if [ -z "${!1:-}" ]; then
    cat "$BATS_FILE_TMPDIR"/boot-*.err
    return 1
  fi
  SD=${!1}
}

sdrw () {
  in_systemd "$SD" "$RUNWASM" --root "$ROOT" --systemd-cgroup "$@"
}

unit_prop () {
  in_systemd "$SD" systemctl show -P "$2" "$1"
}

# Nothing of $ID left: no state, the unit unknown to systemd, no cgroup directory of it.
assert_scope_gone () {
  [ ! -e "$ROOT/$ID" ] || { echo "state left"; return 1; }
  run in_systemd "$SD" systemctl status "$1"
  [ "$status" -eq 4 ] || { echo "unit $1 still known: $output"; return 1; }
  run in_systemd "$SD" sh -c "ls -d /sys/fs/cgroup/$2 /sys/fs/cgroup/*/$2 2>/dev/null"
  [ -z "$output" ] || { echo "cgroup left: $output"; return 1; }
}

@test "systemd: features reports the systemd driver" {
  run rw features
  [ "$status" -eq 0 ]
  [ "$(echo "$output" | jq .linux.cgroup.systemd)" = true ]
}

@test "systemd: an unreachable systemd is a clear error and leaves nothing" {
  run env DBUS_SYSTEM_BUS_ADDRESS=unix:path=/nonexistent/bus "$RUNWASM" --root "$ROOT" --systemd-cgroup run --bundle "$BUNDLE" "$ID"
  [ "$status" -ne 0 ]
  [[ "$output" == *"--systemd-cgroup: cannot connect to systemd over D-Bus: No such file or directory"* ]]
  [ ! -e "$ROOT/$ID" ]
  ! ls -d /sys/fs/cgroup/system.slice/runwasm-"$ID".scope /sys/fs/cgroup/*/system.slice/runwasm-"$ID".scope 2>/dev/null
}

@test "systemd: a bad cgroupsPath is named and leaves nothing" {
  config ".linux.cgroupsPath = \"kubepods--x.slice:cri-containerd:$ID\""
  run "$RUNWASM" --root "$ROOT" --systemd-cgroup run --bundle "$BUNDLE" "$ID"
  [ "$status" -ne 0 ]
  [[ "$output" == *"linux.cgroupsPath \`kubepods--x.slice:cri-containerd:$ID\`: \`kubepods--x.slice\` is not a systemd slice name"* ]]
  [ ! -e "$ROOT/$ID" ]
}

@test "systemd: the container is a transient scope in the pod's slice, with its resources, until delete" {
  need_systemd SD_HOST_PID
  slice=kubepods-besteffort-pod123.slice unit=cri-containerd-$ID.scope
  dir=kubepods.slice/kubepods-besteffort.slice/$slice/$unit
  config ".linux.cgroupsPath = \"$slice:cri-containerd:$ID\" | .process.args = [\"sleep\", \"100\"]
          | .linux.resources = {\"memory\": {\"limit\": 67108864}, \"pids\": {\"limit\": 42}, \"cpu\": {\"shares\": 512}}"
  sdrw create --bundle "$BUNDLE" "$ID" </dev/null >"$BATS_TEST_TMPDIR/stdio" 2>&1 || { cat "$BATS_TEST_TMPDIR/stdio"; false; }
  [ "$(unit_prop "$unit" ActiveState)" = active ]
  [ "$(unit_prop "$unit" Slice)" = "$slice" ]
  [ "$(unit_prop "$unit" ControlGroup)" = "/$dir" ]
  [ "$(unit_prop "$unit" Delegate)" = yes ]
  [ "$(unit_prop "$unit" TasksMax)" = 42 ]
  pid=$(sdrw state "$ID" | jq .pid)
  in_systemd "$SD" systemctl status "$unit" --no-pager | grep -q "$pid"
  [ "$(sdrw state "$ID" | jq -r .status)" = created ]
  # The resources are the unit's properties (legacy names on hybrid) and in the files.
  if [ -d /sys/fs/cgroup/memory ] && [ ! -e /sys/fs/cgroup/cgroup.controllers ]; then
    [ "$(unit_prop "$unit" MemoryLimit)" = 67108864 ]
    [ "$(unit_prop "$unit" CPUShares)" = 512 ]
    [ "$(unit_prop "$unit" BlockIOAccounting)" = yes ]
    [ "$(in_systemd "$SD" cat /sys/fs/cgroup/memory/$dir/memory.limit_in_bytes)" = 67108864 ]
    [ "$(in_systemd "$SD" cat /sys/fs/cgroup/pids/$dir/pids.max)" = 42 ]
    # Hierarchies systemd does not manage still hold the container, and so does blkio,
    # which systemd manages but trims from a scope that does not ask for its accounting.
    in_systemd "$SD" grep -qx "$pid" /sys/fs/cgroup/freezer/$dir/cgroup.procs
    in_systemd "$SD" grep -qx "$pid" /sys/fs/cgroup/blkio/$dir/cgroup.procs
  else
    [ "$(unit_prop "$unit" MemoryMax)" = 67108864 ]
    [ "$(unit_prop "$unit" IOAccounting)" = yes ]
    [ "$(in_systemd "$SD" cat /sys/fs/cgroup/$dir/memory.max)" = 67108864 ]
  fi
  sdrw start "$ID"
  echo '{"pids": {"limit": 77}}' > "$BATS_TEST_TMPDIR/update.json"
  sdrw update --resources "$BATS_TEST_TMPDIR/update.json" "$ID"
  [ "$(unit_prop "$unit" TasksMax)" = 77 ]
  # exec joins the scope.
  sdrw exec --detach "$ID" sleep 50
  unified=/sys/fs/cgroup/unified
  [ ! -e /sys/fs/cgroup/cgroup.controllers ] || unified=/sys/fs/cgroup
  [ "$(in_systemd "$SD" cat $unified/$dir/cgroup.procs | wc -l)" -eq 2 ]
  sdrw delete --force "$ID"
  assert_scope_gone "$unit" "$dir"
}

@test "systemd: a pure cgroup2 host: run, ps, pause and delete through the scope" {
  need_systemd SD_V2_PID
  unit=runwasm-$ID.scope dir=system.slice/$unit
  config '.process.args = ["sleep", "100"]'
  sdrw create --bundle "$BUNDLE" "$ID" </dev/null >"$BATS_TEST_TMPDIR/stdio" 2>&1 || { cat "$BATS_TEST_TMPDIR/stdio"; false; }
  [ "$(unit_prop "$unit" ControlGroup)" = "/$dir" ]
  [ "$(sdrw state "$ID" | jq -r .status)" = created ]
  pid=$(sdrw state "$ID" | jq .pid)
  in_systemd "$SD" grep -qx "$pid" /sys/fs/cgroup/$dir/cgroup.procs
  sdrw start "$ID"
  run sdrw ps --format json "$ID"
  [ "$status" -eq 0 ]
  [ "$(echo "$output" | jq length)" -eq 1 ]
  sdrw pause "$ID"
  [ "$(sdrw state "$ID" | jq -r .status)" = paused ]
  sdrw resume "$ID"
  sdrw kill "$ID" KILL
  sdrw delete --force "$ID"
  assert_scope_gone "$unit" "$dir"
}

# containerd's shim runs `kill --all ID 9` once the init exited, when systemd has already
# removed the emptied scope's cgroups: nothing to signal is success, as runc has it.
@test "systemd: kill --all of an exited container whose scope systemd removed succeeds" {
  local sd
  for sd in SD_HOST_PID SD_V2_PID; do
    need_systemd "$sd"
    unit=runwasm-$ID.scope
    config '.process.args = ["true"]'
    sdrw create --bundle "$BUNDLE" "$ID" </dev/null >"$BATS_TEST_TMPDIR/stdio" 2>&1 || { cat "$BATS_TEST_TMPDIR/stdio"; false; }
    sdrw start "$ID"
    for _ in $(seq 100); do
      [ "$(sdrw state "$ID" | jq -r .status)" = stopped ] && ! in_systemd "$SD" systemctl status "$unit" >/dev/null 2>&1 && break
      sleep 0.05
    done
    run in_systemd "$SD" systemctl status "$unit"
    [ "$status" -eq 4 ]
    run sdrw kill --all "$ID" KILL
    [ "$status" -eq 0 ] || { echo "$output"; false; }
    sdrw delete "$ID"
    assert_scope_gone "$unit" "system.slice/$unit"
  done
}

@test "systemd: a create that fails after the scope started stops the scope" {
  need_systemd SD_HOST_PID
  unit=runwasm-$ID.scope
  config '.linux.resources = {"cpu": {"cpus": "99999"}}'
  run sdrw run --bundle "$BUNDLE" "$ID"
  [ "$status" -ne 0 ]
  [[ "$output" == *"linux.resources"* ]]
  assert_scope_gone "$unit" "system.slice/$unit"
}

@test "systemd: containerd's runc shim with the systemd cgroup driver: the task's scope lives and goes with it" {
  need_systemd SD_HOST_PID
  command -v containerd >/dev/null && command -v ctr >/dev/null || skip "needs containerd and ctr"
  c=$BATS_TEST_TMPDIR/containerd
  mkdir -p "$c"
  cat >"$c/config.toml" <<TOML
version = 2
root = "$c/root"
state = "$c/state"
disabled_plugins = ["io.containerd.grpc.v1.cri"]
[grpc]
  address = "$c/containerd.sock"
[ttrpc]
  address = "$c/containerd.sock.ttrpc"
[debug]
  address = ""
[metrics]
  address = ""
[plugins."io.containerd.internal.v1.opt"]
  path = "$c/opt"
TOML
  "$REPO/tests/lib/make-busybox-oci-archive" "$c/image.tar" localhost/sd-busybox:latest
  daemon=$(in_systemd "$SD" sh -c "containerd --config '$c/config.toml' --log-level warn >'$c/log' 2>&1 & echo \$!")
  ctrsd () { in_systemd "$SD" timeout 60 ctr -a "$c/containerd.sock" -n sdtest "$@"; }
  for _ in $(seq 100); do ctrsd version >/dev/null 2>&1 && break; sleep 0.1; done
  ctrsd images import "$c/image.tar"
  unit=cri-containerd-$ID.scope
  ctrsd run -d --runc-binary "$RUNWASM" --runc-systemd-cgroup --cgroup "kubepods-besteffort-pod9.slice:cri-containerd:$ID" \
    localhost/sd-busybox:latest "$ID" sleep 100
  [ "$(unit_prop "$unit" ActiveState)" = active ]
  [ "$(unit_prop "$unit" Slice)" = kubepods-besteffort-pod9.slice ]
  pid=$(ctrsd tasks ls | awk -v id="$ID" '$1 == id { print $2 }')
  [ -n "$pid" ]
  in_systemd "$SD" systemctl status "$unit" --no-pager | grep -qw -- "$pid"
  ctrsd tasks kill -s KILL "$ID"
  for _ in $(seq 50); do ctrsd tasks ls | grep -q "$ID .*STOPPED" && break; sleep 0.1; done
  ctrsd tasks rm "$ID"
  ctrsd containers rm "$ID"
  in_systemd "$SD" kill "$daemon"
  assert_scope_gone "$unit" "kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod9.slice/$unit"
}
