// The data folder is found from the binary's own place: an installed prefix
// or a build tree, never a fixed path.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "util/install.h"

namespace hb::util {
namespace {

namespace fs = std::filesystem;

class UtilInstall : public ::testing::Test {
 protected:
  void SetUp() override {
    m_root = fs::temp_directory_path() / ("hb-install-" + std::to_string(::getpid()));
    fs::remove_all(m_root);
  }
  void TearDown() override { fs::remove_all(m_root); }
  fs::path m_root;
};

TEST_F(UtilInstall, AnInstalledBinaryReadsItsPrefixsShare) {
  fs::create_directories(m_root / "usr/bin");
  fs::create_directories(m_root / "usr/share/hardbisect/images");
  EXPECT_EQ(data_dir_of((m_root / "usr/bin/hardbisect").string()),
            (m_root / "usr/share/hardbisect").string());
}

TEST_F(UtilInstall, ABuildTreeBinaryReadsTheShareBesideIt) {
  fs::create_directories(m_root / "build/share/hardbisect");
  fs::create_directories(m_root / "build/tests");
  EXPECT_EQ(data_dir_of((m_root / "build/hardbisect").string()),
            (m_root / "build/share/hardbisect").string());
  EXPECT_EQ(data_dir_of((m_root / "build/tests/unit_tests").string()),
            (m_root / "build/share/hardbisect").string());
}

TEST_F(UtilInstall, NoDataFolderIsNone) {
  fs::create_directories(m_root / "bin");
  EXPECT_EQ(data_dir_of((m_root / "bin/hardbisect").string()), std::nullopt);
  EXPECT_EQ(data_dir_of(""), std::nullopt);
}

TEST_F(UtilInstall, ThisTestBinaryFindsTheBuildTreesData) {
  auto dir = data_dir();
  ASSERT_TRUE(dir.has_value());
  EXPECT_TRUE(fs::exists(*dir + "/images/base/packages.txt"));
}

}  // namespace
}  // namespace hb::util
