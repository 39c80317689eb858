#include "image/containerfile.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <set>

#include "util/error.h"
#include "util/strings.h"

namespace fs = std::filesystem;

namespace hb::image {

namespace {

const std::string kFromHint = std::string("write `FROM ") + kBasePlaceholder +
                              "` (optionally `AS NAME`): hardbisect replaces it with its base image of the "
                              "scenario's release (image.base, --base); no registry is reachable";

std::vector<std::string> split_lines(const std::string& text) {
  std::vector<std::string> lines;
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    std::string line = text.substr(start, end - start);
    if (!line.empty() && line.back() == '\r') line.pop_back();
    lines.push_back(line);
    start = end + 1;
  }
  if (!lines.empty() && lines.back().empty()) lines.pop_back();
  return lines;
}

std::string upper(std::string text) {
  for (char& c : text) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return text;
}

std::string collapse_spaces(std::string_view text) { return util::join(util::words(text), " "); }

class Checker {
 public:
  Checker(std::string file, const BuildContext& context) : m_file(std::move(file)), m_context(context) {}

  [[noreturn]] void fail(int line, const std::string& message, const std::string& hint) const {
    throw UserError(fmt::format("{}:{}: {}", m_file, line, message), hint);
  }

  // Returns the stage name ("" when none); fails unless the image is the placeholder or a stage.
  std::string check_from(const Instruction& from) {
    std::vector<std::string> words = util::words(from.args);
    bool named = words.size() == 3 && upper(words[1]) == "AS";
    if (words.empty() || words[0].rfind("--", 0) == 0 || !(words.size() == 1 || named))
      fail(from.line, "FROM " + from.args + ": expected `FROM IMAGE` or `FROM IMAGE AS NAME`", kFromHint);
    if (words[0] != kBasePlaceholder && !m_stages.count(upper(words[0]))) {
      std::string why = words[0].find('$') != std::string::npos
                            ? " (the placeholder is taken literally, not through an ARG)"
                            : " (only hardbisect's base images exist here)";
      fail(from.line, "FROM " + words[0] + " is not the placeholder `" + kBasePlaceholder + "`" + why,
           kFromHint);
    }
    if (named) m_stages.insert(upper(words[2]));
    return named ? words[2] : "";
  }

  void check_sources(const Instruction& copy) {
    std::vector<std::string> words;
    std::string args(util::trim(copy.args));
    while (args.rfind("--", 0) == 0) {  // --from=, --chown=, --chmod=, --link
      size_t end = args.find_first_of(" \t");
      if (args.rfind("--from", 0) == 0) return;  // from a stage, not from the context
      args = end == std::string::npos ? "" : std::string(util::trim(args.substr(end)));
    }
    if (!args.empty() && args.front() == '[') {
      auto parsed = nlohmann::json::parse(args, nullptr, false);
      if (parsed.is_array())
        for (const auto& item : parsed)
          if (item.is_string()) words.push_back(item.get<std::string>());
    } else {
      words = util::words(args);
    }
    if (words.size() < 2) return;  // podman says what is wrong
    words.pop_back();              // the destination
    for (const auto& source : words) check_source(copy, source);
  }

 private:
  void check_source(const Instruction& copy, const std::string& source) const {
    if (source.find("://") != std::string::npos || source.find('$') != std::string::npos) return;
    std::string relative = fs::path(source).relative_path().lexically_normal().string();
    if (relative == ".." || relative.rfind("../", 0) == 0)
      fail(copy.line,
           fmt::format("{} {} reaches outside the build context {}", copy.keyword, source, m_context.dir),
           "podman sends only the context to the build: set image.context to a folder that holds both the "
           "Containerfile's files and this one, or move the file into " +
               m_context.dir);
    bool glob = source.find_first_of("*?[") != std::string::npos;
    if (!glob && !m_context.contains(relative))
      fail(copy.line,
           fmt::format(
               "{} {}: no such file or folder in the build context {}{}", copy.keyword, source, m_context.dir,
               m_context.ignore_file.empty() ? "" : " (or its " + m_context.ignore_file + " leaves it out)"),
           "sources are relative to the build context (the Containerfile's folder unless image.context says "
           "otherwise)");
  }

  std::string m_file;
  const BuildContext& m_context;
  std::set<std::string> m_stages;  // upper case
};

void check_no_escape_directive(const std::vector<std::string>& lines, const std::string& file) {
  for (size_t i = 0; i < lines.size(); ++i) {
    std::string_view line = util::trim(lines[i]);
    if (line.empty() || line.front() != '#') return;  // directives come first
    std::string directive = upper(std::string(line.substr(1)));
    directive.erase(std::remove_if(directive.begin(), directive.end(), ::isspace), directive.end());
    if (directive.rfind("ESCAPE=", 0) == 0)
      throw UserError(fmt::format("{}:{}: the `# escape=` parser directive is not supported", file, i + 1),
                      "remove it and write line continuations with a backslash");
  }
}

}  // namespace

std::vector<Instruction> parse_containerfile(const std::string& text) {
  std::vector<Instruction> instructions;
  std::vector<std::string> lines = split_lines(text);
  Instruction current;
  bool open = false;
  for (size_t i = 0; i < lines.size(); ++i) {
    std::string_view line = util::trim(lines[i]);
    if (line.empty() || line.front() == '#') continue;  // also inside a continuation
    bool continues = line.back() == '\\';
    if (continues) line = util::trim(line.substr(0, line.size() - 1));
    if (!open) {
      size_t space = line.find_first_of(" \t");
      current =
          Instruction{static_cast<int>(i + 1), 0, upper(std::string(line.substr(0, space))),
                      space == std::string_view::npos ? "" : std::string(util::trim(line.substr(space)))};
    } else if (!line.empty()) {
      current.args += (current.args.empty() ? "" : " ") + std::string(line);
    }
    current.last_line = static_cast<int>(i + 1);
    open = continues;
    if (!open) instructions.push_back(current);
  }
  if (open) instructions.push_back(current);
  return instructions;
}

std::string prepare_containerfile(const std::string& text, const std::string& file,
                                  const std::string& from_image, const BuildContext& context) {
  std::vector<std::string> lines = split_lines(text);
  check_no_escape_directive(lines, file);
  std::vector<Instruction> instructions = parse_containerfile(text);
  Checker checker(file, context);
  bool seen_from = false;
  const Instruction* entrypoint = nullptr;  // in the stage being read
  for (const auto& instruction : instructions) {
    const std::string& keyword = instruction.keyword;
    if (!seen_from && keyword != "FROM" && keyword != "ARG")
      checker.fail(instruction.line, keyword + " before the first FROM", kFromHint);
    if (keyword == "FROM") {
      seen_from = true;
      entrypoint = nullptr;
      std::string stage = checker.check_from(instruction);
      std::string image = util::words(instruction.args)[0] == kBasePlaceholder
                              ? from_image
                              : util::words(instruction.args)[0];
      lines[instruction.line - 1] = "FROM " + image + (stage.empty() ? "" : " AS " + stage);
      for (int l = instruction.line; l < instruction.last_line; ++l) lines[l] = "";
    } else if (keyword == "COPY" || keyword == "ADD") {
      checker.check_sources(instruction);
    } else if (keyword == "ENTRYPOINT") {
      entrypoint = &instruction;
    }
  }
  if (!seen_from)
    throw UserError(file + ": no FROM line",
                    std::string("start the Containerfile with `FROM ") + kBasePlaceholder + "`");
  if (entrypoint)
    checker.fail(entrypoint->line,
                 "ENTRYPOINT in the final stage: the trial containers boot systemd (/sbin/init)",
                 "remove it, and start your program from its unit's ExecStart=");
  return util::join(lines, "\n") + "\n";
}

int failing_step_line(const std::string& build_output, const std::vector<Instruction>& instructions) {
  const std::string marker = "building at STEP \"";
  size_t at = build_output.rfind(marker);
  if (at == std::string::npos) return 0;
  size_t start = at + marker.size();
  size_t end = build_output.find("\": ", start);
  if (end == std::string::npos) return 0;
  std::string step = collapse_spaces(build_output.substr(start, end - start));
  size_t space = step.find(' ');
  step = upper(step.substr(0, space)) + (space == std::string::npos ? "" : step.substr(space));
  for (const auto& instruction : instructions)
    if (collapse_spaces(instruction.keyword + " " + instruction.args) == step) return instruction.line;
  return 0;
}

}  // namespace hb::image
