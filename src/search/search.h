#pragma once
// The search engine: which options of a hardening template break a service.
//
// Model. Options are indices 0..n-1 into the scenario's ordered list. A trial
// applies a set of options on top of the baseline and yields PASS, FAIL or
// UNRESOLVED (see oracle.h). The engine assumes failures are monotone: adding
// options to a failing set keeps it failing. A "culprit set" is a minimal
// failing set: it fails on its own, and removing any one of its options makes
// it pass. "fails iff {A} or {B,C} is applied" has the culprit sets {A} and
// {B,C}.
//
// Preconditions, checked before any search:
//   - the baseline (no options) must pass; if it fails every time the status
//     is BaselineFails ("not a hardening problem"), if it fails only
//     sometimes the status is FlakyBaseline; no option is blamed.
//   - the full set must fail; if it passes repeatedly the status is
//     NothingBreaks. One failure of the full set that nothing else backs
//     (it passed before, or its rerun passed or stayed unresolved, and no
//     other set failed) is blamed on the options only once it reproduces:
//     the full set runs until it fails again or passes as often as would
//     show a min_failure_rate failure with `confidence` twice over (17 runs
//     at 0.3 and 0.95); then NothingBreaks, flaky, with a note (Unresolved
//     when those runs could not be decided). Otherwise a flaky search would
//     end with the whole template as one culprit (issue 26). If the full set is UNRESOLVED, the options that
//     make trials unresolved are isolated (same search, looking for "unresolved" instead of "fail"), set
//     aside as undecided, and the search continues on the rest.
//
// Flakiness. The full set is run once (deterministic_after); a failure there
// means "deterministic": each set is then run once. A flaky failure that
// looked deterministic shows up later as a contradiction (a set fails
// although a superset passed, the safe set fails, a culprit set's "all but
// one" subset fails), and the engine then switches to flaky mode. In flaky
// mode bisect weighs every run in a posterior (see "bisect" below): no
// estimate up front, the baseline is one of its hypotheses, and the repeat
// count r for the rest of the search follows from the runs with the culprit
// it found. The other strategies: the failure rate p is
// estimated from `estimate_runs` runs, and every set is run up to r times, stopping at its first failure,
// where r is the smallest count with (1-p)^r <= 1-confidence in expectation over the uncertainty of p (Beta
// posterior from the runs), and at most `max_repeats`. A set passes only after r passing runs. A failure is
// never discarded. In flaky mode a new culprit set's "all but one" subsets
// are rerun with fresh repeats (the baseline, for a single option), since
// each pass behind it is a possible miss. When a set fails that is a subset of a set that passed
// (a contradiction), the engine switches to flaky mode (or lowers its
// estimate, pooling the contradicting runs) and searches again, reusing every
// failure it saw.
//
// A failure the user has seen (expect_failure): the full set runs until it
// fails, at most expect_failure_cap() times; its first failure is believed
// (flaky mode sizes the rest) and the answer is never NothingBreaks: a full
// set that never fails is Unresolved, stating the rate it rules out. Every
// NothingBreaks, and the safe set of a flaky search, carries ruled_out: the
// failure rate its passing runs exclude with `confidence`, 1-(1-C)^(1/N).
//
// What each trial outside the bisection buys in deterministic mode (one
// culprit among n: about log2(n) + 3.5 trials in all, with the culprit at a
// random place; tests/bench/search_trials.sh):
//   - the baseline: the precondition (a failing baseline is not a hardening
//     problem) and the hang bounds the job learns from it;
//   - one run of the full set: the precondition (something breaks), the
//     exposure the weights are learned from, and the first failure the
//     bisection narrows down;
//   - the culprit alone (merged with the last bisection step when two
//     candidates are left): that the set is a culprit on its own;
//   - the safe set: the template without the removal passes, which also
//     proves that no other culprit set is left (bisect's completeness), and
//     catches a flaky failure whose culprit the bisection missed;
//   - confirm_runs (1): a rerun of each culprit set of two or more options
//     (and of a line the context step adds back beside a failing subset).
//     A flaky failure that looked deterministic misleads the bisection into
//     such sets (a pass of a set with the culprit taken for a pass), and the
//     rerun passes with probability 1 - p, p its failure rate: a
//     contradiction, and flaky mode takes over. A rerun that stays
//     UNRESOLVED (a remote host in trouble) reproduces nothing either: flaky
//     mode takes over too, so a set is a deterministic culprit only once its
//     failure reproduced (one failure of the whole template with every
//     subset passing is the signature of a failure outside the options).
//     A single option that failed
//     alone needs no rerun: it can fail (the baseline passed), which is the
//     answer, flaky or not; a pair costs one trial more;
//   - deterministic_after > 1: more runs of the full set up front; each
//     costs a trial in every search and catches a flaky full set with
//     probability 1 - p. Off by default: the rerun above catches what it
//     would, where it matters (SearchFlaky.*, SearchPreconditions.*).
//
// UNRESOLVED runs count as neither pass nor fail. A run is retried
// `unresolved_retries` times; a set that stays unresolved is skipped where the
// strategy can work around it, otherwise the status is Unresolved. Every
// unresolved run is listed in SearchResult::unresolved with its reason.
//
// Strategies (strategy_names()):
//   - "bisect" (default): adaptive binary search over prefixes of the ordered
//     options finds one culprit set in about |set| * log2(n) trials; each
//     culprit set is confirmed by a run of exactly that set. In flaky mode a
//     posterior over which option is the culprit (posterior.h) chooses each
//     next set for its expected information and stops when the most likely
//     option holds with `confidence` (SearchResult::posterior) and has failed
//     alone; repeated bisection takes over when it does not settle (a set
//     that only fails together). Then every
//     minimal way of removing one option from each culprit set found so far
//     is tried; a failing remainder is searched again. It stops when every
//     such remainder passes, which proves that ALL culprit sets were found
//     (independent culprits, overlapping ones, combinations).
//   - "ddmin": Zeller and Hildebrandt's delta debugging (2002) for one
//     1-minimal failing subset, repeated on the failing remainder until the
//     template passes. UNRESOLVED tests are neither pass nor fail, as in the
//     paper.
//   - "progressive": add options one at a time in order until it breaks; the
//     option that broke it is a culprit (its partners among the earlier
//     options are then found by bisection); drop it and go on.
//   - "linear": each option alone on top of the baseline (in one batch);
//     finds no combination that only fails together (status Unresolved then).
//   ddmin, progressive and linear stop once the template passes, so they may
//   miss culprit sets that the chosen removal already defuses; only bisect
//   guarantees all of them.
//
// Culprit sets are true facts about the service ("IPAddressDeny=any fails
// alone"), found under the monotone assumption above. The template's answer is
// computed in the template's own context, because templates hold relaxations
// (IPAddressAllow= beside IPAddressDeny=, ReadWritePaths= beside
// ProtectSystem=strict, StateDirectory= creating what ReadWritePaths= names):
// there failures are not monotone, and {A} failing says nothing about
// template - {B} failing.
//
//   1. Hitting set. A smallest set of options (by total weight; weights
//      default to 1, a higher weight means more valuable hardening to keep;
//      ties broken by SearchConfig::keys, not by line order) that contains at
//      least one option of every culprit set. The rest passed a trial.
//   2. Context (SearchConfig::context). Each removed option, most valuable
//      first (weight, then key), is added back to the passing template,
//      judged by its own runs only (SetTester::test_exact: no inference from
//      other sets, repeats at the requested confidence in flaky mode) and kept
//      when the template still passes. Rounds repeat until no option comes
//      back, so every option still removed FAILED beside the final safe set:
//      the safe set is 1-maximal, proven by trials (Removal::add_back_trial,
//      SearchResult::maximal). What it costs: one trial (r in flaky mode) per
//      removed option, none when that set already ran (a single removed
//      option: safe + it is the full set), plus one per earlier rejected
//      option after each option that came back. What it buys: the removal no
//      longer drops hardening that only fails without its relaxation, and it
//      depends on the lines' weights and keys, not on their order.
//   3. Explain (SearchConfig::explain_kept). For each culprit set the search
//      found that the safe set keeps (it fails alone, yet passes in this
//      template), a smallest set of kept options it passes with, by binary
//      search over the kept options in key order: about |with| * log2(kept)
//      trials, assuming more kept relaxations never hurt. That is the line
//      "IPAddressDeny=any fails alone; passes with IPAddressAllow=127.0.0.0/8".
//      Only culprit sets the search ran are known to fail alone: a kept line
//      the search never tried alone is not tested alone.
//
// Each removed option says why: it fails alone, or only together with which
// other options, and the trial where adding it back failed.
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "search/oracle.h"

namespace hb::search {

enum class Phase { Baseline, Full, Search, Confirm, Safe, Context, Explain };
const char* phase_name(Phase phase);

// One run of the oracle.
struct TrialRecord {
  int index = 0;  // 0-based position in the trial log
  Phase phase = Phase::Search;
  OptionSet options;
  Outcome outcome;
  int run = 1;  // 1-based run number of this set within one test
  // Ran beside a question the search asked (speculatively); reported when
  // it ended, in trial order, under the phase it ran beside, before the
  // search asked for its set (if it ever does).
  bool speculative = false;
  // A speculative run the search never asked for: it answers nothing.
  bool unasked = false;
  // The search's total runs as estimated when this run started or ended
  // (search/estimate.h): progress prints "trial 7 of about 12".
  int estimate = 0;
};

struct SearchConfig {
  std::string strategy = "bisect";
  double confidence = 0.95;  // per-test detection probability wanted in flaky mode
  int max_repeats = 30;      // cap on runs of one set in flaky mode
  int estimate_runs = 10;    // runs of the full set to estimate a flaky failure rate
  // When the full set passes its first run, it is run until this failure rate
  // would have shown with `confidence` before concluding NothingBreaks.
  double min_failure_rate = 0.3;
  // The user has seen the service fail (--expect-failure): the full set runs
  // until it fails, at most expect_failure_cap() times (and max_trials); its
  // failure rate is estimated from those runs and the search sized for it
  // (flaky mode). One failure there is believed (the user saw others). The
  // verdict is never NothingBreaks: a full set that never fails ends
  // Unresolved with the failure rate those runs rule out.
  bool expect_failure = false;
  // Consecutive failures of the full set that make the engine assume the
  // failure is deterministic and run each set once; 0 = always estimate.
  // Each run more costs a trial and catches a flaky full set with
  // probability 1 - p.
  int deterministic_after = 1;
  // In deterministic mode, extra runs of each culprit set of two or more
  // options when found (and of a line the context step adds back beside a
  // failing subset): a pass there contradicts the earlier failure and
  // switches to flaky mode. See "What each trial ... buys" above.
  int confirm_runs = 1;
  int unresolved_retries = 1;  // extra runs of a set whose run was UNRESOLVED
  int max_trials = 0;          // budget of oracle runs; 0 = unlimited
  // Trials that may go to the oracle at once (test_many): in flaky mode the
  // runs of one set (repeats, the failure-rate estimate); in deterministic
  // mode each question goes with the questions that may come next, run
  // speculatively (SetTester::test_speculating): the full set's first run
  // and each bisection step with the next step of each answer, each safe
  // set with the bisection's first question inside it, a culprit's rerun
  // with the safe set that follows it, each add-back of the context step
  // with the next add-back of each answer, the explain step's bisection one
  // step ahead (tests/bench/search_trials.sh: the nginx-seed004 model takes
  // 20 rounds instead of 31, SearchJobs.TheNginxTemplate...). A
  // speculative run enters the memory only when the search asks for that
  // set, so the questions asked and the answers are those of one trial at a
  // time, even where failures are not monotone; more trials, fewer rounds.
  // Each speculative run ends before the next question (SetTester::
  // run_with_speculation): the runs started never depend on how long a trial
  // took, so the trial log and a cached replay of it are the same each time
  // (a search that went on beside a slower speculative run measured 0.83x
  // against 0.85x on nginx-seed004 and made the log depend on timing).
  int jobs = 1;
  std::vector<double> weights;  // per option, empty = all 1; size must be n otherwise
  // Per option, a stable identity (the line's text) that breaks ties between
  // equal weights, so the answer does not depend on the order of the lines;
  // empty = by index. Size must be n otherwise.
  std::vector<std::string> keys;
  // Weights learned from the runs so far, asked once the full set has failed
  // (the job reads each line's systemd-analyze security contribution from the
  // baseline's and the full set's trials); an empty answer keeps `weights`.
  std::function<std::vector<double>(const std::vector<TrialRecord>&)> weigh;
  bool context = true;       // step 2 above: the safe set made 1-maximal by trials
  bool explain_kept = true;  // step 3 above: what each kept culprit passes with
  // Progress: each run when it starts (no outcome yet) and when it ends, in
  // trial order (a speculative run when it ends, not when asked for).
  std::function<void(const TrialRecord&)> on_start;
  std::function<void(const TrialRecord&)> on_trial;
};

// The runs of the full set with expect_failure: those that would show a
// failure rate of min(1/20, min_failure_rate) with `confidence` (59 at 0.95).
int expect_failure_cap(const SearchConfig& config);

enum class SearchStatus {
  Found,          // culprits found and a safe set verified
  NothingBreaks,  // the full set passes
  BaselineFails,  // the baseline fails every time: not a hardening problem
  FlakyBaseline,  // the baseline fails only sometimes
  Unresolved,     // the answer could not be decided (see message, unresolved)
};
const char* status_name(SearchStatus status);

// Why a removed option is removed.
struct Removal {
  int option = 0;
  bool fails_alone = false;              // {option} is a culprit set
  std::vector<OptionSet> together_with;  // for each other culprit set with it: the rest of it
  int add_back_trial = -1;               // a failing run of safe_set + option; -1 if not run
};

// A culprit set the safe template keeps: it fails on its own, and passes with
// `passes_with` (kept options, a smallest such set found).
struct KeptCulprit {
  OptionSet culprit;
  OptionSet passes_with;
  int trial = -1;  // a passing run of culprit + passes_with; -1 when not found
};

struct UnresolvedTrial {
  int trial = 0;  // index into SearchResult::trials
  OptionSet options;
  std::string reason;
};

// What a passing verdict rules out: a set failing with a rate above
// failure_rate would have failed in one of its last `runs` passing runs with
// probability `confidence` (1 - (1 - C)^(1/N) = X).
struct RuledOut {
  double failure_rate = 1.0;
  double confidence = 0.0;
  int runs = 0;
};

struct SearchResult {
  SearchStatus status = SearchStatus::Unresolved;
  std::string message;  // one line for humans, always set
  std::string strategy;
  int option_count = 0;

  std::vector<OptionSet> culprits;  // minimal failing sets, sorted
  OptionSet removal;                // options to remove from the template
  OptionSet safe_set;               // options to keep; passed its trial when safe_trial >= 0
  int safe_trial = -1;              // index of a passing run of safe_set, -1 if none
  std::vector<Removal> removals;    // one per option of `removal`, same order
  OptionSet restored;               // removed by the hitting set, added back by the context step
  std::vector<KeptCulprit> kept;    // culprit sets inside safe_set, with what they pass with
  bool maximal = false;             // every removed option failed beside safe_set (context step)
  int context_trials = 0;           // oracle runs of the context step
  int explain_trials = 0;           // oracle runs of the explain step
  std::vector<double> weights;      // the weights used (config's or learned), empty = all 1
  OptionSet undecided;              // options set aside because trials with them stay UNRESOLVED
  bool complete = false;            // true when every culprit set is proven found (bisect)
  std::string not_exhaustive;       // Found and not complete: why the culprit list may not be all

  std::vector<TrialRecord> trials;  // every oracle run, in order
  int trial_count = 0;              // == trials.size()
  int distinct_sets = 0;            // distinct option sets run
  std::vector<UnresolvedTrial> unresolved;

  bool flaky = false;  // false: full set failed twice, sets run once
  double failure_rate =
      1.0;  // estimated from the full set's runs (the posterior's culprit's runs when found so)
  int full_runs = 0;
  int full_failures = 0;
  int repeats = 1;          // runs per passing set
  double confidence = 1.0;  // probability a failing set was caught by a test; 1 when deterministic
  // Flaky mode, bisect: the lowest posterior probability of a culprit set the
  // posterior search found (posterior.h); 1 when none was found that way.
  double posterior = 1.0;
  std::vector<std::string> notes;  // contradictions, caps, choices made
  // NothingBreaks: the full set's last passing runs; Found in flaky mode: the
  // safe set's; Unresolved with expect_failure and no failure of the full
  // set: its runs. Empty otherwise.
  std::optional<RuledOut> ruled_out;
};

// Names accepted in SearchConfig::strategy, default first.
std::vector<std::string> strategy_names();

// Runs the preconditions and the search. Throws std::invalid_argument for an
// unknown strategy or weights of the wrong size (check strategy_names() first
// to report a user error); oracle exceptions propagate.
SearchResult run_search(Oracle& oracle, int option_count, const SearchConfig& config);

}  // namespace hb::search
