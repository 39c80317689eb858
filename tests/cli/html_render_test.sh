#!/usr/bin/env bash
# The HTML reports as a person sees them, rendered by headless Chromium from
# fixed data (no Podman): (a) a bisection's report (tests/fixtures/
# html_report_fixture.cc: a real search over a rule oracle) shows the grid of
# trials x options with the right cells, colours and links, and a culprit
# cell is red on the screenshot; (b) a 36-cell matrix result (`report merge`
# of a fixed JSON) opens with an overview that fits the first 1280x800
# screen, one square per cell, each linking to an existing anchor.
# Measurements come from a small script the test adds to a copy of the page
# (the reports themselves have no scripts).
source "$(dirname "$0")/../lib.sh"

browser=$(command -v chromium || command -v chromium-browser || true)
if [[ -z "$browser" ]]; then
  if [[ -n "${HARDBISECT_REQUIRE_PODMAN:-}" ]]; then fail "chromium missing (ci/setup installs it)"; finish; fi
  echo "skip: no chromium to render the reports" >&2
  exit 77
fi
fixture=${HB_HTML_FIXTURE:-$(dirname "$HB")/tests/html_report_fixture}
[[ -x $fixture ]] || { fail "no fixture binary at $fixture"; finish; }
python=/usr/bin/python3
[[ -x $python ]] || python=python3
shots=${HARDBISECT_SCREENSHOT_DIR:-$WORK}

# chromium MODE OUT URL: headless, no network, no profile left behind; root
# needs --no-sandbox.
chromium() {
  local mode=$1 out=$2 url=$3
  local args=(--headless=new --no-sandbox --disable-gpu --disable-quic --no-first-run
    --disable-background-networking --disable-component-update --disable-sync --disable-dev-shm-usage
    --hide-scrollbars --force-device-scale-factor=1 --user-data-dir="$WORK/profile"
    --window-size=1280,800)
  if [[ $mode == dom ]]; then
    timeout 120 "$browser" "${args[@]}" --dump-dom "$url" >"$out" 2>"$WORK/chromium.err"
  else
    timeout 120 "$browser" "${args[@]}" --screenshot="$out" "$url" >"$WORK/chromium.out" 2>&1
  fi
}

# measure PAGE SCRIPT: the page with SCRIPT appended; the JSON it puts in
# <pre id="measure"> is printed.
measure() {
  local page=$1 script=$2
  { sed 's#</body>##; s#</html>##' "$page"; echo "<script>$script</script></body></html>"; } >"$page.measure.html"
  chromium dom "$WORK/dom.html" "file://$page.measure.html"
  "$python" -c '
import html, re, sys
m = re.search(r"<pre id=\"measure\">(.*?)</pre>", open(sys.argv[1]).read(), re.S)
print(html.unescape(m.group(1)) if m else "{}")' "$WORK/dom.html"
}

# check JSON PYTHON-EXPRESSION WHAT: one assertion on measurements.
check() {
  if "$python" -c "import json,sys; m=json.loads(sys.argv[1]); sys.exit(0 if ($2) else 1)" "$1"; then
    pass "$3"
  else
    fail "$3: not ($2) in $1"
  fi
}

### (a) the bisection: 14 options, culprits {ProtectSystem=strict} and
### {CapabilityBoundingSet=, RestrictAddressFamilies=AF_UNIX AF_INET}.
"$fixture" "$WORK/bisect.html" >"$WORK/fixture.out" 2>&1 || { fail "fixture"; cat "$WORK/fixture.out" >&2; finish; }
read -r _ culprits _ trials _ options <"$WORK/fixture.out"
[[ $culprits == 2 && $options == 14 ]] && pass "fixture: 2 culprit sets, $trials trials" || fail "fixture: $(cat "$WORK/fixture.out")"
bisect=$(measure "$WORK/bisect.html" '
const m = {}, grid = document.querySelector("table.trial-grid");
m.width = innerWidth;
m.title = document.querySelector("h1").textContent;
m.rows = grid.querySelectorAll(":scope > tbody > tr").length;
m.columns = grid.querySelectorAll("thead th.opt").length;
m.cells = grid.querySelectorAll("tbody td.cell").length;
m.per_row = [...grid.querySelectorAll(":scope > tbody > tr")].map(r => r.querySelectorAll("td.cell").length);
m.on = {}; m.verdict_rows = {};
for (const v of ["pass", "fail", "unresolved"]) {
  m.on[v] = grid.querySelectorAll("td.cell.on." + v).length;
  m.verdict_rows[v] = grid.querySelectorAll(":scope > tbody > tr." + v).length;
}
m.off = grid.querySelectorAll("td.cell.off").length;
m.phases = [...grid.querySelectorAll("td.phase")].map(td => td.textContent);
m.culprits = [...grid.querySelectorAll("th.opt.culprit")].map(th => th.title.replace(/ \(.*/, ""));
m.titles = [...grid.querySelectorAll("th.opt")].map(th => th.title);
const links = [...grid.querySelectorAll("th.trial-no a")];
m.links = links.length;
m.links_ok = links.filter(a => { const t = document.getElementById(a.getAttribute("href").slice(1));
  return t && t.tagName === "TR" && t.cells[0].textContent === a.textContent; }).length;
const box = e => { const r = e.getBoundingClientRect(); return [Math.round(r.x + r.width / 2), Math.round(r.y + r.height / 2), Math.round(r.width), Math.round(r.height)]; };
const c = grid.querySelector(":scope > tbody > tr.fail > td.cell.on.fail.culprit");
m.culprit_cell = c ? box(c) : null;
m.culprit_bg = c ? getComputedStyle(c).backgroundColor : "";
const p = grid.querySelector(":scope > tbody > tr.pass > td.cell.on.pass");
m.pass_cell = p ? box(p) : null;
const o = grid.querySelector(":scope > tbody > tr.pass > td.cell.off");
m.off_cell = o ? box(o) : null;
m.grid_right = Math.round(grid.getBoundingClientRect().right);
m.bars = [...document.querySelectorAll("svg.exposure-bars rect.bar")].map(r => [r.getAttribute("class"), Math.round(r.getBoundingClientRect().width)]);
const out = document.createElement("pre"); out.id = "measure"; out.textContent = JSON.stringify(m);
document.body.appendChild(out);')
echo "bisect: $bisect"
# The screenshot is 1280x800; --dump-dom lays out the same 1280 px wide page
# (its window is shorter: positions from the top are the same).
check "$bisect" "m['width'] == 1280" "laid out 1280 px wide"
check "$bisect" "m['title'] == 'hardbisect bisect: api <beta> & \"friends\"'" "the title is escaped text, shown as written"
check "$bisect" "m['rows'] == $trials and m['columns'] == 14" "the grid is $trials trials x 14 options"
check "$bisect" "m['cells'] == $trials * 14 and set(m['per_row']) == {14}" "every row has 14 cells"
check "$bisect" "m['on']['fail'] > 0 and m['on']['pass'] > 0 and m['on']['unresolved'] == 0" "applied cells: red in failing trials, green in passing ones"
check "$bisect" "m['off'] + sum(m['on'].values()) == m['cells']" "every cell is applied or not"
check "$bisect" "m['verdict_rows']['pass'] + m['verdict_rows']['fail'] == m['rows']" "every row has its verdict class"
check "$bisect" "m['phases'][:2] == ['baseline', 'full'] and 'safe' in m['phases']" "rows carry their phases in order"
check "$bisect" "m['culprits'] == ['ProtectSystem=strict', 'CapabilityBoundingSet=', 'RestrictAddressFamilies=AF_UNIX AF_INET']" "the culprit columns are marked"
check "$bisect" "m['titles'][11].startswith('ReadWritePaths=/var/lib/<app> & \"quoted\"')" "a header title keeps <, & and quotes"
check "$bisect" "m['links'] == m['rows'] and m['links_ok'] == m['rows']" "every trial row links to its trial's details"
check "$bisect" "m['culprit_bg'] == 'rgb(207, 34, 46)'" "an applied culprit cell of a failing trial is FAIL red"
check "$bisect" "m['culprit_cell'] and m['culprit_cell'][1] < 800 and m['grid_right'] <= 1280" "the grid is on the first screen"
check "$bisect" "len(m['bars']) == 3 and m['bars'][0][1] > m['bars'][2][1] > 0" "three exposure bars, baseline longest"

chromium shot "$shots/bisect.png" "file://$WORK/bisect.html"
if [[ -s "$shots/bisect.png" ]]; then pass "bisect screenshot"; else fail "no bisect screenshot"; cat "$WORK/chromium.out" >&2; finish; fi
"$python" - "$SRC/tests" "$shots/bisect.png" "$bisect" >"$WORK/pixels.out" <<'PY'
import json, sys
sys.path.insert(0, sys.argv[1])
from png import read_png, near
w, h, rows = read_png(sys.argv[2])
m = json.loads(sys.argv[3])
def at(point):
    x, y = point[0], point[1]
    return rows[y][x]
print(f"size {w}x{h}")
print("culprit", "red" if near(at(m["culprit_cell"]), "#cf222e") else "#%02x%02x%02x" % at(m["culprit_cell"]))
print("pass", "green" if near(at(m["pass_cell"]), "#1a7f37") else "#%02x%02x%02x" % at(m["pass_cell"]))
print("off", "pale" if min(at(m["off_cell"])) > 220 else "#%02x%02x%02x" % at(m["off_cell"]))
PY
cat "$WORK/pixels.out"
expect_grep '^size 1280x800$' "$WORK/pixels.out" "the bisect screenshot is 1280x800"
expect_grep '^culprit red$' "$WORK/pixels.out" "the culprit cell is red on the screen"
expect_grep '^pass green$' "$WORK/pixels.out" "an applied cell of a passing trial is green on the screen"
expect_grep '^off pale$' "$WORK/pixels.out" "a cell not applied is pale on the screen"

### (b) a 36-cell nightly: 9 scenarios x 2 templates x 2 bases.
"$python" - "$WORK/matrix.json" <<'PY'
import json, sys
scenarios = ["address-families-netlink", "interaction-pair", "mdwe-jit", "nginx-deny-allow", "nginx-seed004",
             "openssh-seed004", "private-tmp-socket", "seccomp-sed", "tasks<max> & \"fork\""]
templates, bases = ["scenario", "seed-004-hardened-api"], ["bookworm", "trixie"]
cells = []
for i, s in enumerate(scenarios):
    for j, t in enumerate(templates):
        for k, b in enumerate(bases):
            n = len(cells)
            verdict = ["pass", "fail", "pass", "unresolved", "fail", "pass"][n % 6]
            culprits = [["ProtectSystem=strict"], ["PrivateTmp=yes"]][: 1 + n % 2] if verdict == "fail" else []
            cells.append({"id": f"{s}/{t}/{b}", "scenario": s, "options": t, "base": b, "verdict": verdict,
                          "outcome": {"pass": "nothing-breaks", "fail": "found"}.get(verdict, "unresolved"),
                          "reason": "the container did not boot" if verdict == "unresolved" else "",
                          "culprits": culprits, "exposure_before": 9.6, "exposure_after": 4.1,
                          "trial_count": 10 + n, "seconds": 12.5 + n, "regression": n == 7,
                          "evidence": "trial log:\n[  1] baseline PASS"})
json.dump({"schema_version": 1, "command": "matrix", "source": "nightly-matrix.yaml", "cell_ids": [c["id"] for c in cells],
           "cells": cells}, open(sys.argv[1], "w"), indent=1)
PY
run_hb "$WORK/merge.out" report merge "$WORK/matrix.json" --html "$WORK/matrix.html"
expect_code 1 "report merge of a matrix with failing cells" "$WORK/merge.out"
expect_grep '^HTML report written to ' "$WORK/merge.out" "HTML report written"
matrix=$(measure "$WORK/matrix.html" '
const m = {}, grid = document.querySelector("table.matrix-grid");
m.width = innerWidth;
const r = grid.getBoundingClientRect();
m.bottom = Math.round(r.bottom); m.right = Math.round(r.right);
m.rows = grid.querySelectorAll(":scope > tbody > tr").length;
m.row_names = [...grid.querySelectorAll("th.scenario")].map(th => th.textContent);
m.groups = [...grid.querySelectorAll("th.group")].map(th => th.textContent);
m.bases = [...grid.querySelectorAll("th.base")].map(th => th.textContent);
const squares = [...grid.querySelectorAll("a.square")];
m.squares = squares.length;
m.linked = squares.filter(a => { const t = document.getElementById(a.getAttribute("href").slice(1));
  return t && t.closest("tr") && t.textContent.startsWith(a.title.split(" · ")[0]); }).length;
m.anchors = new Set(squares.map(a => a.getAttribute("href"))).size;
m.classes = {};
for (const v of ["pass", "fail", "unresolved", "regression"]) m.classes[v] = grid.querySelectorAll("a.square." + v).length;
const box = e => { const b = e.getBoundingClientRect(); return [Math.round(b.x + b.width / 2), Math.round(b.y + b.height / 2)]; };
m.fail = box(grid.querySelector("a.square.fail:not(.regression)"));
m.pass = box(grid.querySelector("a.square.pass"));
m.regression = box(grid.querySelector("a.square.regression"));
m.fail_label = grid.querySelector("a.square.fail:not(.regression)").textContent;
const out = document.createElement("pre"); out.id = "measure"; out.textContent = JSON.stringify(m);
document.body.appendChild(out);')
echo "matrix: $matrix"
check "$matrix" "m['width'] == 1280" "laid out 1280 px wide"
check "$matrix" "m['squares'] == 36 and m['anchors'] == 36" "36 squares, one per cell"
check "$matrix" "m['linked'] == 36" "every square links to its cell's anchor"
check "$matrix" "m['rows'] == 9 and m['groups'] == ['scenario', 'seed-004-hardened-api'] and m['bases'] == ['bookworm', 'trixie'] * 2" "scenarios as rows, templates and bases as columns"
check "$matrix" "m['row_names'][-1] == 'tasks<max> & \"fork\"'" "scenario names are escaped text"
check "$matrix" "m['classes'] == {'pass': 18, 'fail': 12, 'unresolved': 6, 'regression': 1}" "the squares carry their verdicts"
check "$matrix" "m['bottom'] <= 800 and m['right'] <= 1280" "the whole overview fits the first 1280x800 screen"
check "$matrix" "m['fail_label'] in ('1', '2')" "a failing square shows its culprit count"

chromium shot "$shots/matrix.png" "file://$WORK/matrix.html"
if [[ -s "$shots/matrix.png" ]]; then pass "matrix screenshot"; else fail "no matrix screenshot"; cat "$WORK/chromium.out" >&2; finish; fi
"$python" - "$SRC/tests" "$shots/matrix.png" "$matrix" >"$WORK/mpixels.out" <<'PY'
import json, sys
sys.path.insert(0, sys.argv[1])
from png import read_png, near
w, h, rows = read_png(sys.argv[2])
m = json.loads(sys.argv[3])
def colour(name, hexcolour):
    x, y = m[name]
    # Off the label's glyph: 9 px left of the square's centre.
    px = rows[y][x - 9]
    return name + (" ok" if near(px, hexcolour) else " #%02x%02x%02x" % px)
print(f"size {w}x{h}")
print(colour("fail", "#cf222e"))
print(colour("pass", "#1a7f37"))
print(colour("regression", "#82071e"))
PY
cat "$WORK/mpixels.out"
expect_grep '^size 1280x800$' "$WORK/mpixels.out" "the matrix screenshot is 1280x800"
expect_grep '^fail ok$' "$WORK/mpixels.out" "a failing square is red on the screen"
expect_grep '^pass ok$' "$WORK/mpixels.out" "a passing square is green on the screen"
expect_grep '^regression ok$' "$WORK/mpixels.out" "a regression square is dark red on the screen"
finish
