#!/usr/bin/env bats
# Bad input: one clear line naming the field or file, a non-zero status, and nothing left
# behind (no state dir, cgroup, mount or process).
load helpers

expect_create_failure () {
  run rw create --bundle "$BUNDLE" "$ID"
  echo "$output"
  [ "$status" -ne 0 ]
  [[ "$output" == *"$1"* ]]
  [ "$(echo "$output" | wc -l)" -eq 1 ]
  assert_nothing_left "$ID"
}

@test "malformed config.json" {
  echo '{"ociVersion": "1.0.2",' > "$BUNDLE/config.json"
  expect_create_failure "config.json"
}

@test "missing config.json" {
  rm "$BUNDLE/config.json"
  expect_create_failure "config.json"
}

@test "missing rootfs" {
  config '.root.path = "nowhere"'
  expect_create_failure "root.path"
}

@test "process.args of the wrong type" {
  config '.process.args = "sh"'
  expect_create_failure "process.args"
}

@test "missing process.cwd" {
  config 'del(.process.cwd)'
  expect_create_failure "process.cwd"
}

@test "unknown namespace type" {
  config '.linux.namespaces += [{"type": "bogus"}]'
  expect_create_failure "linux.namespaces[6].type"
}

@test "a mount with a bad type fails after the cgroup was made, and is rolled back" {
  config '.mounts += [{"destination": "/x", "type": "nosuchfs", "source": "none"}]'
  expect_create_failure "mounts[7]"
}

@test "a bind mount of a missing source" {
  config '.mounts += [{"destination": "/x", "type": "bind", "source": "/nonexistent/dir", "options": ["bind"]}]'
  expect_create_failure "mounts[7]"
}

@test "a mount option on the wrong kind of mount is refused" {
  config '.mounts += [{"destination": "/x", "type": "tmpfs", "source": "tmpfs", "options": ["idmap"]}]'
  expect_create_failure 'mounts[7]: option `idmap` needs a bind mount'
  config '.mounts[-1].options = ["tmpcopyup"] | .mounts[-1].type = "bind" | .mounts[-1].source = "/tmp"'
  expect_create_failure 'mounts[7]: option `tmpcopyup` needs a tmpfs mount'
}

@test "an option the kernel does not know fails naming the mount and the options" {
  config '.mounts += [{"destination": "/x", "type": "tmpfs", "source": "tmpfs", "options": ["nosuid", "bogus=1"]}]'
  expect_create_failure 'mounts[7] `/x`: mount type tmpfs with options `bogus=1`: Invalid argument'
}

@test "a missing executable fails at create" {
  process /bin/nonexistent
  expect_create_failure "/bin/nonexistent"
}

@test "a failing prestart hook" {
  config '.hooks.prestart = [{"path": "/bin/false"}]'
  expect_create_failure "hooks.prestart[0]"
}

@test "a failing createContainer hook" {
  config '.hooks.createContainer = [{"path": "/bin/sh", "args": ["sh", "-c", "exit 3"]}]'
  expect_create_failure "hooks.createContainer[0]"
}

@test "a hook that outlives its timeout" {
  config '.hooks.createRuntime = [{"path": "/bin/sleep", "args": ["sleep", "10"], "timeout": 1}]'
  expect_create_failure "hooks.createRuntime[0]"
}

@test "an invalid container id" {
  run rw create --bundle "$BUNDLE" "../evil"
  [ "$status" -eq 1 ]
  [[ "$output" == *"invalid container id"* ]]
}

@test "a terminal without --console-socket" {
  config '.process.terminal = true'
  expect_create_failure "console-socket"
}

@test "a uid mapping without a user namespace" {
  config '.linux.uidMappings = [{"containerID": 0, "hostID": 1000, "size": 1}]'
  expect_create_failure "linux.uidMappings"
}

@test "a namespace path that does not exist" {
  config '.linux.namespaces |= map(if .type == "network" then .path = "/nonexistent/ns" else . end)'
  expect_create_failure "/nonexistent/ns"
}

@test "an unknown capability fails naming the field" {
  config '.process.capabilities.bounding += ["CAP_BOGUS"]'
  expect_create_failure "process.capabilities.bounding"
}
