#!/usr/bin/env bash
# Ownership of containers (issue 12): SIGINT/SIGTERM at random moments of a
# real bisection leave no container and no stage folder; after SIGKILL the
# next run removes what the killed one left; `gc` never touches a live run.
source "$(dirname "$0")/../lib.sh"
require_podman
S=$SRC/scenarios/quickstart.yaml
KILLS=${HARDBISECT_KILL_TESTS:-40}

# Containers and stage folders of one pid (its owner label holds ":PID:").
left_of() {
  local pid=$1 n f
  n=$(podman ps -a --filter label=io.hardbisect=1 --format '{{index .Labels "io.hardbisect.owner"}}' |
    grep -c ":$pid:")
  f=$(find "$(stage_root)" -maxdepth 1 -name "hardbisect-trial-$pid-*" 2>/dev/null | wc -l)
  echo "$n $f"
}

RANDOM=20261130  # the same moments every run
bad=0
for ((i = 1; i <= KILLS; i++)); do
  sig=$([[ $((i % 2)) -eq 0 ]] && echo INT || echo TERM)
  delay=$(printf '0.%02d' $((RANDOM % 100)))
  [[ $((i % 4)) -eq 0 ]] && delay=$((1 + RANDOM % 4)).$((RANDOM % 10))
  "$HB" bisect "$S" --no-cache >"$WORK/kill.out" 2>&1 &
  pid=$!
  sleep "$delay"
  kill -"$sig" "$pid" 2>/dev/null
  wait "$pid"
  got=$(left_of "$pid")
  if [[ $got != "0 0" ]]; then
    bad=$((bad + 1))
    fail "SIG$sig after ${delay}s: left (containers, folders) = $got"
    sed 's/^/    /' "$WORK/kill.out" >&2
  fi
done
[[ $bad -eq 0 ]] && pass "$KILLS signals at random moments: nothing left behind"

# SIGKILL: nothing can clean up; the next run does, and says so.
"$HB" bisect "$S" --no-cache >"$WORK/kill9.out" 2>&1 &
pid=$!
sleep 2.5
kill -KILL "$pid"
wait "$pid" 2>/dev/null
[[ $(left_of "$pid") != "0 0" ]] && pass "SIGKILL leaves something (as it must)"
run_hb "$WORK/next.out" run "$SRC/tests/integration/scenarios/sandboxed.yaml"
expect_code 0 "the next run works" "$WORK/next.out"
expect_grep 'removed [1-9][0-9]* container\(s\) and [0-9]+ stage folder\(s\) left by runs that ended' \
  "$WORK/next.out" "the next run removes what the killed run left, and says so"
got=$(left_of "$pid")
[[ $got == "0 0" ]] && pass "after SIGKILL and a new run: nothing left" || fail "after SIGKILL: left $got"

# gc while another run is going: that run's containers are not touched.
"$HB" bisect "$S" --no-cache >"$WORK/live.out" 2>&1 &
pid=$!
for _ in 1 2 3 4 5 6; do
  sleep 0.7
  "$HB" gc >>"$WORK/gc.out" 2>&1
done
wait "$pid"
code=$?
expect_code 1 "a bisection with gc running beside it still finds its culprit" "$WORK/live.out"
expect_grep 'remove ProtectSystem=strict' "$WORK/live.out" "same answer as alone"
if grep -q 'removed [1-9][0-9]* container' "$WORK/gc.out"; then
  fail "gc removed containers while a live run went on"; sed 's/^/    /' "$WORK/gc.out" >&2
else
  pass "6 gc runs beside a live run removed none of its containers"
fi
expect_no_containers "kill test"
finish
