// hardbisect completion bash, hardbisect manpage: the bash completion and the
// man page, both written from the command line's own definition (every
// subcommand, flag and help text), so neither can go stale. The build makes
// both (CMakeLists.txt) and `cmake --install` / the .deb install them.
#include <iostream>
#include <sstream>

#include "commands.h"

namespace hb::cli {
namespace {

using Commands = std::vector<std::pair<std::string, const CLI::App*>>;

// Every command below `app` (depth first), each with its full name ("report merge").
void collect(const CLI::App& app, const std::string& prefix, Commands& out) {
  for (const CLI::App* sub : app.get_subcommands([](const CLI::App*) { return true; })) {
    std::string name = prefix.empty() ? sub->get_name() : prefix + " " + sub->get_name();
    out.emplace_back(name, sub);
    collect(*sub, name, out);
  }
}

std::vector<const CLI::Option*> flags_of(const CLI::App& app) {
  return app.get_options([](const CLI::Option* o) { return o->nonpositional(); });
}

std::vector<std::string> names_of(const CLI::Option& option) {
  std::vector<std::string> names;
  for (const auto& s : option.get_snames()) names.push_back("-" + s);
  for (const auto& l : option.get_lnames()) names.push_back("--" + l);
  return names;
}

bool takes_value(const CLI::Option& option) { return option.get_type_size_max() > 0; }

// One bash word list per command: its flags, the flags that take a value,
// its subcommands, and whether it takes a positional (a file).
void bash_tables(const Commands& commands, std::ostream& out) {
  std::ostringstream opts, values, subs, files;
  for (const auto& [command, app] : commands) {
    std::string name = command.empty() ? "hardbisect" : "hardbisect " + command;  // bash keys are never empty
    std::string all, valued, children;
    for (const CLI::Option* option : flags_of(*app))
      for (const auto& flag : names_of(*option)) {
        all += flag + " ";
        if (takes_value(*option)) valued += flag + " ";
      }
    for (const CLI::App* sub : app->get_subcommands([](const CLI::App*) { return true; }))
      if (!sub->get_group().empty()) children += sub->get_name() + " ";
    bool positional = !app->get_options([](const CLI::Option* o) { return o->get_positional(); }).empty();
    opts << "  [\"" << name << "\"]=\"" << all << "\"\n";
    values << "  [\"" << name << "\"]=\"" << valued << "\"\n";
    subs << "  [\"" << name << "\"]=\"" << children << "\"\n";
    files << "  [\"" << name << "\"]=" << (positional ? 1 : 0) << "\n";
  }
  out << "declare -gA _hardbisect_opts=(\n" << opts.str() << ")\n";
  out << "declare -gA _hardbisect_values=(\n" << values.str() << ")\n";
  out << "declare -gA _hardbisect_subs=(\n" << subs.str() << ")\n";
  out << "declare -gA _hardbisect_files=(\n" << files.str() << ")\n";
}

// The completion function: walk the words to the innermost command, then
// offer a file after a flag that takes a value, flags after "-", else the
// command's subcommands (and files when it takes a positional).
constexpr const char* kBashFunction = R"(_hardbisect() {
  local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]} cmd=hardbisect i w
  for ((i = 1; i < COMP_CWORD; i++)); do
    w=${COMP_WORDS[i]}
    if [[ " ${_hardbisect_values[$cmd]} " == *" $w "* ]]; then ((i++)); continue; fi
    [[ $w == -* ]] && continue
    if [[ " ${_hardbisect_subs[$cmd]} " == *" $w "* ]]; then cmd="$cmd $w"; fi
  done
  if [[ " ${_hardbisect_values[$cmd]} " == *" $prev "* ]]; then
    compopt -o filenames 2>/dev/null
    mapfile -t COMPREPLY < <(compgen -f -- "$cur")
  elif [[ $cur == -* ]]; then
    mapfile -t COMPREPLY < <(compgen -W "${_hardbisect_opts[$cmd]}" -- "$cur")
  else
    mapfile -t COMPREPLY < <(compgen -W "${_hardbisect_subs[$cmd]}" -- "$cur")
    if [[ ${_hardbisect_files[$cmd]} == 1 ]]; then
      compopt -o filenames 2>/dev/null
      mapfile -t -O "${#COMPREPLY[@]}" COMPREPLY < <(compgen -f -- "$cur")
    fi
  fi
}
complete -F _hardbisect hardbisect
)";

void write_bash(const CLI::App& root, std::ostream& out) {
  Commands commands{{"", &root}};
  collect(root, "", commands);
  out << "# bash completion for hardbisect, written by `hardbisect completion bash`\n";
  bash_tables(commands, out);
  out << kBashFunction;
}

// roff within a line: a backslash is \e, a hyphen \- (as in a flag).
std::string roff(const std::string& text) {
  std::string out;
  for (char c : text)
    out += c == '\\' ? std::string("\\e") : c == '-' ? std::string("\\-") : std::string(1, c);
  return out;
}

// roff lines: each ends in a newline and none starts with a dot or a quote.
std::string roff_lines(const std::string& text) {
  std::string lines;
  std::istringstream in(roff(text));
  for (std::string line; std::getline(in, line);)
    lines += (line.empty() || (line[0] != '.' && line[0] != '\'') ? "" : "\\&") + line + "\n";
  return lines;
}

void man_options(const CLI::App& app, std::ostream& out) {
  for (const CLI::Option* option : app.get_options()) {
    std::string names = option->get_positional() ? option->get_name(true) : "";
    for (const auto& name : names_of(*option)) names += (names.empty() ? "" : ", ") + name;
    out << ".TP\n\\fB" << roff(names) << "\\fR";
    if (takes_value(*option) && !option->get_type_name().empty())
      out << " \\fI" << roff(option->get_type_name()) << "\\fR";
    out << "\n" << roff_lines(option->get_description());
  }
}

constexpr const char* kManTail = R"(.SH EXIT STATUS
.TP
0
nothing breaks (bisect, check), the command succeeded
.TP
1
a culprit was found, or a check failed
.TP
2
usage or scenario error: the message says what to fix
.TP
3
unresolved: the container could not show the answer (missing privilege, cgroup layout)
.TP
4
infrastructure: Podman, an image, a host, or the evidence failed; the service is not blamed
.SH ENVIRONMENT
.TP
HARDBISECT_CONNECTION
remote Podman connections to use, as with \-\-connection
.TP
HARDBISECT_IMAGES_DIR
the folder of image recipes (default: share/hardbisect/images beside the binary)
.TP
XDG_CACHE_HOME
the trial result cache is $XDG_CACHE_HOME/hardbisect (default ~/.cache/hardbisect)
.SH FILES
.TP
/usr/share/hardbisect/images
the image recipes
.TP
/usr/share/hardbisect/scenarios
example scenarios, and hardening templates in templates/
.TP
/run/hardbisect
the stages of running trials (0700, removed when a run ends)
.SH SEE ALSO
podman(1), systemd.exec(5), systemd.resource\-control(5), systemd\-analyze(1)
)";

void write_man(const CLI::App& root, std::ostream& out) {
  out << ".TH HARDBISECT 1 \"\" \"hardbisect " << HARDBISECT_VERSION << "\" \"User Commands\"\n"
      << ".SH NAME\nhardbisect \\- find which systemd hardening option breaks a service\n"
      << ".SH SYNOPSIS\n.B hardbisect\n[\\fIOPTIONS\\fR] \\fICOMMAND\\fR [\\fIARGS\\fR]\n"
      << ".SH DESCRIPTION\n"
      << roff_lines(root.get_description()) << ".SH OPTIONS\n";
  man_options(root, out);
  out << ".SH COMMANDS\n";
  Commands commands;
  collect(root, "", commands);
  for (const auto& [name, app] : commands) {
    if (app->get_group().empty()) continue;  // hidden
    out << ".SS \"hardbisect " << roff(name) << "\"\n" << roff_lines(app->get_description());
    man_options(*app, out);
  }
  out << kManTail;
}

const CLI::App& root_of(const CLI::App& app) {
  const CLI::App* at = &app;
  while (at->get_parent() != nullptr) at = at->get_parent();
  return *at;
}

}  // namespace

Action setup_completion(CLI::App& app) {
  auto shell = std::make_shared<std::string>();
  app.add_option("shell", *shell,
                 "The shell: bash (source the output, or install it as "
                 "/usr/share/bash-completion/completions/hardbisect)")
      ->required()
      ->check(CLI::IsMember({"bash"}));
  return [shell, &app](Context&) {
    write_bash(root_of(app), std::cout);
    return 0;
  };
}

Action setup_manpage(CLI::App& app) {
  return [&app](Context&) {
    write_man(root_of(app), std::cout);
    return 0;
  };
}

}  // namespace hb::cli
