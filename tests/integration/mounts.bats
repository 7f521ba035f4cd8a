#!/usr/bin/env bats
# Rootfs, mounts, devices, masked and read-only paths.
load helpers

@test "root.readonly makes / read-only" {
  config '.root.readonly = true'
  process sh -c 'touch /x 2>&1; awk "\$5 == \"/\" { print \$6 }" /proc/self/mountinfo'
  run_container
  [[ "${lines[0]}" == *"Read-only file system"* ]]
  [[ "${lines[1]}" == ro,* ]]
}

@test "a writable rootfs by default in test bundles" {
  process sh -c 'touch /x && echo written'
  run_container
  [ "$output" = written ]
}

@test "tmpfs with options" {
  config '.mounts += [{"destination": "/data", "type": "tmpfs", "source": "tmpfs", "options": ["nosuid", "nodev", "mode=700", "size=1m"]}]'
  process sh -c 'grep " /data " /proc/self/mountinfo; stat -c %a /data'
  run_container
  [ "$status" -eq 0 ]
  [[ "${lines[0]}" == *nosuid*nodev* ]]
  [[ "${lines[0]}" == *size=1024k* ]]
  [ "${lines[1]}" = 700 ]
}

@test "bind mounts of a directory and a file, read-only where asked" {
  mkdir -p "$BATS_TEST_TMPDIR/host"
  echo hello > "$BATS_TEST_TMPDIR/host/file"
  jq --arg d "$BATS_TEST_TMPDIR/host" --arg f "$BATS_TEST_TMPDIR/host/file" \
    '.mounts += [{"destination": "/mnt/dir", "type": "bind", "source": $d, "options": ["rbind", "ro"]},
                 {"destination": "/etc/motd", "type": "bind", "source": $f, "options": ["bind"]}]' \
    "$BUNDLE/config.json" > "$BUNDLE/c" && mv "$BUNDLE/c" "$BUNDLE/config.json"
  process sh -c 'cat /mnt/dir/file; cat /etc/motd; touch /mnt/dir/new 2>&1; echo changed > /etc/motd'
  run_container
  [ "${lines[0]}" = hello ]
  [ "${lines[1]}" = hello ]
  [[ "${lines[2]}" == *"Read-only file system"* ]]
  [ "$(cat "$BATS_TEST_TMPDIR/host/file")" = changed ]
}

@test "a relative bind source resolves against the bundle" {
  mkdir -p "$BUNDLE/data"
  echo rel > "$BUNDLE/data/f"
  config '.mounts += [{"destination": "/data", "type": "bind", "source": "data", "options": ["bind"]}]'
  process cat /data/f
  run_container
  [ "$output" = rel ]
}

@test "a symlinked mount destination cannot escape the rootfs" {
  escape=$BATS_TEST_TMPDIR/escape
  mkdir -p "$escape"
  ln -s "../../../../../../../../$escape" "$BUNDLE/rootfs/evil"
  ln -s "/$escape" "$BUNDLE/rootfs/evil2"
  config '.mounts += [{"destination": "/evil", "type": "tmpfs", "source": "tmpfs"}, {"destination": "/evil2/sub", "type": "tmpfs", "source": "tmpfs"}]'
  process sh -c 'touch /evil/inside /evil2/sub/inside2 && echo ok'
  run_container
  [ "$status" -eq 0 ]
  [ -z "$(ls -A "$escape")" ]
  ! grep -q "$escape" /proc/self/mountinfo
}

@test "propagation options and rootfsPropagation are accepted" {
  config '.linux.rootfsPropagation = "rslave" | .mounts += [{"destination": "/p", "type": "tmpfs", "source": "tmpfs", "options": ["rprivate"]}]'
  process sh -c 'grep " /p " /proc/self/mountinfo'
  run_container
  [ "$status" -eq 0 ]
  [[ "$output" != *shared:* ]]
}

@test "proc, sysfs, devpts, mqueue and shm are mounted" {
  process sh -c 'for m in /proc /sys /dev/pts /dev/mqueue /dev/shm /sys/fs/cgroup; do grep -q " $m " /proc/self/mountinfo && echo $m; done'
  run_container
  [ "$(echo "$output" | wc -l)" -eq 6 ]
}

@test "the cgroup mount shows the container's own cgroups" {
  process sh -c 'ls /sys/fs/cgroup; cat /sys/fs/cgroup/pids/cgroup.procs'
  run_container
  [ "$status" -eq 0 ]
  [[ "$output" == *memory* && "$output" == *pids* ]]
}

@test "default devices, /dev symlinks and /dev/ptmx" {
  process sh -c 'for d in null zero full random urandom tty; do stat -c "%n %t:%T %a" /dev/$d; done; for l in fd stdin ptmx; do readlink /dev/$l; done; echo x > /dev/null && echo null-ok'
  run_container
  [ "$status" -eq 0 ]
  [[ "$output" == *"/dev/null 1:3 666"* ]]
  [[ "$output" == *"/dev/tty 5:0 666"* ]]
  [[ "$output" == *"/proc/self/fd"* ]]
  [[ "$output" == *"pts/ptmx"* ]]
  [[ "$output" == *null-ok* ]]
}

@test "linux.devices creates nodes with their mode and owner" {
  config '.linux.devices = [{"path": "/dev/mydev", "type": "c", "major": 1, "minor": 5, "fileMode": 416, "uid": 7, "gid": 8}]'
  process stat -c '%t:%T %a %u:%g' /dev/mydev
  run_container
  [ "$status" -eq 0 ]
  [ "$output" = "1:5 640 7:8" ]
}

@test "maskedPaths hide files and directories" {
  config '.linux.maskedPaths += ["/etc/passwd", "/bin/nonexistent"]'
  process sh -c 'wc -c < /etc/passwd; ls /sys/firmware | wc -l'
  run_container
  [ "${lines[0]}" = 0 ]
  [ "${lines[1]}" = 0 ]
}

@test "readonlyPaths are read-only" {
  process sh -c 'echo 1 > /proc/sys/kernel/domainname 2>&1 || true'
  run_container
  [[ "$output" == *"Read-only file system"* ]]
}

@test "--no-pivot uses MS_MOVE and chroot" {
  process sh -c 'ls /bin/busybox && echo fine'
  run_container
  [ "$status" -eq 0 ]
  run rw run --no-pivot --bundle "$BUNDLE" "$ID"
  [ "$status" -eq 0 ]
  [[ "$output" == *fine* ]]
}

@test "mounts made in the container do not reach the host" {
  before=$(wc -l < /proc/self/mountinfo)
  process sh -c 'mount -t tmpfs tmpfs /tmp && echo mounted'
  config '.process.capabilities.bounding += ["CAP_SYS_ADMIN"] | .process.capabilities.effective += ["CAP_SYS_ADMIN"] | .process.capabilities.permitted += ["CAP_SYS_ADMIN"]'
  run_container
  [ "$output" = mounted ]
  [ "$(wc -l < /proc/self/mountinfo)" -eq "$before" ]
}
