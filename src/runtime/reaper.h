#pragma once
// Containers in flight, removed on every way out: normal end, exception,
// SIGINT/SIGTERM (the harness's signal thread calls remove_all), and `gc`
// for anything a killed process left behind (found by label).
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

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

  // Around every `podman create`: false once shutdown() began (no new
  // container then). end_create tracks the new container, or, when shutdown
  // began while podman was creating it, removes it before the create counts
  // as ended (shutdown waits for that removal too).
  bool begin_create();
  // Around making and writing a stage folder (StageWindow): counted like a
  // create, so shutdown() waits for it and then removes it (a write after
  // that sweep would make the folder again); once shutdown began the calling
  // thread parks until the process exits (a new trial would only leave a
  // folder behind).
  void begin_stage();
  void end_stage() { end_create(nullptr, {}); }
  // A runtime going away: its containers can no longer be removed through it.
  void forget(ContainerRuntime* runtime);
  void end_create(ContainerRuntime* runtime, const std::string& id);
  // SIGINT/SIGTERM: stops new creates, waits (at most `wait`) for creates in
  // flight, removes every tracked container and this run's stage folders.
  // Returns how many containers it removed.
  int shutdown(std::chrono::milliseconds wait);

 private:
  std::mutex m_mutex;
  std::condition_variable m_created;
  bool m_closing = false;
  int m_creating = 0;
  int m_removed_at_create = 0;  // created after shutdown() began, removed by end_create
  std::set<std::pair<ContainerRuntime*, std::string>> m_live;
  std::vector<std::thread> m_pending;
};

// What `gc` and the start of every run remove.
enum class Garbage {
  Orphans,  // containers whose owner process is gone (runtime/owner.h)
  All,      // every container with hardbisect's label (`gc --all`)
};
// Removes containers carrying hardbisect's label (optionally only one run's,
// label io.hardbisect.run=RUN). Returns the ids removed.
std::vector<std::string> collect_garbage(ContainerRuntime& runtime, Garbage what,
                                         const std::string& run_id = {});

// Reaper::begin_stage() for as long as it lives.
class StageWindow {
 public:
  StageWindow() { Reaper::instance().begin_stage(); }
  ~StageWindow() { Reaper::instance().end_stage(); }
  StageWindow(const StageWindow&) = delete;
  StageWindow& operator=(const StageWindow&) = delete;
};

}  // namespace hb::runtime
