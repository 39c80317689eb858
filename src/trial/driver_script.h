#pragma once
// The script that runs inside the trial container, in one `podman exec`:
// wait for boot, start the unit, run the workload, collect the evidence.
// It prints sections framed by a per-trial nonce, so a workload printing
// something that looks like a marker cannot forge evidence.
#include <string>

namespace hb::trial {

inline constexpr const char* kDriverPath = "/usr/lib/hardbisect/trial-driver";
inline constexpr const char* kDropInName = "50-hardbisect.conf";

// Usage inside the container:
//   trial-driver NONCE UNIT BOOT_S START_S WORKLOAD_S CMD [ARGS...]
const std::string& driver_script();

}  // namespace hb::trial
