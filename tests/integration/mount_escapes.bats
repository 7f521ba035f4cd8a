#!/usr/bin/env bats
# Mount destinations that an image redirects with symlinks (CVE-2019-19921 class): a volume
# must never land on procfs, where it would turn the LSM label write at exec into a write to
# a plain file, nor on the container's root. Each refusal names the mount; nothing stays mounted.
load helpers

# add_mount JSON: appends one mount; $N is its index in config.json.
add_mount () {
  N=$(jq '.mounts | length' "$BUNDLE/config.json")
  config ".mounts += [$1]"
}

host_dir () {
  mkdir -p "$BATS_TEST_TMPDIR/host"
  echo planted > "$BATS_TEST_TMPDIR/host/exec"
  echo "$BATS_TEST_TMPDIR/host"
}

refused () {
  [ "$status" -ne 0 ] || { echo "the container ran: $output"; return 1; }
  [[ "$output" == *"mounts[$N] \`$1\`: destination resolves into /proc"*refused* ]] || { echo "wrong error: $output"; return 1; }
  assert_nothing_left "$ID"
  ! grep -q "$BATS_TEST_TMPDIR/host" /proc/self/mountinfo
}

@test "a bind through a symlink to ../proc/self is refused" {
  ln -s ../proc/self "$BUNDLE/rootfs/vol2"
  add_mount "{\"destination\": \"/vol2/attr\", \"type\": \"bind\", \"source\": \"$(host_dir)\", \"options\": [\"rbind\"]}"
  process cat /proc/self/attr/exec
  run_container
  refused /vol2/attr
}

@test "a bind through a symlink to ../proc/thread-self is refused" {
  ln -s ../proc/thread-self "$BUNDLE/rootfs/vol3"
  add_mount "{\"destination\": \"/vol3/attr\", \"type\": \"bind\", \"source\": \"$(host_dir)\", \"options\": [\"rbind\"]}"
  process cat /proc/thread-self/attr/exec
  run_container
  refused /vol3/attr
}

@test "a tmpfs through a symlink into /proc is refused" {
  ln -s ../proc/thread-self "$BUNDLE/rootfs/vol3"
  add_mount '{"destination": "/vol3/attr", "type": "tmpfs", "source": "tmpfs"}'
  process true
  run_container
  refused /vol3/attr
}

@test "a bind over /proc itself through rootfs/vol -> /proc is refused" {
  ln -s /proc "$BUNDLE/rootfs/vol"
  add_mount "{\"destination\": \"/vol\", \"type\": \"bind\", \"source\": \"$(host_dir)\", \"options\": [\"rbind\"]}"
  process true
  run_container
  [ "$status" -ne 0 ]
  [[ "$output" == *"mounts[$N] \`/vol\`: destination resolves to /proc"*refused* ]] || { echo "wrong error: $output"; return 1; }
  assert_nothing_left "$ID"
}

@test "a tmpfs on /proc is refused, a second proc on /proc is allowed" {
  add_mount '{"destination": "/proc", "type": "tmpfs", "source": "tmpfs"}'
  process true
  run_container
  [ "$status" -ne 0 ]
  [[ "$output" == *"mounts[$N] \`/proc\`: destination resolves to /proc"*refused* ]] || { echo "wrong error: $output"; return 1; }
  config 'del(.mounts[-1]) | .mounts += [{"destination": "/proc", "type": "proc", "source": "proc"}]'
  process sh -c 'awk "\$5 == \"/proc\"" /proc/self/mountinfo | grep -c " - proc "'
  run_container
  [ "$status" -eq 0 ]
  [ "$output" = 2 ]
}

@test "a bind onto /proc/cpuinfo (lxcfs) is allowed" {
  echo "processor : fake" > "$BATS_TEST_TMPDIR/cpuinfo"
  add_mount "{\"destination\": \"/proc/cpuinfo\", \"type\": \"bind\", \"source\": \"$BATS_TEST_TMPDIR/cpuinfo\", \"options\": [\"bind\", \"ro\"]}"
  process cat /proc/cpuinfo
  run_container
  [ "$status" -eq 0 ]
  [ "$output" = "processor : fake" ]
}

@test "any other file of /proc is refused as a bind destination" {
  echo 0 > "$BATS_TEST_TMPDIR/f"
  add_mount "{\"destination\": \"/proc/sys/kernel/randomize_va_space\", \"type\": \"bind\", \"source\": \"$BATS_TEST_TMPDIR/f\", \"options\": [\"bind\"]}"
  process true
  run_container
  [ "$status" -ne 0 ]
  [[ "$output" == *"mounts[$N] \`/proc/sys/kernel/randomize_va_space\`: destination resolves into /proc"*refused* ]] || { echo "wrong error: $output"; return 1; }
}

@test "a tmpfs on / is refused, also through a symlink" {
  add_mount '{"destination": "/", "type": "tmpfs", "source": "tmpfs"}'
  process true
  run_container
  [ "$status" -ne 0 ]
  [[ "$output" == *"mounts[$N] \`/\`: destination is the container's root"*refused* ]] || { echo "wrong error: $output"; return 1; }
  assert_nothing_left "$ID"
  ln -s / "$BUNDLE/rootfs/toroot"
  config '.mounts[-1].destination = "/toroot"'
  run_container
  [ "$status" -ne 0 ]
  [[ "$output" == *"mounts[$N] \`/toroot\`: destination is the container's root"*refused* ]] || { echo "wrong error: $output"; return 1; }
}

@test "a device node bound from the host through a symlink into /proc is refused" {
  # In a user namespace device nodes are binds of the host's; the image's dev/null points
  # at the file the LSM exec label is written to. Outside the 0700 bats dirs, so the mapped
  # root (host uid 100000) reaches the bundle.
  BUNDLE=$(mktemp -d /tmp/rw-devesc.XXXXXX)
  chmod 755 "$BUNDLE"
  RUNWASM=$RUNWASM "$REPO/tests/lib/make-busybox-bundle" "$BUNDLE" true
  config '.linux.namespaces += [{"type": "user"}] | .linux.uidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}] | .linux.gidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}] | .mounts |= map(select(.destination != "/dev"))'
  mkdir -p "$BUNDLE/rootfs/dev"
  rm -f "$BUNDLE/rootfs/dev/null"
  ln -s ../proc/self/attr/exec "$BUNDLE/rootfs/dev/null"
  chown -R 100000:100000 "$BUNDLE/rootfs"
  process true
  run_container
  rm -rf "$BUNDLE"
  [ "$status" -ne 0 ] || { echo "the container ran: $output"; return 1; }
  [[ "$output" == *"device \`/dev/null\`"*"destination resolves into /proc"*refused* ]] || { echo "wrong error: $output"; return 1; }
  assert_nothing_left "$ID"
}
