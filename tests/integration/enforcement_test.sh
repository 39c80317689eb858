#!/usr/bin/env bash
# Enforcement probes both ways on real systemd in real Podman: each option is
# proven enforced at the privilege hardbisect picks (PASS), and with too
# little privilege the trial is UNRESOLVED and names the option (exit 3),
# never PASS. Then failure explanations of real failures: a seccomp kill of
# sed resolved to fchown and @chown, a missing ReadWritePaths= path, an OOM
# kill under MemoryMax=.
source "$(dirname "$0")/../lib.sh"
require_podman
S=$SRC/tests/integration/scenarios

# A service that just runs, so its main process can be probed.
cat >"$WORK/hbe-idle.service" <<'UNIT'
[Service]
ExecStart=/bin/sleep infinity
UNIT
idle() {  # idle OUTFILE ARGS...: the idle service with options and flags
  local out=$1; shift
  run_hb "$out" run --unit-file "$WORK/hbe-idle.service" --workload true "$@"
}

# Mount namespaces: enforced with CAP_SYS_ADMIN, skipped silently without.
idle "$WORK/ns.out" --option ProtectSystem=strict --option PrivateTmp=yes --option ProtectHome=yes \
  --json "$WORK/ns.json"
expect_code 0 "ProtectSystem=strict, PrivateTmp=yes, ProtectHome=yes enforced at the auto privilege" "$WORK/ns.out"
expect_grep '^privilege: sys-admin' "$WORK/ns.out" "auto privilege for mount namespaces is sys-admin"
expect_grep '^full set \(3 options\) +PASS' "$WORK/ns.out" "full set passes with all three probed"
expect_grep '^exposure [0-9.]+ -> [0-9.]+' "$WORK/ns.out" "exposure before and after printed"
expect_grep '"exposure": [0-9.]+' "$WORK/ns.json" "exposure in the JSON report"

for option in ProtectSystem=strict PrivateTmp=yes ProtectHome=yes; do
  idle "$WORK/min.out" --option "$option" --privilege minimal
  expect_code 3 "$option at minimal privilege: unresolved" "$WORK/min.out"
  expect_grep "^full set \(1 options\) +UNRESOLVED .*not enforced: $option" "$WORK/min.out" \
    "$option named as not enforced"
done

# Seccomp and prctl need no privilege at all.
idle "$WORK/nnp.out" --option NoNewPrivileges=yes --privilege minimal
expect_code 0 "NoNewPrivileges=yes enforced even at minimal privilege" "$WORK/nnp.out"
expect_grep '^full set \(1 options\) +PASS' "$WORK/nnp.out" "NoNewPrivileges passes at minimal"

# cgroup v1 limits: only --privileged --cgroupns=private makes them writable.
idle "$WORK/cg.out" --option MemoryMax=50M --option TasksMax=20
expect_code 0 "MemoryMax=50M and TasksMax=20 enforced at the auto privilege" "$WORK/cg.out"
expect_grep '^privilege: privileged' "$WORK/cg.out" "auto privilege for cgroup limits is privileged"
for option in MemoryMax=50M TasksMax=20; do
  idle "$WORK/sa.out" --option "$option" --privilege sys-admin
  expect_code 3 "$option at sys-admin privilege: unresolved" "$WORK/sa.out"
  expect_grep "UNRESOLVED .*not enforced: $option" "$WORK/sa.out" "$option named as not enforced"
done

# A real program killed by a real filter: sed -i fchown()s its temporary
# copy (syscall 93 on x86-64) and ~@chown denies it, without an errno.
cat >"$WORK/hbe-sed.service" <<'UNIT'
[Service]
Type=oneshot
RemainAfterExit=yes
ExecStartPre=/bin/sh -c 'echo aaa > /tmp/f'
ExecStart=/bin/sed -i s/a/b/ /tmp/f
UNIT
run_hb "$WORK/sed.out" run --unit-file "$WORK/hbe-sed.service" --workload 'true' \
  --option 'SystemCallFilter=~@chown' --json "$WORK/sed.json"
expect_code 1 "sed under SystemCallFilter=~@chown fails" "$WORK/sed.out"
expect_grep 'status=31/SIGSYS' "$WORK/sed.out" "killed by SIGSYS"
expect_grep 'why: sed killed by SIGSYS on fchown: SystemCallFilter=~@chown denies it.*add SystemCallFilter=@chown' \
  "$WORK/sed.out" "the syscall and the group are named, with the line to add"
expect_grep '"explanation": "sed killed by SIGSYS on fchown' "$WORK/sed.json" "explanation in the JSON report"

# The seed's allow list without @chown (scenarios/seccomp-sed.yaml).
run_hb "$WORK/seed.out" run "$SRC/scenarios/seccomp-sed.yaml"
expect_code 1 "seed 002: sed under an allow list without @chown fails" "$WORK/seed.out"
expect_grep 'why: sed killed by SIGSYS on fchown: SystemCallFilter=@default .* does not allow it; add SystemCallFilter=@chown' \
  "$WORK/seed.out" "seed 002 explained"

# A ReadWritePaths= entry missing from the image: 226/NAMESPACE, fix with "-".
idle "$WORK/rwp.out" --option 'ReadWritePaths=/srv/missing'
expect_code 1 "missing ReadWritePaths= path fails" "$WORK/rwp.out"
expect_grep 'why: ReadWritePaths=/srv/missing names /srv/missing, which does not exist.*ReadWritePaths=-/srv/missing' \
  "$WORK/rwp.out" "missing path named, '-' prefix suggested"

# An OOM kill under MemoryMax=: the kernel's line names the process.
cat >"$WORK/hbe-hog.service" <<'UNIT'
[Service]
ExecStart=/bin/sh -c 'x=a; while :; do x="$x$x"; done'
UNIT
run_hb "$WORK/oom.out" run --unit-file "$WORK/hbe-hog.service" --workload 'sleep 1' --option MemoryMax=50M
expect_code 1 "a memory hog under MemoryMax=50M fails" "$WORK/oom.out"
expect_grep 'why: sh was killed by the OOM killer.*MemoryMax=50M is below what the service needs' \
  "$WORK/oom.out" "OOM kill explained"

# Other runs may share this host: count only this test's units.
left=0
for unit in hbe-idle.service hbe-sed.service hbe-hog.service site-stamp.service; do
  left=$((left + $(podman ps -aq --filter label=io.hardbisect.unit=$unit 2>/dev/null | wc -l)))
done
if [[ $left -eq 0 ]]; then pass "after all trials: no container left"; else fail "after all trials: $left left"; fi
finish
