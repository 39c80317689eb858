#include "util/install.h"

#include <filesystem>
#include <system_error>

namespace hb::util {

namespace fs = std::filesystem;

std::string executable_path() {
  std::error_code error;
  fs::path exe = fs::read_symlink("/proc/self/exe", error);
  return error ? std::string() : exe.string();
}

std::optional<std::string> data_dir_of(const std::string& exe) {
  if (exe.empty()) return std::nullopt;
  fs::path dir = fs::path(exe).parent_path();
  for (const fs::path& candidate : {dir / ".." / "share" / "hardbisect", dir / "share" / "hardbisect"}) {
    std::error_code error;
    if (fs::is_directory(candidate, error)) return fs::weakly_canonical(candidate, error).string();
  }
  return std::nullopt;
}

std::optional<std::string> data_dir() { return data_dir_of(executable_path()); }

}  // namespace hb::util
