#include "runtime/reaper.h"

#include <filesystem>

#include "runtime/owner.h"

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

void Reaper::forget(ContainerRuntime* runtime) {
  std::lock_guard lock(m_mutex);
  for (auto it = m_live.begin(); it != m_live.end();)
    it = it->first == runtime ? m_live.erase(it) : std::next(it);
}

void Reaper::begin_stage() {
  while (!begin_create()) std::this_thread::sleep_for(std::chrono::hours(1));
}

bool Reaper::begin_create() {
  std::lock_guard lock(m_mutex);
  if (m_closing) return false;
  ++m_creating;
  return true;
}

void Reaper::end_create(ContainerRuntime* runtime, const std::string& id) {
  std::unique_lock lock(m_mutex);
  if (!id.empty() && m_closing) {
    // Still counted as creating while podman removes it: shutdown() waits
    // for this removal, and the process exits only after it.
    lock.unlock();
    runtime->remove(id);
    lock.lock();
    ++m_removed_at_create;
  } else if (!id.empty()) {
    m_live.insert({runtime, id});
  }
  --m_creating;
  lock.unlock();
  m_created.notify_all();
}

int Reaper::shutdown(std::chrono::milliseconds wait) {
  {
    std::unique_lock lock(m_mutex);
    m_closing = true;
    m_created.wait_for(lock, wait, [this] { return m_creating == 0; });
  }
  int removed = remove_all();
  {
    std::lock_guard lock(m_mutex);
    removed += m_removed_at_create;
  }
  try {
    remove_stage_folders(stage_root(), true);
  } catch (const std::exception&) {
    // No stage folder can exist where none can be made.
  }
  return removed;
}

std::vector<std::string> collect_garbage(ContainerRuntime& runtime, Garbage what, const std::string& run_id) {
  std::string filter = run_id.empty() ? std::string(kLabel) + "=1" : "io.hardbisect.run=" + run_id;
  std::vector<std::string> removed;
  for (const auto& [id, owner] : runtime.list_owners(filter)) {
    if (what == Garbage::Orphans && owner_liveness(owner) != Liveness::Gone) continue;
    if (runtime.remove(id).ok()) removed.push_back(id);
  }
  return removed;
}

}  // namespace hb::runtime
