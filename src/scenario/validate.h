#pragma once
// Checks shared by the YAML loader, the template parser and the ad-hoc flags
// of `run`. Each takes `where`, the prefix of the error message: "file:3:5"
// for YAML, "--option" for a flag; errors are UserError("<where>: <message>",
// hint). An empty `where` gives the bare message.
#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include "options/directive.h"
#include "scenario/scenario.h"

namespace hb::scenario {

// The Debian releases hardbisect has base image recipes for.
const std::vector<std::string>& known_bases();
void check_base(std::string_view base, const std::string& where);

// "auto" | "minimal" | "sys-admin" | "privileged".
std::optional<options::Privilege> parse_privilege(std::string_view text, const std::string& where);

// "30s", "500ms", "2m", "1h"; a plain integer is seconds. Must be > 0.
std::chrono::milliseconds parse_duration(std::string_view text, const std::string& where);

// A service unit name such as "nginx.service" or "getty@tty1.service".
void check_unit_name(std::string_view unit, const std::string& where);

// A Debian package name, optionally pinned: "curl", "curl=7.88.1-10", "curl/bookworm".
void check_package_name(std::string_view package, const std::string& where);

// Scenario names end up in report file names and container names.
void check_scenario_name(std::string_view name, const std::string& where);

// One option line: "Key=Value" or "[Section] Key=Value". Checks the name
// against the catalogue (did-you-mean), that the section agrees with it, and
// that the line can be written into a drop-in as is. The section defaults to
// the catalogue's.
options::Directive parse_option_line(std::string_view text, const std::string& where);

// Checks one directive read from a file section (templates). `section` is
// the section it was found in.
options::Directive make_directive(std::string_view section, std::string_view key, std::string_view value,
                                  const std::string& where);

// "Key=Value" with whitespace around key and value removed and an optional
// "[Section] " prefix dropped, the form option names are compared in;
// text without '=' is returned trimmed.
std::string normalize_option_name(std::string_view text);

// Throws when two items share a name ("duplicate option ... (first at ...)").
void check_unique_names(const std::vector<OptionItem>& items);

// Finds the item `ref` names (as written, or as a normalized directive line);
// throws with did-you-mean when there is none. Returns the item's name.
std::string resolve_option_ref(std::string_view ref, const std::vector<OptionItem>& items,
                               const std::string& where);

// A Containerfile path (image.containerfile, --containerfile): an existing
// readable text file; returns it absolute and normal. The context: an
// existing folder. UserError at `where` with the fix otherwise.
std::string check_containerfile_path(const std::string& path, const std::string& where);
std::string check_context_path(const std::string& path, const std::string& where);

}  // namespace hb::scenario
