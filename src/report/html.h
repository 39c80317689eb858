#pragma once
// A self-contained HTML page (inline CSS, no scripts, no external assets) for
// CI artifacts: a table with one row per cell, the verdict coloured (green
// PASS, red FAIL, amber UNRESOLVED), the culprits and exposure, and each
// cell's reason, safe template and evidence in a <details> element.
#include <string>

#include "report/report_cell.h"

namespace hb::report {

// The verdict colours (CSS hex), also what the screenshot test looks for.
inline constexpr const char* kHtmlPassColour = "#1a7f37";
inline constexpr const char* kHtmlFailColour = "#cf222e";
inline constexpr const char* kHtmlUnresolvedColour = "#bf8700";
inline constexpr const char* kHtmlSkippedColour = "#6e7781";

std::string html_page(const ReportSet& set);

}  // namespace hb::report
