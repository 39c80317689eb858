#pragma once
// The baseline precondition (search.h, "Preconditions"): the service passes
// with no option applied, and keeps passing as often as a set must.
#include <string>

#include "search/search.h"
#include "search/set_tester.h"

namespace hb::search {

class Baseline {
 public:
  Baseline(SetTester& tester, SearchResult& result) : m_tester(tester), m_result(result) {}

  // The first check, before any option is tried; false with the status set
  // (the baseline fails, fails sometimes, cannot be decided, or there is
  // nothing to test).
  bool check(int option_count);
  // In flaky mode the baseline, like any passing set, needs `repeats` passes.
  bool recheck() { return holds(m_tester.repeats() - m_tester.stats({}).passes); }
  // Runs the baseline `runs` more times; false (with the status set) when it fails.
  bool holds(int runs);
  // The baseline failed after an answer was reported (a search restarted
  // after a contradiction): no option is blamed.
  void blame_nothing();

 private:
  std::string flaky_message() const;

  SetTester& m_tester;
  SearchResult& m_result;
};

}  // namespace hb::search
