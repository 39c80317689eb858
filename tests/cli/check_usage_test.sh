#!/usr/bin/env bash
# `hardbisect check` refuses bad input before any container runs: exit 2,
# the reason and the fix.
source "$(dirname "$0")/../lib.sh"
S=$SRC/tests/integration/scenarios

printf '[Service]\nNoNewPrivileges=yes\nProtectSytem=strict\n' >"$WORK/typo.conf"
printf '[Service]\nNoNewPrivileges=yes\n' >"$WORK/ok.conf"
printf '# nothing\n' >"$WORK/empty.conf"

run_hb "$WORK/none.out" check "$WORK/ok.conf"
expect_code 2 "no service to check on" "$WORK/none.out"
expect_grep 'hint: give --scenario S.yaml, or the ad-hoc flags' "$WORK/none.out" "no service: the fix"

run_hb "$WORK/typo.out" check "$WORK/typo.conf" --scenario "$S/sandboxed.yaml"
expect_code 2 "unknown directive in the template" "$WORK/typo.out"
expect_grep "typo.conf:3:1: unknown directive 'ProtectSytem'" "$WORK/typo.out" "typo: file:line:col"
expect_grep "did you mean 'ProtectSystem'" "$WORK/typo.out" "typo: did you mean"

run_hb "$WORK/empty.out" check "$WORK/empty.conf" --scenario "$S/sandboxed.yaml"
expect_code 2 "template without directives" "$WORK/empty.out"
expect_grep 'has no directive lines' "$WORK/empty.out" "empty template named"

run_hb "$WORK/missing.out" check "$WORK/nope.conf" --scenario "$S/sandboxed.yaml"
expect_code 2 "missing template" "$WORK/missing.out"
expect_grep 'nope.conf' "$WORK/missing.out" "missing template named"

run_hb "$WORK/both.out" check "$WORK/ok.conf" --scenario "$S/sandboxed.yaml" --unit x.service --workload true
expect_code 2 "scenario and ad-hoc flags together" "$WORK/both.out"

run_hb "$WORK/range.out" check "$WORK/ok.conf" --scenario "$S/sandboxed.yaml" --threshold 11
expect_code 2 "--threshold out of 0-10" "$WORK/range.out"

run_hb "$WORK/safe.out" check "$WORK/ok.conf" --scenario "$S/sandboxed.yaml" --scenario "$S/writer.yaml" \
  --safe-out "$WORK/safe.conf"
expect_code 2 "--safe-out with two scenarios" "$WORK/safe.out"

run_hb "$WORK/option.out" check "$WORK/ok.conf" --scenario "$S/sandboxed.yaml" --option PrivateTmp=yes
expect_code 2 "--option is not a check flag (the template gives the lines)" "$WORK/option.out"

finish
