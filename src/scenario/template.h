#pragma once
// Hardening templates: systemd drop-in (or unit) files whose directive lines
// become an option list, and the reverse, rendering directives as a drop-in
// (the per-trial 50-hardbisect.conf and the "safe template" a search reports).
#include <string>
#include <string_view>
#include <vector>

#include "options/directive.h"
#include "scenario/scenario.h"

namespace hb::scenario {

struct ParsedTemplate {
  // One item per directive line, in file order; name = "Key=Value", loc =
  // file:line:column of the key.
  std::vector<OptionItem> options;
  // Sections other than [Unit]/[Service] that were skipped, one line each,
  // e.g. "hardening.conf:12: section [Install] skipped (2 lines): ...".
  std::vector<std::string> warnings;
};

// Parses drop-in text the way systemd reads unit files: [Section] headers,
// comment lines starting with '#' or ';', lines ending in a backslash joined
// with the next (with one space; comment lines in between are dropped),
// whitespace around key and value ignored, "Key=" kept as an empty assignment.
// Directive names are checked against the catalogue (with "did you mean"),
// and so is the section each one is in. A line that repeats an earlier one
// ("PrivateTmp = yes" after "PrivateTmp=yes") is a no-op for systemd: kept
// once, with a warning.
// `filename` is only used in messages and locations. Throws UserError.
ParsedTemplate parse_template_string(const std::string& text, const std::string& filename);

// Reads and parses a template file; `where` prefixes the "cannot read" error
// (e.g. the scenario key's location), empty = none.
ParsedTemplate parse_template_file(const std::string& path, const std::string& where = {});

// Renders directives as a drop-in: `header` as '#' comment lines (one per
// line of it, none when empty), then [Unit], then [Service], each directive
// in its given order; an empty section is left out. Directives must be
// single-line (the loader and parser guarantee it; std::invalid_argument
// otherwise).
std::string render_dropin(const std::vector<options::Directive>& directives, std::string_view header);

// The same for option items: all their directives, in item order.
std::string render_dropin(const std::vector<OptionItem>& items, std::string_view header);

// True when the text has a "[Service]" section header (a light check of a
// scenario's unit_file).
bool has_service_section(std::string_view unit_text);

}  // namespace hb::scenario
