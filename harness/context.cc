#include "context.h"

#include <fmt/format.h>

#include <cstdlib>
#include <filesystem>
#include <iostream>

#include "runtime/owner.h"
#include "runtime/reaper.h"
#include "util/error.h"

namespace hb::cli {

Context::Context(GlobalFlags flags) : m_flags(std::move(flags)) {
  m_status = std::make_unique<report::StatusPrinter>(std::cout, m_flags.quiet);
  m_log_status = std::make_unique<report::StatusPrinter>(std::cerr, m_flags.quiet);
  m_facts = runtime::read_host_facts();
  m_host_flags = runtime::choose_host_flags(m_facts);
  m_host_flags.connection = m_flags.connection;
  if (m_host_flags.connection.empty())
    if (const char* connection = std::getenv("HARDBISECT_CONNECTION")) m_host_flags.connection = connection;
  if (m_flags.dry_run)
    m_runner = std::make_unique<runtime::DryRunProcessRunner>(std::cout);
  else
    m_runner = std::make_unique<runtime::SystemProcessRunner>();
  m_runtime = std::make_unique<runtime::PodmanRuntime>(*m_runner, m_host_flags);
  m_images = std::make_unique<image::ImageBuilder>(*m_runtime, *m_runner, image::default_images_dir(),
                                                   [this](const std::string& line) { log(line); });
}

Context::~Context() {
  runtime::Reaper::instance().remove_all();
  runtime::Reaper::instance().drain();
}

void Context::require_podman(bool reap_orphans) {
  runtime::ProcessResult version = m_runtime->version();
  if (version.not_found)
    throw InfraError(
        "podman is not installed (not found on PATH)",
        "install it with: apt-get install podman runc (or run ci/setup), then `hardbisect doctor`");
  if (!version.ok())
    throw InfraError("podman does not work here: " + version.summary(),
                     "run `hardbisect doctor` for the details");
  if (reap_orphans && !m_flags.dry_run) remove_orphans();
}

// What runs that ended (killed, crashed, a lost machine) left: containers
// whose owner process is gone and stage folders of dead pids. Never another
// live run's (runtime/owner.h).
void Context::remove_orphans() {
  size_t containers = runtime::collect_garbage(*m_runtime, runtime::Garbage::Orphans).size();
  int folders = runtime::remove_stage_folders(std::filesystem::temp_directory_path().string(), false);
  if (containers > 0 || folders > 0)
    m_log_status->note(fmt::format("removed {} container(s) and {} stage folder(s) left by runs that ended",
                                   containers, folders));
}

}  // namespace hb::cli
