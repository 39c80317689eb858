#!/usr/bin/env bash
# The nightly workflows, read by a YAML parser (ci/check_workflows, PyYAML):
# the shipped ones hold; copies broken in each way that loses a shard's
# result, the merge or the comparison with the previous night are refused.
source "$(dirname "$0")/../lib.sh"
if ! python3 -c 'import yaml' 2>/dev/null; then
  echo "PyYAML missing: apt-get install python3-yaml (ci/setup installs it)" >&2
  exit 1
fi
out=$WORK/check.out
python3 "$SRC/ci/check_workflows" "$SRC" >"$out" 2>&1
code=$?
expect_code 0 "the shipped workflows" "$out"

# broken NAME FILE SED-EXPRESSION PATTERN: a copy with one change must be refused, saying PATTERN.
broken() {
  local copy=$WORK/$1
  mkdir -p "$copy"
  cp -r "$SRC/ci" "$copy/"
  sed -i "$3" "$copy/ci/$2"
  if cmp -s "$SRC/ci/$2" "$copy/ci/$2"; then fail "$1: the edit did not apply"; return; fi
  python3 "$SRC/ci/check_workflows" "$copy" >"$out" 2>&1
  code=$?
  expect_code 1 "$1" "$out"
  expect_grep "$4" "$out" "$1: says why"
}
broken github-upload github-nightly.yml 's|path: shard-\${{ matrix.shard }}.json|path: shard.json|' \
  "uploads shard-"
broken github-artifact-name github-nightly.yml 's|name: matrix-shard-\${{ matrix.shard }}|name: shard-\${{ matrix.shard }}|' \
  "artifact shard-1 does not match"
broken github-merge-skipped github-nightly.yml '/^  merge:/,/^    steps:/{/if: always()/d}' "merge must run always"
broken github-count github-nightly.yml 's|shard: \[1, 2, 3, 4\]|shard: [1, 2, 3]|' "nightly-shard"
broken github-no-previous github-nightly.yml 's|ci/nightly-merge previous/matrix.json|ci/nightly-merge|' \
  "nightly-merge PREVIOUS"
broken github-not-kept github-nightly.yml 's|cp matrix.json previous/matrix.json|true|' "not copied"
broken gitlab-artifacts gitlab-nightly.yml 's|needs: \[matrix-shard\]|needs: [{job: matrix-shard, artifacts: false}]|' \
  "needs matrix-shard with its artifacts"
broken gitlab-mapping gitlab-nightly.yml '/^    - >-$/d;s/^      curl/    - curl/;s/^      \(["|]\)/        \1/' "not a string"
broken gitlab-invalid gitlab-nightly.yml 's/^  stage: test$/ stage: test/' "not readable as YAML"
broken gitlab-missing-script gitlab-nightly.yml 's|ci/nightly-merge previous.json|ci/nightly-merged previous.json|' \
  "ci/nightly-merged is not an executable file"
finish
