#include <gtest/gtest.h>

#include "report/status_printer.h"

namespace hb::report {
namespace {

job::TrialFinished finished(int index, search::Phase phase, bool unasked) {
  job::TrialFinished e;
  e.record.index = index;
  e.record.phase = phase;
  e.record.outcome.verdict = search::Verdict::Pass;
  e.record.unasked = unasked;
  e.label = "ProtectSystem=strict";
  return e;
}

TEST(ReportStatusPrinter, ASpeculativeRunNeverAskedForSaysSo) {
  const std::string unasked = format_progress(finished(5, search::Phase::Search, true));
  EXPECT_NE(unasked.find("[  6] search   ProtectSystem=strict"), std::string::npos) << unasked;
  EXPECT_NE(unasked.find("[speculative, not needed]"), std::string::npos) << unasked;
  const std::string asked = format_progress(finished(5, search::Phase::Confirm, false));
  EXPECT_NE(asked.find("[  6] confirm"), std::string::npos) << asked;
  EXPECT_EQ(asked.find("speculative"), std::string::npos) << asked;
}

}  // namespace
}  // namespace hb::report
