#!/usr/bin/env bash
# The input side of the trust boundary on a real trial (issue 20,
# docs/security.md): a scenario's `mode: "4755"` file is setuid inside the
# container and nowhere on the host, the stage is reachable by root only, and
# an unwritable cache folder is one warning while the run goes on.
source "$(dirname "$0")/../lib.sh"
require_podman

mkdir -p "$WORK/s"
cp /usr/bin/id "$WORK/s/id-suid"
cat >"$WORK/s/setuid.yaml" <<'YAML'
version: 1
name: setuid-stage
image: {base: bookworm}
service:
  unit: idle.service
  unit_file: |
    [Service]
    ExecStart=/bin/sleep infinity
  files:
    - {path: /opt/id-suid, mode: "4755", source: id-suid}
workload:
  # Holds the trial until the host has looked at the stage (/run/hb-go).
  command: touch /run/hb-ready; while [ ! -e /run/hb-go ]; do sleep 0.1; done; stat -c 'mode=%a' /opt/id-suid; test "$(stat -c %a /opt/id-suid)" = 4755
  timeout: 60s
YAML

# While a trial of the run $pid waits in its workload: the stage on the host.
look_at_the_stage() {
  local root folder suid copy
  # Looked for where earlier versions put it too, so their failure is shown.
  folder=$(find "$(stage_root)" "${TMPDIR:-/tmp}" -maxdepth 1 -name "hardbisect-trial-$pid-*" 2>/dev/null)
  if [[ $(wc -l <<<"$folder") -ne 1 || ! -d $folder ]]; then
    fail "no single stage folder of pid $pid: '$folder'"
    return
  fi
  root=$(dirname "$folder")
  [[ $root == "$(stage_root)" ]] && pass "the stage folder is in $root" || fail "the stage folder is in $root"
  [[ $(stat -c %a "$root") == 700 && $(stat -c %u "$root") == $(id -u) ]] &&
    pass "$root is 0700 and ours" || fail "$root is $(stat -c '%a uid %u' "$root")"
  [[ $(stat -c %a "$folder") == 700 ]] && pass "the stage folder is 0700" ||
    fail "the stage folder is $(stat -c %a "$folder")"
  suid=$(find "$folder" -perm /6000)
  [[ -z $suid ]] && pass "no setuid or setgid file under the stage folder" ||
    fail "setuid/setgid on the host: $suid"
  copy=$folder/tree/.hardbisect/stage/files/opt/id-suid
  [[ $(stat -c %a "$copy" 2>/dev/null) == 755 ]] && pass "the staged copy is 0755 on the host" ||
    fail "the staged copy: $(stat -c %a "$copy" 2>&1)"
  if setpriv --reuid=65534 --regid=65534 --clear-groups cat "$copy" >/dev/null 2>&1 ||
    setpriv --reuid=65534 --regid=65534 --clear-groups ls "$root" >/dev/null 2>&1; then
    fail "another user (nobody) reads the stage"
  else
    pass "another user (nobody) can neither list the stage root nor read a staged file"
  fi
}

"$HB" run "$WORK/s/setuid.yaml" --json "$WORK/setuid.json" --evidence "$WORK/setuid-evidence.json" \
  >"$WORK/setuid.out" 2>&1 &
pid=$!
# Each trial's workload waits for /run/hb-go; the first is looked at from
# the host, then every trial is let go. Polls until the run ends.
looked=0
released=" "
while kill -0 "$pid" 2>/dev/null; do
  for container in $(podman ps --filter label=io.hardbisect=1 \
    --format '{{.ID}} {{index .Labels "io.hardbisect.owner"}}' | awk -v p=":$pid:" 'index($2, p) { print $1 }'); do
    [[ $released == *" $container "* ]] && continue
    podman exec "$container" test -e /run/hb-ready 2>/dev/null || continue
    if [[ $looked -eq 0 ]]; then
      looked=1
      look_at_the_stage
    fi
    podman exec "$container" touch /run/hb-go
    released+="$container "
  done
  sleep 0.2
done
[[ $looked -eq 1 ]] || fail "no trial's workload was seen waiting"
wait "$pid"
code=$?
expect_code 0 "the trial passes: inside the container the file has mode 4755" "$WORK/setuid.out"
expect_grep 'mode=4755' "$WORK/setuid-evidence.json" "the workload saw mode=4755 (its output, in the --evidence file)"
expect_no_containers "setuid trial"

# An unwritable cache folder: one warning on stderr, the run goes on. An
# immutable folder (chattr +i), else a path under a plain file (the unit test
# JobResultCache.AnUnwritableCacheIsOneWarningAndTheRunGoesOn has that one).
S=$SRC/tests/integration/scenarios/sandboxed.yaml
dir=$WORK/immutable
mkdir -p "$dir"
if ! chattr +i "$dir" 2>/dev/null; then
  echo "a plain file" >"$WORK/plain"
  dir=$WORK/plain/cache
fi
"$HB" bisect "$S" --cache-dir "$dir" >"$WORK/cache.out" 2>"$WORK/cache.err"
code=$?
expect_code 0 "bisect with the cache $dir unwritable: nothing breaks" "$WORK/cache.err"
n=$(grep -c 'results will not be cached: ' "$WORK/cache.err")
[[ $n -eq 1 ]] && pass "$dir: exactly one warning on stderr" || fail "$dir: $n warnings"
expect_grep "^warning: results will not be cached: cannot (create|write)" "$WORK/cache.err" "$dir: the warning says why"
chattr -i "$WORK/immutable" 2>/dev/null
expect_no_containers "cache runs"

finish
