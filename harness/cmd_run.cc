// hardbisect run: the baseline and the full option set, with evidence.
#include <fmt/format.h>
#include <iostream>

#include "commands.h"
#include "flags.h"
#include "report/json_report.h"
#include "report/terminal.h"
#include "job/plan.h"
#include "trial/probes.h"
#include "util/error.h"
#include "util/files.h"

namespace hb::cli {

namespace {

int exit_for_unresolved(const trial::TrialResult& result) {
  return result.cause == trial::Cause::Harness || result.cause == trial::Cause::Boot ? kExitInfra
                                                                                      : kExitUnresolved;
}

}  // namespace

Action setup_run(CLI::App& app) {
  auto path = std::make_shared<std::string>();
  auto flags = std::make_shared<scenario::AdhocFlags>();
  auto json_path = std::make_shared<std::string>();
  app.add_option("scenario", *path, "Scenario YAML file");
  add_adhoc_flags(app, *flags);
  app.add_option("--json", *json_path, "Write a machine-readable report to FILE");
  return [=, &app](Context& context) {
    check_output_flags(app);
    note_given_flags(app, *flags);
    LoadedScenario loaded = load_scenario_or_flags(*path, *flags);
    const scenario::Scenario& scenario = loaded.scenario;
    if (context.flags().dry_run) {
      report_loaded(context.status(), loaded);
      return dry_run_one_trial(context, scenario);
    }
    context.require_podman();
    std::string run_id = job::new_run_id();
    job::PreparedScenario prepared = job::prepare_scenario(scenario, context.images(), run_id);
    // This host's kernel log only tells about containers that run here.
    prepared.plan.host_kernel_log = context.host_flags().connection.empty();
    prepared.plan.local_host = context.host_flags().connection.empty();
    // The header is progress, as a bisection's (dropped with -q); warnings stay.
    context.status().info(fmt::format("hardbisect run: {} on {}", scenario.service.unit, prepared.plan.image));
    context.status().info(fmt::format("privilege: {} ({})", options::privilege_name(prepared.privilege.level),
                                      prepared.privilege.why));
    report_loaded(context.status(), loaded);
    for (const auto& line : prepared.privilege.unenforceable)
      std::cout << "  warning: cannot be enforced at this privilege: " << line << "\n";
    trial::TrialRunner runner(context.runtime(), prepared.plan, trial::check_enforcement);

    nlohmann::json report = report::report_envelope("run");
    report["scenario"] = scenario.name;
    report["unit"] = scenario.service.unit;
    report["image"] = prepared.plan.image;
    report["privilege"] = options::privilege_name(prepared.privilege.level);
    report["run_id"] = run_id;
    nlohmann::json trials = nlohmann::json::array();
    auto finish = [&](const std::string& verdict, int code) {
      report["verdict"] = verdict;
      report["trials"] = trials;
      if (!json_path->empty()) util::write_file_atomically(*json_path, report.dump(2) + "\n");
      return code;
    };

    context.log("trial 1/2: baseline (no options)...");
    trial::TrialResult baseline = job::run_baseline(runner, context.status());
    report["privilege"] = options::privilege_name(runner.plan().privilege);
    trials.push_back(report::trial_to_json("baseline", baseline));
    std::cout << report::format_trial("baseline (no options)", baseline, true);
    if (baseline.verdict != search::Verdict::Pass) {
      if (baseline.cause == trial::Cause::UnitNotFound) {
        finish("error", kExitUsage);
        throw UserError(baseline.reason, "install it with image.packages / --packages, or give the unit file "
                                         "(service.unit_file / --unit-file)");
      }
      if (baseline.verdict == search::Verdict::Fail) {
        std::cout << "verdict: the service fails without any hardening: not a hardening problem\n";
        finish("baseline-fails", kExitUsage);
        throw UserError("the baseline (no options) fails: " + baseline.reason,
                        "fix the service or the workload first; the evidence is above");
      }
      std::cout << "verdict: unresolved: the baseline could not be run\n";
      return finish("unresolved", exit_for_unresolved(baseline));
    }

    std::vector<options::Directive> all = job::flatten(scenario.options);
    context.log(fmt::format("trial 2/2: full set ({} options)...", scenario.options.size()));
    trial::TrialResult full = runner.run(all);
    trials.push_back(report::trial_to_json("full", full));
    std::cout << report::format_trial(fmt::format("full set ({} options)", scenario.options.size()), full, true);
    std::cout << report::format_exposure(baseline, full);
    switch (full.verdict) {
      case search::Verdict::Pass:
        std::cout << "verdict: PASS: the service works with every option applied and enforced\n";
        return finish("pass", kExitOk);
      case search::Verdict::Fail:
        std::cout << "verdict: FAIL: the full set breaks the service; `hardbisect bisect` finds which option\n";
        return finish("fail", kExitCulprit);
      case search::Verdict::Unresolved:
        std::cout << "verdict: UNRESOLVED: " << full.reason << "\n";
        return finish("unresolved", exit_for_unresolved(full));
    }
    return finish("unresolved", kExitUnresolved);
  };
}

}  // namespace hb::cli
