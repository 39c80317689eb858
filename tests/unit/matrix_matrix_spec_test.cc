#include <gtest/gtest.h>

#include <map>

#include "matrix/matrix_spec.h"
#include "util/error.h"

namespace hb::matrix {
namespace {

const std::string kScenarios = std::string(HARDBISECT_SOURCE_DIR) + "/scenarios";

MatrixSpec two_by_two_by_two() {
  return load_matrix_string(
      "version: 1\n"
      "scenarios: [quickstart.yaml, protect-system-writer.yaml]\n"
      "templates: [scenario, templates/seed-004-hardened-api.conf]\n"
      "bases: [bookworm, trixie]\n",
      kScenarios + "/matrix.yaml");
}

std::vector<std::string> ids(const std::vector<MatrixCell>& cells) {
  std::vector<std::string> out;
  for (const auto& cell : cells) out.push_back(cell.id);
  return out;
}

TEST(MatrixSpec, CellsAreTheSortedProduct) {
  std::vector<MatrixCell> cells = expand_cells(two_by_two_by_two());
  EXPECT_EQ(ids(cells), (std::vector<std::string>{
                            "protect-system-writer/scenario/bookworm",
                            "protect-system-writer/scenario/trixie",
                            "protect-system-writer/seed-004-hardened-api/bookworm",
                            "protect-system-writer/seed-004-hardened-api/trixie",
                            "quickstart/scenario/bookworm",
                            "quickstart/scenario/trixie",
                            "quickstart/seed-004-hardened-api/bookworm",
                            "quickstart/seed-004-hardened-api/trixie",
                        }));
}

TEST(MatrixSpec, CellScenarioTakesTheTemplateAndTheBase) {
  std::vector<MatrixCell> cells = expand_cells(two_by_two_by_two());
  const MatrixCell& own = cells.at(5);  // quickstart/scenario/trixie
  scenario::Scenario s = cell_scenario(own);
  EXPECT_EQ(s.image.base, "trixie");
  EXPECT_EQ(s.options.size(), 8u);
  EXPECT_FALSE(s.expect_culprits.empty());
  const MatrixCell& templated = cells.at(6);  // quickstart/seed-004-hardened-api/bookworm
  scenario::Scenario t = cell_scenario(templated);
  EXPECT_EQ(t.image.base, "bookworm");
  EXPECT_EQ(t.options.front().name, "NoNewPrivileges=true");
  EXPECT_TRUE(t.expect_culprits.empty()) << "the scenario's answer was about its own options";
  EXPECT_EQ(t.service.unit, "demo-cache.service");
}

TEST(MatrixSpec, ShardingCoversEveryCellExactlyOnce) {
  std::vector<MatrixCell> cells = expand_cells(two_by_two_by_two());
  for (int n = 1; n <= 5; ++n) {
    std::map<std::string, int> seen;
    size_t smallest = cells.size();
    size_t largest = 0;
    for (int i = 1; i <= n; ++i) {
      std::vector<MatrixCell> mine = shard_cells(cells, Shard{i, n});
      smallest = std::min(smallest, mine.size());
      largest = std::max(largest, mine.size());
      for (const auto& cell : mine) ++seen[cell.id];
      // Deterministic: the same shard twice is the same cells.
      EXPECT_EQ(ids(shard_cells(cells, Shard{i, n})), ids(mine));
    }
    EXPECT_EQ(seen.size(), cells.size()) << "N=" << n;
    for (const auto& [id, count] : seen) EXPECT_EQ(count, 1) << id << " N=" << n;
    EXPECT_LE(largest - smallest, 1u) << "N=" << n;
  }
  // The input order does not matter (every runner sorts the same way).
  std::vector<MatrixCell> reversed(cells.rbegin(), cells.rend());
  EXPECT_EQ(ids(shard_cells(reversed, Shard{2, 3})), ids(shard_cells(cells, Shard{2, 3})));
}

TEST(MatrixSpec, ParseShard) {
  EXPECT_EQ(parse_shard("2/4").index, 2);
  EXPECT_EQ(parse_shard("2/4").count, 4);
  EXPECT_THROW(parse_shard("0/4"), UserError);
  EXPECT_THROW(parse_shard("5/4"), UserError);
  EXPECT_THROW(parse_shard("2"), UserError);
  EXPECT_THROW(parse_shard("a/b"), UserError);
  EXPECT_THROW(parse_shard("1/4x"), UserError);
  EXPECT_THROW(parse_shard("/4"), UserError);
}

TEST(MatrixSpec, UnknownKeyGetsDidYouMean) {
  try {
    load_matrix_string("version: 1\nscenarios: [quickstart.yaml]\ntemplate: [x.conf]\n",
                       kScenarios + "/m.yaml");
    FAIL() << "no error";
  } catch (const UserError& e) {
    EXPECT_NE(std::string(e.what()).find("m.yaml:3:1: unknown key 'template'"), std::string::npos)
        << e.what();
    EXPECT_EQ(e.hint(), "did you mean 'templates'?");
  }
  EXPECT_THROW(load_matrix_string("version: 1\nscenarios: [quickstart.yaml]\nbases: [bookwrm]\n", "m.yaml"),
               UserError);
  EXPECT_THROW(load_matrix_string("version: 2\nscenarios: [a.yaml]\n", "m.yaml"), UserError);
}

TEST(MatrixSpec, OptionSetsAndExclusions) {
  MatrixSpec spec = load_matrix_string(
      "version: 1\n"
      "scenarios: [quickstart.yaml]\n"
      "option_sets:\n"
      "  basic: [NoNewPrivileges=yes, ProtectSystem=full]\n"
      "bases: [bookworm, trixie]\n"
      "exclude:\n"
      "  - {options: basic, base: trixie}\n",
      kScenarios + "/m.yaml");
  std::vector<MatrixCell> cells = expand_cells(spec);
  EXPECT_EQ(ids(cells), std::vector<std::string>{"quickstart/basic/bookworm"});
  scenario::Scenario s = cell_scenario(cells.front());
  ASSERT_EQ(s.options.size(), 2u);
  EXPECT_EQ(s.options[1].name, "ProtectSystem=full");
}

TEST(MatrixSpec, HashIdentifiesTheMatrix) {
  std::vector<MatrixCell> cells = expand_cells(two_by_two_by_two());
  std::vector<MatrixCell> fewer(cells.begin(), cells.end() - 1);
  EXPECT_EQ(matrix_hash(cells), matrix_hash(std::vector<MatrixCell>(cells.rbegin(), cells.rend())));
  EXPECT_NE(matrix_hash(cells), matrix_hash(fewer));
}

}  // namespace
}  // namespace hb::matrix
