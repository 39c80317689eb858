#include "scenario/adhoc.h"

#include <algorithm>
#include <cctype>
#include <filesystem>

#include "scenario/template.h"
#include "scenario/validate.h"
#include "util/error.h"
#include "util/files.h"
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

void check_image_name(const std::string& image) {
  bool bad = image.empty() || image.front() == '-' || std::any_of(image.begin(), image.end(), [](char c) {
               return static_cast<unsigned char>(c) <= ' ';
             });
  if (bad) {
    throw UserError(std::string(Flag::kImage) + ": invalid image name '" + image + "'",
                    "write an image reference such as localhost/my-image:tag");
  }
}

// One option item per --option line, then the --template file's lines.
void add_flag_options(const AdhocFlags& flags, Scenario& s) {
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
    s.warnings.insert(s.warnings.end(), parsed.warnings.begin(), parsed.warnings.end());
  }
  check_unique_names(s.options);
}

std::string name_from_unit(const std::string& unit) {
  std::string name = unit.substr(0, unit.rfind('.'));
  for (char& c : name) {
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.')) c = '-';
  }
  return name;
}

}  // namespace

namespace {
// --unit (or the --unit-file's name) and the --unit-file's text.
ServiceSpec service_from_flags(const AdhocFlags& flags) {
  ServiceSpec service;
  if (!flags.unit.empty()) {
    service.unit = flags.unit;
    check_unit_name(service.unit, Flag::kUnit);
  } else if (!flags.unit_file.empty()) {
    service.unit = std::filesystem::path(flags.unit_file).filename().string();
    check_unit_name(service.unit, std::string(Flag::kUnitFile) + " (its file name is the unit name)");
  } else {
    throw UserError(std::string(Flag::kUnit) + " is required",
                    "name the service to test, e.g. --unit nginx.service, or give its unit file "
                    "with --unit-file");
  }
  if (!flags.unit_file.empty()) {
    std::string text = util::read_text_file(flags.unit_file, "unit file", Flag::kUnitFile);
    if (!has_service_section(text)) {
      throw UserError(std::string(Flag::kUnitFile) + ": '" + flags.unit_file + "' has no [Service] section",
                      "the unit file needs a [Service] section with ExecStart=");
    }
    service.unit_file = text;
  }
  return service;
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
    check_image_name(flags.image);
    if (!s.image.packages.empty()) {
      throw UserError(std::string(Flag::kImage) + " and " + Flag::kPackages + " exclude each other",
                      "packages are installed into the image hardbisect builds from --base; "
                      "install them into your own image instead");
    }
    s.image.name = flags.image;
  }
  if (!flags.containerfile.empty()) {
    if (!s.image.name.empty())
      throw UserError(std::string(Flag::kImage) + " and " + Flag::kContainerfile + " exclude each other",
                      "hardbisect builds the Containerfile FROM its base image of --base; leave --image out");
    s.image.containerfile = check_containerfile_path(flags.containerfile, Flag::kContainerfile);
  }
  s.privilege = parse_privilege(flags.privilege, Flag::kPrivilege);

  s.service = service_from_flags(flags);
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

  add_flag_options(flags, s);
  return s;
}

std::string duration_text(std::chrono::milliseconds duration) {
  long long ms = duration.count();
  return ms % 1000 == 0 ? std::to_string(ms / 1000) + "s" : std::to_string(ms) + "ms";
}

namespace {
std::string stated(const std::string& what, const std::string& value, const char* flag,
                   const std::string& was) {
  return what + ": " + value + " (from " + flag + "; the scenario says " + was + ")";
}

// --image, --base and --packages over a scenario file: override or refuse.
void apply_image_flags(Scenario& s, const AdhocFlags& flags, const std::string& file,
                       std::vector<std::string>& lines) {
  auto given = [&](const char* flag) { return flags.given.count(flag) > 0; };
  if (given(Flag::kImage)) {
    check_image_name(flags.image);
    if (!s.image.packages.empty())
      throw UserError(
          std::string(Flag::kImage) + " and the image.packages of " + file + " exclude each other",
          "packages are installed into the image hardbisect builds; install them into your own "
          "image, or leave --image out");
    std::string was = s.image.name.empty() ? "base " + s.image.base : s.image.name;
    s.image.name = flags.image;
    lines.push_back(stated("image", s.image.name, Flag::kImage, was));
  }
  if (given(Flag::kBase)) {
    check_base(flags.base, Flag::kBase);
    if (!s.image.name.empty())
      throw UserError(
          std::string(Flag::kBase) + " does not apply: the trials run the image " + s.image.name +
              (given(Flag::kImage) ? " (--image)" : " (image.name in " + file + ")"),
          "leave --base out, or remove image.name from the scenario so hardbisect builds the image");
    lines.push_back(stated("base", flags.base, Flag::kBase, s.image.base));
    s.image.base = flags.base;
  }
  if (given(Flag::kPackages)) {
    if (!s.image.name.empty())
      throw UserError(std::string(Flag::kPackages) + " does not apply: the trials run the image " +
                          s.image.name + " and packages are installed only into the image hardbisect builds",
                      "install them into your own image, or leave --packages out");
    std::vector<std::string> packages = split_packages(flags.packages);
    for (const auto& package : packages) check_package_name(package, Flag::kPackages);
    auto listed = [](const std::vector<std::string>& list) {
      return list.empty() ? "(none)" : util::join(list, ", ");
    };
    lines.push_back(stated("packages", listed(packages), Flag::kPackages, listed(s.image.packages)));
    s.image.packages = std::move(packages);
  }
  if (given(Flag::kContainerfile)) {
    if (!s.image.name.empty())
      throw UserError(std::string(Flag::kContainerfile) + " does not apply: the trials run the image " +
                          s.image.name +
                          (given(Flag::kImage) ? " (--image)" : " (image.name in " + file + ")"),
                      "leave --containerfile out, or remove image.name so hardbisect builds the image");
    std::string path = check_containerfile_path(flags.containerfile, Flag::kContainerfile);
    lines.push_back(stated("containerfile", path + " (its folder is the build context)", Flag::kContainerfile,
                           s.image.containerfile.empty() ? "none" : s.image.containerfile));
    s.image.containerfile = path;
    s.image.context.clear();
  }
}
}  // namespace

std::vector<std::string> apply_flags(Scenario& s, const AdhocFlags& flags) {
  auto given = [&](const char* flag) { return flags.given.count(flag) > 0; };
  const std::string file = s.loc.file.empty() ? "the scenario file" : s.loc.file;
  for (const char* flag : {Flag::kUnit, Flag::kUnitFile}) {
    if (given(flag))
      throw UserError(std::string(flag) + " does not apply with a scenario file: " + file +
                          " names its service (service.unit)",
                      "edit service.unit / service.unit_file in " + file +
                          ", or leave the file out and describe the service with --unit, --unit-file and "
                          "--workload");
  }
  std::vector<std::string> lines;

  apply_image_flags(s, flags, file, lines);
  if (given(Flag::kWorkload)) {
    if (util::trim(flags.workload).empty())
      throw UserError(std::string(Flag::kWorkload) + " is empty",
                      "give the shell line that exercises the service, or leave --workload out");
    lines.push_back(
        stated("workload", "'" + flags.workload + "'", Flag::kWorkload, "'" + s.workload.command + "'"));
    s.workload.command = flags.workload;
  }
  if (given(Flag::kWorkloadTimeout)) {
    std::chrono::milliseconds timeout = parse_duration(flags.workload_timeout, Flag::kWorkloadTimeout);
    lines.push_back(stated("workload timeout", duration_text(timeout), Flag::kWorkloadTimeout,
                           duration_text(s.workload.timeout)));
    s.workload.timeout = timeout;
    s.workload.timeout_explicit = true;
  }
  if (given(Flag::kPrivilege)) {
    std::optional<options::Privilege> level = parse_privilege(flags.privilege, Flag::kPrivilege);
    lines.push_back(stated("privilege", options::requested_privilege_name(level), Flag::kPrivilege,
                           options::requested_privilege_name(s.privilege)));
    s.privilege = level;
  }
  if (given(Flag::kOption) || given(Flag::kTemplate)) {
    std::string was = std::to_string(s.options.size()) + " option(s)" +
                      (s.template_file.empty() ? "" : " (template " + s.template_file + ")");
    std::string from = given(Flag::kOption) && given(Flag::kTemplate)
                           ? std::string(Flag::kOption) + " and " + Flag::kTemplate
                       : given(Flag::kOption) ? Flag::kOption
                                              : Flag::kTemplate;
    s.options.clear();
    s.template_file.clear();
    s.expect_culprits.clear();
    add_flag_options(flags, s);
    lines.push_back("options: " + std::to_string(s.options.size()) + " (from " + from +
                    "; the scenario says " + was + ")");
  }
  return lines;
}

}  // namespace hb::scenario
