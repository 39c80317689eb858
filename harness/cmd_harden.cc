// hardbisect harden: the most hardened drop-in the service's own workload
// passes with, from the strictest template the catalogue knows (see
// job/harden_job.h). This file declares the flags, prints and writes the
// drop-in and the reports.
#include <fmt/format.h>

#include <iostream>

#include "commands.h"
#include "flags.h"
#include "job/harden_job.h"
#include "report/harden_report.h"
#include "util/error.h"
#include "util/files.h"

namespace hb::cli {

namespace {

struct HardenOptions {
  std::string path;
  scenario::AdhocFlags flags;
  job::HardenConfig config;
  std::string out_path;
  std::string json_path;
  report::ReportPaths reports;
};

void add_harden_flags(CLI::App& app, HardenOptions& o) {
  app.add_option("scenario", o.path,
                 "Scenario YAML file (its options are ignored: harden builds the template)");
  add_adhoc_flags(app, o.flags);
  // harden writes the template; --base is repeatable (the first searched, every one re-checked).
  app.remove_option(app.get_option("--template"));
  app.remove_option(app.get_option("--option"));
  app.remove_option(app.get_option("--base"));
  app.add_option(
      "--base", o.config.bases,
      "Debian release to harden on (bookworm or trixie); repeat it to re-check the drop-in on each");
  add_search_flags(app, o.config.search);
  app.add_option("--out", o.out_path, "Write the drop-in to FILE (default: printed under a header)");
  app.add_option("--json", o.json_path, "Write a machine-readable report to FILE");
  add_report_flags(app, o.reports);
}

}  // namespace

Action setup_harden(CLI::App& app) {
  auto o = std::make_shared<HardenOptions>();
  add_harden_flags(app, *o);
  return [o, &app](Context& context) {
    check_output_flags(app);
    if (!o->out_path.empty()) util::check_writable(o->out_path, "--out");
    check_strategy(o->config.search.strategy);
    note_given_flags(app, o->flags);
    if (!o->config.bases.empty()) o->flags.base = o->config.bases.front();
    if (o->path.empty() && !has_adhoc_flags(o->flags))
      throw UserError("no service to harden",
                      "give a scenario file, or --unit and --workload (and --unit-file, "
                      "--packages)");
    LoadedScenario loaded = load_scenario_or_flags(o->path, o->flags);
    report_loaded(context.status(), loaded);
    if (context.flags().dry_run) return dry_run_one_trial(context, loaded.scenario);
    context.require_podman();
    std::unique_ptr<job::ResultCache> cache = open_result_cache(context);
    job::HardenJob job =
        job::run_harden_job(context.runtime(), context.images(), loaded.scenario, o->config, context.status(),
                            cache.get(), context.host_flags().connection.empty());
    std::cout << "\n" << report::format_harden_summary(job);
    if (!job.dropin.empty() || !job.changes.empty()) {
      const std::string dropin = report::harden_dropin(job);
      if (o->out_path.empty()) {
        std::cout << fmt::format("\n--- drop-in for /etc/systemd/system/{}.d/50-hardening.conf ---\n{}",
                                 job.scenario.service.unit, dropin);
      } else {
        util::write_file_atomically(o->out_path, dropin);
        std::cout << "drop-in written to " << o->out_path << "\n";
      }
    }
    if (!o->json_path.empty())
      util::write_file_atomically(o->json_path, report::harden_to_json(job).dump(2) + "\n");
    if (o->reports.any())
      write_report_files({"hardbisect harden: " + job.scenario.name, "harden", {report::harden_cell(job)}},
                         o->reports);
    return job.exit_code;
  };
}

}  // namespace hb::cli
