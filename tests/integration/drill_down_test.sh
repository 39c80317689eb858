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
expect_grep '"fix": \[' "$WORK/dd.json" "the fix lines in the JSON report"
expect_grep '"verified": true' "$WORK/dd.json" "the fix verified by a trial, in the JSON report"

# check --drill-down: the same culprit, found by checking a template, gets
# the same verified fix, in the output and in check's JSON.
cat >"$WORK/sed.conf" <<'CONF'
[Service]
NoNewPrivileges=yes
PrivateTmp=yes
SystemCallFilter=@default @basic-io @file-system @io-event @process @signal ioctl umask
CONF
run_hb "$WORK/check.out" check "$WORK/sed.conf" --scenario "$SRC/scenarios/seccomp-sed.yaml" --drill-down \
  --no-cache --json "$WORK/check.json"
expect_code 1 "check: the template fails" "$WORK/check.out"
expect_grep '^drill-down: SystemCallFilter=.* -> add fchown: SystemCallFilter=.* fchown$' "$WORK/check.out" \
  "check --drill-down: add the one syscall fchown"
expect_grep '"relaxed": "SystemCallFilter=.* fchown"' "$WORK/check.json" "check --drill-down: the fix in check's JSON"

# An errno filter (SystemCallErrorNumber=EPERM): chown fails with EPERM, no
# SIGSYS, nothing logged. A diagnostic trial with SystemCallLog= names the
# call (fchownat), and re-allowing that one call is the verified fix.
cat >"$WORK/own.service" <<'UNIT'
[Service]
Type=oneshot
RemainAfterExit=yes
ExecStart=/bin/sh -c 'touch /run/owned && chown www-data /run/owned'
UNIT
run_hb "$WORK/eperm.out" bisect --base bookworm --unit own.service --unit-file "$WORK/own.service" \
  --workload 'systemctl is-active own.service' --option NoNewPrivileges=yes --option SystemCallErrorNumber=EPERM \
  --option 'SystemCallFilter=~@chown' --drill-down --no-cache --json "$WORK/eperm.json"
expect_code 1 "errno filter: culprit found" "$WORK/eperm.out"
expect_grep 'diagnostic trial .* names fchownat' "$WORK/eperm.out" "the diagnostic SystemCallLog= trial names the call"
expect_grep '^drill-down: SystemCallFilter=~@chown -> re-allow fchownat \(verified\): .*SystemCallFilter=fchownat$' \
  "$WORK/eperm.out" "errno filter: re-allow the one logged call"
expect_grep '"SystemCallFilter=fchownat"' "$WORK/eperm.json" "errno filter: the fix line in the JSON report"
expect_no_containers "after the drill-down"
finish
