#pragma once
// Drill-down: inside a culprit whose value is a list (SystemCallFilter groups,
// CapabilityBoundingSet, RestrictAddressFamilies, InaccessiblePaths,
// ReadWritePaths...), find the smallest relaxation that passes, with the same
// search engine. The rest of the safe template stays applied.
//   deny lists (~..., path lists): each element is an option; the culprit
//     elements are the ones to drop from the list;
//   allow lists: each element NOT listed is an option "keep it disallowed";
//     the culprit elements are the ones to add.
//   SystemCallFilter= goes down to single system calls, not groups: a deny
//     list keeps its line and re-allows the fewest calls with a later
//     `SystemCallFilter=fchown` line (systemd lets a later allow line take
//     calls out of a deny list); an allow list adds the fewest calls. Both
//     start from the call a SIGSYS names (the kernel's seccomp record): the
//     trial with it re-allowed usually passes at once; if it is killed on
//     another call, that one is added too, a few times at most; otherwise (no
//     SIGSYS: an errno filter, or no record) the search runs over every call.
// Every fix is verified by a passing trial with the rest of the safe template
// and is printed as lines ready to paste (`fix`).
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
  options::Directive relaxed;  // the smallest relaxation that passed (for a re-allowing
                               // deny list: the added `SystemCallFilter=` line)
  bool allow_list = false;
  bool reallow = false;                 // a deny list kept, with `changed` re-allowed by a later line
  std::vector<std::string> changed;     // elements added (allow list), dropped or re-allowed (deny list)
  std::vector<options::Directive> fix;  // the lines that replace `original`, ready to paste
  int verified_trial = -1;              // index into `trials` of the passing trial with `fix`
  std::optional<double> exposure;       // systemd-analyze security of that trial
  search::SearchResult search;
  std::vector<trial::TrialResult> trials;
  // "SystemCallFilter=~@chown @privileged -> re-allow fchown (verified):
  // SystemCallFilter=~@chown @privileged + SystemCallFilter=fchown"
  std::string summary() const;
};

// Whether a directive can be drilled into (a list kind with elements).
bool can_drill_down(const options::Directive& directive);

// `base` are the other options kept (the safe template without this one).
std::optional<DrillDownResult> drill_down(trial::TrialRunner& runner,
                                          const std::vector<options::Directive>& base,
                                          const options::Directive& culprit, search::SearchConfig config,
                                          Status& status);

// The elements an allow list can add, for a directive key.
std::vector<std::string> allow_list_universe(const std::string& key);

}  // namespace hb::job
