#include "report/search_report.h"

#include <fmt/format.h>

#include <algorithm>
#include <regex>

#include "report/json_report.h"
#include "report/status_printer.h"
#include "report/terminal.h"
#include "scenario/template.h"
#include "util/parse.h"
#include "util/strings.h"

namespace hb::report {

SearchReportInput search_report_input(const scenario::Scenario& scenario, const job::BisectJob& job) {
  return SearchReportInput{scenario,
                           job.result,
                           job.trials,
                           job.prepared.plan.image,
                           options::privilege_name(job.prepared.privilege.level),
                           job.wall_seconds,
                           job.findings};
}

std::string sets_text(const std::vector<std::vector<std::string>>& sets, const SetsFormat& format) {
  std::vector<std::string> texts;
  for (const auto& set : sets) {
    std::vector<std::string> names;
    for (const auto& name : set) names.push_back(format.name ? format.name(name) : name);
    texts.push_back(format.open + util::join(names, format.within) + format.close);
  }
  return util::join(texts, format.between);
}

namespace {

std::string joined(const std::vector<std::string>& words) { return util::join(words, ", "); }

using job::set_label;

std::vector<options::Directive> directives_of(const scenario::Scenario& scenario,
                                              const search::OptionSet& set) {
  std::vector<options::Directive> all;
  for (int index : set) {
    const auto& item = scenario.options.at(static_cast<size_t>(index));
    all.insert(all.end(), item.directives.begin(), item.directives.end());
  }
  return all;
}

}  // namespace

std::string safe_dropin(const scenario::Scenario& scenario, const search::SearchResult& result) {
  std::string header = fmt::format(
      "The safe hardening template for {}, found by hardbisect bisect\n"
      "({} of {} options kept; removed: {}).",
      scenario.service.unit, result.safe_set.size(), scenario.options.size(),
      result.removal.empty() ? "none" : joined(option_names(scenario, result.removal)));
  return scenario::render_dropin(directives_of(scenario, result.safe_set), header);
}

std::string format_progress(const scenario::Scenario& scenario, const search::TrialRecord& record,
                            const trial::TrialResult& trial) {
  return format_progress(
      job::TrialFinished{{}, record, &trial, false, set_label(scenario, record.options), false});
}

std::string with_option_names(const std::string& text, const scenario::Scenario& scenario) {
  static const std::regex index_set(R"(\{([0-9]+(?:, ?[0-9]+)*)\})");
  std::string out;
  auto begin = std::sregex_iterator(text.begin(), text.end(), index_set);
  size_t done = 0;
  for (auto it = begin; it != std::sregex_iterator(); ++it) {
    const std::smatch& m = *it;
    std::vector<std::string> names;
    std::string inner = m[1].str();
    std::replace(inner.begin(), inner.end(), ',', ' ');
    for (const auto& word : util::words(inner)) {
      auto index = util::parse_unsigned(word);
      if (!index || *index >= scenario.options.size()) {
        names.clear();
        break;
      }
      names.push_back(scenario.options[*index].name);
    }
    out += text.substr(done, static_cast<size_t>(m.position(0)) - done);
    out += names.empty() ? m.str(0) : "{" + joined(names) + "}";
    done = static_cast<size_t>(m.position(0) + m.length(0));
  }
  return out + text.substr(done);
}

std::string summary_message(const SearchReportInput& in) {
  const search::SearchResult& r = in.result;
  // The engine speaks in option indices; people read the lines.
  if (r.status == search::SearchStatus::Found)
    return fmt::format("{}; remove {}; keep {} of {}", util::counted(r.culprits.size(), "culprit set"),
                       joined(option_names(in.scenario, r.removal)), r.safe_set.size(),
                       util::counted(r.option_count, "option"));
  return with_option_names(r.message, in.scenario);
}

std::string ruled_out_text(const search::SearchResult& r) {
  if (!r.ruled_out) return "";
  const bool safe = r.status == search::SearchStatus::Found;
  return fmt::format("ruled out: a failure rate above {:.3f} ({} passed its last {}; confidence {:.2f})\n",
                     r.ruled_out->failure_rate, safe ? "the safe template" : "the full set",
                     util::counted(r.ruled_out->runs, "run"), r.ruled_out->confidence);
}

nlohmann::json ruled_out_json(const search::SearchResult& r) {
  if (!r.ruled_out) return nullptr;
  return {{"failure_rate", r.ruled_out->failure_rate},
          {"confidence", r.ruled_out->confidence},
          {"runs", r.ruled_out->runs}};
}

namespace {
// Each option to remove, why, and the evidence of the trial that ran it alone.
std::string removals_text(const SearchReportInput& in) {
  const search::SearchResult& r = in.result;
  std::string text = "\nremove from the template:\n";
  for (const auto& removal : r.removals) {
    std::string name = in.scenario.options.at(static_cast<size_t>(removal.option)).name;
    std::vector<std::string> why;
    if (removal.fails_alone) why.push_back("fails alone on top of the baseline");
    for (const auto& partners : removal.together_with)
      why.push_back("fails together with " + joined(option_names(in.scenario, partners)));
    text += fmt::format("  - {}: {}\n", name, util::join(why, "; "));
    // The failing trial's explanation, where a trial ran this culprit alone.
    for (size_t i = 0; i < r.trials.size() && i < in.trials.size(); ++i) {
      if (r.trials[i].options == search::OptionSet{removal.option} &&
          r.trials[i].outcome.verdict == search::Verdict::Fail) {
        text += "      evidence: " + in.trials[i].result.reason + "\n";
        if (!in.trials[i].result.explanation.empty())
          text += "      why: " + in.trials[i].result.explanation + "\n";
        break;
      }
    }
  }
  return text;
}

// The safe template's lines, the culprits kept in its context, and what
// proved it.
std::string safe_template_text(const SearchReportInput& in) {
  const search::SearchResult& r = in.result;
  std::string text = fmt::format("\nsafe template ({} of {} options, verified by trial {}):\n",
                                 r.safe_set.size(), r.option_count, r.safe_trial + 1);
  for (const auto& name : option_names(in.scenario, r.safe_set)) text += "  " + name + "\n";
  // Kept in the template's context although they fail alone (search.h, steps 2 and 3).
  for (const auto& k : r.kept)
    text += fmt::format("  note: {} fails {}; passes with {}\n", joined(option_names(in.scenario, k.culprit)),
                        k.culprit.size() == 1 ? "alone" : "together",
                        k.passes_with.empty() ? "the rest of this template"
                                              : joined(option_names(in.scenario, k.passes_with)));
  if (r.context_trials + r.explain_trials > 0)
    text += fmt::format("  ({} proved it 1-maximal, {} explained what kept lines need)\n",
                        util::counted(r.context_trials, "trial"), r.explain_trials);
  return text;
}

// The flakiness figures, the findings, the notes and the totals.
std::string summary_tail(const SearchReportInput& in) {
  const search::SearchResult& r = in.result;
  std::string text;
  if (r.flaky)
    text += fmt::format(
        "\nflaky: the full set failed {} of {} runs (p = {:.2f}); each passing set ran {}; "
        "confidence per test {:.3f}\n",
        r.full_failures, r.full_runs, r.failure_rate, util::counted(r.repeats, "time"), r.confidence);
  if (r.flaky && r.posterior < 1.0)
    text += fmt::format("flaky: the answer holds with probability {:.3f}, given these trials\n", r.posterior);
  if (!in.findings.empty())
    text +=
        "\nfindings (lines systemd ignores in whole or part, here as on a real host; the search judged "
        "what systemd applies):\n" +
        format_findings(in.findings);
  for (const auto& note : r.notes) text += "note: " + with_option_names(note, in.scenario) + "\n";
  text += fmt::format("\n{} trials ({} distinct option sets) in {:.1f} s on {} (privilege {})\n",
                      r.trial_count, r.distinct_sets, in.wall_seconds, in.image, in.privilege);
  return text;
}
}  // namespace

std::string format_search_summary(const SearchReportInput& in) {
  const search::SearchResult& r = in.result;
  std::string text;
  text += fmt::format("\n== hardbisect {}: {}\n", r.strategy, search::status_name(r.status));
  text += summary_message(in) + "\n";
  text += ruled_out_text(r);
  if (!r.culprits.empty()) {
    text += "\nculprits (each set fails on its own; removing one option of it defuses it):\n";
    for (const auto& set : r.culprits) text += "  - " + joined(option_names(in.scenario, set)) + "\n";
    if (!r.not_exhaustive.empty())
      text += "  (these are the sets the trials proved; there may be others: " + r.not_exhaustive + ")\n";
  }
  if (!r.removals.empty()) text += removals_text(in);
  if (!r.undecided.empty())
    text +=
        "\nundecided (their trials stayed UNRESOLVED): " + joined(option_names(in.scenario, r.undecided)) +
        "\n";
  for (const auto& u : r.unresolved)
    text += fmt::format("  unresolved trial {}: {} — {}\n", u.trial + 1, set_label(in.scenario, u.options),
                        with_option_names(u.reason, in.scenario));
  if (r.status == search::SearchStatus::Found) text += safe_template_text(in);
  return text + summary_tail(in);
}

search::Verdict search_verdict(search::SearchStatus status) {
  switch (status) {
    case search::SearchStatus::Found:
      return search::Verdict::Fail;
    case search::SearchStatus::NothingBreaks:
      return search::Verdict::Pass;
    default:
      return search::Verdict::Unresolved;
  }
}

nlohmann::json trials_to_json(const SearchReportInput& in, TrialsWanted wanted) {
  const search::SearchResult& r = in.result;
  nlohmann::json trials = nlohmann::json::array();
  for (size_t i = 0; i < r.trials.size() && i < in.trials.size(); ++i) {
    const auto& record = r.trials[i];
    if (!wanted.passes && record.outcome.verdict == search::Verdict::Pass) continue;
    TrialMeta meta{record.index + 1,
                   search::phase_name(record.phase),
                   option_names(in.scenario, record.options),
                   record.outcome.verdict,
                   record.run,
                   in.trials[i].cached,
                   record.unasked};
    trials.push_back(trial_to_json(meta, in.trials[i].result, wanted.evidence));
  }
  return trials;
}

namespace {
nlohmann::json removals_json(const SearchReportInput& in) {
  nlohmann::json removals = nlohmann::json::array();
  for (const auto& removal : in.result.removals) {
    nlohmann::json together = nlohmann::json::array();
    for (const auto& partners : removal.together_with)
      together.push_back(option_names(in.scenario, partners));
    removals.push_back({{"option", in.scenario.options.at(static_cast<size_t>(removal.option)).name},
                        {"fails_alone", removal.fails_alone},
                        {"together_with", together}});
  }
  return removals;
}

nlohmann::json unresolved_json(const SearchReportInput& in) {
  nlohmann::json unresolved = nlohmann::json::array();
  for (const auto& u : in.result.unresolved)
    unresolved.push_back({{"trial", u.trial + 1},
                          {"options", option_names(in.scenario, u.options)},
                          {"reason", with_option_names(u.reason, in.scenario)}});
  return unresolved;
}

// The flakiness figures, with ruled_out: how sure the answer is.
nlohmann::json confidence_json(const search::SearchResult& r) {
  return {{"flaky", r.flaky},           {"failure_rate", r.failure_rate}, {"repeats", r.repeats},
          {"confidence", r.confidence}, {"posterior", r.posterior},       {"ruled_out", ruled_out_json(r)}};
}
}  // namespace

nlohmann::json search_body(const SearchReportInput& in) {
  const search::SearchResult& r = in.result;
  nlohmann::json culprits = nlohmann::json::array();
  for (const auto& set : r.culprits) culprits.push_back(option_names(in.scenario, set));
  nlohmann::json safe = nlohmann::json::array();
  for (const auto& d : directives_of(in.scenario, r.safe_set)) safe.push_back(d.line());
  std::vector<std::string> notes;
  for (const auto& note : r.notes) notes.push_back(with_option_names(note, in.scenario));
  nlohmann::json json{
      {"scenario", in.scenario.name},
      {"unit", in.scenario.service.unit},
      {"image", in.image},
      {"privilege", in.privilege},
      {"strategy", r.strategy},
      {"verdict", search::verdict_name(search_verdict(r.status))},
      {"outcome", search::status_name(r.status)},
      {"message", summary_message(in)},
      {"culprits", culprits},
      {"removals", removals_json(in)},
      {"safe", safe},
      {"safe_dropin", r.status == search::SearchStatus::Found ? safe_dropin(in.scenario, r) : ""},
      {"undecided", option_names(in.scenario, r.undecided)},
      {"complete", r.complete},
      {"not_exhaustive",
       r.not_exhaustive.empty() ? nlohmann::json(nullptr) : nlohmann::json(r.not_exhaustive)},
      {"trial_count", r.trial_count},
      {"distinct_sets", r.distinct_sets},
      {"cached_trials",
       std::count_if(in.trials.begin(), in.trials.end(), [](const job::TrialEntry& e) { return e.cached; })},
      {"wall_seconds", in.wall_seconds},
      {"notes", notes},
      {"unresolved", unresolved_json(in)},
      {"findings", findings_to_json(in.findings)},
      {"trials", trials_to_json(in)},
  };
  json.update(confidence_json(r));
  return json;
}

nlohmann::json search_to_json(const SearchReportInput& in) {
  nlohmann::json json = report_envelope("bisect");
  json.update(search_body(in));
  return json;
}

}  // namespace hb::report
