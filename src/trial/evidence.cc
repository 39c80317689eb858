#include "trial/evidence.h"

#include <algorithm>
#include <cctype>
#include <climits>
#include <sstream>

#include "util/digest.h"
#include "util/parse.h"
#include "util/strings.h"

namespace hb::trial {

std::string Evidence::property(const std::string& key) const {
  auto it = properties.find(key);
  return it == properties.end() ? std::string() : it->second;
}

const std::string& Evidence::section(const std::string& name) const {
  static const std::string empty;
  auto it = sections.find(name);
  return it == sections.end() ? empty : it->second;
}

namespace {
// A number the driver printed alone in its section; nullopt when it is not one.
std::optional<long long> number_in(const Evidence& e, const std::string& section) {
  return util::parse_int(util::trim(e.section(section)));
}
std::optional<int> small_number_in(const Evidence& e, const std::string& section) {
  auto value = number_in(e, section);
  if (!value || *value < INT_MIN || *value > INT_MAX) return std::nullopt;
  return static_cast<int>(*value);
}
}  // namespace

const std::vector<std::string>& evidence_sections() {
  static const std::vector<std::string> sections{
      "boot_state",      "boot_ms",      "failed_units", "start_rc",
      "start_ms",        "start_output", "workload_rc",  "workload_ms",
      "workload_output", "show",         "journal",      "pid1_dropin",
      "systemd",         "kernel",       "main_pid",     "main_status",
      "main_mountinfo",  "main_ns",      "main_cgroup",  "main_user",
      "main_limits",     "pid1_status",  "pid1_ns",      "pid1_mountinfo",
      "security",        "security_ms",  "end"};
  return sections;
}

std::string evidence_mac(const std::string& key, std::string_view body) {
  std::string keyed;
  keyed.reserve(2 * key.size() + body.size());
  keyed.append(key).append(body).append(key);
  return util::sha256_hex(keyed);
}

std::string seal_evidence(const std::vector<std::pair<std::string, std::string>>& sections,
                          const std::string& key) {
  std::string out;
  for (const auto& [name, body] : sections) {
    // As the driver's $(command) gives it: without its trailing newlines.
    std::string_view held(body);
    while (!held.empty() && held.back() == '\n') held.remove_suffix(1);
    out.append(kFrame).append(name).append(" ").append(std::to_string(held.size())).append("\n");
    out.append(held).append("\n");
  }
  return out + std::string(kFrame) + "mac " + evidence_mac(key, out) + "\n";
}

namespace {

// A name read from untrusted text, fit for a one-line reason.
std::string shown(std::string_view text) {
  std::string name;
  for (char c : text.substr(0, 40)) name += std::isprint(static_cast<unsigned char>(c)) ? c : '?';
  return "'" + name + (text.size() > 40 ? "...'" : "'");
}

// The body before the MAC line, once the MAC is right; else why not.
std::pair<std::string_view, std::string> verified_body(std::string_view output, const std::string& key) {
  if (output.empty()) return {{}, "no evidence at all"};
  if (output.back() != '\n') return {{}, "the evidence does not end with its MAC line"};
  size_t start = output.rfind('\n', output.size() - 2);
  start = start == std::string_view::npos ? 0 : start + 1;
  std::string_view last = output.substr(start, output.size() - 1 - start);
  const std::string prefix = std::string(kFrame) + "mac ";
  if (last.substr(0, prefix.size()) != prefix) return {{}, "no MAC line at the end of the evidence"};
  std::string_view body = output.substr(0, start);
  if (!util::equal_in_constant_time(last.substr(prefix.size()), evidence_mac(key, body)))
    return {{}, "the MAC does not match (written without the trial's key)"};
  return {body, {}};
}

// Splits a verified body into its sections, the driver's way only.
std::string split_sections(std::string_view body, std::map<std::string, std::string>& sections) {
  const std::vector<std::string>& order = evidence_sections();
  size_t last_index = 0;
  std::string current;
  size_t at = 0;
  while (at < body.size()) {
    size_t newline = body.find('\n', at);
    std::string_view line = body.substr(at, newline == std::string_view::npos ? body.npos : newline - at);
    if (line.substr(0, kFrame.size()) != kFrame)
      return current.empty() ? "data before the first section" : "data after section " + shown(current);
    std::string_view rest = line.substr(kFrame.size());
    size_t space = rest.rfind(' ');
    std::optional<unsigned long long> length =
        space == std::string_view::npos ? std::nullopt : util::parse_unsigned(rest.substr(space + 1));
    if (!length || newline == std::string_view::npos) return "a malformed frame line " + shown(line);
    std::string name(rest.substr(0, space));
    auto found = std::find(order.begin(), order.end(), name);
    if (found == order.end()) return "unknown section " + shown(name);
    if (sections.count(name)) return "section " + shown(name) + " appears twice";
    size_t index = static_cast<size_t>(found - order.begin());
    if (!current.empty() && index < last_index) return "section " + shown(name) + " after " + shown(current);
    at = newline + 1;
    if (*length > body.size() - at || body.size() - at - *length < 1 || body[at + *length] != '\n')
      return "section " + shown(name) + " does not end where its length says";
    if (name == "end" && *length > 0) return "data after the end";
    std::string& content = sections[name];
    content.assign(body.substr(at, *length));
    if (!content.empty()) content += '\n';
    at += *length + 1;
    last_index = index;
    current = name;
  }
  return {};
}

}  // namespace

Evidence parse_evidence(const std::string& output, const std::string& key, long workload_timeout_ms) {
  Evidence evidence;
  auto [body, why] = verified_body(output, key);
  if (why.empty()) why = split_sections(body, evidence.sections);
  if (!why.empty()) {
    Evidence tampered;
    tampered.tampered = why;
    return tampered;
  }
  evidence.complete = evidence.sections.count("end") > 0;

  std::istringstream show(evidence.section("show"));
  for (std::string line; std::getline(show, line);) {
    auto eq = line.find('=');
    if (eq != std::string::npos) evidence.properties[line.substr(0, eq)] = line.substr(eq + 1);
  }
  evidence.boot_state = std::string(util::trim(evidence.section("boot_state")));
  evidence.boot_ms = number_in(evidence, "boot_ms").value_or(-1);
  evidence.start_rc = small_number_in(evidence, "start_rc");
  evidence.start_ms = number_in(evidence, "start_ms").value_or(-1);
  evidence.workload_rc = small_number_in(evidence, "workload_rc");
  evidence.workload_ms = number_in(evidence, "workload_ms").value_or(-1);
  // timeout(1) exits 124 (TERM) or 137 (KILL after -k) when the limit hit.
  if (evidence.workload_rc && (*evidence.workload_rc == 124 || *evidence.workload_rc == 137) &&
      evidence.workload_ms >= workload_timeout_ms - 50)
    evidence.workload_timed_out = true;
  evidence.security_ms = number_in(evidence, "security_ms").value_or(-1);
  parse_security(evidence.section("security"), evidence);
  return evidence;
}

namespace {
std::optional<double> to_exposure(const std::string& word) {
  // "0.2", "10.0": one decimal, as systemd prints it.
  if (word.empty() || word.find('.') == std::string::npos) return std::nullopt;
  for (char c : word)
    if (!std::isdigit(static_cast<unsigned char>(c)) && c != '.') return std::nullopt;
  return util::parse_double(word);
}
}  // namespace

void parse_security(const std::string& text, Evidence& evidence) {
  // Rows: "✓ NAME  DESCRIPTION", "✗ NAME  DESCRIPTION  0.2", "  NAME  DESCRIPTION"
  // (does not apply); ASCII terminals get "+", "-" and "->" instead.
  // Last: "→ Overall exposure level for X.service: 4.3 OK 🙂".
  static const std::string kCheck = "\xE2\x9C\x93", kCross = "\xE2\x9C\x97", kArrow = "\xE2\x86\x92";
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind(kArrow, 0) == 0 || line.rfind("->", 0) == 0) {
      const std::string marker = "Overall exposure level for ";
      size_t at = line.find(marker);
      size_t colon = at == std::string::npos ? at : line.find(": ", at + marker.size());
      if (colon == std::string::npos) continue;
      std::istringstream rest(line.substr(colon + 2));
      std::string number, rating;
      rest >> number >> rating;
      evidence.exposure = to_exposure(number);
      evidence.exposure_rating = rating;
      continue;
    }
    ExposureRow row;
    std::string body;
    if (line.rfind(kCheck + " ", 0) == 0 || line.rfind(kCross + " ", 0) == 0) {
      row.ok = line.rfind(kCheck, 0) == 0;
      body = line.substr(kCheck.size() + 1);
    } else if (line.rfind("+ ", 0) == 0 || line.rfind("- ", 0) == 0) {
      row.ok = line[0] == '+';
      body = line.substr(2);
    } else if (line.rfind("  ", 0) == 0 && line.find("DESCRIPTION") == std::string::npos) {
      body = line.substr(2);
    } else {
      continue;
    }
    std::vector<std::string> parts = util::words(body);
    if (parts.empty() || parts[0].find('=') == std::string::npos) continue;
    row.name = parts[0];
    size_t last = parts.size();
    if (last > 1) {
      if (auto value = to_exposure(parts.back())) {
        row.exposure = value;
        --last;
      }
    }
    row.description = util::join(std::vector<std::string>(parts.begin() + 1, parts.begin() + last), " ");
    evidence.exposure_rows.push_back(std::move(row));
  }
}

}  // namespace hb::trial
