#pragma once
// From evidence to a verdict. Pure: tested with hand-written evidence.
#include <optional>
#include <string>
#include <vector>

#include "scenario/scenario.h"
#include "search/verdict.h"
#include "trial/evidence.h"
#include "util/names.h"

namespace hb::trial {

using search::Verdict;

// Why a trial ended as it did; everything but Service is the harness's or
// the host's business and never blamed on the service.
enum class Cause {
  None,            // PASS
  Service,         // FAIL: the service misbehaved
  Boot,            // UNRESOLVED: systemd in the container did not come up
  UnitNotFound,    // UNRESOLVED: the unit is not in the image (a scenario error)
  DropInRejected,  // no longer given: ignored lines are findings (trial/findings.h); kept for old cache
                   // entries
  NotEnforced,     // UNRESOLVED: an option was applied but is not in effect
  Harness,         // UNRESOLVED: podman failed or the harness timed out
  Tampered,        // UNRESOLVED: the evidence was not the driver's (evidence.h), never FAIL or PASS
};
inline constexpr auto kCauseNames = std::to_array<util::EnumName<Cause>>({
    {Cause::None, "none"},
    {Cause::Service, "service"},
    {Cause::Boot, "boot"},
    {Cause::UnitNotFound, "unit-not-found"},
    {Cause::DropInRejected, "drop-in-rejected"},
    {Cause::NotEnforced, "not-enforced"},
    {Cause::Harness, "harness"},
    {Cause::Tampered, "tampered"},
});
const char* cause_name(Cause cause);
// The harness's or the host's trouble, not the service's nor the scenario's
// (exit 4, "infrastructure"): the harness failed, systemd did not boot, or
// the evidence that should decide the verdict was tampered with.
bool harness_trouble(Cause cause);

struct Judgement {
  Verdict verdict = Verdict::Unresolved;
  Cause cause = Cause::Harness;
  std::string reason;              // one line a person understands
  std::vector<std::string> notes;  // further observations
};

Judgement judge(const Evidence& evidence, const scenario::Expectations& expect,
                const scenario::Workload& workload, const scenario::Timeouts& timeouts,
                const std::string& unit);

// "226/NAMESPACE", "31/SYS": systemd's names for exit codes and signals.
std::string describe_exit(const std::string& exec_main_code, const std::string& exec_main_status);

// How the unit's main process last exited: ExecMainCode= and ExecMainStatus=
// of `systemctl show`, or, when a restart already reset them (Restart= with
// the unit starting again: Result=success, status 0), the journal's last
// "UNIT: Main process exited, code=C, status=N/NAME". nullopt when neither
// says (the main process never exited).
struct MainExit {
  std::string code;    // "exited", "killed", "dumped"
  std::string status;  // "217"
};
std::optional<MainExit> last_main_exit(const Evidence& evidence);

}  // namespace hb::trial
