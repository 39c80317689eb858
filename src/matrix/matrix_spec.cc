#include "matrix/matrix_spec.h"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <set>

#include "image/image_builder.h"
#include "scenario/loader.h"
#include "scenario/template.h"
#include "util/edit_distance.h"
#include "util/error.h"
#include "util/files.h"
#include "util/hash.h"
#include "util/parse.h"

namespace fs = std::filesystem;

namespace hb::matrix {

namespace {

constexpr const char* kOwnOptions = "scenario";

class MatrixLoader {
 public:
  explicit MatrixLoader(std::string filename)
      : m_file(std::move(filename)), m_dir(fs::path(m_file).parent_path()) {}

  MatrixSpec load(const std::string& yaml) {
    YAML::Node root;
    try {
      root = YAML::Load(yaml);
    } catch (const YAML::ParserException& e) {
      throw UserError(at(e.mark) + ": " + e.msg, "the file is not valid YAML");
    }
    if (!root.IsMap())
      throw UserError(m_file + ": a matrix file is a mapping (version, scenarios, templates, bases)");
    MatrixSpec spec;
    spec.source = m_file;
    spec.templates.clear();
    std::set<std::string> seen;
    for (auto it = root.begin(); it != root.end(); ++it) {
      std::string key = it->first.Scalar();
      check_key(key, it->first);
      if (!seen.insert(key).second) throw UserError(where(it->first) + ": duplicate key '" + key + "'");
      const YAML::Node value = it->second;  // a copy: `it->` points into a temporary
      read_key(spec, key, value);
    }
    if (spec.scenarios.empty())
      throw UserError(m_file + ": no scenarios", "add scenarios: [FILE or FOLDER, ...]");
    if (spec.templates.empty() && spec.option_sets.empty()) spec.templates.push_back(kOwnOptions);
    if (spec.bases.empty()) throw UserError(m_file + ": bases is empty", "write bases: [bookworm, trixie]");
    return spec;
  }

 private:
  void check_key(const std::string& key, const YAML::Node& node) const {
    const std::vector<std::string> known{"version",     "scenarios", "templates",
                                         "option_sets", "bases",     "exclude"};
    if (std::find(known.begin(), known.end(), key) != known.end()) return;
    std::string best = util::did_you_mean(key, known);
    throw UserError(where(node) + ": unknown key '" + key + "' in the matrix",
                    best.empty() ? "known keys: version, scenarios, templates, option_sets, bases, exclude"
                                 : "did you mean '" + best + "'?");
  }

  void read_key(MatrixSpec& spec, const std::string& key, const YAML::Node& value) const {
    if (key == "version") {
      if (!value.IsScalar() || value.Scalar() != "1")
        throw UserError(where(value) + ": unsupported matrix version", "write version: 1");
    } else if (key == "scenarios") {
      for (const auto& item : strings(value, key)) spec.scenarios.push_back(resolve(item));
    } else if (key == "templates") {
      for (const auto& item : strings(value, key))
        spec.templates.push_back(item == kOwnOptions ? item : resolve(item));
    } else if (key == "bases") {
      spec.bases = strings(value, key);
      for (const auto& base : spec.bases) check_base(base, where(value));
    } else if (key == "option_sets") {
      if (!value.IsMap())
        throw UserError(where(value) + ": option_sets is a mapping of name: [Key=Value, ...]");
      for (auto set = value.begin(); set != value.end(); ++set)
        spec.option_sets.emplace_back(set->first.Scalar(),
                                      strings(set->second, "option_sets." + set->first.Scalar()));
    } else if (key == "exclude") {
      if (!value.IsSequence())
        throw UserError(where(value) + ": exclude is a list of {scenario, options, base}");
      for (const auto& item : value) spec.exclude.push_back(read_exclusion(item));
    }
  }

  Exclusion read_exclusion(const YAML::Node& item) const {
    if (!item.IsMap()) throw UserError(where(item) + ": an exclusion is a mapping {scenario, options, base}");
    Exclusion exclusion;
    for (auto field = item.begin(); field != item.end(); ++field) {
      std::string name = field->first.Scalar();
      if (name == "scenario")
        exclusion.scenario = field->second.Scalar();
      else if (name == "options" || name == "template")
        exclusion.options = field->second.Scalar();
      else if (name == "base")
        exclusion.base = field->second.Scalar();
      else
        throw UserError(
            where(field->first) + ": unknown key '" + name + "' in an exclusion",
            "use scenario, options (a template's file stem, a set's name or 'scenario') and base");
    }
    return exclusion;
  }

  std::string at(const YAML::Mark& mark) const {
    if (mark.is_null() || mark.line < 0) return m_file;
    return fmt::format("{}:{}:{}", m_file, mark.line + 1, mark.column + 1);
  }
  std::string where(const YAML::Node& node) const { return at(node.Mark()); }
  std::string resolve(const std::string& path) const {
    fs::path p(path);
    return p.is_absolute() ? p.lexically_normal().string() : (m_dir / p).lexically_normal().string();
  }
  // A string or a list of strings.
  std::vector<std::string> strings(const YAML::Node& node, const std::string& key) const {
    if (node.IsScalar()) return {node.Scalar()};
    if (!node.IsSequence()) throw UserError(where(node) + ": " + key + " is a list of strings");
    std::vector<std::string> out;
    for (const auto& item : node) {
      if (!item.IsScalar()) throw UserError(where(item) + ": " + key + " is a list of strings");
      out.push_back(item.Scalar());
    }
    return out;
  }
  static void check_base(const std::string& base, const std::string& where) {
    const auto& releases = image::known_releases();
    if (std::find(releases.begin(), releases.end(), base) != releases.end()) return;
    std::string best = util::did_you_mean(base, releases);
    throw UserError(where + ": unknown base '" + base + "'",
                    best.empty() ? "known bases: bookworm, trixie" : "did you mean '" + best + "'?");
  }

  std::string m_file;
  fs::path m_dir;
};

std::vector<std::string> files_in(const std::string& path, const std::string& extension,
                                  const std::string& what) {
  if (fs::is_directory(path)) {
    std::vector<std::string> found;
    for (const auto& entry : fs::directory_iterator(path))
      if (entry.is_regular_file() && entry.path().extension() == extension)
        found.push_back(entry.path().string());
    std::sort(found.begin(), found.end());
    if (found.empty())
      throw UserError("no " + extension + " file in " + path, "give " + what + " files or folders");
    return found;
  }
  if (!fs::exists(path))
    throw UserError("no such file or folder: " + path, "give " + what + " files or folders");
  return {path};
}

// Option lines ("Key=Value", "[Unit] Key=Value") as a drop-in, parsed like a template.
std::vector<scenario::OptionItem> parse_option_lines(const std::string& name,
                                                     const std::vector<std::string>& lines) {
  std::string unit = "[Unit]\n";
  std::string service = "[Service]\n";
  for (const auto& line : lines) {
    if (line.rfind("[Unit]", 0) == 0)
      unit += line.substr(6) + "\n";
    else if (line.rfind("[Service]", 0) == 0)
      service += line.substr(9) + "\n";
    else
      service += line + "\n";
  }
  scenario::ParsedTemplate parsed = scenario::parse_template_string(unit + service, "option set " + name);
  if (parsed.options.empty()) throw UserError("option set " + name + " has no options");
  return parsed.options;
}

bool excluded(const std::vector<Exclusion>& exclude, const MatrixCell& cell) {
  for (const auto& e : exclude)
    if ((e.scenario.empty() || e.scenario == cell.scenario_name) &&
        (e.options.empty() || e.options == cell.options.label) && (e.base.empty() || e.base == cell.base))
      return true;
  return false;
}

}  // namespace

MatrixSpec load_matrix_string(const std::string& yaml, const std::string& filename) {
  return MatrixLoader(filename).load(yaml);
}

MatrixSpec load_matrix_file(const std::string& path) {
  if (!fs::exists(path))
    throw UserError("no such matrix file: " + path, "give a matrix YAML (see docs/ci.md, \"Matrix file\")");
  return load_matrix_string(util::read_file(path), path);
}

std::vector<MatrixCell> expand_cells(const MatrixSpec& spec) {
  std::vector<OptionsSource> sources;
  std::set<std::string> labels;
  auto add_source = [&](OptionsSource source, const std::string& from) {
    if (!labels.insert(source.label).second)
      throw UserError("two option sources are named '" + source.label + "' (" + from + ")",
                      "cells are named scenario/options/base: rename a template file or an option set");
    sources.push_back(std::move(source));
  };
  for (const auto& entry : spec.templates) {
    if (entry == kOwnOptions) {
      add_source(OptionsSource{OptionsSource::Kind::Own, kOwnOptions, {}, {}}, entry);
      continue;
    }
    for (const auto& file : files_in(entry, ".conf", "template")) {
      scenario::ParsedTemplate parsed = scenario::parse_template_file(file);
      if (parsed.options.empty()) throw UserError("the template " + file + " has no directive lines");
      add_source(
          OptionsSource{OptionsSource::Kind::Template, fs::path(file).stem().string(), file, parsed.options},
          file);
    }
  }
  for (const auto& [name, lines] : spec.option_sets)
    add_source(OptionsSource{OptionsSource::Kind::Set, name, {}, parse_option_lines(name, lines)},
               "option_sets");

  std::vector<MatrixCell> cells;
  std::map<std::string, std::string> names;  // scenario name -> file
  for (const auto& entry : spec.scenarios) {
    for (const auto& file : files_in(entry, ".yaml", "scenario")) {
      scenario::Scenario loaded = scenario::load_scenario_file(file);
      std::string name = loaded.name.empty() ? fs::path(file).stem().string() : loaded.name;
      if (auto [it, fresh] = names.emplace(name, file); !fresh) {
        if (it->second == file) continue;  // listed twice
        throw UserError("two scenarios are named '" + name + "': " + it->second + " and " + file,
                        "cells are named scenario/options/base: give them distinct name: keys");
      }
      if (!loaded.image.name.empty())
        throw UserError(file + ": the scenario pins image.name '" + loaded.image.name + "'",
                        "a matrix chooses the base image: describe it with image.base and image.packages");
      for (const auto& source : sources) {
        if (source.kind == OptionsSource::Kind::Own && loaded.options.empty()) continue;
        for (const auto& base : spec.bases) {
          MatrixCell cell{
              name + "/" + source.label + "/" + base, file, name, source, base, spec.containerfile};
          if (!excluded(spec.exclude, cell)) cells.push_back(std::move(cell));
        }
      }
    }
  }
  std::sort(cells.begin(), cells.end(), [](const MatrixCell& a, const MatrixCell& b) { return a.id < b.id; });
  cells.erase(std::unique(cells.begin(), cells.end(),
                          [](const MatrixCell& a, const MatrixCell& b) { return a.id == b.id; }),
              cells.end());
  if (cells.empty())
    throw UserError("the matrix has no cells", "check scenarios, templates, bases and exclude");
  return cells;
}

Shard parse_shard(const std::string& text) {
  size_t slash = text.find('/');
  std::optional<int> index, count;
  if (slash != std::string::npos) {
    index = util::parse_integer<int>(std::string_view(text).substr(0, slash));
    count = util::parse_integer<int>(std::string_view(text).substr(slash + 1));
  }
  if (!index || !count)
    throw UserError("--shard wants i/N, got '" + text + "'",
                    "e.g. --shard 2/4 runs the second of four shards");
  Shard shard;
  shard.index = *index;
  shard.count = *count;
  if (shard.count < 1 || shard.index < 1 || shard.index > shard.count)
    throw UserError("--shard " + text + ": i must be between 1 and N", "e.g. --shard 1/4 ... --shard 4/4");
  return shard;
}

std::vector<MatrixCell> shard_cells(const std::vector<MatrixCell>& cells, Shard shard) {
  std::vector<const MatrixCell*> sorted;
  for (const auto& cell : cells) sorted.push_back(&cell);
  std::sort(sorted.begin(), sorted.end(),
            [](const MatrixCell* a, const MatrixCell* b) { return a->id < b->id; });
  std::vector<MatrixCell> mine;
  for (size_t k = 0; k < sorted.size(); ++k)
    if (static_cast<int>(k % static_cast<size_t>(shard.count)) == shard.index - 1) mine.push_back(*sorted[k]);
  return mine;
}

scenario::Scenario cell_scenario(const MatrixCell& cell) {
  scenario::Scenario s = scenario::load_scenario_file(cell.scenario_file);
  if (cell.options.kind != OptionsSource::Kind::Own) {
    s.options = cell.options.items;
    s.template_file = cell.options.path;
    s.expect_culprits.clear();
  }
  s.image.base = cell.base;
  if (!cell.containerfile.empty()) {
    s.image.containerfile = cell.containerfile;
    s.image.context.clear();  // the Containerfile's folder
  }
  return s;
}

std::string matrix_hash(const std::vector<MatrixCell>& cells) {
  std::vector<std::string> ids;
  for (const auto& cell : cells) ids.push_back(cell.id);
  std::sort(ids.begin(), ids.end());
  std::string text;
  for (const auto& id : ids) text += id + "\n";
  return util::stable_hash(text);
}

}  // namespace hb::matrix
