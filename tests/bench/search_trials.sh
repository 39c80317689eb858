#!/usr/bin/env bash
# Prints the search benchmark table (trial counts per strategy, then the
# non-monotone rows: the trials the context and explain steps cost). Builds
# nothing: runs the benchmark binary given as $1.
#   tests/bench/search_trials.sh [path/to/search_bench] [seeds]
set -euo pipefail
bench="${1:-build/tests/search_bench}"
seeds="${2:-50}"
if [[ ! -x "$bench" ]]; then
  echo "search_trials.sh: no benchmark binary at '$bench'" >&2
  echo "hint: cmake --build <build-dir> --target search_bench, then pass <build-dir>/tests/search_bench" >&2
  exit 2
fi
exec "$bench" "$seeds"
