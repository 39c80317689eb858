#pragma once
// Why a failing trial failed, in one line a person understands, from its
// evidence and the options it applied: a seccomp kill resolved to the system
// call and the @group that would allow it, an OOM kill under a memory limit,
// a read-only or hidden path and the option that plausibly hides it, a
// *Paths= option naming a path missing from the image. Pure: tested with
// hand-written evidence.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "options/directive.h"
#include "trial/evidence.h"

namespace hb::trial {

// One seccomp record of the kernel's audit log:
// "audit: type=1326 ... pid=15006 comm="sed" exe="/usr/bin/sed" sig=31
//  arch=c000003e syscall=93 compat=0 ip=0x7f... code=0x80000000".
struct SeccompRecord {
  int pid = 0;
  std::optional<std::uint32_t> auid;  // the process's audit login uid; nullopt when absent or unset
  std::string comm;
  std::string exe;
  int signal = 0;                     // 31 (SIGSYS) when the filter killed; 0 when it only logged
  std::optional<std::uint32_t> arch;  // AUDIT_ARCH_* value, nullopt when libseccomp does not know it
  int syscall = -1;
  std::string code;  // the filter's action, "0x80000000" = kill process
};
// nullopt when the line is not a seccomp record.
std::optional<SeccompRecord> parse_seccomp_record(std::string_view line);

// The seccomp kill this trial's service suffered, from the kernel's records:
// the main program's, else a program its journal names, else (only when the
// unit surely died of SIGSYS) the last kill of the trial's window; nullopt
// when no kill is tied to the service (another container's is ignored).
std::optional<SeccompRecord> seccomp_kill(const Evidence& evidence);

// Trials tag their containers' processes with an audit login uid from this
// range (one per trial, drawn at random; evidence section kAuditTag), so a
// seccomp record's auid= names the trial it belongs to, even once its
// process is gone.
inline constexpr std::uint32_t kAuditTagFirst = 0xB0000000;
inline constexpr std::uint32_t kAuditTagCount = 0x0FFFFFFF;
inline constexpr const char* kAuditTag = "audit_tag";
bool is_audit_tag(std::optional<std::uint32_t> auid);

// The kernel lines of a trial: the container's own (section "kernel", only
// filled in privileged containers, the whole host log since boot) and the
// host's (section "host_kernel", read by the trial runner from this host's
// /dev/kmsg during the trial), without duplicates. Seccomp records of other
// trials are left out: in a tagged trial every record but its own tag's, in
// an untagged one every tagged record.
std::vector<std::string> kernel_lines(const Evidence& evidence);

// Evidence section set when the containers' kernel log is not reachable
// from here (a remote host's): its text says why.
inline constexpr const char* kKernelLogUnreachable = "kernel_log_unreachable";

// The folders a failing trial's service could not write (Read-only file
// system, Permission denied, Operation not permitted in its journal): the
// path, or its folder when the service was creating it. In journal order,
// without duplicates; what `harden` adds to ReadWritePaths=.
std::vector<std::string> unwritable_paths(const Evidence& evidence);

// One line saying why the trial failed and what to change, e.g.
// "sed killed by SIGSYS on fchown: SystemCallFilter=~@chown denies it; add
// SystemCallFilter=@chown (or only fchown)". Empty when the evidence shows
// nothing more specific than the verdict's reason. Without the host's kernel
// log (kKernelLogUnreachable), a seccomp or OOM explanation says it comes
// from the container's journal alone, and a kill it cannot explain says why.
std::string explain_failure(const Evidence& evidence, const std::vector<options::Directive>& applied);

}  // namespace hb::trial
