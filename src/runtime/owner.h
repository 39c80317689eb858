#pragma once
// Who owns a container or a stage folder (as Testcontainers' reaper does
// it): every container a run creates carries the label io.hardbisect.owner
// = "MACHINE:BOOT:PID:START", and every stage folder the run's pid in its
// name. A later run (or `gc`) removes only what belongs to a process that is
// gone: another machine's containers (a shared remote Podman) are never
// judged from here, a pid reused after a reboot or by another process does
// not match its start time.
#include <string>
#include <string_view>

namespace hb::runtime {

inline constexpr const char* kOwnerLabel = "io.hardbisect.owner";

// This process: "MACHINE:BOOT:PID:START" (machine id, boot id, pid, start
// time in clock ticks since boot).
const std::string& current_owner();

enum class Liveness { Alive, Gone, Unknown };
// Gone when the owner ran on this machine and its process (pid and start
// time) no longer exists; Unknown for another machine or an unreadable label.
Liveness owner_liveness(std::string_view owner);

// The prefix of this run's stage folders under the temporary folder:
// "hardbisect-trial-PID-".
std::string stage_prefix();

// Removes stage folders under `temp_dir` whose run is gone (or, with
// `own`, this process's); returns how many.
int remove_stage_folders(const std::string& temp_dir, bool own);

}  // namespace hb::runtime
