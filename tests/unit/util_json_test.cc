#include <gtest/gtest.h>

#include "util/json.h"

namespace hb::util {
namespace {

TEST(UtilJson, OptionalIsItsValueOrNull) {
  EXPECT_EQ(json_or_null(std::optional<int>(3)), nlohmann::json(3));
  EXPECT_TRUE(json_or_null(std::optional<double>()).is_null());
  EXPECT_EQ(optional_number<double>(nlohmann::json(2.5)), 2.5);
  EXPECT_FALSE(optional_number<double>(nlohmann::json(nullptr)));
  EXPECT_FALSE(optional_number<double>(nlohmann::json("2.5")));
}

}  // namespace
}  // namespace hb::util
