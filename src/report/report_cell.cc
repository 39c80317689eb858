#include "report/report_cell.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <filesystem>
#include <sstream>

#include "report/json_report.h"
#include "report/status_printer.h"
#include "report/terminal.h"
#include "scenario/template.h"
#include "util/files.h"
#include "util/strings.h"

namespace hb::report {

namespace {

std::string joined(const std::vector<std::string>& names, const char* separator) {
  return util::join(names, separator);
}

// The first trial of `phase` whose verdict is `verdict` (any verdict when
// nullopt); -1 if none.
int first_trial(const SearchReportInput& in, search::Phase phase, std::optional<search::Verdict> verdict) {
  const auto& records = in.result.trials;
  for (size_t i = 0; i < records.size() && i < in.trials.size(); ++i)
    if (records[i].phase == phase && (!verdict || records[i].outcome.verdict == *verdict))
      return static_cast<int>(i);
  return -1;
}

// The exposure of the first rated trial of a phase (all runs of one set rate
// the same unit file, so any rated one will do).
std::optional<double> phase_exposure(const SearchReportInput& in, search::Phase phase) {
  const auto& records = in.result.trials;
  for (size_t i = 0; i < records.size() && i < in.trials.size(); ++i)
    if (records[i].phase == phase && in.trials[i].result.exposure) return in.trials[i].result.exposure;
  return std::nullopt;
}

// A trial's reason, explanation and the tail of its output and journal.
void describe_trial(std::string& text, const SearchReportInput& in, int index, const std::string& what) {
  const trial::TrialResult& t = in.trials.at(static_cast<size_t>(index)).result;
  text += fmt::format("{}: trial {} {}", what, index + 1, verdict_upper(t.verdict));
  if (!t.reason.empty()) text += ": " + t.reason;
  text += "\n";
  if (!t.explanation.empty()) text += "  why: " + t.explanation + "\n";
  const trial::Evidence& e = t.evidence;
  text += evidence_excerpt(e, "  ", 4, 10);
  for (const auto& line : last_lines(e.section("host_kernel"), 3)) text += "  host kernel: " + line + "\n";
  if (!t.container_logs.empty()) {
    text += "  container log:\n";
    for (const auto& line : last_lines(t.container_logs, 8)) text += "    " + line + "\n";
  }
}

}  // namespace

VerdictCounts count_verdicts(const std::vector<ReportCell>& cells) {
  VerdictCounts counts;
  for (const auto& cell : cells) {
    switch (cell.verdict) {
      case search::Verdict::Pass:
        ++counts.pass;
        break;
      case search::Verdict::Fail:
        ++counts.fail;
        break;
      case search::Verdict::Unresolved:
        ++counts.unresolved;
        break;
    }
  }
  return counts;
}

std::string exposure_text(const std::optional<double>& exposure) {
  return exposure ? fmt::format("{:.1f}", *exposure) : "n/a";
}

SearchExposures search_exposures(const SearchReportInput& in) {
  SearchExposures e;
  e.baseline = phase_exposure(in, search::Phase::Baseline);
  e.full = phase_exposure(in, search::Phase::Full);
  const int safe = in.result.safe_trial;
  if (safe >= 0 && static_cast<size_t>(safe) < in.trials.size())
    e.safe = in.trials[static_cast<size_t>(safe)].result.exposure;
  return e;
}

namespace {
// Every trial, one line each, with its exposure and cache mark.
std::string trial_log(const SearchReportInput& in) {
  const search::SearchResult& r = in.result;
  std::string text = "\ntrial log:\n";
  for (size_t i = 0; i < r.trials.size() && i < in.trials.size(); ++i) {
    text += format_progress(in.scenario, r.trials[i], in.trials[i].result);
    if (in.trials[i].result.exposure)
      text += fmt::format("  [exposure {:.1f}]", *in.trials[i].result.exposure);
    if (in.trials[i].cached) text += "  [cached]";
    text += "\n";
  }
  return text;
}
}  // namespace

TrialGrid trial_grid(const SearchReportInput& in) {
  const search::SearchResult& r = in.result;
  TrialGrid grid;
  for (const auto& item : in.scenario.options) grid.options.push_back(item.name);
  for (size_t i = 0; i < r.trials.size() && i < in.trials.size(); ++i) {
    const search::TrialRecord& record = r.trials[i];
    const trial::TrialResult& result = in.trials[i].result;
    GridTrial row;
    row.number = static_cast<int>(i) + 1;
    row.phase = search::phase_name(record.phase);
    row.verdict = record.outcome.verdict;
    row.applied = record.options;
    row.reason = with_option_names(record.outcome.reason, in.scenario);
    row.seconds = std::chrono::duration<double>(result.elapsed).count();
    row.exposure = result.exposure;
    row.cached = in.trials[i].cached;
    grid.trials.push_back(std::move(row));
  }
  for (const auto& set : r.culprits) grid.culprits.insert(set.begin(), set.end());
  grid.removed.insert(r.removal.begin(), r.removal.end());
  return grid;
}

namespace {
// The grid of every trial; the bars of the baseline, the full template and
// (when something was removed) the safe one.
void add_pictures(ReportCell& cell, const SearchReportInput& in, const SearchExposures& exposures) {
  cell.grid = trial_grid(in);
  cell.exposure_bars = {{"baseline", exposures.baseline}, {"full template", exposures.full}};
  if (in.result.status == search::SearchStatus::Found)
    cell.exposure_bars.push_back({"safe template", exposures.safe});
}
}  // namespace

namespace {
// The verdict, and what comes with it: the safe drop-in and its exposure
// (Found), the full template's exposure (NothingBreaks).
void set_verdict(ReportCell& cell, const SearchReportInput& in, const SearchExposures& exposures) {
  const search::SearchResult& r = in.result;
  switch (r.status) {
    case search::SearchStatus::Found: {
      cell.verdict = search::Verdict::Fail;
      cell.exposure_after = exposures.safe;
      std::vector<scenario::OptionItem> kept;
      for (int index : r.safe_set) kept.push_back(in.scenario.options.at(static_cast<size_t>(index)));
      std::istringstream dropin(scenario::render_dropin(kept, ""));
      for (std::string line; std::getline(dropin, line);) cell.safe.push_back(line);
      break;
    }
    case search::SearchStatus::NothingBreaks:
      cell.verdict = search::Verdict::Pass;
      cell.exposure_after = exposures.full;
      break;
    default:
      cell.verdict = search::Verdict::Unresolved;
      break;
  }
}

// The summary, the findings' count and why the full set failed.
std::string cell_reason(const SearchReportInput& in) {
  std::string reason = summary_message(in);
  if (!in.findings.empty())
    reason += fmt::format("; {} line(s) systemd ignores in whole or part", in.findings.size());
  int full_fail = first_trial(in, search::Phase::Full, search::Verdict::Fail);
  if (full_fail >= 0 && !in.trials[static_cast<size_t>(full_fail)].result.reason.empty())
    reason += "; the full set: " + in.trials[static_cast<size_t>(full_fail)].result.reason;
  return reason;
}

// The trials that show the answer: each culprit set's failing trial, or
// (no culprit trial) the first that did not pass: a failing baseline, an
// unresolved or failing full set.
std::string deciding_trials(const SearchReportInput& in) {
  const search::SearchResult& r = in.result;
  std::string text;
  bool shown = false;
  for (const auto& set : r.culprits) {
    for (size_t i = 0; i < r.trials.size() && i < in.trials.size(); ++i) {
      if (r.trials[i].options == set && r.trials[i].outcome.verdict == search::Verdict::Fail) {
        text += "\n";
        describe_trial(text, in, static_cast<int>(i),
                       "culprit " + joined(option_names(in.scenario, set), " + "));
        shown = true;
        break;
      }
    }
  }
  if (shown) return text;
  for (size_t i = 0; i < r.trials.size() && i < in.trials.size(); ++i) {
    if (r.trials[i].outcome.verdict != search::Verdict::Pass) {
      text += "\n";
      describe_trial(text, in, static_cast<int>(i), search::phase_name(r.trials[i].phase));
      break;
    }
  }
  return text;
}

// The evidence: the search's figures, the trials that show the answer, then
// the whole log. The reason comes first wherever the evidence is shown; it
// is not repeated.
std::string cell_evidence(const SearchReportInput& in, const SearchExposures& exposures) {
  const search::SearchResult& r = in.result;
  std::string text = fmt::format("search: {}, strategy {}, {} trials ({} distinct sets)\n",
                                 search::status_name(r.status), r.strategy, r.trial_count, r.distinct_sets);
  text += fmt::format(
      "exposure (systemd-analyze security, 0 best, 10 worst): baseline {}, full set {}, safe subset {}\n",
      exposure_text(exposures.baseline), exposure_text(exposures.full), exposure_text(exposures.safe));
  for (const auto& note : r.notes) text += "note: " + with_option_names(note, in.scenario) + "\n";
  if (!in.findings.empty()) text += "\nfindings (lines systemd ignores):\n" + format_findings(in.findings);
  text += deciding_trials(in);
  for (const auto& u : r.unresolved)
    text += fmt::format("unresolved trial {}: {}\n", u.trial + 1, with_option_names(u.reason, in.scenario));
  return text + trial_log(in);
}
}  // namespace

ReportCell cell_from_search(const SearchReportInput& in, const std::string& options_label) {
  const search::SearchResult& r = in.result;
  ReportCell cell;
  cell.name = in.scenario.name;
  cell.scenario = in.scenario.name;
  cell.image = in.image;
  cell.options_label = options_label;
  cell.trials = r.trial_count;
  cell.seconds = in.wall_seconds;
  for (const auto& set : r.culprits) cell.culprits.push_back(option_names(in.scenario, set));
  SearchExposures exposures = search_exposures(in);
  cell.exposure_before = exposures.baseline;
  add_pictures(cell, in, exposures);
  set_verdict(cell, in, exposures);
  cell.reason = cell_reason(in);
  cell.findings = in.findings;
  cell.evidence = cell_evidence(in, exposures);
  cell.trial_evidence = trials_to_json(in, {.passes = true, .evidence = true});
  return cell;
}

std::string options_label(const scenario::Scenario& scenario) {
  const size_t n = scenario.options.size();
  std::string count = fmt::format("{} option{}", n, n == 1 ? "" : "s");
  if (scenario.template_file.empty()) return count;
  return fmt::format("{} ({})", std::filesystem::path(scenario.template_file).filename().string(), count);
}

}  // namespace hb::report
