#pragma once
// What a trial saw: parsed from the driver's framed output.
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace hb::trial {

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

  std::string property(const std::string& key) const;
  const std::string& section(const std::string& name) const;
};

// Parses the driver's output; sections outside the nonce's frames are ignored.
// workload_timeout_ms lets it tell a timeout (exit 124/137 after the limit)
// from a workload that chose to exit 124.
Evidence parse_evidence(const std::string& output, const std::string& nonce, long workload_timeout_ms);

}  // namespace hb::trial
