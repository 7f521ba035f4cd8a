# podman --memory with the runtime under test (docs/security.md): a Wasm module that uses what
# it grows gets -1 from memory.grow below the limit instead of being OOM-killed. (podman's
# OOMKilled is not checked: conmon 2.1 does not report it on this hybrid-cgroup host, with
# runc either.)

# grow_touch.wat (tests/wasm) grows 1 MiB at a time, touching every page, and prints where
# memory.grow refused.
t_sec_wasm_grow_under_memory() {
  local mib out
  for mib in 32 128; do
    out=$(pm_run --rm --memory "${mib}m" --annotation run.oci.handler=wasm \
      -v "$REPO_DIR/tests/wasm/grow_touch.wat:/grow.wat:ro" "$MIXED" /grow.wat 2>&1)
    expect_eq "exit status at --memory ${mib}m" 0 $? || { echo "$out"; return 1; }
    expect_match "memory.grow refused below ${mib} MiB" '^memory.grow refused at [0-9]+ MiB$' "$out" || return 1
    [ "$(echo "$out" | tr -dc 0-9)" -lt "$mib" ] || { echo "FAIL grew to the limit: $out"; return 1; }
  done
}

eco_security_tests() {
  wcase "podman: --memory caps a Wasm module's memory.grow below the limit (no OOM kill)" t_sec_wasm_grow_under_memory
}
