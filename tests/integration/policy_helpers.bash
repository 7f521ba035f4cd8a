# Shared by tests/integration/policy_*.bats: a busybox bundle per test, config edits in
# Python, and runwasm with a private state directory.
RUNWASM=${RUNWASM:-$BATS_TEST_DIRNAME/../../build/runwasm}

policy_setup () {
  BUNDLE=$(mktemp -d /tmp/rw-policy-XXXXXX)
  STATE=$BUNDLE/state
  ID=policy-$$-$BATS_TEST_NUMBER
  "$BATS_TEST_DIRNAME/../lib/make-busybox-bundle" "$BUNDLE" sh -c "$1" >/dev/null
}

policy_teardown () {
  timeout 20 "$RUNWASM" --root "$STATE" delete --force "$ID" >/dev/null 2>&1 || true
  rm -rf "$BUNDLE"
}

# config_edit 'PYTHON': runs PYTHON with `c` bound to config.json, then saves it.
config_edit () {
  python3 - "$BUNDLE/config.json" "$1" <<'PY'
import json, sys
path, code = sys.argv[1], sys.argv[2]
c = json.load(open(path))
exec(code)
json.dump(c, open(path, "w"), indent=2)
PY
}

# Every command is bounded: a stuck runtime fails the test instead of hanging it.
rw () {
  timeout 20 "$RUNWASM" --root "$STATE" "$@"
}

run_container () {
  run bash -c "cd '$BUNDLE' && timeout 30 '$RUNWASM' --root '$STATE' run '$ID' 2>&1"
}
