#!/usr/bin/env bash
# The bad-input corpus of issue 12: each case gets exit 2 (or 0) and a message
# that names the problem, before any container exists. Most run with Podman
# off the PATH: a check that came after `require_podman` would exit 4 instead.
source "$(dirname "$0")/../lib.sh"
S=$SRC/tests/integration/scenarios
NOPODMAN=$WORK/bin   # a PATH without podman
mkdir -p "$NOPODMAN"

# run_np OUTFILE ARGS...: run_hb with podman absent, bounded in time; sets $code and $elapsed (ms).
run_np() {
  local out=$1; shift
  local start=$(date +%s%N)
  timeout 10 env PATH="$NOPODMAN" "$HB" "$@" >"$out" 2>&1
  code=$?
  elapsed=$(( ($(date +%s%N) - start) / 1000000 ))
}

expect_no_grep() {  # expect_no_grep PATTERN FILE WHAT
  if grep -qE -- "$1" "$2"; then fail "$3: /$1/ in output"; sed 's/^/    /' "$2" >&2; else pass "$3"; fi
}

expect_fast() {  # expect_fast WHAT: the last run_np took under 5 s
  if [[ $elapsed -lt 5000 ]]; then pass "$1: ${elapsed} ms"; else fail "$1: took ${elapsed} ms"; fi
}

# --- output paths: checked before anything runs ---------------------------------------
run_np "$WORK/json-missing.out" run "$S/sandboxed.yaml" --json /nonexistent/x.json
expect_code 2 "--json /nonexistent/x" "$WORK/json-missing.out"
expect_grep '\-\-json /nonexistent/x.json: the folder /nonexistent does not exist' "$WORK/json-missing.out" \
  "--json /nonexistent/x: the folder named"
expect_grep 'hint: create it first' "$WORK/json-missing.out" "--json /nonexistent/x: the fix"
expect_fast "--json /nonexistent/x: before any trial"

run_np "$WORK/safe-missing.out" bisect "$S/sandboxed.yaml" --safe-out /nonexistent/safe.conf
expect_code 2 "--safe-out /nonexistent/x" "$WORK/safe-missing.out"
expect_grep '\-\-safe-out /nonexistent/safe.conf' "$WORK/safe-missing.out" "--safe-out: named"

printf '[Service]\nNoNewPrivileges=yes\n' >"$WORK/ok.conf"
for flag in --junit --markdown --html; do
  run_np "$WORK/report$flag.out" check "$WORK/ok.conf" --scenario "$S/sandboxed.yaml" "$flag" /nonexistent/r
  expect_code 2 "check $flag /nonexistent/r" "$WORK/report$flag.out"
  expect_grep "\\$flag /nonexistent/r" "$WORK/report$flag.out" "check $flag: named"
done
run_np "$WORK/verify-json.out" verify "$S/sandboxed.yaml" --json "$WORK"
expect_code 2 "verify --json FOLDER" "$WORK/verify-json.out"
expect_grep 'is a folder' "$WORK/verify-json.out" "verify --json FOLDER: said"
run_np "$WORK/matrix-json.out" matrix --scenario "$S/sandboxed.yaml" --json /nonexistent/m.json
expect_code 2 "matrix --json /nonexistent" "$WORK/matrix-json.out"
run_np "$WORK/merge-json.out" report merge "$WORK/none.json" --json /nonexistent/m.json
expect_code 2 "report merge --json /nonexistent" "$WORK/merge-json.out"
expect_grep '\-\-json /nonexistent/m.json' "$WORK/merge-json.out" "report merge: the output checked first"

run_np "$WORK/json-empty.out" run "$S/sandboxed.yaml" --json ''
expect_code 2 "--json ''" "$WORK/json-empty.out"
expect_grep "\-\-json needs a path" "$WORK/json-empty.out" "--json '': refused"

# A device or FIFO is written directly, never replaced: a matrix shard with no
# cells writes its result without any container (a stand-in for /dev/null, so
# a regression cannot break this host's /dev/null).
if mknod "$WORK/null" c 1 3 2>/dev/null; then
  run_np "$WORK/devnull.out" matrix --scenario "$S/sandboxed.yaml" --shard 2/2 --json "$WORK/null"
  expect_code 0 "--json DEVICE" "$WORK/devnull.out"
  if [[ -c $WORK/null ]]; then pass "--json DEVICE: still a character device"; else fail "--json DEVICE replaced"; fi
else
  echo "note: cannot mknod here; the FIFO case stands in for /dev/null"
fi
mkfifo "$WORK/fifo.json"
timeout 10 cat "$WORK/fifo.json" >"$WORK/fifo.read" &
reader=$!
run_np "$WORK/fifo-out.out" matrix --scenario "$S/sandboxed.yaml" --shard 2/2 --json "$WORK/fifo.json"
expect_code 0 "--json FIFO" "$WORK/fifo-out.out"
wait "$reader"
if [[ -p $WORK/fifo.json ]]; then pass "--json FIFO: still a FIFO"; else fail "--json FIFO replaced"; fi
expect_grep '"cells"' "$WORK/fifo.read" "--json FIFO: the result went through it"

# --- flags over a scenario file: overridden and said, or refused ---------------------
run_np "$WORK/base-bad.out" run "$S/sandboxed.yaml" --base bullseye
expect_code 2 "--base bullseye with a scenario" "$WORK/base-bad.out"
expect_grep "unknown base release 'bullseye'" "$WORK/base-bad.out" "--base bullseye: named"

run_np "$WORK/timeout.out" run "$S/sandboxed.yaml" --workload-timeout -1s
expect_code 2 "--workload-timeout -1s" "$WORK/timeout.out"
expect_grep "\-\-workload-timeout: invalid duration '-1s'" "$WORK/timeout.out" "--workload-timeout -1s: named"
run_np "$WORK/timeout0.out" bisect "$S/sandboxed.yaml" --workload-timeout 0s
expect_code 2 "--workload-timeout 0s" "$WORK/timeout0.out"
expect_grep "must be positive" "$WORK/timeout0.out" "--workload-timeout 0s: said"
run_np "$WORK/timeout-adhoc.out" run --unit x.service --workload true --workload-timeout -1s
expect_code 2 "--workload-timeout -1s (ad hoc)" "$WORK/timeout-adhoc.out"

run_np "$WORK/unit.out" bisect "$S/sandboxed.yaml" --unit other.service
expect_code 2 "--unit with a scenario" "$WORK/unit.out"
expect_grep '\-\-unit does not apply with a scenario file' "$WORK/unit.out" "--unit: the reason"

run_np "$WORK/option-bad.out" run "$S/sandboxed.yaml" --option ProtectSytem=strict
expect_code 2 "--option typo with a scenario" "$WORK/option-bad.out"
expect_grep "did you mean 'ProtectSystem'" "$WORK/option-bad.out" "--option typo: did you mean"

run_np "$WORK/verify-base.out" verify "$S/sandboxed.yaml" --base trixie
expect_code 2 "verify --base (does not apply)" "$WORK/verify-base.out"

# --- input files ---------------------------------------------------------------------
mkfifo "$WORK/fifo.yaml"
run_np "$WORK/fifo.out" run "$WORK/fifo.yaml"
expect_code 2 "a FIFO as the scenario" "$WORK/fifo.out"
expect_grep 'not a regular file' "$WORK/fifo.out" "FIFO: said"
expect_fast "FIFO: does not block"

printf 'version: 1\nservice:\n\tunit: x.service\n' >"$WORK/tabs.yaml"
run_np "$WORK/tabs.out" run "$WORK/tabs.yaml"
expect_code 2 "tab indentation" "$WORK/tabs.out"
expect_grep 'indented with a tab' "$WORK/tabs.out" "tabs named as tabs"

head -c 4096 /dev/urandom >"$WORK/garbage.yaml"
printf '\x00\xff\x1b[31m' >>"$WORK/garbage.yaml"
run_np "$WORK/garbage.out" run "$WORK/garbage.yaml"
expect_code 2 "binary garbage" "$WORK/garbage.out"
expect_grep 'is not a text file' "$WORK/garbage.out" "binary garbage: said"
if LC_ALL=C grep -q $'[\x01-\x08\x0b-\x1f\x7f]' "$WORK/garbage.out" || ! iconv -f UTF-8 -t UTF-8 "$WORK/garbage.out" >/dev/null 2>&1 \
  || [[ $(tr -d '\000' <"$WORK/garbage.out" | wc -c) -ne $(wc -c <"$WORK/garbage.out") ]]; then
  fail "binary garbage: raw bytes in the output"
else
  pass "binary garbage: no raw bytes in the output"
fi

{ printf 'version: 1\n'; head -c $((2 * 1024 * 1024)) /dev/zero | tr '\0' '#'; printf '\n'; } >"$WORK/big.yaml"
run_np "$WORK/big.out" run "$WORK/big.yaml"
expect_code 2 "a 2 MiB scenario" "$WORK/big.out"
expect_grep 'over the limit of 1048576' "$WORK/big.out" "2 MiB: the limit named"

# --- validate: no podman needed ------------------------------------------------------
run_np "$WORK/validate-ok.out" validate "$S/sandboxed.yaml" "$WORK/ok.conf"
expect_code 0 "validate good files" "$WORK/validate-ok.out"
expect_grep "sandboxed.yaml: ok" "$WORK/validate-ok.out" "validate: scenario ok"
expect_grep "ok.conf: ok" "$WORK/validate-ok.out" "validate: template ok"

printf '[Service]\nNoNewPrivileges=yes\nProtectSytem=strict\n' >"$WORK/typo.conf"
printf '[Service]\nPrivatePIDs=yes\n' >"$WORK/new.conf"
cat >"$WORK/typo.yaml" <<'YAML'
version: 1
service:
  unit: x.service
workloda:
  command: "true"
YAML
run_np "$WORK/validate-bad.out" validate "$S/sandboxed.yaml" "$WORK/typo.yaml" "$WORK/typo.conf" \
  "$WORK/new.conf" "$WORK/fifo.yaml" "$WORK/garbage.yaml"
expect_code 2 "validate bad files" "$WORK/validate-bad.out"
expect_grep "sandboxed.yaml: ok" "$WORK/validate-bad.out" "validate: the good one still ok"
expect_grep "typo.yaml:4:1: .*did you mean 'workload'" "$WORK/validate-bad.out" "validate: file:line:col, hint"
expect_grep "typo.conf:3:1: unknown directive 'ProtectSytem'.*did you mean 'ProtectSystem'" \
  "$WORK/validate-bad.out" "validate: template typo"
expect_grep "new.conf:2:1: PrivatePIDs= needs systemd 257 or newer.*bookworm" "$WORK/validate-bad.out" \
  "validate: directive too new for the base's systemd"
expect_grep "fifo.yaml: .*not a regular file" "$WORK/validate-bad.out" "validate: FIFO"
lines=$(wc -l <"$WORK/validate-bad.out")
if [[ $lines -eq 6 ]]; then pass "validate: one line per file"; else fail "validate: $lines lines for 6 files"; fi

run_np "$WORK/validate-trixie.out" validate --base trixie "$WORK/new.conf"
expect_code 0 "validate --base trixie: PrivatePIDs known to 257" "$WORK/validate-trixie.out"

# --- --dry-run: one trial's commands, exit 0, no waiting -----------------------------
if command -v podman >/dev/null; then
  start=$(date +%s%N)
  timeout 20 "$HB" --dry-run run "$S/sandboxed.yaml" --base trixie --json "$WORK/dry.json" >"$WORK/dry.out" 2>&1
  code=$?
  elapsed=$(( ($(date +%s%N) - start) / 1000000 ))
  expect_code 0 "--dry-run run" "$WORK/dry.out"
  expect_fast "--dry-run run: no wait for evidence"
  expect_grep '^\+ podman .*create ' "$WORK/dry.out" "--dry-run: prints podman create"
  expect_grep '^\+ podman .*start ' "$WORK/dry.out" "--dry-run: prints podman start"
  expect_grep 'base: trixie \(from --base; the scenario says bookworm\)' "$WORK/dry.out" \
    "--base trixie over a scenario: stated in the header"
  expect_grep 'nothing ran' "$WORK/dry.out" "--dry-run: says nothing ran"
  if grep -q '^+ podman .*logs ' "$WORK/dry.out"; then fail "--dry-run printed a podman logs"; else pass "--dry-run: stops after start, no podman logs"; fi
  if [[ ! -e $WORK/dry.json ]]; then pass "--dry-run: no report of trials that did not run"; else fail "--dry-run wrote a report"; fi
  # A key the base's systemd does not know: a warning (a finding of the trials), not an error.
  printf '[Service]\nExecStart=/bin/sleep infinity\n' >"$WORK/idle.service"
  run_hb "$WORK/dry-known.out" --dry-run run --base bookworm --unit idle.service --unit-file "$WORK/idle.service" \
    --workload true --option PrivatePIDs=yes
  expect_code 0 "--dry-run run with PrivatePIDs=yes on bookworm" "$WORK/dry-known.out"
  expect_grep '^warning: .*PrivatePIDs= needs systemd 257 .*base bookworm.*finding' "$WORK/dry-known.out" \
    "run: a key the base's systemd does not know is a warning, checked as validate does"
fi
finish
