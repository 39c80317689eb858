#include "search/fake_oracle.h"

#include <algorithm>
#include <cstdio>

#include "search/option_set.h"
#include "util/error.h"
#include "util/parse.h"
#include "util/strings.h"

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

}  // namespace

std::vector<FakeRule> parse_fake_rules(std::string_view text) {
  std::vector<FakeRule> rules;
  if (util::trim(text).empty()) return rules;
  for (std::string_view part : split(text, '|')) {
    part = util::trim(part);
    FakeRule rule;
    if (!part.empty() && part.front() == '?') {
      rule.unresolved = true;
      part.remove_prefix(1);
    }
    if (const auto hash = part.find('#'); hash != std::string_view::npos) {
      const std::string k(util::trim(part.substr(hash + 1)));
      std::optional<int> runs = util::parse_integer<int>(k);
      if (!runs || *runs < 1) {
        throw UserError("bad run count '" + k + "' in rule '" + std::string(part) + "'",
                        "write it as #1 (the rule fires in the first 1 trial it applies to)");
      }
      rule.first_runs = *runs;
      part = util::trim(part.substr(0, hash));
    }
    if (const auto at = part.find('@'); at != std::string_view::npos) {
      const std::string p(util::trim(part.substr(at + 1)));
      std::optional<double> probability = util::parse_double(p);
      if (!probability || !(*probability >= 0.0 && *probability <= 1.0)) {
        throw UserError("bad probability '" + p + "' in rule '" + std::string(part) + "'",
                        "write it as @0.3 (between 0 and 1)");
      }
      rule.probability = *probability;
      part = util::trim(part.substr(0, at));
    }
    auto parse_options = [&](std::string_view list, OptionSet& into) {
      for (std::string_view item : split(list, ',')) {
        item = util::trim(item);
        std::optional<int> option = util::parse_integer<int>(item);
        if (!option || *option < 0) {
          throw UserError("bad option index '" + std::string(item) + "' in rule '" + std::string(part) + "'",
                          "rules look like 0|2,5@0.3|?7");
        }
        into.push_back(*option);
      }
      into = normalized(into);
    };
    if (const auto bang = part.find('!'); bang != std::string_view::npos) {
      parse_options(util::trim(part.substr(bang + 1)), rule.unless);
      part = util::trim(part.substr(0, bang));
    }
    if (!part.empty()) parse_options(part, rule.options);
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
    for (std::size_t j = 0; j < rules[i].unless.size(); ++j) {
      text += (j ? "," : "!") + std::to_string(rules[i].unless[j]);
    }
    if (rules[i].probability < 1.0) {
      char buffer[32];
      std::snprintf(buffer, sizeof buffer, "@%g", rules[i].probability);
      text += buffer;
    }
    if (rules[i].first_runs > 0) text += "#" + std::to_string(rules[i].first_runs);
  }
  return text;
}

FakeOracle::FakeOracle(std::vector<FakeRule> rules, std::uint64_t seed)
    : m_rules(std::move(rules)), m_fired(m_rules.size(), 0), m_rng(seed) {}

bool FakeOracle::applies(const FakeRule& rule, const OptionSet& options) {
  if (!is_subset_of(rule.options, options)) return false;
  return std::none_of(rule.unless.begin(), rule.unless.end(), [&](int o) { return contains(options, o); });
}

bool FakeOracle::can_fail(const OptionSet& options) const {
  return std::any_of(m_rules.begin(), m_rules.end(), [&](const FakeRule& r) {
    return !r.unresolved && r.probability > 0.0 && applies(r, options);
  });
}

bool FakeOracle::is_unresolved(const OptionSet& options) const {
  return std::any_of(m_rules.begin(), m_rules.end(),
                     [&](const FakeRule& r) { return r.unresolved && applies(r, options); });
}

Ticket FakeOracle::start(const OptionSet& options) {
  auto slot = std::min_element(m_free_at.begin(), m_free_at.end());
  *slot = std::max(*slot, m_clock) + (m_rounds_of ? m_rounds_of(options) : 1);
  m_running.emplace(m_next, std::make_pair(judge(options), *slot));
  return m_next++;
}

Outcome FakeOracle::wait(Ticket ticket) {
  auto [outcome, end] = m_running.at(ticket);
  m_running.erase(ticket);
  m_clock = std::max(m_clock, end);
  return outcome;
}

Outcome FakeOracle::judge(const OptionSet& options) {
  m_calls.push_back(options);
  std::uniform_real_distribution<double> coin(0.0, 1.0);
  // Whether rule i fires in this trial: it applies, it has runs left, the coin.
  const auto fires = [&](std::size_t i) {
    const FakeRule& rule = m_rules[i];
    if (!applies(rule, options)) return false;
    if (rule.first_runs > 0 && m_fired[i]++ >= rule.first_runs) return false;
    return rule.probability >= 1.0 || coin(m_rng) < rule.probability;
  };
  for (std::size_t i = 0; i < m_rules.size(); ++i) {
    if (m_rules[i].unresolved && fires(i))
      return {Verdict::Unresolved, "probe failed for " + format_fake_rules({m_rules[i]})};
  }
  for (std::size_t i = 0; i < m_rules.size(); ++i) {
    if (!m_rules[i].unresolved && fires(i))
      return {Verdict::Fail, "rule " + format_fake_rules({m_rules[i]}) + " applies"};
  }
  return {Verdict::Pass, {}};
}

}  // namespace hb::search
