#pragma once
// A scenario from the flags of `hardbisect run` instead of a YAML file, with
// the same validation and messages as the loader, naming the flag instead of
// file:line:col ("--option: unknown directive 'NoNewPrivilege'"); and the
// same flags applied over a scenario file, where each one given either
// overrides the file's value (and says so) or is refused, never dropped.
#include <chrono>
#include <set>
#include <string>
#include <vector>

#include "scenario/scenario.h"

namespace hb::scenario {

// The flag spellings used in messages (the CLI should register the same).
struct AdhocFlagNames {
  static constexpr const char* kBase = "--base";
  static constexpr const char* kImage = "--image";
  static constexpr const char* kPackages = "--packages";
  static constexpr const char* kContainerfile = "--containerfile";
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
  std::string containerfile;          // --containerfile: the user's build steps FROM hardbisect-base
  std::string unit;                   // --unit; empty = the file name of --unit-file
  std::string unit_file;              // --unit-file: path of a unit file to install; empty = in image
  std::string workload;               // --workload: shell line run in the container (required)
  std::string workload_timeout;       // --workload-timeout: "30s"; empty = 30s
  std::string template_path;          // --template: drop-in whose lines follow --option lines
  std::vector<std::string> options;   // --option, repeatable: "Key=Value" or "[Unit] Key=Value"
  std::string privilege = "auto";     // --privilege: auto|minimal|sys-admin|privileged
  // The flags written on the command line (the CLI fills it): over a
  // scenario file only these count, a default never overrides the file.
  std::set<std::string> given;
};

// Builds and validates the scenario. Its name is the unit's name without
// ".service"; warnings from the template end up in Scenario::warnings.
Scenario scenario_from_flags(const AdhocFlags& flags);

// Applies the given flags (flags.given) over a scenario loaded from a file.
// --base, --image, --packages, --containerfile (its folder is the build
// context), --workload, --workload-timeout, --privilege replace the file's value; --option and --template
// together replace its option list (--option lines first, as in scenario_from_flags; its expect_culprits no
// longer apply and are cleared). Returns one line per flag for the run's header: "base: trixie (from --base;
// the scenario says bookworm)". --unit and --unit-file are refused (the file names its service), and so is a
// flag that contradicts the file (--base with an image.name): UserError naming the flag, with the reason and
// the fix.
std::vector<std::string> apply_flags(Scenario& scenario, const AdhocFlags& flags);

// "30s", "1500ms": a duration as the scenario format writes it.
std::string duration_text(std::chrono::milliseconds duration);

}  // namespace hb::scenario
