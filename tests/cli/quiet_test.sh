#!/usr/bin/env bash
# -q drops progress lines, whatever the subcommand; errors and hints stay.
# (Real-container subcommands are checked by hand and in tests/integration.)
source "$(dirname "$0")/../lib.sh"

mkdir -p "$WORK/scenarios"
cat >"$WORK/scenarios/no-answer.yaml" <<'YAML'
version: 1
service:
  unit: x.service
workload:
  command: "true"
options:
  - NoNewPrivileges=yes
YAML

run_hb "$WORK/loud.out" verify "$WORK/scenarios"
expect_code 2 "verify without expect_culprits" "$WORK/loud.out"
expect_grep '^skipping .*no-answer.yaml: no expect_culprits' "$WORK/loud.out" "verify: the skip is said"

run_hb "$WORK/quiet.out" -q verify "$WORK/scenarios"
expect_code 2 "verify -q without expect_culprits" "$WORK/quiet.out"
if grep -q '^skipping' "$WORK/quiet.out"; then fail "verify -q: progress line printed"; else
  pass "verify -q: no progress line"; fi
expect_grep 'hint: add expect_culprits' "$WORK/quiet.out" "verify -q: the error and its hint stay"

finish
