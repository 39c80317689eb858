#pragma once
// Containers in flight, removed on every way out: normal end, exception,
// SIGINT/SIGTERM (the harness's signal thread calls remove_all), and `gc`
// for anything a killed process left behind (found by label).
#include <functional>
#include <mutex>
#include <thread>
#include <vector>
#include <set>
#include <string>

#include "runtime/container_runtime.h"

namespace hb::runtime {

class Reaper {
 public:
  static Reaper& instance();
  void track(ContainerRuntime* runtime, const std::string& id);
  void untrack(const std::string& id);
  // Removes every tracked container; returns how many.
  int remove_all();
  // Removes the container in the background (the next trial need not wait
  // for `podman rm`), then runs `after` (e.g. deletes its staging folder).
  // It stays tracked until removed, so an interrupt still removes it.
  void remove_later(ContainerRuntime* runtime, const std::string& id, std::function<void()> after);
  // Waits for every background removal; call before the process ends.
  void drain();

 private:
  std::mutex m_mutex;
  std::set<std::pair<ContainerRuntime*, std::string>> m_live;
  std::vector<std::thread> m_pending;
};

// Removes all containers carrying hardbisect's label (optionally only one
// run's, label io.hardbisect.run=RUN). Returns the ids removed.
std::vector<std::string> collect_garbage(ContainerRuntime& runtime, const std::string& run_id = {});

}  // namespace hb::runtime
