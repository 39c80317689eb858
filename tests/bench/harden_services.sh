#!/usr/bin/env bash
# Prints figures, asserts nothing: `hardbisect harden` on the library's
# packaged services, one run per service and base, and the table of the
# issue's "done when": service, base, exposure before -> after, lines,
# trials, wall time, exit code (target: exposure < 3.0, each < 5 min).
#   tests/bench/harden_services.sh [build/hardbisect] [services] [bases]
#   tests/bench/harden_services.sh build/hardbisect "nginx-seed004" "bookworm"
# Drop-ins and JSON reports are kept in $HB_BENCH_OUT (default a temp folder).
set -uo pipefail
HB=$(realpath "${1:-build/hardbisect}")
SERVICES=${2:-"nginx-seed004 openssh-seed004 redis-server"}
BASES=${3:-"bookworm trixie"}
cd "$(dirname "$0")/../.."
OUT=${HB_BENCH_OUT:-$(mktemp -d)}
mkdir -p "$OUT"
rows=()
for service in $SERVICES; do
  for base in $BASES; do
    name="$service-$base"
    t0=$(date +%s%N)
    "$HB" harden "scenarios/$service.yaml" --base "$base" --no-cache --out "$OUT/$name.conf" \
      --json "$OUT/$name.json" >"$OUT/$name.log" 2>&1
    code=$?
    wall=$(( ($(date +%s%N) - t0) / 1000000 ))
    row=$(jq -r --arg s "$service" --arg b "$base" --arg w "$wall" --arg c "$code" \
      '[$s, $b, "\(.exposure_before // "n/a") -> \(.exposure_after // "n/a")", (.lines | length),
        .trial_count, "\(($w | tonumber) / 1000 | floor) s", $c] | @tsv' "$OUT/$name.json" 2>/dev/null ||
      printf '%s\t%s\t(no report)\t-\t-\t%s s\t%s' "$service" "$base" $((wall / 1000)) "$code")
    rows+=("$row")
    echo "$row" >&2
  done
done
printf '\n%-18s %-9s %-16s %5s %6s %9s %4s\n' service base exposure lines trials wall exit
for row in "${rows[@]}"; do
  IFS=$'\t' read -r s b e l t w c <<<"$row"
  printf '%-18s %-9s %-16s %5s %6s %9s %4s\n' "$s" "$b" "$e" "$l" "$t" "$w" "$c"
done
echo "drop-ins, logs and JSON in $OUT"
