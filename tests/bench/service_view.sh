#!/usr/bin/env bash
# What the service under test sees of its options, compared between two
# builds (e.g. before and after a change to the trial's machinery): the main
# process's credentials, capabilities, NoNewPrivs and seccomp
# (/proc/PID/status), every mount with its options (/proc/PID/mountinfo,
# overlay layer ids masked), which namespaces it shares with PID 1, and the
# unit's hardening properties, for the baseline and the full set of a
# six-option template. Prints the differences; exit 0 when there are none.
#   tests/bench/service_view.sh OLD_BINARY NEW_BINARY
set -uo pipefail
OLD=$1 NEW=$2
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
cat >"$WORK/view.yaml" <<'YAML'
version: 1
name: service-view
image: {base: bookworm}
service:
  unit: viewed.service
  unit_file: |
    [Service]
    ExecStart=/bin/sh -c 'while :; do date > /tmp/stamp; cp /tmp/stamp /run/viewed/stamp; sleep 0.1; done'
    RuntimeDirectory=viewed
workload:
  command: >-
    for i in $(seq 60); do test -s /run/viewed/stamp && break; sleep 0.05; done;
    p=$(systemctl show -p MainPID --value viewed.service);
    grep -E '^(Uid|Gid|Groups|NoNewPrivs|Seccomp|Seccomp_filters|CapInh|CapPrm|CapEff|CapBnd|CapAmb|Umask)' /proc/$p/status;
    awk '{ print $5, $6, $(NF-1), $NF }' /proc/$p/mountinfo | sed -E 's,overlay/[0-9a-f]{64},overlay/LAYER,g' | sort;
    for n in /proc/$p/ns/*; do echo "$(basename $n) $( [ "$(readlink $n)" = "$(readlink /proc/1/ns/$(basename $n))" ] && echo shared || echo private)"; done;
    systemctl show -p ProtectSystem,PrivateTmp,ProtectHome,NoNewPrivileges,CapabilityBoundingSet,SystemCallArchitectures,DropInPaths,FragmentPath viewed.service
  timeout: 10s
options:
  - NoNewPrivileges=yes
  - PrivateTmp=yes
  - ProtectSystem=strict
  - ProtectHome=yes
  - CapabilityBoundingSet=CAP_CHOWN CAP_DAC_OVERRIDE
  - SystemCallArchitectures=native
YAML
views() {  # views BINARY NAME: each trial's workload output (the view) to NAME.LABEL
  # The evidence is in --evidence's file (docs/json.md); a build from before
  # the JSON contract had it in the report.
  local evidence=()
  "$1" run --help | grep -q -- --evidence && evidence=(--evidence "$WORK/$2.json")
  [[ ${#evidence[@]} -gt 0 ]] || evidence=(--json "$WORK/$2.json")
  "$1" run "$WORK/view.yaml" "${evidence[@]}" >"$WORK/$2.out" 2>&1 || { cat "$WORK/$2.out"; exit 2; }
  python3 - "$WORK/$2.json" "$WORK/$2" <<'PY'
import json, sys
def trials(x):
    if isinstance(x, dict):
        if "evidence" in x and ("label" in x or "phase" in x):
            yield x
            return
        for v in x.values(): yield from trials(v)
    elif isinstance(x, list):
        for v in x: yield from trials(v)
for t in trials(json.load(open(sys.argv[1]))):
    label = t.get("phase") or t["label"].split()[0]
    open(sys.argv[2] + "." + label, "w").write(t["evidence"]["workload_output"])
PY
}
views "$OLD" old
views "$NEW" new
same=0
for label in baseline full; do
  if diff -u "$WORK/old.$label" "$WORK/new.$label"; then
    echo "$label: the service's view is identical ($(wc -l <"$WORK/new.$label") lines)"
  else
    same=1
  fi
done
exit $same
