#!/usr/bin/env bash
# harden's bad input: exit 2 with the fix, before any container exists (Podman
# off the PATH: a check that came after `require_podman` would exit 4).
source "$(dirname "$0")/../lib.sh"
NOPODMAN=$WORK/bin
mkdir -p "$NOPODMAN"
run_np() {  # run_np OUTFILE ARGS...
  local out=$1; shift
  timeout 10 env PATH="$NOPODMAN" "$HB" "$@" >"$out" 2>&1
  code=$?
}

run_np "$WORK/none.out" harden
expect_code 2 "no scenario, no flags" "$WORK/none.out"
expect_grep 'no service to harden' "$WORK/none.out" "says what is missing"
expect_grep 'hint: give a scenario file, or --unit and --workload' "$WORK/none.out" "and the fix"

run_np "$WORK/base.out" harden "$SRC/scenarios/quickstart.yaml" --base bullseye
expect_code 2 "--base bullseye" "$WORK/base.out"
expect_grep "bullseye" "$WORK/base.out" "names the base"

run_np "$WORK/out.out" harden "$SRC/scenarios/quickstart.yaml" --out /nonexistent/x.conf
expect_code 2 "--out in a missing folder" "$WORK/out.out"
expect_grep '\-\-out /nonexistent/x.conf' "$WORK/out.out" "names the flag and the path"

run_np "$WORK/help.out" harden --help
expect_code 0 "--help" "$WORK/help.out"
expect_grep '\-\-base' "$WORK/help.out" "--base in the help"
expect_grep '\-\-out' "$WORK/help.out" "--out in the help"
finish
