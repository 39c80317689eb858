#include "report/harden_report.h"

#include <fmt/format.h>

#include "report/json_report.h"
#include "report/search_report.h"
#include "util/strings.h"

namespace hb::report {

namespace {

std::string exposure_or_na(const std::optional<double>& exposure) {
  return exposure ? fmt::format("{:.1f}", *exposure) : "n/a";
}

std::string bases_text(const job::HardenJob& job) {
  std::vector<std::string> bases;
  for (const auto& check : job.checks)
    bases.push_back(fmt::format("{} ({}/{} passed)", check.base.empty() ? "the image" : check.base,
                                check.passed, check.runs));
  return util::join(bases, ", ");
}

// The lines of one section, with the comments of the changes.
void write_section(std::string& out, const job::HardenJob& job, const std::string& section) {
  std::string body;
  std::vector<bool> commented(job.changes.size(), false);
  for (const auto& line : job.dropin) {
    if (line.section != section) continue;
    for (size_t i = 0; i < job.changes.size(); ++i) {
      const auto& change = job.changes[i];
      if (commented[i] || change.replacement.empty() || !(change.replacement.front() == line)) continue;
      body += fmt::format("# {}: {}\n", change.original.key, change.why);
      commented[i] = true;
    }
    body += line.line() + "\n";
  }
  for (const auto& change : job.changes)
    if (change.replacement.empty() && change.original.section == section)
      body += fmt::format("# removed: {}: {}\n", change.original.line(), change.why);
  if (!body.empty()) out += "[" + section + "]\n" + body;
}

}  // namespace

std::string harden_dropin(const job::HardenJob& job) {
  std::string out =
      fmt::format("# hardbisect harden: {} ({})\n", job.scenario.service.unit, job.scenario.name);
  out += fmt::format("# exposure {} -> {} (systemd-analyze security)\n", exposure_or_na(job.exposure_before),
                     exposure_or_na(job.exposure_after));
  if (!job.checks.empty()) out += "# verified together: " + bases_text(job) + "\n";
  for (const auto& note : job.notes) out += "# note: " + note + "\n";
  write_section(out, job, "Unit");
  write_section(out, job, "Service");
  if (!job.tmpl.not_tested.empty()) {
    out += "# not tested:\n";
    for (const auto& n : job.tmpl.not_tested) out += fmt::format("#   {}: {}\n", n.line, n.why);
  }
  if (!job.tmpl.set_by_unit.empty())
    out += "# left to the unit (it sets them, or systemd-analyze security rates them OK already): " +
           util::join(job.tmpl.set_by_unit, " ") + "\n";
  return out;
}

std::string format_harden_summary(const job::HardenJob& job) {
  std::string out = fmt::format("harden: {}\n", job.message);
  out += fmt::format("exposure: {} -> {}   lines: {}   trials: {}   wall time: {:.1f} s\n",
                     exposure_or_na(job.exposure_before), exposure_or_na(job.exposure_after),
                     job.dropin.size(), job.total_trials(), job.wall_seconds);
  for (const auto& change : job.changes) out += fmt::format("  {}: {}\n", change.original.line(), change.why);
  for (const auto& check : job.checks)
    out += fmt::format("  {}: {}/{} passing run(s){}\n", check.base.empty() ? "the image" : check.base,
                       check.passed, check.runs, check.reason.empty() ? "" : "; " + check.reason);
  for (const auto& note : job.notes) out += "  note: " + note + "\n";
  return out;
}

namespace {
// The verdict of a harden in the reports' vocabulary, from its exit code.
search::Verdict harden_verdict(const job::HardenJob& job) {
  return job.exit_code == 0   ? search::Verdict::Pass
         : job.exit_code == 1 ? search::Verdict::Fail
                              : search::Verdict::Unresolved;
}
}  // namespace

nlohmann::json harden_to_json(const job::HardenJob& job) {
  nlohmann::json json = report_envelope("harden");
  json["verdict"] = search::verdict_name(harden_verdict(job));
  json["unit"] = job.scenario.service.unit;
  json["scenario"] = job.scenario.name;
  json["base"] = job.base;
  json["exit_code"] = job.exit_code;
  json["message"] = job.message;
  json["dropin"] = harden_dropin(job);
  json["lines"] = nlohmann::json::array();
  for (const auto& d : job.dropin) json["lines"].push_back(d.line());
  json["exposure_before"] = job.exposure_before ? nlohmann::json(*job.exposure_before) : nlohmann::json();
  json["exposure_after"] = job.exposure_after ? nlohmann::json(*job.exposure_after) : nlohmann::json();
  json["trial_count"] = job.total_trials();
  json["wall_seconds"] = job.wall_seconds;
  json["changes"] = nlohmann::json::array();
  for (const auto& c : job.changes) {
    nlohmann::json replacement = nlohmann::json::array();
    for (const auto& d : c.replacement) replacement.push_back(d.line());
    json["changes"].push_back({{"line", c.original.line()}, {"replacement", replacement}, {"why", c.why}});
  }
  json["not_tested"] = nlohmann::json::array();
  for (const auto& n : job.tmpl.not_tested) json["not_tested"].push_back({{"line", n.line}, {"why", n.why}});
  json["set_by_unit"] = job.tmpl.set_by_unit;
  json["bases"] = nlohmann::json::array();
  for (const auto& c : job.checks)
    json["bases"].push_back({{"base", c.base},
                             {"runs", c.runs},
                             {"passed", c.passed},
                             {"reason", c.reason},
                             {"exposure", c.exposure ? nlohmann::json(*c.exposure) : nlohmann::json()}});
  json["notes"] = job.notes;
  if (!job.search.trials.empty()) json["search"] = search_body(search_report_input(job.scenario, job.search));
  return json;
}

ReportCell harden_cell(const job::HardenJob& job) {
  ReportCell cell;
  if (!job.search.trials.empty())
    cell = cell_from_search(search_report_input(job.scenario, job.search), options_label(job.scenario));
  cell.name = job.scenario.name;
  cell.scenario = job.scenario.name;
  cell.verdict = harden_verdict(job);
  cell.reason = job.message;
  cell.safe.clear();
  std::string text = harden_dropin(job);
  for (size_t start = 0; start < text.size();) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    cell.safe.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  cell.exposure_before = job.exposure_before;
  cell.exposure_after = job.exposure_after;
  cell.trials = job.total_trials();
  cell.seconds = job.wall_seconds;
  return cell;
}

}  // namespace hb::report
