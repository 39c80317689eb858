#!/usr/bin/env bash
# Remote Podman hosts for real: two Podman services on this machine, each on
# its own unix socket — hb-a on the shared storage, started with
# `--runtime runc`; hb-b on a storage of its own with `[engine] runtime =
# "runc"` in its containers.conf, so images must be sent to it — added as
# connections. `doctor`, `run`, `bisect` (--jobs over both) and a small
# `matrix` through the pool must give the answers of the local host and
# leave no container on either; a host lost mid-bisection is reported, its
# trials go to the other, and `gc` clears it once it is back. Everything it
# started is stopped and removed on every way out (trap).
source "$(dirname "$0")/../lib.sh"
require_podman
S=$SRC/scenarios
TAG=hb-remote-$$
BASE=/tmp/$TAG
A_SOCK=unix://$BASE-a.sock
B_SOCK=unix://$BASE-b.sock
B_STORE=(--root "$BASE-b/root" --runroot "$BASE-b/runroot")
mkdir -p "$BASE-b"
printf '[engine]\nruntime = "runc"\n' >"$BASE-b/containers.conf"
pids=()

start_a() { podman --runtime runc system service --time=0 "$A_SOCK" >"$BASE-a.log" 2>&1 & pids[0]=$!; }
start_b() {
  CONTAINERS_CONF=$BASE-b/containers.conf podman "${B_STORE[@]}" system service --time=0 "$B_SOCK" \
    >"$BASE-b.log" 2>&1 &
  pids[1]=$!
}
wait_socket() { for _ in $(seq 100); do podman --url "$1" info >/dev/null 2>&1 && return 0; sleep 0.1; done; return 1; }
cleanup() {
  # Only what this test made: its containers on hb-b's own storage, its services, connections and folders.
  podman --url "$B_SOCK" ps -aq --filter label=io.hardbisect=1 2>/dev/null | xargs -r podman --url "$B_SOCK" rm -f -t 0 >/dev/null 2>&1
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; done
  podman "${B_STORE[@]}" ps -aq --filter label=io.hardbisect=1 2>/dev/null | xargs -r podman "${B_STORE[@]}" rm -f -t 0 >/dev/null 2>&1
  podman "${B_STORE[@]}" images -q 2>/dev/null | xargs -r podman "${B_STORE[@]}" rmi -f >/dev/null 2>&1
  podman system connection remove "$TAG-a" >/dev/null 2>&1
  podman system connection remove "$TAG-b" >/dev/null 2>&1
  # Podman's exec helpers (conmon, --exit-delay 300) of the own storage's removed containers would
  # run `podman --root ... container cleanup` minutes later and make the folder again: stop them.
  pkill -f -- "$BASE-b/root/overlay-containers" 2>/dev/null
  # The own storage's overlay folder stays mounted (podman mounts it on itself) after its service ends.
  awk -v p="$BASE-b/" 'index($2, p) == 1 { print $2 }' /proc/mounts | sort -r | xargs -r -n1 umount -l 2>/dev/null
  rm -rf "$BASE-b" "$BASE-a.log" "$BASE-b.log" "$WORK"
}
trap cleanup EXIT
start_a
start_b
wait_socket "$A_SOCK" && wait_socket "$B_SOCK" || { fail "the Podman services did not answer"; cat "$BASE"-*.log >&2; finish; }
podman system connection add "$TAG-a" "$A_SOCK"
podman system connection add "$TAG-b" "$B_SOCK"
POOL=(--connection "$TAG-a" --connection "$TAG-b")
left_on_b() { podman --url "$B_SOCK" ps -aq --filter label=io.hardbisect=1 | wc -l; }
# A comparison that fails explains itself: the pool run's output and the
# trials of its JSON that did not pass (evidence and reason) are printed, and
# both files are kept (the work folder goes with the test).
KEEP=${HARDBISECT_TEST_KEEP:-/tmp}/hardbisect-pool-test-$$
not_passed='[.. | objects | select(has("verdict") and has("phase") and has("cause") and .verdict != "pass")
  | {number, phase, options, applied, verdict, cause, reason, explanation, elapsed_ms, notes}]'
explain_pool() {  # explain_pool WHAT POOL_OUT POOL_JSON
  mkdir -p "$KEEP" && cp "$2" "$3" "$KEEP/" 2>/dev/null
  echo "---- $1: the pool run's output (kept with its JSON in $KEEP)" >&2
  sed 's/^/    /' "$2" >&2
  jq -r '.cells[]? | "---- cell \(.id): \(.verdict): \(.reason)\n\(.evidence)"' "$3" >&2 2>/dev/null
  echo "---- $1: the pool run's trials that did not pass (the whole JSON is kept)" >&2
  jq "$not_passed" "$3" >&2 || echo "    (no JSON: $3)" >&2
}
expect_none_left() {
  expect_no_containers "$1 (hb-a, shared storage)"
  [[ $(left_on_b) -eq 0 ]] && pass "$1: no container left on hb-b" || fail "$1: $(left_on_b) container(s) left on hb-b"
}

# doctor: each host, with a boot test; hb-b gets the base image first.
run_hb "$WORK/doctor.out" "${POOL[@]}" doctor
expect_code 0 "doctor --connection a --connection b" "$WORK/doctor.out"
expect_grep "trials can run on connection $TAG-a" "$WORK/doctor.out" "doctor: hb-a can run trials"
expect_grep "trials can run on connection $TAG-b" "$WORK/doctor.out" "doctor: hb-b can run trials"
expect_grep "OCI runtime +runc \(the service's own" "$WORK/doctor.out" "doctor: the service's runtime"
expect_grep "boot test +systemd in .* reached '(running|degraded)'" "$WORK/doctor.out" "doctor: boot test on the hosts"
expect_grep "sending image .* to connection $TAG-b" "$WORK/doctor.out" "doctor: the image was sent to hb-b"
run_hb "$WORK/unknown.out" --connection "$TAG-c" run "$S/quickstart.yaml"
expect_code 2 "an unknown connection" "$WORK/unknown.out"
expect_grep "unknown Podman connection '$TAG-c'.*" "$WORK/unknown.out" "names the unknown connection"
expect_grep "hint: did you mean '$TAG-(a|b)'" "$WORK/unknown.out" "suggests a known one"

# run: the same two verdicts here and on the pool.
run_hb "$WORK/run-local.out" run "$S/quickstart.yaml" --json "$WORK/run-local.json"
run_hb "$WORK/run-pool.out" "${POOL[@]}" run "$S/quickstart.yaml" --json "$WORK/run-pool.json"
expect_code 1 "run on the pool" "$WORK/run-pool.out"
if [[ "$(jq -c '[.verdict, [.trials[].verdict]]' "$WORK/run-local.json")" == \
      "$(jq -c '[.verdict, [.trials[].verdict]]' "$WORK/run-pool.json")" ]]; then pass "run: pool == local"
else fail "run: pool and local differ"; explain_pool run "$WORK/run-pool.out" "$WORK/run-pool.json"; fi

# bisect, 4 trials at a time over both hosts.
answer() { jq -c '[.verdict, .outcome, .culprits, [.removals[].option]]' "$1"; }
run_hb "$WORK/bisect-local.out" bisect "$S/quickstart.yaml" --no-cache --jobs 2 --json "$WORK/bisect-local.json"
run_hb "$WORK/bisect-pool.out" "${POOL[@]}" bisect "$S/quickstart.yaml" --no-cache --jobs 4 \
  --json "$WORK/bisect-pool.json"
expect_code 1 "bisect on the pool" "$WORK/bisect-pool.out"
expect_grep "Podman hosts: $TAG-a \([0-9] at a time" "$WORK/bisect-pool.out" "each host's share is printed"
expect_grep "containers per host: $TAG-a [1-9][0-9]*, $TAG-b [1-9][0-9]*" "$WORK/bisect-pool.out" \
  "both hosts ran trials"
if [[ "$(answer "$WORK/bisect-local.json")" == "$(answer "$WORK/bisect-pool.json")" ]]; then
  pass "bisect: pool == local ($(answer "$WORK/bisect-pool.json"))"
else
  fail "bisect: pool $(answer "$WORK/bisect-pool.json") != local $(answer "$WORK/bisect-local.json")"
  tail -5 "$WORK/bisect-local.out" >&2
  explain_pool bisect "$WORK/bisect-pool.out" "$WORK/bisect-pool.json"
fi
expect_none_left "after run and bisect"

# A small matrix: one template x bookworm over quickstart and protect-system-writer.
rows() { jq -c '[.cells[] | {id, verdict, culprits}]' "$1"; }
matrix=(matrix --scenario "$S/quickstart.yaml" --scenario "$S/protect-system-writer.yaml"
        --template "$SRC/tests/integration/templates/matrix-small.conf" --base bookworm --no-cache)
run_hb "$WORK/matrix-local.out" "${matrix[@]}" --jobs 2 --json "$WORK/matrix-local.json"
run_hb "$WORK/matrix-pool.out" "${POOL[@]}" "${matrix[@]}" --json "$WORK/matrix-pool.json"
expect_code 1 "matrix on the pool" "$WORK/matrix-pool.out"
if [[ "$(rows "$WORK/matrix-local.json")" == "$(rows "$WORK/matrix-pool.json")" ]]; then pass "matrix: pool == local"
else
  fail "matrix: pool and local differ"
  diff <(rows "$WORK/matrix-local.json") <(rows "$WORK/matrix-pool.json") >&2
  tail -5 "$WORK/matrix-local.out" >&2
  explain_pool matrix "$WORK/matrix-pool.out" "$WORK/matrix-pool.json"
fi
expect_none_left "after the matrix"

# hb-b dies in the middle of a bisection: reported, its trials go to hb-a, same answer.
"$HB" "${POOL[@]}" bisect "$S/quickstart.yaml" --no-cache --jobs 4 --json "$WORK/lost.json" >"$WORK/lost.out" 2>&1 &
bisect_pid=$!
for _ in $(seq 300); do grep -q '^\[  3\]' "$WORK/lost.out" && break; sleep 0.1; done
kill "${pids[1]}"; wait "${pids[1]}" 2>/dev/null
wait $bisect_pid
code=$?
expect_code 1 "bisect with hb-b lost" "$WORK/lost.out"
expect_grep "connection $TAG-b was lost .*its trials go to $TAG-a" "$WORK/lost.out" "the lost host is reported"
if [[ "$(answer "$WORK/bisect-local.json")" == "$(answer "$WORK/lost.json")" ]]; then pass "bisect with a lost host: same answer"
else
  fail "bisect with a lost host: $(answer "$WORK/lost.json") != $(answer "$WORK/bisect-local.json")"
  explain_pool "bisect with a lost host" "$WORK/lost.out" "$WORK/lost.json"
fi
expect_no_containers "after the lost host (hb-a)"
# Back again: what the dead run left there goes with gc.
start_b
wait_socket "$B_SOCK" || fail "hb-b did not come back"
run_hb "$WORK/gc.out" --connection "$TAG-b" gc
expect_code 0 "gc on hb-b" "$WORK/gc.out"
[[ $(left_on_b) -eq 0 ]] && pass "gc: nothing left on hb-b" || fail "gc: $(left_on_b) container(s) left on hb-b"
finish
