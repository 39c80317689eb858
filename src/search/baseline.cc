#include "search/baseline.h"

#include "search/answer.h"

namespace hb::search {

bool Baseline::check(int option_count) {
  const Outcome first = m_tester.run_once({}, Phase::Baseline);
  if (first.verdict == Verdict::Unresolved) {
    stop(m_result, SearchStatus::Unresolved,
         "the baseline (no options) could not be decided: " + first.reason);
    return false;
  }
  if (first.verdict == Verdict::Fail) {
    // Two more runs tell a baseline that always fails from a flaky one.
    for (int i = 0; i < 2; ++i) m_tester.run_once({}, Phase::Baseline);
    const SetStats s = m_tester.stats({});
    if (s.passes > 0) {
      stop(m_result, SearchStatus::FlakyBaseline, flaky_message());
    } else {
      stop(m_result, SearchStatus::BaselineFails,
           "the baseline fails without any option applied: not a hardening problem (" + first.reason + ")");
    }
    return false;
  }
  if (option_count == 0) {
    stop(m_result, SearchStatus::NothingBreaks, "no options to test");
    return false;
  }
  return true;
}

bool Baseline::holds(int runs) {
  for (int i = 0; i < runs; ++i) {
    const Outcome o = m_tester.run_once({}, Phase::Baseline);
    if (o.verdict == Verdict::Fail) {
      blame_nothing();
      return false;
    }
    if (o.verdict == Verdict::Unresolved) {
      stop(m_result, SearchStatus::Unresolved, "the baseline (no options) could not be decided: " + o.reason);
      return false;
    }
  }
  return true;
}

void Baseline::blame_nothing() {
  stop(m_result, SearchStatus::FlakyBaseline, flaky_message());
  clear_answer(m_result);
}

std::string Baseline::flaky_message() const {
  const SetStats s = m_tester.stats({});
  return "the baseline fails only sometimes (" + std::to_string(s.fails) + " of " +
         std::to_string(s.fails + s.passes) + " runs) without any option applied: not blamed on an option";
}

}  // namespace hb::search
