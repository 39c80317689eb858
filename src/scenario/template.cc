#include "scenario/template.h"

#include <stdexcept>

#include "scenario/validate.h"
#include "util/edit_distance.h"
#include "util/error.h"
#include "util/files.h"
#include "util/strings.h"

namespace hb::scenario {

namespace {

const std::vector<std::string>& applied_sections() {
  static const std::vector<std::string> sections = {"Unit", "Service"};
  return sections;
}

bool is_comment(std::string_view trimmed) {
  return !trimmed.empty() && (trimmed.front() == '#' || trimmed.front() == ';');
}

std::vector<std::string_view> split_lines(std::string_view text) {
  std::vector<std::string_view> lines;
  // A UTF-8 byte order mark is not part of the first line.
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
  while (!text.empty()) {
    size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    lines.push_back(line);
    if (nl == std::string_view::npos) break;
    text.remove_prefix(nl + 1);
  }
  return lines;
}

// Reads one file, line by line, in the order systemd would.
class TemplateParser {
 public:
  explicit TemplateParser(std::string filename) : m_filename(std::move(filename)) {}

  ParsedTemplate parse(std::string_view text) {
    int number = 0;
    for (std::string_view raw : split_lines(text)) {
      ++number;
      std::string_view trimmed = util::trim(raw);
      if (is_comment(trimmed)) continue;  // also between continuation lines, like systemd
      if (m_in_continuation) {
        if (trimmed.empty()) {  // a blank line ends the continuation
          finish_continuation();
          continue;
        }
        bool more = trimmed.back() == '\\';
        append_piece(more ? util::trim(trimmed.substr(0, trimmed.size() - 1)) : trimmed);
        if (!more) finish_continuation();
        continue;
      }
      if (trimmed.empty()) continue;
      int column = static_cast<int>(raw.find_first_not_of(" \t")) + 1;
      if (trimmed.front() == '[') {
        section_header(trimmed, number, column);
        continue;
      }
      if (trimmed.back() == '\\') {
        m_in_continuation = true;
        m_pending = std::string(util::trim(trimmed.substr(0, trimmed.size() - 1)));
        m_pending_loc = loc(number, column);
        continue;
      }
      assignment(trimmed, loc(number, column));
    }
    if (m_in_continuation) finish_continuation();
    end_skipped_section();
    check_unique_names(m_result.options);
    return std::move(m_result);
  }

 private:
  SourceLoc loc(int line, int column) const { return SourceLoc{m_filename, line, column}; }

  void append_piece(std::string_view piece) {
    if (piece.empty()) return;
    if (!m_pending.empty()) m_pending += ' ';
    m_pending += piece;
  }

  void finish_continuation() {
    m_in_continuation = false;
    assignment(m_pending, m_pending_loc);
    m_pending.clear();
  }

  void section_header(std::string_view trimmed, int line, int column) {
    const std::string where = loc(line, column).str();
    if (trimmed.back() != ']') {
      throw UserError(where + ": invalid section header '" + std::string(trimmed) + "'",
                      "a section header is a whole line such as [Service]");
    }
    std::string name(util::trim(trimmed.substr(1, trimmed.size() - 2)));
    end_skipped_section();
    const auto& applied = applied_sections();
    if (name == applied[0] || name == applied[1]) {
      m_section = name;
      return;
    }
    // A near miss of [Service] is a typo that would silently drop every
    // directive below it; other sections ([Install], [Socket]...) are real.
    std::string best = util::did_you_mean(name, applied);
    if (!best.empty() && name.rfind("X-", 0) != 0 && name != "Install") {
      throw UserError(where + ": unknown section [" + name + "]", "did you mean [" + best + "]?");
    }
    m_section = name;
    m_skipping = true;
    m_skipped_count = 0;
    m_skipped_loc = loc(line, column);
  }

  void end_skipped_section() {
    if (!m_skipping) return;
    m_result.warnings.push_back(m_skipped_loc.str() + ": section [" + m_section + "] skipped (" +
                                std::to_string(m_skipped_count) +
                                (m_skipped_count == 1 ? " line" : " lines") +
                                "): hardbisect applies only [Unit] and [Service] directives");
    m_skipping = false;
  }

  void assignment(std::string_view text, const SourceLoc& at) {
    const std::string where = at.str();
    if (m_section.empty()) {
      throw UserError(where + ": '" + std::string(text) + "' is outside any section",
                      "put directives under a [Service] (or [Unit]) header");
    }
    if (m_skipping) {
      ++m_skipped_count;
      return;
    }
    size_t eq = text.find('=');
    if (eq == std::string_view::npos) {
      throw UserError(where + ": '" + std::string(text) + "' is not a directive line: missing '='",
                      "write Key=Value; an empty assignment is written Key=");
    }
    options::Directive directive =
        make_directive(m_section, util::trim(text.substr(0, eq)), util::trim(text.substr(eq + 1)), where);
    OptionItem item;
    item.name = directive.line();
    item.directives.push_back(std::move(directive));
    item.loc = at;
    // An exact repeat is a no-op for systemd (seed 000 repeats
    // SystemCallErrorNumber=EPERM and TasksMax=infinity): tested once.
    for (const auto& earlier : m_result.options)
      if (earlier.directives == item.directives) {
        m_result.warnings.push_back(where + ": '" + item.name + "' repeats the line at " + earlier.loc.str() +
                                    " (a no-op for systemd); tested once");
        return;
      }
    m_result.options.push_back(std::move(item));
  }

  std::string m_filename;
  ParsedTemplate m_result;
  std::string m_section;
  bool m_skipping = false;
  int m_skipped_count = 0;
  SourceLoc m_skipped_loc;
  bool m_in_continuation = false;
  std::string m_pending;
  SourceLoc m_pending_loc;
};

void render_section(std::string& out, std::string_view section,
                    const std::vector<options::Directive>& directives) {
  bool any = false;
  for (const auto& d : directives) {
    if (d.section != section) continue;
    if (!any) {
      if (!out.empty()) out += '\n';
      out += "[" + std::string(section) + "]\n";
      any = true;
    }
    out += d.line() + '\n';
  }
}

}  // namespace

ParsedTemplate parse_template_string(const std::string& text, const std::string& filename) {
  return TemplateParser(filename).parse(text);
}

ParsedTemplate parse_template_file(const std::string& path, const std::string& where) {
  return parse_template_string(util::read_text_file(path, "template", where), path);
}

std::string render_dropin(const std::vector<options::Directive>& directives, std::string_view header) {
  for (const auto& d : directives) {
    bool bad_char = false;
    for (char c : d.key + d.value) bad_char |= static_cast<unsigned char>(c) < 0x20 && c != '\t';
    if (d.section != "Unit" && d.section != "Service") {
      throw std::invalid_argument("render_dropin: section [" + d.section + "] of " + d.line());
    }
    if (bad_char || d.key.empty() || (!d.value.empty() && d.value.back() == '\\')) {
      throw std::invalid_argument("render_dropin: not a single-line directive: " + d.line());
    }
  }
  std::string out;
  for (std::string_view line : split_lines(header)) {
    out += line.empty() ? "#\n" : "# " + std::string(line) + "\n";
  }
  render_section(out, "Unit", directives);
  render_section(out, "Service", directives);
  return out;
}

std::string render_dropin(const std::vector<OptionItem>& items, std::string_view header) {
  std::vector<options::Directive> directives;
  for (const auto& item : items) {
    directives.insert(directives.end(), item.directives.begin(), item.directives.end());
  }
  return render_dropin(directives, header);
}

bool has_service_section(std::string_view unit_text) {
  for (std::string_view line : split_lines(unit_text)) {
    if (util::trim(line) == "[Service]") return true;
  }
  return false;
}

}  // namespace hb::scenario
