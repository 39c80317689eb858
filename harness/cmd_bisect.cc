// hardbisect bisect: find which options break the service.
#include <fmt/format.h>

#include <iostream>

#include "commands.h"
#include "flags.h"
#include "job/bisect_job.h"
#include "report/report_cell.h"
#include "report/search_report.h"
#include "search/search.h"
#include "util/error.h"
#include "util/files.h"
#include "util/json.h"

namespace hb::cli {

namespace {}  // namespace

Action setup_bisect(CLI::App& app) {
  auto path = std::make_shared<std::string>();
  auto flags = std::make_shared<scenario::AdhocFlags>();
  auto json_path = std::make_shared<std::string>();
  auto safe_path = std::make_shared<std::string>();
  auto config = std::make_shared<search::SearchConfig>();
  app.add_option("scenario", *path, "Scenario YAML file");
  add_adhoc_flags(app, *flags);
  add_search_flags(app, *config);
  app.add_option("--json", *json_path, "Write a machine-readable report to FILE");
  app.add_option("--safe-out", *safe_path, "Write the safe template (a drop-in) to FILE");
  auto reports = std::make_shared<report::ReportPaths>();
  add_report_flags(app, *reports);
  auto drill = std::make_shared<bool>(false);
  add_drill_down_flag(app, *drill);
  return [=, &app](Context& context) {
    check_output_flags(app);
    check_strategy(config->strategy);
    note_given_flags(app, *flags);
    LoadedScenario loaded = load_scenario_or_flags(*path, *flags);
    const scenario::Scenario& scenario = loaded.scenario;
    report_loaded(context.status(), loaded);
    if (context.flags().dry_run) return dry_run_one_trial(context, scenario);
    context.require_podman();
    std::unique_ptr<job::ResultCache> cache = open_result_cache(context);
    job::BisectJob job = bisect_runner(context, *config, cache.get())(scenario);
    report::SearchReportInput input = report::search_report_input(scenario, job);
    std::cout << report::format_search_summary(input);
    std::vector<job::DrillDownResult> drilled;
    if (*drill) {
      std::cout << "\n";
      drilled = job::drill_down_culprits(context.runtime(), job, scenario, *config, context.status());
      if (drilled.empty()) std::cout << "drill-down: no culprit is a single list-valued line\n";
    }
    std::cout << cached_trials_line(job, cache.get());
    if (!safe_path->empty() && job.result.status == search::SearchStatus::Found) {
      util::write_file_atomically(*safe_path, report::safe_dropin(scenario, job.result));
      std::cout << "safe template written to " << *safe_path << "\n";
    }
    if (!json_path->empty()) {
      nlohmann::json json = report::search_to_json(input);
      json["drill_down"] = drill_down_json(drilled);
      util::write_file_atomically(*json_path, json.dump(2) + "\n");
    }
    if (reports->any())
      write_report_files({"hardbisect bisect: " + scenario.name,
                          "bisect",
                          {report::cell_from_search(input, report::options_label(scenario))}},
                         *reports);
    return job::bisect_exit_code(job);
  };
}

}  // namespace hb::cli
