#!/usr/bin/env bash
# hardbisect check on real containers: a template that passes (exit 0, the
# exposure reached), one that fails (exit 1, the culprit, the safe subset as
# a drop-in, JUnit and Markdown reports), --threshold, the ad-hoc flags.
source "$(dirname "$0")/../lib.sh"
require_podman
S=$SRC/tests/integration/scenarios
CACHE=(--cache-dir "$WORK/cache")  # fresh: the first runs are real trials

cat >"$WORK/sandbox.conf" <<'CONF'
# What sandboxed.yaml states as options, as a drop-in.
[Service]
NoNewPrivileges=yes
PrivateTmp=yes
ProtectSystem=strict
ProtectHome=yes
SystemCallArchitectures=native
CONF

run_hb "$WORK/pass.out" check "$WORK/sandbox.conf" --scenario "$S/sandboxed.yaml" "${CACHE[@]}" \
  --json "$WORK/pass.json" --junit "$WORK/pass.xml"
expect_code 0 "a template the service survives passes" "$WORK/pass.out"
expect_grep '^check: PASS: sandboxed.service works with all 5 lines of sandbox.conf' "$WORK/pass.out" "PASS named"
expect_grep '^exposure: baseline ([0-9]+\.[0-9]|n/a) -> template ([0-9]+\.[0-9]|n/a)' "$WORK/pass.out" \
  "exposure reached printed"
expect_grep '^"pass" "pass" "nothing-breaks"$' <(jq -r '[.verdict, .results[0].verdict, .results[0].outcome] | map(tojson) | join(" ")' "$WORK/pass.json") \
  "JSON says pass (the check's and the scenario's verdict; the search's outcome)"
expect_grep '<testsuite name="hardbisect.check" tests="1" failures="0" errors="0" skipped="0"' "$WORK/pass.xml" \
  "JUnit: one passing testcase"
exposure=$(sed -nE 's/^exposure: baseline .* -> template ([0-9.]+) .*/\1/p' "$WORK/pass.out")
echo "   template exposure: ${exposure:-n/a}"

# --threshold: the same answers (served by the result cache), judged by exposure.
if [[ -n "$exposure" ]]; then
  run_hb "$WORK/low.out" check "$WORK/sandbox.conf" --scenario "$S/sandboxed.yaml" "${CACHE[@]}" --threshold 0.5
  expect_code 1 "--threshold below the exposure reached fails" "$WORK/low.out"
  expect_grep "^check: the template's exposure $exposure is above --threshold 0.5" "$WORK/low.out" \
    "--threshold: says why"
  run_hb "$WORK/high.out" check "$WORK/sandbox.conf" --scenario "$S/sandboxed.yaml" "${CACHE[@]}" --threshold 10
  expect_code 0 "--threshold above the exposure reached passes" "$WORK/high.out"
else
  fail "systemd-analyze security gave no exposure; --threshold untested"
fi

cat >"$WORK/strict.conf" <<'CONF'
[Service]
NoNewPrivileges=yes
ProtectSystem=strict
PrivateTmp=yes
CONF
cat >"$WORK/writer.service" <<'UNIT'
[Service]
ExecStart=/bin/sh -c 'while :; do date > /usr/local/share/stamp || exit 3; sleep 0.1; done'
UNIT
run_hb "$WORK/fail.out" check "$WORK/strict.conf" --unit-file "$WORK/writer.service" "${CACHE[@]}" \
  --workload 'for i in $(seq 60); do test -s /usr/local/share/stamp && exit 0; systemctl -q is-failed writer && exit 1; sleep 0.05; done; exit 1' --safe-out "$WORK/safe.conf" \
  --junit "$WORK/fail.xml" --markdown "$WORK/fail.md" --threshold 10
expect_code 1 "a template that breaks the service fails (ad-hoc flags)" "$WORK/fail.out"
expect_grep '^check: FAIL: strict.conf breaks writer.service; culprits: ProtectSystem=strict$' "$WORK/fail.out" \
  "culprit named"
expect_grep '^exposure: baseline ([0-9.]+|n/a), full template ([0-9.]+|n/a), safe subset ([0-9.]+|n/a)' \
  "$WORK/fail.out" "three exposures printed"
expect_grep '^NoNewPrivileges=yes$' "$WORK/safe.conf" "safe drop-in keeps NoNewPrivileges=yes"
expect_grep '^PrivateTmp=yes$' "$WORK/safe.conf" "safe drop-in keeps PrivateTmp=yes"
if grep -q '^ProtectSystem=strict' "$WORK/safe.conf"; then fail "safe drop-in keeps the culprit"; else
  pass "safe drop-in drops the culprit"; fi
expect_grep '<failure message="culprits: ProtectSystem=strict" type="culprit">' "$WORK/fail.xml" \
  "JUnit: failure names the culprit"
expect_grep 'failures="1" errors="0"' "$WORK/fail.xml" "JUnit: one failure"
expect_grep '^\| ❌ \| writer \|.*\*\*FAIL\*\* \| `ProtectSystem=strict` \|' "$WORK/fail.md" "Markdown: the row"
expect_grep '^```ini$' "$WORK/fail.md" "Markdown: safe template block"

run_hb "$WORK/none.out" check "$WORK/strict.conf"
expect_code 2 "no service given" "$WORK/none.out"
expect_grep 'hint: give --scenario S.yaml' "$WORK/none.out" "no service: hint"

expect_no_containers "after the checks"
finish
