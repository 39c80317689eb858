#pragma once
// Drill-down: inside a culprit whose value is a list (SystemCallFilter groups,
// CapabilityBoundingSet, RestrictAddressFamilies, InaccessiblePaths,
// ReadWritePaths...), find the smallest relaxation that passes, with the same
// search engine. The rest of the safe template stays applied.
//   deny lists (~..., path lists): each element is an option; the culprit
//     elements are the ones to drop from the list;
//   allow lists: each element NOT listed is an option "keep it disallowed";
//     the culprit elements are the ones to add. Syscall groups weigh their
//     size, so the smallest group that fixes it is preferred (@chown, not
//     @system-service).
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "job/events.h"
#include "options/directive.h"
#include "search/search.h"
#include "trial/trial_runner.h"

namespace hb::job {

struct DrillDownResult {
  options::Directive original;
  options::Directive relaxed;          // the smallest relaxation that passed
  bool allow_list = false;
  std::vector<std::string> changed;    // elements added (allow list) or dropped (deny list)
  search::SearchResult search;
  std::vector<trial::TrialResult> trials;
  std::string summary() const;         // "SystemCallFilter=@default ... -> add @chown"
};

// Whether a directive can be drilled into (a list kind with elements).
bool can_drill_down(const options::Directive& directive);

// `base` are the other options kept (the safe template without this one).
std::optional<DrillDownResult> drill_down(trial::TrialRunner& runner, const std::vector<options::Directive>& base,
                                          const options::Directive& culprit, search::SearchConfig config,
                                          Status& status);

// The elements an allow list can add, for a directive key.
std::vector<std::string> allow_list_universe(const std::string& key);

}  // namespace hb::job
