#!/usr/bin/env bash
# Real trials: real systemd in real Podman, on bookworm and trixie.
# PASS with enforced options, FAIL under ProtectSystem=strict, a workload
# timeout, UNRESOLVED when the privilege is too low to enforce, no leftovers.
source "$(dirname "$0")/../lib.sh"
require_podman
S=$SRC/tests/integration/scenarios

run_hb "$WORK/pass.out" run "$S/sandboxed.yaml" --json "$WORK/pass.json"
expect_code 0 "sandboxed service passes with its options" "$WORK/pass.out"
expect_grep '^baseline \(no options\) +PASS' "$WORK/pass.out" "baseline verdict printed"
expect_grep '^full set \(6 options\) +PASS' "$WORK/pass.out" "full-set verdict printed"
expect_grep '"verdict": "pass"' "$WORK/pass.json" "JSON report says pass"
expect_grep 'privilege: sys-admin' "$WORK/pass.out" "least privilege that enforces: sys-admin"

run_hb "$WORK/fail.out" run "$S/writer.yaml" --json "$WORK/fail.json"
expect_code 1 "writer under ProtectSystem=strict fails" "$WORK/fail.out"
expect_grep '^full set \(1 options\) +FAIL' "$WORK/fail.out" "FAIL verdict printed"
expect_grep 'Read-only file system' "$WORK/fail.out" "journal evidence shows the read-only /usr"
expect_grep '"verdict": "fail"' "$WORK/fail.json" "JSON report says fail"

cat >"$WORK/writer.service" <<'UNIT'
[Service]
ExecStart=/bin/sh -c 'while :; do date > /usr/local/share/stamp || exit 3; sleep 0.1; done'
UNIT
run_hb "$WORK/trixie.out" run --base trixie --unit-file "$WORK/writer.service" \
  --workload 'for i in $(seq 60); do test -s /usr/local/share/stamp && exit 0; systemctl -q is-failed writer && exit 1; sleep 0.05; done; exit 1' --option ProtectSystem=strict
expect_code 1 "trixie (systemd 257): the same failure, ad-hoc flags" "$WORK/trixie.out"
expect_grep 'hardbisect-trixie' "$WORK/trixie.out" "trixie image used"
expect_grep '^baseline \(no options\) +PASS' "$WORK/trixie.out" "trixie baseline passes"

run_hb "$WORK/hang.out" run "$S/hang.yaml"
expect_code 1 "a hung workload is a failure of the service" "$WORK/hang.out"
expect_grep 'workload timed out after 2' "$WORK/hang.out" "timeout named with its limit"

run_hb "$WORK/minimal.out" run "$S/sandboxed.yaml" --privilege minimal
expect_code 3 "too little privilege: unresolved, never pass" "$WORK/minimal.out"
expect_grep 'UNRESOLVED.*not enforced' "$WORK/minimal.out" "names the unenforced option"
expect_grep 'cannot be enforced at this privilege: ProtectSystem=strict' "$WORK/minimal.out" "warns up front"

expect_no_containers "after all trials"
finish
