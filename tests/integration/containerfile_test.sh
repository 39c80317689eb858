#!/usr/bin/env bash
# The user's own service from a Containerfile (issue 15), on real Podman: the
# library scenario own-service-counterd builds its image FROM the base (a C
# program compiled in a build stage), bisect finds ProtectSystem=strict; a
# rerun reuses the image (cache hit: same id, nothing built); a changed
# context file builds a new image, an ignored one does not; bad input (a
# FROM that is not the placeholder, a failing step) exits 2 with the fix and
# leaves no image or build container behind. Images this test makes are
# removed, except the one the scenario library uses.
source "$(dirname "$0")/../lib.sh"
require_podman

mkdir -p "$WORK/lib/services"
cp "$SRC/scenarios/own-service-counterd.yaml" "$WORK/lib/"
cp -r "$SRC/scenarios/services/counterd" "$WORK/lib/services/"
SCENARIO=$WORK/lib/own-service-counterd.yaml
CONTAINERFILE=$WORK/lib/services/counterd/Containerfile
made=()  # images this test built, removed on exit
trap 'for i in "${made[@]}"; do podman rmi "$i" >/dev/null 2>&1; done; rm -rf "$WORK"' EXIT

# The image a scenario's recipe names (validate computes it without building).
image_of() { "$HB" validate "$1" | sed -n 's/.*, image \(localhost[^ )]*\).*/\1/p'; }
# Untagged images (also intermediate ones) and build containers: what a build
# could leave (other runs on this host make tagged images and trial containers).
storage_state() {
  podman images -a -q --no-trunc --filter dangling=true | sort
  podman ps -a --external --format '{{.ID}} {{.Names}}' | grep working-container | sort
}

IMAGE=$(image_of "$SCENARIO")
if [[ $IMAGE == localhost/hardbisect-bookworm-cf-counterd:* && $IMAGE == "$(image_of "$SRC/scenarios/own-service-counterd.yaml")" ]]; then
  pass "the recipe ($IMAGE) does not depend on where the files are"
else
  fail "image names: '$IMAGE' vs the library's '$(image_of "$SRC/scenarios/own-service-counterd.yaml")'"
fi

# 1. bisect: builds the image when missing, then finds the culprit.
run_hb "$WORK/bisect.out" bisect "$SCENARIO" --no-cache
expect_code 1 "bisect of the user's own service" "$WORK/bisect.out"
expect_grep '^culprit.*ProtectSystem=strict|ProtectSystem=strict.*fails alone' "$WORK/bisect.out" "culprit ProtectSystem=strict"
expect_grep "on $IMAGE " "$WORK/bisect.out" "the trials ran on the Containerfile's image"
ID=$(podman image inspect --format '{{.Id}}' "$IMAGE" 2>/dev/null)
if [[ -n $ID ]]; then pass "image $IMAGE exists"; else fail "image $IMAGE missing after the bisect"; fi

# 2. the same again: a cache hit, not a rebuild.
run_hb "$WORK/again.out" bisect "$SCENARIO"
expect_code 1 "second bisect" "$WORK/again.out"
expect_grep "image $IMAGE: the same Containerfile and build context" "$WORK/again.out" "cache hit said"
if grep -q "building image" "$WORK/again.out"; then fail "rebuilt on the second run"; else pass "not rebuilt"; fi
if [[ $(podman image inspect --format '{{.Id}}' "$IMAGE") == "$ID" ]]; then pass "same image id"; else fail "image id changed"; fi

# 3. a file the .containerignore leaves out changes nothing; a context file does.
echo "notes" >"$WORK/lib/services/counterd/README.md"
run_hb "$WORK/ignored.out" image build bookworm --containerfile "$CONTAINERFILE"
expect_grep "^$IMAGE  \(cached: same recipe\)" "$WORK/ignored.out" "an ignored file does not rebuild"
echo "# tuned" >>"$WORK/lib/services/counterd/counterd.conf"
CHANGED=$(image_of "$SCENARIO")
made+=("$CHANGED")
run_hb "$WORK/changed.out" run "$SCENARIO"
expect_code 1 "run after a context change (the full template fails)" "$WORK/changed.out"
expect_grep "building image $CHANGED FROM" "$WORK/changed.out" "a changed context file rebuilds"
if [[ $CHANGED != "$IMAGE" ]] && podman image exists "$CHANGED"; then pass "new image $CHANGED"; else fail "no new image"; fi
expect_grep "^baseline \(no options\) +PASS" "$WORK/changed.out" "the rebuilt service works"

# 4. bad input: nothing built, nothing left behind.
mkdir -p "$WORK/bad"
printf 'FROM debian:bookworm\nRUN true\n' >"$WORK/bad/Containerfile"
before=$(storage_state)
run_hb "$WORK/from.out" run "$SCENARIO" --containerfile "$WORK/bad/Containerfile"
expect_code 2 "a FROM that is not the placeholder" "$WORK/from.out"
expect_grep "Containerfile:1: FROM debian:bookworm is not the placeholder" "$WORK/from.out" "says which line"
expect_grep "hint: write .FROM hardbisect-base" "$WORK/from.out" "says the fix"
printf 'FROM hardbisect-base\nCOPY Containerfile /etc/x\nRUN echo "step broke: no such tool" >&2; exit 7\n' >"$WORK/bad/Containerfile"
run_hb "$WORK/step.out" run "$SCENARIO" --containerfile "$WORK/bad/Containerfile"
expect_code 2 "a failing step" "$WORK/step.out"
expect_grep "Containerfile:3: a step of your Containerfile failed" "$WORK/step.out" "names the failing step's line"
expect_grep "step broke: no such tool" "$WORK/step.out" "shows the step's last lines"
if [[ $(storage_state) == "$before" ]]; then pass "no image or build container left"; else
  fail "storage changed by failed builds"; diff <(echo "$before") <(storage_state) >&2; fi
expect_no_containers "after the Containerfile runs"
finish
