#!/usr/bin/env bash
# The scenario library's ground truth: `hardbisect verify scenarios/` bisects
# every scenario on real containers and must find exactly its expect_culprits
# (the flaky one with its confidence).
source "$(dirname "$0")/../lib.sh"
require_podman

cd "$SRC"
run_hb "$WORK/verify.out" verify scenarios/ --no-cache --json "$WORK/verify.json"
cat "$WORK/verify.out" | sed -n '/== verify summary/,$p'
expect_code 0 "every scenario's culprits found" "$WORK/verify.out"
expect_grep '[0-9]+ scenario\(s\): [0-9]+ ok, 0 wrong, 0 undecided' "$WORK/verify.out" "summary line"
expect_grep '^ok +flaky-narrative .*flaky p=' "$WORK/verify.out" "flaky scenario found with its failure rate"
n=$(grep -c '"expectation": "ok"' "$WORK/verify.json")
if [[ $n -ge 12 ]]; then pass "$n scenarios verified"; else fail "only $n scenarios verified"; fi
expect_no_containers "after the library"
finish
