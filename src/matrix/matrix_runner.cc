#include "matrix/matrix_runner.h"

#include <fmt/format.h>

#include <map>
#include <mutex>

#include "job/bisect_job.h"
#include "report/report_cell.h"
#include "report/search_report.h"
#include "util/error.h"
#include "util/parallel.h"

namespace hb::matrix {

std::vector<CellResult> run_cells(const std::vector<MatrixCell>& cells, int jobs, const CellRunner& runner,
                                  job::Status& status) {
  std::vector<CellResult> results(cells.size());
  if (cells.empty()) return results;
  int threads = std::clamp<int>(jobs, 1, static_cast<int>(cells.size()));
  int per_cell = std::max(1, jobs / threads);
  util::for_each_index(cells.size(), threads, [&](size_t i) {
    const MatrixCell& cell = cells[i];
    job::ScopedStatus cell_status(status, cell.id);
    cell_status.info(fmt::format("cell {}/{} starts", i + 1, cells.size()));
    try {
      results[i] = runner(cell, per_cell, cell_status);
    } catch (const UserError& e) {
      results[i] =
          error_cell(cell, std::string(e.what()) + (e.hint().empty() ? "" : " (hint: " + e.hint() + ")"));
    } catch (const std::exception& e) {
      results[i] = error_cell(cell, std::string("internal error: ") + e.what());
    }
    cell_status.info(fmt::format("cell {}/{} done: {}", i + 1, cells.size(),
                                 search::verdict_name(results[i].cell.verdict)));
  });
  return results;
}

CellResult run_cell(CellEnvironment& env, const MatrixCell& cell, int jobs, job::Status& status) {
  scenario::Scenario scenario = cell_scenario(cell);
  search::SearchConfig config = env.config;
  config.jobs = jobs;
  job::BisectJob job =
      job::run_bisect_job(env.runtime, env.images, scenario, config, status, env.cache, env.local_host);
  report::SearchReportInput input = report::search_report_input(scenario, job);
  CellResult result;
  result.id = cell.id;
  result.scenario_file = cell.scenario_file;
  result.base = cell.base;
  result.status = search::status_name(job.result.status);
  result.privilege = options::privilege_name(job.prepared.privilege.level);
  result.cached_trials = job.cached_count;
  result.cell = report::cell_from_search(input, report::options_label(scenario));
  result.cell.name = cell.id;
  result.cell.options_label = cell.options.label;
  result.trials_not_passed = report::trials_to_json(input, {.passes = false});
  if (job.result.status == search::SearchStatus::BaselineFails)
    result.cell.reason =
        "the service fails without any hardening (not a hardening problem): " + result.cell.reason;
  return result;
}

std::map<std::string, std::string> build_images(image::ImageBuilder& images,
                                                const std::vector<MatrixCell>& cells, job::Status& status) {
  std::map<std::string, std::string> failed_cells;
  std::map<std::string, std::string> failed_images;  // request -> why
  std::map<std::string, bool> done;
  for (const auto& cell : cells) {
    image::ImageRequest request;
    try {
      request = image::request_of(cell_scenario(cell).image);
    } catch (const UserError& e) {
      failed_cells[cell.id] = e.what();
      continue;
    }
    std::string key = request.release;
    for (const auto& package : request.packages) key += "," + package;
    if (!request.containerfile.empty())
      key += ",containerfile " + request.containerfile + " " + request.context;
    if (!done.count(key)) {
      done[key] = true;
      try {
        std::string name = images.ensure(request);
        status.info(fmt::format("image for {}: {}", key, name));
      } catch (const UserError& e) {
        failed_images[key] = std::string("image build failed: ") + e.what();
        status.warning(fmt::format("image for {}: {}", key, failed_images[key]));
      }
    }
    if (auto it = failed_images.find(key); it != failed_images.end()) failed_cells[cell.id] = it->second;
  }
  return failed_cells;
}

}  // namespace hb::matrix
