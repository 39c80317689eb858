#include "context.h"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <iostream>

#include "runtime/connection.h"
#include "runtime/owner.h"
#include "runtime/reaper.h"
#include "util/edit_distance.h"
#include "util/error.h"
#include "util/strings.h"

namespace hb::cli {

namespace {
// stdout is the result; progress, notes and warnings go to stderr, with a
// status line when stderr is a terminal.
std::unique_ptr<report::StatusPrinter> make_printer(const GlobalFlags& flags) {
  const util::TerminalFacts facts = util::terminal_facts(STDERR_FILENO);
  report::PrinterOptions options;
  options.quiet = flags.quiet;
  options.color = util::use_color(flags.color, facts);
  options.live = util::use_live_line(facts);
  options.width = [] { return util::terminal_width(STDERR_FILENO); };
  options.ticker = true;
  return std::make_unique<report::StatusPrinter>(std::cerr, options);
}
}  // namespace

Context::Context(GlobalFlags flags) : m_flags(std::move(flags)) {
  m_status = make_printer(m_flags);
  m_facts = runtime::read_host_facts();
  m_host_flags = runtime::choose_host_flags(m_facts);
  std::vector<std::string> connections = runtime::split_connections(m_flags.connections);
  if (connections.empty())
    if (const char* names = std::getenv("HARDBISECT_CONNECTION"))
      connections = runtime::split_connections({names});
  if (m_flags.dry_run)
    m_runner = std::make_unique<runtime::DryRunProcessRunner>(std::cout);
  else
    m_runner = std::make_unique<runtime::SystemProcessRunner>();
  m_local = std::make_unique<runtime::PodmanRuntime>(*m_runner, m_host_flags);
  m_runtime = m_local.get();
  // Not empty = remote: the stage is copied in, and the result cache keys on it.
  m_host_flags.connection = util::join(connections, ",");
  std::vector<runtime::PoolHost> hosts;
  for (const auto& name : connections) {
    runtime::HostFlags flags = m_host_flags;
    flags.connection = name;
    hosts.push_back({name, std::make_unique<runtime::PodmanRuntime>(*m_runner, flags)});
  }
  if (!hosts.empty()) {
    m_pool = std::make_unique<runtime::PoolRuntime>(
        std::move(hosts), [this](const std::string& line) { m_status->warning(line); });
    m_runtime = m_pool.get();
  }
  m_images = std::make_unique<image::ImageBuilder>(*m_local, *m_runner, image::default_images_dir(),
                                                   [this](const std::string& line) { log(line); });
  if (m_pool) {
    std::vector<image::ImageHost> image_hosts;
    for (size_t i = 0; i < m_pool->size(); ++i) image_hosts.push_back({m_pool->name(i), &m_pool->host(i)});
    m_images->set_hosts(std::move(image_hosts));
  }
}

Context::~Context() {
  runtime::Reaper::instance().remove_all();
  runtime::Reaper::instance().drain();
  if (!m_pool || !m_pool_connected) return;
  std::vector<int> counts = m_pool->created_counts();
  std::vector<std::string> shares;
  for (size_t i = 0; i < counts.size(); ++i)
    shares.push_back(fmt::format("{} {}{}", m_pool->name(i), counts[i], m_pool->lost(i) ? " (lost)" : ""));
  if (std::any_of(counts.begin(), counts.end(), [](int n) { return n > 0; }))
    m_status->info("containers per host: " + util::join(shares, ", "));
}

std::string Context::connection_uri(const std::string& name) {
  if (m_known_connections.empty()) {
    runtime::ProcessResult listed = m_runner->run(
        {m_host_flags.podman, "system", "connection", "list", "--format", "json"}, std::chrono::seconds(60));
    m_known_connections = runtime::parse_connection_list(listed.out);
  }
  std::vector<std::string> names;
  for (const auto& entry : m_known_connections) {
    if (entry.name == name) return entry.uri;
    names.push_back(entry.name);
  }
  std::string suggestion = util::did_you_mean(name, names);
  throw UserError("unknown Podman connection '" + name + "'",
                  (suggestion.empty() ? std::string() : "did you mean '" + suggestion + "'? ") +
                      "add it with `podman system connection add " + name +
                      " ssh://root@HOST/run/podman/podman.sock` (or unix:///PATH.sock); known: " +
                      (names.empty() ? std::string("none") : util::join(names, ", ")));
}

void Context::connect_pool() {
  std::vector<std::string> shares;
  for (size_t i = 0; i < m_pool->size(); ++i) {
    const std::string& name = m_pool->name(i);
    std::string uri = connection_uri(name);
    runtime::ProcessResult info = pool_host(i).info();
    std::optional<runtime::PodmanInfo> facts =
        info.ok() ? runtime::parse_podman_info(info.out) : std::nullopt;
    if (!facts)
      throw InfraError(
          "the Podman service of connection " + name + " (" + uri + ") does not answer: " + info.summary(),
          "start it on that host, e.g. `podman --runtime runc system service --time=0 " + uri +
              "`, then check it with `hardbisect --connection " + name + " doctor`");
    bool same_kernel = runtime::same_kernel(uri);
    m_pool->configure(i, runtime::host_slots(facts->cpus, facts->mem_total), same_kernel);
    shares.push_back(fmt::format("{} ({} at a time, {} cores)", name, m_pool->slots(i), facts->cpus));
  }
  m_status->info("Podman hosts: " + util::join(shares, ", "));
}

void Context::require_podman(bool reap_orphans) {
  if (m_pool && !m_flags.dry_run && !m_pool_connected) {
    connect_pool();
    m_pool_connected = true;
  }
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
  int folders = 0;
  for (const auto& dir : runtime::stage_sweep_folders()) folders += runtime::remove_stage_folders(dir, false);
  if (containers > 0 || folders > 0)
    m_status->note(fmt::format("removed {} container(s) and {} stage folder(s) left by runs that ended",
                               containers, folders));
}

}  // namespace hb::cli
