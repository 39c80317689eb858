#include "runtime/reaper.h"

namespace hb::runtime {

Reaper& Reaper::instance() {
  static Reaper reaper;
  return reaper;
}

void Reaper::track(ContainerRuntime* runtime, const std::string& id) {
  std::lock_guard lock(m_mutex);
  m_live.insert({runtime, id});
}

void Reaper::untrack(const std::string& id) {
  std::lock_guard lock(m_mutex);
  for (auto it = m_live.begin(); it != m_live.end();) {
    if (it->second == id)
      it = m_live.erase(it);
    else
      ++it;
  }
}

int Reaper::remove_all() {
  std::set<std::pair<ContainerRuntime*, std::string>> live;
  {
    std::lock_guard lock(m_mutex);
    live.swap(m_live);
  }
  for (const auto& [runtime, id] : live) runtime->remove(id);
  return static_cast<int>(live.size());
}

void Reaper::remove_later(ContainerRuntime* runtime, const std::string& id, std::function<void()> after) {
  std::thread worker([this, runtime, id, after = std::move(after)] {
    runtime->remove(id);
    untrack(id);
    if (after) after();
  });
  std::lock_guard lock(m_mutex);
  m_pending.push_back(std::move(worker));
}

void Reaper::drain() {
  std::vector<std::thread> pending;
  {
    std::lock_guard lock(m_mutex);
    pending.swap(m_pending);
  }
  for (auto& worker : pending) worker.join();
}

std::vector<std::string> collect_garbage(ContainerRuntime& runtime, const std::string& run_id) {
  std::string filter = run_id.empty() ? std::string(kLabel) + "=1" : "io.hardbisect.run=" + run_id;
  std::vector<std::string> ids = runtime.list(filter);
  for (const auto& id : ids) runtime.remove(id);
  return ids;
}

}  // namespace hb::runtime
