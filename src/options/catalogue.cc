#include "options/catalogue.h"

#include <algorithm>
#include <cctype>
#include <utility>

#include "options/known_directives.h"
#include "util/edit_distance.h"
#include "util/strings.h"

namespace hb::options {
namespace {

constexpr std::string_view kUnit = "Unit";
constexpr std::string_view kService = "Service";

constexpr auto kBool = ValueKind::Bool;
constexpr auto kEnum = ValueKind::Enum;
constexpr auto kString = ValueKind::String;
constexpr auto kNumber = ValueKind::Number;
constexpr auto kSize = ValueKind::Size;
constexpr auto kDuration = ValueKind::Duration;
constexpr auto kPercent = ValueKind::Percent;
constexpr auto kPaths = ValueKind::PathList;
constexpr auto kSyscalls = ValueKind::SyscallList;
constexpr auto kCaps = ValueKind::CapabilityList;
constexpr auto kFamilies = ValueKind::AddressFamilyList;
constexpr auto kNamespaces = ValueKind::NamespaceList;
constexpr auto kIps = ValueKind::IpList;
constexpr auto kArchs = ValueKind::ArchList;
constexpr auto kWords = ValueKind::WordList;

constexpr auto kNone = Privilege::Minimal;
constexpr auto kSysAdmin = Privilege::SysAdmin;
constexpr auto kPrivileged = Privilege::Privileged;

constexpr bool kAssessed = true;
constexpr bool kV2Only = true;

// Shared caveats.
constexpr std::string_view kNoBpfFramework =
    "needs systemd built with BPF_FRAMEWORK (Debian 12's systemd 252 is built without it)";
constexpr std::string_view kRlimit =
    "can only lower the container's limit: raising it needs CAP_SYS_RESOURCE";

// min_systemd: the "Added in version" of the man pages (systemd.exec(5),
// systemd.resource-control(5), systemd.service(5), systemd.unit(5)); 0 for
// directives older than those annotations. Whether systemd 252 and 257 accept
// a key was checked against the binaries (see known_directives.cc), and
// `assessed` against `systemd-analyze security` of 252 and 257 (same rows).
//
// Privilege is for a cgroup v1 hybrid host like ours (DESIGN.md,
// "Environment facts"): mount and namespace setup needs CAP_SYS_ADMIN, cgroup
// v1 limits and BPF programs need --privileged --cgroupns=private, seccomp,
// prctl and credentials work unprivileged.
//
// clang-format off
constexpr DirectiveInfo kDirectives[] = {
    // Identity and credentials.
    {"User", kService, kString, kNone, Probe::User, 0, 0, kAssessed,
     "Run the service's processes as this user instead of root"},
    {"Group", kService, kString, kNone, Probe::User, 0, 0, false,
     "Run the service's processes with this primary group"},
    {"DynamicUser", kService, kBool, kSysAdmin, Probe::User, 232, 0, kAssessed,
     "Allocate a transient UID/GID for the service",
     false, "implies ProtectSystem=strict, ProtectHome=read-only, PrivateTmp=yes: those parts need CAP_SYS_ADMIN"},
    {"SupplementaryGroups", kService, kWords, kNone, Probe::Groups, 0, 0, kAssessed,
     "Extra groups the service's processes are members of"},
    {"NoNewPrivileges", kService, kBool, kNone, Probe::NoNewPrivs, 187, 0, kAssessed,
     "Processes cannot gain privileges through execve() (setuid, file capabilities)"},
    {"CapabilityBoundingSet", kService, kCaps, kNone, Probe::CapBounding, 0, 0, kAssessed,
     "Capabilities the processes may ever hold (allow list, or ~deny list)"},
    {"AmbientCapabilities", kService, kCaps, kNone, Probe::CapAmbient, 229, 0, kAssessed,
     "Capabilities passed to a non-root service through execve()"},
    {"SecureBits", kService, kWords, kNone, Probe::None, 0, 0, false,
     "Secure bits (keep-caps, noroot, ...) of the service's processes"},
    {"UMask", kService, kString, kNone, Probe::Umask, 0, 0, kAssessed,
     "File mode creation mask"},
    {"KeyringMode", kService, kEnum, kNone, Probe::None, 235, 0, kAssessed,
     "Kernel session keyring: inherit, private or shared"},
    {"RemoveIPC", kService, kBool, kNone, Probe::None, 232, 0, kAssessed,
     "Remove the service user's SysV/POSIX IPC objects when the service stops"},
    {"NotifyAccess", kService, kEnum, kNone, Probe::None, 0, 0, kAssessed,
     "Which processes may send sd_notify() messages: none, main, exec or all"},

    // File system sandboxing: a mount namespace per process.
    {"ProtectSystem", kService, kEnum, kSysAdmin, Probe::ReadonlyPaths, 214, 0, kAssessed,
     "Mount /usr and /boot read-only (full: also /etc; strict: everything but /dev, /proc, /sys)"},
    {"ProtectHome", kService, kEnum, kSysAdmin, Probe::HiddenPaths, 214, 0, kAssessed,
     "Hide /home, /root and /run/user (or make them read-only, or an empty tmpfs)"},
    {"PrivateTmp", kService, kEnum, kSysAdmin, Probe::PrivateTmp, 0, 0, kAssessed,
     "Private /tmp and /var/tmp (systemd 256+ also takes \"disconnected\")"},
    {"PrivateDevices", kService, kBool, kSysAdmin, Probe::PrivateDevices, 209, 0, kAssessed,
     "Private minimal /dev without physical devices; drops CAP_MKNOD and CAP_SYS_RAWIO",
     false, "its implied DevicePolicy=closed needs --privileged on cgroup v1"},
    {"PrivateMounts", kService, kBool, kSysAdmin, Probe::NamespaceMnt, 239, 0, kAssessed,
     "Own mount namespace; mounts do not propagate to the host"},
    {"ReadWritePaths", kService, kPaths, kSysAdmin, Probe::NamespaceMnt, 231, 0, false,
     "Paths that stay writable (under ProtectSystem=strict or ReadOnlyPaths=)"},
    {"ReadOnlyPaths", kService, kPaths, kSysAdmin, Probe::ReadonlyPaths, 231, 0, false,
     "Paths made read-only"},
    {"InaccessiblePaths", kService, kPaths, kSysAdmin, Probe::HiddenPaths, 231, 0, false,
     "Paths made inaccessible"},
    {"ExecPaths", kService, kPaths, kSysAdmin, Probe::NoexecPaths, 248, 0, false,
     "Paths that stay executable under NoExecPaths="},
    {"NoExecPaths", kService, kPaths, kSysAdmin, Probe::NoexecPaths, 248, 0, false,
     "Paths mounted noexec"},
    {"TemporaryFileSystem", kService, kPaths, kSysAdmin, Probe::HiddenPaths, 238, 0, false,
     "Mount an empty tmpfs over these paths (path[:options])"},
    {"BindPaths", kService, kPaths, kSysAdmin, Probe::NamespaceMnt, 233, 0, false,
     "Bind mounts (source[:destination[:options]])"},
    {"BindReadOnlyPaths", kService, kPaths, kSysAdmin, Probe::ReadonlyPaths, 233, 0, false,
     "Read-only bind mounts (source[:destination[:options]])"},
    {"MountAPIVFS", kService, kBool, kSysAdmin, Probe::NamespaceMnt, 233, 0, false,
     "Mount /proc, /sys, /dev and /run in the service's mount namespace"},
    {"MountFlags", kService, kEnum, kSysAdmin, Probe::NamespaceMnt, 0, 0, false,
     "Mount propagation of the service's namespace: shared, slave or private"},
    {"RootDirectory", kService, kString, kNone, Probe::RootDirectory, 0, 0, kAssessed,
     "Run the service chroot()ed into this directory",
     false, "combined with namespacing options it becomes a mount namespace (CAP_SYS_ADMIN)"},
    {"RootImage", kService, kString, kPrivileged, Probe::RootDirectory, 233, 0, kAssessed,
     "Run the service in a file system mounted from this disk image",
     false, "needs loop devices (/dev/loop-control) in the container"},
    {"ProtectProc", kService, kEnum, kSysAdmin, Probe::ProcOptions, 247, 0, kAssessed,
     "hidepid= of the service's /proc: noaccess, invisible, ptraceable or default",
     false, "needs kernel 5.8+ (per-mount hidepid=); affects only non-root services"},
    {"ProcSubset", kService, kEnum, kSysAdmin, Probe::ProcOptions, 247, 0, kAssessed,
     "subset=pid: hide the non-process files of /proc",
     false, "needs kernel 5.8+ (per-mount subset=)"},
    {"ProtectKernelTunables", kService, kBool, kSysAdmin, Probe::ReadonlyPaths, 232, 0, kAssessed,
     "Make /proc/sys, /sys and similar kernel tunables read-only"},
    {"ProtectKernelModules", kService, kBool, kSysAdmin, Probe::HiddenPaths, 232, 0, kAssessed,
     "Deny module loading: drops CAP_SYS_MODULE, filters @module, hides /usr/lib/modules"},
    {"ProtectKernelLogs", kService, kBool, kSysAdmin, Probe::HiddenPaths, 244, 0, kAssessed,
     "Deny the kernel log: drops CAP_SYSLOG, filters syslog(2), hides /proc/kmsg and /dev/kmsg"},
    {"ProtectControlGroups", kService, kEnum, kSysAdmin, Probe::ReadonlyPaths, 232, 0, kAssessed,
     "Make /sys/fs/cgroup read-only (systemd 257+ also takes private and strict)"},
    {"ProtectClock", kService, kBool, kNone, Probe::CapBounding, 245, 0, kAssessed,
     "Deny setting the clock: drops CAP_SYS_TIME and CAP_WAKE_ALARM, filters @clock",
     false, "its implied DeviceAllow=char-rtc r needs --privileged on cgroup v1"},
    {"ProtectHostname", kService, kEnum, kSysAdmin, Probe::NamespaceUts, 242, 0, kAssessed,
     "Own UTS namespace; hostname changes are denied (systemd 257+ also takes private)"},
    {"PrivateNetwork", kService, kBool, kSysAdmin, Probe::NamespaceNet, 0, 0, kAssessed,
     "Own network namespace with only a loopback device"},
    {"NetworkNamespacePath", kService, kString, kSysAdmin, Probe::NamespaceNet, 242, 0, false,
     "Join the network namespace at this path"},
    {"PrivateIPC", kService, kBool, kSysAdmin, Probe::NamespaceIpc, 248, 0, false,
     "Own IPC namespace (SysV IPC, POSIX message queues)"},
    {"IPCNamespacePath", kService, kString, kSysAdmin, Probe::NamespaceIpc, 248, 0, false,
     "Join the IPC namespace at this path"},
    {"PrivateUsers", kService, kEnum, kSysAdmin, Probe::NamespaceUser, 232, 0, kAssessed,
     "Own user namespace mapping only root and the service user (257+: self, identity, full)"},
    {"PrivatePIDs", kService, kBool, kSysAdmin, Probe::NamespacePid, 257, 0, false,
     "Own PID namespace; the service's main process is PID 1 in it"},
    {"LogNamespace", kService, kString, kSysAdmin, Probe::NamespaceMnt, 245, 0, false,
     "Log to this journal namespace (a mount namespace over the journal sockets)"},

    // Directories systemd creates (and chowns) for the service.
    {"RuntimeDirectory", kService, kPaths, kNone, Probe::Directories, 211, 0, false,
     "Directories created below /run for the service, removed when it stops"},
    {"StateDirectory", kService, kPaths, kNone, Probe::Directories, 235, 0, false,
     "Directories created below /var/lib for the service"},
    {"CacheDirectory", kService, kPaths, kNone, Probe::Directories, 235, 0, false,
     "Directories created below /var/cache for the service"},
    {"LogsDirectory", kService, kPaths, kNone, Probe::Directories, 235, 0, false,
     "Directories created below /var/log for the service"},
    {"ConfigurationDirectory", kService, kPaths, kNone, Probe::Directories, 235, 0, false,
     "Directories created below /etc for the service"},
    {"RuntimeDirectoryMode", kService, kString, kNone, Probe::Directories, 211, 0, false,
     "Access mode of RuntimeDirectory="},
    {"StateDirectoryMode", kService, kString, kNone, Probe::Directories, 235, 0, false,
     "Access mode of StateDirectory="},
    {"CacheDirectoryMode", kService, kString, kNone, Probe::Directories, 235, 0, false,
     "Access mode of CacheDirectory="},
    {"LogsDirectoryMode", kService, kString, kNone, Probe::Directories, 235, 0, false,
     "Access mode of LogsDirectory="},
    {"ConfigurationDirectoryMode", kService, kString, kNone, Probe::Directories, 235, 0, false,
     "Access mode of ConfigurationDirectory="},
    {"RuntimeDirectoryPreserve", kService, kEnum, kNone, Probe::None, 235, 0, false,
     "Keep RuntimeDirectory= when the service stops: no, yes or restart"},
    {"WorkingDirectory", kService, kString, kNone, Probe::Cwd, 0, 0, false,
     "Working directory of the service's processes"},

    // Seccomp and prctl: enforced by the kernel without container privileges.
    {"SystemCallFilter", kService, kSyscalls, kNone, Probe::Seccomp, 187, 0, kAssessed,
     "Allow (or ~deny) these system calls and @groups; others kill the process or fail"},
    {"SystemCallErrorNumber", kService, kString, kNone, Probe::Seccomp, 209, 0, false,
     "Errno (or kill, log) returned by filtered system calls instead of SIGSYS"},
    {"SystemCallArchitectures", kService, kArchs, kNone, Probe::Seccomp, 209, 0, kAssessed,
     "ABIs the service may call the kernel with (native, x86, ...)"},
    {"SystemCallLog", kService, kSyscalls, kNone, Probe::Seccomp, 247, 0, false,
     "Log (not deny) these system calls"},
    {"RestrictAddressFamilies", kService, kFamilies, kNone, Probe::Seccomp, 211, 0, kAssessed,
     "Socket address families socket(2) may create (AF_UNIX AF_INET ..., ~deny list, or none)"},
    {"RestrictNamespaces", kService, kNamespaces, kNone, Probe::Seccomp, 233, 0, kAssessed,
     "Namespace types the processes may create or join (yes/no or a list)"},
    {"RestrictRealtime", kService, kBool, kNone, Probe::Seccomp, 231, 0, kAssessed,
     "Deny realtime scheduling (SCHED_FIFO, SCHED_RR, SCHED_DEADLINE)"},
    {"RestrictSUIDSGID", kService, kBool, kNone, Probe::Seccomp, 242, 0, kAssessed,
     "Deny setting the set-user-ID and set-group-ID bits on files"},
    {"LockPersonality", kService, kBool, kNone, Probe::Seccomp, 235, 0, kAssessed,
     "Deny changing the execution domain with personality(2)"},
    {"MemoryDenyWriteExecute", kService, kBool, kNone, Probe::Seccomp, 231, 0, kAssessed,
     "Deny memory mappings that are writable and executable (breaks JITs)"},
    {"Personality", kService, kEnum, kNone, Probe::Personality, 209, 0, false,
     "Architecture uname(2) reports (x86, x86-64, ...)"},
    {"MemoryKSM", kService, kBool, kPrivileged, Probe::Ksm, 254, 0, false,
     "Enable kernel samepage merging for the service's memory",
     false, "PR_SET_MEMORY_MERGE needs CAP_SYS_RESOURCE and kernel 6.4+"},

    // Control group limits: v1 controllers are read-only in an unprivileged container.
    {"MemoryMax", kService, kSize, kPrivileged, Probe::CgroupMemory, 231, 0, false,
     "Hard memory limit; the OOM killer acts above it"},
    {"MemoryHigh", kService, kSize, kPrivileged, Probe::CgroupMemory, 231, 0, false,
     "Memory throttling limit", kV2Only},
    {"MemoryLow", kService, kSize, kPrivileged, Probe::CgroupMemory, 231, 0, false,
     "Best-effort memory protection", kV2Only},
    {"MemoryMin", kService, kSize, kPrivileged, Probe::CgroupMemory, 240, 0, false,
     "Hard memory protection", kV2Only},
    {"MemoryLimit", kService, kSize, kPrivileged, Probe::CgroupMemory, 0, 0, false,
     "Deprecated cgroup v1 spelling of MemoryMax="},
    {"MemorySwapMax", kService, kSize, kPrivileged, Probe::CgroupMemory, 232, 0, false,
     "Swap usage limit", kV2Only},
    {"MemoryZSwapMax", kService, kSize, kPrivileged, Probe::CgroupMemory, 253, 0, false,
     "Zswap usage limit", kV2Only},
    {"MemoryAccounting", kService, kBool, kNone, Probe::None, 208, 0, false,
     "Account memory use (no limit by itself)"},
    {"TasksMax", kService, kNumber, kPrivileged, Probe::CgroupPids, 227, 0, false,
     "Maximum number of tasks (processes and threads)"},
    {"TasksAccounting", kService, kBool, kNone, Probe::None, 227, 0, false,
     "Account tasks (no limit by itself)"},
    {"CPUQuota", kService, kPercent, kPrivileged, Probe::CgroupCpu, 213, 0, false,
     "CPU time quota relative to one CPU (20%, 200%)"},
    {"CPUQuotaPeriodSec", kService, kDuration, kPrivileged, Probe::CgroupCpu, 242, 0, false,
     "Period over which CPUQuota= is measured"},
    {"CPUWeight", kService, kNumber, kPrivileged, Probe::CgroupCpu, 232, 0, false,
     "Relative CPU weight (cpu.shares on cgroup v1)"},
    {"CPUAccounting", kService, kBool, kNone, Probe::None, 208, 0, false,
     "Account CPU use (no limit by itself)"},
    {"AllowedCPUs", kService, kWords, kPrivileged, Probe::CgroupCpuset, 244, 0, false,
     "CPUs the service may run on (cpuset)", kV2Only},
    {"AllowedMemoryNodes", kService, kWords, kPrivileged, Probe::CgroupCpuset, 244, 0, false,
     "NUMA memory nodes the service may use (cpuset)", kV2Only},
    {"IOWeight", kService, kNumber, kPrivileged, Probe::CgroupIo, 230, 0, false,
     "Relative block I/O weight (blkio.weight on cgroup v1)"},
    {"IOReadBandwidthMax", kService, kString, kPrivileged, Probe::CgroupIo, 230, 0, false,
     "Per-device read bandwidth limit (\"/dev/sda 5M\")"},
    {"IOWriteBandwidthMax", kService, kString, kPrivileged, Probe::CgroupIo, 230, 0, false,
     "Per-device write bandwidth limit"},
    {"IOReadIOPSMax", kService, kString, kPrivileged, Probe::CgroupIo, 230, 0, false,
     "Per-device read IOPS limit"},
    {"IOWriteIOPSMax", kService, kString, kPrivileged, Probe::CgroupIo, 230, 0, false,
     "Per-device write IOPS limit"},
    {"IODeviceLatencyTargetSec", kService, kString, kPrivileged, Probe::CgroupIo, 240, 0, false,
     "Per-device I/O latency target", kV2Only},
    {"IOAccounting", kService, kBool, kNone, Probe::None, 230, 0, false,
     "Account block I/O (no limit by itself)"},
    {"DevicePolicy", kService, kEnum, kPrivileged, Probe::CgroupDevices, 208, 0, false,
     "Device access policy: auto, closed or strict"},
    {"DeviceAllow", kService, kString, kPrivileged, Probe::CgroupDevices, 208, 0, kAssessed,
     "Allow one device (\"/dev/null rw\", \"char-pts rw\"); repeat the line for more"},
    {"Delegate", kService, kString, kPrivileged, Probe::None, 218, 0, kAssessed,
     "Hand the service its own cgroup subtree (yes/no or a list of controllers)",
     false, "delegation to unprivileged users is only safe, and granted, on cgroup v2"},

    // BPF programs attached to the unit's cgroup (or the BPF LSM).
    {"IPAddressDeny", kService, kIps, kPrivileged, Probe::CgroupBpf, 235, 0, kAssessed,
     "Deny IP traffic to and from these addresses (any, localhost, prefixes)"},
    {"IPAddressAllow", kService, kIps, kPrivileged, Probe::CgroupBpf, 235, 0, false,
     "Allow IP traffic to and from these addresses despite IPAddressDeny="},
    {"IPAccounting", kService, kBool, kNone, Probe::None, 235, 0, false,
     "Account IP traffic (no filter by itself)"},
    {"IPIngressFilterPath", kService, kPaths, kPrivileged, Probe::CgroupBpf, 243, 0, false,
     "Attach this pinned BPF program as an ingress filter"},
    {"IPEgressFilterPath", kService, kPaths, kPrivileged, Probe::CgroupBpf, 243, 0, false,
     "Attach this pinned BPF program as an egress filter"},
    {"SocketBindAllow", kService, kString, kPrivileged, Probe::CgroupBpf, 249, 0, false,
     "Allow bind(2) to matching addresses and ports ([family:][proto:]ports or any)",
     false, kNoBpfFramework},
    {"SocketBindDeny", kService, kString, kPrivileged, Probe::CgroupBpf, 249, 0, false,
     "Deny bind(2) to matching addresses and ports",
     false, kNoBpfFramework},
    {"RestrictNetworkInterfaces", kService, kWords, kPrivileged, Probe::CgroupBpf, 250, 0, false,
     "Network interfaces the service may use (~deny list)",
     false, kNoBpfFramework},
    {"RestrictFileSystems", kService, kWords, kPrivileged, Probe::BpfLsm, 250, 0, false,
     "File system types the service may open files on (@sets, ~deny list)", kV2Only,
     "needs the BPF LSM in the kernel (lsm=...,bpf) and systemd built with BPF_FRAMEWORK "
     "(Debian 12's systemd 252 is built without it)"},

    // Process properties: set by PID 1 before execve().
    {"LimitCPU", kService, kDuration, kNone, Probe::Rlimit, 0, 0, false, "RLIMIT_CPU (ulimit -t)", false, kRlimit},
    {"LimitFSIZE", kService, kSize, kNone, Probe::Rlimit, 0, 0, false, "RLIMIT_FSIZE (ulimit -f)", false, kRlimit},
    {"LimitDATA", kService, kSize, kNone, Probe::Rlimit, 0, 0, false, "RLIMIT_DATA (ulimit -d)", false, kRlimit},
    {"LimitSTACK", kService, kSize, kNone, Probe::Rlimit, 0, 0, false, "RLIMIT_STACK (ulimit -s)", false, kRlimit},
    {"LimitCORE", kService, kSize, kNone, Probe::Rlimit, 0, 0, false, "RLIMIT_CORE (ulimit -c)", false, kRlimit},
    {"LimitRSS", kService, kSize, kNone, Probe::Rlimit, 0, 0, false, "RLIMIT_RSS (no effect on Linux)", false, kRlimit},
    {"LimitNOFILE", kService, kNumber, kNone, Probe::Rlimit, 0, 0, false, "RLIMIT_NOFILE (ulimit -n)", false, kRlimit},
    {"LimitAS", kService, kSize, kNone, Probe::Rlimit, 0, 0, false, "RLIMIT_AS (ulimit -v)", false, kRlimit},
    {"LimitNPROC", kService, kNumber, kNone, Probe::Rlimit, 0, 0, false, "RLIMIT_NPROC per UID (ulimit -u)", false, kRlimit},
    {"LimitMEMLOCK", kService, kSize, kNone, Probe::Rlimit, 0, 0, false, "RLIMIT_MEMLOCK (ulimit -l)", false, kRlimit},
    {"LimitLOCKS", kService, kNumber, kNone, Probe::Rlimit, 0, 0, false, "RLIMIT_LOCKS (ulimit -x)", false, kRlimit},
    {"LimitSIGPENDING", kService, kNumber, kNone, Probe::Rlimit, 0, 0, false, "RLIMIT_SIGPENDING (ulimit -i)", false, kRlimit},
    {"LimitMSGQUEUE", kService, kSize, kNone, Probe::Rlimit, 0, 0, false, "RLIMIT_MSGQUEUE (ulimit -q)", false, kRlimit},
    {"LimitNICE", kService, kNumber, kNone, Probe::Rlimit, 0, 0, false, "RLIMIT_NICE (ulimit -e)", false, kRlimit},
    {"LimitRTPRIO", kService, kNumber, kNone, Probe::Rlimit, 0, 0, false, "RLIMIT_RTPRIO (ulimit -r)", false, kRlimit},
    {"LimitRTTIME", kService, kDuration, kNone, Probe::Rlimit, 0, 0, false, "RLIMIT_RTTIME (ulimit -R)", false, kRlimit},
    {"OOMScoreAdjust", kService, kNumber, kNone, Probe::OomScoreAdj, 0, 0, false,
     "OOM killer score adjustment, -1000..1000",
     false, "negative values need CAP_SYS_RESOURCE"},
    {"Nice", kService, kNumber, kNone, Probe::Nice, 0, 0, false,
     "Nice level, -20..19", false, "negative values need CAP_SYS_NICE"},
    {"CPUSchedulingPolicy", kService, kEnum, kNone, Probe::Sched, 0, 0, false,
     "CPU scheduling policy: other, batch, idle, fifo or rr",
     false, "fifo and rr need CAP_SYS_NICE"},
    {"CPUSchedulingPriority", kService, kNumber, kNone, Probe::Sched, 0, 0, false,
     "Priority for the fifo and rr policies"},
    {"CPUAffinity", kService, kWords, kNone, Probe::CpuAffinity, 0, 0, false,
     "CPUs the processes may run on (sched_setaffinity)"},
    {"IOSchedulingClass", kService, kEnum, kNone, Probe::Ioprio, 0, 0, false,
     "I/O scheduling class: realtime, best-effort or idle",
     false, "realtime needs CAP_SYS_ADMIN"},
    {"IOSchedulingPriority", kService, kNumber, kNone, Probe::Ioprio, 0, 0, false,
     "I/O priority within the class, 0..7"},
    {"CoredumpFilter", kService, kWords, kNone, Probe::CoredumpFilter, 246, 0, false,
     "Memory mapping types saved in core dumps"},
    {"TimerSlackNSec", kService, kDuration, kNone, Probe::None, 0, 0, false,
     "Timer slack of the processes"},

    // Environment.
    {"Environment", kService, kString, kNone, Probe::Environ, 0, 0, false,
     "Environment variables (VAR=value, quoted when it has spaces)"},
    {"EnvironmentFile", kService, kString, kNone, Probe::Environ, 0, 0, false,
     "Read environment variables from this file (\"-\" prefix: optional)"},
    {"PassEnvironment", kService, kWords, kNone, Probe::Environ, 228, 0, false,
     "Pass these variables from the service manager's environment"},
    {"UnsetEnvironment", kService, kWords, kNone, Probe::Environ, 235, 0, false,
     "Remove these variables from the environment"},

    // Logging.
    {"LogLevelMax", kService, kEnum, kNone, Probe::None, 236, 0, false,
     "Drop the unit's log messages above this level"},
    {"LogRateLimitIntervalSec", kService, kDuration, kNone, Probe::None, 240, 0, false,
     "Journal rate-limit interval for the unit"},
    {"LogRateLimitBurst", kService, kNumber, kNone, Probe::None, 240, 0, false,
     "Journal rate-limit burst for the unit"},
    {"StandardOutput", kService, kString, kNone, Probe::None, 0, 0, false,
     "Where stdout goes: journal, null, file:path, ..."},
    {"StandardError", kService, kString, kNone, Probe::None, 0, 0, false,
     "Where stderr goes: inherit, journal, null, file:path, ..."},
    {"SyslogIdentifier", kService, kString, kNone, Probe::None, 0, 0, false,
     "Tag of the unit's log lines"},

    // Service life cycle.
    {"Type", kService, kEnum, kNone, Probe::None, 0, 0, false,
     "Start-up type: simple, exec, forking, oneshot, dbus, notify, idle"},
    {"Restart", kService, kEnum, kNone, Probe::None, 0, 0, false,
     "When to restart: no, on-success, on-failure, on-abnormal, on-watchdog, on-abort, always"},
    {"RestartSec", kService, kDuration, kNone, Probe::None, 0, 0, false,
     "Delay before a restart"},
    {"TimeoutStartSec", kService, kDuration, kNone, Probe::None, 188, 0, false,
     "Time allowed for start-up"},
    {"TimeoutStopSec", kService, kDuration, kNone, Probe::None, 188, 0, false,
     "Time allowed for stopping"},
    {"TimeoutSec", kService, kDuration, kNone, Probe::None, 0, 0, false,
     "Sets TimeoutStartSec= and TimeoutStopSec= at once"},
    {"RuntimeMaxSec", kService, kDuration, kNone, Probe::None, 229, 0, false,
     "Stop the service after running this long"},
    {"WatchdogSec", kService, kDuration, kNone, Probe::None, 0, 0, false,
     "Watchdog interval the service must ping within (sd_notify WATCHDOG=1)"},
    {"KillMode", kService, kEnum, kNone, Probe::None, 0, 0, false,
     "Which processes stop kills: control-group, mixed, process or none"},
    {"KillSignal", kService, kString, kNone, Probe::None, 0, 0, false,
     "Signal sent to stop the service"},
    {"OOMPolicy", kService, kEnum, kNone, Probe::None, 243, 0, false,
     "What to do when the OOM killer hits a process: continue, stop or kill"},

    // [Unit] section.
    {"StartLimitIntervalSec", kUnit, kDuration, kNone, Probe::None, 230, 0, false,
     "Start rate-limit interval (in [Unit]; [Service] only keeps the old StartLimitInterval=)"},
    {"StartLimitBurst", kUnit, kNumber, kNone, Probe::None, 230, 0, false,
     "Starts allowed per StartLimitIntervalSec= (in [Unit] since systemd 230)"},
    {"StartLimitAction", kUnit, kEnum, kNone, Probe::None, 230, 0, false,
     "Action when the start limit is hit (none, reboot, ...)"},
    {"JoinsNamespaceOf", kUnit, kWords, kNone, Probe::None, 209, 0, false,
     "Share /tmp, network and IPC namespaces with these units"},
};
// clang-format on

// Whitespace-separated words; single or double quotes group a word and are
// removed, like systemd's extract_first_word(EXTRACT_UNQUOTE).
std::vector<std::string> split_words(std::string_view s) {
  std::vector<std::string> words;
  std::string word;
  bool in_word = false;
  char quote = 0;
  for (char c : s) {
    if (quote != 0) {
      if (c == quote) {
        quote = 0;
      } else {
        word += c;
      }
    } else if (c == '"' || c == '\'') {
      quote = c;
      in_word = true;
    } else if (std::isspace(static_cast<unsigned char>(c))) {
      if (in_word) words.push_back(std::move(word));
      word.clear();
      in_word = false;
    } else {
      word += c;
      in_word = true;
    }
  }
  if (in_word) words.push_back(std::move(word));
  return words;
}

}  // namespace

// Measured on bookworm (252) and trixie (257) with `hardbisect run`, and
// from systemd.exec(5). The read-only probes (ProtectSystem=, ReadOnlyPaths=,
// BindReadOnlyPaths=, ProtectKernelTunables=, ProtectControlGroups=) share
// the hiding and exempting directives.
constexpr std::string_view kHidden = "a path it hides (inaccessible node) is at least as strong as read-only";
constexpr std::string_view kTmpfs = "a path under its empty tmpfs is hidden: at least as strong as read-only";
constexpr std::string_view kHome =
    "/home, /root and /run/user hidden (yes) or empty (tmpfs): at least as strong as read-only";
constexpr std::string_view kRw = "the paths it names stay writable: exempt from the read-only check";
constexpr Interaction kInteractions[] = {
    {"ProtectKernelTunables", "ProcSubset", Effect::Hides,
     "subset=pid leaves no /proc/sys at all, which is stronger than read-only"},
    {"ProtectKernelTunables", "InaccessiblePaths", Effect::Hides, kHidden},
    {"ProtectKernelTunables", "TemporaryFileSystem", Effect::Hides, kTmpfs},
    {"ProtectControlGroups", "InaccessiblePaths", Effect::Hides, kHidden},
    {"ProtectControlGroups", "TemporaryFileSystem", Effect::Hides, kTmpfs},
    {"ProtectSystem", "InaccessiblePaths", Effect::Hides, kHidden},
    {"ProtectSystem", "TemporaryFileSystem", Effect::Hides, kTmpfs},
    {"ProtectSystem", "ReadWritePaths", Effect::Exempts, kRw},
    {"ProtectSystem", "DynamicUser", Effect::Narrows,
     "DynamicUser=yes makes it at least strict (its state directories stay writable)"},
    {"ReadOnlyPaths", "InaccessiblePaths", Effect::Hides, kHidden},
    {"ReadOnlyPaths", "TemporaryFileSystem", Effect::Hides, kTmpfs},
    {"ReadOnlyPaths", "ProtectHome", Effect::Hides, kHome},
    {"ReadOnlyPaths", "ReadWritePaths", Effect::Exempts, kRw},
    {"BindReadOnlyPaths", "InaccessiblePaths", Effect::Hides, kHidden},
    {"BindReadOnlyPaths", "TemporaryFileSystem", Effect::Hides, kTmpfs},
    {"ProtectHome", "InaccessiblePaths", Effect::Hides, kHidden},
    {"ProtectHome", "TemporaryFileSystem", Effect::Hides, kTmpfs},
    {"ProtectHome", "ReadWritePaths", Effect::Exempts, kRw},
    {"InaccessiblePaths", "TemporaryFileSystem", Effect::Hides, kTmpfs},
    {"DynamicUser", "ProtectSystem", Effect::Implies,
     "DynamicUser=yes implies ProtectSystem=strict: /usr and /etc must be read-only"},
    {"DynamicUser", "PrivateTmp", Effect::Implies,
     "DynamicUser=yes implies PrivateTmp=yes: /tmp must be private"},
    {"PrivateTmp", "DynamicUser", Effect::Narrows, "DynamicUser=yes implies it whatever its own value"},
    {"PrivateDevices", "DeviceAllow", Effect::Narrows,
     "DeviceAllow= widens the DevicePolicy=closed it implies (a cgroup setting) and adds no node to the "
     "private /dev: the probe (a /dev of its own, CAP_MKNOD and CAP_SYS_RAWIO dropped) reads the same"},
    {"PrivateDevices", "PrivateUsers", Effect::Narrows,
     "under PrivateUsers= the bounding set starts full; systemd still drops CAP_MKNOD and CAP_SYS_RAWIO"},
    {"CapabilityBoundingSet", "PrivateUsers", Effect::Narrows,
     "under PrivateUsers= the service's bounding set starts full (held only in its user namespace): "
     "measured against every capability, not PID 1's set"},
    {"AmbientCapabilities", "PrivateUsers", Effect::Narrows,
     "ambient capabilities are measured against the service's own bounding set, which PrivateUsers= "
     "starts full"},
    {"AmbientCapabilities", "PrivateDevices", Effect::Narrows,
     "PrivateDevices= drops CAP_MKNOD and CAP_SYS_RAWIO from the bounding set: no ambient capability "
     "outlives it (measured against the service's own bounding set)"},
    {"AmbientCapabilities", "CapabilityBoundingSet", Effect::Narrows,
     "no ambient capability outside the bounding set (measured against the service's own)"},
    {"User", "PrivateUsers", Effect::Narrows,
     "PrivateUsers= maps the service's user 1:1; the probe reads the user as PID 1's namespace sees it"},
};

std::span<const DirectiveInfo> all_directives() { return kDirectives; }

std::span<const Interaction> interactions() { return kInteractions; }

std::vector<Interaction> interactions_of(std::string_view directive, std::string_view other) {
  std::vector<Interaction> found;
  for (const auto& i : kInteractions)
    if (i.directive == directive && (other.empty() || i.other == other)) found.push_back(i);
  return found;
}

const DirectiveInfo* find_directive(std::string_view name) {
  for (const auto& info : kDirectives) {
    if (info.name == name) return &info;
  }
  return nullptr;
}

namespace {

// Catalogue keys that define the service rather than harden it: the catalogue
// describes and probes them (a unit's own User= narrows what PrivateUsers=
// must show), but a line under test may not change them.
struct Definition {
  std::string_view name;
  std::string_view why;
};
constexpr std::string_view kIdentity =
    "it sets who the service runs as, part of the service's definition (DynamicUser= is the hardening "
    "line)";
constexpr std::string_view kEnvironment = "it sets the service's environment, part of its definition";
constexpr std::string_view kLifeCycle =
    "it sets how the service starts, stops or restarts, part of its definition (a trial judges the service "
    "as its unit defines it)";
constexpr std::string_view kOutput =
    "it sets where the service's output and log lines go, part of its definition and of the trial's "
    "evidence";
constexpr Definition kDefinitions[] = {
    {"User", kIdentity},
    {"Group", kIdentity},
    {"Environment", kEnvironment},
    {"EnvironmentFile", kEnvironment},
    {"PassEnvironment", kEnvironment},
    {"UnsetEnvironment", kEnvironment},
    {"WorkingDirectory", "it sets the service's working folder, part of its definition"},
    {"Type", kLifeCycle},
    {"Restart", kLifeCycle},
    {"RestartSec", kLifeCycle},
    {"TimeoutStartSec", kLifeCycle},
    {"TimeoutStopSec", kLifeCycle},
    {"TimeoutSec", kLifeCycle},
    {"RuntimeMaxSec", kLifeCycle},
    {"WatchdogSec", kLifeCycle},
    {"KillMode", kLifeCycle},
    {"KillSignal", kLifeCycle},
    {"OOMPolicy", kLifeCycle},
    {"StartLimitAction", kLifeCycle},
    {"StandardOutput", kOutput},
    {"StandardError", kOutput},
    {"SyslogIdentifier", kOutput},
    {"LogLevelMax", kOutput},
    {"LogRateLimitIntervalSec", kOutput},
    {"LogRateLimitBurst", kOutput},
};

}  // namespace

std::optional<std::string> not_hardening_reason(std::string_view name) {
  for (const auto& definition : kDefinitions)
    if (definition.name == name) return std::string(definition.why);
  if (find_directive(name) != nullptr) return std::nullopt;
  if (name.rfind("Exec", 0) == 0)
    return "it sets a command the service runs, part of its definition, and a line under test may not add "
           "commands";
  return "it is not a hardening directive the catalogue knows (hardbisect doctor --options lists them)";
}

std::vector<std::string> directive_names() {
  std::vector<std::string> names;
  names.reserve(std::size(kDirectives));
  for (const auto& info : kDirectives) names.emplace_back(info.name);
  return names;
}

bool is_list_kind(ValueKind kind) {
  switch (kind) {
    case ValueKind::PathList:
    case ValueKind::SyscallList:
    case ValueKind::CapabilityList:
    case ValueKind::AddressFamilyList:
    case ValueKind::NamespaceList:
    case ValueKind::IpList:
    case ValueKind::ArchList:
    case ValueKind::WordList:
      return true;
    case ValueKind::Bool:
    case ValueKind::Enum:
    case ValueKind::String:
    case ValueKind::Number:
    case ValueKind::Size:
    case ValueKind::Duration:
    case ValueKind::Percent:
      return false;
  }
  return false;
}

std::vector<std::string> split_value(const DirectiveInfo& info, std::string_view value) {
  value = util::trim(value);
  if (!is_list_kind(info.kind)) return {std::string(value)};
  if (value.starts_with('~')) value = util::trim(value.substr(1));
  // Elements keep their own prefixes and suffixes: "-/path" (ignore when
  // missing), "+/path" (relative to RootDirectory=), "@swap:EPERM" (errno).
  return split_words(value);
}

bool is_deny_list(std::string_view value) { return util::trim(value).starts_with('~'); }

std::string join_value(const DirectiveInfo& info, std::span<const std::string> elements, bool deny) {
  if (!is_list_kind(info.kind)) return elements.empty() ? std::string() : elements.front();
  std::vector<std::string> words;
  for (const auto& element : elements) {
    bool needs_quotes = element.empty() || std::any_of(element.begin(), element.end(), [](char c) {
                          return std::isspace(static_cast<unsigned char>(c)) || c == '"' || c == '\'';
                        });
    if (!needs_quotes) {
      words.push_back(element);
    } else {
      char quote = element.find('"') == std::string::npos ? '"' : '\'';
      words.push_back(quote + element + quote);
    }
  }
  return (deny ? "~" : "") + util::join(words, " ");
}

std::optional<std::string> check_known(std::string_view name, int systemd_version) {
  if (name.ends_with('=')) name.remove_suffix(1);
  const std::string shown = std::string(name) + "=";
  const std::string version = std::to_string(systemd_version);

  if (const DirectiveInfo* info = find_directive(name)) {
    if (systemd_version > 0 && info->min_systemd > systemd_version) {
      return shown + " needs systemd " + std::to_string(info->min_systemd) +
             " or newer, but the image has systemd " + version;
    }
    if (systemd_version > 0 && info->max_systemd != 0 && systemd_version > info->max_systemd) {
      return shown + " was removed after systemd " + std::to_string(info->max_systemd) +
             ", but the image has systemd " + version;
    }
    return std::nullopt;
  }

  if (const KnownDirective* known = find_known_systemd_directive(name)) {
    // We only know the binaries of 252 and 257: a key 252 lacks is newer.
    if (systemd_version > 0 && systemd_version <= 252 && !known->in_systemd_252) {
      return shown + " is newer than systemd 252 (it is known to systemd 257), but the image has systemd " +
             version;
    }
    return std::nullopt;
  }

  // Prefer a catalogued name: that is what a hardening line usually meant.
  std::string guess = util::did_you_mean(name, directive_names());
  if (guess.empty()) {
    std::vector<std::string> all;
    for (const auto& d : known_systemd_directives()) all.emplace_back(d.name);
    guess = util::did_you_mean(name, all);
  }
  std::string message = "unknown directive " + shown;
  if (!guess.empty()) message += ", did you mean " + guess + "=?";
  return message;
}

std::string_view section_of(std::string_view name) {
  if (const DirectiveInfo* info = find_directive(name)) return info->section;
  if (const KnownDirective* known = find_known_systemd_directive(name)) return known->section;
  return {};
}

std::string_view to_string(ValueKind kind) { return util::name_of(kValueKindNames, kind); }

Privilege least_requirement(std::span<const std::string> names) {
  Privilege most = Privilege::Minimal;
  for (const auto& name : names) {
    const DirectiveInfo* info = find_directive(name);
    if (info != nullptr && static_cast<int>(info->requirement) > static_cast<int>(most))
      most = info->requirement;
  }
  return most;
}

namespace {

// The strictest template (catalogue.h, StrictLine). Left out on purpose:
// User= (names the service's user), the *Directory= and *Paths= lists (name
// the service's paths; harden adds ReadWritePaths= only as a relaxation),
// PrivatePIDs= (systemd 257 only, and not rated), resource limits (values
// depend on the service), SocketBind*= and RestrictFileSystems= (need BPF
// support this host's systemd or kernel lacks: listed as not tested).
// clang-format off
constexpr StrictLine kStrictest[] = {
    {"DynamicUser", "yes"},
    {"NoNewPrivileges", "yes"},
    {"CapabilityBoundingSet", ""},
    {"UMask", "0077"},
    {"KeyringMode", "private"},
    {"RemoveIPC", "yes"},
    {"ProtectSystem", "strict"},
    {"ProtectHome", "yes"},
    {"PrivateTmp", "yes"},
    {"PrivateMounts", "yes"},
    {"ProtectProc", "invisible"},
    {"ProcSubset", "pid"},
    {"ProtectKernelTunables", "yes"},
    {"ProtectKernelModules", "yes"},
    {"ProtectKernelLogs", "yes"},
    {"ProtectControlGroups", "yes"},
    {"ProtectClock", "yes"},
    {"ProtectHostname", "yes"},
    {"PrivateDevices", "yes"},
    {"DevicePolicy", "closed"},
    {"PrivateUsers", "yes"},
    {"PrivateIPC", "yes"},
    {"PrivateNetwork", "yes"},
    {"IPAddressDeny", "any"},
    {"RestrictAddressFamilies", "none"},
    {"RestrictNamespaces", "yes"},
    {"LockPersonality", "yes"},
    {"MemoryDenyWriteExecute", "yes"},
    {"RestrictRealtime", "yes"},
    {"RestrictSUIDSGID", "yes"},
    {"SystemCallArchitectures", "native"},
    {"SystemCallFilter", "@system-service"},
    {"SystemCallFilter", "~@privileged @resources"},
    {"SocketBindDeny", "any"},
    {"RestrictFileSystems", "~@privileged-api"},
};
// clang-format on

}  // namespace

std::span<const StrictLine> strictest_lines() { return kStrictest; }

std::vector<Directive> strictest_of(std::string_view key) {
  std::vector<Directive> lines;
  for (const auto& line : kStrictest)
    if (line.key == key)
      lines.push_back(Directive{std::string(section_of(key)), std::string(key), std::string(line.value)});
  return lines;
}

namespace {

// The probes' names, for `doctor --options`.
// clang-format off
// clang-format on

}  // namespace

std::string_view probe_name(Probe probe) { return util::name_of(kProbeNames, probe); }

std::vector<CatalogueRow> catalogue_table() {
  std::vector<CatalogueRow> rows;
  rows.reserve(std::size(kDirectives));
  for (const auto& info : kDirectives) {
    CatalogueRow row;
    row.name = info.name;
    row.section = info.section;
    row.kind = to_string(info.kind);
    row.requirement = privilege_flags(info.requirement);
    row.probe = probe_name(info.probe);
    row.min_systemd = info.min_systemd;
    row.assessed = info.assessed;
    if (info.cgroup_v2_only) row.caveat = "cgroup v2 only: no effect on a cgroup v1 or hybrid host";
    if (!info.caveat.empty()) {
      if (!row.caveat.empty()) row.caveat += "; ";
      row.caveat += info.caveat;
    }
    rows.push_back(std::move(row));
  }
  return rows;
}

}  // namespace hb::options
