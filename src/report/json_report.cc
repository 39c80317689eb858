#include "report/json_report.h"

namespace hb::report {

const char* verdict_name(search::Verdict verdict) {
  switch (verdict) {
    case search::Verdict::Pass: return "pass";
    case search::Verdict::Fail: return "fail";
    case search::Verdict::Unresolved: return "unresolved";
  }
  return "?";
}

nlohmann::json trial_to_json(const std::string& label, const trial::TrialResult& result) {
  nlohmann::json options = nlohmann::json::array();
  for (const auto& d : result.applied) options.push_back(d.line());
  const trial::Evidence& e = result.evidence;
  nlohmann::json evidence{
      {"boot_state", e.boot_state},
      {"boot_ms", e.boot_ms},
      {"start_ms", e.start_ms},
      {"workload_ms", e.workload_ms},
      {"workload_timed_out", e.workload_timed_out},
      {"properties", e.properties},
      {"workload_output", e.section("workload_output")},
      {"journal", e.section("journal")},
      {"kernel", e.section("kernel")},
  };
  evidence["start_rc"] = e.start_rc ? nlohmann::json(*e.start_rc) : nlohmann::json(nullptr);
  evidence["workload_rc"] = e.workload_rc ? nlohmann::json(*e.workload_rc) : nlohmann::json(nullptr);
  if (!result.container_logs.empty()) evidence["container_logs"] = result.container_logs;
  return {
      {"label", label},
      {"options", options},
      {"verdict", verdict_name(result.verdict)},
      {"cause", trial::cause_name(result.cause)},
      {"reason", result.reason},
      {"notes", result.notes},
      {"elapsed_ms", result.elapsed.count()},
      {"evidence", evidence},
  };
}

nlohmann::json report_envelope(const std::string& command) {
  return {{"tool", "hardbisect"}, {"version", HARDBISECT_VERSION}, {"command", command}};
}

}  // namespace hb::report
