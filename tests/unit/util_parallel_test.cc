#include <gtest/gtest.h>

#include <atomic>
#include <stdexcept>
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

}  // namespace
}  // namespace hb::util
