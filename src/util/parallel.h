#pragma once
// Two ways to run work side by side: for_each_index for a batch whose end is
// waited for at once; Background for work whose results are taken one by one
// (an oracle's trials, started by the search and waited for when needed).
#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <exception>
#include <functional>
#include <future>
#include <map>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <vector>

namespace hb::util {

// A work queue over indices: work(0) .. work(count - 1) on up to `threads`
// threads (in this thread when one is enough), each index once. The first
// exception stops handing out indices and is rethrown once every thread has
// ended.
inline void for_each_index(std::size_t count, int threads, const std::function<void(std::size_t)>& work) {
  std::atomic<std::size_t> next{0};
  std::atomic<bool> stop{false};
  std::mutex error_mutex;
  std::exception_ptr error;
  auto worker = [&] {
    for (std::size_t i = next++; i < count && !stop; i = next++) {
      try {
        work(i);
      } catch (...) {
        const std::lock_guard<std::mutex> lock(error_mutex);
        if (!error) error = std::current_exception();
        stop = true;
      }
    }
  };
  const int used = std::clamp<int>(threads, 1, static_cast<int>(std::max<std::size_t>(count, 1)));
  if (used == 1) {
    worker();
  } else {
    std::vector<std::thread> workers;
    for (int t = 0; t < used; ++t) workers.emplace_back(worker);
    for (auto& w : workers) w.join();
  }
  if (error) std::rethrow_exception(error);
}

// Work started now and run on threads of its own, at most `limit` at once
// (the rest wait for a slot in the order they were started). Each result is
// taken once, by wait(ticket), which rethrows what the work threw. The
// destructor waits for work still running.
template <typename Result>
class Background {
 public:
  explicit Background(int limit = 1) : m_limit(std::max(1, limit)) {}
  ~Background() { m_running.clear(); }  // each future's destructor waits for its thread
  Background(const Background&) = delete;
  Background& operator=(const Background&) = delete;

  void set_limit(int limit) {
    const std::lock_guard<std::mutex> lock(m_mutex);
    m_limit = std::max(1, limit);
    m_freed.notify_all();
  }
  // The ticket is also the work's place in the queue for a slot.
  int start(std::function<Result()> work) {
    const int ticket = m_next++;
    m_running.emplace(ticket, std::async(std::launch::async, [this, ticket, work = std::move(work)] {
                        Slot slot(*this, ticket);
                        return work();
                      }));
    return ticket;
  }
  Result wait(int ticket) {
    auto it = m_running.find(ticket);
    if (it == m_running.end()) throw std::logic_error("Background::wait: unknown or taken ticket");
    std::future<Result> future = std::move(it->second);
    m_running.erase(it);
    return future.get();
  }
  std::size_t running() const { return m_running.size(); }

 private:
  // Held while the work runs: the oldest work waiting gets the next slot.
  struct Slot {
    Slot(Background& owner, int place) : m_owner(owner) {
      std::unique_lock<std::mutex> lock(owner.m_mutex);
      owner.m_freed.wait(lock, [&] { return owner.m_busy < owner.m_limit && owner.m_served == place; });
      ++owner.m_busy;
      ++owner.m_served;
      owner.m_freed.notify_all();
    }
    ~Slot() {
      const std::lock_guard<std::mutex> lock(m_owner.m_mutex);
      --m_owner.m_busy;
      m_owner.m_freed.notify_all();
    }
    Background& m_owner;
  };

  std::mutex m_mutex;
  std::condition_variable m_freed;
  int m_limit;
  int m_busy = 0;
  int m_served = 0;  // places handed a slot so far, in start order
  int m_next = 0;
  std::map<int, std::future<Result>> m_running;  // last: destroyed (waited for) first
};

}  // namespace hb::util
