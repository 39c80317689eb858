#include "scenario/validate.h"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <system_error>

#include "options/catalogue.h"
#include "options/known_directives.h"
#include "util/edit_distance.h"
#include "util/error.h"
#include "util/files.h"
#include "util/parse.h"
#include "util/strings.h"

namespace hb::scenario {

namespace {

[[noreturn]] void fail(const std::string& where, const std::string& message, const std::string& hint = {}) {
  throw UserError(where.empty() ? message : where + ": " + message, hint);
}

std::string suggestion_hint(std::string_view word, const std::vector<std::string>& candidates,
                            const std::string& otherwise) {
  std::string best = util::did_you_mean(word, candidates);
  if (!best.empty()) return "did you mean '" + best + "'?";
  return otherwise;
}

bool has_control_char(std::string_view text) {
  return std::any_of(text.begin(), text.end(),
                     [](char c) { return static_cast<unsigned char>(c) < 0x20 && c != '\t'; });
}

bool is_key_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_'; }

}  // namespace

const std::vector<std::string>& known_bases() {
  static const std::vector<std::string> bases = {"bookworm", "trixie"};
  return bases;
}

void check_base(std::string_view base, const std::string& where) {
  const auto& bases = known_bases();
  if (std::find(bases.begin(), bases.end(), base) != bases.end()) return;
  const std::string known = "hardbisect has base images for: " + util::join(bases, ", ");
  std::string best = util::did_you_mean(base, bases);
  fail(where, "unknown base release '" + std::string(base) + "'",
       best.empty() ? known : "did you mean '" + best + "'? (" + known + ")");
}

std::optional<options::Privilege> parse_privilege(std::string_view text, const std::string& where) {
  if (text == "auto") return std::nullopt;
  if (auto level = options::parse_privilege(text)) return level;
  static const std::vector<std::string> names = {"auto", "minimal", "sys-admin", "privileged"};
  fail(where, "unknown privilege '" + std::string(text) + "'",
       suggestion_hint(text, names, "use one of: " + util::join(names, ", ")));
}

std::chrono::milliseconds parse_duration(std::string_view text, const std::string& where) {
  const std::string hint = "write a duration such as 30s, 500ms, 2m or 1h (a plain number is seconds)";
  std::string_view t = util::trim(text);
  size_t digits = 0;
  while (digits < t.size() && std::isdigit(static_cast<unsigned char>(t[digits]))) ++digits;
  if (digits == 0) fail(where, "invalid duration '" + std::string(text) + "'", hint);
  if (digits > 9) fail(where, "duration '" + std::string(text) + "' is too long", hint);
  std::optional<long long> number = util::parse_int(t.substr(0, digits));
  if (!number) fail(where, "invalid duration '" + std::string(text) + "'", hint);
  std::string_view unit = t.substr(digits);
  long long ms;
  if (unit.empty() || unit == "s") {
    ms = *number * 1000;
  } else if (unit == "ms") {
    ms = *number;
  } else if (unit == "m" || unit == "min") {
    ms = *number * 60 * 1000;
  } else if (unit == "h") {
    ms = *number * 3600 * 1000;
  } else {
    fail(where, "invalid duration '" + std::string(text) + "': unknown unit '" + std::string(unit) + "'",
         hint);
  }
  if (ms <= 0) fail(where, "duration '" + std::string(text) + "' must be positive", hint);
  return std::chrono::milliseconds(ms);
}

void check_unit_name(std::string_view unit, const std::string& where) {
  const std::string u(unit);
  if (unit.empty()) fail(where, "the unit name is empty", "name the service, e.g. nginx.service");
  auto bad = std::find_if(unit.begin(), unit.end(), [](char c) {
    return !(std::isalnum(static_cast<unsigned char>(c)) || c == ':' || c == '-' || c == '_' || c == '.' ||
             c == '@' || c == '\\');
  });
  if (bad != unit.end()) {
    fail(where, "invalid unit name '" + u + "': character '" + std::string(1, *bad) + "' is not allowed",
         "systemd unit names use letters, digits and \":-_.\\@\"; the unit is installed as "
         "/etc/systemd/system/<unit>");
  }
  if (unit.size() > 255) fail(where, "unit name '" + u + "' is longer than 255 characters");
  constexpr std::string_view kSuffix = ".service";
  size_t dot = unit.rfind('.');
  if (dot == std::string_view::npos) {
    fail(where, "unit name '" + u + "' has no unit suffix", "did you mean '" + u + ".service'?");
  }
  if (unit.substr(dot) != kSuffix) {
    std::string stem = u.substr(0, dot);
    fail(where, "unit '" + u + "' is not a service: hardbisect tests .service units",
         "name the service unit, e.g. '" + stem + ".service'");
  }
  std::string_view stem = unit.substr(0, dot);
  if (stem.empty()) fail(where, "unit name '" + u + "' has no name before the suffix");
  if (stem.back() == '@') {
    fail(where, "'" + u + "' is a template unit and cannot be started",
         "name an instance, e.g. '" + std::string(stem) + "1.service'");
  }
}

void check_package_name(std::string_view package, const std::string& where) {
  // Debian policy 5.6.1: lower case letters, digits, + - . ; at least 2 chars,
  // starting with an alphanumeric. The name reaches an apt-get argv.
  std::string_view name = package;
  std::string_view pin;
  size_t sep = package.find_first_of("=/");
  if (sep != std::string_view::npos) {
    name = package.substr(0, sep);
    pin = package.substr(sep + 1);
  }
  auto name_ok = name.size() >= 2 && std::isalnum(static_cast<unsigned char>(name[0])) &&
                 std::all_of(name.begin(), name.end(), [](char c) {
                   return std::islower(static_cast<unsigned char>(c)) ||
                          std::isdigit(static_cast<unsigned char>(c)) || c == '+' || c == '-' || c == '.';
                 });
  auto pin_ok =
      sep == std::string_view::npos || (!pin.empty() && std::all_of(pin.begin(), pin.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || c == '+' || c == '-' || c == '.' || c == '~' ||
               c == ':';
      }));
  if (!name_ok || !pin_ok) {
    fail(where, "invalid Debian package name '" + std::string(package) + "'",
         "package names are lower case letters, digits and '+-.', optionally pinned as "
         "name=version or name/release");
  }
}

void check_scenario_name(std::string_view name, const std::string& where) {
  bool ok = !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.';
  });
  if (!ok) {
    fail(where, "invalid scenario name '" + std::string(name) + "'",
         "use letters, digits and '-_.' (the name is used in report and container names)");
  }
}

options::Directive make_directive(std::string_view section, std::string_view key, std::string_view value,
                                  const std::string& where) {
  const std::string k(key);
  const std::string line = k + "=" + std::string(value);
  if (key.empty()) {
    fail(where, "'" + line + "': missing the directive name before '='",
         "write options as Key=Value, e.g. NoNewPrivileges=yes");
  }
  if (!std::all_of(key.begin(), key.end(), is_key_char)) {
    fail(where, "'" + line + "': '" + k + "' is not a directive name",
         "write options as Key=Value, e.g. NoNewPrivileges=yes");
  }
  if (has_control_char(value)) {
    fail(where, "'" + k + "=': the value contains a control character or line break",
         "write each directive on one line");
  }
  if (!value.empty() && value.back() == '\\') {
    fail(where, "'" + line + "': the value ends in a backslash",
         "systemd would read the next line as a continuation of this one");
  }
  // Keys systemd accepts but the catalogue does not know as hardening
  // (ExecStartPre=, After=...) are found here to be refused with why below,
  // rather than called unknown.
  std::string home;
  if (const options::DirectiveInfo* info = options::find_directive(key)) {
    home = std::string(info->section);
  } else if (const options::KnownDirective* known = options::find_known_systemd_directive(key)) {
    home = std::string(known->section);
  } else {
    // Prefer a catalogued name: that is what a hardening line usually meant.
    std::string best = util::did_you_mean(key, options::directive_names());
    if (best.empty()) {
      std::vector<std::string> all;
      for (const auto& d : options::known_systemd_directives()) all.emplace_back(d.name);
      best = util::did_you_mean(key, all);
    }
    fail(where, "unknown directive '" + k + "'",
         best.empty() ? "systemd knows no [Unit] or [Service] key of that name (names are "
                        "case-sensitive)"
                      : "did you mean '" + best + "'?");
  }
  if (std::optional<std::string> why = options::not_hardening_reason(key))
    fail(where, "'" + line + "' is not a hardening line: " + *why,
         "templates, options: and --option hold hardening directives only (the catalogue's, with the "
         "relaxations it knows); put the service's own lines in its unit file (service.unit_file, "
         "--unit-file)");
  if (!section.empty() && section != home) {
    fail(where, "'" + line + "' belongs in [" + home + "], not [" + std::string(section) + "]",
         "systemd ignores " + k + "= in [" + std::string(section) + "]; move it to [" + home +
             "] (in a scenario, leave the section prefix out and hardbisect places it)");
  }
  return options::Directive{home, k, std::string(value)};
}

options::Directive parse_option_line(std::string_view text, const std::string& where) {
  std::string_view rest = util::trim(text);
  std::string_view section;
  const std::string shown(rest);
  if (has_control_char(rest)) {
    fail(where, "option '" + shown + "' spans several lines",
         "write one directive per option line; group lines with {name: ..., lines: [...]}");
  }
  if (!rest.empty() && rest.front() == '[') {
    size_t close = rest.find(']');
    if (close == std::string_view::npos) {
      fail(where, "option '" + shown + "': unterminated section, missing ']'",
           "write e.g. \"[Unit] StartLimitBurst=4\"");
    }
    section = util::trim(rest.substr(1, close - 1));
    rest = util::trim(rest.substr(close + 1));
    if (section != "Unit" && section != "Service") {
      static const std::vector<std::string> sections = {"Unit", "Service"};
      std::string best = util::did_you_mean(section, sections);
      fail(where, "option '" + shown + "': hardbisect applies options only in [Unit] and [Service]",
           best.empty() ? "leave the section out and hardbisect uses the directive's own"
                        : "did you mean [" + best + "]?");
    }
  }
  size_t eq = rest.find('=');
  if (eq == std::string_view::npos) {
    fail(where, "option '" + shown + "' is not a directive line: missing '='",
         "write options as Key=Value, e.g. NoNewPrivileges=yes (an empty value is written Key=)");
  }
  return make_directive(section, util::trim(rest.substr(0, eq)), util::trim(rest.substr(eq + 1)), where);
}

std::string normalize_option_name(std::string_view text) {
  std::string_view rest = util::trim(text);
  if (!rest.empty() && rest.front() == '[') {
    size_t close = rest.find(']');
    if (close != std::string_view::npos) rest = util::trim(rest.substr(close + 1));
  }
  size_t eq = rest.find('=');
  if (eq == std::string_view::npos) return std::string(rest);
  return std::string(util::trim(rest.substr(0, eq))) + "=" + std::string(util::trim(rest.substr(eq + 1)));
}

void check_unique_names(const std::vector<OptionItem>& items) {
  for (size_t i = 0; i < items.size(); ++i) {
    for (size_t j = 0; j < i; ++j) {
      if (items[i].name != items[j].name) continue;
      fail(items[i].loc.str(),
           "duplicate option '" + items[i].name + "' (first at " + items[j].loc.str() + ")",
           "each option is tested as a unit, so it may appear only once; remove one");
    }
  }
}

std::string resolve_option_ref(std::string_view ref, const std::vector<OptionItem>& items,
                               const std::string& where) {
  for (const auto& item : items) {
    if (item.name == ref) return item.name;
  }
  std::string normalized = normalize_option_name(ref);
  for (const auto& item : items) {
    if (item.name == normalized) return item.name;
  }
  std::vector<std::string> names;
  for (const auto& item : items) names.push_back(item.name);
  std::string best = util::did_you_mean(normalized, names);
  fail(where, "'" + std::string(ref) + "' is not in the scenario's option list",
       best.empty() ? "name options exactly as written under options: (a line, or a group's name)"
                    : "did you mean '" + best + "'?");
}

std::string check_containerfile_path(const std::string& path, const std::string& where) {
  util::read_text_file(
      path, "Containerfile", where,
      "give the path of the Containerfile with your service's build steps (relative to the scenario "
      "file for image.containerfile, to the current folder for --containerfile)");
  return std::filesystem::absolute(path).lexically_normal().string();
}

std::string check_context_path(const std::string& path, const std::string& where) {
  std::error_code error;
  if (!std::filesystem::is_directory(path, error))
    fail(where, "build context '" + path + "' is not an existing folder",
         "image.context names the folder the Containerfile's COPY lines read from (relative to the scenario "
         "file); leave it out to use the Containerfile's folder");
  return std::filesystem::absolute(path).lexically_normal().string();
}

}  // namespace hb::scenario
