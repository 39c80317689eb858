#!/usr/bin/env bash
# Bad input gets a clear message with the fix, exit code 2 or 4, and
# leaves no container behind.
source "$(dirname "$0")/../lib.sh"

cat >"$WORK/broken.yaml" <<'YAML'
version: 1
service:
  unit: x.service
  unit_file: [oops
YAML
run_hb "$WORK/broken.out" run "$WORK/broken.yaml"
expect_code 2 "broken YAML" "$WORK/broken.out"
expect_grep 'broken.yaml:[0-9]+:[0-9]+' "$WORK/broken.out" "broken YAML: file:line:col"

cat >"$WORK/typo.yaml" <<'YAML'
version: 1
service:
  unit: x.service
workloda:
  command: "true"
YAML
run_hb "$WORK/typo.out" run "$WORK/typo.yaml"
expect_code 2 "unknown key" "$WORK/typo.out"
expect_grep "typo.yaml:4:1" "$WORK/typo.out" "unknown key: position"
expect_grep "did you mean 'workload'" "$WORK/typo.out" "unknown key: did you mean"

cat >"$WORK/directive.yaml" <<'YAML'
version: 1
service:
  unit: x.service
workload:
  command: "true"
options:
  - NoNewPrivileges=yes
  - ProtectSytem=strict
YAML
run_hb "$WORK/directive.out" run "$WORK/directive.yaml"
expect_code 2 "unknown directive" "$WORK/directive.out"
expect_grep "directive.yaml:8:" "$WORK/directive.out" "unknown directive: position"
expect_grep "ProtectSystem" "$WORK/directive.out" "unknown directive: did you mean"

run_hb "$WORK/cmd.out" bisekt foo.yaml
expect_code 2 "unknown subcommand" "$WORK/cmd.out"

run_hb "$WORK/none.out" run
expect_code 2 "nothing to run" "$WORK/none.out"
expect_grep 'hint: ' "$WORK/none.out" "nothing to run: hint"

# Podman missing from PATH: exit 4 (infrastructure) with the fix.
cat >"$WORK/ok.yaml" <<'YAML'
version: 1
service:
  unit: x.service
  unit_file: |
    [Service]
    ExecStart=/bin/sleep infinity
workload:
  command: "true"
options:
  - NoNewPrivileges=yes
YAML
code=0
env PATH=/nonexistent "$HB" run "$WORK/ok.yaml" >"$WORK/nopodman.out" 2>&1 || code=$?
expect_code 4 "podman missing" "$WORK/nopodman.out"
expect_grep 'podman is not installed' "$WORK/nopodman.out" "podman missing: message"
expect_grep 'apt-get install podman' "$WORK/nopodman.out" "podman missing: the fix"

if command -v podman >/dev/null && podman info >/dev/null 2>&1; then
  cat >"$WORK/nounit.yaml" <<'YAML'
version: 1
service:
  unit: no-such-thing.service
workload:
  command: "true"
YAML
  run_hb "$WORK/nounit.out" run "$WORK/nounit.yaml" --json "$WORK/nounit.json"
  expect_code 2 "missing unit" "$WORK/nounit.out"
  expect_grep 'no-such-thing.service is not in the image' "$WORK/nounit.out" "missing unit: message"
  expect_grep 'hint: ' "$WORK/nounit.out" "missing unit: hint"

  cat >"$WORK/noimage.yaml" <<'YAML'
version: 1
image:
  name: localhost/hardbisect-no-such-image:1
service:
  unit: x.service
workload:
  command: "true"
YAML
  run_hb "$WORK/noimage.out" run "$WORK/noimage.yaml"
  expect_code 2 "missing image" "$WORK/noimage.out"
  expect_grep "does not exist" "$WORK/noimage.out" "missing image: message"
  expect_no_containers "after bad input"
elif [[ -n "${HARDBISECT_REQUIRE_PODMAN:-}" ]]; then
  fail "podman required but unusable"
fi
finish
