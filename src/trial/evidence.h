#pragma once
// What a trial saw: parsed from the driver's framed output.
#include <map>
#include <optional>
#include <string>
#include <vector>

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
  bool complete = false;
  // The container's privilege: 0 minimal, 1 sys-admin, 2 privileged; -1 unknown.
  int privilege = -1;  // the driver reached its end marker

  // `systemd-analyze security UNIT`: the overall exposure (0.0 best, 10.0
  // worst) and its rows; nullopt when systemd could not rate the unit.
  std::optional<double> exposure;
  std::string exposure_rating;  // "OK", "MEDIUM", "EXPOSED", "UNSAFE"...
  std::vector<ExposureRow> exposure_rows;
  long security_ms = -1;  // what rating it cost inside the trial

  std::string property(const std::string& key) const;
  const std::string& section(const std::string& name) const;
};

// Parses the driver's output; sections outside the nonce's frames are ignored.
// workload_timeout_ms lets it tell a timeout (exit 124/137 after the limit)
// from a workload that chose to exit 124.
Evidence parse_evidence(const std::string& output, const std::string& nonce, long workload_timeout_ms);

// Parses the text of `systemd-analyze security --no-pager UNIT` into
// evidence.exposure, exposure_rating and exposure_rows.
void parse_security(const std::string& text, Evidence& evidence);

}  // namespace hb::trial
