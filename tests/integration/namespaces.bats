#!/usr/bin/env bats
# Namespaces: created, joined by path, user namespaces with id mappings.
load helpers

@test "uts: hostname and domainname" {
  config '.hostname = "box1" | .domainname = "example.org"'
  process sh -c 'hostname; cat /proc/sys/kernel/domainname'
  run_container
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = box1 ]
  [ "${lines[1]}" = example.org ]
}

@test "pid: the process is pid 1 and sees only the container" {
  process sh -c 'echo $$; ps -o pid | wc -l'
  run_container
  [ "${lines[0]}" = 1 ]
  [ "${lines[1]}" -le 4 ]
}

@test "network: only a loopback device" {
  process sh -c 'ls /sys/class/net'
  run_container
  [ "$status" -eq 0 ]
  [ "$output" = lo ]
}

@test "no network namespace: the host's interfaces" {
  config '.linux.namespaces |= map(select(.type != "network"))'
  process sh -c 'ls /sys/class/net | wc -l'
  run_container
  [ "$status" -eq 0 ]
  [ "$output" -eq "$(ls /sys/class/net | wc -l)" ]
}

@test "ipc, mount, cgroup, uts, pid, net: all differ from the host's" {
  process sh -c 'for n in ipc mnt cgroup uts pid net; do readlink /proc/self/ns/$n; done'
  run_container
  [ "$status" -eq 0 ]
  for n in ipc mnt cgroup uts pid net; do
    host=$(readlink /proc/self/ns/$n)
    [[ "$output" != *"$host"* ]] || { echo "$n shared"; return 1; }
  done
}

@test "cgroup namespace: the container's cgroup is its root" {
  process cat /proc/self/cgroup
  run_container
  [ "$status" -eq 0 ]
  ! [[ "$output" == *"runwasm"* ]]
  [ "$(echo "$output" | grep -vc ':/$')" -eq 0 ]
}

@test "joining a network namespace by path (as a pod does)" {
  nsfile=$BATS_TEST_TMPDIR/netns
  touch "$nsfile"
  unshare --net="$nsfile" true
  ip_ns=$(stat -L -c %i "$nsfile" 2>/dev/null || true)
  jq --arg p "$nsfile" '.linux.namespaces |= map(if .type == "network" then .path = $p else . end)' "$BUNDLE/config.json" > "$BUNDLE/c" && mv "$BUNDLE/c" "$BUNDLE/config.json"
  process sh -c 'stat -L -c %i /proc/self/ns/net'
  run_container
  umount "$nsfile"
  [ "$status" -eq 0 ]
  [ "$output" = "$ip_ns" ]
}

@test "joining the ipc and uts namespaces of a running container" {
  process sleep 100
  config '.hostname = "sandbox"'
  create_detached
  pid=$(rw state "$ID" | jq .pid)
  rw start "$ID"
  other=$BATS_TEST_TMPDIR/other
  RUNWASM=$RUNWASM "$REPO/tests/lib/make-busybox-bundle" "$other" sh -c 'hostname; readlink /proc/self/ns/ipc'
  jq --arg u "/proc/$pid/ns/uts" --arg i "/proc/$pid/ns/ipc" \
    '.hostname = null | .linux.namespaces |= map(if .type == "uts" then .path = $u elif .type == "ipc" then .path = $i else . end)' \
    "$other/config.json" > "$other/c" && mv "$other/c" "$other/config.json"
  run rw run --bundle "$other" "$ID-2"
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = sandbox ]
  [ "${lines[1]}" = "$(readlink /proc/$pid/ns/ipc)" ]
}

@test "user namespace with uid and gid mappings" {
  # The mapped root must be able to reach the rootfs.
  BUNDLE=$(mktemp -d /tmp/rw-userns.XXXXXX)
  chmod 755 "$BUNDLE"
  RUNWASM=$RUNWASM "$REPO/tests/lib/make-busybox-bundle" "$BUNDLE" true
  config '.linux.namespaces += [{"type": "user"}] | .linux.uidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}] | .linux.gidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]'
  chown -R 100000:100000 "$BUNDLE/rootfs"
  process sh -c 'id -u; cat /proc/self/uid_map; cat /proc/self/gid_map'
  run_container
  rm -rf "$BUNDLE"
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = 0 ]
  [[ "${lines[1]}" == *0*100000*65536* ]]
  [[ "${lines[2]}" == *0*100000*65536* ]]
}
