#!/usr/bin/env bash
# hardbisect installs like any tool and then runs from any folder: `cmake
# --install` into a prefix and the .deb from `cpack -G DEB` (dpkg -i on this
# machine, removed afterwards) both put the binary in bin/, the image recipes
# in share/hardbisect, the man page and the bash completion in their places;
# the installed binary reads its data from its own prefix (never from the
# source tree) and runs `doctor` and a real trial from /.
source "$(dirname "$0")/../lib.sh"
require_podman
BUILD=$(dirname "$HB")
VERSION=$("$HB" --version)

cat >"$WORK/hbi-idle.service" <<'UNIT'
[Service]
ExecStart=/bin/sleep infinity
UNIT

# installed_runs NAME BIN: --version, doctor and a real trial, from /.
installed_runs() {
  local name=$1 bin=$2
  [[ $(cd / && "$bin" --version) == "$VERSION" ]] && pass "$name: --version $VERSION" ||
    fail "$name: --version is not $VERSION"
  (cd / && "$bin" doctor --no-boot-test) >"$WORK/$name-doctor.out" 2>&1
  code=$?
  expect_code 0 "$name: doctor from /" "$WORK/$name-doctor.out"
  (cd / && "$bin" run --unit-file "$WORK/hbi-idle.service" --workload true --option NoNewPrivileges=yes) \
    >"$WORK/$name-run.out" 2>&1
  code=$?
  expect_code 0 "$name: a real run from /" "$WORK/$name-run.out"
  expect_grep 'PASS' "$WORK/$name-run.out" "$name: the trial passes"
  # A real bisection of the installed example scenario, from /.
  (cd / && "$bin" bisect "$(dirname "$bin")/../share/hardbisect/scenarios/quickstart.yaml" --no-cache \
    --json "$WORK/$name-bisect.json") >"$WORK/$name-bisect.out" 2>&1
  code=$?
  expect_code 1 "$name: a real bisection from / finds the culprit" "$WORK/$name-bisect.out"
  if [[ $(/usr/bin/python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["culprits"])' \
    "$WORK/$name-bisect.json" 2>&1) == "[['ProtectSystem=strict']]" ]]; then
    pass "$name: the culprit is ProtectSystem=strict"
  else fail "$name: culprits are not [[ProtectSystem=strict]]"; head -c 600 "$WORK/$name-bisect.json" >&2; fi
  [[ $(cd / && "$bin" manpage | head -1) == .TH* ]] && pass "$name: manpage" || fail "$name: manpage"
}

# 1. cmake --install into a prefix.
PREFIX=$WORK/prefix
cmake --install "$BUILD" --prefix "$PREFIX" >"$WORK/install.out" 2>&1 || {
  fail "cmake --install"
  cat "$WORK/install.out" >&2
}
for f in bin/hardbisect share/hardbisect/images/base/packages.txt share/hardbisect/scenarios/templates \
  share/man/man1/hardbisect.1 share/bash-completion/completions/hardbisect share/doc/hardbisect/README.md \
  share/hardbisect/schemas/bisect.schema.json share/doc/hardbisect/docs/json.md share/doc/hardbisect/docs/commands.md; do
  [[ -e $PREFIX/$f ]] && pass "prefix has $f" || fail "prefix lacks $f"
done
installed_runs prefix "$PREFIX/bin/hardbisect"

# The completion offers the subcommands and a subcommand's flags.
reply=$(bash -c 'source "$1"; COMP_WORDS=(hardbisect bisect --safe); COMP_CWORD=2; _hardbisect; echo "${COMPREPLY[*]}"' \
  _ "$PREFIX/share/bash-completion/completions/hardbisect")
[[ $reply == "--safe-out" ]] && pass "completion: bisect --safe -> --safe-out" || fail "completion gave '$reply'"

# The data comes from the prefix: without its recipe the installed binary
# says so and names the prefix's path (exit 2), whatever the source tree has.
rm "$PREFIX/share/hardbisect/images/base/packages.txt"
(cd / && "$PREFIX/bin/hardbisect" run --unit-file "$WORK/hbi-idle.service" --workload true) >"$WORK/nodata.out" 2>&1
code=$?
expect_code 2 "prefix without its recipe" "$WORK/nodata.out"
expect_grep "$PREFIX/share/hardbisect/images/base/packages.txt" "$WORK/nodata.out" "the error names the prefix's recipe"

# 2. The .deb: what it holds, what it depends on, and that it installs.
mkdir -p "$WORK/deb"
(cd "$WORK/deb" && cpack -G DEB --config "$BUILD/CPackConfig.cmake") >"$WORK/cpack.out" 2>&1 || {
  fail "cpack -G DEB"
  cat "$WORK/cpack.out" >&2
}
DEB=$(ls "$WORK"/deb/hardbisect_*.deb 2>/dev/null | head -1)
if [[ -z $DEB ]]; then
  fail "no .deb was made"
  finish
fi
depends=$(dpkg-deb -f "$DEB" Depends)
for dep in podman runc mmdebstrap libseccomp2 libyaml-cpp libssl3; do
  [[ $depends == *"$dep"* ]] && pass ".deb depends on $dep" || fail ".deb Depends lacks $dep: $depends"
done
if dpkg-query -W -f='${Status}' hardbisect 2>/dev/null | grep -q "install ok installed"; then
  echo "note: a hardbisect package is already installed here; not replacing it (dpkg -i not tested)"
  finish
fi
trap 'dpkg -r hardbisect >/dev/null 2>&1; rm -rf "$WORK"' EXIT
dpkg -i "$DEB" >"$WORK/dpkg.out" 2>&1
code=$?
expect_code 0 "dpkg -i" "$WORK/dpkg.out"
installed_runs deb /usr/bin/hardbisect
[[ -f /usr/share/man/man1/hardbisect.1 ]] && pass "the man page is in /usr/share/man/man1" || fail "no /usr/share/man/man1/hardbisect.1"
dpkg -r hardbisect >"$WORK/dpkg-r.out" 2>&1
code=$?
expect_code 0 "dpkg -r" "$WORK/dpkg-r.out"
[[ ! -e /usr/bin/hardbisect && ! -e /usr/share/hardbisect ]] && pass "dpkg -r leaves nothing" ||
  fail "dpkg -r left files"
expect_no_containers "install test"
finish
