#include <gtest/gtest.h>

#include "util/hash.h"

namespace hb::util {
namespace {

// Image tags and result-cache keys are made of these hashes: the values
// were printed by image::stable_hash before it moved here, and must never
// change (a change renames every image and empties every cache).
TEST(StableHash, KeepsTheValuesOfImageTagsAndCacheKeys) {
  EXPECT_EQ(stable_hash(""), "14650fb0739d0383");
  EXPECT_EQ(stable_hash("a"), "44bd8ad473cd9906");
  EXPECT_EQ(stable_hash("hardbisect"), "195e8ce461d1eecc");
  EXPECT_EQ(stable_hash("v3\ncontainerfile\nabc\n"), "fa27d18fa06425a1");
  EXPECT_EQ(stable_hash("ProtectSystem=strict \xe2\x9c\x93"), "09caa84fa429af94");
}

TEST(StableHash, InPiecesIsTheSameAsWhole) {
  const std::string text = "FROM hardbisect-base\nRUN apt-get install -y nginx\n";
  StableHash pieces;
  for (size_t at = 0; at < text.size(); at += 7) pieces.add(std::string_view(text).substr(at, 7));
  EXPECT_EQ(pieces.hex(), stable_hash(text));
  EXPECT_EQ(StableHash().hex(), stable_hash(""));
}

}  // namespace
}  // namespace hb::util
