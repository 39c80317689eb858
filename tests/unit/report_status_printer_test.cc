#include <gtest/gtest.h>

#include <algorithm>
#include <sstream>

#include "report/status_printer.h"

namespace hb::report {
namespace {

job::TrialFinished finished(int index, search::Phase phase, bool speculative,
                            search::Verdict verdict = search::Verdict::Pass) {
  job::TrialFinished e;
  e.record.index = index;
  e.record.phase = phase;
  e.record.outcome.verdict = verdict;
  e.record.speculative = speculative;
  e.label = "ProtectSystem=strict";
  return e;
}

job::TrialStarted started(int index, search::Phase phase, int estimate, std::string label) {
  job::TrialStarted e;
  e.record.index = index;
  e.record.phase = phase;
  e.record.estimate = estimate;
  e.label = std::move(label);
  return e;
}

// A printer on a fake terminal: a clock the test moves, a width it sets.
struct FakeTerminal {
  std::ostringstream out;
  Clock::time_point time{};
  int width = 200;
  PrinterOptions options(bool live, bool color) {
    PrinterOptions o;
    o.live = live;
    o.color = color;
    o.width = [this] { return width; };
    o.now = [this] { return time; };
    return o;
  }
};

TEST(ReportStatusPrinter, ASpeculativeRunSaysSo) {
  const std::string speculative = format_progress(finished(5, search::Phase::Search, true));
  EXPECT_NE(speculative.find("[  6] search   ProtectSystem=strict"), std::string::npos) << speculative;
  EXPECT_NE(speculative.find("[speculative]"), std::string::npos) << speculative;
  const std::string asked = format_progress(finished(5, search::Phase::Confirm, false));
  EXPECT_NE(asked.find("[  6] confirm"), std::string::npos) << asked;
  EXPECT_EQ(asked.find("speculative"), std::string::npos) << asked;
}

TEST(ReportStatusPrinter, VerdictsInColourOnlyWhenAsked) {
  EXPECT_NE(format_progress(finished(0, search::Phase::Search, false, search::Verdict::Fail), true)
                .find("\x1b[31mFAIL\x1b[0m"),
            std::string::npos);
  EXPECT_NE(format_progress(finished(0, search::Phase::Search, false), true).find("\x1b[32mPASS\x1b[0m"),
            std::string::npos);
  EXPECT_NE(format_progress(finished(0, search::Phase::Search, false, search::Verdict::Unresolved), true)
                .find("\x1b[33mUNRESOLVED\x1b[0m"),
            std::string::npos);
  const std::string plain = format_progress(finished(0, search::Phase::Search, false, search::Verdict::Fail));
  EXPECT_EQ(plain.find('\x1b'), std::string::npos) << plain;
  // The colour does not shift the columns after the verdict.
  const std::string coloured =
      format_progress(finished(0, search::Phase::Search, false, search::Verdict::Fail), true);
  EXPECT_EQ(coloured.size() - plain.size(), std::string("\x1b[31m\x1b[0m").size());
}

TEST(ReportStatusPrinter, TheLiveLineSaysTrialOfAboutPhaseNamesTimeAndWhatIsLeft) {
  FakeTerminal t;
  StatusPrinter printer(t.out, t.options(true, false));
  printer.job_started({});
  printer.trial_started(started(0, search::Phase::Baseline, 8, "(no options)"));
  EXPECT_EQ(printer.live_line(), "trial 1 of about 8 | baseline | (no options) | 0:00");
  t.time += std::chrono::seconds(15);
  printer.trial_finished(finished(0, search::Phase::Baseline, false));
  EXPECT_EQ(printer.live_line(), "") << "nothing runs";
  printer.trial_started(started(1, search::Phase::Search, 8, "A, B, C"));
  t.time += std::chrono::seconds(5);
  // 15 s per trial so far, 7 trials left with this one.
  EXPECT_EQ(printer.live_line(), "trial 2 of about 8 | removal search | A, B, C | 0:20, about 1:45 left");
  printer.trial_started(started(2, search::Phase::Search, 8, "5 options"));
  EXPECT_EQ(printer.live_line(),
            "trial 3 of about 8 | removal search | 5 options (+1 running) | 0:20, about 1:30 left");
}

TEST(ReportStatusPrinter, TheLiveLineNamesEachPhase) {
  search::TrialRecord r;
  r.phase = search::Phase::Full;
  EXPECT_EQ(live_phase_name(r, false), "full set");
  r.run = 2;
  EXPECT_EQ(live_phase_name(r, false), "flakiness");
  r.phase = search::Phase::Context;
  EXPECT_EQ(live_phase_name(r, false), "in context");
  r.phase = search::Phase::Explain;
  EXPECT_EQ(live_phase_name(r, false), "explain");
  EXPECT_EQ(live_phase_name(r, true), "drill-down");
  EXPECT_EQ(format_duration(std::chrono::seconds(3723)), "1:02:03");
}

TEST(ReportStatusPrinter, TheLiveLineKeepsToTheTerminalWidth) {
  FakeTerminal t;
  t.width = 30;
  StatusPrinter printer(t.out, t.options(true, false));
  printer.trial_started(
      started(0, search::Phase::Search, 40, "ProtectSystem=strict, PrivateTmp=yes, ProtectHome=yes"));
  const std::string line = printer.live_line();
  EXPECT_EQ(line.size(), 29u) << "one column short of the edge, so it never wraps";
  EXPECT_EQ(line, "trial 1 of about 40 | removal");
  t.width = 100;  // the window grew
  EXPECT_GT(printer.live_line().size(), 29u);
  EXPECT_EQ(fit_width("ab\xc3\xa9", 4), "ab") << "never inside a UTF-8 character";
}

// On a terminal, finished trials scroll above the status line: each
// permanent line first clears the status line, ends with a newline, and the
// status line is drawn again below it without one.
TEST(ReportStatusPrinter, PermanentLinesScrollAboveTheLiveLine) {
  FakeTerminal t;
  {
    StatusPrinter printer(t.out, t.options(true, false));
    printer.trial_started(started(0, search::Phase::Search, 9, "A"));
    printer.trial_started(started(1, search::Phase::Search, 9, "B"));
    printer.trial_finished(finished(0, search::Phase::Search, false));
    const std::string out = t.out.str();
    const size_t newline = out.find('\n');
    ASSERT_NE(newline, std::string::npos);
    EXPECT_EQ(out.rfind("\r\x1b[K[  1] search", newline), out.rfind("\r\x1b[K", newline));
    EXPECT_EQ(out.substr(newline + 1).rfind("\r\x1b[Ktrial 2 of about 9 | removal search | B", 0), 0u)
        << out.substr(newline + 1);
    EXPECT_EQ(std::count(out.begin(), out.end(), '\n'), 1);
    printer.trial_finished(finished(1, search::Phase::Search, false));
    EXPECT_TRUE(t.out.str().ends_with("\n")) << "nothing runs: no status line after the last";
    printer.trial_started(started(2, search::Phase::Search, 9, "C"));
  }
  EXPECT_TRUE(t.out.str().ends_with("\r\x1b[K")) << "the printer clears its status line when it ends";
}

// On a pipe: plain lines in the order the events come, no escape codes.
TEST(ReportStatusPrinter, APipeGetsPlainLinesInOrder) {
  FakeTerminal t;
  {
    StatusPrinter printer(t.out, t.options(false, false));
    for (int i = 0; i < 3; ++i) printer.trial_started(started(i, search::Phase::Search, 9, "A"));
    for (int i = 0; i < 3; ++i)
      printer.trial_finished(finished(i, search::Phase::Search, i == 2, search::Verdict::Fail));
    printer.warning("careful");
    EXPECT_EQ(printer.live_line(), "");
  }
  const std::string out = t.out.str();
  EXPECT_EQ(out.find('\x1b'), std::string::npos) << out;
  EXPECT_EQ(out.find('\r'), std::string::npos) << out;
  EXPECT_LT(out.find("[  1]"), out.find("[  2]"));
  EXPECT_LT(out.find("[  2]"), out.find("[  3]"));
  EXPECT_EQ(std::count(out.begin(), out.end(), '\n'), 4);
}

TEST(ReportStatusPrinter, QuietHasNoLiveLine) {
  FakeTerminal t;
  PrinterOptions options = t.options(true, true);
  options.quiet = true;
  {
    StatusPrinter printer(t.out, options);
    printer.trial_started(started(0, search::Phase::Search, 9, "A"));
    printer.trial_finished(finished(0, search::Phase::Search, false));
    printer.warning("kept");
  }
  EXPECT_EQ(t.out.str(), "warning: kept\n");
}

}  // namespace
}  // namespace hb::report
