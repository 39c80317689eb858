// hardbisect validate: load and check scenarios and templates without
// starting anything (no Podman needed), for editors and CI. One line per
// file, "FILE: ok (...)" or the error as file:line:col with its hint;
// exit 0 when every file is valid, 2 otherwise.
#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <iostream>
#include <set>

#include "commands.h"
#include "image/image_builder.h"
#include "options/catalogue.h"
#include "scenario/adhoc.h"
#include "scenario/loader.h"
#include "scenario/template.h"
#include "scenario/validate.h"
#include "util/error.h"
#include "util/strings.h"

namespace fs = std::filesystem;

namespace hb::cli {

namespace {

struct ValidateOptions {
  std::vector<std::string> paths;
  std::vector<std::string> bases;
};

bool is_scenario_file(const fs::path& path) {
  return path.extension() == ".yaml" || path.extension() == ".yml";
}

// The files to check: each path, or a folder's *.yaml, *.yml and *.conf.
std::vector<std::string> files_of(const std::vector<std::string>& paths) {
  std::vector<std::string> files;
  for (const auto& path : paths) {
    std::error_code error;
    if (!fs::is_directory(path, error)) {
      files.push_back(path);
      continue;
    }
    std::vector<std::string> found;
    for (const auto& entry : fs::directory_iterator(path, error))
      if (entry.is_regular_file() && (is_scenario_file(entry.path()) || entry.path().extension() == ".conf"))
        found.push_back(entry.path().string());
    std::sort(found.begin(), found.end());
    files.insert(files.end(), found.begin(), found.end());
  }
  return files;
}

// Throws the first directive of `items` that systemd `version` (of `base`) does not know.
void check_versions(const std::vector<scenario::OptionItem>& items, const std::string& base) {
  int version = image::systemd_version_of(base);
  if (version == 0) return;
  for (const auto& item : items)
    for (const auto& directive : item.directives)
      if (auto error = options::check_known(directive.key, version))
        throw UserError(item.loc.str() + ": " + *error + " (base " + base + ")",
                        "use a base whose systemd knows it (--base, image.base), or drop the line");
}

// "ok (...)" for a valid scenario or template (its warnings in `warnings`);
// throws UserError otherwise.
std::string check_scenario(const std::string& file, std::vector<std::string>& warnings,
                           image::ImageBuilder& images) {
  scenario::Scenario s = scenario::load_scenario_file(file);
  if (s.image.name.empty()) check_versions(s.options, s.image.base);
  warnings = s.warnings;
  std::string image = s.image.name.empty() ? fmt::format("{}, systemd {}", s.image.base,
                                                         image::systemd_version_of(s.image.base))
                                           : "image " + s.image.name + ", systemd version not checked";
  if (!s.image.containerfile.empty()) {
    // Its FROM lines and COPY sources, without building.
    image::ImageRecipe recipe = images.recipe(image::request_of(s.image));
    image += fmt::format("; Containerfile {} with {} context entries, image {}", s.image.containerfile,
                         recipe.context_files, recipe.name);
  }
  return fmt::format("ok (scenario {}: {}, {} option(s); {})", s.name, s.service.unit, s.options.size(),
                     image);
}

std::string check_template(const std::string& file, const std::vector<std::string>& bases,
                           std::vector<std::string>& warnings) {
  scenario::ParsedTemplate parsed = scenario::parse_template_file(file);
  for (const auto& base : bases) check_versions(parsed.options, base);
  warnings = parsed.warnings;
  std::vector<std::string> versions;
  for (const auto& base : bases)
    versions.push_back(fmt::format("{} (systemd {})", base, image::systemd_version_of(base)));
  return fmt::format("ok (template: {} directive line(s), known to {})", parsed.options.size(),
                     util::join(versions, " and "));
}

// The bases a template is checked for: --base, else those of the scenarios
// given with it, else the default base.
std::vector<std::string> template_bases(const ValidateOptions& o, const std::vector<std::string>& files) {
  for (const auto& base : o.bases) scenario::check_base(base, "--base");
  if (!o.bases.empty()) return o.bases;
  std::set<std::string> bases;
  for (const auto& file : files) {
    if (!is_scenario_file(file)) continue;
    try {
      scenario::Scenario s = scenario::load_scenario_file(file);
      if (s.image.name.empty()) bases.insert(s.image.base);
    } catch (const UserError&) {
      // Reported on the scenario's own line.
    }
  }
  if (bases.empty()) return {scenario::AdhocFlags{}.base};
  return {bases.begin(), bases.end()};
}

// The error on one line: the message (file:line:col first) and the hint.
std::string error_line(const std::string& file, const UserError& error) {
  std::string what = error.what();
  std::string line = what.rfind(file, 0) == 0 ? what : file + ": " + what;
  if (!error.hint().empty()) line += " (hint: " + error.hint() + ")";
  return line;
}

}  // namespace

Action setup_validate(CLI::App& app) {
  auto o = std::make_shared<ValidateOptions>();
  app.add_option("files", o->paths,
                 "Scenario files (*.yaml) and templates (drop-ins, any other name), or folders of them")
      ->required();
  app.add_option("--base", o->bases,
                 "Check templates' directive names for these releases' systemd (default: the bases of the "
                 "scenarios given, else bookworm)")
      ->delimiter(',');
  return [o](Context& context) {
    std::vector<std::string> files = files_of(o->paths);
    if (files.empty()) throw UserError("no scenario or template found in " + util::join(o->paths, ", "));
    std::vector<std::string> bases = template_bases(*o, files);
    int invalid = 0;
    for (const auto& file : files) {
      std::vector<std::string> warnings;
      try {
        std::string verdict = is_scenario_file(file) ? check_scenario(file, warnings, context.images())
                                                     : check_template(file, bases, warnings);
        std::cout << file << ": " << verdict << "\n";
      } catch (const UserError& error) {
        std::cout << error_line(file, error) << "\n";
        ++invalid;
      }
      for (const auto& warning : warnings) std::cout << "  warning: " << warning << "\n";
    }
    return invalid == 0 ? static_cast<int>(kExitOk) : static_cast<int>(kExitUsage);
  };
}

}  // namespace hb::cli
