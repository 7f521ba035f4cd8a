#!/usr/bin/env bats
# linux.seccomp through `runwasm run` in a busybox bundle.

load policy_helpers

teardown () { policy_teardown; }

@test "seccomp: SCMP_ACT_ERRNO makes mkdir fail with EPERM" {
  policy_setup 'grep ^Seccomp: /proc/self/status; mkdir /tmp/x && echo created'
  config_edit 'c["linux"]["seccomp"] = {"defaultAction": "SCMP_ACT_ALLOW", "architectures": ["SCMP_ARCH_X86_64"],
    "syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO"}]}'
  run_container
  [ "$status" -ne 0 ]
  [[ "$output" == *"Seccomp:	2"* ]]
  [[ "$output" == *"Operation not permitted"* ]]
  [[ "$output" != *created* ]]
}

@test "seccomp: errnoRet chooses the errno" {
  policy_setup 'mkdir /tmp/x'
  config_edit 'c["linux"]["seccomp"] = {"defaultAction": "SCMP_ACT_ALLOW",
    "syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO", "errnoRet": 38}]}'
  run_container
  [ "$status" -ne 0 ]
  [[ "$output" == *"Function not implemented"* ]]
}

@test "seccomp: SCMP_ACT_KILL_PROCESS kills with SIGSYS (exit 159)" {
  policy_setup 'exec mkdir /tmp/x'
  config_edit 'c["linux"]["seccomp"] = {"defaultAction": "SCMP_ACT_ALLOW",
    "syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_KILL_PROCESS"}]}'
  run_container
  [ "$status" -eq 159 ]
  [[ "$output" != *"File exists"* ]]
}

@test "seccomp: argument conditions select the calls (kill with signal 0 only)" {
  policy_setup 'kill -0 $$ && echo sig0-allowed; kill -CONT $$ && echo cont-allowed'
  config_edit 'c["linux"]["seccomp"] = {"defaultAction": "SCMP_ACT_ALLOW",
    "syscalls": [{"names": ["kill"], "action": "SCMP_ACT_ERRNO",
                  "args": [{"index": 1, "value": 0, "op": "SCMP_CMP_EQ"}]}]}'
  run_container
  [[ "$output" != *sig0-allowed* ]]
  [[ "$output" == *cont-allowed* ]]
}

@test "seccomp: syscall names libseccomp does not know are skipped" {
  policy_setup 'echo ran'
  config_edit 'c["linux"]["seccomp"] = {"defaultAction": "SCMP_ACT_ALLOW",
    "syscalls": [{"names": ["no_such_syscall_xyz"], "action": "SCMP_ACT_ERRNO"}]}'
  run_container
  [ "$status" -eq 0 ]
  [[ "$output" == *ran* ]]
}

@test "seccomp: without noNewPrivileges the filter is loaded while CAP_SYS_ADMIN is held" {
  policy_setup 'grep ^NoNewPrivs: /proc/self/status; mkdir /tmp/x'
  config_edit 'c["process"]["noNewPrivileges"] = False
c["linux"]["seccomp"] = {"defaultAction": "SCMP_ACT_ALLOW",
    "syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO"}]}'
  run_container
  [[ "$output" == *"NoNewPrivs:	0"* ]]
  [[ "$output" == *"Operation not permitted"* ]]
}

@test "seccomp: a bad action is refused naming the field" {
  policy_setup 'true'
  config_edit 'c["linux"]["seccomp"] = {"defaultAction": "SCMP_ACT_ALLOW",
    "syscalls": [{"names": ["read"], "action": "SCMP_ACT_ALLOW"}, {"names": ["mkdir"], "action": "SCMP_ACT_FOO"}]}'
  run_container
  [ "$status" -ne 0 ]
  [[ "$output" == *'linux.seccomp.syscalls[1].action: unknown action `SCMP_ACT_FOO`'* ]]
}

@test "seccomp: NOTIFY without listenerPath is refused" {
  policy_setup 'true'
  config_edit 'c["linux"]["seccomp"] = {"defaultAction": "SCMP_ACT_ALLOW",
    "syscalls": [{"names": ["mkdir"], "action": "SCMP_ACT_NOTIFY"}]}'
  run_container
  [ "$status" -ne 0 ]
  [[ "$output" == *"SCMP_ACT_NOTIFY needs linux.seccomp.listenerPath"* ]]
}

@test "seccomp: SCMP_ACT_NOTIFY hands the listener fd and the state to listenerPath" {
  policy_setup 'mkdir /tmp/x; echo after-mkdir'
  sock=$BUNDLE/listener.sock
  # The listener takes the fd and the payload, then closes the fd: a notified call whose
  # listener is gone fails with ENOSYS.
  python3 - "$sock" "$BUNDLE/payload" <<'PY' &
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.bind(sys.argv[1]); s.listen(1); s.settimeout(20)
conn, _ = s.accept()
msg, fds, _, _ = socket.recv_fds(conn, 65536, 4)
open(sys.argv[2], "w").write("fds=%d\n%s" % (len(fds), msg.decode()))
for fd in fds:
    __import__("os").close(fd)
PY
  listener=$!
  for i in $(seq 50); do [ -S "$sock" ] && break; sleep 0.1; done
  config_edit "c['linux']['seccomp'] = {'defaultAction': 'SCMP_ACT_ALLOW', 'listenerPath': '$sock',
    'syscalls': [{'names': ['mkdir', 'mkdirat'], 'action': 'SCMP_ACT_NOTIFY'}]}"
  run_container
  wait "$listener"
  [ "$status" -eq 0 ]
  [[ "$output" == *"Function not implemented"* ]]
  [[ "$output" == *after-mkdir* ]]
  [ "$(head -1 "$BUNDLE/payload")" = fds=1 ]
  grep -q "\"$ID\"" "$BUNDLE/payload"
}
