#include "trial/driver_script.h"

#include <string_view>

namespace hb::trial {

namespace {

// The driver as a table of shell text: boot wait, start, workload, evidence, exposure.
constexpr std::string_view kDriverScript = R"SH(#!/bin/sh
# hardbisect trial driver (generated; runs inside the trial container).
nonce=$1 unit=$2 boot_s=$3 start_s=$4 work_s=$5
shift 5
mark() { printf '\n@@HB-%s@@ %s\n' "$nonce" "$1"; }
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

# 1. Boot: the bus may not answer for a moment after `podman start`.
deadline=$((t0 + boot_s * 1000))
state=
polls=0
while :; do
  state=$(systemctl is-system-running 2>/dev/null)
  case "$state" in running|degraded|maintenance|stopping|offline) break ;; esac
  polls=$((polls + 1))
  if [ "$state" = starting ] && [ $((polls % 20)) -eq 0 ] && only_unit_starting; then
    state=unit-starting
    break
  fi
  [ "$(now_ms)" -ge "$deadline" ] && break
  sleep 0.05
done
t1=$(now_ms)
mark boot_state; echo "${state:-no-answer}"
mark boot_ms; echo $((t1 - t0))
case "$state" in
  running|degraded|unit-starting) ;;
  *) mark failed_units; systemctl --failed --no-legend --plain 2>&1 | head -n 20
     mark end; exit 0 ;;
esac

# 2. Start the unit (bounded).
timeout -k 2 "$start_s" systemctl start "$unit" >/run/hb-start.out 2>&1
start_rc=$?
t2=$(now_ms)
mark start_rc; echo $start_rc
mark start_ms; echo $((t2 - t1))
mark start_output; head -c 4000 /run/hb-start.out

# 3. The workload (bounded), only when the unit started.
if [ "$start_rc" -eq 0 ]; then
  timeout -k 2 "$work_s" "$@" >/run/hb-workload.out 2>&1 </dev/null
  work_rc=$?
  t3=$(now_ms)
  mark workload_rc; echo $work_rc
  mark workload_ms; echo $((t3 - t2))
  mark workload_output; tail -c 16000 /run/hb-workload.out
  sleep 0.1  # let a crash caused by the workload reach systemd
fi

# 4. Evidence.
mark show
systemctl show --no-pager -p Id,LoadState,ActiveState,SubState,Result,ExecMainCode,ExecMainStatus,NRestarts,MainPID,Type,DropInPaths,FragmentPath,ExecStart "$unit"
mark journal
journalctl -b -u "$unit" --no-pager -o short-monotonic -n 300 2>&1
mark pid1_dropin
journalctl -b _PID=1 --no-pager -o cat 2>/dev/null | grep -F "$unit.d/" | tail -n 50
mark systemd; systemctl --version 2>/dev/null | head -n 1
# Kernel lines (only privileged containers see them): the boot is the
# host's, so keep those logged after this container's init started.
mark kernel
since=$(awk -v hz="$(getconf CLK_TCK 2>/dev/null || echo 100)" '{ printf "%d", $22 / hz }' /proc/1/stat 2>/dev/null)
journalctl -k -b --no-pager -o short-monotonic 2>/dev/null |
  awk -v since="${since:-0}" 'match($0, /^\[ *[0-9]+\.[0-9]+\]/) {
    t = substr($0, RSTART + 1, RLENGTH - 2) + 0
    if (t >= since) { line = $0; sub(/^\[[^]]*\] [^ ]+ kernel: /, "", line); print line } }' |
  grep -E 'type=1326|seccomp|Out of memory|out of memory|oom-kill|Killed process' | tail -n 50
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
mark main_pid; echo "${pid:-0}"
if [ -n "$pid" ] && [ "$pid" != 0 ] && [ -d "/proc/$pid" ]; then
  mark main_status; cat "/proc/$pid/status" 2>&1
  mark main_mountinfo; cat "/proc/$pid/mountinfo" 2>&1
  # Another user's namespace links need CAP_SYS_PTRACE, which the container's
  # root lacks: read them as the service's own user then (same uids, no caps).
  uid=$(awk '/^Uid:/ { print $2 }' "/proc/$pid/status"); gid=$(awk '/^Gid:/ { print $2 }' "/proc/$pid/status")
  mark main_ns; for n in /proc/$pid/ns/*; do
    l=$(readlink "$n" 2>/dev/null) ||
      l=$(setpriv --reuid="$uid" --regid="$gid" --clear-groups readlink "$n" 2>/dev/null)
    echo "$(basename "$n") $l"
  done
  mark main_cgroup; cat "/proc/$pid/cgroup" 2>&1
  mark main_user; ps -o user= -p "$pid" 2>&1
  mark main_limits
  while IFS=: read -r _ controllers path; do
    case ",$controllers," in
      *,memory,*) echo "memory $(cat /sys/fs/cgroup/memory$path/memory.limit_in_bytes 2>/dev/null)" ;;
      *,pids,*) echo "pids $(cat /sys/fs/cgroup/pids$path/pids.max 2>/dev/null)" ;;
      ,,) [ -f "/sys/fs/cgroup$path/memory.max" ] && echo "memory $(cat /sys/fs/cgroup$path/memory.max)"
          [ -f "/sys/fs/cgroup$path/pids.max" ] && echo "pids $(cat /sys/fs/cgroup$path/pids.max)" ;;
    esac
  done < "/proc/$pid/cgroup"
fi
mark pid1_status; cat /proc/1/status
mark pid1_ns; for n in /proc/1/ns/*; do echo "$(basename "$n") $(readlink "$n")"; done
mark pid1_mountinfo; cat /proc/1/mountinfo

# 5. Exposure as systemd rates it (about 20-60 ms); last, so it cannot
# disturb what was observed above.
t4=$(now_ms)
mark security; systemd-analyze security --no-pager "$unit" 2>&1 | tail -n 120
mark security_ms; echo $(($(now_ms) - t4))
mark end
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
UNIT
  mkdir -p "$early/sysinit.target.wants"
  ln -sf ../hardbisect-files.service "$early/sysinit.target.wants/hardbisect-files.service"
fi
cat >"$early/hardbisect-trial.service" <<'UNIT'
[Unit]
Description=hardbisect: run the trial
[Service]
Type=simple
ExecStart=/.hardbisect/stage/run-trial
UNIT
mkdir -p "$early/multi-user.target.wants"
ln -sf ../hardbisect-trial.service "$early/multi-user.target.wants/hardbisect-trial.service"
)SH";
  return script;
}

const std::string& run_trial_script() {
  static const std::string script = R"SH(#!/bin/sh
# hardbisect: run the trial driver and hand its output to the host.
stage=/.hardbisect/stage
out=/.hardbisect/out
read -r nonce unit boot_s start_s work_s <"$stage/args"
"$stage/trial-driver" "$nonce" "$unit" "$boot_s" "$start_s" "$work_s" sh -c "$(cat "$stage/workload")" \
  >"$out/evidence.tmp" 2>&1
mv "$out/evidence.tmp" "$out/evidence"
)SH";
  return script;
}

}  // namespace hb::trial
