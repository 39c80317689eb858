#include "trial/trial_oracle.h"

#include "util/error.h"

namespace hb::trial {

TrialOracle::TrialOracle(TrialRunner& runner, const std::vector<scenario::OptionItem>& options)
    : m_runner(runner), m_options(options) {}

std::vector<options::Directive> TrialOracle::directives_of(const search::OptionSet& set) const {
  std::vector<options::Directive> directives;
  for (int index : set) {
    const auto& item = m_options.at(static_cast<size_t>(index));
    directives.insert(directives.end(), item.directives.begin(), item.directives.end());
  }
  return directives;
}

search::Outcome TrialOracle::test(const search::OptionSet& set) {
  TrialResult result = m_runner.run(directives_of(set));
  if (result.cause == Cause::UnitNotFound)
    throw UserError(result.reason, "install it with image.packages / --packages, or give the unit file "
                                   "(service.unit_file / --unit-file)");
  if (result.cause == Cause::Harness || result.cause == Cause::Boot) m_infrastructure = true;
  search::Outcome outcome{result.verdict, result.reason};
  m_results.push_back(std::move(result));
  return outcome;
}

}  // namespace hb::trial
