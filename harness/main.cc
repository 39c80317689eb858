// hardbisect: find which systemd hardening option breaks a service.
#include <signal.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <iostream>
#include <thread>

#include "commands.h"
#include "flags.h"
#include "runtime/reaper.h"
#include "util/edit_distance.h"
#include "util/error.h"
#include "util/files.h"
#include "util/strings.h"

namespace {

using hb::cli::Action;

struct Subcommand {
  const char* name;
  const char* help;
  Action (*setup)(CLI::App&);
  bool hidden = false;  // not in --help (the build's own tools)
};

// The table of subcommands, in the order `--help` lists them.
const Subcommand kSubcommands[] = {
    {"run", "Run the baseline and the full option set on a service and print both verdicts",
     hb::cli::setup_run},
    {"bisect", "Find which options (or combinations) break the service, and the safe template",
     hb::cli::setup_bisect},
    {"verify", "Bisect every scenario that states expect_culprits and compare the answers",
     hb::cli::setup_verify},
    {"check",
     "Apply a hardening template to a service; if it breaks it, name the culprits and the safe subset",
     hb::cli::setup_check},
    {"harden",
     "Find the most hardened drop-in the service still works with, from the strictest template, verified",
     hb::cli::setup_harden},
    {"matrix",
     "Run scenarios x templates x images (parallel, shardable); one row per cell, regressions flagged",
     hb::cli::setup_matrix},
    {"report", "Work on saved results: `report merge` joins the JSON results of matrix shards",
     hb::cli::setup_report},
    {"validate",
     "Check scenarios and templates (keys, types, directive names for the image's systemd) without "
     "starting anything; exit 0 when all are valid, 2 otherwise",
     hb::cli::setup_validate},
    {"doctor", "Check this host: Podman, OCI runtime, cgroups, rlimits, privileges", hb::cli::setup_doctor},
    {"image", "Build or list the trial images (Debian base with systemd, plus packages)",
     hb::cli::setup_image},
    {"gc", "Remove containers (and with --images, images) that hardbisect left behind", hb::cli::setup_gc},
    {"completion", "Print the bash completion script (installed with hardbisect)", hb::cli::setup_completion},
    {"manpage", "Print the man page in roff", hb::cli::setup_manpage, true},
};

// SIGINT/SIGTERM: a handler only writes to a pipe; this thread removes the
// containers in flight and ends the process with 128+signal.
int g_signal_pipe[2] = {-1, -1};

void on_signal(int signal) {
  unsigned char byte = static_cast<unsigned char>(signal);
  [[maybe_unused]] ssize_t ignored = write(g_signal_pipe[1], &byte, 1);
}

void install_signal_handlers() {
  if (pipe(g_signal_pipe) != 0) return;
  std::thread([] {
    unsigned char signal = 0;
    if (read(g_signal_pipe[0], &signal, 1) != 1) return;
    std::cerr << "\nhardbisect: interrupted, removing containers in flight..." << std::endl;
    int removed = hb::runtime::Reaper::instance().shutdown(std::chrono::seconds(20));
    std::cerr << "hardbisect: removed " << removed << " container(s)" << std::endl;
    _exit(128 + signal);
  }).detach();
  struct sigaction action {};
  action.sa_handler = on_signal;
  sigemptyset(&action.sa_mask);
  sigaction(SIGINT, &action, nullptr);
  sigaction(SIGTERM, &action, nullptr);
  sigaction(SIGHUP, &action, nullptr);
}

void check_subcommand(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    std::string word = argv[i];
    if (word.empty() || word[0] == '-') {
      if (word == "--connection" || word == "--color") ++i;  // skip a global option's value
      continue;
    }
    std::vector<std::string> names;
    for (const auto& sub : kSubcommands) names.push_back(sub.name);
    if (std::find(names.begin(), names.end(), word) != names.end()) return;
    std::string suggestion = hb::util::did_you_mean(word, names);
    throw hb::UserError("unknown command '" + word + "'", suggestion.empty()
                                                              ? "see `hardbisect --help`"
                                                              : "did you mean '" + suggestion + "'?");
  }
}

// stdout is the result: a report written to "-" is the only thing on
// standard output (the summary goes to stderr), and only one report can be.
void reports_on_stdout(const CLI::App& command, std::vector<std::string>& to_stdout) {
  std::vector<std::string> flags = hb::cli::output_flag_names();
  flags.emplace_back("--out");  // harden's drop-in
  for (const auto& name : flags) {
    const CLI::Option* option = command.get_option_no_throw(name);
    if (option == nullptr) continue;
    for (const auto& value : option->results())
      if (value == "-") to_stdout.push_back(name);
  }
  for (const CLI::App* sub : command.get_subcommands()) reports_on_stdout(*sub, to_stdout);
}

void route_reports_to_stdout(const CLI::App& command) {
  std::vector<std::string> to_stdout;
  reports_on_stdout(command, to_stdout);
  if (to_stdout.size() > 1)
    throw hb::UserError(
        "only one report can go to standard output, not " + hb::util::join(to_stdout, " and "),
        "write the others to files");
  if (to_stdout.size() == 1) hb::util::keep_stdout_for_reports();
}

// --dry-run, --connection, -q, --color: before the subcommand, for all of them.
void add_global_flags(CLI::App& app, hb::cli::GlobalFlags& flags) {
  app.add_flag(
      "--dry-run", flags.dry_run,
      "Print the podman commands of one trial (the first the command would run) and exit 0; nothing runs");
  app.add_option(
         "--connection", flags.connections,
         "Run containers on a remote Podman host (podman --connection NAME); repeat it (or a,b) for a "
         "pool: each host takes a share from its cores and memory (default: $HARDBISECT_CONNECTION)")
      ->expected(1)
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  app.add_flag("-q,--quiet", flags.quiet, "No progress lines on stderr");
  app.add_option_function<std::string>(
         "--color",
         [&flags](const std::string& word) {
           flags.color = *hb::util::parse_name(hb::util::kColorModeNames, word);
         },
         "Colour PASS/FAIL/UNRESOLVED in progress: auto (stderr is a terminal, NO_COLOR unset or empty, "
         "TERM not dumb), always (even into a pipe) or never")
      ->check(CLI::IsMember({"auto", "always", "never"}))
      ->default_str("auto");
}

int run_cli(int argc, char** argv) {
  CLI::App app{
      "hardbisect: find which systemd hardening option breaks a service.\n"
      "Boots real systemd in Podman containers, applies hardening options and runs the\n"
      "service's workload. Exit codes: 0 nothing breaks, 1 culprit found / check failed,\n"
      "2 usage or scenario error, 3 unresolved, 4 infrastructure."};
  app.require_subcommand(1);
  app.set_version_flag("--version", HARDBISECT_VERSION);
  hb::cli::GlobalFlags flags;
  add_global_flags(app, flags);

  std::vector<std::pair<CLI::App*, Action>> actions;
  for (const auto& sub : kSubcommands) {
    CLI::App* command = app.add_subcommand(sub.name, sub.help);
    if (sub.hidden) command->group("");
    actions.emplace_back(command, sub.setup(*command));
  }

  try {
    check_subcommand(argc, argv);
    try {
      app.parse(argc, argv);
    } catch (const CLI::CallForHelp& e) {
      return app.exit(e);
    } catch (const CLI::CallForAllHelp& e) {
      return app.exit(e);
    } catch (const CLI::Success& e) {
      return app.exit(e);
    } catch (const CLI::ParseError& e) {
      throw hb::UserError(e.what(), "see `hardbisect --help` or `hardbisect COMMAND --help`");
    }
    install_signal_handlers();
    for (auto& [command, action] : actions)
      if (command->parsed()) route_reports_to_stdout(*command);
    hb::cli::Context context(flags);
    for (auto& [command, action] : actions) {
      if (!command->parsed()) continue;
      int code = action(context);
      hb::runtime::Reaper::instance().drain();
      return code;
    }
    return hb::kExitUsage;
  } catch (const hb::UserError& e) {
    std::cerr << "hardbisect: error: " << e.what() << "\n";
    if (!e.hint().empty()) std::cerr << "hint: " << e.hint() << "\n";
    hb::runtime::Reaper::instance().remove_all();
    hb::runtime::Reaper::instance().drain();
    return e.exit_code();
  } catch (const std::exception& e) {
    std::cerr << "hardbisect: internal error: " << e.what() << "\n";
    hb::runtime::Reaper::instance().remove_all();
    hb::runtime::Reaper::instance().drain();
    return hb::kExitInfra;
  }
}

}  // namespace

int main(int argc, char** argv) {
  // Nothing escapes main: CLI11's setup can throw before run_cli's own handlers.
  try {
    return run_cli(argc, argv);
  } catch (const std::exception& e) {
    std::fputs("hardbisect: internal error: ", stderr);
    std::fputs(e.what(), stderr);
    std::fputs("\n", stderr);
  } catch (...) {
    std::fputs("hardbisect: internal error\n", stderr);
  }
  return hb::kExitInfra;
}
