#include <gtest/gtest.h>

#include "util/edit_distance.h"

namespace hb::util {

TEST(UtilEditDistance, CountsEdits) {
  EXPECT_EQ(edit_distance("kitten", "sitting"), 3);
  EXPECT_EQ(edit_distance("", "abc"), 3);
  EXPECT_EQ(edit_distance("Workload", "workload"), 0);
}

TEST(UtilEditDistance, SuggestsCloseWordsOnly) {
  std::vector<std::string> keys{"image", "service", "workload", "options", "expect"};
  EXPECT_EQ(did_you_mean("workloda", keys), "workload");
  EXPECT_EQ(did_you_mean("servce", keys), "service");
  EXPECT_EQ(did_you_mean("zzzzzzzz", keys), "");
}

}  // namespace hb::util
