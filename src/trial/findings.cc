#include "trial/findings.h"

#include <fmt/format.h>

#include <algorithm>
#include <optional>
#include <regex>
#include <sstream>

#include "options/catalogue.h"
#include "options/syscall_groups.h"
#include "options/syscalls.h"
#include "scenario/template.h"
#include "trial/driver_script.h"
#include "util/parse.h"
#include "util/strings.h"

namespace hb::trial {

namespace {

// "systemd 252 (252.39-1~deb12u1)" -> 252; 0 when absent or unreadable.
int systemd_version(const Evidence& e) {
  std::vector<std::string> words = util::words(e.section("systemd"));
  if (words.size() < 2 || words[0] != "systemd") return 0;
  auto number = util::parse_unsigned(words[1]);
  return number && *number < 100000 ? static_cast<int>(*number) : 0;
}

std::string systemd_text(int version) {
  return version > 0 ? fmt::format("systemd {}", version) : "this systemd";
}

// One journal line about a drop-in: "FILE:LINE: MESSAGE".
struct JournalLine {
  std::string file;
  int number = 0;
  std::string message;
};

std::optional<JournalLine> parse_journal_line(const std::string& line) {
  static const std::regex located(R"(^(?:.*systemd\[1\]: )?(\S+\.conf):([0-9]+): (.*)$)");
  std::smatch m;
  if (!std::regex_match(line, m, located)) return std::nullopt;
  auto number = util::parse_unsigned(m[2].str());
  if (!number || *number > 100000) return std::nullopt;
  return JournalLine{m[1].str(), static_cast<int>(*number), m[3].str()};
}

// What a message says systemd ignored: `part` (an element of the value) or,
// when empty, the whole line; `unknown_key` for a key this systemd lacks.
struct Ignored {
  std::string part;
  bool unknown_key = false;
};

Ignored classify(const std::string& message, const options::Directive* d) {
  static const std::regex unknown_key(R"(Unknown key (?:name )?'([^']+)')");
  static const std::regex after_ignoring(R"(ignoring: (\S+)\s*$)");
  static const std::regex not_known(R"((\S+) is not known, ignoring)");
  std::smatch m;
  if (std::regex_search(message, m, unknown_key)) return {{}, true};
  std::string part;
  if (std::regex_search(message, m, not_known) || std::regex_search(message, m, after_ignoring))
    part = m[1].str();
  // A part is an element only when it is one word of a longer value
  // ("Failed to parse protect system value, ignoring: bogus" is the whole line).
  if (part.empty() || !d) return {};
  std::vector<std::string> words = util::words(d->value);
  if (words.size() < 2) return {};
  for (const auto& w : words)
    if (w == part || (w.size() > 1 && w[0] == '~' && w.substr(1) == part)) return {w, false};
  return {};
}

// Keys whose assignments add up, so that a list may be split into lines.
bool accumulates(const std::string& key) {
  return key == "SystemCallFilter" || key == "SystemCallLog" || key == "RestrictAddressFamilies";
}

bool known_syscall(const std::string& name) {
  return options::syscall_number(name).has_value() || options::find_syscall_group(name) != nullptr;
}

// A whole line ignored: an unknown key, or a value systemd cannot parse.
void explain_whole_line(Finding& f, const options::Directive& d, bool unknown_key,
                        const std::string& version) {
  if (!unknown_key) {
    f.why = fmt::format("{} cannot parse the value and ignores the whole line", version);
    f.advice = "fix the value or remove the line (see systemd's message)";
    return;
  }
  const options::DirectiveInfo* info = options::find_directive(d.key);
  f.why = fmt::format("{} does not know the key {}= and ignores the whole line", version, d.key);
  if (info && info->min_systemd > 0 && (f.systemd == 0 || info->min_systemd > f.systemd))
    f.advice = f.systemd > 0 ? fmt::format("needs systemd {}: ignored on {}", info->min_systemd, f.systemd)
                             : fmt::format("needs systemd {}: ignored on this systemd", info->min_systemd);
  else
    f.advice = fmt::format("remove the line: {} does not know {}=", version, d.key);
}

// The lines that say what a list's author meant: the words systemd knows,
// without `unknown`; with a misplaced '~' (`misplaced`), one "~name" per line.
void correct_list(Finding& f, const options::Directive& d, const std::vector<std::string>& unknown,
                  bool misplaced) {
  const bool deny = !d.value.empty() && d.value[0] == '~';
  std::vector<std::string> words =
      util::words(deny ? std::string_view(d.value).substr(1) : std::string_view(d.value));
  auto is_unknown = [&](const std::string& w) {
    return std::find(unknown.begin(), unknown.end(), w) != unknown.end() ||
           std::find(unknown.begin(), unknown.end(), "~" + w) != unknown.end();
  };
  if (!misplaced) {
    // Only unknown names: the line without them.
    std::vector<std::string> kept;
    for (const auto& w : words)
      if (!is_unknown(w)) kept.push_back(w);
    if (!kept.empty())
      f.corrected.push_back(d.key + "=" + (deny ? "~" : "") + util::join(kept, " "));
    else
      f.advice = "remove the line: systemd knows none of its names";
    return;
  }
  // One "~name" per line: what the author meant, whatever systemd's version.
  std::vector<std::string> allowed;
  for (const auto& w : words) {
    if (is_unknown(w)) continue;
    bool tilde = w.size() > 1 && w[0] == '~';
    if (deny || tilde) continue;
    allowed.push_back(w);
  }
  if (!allowed.empty()) f.corrected.push_back(d.key + "=" + util::join(allowed, " "));
  for (const auto& w : words) {
    if (is_unknown(w)) continue;
    bool tilde = w.size() > 1 && w[0] == '~';
    if (deny || tilde) f.corrected.push_back(d.key + "=~" + (tilde ? w.substr(1) : w));
  }
}

// Fills why, corrected and advice of a finding about one directive.
void explain(Finding& f, const options::Directive& d, bool unknown_key) {
  const std::string version = systemd_text(f.systemd);
  if (unknown_key || f.whole_line()) return explain_whole_line(f, d, unknown_key, version);
  // Parts of a list. A '~' inside a list is read as part of a name: only a
  // leading '~' inverts a list, and it inverts all of it.
  std::vector<std::string> misplaced, unknown;
  for (const auto& part : f.ignored) {
    bool tilde = part.size() > 1 && part[0] == '~';
    std::string name = tilde ? part.substr(1) : part;
    bool real = d.key == "RestrictAddressFamilies" ? name.rfind("AF_", 0) == 0 : known_syscall(name);
    (tilde && real && accumulates(d.key) ? misplaced : unknown).push_back(part);
  }
  std::vector<std::string> reasons;
  if (!misplaced.empty())
    reasons.push_back(fmt::format("only a leading '~' inverts a list, so {} reads {} as {} it does not know",
                                  version, util::join(misplaced, " "),
                                  misplaced.size() == 1 ? "a name" : "names"));
  if (!unknown.empty())
    reasons.push_back(fmt::format("{} does not know {}", version, util::join(unknown, " ")));
  f.why = util::join(reasons, "; ") + "; it applies the rest of the line";
  correct_list(f, d, unknown, !misplaced.empty());
}

}  // namespace

bool says_ignored(std::string_view journal_line) {
  static const std::regex ignored("ignoring|ignored|Unknown key|Failed to parse|Invalid|not supported",
                                  std::regex::icase);
  return std::regex_search(journal_line.begin(), journal_line.end(), ignored);
}

std::vector<Finding> find_ignored_lines(const Evidence& e, const std::vector<options::Directive>& applied) {
  std::vector<Finding> findings;
  const std::string& text = e.section("pid1_dropin");
  if (util::trim(text).empty()) return findings;
  const int version = systemd_version(e);
  // Our drop-in's lines, numbered as the trial staged them.
  std::vector<std::string> staged;
  {
    std::istringstream lines(render_trial_dropin(applied));
    for (std::string line; std::getline(lines, line);) staged.push_back(line);
  }
  std::istringstream lines(text);
  for (std::string raw; std::getline(lines, raw);) {
    std::string line(util::trim(raw));
    if (line.empty() || !says_ignored(line)) continue;
    std::optional<JournalLine> j = parse_journal_line(line);
    const options::Directive* d = nullptr;
    if (j && j->file.ends_with(std::string("/") + kDropInName) && j->number >= 1 &&
        static_cast<size_t>(j->number) <= staged.size()) {
      const std::string& written = staged[static_cast<size_t>(j->number) - 1];
      for (const auto& candidate : applied)
        if (candidate.line() == written) {
          d = &candidate;
          break;
        }
    }
    Ignored what = classify(j ? j->message : line, d);
    std::string key = d ? d->line() : (j ? fmt::format("{}:{}", j->file, j->number) : line);
    auto same =
        std::find_if(findings.begin(), findings.end(), [&](const Finding& f) { return f.line == key; });
    const bool first = same == findings.end();
    Finding* f = first ? &findings.emplace_back() : &*same;
    if (first) {
      f->line = key;
      f->systemd = version;
    }
    f->messages.push_back(j ? j->message : line);
    if (what.unknown_key || what.part.empty())
      f->ignored.clear();  // the whole line wins
    else if ((f->messages.size() == 1 || !f->ignored.empty()) &&
             std::find(f->ignored.begin(), f->ignored.end(), what.part) == f->ignored.end())
      f->ignored.push_back(what.part);
    if (d) {
      f->corrected.clear();
      f->advice.clear();
      explain(*f, *d, what.unknown_key);
    } else {
      f->why = systemd_text(version) + " ignores a line of the unit's drop-ins: " + f->messages.front();
      f->advice = "not a line of the options: fix it in the unit's own drop-ins";
    }
  }
  return findings;
}

std::vector<options::Directive> as_systemd_reads(const std::vector<options::Directive>& applied,
                                                 const std::vector<Finding>& findings) {
  std::vector<options::Directive> read;
  for (const auto& d : applied) {
    auto f =
        std::find_if(findings.begin(), findings.end(), [&](const Finding& x) { return x.line == d.line(); });
    if (f == findings.end()) {
      read.push_back(d);
      continue;
    }
    if (f->whole_line()) continue;
    bool deny = !d.value.empty() && d.value[0] == '~';
    std::vector<std::string> kept;
    for (const auto& w :
         util::words(deny ? std::string_view(d.value).substr(1) : std::string_view(d.value))) {
      bool ignored = std::find(f->ignored.begin(), f->ignored.end(), w) != f->ignored.end() ||
                     (deny && std::find(f->ignored.begin(), f->ignored.end(), "~" + w) != f->ignored.end());
      if (!ignored) kept.push_back(w);
    }
    if (kept.empty()) continue;
    options::Directive reduced = d;
    reduced.value = (deny ? "~" : "") + util::join(kept, " ");
    read.push_back(std::move(reduced));
  }
  return read;
}

void merge_findings(std::vector<Finding>& into, const std::vector<Finding>& more) {
  for (const auto& f : more) {
    auto same = std::find_if(into.begin(), into.end(),
                             [&](const Finding& x) { return x.line == f.line && x.ignored == f.ignored; });
    if (same == into.end()) into.push_back(f);
  }
}

std::string finding_headline(const Finding& f) {
  std::string version = systemd_text(f.systemd);
  if (f.whole_line()) return fmt::format("{}: {} ignores the whole line", f.line, version);
  return fmt::format("{}: {} ignores {}", f.line, version, util::join(f.ignored, " "));
}

std::string render_trial_dropin(const std::vector<options::Directive>& directives) {
  return scenario::render_dropin(directives, "Written by hardbisect for this trial.");
}

}  // namespace hb::trial
