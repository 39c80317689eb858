#!/usr/bin/env bash
# The scripts the nightly workflows run (ci/nightly-shard, ci/nightly-merge),
# as the shard and merge jobs run them, on a small matrix with real Podman:
# two shards, their merge (a failing cell, no previous night: exit 1), the
# next night's merge against it (nothing regressed: exit 0), and the ways
# they fail (a bad matrix: 2, no shard results: 4).
source "$(dirname "$0")/../lib.sh"
require_podman
cat >"$WORK/nightly.yaml" <<YAML
version: 1
scenarios: [$SRC/scenarios/quickstart.yaml, $SRC/scenarios/protect-system-writer.yaml]
templates: [$SRC/tests/integration/templates/matrix-small.conf]
bases: [bookworm]
YAML
export HARDBISECT=$HB NIGHTLY_OUT=$WORK/night HARDBISECT_CACHE_DIR=$WORK/cache
mkdir -p "$NIGHTLY_OUT"
cd "$SRC" || exit 1
for i in 1 2; do
  ci/nightly-shard "$i" 2 "$WORK/nightly.yaml" >"$WORK/shard$i.out" 2>&1
  code=$?
  expect_code 0 "ci/nightly-shard $i 2 (its cells may fail)" "$WORK/shard$i.out"
  [[ -s $NIGHTLY_OUT/shard-$i.json ]] && pass "shard-$i.json written" || fail "no shard-$i.json"
done
ci/nightly-merge "$WORK/none.json" >"$WORK/merge1.out" 2>&1
code=$?
expect_code 1 "first night: a failing cell, nothing to compare with" "$WORK/merge1.out"
expect_grep "no previous result" "$WORK/merge1.out" "says there is no previous night"
expect_grep "2 result\(s\), 2 of 2 cell\(s\)" "$WORK/merge1.out" "both shards merged"
for f in matrix.json matrix.xml matrix.md matrix.html; do
  [[ -s $NIGHTLY_OUT/$f ]] && pass "merge wrote $f" || fail "merge did not write $f"
done
cp "$NIGHTLY_OUT/matrix.json" "$WORK/previous.json"
ci/nightly-merge "$WORK/previous.json" >"$WORK/merge2.out" 2>&1
code=$?
expect_code 0 "next night: the same failure is no regression" "$WORK/merge2.out"
rm -f "$NIGHTLY_OUT"/shard-*.json
ci/nightly-merge "$WORK/previous.json" >"$WORK/merge3.out" 2>&1
code=$?
expect_code 4 "no shard results" "$WORK/merge3.out"
echo "version: 1" >"$WORK/bad.yaml"
ci/nightly-shard 1 2 "$WORK/bad.yaml" >"$WORK/bad.out" 2>&1
code=$?
expect_code 2 "a bad matrix fails the shard job" "$WORK/bad.out"
expect_no_containers "nightly scripts"
finish
