#pragma once
// The build context of a user's Containerfile as `podman build` sends it: the
// folder's files minus what its .containerignore (else .dockerignore) leaves
// out, and one hash over their paths, modes and contents, so that changing
// any of them makes a new image and nothing else (a touch, a renamed folder)
// does.
#include <cstdint>
#include <string>
#include <vector>

namespace hb::image {

// The patterns of a .containerignore / .dockerignore, matched as podman does
// for the simple cases: paths relative to the context root, `*` `?` `[...]`
// within one component, `**` across components, a leading `!` re-includes,
// the last matching pattern wins, and a pattern that matches a folder leaves
// out everything under it.
class IgnoreRules {
 public:
  IgnoreRules() = default;
  explicit IgnoreRules(const std::string& text);
  bool ignored(const std::string& relative_path) const;
  bool empty() const { return m_patterns.empty(); }

 private:
  struct Pattern {
    std::vector<std::string> parts;
    bool negated = false;
  };
  std::vector<Pattern> m_patterns;
};

struct ContextEntry {
  std::string path;  // relative to the context, '/'-separated
  char kind = 'f';   // f file, d folder, l symlink
  unsigned mode = 0;
  std::string digest;  // file: hash of the content; symlink: its target
};

struct BuildContext {
  std::string dir;
  std::string ignore_file;            // ".containerignore", ".dockerignore" or "" (none)
  std::vector<ContextEntry> entries;  // sorted by path, ignored ones left out
  uint64_t bytes = 0;
  std::string hash;                                       // over the entries
  bool contains(const std::string& relative_path) const;  // a file or folder of the context
};

// Bounds: a context past them is almost surely a wrong folder (image.context: /).
inline constexpr size_t kMaxContextEntries = 20000;
inline constexpr uint64_t kMaxContextBytes = 1ULL << 30;  // 1 GiB

// Reads the whole context. UserError (exit 2, with the fix) when the folder
// is missing, not a folder, unreadable in part, or past the bounds above;
// `what` names it in messages ("the build context of Containerfile X").
BuildContext read_build_context(const std::string& dir, const std::string& what);

}  // namespace hb::image
