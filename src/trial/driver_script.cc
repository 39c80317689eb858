#include "trial/driver_script.h"

#include <string_view>

namespace hb::trial {

namespace {

// The driver as a table of shell text: boot wait, start, workload, evidence, exposure.
constexpr std::string_view kDriverScript =
    R"SH(# hardbisect trial driver (generated; run-trial runs it in the background).
# From run-trial: unit boot_s start_s work_s key, the workload as "$@", and
# two unlinked scratch files (3> and 4< for the start, 5> and 6< for the
# workload). The evidence is built here in memory, never in a file.
out=/.hardbisect/out
ev=
# One section: its frame line with the length of what the command printed
# (bytes: dash does not count characters), then exactly that, then a
# newline. The host skips by the length, so nothing printed can look like a
# frame, and one section costs no process beyond its command.
frame() {
  ev="$ev@@HB@@ $1 ${#2}
$2
"
}
section() {
  name=$1
  shift
  frame "$name" "$("$@" 2>&1 </dev/null)"
}
# The end: the evidence and its MAC, sha256(key, evidence, key). printf is
# a builtin, so the key reaches sha256sum's stdin and no argv or file.
finish() {
  frame end ""
  mac=$({ printf '%s' "$key"; printf '%s' "$ev"; printf '%s' "$key"; } | sha256sum)
  rm -f "$out/evidence.tmp"
  printf '%s@@HB@@ mac %s\n' "$ev" "${mac%% *}" >"$out/evidence.tmp"
  mv -f "$out/evidence.tmp" "$out/evidence"
  exit 0
}
now_ms() { date +%s%3N; }
t0=$(now_ms)

# True when the only job left running is the unit's own start, pulled in by
# the boot (a packaged service enabled in multi-user.target), and the rest
# waits on it: booted but for the unit, whose start step 2 bounds.
only_unit_starting() {
  systemctl list-jobs --no-legend --plain 2>/dev/null | awk -v u="$unit" '
    $2 == u { mine = 1; next }
    $4 == "waiting" { next }
    { other = 1 }
    END { exit !(mine && !other) }'
}

# 1. Boot. The driver starts before sysinit.target: it waits on systemd
# (is-system-running --wait, one call a second at most) instead of polling,
# which would slow down the boot it waits for. The bus may not answer for a
# moment at first.
deadline=$((t0 + boot_s * 1000))
state=
while :; do
  state=$(timeout 1 systemctl is-system-running --wait 2>/dev/null)
  waited=$?
  case "$state" in running|degraded|maintenance|stopping|offline) break ;; esac
  if [ "$waited" -eq 124 ] && only_unit_starting; then
    state=unit-starting
    break
  fi
  if [ "$(now_ms)" -ge "$deadline" ]; then
    state=$(systemctl is-system-running 2>/dev/null)
    break
  fi
  [ "$waited" -eq 124 ] || sleep 0.05
done
t1=$(now_ms)
frame boot_state "${state:-no-answer}"
frame boot_ms $((t1 - t0))
failed_units() { systemctl --failed --no-legend --plain 2>&1 | head -n 20; }
case "$state" in
  running|degraded|unit-starting) ;;
  *) section failed_units failed_units
     finish ;;
esac

# 2. Start the unit (bounded); its output to the start's scratch file.
timeout -k 2 "$start_s" systemctl start "$unit" >&3 2>&1 </dev/null 3>&- 4<&- 5>&- 6<&-
start_rc=$?
t2=$(now_ms)
frame start_rc $start_rc
frame start_ms $((t2 - t1))
section start_output head -c 4000 /dev/fd/4

# 3. The workload (bounded), only when the unit started.
if [ "$start_rc" -eq 0 ]; then
  timeout -k 2 "$work_s" "$@" >&5 2>&1 </dev/null 3>&- 4<&- 5>&- 6<&-
  work_rc=$?
  t3=$(now_ms)
  frame workload_rc $work_rc
  frame workload_ms $((t3 - t2))
  section workload_output tail -c 16000 /dev/fd/6
  sleep 0.1  # let a crash caused by the workload reach systemd
fi

# 4. Evidence.
section show systemctl show --no-pager -p Id,LoadState,ActiveState,SubState,Result,ExecMainCode,ExecMainStatus,NRestarts,MainPID,Type,DropInPaths,FragmentPath,ExecStart "$unit"
section journal journalctl -b -u "$unit" --no-pager -o short-monotonic -n 300
pid1_dropin() { journalctl -b _PID=1 --no-pager -o cat 2>/dev/null | grep -F "$unit.d/" | tail -n 50; }
section pid1_dropin pid1_dropin
systemd_version() { systemctl --version 2>/dev/null | head -n 1; }
section systemd systemd_version
# Kernel lines (only privileged containers see them): the boot is the
# host's, so keep those logged after this container's init started.
kernel() {
  since=$(awk -v hz="$(getconf CLK_TCK 2>/dev/null || echo 100)" '{ printf "%d", $22 / hz }' /proc/1/stat 2>/dev/null)
  journalctl -k -b --no-pager -o short-monotonic 2>/dev/null |
    awk -v since="${since:-0}" 'match($0, /^\[ *[0-9]+\.[0-9]+\]/) {
      t = substr($0, RSTART + 1, RLENGTH - 2) + 0
      if (t >= since) { line = $0; sub(/^\[[^]]*\] [^ ]+ kernel: /, "", line); print line } }' |
    grep -E 'type=1326|seccomp|Out of memory|out of memory|oom-kill|Killed process' | tail -n 50
}
section kernel kernel
pid=$(systemctl show -p MainPID --value "$unit" 2>/dev/null)
# A Type=simple service's main process is "(name)" while systemd still sets
# up its sandbox (namespaces, NoNewPrivileges, seccomp) before execve():
# wait (bounded, 2 s) for the exec, so the probes read what runs.
if [ -n "$pid" ] && [ "$pid" != 0 ]; then
  i=0
  while [ "$i" -lt 100 ] && case "$(cat "/proc/$pid/comm" 2>/dev/null)" in "("*")") true ;; *) false ;; esac; do
    sleep 0.02; i=$((i + 1))
  done
fi
frame main_pid "${pid:-0}"
# Another user's namespace links need CAP_SYS_PTRACE, which the container's
# root lacks: read them as the service's own user then (same uids, no caps).
main_ns() {
  uid=$(awk '/^Uid:/ { print $2 }' "/proc/$pid/status"); gid=$(awk '/^Gid:/ { print $2 }' "/proc/$pid/status")
  for n in /proc/$pid/ns/*; do
    l=$(readlink "$n" 2>/dev/null) ||
      l=$(setpriv --reuid="$uid" --regid="$gid" --clear-groups readlink "$n" 2>/dev/null)
    echo "$(basename "$n") $l"
  done
}
main_limits() {
  while IFS=: read -r _ controllers path; do
    case ",$controllers," in
      *,memory,*) echo "memory $(cat /sys/fs/cgroup/memory$path/memory.limit_in_bytes 2>/dev/null)" ;;
      *,pids,*) echo "pids $(cat /sys/fs/cgroup/pids$path/pids.max 2>/dev/null)" ;;
      ,,) [ -f "/sys/fs/cgroup$path/memory.max" ] && echo "memory $(cat /sys/fs/cgroup$path/memory.max)"
          [ -f "/sys/fs/cgroup$path/pids.max" ] && echo "pids $(cat /sys/fs/cgroup$path/pids.max)" ;;
    esac
  done < "/proc/$pid/cgroup"
}
if [ -n "$pid" ] && [ "$pid" != 0 ] && [ -d "/proc/$pid" ]; then
  section main_status cat "/proc/$pid/status"
  section main_mountinfo cat "/proc/$pid/mountinfo"
  section main_ns main_ns
  section main_cgroup cat "/proc/$pid/cgroup"
  section main_user ps -o user= -p "$pid"
  section main_limits main_limits
fi
section pid1_status cat /proc/1/status
pid1_ns() { for n in /proc/1/ns/*; do echo "$(basename "$n") $(readlink "$n")"; done; }
section pid1_ns pid1_ns
section pid1_mountinfo cat /proc/1/mountinfo

# 5. Exposure as systemd rates it (about 20-60 ms); last, so it cannot
# disturb what was observed above.
t4=$(now_ms)
security() { systemd-analyze security --no-pager "$unit" 2>&1 | tail -n 120; }
section security security
frame security_ms $(($(now_ms) - t4))
finish
)SH";

}  // namespace

const std::string& driver_script() {
  static const std::string script(kDriverScript);
  return script;
}

const std::string& generator_script() {
  static const std::string script = R"SH(#!/bin/sh
# hardbisect trial generator (generated): runs in PID 1's generator phase.
# $1 normal, $2 early, $3 late generator folder. The files go in place before
# systemd-tmpfiles-setup and -sysusers read their tmpfiles.d/sysusers.d.
stage=/.hardbisect/stage
early=$2
cp -R "$stage/early/." "$early/"
if [ -n "$(ls -A "$stage/files" 2>/dev/null)" ]; then
  cat >"$early/hardbisect-files.service" <<'UNIT'
[Unit]
Description=hardbisect: put the trial's files in place
DefaultDependencies=no
Before=sysinit.target systemd-tmpfiles-setup.service systemd-sysusers.service
[Service]
Type=oneshot
ExecStart=/bin/cp -a /.hardbisect/stage/files/. /
ExecStart=/bin/sh -c 'xargs -0 -n 2 chmod </.hardbisect/stage/file-modes'
UNIT
  mkdir -p "$early/sysinit.target.wants"
  ln -sf ../hardbisect-files.service "$early/sysinit.target.wants/hardbisect-files.service"
fi
mkdir -p "$early/sysinit.target.wants"
ln -sf ../hardbisect-trial.service "$early/sysinit.target.wants/hardbisect-trial.service"
)SH";
  return script;
}

std::string trial_unit_file() {
  // Type=forking: the unit counts as started when run-trial exits, after it
  // has read the key; everything ordered after it waits until then (every
  // unit with default dependencies, through sysinit.target). Not ordered
  // before the unit under test by name: that would load its unit file at
  // boot, before journald, and systemd's warnings about ignored lines would
  // reach only the console, not the journal the findings read.
  return "[Unit]\n"
         "Description=hardbisect: run the trial\n"
         "DefaultDependencies=no\n"
         "After=systemd-journald.socket\n"
         "Before=sysinit.target hardbisect-files.service\n"
         "[Service]\n"
         "Type=forking\n"
         "TimeoutStartSec=infinity\n"
         "ExecStart=/.hardbisect/stage/run-trial\n";
}

const std::string& run_trial_script() {
  static const std::string script = R"SH(#!/bin/sh
# hardbisect: take the trial's key, then run the driver in the background
# (generated). hardbisect-trial.service is Type=forking and ordered before
# sysinit.target and the files unit: no unit with default dependencies
# starts before this script has read all it needs and exited.
stage=/.hardbisect/stage
read -r unit boot_s start_s work_s <"$stage/args" || exit 1
workload=$(cat "$stage/workload")
driver=$(cat "$stage/trial-driver") || exit 1
# The key: from the host's FIFO in the stage (a local trial), or from a FIFO
# made here that the host's `podman exec` fills (a remote one). Afterwards
# only the driver's shell memory holds it: no file, argv or environment.
fifo=$stage/key
if [ ! -p "$fifo" ]; then
  mkdir -m 0700 /run/hardbisect && mkfifo -m 0600 /run/hardbisect/key || exit 1
  fifo=/run/hardbisect/key
fi
read -r key <"$fifo" || exit 1
[ "$fifo" = "$stage/key" ] || rm -f "$fifo"
# Scratch files for the start's and the workload's output, unlinked before
# any unit runs: no path leads to them (only /proc/PID/fd of the driver).
scratch=$(mktemp /run/hb-scratch.XXXXXX) || exit 1
exec 3>"$scratch" 4<"$scratch"
rm -f "$scratch"
scratch=$(mktemp /run/hb-scratch.XXXXXX) || exit 1
exec 5>"$scratch" 6<"$scratch"
rm -f "$scratch"
set -- sh -c "$workload"
(eval "$driver") </dev/null >/dev/null &
exit 0
)SH";
  return script;
}

std::string remote_report_script() {
  return std::string(R"SH(key=/run/hardbisect/key; e=/.hardbisect/out/evidence
while [ ! -p "$key" ]; do sleep 0.02; done
cat >"$key"
while [ ! -e "$e" ]; do sleep 0.02; done
head -c )SH") +
         std::to_string(kMaxEvidenceBytes + 1) + " \"$e\"\n";
}

}  // namespace hb::trial
