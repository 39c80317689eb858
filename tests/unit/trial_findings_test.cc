#include <gtest/gtest.h>

#include "fake_runtime.h"
#include "runtime/reaper.h"
#include "trial/findings.h"
#include "trial/probes.h"
#include "trial/trial_runner.h"

namespace hb::trial {
namespace {

using hb::testing::FakeRuntime;
namespace rules = hb::testing::rules;

options::Directive service(std::string key, std::string value) {
  return options::Directive{"Service", std::move(key), std::move(value)};
}

const options::Directive kSeedFilter =
    service("SystemCallFilter", "~ptrace ~process_vm_readv ~process_vm_writev");
const options::Directive kPrivatePids = service("PrivatePIDs", "yes");

// PID 1's lines as the driver collected them in real trials (`hardbisect
// run --option 'SystemCallFilter=~ptrace ~process_vm_readv ~process_vm_writev'
// --option PrivatePIDs=yes`): our drop-in holds them at lines 4 and 5.
Evidence real_252() {
  Evidence e;
  e.sections["systemd"] = "systemd 252 (252.39-1~deb12u1)";
  e.sections["pid1_dropin"] =
      "/run/systemd/generator.early/idle.service.d/50-hardbisect.conf:4: Failed to parse system call, "
      "ignoring: "
      "~process_vm_readv\n"
      "/run/systemd/generator.early/idle.service.d/50-hardbisect.conf:4: Failed to parse system call, "
      "ignoring: "
      "~process_vm_writev\n"
      "/run/systemd/generator.early/idle.service.d/50-hardbisect.conf:5: Unknown key 'PrivatePIDs' in "
      "section "
      "[Service], ignoring.\n";
  return e;
}

TEST(TrialFindings, TheRealSystemd252LinesOfSeed000) {
  std::vector<Finding> findings = find_ignored_lines(real_252(), {kSeedFilter, kPrivatePids});
  ASSERT_EQ(findings.size(), 2u);
  const Finding& filter = findings[0];
  EXPECT_EQ(filter.line, kSeedFilter.line());
  EXPECT_EQ(filter.ignored, (std::vector<std::string>{"~process_vm_readv", "~process_vm_writev"}));
  EXPECT_EQ(filter.systemd, 252);
  EXPECT_NE(filter.why.find("only a leading '~' inverts a list"), std::string::npos) << filter.why;
  // One `~name` per line: what the seed's author meant.
  EXPECT_EQ(filter.corrected,
            (std::vector<std::string>{"SystemCallFilter=~ptrace", "SystemCallFilter=~process_vm_readv",
                                      "SystemCallFilter=~process_vm_writev"}));
  EXPECT_EQ(filter.messages.size(), 2u);
  const Finding& pids = findings[1];
  EXPECT_EQ(pids.line, "PrivatePIDs=yes");
  EXPECT_TRUE(pids.whole_line());
  EXPECT_TRUE(pids.corrected.empty());
  EXPECT_EQ(pids.advice, "needs systemd 257: ignored on 252");
}

TEST(TrialFindings, TheRealSystemd257WordingIsReadToo) {
  Evidence e;
  e.sections["systemd"] = "systemd 257 (257.9-1~deb13u1)";
  e.sections["pid1_dropin"] =
      "/run/systemd/generator.early/idle.service.d/50-hardbisect.conf:4: System call ~process_vm_readv is "
      "not "
      "known, ignoring.\n"
      "/run/systemd/generator.early/idle.service.d/50-hardbisect.conf:4: System call ~process_vm_writev is "
      "not "
      "known, ignoring.\n";
  std::vector<Finding> findings = find_ignored_lines(e, {kSeedFilter, kPrivatePids});
  ASSERT_EQ(findings.size(), 1u);
  EXPECT_EQ(findings[0].ignored, (std::vector<std::string>{"~process_vm_readv", "~process_vm_writev"}));
  EXPECT_EQ(findings[0].corrected.size(), 3u);
  EXPECT_EQ(findings[0].systemd, 257);
}

TEST(TrialFindings, SystemdsReadingDropsIgnoredLinesAndParts) {
  std::vector<Finding> findings = find_ignored_lines(real_252(), {kSeedFilter, kPrivatePids});
  std::vector<options::Directive> read =
      as_systemd_reads({kSeedFilter, kPrivatePids, service("NoNewPrivileges", "yes")}, findings);
  ASSERT_EQ(read.size(), 2u);
  EXPECT_EQ(read[0].line(), "SystemCallFilter=~ptrace");
  EXPECT_EQ(read[1].line(), "NoNewPrivileges=yes");
}

TEST(TrialFindings, WholeValuesUnknownNamesAndAllowLists) {
  // "Failed to parse protect system value, ignoring: bogus" (252) and
  // "Failed to parse ProtectSystem=bogus, ignoring: Invalid argument" (257): the whole line.
  options::Directive bogus = service("ProtectSystem", "bogus");
  for (const char* message : {"Failed to parse protect system value, ignoring: bogus",
                              "Failed to parse ProtectSystem=bogus, ignoring: Invalid argument"}) {
    Evidence e;
    e.sections["pid1_dropin"] = std::string("/run/x.service.d/50-hardbisect.conf:4: ") + message;
    auto findings = find_ignored_lines(e, {bogus});
    ASSERT_EQ(findings.size(), 1u) << message;
    EXPECT_TRUE(findings[0].whole_line()) << message;
    EXPECT_TRUE(as_systemd_reads({bogus}, findings).empty());
  }
  // A name systemd does not know: the line without it.
  options::Directive unknown = service("SystemCallFilter", "~ptrace no_such_call");
  Evidence e;
  e.sections["pid1_dropin"] =
      "/run/x.service.d/50-hardbisect.conf:4: Failed to parse system call, ignoring: no_such_call";
  auto findings = find_ignored_lines(e, {unknown});
  ASSERT_EQ(findings.size(), 1u);
  EXPECT_EQ(findings[0].corrected, std::vector<std::string>{"SystemCallFilter=~ptrace"});
  EXPECT_NE(findings[0].why.find("does not know no_such_call"), std::string::npos) << findings[0].why;
  // An allow list with a '~' inside: the list, then one deny line.
  options::Directive mixed = service("SystemCallFilter", "@system-service ~ptrace");
  e.sections["pid1_dropin"] =
      "/run/x.service.d/50-hardbisect.conf:4: Failed to parse system call, ignoring: ~ptrace";
  findings = find_ignored_lines(e, {mixed});
  ASSERT_EQ(findings.size(), 1u);
  EXPECT_EQ(findings[0].corrected,
            (std::vector<std::string>{"SystemCallFilter=@system-service", "SystemCallFilter=~ptrace"}));
  EXPECT_EQ(as_systemd_reads({mixed}, findings)[0].line(), "SystemCallFilter=@system-service");
}

TEST(TrialFindings, DeprecationWarningsAreNotFindings) {
  Evidence e;
  e.sections["pid1_dropin"] =
      "/run/systemd/generator.early/x.service.d/50-hardbisect.conf:4: Unit uses MemoryLimit=; please use "
      "MemoryMax= instead. Support for MemoryLimit= will be removed soon.";
  EXPECT_TRUE(find_ignored_lines(e, {service("MemoryLimit", "100M")}).empty());
  EXPECT_FALSE(says_ignored(e.sections["pid1_dropin"]));
}

TEST(TrialFindings, MergeKeepsOneFindingPerLineAndPart) {
  std::vector<Finding> all;
  auto findings = find_ignored_lines(real_252(), {kSeedFilter, kPrivatePids});
  merge_findings(all, findings);
  merge_findings(all, findings);
  EXPECT_EQ(all.size(), 2u);
  EXPECT_EQ(finding_headline(all[1]), "PrivatePIDs=yes: systemd 252 ignores the whole line");
}

TrialPlan demo_plan() {
  TrialPlan plan;
  plan.image = "localhost/hardbisect-bookworm:abc";
  plan.privilege = options::Privilege::SysAdmin;
  plan.service.unit = "demo.service";
  plan.service.unit_file = "[Service]\nExecStart=/bin/sleep infinity\n";
  plan.workload.command = "true";
  plan.run_id = "test";
  return plan;
}

// On a fake systemd 252 the ignored lines are findings, the trial is judged
// as systemd applies the rest, and the probes of what systemd ignored do not
// make it UNRESOLVED (PrivatePIDs= has no PID namespace to show).
TEST(TrialFindings, IgnoredLinesNeverMakeATrialUnresolved) {
  FakeRuntime fake;
  fake.systemd_version = 252;
  TrialRunner runner(fake, demo_plan(), check_enforcement);
  TrialResult result = runner.run({kSeedFilter, kPrivatePids, service("PrivateTmp", "yes")});
  EXPECT_EQ(result.verdict, Verdict::Pass) << result.reason;
  ASSERT_EQ(result.findings.size(), 2u);
  EXPECT_EQ(result.findings[0].corrected.size(), 3u);
  EXPECT_EQ(result.findings[1].advice, "needs systemd 257: ignored on 252");
  // The verdict is the service's, as on a real host with that systemd.
  fake.rule = rules::fails_if("PrivateTmp=yes");
  result = runner.run({kSeedFilter, kPrivatePids, service("PrivateTmp", "yes")});
  EXPECT_EQ(result.verdict, Verdict::Fail) << result.reason;
  EXPECT_EQ(result.findings.size(), 2u);
  // A systemd that knows every line: no findings, and PrivatePIDs= is probed.
  fake.systemd_version = 0;
  fake.rule = rules::passes();
  result = runner.run({service("SystemCallFilter", "~ptrace process_vm_readv"), kPrivatePids});
  EXPECT_EQ(result.verdict, Verdict::Pass) << result.reason;
  EXPECT_TRUE(result.findings.empty());
  runtime::Reaper::instance().drain();
}

}  // namespace
}  // namespace hb::trial
