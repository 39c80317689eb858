// hardbisect check: apply a whole hardening template to a service before
// rollout. PASS: exit 0 and the exposure reached. FAIL: bisect it (the same
// engine as `bisect`), name the culprits and give the safe subset as a drop-in.
#include <fmt/format.h>

#include <filesystem>
#include <iostream>

#include "commands.h"
#include "report/json_report.h"
#include "report/report_cell.h"
#include "report/search_report.h"
#include "scenario/adhoc.h"
#include "scenario/template.h"
#include "job/bisect_job.h"
#include "util/error.h"
#include "util/files.h"

namespace hb::cli {

void add_adhoc_flags(CLI::App& app, scenario::AdhocFlags& flags);
scenario::Scenario load_scenario_or_flags(const std::string& path, const scenario::AdhocFlags& flags);
void add_search_flags(CLI::App& app, search::SearchConfig& config);
void check_strategy(const std::string& strategy);
std::unique_ptr<job::ResultCache> open_result_cache(const Context& context);

// --junit, --markdown, --html: shared by check, bisect and verify.
void add_report_flags(CLI::App& app, report::ReportPaths& paths) {
  app.add_option("--junit", paths.junit, "Write a JUnit XML report to FILE (one testcase per scenario)");
  app.add_option("--markdown", paths.markdown,
                 "Write a Markdown summary to FILE (e.g. $GITHUB_STEP_SUMMARY)");
  app.add_option("--html", paths.html, "Write a self-contained HTML report to FILE");
}

void write_report_files(const report::ReportSet& set, const report::ReportPaths& paths) {
  for (const auto& line : report::write_reports(set, paths)) std::cout << line << "\n";
}

namespace {

struct CheckOptions {
  std::string template_path;
  std::vector<std::string> scenarios;
  scenario::AdhocFlags flags;
  search::SearchConfig config;
  double threshold = 0;
  std::string json_path;
  std::string safe_path;
  report::ReportPaths reports;
};

// The scenario with the template's lines as its options.
scenario::Scenario with_template(scenario::Scenario s, const scenario::ParsedTemplate& parsed,
                                 const std::string& template_path) {
  s.options = parsed.options;
  s.template_file = template_path;
  s.expect_culprits.clear();  // named the scenario's own options
  s.warnings.insert(s.warnings.end(), parsed.warnings.begin(), parsed.warnings.end());
  return s;
}

std::string exposures_line(const report::SearchExposures& e, search::SearchStatus status) {
  if (status == search::SearchStatus::NothingBreaks)
    return fmt::format("exposure: baseline {} -> template {} (systemd-analyze security; 0 best, 10 worst)\n",
                       report::exposure_text(e.baseline), report::exposure_text(e.full));
  return fmt::format(
      "exposure: baseline {}, full template {}, safe subset {} (systemd-analyze security; "
      "0 best, 10 worst)\n",
      report::exposure_text(e.baseline), report::exposure_text(e.full), report::exposure_text(e.safe));
}

}  // namespace

Action setup_check(CLI::App& app) {
  auto o = std::make_shared<CheckOptions>();
  app.add_option("template", o->template_path, "The hardening template: a drop-in file of directive lines")
      ->required();
  app.add_option(
      "--scenario", o->scenarios,
      "The service to check it on: a scenario YAML file whose options the template's lines replace "
      "(repeatable: one answer per scenario)");
  add_adhoc_flags(app, o->flags);
  // The template is the positional argument; the scenario's own lines are replaced.
  app.remove_option(app.get_option("--template"));
  app.remove_option(app.get_option("--option"));
  add_search_flags(app, o->config);
  CLI::Option* threshold = app.add_option(
      "--threshold", o->threshold,
      "Fail also when the exposure reached (the template's, or the safe subset's) is above this "
      "systemd-analyze security level (0-10)");
  threshold->check(CLI::Range(0.0, 10.0));
  app.add_option("--json", o->json_path, "Write a machine-readable report to FILE");
  app.add_option("--safe-out", o->safe_path,
                 "Write the safe subset (a drop-in) to FILE when the template fails");
  add_report_flags(app, o->reports);

  return [o, threshold](Context& context) {
    check_strategy(o->config.strategy);
    const bool adhoc = !o->flags.unit.empty() || !o->flags.workload.empty() || !o->flags.unit_file.empty();
    if (o->scenarios.empty() && !adhoc)
      throw UserError("no service to check the template on",
                      "give --scenario S.yaml, or the ad-hoc flags --unit and --workload (and --unit-file, "
                      "--packages)");
    if (!o->scenarios.empty() && adhoc)
      throw UserError("give either --scenario or the ad-hoc flags (--unit, --workload...), not both");
    if (o->scenarios.size() > 1 && !o->safe_path.empty())
      throw UserError("--safe-out takes one scenario",
                      "check one --scenario at a time, or use --json (safe_dropin)");

    scenario::ParsedTemplate parsed = scenario::parse_template_file(o->template_path, "template");
    if (parsed.options.empty())
      throw UserError("the template " + o->template_path + " has no directive lines",
                      "a drop-in with [Service] and lines such as ProtectSystem=strict");
    std::vector<scenario::Scenario> scenarios;
    if (o->scenarios.empty())
      scenarios.push_back(with_template(load_scenario_or_flags("", o->flags), parsed, o->template_path));
    for (const auto& path : o->scenarios)
      scenarios.push_back(with_template(load_scenario_or_flags(path, o->flags), parsed, o->template_path));
    context.require_podman();
    std::unique_ptr<job::ResultCache> cache = open_result_cache(context);

    const std::string template_name = std::filesystem::path(o->template_path).filename().string();
    const std::string label = fmt::format("{} ({} options)", template_name, parsed.options.size());
    const bool has_threshold = threshold->count() > 0;
    std::string names;
    for (const auto& s : scenarios) names += (names.empty() ? "" : ", ") + s.name;
    report::ReportSet set{fmt::format("hardbisect check: {} on {}", template_name, names), "check", {}};
    nlohmann::json json = report::report_envelope("check");
    json["template"] = o->template_path;
    json["threshold"] = has_threshold ? nlohmann::json(o->threshold) : nlohmann::json(nullptr);
    json["results"] = nlohmann::json::array();
    std::vector<int> codes;

    for (const auto& s : scenarios) {
      std::cout << fmt::format("\n== hardbisect check: {} ({} options) on {} ({})\n", o->template_path,
                               s.options.size(), s.name, s.service.unit);
      for (const auto& warning : s.warnings) std::cout << "warning: " << warning << "\n";
      job::BisectJob job = job::run_bisect_job(
          context.runtime(), context.images(), s, o->config,
          context.status(), cache.get(),
          context.host_flags().connection.empty());
      report::SearchReportInput input = report::search_report_input(s, job);
      const report::SearchExposures exposures = report::search_exposures(input);
      report::ReportCell cell = report::cell_from_search(input, label);
      int code = job::bisect_exit_code(job);
      std::string verdict;
      std::string threshold_note;

      if (job.result.status == search::SearchStatus::NothingBreaks) {
        verdict = "pass";
        std::cout << fmt::format(
            "\ncheck: PASS: {} works with all {} lines of {} applied and enforced ({})\n", s.service.unit,
            s.options.size(), template_name, job.result.message);
        std::cout << exposures_line(exposures, job.result.status);
        if (has_threshold && !exposures.full) {
          threshold_note = "the template's exposure could not be measured, so --threshold cannot be checked";
          code = kExitUnresolved;
          verdict = "unresolved";
        } else if (has_threshold && *exposures.full > o->threshold) {
          threshold_note = fmt::format("the template's exposure {:.1f} is above --threshold {:.1f}",
                                       *exposures.full, o->threshold);
          code = kExitCulprit;
          verdict = "fail";
        }
      } else {
        std::cout << report::format_search_summary(input);
        std::cout << exposures_line(exposures, job.result.status);
        if (job.result.status == search::SearchStatus::Found) {
          verdict = "fail";
          std::string dropin = report::safe_dropin(s, job.result);
          std::cout << "\nsafe subset as a drop-in:\n" << dropin;
          if (!o->safe_path.empty()) {
            util::write_file_atomically(o->safe_path, dropin);
            std::cout << "safe subset written to " << o->safe_path << "\n";
          }
          if (has_threshold && (!exposures.safe || *exposures.safe > o->threshold))
            threshold_note = exposures.safe
                                 ? fmt::format(
                                       "the safe subset's exposure {:.1f} is also above "
                                       "--threshold {:.1f}",
                                       *exposures.safe, o->threshold)
                                 : "the safe subset's exposure could not be measured for --threshold";
          std::cout << fmt::format("\ncheck: FAIL: {} breaks {}; culprits: {}\n", template_name,
                                   s.service.unit, [&] {
                                     std::string text;
                                     for (const auto& c : cell.culprits) {
                                       std::string inner;
                                       for (const auto& n : c) inner += (inner.empty() ? "" : " + ") + n;
                                       text += (text.empty() ? "" : "; ") + inner;
                                     }
                                     return text;
                                   }());
        } else {
          verdict = "unresolved";
          std::cout << fmt::format(
              "\ncheck: {}: {}\n",
              job.result.status == search::SearchStatus::BaselineFails ? "ERROR" : "UNRESOLVED",
              job.result.message);
        }
      }
      if (job.cached_count > 0)
        std::cout << fmt::format(
            "{} of the {} trials served from the result cache in {} (--no-cache runs them "
            "again)\n",
            job.cached_count, job.result.trial_count, cache->dir());
      if (!threshold_note.empty()) {
        std::cout << "check: " << threshold_note << "\n";
        cell.reason += (cell.reason.empty() ? "" : "; ") + threshold_note;
      }
      cell.verdict = verdict;
      set.cells.push_back(cell);
      codes.push_back(code);

      nlohmann::json result = report::search_to_json(input);
      result["command"] = "check";
      result["check"] = verdict;
      result["threshold_note"] = threshold_note;
      result["exposure"] = {
          {"baseline", exposures.baseline ? nlohmann::json(*exposures.baseline) : nlohmann::json(nullptr)},
          {"full", exposures.full ? nlohmann::json(*exposures.full) : nlohmann::json(nullptr)},
          {"safe", exposures.safe ? nlohmann::json(*exposures.safe) : nlohmann::json(nullptr)}};
      json["results"].push_back(result);
    }

    // Any failure is the answer (1); otherwise the worst other code.
    int code = kExitOk;
    if (std::find(codes.begin(), codes.end(), static_cast<int>(kExitCulprit)) != codes.end())
      code = kExitCulprit;
    else if (!codes.empty())
      code = *std::max_element(codes.begin(), codes.end());
    report::VerdictCounts counts = report::count_verdicts(set.cells);
    if (scenarios.size() > 1)
      std::cout << fmt::format("\n== check summary: {} scenario(s): {} pass, {} fail, {} unresolved\n",
                               counts.total(), counts.pass, counts.fail, counts.unresolved);
    json["verdict"] = code == kExitOk ? "pass" : code == kExitCulprit ? "fail" : "unresolved";
    if (!o->json_path.empty()) util::write_file_atomically(o->json_path, json.dump(2) + "\n");
    write_report_files(set, o->reports);
    return code;
  };
}

}  // namespace hb::cli
