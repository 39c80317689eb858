// hardbisect check: apply a whole hardening template to a service before
// rollout. PASS: exit 0 and the exposure reached. FAIL: bisect it (the same
// engine as `bisect`), name the culprits and give the safe subset as a drop-in.
// The verdicts, --threshold and the exit code are job/check_job.h's; this
// file declares the flags, prints and writes the reports.
#include <fmt/format.h>

#include <filesystem>
#include <iostream>

#include "commands.h"
#include "flags.h"
#include "job/check_job.h"
#include "report/json_report.h"
#include "report/report_cell.h"
#include "report/search_report.h"
#include "report/terminal.h"
#include "util/error.h"
#include "util/files.h"
#include "util/json.h"
#include "util/strings.h"

namespace hb::cli {

namespace {

struct CheckOptions {
  std::string template_path;
  std::vector<std::string> scenarios;
  scenario::AdhocFlags flags;
  search::SearchConfig config;
  double threshold = 0;
  bool allow_ignored = false;
  bool drill_down = false;
  std::string json_path;
  std::string safe_path;
  report::ReportPaths reports;
};

// The check's verdict as the CI reports class it.
search::Verdict report_verdict(job::CheckVerdict verdict) {
  return verdict == job::CheckVerdict::Pass   ? search::Verdict::Pass
         : verdict == job::CheckVerdict::Fail ? search::Verdict::Fail
                                              : search::Verdict::Unresolved;
}

// Returns the --threshold option (whether it was given decides the check).
CLI::Option* add_check_flags(CLI::App& app, CheckOptions& o) {
  app.add_option("template", o.template_path, "The hardening template: a drop-in file of directive lines")
      ->required();
  app.add_option(
      "--scenario", o.scenarios,
      "The service to check it on: a scenario YAML file whose options the template's lines replace "
      "(repeatable: one answer per scenario)");
  add_adhoc_flags(app, o.flags);
  // The template is the positional argument; the scenario's own lines are replaced.
  app.remove_option(app.get_option("--template"));
  app.remove_option(app.get_option("--option"));
  add_search_flags(app, o.config);
  CLI::Option* threshold = app.add_option(
      "--threshold", o.threshold,
      "Fail also when the exposure reached (the template's, or the safe subset's) is above this "
      "systemd-analyze security level (0-10)");
  threshold->check(CLI::Range(0.0, 10.0));
  app.add_flag("--allow-ignored", o.allow_ignored,
               "Pass a template although systemd ignores some of its lines (they are still reported)");
  add_drill_down_flag(app, o.drill_down);
  app.add_option("--json", o.json_path, "Write a machine-readable report to FILE");
  app.add_option("--safe-out", o.safe_path,
                 "Write the safe subset (a drop-in) to FILE when the template fails");
  add_report_flags(app, o.reports);
  return threshold;
}

void check_usage(const CheckOptions& o) {
  check_strategy(o.config.strategy);
  const bool adhoc = has_adhoc_flags(o.flags);
  if (o.scenarios.empty() && !adhoc)
    throw UserError("no service to check the template on",
                    "give --scenario S.yaml, or the ad-hoc flags --unit and --workload (and --unit-file, "
                    "--packages)");
  if (o.scenarios.size() > 1 && !o.safe_path.empty())
    throw UserError("--safe-out takes one scenario",
                    "check one --scenario at a time, or use --json (safe_dropin)");
}

// Each scenario (or the ad-hoc one) with the template's lines as its
// options; the ad-hoc flags given override each file's values (`overrides`
// gets one line per flag and scenario, scoped by its name when several).
std::vector<scenario::Scenario> check_scenarios(const CheckOptions& o, const scenario::ParsedTemplate& parsed,
                                                job::Status& status) {
  if (parsed.options.empty())
    throw UserError("the template " + o.template_path + " has no directive lines",
                    "a drop-in with [Service] and lines such as ProtectSystem=strict");
  std::vector<LoadedScenario> loaded;
  if (o.scenarios.empty()) loaded.push_back(load_scenario_or_flags("", o.flags));
  for (const auto& path : o.scenarios) loaded.push_back(load_scenario_or_flags(path, o.flags));
  std::vector<scenario::Scenario> scenarios;
  for (auto& l : loaded) {
    job::ScopedStatus scoped(status, loaded.size() > 1 ? l.scenario.name : "");
    for (const auto& line : l.overrides) scoped.info(line);
    scenarios.push_back(job::with_template(std::move(l.scenario), parsed, o.template_path));
  }
  return scenarios;
}

std::string exposures_line(const job::Exposures& e, search::SearchStatus status) {
  if (status == search::SearchStatus::NothingBreaks)
    return fmt::format("exposure: baseline {} -> template {} (systemd-analyze security; 0 best, 10 worst)\n",
                       report::exposure_text(e.baseline), report::exposure_text(e.full));
  return fmt::format(
      "exposure: baseline {}, full template {}, safe subset {} (systemd-analyze security; "
      "0 best, 10 worst)\n",
      report::exposure_text(e.baseline), report::exposure_text(e.full), report::exposure_text(e.safe));
}

// "A + B; C": the culprit sets, option names as written.
std::string culprits_text(const scenario::Scenario& s, const search::SearchResult& result) {
  std::vector<std::string> sets;
  for (const auto& set : result.culprits) sets.push_back(util::join(job::option_names(s, set), " + "));
  return util::join(sets, "; ");
}

// What one scenario's answer prints; writes --safe-out when it fails.
void print_result(const CheckOptions& o, const scenario::Scenario& s, const job::CheckResult& r,
                  const job::ResultCache* cache) {
  const std::string template_name = std::filesystem::path(o.template_path).filename().string();
  const search::SearchResult& result = r.job.result;
  if (result.status == search::SearchStatus::NothingBreaks) {
    if (r.job.findings.empty()) {
      std::cout << fmt::format("\ncheck: PASS: {} works with all {} lines of {} applied and enforced ({})\n",
                               s.service.unit, s.options.size(), template_name, result.message);
    } else {
      std::cout << "\nfindings (lines systemd ignores in whole or part):\n"
                << report::format_findings(r.job.findings);
      std::cout << fmt::format(
          "\ncheck: {}: {} works with {} as systemd applies it ({}), but systemd ignores {} "
          "line(s) of it in whole or part\n",
          r.outcome.verdict == job::CheckVerdict::Pass ? "PASS" : "FAIL", s.service.unit, template_name,
          result.message, r.job.findings.size());
    }
    std::cout << report::ruled_out_text(result);
    std::cout << exposures_line(r.exposures, result.status);
  } else {
    std::cout << report::format_search_summary(report::search_report_input(s, r.job));
    std::cout << exposures_line(r.exposures, result.status);
    if (result.status == search::SearchStatus::Found) {
      std::string dropin = report::safe_dropin(s, result);
      std::cout << "\nsafe subset as a drop-in:\n" << dropin;
      if (!o.safe_path.empty()) {
        util::write_file_atomically(o.safe_path, dropin);
        std::cout << "safe subset written to " << o.safe_path << "\n";
      }
      std::cout << fmt::format("\ncheck: FAIL: {} breaks {}; culprits: {}\n", template_name, s.service.unit,
                               culprits_text(s, result));
    } else {
      std::cout << fmt::format("\ncheck: {}: {}\n",
                               r.outcome.verdict == job::CheckVerdict::Fail           ? "FAIL"
                               : result.status == search::SearchStatus::BaselineFails ? "ERROR"
                                                                                      : "UNRESOLVED",
                               report::summary_message(report::search_report_input(s, r.job)));
    }
  }
  std::cout << cached_trials_line(r.job, cache);
  if (!r.outcome.threshold_note.empty()) std::cout << "check: " << r.outcome.threshold_note << "\n";
  if (!r.outcome.findings_note.empty()) std::cout << "check: " << r.outcome.findings_note << "\n";
}

nlohmann::json optional_json(const std::optional<double>& value) { return util::json_or_null(value); }

// The JSON report and the CI reports' cells of a check, scenario by scenario.
class CheckReport {
 public:
  CheckReport(const CheckOptions& o, size_t option_count, const std::vector<scenario::Scenario>& scenarios,
              bool has_threshold)
      : m_template_name(std::filesystem::path(o.template_path).filename().string()),
        m_label(fmt::format("{} ({} options)", m_template_name, option_count)),
        m_json(report::report_envelope("check")) {
    std::vector<std::string> names;
    for (const auto& s : scenarios) names.push_back(s.name);
    m_set = {
        fmt::format("hardbisect check: {} on {}", m_template_name, util::join(names, ", ")), "check", {}};
    m_json["template"] = o.template_path;
    m_json["threshold"] = has_threshold ? nlohmann::json(o.threshold) : nlohmann::json(nullptr);
    m_json["results"] = nlohmann::json::array();
  }

  void add(const scenario::Scenario& s, const job::CheckResult& r,
           const std::vector<job::DrillDownResult>& drilled) {
    report::SearchReportInput input = report::search_report_input(s, r.job);
    report::ReportCell cell = report::cell_from_search(input, m_label);
    const std::string& note = r.outcome.threshold_note;
    if (!note.empty()) cell.reason += (cell.reason.empty() ? "" : "; ") + note;
    if (!r.outcome.findings_note.empty())
      cell.reason += (cell.reason.empty() ? "" : "; ") + r.outcome.findings_note;
    cell.verdict = report_verdict(r.outcome.verdict);
    m_set.cells.push_back(std::move(cell));
    nlohmann::json result = report::search_body(input);
    // The check's verdict (the threshold and the findings have their say);
    // "outcome" stays the search's.
    result["verdict"] = job::check_verdict_name(r.outcome.verdict);
    result["threshold_note"] = note;
    result["findings_note"] = r.outcome.findings_note;
    result["drill_down"] = drill_down_json(drilled);
    result["exposure"] = {{"baseline", optional_json(r.exposures.baseline)},
                          {"full", optional_json(r.exposures.full)},
                          {"safe", optional_json(r.exposures.safe)}};
    m_json["results"].push_back(result);
  }

  void write(const CheckOptions& o, int exit_code) {
    m_json["verdict"] = job::check_verdict_name(job::overall_verdict(exit_code));
    if (!o.json_path.empty()) util::write_file_atomically(o.json_path, m_json.dump(2) + "\n");
    write_report_files(m_set, o.reports);
  }

  const report::ReportSet& set() const { return m_set; }

 private:
  std::string m_template_name;
  std::string m_label;
  report::ReportSet m_set;
  nlohmann::json m_json;
};

int run_check_command(Context& context, const CheckOptions& o, bool has_threshold) {
  check_usage(o);
  scenario::ParsedTemplate parsed = scenario::parse_template_file(o.template_path, "template");
  std::vector<scenario::Scenario> scenarios = check_scenarios(o, parsed, context.status());
  if (context.flags().dry_run) return dry_run_one_trial(context, scenarios.front());
  context.require_podman();
  std::unique_ptr<job::ResultCache> cache = open_result_cache(context);
  CheckReport report(o, parsed.options.size(), scenarios, has_threshold);
  job::CheckHooks hooks;
  hooks.started = [&](const scenario::Scenario& s) {
    std::cout << fmt::format("\n== hardbisect check: {} ({} options) on {} ({})\n", o.template_path,
                             s.options.size(), s.name, s.service.unit);
    for (const auto& warning : s.warnings) context.status().warning(warning);
  };
  hooks.finished = [&](const scenario::Scenario& s, const job::CheckResult& r) {
    print_result(o, s, r, cache.get());
    std::vector<job::DrillDownResult> drilled;
    if (o.drill_down && r.job.result.status == search::SearchStatus::Found) {
      std::cout << "\n";
      drilled = job::drill_down_culprits(context.runtime(), r.job, s, o.config, context.status());
      if (drilled.empty()) std::cout << "drill-down: no culprit is a single list-valued line\n";
    }
    report.add(s, r, drilled);
  };
  std::optional<double> threshold = has_threshold ? std::optional<double>(o.threshold) : std::nullopt;
  job::CheckRun run = job::run_check(scenarios, threshold, bisect_runner(context, o.config, cache.get()),
                                     hooks, o.allow_ignored);
  report::VerdictCounts counts = report::count_verdicts(report.set().cells);
  if (scenarios.size() > 1)
    std::cout << fmt::format("\n== check summary: {} scenario(s): {} pass, {} fail, {} unresolved\n",
                             counts.total(), counts.pass, counts.fail, counts.unresolved);
  report.write(o, run.exit_code);
  return run.exit_code;
}

}  // namespace

Action setup_check(CLI::App& app) {
  auto o = std::make_shared<CheckOptions>();
  CLI::Option* threshold = add_check_flags(app, *o);
  return [o, threshold, &app](Context& context) {
    check_output_flags(app);
    note_given_flags(app, o->flags);
    return run_check_command(context, *o, threshold->count() > 0);
  };
}

}  // namespace hb::cli
