#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <string>

#include "trial/explain.h"
#include "trial/host_kernel_log.h"

namespace hb::trial {
namespace {

namespace fs = std::filesystem;

std::string audit(int pid, const std::string& comm, int syscall, std::uint32_t auid = 4294967295U) {
  return "audit: type=1326 audit(1795657377.141:4): auid=" + std::to_string(auid) +
         " uid=0 gid=0 ses=4294967295 pid=" + std::to_string(pid) + " comm=\"" + comm +
         "\" exe=\"/usr/sbin/" + comm + "\" sig=0 arch=c000003e syscall=" + std::to_string(syscall) +
         " compat=0 ip=0x7f18 code=0x7ffc0000";
}

// A /proc with the cgroup files of a few processes, as the host sees them.
class FakeProc : public ::testing::Test {
 protected:
  void SetUp() override {
    m_root = fs::temp_directory_path() / ("hb-proc-" + std::to_string(::getpid()));
    fs::create_directories(m_root);
    cgroup(100, "0::/libpod_parent/libpod-aaaa1111/system.slice/nginx.service\n");
    cgroup(200, "0::/libpod_parent/libpod-bbbb2222/system.slice/nginx.service\n");
  }
  void TearDown() override { fs::remove_all(m_root); }
  void cgroup(int pid, const std::string& text) {
    fs::create_directories(m_root / std::to_string(pid));
    std::ofstream(m_root / std::to_string(pid) / "cgroup") << text;
  }
  std::string root() const { return m_root.string(); }

 private:
  fs::path m_root;
};

TEST_F(FakeProc, ProcessOfThisContainerOrGone) {
  EXPECT_EQ(pid_in_container(100, "aaaa1111", root()), true);
  EXPECT_EQ(pid_in_container(200, "aaaa1111", root()), false);
  EXPECT_EQ(pid_in_container(300, "aaaa1111", root()), std::nullopt);  // gone
  EXPECT_EQ(pid_in_container(100, "", root()), std::nullopt);
}

TEST_F(FakeProc, RecordsOfAnotherLiveContainerAreLeftOut) {
  // Two trials of nginx side by side: the other container's logged calls
  // (pid 200) must not become this trial's (aaaa1111) explanation.
  const std::string oom = "Memory cgroup out of memory: Killed process 200 (nginx)";
  const std::string messages = audit(100, "nginx", 203) + "\n" + audit(200, "nginx", 39) + "\n" +
                               audit(300, "nginx", 160) + "\n" + oom + "\n";
  const std::string kept = own_kernel_messages(messages, "aaaa1111", std::nullopt, root());
  EXPECT_NE(kept.find("pid=100 "), std::string::npos);
  EXPECT_EQ(kept.find("pid=200 "), std::string::npos);
  EXPECT_NE(kept.find("pid=300 "), std::string::npos) << "a process that is gone cannot be told apart: kept";
  EXPECT_NE(kept.find(oom), std::string::npos);
}

TEST_F(FakeProc, AnotherTrialsTagLeavesItsRecordsOutEvenWhenItsProcessIsGone) {
  // Both containers run nginx and both nginx were killed (pids gone): only
  // the audit tag tells them apart.
  const std::uint32_t mine = kAuditTagFirst + 7;
  const std::uint32_t theirs = kAuditTagFirst + 8;
  const std::string messages = audit(400, "nginx", 116, theirs) + "\n" + audit(401, "nginx", 203, mine) +
                               "\n" + audit(402, "sed", 93, 1000) + "\n";
  const std::string kept = own_kernel_messages(messages, "aaaa1111", mine, root());
  EXPECT_EQ(kept.find("pid=400 "), std::string::npos);
  EXPECT_NE(kept.find("pid=401 "), std::string::npos);
  EXPECT_NE(kept.find("pid=402 "), std::string::npos)
      << "a process with a login of its own: not a trial's tag";
  // Untagged trials (a remote host, no CAP_AUDIT_CONTROL) still drop tagged ones.
  const std::string untagged = own_kernel_messages(messages, "aaaa1111", std::nullopt, root());
  EXPECT_EQ(untagged.find("pid=400 "), std::string::npos);
  EXPECT_EQ(untagged.find("pid=401 "), std::string::npos);
}

TEST(HostKernelLog, TagsAreInTheirRangeAndVary) {
  std::set<std::uint32_t> tags;
  for (int i = 0; i < 50; ++i) {
    const std::uint32_t tag = new_audit_tag();
    EXPECT_GE(tag, kAuditTagFirst);
    EXPECT_LT(tag - kAuditTagFirst, kAuditTagCount);
    tags.insert(tag);
  }
  EXPECT_GT(tags.size(), 45u);
}

TEST(HostKernelLog, ParsesTheAuditLoginUid) {
  EXPECT_EQ(parse_seccomp_record(audit(1, "sed", 93, kAuditTagFirst + 3))->auid, kAuditTagFirst + 3);
  EXPECT_EQ(parse_seccomp_record(audit(1, "sed", 93))->auid, std::nullopt) << "4294967295 is unset";
}

// A privileged container's own kernel section holds the whole host log
// since boot: earlier trials' records, tagged or not, are not this trial's.
TEST(HostKernelLog, KernelLinesKeepOnlyTheTrialsOwnRecords) {
  const std::uint32_t mine = kAuditTagFirst + 11;
  Evidence e;
  e.sections["kernel"] = audit(10, "sshd", 116, kAuditTagFirst + 12) + "\n" + audit(11, "sshd", 116) + "\n" +
                         "Memory cgroup out of memory: Killed process 9 (x)\n";
  e.sections["host_kernel"] = audit(12, "sshd", 161, mine) + "\n";
  e.sections[kAuditTag] = std::to_string(mine);
  std::vector<std::string> lines = kernel_lines(e);
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_NE(lines[0].find("out of memory"), std::string::npos);
  EXPECT_NE(lines[1].find("pid=12 "), std::string::npos);
  // Untagged (a remote host): every tagged record is another trial's.
  e.sections.erase(kAuditTag);
  lines = kernel_lines(e);
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_NE(lines[0].find("pid=11 "), std::string::npos);
}

TEST(HostKernelLog, SeccompKillIsTheServicesNotAnotherPrograms) {
  Evidence e;
  e.properties = {{"Id", "nginx.service"}, {"ExecMainCode", "1"}, {"ExecMainStatus", "1"}};
  e.sections["host_kernel"] =
      "audit: type=1326 audit(1.1:4): pid=14098 comm=\"sshd\" exe=\"/usr/sbin/sshd\" sig=31 arch=c000003e "
      "syscall=93 compat=0 ip=0x7f code=0x80000000\n";
  EXPECT_FALSE(seccomp_kill(e)) << "a kill of a program the service never ran is another container's";
}

}  // namespace
}  // namespace hb::trial
