#include <gtest/gtest.h>

#include <atomic>
#include <mutex>
#include <set>
#include <thread>

#include "matrix/matrix_runner.h"
#include "recording_status.h"
#include "runtime/podman_runtime.h"
#include "runtime/reaper.h"
#include "util/error.h"

namespace hb::matrix {
namespace {
job::SilentStatus silent;

const std::string kScenarios = std::string(HARDBISECT_SOURCE_DIR) + "/scenarios";

std::vector<MatrixCell> demo_cells(const std::string& bases = "[bookworm, trixie]") {
  return expand_cells(
      load_matrix_string("version: 1\n"
                         "scenarios: [quickstart.yaml, protect-system-writer.yaml]\n"
                         "templates: [scenario, templates/seed-004-hardened-api.conf]\n"
                         "bases: " +
                             bases + "\n",
                         kScenarios + "/matrix.yaml"));
}

TEST(MatrixRunner, ParallelRowsAreTheSerialRows) {
  std::vector<MatrixCell> cells = demo_cells();
  std::atomic<int> running{0};
  std::atomic<int> most{0};
  std::set<int> jobs_seen;
  std::mutex mutex;
  CellRunner runner = [&](const MatrixCell& cell, int jobs, job::Status& log) {
    int now = ++running;
    most = std::max(most.load(), now);
    {
      std::lock_guard<std::mutex> lock(mutex);
      jobs_seen.insert(jobs);
    }
    log.info("working");
    // Later cells finish first.
    std::this_thread::sleep_for(std::chrono::milliseconds(5 * static_cast<int>(20 - cell.id.size() % 20)));
    --running;
    CellResult r;
    r.id = cell.id;
    r.cell.name = cell.id;
    r.cell.verdict = cell.base == "trixie" ? search::Verdict::Fail : search::Verdict::Pass;
    return r;
  };
  hb::testing::RecordingStatus log;
  const std::vector<std::string>& lines = log.lines;
  std::vector<CellResult> serial = run_cells(cells, 1, runner, log);
  EXPECT_EQ(most.load(), 1);
  most = 0;
  std::vector<CellResult> parallel = run_cells(cells, 4, runner, log);
  EXPECT_EQ(most.load(), 4);
  ASSERT_EQ(parallel.size(), serial.size());
  for (size_t i = 0; i < serial.size(); ++i) {
    EXPECT_EQ(parallel[i].id, cells[i].id);
    EXPECT_EQ(parallel[i].cell.verdict, serial[i].cell.verdict);
  }
  // 1 job: the cell may use it; 4 jobs over 8 cells: one each.
  EXPECT_EQ(jobs_seen, std::set<int>{1});
  EXPECT_NE(lines.front().find("[" + cells.front().id + "] "), std::string::npos);
  // One cell and 4 jobs: the cell gets all four for its own repeats.
  jobs_seen.clear();
  run_cells({cells.front()}, 4, runner, log);
  EXPECT_EQ(jobs_seen, std::set<int>{4});
}

TEST(MatrixRunner, AFailingCellIsAnUnresolvedRowAndTheOthersGoOn) {
  std::vector<MatrixCell> cells = demo_cells("[bookworm]");
  CellRunner runner = [](const MatrixCell& cell, int, job::Status&) -> CellResult {
    if (cell.id.rfind("quickstart", 0) == 0)
      throw UserError("the unit demo-cache.service is not in the image");
    CellResult r;
    r.id = cell.id;
    r.cell.verdict = search::Verdict::Pass;
    return r;
  };
  std::vector<CellResult> rows = run_cells(cells, 2, runner, silent);
  ASSERT_EQ(rows.size(), 4u);
  for (const auto& row : rows) {
    if (row.id.rfind("quickstart", 0) == 0) {
      EXPECT_EQ(row.cell.verdict, search::Verdict::Unresolved);
      EXPECT_EQ(row.status, "error");
      EXPECT_NE(row.cell.reason.find("not in the image"), std::string::npos);
    } else {
      EXPECT_EQ(row.cell.verdict, search::Verdict::Pass);
    }
  }
}

// Answers like Podman enough for a cell to run, recording every argv;
// `podman start` fails, so every trial ends UNRESOLVED at once.
class RecordingRunner : public runtime::ProcessRunner {
 public:
  runtime::ProcessResult run(const runtime::Argv& argv, std::chrono::milliseconds) override {
    std::lock_guard<std::mutex> lock(m_mutex);
    seen.push_back(argv);
    runtime::ProcessResult r;
    r.exit_code = 0;
    if (std::find(argv.begin(), argv.end(), "inspect") != argv.end())
      r.out = R"([{"Id": "sha256:feed"}])";
    else if (std::find(argv.begin(), argv.end(), "create") != argv.end())
      r.out = "ctr1\n";
    else if (std::find(argv.begin(), argv.end(), "start") != argv.end())
      r.exit_code = 125;
    return r;
  }
  std::vector<runtime::Argv> seen;

 private:
  std::mutex m_mutex;
};

// A remote Podman host (--connection / HARDBISECT_CONNECTION) reaches every
// podman call of a matrix run: images, containers, trials.
TEST(MatrixRunner, ConnectionReachesEveryPodmanCall) {
  RecordingRunner process;
  runtime::HostFlags flags;
  flags.connection = "nightly-host";
  runtime::PodmanRuntime podman(process, flags);
  image::ImageBuilder images(podman, process, image::default_images_dir(), [](const std::string&) {});
  search::SearchConfig config;
  config.max_trials = 4;
  CellEnvironment environment{podman, images, nullptr, config, false};
  std::vector<MatrixCell> cells = shard_cells(demo_cells(), Shard{1, 4});
  std::map<std::string, std::string> image_errors = build_images(images, cells, silent);
  EXPECT_TRUE(image_errors.empty());
  std::vector<CellResult> rows = run_cells(
      cells, 2,
      [&](const MatrixCell& cell, int jobs, job::Status& log) {
        return run_cell(environment, cell, jobs, log);
      },
      silent);
  runtime::Reaper::instance().drain();
  ASSERT_EQ(rows.size(), cells.size());
  for (const auto& row : rows)
    EXPECT_EQ(row.cell.verdict, search::Verdict::Unresolved) << row.id << ": " << row.cell.reason;
  ASSERT_FALSE(process.seen.empty());
  bool created = false;
  for (const auto& argv : process.seen) {
    ASSERT_GE(argv.size(), 3u);
    EXPECT_EQ(argv[0], "podman");
    EXPECT_EQ(argv[1], "--connection") << runtime::quote_argv(argv);
    EXPECT_EQ(argv[2], "nightly-host") << runtime::quote_argv(argv);
    created |= argv.size() > 3 && argv[3] == "create";
  }
  EXPECT_TRUE(created) << "no trial container was created";
}

}  // namespace
}  // namespace hb::matrix
