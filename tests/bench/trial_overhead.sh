#!/usr/bin/env bash
# Prints figures, asserts nothing: the time of one hardbisect trial against
# shell loops doing the same with podman by hand, on this machine, same run.
#   tests/bench/trial_overhead.sh [build/hardbisect] [runs]
set -euo pipefail
HB=${1:-build/hardbisect}
RUNS=${2:-7}
cd "$(dirname "$0")/../.."
IMG=$("$HB" image build bookworm 2>/dev/null | awk '{print $1}')
FLAGS=(--runtime runc --systemd=always --network none --ulimit nofile=4096:4096 --ulimit nproc=4096:4096 --label io.hardbisect=1)
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
now() { date +%s%N; }
median() { sort -n | awk '{a[NR]=$1} END{print (NR%2)? a[(NR+1)/2] : int((a[NR/2]+a[NR/2+1])/2)}'; }

printf '[Service]\nExecStart=/bin/sleep infinity\n' >"$WORK/bench.service"

# 1. The floor: boot systemd and remove the container.
for _ in $(seq "$RUNS"); do
  t0=$(now)
  id=$(podman run -d "${FLAGS[@]}" "$IMG" /sbin/init)
  podman exec "$id" sh -c 'until systemctl is-system-running --wait >/dev/null 2>&1; do sleep 0.05; done'
  podman rm -f -t 0 "$id" >/dev/null
  echo $(( ($(now) - t0) / 1000000 ))
done >"$WORK/bare"

# 2. The manual trial loop of the seeds: run, then exec per step.
for _ in $(seq "$RUNS"); do
  t0=$(now)
  id=$(podman run -d "${FLAGS[@]}" --cap-add SYS_ADMIN "$IMG" /sbin/init)
  podman exec "$id" sh -c 'until systemctl is-system-running --wait >/dev/null 2>&1; do sleep 0.05; done'
  podman exec "$id" mkdir -p /etc/systemd/system/bench.service.d
  podman cp "$WORK/bench.service" "$id:/etc/systemd/system/bench.service"
  podman exec "$id" systemctl daemon-reload
  podman exec "$id" systemctl restart bench.service
  podman exec "$id" sh -c 'systemctl is-active bench.service' >/dev/null
  podman exec "$id" systemctl show -p ActiveState,Result,NRestarts bench.service >/dev/null
  podman rm -f -t 0 "$id" >/dev/null
  echo $(( ($(now) - t0) / 1000000 ))
done >"$WORK/loop"

# 3. hardbisect: baseline + one option, per-trial times from the JSON report.
: >"$WORK/hb"
for _ in $(seq $(( (RUNS + 1) / 2 ))); do
  "$HB" -q run --base bookworm --unit-file "$WORK/bench.service" --workload 'systemctl is-active bench.service' \
    --option NoNewPrivileges=yes --json "$WORK/r.json" >/dev/null || true
  grep -o '"elapsed_ms": [0-9]*' "$WORK/r.json" | awk '{print $2}' >>"$WORK/hb"
done

mem="n/a"
if [[ -x /usr/bin/time ]]; then
  /usr/bin/time -v "$HB" -q run --base bookworm --unit-file "$WORK/bench.service" \
    --workload 'systemctl is-active bench.service' --option NoNewPrivileges=yes >/dev/null 2>"$WORK/time" || true
  mem="$(awk -F: '/Maximum resident/{gsub(/ /,"",$2); print $2}' "$WORK/time") KiB"
fi

echo "trial overhead on $(nproc) cores, image $IMG, $RUNS runs each (median ms)"
printf '  %-58s %6s ms\n' "podman run + is-system-running --wait + rm (the floor)" "$(median <"$WORK/bare")"
printf '  %-58s %6s ms\n' "manual loop: run, exec mkdir/cp/daemon-reload/restart/check, rm" "$(median <"$WORK/loop")"
printf '  %-58s %6s ms\n' "hardbisect trial (stage, boot, start, workload, probes, rm)" "$(median <"$WORK/hb")"
echo "  hardbisect peak memory (one run of 2 trials): $mem"
