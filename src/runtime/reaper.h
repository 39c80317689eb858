#pragma once
// Containers in flight, removed on every way out: normal end, exception,
// SIGINT/SIGTERM (the harness's signal thread calls remove_all), and `gc`
// for anything a killed process left behind (found by label).
#include <mutex>
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

 private:
  std::mutex m_mutex;
  std::set<std::pair<ContainerRuntime*, std::string>> m_live;
};

// Removes all containers carrying hardbisect's label (optionally only one
// run's, label io.hardbisect.run=RUN). Returns the ids removed.
std::vector<std::string> collect_garbage(ContainerRuntime& runtime, const std::string& run_id = {});

}  // namespace hb::runtime
