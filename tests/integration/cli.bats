#!/usr/bin/env bats
# The command line: global flags, help, version, features, spec, errors for unknown input.
load helpers

@test "--version names the version, the spec version and the feature tags" {
  run rw --version
  [ "$status" -eq 0 ]
  [[ "$output" == *"runwasm version"* ]]
  [[ "$output" == *"spec: 1.2"* ]]
  [[ "$output" == *"+SECCOMP"* && "$output" == *"+CAP"* && "$output" == *"+WASM:builtin"* ]]
}

@test "--help lists every command of the man page" {
  run rw --help
  [ "$status" -eq 0 ]
  for cmd in create start run state kill delete list exec ps pause resume update spec features; do
    [[ "$output" == *"  $cmd "* ]] || { echo "missing $cmd"; return 1; }
    grep -q "^\\.B $cmd\$\|^\\.SS $cmd" "$REPO/docs/runwasm.8" || { echo "man page lacks $cmd"; return 1; }
  done
}

@test "an unknown command fails with status 1 and says so" {
  run rw frobnicate
  [ "$status" -eq 1 ]
  [[ "$output" == *"unknown command"*"frobnicate"* ]]
}

@test "an unknown global flag fails with status 1" {
  run "$RUNWASM" --bogus list
  [ "$status" -eq 1 ]
  [[ "$output" == *"--bogus"* ]]
}

@test "an unknown command flag fails with status 1" {
  run rw create --bogus "$ID"
  [ "$status" -eq 1 ]
  [[ "$output" == *"--bogus"* ]]
}

@test "a missing container id is a usage error" {
  run rw start
  [ "$status" -eq 1 ]
  [[ "$output" == *"CONTAINER-ID"* ]]
}

@test "features prints OCI features JSON with the honoured annotations" {
  run rw features
  [ "$status" -eq 0 ]
  echo "$output" | jq -e '.ociVersionMin == "1.0.0" and (.ociVersionMax | startswith("1.2"))'
  echo "$output" | jq -e '.hooks | index("createRuntime")'
  echo "$output" | jq -e '.mountOptions | index("rbind")'
  echo "$output" | jq -e '.linux.namespaces | index("user")'
  echo "$output" | jq -e '.linux.capabilities | index("CAP_SYS_ADMIN")'
  echo "$output" | jq -e '.linux.seccomp.enabled'
  echo "$output" | jq -e '.annotations | has("run.oci.handler") and has("module.wasm.image/variant") and has("io.kubernetes.cri.container-type")'
}

@test "spec writes a config.json that parses, and refuses to overwrite it" {
  dir=$BATS_TEST_TMPDIR/spec
  mkdir -p "$dir"
  run rw spec --bundle "$dir"
  [ "$status" -eq 0 ]
  jq -e '.process.args == ["sh"] and .root.path == "rootfs"' "$dir/config.json"
  run rw spec --bundle "$dir"
  [ "$status" -ne 0 ]
  [[ "$output" == *"exists"* ]]
}

@test "spec --rootless maps the caller into a user namespace" {
  dir=$BATS_TEST_TMPDIR/spec
  mkdir -p "$dir"
  rw spec --rootless --bundle "$dir"
  jq -e '[.linux.namespaces[].type] | index("user")' "$dir/config.json"
  jq -e '.linux.uidMappings[0].containerID == 0' "$dir/config.json"
  jq -e '[.linux.namespaces[].type] | index("network") | not' "$dir/config.json"
}

@test "errors reach both stderr and a json --log file" {
  log=$BATS_TEST_TMPDIR/log.json
  run "$RUNWASM" --root "$ROOT" --log "$log" --log-format json start nosuch
  [ "$status" -eq 1 ]
  [[ "$output" == *"nosuch"*"does not exist"* ]]
  jq -e 'select(.level == "error") | (.msg | contains("does not exist")) and (.time | length > 0)' "$log"
}

@test "text logs and an invalid --log-format" {
  log=$BATS_TEST_TMPDIR/log.txt
  run "$RUNWASM" --root "$ROOT" --log "$log" start nosuch
  [ "$status" -eq 1 ]
  grep -q "error: .*does not exist" "$log"
  run rw --log-format xml list
  [ "$status" -eq 1 ]
  [[ "$output" == *"xml"* ]]
}
