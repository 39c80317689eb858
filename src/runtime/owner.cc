#include "runtime/owner.h"

#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <vector>

#include "util/error.h"
#include "util/files.h"
#include "util/parse.h"
#include "util/strings.h"

namespace hb::runtime {

namespace fs = std::filesystem;

namespace {

std::string first_line(const std::string& path) {
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);
  return std::string(util::trim(line));
}

// Field 22 of /proc/PID/stat (start time in ticks); "" when the process is gone.
std::string start_ticks(long pid) {
  std::string stat = first_line("/proc/" + std::to_string(pid) + "/stat");
  size_t close = stat.rfind(')');  // the command name may hold spaces
  if (close == std::string::npos) return {};
  std::vector<std::string> fields = util::words(std::string_view(stat).substr(close + 1));
  return fields.size() > 19 ? fields[19] : std::string();  // fields[0] is field 3
}

std::vector<std::string> split(std::string_view text, char separator) {
  std::vector<std::string> parts;
  size_t at = 0;
  for (size_t next; (next = text.find(separator, at)) != std::string_view::npos; at = next + 1)
    parts.emplace_back(text.substr(at, next - at));
  parts.emplace_back(text.substr(at));
  return parts;
}

}  // namespace

const std::string& current_owner() {
  static const std::string owner = first_line("/etc/machine-id") + ":" +
                                   first_line("/proc/sys/kernel/random/boot_id") + ":" +
                                   std::to_string(getpid()) + ":" + start_ticks(getpid());
  return owner;
}

Liveness owner_liveness(std::string_view owner) {
  std::vector<std::string> parts = split(owner, ':');
  std::vector<std::string> mine = split(current_owner(), ':');
  if (parts.size() != 4 || parts[0].empty() || parts[0] != mine[0]) return Liveness::Unknown;
  if (parts[1] != mine[1]) return Liveness::Gone;  // this machine rebooted since
  std::optional<long long> pid = util::parse_int(parts[2]);
  if (!pid || *pid <= 0) return Liveness::Unknown;
  std::string ticks = start_ticks(static_cast<long>(*pid));
  return !ticks.empty() && ticks == parts[3] ? Liveness::Alive : Liveness::Gone;
}

namespace {

// `dir` as a folder of this user's alone (see stage_root); false when the
// parent is missing or unwritable; InfraError when something else is there.
bool make_private_folder(const fs::path& dir) {
  if (mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) return false;
  struct stat info {};
  const std::string hint = "remove it (hardbisect makes it again, mode 0700), or run as its owner";
  if (lstat(dir.c_str(), &info) != 0 || !S_ISDIR(info.st_mode))
    throw InfraError("the stage folder " + dir.string() + " is not a folder (a symlink or a file is there)",
                     hint);
  if (info.st_uid != geteuid())
    throw InfraError(fmt::format("the stage folder {} belongs to uid {}, not to this user (uid {})",
                                 dir.string(), info.st_uid, geteuid()),
                     hint);
  if ((info.st_mode & 07777) != 0700 && chmod(dir.c_str(), 0700) != 0)
    throw InfraError("cannot make the stage folder " + dir.string() + " private (chmod 0700)", hint);
  return true;
}

}  // namespace

std::string stage_root() {
  std::vector<fs::path> candidates;
  if (geteuid() == 0) candidates.emplace_back("/run/hardbisect");
  if (const char* runtime_dir = std::getenv("XDG_RUNTIME_DIR"); runtime_dir && *runtime_dir == '/')
    candidates.push_back(fs::path(runtime_dir) / "hardbisect");
  std::error_code error;
  candidates.push_back(fs::temp_directory_path(error) / fmt::format("hardbisect-{}", geteuid()));
  for (const auto& dir : candidates)
    if (make_private_folder(dir)) return dir.string();
  throw InfraError("cannot create a stage folder (tried " + candidates.front().string() + " and others)",
                   "make /run or $TMPDIR writable for this user");
}

std::vector<std::string> stage_sweep_folders() {
  std::error_code error;
  return {stage_root(), fs::temp_directory_path(error).string()};
}

std::string stage_prefix() { return "hardbisect-trial-" + std::to_string(getpid()) + "-"; }

int remove_stage_folders(const std::string& temp_dir, bool own) {
  int removed = 0;
  std::error_code error;
  for (const auto& entry : fs::directory_iterator(temp_dir, error)) {
    std::string name = entry.path().filename().string();
    constexpr std::string_view kPrefix = "hardbisect-trial-";
    if (name.rfind(kPrefix, 0) != 0 || !entry.is_directory(error)) continue;
    std::vector<std::string> parts = split(std::string_view(name).substr(kPrefix.size()), '-');
    std::optional<long long> pid = parts.size() == 2 ? util::parse_int(parts[0]) : std::nullopt;
    if (!pid) continue;  // not a name this version writes
    bool mine = *pid == getpid();
    bool gone = !mine && start_ticks(static_cast<long>(*pid)).empty();
    // A live pid may be another process now; its folder is only older than
    // a day if so (a run's folders live for one trial).
    if (!mine && !gone) {
      auto age = fs::file_time_type::clock::now() - fs::last_write_time(entry.path(), error);
      gone = !error && age > std::chrono::hours(24);
    }
    if ((own && mine) || (!own && gone)) {
      const bool there = fs::exists(entry.path(), error);
      util::remove_tree(entry.path().string());
      removed += there ? 1 : 0;
    }
  }
  return removed;
}

}  // namespace hb::runtime
