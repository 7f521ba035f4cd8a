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

@test "tmpcopyup fills the tmpfs with the image's files, owners, modes and symlinks" {
  mkdir -p "$BUNDLE/rootfs/data/sub"
  echo from-image > "$BUNDLE/rootfs/data/sub/file"
  chown 7:8 "$BUNDLE/rootfs/data/sub/file"
  chmod 4755 "$BUNDLE/rootfs/data/sub/file"
  chmod 711 "$BUNDLE/rootfs/data"
  ln -s sub/file "$BUNDLE/rootfs/data/link"
  mkfifo "$BUNDLE/rootfs/data/fifo"
  config '.mounts += [{"destination": "/data", "type": "tmpfs", "source": "tmpfs", "options": ["nosuid", "tmpcopyup"]}]'
  process sh -c 'grep -c " /data .* - tmpfs " /proc/self/mountinfo; cat /data/link; stat -c "%a %u:%g %F" /data /data/sub/file /data/fifo; readlink /data/link; echo new > /data/sub/new && echo writable'
  run_container
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = 1 ]
  [ "${lines[1]}" = from-image ]
  [ "${lines[2]}" = "711 0:0 directory" ]
  [ "${lines[3]}" = "4755 7:8 regular file" ]
  [ "${lines[4]}" = "644 0:0 fifo" ]
  [ "${lines[5]}" = sub/file ]
  [ "${lines[6]}" = writable ]
  # The image itself is untouched.
  [ ! -e "$BUNDLE/rootfs/data/sub/new" ]
}

@test "tmpcopyup with ro and mode=: files copied, then read-only, mode from the option" {
  mkdir -p "$BUNDLE/rootfs/data"
  echo x > "$BUNDLE/rootfs/data/f"
  config '.mounts += [{"destination": "/data", "type": "tmpfs", "source": "tmpfs", "options": ["tmpcopyup", "ro", "mode=700"]}]'
  process sh -c 'cat /data/f; stat -c %a /data; touch /data/g 2>&1'
  run_container
  [ "${lines[0]}" = x ]
  [ "${lines[1]}" = 700 ]
  [[ "${lines[2]}" == *"Read-only file system"* ]]
}

@test "rro makes the submounts of an rbind read-only too, ro only the top" {
  mkdir -p "$BATS_TEST_TMPDIR/tree/sub"
  mount -t tmpfs tmpfs "$BATS_TEST_TMPDIR/tree/sub"
  config ".mounts += [{\"destination\": \"/ro\", \"type\": \"bind\", \"source\": \"$BATS_TEST_TMPDIR/tree\", \"options\": [\"rbind\", \"ro\"]},
                      {\"destination\": \"/rro\", \"type\": \"bind\", \"source\": \"$BATS_TEST_TMPDIR/tree\", \"options\": [\"rbind\", \"rro\"]}]"
  process sh -c 'touch /ro/sub/a 2>&1 && echo ro-sub-writable; touch /rro/x 2>&1; touch /rro/sub/b 2>&1'
  run_container
  umount "$BATS_TEST_TMPDIR/tree/sub"
  [ "$status" -eq 0 ] || true
  [ "${lines[0]}" = ro-sub-writable ]
  [[ "${lines[1]}" == *"Read-only file system"* ]]
  [[ "${lines[2]}" == *"Read-only file system"* ]]
}

@test "copy-symlink recreates a symlink source, src-nofollow mounts the symlink itself" {
  echo target-content > "$BATS_TEST_TMPDIR/target"
  ln -s "$BATS_TEST_TMPDIR/target" "$BATS_TEST_TMPDIR/link"
  config ".mounts += [{\"destination\": \"/etc/copied\", \"type\": \"bind\", \"source\": \"$BATS_TEST_TMPDIR/link\", \"options\": [\"bind\", \"copy-symlink\"]},
                      {\"destination\": \"/etc/followed\", \"type\": \"bind\", \"source\": \"$BATS_TEST_TMPDIR/link\", \"options\": [\"bind\"]},
                      {\"destination\": \"/etc/nofollow\", \"type\": \"bind\", \"source\": \"$BATS_TEST_TMPDIR/link\", \"options\": [\"bind\", \"src-nofollow\"]}]"
  process sh -c 'readlink /etc/copied; cat /etc/followed; readlink /etc/nofollow; grep -c " /etc/copied " /proc/self/mountinfo || true'
  run_container
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = "$BATS_TEST_TMPDIR/target" ]
  [ "${lines[1]}" = target-content ]
  [ "${lines[2]}" = "$BATS_TEST_TMPDIR/target" ]
  [ "${lines[3]}" = 0 ]
}

# Real check, independent of runwasm: can this kernel idmap a mount of the source's filesystem?
idmap_supported () {
  python3 - "$1" <<'PY'
import ctypes, os, struct, subprocess, sys
libc = ctypes.CDLL(None, use_errno=True)
holder = subprocess.Popen(["unshare", "-U", "--map-user=0", "--map-group=0", "sleep", "30"])
try:
    for _ in range(100):
        if os.readlink(f"/proc/{holder.pid}/ns/user") != os.readlink("/proc/self/ns/user"):
            break
        os.sched_yield()
    userns = os.open(f"/proc/{holder.pid}/ns/user", os.O_RDONLY)
    tree = libc.syscall(428, -100, sys.argv[1].encode(), 1 | 0o2000000)  # open_tree CLONE|CLOEXEC
    attr = struct.pack("QQQQ", 0x00100000, 0, 0, userns)                   # MOUNT_ATTR_IDMAP
    ok = tree >= 0 and libc.syscall(442, tree, b"", 0x1000, attr, len(attr)) == 0  # mount_setattr
    sys.exit(0 if ok else 1)
finally:
    holder.kill()
PY
}

@test "idmap with its own mapping shows shifted owners" {
  mkdir -p "$BATS_TEST_TMPDIR/vol"
  touch "$BATS_TEST_TMPDIR/vol/f"
  chown 0:0 "$BATS_TEST_TMPDIR/vol/f"
  idmap_supported "$BATS_TEST_TMPDIR/vol" || skip "this kernel cannot idmap a mount of $(stat -f -c %T "$BATS_TEST_TMPDIR/vol")"
  config ".mounts += [{\"destination\": \"/vol\", \"type\": \"bind\", \"source\": \"$BATS_TEST_TMPDIR/vol\", \"options\": [\"bind\", \"idmap=uids=0-1000-10;gids=0-2000-10\"]},
                      {\"destination\": \"/plain\", \"type\": \"bind\", \"source\": \"$BATS_TEST_TMPDIR/vol\", \"options\": [\"bind\"]}]"
  process stat -c '%u:%g' /vol/f /plain/f
  run_container
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = 1000:2000 ]
  [ "${lines[1]}" = 0:0 ]
}

@test "ridmap idmaps the submounts of an rbind, idmap only the top" {
  mkdir -p "$BATS_TEST_TMPDIR/tree/sub"
  touch "$BATS_TEST_TMPDIR/tree/f"
  mount -t tmpfs tmpfs "$BATS_TEST_TMPDIR/tree/sub"
  touch "$BATS_TEST_TMPDIR/tree/sub/g"
  if ! idmap_supported "$BATS_TEST_TMPDIR/tree/sub" || ! idmap_supported "$BATS_TEST_TMPDIR/tree"; then
    umount "$BATS_TEST_TMPDIR/tree/sub"
    skip "this kernel cannot idmap a mount of tmpfs or $(stat -f -c %T "$BATS_TEST_TMPDIR")"
  fi
  config ".mounts += [{\"destination\": \"/top\", \"type\": \"bind\", \"source\": \"$BATS_TEST_TMPDIR/tree\", \"options\": [\"rbind\", \"idmap=uids=0-1000-1;gids=0-1000-1\"]},
                      {\"destination\": \"/all\", \"type\": \"bind\", \"source\": \"$BATS_TEST_TMPDIR/tree\", \"options\": [\"rbind\", \"ridmap=uids=0-1000-1;gids=0-1000-1\"]}]"
  process stat -c %u /top/f /top/sub/g /all/f /all/sub/g
  run_container
  umount "$BATS_TEST_TMPDIR/tree/sub"
  [ "$status" -eq 0 ]
  [ "$(echo $output)" = "1000 0 1000 1000" ]
}

@test "idmap without a mapping uses the container's user namespace" {
  # Outside the 0700 bats dirs, so the container's root (host uid 100000) reaches the bundle.
  BUNDLE=$(mktemp -d /tmp/rw-idmap.XXXXXX)
  chmod 755 "$BUNDLE"
  RUNWASM=$RUNWASM "$REPO/tests/lib/make-busybox-bundle" "$BUNDLE" true
  mkdir -p "$BUNDLE/vol"
  touch "$BUNDLE/vol/f"
  idmap_supported "$BUNDLE/vol" || { rm -rf "$BUNDLE"; skip "this kernel cannot idmap a mount of $(stat -f -c %T /tmp)"; }
  chown -R 100000:100000 "$BUNDLE/rootfs"
  config '.linux.namespaces += [{"type": "user"}] | .linux.uidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}] | .linux.gidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]'
  config '.mounts += [{"destination": "/vol", "type": "bind", "source": "vol", "options": ["bind", "idmap"]},
                      {"destination": "/plain", "type": "bind", "source": "vol", "options": ["bind"]}]'
  process stat -c '%u:%g' /vol/f /plain/f
  run_container
  rm -rf "$BUNDLE"
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = 0:0 ]
  [ "${lines[1]}" = 65534:65534 ]
}

@test "idmap without any mapping is refused, naming the mount" {
  mkdir -p "$BATS_TEST_TMPDIR/vol"
  config ".mounts += [{\"destination\": \"/vol\", \"type\": \"bind\", \"source\": \"$BATS_TEST_TMPDIR/vol\", \"options\": [\"bind\", \"idmap\"]}]"
  process true
  run_container
  [ "$status" -ne 0 ]
  [[ "$output" == *'mounts[7] `/vol`: option `idmap` needs uidMappings/gidMappings on the mount or a user namespace'* ]]
  assert_nothing_left "$ID"
}
