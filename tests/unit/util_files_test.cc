#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <thread>

#include "util/error.h"
#include "util/files.h"

namespace hb::util {
namespace {

namespace fs = std::filesystem;

class UtilFiles : public ::testing::Test {
 protected:
  void SetUp() override {
    m_dir = fs::temp_directory_path() / ("hb-files-test-" + std::to_string(getpid()));
    fs::create_directories(m_dir);
  }
  void TearDown() override { fs::remove_all(m_dir); }
  std::string at(const std::string& name) const { return (m_dir / name).string(); }
  fs::path m_dir;
};

TEST_F(UtilFiles, RegularFileIsReplacedWhole) {
  write_file_atomically(at("r.json"), "old");
  write_file_atomically(at("r.json"), "new");
  EXPECT_EQ(read_file(at("r.json")), "new");
  EXPECT_EQ(std::distance(fs::directory_iterator(m_dir), fs::directory_iterator()), 1);  // no temp left
}

TEST_F(UtilFiles, SymlinkIsFollowedAndKept) {
  write_file_atomically(at("target.json"), "old");
  fs::create_symlink("target.json", at("link.json"));
  write_file_atomically(at("link.json"), "new");
  EXPECT_TRUE(fs::is_symlink(at("link.json")));
  EXPECT_EQ(read_file(at("target.json")), "new");
}

TEST_F(UtilFiles, FifoIsWrittenNotReplaced) {
  // A FIFO stands in for a device such as /dev/null: written through, never renamed over.
  ASSERT_EQ(mkfifo(at("pipe").c_str(), 0600), 0);
  std::string got;
  std::thread reader([&] { got = read_file(at("pipe")); });
  write_file_atomically(at("pipe"), "report");
  reader.join();
  EXPECT_EQ(got, "report");
  EXPECT_TRUE(fs::is_fifo(at("pipe")));
}

TEST_F(UtilFiles, DevNullStaysACharacterDevice) {
  write_file_atomically("/dev/null", "report");
  struct stat info {};
  ASSERT_EQ(stat("/dev/null", &info), 0);
  EXPECT_TRUE(S_ISCHR(info.st_mode));
}

TEST_F(UtilFiles, OutputPathsAreCheckedBeforeAnyWork) {
  EXPECT_NO_THROW(check_writable(at("new.json"), "--json"));
  EXPECT_NO_THROW(check_writable("-", "--json"));
  EXPECT_NO_THROW(check_writable("/dev/null", "--json"));
  EXPECT_THROW(check_writable(at("missing/x.json"), "--json"), UserError);
  EXPECT_THROW(check_writable(m_dir.string(), "--json"), UserError);
  EXPECT_THROW(check_writable("", "--json"), UserError);
  try {
    check_writable("/nonexistent/x", "--safe-out");
    FAIL() << "no error";
  } catch (const UserError& e) {
    EXPECT_NE(std::string(e.what()).find("--safe-out"), std::string::npos);
    EXPECT_NE(e.hint().find("mkdir -p /nonexistent"), std::string::npos);
  }
}

// issue 20: the primitive under "a scenario reads only its own folder tree".
TEST_F(UtilFiles, ResolveBeneathFollowsSymlinksAndStaysInTheTree) {
  fs::create_directories(m_dir / "root/sub");
  fs::create_directories(m_dir / "rootx");
  std::ofstream(m_dir / "root/sub/f") << "x";
  std::ofstream(m_dir / "secret") << "x";
  fs::create_symlink(m_dir / "secret", m_dir / "root/out");
  fs::create_symlink("sub/f", m_dir / "root/in");
  fs::create_symlink("loop", m_dir / "root/loop");
  const std::string root = at("root");
  EXPECT_EQ(resolve_beneath(root, at("root/sub/f")), at("root/sub/f"));
  EXPECT_EQ(resolve_beneath(root, at("root/in")), at("root/sub/f"));
  EXPECT_EQ(resolve_beneath(root, at("root/missing/x")), at("root/missing/x"));
  EXPECT_EQ(resolve_beneath(root, root), root);
  EXPECT_EQ(resolve_beneath(root, at("root/out")), std::nullopt);
  EXPECT_EQ(resolve_beneath(root, at("root/../secret")), std::nullopt);
  EXPECT_EQ(resolve_beneath(root, at("rootx")), std::nullopt) << "a sibling sharing the prefix";
  EXPECT_EQ(resolve_beneath(root, "/etc/hostname"), std::nullopt);
  EXPECT_EQ(resolve_beneath(root, at("root/loop")), std::nullopt);
}

}  // namespace
}  // namespace hb::util
