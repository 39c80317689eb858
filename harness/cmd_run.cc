// hardbisect run: the baseline and the full option set, with evidence.
#include <fmt/format.h>

#include <iostream>
#include <optional>

#include "commands.h"
#include "flags.h"
#include "job/plan.h"
#include "report/json_report.h"
#include "report/report_formats.h"
#include "report/terminal.h"
#include "search/option_set.h"
#include "trial/findings.h"
#include "trial/probes.h"
#include "util/error.h"
#include "util/files.h"

namespace hb::cli {

namespace {

int exit_for_unresolved(const trial::TrialResult& result) {
  return trial::harness_trouble(result.cause) ? kExitInfra : kExitUnresolved;
}

// The run's JSON report (and --evidence file); written once, with its
// verdict and outcome, on every way out. The outcome is one of pass, fail,
// unresolved, baseline-fails, unit-not-found; the verdict is pass or fail
// when the outcome is, else unresolved.
struct RunReport {
  nlohmann::json json = report::report_envelope("run");
  nlohmann::json trials = nlohmann::json::array();
  report::ReportCell evidence;  // its trial_evidence, for the --evidence file
  std::string path;
  report::ReportPaths reports;

  void add(const std::string& phase, const std::vector<std::string>& options, const trial::TrialResult& r) {
    report::TrialMeta meta{static_cast<int>(trials.size()) + 1, phase, options, r.verdict};
    trials.push_back(report::trial_to_json(meta, r));
    evidence.trial_evidence.push_back(report::trial_to_json(meta, r, true));
  }
  int finish(const std::string& outcome, int code) {
    json["verdict"] = outcome == "pass" || outcome == "fail" ? outcome : "unresolved";
    json["outcome"] = outcome;
    json["trial_count"] = trials.size();
    json["trials"] = trials;
    if (!path.empty()) util::write_file_atomically(path, json.dump(2) + "\n");
    evidence.name = json.value("scenario", "");
    write_report_files({"hardbisect run: " + evidence.name, "run", {evidence}}, reports);
    return code;
  }
};

job::PreparedScenario prepare_run(Context& context, const LoadedScenario& loaded) {
  const scenario::Scenario& scenario = loaded.scenario;
  context.require_podman();
  job::PreparedScenario prepared = job::prepare_scenario(scenario, context.images(), job::new_run_id());
  // This host's kernel log only tells about containers that run here.
  prepared.plan.host_kernel_log = context.runtime().kernel_log_here();
  if (!prepared.plan.host_kernel_log) prepared.plan.kernel_log_unreachable = job::kRemoteKernelLog;
  prepared.plan.local_host = context.host_flags().connection.empty();
  // The header is progress, as a bisection's (dropped with -q); warnings stay.
  context.status().info(fmt::format("hardbisect run: {} on {}", scenario.service.unit, prepared.plan.image));
  context.status().info(fmt::format("privilege: {} ({})", options::privilege_name(prepared.privilege.level),
                                    prepared.privilege.why));
  report_loaded(context.status(), loaded);
  for (const auto& line : prepared.privilege.unenforceable)
    context.status().warning("cannot be enforced at this privilege: " + line);
  return prepared;
}

// The baseline; nullopt when it passed, else the exit code (or a UserError).
std::optional<int> baseline_step(Context& context, trial::TrialPlan& plan, RunReport& out,
                                 trial::TrialResult& baseline) {
  context.log("trial 1/2: baseline (no options)...");
  job::Baseline ran = job::run_baseline(context.runtime(), plan, trial::check_enforcement, context.status());
  baseline = std::move(ran.result);
  plan.privilege = ran.privilege;  // the full set's plan: the level the baseline passed at
  out.json["privilege"] = options::privilege_name(plan.privilege);
  out.add("baseline", {}, baseline);
  std::cout << report::format_trial("baseline (no options)", baseline, true);
  if (baseline.verdict == search::Verdict::Pass) return std::nullopt;
  if (baseline.cause == trial::Cause::UnitNotFound) {
    out.finish("unit-not-found", kExitUsage);
    throw UserError(baseline.reason,
                    "install it with image.packages / --packages, or give the unit file "
                    "(service.unit_file / --unit-file)");
  }
  if (baseline.verdict == search::Verdict::Fail) {
    std::cout << "verdict: the service fails without any hardening: not a hardening problem\n";
    out.finish("baseline-fails", kExitUsage);
    throw UserError("the baseline (no options) fails: " + baseline.reason,
                    "fix the service or the workload first; the evidence is above");
  }
  std::cout << "verdict: unresolved: the baseline could not be run\n";
  return out.finish("unresolved", exit_for_unresolved(baseline));
}

// "every option applied and enforced" only when systemd ignored nothing;
// else what it ignored, and that the rest was applied and enforced.
std::string pass_verdict(const trial::TrialResult& full) {
  if (full.findings.empty())
    return "verdict: PASS: the service works with every option applied and enforced\n";
  std::string text = fmt::format(
      "verdict: PASS: the service works with the options as systemd reads them; systemd ignored {} line(s) "
      "in whole or part (the rest applied and enforced):\n",
      full.findings.size());
  for (const auto& finding : full.findings) text += "  ignored: " + trial::finding_headline(finding) + "\n";
  return text;
}

int full_set_step(Context& context, const scenario::Scenario& scenario, trial::TrialRunner& runner,
                  RunReport& out, const trial::TrialResult& baseline) {
  context.log(fmt::format("trial 2/2: full set ({} options)...", scenario.options.size()));
  trial::TrialResult full = runner.run(job::flatten(scenario.options));
  out.add("full", job::option_names(scenario, search::all_options(static_cast<int>(scenario.options.size()))),
          full);
  std::cout << report::format_trial(fmt::format("full set ({} options)", scenario.options.size()), full,
                                    true);
  std::cout << report::format_exposure(baseline, full);
  switch (full.verdict) {
    case search::Verdict::Pass:
      std::cout << pass_verdict(full);
      return out.finish("pass", kExitOk);
    case search::Verdict::Fail:
      std::cout << "verdict: FAIL: the full set breaks the service; `hardbisect bisect` finds which option\n";
      return out.finish("fail", kExitCulprit);
    case search::Verdict::Unresolved:
      std::cout << "verdict: UNRESOLVED: " << full.reason << "\n";
      return out.finish("unresolved", exit_for_unresolved(full));
  }
  return out.finish("unresolved", kExitUnresolved);
}

}  // namespace

Action setup_run(CLI::App& app) {
  auto path = std::make_shared<std::string>();
  auto flags = std::make_shared<scenario::AdhocFlags>();
  auto json_path = std::make_shared<std::string>();
  app.add_option("scenario", *path, "Scenario YAML file");
  add_adhoc_flags(app, *flags);
  app.add_option("--json", *json_path, "Write a machine-readable report to FILE");
  auto reports = std::make_shared<report::ReportPaths>();
  const report::ReportFormat& evidence = report::report_format("evidence");
  app.add_option(evidence.flag, reports->path(evidence.name), evidence.help);
  return [=, &app](Context& context) {
    check_output_flags(app);
    note_given_flags(app, *flags);
    LoadedScenario loaded = load_scenario_or_flags(*path, *flags);
    const scenario::Scenario& scenario = loaded.scenario;
    if (context.flags().dry_run) {
      report_loaded(context.status(), loaded);
      return dry_run_one_trial(context, scenario);
    }
    job::PreparedScenario prepared = prepare_run(context, loaded);
    RunReport out;
    out.path = *json_path;
    out.reports = *reports;
    out.json["scenario"] = scenario.name;
    out.json["unit"] = scenario.service.unit;
    out.json["image"] = prepared.plan.image;
    out.json["privilege"] = options::privilege_name(prepared.privilege.level);
    out.json["run_id"] = prepared.plan.run_id;
    trial::TrialResult baseline;
    if (std::optional<int> code = baseline_step(context, prepared.plan, out, baseline)) return *code;
    trial::TrialRunner runner(context.runtime(), prepared.plan, trial::check_enforcement);
    return full_set_step(context, scenario, runner, out, baseline);
  };
}

}  // namespace hb::cli
