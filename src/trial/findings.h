#pragma once
// Findings: what systemd itself does with the drop-in, whatever the
// container: a line it ignores in whole or in part (a parse warning, an
// unknown key on an older systemd). A real host with the same systemd does
// exactly the same, so a finding never makes a trial UNRESOLVED: the trial
// is judged (and its options probed) as systemd reads the drop-in, and the
// reports list the line, the part ignored, why, and the line(s) to paste.
#include <string>
#include <string_view>
#include <vector>

#include "options/directive.h"
#include "trial/evidence.h"

namespace hb::trial {

struct Finding {
  std::string line;                  // as written: "SystemCallFilter=~ptrace ~process_vm_readv"
  std::vector<std::string> ignored;  // the parts ignored ("~process_vm_readv"); empty = the whole line
  std::string why;                   // in words, with systemd's version
  // What to write instead, ready to paste; empty = remove the line (see advice).
  std::vector<std::string> corrected;
  std::string advice;                 // "needs systemd 257: ignored on 252"; empty when corrected says it
  std::vector<std::string> messages;  // systemd's own journal lines, without the file prefix
  int systemd = 0;                    // the version that ignored it; 0 = unknown

  bool whole_line() const { return ignored.empty(); }
  bool operator==(const Finding& other) const = default;
};

// True for a journal line in which systemd says it ignored (part of) a line:
// "..., ignoring", "Unknown key ...", "Failed to parse ...". Other lines about
// the drop-in (deprecation warnings) are notes: the line was applied.
bool says_ignored(std::string_view journal_line);

// The findings of one trial: PID 1's journal lines about the unit's drop-ins
// (the `pid1_dropin` section) against the directives the trial applied (our
// drop-in is rendered as the trial runner stages it, to map line numbers).
std::vector<Finding> find_ignored_lines(const Evidence& evidence,
                                        const std::vector<options::Directive>& applied);

// The directives as systemd reads them: whole ignored lines dropped, ignored
// parts taken out of their lines (a line left empty is dropped).
std::vector<options::Directive> as_systemd_reads(const std::vector<options::Directive>& applied,
                                                 const std::vector<Finding>& findings);

// Our drop-in as a trial stages it (50-hardbisect.conf): the journal names
// its lines by number.
std::string render_trial_dropin(const std::vector<options::Directive>& directives);

// Adds the findings not yet in `into` (same line and same parts), in order.
void merge_findings(std::vector<Finding>& into, const std::vector<Finding>& more);

// "SystemCallFilter=~ptrace ~process_vm_readv: systemd 252 ignores
// ~process_vm_readv (...)": one line for progress and summaries.
std::string finding_headline(const Finding& finding);

}  // namespace hb::trial
