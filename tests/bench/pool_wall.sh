#!/usr/bin/env bash
# Prints figures, asserts nothing: the wall time of `hardbisect verify` on
# this host (local Podman, bind-mounted stage) against the same verify on a
# pool of two Podman services on this machine (unix sockets, one on the
# shared storage and one on its own, --jobs split between them: the remote
# path, stage by `podman cp`, evidence by one `podman exec`), same run, and
# whether the answers match. The load average is printed: the machine may
# be shared.
#   tests/bench/pool_wall.sh [build/hardbisect] [--jobs N] [SCENARIO...]   (default: scenarios/, --jobs 2)
# Measured 2026-11-30 (2 cores shared with 5 other builds/tests, load ~17),
# quickstart + two-culprits + protect-system-writer, --jobs 2: this host
# 98.1 s, 2 services 113.9 s (17 + 17 containers), answers match. Both
# services share this machine's 2 cores, so the pool only adds the remote
# path's cost (podman cp + exec); separate hosts add their cores.
set -uo pipefail
cd "$(dirname "$0")/../.."
HB=$(realpath "${1:-build/hardbisect}")
shift || true
JOBS=2
if [[ "${1:-}" == "--jobs" ]]; then JOBS=$2; shift 2; fi
SCENARIOS=("$@")
((${#SCENARIOS[@]})) || SCENARIOS=(scenarios/)
TAG=hb-remote-bench-$$
BASE=/tmp/$TAG
WORK=$(mktemp -d)
pids=()
cleanup() {
  podman --url "unix://$BASE-b.sock" ps -aq --filter label=io.hardbisect=1 2>/dev/null |
    xargs -r podman --url "unix://$BASE-b.sock" rm -f -t 0 >/dev/null 2>&1
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; done
  podman --root "$BASE-b/root" --runroot "$BASE-b/runroot" images -q 2>/dev/null |
    xargs -r podman --root "$BASE-b/root" --runroot "$BASE-b/runroot" rmi -f >/dev/null 2>&1
  podman system connection remove "$TAG-a" >/dev/null 2>&1
  podman system connection remove "$TAG-b" >/dev/null 2>&1
  # Podman's exec helpers (conmon, --exit-delay 300) of the own storage's removed containers would
  # run `podman --root ... container cleanup` minutes later and make the folder again: stop them.
  pkill -f -- "$BASE-b/root/overlay-containers" 2>/dev/null
  # The own storage's overlay folder stays mounted (podman mounts it on itself) after its service ends.
  awk -v p="$BASE-b/" 'index($2, p) == 1 { print $2 }' /proc/mounts | sort -r | xargs -r -n1 umount -l 2>/dev/null
  rm -rf "$BASE-b" "$WORK"
}
trap cleanup EXIT
mkdir -p "$BASE-b"
podman --runtime runc system service --time=0 "unix://$BASE-a.sock" >/dev/null 2>&1 &
pids+=($!)
podman --runtime runc --root "$BASE-b/root" --runroot "$BASE-b/runroot" system service --time=0 \
  "unix://$BASE-b.sock" >/dev/null 2>&1 &
pids+=($!)
for s in a b; do
  for _ in $(seq 100); do podman --url "unix://$BASE-$s.sock" info >/dev/null 2>&1 && break; sleep 0.1; done
  podman system connection add "$TAG-$s" "unix://$BASE-$s.sock"
done
POOL=(--connection "$TAG-a" --connection "$TAG-b")
# Images first (built here, sent to hb-b), so neither timing includes them.
"$HB" "${POOL[@]}" doctor >/dev/null 2>&1

now() { date +%s.%N; }
answers() { jq -c '[.results[] | {scenario, verdict, expectation, culprits}]' "$1"; }
load() { cut -d' ' -f1-3 /proc/loadavg; }
declare -A wall load_before
for where in local pool; do
  flags=()
  [[ $where == pool ]] && flags=("${POOL[@]}")
  load_before[$where]=$(load)
  t0=$(now)
  "$HB" "${flags[@]}" verify "${SCENARIOS[@]}" --no-cache --jobs "$JOBS" --json "$WORK/$where.json" \
    >"$WORK/$where.out" 2>&1
  wall[$where]=$(echo "$(now) - $t0" | bc)
done
same=no
[[ "$(answers "$WORK/local.json")" == "$(answers "$WORK/pool.json")" ]] && same=yes
count=$(jq '.results | length' "$WORK/local.json")
printf '\nhardbisect verify %s (%s scenarios), --jobs %s, %s cores, same run\n' "${SCENARIOS[*]}" "$count" "$JOBS" "$(nproc)"
printf '%-44s %10s  %s\n' "where" "wall (s)" "load average before"
printf '%-44s %10.1f  %s\n' "this host (local Podman, bind mounts)" "${wall[local]}" "${load_before[local]}"
printf '%-44s %10.1f  %s\n' "2 Podman services (unix sockets, podman cp)" "${wall[pool]}" "${load_before[pool]}"
printf 'answers match: %s\n' "$same"
grep -h "scenario(s):\|containers per host" "$WORK/local.out" "$WORK/pool.out" | sed "s/^/  /"
[[ $same == yes ]] || diff <(answers "$WORK/local.json") <(answers "$WORK/pool.json")
