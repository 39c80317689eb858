#pragma once
// The scenario model: what a YAML file (or the ad-hoc flags of `run`)
// describes. Passive data; loading and validation live in loader.{h,cc}.
#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "options/directive.h"
#include "options/privilege.h"

namespace hb::scenario {

// Where a value came from, for file:line:col messages.
struct SourceLoc {
  std::string file;
  int line = 0;             // 1-based, 0 = unknown
  int column = 0;           // 1-based, 0 = unknown
  std::string str() const;  // "file:line:col", "file:line" without a column, "file" without a line
};

// One item of the ordered option list: a single directive line, or a named
// group of lines that travel together (IPAddressDeny=any + IPAddressAllow=...).
struct OptionItem {
  std::string name;  // the line itself for a single directive, the group name otherwise
  std::vector<options::Directive> directives;
  SourceLoc loc;
  bool is_group() const { return directives.size() != 1 || name != directives.front().line(); }
};

struct ImageSpec {
  std::string base = "bookworm";      // Debian release of the base image
  std::vector<std::string> packages;  // extra Debian packages of the derived image
  std::string name;                   // an explicit, already-built image (overrides base/packages)
  // The user's own service: a Containerfile (resolved path) built FROM the
  // base of `base` (with `packages` when given) by image::ImageBuilder.
  std::string containerfile;
  std::string context;  // its build context (resolved); empty = the Containerfile's folder
};

struct FileSpec {
  std::string path;     // absolute path inside the container
  std::string content;  // file content
  std::string mode = "0644";
};

struct ServiceSpec {
  std::string unit;                      // e.g. "nginx.service"
  std::optional<std::string> unit_file;  // unit file content; absent = the unit is in the image
  std::vector<FileSpec> files;           // extra files installed before boot
};

struct Workload {
  std::string command;  // a shell line, run as `sh -c COMMAND` inside the container
  std::chrono::milliseconds timeout{std::chrono::seconds(30)};
  // Set by the user (scenario or flag). Otherwise a search's trials use a
  // bound learned from the baseline (job/trial_oracle.h), so a hang costs
  // seconds, not the whole default.
  bool timeout_explicit = false;
};

struct Expectations {
  bool unit_active = true;                   // ActiveState=active after the workload
  int workload_exit = 0;                     // expected exit code of the workload
  bool no_crash = true;                      // no core dump, no fatal signal, no restart, no seccomp kill
  std::vector<std::string> journal_absent;   // regexes that must not match the unit's journal
  std::vector<std::string> journal_present;  // regexes that must match the unit's journal
};

struct Timeouts {
  std::chrono::milliseconds boot{std::chrono::seconds(30)};
  std::chrono::milliseconds start{std::chrono::seconds(30)};
  bool start_explicit = false;  // as Workload::timeout_explicit
};

struct Scenario {
  std::string name;
  std::string description;
  SourceLoc loc;  // the file itself
  ImageSpec image;
  std::optional<options::Privilege> privilege;  // nullopt: auto, the least that enforces the options
  ServiceSpec service;
  Workload workload;
  Expectations expect;
  Timeouts timeouts;
  std::vector<OptionItem> options;
  // Ground truth for `verify` (issue: scenario library): culprit sets as the
  // option names written in the scenario. Empty = not stated.
  std::vector<std::vector<std::string>> expect_culprits;
  // The lines a 1-maximal safe template drops (the template's answer, in its
  // own context: IPAddressDeny=any beside IPAddressAllow= is not dropped), as
  // option names; checked by `verify`. nullopt = not stated.
  std::optional<std::vector<std::string>> expect_removal;
  // The template the tail of `options` came from (resolved path), empty = none.
  std::string template_file;
  // Non-fatal findings while loading ("[Install] section skipped"), for the user.
  std::vector<std::string> warnings;
};

}  // namespace hb::scenario
