#pragma once
// What a matrix is: scenarios x option sources (the scenario's own options,
// hardening templates, named option sets) x base images, from a matrix YAML
// (schema in docs/ci.md, "Matrix file") or from flags. Cells are identified
// by "scenario/options/base" and kept sorted by id, so every runner of a
// sharded matrix agrees on them.
#include <string>
#include <vector>

#include "scenario/scenario.h"

namespace hb::matrix {

// Where a cell's options come from.
struct OptionsSource {
  enum class Kind { Own, Template, Set };
  Kind kind = Kind::Own;
  std::string label;                        // "scenario", a template's file stem, a set's name
  std::string path;                         // Template: the drop-in file
  std::vector<scenario::OptionItem> items;  // Template and Set: the options (parsed once)
};

struct MatrixCell {
  std::string id;  // "scenario/options/base"
  std::string scenario_file;
  std::string scenario_name;
  OptionsSource options;
  std::string base;           // Debian release of the image
  std::string containerfile;  // --containerfile over the scenario's image; empty = its own
};

// Excludes a cell when every field given matches (empty = any).
struct Exclusion {
  std::string scenario, options, base;
};

struct MatrixSpec {
  std::string source;                  // the YAML file, or "flags"
  std::vector<std::string> scenarios;  // files or folders
  std::vector<std::string> templates;  // files, folders of *.conf, or "scenario"
  std::vector<std::pair<std::string, std::vector<std::string>>> option_sets;  // name, lines
  std::vector<std::string> bases{"bookworm"};
  std::vector<Exclusion> exclude;
  // --containerfile (resolved): every cell's image is built from it on the
  // cell's base; empty = each scenario's own image.
  std::string containerfile;
};

// Reads a matrix YAML; paths in it are relative to its folder. UserError
// with file:line:col and "did you mean" on mistakes.
MatrixSpec load_matrix_file(const std::string& path);
MatrixSpec load_matrix_string(const std::string& yaml, const std::string& filename);

// Every cell of the matrix, sorted by id; loads and checks each scenario and
// template once. UserError when ids collide or a scenario pins image.name.
std::vector<MatrixCell> expand_cells(const MatrixSpec& spec);

// "i/N" (1 <= i <= N); UserError otherwise.
struct Shard {
  int index = 1;
  int count = 1;
};
Shard parse_shard(const std::string& text);

// The cells of shard i of N: round-robin over the cells sorted by id, so
// the N shards are disjoint, together hold every cell, and differ in size
// by at most one.
std::vector<MatrixCell> shard_cells(const std::vector<MatrixCell>& cells, Shard shard);

// The scenario a cell runs: the scenario file with the cell's options (a
// template or set replaces the scenario's own, and its expect_culprits,
// which were about those) on the cell's base.
scenario::Scenario cell_scenario(const MatrixCell& cell);

// Identifies the whole matrix (its sorted cell ids), so results of shards
// of different matrices are never merged.
std::string matrix_hash(const std::vector<MatrixCell>& cells);

}  // namespace hb::matrix
