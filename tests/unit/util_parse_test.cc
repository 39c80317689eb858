#include <gtest/gtest.h>

#include "util/parse.h"
#include "util/strings.h"

namespace hb::util {
namespace {

TEST(UtilParse, NumbersParseAndGarbageDoesNot) {
  EXPECT_EQ(parse_int("42"), 42);
  EXPECT_EQ(parse_int("-7"), -7);
  EXPECT_EQ(parse_int("+3"), 3);
  EXPECT_FALSE(parse_int(""));
  EXPECT_FALSE(parse_int("12a"));
  EXPECT_FALSE(parse_int(" 12"));
  EXPECT_FALSE(parse_int("99999999999999999999999"));
  EXPECT_FALSE(parse_unsigned("-1"));
  EXPECT_EQ(parse_hex("000001ffffffffff"), 0x1ffffffffffULL);
  EXPECT_FALSE(parse_hex("zz"));
  EXPECT_FALSE(parse_hex(""));
  EXPECT_EQ(parse_double("9.6"), 9.6);
  EXPECT_FALSE(parse_double("9.6x"));
  EXPECT_FALSE(parse_double("nan?"));
}

TEST(UtilStrings, TrimAndWords) {
  EXPECT_EQ(trim("  a b \t\n"), "a b");
  EXPECT_EQ(trim(" \t "), "");
  EXPECT_EQ(words("  ~ptrace   ~process_vm_readv\t~x "),
            (std::vector<std::string>{"~ptrace", "~process_vm_readv", "~x"}));
  EXPECT_TRUE(words("").empty());
}

}  // namespace
}  // namespace hb::util
