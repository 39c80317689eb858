#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "report/report_cell.h"
#include "scenario/template.h"

namespace hb::report {
namespace {

using search::Phase;
using search::Verdict;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

struct Fixture {
  scenario::Scenario scenario;
  search::SearchResult result;
  std::vector<job::TrialEntry> trials;

  Fixture() {
    scenario.name = "demo";
    scenario.service.unit = "demo.service";
    scenario.template_file = "/somewhere/hardened.conf";
    scenario.options = scenario::parse_template_string(
                           "[Service]\nNoNewPrivileges=yes\nProtectSystem=strict\nPrivateTmp=yes\n", "t.conf")
                           .options;
    result.strategy = "bisect";
    result.option_count = 3;
  }

  void add(Phase phase, search::OptionSet set, Verdict verdict, std::optional<double> exposure,
           const std::string& reason = {}, const std::string& journal = {}) {
    search::TrialRecord record;
    record.index = static_cast<int>(result.trials.size());
    record.phase = phase;
    record.options = std::move(set);
    record.outcome.verdict = verdict;
    record.outcome.reason = reason;
    result.trials.push_back(record);
    result.trial_count = static_cast<int>(result.trials.size());
    trial::TrialResult t;
    t.verdict = verdict;
    t.reason = reason;
    t.exposure = exposure;
    t.elapsed = std::chrono::milliseconds(1500);
    if (!journal.empty()) t.evidence.sections["journal"] = journal;
    trials.push_back(job::TrialEntry{{}, t, false});
  }

  SearchReportInput input() { return {scenario, result, trials, "localhost/img:1", "sys-admin", 7.5}; }
};

TEST(ReportCell, FromAFoundSearch) {
  Fixture f;
  f.add(Phase::Baseline, {}, Verdict::Pass, 9.6);
  f.add(Phase::Full, {0, 1, 2}, Verdict::Fail, 5.1, "exit status 1",
        "demo[12]: mkdir: cannot create directory: Read-only file system\n");
  f.add(Phase::Search, {1}, Verdict::Fail, 8.0, "exit status 1", "demo[13]: Read-only file system, alone\n");
  f.add(Phase::Safe, {0, 2}, Verdict::Pass, 6.4);
  f.result.status = search::SearchStatus::Found;
  f.result.message = "1 culprit set found";
  f.result.culprits = {{1}};
  f.result.removal = {1};
  f.result.safe_set = {0, 2};
  f.result.safe_trial = 3;

  ReportCell cell = cell_from_search(f.input(), options_label(f.scenario));
  EXPECT_EQ(cell.name, "demo");
  EXPECT_EQ(cell.scenario, "demo");
  EXPECT_EQ(cell.image, "localhost/img:1");
  EXPECT_EQ(cell.options_label, "hardened.conf (3 options)");
  EXPECT_EQ(cell.verdict, search::Verdict::Fail);
  EXPECT_EQ(cell.culprits, (std::vector<std::vector<std::string>>{{"ProtectSystem=strict"}}));
  EXPECT_THAT(cell.safe, ElementsAre("[Service]", "NoNewPrivileges=yes", "PrivateTmp=yes"));
  EXPECT_EQ(cell.exposure_before, 9.6);
  EXPECT_EQ(cell.exposure_after, 6.4);
  EXPECT_EQ(cell.trials, 4);
  EXPECT_DOUBLE_EQ(cell.seconds, 7.5);
  EXPECT_FALSE(cell.regression);
  EXPECT_EQ(cell.reason,
            "1 culprit set; remove ProtectSystem=strict; keep 2 of 3 options; the full set: exit status 1");
  EXPECT_THAT(cell.evidence, HasSubstr("baseline 9.6, full set 5.1, safe subset 6.4"));
  EXPECT_THAT(cell.evidence, HasSubstr("culprit ProtectSystem=strict: trial 3 FAIL: exit status 1"));
  EXPECT_THAT(cell.evidence, HasSubstr("    demo[13]: Read-only file system, alone\n"));
  EXPECT_THAT(cell.evidence, HasSubstr("trial log:\n[  1] baseline"));
  EXPECT_THAT(cell.evidence, HasSubstr("[exposure 6.4]"));

  // The grid: the option lines as columns, every trial as a row.
  ASSERT_TRUE(cell.grid.has_value());
  const TrialGrid& grid = *cell.grid;
  EXPECT_THAT(grid.options, ElementsAre("NoNewPrivileges=yes", "ProtectSystem=strict", "PrivateTmp=yes"));
  ASSERT_EQ(grid.trials.size(), 4u);
  EXPECT_EQ(grid.trials[0].phase, "baseline");
  EXPECT_EQ(grid.trials[1].phase, "full");
  EXPECT_EQ(grid.trials[1].verdict, search::Verdict::Fail);
  EXPECT_THAT(grid.trials[1].applied, ElementsAre(0, 1, 2));
  EXPECT_EQ(grid.trials[1].reason, "exit status 1");
  EXPECT_EQ(grid.trials[2].number, 3);
  EXPECT_THAT(grid.trials[2].applied, ElementsAre(1));
  EXPECT_EQ(grid.trials[3].phase, "safe");
  EXPECT_EQ(grid.trials[3].verdict, search::Verdict::Pass);
  EXPECT_EQ(grid.trials[3].exposure, 6.4);
  EXPECT_DOUBLE_EQ(grid.trials[3].seconds, 1.5);
  EXPECT_EQ(grid.culprits, (std::set<int>{1}));
  EXPECT_EQ(grid.removed, (std::set<int>{1}));
  ASSERT_EQ(cell.exposure_bars.size(), 3u);
  EXPECT_EQ(cell.exposure_bars[0].label, "baseline");
  EXPECT_EQ(cell.exposure_bars[0].exposure, 9.6);
  EXPECT_EQ(cell.exposure_bars[1].exposure, 5.1);
  EXPECT_EQ(cell.exposure_bars[2].label, "safe template");
  EXPECT_EQ(cell.exposure_bars[2].exposure, 6.4);

  SearchExposures e = search_exposures(f.input());
  EXPECT_EQ(e.baseline, 9.6);
  EXPECT_EQ(e.full, 5.1);
  EXPECT_EQ(e.safe, 6.4);
}

TEST(ReportCell, NothingBreaksIsAPassWithTheTemplatesExposure) {
  Fixture f;
  f.add(Phase::Baseline, {}, Verdict::Pass, std::nullopt);
  f.add(Phase::Full, {0, 1, 2}, Verdict::Pass, 4.0);
  f.result.status = search::SearchStatus::NothingBreaks;
  f.result.message = "the full set passed 1 of 1 runs";
  ReportCell cell = cell_from_search(f.input(), "x");
  EXPECT_EQ(cell.verdict, search::Verdict::Pass);
  EXPECT_EQ(cell.exposure_before, std::nullopt);
  EXPECT_EQ(cell.exposure_after, 4.0);
  EXPECT_TRUE(cell.culprits.empty());
  EXPECT_TRUE(cell.safe.empty());
  EXPECT_EQ(exposure_text(cell.exposure_before), "n/a");
  EXPECT_EQ(exposure_text(cell.exposure_after), "4.0");
  // Nothing removed: no safe template bar.
  ASSERT_EQ(cell.exposure_bars.size(), 2u);
  EXPECT_EQ(cell.exposure_bars[1].label, "full template");
}

TEST(ReportCell, UnresolvedShowsTheTrialThatDecided) {
  Fixture f;
  f.add(Phase::Baseline, {}, Verdict::Unresolved, std::nullopt, "the container did not boot",
        "systemd: Failed to mount\n");
  f.result.status = search::SearchStatus::Unresolved;
  f.result.message = "the baseline could not be run";
  ReportCell cell = cell_from_search(f.input(), "x");
  EXPECT_EQ(cell.verdict, search::Verdict::Unresolved);
  EXPECT_THAT(cell.evidence, HasSubstr("baseline: trial 1 UNRESOLVED: the container did not boot"));
  EXPECT_THAT(cell.evidence, HasSubstr("systemd: Failed to mount"));
}

TEST(ReportCell, VerdictCounts) {
  std::vector<ReportCell> cells(4);
  cells[0].verdict = search::Verdict::Pass;
  cells[1].verdict = search::Verdict::Fail;
  cells[2].verdict = search::Verdict::Fail;
  cells[3].verdict = search::Verdict::Unresolved;
  VerdictCounts c = count_verdicts(cells);
  EXPECT_EQ(c.pass, 1);
  EXPECT_EQ(c.fail, 2);
  EXPECT_EQ(c.unresolved, 1);
  EXPECT_EQ(c.total(), 4);
}

TEST(ReportCell, OptionsLabel) {
  Fixture f;
  EXPECT_EQ(options_label(f.scenario), "hardened.conf (3 options)");
  f.scenario.template_file.clear();
  EXPECT_EQ(options_label(f.scenario), "3 options");
}

}  // namespace
}  // namespace hb::report
