#!/usr/bin/env bash
# Prints figures, asserts nothing: the wall time of `verify SCENARIOS --no-cache`
# with --jobs 1 and with --jobs 2 (scenarios side by side), in the same run,
# and whether both give the same answers (verdict, culprits, removal per scenario).
#   tests/bench/verify_wall.sh [build/hardbisect] [scenarios/]
set -uo pipefail
HB=${1:-build/hardbisect}
SCENARIOS=${2:-scenarios/}
cd "$(dirname "$0")/../.."
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
now() { date +%s%N; }

run_verify() {  # jobs -> seconds, JSON in $WORK/jN.json, output in $WORK/jN.out
  local jobs=$1 t0
  t0=$(now)
  "$HB" verify "$SCENARIOS" --no-cache --jobs "$jobs" --json "$WORK/j$jobs.json" >"$WORK/j$jobs.out" 2>&1
  echo "$?" >"$WORK/j$jobs.code"
  awk -v ns=$(( $(now) - t0 )) 'BEGIN{printf "%.1f", ns / 1e9}'
}
wall1=$(run_verify 1)
wall2=$(run_verify 2)

python3 - "$WORK" "$wall1" "$wall2" <<'PY'
import json, sys
work, w1, w2 = sys.argv[1], float(sys.argv[2]), float(sys.argv[3])
def answers(jobs):
    try:
        d = json.load(open(f"{work}/j{jobs}.json"))
    except (OSError, ValueError) as e:
        return None, str(e)
    return {r["scenario"]: (r["expectation"], json.dumps(r["culprits"]), json.dumps(r.get("found_removal")),
                            r["trial_count"])
            for r in d["results"]}, ""
a1, e1 = answers(1)
a2, e2 = answers(2)
print("verify wall time, --no-cache, same run")
if a1 is None or a2 is None:
    print(f"  no JSON report: {e1 or e2} (see the verify output)")
    sys.exit(0)
print(f"  {'scenarios':<24} {len(a1)}")
print(f"  {'wall --jobs 1':<24} {w1:.1f} s")
print(f"  {'wall --jobs 2':<24} {w2:.1f} s")
print(f"  {'ratio (2 / 1)':<24} {w2 / w1:.2f}")
same = {k: a1[k][:3] == a2.get(k, (None,))[:3] for k in a1}
print(f"  {'answers equal':<24} {'yes' if all(same.values()) and a1.keys() == a2.keys() else 'no'}")
print(f"  {'scenario':<28} {'verdict 1':>9} {'verdict 2':>9} {'trials 1':>8} {'trials 2':>8}  same")
for k in sorted(a1):
    b = a2.get(k, ("-", "", "", "-"))
    print(f"  {k:<28} {a1[k][0]:>9} {b[0]:>9} {a1[k][3]:>8} {b[3]:>8}  {'yes' if same[k] else 'NO'}")
PY
echo "  exit codes: --jobs 1 $(cat "$WORK/j1.code"), --jobs 2 $(cat "$WORK/j2.code"); load average $(cut -d' ' -f1-3 /proc/loadavg)"
