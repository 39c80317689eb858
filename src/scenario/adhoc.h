#pragma once
// A scenario from the flags of `hardbisect run` instead of a YAML file, with
// the same validation and messages as the loader, naming the flag instead of
// file:line:col ("--option: unknown directive 'NoNewPrivilege'").
#include <string>
#include <vector>

#include "scenario/scenario.h"

namespace hb::scenario {

// The flag spellings used in messages (the CLI should register the same).
struct AdhocFlagNames {
  static constexpr const char* kBase = "--base";
  static constexpr const char* kImage = "--image";
  static constexpr const char* kPackages = "--packages";
  static constexpr const char* kUnit = "--unit";
  static constexpr const char* kUnitFile = "--unit-file";
  static constexpr const char* kWorkload = "--workload";
  static constexpr const char* kWorkloadTimeout = "--workload-timeout";
  static constexpr const char* kTemplate = "--template";
  static constexpr const char* kOption = "--option";
  static constexpr const char* kPrivilege = "--privilege";
};

struct AdhocFlags {
  std::string base = "bookworm";      // --base: Debian release of the base image
  std::string image;                  // --image: an already-built image (no --packages then)
  std::vector<std::string> packages;  // --packages, repeatable; each may be "a,b,c"
  std::string unit;                   // --unit; empty = the file name of --unit-file
  std::string unit_file;              // --unit-file: path of a unit file to install; empty = in image
  std::string workload;               // --workload: shell line run in the container (required)
  std::string workload_timeout;       // --workload-timeout: "30s"; empty = 30s
  std::string template_path;          // --template: drop-in whose lines follow --option lines
  std::vector<std::string> options;   // --option, repeatable: "Key=Value" or "[Unit] Key=Value"
  std::string privilege = "auto";     // --privilege: auto|minimal|sys-admin|privileged
};

// Builds and validates the scenario. Its name is the unit's name without
// ".service"; warnings from the template end up in Scenario::warnings.
Scenario scenario_from_flags(const AdhocFlags& flags);

}  // namespace hb::scenario
