#pragma once
// The scripts that run inside the trial container: a generator that installs
// the units, run-trial that takes the trial's key before any unit of the
// trial starts, and the driver: wait for boot, start the unit, run the
// workload, collect the evidence, seal it with the key (evidence.h).
#include <cstddef>
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

// The trial's key reaches the driver through a FIFO: the host's, in the
// stage (local), or one run-trial makes here for the host's `podman exec`
// to fill (remote). The key itself is never in a file.
inline constexpr const char* kKeyFifo = "key";  // in the stage
// More evidence than this is not the driver's.
inline constexpr size_t kMaxEvidenceBytes = 8 << 20;

// A systemd generator, run by PID 1 before it loads units: it puts the unit
// file, our drop-in and hardbisect-trial.service into the early generator
// folder (which wins over /etc and /usr/lib, and which generators may write
// even where systemd 257 sandboxes them), and adds hardbisect-files.service,
// which copies the scenario's files into place before any service starts and
// gives each its mode from stage/file-modes.
// So a trial needs no `podman cp`, no daemon-reload and no `podman exec`.
const std::string& generator_script();

// hardbisect-trial.service (staged in early/): runs run-trial before
// sysinit.target and the files unit (so before every unit with default dependencies).
std::string trial_unit_file();

// ExecStart of hardbisect-trial.service: reads stage/args, stage/workload,
// the driver and the key, opens the scratch files, starts the driver in the
// background and exits; no unit of the trial runs before that.
const std::string& run_trial_script();

// The driver (stage/trial-driver), run by run-trial: waits for boot, starts
// the unit, runs the workload (as `sh -c LINE`), collects the evidence in
// memory and writes it sealed (evidence.h) to out/evidence.
const std::string& driver_script();

// A remote trial's one `podman exec` (sh -c SCRIPT, the key on its stdin):
// hands the key to run-trial's FIFO, waits for the evidence, prints it.
std::string remote_report_script();

}  // namespace hb::trial
