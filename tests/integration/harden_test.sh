#!/usr/bin/env bash
# harden on real containers, bounded (a small service on the base image, a
# few minutes): the quickstart daemon writes under /usr/local/share, so
# ProtectSystem=strict must come back with the folder its failure names in
# ReadWritePaths=; the drop-in harden writes then passes `check` (PASS, exit 0).
source "$(dirname "$0")/../lib.sh"
require_podman

# The JSON on stdout (--json -): only the JSON there, progress on stderr.
"$HB" harden "$SRC/scenarios/quickstart.yaml" --no-cache --out "$WORK/50-hardening.conf" \
  --json - >"$WORK/harden.json" 2>"$WORK/harden.out"
code=$?
expect_code 0 "harden verified its drop-in" "$WORK/harden.out"
if /usr/bin/python3 -c 'import json, sys; json.load(open(sys.argv[1]))' "$WORK/harden.json" 2>/dev/null; then
  pass "harden --json -: stdout is the JSON alone"
else fail "harden --json -: stdout does not parse"; head -5 "$WORK/harden.json" | sed 's/^/    /' >&2; fi
expect_grep 'PASS' "$WORK/harden.out" "harden's progress is on stderr"
expect_grep '^ProtectSystem=strict$' "$WORK/50-hardening.conf" "ProtectSystem=strict kept"
expect_grep '^ReadWritePaths=.*/usr/local/share' "$WORK/50-hardening.conf" "with the folder its failure named writable"
expect_grep '^# ProtectSystem: kept, with .*/usr/local/share writable' "$WORK/50-hardening.conf" \
  "a comment says why"
expect_grep '^NoNewPrivileges=yes$' "$WORK/50-hardening.conf" "the rest of the strictest template kept"
expect_grep '^# exposure [0-9.]+ -> [0-9.]+' "$WORK/50-hardening.conf" "exposure before -> after"
expect_grep '"exit_code": 0' "$WORK/harden.json" "JSON report"
if /usr/bin/python3 "$SRC/tests/validate_json.py" "$SRC/src/report/schemas" harden "$WORK/harden.json" \
  >"$WORK/valid.out" 2>&1; then pass "the JSON report is a valid harden report"
else fail "the harden JSON does not validate"; head -20 "$WORK/valid.out" | sed 's/^/    /' >&2; fi
expect_no_containers "after harden"

run_hb "$WORK/check.out" check "$WORK/50-hardening.conf" --scenario "$SRC/scenarios/quickstart.yaml" --no-cache
expect_code 0 "check passes the drop-in harden wrote" "$WORK/check.out"
expect_grep 'PASS' "$WORK/check.out" "check says PASS"
expect_no_containers "after check"
finish
