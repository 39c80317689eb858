#!/usr/bin/env bash
# Drill-down on real containers: sed killed by SIGSYS under an allow-list
# SystemCallFilter; the smallest relaxation is to add the one call the SIGSYS
# names, fchown (not @chown, nor the larger groups that also contain it).
source "$(dirname "$0")/../lib.sh"
require_podman

run_hb "$WORK/dd.out" bisect "$SRC/scenarios/seccomp-sed.yaml" --drill-down --no-cache --json "$WORK/dd.json"
expect_code 1 "culprit found" "$WORK/dd.out"
expect_grep '^drill-down: SystemCallFilter=.* -> add fchown: SystemCallFilter=.* fchown$' "$WORK/dd.out" \
  "smallest relaxation: add the one syscall fchown"
expect_grep '"relaxed": "SystemCallFilter=.* fchown"' "$WORK/dd.json" "drill-down in the JSON report"
expect_no_containers "after the drill-down"
finish
