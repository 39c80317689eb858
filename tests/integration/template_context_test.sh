#!/usr/bin/env bash
# The template's answer on real containers (issue 11):
# - IPAddressDeny=any beside IPAddressAllow=127.0.0.0/8 on nginx is kept in
#   both orders of the issue, only PrivateUsers=true goes;
# - the drill-down into SystemCallFilter=~@chown @privileged (sed killed on
#   fchown, which both groups hold) prints the one-syscall fix
#   SystemCallFilter=fchown, verified by a passing trial.
source "$(dirname "$0")/../lib.sh"
require_podman

# Order 1 (Deny, PrivateUsers, NoNewPrivileges, Allow) is the library scenario;
# order 2 (Deny, Allow, PrivateUsers, NoNewPrivileges) is the same with the lines moved.
sed -e '/^options:/,$d' -e 's/^name: nginx-deny-allow/name: nginx-deny-allow-2/' \
  "$SRC/scenarios/nginx-deny-allow.yaml" >"$WORK/order2.yaml"
cat >>"$WORK/order2.yaml" <<'YAML'
options:
  - IPAddressDeny=any
  - IPAddressAllow=127.0.0.0/8
  - PrivateUsers=true
  - NoNewPrivileges=yes
YAML
for scenario in "$SRC/scenarios/nginx-deny-allow.yaml" "$WORK/order2.yaml"; do
  name=$(basename "$scenario" .yaml)
  run_hb "$WORK/$name.out" bisect "$scenario" --no-cache --json "$WORK/$name.json"
  expect_code 1 "$name: culprit found" "$WORK/$name.out"
  expect_grep '^\["PrivateUsers=true"\]$' <(jq -c '[.removals[].option]' "$WORK/$name.json") \
    "$name: only PrivateUsers=true is removed"
  expect_grep '^  IPAddressDeny=any$' "$WORK/$name.out" "$name: IPAddressDeny=any kept in the safe template"
done

# sed -i under a deny list that holds fchown twice (@chown and @privileged).
sed -e '/^options:/,$d' -e 's/^name: seccomp-sed/name: seccomp-sed-deny/' \
  "$SRC/scenarios/seccomp-sed.yaml" >"$WORK/deny.yaml"
cat >>"$WORK/deny.yaml" <<'YAML'
options:
  - NoNewPrivileges=yes
  - SystemCallFilter=~@chown @privileged
YAML
run_hb "$WORK/dd.out" bisect "$WORK/deny.yaml" --drill-down --no-cache --json "$WORK/dd.json"
expect_code 1 "deny list: culprit found" "$WORK/dd.out"
expect_grep 'drill-down: SystemCallFilter=~@chown @privileged -> re-allow fchown \(verified\): SystemCallFilter=~@chown @privileged \+ SystemCallFilter=fchown$' \
  "$WORK/dd.out" "the one-syscall fix, verified by a trial"
expect_grep '"relaxed": "SystemCallFilter=fchown"' "$WORK/dd.json" "the added line in the JSON report"
expect_no_containers "after the template context checks"
finish
