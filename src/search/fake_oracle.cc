#include "search/fake_oracle.h"

#include <algorithm>
#include <charconv>
#include <cstdio>

#include "search/option_set.h"
#include "util/error.h"

namespace hb::search {
namespace {

std::vector<std::string_view> split(std::string_view text, char separator) {
  std::vector<std::string_view> parts;
  std::size_t start = 0;
  for (;;) {
    const std::size_t end = text.find(separator, start);
    parts.push_back(text.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start));
    if (end == std::string_view::npos) return parts;
    start = end + 1;
  }
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  return s;
}

}  // namespace

std::vector<FakeRule> parse_fake_rules(std::string_view text) {
  std::vector<FakeRule> rules;
  if (trim(text).empty()) return rules;
  for (std::string_view part : split(text, '|')) {
    part = trim(part);
    FakeRule rule;
    if (!part.empty() && part.front() == '?') {
      rule.unresolved = true;
      part.remove_prefix(1);
    }
    if (const auto at = part.find('@'); at != std::string_view::npos) {
      const std::string p(trim(part.substr(at + 1)));
      char* end = nullptr;
      rule.probability = std::strtod(p.c_str(), &end);
      if (p.empty() || *end != '\0' || rule.probability < 0.0 || rule.probability > 1.0) {
        throw UserError("bad probability '" + p + "' in rule '" + std::string(part) + "'",
                        "write it as @0.3 (between 0 and 1)");
      }
      part = trim(part.substr(0, at));
    }
    if (!part.empty()) {
      for (std::string_view item : split(part, ',')) {
        item = trim(item);
        int option = -1;
        const auto [ptr, ec] = std::from_chars(item.data(), item.data() + item.size(), option);
        if (ec != std::errc() || ptr != item.data() + item.size() || option < 0) {
          throw UserError("bad option index '" + std::string(item) + "' in rule '" + std::string(part) + "'",
                          "rules look like 0|2,5@0.3|?7");
        }
        rule.options.push_back(option);
      }
    }
    rule.options = normalized(rule.options);
    rules.push_back(std::move(rule));
  }
  return rules;
}

std::string format_fake_rules(const std::vector<FakeRule>& rules) {
  std::string text;
  for (std::size_t i = 0; i < rules.size(); ++i) {
    if (i) text += '|';
    if (rules[i].unresolved) text += '?';
    for (std::size_t j = 0; j < rules[i].options.size(); ++j) {
      text += (j ? "," : "") + std::to_string(rules[i].options[j]);
    }
    if (rules[i].probability < 1.0) {
      char buffer[32];
      std::snprintf(buffer, sizeof buffer, "@%g", rules[i].probability);
      text += buffer;
    }
  }
  return text;
}

FakeOracle::FakeOracle(std::vector<FakeRule> rules, std::uint64_t seed)
    : m_rules(std::move(rules)), m_rng(seed) {}

bool FakeOracle::can_fail(const OptionSet& options) const {
  return std::any_of(m_rules.begin(), m_rules.end(), [&](const FakeRule& r) {
    return !r.unresolved && r.probability > 0.0 && is_subset_of(r.options, options);
  });
}

bool FakeOracle::is_unresolved(const OptionSet& options) const {
  return std::any_of(m_rules.begin(), m_rules.end(), [&](const FakeRule& r) {
    return r.unresolved && is_subset_of(r.options, options);
  });
}

Outcome FakeOracle::test(const OptionSet& options) {
  m_calls.push_back(options);
  std::uniform_real_distribution<double> coin(0.0, 1.0);
  for (const auto& rule : m_rules) {
    if (!rule.unresolved || !is_subset_of(rule.options, options)) continue;
    if (rule.probability >= 1.0 || coin(m_rng) < rule.probability) {
      return {Verdict::Unresolved, "probe failed for " + format_fake_rules({rule})};
    }
  }
  for (const auto& rule : m_rules) {
    if (rule.unresolved || !is_subset_of(rule.options, options)) continue;
    if (rule.probability >= 1.0 || coin(m_rng) < rule.probability) {
      return {Verdict::Fail, "rule " + format_fake_rules({rule}) + " applies"};
    }
  }
  return {Verdict::Pass, {}};
}

}  // namespace hb::search
