#!/usr/bin/env bash
# Runs the pool integration test (tests/integration/pool_test.sh: two Podman
# services as connections, local and pool answers compared) N times in a
# row and prints the pass/fail counts, with the wall time of each run. The
# output of each failing run is kept (its path is printed); the test itself
# prints the pool run's output and trial log when a comparison fails.
#   tests/bench/pool_loop.sh N [build/hardbisect]
set -uo pipefail
cd "$(dirname "$0")/../.."
N=${1:?usage: tests/bench/pool_loop.sh N [build/hardbisect]}
HB=$(realpath "${2:-build/hardbisect}")
if [[ ! -x "$HB" ]]; then
  echo "pool_loop.sh: no hardbisect binary at '$HB'" >&2
  exit 2
fi
KEEP=$(mktemp -d /tmp/hardbisect-pool-loop.XXXXXX)
passed=0 failed=0
for i in $(seq "$N"); do
  start=$(date +%s)
  HARDBISECT_REQUIRE_PODMAN=1 bash tests/integration/pool_test.sh "$HB" "$PWD" >"$KEEP/run-$i.log" 2>&1
  code=$?
  took=$(($(date +%s) - start))
  if [[ $code -eq 0 ]]; then
    passed=$((passed + 1))
    echo "run $i/$N: pass (${took} s, load $(cut -d' ' -f1-3 /proc/loadavg))"
    rm -f "$KEEP/run-$i.log"
  else
    failed=$((failed + 1))
    echo "run $i/$N: FAIL exit $code (${took} s): $(grep -m3 '^FAIL' "$KEEP/run-$i.log" | tr '\n' ' ')"
    echo "  output kept in $KEEP/run-$i.log"
  fi
done
echo "pool_test: $passed passed, $failed failed of $N"
[[ $failed -eq 0 ]] && rmdir "$KEEP" 2>/dev/null
[[ $failed -eq 0 ]]
