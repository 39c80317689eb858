// A bounded mutation fuzzer for the scenario loader and the template parser:
// every mutant of the library's scenarios and templates either loads or is
// refused with a UserError (exit 2 and a message). Anything else (a crash, a
// yaml-cpp exception leaking, std::out_of_range...) fails the test. Seeded,
// so a failure names the mutant and reproduces.
#include <gtest/gtest.h>

#include <filesystem>
#include <random>

#include "scenario/loader.h"
#include "scenario/template.h"
#include "util/error.h"
#include "util/files.h"

namespace hb::scenario {
namespace {

namespace fs = std::filesystem;

std::vector<std::string> corpus(const std::string& folder, const std::string& extension) {
  std::vector<std::string> texts;
  for (const auto& entry : fs::directory_iterator(std::string(HARDBISECT_SOURCE_DIR) + "/" + folder))
    if (entry.path().extension() == extension) texts.push_back(util::read_file(entry.path().string()));
  return texts;
}

// One random edit: delete, duplicate or replace a span, insert YAML/INI
// punctuation, a tab, a NUL or a byte >= 0x80, or splice a line from elsewhere.
std::string mutate(std::string text, std::mt19937& rng) {
  static const std::vector<std::string> pieces = {":", "- ", "[", "]", "{", "}", "\"", "'", "\t", "\n", "  ",
                                                  "=", "~", "@", "#", "&a", "*a", "!!binary", "\\", "%",
                                                  std::string(1, '\0'), "\xff\xfe", "999999999999999999999",
                                                  "-1", "0x", "[Service]", "[Unit]\n", "yes", "~@chown"};
  if (text.empty()) return pieces[rng() % pieces.size()];
  size_t at = rng() % text.size();
  size_t span = 1 + rng() % std::min<size_t>(40, text.size() - at);
  switch (rng() % 5) {
    case 0: return text.erase(at, span);
    case 1: return text.insert(at, text.substr(at, span));
    case 2: return text.replace(at, span, pieces[rng() % pieces.size()]);
    case 3: return text.insert(at, pieces[rng() % pieces.size()]);
    default: {
      size_t from = rng() % text.size();
      size_t end = text.find('\n', from);
      return text.insert(at, text.substr(from, end == std::string::npos ? std::string::npos : end - from + 1));
    }
  }
}

template <class Load>
void fuzz(const std::vector<std::string>& seeds, int per_seed, unsigned seed, Load load) {
  std::mt19937 rng(seed);
  int refused = 0;
  int total = 0;
  for (const auto& original : seeds) {
    for (int i = 0; i < per_seed; ++i) {
      std::string text = original;
      int edits = 1 + static_cast<int>(rng() % 4);
      for (int e = 0; e < edits; ++e) text = mutate(text, rng);
      ++total;
      try {
        load(text);
      } catch (const UserError&) {
        ++refused;
      } catch (const std::exception& e) {
        ADD_FAILURE() << "mutant " << total << " (seed " << seed << ") threw " << typeid(e).name() << ": "
                      << e.what() << "\n---\n" << text << "\n---";
        return;
      }
    }
  }
  EXPECT_GT(refused, 0) << "no mutant was refused: the mutations are too weak to test anything";
  EXPECT_LT(refused, total) << "every mutant was refused";
}

TEST(ScenarioFuzz, MutatedScenariosLoadOrAreRefusedCleanly) {
  std::vector<std::string> seeds = corpus("scenarios", ".yaml");
  ASSERT_GE(seeds.size(), 10u);
  fuzz(seeds, 150, 20261130, [](const std::string& text) { load_scenario_string(text, "fuzz.yaml"); });
}

TEST(ScenarioFuzz, MutatedTemplatesParseOrAreRefusedCleanly) {
  std::vector<std::string> seeds = corpus("scenarios/templates", ".conf");
  ASSERT_GE(seeds.size(), 3u);
  fuzz(seeds, 500, 1130, [](const std::string& text) { parse_template_string(text, "fuzz.conf"); });
}

}  // namespace
}  // namespace hb::scenario
