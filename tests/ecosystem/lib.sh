# Shared helpers for the ecosystem harness: TAP output, the private work directory, the
# logging wrapper around the runtime under test, and the clean-up that runs on every exit.
# Sourced by tests/ecosystem/run; every part file (podman.sh, containerd.sh, ...) runs in the
# same shell so the TAP numbering is global.

ECO_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_DIR=$(cd "$ECO_DIR/../.." && pwd)
PY=/usr/bin/python3          # Debian's python: it has yaml, grpc, protobuf (a pyenv one may not)

# ---------------------------------------------------------------------------------------- TAP
TAP_N=0 TAP_FAILED=0
tap_ok()   { TAP_N=$((TAP_N + 1)); echo "ok $TAP_N - $1"; }
tap_skip() { TAP_N=$((TAP_N + 1)); echo "ok $TAP_N - $1 # skip $2"; }
tap_fail() {
  TAP_N=$((TAP_N + 1)) TAP_FAILED=$((TAP_FAILED + 1))
  echo "not ok $TAP_N - $1"
  [ -n "${2:-}" ] && [ -s "$2" ] && tail -n "${ECO_DIAG_LINES:-25}" "$2" | sed 's/^/#   /'
  return 0
}

# tcase NAME FUNCTION [ARGS...]: runs FUNCTION with output to a per-test log; its status decides.
tcase() {
  local name=$1 fn=$2; shift 2
  local log="$ECO_T/logs/$((TAP_N + 1)).log" t0=$EPOCHREALTIME
  if "$fn" "$@" >"$log" 2>&1; then tap_ok "$name"; else tap_fail "$name" "$log"; fi
  eco_took "$t0"
}
# eco_took START: a TAP comment with the time a slow step took (over ECO_SLOW seconds, 3).
eco_took() {
  local ms=$(( (${EPOCHREALTIME/./} - ${1/./}) / 1000 ))
  [ "$ms" -ge $(( ${ECO_SLOW:-3} * 1000 )) ] && echo "#   took $((ms / 1000)).$(( ms % 1000 / 100 )) s"
  return 0
}
# wcase: a case that needs the Wasm handler; a TAP skip when the runtime under test has none.
wcase() {
  if [ "$ECO_WASM" = 1 ]; then tcase "$@"; else tap_skip "$1" "$ECO_WASM_WHY"; fi
}

# Assertions print what they saw, so the TAP diagnostics show why a case failed.
expect_eq() {            # expect_eq WHAT EXPECTED ACTUAL
  [ "$2" = "$3" ] && return 0
  printf 'FAIL %s: expected [%s], got [%s]\n' "$1" "$2" "$3"; return 1
}
expect_match() {         # expect_match WHAT EXTENDED-REGEX TEXT
  grep -Eq -- "$2" <<<"$3" && return 0
  printf 'FAIL %s: /%s/ not found in:\n%s\n' "$1" "$2" "$3"; return 1
}
expect_no_match() {
  grep -Eq -- "$2" <<<"$3" || return 0
  printf 'FAIL %s: /%s/ unexpectedly found in:\n%s\n' "$1" "$2" "$3"; return 1
}
# wait_for SECONDS CMD...: polls CMD every 0.1 s until it succeeds.
wait_for() {
  local deadline=$((SECONDS + $1)); shift
  until "$@" >/dev/null 2>&1; do
    [ $SECONDS -ge $deadline ] && { echo "FAIL timed out waiting for: $*"; return 1; }
    sleep 0.1
  done
}

# ------------------------------------------------------------------------ runtime under test
# eco_resolve_runtime: sets RUNTIME (absolute path), RT_NAME (the name it is registered under)
# and ECO_WASM/ECO_WASM_WHY (whether Wasm cases run).
eco_resolve_runtime() {
  local r=${ECO_RUNTIME:-$REPO_DIR/build/runwasm}
  case $r in
    */*) RUNTIME=$(readlink -f "$r" 2>/dev/null || echo "$r") ;;
    *)   RUNTIME=$(command -v "$r" || echo "$r") ;;
  esac
  RT_NAME=$(basename "$RUNTIME")
  ECO_WASM_WHY=""
  case ${ECO_WASM:-auto} in
    1|0) ;;
    *) case $RT_NAME in
         runc) ECO_WASM=0 ECO_WASM_WHY="runc has no Wasm handler" ;;
         runwasm|refwasm) ECO_WASM=1 ;;
         *) if "$RUNTIME" features 2>/dev/null | grep -qi wasm; then ECO_WASM=1
            else ECO_WASM=0 ECO_WASM_WHY="$RT_NAME reports no Wasm support in 'features'"; fi ;;
       esac ;;
  esac
  [ "$ECO_WASM" = 0 ] && [ -z "$ECO_WASM_WHY" ] && ECO_WASM_WHY="ECO_WASM=0"
  return 0
}

# A runtime is usable when `--version` and `features` both succeed (runc 1.1 and crun have
# both); the placeholder build/runwasm has neither.
eco_runtime_works() {
  [ -x "$RUNTIME" ] && "$RUNTIME" --version >/dev/null 2>&1 && "$RUNTIME" features >/dev/null 2>&1
}

# The wrapper every high-level runtime is pointed at instead of the runtime itself: it appends
# "TIME CALLER: ARGV" to $ECO_T/calls.log, keeps a copy of config.json at `create` (so tests can
# check which annotations reached the runtime) and then execs the runtime, keeping every fd.
eco_make_wrapper() {
  mkdir -p "$ECO_T/bin" "$ECO_T/configs"
  WRAPPER="$ECO_T/bin/$RT_NAME"
  cat >"$WRAPPER" <<EOF
#!/bin/bash
log='$ECO_T/calls.log' cfgs='$ECO_T/configs' real='$RUNTIME'
EOF
  cat >>"$WRAPPER" <<'EOF'
caller=$(cat /proc/$PPID/comm 2>/dev/null)
printf '%s %s:' "$EPOCHREALTIME" "$caller" >>"$log"
printf ' %s' "$@" >>"$log"; echo >>"$log"
bundle="" sub="" id=""
args=("$@")
for ((i = 0; i < ${#args[@]}; i++)); do
  case ${args[i]} in
    --bundle|-b) bundle=${args[i+1]} ;;
    --bundle=*) bundle=${args[i]#--bundle=} ;;
  esac
done
if [ -n "$bundle" ] && [ -f "$bundle/config.json" ]; then
  cp "$bundle/config.json" "$cfgs/${args[${#args[@]}-1]}.json" 2>/dev/null
fi
exec "$real" "$@"
EOF
  chmod +x "$WRAPPER"
}

# calls_since MARK: the wrapper log lines after line MARK (take MARK from calls_mark).
calls_mark()  { wc -l <"$ECO_T/calls.log" 2>/dev/null || echo 0; }
calls_since() { tail -n +"$(($1 + 1))" "$ECO_T/calls.log" 2>/dev/null; }
# eco_call_shapes: the distinct runtime command lines seen, with the work dir shown as $T and
# container ids as <ID>, by caller (what ECO_SHOW_CALLS=1 prints).
eco_call_shapes() {
  cut -d' ' -f2- "$ECO_T/calls.log" 2>/dev/null |
    sed -E -e "s|$ECO_T|\$T|g" -e "s|$ECO_ID|<NS>|g" -e 's/[0-9a-f]{64}/<ID>/g' \
      -e 's/(runc-process|exec-process-|conmon-term\.|pty)[0-9A-Za-z]+/\1N/g' -e 's/\bc-[a-z]+(-[a-z]+)*\b/<ID>/g' |
    sort -u
}
# captured_config ID: the config.json the runtime got at `create` for container ID.
captured_config() { cat "$ECO_T/configs/$1.json" 2>/dev/null; }
# config_annotation ID KEY: that annotation's value ("" when absent).
config_annotation() {
  "$PY" -c 'import json,sys
try: c=json.load(open(sys.argv[1]))
except Exception: sys.exit(0)
print((c.get("annotations") or {}).get(sys.argv[2], ""))' "$ECO_T/configs/$1.json" "$2"
}

# ------------------------------------------------------------------- work dir and clean-up
# Clean-up steps run last-registered first, on every exit (normal, failure, ^C).
ECO_CLEANUPS=()
eco_on_exit() { ECO_CLEANUPS=("$1" "${ECO_CLEANUPS[@]}"); }
eco_cleanup() {
  local c
  for c in "${ECO_CLEANUPS[@]}"; do eval "$c" >>"$ECO_T/cleanup.log" 2>&1 || true; done
  ECO_CLEANUPS=()
}

eco_init() {
  ECO_T=$(mktemp -d /tmp/runwasm-eco.XXXXXX)
  ECO_ID=$(basename "$ECO_T" | tr 'A-Z.' 'a-z-')     # unique, usable as namespace/cgroup name
  mkdir -p "$ECO_T/logs"
  : >"$ECO_T/calls.log"
  eco_on_exit 'eco_remove_workdir'
  eco_on_exit 'eco_umount_under "$ECO_T"'
  eco_on_exit 'eco_rm_cgroups "$ECO_ID"'
  trap 'eco_cleanup' EXIT
  trap 'exit 130' INT TERM
}

eco_remove_workdir() {
  if [ "${ECO_KEEP:-0}" = 1 ]; then echo "# kept $ECO_T" >&2; return; fi
  # A failing case keeps its logs and the runtime call log next to the suite.
  if [ "$TAP_FAILED" -gt 0 ] && [ -n "${ECO_FAIL_LOGS:-}" ]; then
    mkdir -p "$ECO_FAIL_LOGS" && cp -r "$ECO_T/logs" "$ECO_T/calls.log" "$ECO_T/cleanup.log" "$ECO_FAIL_LOGS/" 2>/dev/null
  fi
  rm -rf "$ECO_T"
}

# eco_umount_under DIR: unmounts whatever is still mounted below DIR, deepest first.
eco_umount_under() {
  local m
  awk -v d="$1" '$5 == d || index($5, d "/") == 1 { print $5 }' /proc/self/mountinfo |
    sort -r | while read -r m; do umount -l "$m"; done
}

# eco_rm_cgroups NAME: removes the cgroup NAME (and anything left below it) in every hierarchy.
eco_rm_cgroups() {
  local h
  for h in /sys/fs/cgroup/*/ /sys/fs/cgroup/; do
    [ -d "$h$1" ] || continue
    find "$h$1" -depth -type d -exec rmdir {} + 2>/dev/null
  done
}

# eco_kill_procs_mentioning STRING: kills, by pid, the processes whose command line contains
# STRING (our unique work dir), e.g. shims that outlived their containerd.
eco_kill_procs_mentioning() {
  local p pids=()
  for p in /proc/[0-9]*; do
    [ "${p#/proc/}" = "$$" ] && continue
    tr '\0' ' ' <"$p/cmdline" 2>/dev/null | grep -qF -- "$1" && pids+=("${p#/proc/}")
  done
  [ ${#pids[@]} -gt 0 ] && kill -9 "${pids[@]}" 2>/dev/null
  return 0
}
