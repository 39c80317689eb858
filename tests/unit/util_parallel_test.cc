#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <vector>

#include "util/parallel.h"

namespace hb::util {
namespace {

TEST(UtilParallel, EachIndexOnceOnEveryThreadCount) {
  for (int threads : {1, 2, 8}) {
    std::vector<std::atomic<int>> seen(50);
    for_each_index(seen.size(), threads, [&](std::size_t i) { ++seen[i]; });
    for (const auto& s : seen) EXPECT_EQ(s.load(), 1) << threads << " thread(s)";
  }
  for_each_index(0, 4, [](std::size_t) { ADD_FAILURE() << "no index"; });
}

TEST(UtilParallel, TheFirstErrorStopsNewIndicesAndIsRethrown) {
  std::atomic<int> ran{0};
  EXPECT_THROW(for_each_index(100, 1,
                              [&](std::size_t i) {
                                ++ran;
                                if (i == 3) throw std::runtime_error("boom");
                              }),
               std::runtime_error);
  EXPECT_EQ(ran.load(), 4);
}

// Work that holds a gate open until the test lets it end, counting how
// many run at once.
struct Gate {
  std::mutex mutex;
  std::condition_variable opened;
  bool open = false;
  std::atomic<int> now{0};
  std::atomic<int> most{0};
  int pass(int value) {
    const int running = ++now;
    for (int seen = most; running > seen && !most.compare_exchange_weak(seen, running);) {
    }
    std::unique_lock<std::mutex> lock(mutex);
    opened.wait(lock, [&] { return open; });
    --now;
    return value;
  }
  void release() {
    {
      const std::lock_guard<std::mutex> lock(mutex);
      open = true;
    }
    opened.notify_all();
  }
};

TEST(UtilParallel, BackgroundRunsAtMostItsLimitAndHandsEachResultOnce) {
  Gate gate;
  Background<int> work(2);
  std::vector<int> tickets;
  for (int i = 0; i < 5; ++i) tickets.push_back(work.start([&gate, i] { return gate.pass(i * 10); }));
  while (gate.now < 2) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  EXPECT_EQ(gate.now.load(), 2) << "the rest wait for a slot";
  gate.release();
  EXPECT_EQ(work.wait(tickets[3]), 30);  // in any order
  EXPECT_EQ(work.wait(tickets[0]), 0);
  EXPECT_THROW(work.wait(tickets[0]), std::logic_error);  // once
  EXPECT_EQ(gate.most.load(), 2);
  EXPECT_EQ(work.running(), 3u);  // not yet taken: the destructor waits for them
}

TEST(UtilParallel, BackgroundRethrowsAtWaitAndTheOthersGoOn) {
  Background<int> work(2);
  const int bad = work.start([]() -> int { throw std::runtime_error("boom"); });
  const int good = work.start([] { return 7; });
  EXPECT_THROW(work.wait(bad), std::runtime_error);
  EXPECT_EQ(work.wait(good), 7);
}

}  // namespace
}  // namespace hb::util
