#pragma once
// What every subcommand shares: the global flags and the runtime built from them.
#include <iostream>
#include <memory>
#include <string>

#include "image/image_builder.h"
#include "report/status_printer.h"
#include "runtime/doctor.h"
#include "runtime/podman_runtime.h"
#include "runtime/process.h"

namespace hb::cli {

struct GlobalFlags {
  bool dry_run = false;    // print the podman argv instead of running it
  std::string connection;  // podman --connection NAME (remote Podman host)
  bool quiet = false;
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
  // Fails with exit 4 and the fix when Podman cannot be used at all; then
  // removes what runs that ended left behind (unless `reap_orphans` is false).
  void require_podman(bool reap_orphans = true);
  // Job events: status() prints progress on stdout beside the report (run,
  // bisect, check, verify); log_status() on stderr (matrix, doctor, image).
  // Both honour -q.
  job::Status& status() { return *m_status; }
  job::Status& log_status() { return *m_log_status; }
  // A progress line on stderr (dropped with -q).
  void log(const std::string& line) { m_log_status->info(line); }

 private:
  void remove_orphans();
  GlobalFlags m_flags;
  runtime::HostFacts m_facts;
  runtime::HostFlags m_host_flags;
  std::unique_ptr<runtime::ProcessRunner> m_runner;
  std::unique_ptr<runtime::PodmanRuntime> m_runtime;
  std::unique_ptr<image::ImageBuilder> m_images;
  std::unique_ptr<report::StatusPrinter> m_status;
  std::unique_ptr<report::StatusPrinter> m_log_status;
};

}  // namespace hb::cli
