#!/usr/bin/env bash
# The HTML report as a person sees it: a real `hardbisect check` of one
# template on two services (one breaks, one does not), rendered by headless
# Chromium; the screenshot must be a 1200x900 PNG that is not blank and shows
# the FAIL red and the PASS green of the verdict cells.
source "$(dirname "$0")/../lib.sh"
require_podman
S=$SRC/tests/integration/scenarios

browser=$(command -v chromium || command -v chromium-browser || true)
if [[ -z "$browser" ]]; then
  if [[ -n "${HARDBISECT_REQUIRE_PODMAN:-}" ]]; then fail "chromium missing (ci/setup installs it)"; finish; fi
  echo "skip: no chromium to render the report" >&2
  exit 77
fi
python=/usr/bin/python3
[[ -x $python ]] || python=python3

cat >"$WORK/strict.conf" <<'CONF'
[Service]
NoNewPrivileges=yes
ProtectSystem=strict
PrivateTmp=yes
CONF
run_hb "$WORK/check.out" check "$WORK/strict.conf" --scenario "$S/writer.yaml" --scenario "$S/sandboxed.yaml" \
  --cache-dir "$WORK/cache" --html "$WORK/report.html"
expect_code 1 "one of the two services breaks" "$WORK/check.out"
expect_grep '^HTML report written to ' "$WORK/check.out" "HTML report written"
expect_grep '<tr class="fail">' "$WORK/report.html" "a FAIL row"
expect_grep '<tr class="pass">' "$WORK/report.html" "a PASS row"
expect_grep '<code>ProtectSystem=strict</code>' "$WORK/report.html" "the culprit in the table"
expect_grep '<details><summary>evidence</summary>' "$WORK/report.html" "evidence folded in <details>"

shot=${HARDBISECT_SCREENSHOT:-$WORK/report.png}
# Headless, no network, no profile left behind; root needs --no-sandbox.
timeout 120 "$browser" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
  --disable-background-networking --disable-component-update --disable-sync --disable-dev-shm-usage \
  --hide-scrollbars --force-device-scale-factor=1 --user-data-dir="$WORK/profile" \
  --screenshot="$shot" --window-size=1200,900 "file://$WORK/report.html" >"$WORK/chromium.out" 2>&1
if [[ -s "$shot" ]]; then pass "chromium wrote a screenshot"; else fail "no screenshot"; sed 's/^/    /' "$WORK/chromium.out" >&2; finish; fi

# Decodes the PNG (tests/png.py) and counts pixels near the report's verdict
# colours (src/report/html.h).
"$python" - "$shot" "$SRC/tests" >"$WORK/pixels.out" <<'PY'
import sys
sys.path.insert(0, sys.argv[2])
from png import near, read_png
width, height, rows = read_png(sys.argv[1])
red = green = nonwhite = 0
colours = set()
for line in rows:
    for px in line:
        colours.add(px)
        if px[0] < 245 or px[1] < 245 or px[2] < 245: nonwhite += 1
        if near(px, "#cf222e"): red += 1
        if near(px, "#1a7f37"): green += 1
print(f"size {width}x{height} colours {len(colours)} nonwhite {nonwhite} fail_red {red} pass_green {green}")
PY
cat "$WORK/pixels.out"
read -r _ size _ colours _ nonwhite _ red _ green <"$WORK/pixels.out"
[[ $size == 1200x900 ]] && pass "screenshot is 1200x900" || fail "screenshot is $size"
((colours > 50 && nonwhite > 20000)) && pass "screenshot is not blank" || fail "blank-looking screenshot"
((red > 1000)) && pass "FAIL red shown ($red px)" || fail "too little FAIL red: $red px"
((green > 1000)) && pass "PASS green shown ($green px)" || fail "too little PASS green: $green px"

expect_no_containers "after the check"
finish
