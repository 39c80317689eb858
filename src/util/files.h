#pragma once
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace hb::util {

// Writes a report so that it is either whole or absent, and never destroys
// what the path names:
//   "-"                         standard output;
//   a new path or regular file  a temporary file in the same folder, then rename(2);
//   a symlink                   its target, atomically, the link kept;
//   a device, FIFO or socket    written directly (streamed), never renamed over.
void write_file_atomically(const std::string& path, const std::string& content);

// stdout is the result: when a report is written to "-", the text a command
// prints (its summary) goes to stderr instead, so `--json - | jq` reads JSON
// alone. After this call std::cout writes to stderr and only
// write_file_atomically("-") reaches standard output. Called once, by main.
void keep_stdout_for_reports();

// Throws UserError (exit 2) with the fix when a report could not be written
// to `path`: its folder missing or not writable, the path a folder, an
// existing file not writable. Called for every output flag before the first
// trial, so a typo costs nothing.
void check_writable(const std::string& path, const std::string& flag);

// The whole file, whatever it is (a FIFO too: `report merge <(...)`); for
// hardbisect's own outputs read back. UserError when it cannot be opened.
std::string read_file(const std::string& path);

// Bounds on what hardbisect reads: scenarios, templates and unit files are
// small text; files a scenario installs (`source:`) may be binaries.
inline constexpr size_t kMaxTextFile = 1 << 20;     // 1 MiB
inline constexpr size_t kMaxSourceFile = 64 << 20;  // 64 MiB
enum class Content { Text, Any };

// Reads a whole regular file; `what` names it in the error ("source file"),
// and `missing_hint` is the hint when it does not exist. Refuses (with the
// reason, never the raw bytes) a FIFO or device (it could block forever), a
// file over `limit` bytes, and for Content::Text anything with NUL bytes or
// invalid UTF-8.
std::string read_text_file(const std::string& path, const std::string& what, const std::string& where,
                           const std::string& missing_hint = {}, size_t limit = kMaxTextFile,
                           Content content = Content::Text);

// Where `text` is not UTF-8 text: "a NUL byte at offset 12"; empty when it is.
std::string binary_reason(std::string_view text);

// Where `path` really is (relative to the working folder, every symlink
// followed, as the kernel would open it; a missing tail is kept as written)
// when that is `root` or below `root` (itself resolved the same way); nullopt
// when it leaves the tree or cannot be resolved (a symlink loop). The
// primitive of the trust boundary: a scenario reads only its own folder tree,
// as a container build reads only its context.
std::optional<std::string> resolve_beneath(const std::string& root, const std::string& path);

// Removes the folder `path` and everything in it; another thread removing
// the same tree at the same moment (an interruption's sweep beside a
// trial's own cleanup) makes one walk stop half-way, so it walks again
// while the folder is still there (a few times at most). Never throws.
void remove_tree(const std::string& path);

}  // namespace hb::util
