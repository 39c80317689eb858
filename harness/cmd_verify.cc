// hardbisect verify: bisect every scenario that states its expected answer
// and fail when the found answer differs.
#include <filesystem>
#include <fmt/format.h>
#include <iostream>

#include "commands.h"
#include "report/report_cell.h"
#include "report/search_report.h"
#include "scenario/loader.h"
#include "job/bisect_job.h"
#include "util/error.h"
#include "util/files.h"

namespace fs = std::filesystem;

namespace hb::cli {

void add_search_flags(CLI::App& app, search::SearchConfig& config);
void check_strategy(const std::string& strategy);
void add_report_flags(CLI::App& app, report::ReportPaths& paths);
void write_report_files(const report::ReportSet& set, const report::ReportPaths& paths);

namespace {

std::string sets_text_or_none(const std::vector<std::vector<std::string>>& sets) {
  return sets.empty() ? "(none)" : report::sets_text(sets);
}

std::vector<std::string> scenario_files(const std::vector<std::string>& paths) {
  std::vector<std::string> files;
  for (const auto& path : paths) {
    if (fs::is_directory(path)) {
      std::vector<std::string> found;
      for (const auto& entry : fs::directory_iterator(path))
        if (entry.is_regular_file() && entry.path().extension() == ".yaml") found.push_back(entry.path().string());
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

}  // namespace

Action setup_verify(CLI::App& app) {
  auto paths = std::make_shared<std::vector<std::string>>();
  auto config = std::make_shared<search::SearchConfig>();
  auto json_path = std::make_shared<std::string>();
  app.add_option("scenarios", *paths, "Scenario files or folders (default: scenarios/)");
  add_search_flags(app, *config);
  app.add_option("--json", *json_path, "Write the results to FILE");
  auto reports = std::make_shared<report::ReportPaths>();
  add_report_flags(app, *reports);
  return [=](Context& context) {
    check_strategy(config->strategy);
    std::vector<std::string> files = scenario_files(paths->empty() ? std::vector<std::string>{"scenarios"} : *paths);
    std::vector<scenario::Scenario> scenarios;
    for (const auto& file : files) {
      scenario::Scenario s = scenario::load_scenario_file(file);
      if (s.expect_culprits.empty()) {
        context.log("skipping " + file + ": no expect_culprits");
        continue;
      }
      scenarios.push_back(std::move(s));
    }
    if (scenarios.empty()) throw UserError("no scenario states expect_culprits", "add expect_culprits: to a scenario");
    context.require_podman();
    std::unique_ptr<job::ResultCache> cache = open_result_cache(context);
    nlohmann::json results = nlohmann::json::array();
    int wrong = 0;
    int undecided = 0;
    std::vector<std::string> rows;
    report::ReportSet report_set{"hardbisect verify", "verify", {}};
    for (const auto& s : scenarios) {
      std::cout << "\n== " << s.name << " (" << s.loc.file << ")\n";
      job::BisectJob job = job::run_bisect_job(
          context.runtime(), context.images(), s, *config,
          context.status(), cache.get(),
          context.host_flags().connection.empty());
      auto found = job::culprit_names(s, job.result);
      auto expected = job::normalized(s.expect_culprits);
      bool decided = job.result.status == search::SearchStatus::Found;
      bool match = decided && found == expected;
      if (!decided) ++undecided;
      if (decided && !match) ++wrong;
      std::string verdict = match ? "ok" : decided ? "WRONG" : "UNDECIDED";
      std::string confidence = job.result.flaky ? fmt::format(", flaky p={:.2f}, confidence {:.3f}",
                                                              job.result.failure_rate, job.result.confidence)
                                                : "";
      std::string cached = job.cached_count ? fmt::format(" ({} cached)", job.cached_count) : "";
      rows.push_back(fmt::format("{:<10} {:<28} {:>4} trials{} {:>6.1f} s  found {}{}", verdict, s.name,
                                 job.result.trial_count, cached, job.wall_seconds, sets_text_or_none(found), confidence));
      if (!match) rows.push_back(fmt::format("{:<10} {:<28} expected {} ({})", "", "", sets_text_or_none(expected),
                                             report::summary_message(report::search_report_input(s, job))));
      report::SearchReportInput input = report::search_report_input(s, job);
      report::ReportCell cell = report::cell_from_search(input, report::options_label(s));
      cell.verdict = match ? "pass" : decided ? "fail" : "unresolved";
      cell.reason = fmt::format("found {}, expected {}: {}", sets_text_or_none(found), sets_text_or_none(expected), job.result.message);
      report_set.cells.push_back(std::move(cell));
      results.push_back({{"scenario", s.name},
                         {"file", s.loc.file},
                         {"verdict", verdict},
                         {"status", search::status_name(job.result.status)},
                         {"expected", expected},
                         {"found", found},
                         {"trials", job.result.trial_count},
                         {"cached_trials", job.cached_count},
                         {"wall_seconds", job.wall_seconds},
                         {"flaky", job.result.flaky},
                         {"failure_rate", job.result.failure_rate},
                         {"confidence", job.result.confidence}});
    }
    std::cout << "\n== verify summary\n";
    for (const auto& row : rows) std::cout << row << "\n";
    std::cout << fmt::format("{} scenario(s): {} ok, {} wrong, {} undecided\n", scenarios.size(),
                             scenarios.size() - wrong - undecided, wrong, undecided);
    if (!json_path->empty()) {
      nlohmann::json report{{"tool", "hardbisect"}, {"command", "verify"}, {"results", results}};
      util::write_file_atomically(*json_path, report.dump(2) + "\n");
    }
    write_report_files(report_set, *reports);
    if (wrong) return static_cast<int>(kExitCulprit);
    if (undecided) return static_cast<int>(kExitUnresolved);
    return static_cast<int>(kExitOk);
  };
}

}  // namespace hb::cli
