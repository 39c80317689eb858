// hardbisect verify: bisect every scenario that states its expected answer
// and fail when the found answer differs. The comparison, the counts and the
// exit code are job/verify_job.h's; this file declares the flags, prints and
// writes the reports.
#include <fmt/format.h>

#include <filesystem>
#include <iostream>

#include "commands.h"
#include "flags.h"
#include "job/verify_job.h"
#include "report/json_report.h"
#include "report/report_cell.h"
#include "report/search_report.h"
#include "scenario/loader.h"
#include "util/error.h"
#include "util/files.h"
#include "util/json.h"
#include "util/strings.h"

namespace fs = std::filesystem;

namespace hb::cli {

namespace {

struct VerifyOptions {
  std::vector<std::string> paths;
  std::string containerfile;
  search::SearchConfig config;
  std::string json_path;
  report::ReportPaths reports;
};

std::string sets_text_or_none(const job::CulpritSets& sets) {
  return sets.empty() ? "(none)" : report::sets_text(sets);
}

std::vector<std::string> scenario_files(const std::vector<std::string>& paths) {
  std::vector<std::string> files;
  for (const auto& path : paths) {
    if (fs::is_directory(path)) {
      std::vector<std::string> found;
      for (const auto& entry : fs::directory_iterator(path))
        if (entry.is_regular_file() && entry.path().extension() == ".yaml")
          found.push_back(entry.path().string());
      std::sort(found.begin(), found.end());
      files.insert(files.end(), found.begin(), found.end());
    } else if (fs::exists(path)) {
      files.push_back(path);
    } else {
      throw UserError("no such file or folder: " + path, "give scenario files or a folder of them");
    }
  }
  return files;
}

// The scenarios that state expect_culprits; the others are skipped with a line.
std::vector<scenario::Scenario> verifiable_scenarios(Context& context, const std::vector<std::string>& paths,
                                                     const std::string& containerfile) {
  std::vector<scenario::Scenario> scenarios;
  for (const auto& file : scenario_files(paths.empty() ? std::vector<std::string>{"scenarios"} : paths)) {
    scenario::Scenario s = scenario::load_scenario_file(file);
    if (s.expect_culprits.empty()) {
      context.log("skipping " + file + ": no expect_culprits");
      continue;
    }
    for (const auto& line : apply_containerfile_flag(s, containerfile)) context.log(s.name + ": " + line);
    scenarios.push_back(std::move(s));
  }
  if (scenarios.empty())
    throw UserError("no scenario states expect_culprits", "add expect_culprits: to a scenario");
  return scenarios;
}

// Scenarios side by side must not build one image twice at once: every
// image they need is built (or found) first, one after another.
void ensure_images(Context& context, const std::vector<scenario::Scenario>& scenarios) {
  for (const auto& s : scenarios) {
    if (!s.image.name.empty()) continue;
    image::ImageRequest request;
    request.release = s.image.base;
    request.packages = s.image.packages;
    context.images().ensure(request);
  }
}

std::string names_or_none(const std::vector<std::string>& names) {
  return names.empty() ? "(none)" : util::join(names, ", ");
}

// "removes A, B (expected A, B)"; the expected part only when the scenario states expect_removal.
std::string removal_text(const job::VerifyOutcome& outcome) {
  std::string text = "removes " + names_or_none(outcome.found_removal);
  if (outcome.expected_removal) text += " (expected " + names_or_none(*outcome.expected_removal) + ")";
  return text;
}

// One or two summary rows: the verdict and what was found; what was expected when it differs.
std::vector<std::string> summary_rows(const scenario::Scenario& s, const job::VerifyResult& r) {
  const search::SearchResult& result = r.job.result;
  const job::VerifyOutcome& outcome = r.outcome;
  std::string confidence = result.flaky ? fmt::format(", flaky p={:.2f}, confidence {:.3f}",
                                                      result.failure_rate, result.confidence)
                                        : "";
  std::string cached = r.job.cached_count ? fmt::format(" ({} cached)", r.job.cached_count) : "";
  std::vector<std::string> rows{
      fmt::format("{:<10} {:<28} {:>4} trials{} {:>6.1f} s  found {}{}; {}",
                  job::verify_verdict_name(outcome.verdict), s.name, result.trial_count, cached,
                  r.job.wall_seconds, sets_text_or_none(outcome.found), confidence, removal_text(outcome))};
  if (outcome.verdict != job::VerifyVerdict::Ok)
    rows.push_back(fmt::format("{:<10} {:<28} expected {} ({})", "", "", sets_text_or_none(outcome.expected),
                               report::summary_message(report::search_report_input(s, r.job))));
  return rows;
}

report::ReportCell result_cell(const scenario::Scenario& s, const job::VerifyResult& r) {
  report::ReportCell cell =
      report::cell_from_search(report::search_report_input(s, r.job), report::options_label(s));
  cell.verdict = job::verify_report_verdict(r.outcome.verdict);
  cell.reason = fmt::format("found {}, expected {}; {}: {}", sets_text_or_none(r.outcome.found),
                            sets_text_or_none(r.outcome.expected), removal_text(r.outcome),
                            report::summary_message(report::search_report_input(s, r.job)));
  return cell;
}

nlohmann::json result_json(const scenario::Scenario& s, const job::VerifyResult& r) {
  const search::SearchResult& result = r.job.result;
  return {{"scenario", s.name},
          {"file", s.loc.file},
          {"verdict", search::verdict_name(job::verify_report_verdict(r.outcome.verdict))},
          {"expectation", util::lower(job::verify_verdict_name(r.outcome.verdict))},
          {"outcome", search::status_name(result.status)},
          {"expected_culprits", r.outcome.expected},
          {"culprits", r.outcome.found},
          {"found_removal", r.outcome.found_removal},
          {"expected_removal", util::json_or_null(r.outcome.expected_removal)},
          {"trial_count", result.trial_count},
          {"cached_trials", r.job.cached_count},
          {"wall_seconds", r.job.wall_seconds},
          {"flaky", result.flaky},
          {"failure_rate", result.failure_rate},
          {"confidence", result.confidence},
          {"ruled_out", report::ruled_out_json(result)}};
}

void report_verify(const VerifyOptions& o, const std::vector<scenario::Scenario>& scenarios,
                   const job::VerifyRun& run) {
  report::ReportSet report_set{"hardbisect verify", "verify", {}};
  nlohmann::json json = report::report_envelope("verify");
  json["results"] = nlohmann::json::array();
  std::cout << "\n== verify summary\n";
  for (size_t i = 0; i < scenarios.size(); ++i) {
    for (const auto& row : summary_rows(scenarios[i], run.results[i])) std::cout << row << "\n";
    report_set.cells.push_back(result_cell(scenarios[i], run.results[i]));
    json["results"].push_back(result_json(scenarios[i], run.results[i]));
  }
  std::cout << fmt::format("{} scenario(s): {} ok, {} wrong, {} undecided\n", run.counts.total(),
                           run.counts.ok, run.counts.wrong, run.counts.undecided);
  if (!o.json_path.empty()) util::write_file_atomically(o.json_path, json.dump(2) + "\n");
  write_report_files(report_set, o.reports);
}

}  // namespace

Action setup_verify(CLI::App& app) {
  auto o = std::make_shared<VerifyOptions>();
  app.add_option("scenarios", o->paths, "Scenario files or folders (default: scenarios/)");
  add_search_flags(app, o->config);
  add_containerfile_flag(app, o->containerfile);
  app.get_option("--jobs")->description(
      "Scenarios side by side, each one's progress printed when it ends (default: from cores and memory)");
  app.add_option("--json", o->json_path, "Write the results to FILE");
  add_report_flags(app, o->reports);
  return [o, &app](Context& context) {
    check_output_flags(app);
    check_strategy(o->config.strategy);
    std::vector<scenario::Scenario> scenarios = verifiable_scenarios(context, o->paths, o->containerfile);
    if (context.flags().dry_run) return dry_run_one_trial(context, scenarios.front());
    context.require_podman();
    std::unique_ptr<job::ResultCache> cache = open_result_cache(context);
    if (o->config.jobs > 1 && scenarios.size() > 1) ensure_images(context, scenarios);
    const search::SearchConfig config = o->config;
    const bool local_host = context.host_flags().connection.empty();
    job::VerifyBisect bisect = [&](const scenario::Scenario& s, int jobs, job::Status& status) {
      search::SearchConfig c = config;
      c.jobs = jobs;
      return job::run_bisect_job(context.runtime(), context.images(), s, c, status, cache.get(), local_host);
    };
    job::VerifyRun run = job::run_verify(scenarios, bisect, o->config.jobs, context.status());
    report_verify(*o, scenarios, run);
    return run.exit_code;
  };
}

}  // namespace hb::cli
