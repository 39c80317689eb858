#include "util/files.h"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "util/error.h"

namespace hb::util {

namespace fs = std::filesystem;

namespace {

[[noreturn]] void cannot_write(const std::string& path, const std::string& why = {}) {
  throw UserError("cannot write " + path + (why.empty() ? "" : ": " + why),
                  "check that the folder exists and is writable");
}

void write_stream(std::ostream& out, const std::string& path, const std::string& content) {
  out << content;
  out.flush();
  if (!out) cannot_write(path);
}

// Where a symlink finally points (relative links resolved from their folder).
std::string link_target(const std::string& path) {
  std::error_code error;
  fs::path target = fs::weakly_canonical(fs::path(path), error);
  return error ? path : target.string();
}

void replace_regular(const std::string& path, const std::string& content) {
  std::string temp = path + ".tmp." + std::to_string(getpid());
  {
    std::ofstream out(temp, std::ios::binary | std::ios::trunc);
    out << content;
    out.flush();
    if (!out) {
      std::remove(temp.c_str());
      cannot_write(path);
    }
  }
  if (std::rename(temp.c_str(), path.c_str()) != 0) {
    std::remove(temp.c_str());
    cannot_write(path);
  }
}

// Where a report written to "-" goes: standard output, also after
// keep_stdout_for_reports() sent std::cout's text to stderr.
std::ostream*& report_stdout() {
  static std::ostream* out = &std::cout;
  return out;
}

}  // namespace

void keep_stdout_for_reports() {
  static std::ostream result(std::cout.rdbuf());
  std::cout.flush();
  report_stdout() = &result;
  std::cout.rdbuf(std::cerr.rdbuf());
}

void write_file_atomically(const std::string& path, const std::string& content) {
  if (path == "-") return write_stream(*report_stdout(), path, content);
  struct stat link_info {};
  if (lstat(path.c_str(), &link_info) == 0 && S_ISLNK(link_info.st_mode))
    return write_file_atomically(link_target(path), content);
  struct stat info {};
  if (stat(path.c_str(), &info) == 0 && !S_ISREG(info.st_mode)) {
    if (S_ISDIR(info.st_mode)) cannot_write(path, "it is a folder");
    std::ofstream out(path, std::ios::binary);  // a device or FIFO: written as it is
    if (!out) cannot_write(path);
    return write_stream(out, path, content);
  }
  replace_regular(path, content);
}

void check_writable(const std::string& path, const std::string& flag) {
  if (path.empty()) throw UserError(flag + " needs a path", "give a file name, or - for standard output");
  if (path == "-") return;
  struct stat info {};
  if (stat(path.c_str(), &info) == 0) {
    if (S_ISDIR(info.st_mode))
      throw UserError(flag + " " + path + " is a folder",
                      "give a file name inside it, e.g. " + path + "/report");
    if (access(path.c_str(), W_OK) != 0)
      throw UserError(flag + " " + path + " is not writable", "check its permissions or choose another path");
    if (!S_ISREG(info.st_mode)) return;  // a device or FIFO is written directly
  }
  fs::path target = fs::path(link_target(path));
  fs::path folder = target.parent_path().empty() ? fs::path(".") : target.parent_path();
  std::error_code error;
  if (!fs::is_directory(folder, error))
    throw UserError(flag + " " + path + ": the folder " + folder.string() + " does not exist",
                    "create it first (mkdir -p " + folder.string() + ") or choose another path");
  if (access(folder.c_str(), W_OK) != 0)
    throw UserError(flag + " " + path + ": the folder " + folder.string() + " is not writable",
                    "choose a path in a folder you can write");
}

namespace {
[[noreturn]] void fail(const std::string& where, const std::string& message, const std::string& hint = {}) {
  throw UserError(where.empty() ? message : where + ": " + message, hint);
}
}  // namespace

std::string binary_reason(std::string_view text) {
  for (size_t i = 0; i < text.size();) {
    auto byte = static_cast<unsigned char>(text[i]);
    if (byte == 0) return "a NUL byte at offset " + std::to_string(i);
    int more = byte < 0x80           ? 0
               : (byte >> 5) == 0x6  ? 1
               : (byte >> 4) == 0xe  ? 2
               : (byte >> 3) == 0x1e ? 3
                                     : -1;
    if (more < 0 || i + static_cast<size_t>(more) >= text.size() + (more == 0 ? 1 : 0))
      return "a byte that is not UTF-8 at offset " + std::to_string(i);  // bad lead byte, or cut short
    for (int k = 1; k <= more; ++k)
      if ((static_cast<unsigned char>(text[i + static_cast<size_t>(k)]) >> 6) != 0x2)
        return "a byte that is not UTF-8 at offset " + std::to_string(i);
    i += static_cast<size_t>(more) + 1;
  }
  return {};
}

std::string read_text_file(const std::string& path, const std::string& what, const std::string& where,
                           const std::string& missing_hint, size_t limit, Content content) {
  std::error_code ec;
  fs::file_status status = fs::status(path, ec);
  if (!fs::exists(status)) fail(where, what + " '" + path + "' does not exist", missing_hint);
  if (fs::is_directory(status)) fail(where, what + " '" + path + "' is a directory, not a file");
  if (!fs::is_regular_file(status))
    fail(where, what + " '" + path + "' is not a regular file (a FIFO, socket or device)",
         "give a file: hardbisect reads it whole, and a pipe could block forever");
  std::uintmax_t size = fs::file_size(path, ec);
  if (!ec && size > limit)
    fail(where,
         what + " '" + path + "' is " + std::to_string(size) + " bytes, over the limit of " +
             std::to_string(limit),
         "hardbisect reads it whole; a " + what + " this large is almost certainly not the file meant");
  std::ifstream in(path, std::ios::binary);
  if (!in) fail(where, "cannot read " + what + " '" + path + "'");
  std::string text(static_cast<size_t>(std::min<std::uintmax_t>(size, limit)), '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  if (in.bad() || static_cast<size_t>(in.gcount()) != text.size())
    fail(where, "cannot read " + what + " '" + path + "'");
  if (content == Content::Text)
    if (std::string why = binary_reason(text); !why.empty())
      fail(where, what + " '" + path + "' is not a text file (" + why + ")", "give the " + what + " itself");
  return text;
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw UserError("cannot read " + path, "check the path");
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

void remove_tree(const std::string& path) {
  for (int attempt = 0; attempt < 10; ++attempt) {
    std::error_code ignored;
    std::filesystem::remove_all(path, ignored);
    if (!std::filesystem::exists(path, ignored)) return;
  }
}

std::optional<std::string> resolve_beneath(const std::string& root, const std::string& path) {
  std::error_code error;
  fs::path base = fs::weakly_canonical(fs::absolute(root, error), error);
  if (error) return std::nullopt;
  fs::path real = fs::weakly_canonical(fs::absolute(path, error), error);
  if (error) return std::nullopt;
  // Component-wise, so /a/bc is not taken for a path under /a/b.
  auto base_end = std::mismatch(base.begin(), base.end(), real.begin(), real.end()).first;
  bool inside = base_end == base.end() || (std::next(base_end) == base.end() && base_end->empty());
  if (!inside) return std::nullopt;
  return real.string();
}

}  // namespace hb::util
