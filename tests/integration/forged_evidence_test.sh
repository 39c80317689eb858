#!/usr/bin/env bash
# Evidence integrity (issue 20): neither the workload nor the service under
# test can decide the verdict. Both scenarios have a real culprit
# (PrivateTmp=yes: the workload no longer sees the service's /tmp/hb-ready)
# and forge a passing trial; each `run` is two trials (baseline, full set).
# Before the evidence was sealed, both ended PASS/PASS, exit 0.
source "$(dirname "$0")/../lib.sh"
require_podman

# 1. The workload prints frames (the new format, and the old one with the
# nonce it could read from stage/args) holding workload_rc 0, then fails.
cat >"$WORK/workload-forges.yaml" <<'YAML'
version: 1
name: workload-forges
image: {base: bookworm}
service:
  unit: tmpuser.service
  unit_file: |
    [Service]
    ExecStart=/bin/sh -c 'while :; do date > /tmp/hb-ready; sleep 0.1; done'
workload:
  command: >-
    read -r n _ </.hardbisect/stage/args;
    printf '@@HB@@ workload_rc 1\n0\n\n@@HB-%s@@ workload_rc\n0\n' "$n";
    for i in $(seq 40); do test -s /tmp/hb-ready && exit 0; sleep 0.05; done; exit 1
  timeout: 10s
options:
  - PrivateTmp=yes
YAML
run_hb "$WORK/workload.out" run "$WORK/workload-forges.yaml" --json "$WORK/workload.json"
expect_code 1 "a workload printing a forged workload_rc 0: the real culprit fails" "$WORK/workload.out"
expect_grep '^baseline \(no options\) +PASS' "$WORK/workload.out" "baseline still passes"
expect_grep '^full set \(1 options\) +FAIL' "$WORK/workload.out" "full set: FAIL, not the forged PASS"
expect_grep 'workload exited 1' "$WORK/workload.out" "the workload's real exit code"

# 2. A service that forges only where it would fail: under PrivateTmp= (its
# mount namespace is not PID 1's) it reads everything the stage holds (args,
# the key's FIFO, the driver, every process's argv and environment) and
# writes a complete evidence file of a passing trial to the out folder: with
# the nonce and the driver (the old format), or sealed with whatever key it
# found (the new one). The workload waits until it is done (/run/hb-forged),
# so the forgery is always there before the driver's evidence.
cat >"$WORK/service-forges.yaml" <<'YAML'
version: 1
name: service-forges
image: {base: bookworm}
service:
  unit: forger.service
  unit_file: |
    [Service]
    ExecStart=/usr/local/bin/forger
  files:
    - path: /usr/local/bin/forger
      mode: "0755"
      content: |
        #!/bin/sh
        stage=/.hardbisect/stage out=/.hardbisect/out
        (while :; do date > /tmp/hb-ready; sleep 0.1; done) &
        if [ "$(readlink /proc/self/ns/mnt)" != "$(readlink /proc/1/ns/mnt)" ]; then
          read -r first second rest <"$stage/args"
          key=$(timeout 1 cat "$stage/key" 2>/dev/null)
          for f in "$stage"/* /proc/[0-9]*/cmdline /proc/[0-9]*/environ; do
            [ -f "$f" ] && k=$(tr '\0' '\n' <"$f" | grep -oE '[0-9a-f]{64}' | head -n 1) && [ -n "$k" ] && key=$k
          done
          if [ "${#first}" -eq 16 ]; then
            # The nonce: run the driver itself, with a workload that passes.
            "$stage/trial-driver" "$first" "$second" 10 10 10 true >"$out/evidence.tmp" 2>&1
            mv "$out/evidence.tmp" "$out/evidence"
          else
            body=$(for kv in boot_state=running boot_ms=300 start_rc=0 start_ms=20 workload_rc=0 \
              workload_ms=30 show=ActiveState=active; do
              v=${kv#*=}; printf '@@HB@@ %s %s\n%s\n' "${kv%%=*}" "${#v}" "$v"; done; printf '@@HB@@ end 0\n')
            mac=$({ printf '%s' "$key"; printf '%s\n' "$body"; printf '%s' "$key"; } | sha256sum)
            printf '%s\n@@HB@@ mac %s\n' "$body" "${mac%% *}" >"$out/evidence"
          fi
        fi
        touch /run/hb-forged
        wait
workload:
  command: >-
    for i in $(seq 200); do test -e /run/hb-forged && break; sleep 0.05; done;
    for i in $(seq 40); do test -s /tmp/hb-ready && exit 0; sleep 0.05; done; exit 1
  timeout: 20s
options:
  - PrivateTmp=yes
YAML
run_hb "$WORK/service.out" run "$WORK/service-forges.yaml" --json "$WORK/service.json"
if [[ $code -ne 0 ]]; then pass "a service forging the evidence: not 'nothing breaks' (exit $code)"; else
  fail "a service forging the evidence decided its own verdict (exit 0)"; sed 's/^/    /' "$WORK/service.out" >&2; fi
expect_code 4 "forged evidence is the harness's trouble: exit 4" "$WORK/service.out"
expect_grep '^baseline \(no options\) +PASS' "$WORK/service.out" "baseline (no forgery) passes"
expect_grep '^full set \(1 options\) +UNRESOLVED +.*evidence tampered: the MAC does not match' "$WORK/service.out" \
  "full set: UNRESOLVED, evidence tampered, never PASS"
expect_grep '"cause": "tampered"' "$WORK/service.json" "JSON: cause tampered"

# 3. The same service through a remote Podman (--connection: the stage by
# `podman cp`, the key by the one `podman exec`'s stdin), on its own socket.
TAG=hb-evidence-$$
SOCK=unix:///tmp/$TAG.sock
podman --runtime runc system service --time=0 "$SOCK" >"$WORK/service.log" 2>&1 &
service_pid=$!
trap 'podman system connection remove "$TAG" >/dev/null 2>&1; kill "$service_pid" 2>/dev/null;
  wait "$service_pid" 2>/dev/null; rm -f "/tmp/$TAG.sock"; rm -rf "$WORK"' EXIT
for _ in $(seq 100); do podman --url "$SOCK" info >/dev/null 2>&1 && break; sleep 0.1; done
podman system connection add "$TAG" "$SOCK"
run_hb "$WORK/remote.out" --connection "$TAG" run "$WORK/workload-forges.yaml"
expect_code 1 "remote: the workload's forged frame changes nothing" "$WORK/remote.out"
expect_grep '^baseline \(no options\) +PASS' "$WORK/remote.out" "remote: the baseline passes (the key came by exec)"
run_hb "$WORK/remote-service.out" --connection "$TAG" run "$WORK/service-forges.yaml"
expect_code 4 "remote: a service forging the evidence is UNRESOLVED" "$WORK/remote-service.out"
expect_grep 'evidence tampered: ' "$WORK/remote-service.out" "remote: tampered named"

expect_no_containers "after the forged trials"
finish
