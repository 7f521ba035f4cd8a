# Shared by tests/integration/*.bats: a fresh state root and busybox bundle per test, and
# helpers to edit config.json and to run the runtime. Containers started in the background
# get files, not pipes, as stdio, so bats never waits on a pipe a container holds open.

REPO=$(cd "$BATS_TEST_DIRNAME/../.." && pwd)
RUNWASM=${RUNWASM:-$REPO/build/runwasm}

setup () {
  ROOT=$(mktemp -d /tmp/rw-it-root.XXXXXX)
  BUNDLE=$BATS_TEST_TMPDIR/bundle
  RUNWASM=$RUNWASM "$REPO/tests/lib/make-busybox-bundle" "$BUNDLE" true
  ID=t$$-$BATS_TEST_NUMBER
}

teardown () {
  for id in $("$RUNWASM" --root "$ROOT" list -q 2>/dev/null); do
    "$RUNWASM" --root "$ROOT" delete --force "$id" >/dev/null 2>&1 || true
  done
  rm -rf "$ROOT"
}

rw () {
  "$RUNWASM" --root "$ROOT" "$@"
}

# config 'JQ FILTER': edits the bundle's config.json in place.
config () {
  jq "$1" "$BUNDLE/config.json" > "$BUNDLE/config.json.new" && mv "$BUNDLE/config.json.new" "$BUNDLE/config.json"
}

# process ARG...: sets process.args.
process () {
  config ".process.args = $(printf '%s\n' "$@" | jq -R . | jq -s -c .)"
}

# Runs the container to completion; its output lands in $output and its status in $status.
run_container () {
  run "$RUNWASM" --root "$ROOT" "$@" run --bundle "$BUNDLE" "$ID"
}

# Creates $ID with the container's stdio on a file ($BATS_TEST_TMPDIR/stdio).
create_detached () {
  "$RUNWASM" --root "$ROOT" create --bundle "$BUNDLE" "$@" "$ID" </dev/null >"$BATS_TEST_TMPDIR/stdio" 2>&1
}

status_of () {
  rw state "$1" | jq -r .status
}

# Nothing of container $1 must remain: state dir, cgroup directories, mounts of the bundle.
assert_nothing_left () {
  [ ! -e "$ROOT/$1" ] || { echo "state dir $ROOT/$1 left"; return 1; }
  ! ls -d /sys/fs/cgroup/*/runwasm/"$1" 2>/dev/null || { echo "cgroup left"; return 1; }
  ! grep -q "$BUNDLE" /proc/self/mountinfo || { echo "mount left"; return 1; }
  ! pgrep -f "runwasm --root $ROOT" >/dev/null || { echo "process left"; return 1; }
}
