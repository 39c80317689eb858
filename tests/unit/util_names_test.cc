#include <gtest/gtest.h>

#include "search/verdict.h"
#include "util/names.h"

namespace hb::util {
namespace {

enum class Colour { Red, Blue, Green };
inline constexpr auto kColourNames = std::to_array<EnumName<Colour>>({
    {Colour::Red, "red"},
    {Colour::Blue, "blue"},
    {Colour::Green, "green"},
});

TEST(Names, BothWays) {
  static_assert(name_of(kColourNames, Colour::Blue)[0] == 'b');
  for (const auto& entry : kColourNames) {
    EXPECT_EQ(parse_name(kColourNames, name_of(kColourNames, entry.value)), entry.value);
  }
  EXPECT_EQ(parse_name(kColourNames, "Red"), std::nullopt);  // exact words only
  EXPECT_EQ(parse_name(kColourNames, ""), std::nullopt);
  EXPECT_STREQ(name_of(kColourNames, static_cast<Colour>(7)), "?");
  EXPECT_EQ(names_text(kColourNames), "red, blue or green");
}

// The verdict's one spelling, as the JSON, JUnit, HTML and Markdown reports
// and the terminal print it.
TEST(Names, Verdict) {
  EXPECT_STREQ(search::verdict_name(search::Verdict::Pass), "pass");
  EXPECT_STREQ(search::verdict_name(search::Verdict::Fail), "fail");
  EXPECT_STREQ(search::verdict_name(search::Verdict::Unresolved), "unresolved");
  EXPECT_EQ(search::verdict_upper(search::Verdict::Unresolved), "UNRESOLVED");
}

}  // namespace
}  // namespace hb::util
