#!/usr/bin/env bash
# The input side of the trust boundary (issue 20, docs/security.md): a
# scenario reads host files only inside its own folder tree, options and
# templates hold hardening lines only, limits must be 1 or more. Each is
# refused with exit 2 before any container exists, by validate and by every
# command that takes a scenario. No Podman needed.
source "$(dirname "$0")/../lib.sh"

SECRET=$WORK/outside/secret
mkdir -p "$WORK/outside" "$WORK/s/ctx"
echo "host secret" >"$SECRET"

# scenario FILE SOURCE: a scenario whose one file is read from SOURCE.
scenario() {
  cat >"$1" <<YAML
version: 1
service:
  unit: x.service
  unit_file: |
    [Service]
    ExecStart=/bin/sleep infinity
  files:
    - path: /opt/secret
      source: $2
workload:
  command: cat /opt/secret
YAML
}

# refused NAME FILE LINE:COL WHAT: validate and run refuse it, at the line, with the hint.
refused() {
  local name=$1 file=$2 at=$3 what=$4
  run_hb "$WORK/$name.validate" validate "$file"
  expect_code 2 "$name: validate" "$WORK/$name.validate"
  expect_grep "$(basename "$file"):$at: .*$what" "$WORK/$name.validate" "$name: validate names the line"
  expect_grep "hint: .*own folder and below" "$WORK/$name.validate" "$name: validate gives the fix"
  run_hb "$WORK/$name.run" run "$file"
  expect_code 2 "$name: run" "$WORK/$name.run"
  expect_grep "^hardbisect: error: .*$(basename "$file"):$at: " "$WORK/$name.run" "$name: run names the line"
  if grep -q "host secret" "$WORK/$name.validate" "$WORK/$name.run"; then fail "$name: the secret leaked"; fi
}

# 1. Host files, by absolute path, by "..", by a symlink in the folder.
scenario "$WORK/s/absolute.yaml" "$SECRET"
refused absolute "$WORK/s/absolute.yaml" 9:15 "source file '$SECRET' is outside the scenario's folder"
scenario "$WORK/s/dotdot.yaml" "../outside/secret"
refused dotdot "$WORK/s/dotdot.yaml" 9:15 "resolves to $SECRET, outside the scenario's folder"
ln -s "$SECRET" "$WORK/s/link"
scenario "$WORK/s/symlink.yaml" "link"
refused symlink "$WORK/s/symlink.yaml" 9:15 "resolves to $SECRET, outside"
ln -s /etc/shadow "$WORK/s/shadow"
scenario "$WORK/s/shadow.yaml" "shadow"
refused shadow "$WORK/s/shadow.yaml" 9:15 "'shadow' resolves to /etc/shadow"
# A symlinked folder on the way out counts the same.
ln -s "$WORK/outside" "$WORK/s/up"
scenario "$WORK/s/folder.yaml" "up/secret"
refused folder-link "$WORK/s/folder.yaml" 9:15 "resolves to $SECRET"

# Every command that takes a scenario refuses it the same way.
refused_by() {  # NAME ARGS...
  local name=$1
  shift
  run_hb "$WORK/$name.out" "$@"
  expect_code 2 "$name refuses a host file outside the folder" "$WORK/$name.out"
  expect_grep "absolute.yaml:9:15: source file" "$WORK/$name.out" "$name: names the line"
}
echo "[Service]" >"$WORK/t.conf"
echo "NoNewPrivileges=yes" >>"$WORK/t.conf"
refused_by bisect bisect "$WORK/s/absolute.yaml" --no-cache
refused_by check check "$WORK/t.conf" --scenario "$WORK/s/absolute.yaml" --no-cache
refused_by harden harden "$WORK/s/absolute.yaml" --no-cache
refused_by verify verify "$WORK/s/absolute.yaml" --no-cache
refused_by matrix matrix --scenario "$WORK/s/absolute.yaml" --no-cache

# Inside the tree is fine, through a symlink too (validate reads, nothing runs).
echo "mine" >"$WORK/s/ctx/own.txt"
ln -s ctx/own.txt "$WORK/s/inside-link"
scenario "$WORK/s/inside.yaml" "inside-link"
run_hb "$WORK/inside.out" validate "$WORK/s/inside.yaml"
expect_code 0 "a file in the folder, through a symlink in it" "$WORK/inside.out"

# The template, the Containerfile and the build context a scenario names.
cat >"$WORK/s/template-out.yaml" <<YAML
version: 1
service: {unit: x.service}
workload: {command: "true"}
template: ../t.conf
YAML
run_hb "$WORK/template-out.out" validate "$WORK/s/template-out.yaml"
expect_code 2 "a template outside the folder" "$WORK/template-out.out"
expect_grep "template-out.yaml:4:11: template '../t.conf' resolves to" "$WORK/template-out.out" \
  "a template outside the folder: the line"
printf 'FROM hardbisect-base\nCOPY own.txt /own.txt\n' >"$WORK/outside/Containerfile"
cat >"$WORK/s/containerfile-out.yaml" <<YAML
version: 1
image: {containerfile: ../outside/Containerfile}
service: {unit: x.service}
workload: {command: "true"}
YAML
run_hb "$WORK/containerfile-out.out" validate "$WORK/s/containerfile-out.yaml"
expect_code 2 "a Containerfile outside the folder" "$WORK/containerfile-out.out"
expect_grep "containerfile-out.yaml:2:24: Containerfile '../outside/Containerfile' resolves to" \
  "$WORK/containerfile-out.out" "a Containerfile outside the folder: the line"
printf 'FROM hardbisect-base\nCOPY own.txt /own.txt\n' >"$WORK/s/ctx/Containerfile"
cat >"$WORK/s/context-out.yaml" <<YAML
version: 1
image: {containerfile: ctx/Containerfile, context: /}
service: {unit: x.service}
workload: {command: "true"}
YAML
run_hb "$WORK/context-out.out" validate "$WORK/s/context-out.yaml"
expect_code 2 "a build context outside the folder" "$WORK/context-out.out"
expect_grep "context-out.yaml:2:52: build context '/' is outside" "$WORK/context-out.out" \
  "a build context outside the folder: the line"

# A symlink in the build context that leaves it: one line, before podman.
ln -s /etc/shadow "$WORK/s/ctx/shadow"
cat >"$WORK/s/context-link.yaml" <<YAML
version: 1
image: {containerfile: ctx/Containerfile}
service: {unit: x.service}
workload: {command: "true"}
YAML
for command in validate run; do
  run_hb "$WORK/context-link.$command" "$command" "$WORK/s/context-link.yaml"
  expect_code 2 "$command: a context symlink to /etc/shadow" "$WORK/context-link.$command"
  expect_grep "shadow is a symlink to /etc/shadow, which leaves the context $WORK/s/ctx" \
    "$WORK/context-link.$command" "$command: a context symlink: one line naming it"
  if [[ $(wc -l <"$WORK/context-link.$command") -le 2 ]]; then
    pass "$command: a context symlink: the message and its hint, no podman dump"
  else
    fail "$command: a context symlink: $(wc -l <"$WORK/context-link.$command") lines"
  fi
done
printf 'shadow\n' >"$WORK/s/ctx/.containerignore"
run_hb "$WORK/context-ignored.out" validate "$WORK/s/context-link.yaml"
expect_code 0 "a context symlink the .containerignore leaves out (podman never sends it)" \
  "$WORK/context-ignored.out"

# 3. Options and templates hold hardening lines only.
run_hb "$WORK/execpre.out" run --unit x.service --workload true --option 'ExecStartPre=/bin/touch /x'
expect_code 2 "--option ExecStartPre=" "$WORK/execpre.out"
expect_grep "'ExecStartPre=/bin/touch /x' is not a hardening line: it sets a command" "$WORK/execpre.out" \
  "--option ExecStartPre=: why"
expect_grep "hint: .*unit file" "$WORK/execpre.out" "--option ExecStartPre=: the fix"
printf '[Service]\nNoNewPrivileges=yes\nExecStartPre=/bin/touch /x\n' >"$WORK/exec.conf"
for command in validate check; do
  if [[ $command == validate ]]; then
    run_hb "$WORK/exec.$command" validate "$WORK/exec.conf"
  else
    run_hb "$WORK/exec.$command" check "$WORK/exec.conf" --unit x.service --workload true --no-cache
  fi
  expect_code 2 "$command: a template with ExecStartPre=" "$WORK/exec.$command"
  expect_grep "exec.conf:3:1: 'ExecStartPre=/bin/touch /x' is not a hardening line" "$WORK/exec.$command" \
    "$command: a template with ExecStartPre=: the line"
done
for line in 'User=root' 'Group=root' 'Environment=LD_PRELOAD=/x.so' 'Type=oneshot' 'Restart=always' \
  'EnvironmentFile=/etc/shadow' 'After=network.target' 'StandardOutput=file:/x' '[Unit] OnFailure=x.service'; do
  run_hb "$WORK/line.out" run --unit x.service --workload true --option "$line"
  expect_code 2 "--option '$line' refused" "$WORK/line.out"
  expect_grep "is not a hardening line" "$WORK/line.out" "--option '$line': why"
done
cat >"$WORK/s/options.yaml" <<YAML
version: 1
service: {unit: x.service}
workload: {command: "true"}
options:
  - NoNewPrivileges=yes
  - {name: env, lines: [PrivateTmp=yes, Environment=A=1]}
YAML
run_hb "$WORK/options.out" validate "$WORK/s/options.yaml"
expect_code 2 "a scenario's option group with Environment=" "$WORK/options.out"
expect_grep "options.yaml:6:41: 'Environment=A=1' is not a hardening line" "$WORK/options.out" \
  "a scenario's option group with Environment=: the line"
# Hardening lines and the relaxations the catalogue knows stay.
printf '[Unit]\nStartLimitBurst=4\n[Service]\nDynamicUser=yes\nProtectSystem=strict\nReadWritePaths=/var/x\nIPAddressDeny=any\nIPAddressAllow=localhost\n' \
  >"$WORK/good.conf"
run_hb "$WORK/good.out" validate "$WORK/good.conf"
expect_code 0 "hardening lines, relaxations and [Unit] StartLimitBurst= are accepted" "$WORK/good.out"

# 4. Limits of 0 or less.
S=$SRC/tests/integration/scenarios/sandboxed.yaml
for flags in "--max-trials -1" "--max-trials 0" "--max-repeats 0" "--max-repeats -3" "--jobs 0" "--jobs -2" \
  "--confidence 1.5" "--confidence 0" "--max-trials x"; do
  # shellcheck disable=SC2086
  run_hb "$WORK/limit.out" bisect "$S" --no-cache $flags
  expect_code 2 "bisect $flags refused" "$WORK/limit.out"
  expect_grep "^hardbisect: error: --" "$WORK/limit.out" "bisect $flags: names the flag"
done
run_hb "$WORK/wt.out" run --unit x.service --workload true --workload-timeout 0
expect_code 2 "--workload-timeout 0 refused" "$WORK/wt.out"
sed 's/timeout: 10s/timeout: -1s/' "$S" >"$WORK/s/negative-timeout.yaml"
run_hb "$WORK/nt.out" validate "$WORK/s/negative-timeout.yaml"
expect_code 2 "workload.timeout: -1s refused" "$WORK/nt.out"

# The bundled scenarios and templates stay valid under these rules.
run_hb "$WORK/bundled.out" validate "$SRC/scenarios" "$SRC/scenarios/templates" "$SRC/tests/integration/scenarios"
expect_code 0 "every bundled scenario and template is valid" "$WORK/bundled.out"

finish
