#pragma once
// Runs the cells of a matrix, `jobs` at a time. A cell is one bisection job
// (job/bisect_job.h): the baseline and the full set, then, when the full
// set fails, the search for its culprits. Rows come out in cell order
// whatever finishes first, so a parallel run reads like a serial one.
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "image/image_builder.h"
#include "job/events.h"
#include "job/result_cache.h"
#include "matrix/matrix_result.h"
#include "matrix/matrix_spec.h"
#include "runtime/container_runtime.h"
#include "search/search.h"

namespace hb::matrix {

// Runs one cell; `jobs` is what the cell may use for its own parallel runs;
// `status` carries the cell's id as its scope.
using CellRunner = std::function<CellResult(const MatrixCell& cell, int jobs, job::Status& status)>;

// Cells run `jobs` at a time; a cell gets jobs / (cells running) for its
// own repeats. Exceptions from a cell become an UNRESOLVED row (status
// "error") and the other cells go on. `status` hears each cell's events,
// scoped by its id, from several threads at once.
std::vector<CellResult> run_cells(const std::vector<MatrixCell>& cells, int jobs, const CellRunner& runner,
                                  job::Status& status);

// The real cell: the cell's scenario (cell_scenario) bisected on real
// containers through `runtime`, with the cache when given.
struct CellEnvironment {
  runtime::ContainerRuntime& runtime;
  image::ImageBuilder& images;
  const job::ResultCache* cache = nullptr;
  search::SearchConfig config;  // its jobs is overridden per cell
  bool local_host = true;       // false for a remote --connection
};
CellResult run_cell(CellEnvironment& environment, const MatrixCell& cell, int jobs, job::Status& status);

// Builds the images the cells need, one after the other, before cells run
// in parallel; returns, per cell id, why its image could not be built.
std::map<std::string, std::string> build_images(image::ImageBuilder& images,
                                                const std::vector<MatrixCell>& cells, job::Status& status);

}  // namespace hb::matrix
