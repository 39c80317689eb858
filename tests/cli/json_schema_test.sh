#!/usr/bin/env bash
# The JSON contract (docs/json.md): the reports hardbisect's libraries write
# (bisect, --evidence, matrix, harden; from a fixed bisection, no Podman)
# validate against their schemas in src/report/schemas, and the schemas are
# strict: a renamed key, a trial's renamed key, a verdict word from another
# vocabulary or a missing schema_version fails. run, check and verify are
# validated from real runs in tests/integration/streams_test.sh.
source "$(dirname "$0")/../lib.sh"
python=/usr/bin/python3
[[ -x $python ]] || python=python3
SCHEMAS=$SRC/src/report/schemas
validate() { "$python" "$SRC/tests/validate_json.py" "$SCHEMAS" "$@"; }

if ! "$python" -c 'import jsonschema' 2>/dev/null; then
  echo "python3-jsonschema is missing (ci/setup installs it)" >&2
  exit 1
fi
if [[ -z ${HB_JSON_FIXTURE:-} ]]; then
  echo "HB_JSON_FIXTURE is not set (ctest sets it)" >&2
  exit 1
fi
"$HB_JSON_FIXTURE" "$WORK" >"$WORK/fixture.out" 2>&1 || { cat "$WORK/fixture.out" >&2; exit 1; }

for kind in bisect evidence matrix harden; do
  if validate "$kind" "$WORK/$kind.json" >"$WORK/$kind.check" 2>&1; then pass "$kind report validates"
  else fail "$kind report does not validate"; sed 's/^/    /' "$WORK/$kind.check" >&2; fi
done

# Every schema names its kind, and every report its schema_version.
for kind in run bisect check verify matrix harden evidence common; do
  id=$(jq -r '."$id"' "$SCHEMAS/$kind.schema.json")
  [[ $id == "urn:hardbisect:schema:1:$kind" ]] && pass "$kind schema: \$id $id" || fail "$kind schema: \$id $id"
done

# broken NAME KIND JQ-EDIT: the edited report must fail, naming the key.
broken() {
  jq "$3" "$WORK/$2.json" >"$WORK/$1.json"
  if validate "$2" "$WORK/$1.json" >"$WORK/$1.check" 2>&1; then fail "$1: accepted"
  else pass "$1: refused ($(head -n 1 "$WORK/$1.check" | cut -c1-110))"; fi
}
broken renamed-top bisect '.trials_count = .trial_count | del(.trial_count)'
broken renamed-trial-key bisect '.trials[0].cause_of = .trials[0].cause | del(.trials[0].cause)'
broken other-verdict-word bisect '.verdict = "found"'
broken trials-as-number bisect '.trials = 9'
broken old-removal-key bisect '.removal = []'
broken no-schema-version bisect 'del(.schema_version)'
broken evidence-in-report bisect '.trials[0].evidence = {}'
broken trial-without-evidence evidence 'del(.cells[0].trials[0].evidence)'
broken renamed-cell-key matrix '.cells[0].trial_log = [] | del(.cells[0].trials_not_passed)'
broken renamed-harden-key harden '.trials = .trial_count | del(.trial_count)'
broken renamed-search-key harden '.search.trial_log = []'

# Compact by default: the report carries no evidence, the --evidence file does.
if ! jq -e '[.. | objects | has("journal")] | any' "$WORK/bisect.json" >/dev/null &&
  jq -e '.cells[0].trials[0].evidence.journal' "$WORK/evidence.json" >/dev/null; then
  pass "journal only in the evidence file"
else fail "journal placement"; fi

[[ $failures -eq 0 ]] || exit 1
