#pragma once
// What every subcommand shares: the global flags and the runtime built from them.
#include <iostream>
#include <memory>
#include <string>

#include "image/image_builder.h"
#include "report/status_printer.h"
#include "runtime/connection.h"
#include "runtime/doctor.h"
#include "runtime/podman_runtime.h"
#include "runtime/pool_runtime.h"
#include "runtime/process.h"
#include "util/terminal.h"

namespace hb::cli {

struct GlobalFlags {
  bool dry_run = false;  // print the podman argv instead of running it
  // podman --connection NAME, each a remote Podman host; several = a pool
  // (HARDBISECT_CONNECTION=a,b when none is given).
  std::vector<std::string> connections;
  bool quiet = false;
  // Colour in progress: auto (a terminal, NO_COLOR unset or empty, TERM not
  // dumb), always (even into a pipe), never.
  util::ColorMode color = util::ColorMode::Auto;
};

class Context {
 public:
  explicit Context(GlobalFlags flags);
  // Removes what is still in flight and waits for background removals while
  // the runtime they use is still alive (also when an error unwinds).
  ~Context();
  Context(const Context&) = delete;
  Context& operator=(const Context&) = delete;
  runtime::ContainerRuntime& runtime() { return *m_runtime; }
  runtime::ProcessRunner& runner() { return *m_runner; }
  image::ImageBuilder& images() { return *m_images; }
  const runtime::HostFacts& facts() const { return m_facts; }
  const runtime::HostFlags& host_flags() const { return m_host_flags; }
  const GlobalFlags& flags() const { return m_flags; }
  // The remote hosts (--connection), null when containers run here.
  runtime::PoolRuntime* pool() { return m_pool.get(); }
  // The i-th host of the pool, as Podman.
  runtime::PodmanRuntime& pool_host(size_t i) {
    return static_cast<runtime::PodmanRuntime&>(m_pool->host(i));
  }
  // The URI of a connection (`podman system connection list`); UserError
  // with the fix when there is no such connection.
  std::string connection_uri(const std::string& name);
  // The local Podman, where images are built (and sent to a pool's hosts).
  runtime::PodmanRuntime& local_runtime() { return *m_local; }
  // Fails with exit 4 and the fix when Podman cannot be used at all; then
  // removes what runs that ended left behind (unless `reap_orphans` is false).
  void require_podman(bool reap_orphans = true);
  // Job events: one printer on stderr, for every subcommand (a status line
  // on a terminal, --color, -q). log_status() is the same printer.
  job::Status& status() { return *m_status; }
  job::Status& log_status() { return *m_status; }
  // A progress line on stderr (dropped with -q).
  void log(const std::string& line) { m_status->info(line); }

 private:
  void remove_orphans();
  // Checks each connection exists and answers, and sizes its share.
  void connect_pool();
  GlobalFlags m_flags;
  runtime::HostFacts m_facts;
  runtime::HostFlags m_host_flags;
  std::unique_ptr<runtime::ProcessRunner> m_runner;
  std::unique_ptr<runtime::PodmanRuntime> m_local;
  std::unique_ptr<runtime::PoolRuntime> m_pool;
  runtime::ContainerRuntime* m_runtime = nullptr;
  bool m_pool_connected = false;
  std::vector<runtime::ConnectionEntry> m_known_connections;
  std::unique_ptr<image::ImageBuilder> m_images;
  std::unique_ptr<report::StatusPrinter> m_status;
};

}  // namespace hb::cli
