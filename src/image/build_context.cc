#include "image/build_context.h"

#include <fmt/format.h>
#include <fnmatch.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

#include "util/error.h"
#include "util/files.h"
#include "util/hash.h"
#include "util/strings.h"

namespace fs = std::filesystem;

namespace hb::image {

namespace {

std::vector<std::string> components(const std::string& path) {
  std::vector<std::string> parts;
  size_t start = 0;
  while (start <= path.size()) {
    size_t slash = path.find('/', start);
    if (slash == std::string::npos) slash = path.size();
    std::string part = path.substr(start, slash - start);
    if (!part.empty() && part != ".") parts.push_back(part);
    start = slash + 1;
  }
  return parts;
}

// Does `pattern` (from index p) match exactly `path` (from index c)?
bool match_parts(const std::vector<std::string>& pattern, size_t p, const std::vector<std::string>& path,
                 size_t c) {
  if (p == pattern.size()) return c == path.size();
  if (pattern[p] == "**") {
    for (size_t skip = c; skip <= path.size(); ++skip)
      if (match_parts(pattern, p + 1, path, skip)) return true;
    return false;
  }
  if (c == path.size()) return false;
  if (fnmatch(pattern[p].c_str(), path[c].c_str(), 0) != 0) return false;
  return match_parts(pattern, p + 1, path, c + 1);
}

std::string file_digest(const fs::path& path, const std::string& shown) {
  std::ifstream in(path, std::ios::binary);
  if (!in)
    throw UserError("cannot read " + shown + " in the build context",
                    "make it readable, or leave it out of the build with a .containerignore line");
  util::StableHash hash;
  char buffer[1 << 16];
  while (in.read(buffer, sizeof buffer) || in.gcount() > 0)
    hash.add(std::string_view(buffer, static_cast<size_t>(in.gcount())));
  return hash.hex();
}

class ContextReader {
 public:
  ContextReader(BuildContext& context, std::string what, IgnoreRules rules, bool has_negation)
      : m_context(context),
        m_what(std::move(what)),
        m_rules(std::move(rules)),
        m_has_negation(has_negation) {}

  void walk(const fs::path& dir, const std::string& prefix) {
    std::error_code error;
    fs::directory_iterator it(dir, error);
    if (error)
      throw UserError(
          fmt::format("cannot read the folder {} of {}: {}", dir.string(), m_what, error.message()),
          "make it readable, or leave it out of the build with a .containerignore line");
    std::vector<fs::directory_entry> children(it, fs::directory_iterator());
    std::sort(children.begin(), children.end());
    for (const auto& child : children) add(child, prefix + child.path().filename().string());
  }

 private:
  void add(const fs::directory_entry& child, const std::string& relative) {
    bool ignored = m_rules.ignored(relative);
    std::error_code error;
    fs::file_status status = child.symlink_status(error);
    ContextEntry entry{relative, 'f', static_cast<unsigned>(status.permissions()) & 07777u, {}};
    if (fs::is_directory(status)) {
      // A later "!pattern" may take back a file under an ignored folder.
      if (ignored && !m_has_negation) return;
      if (!ignored) push({relative, 'd', entry.mode, {}});
      walk(child.path(), relative + "/");
      return;
    }
    if (ignored) return;
    if (fs::is_symlink(status)) {
      entry.kind = 'l';
      entry.digest = fs::read_symlink(child.path(), error).string();
      check_link(child.path(), relative, entry.digest);
    } else if (fs::is_regular_file(status)) {
      m_context.bytes += child.file_size(error);
      check_bounds();
      entry.digest = file_digest(child.path(), relative);
    } else {
      return;  // sockets, FIFOs: podman leaves them out too
    }
    push(std::move(entry));
  }

  // A symlink is sent as a link, but podman follows one that a COPY names
  // and fails with its own dump when it leaves the context: refused here in
  // one line, whatever the Containerfile copies.
  void check_link(const fs::path& link, const std::string& relative, const std::string& target) const {
    if (util::resolve_beneath(m_context.dir, link.string())) return;
    throw UserError(fmt::format("{}: {} is a symlink to {}, which leaves the context {}", m_what, relative,
                                target, m_context.dir),
                    "podman builds from the context alone: copy the file into the context, or leave the "
                    "link out with a .containerignore line");
  }

  void push(ContextEntry entry) {
    m_context.entries.push_back(std::move(entry));
    check_bounds();
  }

  void check_bounds() const {
    if (m_context.entries.size() <= kMaxContextEntries && m_context.bytes <= kMaxContextBytes) return;
    throw UserError(fmt::format("{} ({}) holds more than {} files or {} MiB: it is unlikely to be the folder "
                                "the build needs",
                                m_what, m_context.dir, kMaxContextEntries, kMaxContextBytes >> 20),
                    "set image.context to the folder with only what the Containerfile copies, or list what "
                    "to leave out in its .containerignore");
  }

  BuildContext& m_context;
  std::string m_what;
  IgnoreRules m_rules;
  bool m_has_negation = false;
};

}  // namespace

IgnoreRules::IgnoreRules(const std::string& text) {
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    std::string line(util::trim(std::string_view(text).substr(start, end - start)));
    start = end + 1;
    if (line.empty() || line[0] == '#') continue;
    Pattern pattern;
    if (line[0] == '!') {
      pattern.negated = true;
      line = std::string(util::trim(line.substr(1)));
    }
    pattern.parts = components(line);
    if (!pattern.parts.empty()) m_patterns.push_back(std::move(pattern));
  }
}

bool IgnoreRules::ignored(const std::string& relative_path) const {
  std::vector<std::string> path = components(relative_path);
  bool ignored = false;
  for (const auto& pattern : m_patterns) {
    // A pattern that matches a folder leaves out what is under it.
    for (size_t length = 1; length <= path.size(); ++length) {
      std::vector<std::string> prefix(path.begin(), path.begin() + static_cast<long>(length));
      if (match_parts(pattern.parts, 0, prefix, 0)) {
        ignored = !pattern.negated;
        break;
      }
    }
  }
  return ignored;
}

bool BuildContext::contains(const std::string& relative_path) const {
  std::string path = util::join(components(relative_path), "/");
  if (path.empty()) return true;  // the context itself
  return std::any_of(entries.begin(), entries.end(), [&](const ContextEntry& e) { return e.path == path; });
}

BuildContext read_build_context(const std::string& dir, const std::string& what) {
  BuildContext context;
  context.dir = dir;
  std::error_code error;
  if (!fs::exists(dir, error))
    throw UserError(
        what + " " + dir + " does not exist",
        "set image.context to an existing folder (relative to the scenario file), or leave it out "
        "to use the Containerfile's folder");
  if (!fs::is_directory(dir, error))
    throw UserError(what + " " + dir + " is not a folder", "image.context names the folder podman builds in");
  std::string ignore_text;
  for (const char* name : {".containerignore", ".dockerignore"}) {
    fs::path file = fs::path(dir) / name;
    if (!fs::is_regular_file(file, error)) continue;
    std::ifstream in(file);
    ignore_text.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    context.ignore_file = name;
    break;
  }
  ContextReader reader(context, what, IgnoreRules(ignore_text), ignore_text.find('!') != std::string::npos);
  reader.walk(dir, "");
  std::sort(context.entries.begin(), context.entries.end(),
            [](const ContextEntry& a, const ContextEntry& b) { return a.path < b.path; });
  util::StableHash hash;
  for (const auto& entry : context.entries)
    hash.add(fmt::format("{}\t{}\t{:o}\t{}\n", entry.kind, entry.path, entry.mode, entry.digest));
  context.hash = hash.hex();
  return context;
}

}  // namespace hb::image
