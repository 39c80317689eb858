#pragma once
// The script that runs inside the trial container, in one `podman exec`:
// wait for boot, start the unit, run the workload, collect the evidence.
// It prints sections framed by a per-trial nonce, so a workload printing
// something that looks like a marker cannot forge evidence.
#include <string>

namespace hb::trial {

inline constexpr const char* kDropInName = "50-hardbisect.conf";

// Inside the container (bind mounts from the host's staging folder):
inline constexpr const char* kStageDir = "/.hardbisect/stage";  // read-only
inline constexpr const char* kOutDir = "/.hardbisect/out";      // the evidence comes back here
inline constexpr const char* kGeneratorPath = "/etc/systemd/system-generators/hardbisect-trial";
// In the stage: the scenario files' modes as "MODE\0PATH\0" pairs, applied
// after the copy (the host's copies never carry setuid/setgid bits).
inline constexpr const char* kFileModesName = "file-modes";

// A systemd generator, run by PID 1 before it loads units: it puts the unit
// file and our drop-in into the early generator folder (which wins over
// /etc and /usr/lib, and which generators may write even where systemd 257
// sandboxes them), and adds two units: hardbisect-files.service copies the
// scenario's files into place before any service starts and gives each its
// mode from stage/file-modes, and
// hardbisect-trial.service runs the driver once the system is up. So a trial
// needs no `podman cp`, no daemon-reload and no `podman exec`.
const std::string& generator_script();

// ExecStart of hardbisect-trial.service: runs the driver with the arguments
// in stage/args and the workload line in stage/workload (as `sh -c LINE`),
// and moves the output to out/evidence when complete.
const std::string& run_trial_script();

// Usage inside the container:
//   trial-driver NONCE UNIT BOOT_S START_S WORKLOAD_S CMD [ARGS...]
// It lives in the stage as stage/trial-driver.
const std::string& driver_script();

}  // namespace hb::trial
