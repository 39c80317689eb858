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
#include <vector>

namespace hb::runtime {

inline constexpr const char* kOwnerLabel = "io.hardbisect.owner";

// This process: "MACHINE:BOOT:PID:START" (machine id, boot id, pid, start
// time in clock ticks since boot).
const std::string& current_owner();

enum class Liveness { Alive, Gone, Unknown };
// Gone when the owner ran on this machine and its process (pid and start
// time) no longer exists; Unknown for another machine or an unreadable label.
Liveness owner_liveness(std::string_view owner);

// The prefix of this run's stage folders under stage_root():
// "hardbisect-trial-PID-".
std::string stage_prefix();

// Where stage folders live: a folder only this user can enter (0700, owned
// by it, not a symlink), made so when missing or looser: /run/hardbisect for
// root, else $XDG_RUNTIME_DIR/hardbisect, else TMPDIR/hardbisect-UID. A
// stage holds the scenario's files; no other user of the host may read them
// or reach a file in them. InfraError (exit 4) when it cannot be made safe
// (another user's folder, a symlink in its place).
std::string stage_root();
// The folders the sweeps look in: stage_root(), and the temporary folder
// where earlier versions kept stage folders.
std::vector<std::string> stage_sweep_folders();

// Removes stage folders under `temp_dir` whose run is gone (or, with
// `own`, this process's); returns how many.
int remove_stage_folders(const std::string& temp_dir, bool own);

}  // namespace hb::runtime
