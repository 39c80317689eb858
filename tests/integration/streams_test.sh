#!/usr/bin/env bash
# stdout is the result, stderr the progress, in every subcommand: with
# `--json -` standard output is the JSON alone (it parses), the progress and
# the summary are on stderr; without it the summary is on stdout and the
# progress on stderr; -q leaves the result and the warnings. Two reports on
# stdout are refused. Each JSON validates against its schema
# (src/report/schemas, docs/json.md), --evidence files too. Real trials, kept small (a writer under /usr and one
# or two options).
source "$(dirname "$0")/../lib.sh"
require_podman
S=$SRC/tests/integration/scenarios
CACHE=(--cache-dir "$WORK/cache")

# The writer with one culprit among two options, for verify.
sed -e 's/^options:/expect_culprits:\n  - [ProtectSystem=strict]\noptions:/' \
  -e 's/^  - ProtectSystem=strict/  - ProtectSystem=strict\n  - NoNewPrivileges=yes/' \
  "$S/writer.yaml" >"$WORK/writer.yaml"
printf '[Service]\nNoNewPrivileges=yes\n' >"$WORK/template.conf"

# streams NAME ARGS...: runs hardbisect with stdout and stderr apart.
streams() {
  local name=$1
  shift
  "$HB" "$@" >"$WORK/$name.stdout" 2>"$WORK/$name.stderr"
  code=$?
}

# json_alone NAME KIND: stdout is one JSON document and nothing else, and
# it is a valid KIND report.
json_alone() {
  if python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$WORK/$1.stdout" 2>"$WORK/$1.why"; then
    pass "$1: stdout is JSON alone"
  else
    fail "$1: stdout does not parse as JSON ($(cat "$WORK/$1.why" | tail -1))"
    head -5 "$WORK/$1.stdout" | sed 's/^/    /' >&2
  fi
  valid "$2" "$WORK/$1.stdout" "$1"
}

# valid KIND FILE WHAT: FILE validates against the KIND schema.
python=/usr/bin/python3
[[ -x $python ]] || python=python3
valid() {
  if "$python" "$SRC/tests/validate_json.py" "$SRC/src/report/schemas" "$1" "$2" >"$WORK/valid.out" 2>&1; then
    pass "$3: a valid $1 report"
  else
    fail "$3: not a valid $1 report"
    head -20 "$WORK/valid.out" | sed 's/^/    /' >&2
  fi
}

# has NAME STREAM PATTERN WHAT
has() { expect_grep "$3" "$WORK/$1.$2" "$1: $4"; }

streams run run "$S/writer.yaml" --json - --evidence "$WORK/run-evidence.json"
expect_code 1 "run --json -" "$WORK/run.stderr"
json_alone run run
valid evidence "$WORK/run-evidence.json" "run --evidence"
has run stderr 'baseline' "progress on stderr"

streams bisect bisect "$WORK/writer.yaml" --json - --evidence "$WORK/bisect-evidence.json" "${CACHE[@]}"
expect_code 1 "bisect --json -" "$WORK/bisect.stderr"
json_alone bisect bisect
valid evidence "$WORK/bisect-evidence.json" "bisect --evidence"
has bisect stderr '^\[ *[0-9]+\] ' "trial lines on stderr"
has bisect stderr 'ProtectSystem=strict' "the summary goes to stderr"

streams bisect-text bisect "$WORK/writer.yaml" "${CACHE[@]}"
expect_code 1 "bisect (text)" "$WORK/bisect-text.stderr"
has bisect-text stdout 'culprit' "the summary on stdout"
if grep -qE '^\[ *[0-9]+\] ' "$WORK/bisect-text.stdout"; then
  fail "bisect-text: trial lines on stdout"
else
  pass "bisect-text: no trial line on stdout"
fi

streams bisect-quiet -q bisect "$WORK/writer.yaml" --json - "${CACHE[@]}"
expect_code 1 "-q bisect --json -" "$WORK/bisect-quiet.stderr"
json_alone bisect-quiet bisect
if grep -qE '^\[ *[0-9]+\] ' "$WORK/bisect-quiet.stderr"; then
  fail "-q: trial lines on stderr"
else
  pass "-q: no trial line on stderr"
fi

streams check check "$WORK/template.conf" --scenario "$S/writer.yaml" --json - "${CACHE[@]}"
expect_code 0 "check --json -" "$WORK/check.stderr"
json_alone check check

streams verify verify "$WORK/writer.yaml" --json - "${CACHE[@]}"
expect_code 0 "verify --json -" "$WORK/verify.stderr"
json_alone verify verify

streams matrix matrix --scenario "$WORK/writer.yaml" --template "$WORK/template.conf" --base bookworm \
  --json - "${CACHE[@]}"
expect_code 0 "matrix --json -" "$WORK/matrix.stderr"
json_alone matrix matrix
cp "$WORK/matrix.stdout" "$WORK/matrix.json"

streams merge report merge "$WORK/matrix.json" --json -
expect_code 0 "report merge --json -" "$WORK/merge.stderr"
json_alone merge matrix

streams two bisect "$WORK/writer.yaml" --json - --junit - "${CACHE[@]}"
expect_code 2 "two reports on stdout" "$WORK/two.stderr"
has two stderr 'only one report can go to standard output' "the reason"
expect_no_containers "streams test"
finish
