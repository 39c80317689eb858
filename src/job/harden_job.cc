#include "job/harden_job.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>

#include "job/drill_down.h"
#include "job/plan.h"
#include "options/catalogue.h"
#include "trial/explain.h"
#include "trial/probes.h"
#include "trial/trial_runner.h"
#include "util/error.h"
#include "util/strings.h"

namespace hb::job {

namespace {
std::vector<std::string> split(std::string_view text, char separator) {
  std::vector<std::string> parts;
  for (size_t start = 0; start <= text.size();) {
    size_t end = text.find(separator, start);
    if (end == std::string_view::npos) end = text.size();
    parts.emplace_back(text.substr(start, end - start));
    start = end + 1;
  }
  return parts;
}
}  // namespace

std::set<std::string> unit_file_keys(const std::string& unit_file) {
  std::set<std::string> keys;
  bool in_service = false;
  for (const auto& raw : split(unit_file, '\n')) {
    std::string_view line = util::trim(raw);
    if (line.empty() || line.front() == '#' || line.front() == ';') continue;
    if (line.front() == '[') {
      in_service = line == "[Service]";
      continue;
    }
    const size_t eq = line.find('=');
    if (in_service && eq != std::string_view::npos && eq > 0) keys.emplace(util::trim(line.substr(0, eq)));
  }
  return keys;
}

std::set<std::string> keys_rated_ok(const trial::Evidence& baseline) {
  std::set<std::string> keys;
  for (const auto& row : baseline.exposure_rows) {
    if (!row.ok) continue;
    for (const auto& part : split(row.name, '/')) {
      const size_t eq = part.find('=');
      if (eq != std::string::npos && eq > 0) keys.insert(part.substr(0, eq));
    }
  }
  return keys;
}

namespace {

// Why a strictest line cannot be tested here; "" when it can.
std::string untestable(const options::DirectiveInfo& info, int systemd_version,
                       options::Privilege privilege) {
  if (systemd_version > 0 && info.min_systemd > systemd_version)
    return fmt::format("needs systemd {}; the base has {}", info.min_systemd, systemd_version);
  if (info.cgroup_v2_only) return "cgroup v2 only: no effect on this host's cgroup v1 (hybrid) hierarchy";
  if (info.caveat.find("BPF_FRAMEWORK") != std::string_view::npos) return std::string(info.caveat);
  if (info.requirement > privilege)
    return fmt::format("needs {}; the trials run at {} (--privilege)",
                       options::privilege_flags(info.requirement), options::privilege_name(privilege));
  return "";
}

}  // namespace

HardenTemplate build_template(int systemd_version, options::Privilege privilege,
                              const std::set<std::string>& set_by_unit) {
  HardenTemplate tmpl;
  for (const auto& strict : options::strictest_lines()) {
    const options::DirectiveInfo* info = options::find_directive(strict.key);
    if (info == nullptr) continue;  // the catalogue test keeps this from happening
    const options::Directive line{std::string(info->section), std::string(strict.key),
                                  std::string(strict.value)};
    if (set_by_unit.count(line.key)) {
      tmpl.set_by_unit.push_back(line.line());
    } else if (std::string why = untestable(*info, systemd_version, privilege); !why.empty()) {
      tmpl.not_tested.push_back({line.line(), why});
    } else {
      tmpl.lines.push_back(line);
    }
  }
  return tmpl;
}

scenario::Scenario with_lines(scenario::Scenario scenario, const std::vector<options::Directive>& lines) {
  scenario.options.clear();
  for (const auto& line : lines) scenario.options.push_back(scenario::OptionItem{line.line(), {line}, {}});
  scenario.expect_culprits.clear();
  scenario.expect_removal.reset();
  scenario.template_file.clear();
  return scenario;
}

namespace {

using Lines = std::vector<options::Directive>;

PreparedScenario prepare_here(const scenario::Scenario& scenario, image::ImageBuilder& images,
                              bool local_host) {
  PreparedScenario prepared = prepare_scenario(scenario, images, new_run_id());
  prepared.plan.host_kernel_log = local_host;
  prepared.plan.local_host = local_host;
  if (!local_host) prepared.plan.remove_in_background = false;
  return prepared;
}

std::string failure_text(const trial::TrialResult& result) {
  return result.explanation.empty() ? result.reason : result.explanation;
}

// What the steps after the search share: the runner, the drop-in as slots
// (one per template line: its current lines) and the numbered trials.
class Relaxer {
 public:
  Relaxer(HardenJob& job, trial::TrialRunner& runner, Status& status)
      : m_job(job), m_runner(runner), m_status(status) {}

  // Runs the lines (numbered, reported); returns the trial's number.
  int run(const Lines& lines, const std::string& label, search::Phase phase) {
    m_job.extra.push_back(m_runner.run(lines));
    const int number = m_job.trial_count();
    search::TrialRecord record;
    record.index = number - 1;
    record.phase = phase;
    record.outcome = {m_job.extra.back().verdict, m_job.extra.back().reason};
    m_status.trial_finished(TrialFinished{{}, record, &m_job.extra.back(), false, label, false});
    return number;
  }
  const trial::TrialResult& trial(int number) const {
    return m_job.extra.at(static_cast<size_t>(number) - m_job.search.trials.size() - 1);
  }
  // Every slot's lines but `skip`'s (and, for a SystemCallFilter= slot,
  // the other SystemCallFilter= lines: the first one decides allow or deny).
  Lines base_without(const std::vector<Lines>& slots, size_t skip) const {
    Lines base;
    const std::string& key = m_job.tmpl.lines[skip].key;
    for (size_t i = 0; i < slots.size(); ++i)
      for (const auto& d : slots[i])
        if (i != skip && !(key == "SystemCallFilter" && d.key == key)) base.push_back(d);
    return base;
  }
  // Tries each candidate in turn on `base`; the first that passes, with its
  // trial's number, or nullopt.
  std::optional<std::pair<Lines, int>> first_passing(const Lines& base,
                                                     const std::vector<Lines>& candidates) {
    for (const auto& candidate : candidates) {
      Lines lines = base;
      lines.insert(lines.end(), candidate.begin(), candidate.end());
      std::vector<std::string> shown;
      for (const auto& d : candidate) shown.push_back(d.line());
      const int number = run(lines, util::join(shown, " + "), search::Phase::Search);
      if (trial(number).verdict == trial::Verdict::Pass) return std::make_pair(candidate, number);
    }
    return std::nullopt;
  }
  std::optional<LineChange> writable_paths(const Lines& base, const options::Directive& line);
  std::optional<LineChange> drill(const Lines& base, const options::Directive& line,
                                  const search::SearchConfig& config);

  HardenJob& m_job;
  trial::TrialRunner& m_runner;
  Status& m_status;
};

// Adds the paths a failing trial could not write to `entries` ("-/path":
// ignored when missing). A path already listed that failed again is a file
// the service creates (ReadWritePaths= of a missing file does nothing): its
// folder replaces it. False when nothing changed.
bool more_writable(std::vector<std::string>& entries, const std::vector<std::string>& failed) {
  bool changed = false;
  for (const auto& path : failed) {
    const std::string entry = "-" + path;
    auto listed = std::find(entries.begin(), entries.end(), entry);
    if (listed == entries.end()) {
      entries.push_back(entry);
      changed = true;
      continue;
    }
    const size_t slash = path.rfind('/');
    if (slash == 0 || slash == std::string::npos) continue;
    const std::string folder = "-" + path.substr(0, slash);
    if (std::find(entries.begin(), entries.end(), folder) == entries.end()) {
      *listed = folder;
      changed = true;
    }
  }
  return changed;
}

// ProtectSystem=strict with ReadWritePaths= for what its failures could not
// write, followed a few times; then ProtectSystem=full.
std::optional<LineChange> Relaxer::writable_paths(const Lines& base, const options::Directive& line) {
  std::vector<std::string> paths;
  Lines lines = base;
  lines.push_back(line);
  int number = run(lines, line.line(), search::Phase::Search);
  constexpr int kMaxRounds = 8;
  for (int round = 0; round < kMaxRounds && trial(number).verdict == trial::Verdict::Fail; ++round) {
    if (!more_writable(paths, trial::unwritable_paths(trial(number).evidence))) break;
    Lines fix{line, options::Directive{line.section, "ReadWritePaths", util::join(paths, " ")}};
    lines = base;
    lines.insert(lines.end(), fix.begin(), fix.end());
    number = run(lines, fix.back().line(), search::Phase::Search);
    if (trial(number).verdict == trial::Verdict::Pass)
      return LineChange{line, fix,
                        fmt::format("kept, with {} writable: they failed read-only, verified in trial {}",
                                    util::join(paths, " "), number)};
  }
  if (auto passed = first_passing(base, {{options::Directive{line.section, line.key, "full"}}}))
    return LineChange{line, passed->first,
                      fmt::format("relaxed to full: strict failed ({}), full passed in trial {}",
                                  failure_text(trial(number)), passed->second)};
  return std::nullopt;
}

// A list value relaxed by drill_down (see drill_down.h).
std::optional<LineChange> Relaxer::drill(const Lines& base, const options::Directive& line,
                                         const search::SearchConfig& config) {
  search::SearchConfig inner = config;
  inner.on_trial = nullptr;
  inner.on_start = nullptr;
  inner.weights.clear();
  inner.weigh = nullptr;
  if (!m_job.search.result.flaky) {
    // The service's failures were deterministic: one run of a set says it;
    // the drop-in is verified together at the end anyway.
    inner.confirm_runs = 0;
    inner.deterministic_after = 1;
  }
  auto result = drill_down(m_runner, base, line, inner, m_status);
  if (!result) return std::nullopt;
  const int first = m_job.trial_count() + 1;
  m_job.extra.insert(m_job.extra.end(), result->trials.begin(), result->trials.end());
  if (result->search.status != search::SearchStatus::Found || result->verified_trial < 0) return std::nullopt;
  std::string killed;
  for (const auto& t : result->trials)
    if (t.verdict == trial::Verdict::Fail) {
      killed = failure_text(t);
      break;
    }
  const std::string what = result->reallow ? "re-allowed" : result->allow_list ? "added" : "dropped";
  return LineChange{line, result->fix,
                    fmt::format("{} {}: {}; verified in trial {}", what, util::join(result->changed, " "),
                                killed.empty() ? "failed without" : killed, first + result->verified_trial)};
}

// Relaxes each line the search removed, as little as a trial passes with.
void relax_removed(HardenJob& job, Relaxer& relaxer, std::vector<Lines>& slots,
                   const search::SearchConfig& config) {
  const search::SearchResult& result = job.search.result;
  for (const auto& removal : result.removals) {
    const size_t at = static_cast<size_t>(removal.option);
    const options::Directive& line = job.tmpl.lines.at(at);
    const Lines base = relaxer.base_without(slots, at);
    std::optional<LineChange> change;
    if (line.key == "ProtectSystem") {
      change = relaxer.writable_paths(base, line);
    } else if (line.key == "IPAddressDeny") {
      const options::Directive allow{line.section, "IPAddressAllow", "localhost"};
      if (auto passed = relaxer.first_passing(base, {{line, allow}}))
        change =
            LineChange{line, passed->first,
                       fmt::format("kept, with {}: the workload talks to this host; verified in trial {}",
                                   allow.line(), passed->second)};
    } else if (line.key == "ProtectHome") {
      if (auto passed =
              relaxer.first_passing(base, {{options::Directive{line.section, line.key, "read-only"}}}))
        change = LineChange{
            line, passed->first,
            fmt::format("relaxed to read-only: hidden failed, read-only passed in trial {}", passed->second)};
    } else if (can_drill_down(line)) {
      change = relaxer.drill(base, line, config);
    }
    if (!change) {
      const int failed = removal.add_back_trial;
      std::string why = "it failed beside the rest";
      if (failed >= 0 && static_cast<size_t>(failed) < job.search.trials.size())
        why = fmt::format("failed in trial {}: {}", failed + 1,
                          failure_text(job.search.trials[static_cast<size_t>(failed)].result));
      change = LineChange{line, {}, why};
    }
    slots[at] = change->replacement;
    job.changes.push_back(std::move(*change));
  }
}

Lines flatten_slots(const std::vector<Lines>& slots) {
  Lines lines;
  for (const auto& slot : slots) lines.insert(lines.end(), slot.begin(), slot.end());
  return lines;
}

// The whole drop-in, `runs` times, stopping at the first failure.
BaseCheck verify(Relaxer& relaxer, const Lines& dropin, int runs, const std::string& base) {
  BaseCheck check;
  check.base = base;
  for (int run = 0; run < runs; ++run) {
    const int number =
        relaxer.run(dropin, fmt::format("the drop-in ({}) on {}", util::counted(dropin.size(), "line"), base),
                    search::Phase::Confirm);
    const trial::TrialResult& result = relaxer.trial(number);
    ++check.runs;
    if (result.exposure) check.exposure = result.exposure;
    if (result.verdict != trial::Verdict::Pass) {
      check.reason = fmt::format("trial {}: {}", number, failure_text(result));
      break;
    }
    ++check.passed;
  }
  return check;
}

// A service that sets its own umask (nginx: 0000) undoes UMask=, whose probe
// then fails every trial with it: not tested, with why.
void set_aside_own_umask(HardenTemplate& tmpl, const trial::Evidence& baseline) {
  std::string umask;
  for (const auto& line : split(baseline.section("main_status"), '\n'))
    if (line.starts_with("Umask:")) umask = std::string(util::trim(std::string_view(line).substr(6)));
  if (umask.empty() || umask == "0022") return;  // systemd's default: the service keeps what it gets
  auto at =
      std::find_if(tmpl.lines.begin(), tmpl.lines.end(), [](const auto& d) { return d.key == "UMask"; });
  if (at == tmpl.lines.end()) return;
  tmpl.not_tested.push_back({at->line(), "the service sets its own umask (" + umask +
                                             " in the baseline): UMask= is not in effect"});
  tmpl.lines.erase(at);
}

// The template for `scenario`: what the unit sets itself read from its unit
// file and from a baseline trial's `systemd-analyze security` rows.
HardenTemplate template_for(HardenJob& job, const scenario::Scenario& scenario, int version,
                            runtime::ContainerRuntime& runtime, image::ImageBuilder& images, Status& status,
                            bool local_host) {
  const options::Privilege privilege = scenario.privilege.value_or(options::Privilege::Privileged);
  std::set<std::string> set_by_unit = unit_file_keys(scenario.service.unit_file.value_or(""));
  HardenTemplate first = build_template(version, privilege, set_by_unit);
  PreparedScenario prepared = prepare_here(with_lines(scenario, first.lines), images, local_host);
  trial::TrialResult baseline = run_baseline(runtime, prepared.plan, trial::check_enforcement, status).result;
  ++job.earlier_trials;
  if (baseline.verdict != trial::Verdict::Pass) {
    job.exit_code = baseline.verdict == trial::Verdict::Fail ? kExitUsage : kExitUnresolved;
    job.message = "the baseline (no hardening) does not pass: " + failure_text(baseline);
    return first;
  }
  job.exposure_before = baseline.exposure;
  const std::set<std::string> rated = keys_rated_ok(baseline.evidence);
  set_by_unit.insert(rated.begin(), rated.end());
  HardenTemplate tmpl = build_template(version, privilege, set_by_unit);
  set_aside_own_umask(tmpl, baseline.evidence);
  status.info(fmt::format("harden: {} to search, {} left to the unit, {} not tested",
                          util::counted(tmpl.lines.size(), "strictest line"), tmpl.set_by_unit.size(),
                          tmpl.not_tested.size()));
  return tmpl;
}

std::vector<std::string> bases_of(const scenario::Scenario& scenario, const HardenConfig& config) {
  std::vector<std::string> bases = config.bases;
  if (bases.empty()) bases.push_back(scenario.image.name.empty() ? scenario.image.base : "");
  for (const auto& base : bases)
    if (!base.empty() && image::systemd_version_of(base) == 0)
      throw UserError("unknown --base " + base, "use --base bookworm or --base trixie");
  if (!scenario.image.name.empty() && !config.bases.empty())
    throw UserError("--base cannot be combined with an explicit image (" + scenario.image.name + ")",
                    "drop --base, or image.name from the scenario");
  return bases;
}

// The drop-in verified on the search's base (falling back to the search's
// safe template when the relaxations fail together), then on the others.
void verify_everywhere(HardenJob& job, Relaxer& relaxer, std::vector<Lines> slots,
                       const std::vector<std::string>& bases, runtime::ContainerRuntime& runtime,
                       image::ImageBuilder& images, bool local_host) {
  const int runs = std::max(2, job.search.result.repeats);
  job.dropin = flatten_slots(slots);
  BaseCheck here = verify(relaxer, job.dropin, runs, bases.front());
  if (!here.ok() && !job.changes.empty()) {
    job.notes.push_back("the relaxed lines failed together (" + here.reason +
                        "); the drop-in keeps the search's safe template only");
    for (auto& change : job.changes) {
      slots[static_cast<size_t>(std::find(job.tmpl.lines.begin(), job.tmpl.lines.end(), change.original) -
                                job.tmpl.lines.begin())]
          .clear();
      change.replacement.clear();
      change.why = "its relaxation failed together with the others (" + here.reason + ")";
    }
    job.dropin = flatten_slots(slots);
    here = verify(relaxer, job.dropin, runs, bases.front());
  }
  job.exposure_after = here.exposure;
  job.checks.push_back(here);
  for (size_t i = 1; i < bases.size(); ++i) {
    scenario::Scenario other = job.scenario;
    other.image.base = bases[i];
    PreparedScenario prepared = prepare_here(other, images, local_host);
    trial::TrialRunner runner(runtime, prepared.plan, trial::check_enforcement);
    Relaxer there(job, runner, relaxer.m_status);
    job.checks.push_back(verify(there, job.dropin, runs, bases[i]));
  }
}

// The lines the search's unresolved trials name as not in effect
// ("not enforced: UMask=0077: the service's umask is 0000": the service sets
// its own), moved to not_tested; false when there are none.
bool set_aside_not_enforced(HardenJob& job) {
  std::vector<options::Directive> kept;
  for (const auto& line : job.tmpl.lines) {
    const std::string needle = "not enforced: " + line.line() + ":";
    std::string why;
    for (const auto& u : job.search.result.unresolved)
      if (size_t at = u.reason.find(needle); at != std::string::npos && why.empty())
        why = "in the trials but not in effect for the service (" +
              std::string(util::trim(u.reason.substr(at + needle.size()))) + ")";
    if (why.empty())
      kept.push_back(line);
    else
      job.tmpl.not_tested.push_back({line.line(), why});
  }
  if (kept.size() == job.tmpl.lines.size()) return false;
  job.tmpl.lines = kept;
  return true;
}

// The search; when it stays unresolved on lines that are applied but not in
// effect, again without them (twice at most).
void search_setting_aside(HardenJob& job, runtime::ContainerRuntime& runtime, image::ImageBuilder& images,
                          const HardenConfig& config, Status& status, const ResultCache* cache,
                          bool local_host) {
  constexpr int kAttempts = 3;
  for (int attempt = 1; attempt <= kAttempts; ++attempt) {
    job.search = run_bisect_job(runtime, images, job.scenario, config.search, status, cache, local_host);
    if (job.search.result.status != search::SearchStatus::Unresolved || attempt == kAttempts ||
        !set_aside_not_enforced(job))
      return;
    job.earlier_trials += job.search.result.trial_count;
    job.scenario = with_lines(job.scenario, job.tmpl.lines);
    status.note(fmt::format("harden: searching again without what is not in effect ({} left)",
                            util::counted(job.tmpl.lines.size(), "line")));
  }
}

}  // namespace

HardenJob run_harden_job(runtime::ContainerRuntime& runtime, image::ImageBuilder& images,
                         const scenario::Scenario& scenario, const HardenConfig& config, Status& status,
                         const ResultCache* cache, bool local_host) {
  const auto started = std::chrono::steady_clock::now();
  HardenJob job;
  const std::vector<std::string> bases = bases_of(scenario, config);
  scenario::Scenario here = scenario;
  if (!bases.front().empty()) here.image.base = bases.front();
  job.base = bases.front();
  int version = 0;
  for (const auto& base : bases)
    if (int v = image::systemd_version_of(base); v > 0 && (version == 0 || v < version)) version = v;
  job.tmpl = template_for(job, here, version, runtime, images, status, local_host);
  job.scenario = with_lines(here, job.tmpl.lines);
  auto finish = [&] {
    job.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    return job;
  };
  if (job.exit_code != kExitOk) return finish();
  if (job.tmpl.lines.empty()) {
    job.message = "nothing to harden: the unit sets every directive the template has, or none can be tested";
    return finish();
  }
  search_setting_aside(job, runtime, images, config, status, cache, local_host);
  const search::SearchResult& result = job.search.result;
  if (result.status != search::SearchStatus::Found && result.status != search::SearchStatus::NothingBreaks) {
    job.exit_code = bisect_exit_code(job.search);
    job.message = "the search did not finish: " + result.message;
    return finish();
  }
  std::vector<Lines> slots;
  for (size_t i = 0; i < job.tmpl.lines.size(); ++i) slots.push_back({job.tmpl.lines[i]});
  for (int removed : result.removal) slots.at(static_cast<size_t>(removed)).clear();
  trial::TrialRunner runner(runtime, job.search.prepared.plan, trial::check_enforcement);
  Relaxer relaxer(job, runner, status);
  relax_removed(job, relaxer, slots, config.search);
  verify_everywhere(job, relaxer, slots, bases, runtime, images, local_host);
  std::vector<std::string> failed;
  for (const auto& check : job.checks)
    if (!check.ok()) failed.push_back(check.base.empty() ? "the image" : check.base);
  job.exit_code = failed.empty() ? kExitOk : kExitCulprit;
  job.message = failed.empty()
                    ? fmt::format("{} line(s), verified together on {}", job.dropin.size(),
                                  util::join(bases, ", ").empty() ? "the image" : util::join(bases, ", "))
                    : "the drop-in fails on " + util::join(failed, ", ");
  return finish();
}

}  // namespace hb::job
