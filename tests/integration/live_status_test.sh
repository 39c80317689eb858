#!/usr/bin/env bash
# The live status line in a real terminal (tmux): a bisection of
# scenarios/quickstart.yaml in a tmux pane shows ONE status line ("trial n of
# about N", redrawn in place) under the permanent trial lines, colours the
# verdicts with --color always, none with NO_COLOR=1; with stderr in a file
# there are no escape codes and the trial lines come in trial order.
# Needs real Podman (every command that prints progress runs trials) and tmux.
source "$(dirname "$0")/../lib.sh"
require_podman
command -v tmux >/dev/null || { echo "tmux missing (ci/setup installs it)" >&2; exit 1; }

SOCKET="hb-live-$$"
tmx() { tmux -L "$SOCKET" "$@"; }
trap 'tmx kill-server 2>/dev/null; rm -rf "$WORK"' EXIT
SCENARIO="$SRC/scenarios/quickstart.yaml"

# run_in_pane NAME ENV... -- ARGS...: hardbisect ARGS in a fresh 100x40 pane,
# stdout to $WORK/NAME.out; the pane stays (on `cat`) once it ends.
run_in_pane() {
  local name=$1; shift
  local envs=()
  while [[ $1 != -- ]]; do envs+=("$1"); shift; done
  shift
  local cmd
  cmd="env ${envs[*]} $(printf '%q ' "$HB" "$@") >$WORK/$name.out; echo HB-EXIT=\$?; exec cat"
  tmx new-session -d -s "$name" -x 100 -y 40 "bash -c $(printf '%q' "$cmd")"
}

# wait_pane NAME PATTERN TRIES: polls the pane (every 0.1 s, TRIES times)
# until its screen matches PATTERN; the screen is in $WORK/NAME.screen.
wait_pane() {
  local i
  for ((i = 0; i < $3; i++)); do
    tmx capture-pane -p -t "$1" >"$WORK/$1.screen" 2>/dev/null
    grep -qE -- "$2" "$WORK/$1.screen" && return 0
    sleep 0.1
  done
  return 1
}

# 1. A terminal, --color always, a fresh cache: trials really run.
run_in_pane live TERM=xterm-256color NO_COLOR= -- --color always bisect --cache-dir "$WORK/cache" --jobs 2 "$SCENARIO"
if wait_pane live 'trial [0-9]+ of about [0-9]+' 900; then
  cp "$WORK/live.screen" "$WORK/live.during"
  tmx capture-pane -p -e -t live >"$WORK/live.during.e"
  pass "a status line while trials run: $(grep -E 'of about' "$WORK/live.during")"
  n=$(grep -cE 'trial [0-9]+ of about' "$WORK/live.during")
  [[ $n -eq 1 ]] && pass "the status line is on the screen once" || fail "$n status lines on the screen"
  expect_grep '\| (baseline|full set|flakiness|removal search|in context|explain) \|' "$WORK/live.during" "it names the phase"
  last=$(grep -vE '^\s*$' "$WORK/live.during" | tail -1)
  [[ $last =~ of\ about ]] && pass "the status line is the bottom line" || fail "bottom line: $last"
  width=$(grep -E 'of about' "$WORK/live.during" | awk '{ print length($0) }')
  [[ $width -lt 100 ]] && pass "the status line fits the 100 columns ($width)" || fail "status line of $width columns"
else
  fail "no status line seen"; cat "$WORK/live.screen" >&2
fi
wait_pane live 'HB-EXIT=[0-9]+' 1800 || fail "the bisection did not end"
tmx capture-pane -p -t live -S -200 >"$WORK/live.after"
tmx capture-pane -p -e -t live -S -200 >"$WORK/live.after.e"
expect_grep 'HB-EXIT=1' "$WORK/live.after" "bisect found the culprit (exit 1)"
expect_grep 'ProtectSystem=strict' "$WORK/live.out" "the summary names ProtectSystem=strict"
if grep -qE 'of about' "$WORK/live.after"; then fail "a status line is left after the end"; else pass "the status line is cleared at the end"; fi
if grep -qP '\e\[(0;)?3[12]m' "$WORK/live.after.e"; then pass "--color always: PASS/FAIL in colour"; else fail "no colour with --color always"; fi

# 2. NO_COLOR=1 on the same terminal (the cache serves the trials).
run_in_pane nocolor TERM=xterm-256color NO_COLOR=1 -- bisect --cache-dir "$WORK/cache" "$SCENARIO"
wait_pane nocolor 'HB-EXIT=[0-9]+' 1800 || fail "the NO_COLOR bisection did not end"
tmx capture-pane -p -e -t nocolor -S -200 >"$WORK/nocolor.e"
expect_grep '\[  1\] baseline' "$WORK/nocolor.e" "NO_COLOR: trial lines"
if grep -qP '\e\[(0;)?3[0-7]m' "$WORK/nocolor.e"; then fail "colour with NO_COLOR=1"; else pass "NO_COLOR=1: no colour"; fi

# 3. stderr in a file: plain lines, in trial order.
TERM=xterm-256color "$HB" bisect --cache-dir "$WORK/cache" --jobs 2 "$SCENARIO" >"$WORK/pipe.out" 2>"$WORK/pipe.err"
if grep -qP '[\e\r]' "$WORK/pipe.err"; then fail "escape codes in a file"; else pass "a file: no escape codes"; fi
grep -oE '^\[ *[0-9]+\]' "$WORK/pipe.err" | tr -d '[] ' >"$WORK/numbers"
if [[ -s $WORK/numbers ]] && sort -n -c "$WORK/numbers" 2>/dev/null && [[ $(sort -u "$WORK/numbers" | wc -l) -eq $(wc -l <"$WORK/numbers") ]]; then
  pass "a file: $(wc -l <"$WORK/numbers") trial lines in trial order"
else
  fail "trial lines out of order: $(tr '\n' ' ' <"$WORK/numbers")"
fi

echo "--- the screen while trials ran:"
cat "$WORK/live.during" 2>/dev/null
tmx kill-server 2>/dev/null
expect_no_containers "live status"
finish
