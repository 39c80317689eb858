#!/usr/bin/env bash
# --min-failure-rate and --expect-failure (issue 23): every command with the
# search flags takes them; a failure rate out of (0, 1) is refused with exit 2,
# the flag named and the fix; the help states the cap of --expect-failure.
source "$(dirname "$0")/../lib.sh"

S=$SRC/tests/integration/scenarios/sandboxed.yaml
printf '[Service]\nNoNewPrivileges=yes\n' >"$WORK/ok.conf"

for rate in 0 1 1.5 -0.1 x 30%; do
  run_hb "$WORK/rate.out" bisect "$S" --no-cache --min-failure-rate "$rate"
  expect_code 2 "bisect --min-failure-rate $rate refused" "$WORK/rate.out"
  expect_grep "^hardbisect: error: --min-failure-rate" "$WORK/rate.out" "--min-failure-rate $rate: names the flag"
  expect_grep "between 0 and 1 \(exclusive\), e.g. 0.1" "$WORK/rate.out" "--min-failure-rate $rate: the fix"
done

# The same flags on every command that searches.
run_hb "$WORK/check.out" check "$WORK/ok.conf" --scenario "$S" --expect-failure --min-failure-rate 2
expect_code 2 "check --min-failure-rate 2 refused" "$WORK/check.out"
run_hb "$WORK/verify.out" verify "$S" --expect-failure --min-failure-rate 0
expect_code 2 "verify --min-failure-rate 0 refused" "$WORK/verify.out"
run_hb "$WORK/matrix.out" matrix --scenario "$S" --expect-failure --min-failure-rate 1
expect_code 2 "matrix --min-failure-rate 1 refused" "$WORK/matrix.out"
run_hb "$WORK/harden.out" harden "$S" --expect-failure --min-failure-rate -1
expect_code 2 "harden --min-failure-rate -1 refused" "$WORK/harden.out"
# --expect-failure is a switch: a value is refused.
run_hb "$WORK/value.out" bisect "$S" --expect-failure=maybe
expect_code 2 "bisect --expect-failure=maybe refused" "$WORK/value.out"

for command in bisect check verify matrix harden; do
  run_hb "$WORK/help.out" "$command" --help
  expect_code 0 "$command --help" "$WORK/help.out"
  expect_grep "--expect-failure" "$WORK/help.out" "$command --help: --expect-failure"
  expect_grep "--min-failure-rate" "$WORK/help.out" "$command --help: --min-failure-rate"
done
run_hb "$WORK/help.out" bisect --help
expect_grep "59 at 0.95" "$WORK/help.out" "bisect --help: the cap of --expect-failure"

finish
