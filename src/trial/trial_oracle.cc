#include "trial/trial_oracle.h"

#include <atomic>
#include <thread>

#include "trial/plan.h"
#include "util/error.h"

namespace hb::trial {

TrialOracle::TrialOracle(TrialRunner& runner, const std::vector<scenario::OptionItem>& options,
                         std::function<void(const std::string&)> log)
    : m_runner(runner), m_options(options), m_log(std::move(log)) {}

std::vector<options::Directive> TrialOracle::directives_of(const search::OptionSet& set) const {
  std::vector<options::Directive> directives;
  for (int index : set) {
    const auto& item = m_options.at(static_cast<size_t>(index));
    directives.insert(directives.end(), item.directives.begin(), item.directives.end());
  }
  return directives;
}

std::vector<search::Outcome> TrialOracle::test_many(const std::vector<search::OptionSet>& sets) {
  // The baseline calibration and tiny batches stay serial.
  if (m_jobs <= 1 || sets.size() <= 1 || (!m_baseline_calibrated && std::find(sets.begin(), sets.end(),
                                                                              search::OptionSet{}) != sets.end()))
    return Oracle::test_many(sets);
  std::vector<TrialResult> results(sets.size());
  std::atomic<size_t> next{0};
  std::vector<std::thread> workers;
  int threads = std::min<int>(m_jobs, static_cast<int>(sets.size()));
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&] {
      for (size_t i = next++; i < sets.size(); i = next++) results[i] = m_runner.run(directives_of(sets[i]));
    });
  }
  for (auto& worker : workers) worker.join();
  std::vector<search::Outcome> outcomes;
  for (auto& result : results) {
    if (result.cause == Cause::UnitNotFound)
      throw UserError(result.reason, "install it with image.packages / --packages, or give the unit file "
                                     "(service.unit_file / --unit-file)");
    if (result.cause == Cause::Harness || result.cause == Cause::Boot) m_infrastructure = true;
    outcomes.push_back({result.verdict, result.reason});
    m_results.push_back(std::move(result));
  }
  return outcomes;
}

search::Outcome TrialOracle::test(const search::OptionSet& set) {
  TrialResult result;
  if (set.empty() && !m_baseline_calibrated) {
    m_baseline_calibrated = true;
    result = run_baseline(m_runner, m_log ? m_log : [](const std::string&) {});
  } else {
    result = m_runner.run(directives_of(set));
  }
  if (result.cause == Cause::UnitNotFound)
    throw UserError(result.reason, "install it with image.packages / --packages, or give the unit file "
                                   "(service.unit_file / --unit-file)");
  if (result.cause == Cause::Harness || result.cause == Cause::Boot) m_infrastructure = true;
  search::Outcome outcome{result.verdict, result.reason};
  m_results.push_back(std::move(result));
  return outcome;
}

}  // namespace hb::trial
