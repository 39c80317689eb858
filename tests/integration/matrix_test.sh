#!/usr/bin/env bash
# A small real matrix: quickstart and protect-system-writer x one template x
# bookworm and trixie, on real Podman with real systemd. Checks the rows, a
# second run served from the result cache (same rows, much faster), shards
# 1/2 + 2/2 merged == the unsharded result, regressions against a previous
# result, the JUnit/Markdown reports, and that no container is left.
source "$(dirname "$0")/../lib.sh"
require_podman
S=$SRC/scenarios
CACHE=$WORK/cache
matrix=(matrix --scenario "$S/quickstart.yaml" --scenario "$S/protect-system-writer.yaml"
        --template "$SRC/tests/integration/templates/matrix-small.conf" --base bookworm,trixie
        --cache-dir "$CACHE" --jobs 2)
rows() { jq -c '[.cells[] | {id, verdict, culprits}]' "$1"; }
now() { date +%s.%N; }

t0=$(now)
run_hb "$WORK/first.out" "${matrix[@]}" --json "$WORK/first.json" --junit "$WORK/first.xml" \
  --markdown "$WORK/first.md"
t1=$(now)
expect_code 1 "a failing cell: exit 1" "$WORK/first.out"
for base in bookworm trixie; do
  expect_grep "^FAIL +quickstart/matrix-small/$base +.*culprits \{ProtectSystem=full\}" "$WORK/first.out" \
    "quickstart on $base: FAIL, ProtectSystem=full bisected out"
  expect_grep "^PASS +protect-system-writer/matrix-small/$base " "$WORK/first.out" \
    "protect-system-writer on $base: PASS"
done
expect_grep '4 cell\(s\): 2 pass, 2 fail, 0 unresolved' "$WORK/first.out" "summary line"
[[ $(jq '.summary.cells' "$WORK/first.json") == 4 ]] && pass "JSON has 4 cells" || fail "JSON cells"
[[ $(grep -c '<testcase' "$WORK/first.xml") == 4 ]] && pass "JUnit: 4 testcases" || fail "JUnit testcases"
expect_grep 'quickstart/matrix-small/bookworm' "$WORK/first.md" "Markdown names the cells"

run_hb "$WORK/second.out" "${matrix[@]}" --json "$WORK/second.json"
t2=$(now)
expect_code 1 "cached rerun: same exit" "$WORK/second.out"
if [[ "$(rows "$WORK/first.json")" == "$(rows "$WORK/second.json")" ]]; then pass "cached rerun: same rows"
else fail "cached rerun: rows differ"; fi
trials=$(jq '[.cells[].trial_count] | add' "$WORK/second.json")
cached=$(jq '.summary.cached_trials' "$WORK/second.json")
[[ $trials -gt 0 && $cached == "$trials" ]] && pass "cached rerun: all $trials trials from the cache" \
  || fail "cached rerun: $cached of $trials trials cached"
expect_grep '\[cached\]' "$WORK/second.out" "progress lines carry the cached marker"
first_s=$(echo "$t1 - $t0" | bc)
second_s=$(echo "$t2 - $t1" | bc)
echo "first run ${first_s} s, cached rerun ${second_s} s"
if (( $(echo "$second_s * 5 < $first_s" | bc) )); then pass "cached rerun is much faster"
else fail "cached rerun took ${second_s} s (first ${first_s} s)"; fi

for i in 1 2; do
  run_hb "$WORK/shard$i.out" "${matrix[@]}" --shard "$i/2" --json "$WORK/shard$i.json"
  [[ $(jq '.cells | length' "$WORK/shard$i.json") == 2 ]] && pass "shard $i/2 ran 2 cells" || fail "shard $i/2 size"
done
run_hb "$WORK/merge.out" report merge "$WORK/shard2.json" "$WORK/shard1.json" --json "$WORK/merged.json" \
  --html "$WORK/merged.html"
expect_code 1 "merge: exit 1 (failing cells)" "$WORK/merge.out"
if [[ "$(rows "$WORK/first.json")" == "$(rows "$WORK/merged.json")" ]]; then pass "shards merged == unsharded"
else fail "merged rows differ"; diff <(rows "$WORK/first.json") <(rows "$WORK/merged.json") >&2; fi
[[ -s $WORK/merged.html ]] && pass "HTML report written" || fail "no HTML report"

# Compared with the previous result, known failures pass: what is left is unresolved.
run_hb "$WORK/merge1.out" report merge "$WORK/shard1.json" --previous "$WORK/first.json"
expect_code 3 "merge of one shard of two: missing cells are unresolved" "$WORK/merge1.out"
expect_grep 'missing' "$WORK/merge1.out" "missing cells named"

# A previous result in which quickstart passed on bookworm: that cell regressed.
jq '(.cells[] | select(.id == "quickstart/matrix-small/bookworm") | .verdict) = "pass"' "$WORK/first.json" \
  >"$WORK/previous.json"
run_hb "$WORK/regress.out" "${matrix[@]}" --previous "$WORK/previous.json" --json "$WORK/regress.json"
expect_code 1 "regression: exit 1" "$WORK/regress.out"
expect_grep '^REGRESSION +quickstart/matrix-small/bookworm' "$WORK/regress.out" "regression flagged"
[[ $(jq '.summary.regressions' "$WORK/regress.json") == 1 ]] && pass "one regression in JSON" || fail "regressions"
run_hb "$WORK/same.out" "${matrix[@]}" --previous "$WORK/first.json"
expect_code 0 "known failures only, compared with the previous result: exit 0" "$WORK/same.out"

expect_no_containers "after the matrix runs"
finish
