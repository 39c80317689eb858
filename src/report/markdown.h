#pragma once
// A Markdown summary for a CI job page (GitHub's $GITHUB_STEP_SUMMARY,
// GitLab's job summary): the verdict, a table of cells with their culprits
// and exposure, then for every cell that did not pass its reason, culprits,
// safe template (a code block) and evidence (folded).
#include <string>
#include <string_view>

#include "report/report_cell.h"

namespace hb::report {

// A code span for `text` (longer backtick fences when it holds backticks);
// `in_table` also escapes the pipes a table would split on.
std::string markdown_code(std::string_view text, bool in_table);

// A fenced code block that the content cannot close early.
std::string markdown_code_block(std::string_view content, std::string_view info);

std::string markdown_summary(const ReportSet& set);

}  // namespace hb::report
