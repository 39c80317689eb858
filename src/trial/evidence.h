#pragma once
// What a trial saw: parsed from the driver's framed, sealed output.
//
// The format (driver_script.cc writes it, parse_evidence reads it):
//   @@HB@@ NAME LEN   a frame line: section NAME (evidence_sections()) holds
//   BYTES             the next LEN bytes, whatever they are, then
//                     a newline
//   @@HB@@ mac HEX    the last line: sha256(key, every byte before it, key)
// What a section holds is skipped by its length, so nothing a command prints
// can look like a frame, and without the trial's key no one can write
// evidence the host accepts.
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "options/privilege.h"

namespace hb::trial {

// One row of `systemd-analyze security UNIT`.
struct ExposureRow {
  std::string name;                // "PrivateTmp=", "SystemCallFilter=~@mount"
  std::string description;         // systemd's words for what the row found
  std::optional<double> exposure;  // what the row adds; nullopt when it is fine or does not apply
  bool ok = false;                 // systemd's check mark
};

struct Evidence {
  std::map<std::string, std::string> sections;    // raw, by marker name
  std::map<std::string, std::string> properties;  // `systemctl show` Key=Value

  std::string boot_state;  // running, degraded, starting, no-answer...
  long boot_ms = -1;
  std::optional<int> start_rc;  // absent: never got that far
  long start_ms = -1;
  std::optional<int> workload_rc;
  long workload_ms = -1;
  bool workload_timed_out = false;
  bool complete = false;  // the driver reached its end marker
  // The container's privilege, from the trial's plan; nullopt when not
  // known (a result served from the cache).
  std::optional<options::Privilege> privilege;

  // `systemd-analyze security UNIT`: the overall exposure (0.0 best, 10.0
  // worst) and its rows; nullopt when systemd could not rate the unit.
  std::optional<double> exposure;
  std::string exposure_rating;  // "OK", "MEDIUM", "EXPOSED", "UNSAFE"...
  std::vector<ExposureRow> exposure_rows;
  long security_ms = -1;  // what rating it cost inside the trial

  // Why the driver's output cannot be trusted (a wrong or missing MAC, a
  // section out of place, data outside sections); empty when it can. Set
  // alone: nothing else of tampered evidence is kept.
  std::string tampered;

  std::string property(const std::string& key) const;
  const std::string& section(const std::string& name) const;
};

inline constexpr std::string_view kFrame = "@@HB@@ ";

// The sections the driver may print, in the order it prints them; each
// appears at most once, and "end" last.
const std::vector<std::string>& evidence_sections();

// The MAC line's value for `body` (everything before the MAC line).
std::string evidence_mac(const std::string& key, std::string_view body);

// Sections in the driver's format, sealed with `key`: what an honest driver
// writes (for fakes and tests; the real one is the shell in driver_script.cc).
std::string seal_evidence(const std::vector<std::pair<std::string, std::string>>& sections,
                          const std::string& key);

// Parses the driver's output after checking its MAC with the trial's key;
// any doubt (see Evidence::tampered) gives evidence that is only tampered.
// workload_timeout_ms lets it tell a timeout (exit 124/137 after the limit)
// from a workload that chose to exit 124.
Evidence parse_evidence(const std::string& output, const std::string& key, long workload_timeout_ms);

// Parses the text of `systemd-analyze security --no-pager UNIT` into
// evidence.exposure, exposure_rating and exposure_rows.
void parse_security(const std::string& text, Evidence& evidence);

}  // namespace hb::trial
