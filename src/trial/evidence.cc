#include "trial/evidence.h"

#include <cctype>
#include <climits>
#include <sstream>

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

Evidence parse_evidence(const std::string& output, const std::string& nonce, long workload_timeout_ms) {
  Evidence evidence;
  const std::string marker = "@@HB-" + nonce + "@@ ";
  std::string current;
  std::string body;
  bool in_section = false;
  auto flush = [&] {
    if (!in_section) return;
    // The driver prints a newline before each marker; drop that one.
    if (!body.empty() && body.back() == '\n') body.pop_back();
    evidence.sections[current] = body;
  };
  std::istringstream lines(output);
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind(marker, 0) == 0) {
      flush();
      current = line.substr(marker.size());
      body.clear();
      in_section = true;
      if (current == "end") evidence.complete = true;
      continue;
    }
    if (in_section) body += line + "\n";
  }
  flush();

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
