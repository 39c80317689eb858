#include "scenario/loader.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <filesystem>
#include <optional>
#include <regex>
#include <string_view>

#include "options/catalogue.h"
#include "scenario/template.h"
#include "scenario/validate.h"
#include "util/edit_distance.h"
#include "util/error.h"
#include "util/files.h"
#include "util/names.h"
#include "util/strings.h"

namespace hb::scenario {

namespace {

namespace fs = std::filesystem;

const std::string kRelativeHint = "relative paths are resolved against the directory of the scenario file";
const std::string kBeneathHint =
    "a scenario reads only files in its own folder and below (symlinks followed), as a container build "
    "reads only its context: copy the file there and name it relative to the scenario file";

// One key of a mapping, with both nodes: errors about a missing (null) value
// point at the key, since yaml-cpp marks a null value at the next token.
struct Field {
  std::string key;
  YAML::Node key_node;
  YAML::Node value;
};

// What a node is, in an error message ("got a list").
constexpr auto kNodeTypeWords = std::to_array<util::EnumName<YAML::NodeType::value>>({
    {YAML::NodeType::Null, "nothing"},
    {YAML::NodeType::Scalar, "a scalar"},
    {YAML::NodeType::Sequence, "a list"},
    {YAML::NodeType::Map, "a mapping"},
    {YAML::NodeType::Undefined, "nothing"},
});

std::string type_name(const YAML::Node& node) { return util::name_of(kNodeTypeWords, node.Type()); }

std::string line_of(const std::string& text, int line) {
  size_t begin = 0;
  for (int i = 0; i < line && begin != std::string::npos; ++i) {
    begin = text.find('\n', begin);
    if (begin != std::string::npos) ++begin;
  }
  if (begin == std::string::npos) return {};
  return text.substr(begin, text.find('\n', begin) - begin);
}

// The first line (1-based) whose indentation holds a tab; 0 when none does.
int first_tab_indented_line(const std::string& yaml) {
  int number = 1;
  bool indent = true;
  for (char c : yaml) {
    if (c == '\n') {
      ++number;
      indent = true;
    } else if (indent && c == '\t') {
      return number;
    } else if (c != ' ') {
      indent = false;
    }
  }
  return 0;
}

class YamlLoader {
 public:
  explicit YamlLoader(std::string filename)
      : m_file(std::move(filename)),
        m_dir(fs::path(m_file).parent_path()),
        m_root(fs::absolute(m_dir.empty() ? fs::path(".") : m_dir).lexically_normal()) {}

  Scenario load(const std::string& yaml) {
    if (std::string why = util::binary_reason(yaml); !why.empty())
      throw UserError(m_file + ": not a text file (" + why + ")", "give a scenario in YAML (see scenarios/)");
    YAML::Node root;
    try {
      root = YAML::Load(yaml);
    } catch (const YAML::ParserException& e) {
      std::string hint = "the file is not valid YAML";
      std::string bad = std::string(util::trim(line_of(yaml, e.mark.line)));
      if (bad.rfind("- [", 0) == 0 && bad.find('=') != std::string::npos) {
        hint = "quote an option line that starts with a section: - \"[Unit] StartLimitBurst=4\"";
      } else if (int tabbed = first_tab_indented_line(yaml); tabbed > 0) {
        hint = "line " + std::to_string(tabbed) + " is indented with a tab: YAML indentation must use spaces";
      }
      throw UserError(at(e.mark) + ": " + e.msg, hint);
    }
    try {
      return load_root(root);
    } catch (const YAML::Exception& e) {
      // Conversions are checked before they are made; this is a safety net.
      throw UserError(at(e.mark) + ": " + e.msg);
    }
  }

 private:
  std::string at(const YAML::Mark& mark) const {
    if (mark.is_null() || mark.line < 0) return m_file;
    return SourceLoc{m_file, mark.line + 1, mark.column + 1}.str();
  }
  SourceLoc loc(const YAML::Node& node) const {
    YAML::Mark mark = node.Mark();
    if (mark.is_null() || mark.line < 0) return SourceLoc{m_file, 0, 0};
    return SourceLoc{m_file, mark.line + 1, mark.column + 1};
  }
  std::string where(const YAML::Node& node) const { return at(node.Mark()); }
  std::string where(const Field& field) const {
    return field.value.IsNull() ? where(field.key_node) : where(field.value);
  }

  [[noreturn]] void fail(const std::string& where, const std::string& message,
                         const std::string& hint = {}) const {
    throw UserError(where + ": " + message, hint);
  }

  std::string resolve(const std::string& path) const {
    fs::path p(path);
    if (p.is_absolute()) return p.lexically_normal().string();
    return (m_dir / p).lexically_normal().string();
  }

  // A path the scenario names for the host to read (source:, template:,
  // image.containerfile, image.context): resolved, symlinks followed, and
  // refused unless it stays in the scenario's folder tree (m_root).
  std::string beneath(const std::string& written, const std::string& what, const std::string& where) const {
    std::string path = resolve(written);
    if (std::optional<std::string> real = util::resolve_beneath(m_root.string(), path)) return *real;
    std::error_code error;
    fs::path real = fs::weakly_canonical(path, error);
    std::string how =
        error ? "cannot be resolved (a symlink loop?)"
        : real == fs::path(written).lexically_normal()
            ? "is outside the scenario's folder " + m_root.string()
            : "resolves to " + real.string() + ", outside the scenario's folder " + m_root.string();
    fail(where, what + " '" + written + "' " + how, kBeneathHint);
  }

  // The keys of a mapping, refusing unknown and duplicate ones.
  std::vector<Field> fields(const YAML::Node& map, const std::string& context,
                            const std::vector<std::string>& known) const {
    std::vector<Field> out;
    for (auto it = map.begin(); it != map.end(); ++it) {
      if (!it->first.IsScalar()) {
        fail(where(it->first), "a key in " + context + " must be a plain name, got " + type_name(it->first));
      }
      std::string key = it->first.as<std::string>();
      if (std::find(known.begin(), known.end(), key) == known.end()) {
        std::string best = util::did_you_mean(key, known);
        fail(where(it->first), "unknown key '" + key + "' in " + context,
             best.empty() ? "known keys here: " + util::join(known, ", ") : "did you mean '" + best + "'?");
      }
      for (const auto& previous : out) {
        if (previous.key == key) {
          fail(where(it->first),
               "duplicate key '" + key + "' in " + context + " (first at " + where(previous.key_node) + ")");
        }
      }
      out.push_back(Field{key, it->first, it->second});
    }
    return out;
  }

  static const Field* find(const std::vector<Field>& fields, std::string_view key) {
    for (const auto& field : fields) {
      if (field.key == key) return &field;
    }
    return nullptr;
  }

  void expect_map(const YAML::Node& node, const std::string& where, const std::string& path,
                  const std::string& example) const {
    if (!node.IsMap()) {
      fail(where, "'" + path + "' must be a mapping, got " + type_name(node), "e.g. " + example);
    }
  }

  std::string string_of(const Field& field, const std::string& path) const {
    if (!field.value.IsScalar()) {
      fail(where(field), "'" + path + "' must be a string, got " + type_name(field.value));
    }
    return field.value.as<std::string>();
  }
  std::string nonempty_string_of(const Field& field, const std::string& path) const {
    std::string text = string_of(field, path);
    if (util::trim(text).empty()) fail(where(field), "'" + path + "' is empty");
    return text;
  }
  bool bool_of(const Field& field, const std::string& path) const {
    bool value = false;
    if (!field.value.IsScalar() || !YAML::convert<bool>::decode(field.value, value)) {
      fail(where(field), "'" + path + "' must be true or false, got " + describe(field.value));
    }
    return value;
  }
  int int_of(const Field& field, const std::string& path) const {
    int value = 0;
    if (!field.value.IsScalar() || !YAML::convert<int>::decode(field.value, value)) {
      fail(where(field), "'" + path + "' must be an integer, got " + describe(field.value));
    }
    return value;
  }
  std::chrono::milliseconds duration_of(const Field& field, const std::string& path) const {
    if (!field.value.IsScalar()) {
      fail(where(field), "'" + path + "' must be a duration, got " + type_name(field.value),
           "write a duration such as 30s, 500ms or 2m");
    }
    return parse_duration(field.value.as<std::string>(), where(field) + ": " + path);
  }
  std::vector<YAML::Node> list_of(const Field& field, const std::string& path,
                                  const std::string& example) const {
    if (!field.value.IsSequence()) {
      fail(where(field), "'" + path + "' must be a list, got " + type_name(field.value), "e.g. " + example);
    }
    return std::vector<YAML::Node>(field.value.begin(), field.value.end());
  }
  std::vector<std::string> strings_of(const Field& field, const std::string& path,
                                      const std::string& example) const {
    std::vector<std::string> out;
    for (const auto& item : list_of(field, path, example)) {
      if (!item.IsScalar()) {
        fail(where(item), "'" + path + "' must be a list of strings, found " + type_name(item),
             "e.g. " + example);
      }
      out.push_back(item.as<std::string>());
    }
    return out;
  }
  std::string describe(const YAML::Node& node) const {
    if (node.IsScalar()) return "'" + node.as<std::string>() + "'";
    return type_name(node);
  }

  // version (only 1), name (or the file's stem), description.
  void load_identity(const std::vector<Field>& top, Scenario& s) const {
    if (const Field* f = find(top, "version")) {
      int version = 0;
      if (!f->value.IsScalar() || !YAML::convert<int>::decode(f->value, version) || version != 1) {
        fail(where(*f), "unsupported scenario version " + describe(f->value),
             "this hardbisect reads 'version: 1'");
      }
    }
    if (const Field* f = find(top, "name")) {
      s.name = string_of(*f, "name");
      check_scenario_name(s.name, where(*f));
    } else {
      s.name = default_name();
      check_scenario_name(s.name, m_file + ": the name derived from the file name");
    }
    if (const Field* f = find(top, "description")) s.description = string_of(*f, "description");
  }

  // template: a drop-in in the scenario's tree whose lines join the options.
  void load_template(const Field& f, Scenario& s) const {
    std::string path = nonempty_string_of(f, "template");
    s.template_file = beneath(path, "template", where(f));
    ParsedTemplate parsed = parse_template_string(
        util::read_text_file(s.template_file, "template", where(f), kRelativeHint), s.template_file);
    s.options.insert(s.options.end(), parsed.options.begin(), parsed.options.end());
    s.warnings.insert(s.warnings.end(), parsed.warnings.begin(), parsed.warnings.end());
  }

  Scenario load_root(const YAML::Node& root) {
    if (root.IsNull()) {
      fail(m_file, "the scenario is empty",
           "a scenario needs at least service.unit and workload.command; see scenarios/README.md");
    }
    expect_map(root, where(root), "scenario", "version: 1");
    auto top = fields(root, "the scenario",
                      {"version", "name", "description", "image", "container", "service", "workload",
                       "timeouts", "expect", "options", "template", "expect_culprits", "expect_removal"});
    Scenario s;
    s.loc = SourceLoc{m_file, 0, 0};

    load_identity(top, s);
    if (const Field* f = find(top, "image")) load_image(*f, s.image);
    if (const Field* f = find(top, "container")) load_container(*f, s);

    const Field* service = find(top, "service");
    if (service == nullptr) {
      fail(where(root), "missing required key 'service'", "e.g. service: {unit: nginx.service}");
    }
    load_service(*service, s.service);

    const Field* workload = find(top, "workload");
    if (workload == nullptr) {
      fail(where(root), "missing required key 'workload'",
           "e.g. workload: {command: curl -sf http://127.0.0.1/}");
    }
    load_workload(*workload, s.workload);

    if (const Field* f = find(top, "timeouts")) load_timeouts(*f, s.timeouts);
    if (const Field* f = find(top, "expect")) load_expect(*f, s.expect);
    if (const Field* f = find(top, "options")) load_options(*f, s.options);
    if (const Field* f = find(top, "template")) load_template(*f, s);
    check_unique_names(s.options);
    if (const Field* f = find(top, "expect_culprits")) {
      load_culprits(*f, s.options, s.expect_culprits);
    }
    if (const Field* f = find(top, "expect_removal")) {
      load_removal(*f, s.options, s.expect_removal.emplace());
    }
    return s;
  }

  std::string default_name() const {
    fs::path p(m_file);
    std::string stem = p.stem().string();
    if ((stem == "scenario" || stem.empty()) && !p.parent_path().filename().empty()) {
      stem = p.parent_path().filename().string();
    }
    return stem.empty() || stem == "." ? "scenario" : stem;
  }

  void load_image(const Field& field, ImageSpec& image) const {
    expect_map(field.value, where(field), "image", "image: {base: bookworm, packages: [curl]}");
    auto keys = fields(field.value, "image", {"base", "packages", "name", "containerfile", "context"});
    if (const Field* f = find(keys, "base")) {
      image.base = string_of(*f, "image.base");
      check_base(image.base, where(*f));
    }
    if (const Field* f = find(keys, "packages")) {
      std::vector<YAML::Node> nodes = list_of(*f, "image.packages", "packages: [nginx-light, curl]");
      for (const auto& node : nodes) {
        if (!node.IsScalar()) {
          fail(where(node), "'image.packages' must be a list of strings, found " + type_name(node));
        }
        std::string package = node.as<std::string>();
        check_package_name(package, where(node));
        image.packages.push_back(package);
      }
    }
    if (const Field* f = find(keys, "name")) {
      image.name = nonempty_string_of(*f, "image.name");
      bool bad = image.name.front() == '-' || std::any_of(image.name.begin(), image.name.end(), [](char c) {
                   return static_cast<unsigned char>(c) <= ' ';
                 });
      if (bad) {
        fail(where(*f), "invalid image name '" + image.name + "'",
             "write an image reference such as localhost/my-image:tag");
      }
      if (!image.packages.empty()) {
        fail(where(*f), "'image.name' and 'image.packages' exclude each other",
             "packages are installed into the image hardbisect builds from 'base'; install them "
             "into your own image instead, or drop 'name'");
      }
    }
    load_containerfile(keys, image);
  }

  // image.containerfile and image.context: checked here (they exist); the
  // Containerfile's content when the image is built (image/containerfile.h).
  void load_containerfile(const std::vector<Field>& keys, ImageSpec& image) const {
    const Field* file = find(keys, "containerfile");
    const Field* context = find(keys, "context");
    if (context && !file)
      fail(where(context->key_node), "'image.context' without 'image.containerfile'",
           "the context is the folder a Containerfile builds in: add containerfile: PATH, or drop context");
    if (!file) return;
    if (!image.name.empty())
      fail(where(file->key_node), "'image.name' and 'image.containerfile' exclude each other",
           "hardbisect builds the Containerfile FROM its base image of 'base'; drop 'name'");
    image.containerfile = check_containerfile_path(
        beneath(nonempty_string_of(*file, "image.containerfile"), "Containerfile", where(*file)),
        where(*file));
    if (context)
      image.context = check_context_path(
          beneath(nonempty_string_of(*context, "image.context"), "build context", where(*context)),
          where(*context));
  }

  void load_container(const Field& field, Scenario& s) const {
    expect_map(field.value, where(field), "container", "container: {privilege: auto}");
    auto keys = fields(field.value, "container", {"privilege"});
    if (const Field* f = find(keys, "privilege")) {
      s.privilege = parse_privilege(string_of(*f, "container.privilege"), where(*f));
    }
  }

  void load_service(const Field& field, ServiceSpec& service) const {
    expect_map(field.value, where(field), "service", "service: {unit: nginx.service}");
    auto keys = fields(field.value, "service", {"unit", "unit_file", "files"});
    const Field* unit = find(keys, "unit");
    if (unit == nullptr) {
      fail(where(field.value), "missing required key 'service.unit'",
           "name the service to test, e.g. unit: nginx.service");
    }
    service.unit = string_of(*unit, "service.unit");
    check_unit_name(service.unit, where(*unit));
    if (const Field* f = find(keys, "unit_file")) {
      std::string text = nonempty_string_of(*f, "service.unit_file");
      if (!has_service_section(text)) {
        bool one_line = text.find('\n') == std::string::npos;
        fail(where(*f), "'service.unit_file' has no [Service] section",
             one_line ? "unit_file holds the unit's content, not a path; inline it with "
                        "'unit_file: |' followed by the indented unit"
                      : "the unit file needs a [Service] section with ExecStart=");
      }
      service.unit_file = text;
    }
    if (const Field* f = find(keys, "files")) {
      for (const auto& node :
           list_of(*f, "service.files", "files: [{path: /etc/demo.conf, content: \"...\"}]")) {
        service.files.push_back(load_file(node, service.files));
      }
    }
  }

  FileSpec load_file(const YAML::Node& node, const std::vector<FileSpec>& previous) const {
    expect_map(node, where(node), "service.files[]", "{path: /etc/demo.conf, source: demo.conf}");
    auto keys = fields(node, "a service.files entry", {"path", "mode", "content", "source"});
    FileSpec file;
    const Field* path = find(keys, "path");
    if (path == nullptr) {
      fail(where(node), "missing required key 'path' in a service.files entry",
           "the absolute path inside the container, e.g. path: /etc/demo.conf");
    }
    file.path = nonempty_string_of(*path, "path");
    fs::path p(file.path);
    if (!p.is_absolute()) {
      fail(where(*path), "file path '" + file.path + "' is relative",
           "paths in service.files are inside the container and must be absolute, e.g. /" + file.path);
    }
    bool has_dotdot = std::any_of(p.begin(), p.end(), [](const fs::path& part) { return part == ".."; });
    if (has_dotdot || file.path.back() == '/') {
      fail(where(*path), "file path '" + file.path + "' must name a file, without '..'");
    }
    for (const auto& other : previous) {
      if (fs::path(other.path).lexically_normal() == p.lexically_normal()) {
        fail(where(*path), "file '" + file.path + "' is listed twice in service.files");
      }
    }
    if (const Field* f = find(keys, "mode")) {
      std::string mode = string_of(*f, "mode");
      bool ok = (mode.size() == 3 || mode.size() == 4) &&
                std::all_of(mode.begin(), mode.end(), [](char c) { return c >= '0' && c <= '7'; });
      if (!ok) {
        fail(where(*f), "invalid file mode '" + mode + "'",
             "write an octal mode in quotes, e.g. mode: \"0755\"");
      }
      file.mode = mode.size() == 3 ? "0" + mode : mode;
    }
    const Field* content = find(keys, "content");
    const Field* source = find(keys, "source");
    if (content != nullptr && source != nullptr) {
      fail(where(source->key_node), "a file has both 'content' and 'source'",
           "give the content inline or name a source file, not both");
    }
    if (content != nullptr) {
      file.content = string_of(*content, "content");
    } else if (source != nullptr) {
      std::string from = nonempty_string_of(*source, "source");
      file.content =
          util::read_text_file(beneath(from, "source file", where(*source)), "source file", where(*source),
                               kRelativeHint, util::kMaxSourceFile, util::Content::Any);
    } else {
      fail(where(node), "file '" + file.path + "' has neither 'content' nor 'source'",
           "add content: | ... or source: <path relative to the scenario file>");
    }
    return file;
  }

  void load_workload(const Field& field, Workload& workload) const {
    expect_map(field.value, where(field), "workload",
               "workload: {command: curl -sf http://127.0.0.1/, timeout: 30s}");
    auto keys = fields(field.value, "workload", {"command", "timeout"});
    const Field* command = find(keys, "command");
    if (command == nullptr) {
      fail(where(field.value), "missing required key 'workload.command'",
           "the shell line that exercises the service, e.g. command: curl -sf http://127.0.0.1/");
    }
    workload.command = nonempty_string_of(*command, "workload.command");
    if (const Field* f = find(keys, "timeout")) {
      workload.timeout = duration_of(*f, "workload.timeout");
      workload.timeout_explicit = true;
    }
  }

  void load_timeouts(const Field& field, Timeouts& timeouts) const {
    expect_map(field.value, where(field), "timeouts", "timeouts: {boot: 30s, start: 30s}");
    auto keys = fields(field.value, "timeouts", {"boot", "start"});
    if (const Field* f = find(keys, "boot")) timeouts.boot = duration_of(*f, "timeouts.boot");
    if (const Field* f = find(keys, "start")) {
      timeouts.start = duration_of(*f, "timeouts.start");
      timeouts.start_explicit = true;
    }
  }

  void load_expect(const Field& field, Expectations& expect) const {
    expect_map(field.value, where(field), "expect", "expect: {unit_active: true}");
    auto keys = fields(field.value, "expect",
                       {"unit_active", "workload_exit", "no_crash", "journal_absent", "journal_present"});
    if (const Field* f = find(keys, "unit_active")) expect.unit_active = bool_of(*f, "expect.unit_active");
    if (const Field* f = find(keys, "no_crash")) expect.no_crash = bool_of(*f, "expect.no_crash");
    if (const Field* f = find(keys, "workload_exit")) {
      expect.workload_exit = int_of(*f, "expect.workload_exit");
      if (expect.workload_exit < 0 || expect.workload_exit > 255) {
        fail(where(*f), "'expect.workload_exit' must be between 0 and 255");
      }
    }
    if (const Field* f = find(keys, "journal_absent")) {
      expect.journal_absent = regexes_of(*f, "expect.journal_absent");
    }
    if (const Field* f = find(keys, "journal_present")) {
      expect.journal_present = regexes_of(*f, "expect.journal_present");
    }
  }

  std::vector<std::string> regexes_of(const Field& field, const std::string& path) const {
    std::vector<std::string> out;
    for (const auto& node : list_of(field, path, path.substr(path.find('.') + 1) + ": [\"segfault\"]")) {
      if (!node.IsScalar()) {
        fail(where(node), "'" + path + "' must be a list of strings, found " + type_name(node));
      }
      std::string pattern = node.as<std::string>();
      try {
        std::regex check(pattern, std::regex::ECMAScript);
      } catch (const std::regex_error& e) {
        fail(where(node), "invalid regular expression '" + pattern + "': " + e.what(),
             "journal patterns are ECMAScript regular expressions; escape literal characters "
             "such as ( [ . with a backslash");
      }
      out.push_back(pattern);
    }
    return out;
  }

  void load_options(const Field& field, std::vector<OptionItem>& items) const {
    for (const auto& node : list_of(field, "options", "options: [NoNewPrivileges=yes]")) {
      OptionItem item;
      item.loc = loc(node);
      if (node.IsScalar()) {
        options::Directive d = parse_option_line(node.as<std::string>(), where(node));
        item.name = d.line();
        item.directives.push_back(std::move(d));
      } else if (node.IsMap()) {
        load_group(node, item);
      } else {
        fail(where(node.IsNull() ? field.value : node),
             std::string("an option must be a directive line or a {name, lines} group, got ") +
                 type_name(node),
             "e.g. - NoNewPrivileges=yes, or - {name: localhost-only, lines: [IPAddressDeny=any, "
             "IPAddressAllow=127.0.0.0/8]}");
      }
      items.push_back(std::move(item));
    }
  }

  void load_group(const YAML::Node& node, OptionItem& item) const {
    // "- ProtectSystem: strict" parses as a one-key mapping: a likely slip.
    if (node.size() == 1) {
      auto it = node.begin();
      std::string key = it->first.IsScalar() ? it->first.as<std::string>() : "";
      if (key != "name" && key != "lines" && it->second.IsScalar()) {
        std::string line = key + "=" + it->second.as<std::string>();
        fail(where(node),
             "'" + key + ": " + it->second.as<std::string>() + "' is a YAML mapping, not a directive line",
             "write it as - " + line);
      }
    }
    auto keys = fields(node, "an option group", {"name", "lines"});
    const Field* name = find(keys, "name");
    const Field* lines = find(keys, "lines");
    if (name == nullptr) {
      fail(where(node), "missing required key 'name' in an option group",
           "e.g. {name: localhost-only, lines: [IPAddressDeny=any, IPAddressAllow=127.0.0.0/8]}");
    }
    if (lines == nullptr) {
      fail(where(node), "missing required key 'lines' in an option group",
           "list the directive lines that travel together, e.g. lines: [IPAddressDeny=any]");
    }
    item.name = std::string(util::trim(nonempty_string_of(*name, "name")));
    if (item.name.find('=') != std::string::npos) {
      fail(where(*name), "option group name '" + item.name + "' contains '='",
           "a group name must not look like a directive line; use a label such as "
           "'localhost-only'");
    }
    std::vector<YAML::Node> nodes = list_of(*lines, "lines", "lines: [IPAddressDeny=any]");
    if (nodes.empty()) fail(where(*lines), "option group '" + item.name + "' has no lines");
    for (const auto& line : nodes) {
      if (!line.IsScalar()) {
        fail(where(line.IsNull() ? lines->value : line),
             "'lines' must be a list of directive lines, found " + std::string(type_name(line)));
      }
      options::Directive d = parse_option_line(line.as<std::string>(), where(line));
      for (const auto& other : item.directives) {
        if (other == d) fail(where(line), "'" + d.line() + "' is twice in group '" + item.name + "'");
      }
      item.directives.push_back(std::move(d));
    }
  }

  void load_culprits(const Field& field, const std::vector<OptionItem>& items,
                     std::vector<std::vector<std::string>>& culprits) const {
    const std::string example = "expect_culprits: [[ProtectSystem=strict], [localhost-only]]";
    for (const auto& node : list_of(field, "expect_culprits", example)) {
      std::vector<YAML::Node> refs;
      if (node.IsScalar()) {
        refs.push_back(node);  // shorthand for a culprit set of one
      } else if (node.IsSequence()) {
        for (const auto& ref : node) refs.push_back(ref);
        if (refs.empty()) fail(where(node), "an empty culprit set", "e.g. " + example);
      } else {
        fail(where(node.IsNull() ? field.value : node),
             std::string("a culprit set must be a list of option names, got ") + type_name(node),
             "e.g. " + example);
      }
      std::vector<std::string> set;
      for (const auto& ref : refs) {
        if (!ref.IsScalar()) {
          fail(where(ref.IsNull() ? node : ref),
               std::string("a culprit must be an option name, got ") + type_name(ref), "e.g. " + example);
        }
        std::string name = resolve_option_ref(ref.as<std::string>(), items, where(ref));
        if (std::find(set.begin(), set.end(), name) == set.end()) set.push_back(name);
      }
      culprits.push_back(std::move(set));
    }
  }

  void load_removal(const Field& field, const std::vector<OptionItem>& items,
                    std::vector<std::string>& removal) const {
    const std::string example = "expect_removal: [PrivateUsers=true, localhost-only]";
    for (const auto& node : list_of(field, "expect_removal", example)) {
      if (!node.IsScalar()) {
        fail(where(node.IsNull() ? field.value : node),
             std::string("a removed line must be an option name, got ") + type_name(node), "e.g. " + example);
      }
      std::string name = resolve_option_ref(node.as<std::string>(), items, where(node));
      if (std::find(removal.begin(), removal.end(), name) == removal.end()) removal.push_back(name);
    }
  }

  std::string m_file;
  fs::path m_dir;
  fs::path m_root;  // the scenario's folder tree: the folder holding the file
};

}  // namespace

Scenario load_scenario_string(const std::string& yaml, const std::string& filename) {
  return YamlLoader(filename).load(yaml);
}

Scenario load_scenario_file(const std::string& path) {
  return load_scenario_string(util::read_text_file(path, "scenario file", ""), path);
}

}  // namespace hb::scenario
