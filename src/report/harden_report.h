#pragma once
// Reports of `harden`: the drop-in ready to install (with a comment above
// each relaxed or removed line saying why, and the lines not tested), the
// terminal summary, the JSON and the CI reports' cell (the search's cell,
// with the verified drop-in as its answer).
#include <nlohmann/json.hpp>
#include <string>

#include "job/harden_job.h"
#include "report/report_cell.h"

namespace hb::report {

// The drop-in as a file: header comments (unit, base, exposure, how it was
// verified), [Unit]/[Service] sections, "# Key: why" above each changed
// line (removed lines as "# removed: Key=value"), the lines not tested.
std::string harden_dropin(const job::HardenJob& job);

// Terminal: exposure before -> after, lines, trials, wall time, each change
// and each base checked.
std::string format_harden_summary(const job::HardenJob& job);

// The envelope, the verdict (pass when the drop-in is verified on every
// base), the drop-in, the changes, the lines not tested, the exposures, the
// bases, the exit code and the search (search_body) under "search".
nlohmann::json harden_to_json(const job::HardenJob& job);

// The CI reports' cell: pass when the drop-in is verified on every base.
ReportCell harden_cell(const job::HardenJob& job);

}  // namespace hb::report
