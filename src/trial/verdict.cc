#include "trial/verdict.h"

#include <fmt/format.h>
#include <string.h>

#include <climits>
#include <map>
#include <regex>
#include <sstream>

#include "trial/findings.h"
#include "util/parse.h"
#include "util/strings.h"

namespace hb::trial {

const char* cause_name(Cause cause) { return util::name_of(kCauseNames, cause); }

bool harness_trouble(Cause cause) {
  return cause == Cause::Harness || cause == Cause::Boot || cause == Cause::Tampered;
}

std::string describe_exit(const std::string& code, const std::string& status) {
  // systemd's own exit codes (systemd.exec "PROCESS EXIT CODES").
  static const std::map<int, const char*> systemd_codes{{200, "CHDIR"},
                                                        {201, "NICE"},
                                                        {202, "FDS"},
                                                        {203, "EXEC"},
                                                        {204, "MEMORY"},
                                                        {205, "LIMITS"},
                                                        {206, "OOM_ADJUST"},
                                                        {207, "SIGNAL_MASK"},
                                                        {208, "STDIN"},
                                                        {209, "STDOUT"},
                                                        {210, "CHROOT"},
                                                        {211, "IOPRIO"},
                                                        {212, "TIMERSLACK"},
                                                        {213, "SECUREBITS"},
                                                        {214, "SETSCHEDULER"},
                                                        {215, "CPUAFFINITY"},
                                                        {216, "GROUP"},
                                                        {217, "USER"},
                                                        {218, "CAPABILITIES"},
                                                        {219, "CGROUP"},
                                                        {220, "SETSID"},
                                                        {221, "CONFIRM"},
                                                        {222, "STDERR"},
                                                        {224, "PAM"},
                                                        {225, "NETWORK"},
                                                        {226, "NAMESPACE"},
                                                        {227, "NO_NEW_PRIVILEGES"},
                                                        {228, "SECCOMP"},
                                                        {229, "SELINUX_CONTEXT"},
                                                        {230, "PERSONALITY"},
                                                        {231, "APPARMOR_PROFILE"},
                                                        {232, "ADDRESS_FAMILIES"},
                                                        {233, "RUNTIME_DIRECTORY"},
                                                        {235, "CHOWN"},
                                                        {236, "SMACK_PROCESS_LABEL"},
                                                        {237, "KEYRING"},
                                                        {238, "STATE_DIRECTORY"},
                                                        {239, "CACHE_DIRECTORY"},
                                                        {240, "LOGS_DIRECTORY"},
                                                        {241, "CONFIGURATION_DIRECTORY"},
                                                        {242, "NUMA_POLICY"},
                                                        {243, "CREDENTIALS"},
                                                        {245, "BPF"}};
  std::optional<long long> parsed = util::parse_int(status);
  if (!parsed || *parsed < INT_MIN || *parsed > INT_MAX) return status;
  int value = static_cast<int>(*parsed);
  if (code == "killed" || code == "dumped" || code == "2" || code == "3") {
    const char* abbrev = sigabbrev_np(value);
    return fmt::format("{}/SIG{}", value, abbrev ? abbrev : "?");
  }
  auto it = systemd_codes.find(value);
  if (it != systemd_codes.end()) return fmt::format("{}/{}", value, it->second);
  return std::to_string(value);
}

namespace {

std::string last_line(const std::string& text) {
  std::istringstream lines(text);
  std::string last;
  for (std::string line; std::getline(lines, line);)
    if (line.find_first_not_of(" \t\r") != std::string::npos) last = line;
  if (last.size() > 160) last = last.substr(0, 157) + "...";
  return last;
}

std::string exit_detail(const Evidence& e) {
  std::string result = e.property("Result");
  std::string text = "Result=" + (result.empty() ? "?" : result);
  std::optional<MainExit> exit = last_main_exit(e);
  if (exit && exit->status != "0") {
    text += ", status=" + describe_exit(exit->code, exit->status);
    if (e.property("ExecMainStatus") != exit->status) text += " (from the journal: the unit is restarting)";
  }
  return text;
}

Judgement make(Verdict verdict, Cause cause, std::string reason) {
  Judgement j;
  j.verdict = verdict;
  j.cause = cause;
  j.reason = std::move(reason);
  return j;
}

// systemd logs and then ignores lines it cannot use: those are findings
// (trial/findings.h), judged as systemd reads the drop-in, as on a real host.
// Other lines about the drop-in (deprecation warnings: "Unit uses
// MemoryLimit=; please use MemoryMax=") are notes: the line was applied.
std::vector<std::string> dropin_notes(const Evidence& e) {
  std::vector<std::string> notes;
  std::istringstream lines(e.section("pid1_dropin"));
  for (std::string line; std::getline(lines, line);) {
    if (line.find_first_not_of(" \t") == std::string::npos || says_ignored(line)) continue;
    notes.push_back("systemd: " + line);
  }
  return notes;
}

// Why the trial cannot be judged at all: no boot, a cut-off driver, no unit.
std::optional<Judgement> unjudgeable(const Evidence& e, const scenario::Timeouts& timeouts,
                                     const std::string& unit) {
  if (!e.tampered.empty())
    return make(Verdict::Unresolved, Cause::Tampered, "evidence tampered: " + e.tampered);
  if (e.boot_state.empty())
    return make(Verdict::Unresolved, Cause::Harness, "the trial driver printed no evidence");
  // unit-starting: booted but for the unit's own start, which the boot
  // pulled in and which hangs; its start bound judges it (driver_script).
  if (e.boot_state != "running" && e.boot_state != "degraded" && e.boot_state != "unit-starting")
    return make(Verdict::Unresolved, Cause::Boot,
                fmt::format("systemd in the container did not finish booting within {}s (state: {})",
                            timeouts.boot.count() / 1000, e.boot_state));
  if (!e.complete)
    return make(Verdict::Unresolved, Cause::Harness, "the trial driver was cut off before its end");
  if (e.property("LoadState") == "not-found")
    return make(Verdict::Unresolved, Cause::UnitNotFound, "unit " + unit + " is not in the image");
  return std::nullopt;
}

// What went wrong with the unit, then with the workload; the unit's own
// failure explains a failing client better, so it comes first.
std::vector<std::string> service_problems(const Evidence& e, const scenario::Expectations& expect,
                                          const scenario::Workload& workload) {
  std::vector<std::string> problems;
  std::string result = e.property("Result");
  if (expect.no_crash) {
    std::string restarts = e.property("NRestarts");
    if (result == "signal" || result == "core-dump" || result == "watchdog" || result == "oom-kill")
      problems.push_back("service crashed (" + exit_detail(e) + ")");
    else if (!restarts.empty() && restarts != "0")
      problems.push_back(fmt::format("service restarted {} time(s) ({})", restarts, exit_detail(e)));
  }
  if (problems.empty() && expect.unit_active && e.property("ActiveState") != "active")
    problems.push_back(
        e.property("ActiveState") == e.property("SubState")
            ? fmt::format("unit is {} after the workload ({})", e.property("ActiveState"), exit_detail(e))
            : fmt::format("unit is {} ({}) after the workload ({})", e.property("ActiveState"),
                          e.property("SubState"), exit_detail(e)));
  if (e.workload_timed_out) {
    problems.push_back(fmt::format("workload timed out after {}s", workload.timeout.count() / 1000.0));
  } else if (*e.workload_rc != expect.workload_exit) {
    std::string output = last_line(e.section("workload_output"));
    problems.push_back(fmt::format("workload exited {} (expected {}){}{}", *e.workload_rc,
                                   expect.workload_exit, output.empty() ? "" : ": ", output));
  }
  return problems;
}

// The first journal expectation the journal breaks.
std::optional<std::string> journal_problem(const Evidence& e, const scenario::Expectations& expect) {
  const std::string& journal = e.section("journal");
  for (const auto& pattern : expect.journal_absent) {
    std::smatch match;
    if (std::regex_search(journal, match, std::regex(pattern)))
      return "journal matches '" + pattern + "': " + last_line(match.str(0));
  }
  for (const auto& pattern : expect.journal_present)
    if (!std::regex_search(journal, std::regex(pattern))) return "journal lacks '" + pattern + "'";
  return std::nullopt;
}

}  // namespace

std::optional<MainExit> last_main_exit(const Evidence& e) {
  std::string status = e.property("ExecMainStatus");
  if (!status.empty() && status != "0") return MainExit{e.property("ExecMainCode"), status};
  std::string unit = e.property("Id");
  if (unit.empty()) return std::nullopt;
  static const std::regex exited(R"(: (\S+): Main process exited, code=(\w+), status=(\d+))");
  std::optional<MainExit> last;
  std::istringstream lines(e.section("journal"));
  for (std::string line; std::getline(lines, line);) {
    std::smatch m;
    if (std::regex_search(line, m, exited) && m[1] == unit) last = MainExit{m[2], m[3]};
  }
  if (!last && !status.empty()) return MainExit{e.property("ExecMainCode"), status};
  return last;
}

Judgement judge(const Evidence& e, const scenario::Expectations& expect, const scenario::Workload& workload,
                const scenario::Timeouts& timeouts, const std::string& unit) {
  if (auto unresolved = unjudgeable(e, timeouts, unit)) return *unresolved;
  std::vector<std::string> notes = dropin_notes(e);
  auto noted = [&](Judgement j) {
    j.notes.insert(j.notes.end(), notes.begin(), notes.end());
    return j;
  };
  if (!e.start_rc) return make(Verdict::Unresolved, Cause::Harness, "the unit was never started");
  if (*e.start_rc == 124 || *e.start_rc == 137)
    return noted(make(Verdict::Fail, Cause::Service,
                      fmt::format("unit did not finish starting within {}s ({})",
                                  timeouts.start.count() / 1000, exit_detail(e))));
  if (*e.start_rc != 0)
    return noted(make(Verdict::Fail, Cause::Service, "unit failed to start (" + exit_detail(e) + ")"));

  if (!e.workload_rc) return make(Verdict::Unresolved, Cause::Harness, "the workload did not run");
  std::vector<std::string> problems = service_problems(e, expect, workload);
  if (!problems.empty()) return noted(make(Verdict::Fail, Cause::Service, util::join(problems, "; ")));
  if (auto problem = journal_problem(e, expect)) return noted(make(Verdict::Fail, Cause::Service, *problem));
  return noted(make(Verdict::Pass, Cause::None, {}));
}

}  // namespace hb::trial
