// Probes judge each option in the context of the whole applied set
// (options::interactions()): evidence hand-written from real trials on
// bookworm (systemd 252), then the same through the fake runtime.
#include <gtest/gtest.h>

#include "fake_runtime.h"
#include "options/catalogue.h"
#include "runtime/reaper.h"
#include "trial/probes.h"
#include "trial/trial_runner.h"

namespace hb::trial {
namespace {

using hb::testing::FakeRuntime;

options::Directive d(std::string key, std::string value) {
  return {"Service", std::move(key), std::move(value)};
}

Evidence with_mounts(const std::string& mountinfo) {
  Evidence e;
  e.sections["main_status"] =
      "NoNewPrivs:\t1\nSeccomp:\t2\nSeccomp_filters:\t3\nCapBnd:\t0000000000000001\nUmask:\t0022";
  e.sections["pid1_status"] = "NoNewPrivs:\t0\nSeccomp:\t2\nSeccomp_filters:\t1\nCapBnd:\t000001ffffffffff";
  e.sections["main_mountinfo"] = mountinfo;
  e.sections["main_user"] = "root";
  e.sections["main_ns"] = "mnt mnt:[4026532001]\npid pid:[4026531836]\n";
  e.sections["pid1_ns"] = "mnt mnt:[4026531841]\npid pid:[4026531836]\n";
  return e;
}

// From a real trial (bookworm, sys-admin) with ProcSubset=pid,
// ProtectKernelTunables=yes, ProtectHome=tmpfs, InaccessiblePaths=/usr/share,
// ProtectSystem=strict, ReadWritePaths=/var/lib, TemporaryFileSystem=/opt.
const char* kRealContext =
    "392 348 0:47 / / ro,relatime shared:84 - overlay overlay rw,lowerdir=/l\n"
    "393 392 0:40 / /sys ro,nosuid,nodev,noexec,relatime shared:114 - sysfs sysfs ro\n"
    "413 392 0:41 / /tmp ro,nosuid,nodev,relatime shared:137 - tmpfs tmpfs rw\n"
    "414 392 0:46 / /run rw,nosuid,nodev,relatime shared:138 - tmpfs tmpfs rw\n"
    "436 392 0:79 / /dev ro,nosuid,noexec shared:150 - tmpfs tmpfs rw,size=4096k,nr_inodes=65536,mode=755\n"
    "425 392 0:80 / /home rw,relatime shared:161 - tmpfs tmpfs rw\n"
    "426 392 0:81 / /opt rw,nodev shared:162 - tmpfs tmpfs rw,size=2468412k,nr_inodes=409600,mode=755\n"
    "417 392 0:82 / /proc rw,nosuid,nodev,noexec,relatime shared:163 - proc proc rw,subset=pid\n"
    "418 392 0:83 / /root rw,relatime shared:164 - tmpfs tmpfs rw\n"
    "421 414 0:84 / /run/user rw,relatime shared:143 - tmpfs tmpfs rw\n"
    "427 392 0:46 /systemd/inaccessible/dir /usr/share ro,nosuid,nodev,noexec,relatime shared:165 - tmpfs "
    "tmpfs rw\n"
    "428 392 0:47 /var/lib /var/lib rw,relatime shared:166 - overlay overlay rw,lowerdir=/l\n";

const std::vector<options::Directive> kRealSet = {d("ProcSubset", "pid"),
                                                  d("ProtectKernelTunables", "yes"),
                                                  d("ProtectHome", "tmpfs"),
                                                  d("InaccessiblePaths", "/usr/share"),
                                                  d("ReadOnlyPaths", "/usr/share/doc"),
                                                  d("ProtectSystem", "strict"),
                                                  d("ReadWritePaths", "/var/lib"),
                                                  d("TemporaryFileSystem", "/opt")};

TEST(TrialProbesContext, TheRealSetIsEnforcedAsAWhole) {
  EnforcementReport report = check_enforcement(kRealSet, with_mounts(kRealContext));
  EXPECT_TRUE(report.not_enforced.empty()) << report.not_enforced.front();
}

// Under ProcSubset=pid there is no /proc/sys at all: stronger than read-only.
TEST(TrialProbesContext, ProcSubsetLeavesNoProcSysForProtectKernelTunables) {
  Evidence e = with_mounts(kRealContext);
  options::Directive tunables = d("ProtectKernelTunables", "yes");
  EXPECT_FALSE(probe_directive(tunables, {tunables, d("ProcSubset", "pid")}, e));
  // Alone (or with a /proc that is not subset=pid) /proc/sys must be read-only.
  auto alone = probe_directive(tunables, {tunables}, e);
  ASSERT_TRUE(alone);
  EXPECT_NE(alone->find("/proc/sys is writable"), std::string::npos);
  Evidence full_proc =
      with_mounts("1 0 0:1 / / rw - overlay overlay rw\n2 1 0:2 / /proc rw - proc proc rw\n");
  EXPECT_TRUE(probe_directive(tunables, {tunables, d("ProcSubset", "pid")}, full_proc));
}

// A path hidden by another directive counts as at least as strong as read-only.
TEST(TrialProbesContext, HiddenPathsCountAsReadOnly) {
  Evidence e = with_mounts(
      "1 0 0:1 / / rw - overlay overlay rw\n"
      "2 1 0:2 /systemd/inaccessible/dir /srv ro,nosuid - tmpfs tmpfs rw\n"
      "3 1 0:3 / /data rw,nodev - tmpfs tmpfs rw,mode=755\n");
  options::Directive ro_srv = d("ReadOnlyPaths", "/srv/www");
  EXPECT_FALSE(probe_directive(ro_srv, {ro_srv, d("InaccessiblePaths", "/srv")}, e));
  options::Directive ro_data = d("ReadOnlyPaths", "/data/db");
  EXPECT_FALSE(probe_directive(ro_data, {ro_data, d("TemporaryFileSystem", "/data")}, e));
  // The same tmpfs without a directive that puts it there proves nothing.
  EXPECT_TRUE(probe_directive(ro_data, {ro_data}, e));
  // InaccessiblePaths= under another hidden path is hidden too.
  options::Directive hide = d("InaccessiblePaths", "/data/secret");
  EXPECT_FALSE(probe_directive(hide, {hide, d("TemporaryFileSystem", "/data")}, e));
  EXPECT_TRUE(probe_directive(hide, {hide}, e));
}

TEST(TrialProbesContext, ReadWritePathsExemptsAPathUnderProtectSystemStrict) {
  Evidence e = with_mounts(
      "1 0 0:1 / / ro - overlay overlay rw\n"
      "2 1 0:1 /var /var rw - overlay overlay rw\n");
  options::Directive strict = d("ProtectSystem", "strict");
  EXPECT_FALSE(probe_directive(strict, {strict, d("ReadWritePaths", "/var")}, e));
  EXPECT_FALSE(probe_directive(strict, {strict, d("ReadWritePaths", "-/var")}, e));
  auto without = probe_directive(strict, {strict}, e);
  ASSERT_TRUE(without);
  EXPECT_NE(without->find("/var is writable"), std::string::npos);
  // Exempting /var/lib does not exempt /var.
  EXPECT_TRUE(probe_directive(strict, {strict, d("ReadWritePaths", "/var/lib")}, e));
}

TEST(TrialProbesContext, ProtectHomeTmpfsAndReadOnlyAreProbedForWhatTheySay) {
  Evidence tmpfs = with_mounts(kRealContext);
  EXPECT_FALSE(probe_directive(d("ProtectHome", "tmpfs"), tmpfs));
  Evidence ro = with_mounts(
      "1 0 0:1 / / rw - overlay overlay rw\n2 1 0:1 /home /home ro - overlay overlay rw\n"
      "3 1 0:1 /root /root ro - overlay overlay rw\n");
  EXPECT_FALSE(probe_directive(d("ProtectHome", "read-only"), ro));
  Evidence rw = with_mounts(
      "1 0 0:1 / / rw - overlay overlay rw\n2 1 0:1 /home /home rw - overlay overlay rw\n"
      "3 1 0:1 /root /root rw - overlay overlay rw\n");
  EXPECT_TRUE(probe_directive(d("ProtectHome", "read-only"), rw));
  // Hidden under ProtectSystem=strict's read-only root is read-only too.
  Evidence strict = with_mounts("1 0 0:1 / / ro - overlay overlay rw\n");
  EXPECT_FALSE(probe_directive(d("ProtectHome", "read-only"), strict));
}

// DynamicUser=yes implies ProtectSystem=strict and PrivateTmp=yes: probed
// through them as well as the user.
TEST(TrialProbesContext, DynamicUserIsProbedThroughWhatItImplies) {
  Evidence e = with_mounts(
      "1 0 0:1 / / ro - overlay overlay rw\n"
      "2 1 0:2 /systemd-private-abc-demo.service-x/tmp /tmp rw - tmpfs tmpfs rw\n");
  e.sections["main_user"] = "demo";
  options::Directive dynamic = d("DynamicUser", "yes");
  EXPECT_FALSE(probe_directive(dynamic, {dynamic}, e));
  Evidence shared = with_mounts("1 0 0:1 / / ro - overlay overlay rw\n2 1 0:2 / /tmp rw - tmpfs tmpfs rw\n");
  shared.sections["main_user"] = "demo";
  auto no_tmp = probe_directive(dynamic, {dynamic}, shared);
  ASSERT_TRUE(no_tmp);
  EXPECT_NE(no_tmp->find("implies PrivateTmp=yes"), std::string::npos) << *no_tmp;
  Evidence writable = with_mounts(
      "1 0 0:1 / / rw - overlay overlay rw\n"
      "2 1 0:2 /systemd-private-abc-demo.service-x/tmp /tmp rw - tmpfs tmpfs rw\n");
  writable.sections["main_user"] = "demo";
  auto no_strict = probe_directive(dynamic, {dynamic}, writable);
  ASSERT_TRUE(no_strict);
  EXPECT_NE(no_strict->find("implies ProtectSystem=strict"), std::string::npos) << *no_strict;
}

// Measured (bookworm, sys-admin): under PrivateUsers=yes the service's
// bounding set starts full in its own user namespace, wider than PID 1's;
// CapabilityBoundingSet=~CAP_NET_RAW was reported "not enforced" against
// PID 1's set. Against every capability it is judged by what it dropped.
TEST(TrialProbesContext, PrivateUsersMeasuresTheBoundingSetAgainstEveryCapability) {
  Evidence e = with_mounts(kRealContext);
  // Full (41 capabilities) minus CAP_NET_RAW (13), CAP_MKNOD (27), CAP_SYS_RAWIO (17).
  e.sections["main_status"] = "CapBnd:\t000001fff7fddfff\nCapAmb:\t0000000000000000";
  e.sections["pid1_status"] = "CapBnd:\t00000000a82425fb";  // podman's default set + SYS_ADMIN
  e.sections["main_ns"] = "mnt mnt:[4026532001]\nuser user:[4026532009]\n";
  e.sections["pid1_ns"] = "mnt mnt:[4026531841]\nuser user:[4026531837]\n";
  options::Directive caps = d("CapabilityBoundingSet", "~CAP_NET_RAW");
  options::Directive users = d("PrivateUsers", "yes");
  EXPECT_FALSE(probe_directive(caps, {caps, users}, e));
  EXPECT_FALSE(probe_directive(users, {caps, users}, e));
  // Without PrivateUsers= the same set is wider than PID 1's: not enforced.
  EXPECT_TRUE(probe_directive(caps, {caps}, e));
  // Under PrivateUsers= a capability the line drops and the service holds is still caught.
  e.sections["main_status"] = "CapBnd:\t000001ffffffffff\nCapAmb:\t0000000000000000";
  auto held = probe_directive(caps, {caps, users}, e);
  ASSERT_TRUE(held);
  EXPECT_NE(held->find("0x2000"), std::string::npos) << *held;
  // PrivateUsers=identity (systemd 257) makes a user namespace as well; probed, not trusted.
  e.sections["main_ns"] = "mnt mnt:[4026532001]\nuser user:[4026531837]\n";
  EXPECT_TRUE(probe_directive(d("PrivateUsers", "identity"), {d("PrivateUsers", "identity")}, e));
  EXPECT_FALSE(probe_directive(d("PrivateUsers", "no"), {d("PrivateUsers", "no")}, e));
}

// PrivateDevices=yes: a /dev of its own (the measured one: a new 4 MiB
// tmpfs) and CAP_MKNOD/CAP_SYS_RAWIO dropped; DeviceAllow= beside it changes
// nothing the probe reads; PID 1's /dev or a kept CAP_MKNOD is not enforced.
TEST(TrialProbesContext, PrivateDevicesWithDeviceAllowIsAPrivateDevAndNoRawDevices) {
  Evidence e = with_mounts(kRealContext);
  e.sections["pid1_mountinfo"] =
      "300 1 0:47 / / rw,relatime - overlay overlay rw,lowerdir=/l\n"
      "301 300 0:5 / /dev rw,nosuid - tmpfs tmpfs rw,size=65536k,mode=755\n";
  options::Directive devices = d("PrivateDevices", "yes");
  const std::vector<options::Directive> set{devices, d("DeviceAllow", "/dev/fuse rw")};
  EXPECT_FALSE(probe_directive(devices, set, e));
  EXPECT_FALSE(probe_directive(devices, {devices}, e));
  Evidence shared = e;
  shared.sections["pid1_mountinfo"] =
      "300 1 0:47 / / rw,relatime - overlay overlay rw,lowerdir=/l\n"
      "301 300 0:79 / /dev rw,nosuid - tmpfs tmpfs rw,size=4096k\n";
  auto same_dev = probe_directive(devices, set, shared);
  ASSERT_TRUE(same_dev);
  EXPECT_NE(same_dev->find("/dev is PID 1's"), std::string::npos) << *same_dev;
  Evidence mknod = e;
  mknod.sections["main_status"] = "CapBnd:\t0000000008000000";
  auto raw = probe_directive(devices, set, mknod);
  ASSERT_TRUE(raw);
  EXPECT_NE(raw->find("CAP_MKNOD"), std::string::npos) << *raw;
  // AmbientCapabilities=CAP_SYS_RAWIO beside PrivateDevices=yes: systemd drops it
  // from the bounding set, so no ambient one outlives it: judged against that set.
  options::Directive ambient = d("AmbientCapabilities", "CAP_SYS_RAWIO CAP_CHOWN");
  e.sections["main_status"] = "CapBnd:\t0000000000000001\nCapAmb:\t0000000000000001";
  EXPECT_FALSE(probe_directive(ambient, {ambient, devices}, e));
  e.sections["main_status"] = "CapBnd:\t0000000000000001\nCapAmb:\t0000000000000000";
  EXPECT_TRUE(probe_directive(ambient, {ambient, devices}, e));
}

TEST(TrialProbesContext, TheCatalogueNamesEveryInteractionTheProbesUse) {
  for (const auto& i : options::interactions()) {
    EXPECT_TRUE(options::find_directive(i.directive)) << i.directive;
    EXPECT_TRUE(options::find_directive(i.other)) << i.other;
    EXPECT_FALSE(i.why.empty());
  }
  EXPECT_EQ(options::interactions_of("ProtectKernelTunables", "ProcSubset").size(), 1u);
  EXPECT_FALSE(options::interactions_of("PrivateDevices", "DeviceAllow").empty());
  EXPECT_FALSE(options::interactions_of("CapabilityBoundingSet", "PrivateUsers").empty());
  EXPECT_FALSE(options::interactions_of("AmbientCapabilities", "PrivateDevices").empty());
  // Not an interaction: the hiding directive must be one the catalogue lists.
  EXPECT_TRUE(options::interactions_of("ProtectKernelTunables", "ReadWritePaths").empty());
}

// The fake acts like systemd: ProcSubset=pid leaves /proc without /proc/sys,
// InaccessiblePaths= mounts an inaccessible node. Whole trials are not
// UNRESOLVED for what the set does as a whole.
TEST(TrialProbesContext, OnTheFakeRuntimeTheSetIsJudgedAsAWhole) {
  FakeRuntime fake;
  TrialPlan plan;
  plan.image = "localhost/hardbisect-bookworm:abc";
  plan.privilege = options::Privilege::SysAdmin;
  plan.service.unit = "demo.service";
  plan.service.unit_file = "[Service]\nExecStart=/bin/sleep infinity\n";
  plan.workload.command = "true";
  plan.run_id = "test";
  TrialRunner runner(fake, plan, check_enforcement);
  TrialResult result =
      runner.run({d("ProcSubset", "pid"), d("ProtectKernelTunables", "yes"), d("InaccessiblePaths", "/srv"),
                  d("ReadOnlyPaths", "/srv/www"), d("ProtectSystem", "strict"), d("ReadWritePaths", "/var"),
                  d("PrivateDevices", "yes"), d("ProtectHome", "tmpfs")});
  EXPECT_EQ(result.verdict, Verdict::Pass) << result.reason;
  result = runner.run(
      {d("PrivateDevices", "yes"), d("CapabilityBoundingSet", "~CAP_NET_RAW"), d("PrivateUsers", "yes")});
  EXPECT_EQ(result.verdict, Verdict::Pass) << result.reason;
  // A /proc/sys systemd left writable is still caught, ProcSubset=pid or not.
  fake.rule = [](const std::string&) {
    hb::testing::FakeTrial t;
    t.skipped = {"ProcSubset=pid", "ProtectKernelTunables=yes"};
    return t;
  };
  result = runner.run({d("ProcSubset", "pid"), d("ProtectKernelTunables", "yes")});
  EXPECT_EQ(result.verdict, Verdict::Unresolved) << result.reason;
  EXPECT_NE(result.reason.find("ProtectKernelTunables=yes: /proc/sys is writable"), std::string::npos)
      << result.reason;
  runtime::Reaper::instance().drain();
}

}  // namespace
}  // namespace hb::trial
