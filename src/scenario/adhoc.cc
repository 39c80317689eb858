#include "scenario/adhoc.h"

#include <algorithm>
#include <cctype>
#include <filesystem>

#include "scenario/template.h"
#include "scenario/validate.h"
#include "util/error.h"
#include "util/strings.h"

namespace hb::scenario {

namespace {

using Flag = AdhocFlagNames;

std::vector<std::string> split_packages(const std::vector<std::string>& values) {
  std::vector<std::string> out;
  for (const auto& value : values) {
    std::string_view rest = value;
    while (true) {
      size_t comma = rest.find(',');
      std::string_view part = util::trim(rest.substr(0, comma));
      if (!part.empty()) out.emplace_back(part);
      if (comma == std::string_view::npos) break;
      rest.remove_prefix(comma + 1);
    }
  }
  return out;
}

std::string name_from_unit(const std::string& unit) {
  std::string name = unit.substr(0, unit.rfind('.'));
  for (char& c : name) {
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.')) c = '-';
  }
  return name;
}

}  // namespace

Scenario scenario_from_flags(const AdhocFlags& flags) {
  Scenario s;
  s.loc = SourceLoc{"command line", 0, 0};

  check_base(flags.base, Flag::kBase);
  s.image.base = flags.base;
  for (const auto& package : split_packages(flags.packages)) {
    check_package_name(package, Flag::kPackages);
    s.image.packages.push_back(package);
  }
  if (!flags.image.empty()) {
    bool bad = flags.image.front() == '-' ||
               std::any_of(flags.image.begin(), flags.image.end(),
                           [](char c) { return static_cast<unsigned char>(c) <= ' '; });
    if (bad) {
      throw UserError(std::string(Flag::kImage) + ": invalid image name '" + flags.image + "'",
                      "write an image reference such as localhost/my-image:tag");
    }
    if (!s.image.packages.empty()) {
      throw UserError(std::string(Flag::kImage) + " and " + Flag::kPackages +
                          " exclude each other",
                      "packages are installed into the image hardbisect builds from --base; "
                      "install them into your own image instead");
    }
    s.image.name = flags.image;
  }
  s.privilege = parse_privilege(flags.privilege, Flag::kPrivilege);

  if (!flags.unit.empty()) {
    s.service.unit = flags.unit;
    check_unit_name(s.service.unit, Flag::kUnit);
  } else if (!flags.unit_file.empty()) {
    s.service.unit = std::filesystem::path(flags.unit_file).filename().string();
    check_unit_name(s.service.unit, std::string(Flag::kUnitFile) + " (its file name is the unit name)");
  } else {
    throw UserError(std::string(Flag::kUnit) + " is required",
                    "name the service to test, e.g. --unit nginx.service, or give its unit file "
                    "with --unit-file");
  }
  if (!flags.unit_file.empty()) {
    std::string text = read_text_file(flags.unit_file, "unit file", Flag::kUnitFile);
    if (!has_service_section(text)) {
      throw UserError(std::string(Flag::kUnitFile) + ": '" + flags.unit_file +
                          "' has no [Service] section",
                      "the unit file needs a [Service] section with ExecStart=");
    }
    s.service.unit_file = text;
  }
  s.name = name_from_unit(s.service.unit);

  if (util::trim(flags.workload).empty()) {
    throw UserError(std::string(Flag::kWorkload) + " is required",
                    "give the shell line that exercises the service, e.g. "
                    "--workload 'curl -sf http://127.0.0.1/'");
  }
  s.workload.command = flags.workload;
  if (!flags.workload_timeout.empty()) {
    s.workload.timeout = parse_duration(flags.workload_timeout, Flag::kWorkloadTimeout);
    s.workload.timeout_explicit = true;
  }

  for (size_t i = 0; i < flags.options.size(); ++i) {
    options::Directive d = parse_option_line(flags.options[i], Flag::kOption);
    OptionItem item;
    item.name = d.line();
    item.directives.push_back(std::move(d));
    item.loc = SourceLoc{std::string(Flag::kOption) + " #" + std::to_string(i + 1), 0, 0};
    s.options.push_back(std::move(item));
  }
  if (!flags.template_path.empty()) {
    ParsedTemplate parsed = parse_template_file(flags.template_path, Flag::kTemplate);
    s.template_file = flags.template_path;
    s.options.insert(s.options.end(), parsed.options.begin(), parsed.options.end());
    s.warnings = std::move(parsed.warnings);
  }
  check_unique_names(s.options);
  return s;
}

}  // namespace hb::scenario
