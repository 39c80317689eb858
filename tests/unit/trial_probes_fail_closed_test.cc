// Every probe fails closed: evidence it cannot parse makes the option "not
// enforced" with the reason, never a silent default that reads as enforced.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include "fake_runtime.h"
#include "trial/probes.h"
#include "trial/trial_runner.h"

namespace hb::trial {
namespace {

options::Directive d(std::string key, std::string value) {
  return {"Service", std::move(key), std::move(value)};
}

// Evidence in which every probe below finds its option enforced.
Evidence enforced() {
  Evidence e;
  e.sections["main_status"] =
      "Umask:\t0027\nNoNewPrivs:\t1\nSeccomp:\t2\nSeccomp_filters:\t3\n"
      "CapBnd:\t0000000000000001\nCapAmb:\t0000000000000001";
  e.sections["pid1_status"] = "NoNewPrivs:\t0\nSeccomp:\t2\nSeccomp_filters:\t1\nCapBnd:\t000001ffffffffff";
  e.sections["main_mountinfo"] =
      "100 90 0:50 / / ro,relatime - overlay overlay rw\n"
      "101 100 0:51 / /usr ro,relatime - overlay overlay rw\n"
      "102 100 0:52 /tmp/systemd-private-1234-demo.service-abc/tmp /tmp rw,nosuid - tmpfs tmpfs rw\n"
      "103 100 0:53 / /home ro shared:5 - tmpfs tmpfs ro\n"
      "104 100 0:54 / /root ro - tmpfs tmpfs ro\n"
      "105 100 0:55 / /srv ro - tmpfs tmpfs ro\n"
      "106 100 0:56 / /dev ro,nosuid,noexec - tmpfs tmpfs rw,size=4096k,nr_inodes=65536,mode=755\n";
  e.sections["pid1_mountinfo"] =
      "20 1 0:40 / / rw,relatime - overlay overlay rw\n"
      "21 20 0:41 / /dev rw,nosuid - tmpfs tmpfs rw,size=65536k,mode=755\n";
  const char* kinds[] = {"ipc", "mnt", "net", "pid", "user", "uts"};
  std::string main_ns, pid1_ns;
  for (const char* kind : kinds) {
    main_ns += fmt::format("{0} {0}:[4026532{1}]\n", kind, std::string(kind).size() + 100);
    pid1_ns += fmt::format("{0} {0}:[4026531{1}]\n", kind, std::string(kind).size() + 100);
  }
  e.sections["main_ns"] = main_ns;
  e.sections["pid1_ns"] = pid1_ns;
  e.sections["main_limits"] = "memory 52428800\npids 20\n";
  e.sections["main_user"] = "demo\n";
  return e;
}

// One option per probe, each enforced in enforced().
const std::vector<options::Directive>& one_per_probe() {
  static const std::vector<options::Directive> all{d("NoNewPrivileges", "yes"),
                                                   d("SystemCallFilter", "@system-service"),
                                                   d("CapabilityBoundingSet", "CAP_CHOWN"),
                                                   d("ProtectClock", "yes"),
                                                   d("AmbientCapabilities", "CAP_CHOWN"),
                                                   d("ProtectSystem", "strict"),
                                                   d("ProtectHome", "yes"),
                                                   d("InaccessiblePaths", "/srv"),
                                                   d("ProtectKernelModules", "yes"),
                                                   d("PrivateTmp", "yes"),
                                                   d("PrivateDevices", "yes"),
                                                   d("PrivateMounts", "yes"),
                                                   d("PrivateIPC", "yes"),
                                                   d("PrivateNetwork", "yes"),
                                                   d("PrivatePIDs", "yes"),
                                                   d("PrivateUsers", "yes"),
                                                   d("ProtectHostname", "yes"),
                                                   d("MemoryMax", "50M"),
                                                   d("TasksMax", "20"),
                                                   d("User", "demo"),
                                                   d("DynamicUser", "yes"),
                                                   d("UMask", "0027")};
  return all;
}

// The option is reported not enforced, and the reason names what could not be read.
void expect_not_enforced(const options::Directive& directive, const Evidence& e, const std::string& why) {
  auto failure = probe_directive(directive, e);
  ASSERT_TRUE(failure) << directive.line() << " passed on unreadable evidence";
  EXPECT_NE(failure->find(directive.line()), std::string::npos) << *failure;
  EXPECT_NE(failure->find(why), std::string::npos) << *failure;
}

Evidence with(const std::string& section, const std::string& text) {
  Evidence e = enforced();
  e.sections[section] = text;
  return e;
}

// The main status with one field's line replaced (or dropped when `line` is empty).
Evidence with_status_field(const std::string& field, const std::string& line) {
  Evidence e = enforced();
  std::string& status = e.sections["main_status"];
  size_t at = status.find(field + ":");
  size_t end = status.find('\n', at);
  status.replace(at, end == std::string::npos ? std::string::npos : end + 1 - at,
                 line.empty() ? "" : line + "\n");
  return e;
}

TEST(TrialProbesFailClosed, EveryProbePassesOnGoodEvidence) {
  Evidence e = enforced();
  for (const auto& directive : one_per_probe())
    EXPECT_FALSE(probe_directive(directive, e)) << directive.line();
}

TEST(TrialProbesFailClosed, NoNewPrivs) {
  expect_not_enforced(d("NoNewPrivileges", "yes"), with_status_field("NoNewPrivs", "NoNewPrivs:\tmaybe"),
                      "NoNewPrivs: unreadable ('maybe')");
  expect_not_enforced(d("NoNewPrivileges", "yes"), with_status_field("NoNewPrivs", ""),
                      "NoNewPrivs: missing");
}

TEST(TrialProbesFailClosed, Seccomp) {
  expect_not_enforced(d("SystemCallFilter", "@system-service"),
                      with_status_field("Seccomp_filters", "Seccomp_filters:\tlots"),
                      "Seccomp_filters: unreadable");
  expect_not_enforced(d("SystemCallFilter", "@system-service"), with_status_field("Seccomp_filters", ""),
                      "Seccomp_filters: missing");
  expect_not_enforced(d("SystemCallFilter", "@system-service"), with("pid1_status", "Seccomp_filters:\t-"),
                      "Seccomp_filters: unreadable ('-')");
}

TEST(TrialProbesFailClosed, CapBoundingReadsGarbageAsNotEnforced) {
  // An unparsable CapBnd once read as 0: "holds nothing", so enforced.
  expect_not_enforced(d("CapabilityBoundingSet", "CAP_CHOWN"), with_status_field("CapBnd", "CapBnd:\tzz"),
                      "CapBnd: unreadable ('zz')");
  expect_not_enforced(d("CapabilityBoundingSet", ""), with_status_field("CapBnd", ""), "CapBnd: missing");
  expect_not_enforced(d("CapabilityBoundingSet", "CAP_CHOWN"), with("pid1_status", "CapBnd:\t0x1ff"),
                      "CapBnd: unreadable ('0x1ff')");
  expect_not_enforced(d("ProtectClock", "yes"), with_status_field("CapBnd", "CapBnd:\t"),
                      "CapBnd: unreadable ('')");
}

TEST(TrialProbesFailClosed, CapAmbient) {
  expect_not_enforced(d("AmbientCapabilities", "CAP_CHOWN"),
                      with_status_field("CapAmb", "CapAmb:\t00000000000000zz"), "CapAmb: unreadable");
  expect_not_enforced(d("AmbientCapabilities", "CAP_CHOWN"), with_status_field("CapAmb", ""),
                      "CapAmb: missing");
}

TEST(TrialProbesFailClosed, ReadOnlyPathsNeedReadableMountinfo) {
  std::string good = enforced().section("main_mountinfo");
  expect_not_enforced(d("ProtectSystem", "strict"),
                      with("main_mountinfo", good + "cat: /proc/42/mountinfo: gone\n"),
                      "mountinfo: unreadable line ('cat: /proc/42/mountinfo: gone')");
  expect_not_enforced(d("ProtectSystem", "strict"),
                      with("main_mountinfo", "100 90 0:50 / / ro,relatime overlay\n"),
                      "mountinfo: unreadable line");
  expect_not_enforced(d("ProtectSystem", "strict"), with("main_mountinfo", ""), "mountinfo is missing");
}

TEST(TrialProbesFailClosed, HiddenPaths) {
  expect_not_enforced(d("ProtectHome", "yes"), with("main_mountinfo", "x y z\n"),
                      "mountinfo: unreadable line");
  expect_not_enforced(d("InaccessiblePaths", "/srv"), with("main_mountinfo", ""), "mountinfo is missing");
  expect_not_enforced(d("ProtectKernelModules", "yes"), with("main_ns", "mnt\n"),
                      "main_ns: unreadable line ('mnt')");
}

TEST(TrialProbesFailClosed, PrivateTmp) {
  expect_not_enforced(d("PrivateTmp", "yes"),
                      with("main_mountinfo", "102 100 0:52 /tmp/systemd-private-x /tmp\n"),
                      "mountinfo: unreadable line");
}

TEST(TrialProbesFailClosed, PrivateDevicesAndMountNamespace) {
  expect_not_enforced(d("PrivateDevices", "yes"), with("main_ns", ""), "main_ns is missing");
  expect_not_enforced(d("PrivateDevices", "yes"), with("pid1_mountinfo", ""), "PID 1's mountinfo is missing");
  expect_not_enforced(d("PrivateDevices", "yes"), with("pid1_mountinfo", "21 20 0:41 /dev\n"),
                      "mountinfo: unreadable line");
  expect_not_enforced(d("PrivateDevices", "yes"), with_status_field("CapBnd", "CapBnd:\tzz"), "CapBnd");
  expect_not_enforced(d("PrivateMounts", "yes"), with("pid1_ns", "mnt 4026531840\n"),
                      "pid1_ns: unreadable line");
}

TEST(TrialProbesFailClosed, Namespaces) {
  for (const auto& directive : {d("PrivateIPC", "yes"), d("PrivateNetwork", "yes"), d("PrivatePIDs", "yes"),
                                d("PrivateUsers", "yes"), d("ProtectHostname", "yes")}) {
    expect_not_enforced(directive, with("main_ns", "readlink: Permission denied\n"),
                        "main_ns: unreadable line");
    expect_not_enforced(directive, with("pid1_ns", ""), "pid1_ns is missing");
  }
}

TEST(TrialProbesFailClosed, CgroupLimits) {
  expect_not_enforced(d("MemoryMax", "50M"), with("main_limits", "memory cat: permission denied\npids 20\n"),
                      "memory limit is unreadable ('cat: permission denied')");
  expect_not_enforced(d("TasksMax", "20"), with("main_limits", "memory 52428800\npids 2O\n"),
                      "pids limit is unreadable ('2O')");
  expect_not_enforced(d("TasksMax", "20"), with("main_limits", ""), "no pids cgroup limit found");
}

TEST(TrialProbesFailClosed, User) {
  expect_not_enforced(d("User", "demo"), with("main_user", ""), "user is unreadable");
  expect_not_enforced(d("User", "1000"), with("main_user", ""), "user is unreadable");
  expect_not_enforced(d("DynamicUser", "yes"), with("main_user", "error: no such process\n"),
                      "user is unreadable");
}

TEST(TrialProbesFailClosed, Umask) {
  expect_not_enforced(d("UMask", "0027"), with_status_field("Umask", "Umask:\t0o27"),
                      "Umask: unreadable ('0o27')");
  expect_not_enforced(d("UMask", "0027"), with_status_field("Umask", ""), "Umask: missing");
  expect_not_enforced(d("UMask", "0027"), with_status_field("Umask", "Umask:\t0022"), "umask is 0022");
}

TEST(TrialProbesFailClosed, MissingStatusSectionIsNotEnforced) {
  Evidence e = enforced();
  e.sections.erase("pid1_status");
  expect_not_enforced(d("CapabilityBoundingSet", "CAP_CHOWN"), e, "/proc/1/status is missing");
  expect_not_enforced(d("SystemCallFilter", "@system-service"), e, "/proc/1/status is missing");
}

TEST(TrialProbesFailClosed, GarbageCapBndMakesTheTrialUnresolved) {
  hb::testing::FakeRuntime fake;
  fake.rule = [](const std::string&) {
    hb::testing::FakeTrial t;
    t.main_status = "NoNewPrivs:\t1\nSeccomp:\t2\nSeccomp_filters:\t2\nCapBnd:\tzz";
    return t;
  };
  TrialPlan plan;
  plan.image = "localhost/hardbisect-bookworm:abc";
  plan.service.unit = "demo.service";
  plan.workload.command = "true";
  plan.run_id = "test";
  TrialRunner runner(fake, plan, check_enforcement);
  TrialResult result = runner.run({d("CapabilityBoundingSet", "CAP_CHOWN")});
  EXPECT_EQ(result.verdict, Verdict::Unresolved);
  EXPECT_EQ(result.cause, Cause::NotEnforced);
  EXPECT_NE(result.reason.find("CapabilityBoundingSet=CAP_CHOWN: CapBnd: unreadable ('zz')"),
            std::string::npos)
      << result.reason;

  // The same trial with a readable bounding set that holds only CAP_CHOWN passes.
  fake.rule = [](const std::string&) {
    hb::testing::FakeTrial t;
    t.main_status = "NoNewPrivs:\t1\nSeccomp:\t2\nSeccomp_filters:\t2\nCapBnd:\t0000000000000001";
    return t;
  };
  EXPECT_EQ(runner.run({d("CapabilityBoundingSet", "CAP_CHOWN")}).verdict, Verdict::Pass);
}

}  // namespace
}  // namespace hb::trial
