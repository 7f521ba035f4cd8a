#!/usr/bin/env bats
# process.capabilities, process.rlimits, linux.sysctl, linux.personality and LSM labels
# through `runwasm run` in a busybox bundle.

load policy_helpers

teardown () { policy_teardown; }

@test "capabilities: the five sets reach /proc/self/status" {
  policy_setup 'grep ^Cap /proc/self/status'
  config_edit 'c["process"]["capabilities"] = {"bounding": ["CAP_CHOWN", "CAP_KILL", "CAP_NET_BIND_SERVICE"],
    "effective": ["CAP_CHOWN", "CAP_KILL"], "permitted": ["CAP_CHOWN", "CAP_KILL", "CAP_NET_BIND_SERVICE"],
    "inheritable": ["CAP_NET_BIND_SERVICE"], "ambient": []}'
  run_container
  [ "$status" -eq 0 ]
  [[ "$output" == *"CapBnd:	0000000000000421"* ]]
  # execve as uid 0 recomputes permitted from bounding|inheritable and raises effective to
  # it (capabilities(7)); the non-root test below sees the configured effective set.
  [[ "$output" == *"CapEff:	0000000000000421"* ]]
  [[ "$output" == *"CapPrm:	0000000000000421"* ]]
  [[ "$output" == *"CapInh:	0000000000000400"* ]]
  [[ "$output" == *"CapAmb:	0000000000000000"* ]]
}

@test "capabilities: ambient capabilities survive a non-root user" {
  policy_setup 'grep -E "^Cap(Eff|Amb)" /proc/self/status; id -u'
  config_edit 'c["process"]["user"] = {"uid": 1000, "gid": 1000}
c["process"]["capabilities"] = {"bounding": ["CAP_NET_BIND_SERVICE"], "effective": ["CAP_NET_BIND_SERVICE"],
    "permitted": ["CAP_NET_BIND_SERVICE"], "inheritable": ["CAP_NET_BIND_SERVICE"], "ambient": ["CAP_NET_BIND_SERVICE"]}'
  run_container
  [ "$status" -eq 0 ]
  [[ "$output" == *"CapEff:	0000000000000400"* ]]
  [[ "$output" == *"CapAmb:	0000000000000400"* ]]
  [[ "$output" == *1000* ]]
}

@test "capabilities: an unknown name is refused naming the field" {
  policy_setup 'true'
  config_edit 'c["process"]["capabilities"]["bounding"].append("CAP_FLY")'
  run_container
  [ "$status" -ne 0 ]
  [[ "$output" == *"process.capabilities.bounding["*"]: unknown capability \`CAP_FLY\`"* ]]
}

@test "rlimits: RLIMIT_NOFILE is set" {
  policy_setup 'ulimit -n; ulimit -Hn'
  config_edit 'c["process"]["rlimits"] = [{"type": "RLIMIT_NOFILE", "soft": 123, "hard": 456}]'
  run_container
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = 123 ]
  [ "${lines[1]}" = 456 ]
}

@test "rlimits: raising the hard limit without CAP_SYS_RESOURCE says so" {
  grep -q '^CapEff:.*' /proc/self/status
  [ $(( 0x$(awk '/^CapEff/ {print $2}' /proc/self/status) >> 24 & 1 )) -eq 0 ] || skip "this host has CAP_SYS_RESOURCE"
  policy_setup 'true'
  hard=$(ulimit -Hn)
  config_edit "c['process']['rlimits'] = [{'type': 'RLIMIT_NOFILE', 'soft': $((hard + 1)), 'hard': $((hard + 1))}]"
  run_container
  [ "$status" -ne 0 ]
  [[ "$output" == *"RLIMIT_NOFILE"*"needs CAP_SYS_RESOURCE"* ]]
}

@test "rlimits: an unknown type is refused naming the field" {
  policy_setup 'true'
  config_edit 'c["process"]["rlimits"] = [{"type": "RLIMIT_FOO", "soft": 1, "hard": 1}]'
  run_container
  [ "$status" -ne 0 ]
  [[ "$output" == *'process.rlimits[0].type: unknown rlimit `RLIMIT_FOO`'* ]]
}

@test "sysctl: a namespaced sysctl is written in the container" {
  policy_setup 'cat /proc/sys/net/ipv4/ip_forward /proc/sys/kernel/shmmni'
  config_edit 'c["linux"]["sysctl"] = {"net.ipv4.ip_forward": "1", "kernel.shmmni": "2048"}
ns = [n["type"] for n in c["linux"]["namespaces"]]
assert "network" in ns and "ipc" in ns'
  run_container
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = 1 ]
  [ "${lines[1]}" = 2048 ]
}

@test "sysctl: a host-wide sysctl is refused" {
  policy_setup 'true'
  config_edit 'c["linux"]["sysctl"] = {"kernel.pid_max": "100000"}'
  run_container
  [ "$status" -ne 0 ]
  [[ "$output" == *"linux.sysctl.kernel.pid_max: sysctl is not namespaced"* ]]
}

@test "sysctl: net.* needs a private network namespace" {
  policy_setup 'true'
  config_edit 'c["linux"]["namespaces"] = [n for n in c["linux"]["namespaces"] if n["type"] != "network"]
c["linux"]["sysctl"] = {"net.ipv4.ip_forward": "1"}'
  run_container
  [ "$status" -ne 0 ]
  [[ "$output" == *"linux.sysctl.net.ipv4.ip_forward: needs a private network namespace"* ]]
}

@test "personality: LINUX32 makes uname -m report i686" {
  policy_setup 'uname -m'
  config_edit 'c["linux"]["personality"] = {"domain": "LINUX32"}'
  run_container
  [ "$status" -eq 0 ]
  [ "$output" = i686 ]
}

@test "lsm: an AppArmor profile on a host without AppArmor is refused clearly" {
  [ "$(cat /sys/module/apparmor/parameters/enabled 2>/dev/null)" != Y ] || skip "AppArmor is enabled here"
  policy_setup 'true'
  config_edit 'c["process"]["apparmorProfile"] = "runwasm-default"'
  run_container
  [ "$status" -ne 0 ]
  [[ "$output" == *"AppArmor is not enabled on this host"* ]]
}
