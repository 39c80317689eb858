#include <gtest/gtest.h>

#include "trial/probes.h"

namespace hb::trial {
namespace {

options::Directive d(std::string key, std::string value) {
  return {"Service", std::move(key), std::move(value)};
}

Evidence with_mounts(const std::string& mountinfo) {
  Evidence e;
  e.sections["main_status"] =
      "NoNewPrivs:\t1\nSeccomp:\t2\nSeccomp_filters:\t3\nCapBnd:\t0000000000000001\nUmask:\t0022";
  e.sections["pid1_status"] = "NoNewPrivs:\t0\nSeccomp:\t2\nSeccomp_filters:\t1\nCapBnd:\t000001ffffffffff";
  e.sections["main_mountinfo"] = mountinfo;
  return e;
}

const char* kSharedRoot = "100 90 0:50 / / rw,relatime - overlay overlay rw\n";
const char* kStrictRoot =
    "100 90 0:50 / / ro,relatime - overlay overlay rw\n"
    "101 100 0:51 / /usr ro,relatime - overlay overlay rw\n"
    "102 100 0:52 /tmp/systemd-private-1234-demo.service-abc/tmp /tmp rw,nosuid - tmpfs tmpfs rw\n";

TEST(TrialProbes, ProtectSystemNeedsReadOnlyMounts) {
  EXPECT_FALSE(probe_directive(d("ProtectSystem", "strict"), with_mounts(kStrictRoot)));
  auto failure = probe_directive(d("ProtectSystem", "strict"), with_mounts(kSharedRoot));
  ASSERT_TRUE(failure);
  EXPECT_NE(failure->find("writable"), std::string::npos);
  EXPECT_FALSE(probe_directive(d("ProtectSystem", "no"), with_mounts(kSharedRoot)));
}

TEST(TrialProbes, PrivateTmpNeedsItsOwnTmp) {
  EXPECT_FALSE(probe_directive(d("PrivateTmp", "yes"), with_mounts(kStrictRoot)));
  EXPECT_TRUE(probe_directive(d("PrivateTmp", "yes"), with_mounts(kSharedRoot)));
}

TEST(TrialProbes, SeccompCountsFiltersBeyondPodmans) {
  Evidence e = with_mounts(kSharedRoot);
  EXPECT_FALSE(probe_directive(d("SystemCallFilter", "@system-service"), e));
  e.sections["main_status"] = "Seccomp:\t2\nSeccomp_filters:\t1";
  EXPECT_TRUE(probe_directive(d("SystemCallFilter", "@system-service"), e));
}

TEST(TrialProbes, CapabilitiesAndNoNewPrivs) {
  Evidence e = with_mounts(kSharedRoot);
  EXPECT_FALSE(probe_directive(d("NoNewPrivileges", "yes"), e));
  EXPECT_FALSE(probe_directive(d("CapabilityBoundingSet", "CAP_CHOWN"), e));
  EXPECT_TRUE(probe_directive(d("CapabilityBoundingSet", ""), e));  // still holds CAP_CHOWN
  EXPECT_EQ(capability_bit("CAP_SYS_ADMIN"), 21);
}

TEST(TrialProbes, ExitedServiceIsJudgedFromEvidenceAndSaysSo) {
  Evidence e;
  EnforcementReport report = check_enforcement({d("ProtectSystem", "strict")}, e);
  EXPECT_TRUE(report.not_enforced.empty());
  ASSERT_EQ(report.notes.size(), 1u);
  EXPECT_NE(report.notes[0].find("no running main process"), std::string::npos);
}

TEST(TrialProbes, CgroupLimitsReadLineByLine) {
  Evidence e = with_mounts(kSharedRoot);
  // What the driver prints at sys-admin on cgroup v1: the files are not
  // there, so both values are empty; "memory" is not TasksMax's limit.
  e.sections["main_limits"] = "pids \nmemory \n";
  auto tasks = probe_directive(d("TasksMax", "20"), e);
  ASSERT_TRUE(tasks);
  EXPECT_NE(tasks->find("unreadable"), std::string::npos) << *tasks;
  EXPECT_TRUE(probe_directive(d("MemoryMax", "50M"), e));
  e.sections["main_limits"] = "pids 20\nmemory 52428800\n";
  EXPECT_FALSE(probe_directive(d("TasksMax", "20"), e));
  EXPECT_FALSE(probe_directive(d("MemoryMax", "50M"), e));
  e.sections["main_limits"] = "pids max\nmemory 9223372036854771712\n";
  EXPECT_TRUE(probe_directive(d("TasksMax", "20"), e));
  EXPECT_TRUE(probe_directive(d("MemoryMax", "50M"), e));
}

}  // namespace
}  // namespace hb::trial

namespace hb::trial {
namespace {

TEST(TrialProbes, UnprobedOptionNeedsItsPrivilege) {
  Evidence e;
  e.sections["main_status"] = "NoNewPrivs:\t0";
  e.privilege = options::Privilege::SysAdmin;
  options::Directive cpu{"Service", "CPUQuota", "20%"};  // a cgroup limit: privileged, no probe of its own
  EnforcementReport low = check_enforcement({cpu}, e);
  ASSERT_EQ(low.not_enforced.size(), 1u);
  EXPECT_NE(low.not_enforced[0].find("privileged"), std::string::npos);
  e.privilege = options::Privilege::Privileged;
  EXPECT_TRUE(check_enforcement({cpu}, e).not_enforced.empty());
  // Not known (a cached result): no privilege is claimed either way.
  e.privilege.reset();
  EXPECT_TRUE(check_enforcement({cpu}, e).not_enforced.empty());
}

}  // namespace
}  // namespace hb::trial
