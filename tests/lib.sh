# Shared helpers for the CLI and integration tests (bash).
# Usage: source tests/lib.sh; every test gets HB (the binary) and SRC.
set -uo pipefail
HB=$1
SRC=$2
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
failures=0

fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }
pass() { echo "ok: $*"; }

# run_hb OUTFILE ARGS...: runs hardbisect, stdout+stderr to OUTFILE, sets $code.
run_hb() {
  local out=$1; shift
  "$HB" "$@" >"$out" 2>&1
  code=$?
}

expect_code() {  # expect_code WANT WHAT OUTFILE
  if [[ $code -eq $1 ]]; then pass "$2: exit $1"; else fail "$2: exit $code, wanted $1"; sed 's/^/    /' "$3" >&2; fi
}

expect_grep() {  # expect_grep PATTERN FILE WHAT
  if grep -qE -- "$1" "$2"; then pass "$3"; else fail "$3: /$1/ not in output"; sed 's/^/    /' "$2" >&2; fi
}

# Containers left by runs that ended: their owner label (machine:boot:pid:start,
# src/runtime/owner.h) names a process that is gone. A live run's containers
# (another test or engineer on the same host) are not leftovers.
containers_left() {
  local n=0 owner pid start
  while read -r owner; do
    pid=$(cut -d: -f3 <<<"$owner")
    start=$(cut -d: -f4 <<<"$owner")
    if [[ -z $pid || ! -r /proc/$pid/stat ]] ||
      [[ $(sed 's/.*) //' "/proc/$pid/stat" | cut -d' ' -f20) != "$start" ]]; then
      n=$((n + 1))
    fi
  done < <(podman ps -a --filter label=io.hardbisect=1 --format '{{index .Labels "io.hardbisect.owner"}}' 2>/dev/null)
  echo "$n"
}

expect_no_containers() {
  local n
  n=$(containers_left)
  if [[ $n -eq 0 ]]; then pass "$1: no container left"; else fail "$1: $n container(s) left"; podman ps -a >&2; fi
}

# Real Podman is required where it is installed; 77 (skip) only when the
# host truly cannot run containers and CI did not demand them.
require_podman() {
  if ! command -v podman >/dev/null || ! podman info >/dev/null 2>&1; then
    if [[ -n "${HARDBISECT_REQUIRE_PODMAN:-}" ]]; then echo "podman unusable but required" >&2; exit 1; fi
    echo "skip: this host cannot run containers" >&2
    exit 77
  fi
}

# Where runs keep their stage folders (runtime::stage_root): /run/hardbisect
# for root, else $XDG_RUNTIME_DIR/hardbisect, else ${TMPDIR:-/tmp}/hardbisect-UID.
stage_root() {
  if [[ $(id -u) -eq 0 && -w /run ]]; then
    echo /run/hardbisect
  elif [[ ${XDG_RUNTIME_DIR:-} == /* ]]; then
    echo "$XDG_RUNTIME_DIR/hardbisect"
  else
    echo "${TMPDIR:-/tmp}/hardbisect-$(id -u)"
  fi
}

finish() {
  if [[ $failures -eq 0 ]]; then echo "all checks passed"; exit 0; fi
  echo "$failures check(s) failed" >&2
  exit 1
}
