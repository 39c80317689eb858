#pragma once
// A work queue over indices: work(0) .. work(count - 1) on up to `threads`
// threads (in this thread when one is enough), each index once. The first
// exception stops handing out indices and is rethrown once every thread has
// ended.
#include <algorithm>
#include <atomic>
#include <cstddef>
#include <exception>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace hb::util {

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

}  // namespace hb::util
