// A bounded mutation fuzzer for the scenario loader and the template parser:
// every mutant of the library's scenarios and templates either loads or is
// refused with a UserError (exit 2 and a message). Anything else (a crash, a
// yaml-cpp exception leaking, std::out_of_range...) fails the test. Seeded,
// so a failure names the mutant and reproduces.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <random>

#include "scenario/loader.h"
#include "scenario/template.h"
#include "scenario/validate.h"
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
  static const std::vector<std::string> pieces = {":",
                                                  "- ",
                                                  "[",
                                                  "]",
                                                  "{",
                                                  "}",
                                                  "\"",
                                                  "'",
                                                  "\t",
                                                  "\n",
                                                  "  ",
                                                  "=",
                                                  "~",
                                                  "@",
                                                  "#",
                                                  "&a",
                                                  "*a",
                                                  "!!binary",
                                                  "\\",
                                                  "%",
                                                  std::string(1, '\0'),
                                                  "\xff\xfe",
                                                  "999999999999999999999",
                                                  "-1",
                                                  "0x",
                                                  "[Service]",
                                                  "[Unit]\n",
                                                  "yes",
                                                  "~@chown"};
  if (text.empty()) return pieces[rng() % pieces.size()];
  size_t at = rng() % text.size();
  size_t span = 1 + rng() % std::min<size_t>(40, text.size() - at);
  switch (rng() % 5) {
    case 0:
      return text.erase(at, span);
    case 1:
      return text.insert(at, text.substr(at, span));
    case 2:
      return text.replace(at, span, pieces[rng() % pieces.size()]);
    case 3:
      return text.insert(at, pieces[rng() % pieces.size()]);
    default: {
      size_t from = rng() % text.size();
      size_t end = text.find('\n', from);
      return text.insert(at,
                         text.substr(from, end == std::string::npos ? std::string::npos : end - from + 1));
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
                      << e.what() << "\n---\n"
                      << text << "\n---";
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

namespace hb::scenario {
namespace {

std::string error_of(const std::string& yaml) {
  try {
    load_scenario_string(yaml, "t.yaml");
  } catch (const UserError& e) {
    return std::string(e.what()) + " | hint: " + e.hint();
  }
  return "(loaded)";
}

TEST(ScenarioInput, TabsAreNamedAsTabs) {
  std::string e = error_of("version: 1\nservice:\n\tunit: x.service\n");
  EXPECT_NE(e.find("line 3 is indented with a tab"), std::string::npos) << e;
}

TEST(ScenarioInput, BinaryIsRefusedWithoutItsBytes) {
  std::string garbage(
      "version: 1\n\x7f"
      "ELF\x02\x01\x01\0\0\xff\xfe",
      21);
  std::string e = error_of(garbage);
  EXPECT_NE(e.find("not a text file (a NUL byte at offset"), std::string::npos) << e;
  EXPECT_EQ(e.find('\xff'), std::string::npos);
  EXPECT_NE(error_of("version: 1\n\xc3(\n").find("not UTF-8 at offset 11"), std::string::npos);
  EXPECT_TRUE(util::binary_reason("ProtectSystem=strict # caf\xc3\xa9\n").empty());
}

TEST(ScenarioInput, FilesAreBoundedAndRegular) {
  namespace fs = std::filesystem;
  fs::path dir = fs::temp_directory_path() / ("hb-input-test-" + std::to_string(getpid()));
  fs::create_directories(dir);
  std::string big = (dir / "big.yaml").string();
  { std::ofstream(big) << std::string(util::kMaxTextFile + 1, '#'); }
  try {
    load_scenario_file(big);
    ADD_FAILURE() << "loaded";
  } catch (const UserError& e) {
    EXPECT_NE(std::string(e.what()).find("over the limit of 1048576"), std::string::npos) << e.what();
  }
  std::string fifo = (dir / "fifo.yaml").string();
  ASSERT_EQ(mkfifo(fifo.c_str(), 0600), 0);
  try {
    load_scenario_file(fifo);  // must not block
    ADD_FAILURE() << "loaded";
  } catch (const UserError& e) {
    EXPECT_NE(std::string(e.what()).find("not a regular file"), std::string::npos) << e.what();
  }
  fs::remove_all(dir);
}

}  // namespace
}  // namespace hb::scenario
